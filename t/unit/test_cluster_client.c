/*
 * lib/cluster/cluster_client.c without a cluster: seeds refused at
 * creation, requests refused before anything is sent (keys in two slots,
 * keys outside argv, a bad numkeys), and a seed nobody listens on giving
 * up after its bounded retries.  The client against a real cluster:
 * t/integration/test_cluster_client.c.
 */

#include <string.h>
#include <sys/time.h>

#include "unit.h"
#include "cluster/cluster_client.h"


#define ARGV(...)  ((const char *[]) { __VA_ARGS__, NULL })

static char  err[512];


static elaaoms_cluster_t *
create(const char *seed)
{
    const char              *seeds[1] = { seed };
    elaaoms_cluster_conf_t   cf;

    memset(&cf, 0, sizeof(cf));
    cf.seeds = seeds;
    cf.nseeds = 1;
    cf.max_retries = 2;
    cf.retry_ms = 1;
    cf.timeout_ms = 500;

    err[0] = '\0';

    return elaaoms_cluster_create(&cf, err, sizeof(err));
}


static int
run(elaaoms_cluster_t *c, const elaaoms_cluster_keys_t *keys,
    const char **argv, redisReply **r)
{
    int     argc;
    size_t  len[16];

    for (argc = 0; argv[argc] != NULL; argc++) {
        len[argc] = strlen(argv[argc]);
    }

    err[0] = '\0';

    return elaaoms_cluster_command_keys(c, argc, argv, len, keys, r, err,
                                        sizeof(err));
}


static int
eval(elaaoms_cluster_t *c, const char **argv, redisReply **r)
{
    int     argc;
    size_t  len[16];

    for (argc = 0; argv[argc] != NULL; argc++) {
        len[argc] = strlen(argv[argc]);
    }

    return elaaoms_cluster_eval(c, argc, argv, len, NULL, 0, r, err,
                                sizeof(err));
}


int
main(void)
{
    int                      rc;
    double                   t0;
    redisReply              *r;
    struct timeval           tv;
    elaaoms_cluster_t       *c;
    elaaoms_cluster_cmd_t    cmds[2];
    elaaoms_cluster_keys_t   one = { 1, 1, 1 }, all = { 1, -1, 1 };
    elaaoms_cluster_keys_t   pairs = { 1, -1, 2 };
    size_t                   len0[3] = { 3, 3, 1 }, len1[3] = { 3, 3, 1 };
    const char              *set0[3] = { "SET", "{a}", "1" };
    const char              *set1[3] = { "SET", "{b}", "1" };

    /* seeds must be host:port */
    CHECK(create("127.0.0.1") == NULL);
    CHECK(strstr(err, "host:port") != NULL);
    CHECK(create(":7000") == NULL);
    CHECK(create("h:0") == NULL);
    CHECK(create("h:70000") == NULL);

    {
        elaaoms_cluster_conf_t  cf;

        memset(&cf, 0, sizeof(cf));
        CHECK(elaaoms_cluster_create(&cf, err, sizeof(err)) == NULL);
    }

    /* tcpmux's port: nothing listens there on a test machine */
    c = create("127.0.0.1:1");
    CHECK(c != NULL);
    if (c == NULL) {
        return UNIT_DONE("cluster_client");
    }

    /* refused before anything is sent: no connection is even tried */
    CHECK_INT_EQ(run(c, &all, ARGV("MGET", "{a}:1", "{a}:2", "{b}:1"), &r),
                 ELAAOMS_CLUSTER_ERR_CROSSSLOT);
    CHECK(r == NULL);
    CHECK(strncmp(err, "CROSSSLOT", 9) == 0);
    CHECK(strstr(err, "{b}:1") != NULL);

    /* MSET's values are not keys: "{b}" as a value is no crossing */
    CHECK_INT_EQ(run(c, &pairs, ARGV("MSET", "{a}:1", "{b}", "{b}:2", "x"),
                     &r), ELAAOMS_CLUSTER_ERR_CROSSSLOT);
    CHECK(strstr(err, "{b}:2") != NULL);

    CHECK_INT_EQ(run(c, &(elaaoms_cluster_keys_t) { 1, 3, 1 },
                     ARGV("GET", "k"), &r), ELAAOMS_CLUSTER_ERR_ARGS);
    CHECK_INT_EQ(run(c, &(elaaoms_cluster_keys_t) { 1, 1, 0 },
                     ARGV("GET", "k"), &r), ELAAOMS_CLUSTER_ERR_ARGS);
    CHECK_INT_EQ(run(c, &(elaaoms_cluster_keys_t) { 2, 1, 1 },
                     ARGV("GET", "k", "x"), &r), ELAAOMS_CLUSTER_ERR_ARGS);

    CHECK_INT_EQ(eval(c, ARGV("EVAL", "return 1", "2", "{a}", "{b}"), &r),
                 ELAAOMS_CLUSTER_ERR_CROSSSLOT);
    CHECK_INT_EQ(eval(c, ARGV("EVAL", "return 1", "3", "{a}", "{a}"), &r),
                 ELAAOMS_CLUSTER_ERR_ARGS);
    CHECK_INT_EQ(eval(c, ARGV("EVAL", "return 1", "-1"), &r),
                 ELAAOMS_CLUSTER_ERR_ARGS);
    CHECK_INT_EQ(eval(c, ARGV("EVAL", "return 1"), &r),
                 ELAAOMS_CLUSTER_ERR_ARGS);

    cmds[0] = (elaaoms_cluster_cmd_t) { 3, set0, len0, one };
    cmds[1] = (elaaoms_cluster_cmd_t) { 3, set1, len1, one };
    CHECK_INT_EQ(elaaoms_cluster_multi(c, cmds, 2, &r, err, sizeof(err)),
                 ELAAOMS_CLUSTER_ERR_CROSSSLOT);
    CHECK_INT_EQ(elaaoms_cluster_multi(c, cmds, 0, &r, err, sizeof(err)),
                 ELAAOMS_CLUSTER_ERR_ARGS);

    CHECK_INT_EQ(elaaoms_cluster_stats(c)->unreachable, 0);

    /* a command that may go: the seed is down, two retries, then ERR_IO */
    gettimeofday(&tv, NULL);
    t0 = tv.tv_sec + tv.tv_usec / 1e6;

    rc = run(c, &one, ARGV("GET", "k"), &r);
    CHECK_INT_EQ(rc, ELAAOMS_CLUSTER_ERR_IO);
    CHECK(r == NULL);
    CHECK(strstr(err, "connect to 127.0.0.1") != NULL);
    CHECK(elaaoms_cluster_stats(c)->unreachable >= 3);

    gettimeofday(&tv, NULL);
    CHECK(tv.tv_sec + tv.tv_usec / 1e6 - t0 < 2);

    CHECK(elaaoms_cluster_key_context(c, "k", 1, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(elaaoms_cluster_refresh(c, err, sizeof(err)), -1);

    elaaoms_cluster_free(c);
    elaaoms_cluster_free(NULL);

    return UNIT_DONE("cluster_client");
}
