/*
 * Crash-safe file writes: temporary file, fsync, rename, directory fsync.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake/durable_file.h"


#define ELAAOMS_DURABLE_CHUNK  16384


/* formats "<op> <path>: <strerror(errno)>" without disturbing errno */
static int
elaaoms_durable_fail(char *err, size_t errlen, const char *op,
    const char *path)
{
    int  saved = errno;

    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "%s %s: %s", op, path, strerror(saved));
    }

    errno = saved;

    return -1;
}


static int
elaaoms_durable_fsync_dir(const char *dir)
{
    int  fd, rc, saved;

    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1) {
        return -1;
    }

    rc = fsync(fd);
    saved = errno;
    close(fd);
    errno = saved;

    return rc;
}


int
elaaoms_durable_mkdir_p(const char *dir, mode_t mode, char *err,
    size_t errlen)
{
    char         path[PATH_MAX];
    size_t       len, i;
    struct stat  st;

    if (dir == NULL || dir[0] == '\0') {
        errno = EINVAL;
        return elaaoms_durable_fail(err, errlen, "mkdir", "\"\"");
    }

    len = strlen(dir);
    if (len >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return elaaoms_durable_fail(err, errlen, "mkdir", dir);
    }

    memcpy(path, dir, len + 1);

    /* every prefix ending before a "/", then the whole path */
    for (i = 1; i <= len; i++) {
        if (i < len && path[i] != '/') {
            continue;
        }

        if (i < len && path[i - 1] == '/') {
            continue;
        }

        path[i] = '\0';

        if (mkdir(path, mode) == 0) {
            /* the new entry lives in the parent: make it durable too */
            char *slash = strrchr(path, '/');

            if (slash != NULL) {
                *slash = '\0';
                if (elaaoms_durable_fsync_dir(slash == path ? "/" : path)
                    == -1)
                {
                    *slash = '/';
                    return elaaoms_durable_fail(err, errlen, "fsync parent of",
                                                path);
                }

                *slash = '/';

            } else if (elaaoms_durable_fsync_dir(".") == -1) {
                return elaaoms_durable_fail(err, errlen, "fsync parent of",
                                            path);
            }

        } else if (errno != EEXIST) {
            return elaaoms_durable_fail(err, errlen, "mkdir", path);
        }

        if (i < len) {
            path[i] = '/';
        }
    }

    if (stat(dir, &st) == -1) {
        return elaaoms_durable_fail(err, errlen, "stat", dir);
    }

    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return elaaoms_durable_fail(err, errlen, "mkdir", dir);
    }

    return 0;
}


static int
elaaoms_durable_name_ok(const char *name)
{
    size_t  len;

    if (name == NULL || name[0] == '\0' || name[0] == '.') {
        return 0;
    }

    len = strnlen(name, ELAAOMS_DURABLE_NAME_MAX + 1);

    return len <= ELAAOMS_DURABLE_NAME_MAX && strchr(name, '/') == NULL;
}


/* "<base>/<sub>/<name>" for messages (sub and name may be NULL or "") */
static const char *
elaaoms_durable_show(char *buf, size_t size, const char *base,
    const char *sub, const char *name)
{
    snprintf(buf, size, "%s%s%s%s%s", base ? base : "",
             sub && sub[0] ? "/" : "", sub ? sub : "",
             name && name[0] ? "/" : "", name ? name : "");

    return buf;
}


int
elaaoms_durable_open_dir(const char *base, const char *sub, int create,
    char *err, size_t errlen)
{
    int          fd, next, saved;
    char         show[PATH_MAX], part[NAME_MAX + 1];
    size_t       seg;
    const char  *p;

    if (base == NULL || base[0] == '\0') {
        errno = EINVAL;
        return elaaoms_durable_fail(err, errlen, "open", "\"\"");
    }

    /* the configured directory is the operator's: followed as written */
    if (create && elaaoms_durable_mkdir_p(base, ELAAOMS_DURABLE_DIR_MODE, err,
                                          errlen) == -1)
    {
        return -1;
    }

    fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1) {
        return elaaoms_durable_fail(err, errlen, "open", base);
    }

    for (p = sub ? sub : ""; *p != '\0'; p += seg) {
        while (*p == '/') {
            p++;
        }

        seg = strcspn(p, "/");
        if (seg == 0) {
            break;
        }

        if (seg > NAME_MAX || (seg == 1 && p[0] == '.')
            || (seg == 2 && p[0] == '.' && p[1] == '.'))
        {
            errno = EINVAL;
            goto failed;
        }

        memcpy(part, p, seg);
        part[seg] = '\0';

        /* below it, nothing is followed: a symlink is refused (ELOOP) */
        next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                                | O_CLOEXEC);

        if (next == -1 && errno == ENOENT && create) {
            if (mkdirat(fd, part, ELAAOMS_DURABLE_DIR_MODE) == 0) {
                /* the new entry lives in the parent: make it durable */
                if (fsync(fd) == -1) {
                    goto failed;
                }

            } else if (errno != EEXIST) {
                goto failed;
            }

            next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                                    | O_CLOEXEC);
        }

        if (next == -1) {
            goto failed;
        }

        close(fd);
        fd = next;
    }

    return fd;

