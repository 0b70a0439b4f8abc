/*
 * One extraction job (see process.h).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/caller_erase.h"
#include "store/redis_keys.h"
#include "context/context_store.h"
#include "clients/elevenlabs_api.h"
#include "search/embed.h"
#include "clients/embed_openai.h"
#include "extract/extract_offline.h"
#include "store/memory_dedup.h"
#include "store/memory_store.h"
#include "intake/postcall.h"
#include "extract/privacy.h"
#include "openmemory_mirror.h"
#include "process.h"
#include "store/worker_metrics.h"
#include "extract/transcript.h"
#include "worker_io.h"
#include "worker_log.h"


typedef struct {
    long long  input_tokens;
    long long  output_tokens;
    double     cost;
    int        calls;
    char       provider[16];
    char       model[128];       /* the provider's model: usage by model */
    int        fell_back;
    long long  embed_tokens;     /* of the embeddings request */
} elaaoms_usage_sum_t;


static int
elaaoms_process_has_key(const elaaoms_worker_config_t *cf)
{
    return cf->openai_api_key[0] || cf->anthropic_api_key[0];
}


int
elaaoms_processor_init(elaaoms_processor_t *p,
    const elaaoms_worker_config_t *cf)
{
    p->cf = cf;

    if (strcmp(cf->embedder, "openai") == 0) {
        elaaoms_log(ELAAOMS_LOG_INFO, NULL, "memories embedded by OpenAI "
                    "%s at %s (the offline embedder when that fails), "
                    "the offline vectors kept beside them for nginx",
                    cf->openai_embed_model, cf->openai_base_url);
    }

    if (strcmp(cf->llm_provider, "offline") == 0
        || (strcmp(cf->llm_provider, "auto") == 0
            && !elaaoms_process_has_key(cf)))
    {
        /* said once, clearly: the offline rules are a fallback */
        elaaoms_log(ELAAOMS_LOG_WARN, NULL,
                    "no LLM provider configured: memories come from the "
                    "built-in offline extractor (deterministic rules). Set "
                    "openai_api_key or anthropic_api_key for much better "
                    "memories.");
        return 0;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL, "extraction by %s%s",
                cf->llm_provider, cf->llm_fallback ? ", with fallback" : "");
    return 0;
}


static void
elaaoms_process_llm(const elaaoms_worker_config_t *cf, elaaoms_llm_kind_e kind,
    elaaoms_llm_t *llm)
{
    elaaoms_llm_defaults(llm, kind);

    if (kind == ELAAOMS_LLM_OPENAI) {
        llm->base_url = cf->openai_base_url;
        llm->api_key = cf->openai_api_key;
        llm->model = cf->openai_model;
        llm->price_input_per_mtok = cf->openai_price_in;
        llm->price_output_per_mtok = cf->openai_price_out;

    } else {
        llm->base_url = cf->anthropic_base_url;
        llm->api_key = cf->anthropic_api_key;
        llm->model = cf->anthropic_model;
        llm->price_input_per_mtok = cf->anthropic_price_in;
        llm->price_output_per_mtok = cf->anthropic_price_out;
    }

    llm->timeout_ms = cf->llm_timeout_ms;
    llm->max_retries = cf->llm_max_retries;
    llm->retry_base_ms = cf->llm_retry_base_ms;
}


/*
 * Extraction of one chunk by the organization's provider: the LLM with
 * its fallback, or the offline rules.  -1 with err set when it failed.
 */
