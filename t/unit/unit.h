/*
 * Minimal assertion helpers for the lib/ unit tests, printing TAP.
 *
 * Every check is one TAP test named after the checked expression and its
 * line ("ok 12 - base64.c:40: dec(\"QQ==\") == 0"); a failed one is
 * followed by a "#" line saying what was found.  UNIT_DONE prints the plan
 * and gives the exit status, so "prove --exec '' build/obj/unit/test_x"
 * runs a program and reports what failed.
 */

#ifndef ELAAOMS_UNIT_H
#define ELAAOMS_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_passed;
static int unit_failed;


static inline const char *
unit_base_(const char *file)
{
    const char  *s = strrchr(file, '/');

    return s ? s + 1 : file;
}


/*
 * A whole file, NUL-terminated and malloc()ed (the caller frees), its
 * length in *len when len is not NULL; NULL if unreadable
 */
static inline char *
unit_slurp(const char *path, size_t *len)
{
    FILE  *f;
    char  *buf;
    long   n;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0)
    {
        buf = malloc((size_t) n + 1);
        if (buf != NULL && fread(buf, 1, (size_t) n, f) != (size_t) n) {
            free(buf);
            buf = NULL;
        }
        if (buf != NULL) {
            buf[n] = '\0';
            if (len != NULL) {
                *len = (size_t) n;
            }
        }
    }

    fclose(f);

    return buf;
}


/* one TAP line; returns ok so the macros can add the diagnostics */
static inline int
unit_tap_(int ok, const char *file, int line, const char *what)
{
    if (ok) {
        unit_passed++;
    } else {
        unit_failed++;
    }

    printf("%sok %d - %s:%d: ", ok ? "" : "not ",
           unit_passed + unit_failed, unit_base_(file), line);

    /* a bare '#' would start a TAP directive */
    for ( /* void */ ; *what; what++) {
        if (*what == '#' || *what == '\\') {
            putchar('\\');
        }
        putchar(*what);
    }

    putchar('\n');

    /* tests that fork must not hand buffered lines to the child */
    fflush(stdout);

    return ok;
}


#define UNIT_FAIL(what)                                                      \
    unit_tap_(0, __FILE__, __LINE__, (what))

#define CHECK(cond)                                                          \
    do {                                                                     \
        (void) unit_tap_((cond) ? 1 : 0, __FILE__, __LINE__, #cond);         \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                   \
    do {                                                                     \
        long long unit_a_ = (long long) (a), unit_b_ = (long long) (b);      \
        if (!unit_tap_(unit_a_ == unit_b_, __FILE__, __LINE__,               \
                       #a " == " #b))                                        \
        {                                                                    \
            printf("#   got %lld, expected %lld\n", unit_a_, unit_b_);       \
        }                                                                    \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                   \
    do {                                                                     \
        const char *unit_a_ = (a), *unit_b_ = (b);                           \
        if (!unit_tap_(unit_a_ != NULL && unit_b_ != NULL                    \
                       && strcmp(unit_a_, unit_b_) == 0,                     \
                       __FILE__, __LINE__, #a " == " #b))                    \
        {                                                                    \
            printf("#   got \"%s\", expected \"%s\"\n",                      \
                   unit_a_ ? unit_a_ : "(null)",                             \
                   unit_b_ ? unit_b_ : "(null)");                            \
        }                                                                    \
    } while (0)

/* prints the plan and a summary comment, and gives the exit status */
#define UNIT_DONE(name)                                                      \
    (printf("1..%d\n# %s: %d passed, %d failed\n",                           \
            unit_passed + unit_failed, (name), unit_passed, unit_failed),    \
     fflush(stdout), unit_failed ? 1 : 0)

#endif /* ELAAOMS_UNIT_H */
