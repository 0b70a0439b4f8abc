#include "unit.h"
#include "util/json_parse.h"
#include "search/search_request.h"


static int
from_json(const char *text, elaaoms_search_request_t *sr, char *err,
    yajl_val *tree)
{
    elaaoms_json_rc_t  rc;

    *tree = elaaoms_json_parse(text, strlen(text), 16, &rc, err, 256);
    if (*tree == NULL) {
        return -2;
    }

    elaaoms_search_request_init(sr);

    if (elaaoms_search_request_from_json(sr, *tree, err, 256) != 0) {
        return -1;
    }

    return elaaoms_search_request_check(sr, err, 256);
}


int
main(void)
{
    char                      err[256];
    yajl_val                  t;
    elaaoms_search_request_t  sr;

    CHECK_INT_EQ(from_json("{\"query\":\"What was my last order number?\","
                           "\"caller_id\":\"+14155550123\",\"agent_id\":\"a1\","
                           "\"search_all_agents\":false,\"limit\":5}",
                           &sr, err, &t), 0);
    CHECK_STR_EQ(sr.query, "What was my last order number?");
    CHECK_STR_EQ(sr.caller_id, "+14155550123");
    CHECK_INT_EQ(sr.limit, 5);
    CHECK(sr.threshold < 0);
    CHECK_INT_EQ(sr.type, -1);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":\"x\",\"limit\":101}", &sr, err, &t),
                 -1);
    CHECK(strstr(err, "limit") != NULL);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":\"x\",\"limit\":2.5}", &sr, err, &t),
                 -1);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":\"x\",\"threshold\":1.5}", &sr, err,
                           &t), -1);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":\"x\",\"type\":\"gossip\"}", &sr, err,
                           &t), -1);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":42}", &sr, err, &t), -1);
    CHECK(strstr(err, "query") != NULL);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"caller_id\":\"+1\"}", &sr, err, &t), -1);
    CHECK(strstr(err, "required") != NULL);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":\"  \"}", &sr, err, &t), -1);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":\"x\",\"search_all_agents\":\"yes\"}",
                           &sr, err, &t), -1);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("[1,2]", &sr, err, &t), -1);
    yajl_tree_free(t);

    /* numbers as strings, nulls for unset dynamic variables */
    CHECK_INT_EQ(from_json("{\"query\":\"x\",\"limit\":\"7\","
                           "\"threshold\":\"0.5\",\"type\":\"issue\","
                           "\"agent_id\":null,\"min_importance\":8}",
                           &sr, err, &t), 0);
    CHECK_INT_EQ(sr.limit, 7);
    CHECK(sr.threshold > 0.49 && sr.threshold < 0.51);
    CHECK_INT_EQ(sr.type, 2);
    CHECK(sr.agent_id == NULL);
    CHECK_INT_EQ(sr.min_importance, 8);
    yajl_tree_free(t);

    CHECK_INT_EQ(from_json("{\"query\":\"x\",\"since\":20,\"until\":10}",
                           &sr, err, &t), -1);
    yajl_tree_free(t);

    /* query-string form */
    elaaoms_search_request_init(&sr);
    CHECK_INT_EQ(elaaoms_search_request_set(&sr, "query", "order", err,
                                            sizeof(err)), 0);
    CHECK_INT_EQ(elaaoms_search_request_set(&sr, "limit", "3", err,
                                            sizeof(err)), 0);
    CHECK_INT_EQ(elaaoms_search_request_set(&sr, "search_all_agents", "true",
                                            err, sizeof(err)), 0);
    CHECK_INT_EQ(elaaoms_search_request_set(&sr, "limit", "abc", err,
                                            sizeof(err)), -1);
    CHECK_INT_EQ(elaaoms_search_request_set(&sr, "conversation_id",
                                            "../../etc", err, sizeof(err)),
                 -1);
    CHECK_INT_EQ(elaaoms_search_request_set(&sr, "unknown", "x", err,
                                            sizeof(err)), 0);
    CHECK_INT_EQ(elaaoms_search_request_check(&sr, err, sizeof(err)), 0);
    CHECK_INT_EQ(sr.limit, 3);
    CHECK_INT_EQ(sr.search_all_agents, 1);

    return UNIT_DONE("search_request");
}