failed:

    saved = errno;
    close(fd);
    errno = saved;

    return elaaoms_durable_fail(err, errlen, create ? "create" : "open",
                                elaaoms_durable_show(show, sizeof(show), base,
                                                     sub, NULL));
}


int
elaaoms_durable_open_file(const char *base, const char *sub,
    const char *name, char *err, size_t errlen)
{
    int          dir, fd, saved;
    char         show[PATH_MAX];
    struct stat  st;

    if (!elaaoms_durable_name_ok(name)) {
        errno = EINVAL;
        return elaaoms_durable_fail(err, errlen, "open",
                                    name ? name : "(null)");
    }

    dir = elaaoms_durable_open_dir(base, sub, 0, err, errlen);
    if (dir == -1) {
        return -1;
    }

    fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    saved = errno;
    close(dir);

    if (fd != -1) {
        if (fstat(fd, &st) == -1) {
            saved = errno;
            close(fd);
            fd = -1;

        } else if (!S_ISREG(st.st_mode)) {
            /* a directory, a FIFO or a device is no payload */
            saved = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
            close(fd);
            fd = -1;
        }
    }

    if (fd == -1) {
        errno = saved;
        return elaaoms_durable_fail(err, errlen, "open",
                                    elaaoms_durable_show(show, sizeof(show),
                                                         base, sub, name));
    }

    /* reads block as usual */
    (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);

    return fd;
}


int
elaaoms_durable_exists(const char *base, const char *sub, const char *name)
{
    int          dir, rc, saved;
    struct stat  st;

    dir = elaaoms_durable_open_dir(base, sub, 0, NULL, 0);
    if (dir == -1) {
        return errno == ENOENT ? 0 : -1;
    }

    rc = fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW);
    saved = errno;
    close(dir);

    if (rc == -1) {
        errno = saved;
        return saved == ENOENT ? 0 : -1;
    }

    return 1;
}


int
elaaoms_durable_unlink(const char *base, const char *sub, const char *name,
    char *err, size_t errlen)
{
    int   dir, rc, saved;
    char  show[PATH_MAX];

    if (!elaaoms_durable_name_ok(name)) {
        errno = EINVAL;
        return elaaoms_durable_fail(err, errlen, "unlink",
                                    name ? name : "(null)");
    }

    dir = elaaoms_durable_open_dir(base, sub, 0, err, errlen);
    if (dir == -1) {
        return -1;
    }

    rc = unlinkat(dir, name, 0);
    saved = errno;
    close(dir);

    if (rc == -1) {
        errno = saved;
        return elaaoms_durable_fail(err, errlen, "unlink",
                                    elaaoms_durable_show(show, sizeof(show),
                                                         base, sub, name));
    }

    return 0;
}


static size_t
elaaoms_durable_total(const struct iovec *iov, int iovcnt)
{
    int     i;
    size_t  total = 0;

    for (i = 0; i < iovcnt; i++) {
        total += iov[i].iov_len;
    }

    return total;
}


/*
 * 1 when dir/name is a regular file holding exactly the iov bytes, 0 when
 * it differs or is absent, -1 on a read error.
 */
static int
elaaoms_durable_same(int dir, const char *name, const struct iovec *iov,
    int iovcnt)
{
    int            fd, i, same;
    char           buf[ELAAOMS_DURABLE_CHUNK];
    size_t         off, want;
    ssize_t        n;
    struct stat    st;

    fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd == -1) {
        /* absent, or a symlink: renameat() will replace it */
        return (errno == ENOENT || errno == ELOOP) ? 0 : -1;
    }

    if (fstat(fd, &st) == -1) {
        goto failed;
    }

    if (!S_ISREG(st.st_mode)
        || (size_t) st.st_size != elaaoms_durable_total(iov, iovcnt))
    {
        close(fd);
        return 0;
    }

    same = 1;

    for (i = 0; i < iovcnt && same; i++) {
        for (off = 0; off < iov[i].iov_len && same; off += (size_t) n) {
            want = iov[i].iov_len - off;
            if (want > sizeof(buf)) {
                want = sizeof(buf);
            }

            n = read(fd, buf, want);
            if (n == -1) {
                if (errno == EINTR) {
                    n = 0;
                    continue;
                }

                goto failed;
            }

            /* shrank under us: not the same */
            if (n == 0) {
                same = 0;
                break;
            }

            if (memcmp(buf, (const char *) iov[i].iov_base + off, (size_t) n)
                != 0)
            {
                same = 0;
            }
        }
    }

    close(fd);

    return same;

failed:

    {
        int saved = errno;

        close(fd);
        errno = saved;
    }

    return -1;
}