static int
elaaoms_process_extract_chunk(elaaoms_processor_t *p, const char *org,
    const char *text, elaaoms_extracted_list_t *out, elaaoms_usage_sum_t *sum,
    char *err, size_t errlen)
{
    int                        rc, have_second;
    const char                *provider;
    elaaoms_llm_t              primary, secondary;
    elaaoms_llm_kind_e         kind;
    elaaoms_llm_usage_t        usage;
    elaaoms_llm_error_t        lerr;
    const elaaoms_worker_config_t  *cf = p->cf;

    provider = elaaoms_worker_config_provider(cf, org);

    if (strcmp(provider, "offline") == 0
        || (strcmp(provider, "auto") == 0 && !elaaoms_process_has_key(cf)))
    {
        snprintf(sum->provider, sizeof(sum->provider), "offline");
        snprintf(sum->model, sizeof(sum->model), "offline");
        if (elaaoms_extract_offline(text, out) != 0) {
            snprintf(err, errlen, "offline extraction failed");
            return -1;
        }
        return 0;
    }

    if (elaaoms_llm_choose(provider, cf->openai_api_key,
                           cf->anthropic_api_key, &kind) != 0)
    {
        snprintf(err, errlen, "provider \"%s\" has no API key", provider);
        return -1;
    }

    elaaoms_process_llm(cf, kind, &primary);

    have_second = 0;
    if (cf->llm_fallback) {
        elaaoms_llm_kind_e  other = (kind == ELAAOMS_LLM_OPENAI)
                                    ? ELAAOMS_LLM_ANTHROPIC
                                    : ELAAOMS_LLM_OPENAI;

        elaaoms_process_llm(cf, other, &secondary);
        have_second = (secondary.api_key[0] != '\0');
    }

    memset(&usage, 0, sizeof(usage));
    memset(&lerr, 0, sizeof(lerr));

    rc = elaaoms_llm_extract_with_fallback(&primary,
                                           have_second ? &secondary : NULL,
                                           text, out, &usage, &lerr);

    sum->input_tokens += usage.input_tokens;
    sum->output_tokens += usage.output_tokens;
    sum->cost += usage.cost;
    sum->calls += usage.attempts;
    sum->fell_back |= usage.fell_back;

    if (rc != 0) {
        snprintf(err, errlen, "%s", lerr.message);
        return -1;
    }

    snprintf(sum->provider, sizeof(sum->provider), "%s",
             elaaoms_llm_kind_name(usage.provider));
    snprintf(sum->model, sizeof(sum->model), "%s",
             usage.model ? usage.model : "");

    return 0;
}


/* chunks of ~chunk_tokens with overlap, extracted one by one and merged */
static int
elaaoms_process_extract(elaaoms_processor_t *p, const char *org,
    const char *text, size_t len, elaaoms_extracted_list_t *out,
    elaaoms_usage_sum_t *sum, char *err, size_t errlen)
{
    size_t                        i;
    elaaoms_extracted_list_t      part;
    elaaoms_transcript_chunks_t   chunks;

    if (elaaoms_transcript_chunks(text, len, p->cf->chunk_tokens,
                                  p->cf->chunk_overlap, &chunks) != 0)
    {
        snprintf(err, errlen, "could not chunk the transcript");
        return -1;
    }

    for (i = 0; i < chunks.n; i++) {
        memset(&part, 0, sizeof(part));

        if (elaaoms_process_extract_chunk(p, org, chunks.items[i].text,
                                          &part, sum, err, errlen) != 0
            || elaaoms_extracted_merge(out, &part) != 0)
        {
            elaaoms_extracted_free(&part);
            elaaoms_transcript_chunks_free(&chunks);
            return -1;
        }

        /* merge added part.dropped to out->dropped */
        elaaoms_extracted_free(&part);
    }

    if (chunks.n > 1) {
        elaaoms_log(ELAAOMS_LOG_INFO, NULL, "long transcript: %zu chunks",
                    chunks.n);
    }

    elaaoms_transcript_chunks_free(&chunks);
    return 0;
}


/*
 * The privacy filter over memory contents, before storage: redacted, or
 * the memory dropped, per privacy_policy.  Returns how many were dropped.
 */
static size_t
elaaoms_process_filter_memories(const elaaoms_worker_config_t *cf,
    const char *caller, elaaoms_extracted_list_t *list)
{
    int                        drop;
    char                      *clean;
    size_t                     i, kept, dropped, clean_len;
    elaaoms_privacy_counts_t   counts;

    drop = (strcmp(cf->privacy_policy, "drop") == 0);
    kept = 0;
    dropped = 0;

    for (i = 0; i < list->n; i++) {
        elaaoms_extracted_t  *it = &list->items[i];

        if (elaaoms_privacy_filter(it->content, strlen(it->content), caller,
                                   drop ? ELAAOMS_PRIVACY_DROP
                                        : ELAAOMS_PRIVACY_REDACT,
                                   &clean, &clean_len, &counts) < 0)
        {
            clean = NULL;
        }

        if (clean == NULL
            || (drop && (counts.cards || counts.ssns || counts.emails
                         || counts.phones || counts.numbers
                         || counts.ibans)))
        {
            free(clean);
            free(it->content);
            free(it->source_quote);
            dropped++;
            continue;
        }

        free(it->content);
        it->content = clean;

        /* the quote is transcript text: it gets the same treatment */
        if (elaaoms_privacy_filter(it->source_quote, strlen(it->source_quote),
                                   caller, ELAAOMS_PRIVACY_REDACT, &clean,
                                   &clean_len, NULL) >= 0 && clean)
        {
            free(it->source_quote);
            it->source_quote = clean;
        }

        list->items[kept++] = *it;
    }

    list->n = kept;
    return dropped;
}


