/*
 * POST /webhook/client-data: ElevenLabs' conversation-initiation hook.
 * Validates the request and answers its response shape: type,
 * dynamic_variables and, where enabled, the first-message override.
 * An unknown, missing or unusable caller gets the generic answer: a call
 * is never failed for want of memory.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>

#include "ngx_http_elaaoms_module.h"
#include "caller_id.h"


static void ngx_http_elaaoms_client_data_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_client_data_answer(ngx_http_request_t *r,
    const char *caller);


/* fields ElevenLabs sends; each is a string when present */
static const char  *ngx_http_elaaoms_client_data_fields[] = {
    "caller_id", "agent_id", "called_number", "call_sid", "call_id", NULL
};


ngx_int_t
ngx_http_elaaoms_client_data_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (!(r->method & NGX_HTTP_POST)) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_read_client_request_body(r,
                                          ngx_http_elaaoms_client_data_body);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_client_data_body(ngx_http_request_t *r)
{
    char         err[256], caller[ELAAOMS_CALLER_MAX], msg[300];
    yajl_val     tree, v;
    ngx_uint_t   i;
    const char  *name, *caller_id;

    tree = ngx_http_elaaoms_body_json(r, err, sizeof(err));
    if (tree == NULL) {
        ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                  NGX_HTTP_BAD_REQUEST, "invalid_json", err));
        return;
    }

    if (!YAJL_IS_OBJECT(tree)) {
        ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                  NGX_HTTP_BAD_REQUEST, "invalid_request",
                                  "The body must be a JSON object."));
        return;
    }

    for (i = 0; ngx_http_elaaoms_client_data_fields[i]; i++) {
        name = ngx_http_elaaoms_client_data_fields[i];
        v = yajl_tree_get(tree, (const char *[]) { name, NULL }, yajl_t_any);

        if (v != NULL && !YAJL_IS_STRING(v) && !YAJL_IS_NULL(v)) {
            (void) ngx_snprintf((u_char *) msg, sizeof(msg),
                                "\"%s\" must be a string.%Z", name);
            ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                      NGX_HTTP_BAD_REQUEST, "invalid_request",
                                      msg));
            return;
        }
    }

    caller[0] = '\0';

    v = yajl_tree_get(tree, (const char *[]) { "caller_id", NULL },
                      yajl_t_string);
    caller_id = v ? YAJL_GET_STRING(v) : NULL;

    if (caller_id
        && elaaoms_caller_normalize(caller_id, ngx_strlen(caller_id), caller,
                                    sizeof(caller)) < 0)
    {
        /* withheld or garbled numbers are anonymous callers, not errors */
        caller[0] = '\0';
    }

    ngx_http_finalize_request(r,
                              ngx_http_elaaoms_client_data_answer(r, caller));
}


static ngx_int_t
ngx_http_elaaoms_client_data_answer(ngx_http_request_t *r, const char *caller)
{
    size_t                        len;
    ngx_int_t                     rc;
    yajl_gen                      g;
    const unsigned char          *out;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

#define gen_str(s)  yajl_gen_string(g, (const unsigned char *) (s),           \
                                    ngx_strlen(s))

    yajl_gen_map_open(g);
    gen_str("type");
    gen_str("conversation_initiation_client_data");

    gen_str("dynamic_variables");
    yajl_gen_map_open(g);
    gen_str("caller_known");
    yajl_gen_bool(g, 0);
    gen_str("caller_call_count");
    yajl_gen_integer(g, 0);
    gen_str("caller_context");
    gen_str("");
    gen_str("caller_key");
    gen_str(caller);
    gen_str("first_message");
    yajl_gen_string(g, elcf->default_first_message.data,
                    elcf->default_first_message.len);
    yajl_gen_map_close(g);

    if (elcf->first_message_override) {
        gen_str("conversation_config_override");
        yajl_gen_map_open(g);
        gen_str("agent");
        yajl_gen_map_open(g);
        gen_str("first_message");
        yajl_gen_string(g, elcf->default_first_message.data,
                        elcf->default_first_message.len);
        yajl_gen_map_close(g);
        yajl_gen_map_close(g);
    }

    yajl_gen_map_close(g);

#undef gen_str

    if (yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok) {
        yajl_gen_free(g);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_elaaoms_send_json(r, NGX_HTTP_OK, (u_char *) out, len);
    yajl_gen_free(g);

    return rc;
}