static int
elaaoms_durable_write_all(int fd, const struct iovec *iov, int iovcnt)
{
    int      i;
    size_t   off;
    ssize_t  n;

    for (i = 0; i < iovcnt; i++) {
        for (off = 0; off < iov[i].iov_len; off += (size_t) n) {
            n = write(fd, (const char *) iov[i].iov_base + off,
                      iov[i].iov_len - off);
            if (n == -1) {
                if (errno == EINTR) {
                    n = 0;
                    continue;
                }

                return -1;
            }
        }
    }

    return 0;
}


/* creates a fresh temporary file next to the target; its name in tmp */
static int
elaaoms_durable_open_tmp(int dir, const char *name, char *tmp, size_t tmpsz)
{
    int                 fd, attempt, n;
    uint64_t            rnd;
    static uint64_t     counter;

    for (attempt = 0; attempt < 8; attempt++) {
        /* uniqueness comes from O_EXCL; randomness only avoids retries */
        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
            rnd = (uint64_t) time(NULL) ^ (++counter << 32);
        }

        n = snprintf(tmp, tmpsz, ".%s.tmp.%ld.%016llx", name,
                     (long) getpid(), (unsigned long long) rnd);
        if (n < 0 || (size_t) n >= tmpsz) {
            errno = ENAMETOOLONG;
            return -1;
        }

        fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                              | O_CLOEXEC, ELAAOMS_DURABLE_FILE_MODE);
        if (fd != -1 || errno != EEXIST) {
            return fd;
        }
    }

    return -1;
}


int
elaaoms_durable_write_iov(const char *base, const char *sub,
    const char *name, const struct iovec *iov, int iovcnt, int *identical,
    char *err, size_t errlen)
{
    int   dir, fd, same, saved;
    char  tmp[NAME_MAX + 1], show[PATH_MAX];

    if (identical != NULL) {
        *identical = 0;
    }

    if (err != NULL && errlen > 0) {
        err[0] = '\0';
    }

    if (!elaaoms_durable_name_ok(name) || base == NULL || iovcnt < 0
        || (iovcnt > 0 && iov == NULL))
    {
        errno = EINVAL;
        return elaaoms_durable_fail(err, errlen, "write",
                                    name ? name : "(null)");
    }

    dir = elaaoms_durable_open_dir(base, sub, 1, err, errlen);
    if (dir == -1) {
        return -1;
    }

    fd = -1;
    tmp[0] = '\0';

    same = elaaoms_durable_same(dir, name, iov, iovcnt);
    if (same == -1) {
        elaaoms_durable_fail(err, errlen, "read",
                             elaaoms_durable_show(show, sizeof(show), base,
                                                  sub, name));
        goto failed;
    }

    if (same) {
        if (identical != NULL) {
            *identical = 1;
        }

        close(dir);
        return 0;
    }

    fd = elaaoms_durable_open_tmp(dir, name, tmp, sizeof(tmp));
    if (fd == -1) {
        elaaoms_durable_fail(err, errlen, "create",
                             elaaoms_durable_show(show, sizeof(show), base,
                                                  sub, tmp[0] ? tmp : name));
        tmp[0] = '\0';
        goto failed;
    }

    elaaoms_durable_show(show, sizeof(show), base, sub, tmp);

    /* ENOSPC and EIO may surface at write, fsync or close: check all */
    if (elaaoms_durable_write_all(fd, iov, iovcnt) == -1) {
        elaaoms_durable_fail(err, errlen, "write", show);
        goto failed;
    }

    if (fsync(fd) == -1) {
        elaaoms_durable_fail(err, errlen, "fsync", show);
        goto failed;
    }

    if (close(fd) == -1) {
        fd = -1;
        elaaoms_durable_fail(err, errlen, "close", show);
        goto failed;
    }

    fd = -1;

    if (renameat(dir, tmp, dir, name) == -1) {
        elaaoms_durable_fail(err, errlen, "rename",
                             elaaoms_durable_show(show, sizeof(show), base,
                                                  sub, name));
        goto failed;
    }

    /* the rename itself is only durable once the directory is synced */
    if (fsync(dir) == -1) {
        elaaoms_durable_fail(err, errlen, "fsync",
                             elaaoms_durable_show(show, sizeof(show), base,
                                                  sub, NULL));
        saved = errno;
        close(dir);
        errno = saved;
        return -1;
    }

    close(dir);

    return 0;

failed:

    saved = errno;

    if (fd != -1) {
        close(fd);
    }

    if (tmp[0] != '\0') {
        unlinkat(dir, tmp, 0);
    }

    close(dir);
    errno = saved;

    return -1;
}


int
elaaoms_durable_write(const char *base, const char *sub, const char *name,
    const void *data, size_t len, int *identical, char *err, size_t errlen)
{
    struct iovec  iov;

    iov.iov_base = (void *) data;
    iov.iov_len = len;

    return elaaoms_durable_write_iov(base, sub, name, &iov, len ? 1 : 0,
                                     identical, err, errlen);
}