/* the memories worth an embedding: those the store may accept */
static int
elaaoms_process_embeddable(const elaaoms_extracted_t *it)
{
    return (unsigned) it->type < ELAAOMS_MEM_NTYPES
           && it->importance >= 1 && it->importance <= 10
           && it->confidence >= 0 && it->confidence <= 1
           && it->content != NULL && it->content[0] != '\0'
           && strlen(it->content) <= ELAAOMS_MEMORY_STR_MAX;
}


/*
 * embedder openai (process.h): one request per job (another per
 * ELAAOMS_EMBED_MAX_BATCH memories beyond the first batch).  Never fatal:
 * the caller stores offline vectors instead.
 */
int
elaaoms_process_embed(const elaaoms_worker_config_t *cf,
    const elaaoms_extracted_list_t *list, float **vectors, size_t *dim,
    long long *tokens, char *err, size_t errlen)
{
    int                      rc;
    float                   *out, *v;
    size_t                   i, j, m, at, cnt, d, *idx;
    long long                tok;
    const char             **texts;
    elaaoms_api_error_t      aerr;
    elaaoms_embed_openai_t   eo;

    *vectors = NULL;
    *dim = 0;

    idx = calloc(list->n ? list->n : 1, sizeof(size_t));
    texts = calloc(list->n ? list->n : 1, sizeof(char *));
    if (idx == NULL || texts == NULL) {
        free(idx);
        free(texts);
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    m = 0;
    for (i = 0; i < list->n; i++) {
        if (elaaoms_process_embeddable(&list->items[i])) {
            idx[m] = i;
            texts[m++] = list->items[i].content;
        }
    }

    memset(&eo, 0, sizeof(eo));
    eo.base_url = cf->openai_base_url;
    eo.api_key = cf->openai_api_key;
    eo.model = cf->openai_embed_model;
    eo.dimensions = cf->openai_embed_dimensions;
    eo.timeout_ms = cf->llm_timeout_ms;
    eo.max_retries = cf->llm_max_retries;
    eo.retry_base_ms = cf->llm_retry_base_ms;

    out = NULL;
    d = 0;
    rc = 0;

    for (at = 0; at < m && rc == 0; at += cnt) {
        cnt = m - at;
        if (cnt > ELAAOMS_EMBED_MAX_BATCH) {
            cnt = ELAAOMS_EMBED_MAX_BATCH;
        }

        v = NULL;
        tok = 0;
        elaaoms_api_error_reset(&aerr);

        if (elaaoms_embed_openai(&eo, (const char *const *) texts + at, cnt,
                                 &v, &j, &tok, &aerr) != 0)
        {
            snprintf(err, errlen, "%s", aerr.message);
            rc = -1;
            break;
        }

        *tokens += tok;

        if (out == NULL) {
            d = j;
            if (d == 0 || d > ELAAOMS_MEMORY_MAX_DIM) {
                snprintf(err, errlen, "%zu dimensions: records hold 1..%d "
                         "(set openai_embed_dimensions)", d,
                         ELAAOMS_MEMORY_MAX_DIM);
                rc = -1;

            } else {
                out = calloc(list->n * d, sizeof(float));
                if (out == NULL) {
                    snprintf(err, errlen, "out of memory");
                    rc = -1;
                }
            }

        } else if (j != d) {
            snprintf(err, errlen, "batches of %zu and %zu dimensions", d, j);
            rc = -1;
        }

        for (i = 0; rc == 0 && i < cnt; i++) {
            memcpy(out + idx[at + i] * d, v + i * d, d * sizeof(float));
        }

        free(v);
    }

    free(idx);
    free(texts);

    if (rc != 0) {
        free(out);
        return -1;
    }

    *vectors = out;
    *dim = out ? d : 0;

    return 0;
}


int
elaaoms_process_profile_fetch(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *agent_id,
    elaaoms_agent_profile_t *profile, elaaoms_api_error_t *aerr)
{
    int                    ok;
    char                   key[ELAAOMS_KEY_MAX], *raw;
    redisReply            *r;
    elaaoms_elevenlabs_t   api;

    elaaoms_api_error_reset(aerr);

    if (cf->elevenlabs_api_key[0] == '\0') {
        elaaoms_api_error_set(aerr, ELAAOMS_API_ERR_CONFIG, 0, "no "
                              "ElevenLabs API key configured "
                              "(elevenlabs_api_key or $ELEVENLABS_API_KEY)");
        return -1;
    }

    if (elaaoms_key_profile(key, sizeof(key), org, agent_id) < 0) {
        elaaoms_api_error_set(aerr, ELAAOMS_API_ERR_INPUT, 0, "invalid "
                              "organization or agent id");
        return -1;
    }

    memset(&api, 0, sizeof(api));
    api.base_url = cf->elevenlabs_base_url;
    api.api_key = cf->elevenlabs_api_key;
    api.timeout_ms = cf->llm_timeout_ms;
    api.max_retries = cf->llm_max_retries;
    api.retry_base_ms = cf->llm_retry_base_ms;

    raw = NULL;

    if (elaaoms_elevenlabs_get_agent(&api, agent_id, &raw, profile, aerr)
        != 0)
    {
        return -1;
    }

    r = elaaoms_redis_command(rc, "SET %s %s EX %d", key, raw,
                              cf->profile_ttl_secs);
    ok = (r != NULL && r->type == REDIS_REPLY_STATUS);
    if (r) {
        freeReplyObject(r);
    }

    free(raw);

    return ok ? 0 : -2;
}


/* the agent's profile in Redis for 24 h; fetched when missing */
static void
elaaoms_process_profile(const elaaoms_worker_config_t *cf, elaaoms_redis_t *rc,
    const elaaoms_job_t *job)
{
    int                       rv;
    char                      key[ELAAOMS_KEY_MAX];
    redisReply               *r;
    elaaoms_api_error_t       aerr;
    elaaoms_agent_profile_t   profile;

    if (cf->elevenlabs_api_key[0] == '\0' || job->agent_id == NULL) {
        return;
    }

    if (elaaoms_key_profile(key, sizeof(key), job->org, job->agent_id) < 0) {
        return;
    }

    r = elaaoms_redis_command(rc, "EXISTS %s", key);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER || r->integer == 1) {
        if (r) {
            freeReplyObject(r);
        }
        return;
    }
    freeReplyObject(r);

    memset(&profile, 0, sizeof(profile));

    rv = elaaoms_process_profile_fetch(cf, rc, job->org, job->agent_id,
                                       &profile, &aerr);
    if (rv == -1) {
        elaaoms_log(ELAAOMS_LOG_WARN, job->request_id, "agent profile of %s "
                    "not fetched: %s", job->agent_id, aerr.message);
        return;
    }

    elaaoms_log(rv == 0 ? ELAAOMS_LOG_INFO : ELAAOMS_LOG_WARN,
                job->request_id, "agent profile of %s %s", job->agent_id,
                rv == 0 ? "cached" : "fetched, not cached (Redis)");

    elaaoms_agent_profile_free(&profile);
}


