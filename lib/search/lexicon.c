/*
 * WordNet sense lookups over the generated table, with WordNet's morphy
 * detachment rules for inflected forms.
 */

#include <string.h>

#include "search/lexicon.h"
#include "search/lexicon_table.h"
#include "search/tokenize.h"
#include "util/ascii.h"


/* suffix -> replacement, tried in this order when the word is no lemma */
static const struct {
    const char  *suffix;
    const char  *ending;
} elaaoms_lexicon_rules[] = {
    { "ies", "y" },   { "ses", "s" },   { "xes", "x" },  { "zes", "z" },
    { "ches", "ch" }, { "shes", "sh" }, { "men", "man" },
    { "es", "e" },    { "es", "" },     { "s", "" },
    { "ied", "y" },   { "ed", "e" },    { "ed", "" },
    { "ying", "ie" }, { "ing", "e" },   { "ing", "" },
    { "er", "" },     { "est", "" },    { "er", "e" },   { "est", "e" },
};


#define ELAAOMS_LEXICON_NRULES                                                \
    (sizeof(elaaoms_lexicon_rules) / sizeof(elaaoms_lexicon_rules[0]))

/* the first rules, up to "s": a noun's plural, never a verb's "-ed" */
#define ELAAOMS_LEXICON_NOUN_RULES  10


static const elaaoms_wn_entry_t *
elaaoms_lexicon_find(const char *w, size_t len)
{
    uint32_t                   h, mask;
    const char                *lemma;
    const elaaoms_wn_entry_t  *e;

    mask = elaaoms_wn_table_size - 1;
    h = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, w, len) & mask;

    for ( ;; ) {
        e = &elaaoms_wn_table[h];
        if (e->word == 0) {
            return NULL;
        }

        lemma = &elaaoms_wn_pool[e->word - 1];
        if (strncmp(lemma, w, len) == 0 && lemma[len] == '\0') {
            return e;
        }

        h = (h + 1) & mask;
    }
}


/*
 * The entry of head + word + tail (head "" or a compound's "hearing_",
 * tail "" or a phrasal verb's "_off"), or of head + the word's base form
 * by the detachment rules + tail
 */
static const elaaoms_wn_entry_t *
elaaoms_lexicon_lookup_affix(const char *head, size_t hlen, const char *word,
    size_t len, const char *tail, size_t tlen, size_t nrules)
{
    char                       buf[3 * ELAAOMS_LEXICON_MAX_WORD + 8];
    char                      *w;
    size_t                     i, n, slen, elen;
    const elaaoms_wn_entry_t  *e;

    if (len < 2 || len > ELAAOMS_LEXICON_MAX_WORD
        || hlen > ELAAOMS_LEXICON_MAX_WORD || tlen > ELAAOMS_LEXICON_MAX_WORD)
    {
        return NULL;
    }

    for (i = 0; i < len; i++) {
        if (!elaaoms_ascii_lower((unsigned char) word[i])) {
            return NULL;
        }
    }

    memcpy(buf, head, hlen);
    w = buf + hlen;

    memcpy(w, word, len);
    memcpy(w + len, tail, tlen);
    e = elaaoms_lexicon_find(buf, hlen + len + tlen);

    for (i = 0; e == NULL && i < nrules; i++) {
        slen = strlen(elaaoms_lexicon_rules[i].suffix);
        elen = strlen(elaaoms_lexicon_rules[i].ending);

        if (len <= slen + 1
            || memcmp(word + len - slen, elaaoms_lexicon_rules[i].suffix,
                      slen) != 0)
        {
            continue;
        }

        n = len - slen;
        memcpy(w, word, n);
        memcpy(w + n, elaaoms_lexicon_rules[i].ending, elen);
        memcpy(w + n + elen, tail, tlen);
        e = elaaoms_lexicon_find(buf, hlen + n + elen + tlen);

        /* "shipping" -> "shipp" -> "ship" */
        if (e == NULL && elen == 0 && n > 2 && w[n - 1] == w[n - 2]) {
            memcpy(w + n - 1, tail, tlen);
            e = elaaoms_lexicon_find(buf, hlen + n - 1 + tlen);
        }
    }

    return e;
}


