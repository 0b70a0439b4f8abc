/*
 * Deleting one memory: the script and its arguments, shared by nginx's
 * admin location (DELETE .../memories/<id>) and the worker's retention
 * sweep, so both remove a memory from every index the same way.
 *
 * One EVAL in the caller's hash-tag slot: HDEL from the index, ZREM from
 * the time and importance orders, SREM from the type sets and from the
 * agent:/conversation: sets the registries name (undeclared, but in the
 * script's slot), DEL of the memory version (nginx's search cache reads
 * the caller anew).  Answers 1, or 0 when the id was unknown.  Then two
 * single commands in other slots: the caller pushed on the org's
 * "jobs:refresh" (the worker rebuilds the caller's pre-call contexts) and
 * the org added to elaaoms:orgs, whatever the script answered, so that a
 * retry after a lost push pushes again.
 */

#ifndef ELAAOMS_MEMORY_DELETE_H
#define ELAAOMS_MEMORY_DELETE_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "store/memory_types.h"
#include "store/redis_keys.h"

#define ELAAOMS_MEMORY_DELETE_KEYS  (4 + ELAAOMS_MEM_NTYPES)
/* EVAL, script, key count, keys, then 6 arguments */
#define ELAAOMS_MEMORY_DELETE_ARGC  (3 + ELAAOMS_MEMORY_DELETE_KEYS + 6)

extern const char  elaaoms_memory_delete_script[];

/*
 * The command's text lives in the structure: argv points into it (and at
 * the caller's own org, caller and memory_id strings, which must outlive
 * the command).
 */
typedef struct {
    char         keys[ELAAOMS_MEMORY_DELETE_KEYS][ELAAOMS_KEY_MAX];
    char         prefix[ELAAOMS_KEY_MAX];
    char         refresh[ELAAOMS_KEY_MAX];
    char         nkeys[8];
    const char  *argv[ELAAOMS_MEMORY_DELETE_ARGC];
    size_t       argvlen[ELAAOMS_MEMORY_DELETE_ARGC];
    /* after the EVAL: LPUSH <org's refresh list> caller, SADD orgs org */
    const char  *push_argv[3];
    size_t       push_argvlen[3];
    const char  *orgs_argv[3];
    size_t       orgs_argvlen[3];
} elaaoms_memory_delete_cmd_t;

/* 0, or -1 when a key does not fit */
int elaaoms_memory_delete_cmd(elaaoms_memory_delete_cmd_t *cmd,
    const char *org, const char *caller, const char *memory_id);

/*
 * The three commands on a blocking connection (pipelined): the script's
 * answer (1 deleted, 0 unknown id), or -1 when Redis failed.
 */
int elaaoms_memory_delete_run(elaaoms_redis_t *rc,
    elaaoms_memory_delete_cmd_t *cmd);

#endif /* ELAAOMS_MEMORY_DELETE_H */
