/*
 * Pre-call context: what the caller's history and memories say about the
 * caller: how often they call, their name, whether an issue is resolved
 * (see context_build.h).
 */

#include <stdlib.h>
#include <string.h>

#include "context/context_build.h"
#include "context/context_internal.h"


/* --- frequency ----------------------------------------------------------- */

const char *
elaaoms_context_frequency(const elaaoms_call_history_t *calls, int *frequent)
{
    double  gap;
    int     f;

    f = 0;

    if (frequent) {
        *frequent = 0;
    }

    if (calls->count <= 0) {
        return "new";
    }

    if (calls->count == 1) {
        return "one previous call";
    }

    if (calls->first_seen <= 0 || calls->last_seen < calls->first_seen) {
        if (frequent) {
            *frequent = (calls->count >= 2 * ELAAOMS_CONTEXT_FREQUENT_CALLS);
        }
        return "returning";
    }

    gap = (double) (calls->last_seen - calls->first_seen)
          / (double) (calls->count - 1) / 86400.0;

    f = (calls->count >= 2 * ELAAOMS_CONTEXT_FREQUENT_CALLS
         || (calls->count >= ELAAOMS_CONTEXT_FREQUENT_CALLS && gap < 10.0));

    if (frequent) {
        *frequent = f;
    }

    if (gap < 1.0) {
        return "several times a day";
    }
    if (gap < 1.5) {
        return "daily";
    }
    if (gap < 4.0) {
        return "several times a week";
    }
    if (gap < 10.0) {
        return "weekly";
    }
    if (gap < 24.0) {
        return "every few weeks";
    }
    if (gap < 45.0) {
        return "monthly";
    }
    if (gap < 120.0) {
        return "every few months";
    }

    return "rarely";
}


/* --- names --------------------------------------------------------------- */

static const char  *name_anywhere[] = {
    "caller's full name is ", "caller's first name is ", "caller's name is ",
    "customer's full name is ", "customer's first name is ",
    "customer's name is ", "client's name is ", "user's name is ",
    "caller is named ", "caller is called ", "customer is named ",
    "customer is called ", "caller goes by ", "introduced themselves as ",
    "introduced herself as ", "introduced himself as ",
    "caller's preferred name is ", "customer's preferred name is ",
    "caller's nickname is ", "caller prefers to be called ",
    "customer prefers to be called ", "caller likes to be called ",
    "caller prefers to go by ", "customer goes by ",
    NULL
};

/* a name the caller goes by, not their name: "goes by Immy" */
static const char  *name_preferred[] = {
    "goes by ", "go by ", "going by ", "to be called ", "nickname is ",
    "preferred name is ", "known as ", "to be addressed as ",
    NULL
};

/* only at the start of the text (after an optional "The ") */
static const char  *name_start[] = {
    "full name is ", "first name is ", "name is ", "name: ",
    "his name is ", "her name is ", "their name is ", "is named ",
    "is called ", "named ", "goes by ",
    NULL
};

static const char  *name_stop[] = {
    "not", "unknown", "unclear", "withheld", "the", "a", "an", "spelled",
    "pronounced", "private", "confidential", "and", "or", "is", "was",
    "also", "still", "now", "same", "being", "given", "on", "in", "for",
    NULL
};

static const char  *name_titles[] = {
    "mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "prof",
    "prof.", "sir", "madam",
    NULL
};


int
elaaoms_ctx_is_title(const char *w, size_t len)
{
    return elaaoms_ctx_word_in(w, len, name_titles);
}


static int
name_char(unsigned char c)
{
    return elaaoms_ctx_is_alpha(c) || c >= 0x80 || c == '\'' || c == '-';
}


/*
 * The name words at s: up to three capitalized words (or a non-ASCII
 * letter first), or, when lowercase_ok, up to two lowercase ones that are
 * then capitalized.  0 and the name in buf, or -1.
 */
static int
name_words(const char *s, int lowercase_ok, char *buf, size_t size)
{
    int                   lc, cap, low, poss;
    size_t                i, o, words, start, wl;
    const unsigned char  *u = (const unsigned char *) s;

    i = 0;
    o = 0;
    words = 0;
    lc = -1;

    while (words < 3) {
        cap = (u[i] >= 'A' && u[i] <= 'Z') || u[i] >= 0x80;
        low = (u[i] >= 'a' && u[i] <= 'z');

        if (lc == -1) {
            if (cap) {
                lc = 0;
            } else if (low && lowercase_ok) {
                lc = 1;
            } else {
                break;
            }

        } else if ((lc == 0 && !cap) || (lc == 1 && (!low || words >= 2))) {
            break;
        }

        start = i;
        while (name_char(u[i])) {
            i++;
        }

        /* an initial ("J.") or a title ("Dr.") */
        if (u[i] == '.'
            && (i - start == 1 || elaaoms_ctx_is_title(s + start, i - start)))
        {
            i++;
        }

        wl = i - start;
        poss = 0;

        /* a possessive ends the name: "Maria's order" */
        if (wl > 2 && s[start + wl - 2] == '\''
            && elaaoms_ctx_lower(u[start + wl - 1]) == 's')
        {
            wl -= 2;
            poss = 1;
        }

        while (wl > 0 && (s[start + wl - 1] == '\'' || s[start + wl - 1] == '-'))
        {
            wl--;
        }

        if (wl == 0 || elaaoms_ctx_word_in(s + start, wl, name_stop)) {
            break;
        }

        if (o + wl + 2 > size) {
            break;
        }

        if (o > 0) {
            buf[o++] = ' ';
        }

        memcpy(buf + o, s + start, wl);
        if (lc == 1) {
            buf[o] = (char) (buf[o] - ('a' - 'A'));
        }
        o += wl;
        words++;

        if (poss || s[i] != ' ') {
            break;
        }

        i++;
    }

    buf[o] = '\0';

    /* a lone title is no name */
    if (words == 0 || (words == 1 && elaaoms_ctx_is_title(buf, o))) {
        buf[0] = '\0';
        return -1;
    }

    return 0;
}