typedef struct {
    elaaoms_processor_t  *p;
    const char           *org;
    elaaoms_usage_sum_t  *sum;
} elaaoms_greeting_writer_t;


/* the first message by the organization's LLM; NULL: the template */
static char *
elaaoms_process_greeting(void *arg, const char *agent_id,
    const char *system_prompt, const char *user_prompt)
{
    char                        *text;
    const char                  *provider;
    elaaoms_llm_t                llm;
    elaaoms_llm_kind_e           kind;
    elaaoms_llm_usage_t          usage;
    elaaoms_llm_error_t          lerr;
    elaaoms_greeting_writer_t   *w = arg;
    const elaaoms_worker_config_t  *cf = w->p->cf;

    provider = elaaoms_worker_config_provider(cf, w->org);

    if (strcmp(provider, "offline") == 0
        || elaaoms_llm_choose(provider, cf->openai_api_key,
                              cf->anthropic_api_key, &kind) != 0)
    {
        return NULL;
    }

    elaaoms_process_llm(cf, kind, &llm);

    text = NULL;
    memset(&usage, 0, sizeof(usage));

    if (elaaoms_llm_complete_text(&llm, system_prompt, user_prompt, 120,
                                  &text, &usage, &lerr) != 0)
    {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "first message for %s by the "
                    "LLM failed (%s): the template is used", agent_id,
                    lerr.message);
        return NULL;
    }

    w->sum->input_tokens += usage.input_tokens;
    w->sum->output_tokens += usage.output_tokens;
    w->sum->cost += usage.cost;
    w->sum->calls += usage.attempts;

    return text;
}


/*
 * The pre-call contexts of the caller, for every agent, rebuilt from the
 * store now that it changed; nginx serves them with one GET.
 */
