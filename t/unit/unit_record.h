/*
 * A memory record as the tests write them: the fields they name, the
 * rest zero, created and last reinforced at once, reinforced once, with
 * confidence 0.9.  The strings are the caller's; the record points at
 * them.
 */

#ifndef ELAAOMS_UNIT_RECORD_H
#define ELAAOMS_UNIT_RECORD_H

#include <stdint.h>
#include <string.h>

#include "store/memory_record.h"


static inline void
unit_record(elaaoms_memory_record_t *r, const char *id, const char *org,
    const char *caller, const char *conv, const char *agent,
    elaaoms_mem_type_e type, int importance, int64_t created,
    const char *content)
{
    memset(r, 0, sizeof(elaaoms_memory_record_t));
    r->id = elaaoms_mstr(id);
    r->org = elaaoms_mstr(org);
    r->caller = elaaoms_mstr(caller);
    r->conversation_id = elaaoms_mstr(conv);
    r->agent_id = elaaoms_mstr(agent);
    r->content = elaaoms_mstr(content);
    r->type = type;
    r->importance = importance;
    r->created = created;
    r->last_reinforced = created;
    r->reinforcement_count = 1;
    r->confidence = 0.9f;
}

#endif /* ELAAOMS_UNIT_RECORD_H */
