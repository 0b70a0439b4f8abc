/*
 * Crash-safe file writes: the payload is on disk before we answer 200.
 *
 * Files live in "<base>/<sub>/<name>": base is a configured directory
 * (elaaoms_payload_dir, the worker's payload_dir), taken as written, so
 * it may be or pass through a symlink the operator chose; below it
 * nothing is followed: every component of sub is opened with
 * O_DIRECTORY|O_NOFOLLOW from its parent's descriptor (openat), and the
 * file itself with O_NOFOLLOW, so a symlinked directory or file planted
 * under base is refused (ELOOP or ENOTDIR) and nothing is read or written
 * outside base.  sub is "" or NULL (base itself) or relative components
 * separated by "/", never "." or "..".
 *
 * Writes: base is created (mkdir -p) and the missing components of sub
 * (mode 0750, each new directory's parent fsync()ed); the content goes to
 * "<dir>/.<name>.tmp.<pid>.<random>", is fsync()ed, renamed over
 * "<dir>/<name>" (a symlink there is replaced, never followed), and the
 * directory is fsync()ed, so a reader sees the old file or the whole new
 * one, never a torn one.  Files are created 0640 (before umask).
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
 * Writes data[0..len) as base/sub/name.  name is a plain file name: no
 * "/", not empty, not starting with "." (temporary files do).  identical
 * may be NULL.  0 on success; -1 with errno kept (ENOSPC, EACCES, ENOTDIR,
 * ELOOP, EINVAL...) and err set to "<operation> <path>: <strerror>".  No
 * temporary file is left behind on failure.
 */
int elaaoms_durable_write(const char *base, const char *sub, const char *name,
    const void *data, size_t len, int *identical, char *err, size_t errlen);

/* the same for content in pieces (nginx buffer chains); iovcnt >= 0 */
int elaaoms_durable_write_iov(const char *base, const char *sub,
    const char *name, const struct iovec *iov, int iovcnt, int *identical,
    char *err, size_t errlen);

/*
 * The directory base/sub opened (O_RDONLY|O_DIRECTORY) as described above;
 * with create, base and the missing components are made.  A descriptor
 * the caller closes, or -1 with errno kept and err set.
 */
int elaaoms_durable_open_dir(const char *base, const char *sub, int create,
    char *err, size_t errlen);

/*
 * base/sub/name opened for reading, refused unless it is a regular file
 * reached without a symlink below base.  A descriptor, or -1 with errno
 * kept (ENOENT, ELOOP, ENOTDIR, EISDIR, EINVAL...) and err set.
 */
int elaaoms_durable_open_file(const char *base, const char *sub,
    const char *name, char *err, size_t errlen);

/* 1 when base/sub/name exists (a symlink counts), 0 when not, -1 error */
int elaaoms_durable_exists(const char *base, const char *sub,
    const char *name);

/* unlinks base/sub/name; 0, or -1 with errno kept and err set */
int elaaoms_durable_unlink(const char *base, const char *sub,
    const char *name, char *err, size_t errlen);

/*
 * mkdir -p with mode; existing directories are fine, an existing
 * non-directory is ENOTDIR.  0, or -1 with errno kept and err set.
 */
int elaaoms_durable_mkdir_p(const char *dir, mode_t mode, char *err,
    size_t errlen);

#endif /* ELAAOMS_DURABLE_FILE_H */
