/*
 * One call to a provider's JSON API (see api_call.h).
 */

#include <stdlib.h>

#include "clients/api_call.h"


int
elaaoms_api_call(const elaaoms_api_endpoint_t *ep, elaaoms_http_request_t *req,
    elaaoms_http_response_t *resp, int *attempts, elaaoms_api_error_t *err)
{
    int    rc;
    char  *url;

    url = elaaoms_http_join_url(ep->base_url && ep->base_url[0]
                                ? ep->base_url : ep->default_base, ep->path);
    if (url == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return -1;
    }

    req->url = url;

    rc = elaaoms_http_request_retry(&ep->policy, req, resp, attempts, err);

    req->url = NULL;
    free(url);

    if (rc != 0) {
        return -1;
    }

    err->http_status = resp->status;

    return 0;
}
