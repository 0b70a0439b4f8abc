/*
 * search-memory parameters: one validation for JSON and query strings.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/ids.h"
#include "store/memory_types.h"
#include "search/search_request.h"


void
elaaoms_search_request_init(elaaoms_search_request_t *sr)
{
    memset(sr, 0, sizeof(*sr));
    sr->limit = ELAAOMS_SEARCH_DEFAULT_LIMIT;
    sr->threshold = -1;
    sr->type = -1;
}


static int
elaaoms_sr_error(char *err, size_t errlen, const char *name, const char *what)
{
    snprintf(err, errlen, "\"%s\" %s", name, what);
    return -1;
}


static int
elaaoms_sr_number(const char *s, double *out)
{
    char  *end;

    errno = 0;
    *out = strtod(s, &end);

    return (errno || end == s || *end != '\0' || !isfinite(*out)) ? -1 : 0;
}


static int
elaaoms_sr_set_number(elaaoms_search_request_t *sr, const char *name,
    double v, char *err, size_t errlen)
{
    if (strcmp(name, "limit") == 0) {
        if (v != floor(v) || v < 1 || v > ELAAOMS_SEARCH_MAX_LIMIT) {
            return elaaoms_sr_error(err, errlen, name,
                                    "must be an integer from 1 to 100");
        }
        sr->limit = (int) v;
        return 0;
    }

    if (strcmp(name, "threshold") == 0) {
        if (v < 0 || v > 1) {
            return elaaoms_sr_error(err, errlen, name,
                                    "must be a number from 0 to 1");
        }
        sr->threshold = v;
        return 0;
    }

    if (strcmp(name, "min_importance") == 0) {
        if (v != floor(v) || v < 1 || v > 10) {
            return elaaoms_sr_error(err, errlen, name,
                                    "must be an integer from 1 to 10");
        }
        sr->min_importance = (int) v;
        return 0;
    }

    if (strcmp(name, "since") == 0 || strcmp(name, "until") == 0) {
        if (v != floor(v) || v < 0 || v > 1e11) {
            return elaaoms_sr_error(err, errlen, name,
                                    "must be a unix time in seconds");
        }
        if (name[0] == 's') {
            sr->since = (int64_t) v;
        } else {
            sr->until = (int64_t) v;
        }
        return 0;
    }

    return 1;   /* not a numeric parameter */
}


static int
elaaoms_sr_set_string(elaaoms_search_request_t *sr, const char *name,
    const char *v, char *err, size_t errlen)
{
    if (strcmp(name, "query") == 0) {
        if (strlen(v) > ELAAOMS_SEARCH_MAX_QUERY) {
            return elaaoms_sr_error(err, errlen, name,
                                    "is longer than 1000 characters");
        }
        sr->query = v;
        return 0;
    }

    if (strcmp(name, "caller_id") == 0) {
        sr->caller_id = v;
        return 0;
    }

    if (strcmp(name, "agent_id") == 0) {
        sr->agent_id = v;
        return 0;
    }

    if (strcmp(name, "conversation_id") == 0) {
        if (!elaaoms_conversation_id_valid(v, strlen(v))) {
            return elaaoms_sr_error(err, errlen, name,
                                    "is not a valid conversation id");
        }
        sr->conversation_id = v;
        return 0;
    }

    if (strcmp(name, "call_sid") == 0 || strcmp(name, "call_id") == 0) {
        if (!elaaoms_search_call_id_valid(v)) {
            return elaaoms_sr_error(err, errlen, name,
                                    "is not a valid call id");
        }
        sr->call_id = v;
        return 0;
    }

    if (strcmp(name, "type") == 0) {
        sr->type = elaaoms_mem_type_parse(v, strlen(v));
        if (sr->type < 0) {
            return elaaoms_sr_error(err, errlen, name,
                                    "must be factual, preference, issue, "
                                    "emotion or relationship");
        }
        return 0;
    }

    return 1;   /* not a string parameter */
}


int
elaaoms_search_call_id_valid(const char *s)
{
    size_t  n;

    for (n = 0; s[n] != '\0'; n++) {
        if ((unsigned char) s[n] <= 0x20 || (unsigned char) s[n] >= 0x7f
            || n == ELAAOMS_SEARCH_MAX_CALL_ID)
        {
            return 0;
        }
    }

    return n > 0;
}


