/*
 * worker_metrics: the series text the worker writes and nginx serves --
 * labels sorted by name whatever order they are given in, values
 * escaped as the exposition format asks, too long refused.
 */

#include <string.h>

#include "unit.h"
#include "store/worker_metrics.h"


int
main(void)
{
    char         buf[ELAAOMS_METRICS_SERIES_MAX], small[24];
    const char  *l1[] = { "provider", "openai", "outcome", "ok", NULL };
    const char  *l2[] = { "outcome", "ok", "provider", "openai", NULL };
    const char  *l3[] = { "model", "gpt \"4o\"\\mini\nx", NULL };
    const char  *many[] = { "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
                            "f", "6", "g", "7", "h", "8", "i", "9", NULL };

    CHECK_INT_EQ(elaaoms_metrics_series(buf, sizeof(buf),
                                        "elaaoms_extractions_total", l1),
                 (int) strlen("elaaoms_extractions_total{outcome=\"ok\","
                              "provider=\"openai\"}"));
    CHECK_STR_EQ(buf, "elaaoms_extractions_total{outcome=\"ok\","
                      "provider=\"openai\"}");

    /* one series is one field whatever the order given */
    CHECK(elaaoms_metrics_series(buf, sizeof(buf),
                                 "elaaoms_extractions_total", l2) > 0);
    CHECK_STR_EQ(buf, "elaaoms_extractions_total{outcome=\"ok\","
                      "provider=\"openai\"}");

    /* no labels: the bare name */
    CHECK(elaaoms_metrics_series(buf, sizeof(buf),
                                 "elaaoms_postcall_to_stored_seconds_count",
                                 NULL) > 0);
    CHECK_STR_EQ(buf, "elaaoms_postcall_to_stored_seconds_count");

    /* \ " and newline escaped */
    CHECK(elaaoms_metrics_series(buf, sizeof(buf), "elaaoms_x", l3) > 0);
    CHECK_STR_EQ(buf, "elaaoms_x{model=\"gpt \\\"4o\\\"\\\\mini\\nx\"}");

    /* too long, or too many labels: refused, not cut */
    CHECK_INT_EQ(elaaoms_metrics_series(small, sizeof(small),
                                        "elaaoms_extractions_total", l1), -1);
    CHECK_INT_EQ(elaaoms_metrics_series(buf, sizeof(buf), "elaaoms_x", many),
                 -1);

    return UNIT_DONE("worker_metrics");
}