static const elaaoms_wn_entry_t *
elaaoms_lexicon_lookup(const char *word, size_t len)
{
    return elaaoms_lexicon_lookup_affix("", 0, word, len, "", 0,
                                        ELAAOMS_LEXICON_NRULES);
}


int
elaaoms_lexicon_particle(const char *word, size_t len)
{
    size_t              i;
    static const char  *particles[] = {
        "up", "off", "back", "down", "in", "out", "on", "over", "away",
        "through", "around", "along", "with", "for", "by", "about", "into",
        "after", NULL
    };

    for (i = 0; particles[i]; i++) {
        if (strlen(particles[i]) == len && memcmp(particles[i], word, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


size_t
elaaoms_lexicon_phrasal_senses(const char *verb, size_t len,
    const char *particle, size_t plen, const uint32_t **ids)
{
    char                       tail[ELAAOMS_LEXICON_MAX_WORD + 1];
    const elaaoms_wn_entry_t  *e;

    *ids = NULL;

    if (plen == 0 || plen >= sizeof(tail)
        || !elaaoms_lexicon_particle(particle, plen))
    {
        return 0;
    }

    tail[0] = '_';
    memcpy(tail + 1, particle, plen);

    e = elaaoms_lexicon_lookup_affix("", 0, verb, len, tail, plen + 1,
                                     ELAAOMS_LEXICON_NRULES);
    if (e == NULL) {
        return 0;
    }

    *ids = &elaaoms_wn_ids[e->ids];
    return e->n;
}


size_t
elaaoms_lexicon_senses(const char *word, size_t len, const uint32_t **ids)
{
    const elaaoms_wn_entry_t  *e;

    e = elaaoms_lexicon_lookup(word, len);
    if (e == NULL) {
        *ids = NULL;
        return 0;
    }

    *ids = &elaaoms_wn_ids[e->ids];
    return e->n;
}


size_t
elaaoms_lexicon_kinds(const char *word, size_t len, const uint32_t **ids)
{
    const elaaoms_wn_entry_t  *e;

    /* "named" is no kind of "name", nor "running" of a plan (the table
       leaves out the kinds of verb forms) */
    e = elaaoms_lexicon_lookup_affix("", 0, word, len, "", 0,
                                     ELAAOMS_LEXICON_NOUN_RULES);
    if (e == NULL || ELAAOMS_WN_KINDS(e->flags) == 0) {
        *ids = NULL;
        return 0;
    }

    *ids = &elaaoms_wn_ids[e->ids + e->n];
    return ELAAOMS_WN_KINDS(e->flags);
}


int
elaaoms_lexicon_health(const char *word, size_t len)
{
    const elaaoms_wn_entry_t  *e;

    e = elaaoms_lexicon_lookup(word, len);

    return e != NULL && (e->flags & ELAAOMS_WN_HEALTH) != 0;
}


int
elaaoms_lexicon_body_part(const char *word, size_t len)
{
    const elaaoms_wn_entry_t  *e;

    e = elaaoms_lexicon_lookup(word, len);

    return e != NULL && (e->flags & ELAAOMS_WN_BODY) != 0;
}


int
elaaoms_lexicon_share(const uint32_t *a, size_t na, const uint32_t *b,
    size_t nb)
{
    size_t  i, j;

    i = 0;
    j = 0;

    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            return 1;
        }

        if (a[i] < b[j]) {
            i++;

        } else {
            j++;
        }
    }

    return 0;
}


size_t
elaaoms_lexicon_compound_senses(const char *first, size_t flen,
    const char *word, size_t len, const uint32_t **ids)
{
    size_t                     i;
    char                       head[ELAAOMS_LEXICON_MAX_WORD + 1];
    const elaaoms_wn_entry_t  *e;

    *ids = NULL;

    if (flen < 2 || flen >= sizeof(head)) {
        return 0;
    }

    for (i = 0; i < flen; i++) {
        if (!elaaoms_ascii_lower((unsigned char) first[i])) {
            return 0;
        }
    }

    memcpy(head, first, flen);
    head[flen] = '_';

    e = elaaoms_lexicon_lookup_affix(head, flen + 1, word, len, "", 0,
                                     ELAAOMS_LEXICON_NRULES);
    if (e == NULL) {
        return 0;
    }

    *ids = &elaaoms_wn_ids[e->ids];
    return e->n;
}