static void
elaaoms_process_contexts(elaaoms_processor_t *p, elaaoms_redis_t *rc,
    const elaaoms_job_t *job, int64_t call_time, elaaoms_usage_sum_t *sum)
{
    char                              err[256];
    char                              masked[ELAAOMS_LOG_CALLER_LEN];
    const char                       *agents[1];
    elaaoms_greeting_writer_t         w;
    elaaoms_context_refresh_req_t     req;
    elaaoms_context_refresh_opts_t    opts;
    elaaoms_context_refresh_stats_t   stats;

    agents[0] = job->agent_id;

    w.p = p;
    w.org = job->org;
    w.sum = sum;

    memset(&opts, 0, sizeof(opts));
    opts.conversation_id = job->conversation_id;
    opts.call_time = call_time;

    memset(&req, 0, sizeof(req));
    req.org = job->org;
    req.caller = job->caller;
    req.agent_ids = agents;
    req.nagents = job->agent_id ? 1 : 0;
    req.writer = p->cf->llm_first_message ? elaaoms_process_greeting : NULL;
    req.writer_arg = &w;
    req.opts = &opts;

    if (elaaoms_context_refresh(rc, &req, &stats, err, sizeof(err)) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, job->request_id, "pre-call context "
                    "of %s not refreshed: %s",
                    elaaoms_log_caller(job->caller, masked), err);
        return;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, job->request_id, "pre-call contexts: %zu "
                "built, %zu written, %zu greeting(s) by the LLM, largest "
                "%zu tokens", stats.agents, stats.written, stats.llm_used,
                stats.max_tokens);
}


static int
elaaoms_process_status(elaaoms_redis_t *rc, const char *conv_key)
{
    int          done;
    redisReply  *r;

    r = elaaoms_redis_command(rc, "HGET %s status", conv_key);
    if (r == NULL) {
        return -1;
    }

    done = (r->type == REDIS_REPLY_STRING
            && strcmp(r->str, "extraction_completed") == 0);
    freeReplyObject(r);

    return done;
}


static double
elaaoms_process_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


/*
 * The worker's counters for /metrics (store/worker_metrics.h), one
 * pipelined batch after the completion; a failure loses counts only
 */
static void
elaaoms_process_metrics(elaaoms_processor_t *p, elaaoms_redis_t *rc,
    const elaaoms_job_t *job, const elaaoms_usage_sum_t *sum,
    const elaaoms_memory_apply_counts_t *counts, size_t private,
    double started)
{
    int          k;
    double       now;
    const char  *provider, *model;
    redisReply  *r;

    provider = sum->provider[0] ? sum->provider : "none";
    model = strcmp(provider, "openai") == 0 ? p->cf->openai_model
            : strcmp(provider, "anthropic") == 0 ? p->cf->anthropic_model
            : provider;
    now = elaaoms_process_now();

    {
        const char  *ok[] = { "outcome", "ok", "provider", provider, NULL };
        const char  *pl[] = { "provider", provider, NULL };
        const char  *in[] = { "kind", "input", "model", model,
                              "provider", provider, NULL };
        const char  *out[] = { "kind", "output", "model", model,
                               "provider", provider, NULL };
        const char  *cost[] = { "model", model, "provider", provider, NULL };
        const char  *stored[] = { "event", "stored", NULL };
        const char  *reinf[] = { "event", "reinforced", NULL };
        const char  *confl[] = { "event", "conflicting", NULL };
        const char  *priv[] = { "event", "privacy_dropped", NULL };

        k = elaaoms_metrics_meta(rc);
        k += elaaoms_metrics_add(rc, "elaaoms_extractions_total", ok, 1);
        k += elaaoms_metrics_observe(rc,
                 "elaaoms_extraction_duration_seconds", pl,
                 elaaoms_metrics_extraction_bounds,
                 elaaoms_metrics_extraction_nbounds, now - started);

        if (job->enqueued_at > 0) {
            k += elaaoms_metrics_observe(rc,
                     "elaaoms_postcall_to_stored_seconds", NULL,
                     elaaoms_metrics_stored_bounds,
                     elaaoms_metrics_stored_nbounds,
                     now - (double) job->enqueued_at);
        }

        if (sum->input_tokens || sum->output_tokens) {
            k += elaaoms_metrics_add(rc, "elaaoms_llm_tokens_total", in,
                                     (double) sum->input_tokens);
            k += elaaoms_metrics_add(rc, "elaaoms_llm_tokens_total", out,
                                     (double) sum->output_tokens);
            k += elaaoms_metrics_addf(rc, "elaaoms_llm_cost_usd_total", cost,
                                      sum->cost);
        }

        k += elaaoms_metrics_add(rc, "elaaoms_memories_total", stored,
                                 (double) counts->stored);
        k += elaaoms_metrics_add(rc, "elaaoms_memories_total", reinf,
                                 (double) counts->reinforced);
        k += elaaoms_metrics_add(rc, "elaaoms_memories_total", confl,
                                 (double) counts->conflicts);
        k += elaaoms_metrics_add(rc, "elaaoms_memories_total", priv,
                                 (double) private);
    }

    while (k-- > 0) {
        if (elaaoms_redis_get_reply(rc, (void **) &r) != REDIS_OK) {
            elaaoms_log(ELAAOMS_LOG_INFO, job->request_id, "metrics not "
                        "written: %s", elaaoms_redis_errstr(rc));
            return;
        }
        freeReplyObject(r);
    }
}