int
elaaoms_search_request_set(elaaoms_search_request_t *sr, const char *name,
    const char *value, char *err, size_t errlen)
{
    int     rc;
    double  v;

    if (strcmp(name, "search_all_agents") == 0) {
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
            sr->search_all_agents = 1;
        } else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
            sr->search_all_agents = 0;
        } else {
            return elaaoms_sr_error(err, errlen, name,
                                    "must be true or false");
        }
        return 0;
    }

    rc = elaaoms_sr_set_string(sr, name, value, err, errlen);
    if (rc <= 0) {
        return rc;
    }

    if (strcmp(name, "limit") == 0 || strcmp(name, "threshold") == 0
        || strcmp(name, "min_importance") == 0 || strcmp(name, "since") == 0
        || strcmp(name, "until") == 0)
    {
        if (elaaoms_sr_number(value, &v) != 0) {
            return elaaoms_sr_error(err, errlen, name, "must be a number");
        }
        return elaaoms_sr_set_number(sr, name, v, err, errlen);
    }

    return 0;
}


int
elaaoms_search_request_from_json(elaaoms_search_request_t *sr, yajl_val obj,
    char *err, size_t errlen)
{
    int          rc;
    size_t       i;
    yajl_val     v;
    const char  *name;

    if (!YAJL_IS_OBJECT(obj)) {
        snprintf(err, errlen, "the body must be a JSON object");
        return -1;
    }

    for (i = 0; i < obj->u.object.len; i++) {
        name = obj->u.object.keys[i];
        v = obj->u.object.values[i];

        if (YAJL_IS_NULL(v)) {
            continue;   /* an unset dynamic variable */
        }

        if (strcmp(name, "search_all_agents") == 0) {
            if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
                return elaaoms_sr_error(err, errlen, name,
                                        "must be true or false");
            }
            sr->search_all_agents = YAJL_IS_TRUE(v);
            continue;
        }

        if (YAJL_IS_STRING(v)) {
            rc = elaaoms_sr_set_string(sr, name, v->u.string, err, errlen);
            if (rc < 0) {
                return rc;
            }
            if (rc == 0) {
                continue;
            }
            /* a number sent as a string: LLMs do that */
            rc = elaaoms_search_request_set(sr, name, v->u.string, err,
                                            errlen);
            if (rc < 0) {
                return rc;
            }
            continue;
        }

        if (YAJL_IS_NUMBER(v)) {
            rc = elaaoms_sr_set_number(sr, name, YAJL_GET_DOUBLE(v), err,
                                       errlen);
            if (rc < 0) {
                return rc;
            }
            if (rc == 0) {
                continue;
            }
        }

        if (strcmp(name, "query") == 0 || strcmp(name, "caller_id") == 0
            || strcmp(name, "agent_id") == 0 || strcmp(name, "type") == 0
            || strcmp(name, "conversation_id") == 0
            || strcmp(name, "call_sid") == 0 || strcmp(name, "call_id") == 0)
        {
            return elaaoms_sr_error(err, errlen, name, "must be a string");
        }

        if (strcmp(name, "limit") == 0 || strcmp(name, "threshold") == 0
            || strcmp(name, "min_importance") == 0
            || strcmp(name, "since") == 0 || strcmp(name, "until") == 0)
        {
            return elaaoms_sr_error(err, errlen, name, "must be a number");
        }
    }

    return 0;
}


int
elaaoms_search_request_check(const elaaoms_search_request_t *sr, char *err,
    size_t errlen)
{
    const char  *p;

    if (sr->query == NULL) {
        return elaaoms_sr_error(err, errlen, "query", "is required");
    }

    for (p = sr->query; *p == ' ' || *p == '\t' || *p == '\n'; p++) {
        /* void */
    }

    if (*p == '\0') {
        return elaaoms_sr_error(err, errlen, "query", "must not be empty");
    }

    if (sr->since && sr->until && sr->since > sr->until) {
        snprintf(err, errlen, "\"since\" is after \"until\"");
        return -1;
    }

    return 0;
}
