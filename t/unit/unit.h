/*
 * Minimal assertion helpers for the lib/ unit tests.
 *
 * Each test program counts its checks and prints
 * "<name>: N passed, N failed"; the Makefile sums the programs' lines.
 */

#ifndef ELAAOMS_UNIT_H
#define ELAAOMS_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed;
static int unit_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            unit_passed++;                                                   \
        } else {                                                             \
            unit_failed++;                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n",                     \
                    __FILE__, __LINE__, #cond);                              \
        }                                                                    \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                   \
    do {                                                                     \
        long long unit_a_ = (long long) (a), unit_b_ = (long long) (b);      \
        if (unit_a_ == unit_b_) {                                            \
            unit_passed++;                                                   \
        } else {                                                             \
            unit_failed++;                                                   \
            fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n",               \
                    __FILE__, __LINE__, #a, #b, unit_a_, unit_b_);           \
        }                                                                    \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                   \
    do {                                                                     \
        const char *unit_a_ = (a), *unit_b_ = (b);                           \
        if (unit_a_ != NULL && unit_b_ != NULL                               \
            && strcmp(unit_a_, unit_b_) == 0)                                \
        {                                                                    \
            unit_passed++;                                                   \
        } else {                                                             \
            unit_failed++;                                                   \
            fprintf(stderr, "%s:%d: %s == %s: \"%s\" != \"%s\"\n",           \
                    __FILE__, __LINE__, #a, #b,                              \
                    unit_a_ ? unit_a_ : "(null)",                            \
                    unit_b_ ? unit_b_ : "(null)");                           \
        }                                                                    \
    } while (0)

/* prints the per-program summary line and gives the exit status */
#define UNIT_DONE(name)                                                      \
    (printf("%s: %d passed, %d failed\n", (name), unit_passed, unit_failed), \
     unit_failed ? 1 : 0)

#endif /* ELAAOMS_UNIT_H */
