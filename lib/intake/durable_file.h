/*
 * Crash-safe file writes: the payload is on disk before we answer 200.
 *
 * dir is created (mkdir -p, mode 0750, each new directory's parent
 * fsync()ed); the content goes to "<dir>/.<name>.tmp.<pid>.<random>",
 * is fsync()ed, renamed over "<dir>/<name>", and dir is fsync()ed, so a
 * reader sees the old file or the whole new one, never a torn one.  Files
 * are created 0640 (before umask).
 *
 * When "<dir>/<name>" already holds exactly these bytes nothing is written
 * and *identical is set: a retried webhook delivery is then a no-op.
 */

#ifndef ELAAOMS_DURABLE_FILE_H
#define ELAAOMS_DURABLE_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#define ELAAOMS_DURABLE_DIR_MODE   0750
#define ELAAOMS_DURABLE_FILE_MODE  0640
/* leaves room for the temporary name's decorations within NAME_MAX */
#define ELAAOMS_DURABLE_NAME_MAX   200

/*
 * Writes data[0..len) as dir/name.  name is a plain file name: no "/",
 * not empty, not starting with "." (temporary files do).  identical may be
 * NULL.  0 on success; -1 with errno kept (ENOSPC, EACCES, ENOTDIR,
 * EINVAL...) and err set to "<operation> <path>: <strerror>".  No
 * temporary file is left behind on failure.
 */
int elaaoms_durable_write(const char *dir, const char *name,
    const void *data, size_t len, int *identical, char *err, size_t errlen);

/* the same for content in pieces (nginx buffer chains); iovcnt >= 0 */
int elaaoms_durable_write_iov(const char *dir, const char *name,
    const struct iovec *iov, int iovcnt, int *identical, char *err,
    size_t errlen);

/*
 * mkdir -p with mode; existing directories are fine, an existing
 * non-directory is ENOTDIR.  0, or -1 with errno kept and err set.
 */
int elaaoms_durable_mkdir_p(const char *dir, mode_t mode, char *err,
    size_t errlen);

#endif /* ELAAOMS_DURABLE_FILE_H */
