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


/* the word's entry, or its base form's by the detachment rules */
static const elaaoms_wn_entry_t *
elaaoms_lexicon_lookup(const char *word, size_t len)
{
    char                       buf[ELAAOMS_LEXICON_MAX_WORD + 8];
    size_t                     i, n, slen, elen;
    const elaaoms_wn_entry_t  *e;

    if (len < 2 || len > ELAAOMS_LEXICON_MAX_WORD) {
        return NULL;
    }

    for (i = 0; i < len; i++) {
        if (!elaaoms_ascii_lower((unsigned char) word[i])) {
            return NULL;
        }
    }

    e = elaaoms_lexicon_find(word, len);

    for (i = 0; e == NULL && i < ELAAOMS_LEXICON_NRULES; i++) {
        slen = strlen(elaaoms_lexicon_rules[i].suffix);
        elen = strlen(elaaoms_lexicon_rules[i].ending);

        if (len <= slen + 1
            || memcmp(word + len - slen, elaaoms_lexicon_rules[i].suffix,
                      slen) != 0)
        {
            continue;
        }

        n = len - slen;
        memcpy(buf, word, n);
        memcpy(buf + n, elaaoms_lexicon_rules[i].ending, elen);
        e = elaaoms_lexicon_find(buf, n + elen);

        /* "shipping" -> "shipp" -> "ship" */
        if (e == NULL && elen == 0 && n > 2 && buf[n - 1] == buf[n - 2]) {
            e = elaaoms_lexicon_find(buf, n - 1);
        }
    }

    return e;
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


int
elaaoms_lexicon_health(const char *word, size_t len)
{
    const elaaoms_wn_entry_t  *e;

    e = elaaoms_lexicon_lookup(word, len);

    return e != NULL && (e->flags & ELAAOMS_WN_HEALTH) != 0;
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