/* completion, usage and counts, and the organization's usage totals:
   all time, and by day, provider and model (redis_keys.h) */
static int
elaaoms_process_complete(elaaoms_processor_t *p, elaaoms_redis_t *rc,
    const elaaoms_job_t *job, const char *conv_key,
    const elaaoms_usage_sum_t *sum,
    const elaaoms_memory_apply_counts_t *counts, size_t invalid,
    size_t private, const char *embed_model, double started)
{
    int          i, n, ok;
    char         usage_key[ELAAOMS_KEY_MAX], daily_key[ELAAOMS_KEY_MAX];
    char         day[16];
    time_t       now;
    struct tm    tm;
    const char       *provider, *model;
    redisReply       *r;
    elaaoms_redis_t  *tx;

    (void) elaaoms_key_usage(usage_key, sizeof(usage_key), job->org);
    (void) elaaoms_key_usage_daily(daily_key, sizeof(daily_key), job->org);

    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);

    provider = sum->provider[0] ? sum->provider : "none";
    model = sum->model[0] ? sum->model : provider;

    /* one transaction on the connection of the org's slot (the three keys
       share its tag) */
    tx = elaaoms_redis_key_context(rc, conv_key);
    if (tx == NULL) {
        return -1;
    }

    elaaoms_redis_append(tx, "MULTI");
    /* hiredis' format knows no %zu: counts go as long long */
    elaaoms_redis_append(tx, "HSET %s status extraction_completed "
                         "completed_at %ld provider %s memories_stored %lld "
                         "memories_reinforced %lld memories_duplicate %lld "
                         "memories_conflicting %lld memories_invalid %lld "
                         "memories_private %lld input_tokens %lld "
                         "output_tokens %lld cost %.6f llm_calls %d "
                         "fell_back %d embed_model %s embed_tokens %lld",
                         conv_key, (long) now, provider,
                         (long long) counts->stored,
                         (long long) counts->reinforced,
                         (long long) counts->duplicates,
                         (long long) counts->conflicts, (long long) invalid,
                         (long long) private, sum->input_tokens,
                         sum->output_tokens, sum->cost, sum->calls,
                         sum->fell_back, embed_model, sum->embed_tokens);
    elaaoms_redis_append(tx, "HINCRBY %s extractions 1", usage_key);
    elaaoms_redis_append(tx, "HINCRBY %s input_tokens %lld", usage_key,
                         sum->input_tokens);
    elaaoms_redis_append(tx, "HINCRBY %s output_tokens %lld", usage_key,
                         sum->output_tokens);
    elaaoms_redis_append(tx, "HINCRBYFLOAT %s cost %.6f", usage_key, sum->cost);
    elaaoms_redis_append(tx, "HINCRBY %s embed_tokens %lld", usage_key,
                         sum->embed_tokens);

    /* "<day>|<provider>|<model>|<metric>": the extraction's model... */
    elaaoms_redis_append(tx, "HINCRBY %s %s|%s|%s|extractions 1", daily_key,
                         day, provider, model);
    elaaoms_redis_append(tx, "HINCRBY %s %s|%s|%s|input_tokens %lld",
                         daily_key, day, provider, model, sum->input_tokens);
    elaaoms_redis_append(tx, "HINCRBY %s %s|%s|%s|output_tokens %lld",
                         daily_key, day, provider, model, sum->output_tokens);
    elaaoms_redis_append(tx, "HINCRBYFLOAT %s %s|%s|%s|cost %.6f", daily_key,
                         day, provider, model, sum->cost);
    n = 11;                 /* replies before EXEC's */

    /* ...and the embeddings model's, when the provider counted tokens */
    if (sum->embed_tokens > 0) {
        elaaoms_redis_append(tx, "HINCRBY %s %s|openai|%s|embed_tokens %lld",
                             daily_key, day, p->cf->openai_embed_model,
                             sum->embed_tokens);
        n++;
    }

    elaaoms_redis_append(tx, "EXEC");

    ok = 1;
    for (i = 0; i < n + 1; i++) {
        if (elaaoms_redis_get_reply(tx, (void **) &r) != REDIS_OK) {
            return -1;
        }
        if (i == n && r->type != REDIS_REPLY_ARRAY) {
            ok = 0;
        }
        freeReplyObject(r);
    }

    if (ok) {
        elaaoms_process_metrics(p, rc, job, sum, counts, private, started);
    }

    return ok ? 0 : -1;
}


