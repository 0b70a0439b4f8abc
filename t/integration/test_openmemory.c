/*
 * The OpenMemory client (lib/clients/openmemory.h) against the stand-in
 * server t/fakes/fake_openmemory.py: add, patch, delete (404 idempotent),
 * list pages, health, a foreign user_id, a refused key, a 500, a slow
 * answer past the timeout.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "clients/openmemory.h"
#include "clients/http_client.h"
#include "util/yajl_util.h"

static pid_t  fake_pid = -1;
static char   base[64];


static void
stop_fake(void)
{
    if (fake_pid > 0) {
        kill(fake_pid, SIGTERM);
        waitpid(fake_pid, NULL, 0);
        fake_pid = -1;
    }
}


static int
start_fake(void)
{
    int    i, port;
    char   dir[] = "/tmp/elaaoms-omfake-XXXXXX", file[128];
    FILE  *f;

    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    snprintf(file, sizeof(file), "%s/port", dir);

    fake_pid = fork();
    if (fake_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        execlp("python3", "python3", "t/fakes/fake_openmemory.py", "--port",
               "0", "--port-file", file, "--key", "k1", "--key", "k2",
               (char *) NULL);
        _exit(127);
    }

    for (i = 0; i < 200; i++) {
        f = fopen(file, "r");
        if (f) {
            port = 0;
            if (fscanf(f, "%d", &port) == 1 && port > 0) {
                fclose(f);
                unlink(file);
                rmdir(dir);
                snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
                return 0;
            }
            fclose(f);
        }
        usleep(50000);
    }

    return -1;
}


/* a raw request to the fake: status, body in *out (freed by the caller) */
static long
raw(const char *method, const char *path, const char *key, const char *body,
    char **out)
{
    char                     url[256];
    elaaoms_http_header_t    hdr = { "x-api-key", key };
    elaaoms_http_request_t   req;
    elaaoms_http_response_t  resp;
    long                     status;

    snprintf(url, sizeof(url), "%s%s", base, path);
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.url = url;
    req.headers = &hdr;
    req.nheaders = key ? 1 : 0;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;

    memset(&resp, 0, sizeof(resp));
    status = elaaoms_http_request(&req, &resp) == ELAAOMS_HTTP_OK
             ? resp.status : -1;
    if (out) {
        *out = resp.body;
        resp.body = NULL;
    }
    elaaoms_http_response_free(&resp);
    return status;
}


static void
record(elaaoms_memory_record_t *m, const char *id, const char *content,
    int importance)
{
    memset(m, 0, sizeof(*m));
    m->id = elaaoms_mstr(id);
    m->org = elaaoms_mstr("acme");
    m->caller = elaaoms_mstr("+15551230001");
    m->conversation_id = elaaoms_mstr("conv_1");
    m->agent_id = elaaoms_mstr("agent_a");
    m->content = elaaoms_mstr(content);
    m->source_quote = elaaoms_mstr("");
    m->embed_model = elaaoms_mstr("");
    m->type = ELAAOMS_MEM_PREFERENCE;
    m->importance = importance;
    m->confidence = 0.9f;
    m->created = 1700000000;
    m->last_reinforced = 1700000000;
}