int
elaaoms_context_name_preferred(const char *text)
{
    size_t       k, n, i;
    const char  *p;

    if (text == NULL) {
        return 0;
    }

    for (k = 0; name_preferred[k]; k++) {
        n = strlen(name_preferred[k]);
        for (p = text; *p; p++) {
            for (i = 0; i < n && p[i]
                        && elaaoms_ctx_lower((unsigned char) p[i])
                           == name_preferred[k][i];
                 i++)
            { /* void */ }

            if (i == n && (p == text || p[-1] == ' ')) {
                return 1;
            }
        }
    }

    return 0;
}


int
elaaoms_context_name_from(const char *text, char *buf, size_t size)
{
    int          rc;
    char        *low, *content;
    size_t       i, len, k, off;
    const char  *p;

    if (text == NULL || size < 2) {
        return -1;
    }

    /* one line, "’" as "'" */
    content = elaaoms_ctx_text_clean(text, strlen(text),
                                     ELAAOMS_CONTEXT_CONTENT_MAX);
    if (content == NULL) {
        return -1;
    }

    len = strlen(content);
    low = malloc(len + 1);
    if (low == NULL) {
        free(content);
        return -1;
    }

    for (i = 0; i <= len; i++) {
        low[i] = (char) elaaoms_ctx_lower((unsigned char) content[i]);
    }

    rc = -1;

    for (k = 0; name_anywhere[k]; k++) {
        p = low;
        while ((p = strstr(p, name_anywhere[k])) != NULL) {
            off = (size_t) (p - low);
            if (off == 0 || low[off - 1] == ' ') {
                if (name_words(content + off + strlen(name_anywhere[k]), 1,
                               buf, size) == 0)
                {
                    rc = 0;
                    goto done;
                }
            }
            p++;
        }
    }

    off = (strncmp(low, "the ", 4) == 0) ? 4 : 0;

    for (k = 0; name_start[k]; k++) {
        if (strncmp(low + off, name_start[k], strlen(name_start[k])) == 0) {
            if (name_words(content + off + strlen(name_start[k]),
                           strstr(name_start[k], "name") != NULL, buf, size)
                == 0)
            {
                rc = 0;
                goto done;
            }
        }
    }

    rc = -1;

done:

    free(low);
    free(content);

    return rc;
}


/* --- open issues --------------------------------------------------------- */

int
elaaoms_context_issue_resolved(const char *content)
{
    char         w[4][24];
    size_t       i, n, len, start, k;
    int          nw, j;
    const char  *s = content;

    static const char  *done[] = { "resolved", "solved", "fixed", NULL };
    static const char  *neg[] = {
        "not", "never", "yet", "no", "without", "isn't", "wasn't", "hasn't",
        "haven't", "hadn't", "didn't", "doesn't", "aren't", "weren't",
        "cannot", "can't", "couldn't", "won't", "unable", "still", "nothing",
        "none", NULL
    };

    len = strlen(s);
    nw = 0;
    i = 0;

    while (i < len) {
        while (i < len && !elaaoms_ctx_is_alpha((unsigned char) s[i])
               && s[i] != '\'')
        {
            i++;
        }
        start = i;
        while (i < len
               && (elaaoms_ctx_is_alpha((unsigned char) s[i]) || s[i] == '\''))
        {
            i++;
        }
        n = i - start;
        if (n == 0) {
            continue;
        }

        if (elaaoms_ctx_word_in(s + start, n, done)) {
            for (j = 0; j < nw && j < 3; j++) {
                const char  *pw = w[(nw - 1 - j) % 4];
                if (elaaoms_ctx_word_in(pw, strlen(pw), neg)) {
                    break;
                }
            }
            if (j == nw || j == 3) {
                return 1;
            }
        }

        k = n < sizeof(w[0]) - 1 ? n : sizeof(w[0]) - 1;
        memcpy(w[nw % 4], s + start, k);
        w[nw % 4][k] = '\0';
        nw++;
    }

    return 0;
}
