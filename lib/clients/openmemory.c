/*
 * The OpenMemory client (see openmemory.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/api_call.h"
#include "clients/openmemory.h"
#include "store/memory_types.h"
#include "util/yajl_util.h"


int
elaaoms_openmemory_id_valid(const char *s)
{
    size_t  i;

    for (i = 0; s[i]; i++) {
        if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '/' || s[i] == '?'
            || s[i] == '#' || s[i] == '%')
        {
            return 0;
        }
    }

    return i > 0 && i < ELAAOMS_OPENMEMORY_ID_MAX;
}


static void
elaaoms_om_kv(elaaoms_jgen_t *j, const char *key, elaaoms_mstr_t v)
{
    elaaoms_jgen_cstr(j, key);
    elaaoms_jgen_str(j, v.data, v.len);
}


static void
elaaoms_om_tag(elaaoms_jgen_t *j, const char *prefix, elaaoms_mstr_t v)
{
    char  buf[512];

    if (v.len + strlen(prefix) < sizeof(buf)) {
        snprintf(buf, sizeof(buf), "%s%.*s", prefix, (int) v.len, v.data);
        elaaoms_jgen_cstr(j, buf);
    }
}


char *
elaaoms_openmemory_body(const elaaoms_memory_record_t *m, const char *suffix,
    size_t *len, elaaoms_api_error_t *err)
{
    char                  imp[32], *text;
    char                 *out;
    unsigned              i;
    size_t                n;
    const unsigned char  *buf;
    elaaoms_jgen_t        j;

    if (elaaoms_jgen_init(&j, 1) != 0) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return NULL;
    }

    elaaoms_jgen_map_open(&j);

    if (suffix == NULL || suffix[0] == '\0') {
        elaaoms_om_kv(&j, "content", m->content);

    } else {
        n = strlen(suffix);
        text = malloc(m->content.len + n);
        if (text == NULL) {
            elaaoms_jgen_free(&j);
            elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1,
                                  "out of memory");
            return NULL;
        }
        memcpy(text, m->content.data, m->content.len);
        memcpy(text + m->content.len, suffix, n);
        elaaoms_jgen_cstr(&j, "content");
        elaaoms_jgen_str(&j, text, m->content.len + n);
        free(text);
    }

    /* tags: what OpenMemory's dashboard and MCP tools filter on */
    elaaoms_jgen_cstr(&j, "tags");
    elaaoms_jgen_array_open(&j);
    elaaoms_jgen_cstr(&j, "elaaoms");
    elaaoms_om_tag(&j, "org:", m->org);
    elaaoms_om_tag(&j, "caller:", m->caller);
    if (m->agent_id.len) {
        elaaoms_om_tag(&j, "agent:", m->agent_id);
    }
    elaaoms_om_tag(&j, "type:", elaaoms_mstr(elaaoms_mem_type_name(m->type)));
    snprintf(imp, sizeof(imp), "importance:%d", m->importance);
    elaaoms_jgen_cstr(&j, imp);
    elaaoms_jgen_array_close(&j);

    /* metadata: the whole record but its vectors, for the importer */
    elaaoms_jgen_cstr(&j, "metadata");
    elaaoms_jgen_map_open(&j);
    elaaoms_jgen_cstr(&j, "source");
    elaaoms_jgen_cstr(&j, "elaaoms");
    elaaoms_om_kv(&j, "elaaoms_id", m->id);
    elaaoms_om_kv(&j, "org", m->org);
    elaaoms_om_kv(&j, "caller", m->caller);
    elaaoms_jgen_cstr(&j, "type");
    elaaoms_jgen_cstr(&j, elaaoms_mem_type_name(m->type));
    elaaoms_jgen_cstr(&j, "importance");
    elaaoms_jgen_int(&j, m->importance);
    elaaoms_jgen_cstr(&j, "confidence");
    elaaoms_jgen_double(&j, m->confidence);
    elaaoms_om_kv(&j, "conversation_id", m->conversation_id);
    elaaoms_om_kv(&j, "agent_id", m->agent_id);
    elaaoms_jgen_cstr(&j, "agents");
    elaaoms_jgen_array_open(&j);
    for (i = 0; i < m->nprior_agents; i++) {
        elaaoms_jgen_str(&j, m->prior_agents[i].data, m->prior_agents[i].len);
    }
    if (m->agent_id.len) {
        elaaoms_jgen_str(&j, m->agent_id.data, m->agent_id.len);
    }
    elaaoms_jgen_array_close(&j);
    elaaoms_jgen_cstr(&j, "created");
    elaaoms_jgen_int(&j, m->created);
    elaaoms_jgen_cstr(&j, "last_reinforced");
    elaaoms_jgen_int(&j, m->last_reinforced);
    elaaoms_jgen_cstr(&j, "reinforcement_count");
    elaaoms_jgen_int(&j, m->reinforcement_count);
    elaaoms_jgen_cstr(&j, "shareable");
    elaaoms_jgen_bool(&j, m->importance >= ELAAOMS_MEMORY_SHAREABLE_MIN);
    elaaoms_jgen_cstr(&j, "identity");
    elaaoms_jgen_bool(&j, (m->flags & ELAAOMS_MEMORY_F_IDENTITY) != 0);
    elaaoms_jgen_cstr(&j, "superseded");
    elaaoms_jgen_bool(&j, (m->flags & ELAAOMS_MEMORY_F_SUPERSEDED) != 0);
    elaaoms_jgen_cstr(&j, "conflicts");
    elaaoms_jgen_array_open(&j);
    for (i = 0; i < m->nconflicts; i++) {
        elaaoms_jgen_str(&j, m->conflicts[i].data, m->conflicts[i].len);
    }
    elaaoms_jgen_array_close(&j);
    elaaoms_om_kv(&j, "source_quote", m->source_quote);
    elaaoms_jgen_map_close(&j);

    elaaoms_jgen_map_close(&j);

    out = NULL;
    if (elaaoms_jgen_buf(&j, &buf, &n) != 0 || (out = malloc(n + 1)) == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "openmemory: memory not encodable as JSON");
    } else {
        memcpy(out, buf, n);
        out[n] = '\0';
        *len = n;
    }

    elaaoms_jgen_free(&j);
    return out;
}