int
main(void)
{
    int                      i, found;
    char                     id[ELAAOMS_OPENMEMORY_ID_MAX], id2[64], *body;
    char                     reason[128], path[256];
    long                     st;
    yajl_val                 root, items, it, tags;
    elaaoms_api_error_t      err;
    elaaoms_openmemory_t     om = { NULL, "k1", 2000 };
    elaaoms_memory_record_t  m;

    signal(SIGPIPE, SIG_IGN);

    if (start_fake() != 0) {
        UNIT_FAIL("the fake OpenMemory server did not start");
        stop_fake();
        return UNIT_DONE("test_openmemory");
    }
    om.url = base;

    CHECK_INT_EQ(elaaoms_openmemory_health(&om, &err), 0);

    /* add: the id comes back; tags and metadata are the record's */
    record(&m, "1700000000-aaaa", "Prefers email over phone calls", 8);
    CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, NULL, id, &err), 0);
    CHECK(elaaoms_openmemory_id_valid(id));

    CHECK_INT_EQ(elaaoms_openmemory_list(&om, 0, 10, &body, &err), 0);
    root = body ? elaaoms_yajl_parse(body, reason, sizeof(reason)) : NULL;
    items = root ? elaaoms_yajl_arr(root, ELAAOMS_YAJL_PATH("items")) : NULL;
    CHECK(items != NULL && items->u.array.len == 1);
    if (items && items->u.array.len == 1) {
        it = items->u.array.values[0];
        CHECK_STR_EQ(elaaoms_yajl_str(it, ELAAOMS_YAJL_PATH("id")), id);
        CHECK_STR_EQ(elaaoms_yajl_str(it, ELAAOMS_YAJL_PATH("content")),
                     "Prefers email over phone calls");
        CHECK_STR_EQ(elaaoms_yajl_str(it, ELAAOMS_YAJL_PATH("metadata",
                                                           "caller")),
                     "+15551230001");
        CHECK_STR_EQ(elaaoms_yajl_str(it, ELAAOMS_YAJL_PATH("metadata",
                                                           "elaaoms_id")),
                     "1700000000-aaaa");
        CHECK_STR_EQ(elaaoms_yajl_str(it, ELAAOMS_YAJL_PATH("metadata",
                                                           "type")),
                     "preference");
        tags = elaaoms_yajl_arr(it, ELAAOMS_YAJL_PATH("tags"));
        found = 0;
        for (i = 0; tags && i < (int) tags->u.array.len; i++) {
            const char *t = YAJL_GET_STRING(tags->u.array.values[i]);
            found += t && (strcmp(t, "caller:+15551230001") == 0
                           || strcmp(t, "importance:8") == 0
                           || strcmp(t, "org:acme") == 0
                           || strcmp(t, "agent:agent_a") == 0
                           || strcmp(t, "type:preference") == 0);
        }
        CHECK_INT_EQ(found, 5);
    }
    if (root) {
        yajl_tree_free(root);
    }
    free(body);

    /* patch: the new text lands; an unknown id says so */
    record(&m, "1700000000-aaaa", "Prefers text messages", 9);
    CHECK_INT_EQ(elaaoms_openmemory_patch(&om, id, &m, &err), 0);
    CHECK_INT_EQ(elaaoms_openmemory_patch(&om, "no-such-id", &m, &err), 1);

    CHECK_INT_EQ(elaaoms_openmemory_list(&om, 0, 10, &body, &err), 0);
    CHECK(body && strstr(body, "Prefers text messages") != NULL);
    CHECK(body && strstr(body, "importance:9") != NULL);
    free(body);

    /* pages: 3 more, read 2 by 2 */
    for (i = 0; i < 3; i++) {
        snprintf(id2, sizeof(id2), "1700000001-b%d", i);
        record(&m, id2, i == 0 ? "Has a dog named Rex"
                        : i == 1 ? "Lives at 5 Oak St" : "Ordered A100", 5);
        CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, NULL, id2, &err), 0);
    }
    for (i = 0, found = 0; i < 3; i++) {
        CHECK_INT_EQ(elaaoms_openmemory_list(&om, i * 2, 2, &body, &err), 0);
        root = body ? elaaoms_yajl_parse(body, reason, sizeof(reason)) : NULL;
        items = root ? elaaoms_yajl_arr(root, ELAAOMS_YAJL_PATH("items"))
                     : NULL;
        found += items ? (int) items->u.array.len : 0;
        if (root) {
            yajl_tree_free(root);
        }
        free(body);
    }
    CHECK_INT_EQ(found, 4);

    /* another tenant sees none of it and cannot touch it */
    snprintf(path, sizeof(path), "/memory/%s", id);
    CHECK_INT_EQ(raw("DELETE", path, "k2", NULL, NULL), 403);
    CHECK_INT_EQ(raw("POST", "/memory/add", "k1",
                     "{\"content\":\"x\",\"user_id\":\"someone-else\"}",
                     NULL), 403);
    CHECK_INT_EQ(raw("GET", "/memory/all", NULL, NULL, NULL), 401);

    /* a key the server does not know: refused, reported */
    om.api_key = "wrong";
    record(&m, "1700000002-cccc", "Anything", 5);
    CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, NULL, id2, &err), -1);
    CHECK_INT_EQ(err.http_status, 403);
    om.api_key = "k1";

    /* delete: gone; again: still fine (404 is deleted) */
    CHECK_INT_EQ(elaaoms_openmemory_delete(&om, id, &err), 0);
    CHECK_INT_EQ(raw("DELETE", path, "k1", NULL, NULL), 404);
    CHECK_INT_EQ(elaaoms_openmemory_delete(&om, id, &err), 0);

    /* a 500: an error, retryable */
    st = raw("POST", "/_control", NULL, "{\"fail\": 1}", NULL);
    CHECK_INT_EQ(st, 200);
    CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, NULL, id2, &err), -1);
    CHECK_INT_EQ(err.http_status, 500);
    CHECK(err.retryable);

    /* slower than the timeout: an error, not a hang */
    raw("POST", "/_control", NULL, "{\"latency_ms\": 1500}", NULL);
    om.timeout_ms = 300;
    CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, NULL, id2, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_TIMEOUT);
    raw("POST", "/_control", NULL, "{\"latency_ms\": 0}", NULL);

    /* the key never travels in the URL or the body */
    CHECK_INT_EQ(raw("GET", "/_requests", NULL, NULL, &body), 200);
    CHECK(body && strstr(body, "\"x-api-key\": \"k1\"") != NULL);
    free(body);

    /*
     * The server's own merge (the real one: simhash of the words, whole
     * database, any tenant): the same words again answer the first copy's
     * id with "deduplicated"; a suffix makes the text distinct.
     */
    raw("POST", "/_control", NULL, "{\"reset\": true}", NULL);
    om.timeout_ms = 2000;
    record(&m, "1700000003-dddd", "Prefers email over phone calls", 5);
    CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, NULL, id, &err), 0);
    om.api_key = "k2";
    record(&m, "1700000004-eeee", "prefers EMAIL over phone calls.", 5);
    CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, NULL, id2, &err), 1);
    CHECK_STR_EQ(id2, id);
    CHECK_INT_EQ(elaaoms_openmemory_add(&om, &m, " [elaaoms:1700000004-eeee]",
                                        id2, &err), 0);
    CHECK(strcmp(id2, id) != 0);
    CHECK_INT_EQ(elaaoms_openmemory_list(&om, 0, 10, &body, &err), 0);
    CHECK(body && strstr(body, "calls. [elaaoms:1700000004-eeee]") != NULL);
    free(body);
    om.api_key = "k1";

    stop_fake();
    return UNIT_DONE("test_openmemory");
}