/*
 * A job of an erased caller is dropped with its conversation's traces;
 * after the job ran (wrote), the caller's keys go again too: contexts
 * written after the erasure.  1 dropped, 0 not erased, -1 Redis failed.
 */
static int
elaaoms_process_forgotten(elaaoms_processor_t *p, elaaoms_redis_t *rc,
    const elaaoms_job_t *job, int after)
{
    int     f;
    char    err[256];
    size_t  files, keys;

    f = elaaoms_caller_forgotten(rc, job->org, job->caller);
    if (f <= 0) {
        return f;
    }

    keys = 0;

    if (elaaoms_conversation_erase(rc, p->cf->payload_dir, job->org,
                                   job->conversation_id, &files, err,
                                   sizeof(err)) != 0
        || (after && elaaoms_om_erase_caller(p->cf, rc, job->org,
                                             job->caller) != 0)
        || (after && elaaoms_memory_store_delete_caller(rc, job->org,
                                                        job->caller, &keys,
                                                        err, sizeof(err))
                     != 0))
    {
        elaaoms_log(ELAAOMS_LOG_ERROR, job->request_id, "%s of an erased "
                    "caller: %s", job->conversation_id, err);
        return -1;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, job->request_id, "%s of an erased caller "
                "dropped: %zu file(s), %zu key(s) removed",
                job->conversation_id, files, keys);
    return 1;
}


static elaaoms_job_result_e elaaoms_process_job_run(elaaoms_processor_t *p,
    elaaoms_redis_t *rc, const elaaoms_job_t *job, char *err, size_t errlen);


elaaoms_job_result_e
elaaoms_process_job(elaaoms_processor_t *p, elaaoms_redis_t *rc,
    const elaaoms_job_t *job, char *err, size_t errlen)
{
    int                   f;
    elaaoms_job_result_e  res;

    f = elaaoms_process_forgotten(p, rc, job, 0);
    if (f != 0) {
        if (f < 0) {
            snprintf(err, errlen, "redis: tombstone check failed");
        }
        return f > 0 ? ELAAOMS_JOB_DONE : ELAAOMS_JOB_RETRY;
    }

    res = elaaoms_process_job_run(p, rc, job, err, errlen);

    /* erased while it ran: no retry, no failed job brings it back */
    if (elaaoms_process_forgotten(p, rc, job, 1) > 0) {
        res = ELAAOMS_JOB_DONE;
    }

    return res;
}


