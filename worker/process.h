/*
 * One extraction job, start to end: payload -> transcript -> privacy
 * filter -> extraction (LLM with fallback, or the offline extractor) ->
 * validation -> filtered contents -> embeddings -> dedup/conflict/store
 * -> conversation status and usage.  Safe to run again for the same job:
 * a re-run after a crash reinforces nothing twice (exact duplicates are
 * recognised) and completes the conversation once.
 */

#ifndef ELAAOMS_WORKER_PROCESS_H
#define ELAAOMS_WORKER_PROCESS_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "intake/job.h"
#include "store/memory_types.h"
#include "clients/elevenlabs_api.h"
#include "clients/llm.h"
#include "worker_config.h"

typedef enum {
    ELAAOMS_JOB_DONE = 0,
    ELAAOMS_JOB_RETRY,       /* transient: try again later */
    ELAAOMS_JOB_FAIL         /* will never work: no retry */
} elaaoms_job_result_e;

typedef struct {
    const elaaoms_worker_config_t  *cf;
} elaaoms_processor_t;

/* 0 on success; logs what it chose (LLM provider or the offline rules) */
int elaaoms_processor_init(elaaoms_processor_t *p,
    const elaaoms_worker_config_t *cf);

elaaoms_job_result_e elaaoms_process_job(elaaoms_processor_t *p,
    elaaoms_redis_t *rc, const elaaoms_job_t *job, char *err, size_t errlen);

/*
 * Fetches agent_id's profile from ElevenLabs and caches it in Redis for
 * cf->profile_ttl_secs (redis_keys.h: elaaoms_key_profile), replacing
 * what was cached; profile is filled (elaaoms_agent_profile_free()).  0;
 * -1 when the API failed or no key is configured (aerr says why: a 404
 * is ELAAOMS_API_ERR_HTTP with http_status 404); -2 when Redis did not
 * take it.  The worker calls it for an agent not cached yet, "elaaoms
 * profile refresh" whenever asked.
 */
int elaaoms_process_profile_fetch(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *agent_id,
    elaaoms_agent_profile_t *profile, elaaoms_api_error_t *aerr);

/*
 * embedder openai: the vectors of list's memories from OpenAI (or a
 * compatible server at openai_base_url), as an extraction stores them;
 * 0 with *vectors = list->n * *dim floats (zeros for memories not sent:
 * invalid ones), or *vectors NULL when nothing needs a vector; -1 with
 * the reason in err (the caller stores offline vectors instead).  Token
 * usage is added to *tokens.  "elaaoms openmemory import" embeds with it.
 */
int elaaoms_process_embed(const elaaoms_worker_config_t *cf,
    const elaaoms_extracted_list_t *list, float **vectors, size_t *dim,
    long long *tokens, char *err, size_t errlen);

#endif /* ELAAOMS_WORKER_PROCESS_H */