/* one request, no retry (the mirror's queue retries); 0 or -1 */
static int
elaaoms_om_call(const elaaoms_openmemory_t *om, const char *method,
    const char *path, const char *body, size_t len,
    elaaoms_http_response_t *resp, elaaoms_api_error_t *err)
{
    elaaoms_http_header_t    hdr;
    elaaoms_api_endpoint_t   ep;
    elaaoms_http_request_t   req;

    elaaoms_api_error_reset(err);

    if (om->url == NULL || om->url[0] == '\0' || om->api_key == NULL
        || om->api_key[0] == '\0')
    {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_CONFIG, 0,
                              "openmemory: a url and an api key are required");
        return -1;
    }

    memset(&ep, 0, sizeof(elaaoms_api_endpoint_t));
    ep.base_url = om->url;
    ep.default_base = om->url;
    ep.path = path;

    hdr.name = "x-api-key";
    hdr.value = om->api_key;

    memset(&req, 0, sizeof(elaaoms_http_request_t));
    req.method = method;
    req.headers = &hdr;
    req.nheaders = 1;
    req.body = body;
    req.body_len = len;
    req.timeout_ms = om->timeout_ms > 0 ? om->timeout_ms
                                        : ELAAOMS_OPENMEMORY_TIMEOUT_MS;

    return elaaoms_api_call(&ep, &req, resp, NULL, err);
}


/* an add or a patch of m to path */
static int
elaaoms_om_write(const elaaoms_openmemory_t *om, const char *method,
    const char *path, const elaaoms_memory_record_t *m, const char *suffix,
    elaaoms_http_response_t *resp, elaaoms_api_error_t *err)
{
    int     rc;
    char   *body;
    size_t  len;

    body = elaaoms_openmemory_body(m, suffix, &len, err);
    if (body == NULL) {
        return -1;
    }

    rc = elaaoms_om_call(om, method, path, body, len, resp, err);
    free(body);

    return rc;
}