static elaaoms_job_result_e
elaaoms_process_job_run(elaaoms_processor_t *p, elaaoms_redis_t *rc,
    const elaaoms_job_t *job, char *err, size_t errlen)
{
    int                             done;
    char                            conv_key[ELAAOMS_KEY_MAX], perr[256];
    char                           *payload;
    char                            masked[ELAAOMS_LOG_CALLER_LEN];
    char                           *text, *clean;
    char                            eerr[ELAAOMS_API_ERROR_MSG_LEN];
    float                          *vectors;
    size_t                          len, text_len, clean_len, private;
    size_t                          vec_dim;
    const char                     *embed_model;
    elaaoms_postcall_t              pc;
    elaaoms_usage_sum_t             sum;
    elaaoms_memory_apply_t          apply;
    elaaoms_extracted_list_t        list;
    double                          started;
    elaaoms_job_result_e            res;
    elaaoms_memory_apply_counts_t   counts;

    started = elaaoms_process_now();

    (void) elaaoms_key_conversation(conv_key, sizeof(conv_key), job->org,
                                    job->conversation_id);

    done = elaaoms_process_status(rc, conv_key);
    if (done < 0) {
        snprintf(err, errlen, "redis: %s", elaaoms_redis_errstr(rc));
        return ELAAOMS_JOB_RETRY;
    }

    if (done) {
        /* a job replayed after its completion: nothing to do twice */
        elaaoms_log(ELAAOMS_LOG_INFO, job->request_id, "%s already "
                    "extracted", job->conversation_id);
        return ELAAOMS_JOB_DONE;
    }

    payload = elaaoms_worker_read_payload(p->cf->payload_dir, job, &len, perr,
                                          sizeof(perr));
    if (payload == NULL) {
        snprintf(err, errlen, "payload: %s", perr);
        return ELAAOMS_JOB_FAIL;
    }

    memset(&pc, 0, sizeof(pc));
    if (elaaoms_postcall_parse(payload, len, &pc, perr, sizeof(perr))
        != ELAAOMS_POSTCALL_OK)
    {
        snprintf(err, errlen, "payload %s: %s", job->payload_path, perr);
        free(payload);
        return ELAAOMS_JOB_FAIL;
    }

    memset(&sum, 0, sizeof(sum));
    memset(&counts, 0, sizeof(counts));
    memset(&list, 0, sizeof(list));
    text = NULL;
    clean = NULL;
    vectors = NULL;
    vec_dim = 0;
    /* what new memories' vectors are (or would have been) */
    embed_model = strcmp(p->cf->embedder, "openai") == 0
                  ? p->cf->openai_embed_model : ELAAOMS_EMBED_MODEL;
    private = 0;
    res = ELAAOMS_JOB_RETRY;

    if (job->caller == NULL || job->caller[0] == '\0') {
        /* nobody to remember: the conversation is done, with no memories */
        elaaoms_log(ELAAOMS_LOG_INFO, job->request_id, "%s is anonymous: "
                    "no memories kept", job->conversation_id);
        goto complete;
    }

    if (elaaoms_transcript_text(pc.data, &text, &text_len) < 0) {
        snprintf(err, errlen, "out of memory reading the transcript");
        goto done;
    }

    if (text_len == 0) {
        elaaoms_log(ELAAOMS_LOG_INFO, job->request_id, "%s has no words to "
                    "remember", job->conversation_id);
        goto complete;
    }

    /* nothing sensitive leaves for the LLM */
    if (elaaoms_privacy_filter(text, text_len, job->caller,
                               ELAAOMS_PRIVACY_REDACT, &clean, &clean_len,
                               NULL) < 0 || clean == NULL)
    {
        snprintf(err, errlen, "privacy filter failed");
        goto done;
    }

    if (elaaoms_process_extract(p, job->org, clean, clean_len, &list, &sum,
                                err, errlen) != 0)
    {
        goto done;
    }

    private = elaaoms_process_filter_memories(p->cf, job->caller, &list);

    /* embedded after the privacy filter: only stored text leaves */
    if (strcmp(p->cf->embedder, "openai") == 0 && list.n > 0) {
        if (elaaoms_process_embed(p->cf, &list, &vectors, &vec_dim,
                                  &sum.embed_tokens, eerr, sizeof(eerr))
            != 0)
        {
            elaaoms_log(ELAAOMS_LOG_WARN, job->request_id, "%s: OpenAI "
                        "embeddings failed (%s): the offline embedder's "
                        "vectors are stored instead", job->conversation_id,
                        eerr);
            embed_model = ELAAOMS_EMBED_MODEL;
        }
    }

    memset(&apply, 0, sizeof(apply));
    apply.org = job->org;
    apply.caller = job->caller;
    apply.conversation_id = job->conversation_id;
    apply.agent_id = job->agent_id;
    apply.now = pc.event_timestamp > 0 ? pc.event_timestamp : 0;
    apply.threshold = (float) p->cf->dedup_threshold;
    apply.vectors = vectors;
    apply.vec_dim = vec_dim;
    apply.vec_model = vectors ? embed_model : NULL;

    if (elaaoms_memory_store_apply(rc, &apply, &list, &counts, perr,
                                   sizeof(perr)) != 0)
    {
        snprintf(err, errlen, "memory store: %s", perr);
        goto done;
    }

    /* the profile first: greetings and override rules come from it */
    elaaoms_process_profile(p->cf, rc, job);
    elaaoms_process_contexts(p, rc, job, pc.event_timestamp, &sum);

complete:

    if (elaaoms_process_complete(p, rc, job, conv_key, &sum, &counts,
                                 list.dropped + counts.invalid, private,
                                 embed_model, started) != 0)
    {
        snprintf(err, errlen, "could not record the completion");
        goto done;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, job->request_id,
                "%s/%s of caller %s extracted by %s: %zu stored, "
                "%zu reinforced, %zu duplicate, %zu conflicting, %zu invalid, "
                "%zu private; %lld+%lld tokens; vectors of %s (%lld tokens)",
                job->org, job->conversation_id,
                elaaoms_log_caller(job->caller, masked),
                sum.provider[0] ? sum.provider : "none", counts.stored,
                counts.reinforced, counts.duplicates, counts.conflicts,
                list.dropped + counts.invalid, private, sum.input_tokens,
                sum.output_tokens, embed_model, sum.embed_tokens);

    /* the second store, after the first: its failures are only queued */
    if (job->caller && job->caller[0]
        && counts.stored + counts.reinforced + counts.conflicts
           + counts.duplicates > 0)
    {
        elaaoms_om_mirror_conversation(p->cf, rc, job->org, job->caller,
                                       job->conversation_id);
    }

    res = ELAAOMS_JOB_DONE;

done:

    elaaoms_extracted_free(&list);
    free(vectors);
    free(clean);
    free(text);
    elaaoms_postcall_free(&pc);
    free(payload);

    return res;
}
