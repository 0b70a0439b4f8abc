/*
 * The generated sense table (build/gen/wordnet_table.c, made by
 * scripts/gen-wordnet.pl from Debian's wordnet-base): only lexicon.c reads
 * it.
 */

#ifndef ELAAOMS_LEXICON_TABLE_H
#define ELAAOMS_LEXICON_TABLE_H

#include <stdint.h>

typedef struct {
    uint32_t  word;     /* 1 + offset of the lemma in elaaoms_wn_pool; 0:
                           an empty slot */
    uint32_t  ids;      /* its first id in elaaoms_wn_ids */
    uint32_t  n;        /* how many, sorted ascending */
    uint32_t  flags;    /* ELAAOMS_WN_HEALTH ... */
} elaaoms_wn_entry_t;

/* a health word: an illness, injury, disorder, symptom, therapy, drug ... */
#define ELAAOMS_WN_HEALTH  1u
#define ELAAOMS_WN_BODY    2u

/* how many kind ids follow the entry's n ids in elaaoms_wn_ids */
#define ELAAOMS_WN_KINDS(flags)  (((flags) >> 8) & 0xffu)

/* a power of two; FNV-1a of the lemma, linear probing */
extern const uint32_t            elaaoms_wn_table_size;
extern const char                elaaoms_wn_pool[];
extern const uint32_t            elaaoms_wn_ids[];
extern const elaaoms_wn_entry_t  elaaoms_wn_table[];

#endif /* ELAAOMS_LEXICON_TABLE_H */