int
elaaoms_openmemory_add(const elaaoms_openmemory_t *om,
    const elaaoms_memory_record_t *m, const char *suffix, char *id,
    elaaoms_api_error_t *err)
{
    int                      dedup;
    char                     reason[128];
    const char              *s;
    yajl_val                 root, v;
    elaaoms_http_response_t  resp;

    if (elaaoms_om_write(om, "POST", "/memory/add", m, suffix, &resp, err)
        != 0)
    {
        return -1;
    }

    root = elaaoms_yajl_parse(resp.body, reason, sizeof(reason));
    s = root ? elaaoms_yajl_str(root, ELAAOMS_YAJL_PATH("id")) : NULL;

    /* the server's own merge: the id is another memory's (any tenant's) */
    v = root ? yajl_tree_get(root, ELAAOMS_YAJL_PATH("deduplicated"),
                             yajl_t_true)
             : NULL;
    dedup = (v != NULL);

    if (s == NULL || !elaaoms_openmemory_id_valid(s)) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "openmemory: /memory/add answered no id");
        if (root) {
            yajl_tree_free(root);
        }
        elaaoms_http_response_free(&resp);
        return -1;
    }

    strcpy(id, s);

    yajl_tree_free(root);
    elaaoms_http_response_free(&resp);
    return dedup;
}


/* "/memory/<id>" for a valid id; 0 or -1 */
static int
elaaoms_om_path(char *path, size_t size, const char *id,
    elaaoms_api_error_t *err)
{
    if (!elaaoms_openmemory_id_valid(id)) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "openmemory: invalid id");
        return -1;
    }

    snprintf(path, size, "/memory/%s", id);
    return 0;
}


int
elaaoms_openmemory_patch(const elaaoms_openmemory_t *om, const char *id,
    const elaaoms_memory_record_t *m, elaaoms_api_error_t *err)
{
    char                     path[ELAAOMS_OPENMEMORY_ID_MAX + 16];
    elaaoms_http_response_t  resp;

    if (elaaoms_om_path(path, sizeof(path), id, err) != 0) {
        return -1;
    }

    if (elaaoms_om_write(om, "PATCH", path, m, NULL, &resp, err) != 0) {
        return err->http_status == 404 ? 1 : -1;
    }

    elaaoms_http_response_free(&resp);
    return 0;
}


int
elaaoms_openmemory_delete(const elaaoms_openmemory_t *om, const char *id,
    elaaoms_api_error_t *err)
{
    char                     path[ELAAOMS_OPENMEMORY_ID_MAX + 16];
    elaaoms_http_response_t  resp;

    if (elaaoms_om_path(path, sizeof(path), id, err) != 0) {
        return -1;
    }

    if (elaaoms_om_call(om, "DELETE", path, NULL, 0, &resp, err) != 0) {
        /* gone already: what a delete wanted */
        return err->http_status == 404 ? 0 : -1;
    }

    elaaoms_http_response_free(&resp);
    return 0;
}


int
elaaoms_openmemory_list(const elaaoms_openmemory_t *om, long offset,
    long limit, char **body, elaaoms_api_error_t *err)
{
    char                     path[64];
    elaaoms_http_response_t  resp;

    *body = NULL;

    if (offset < 0 || limit < 1 || limit > ELAAOMS_OPENMEMORY_PAGE_MAX) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "openmemory: invalid page");
        return -1;
    }

    snprintf(path, sizeof(path), "/memory/all?u=%ld&l=%ld", offset, limit);

    if (elaaoms_om_call(om, "GET", path, NULL, 0, &resp, err) != 0) {
        return -1;
    }

    *body = resp.body;                  /* ownership passes to the caller */
    resp.body = NULL;
    elaaoms_http_response_free(&resp);
    return 0;
}


int
elaaoms_openmemory_health(const elaaoms_openmemory_t *om,
    elaaoms_api_error_t *err)
{
    elaaoms_http_response_t  resp;

    if (elaaoms_om_call(om, "GET", "/health", NULL, 0, &resp, err) != 0) {
        return -1;
    }

    elaaoms_http_response_free(&resp);
    return 0;
}
