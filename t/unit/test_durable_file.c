/*
 * lib/durable_file: atomic replace, identical-content detection, iov
 * pieces, failures keep errno and leave no temporary file behind.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "intake/durable_file.h"


static char  base[256];
static char  err[512];


static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}


static ino_t
inode(const char *path)
{
    struct stat  st;

    return stat(path, &st) == 0 ? st.st_ino : 0;
}


/* count of leftover ".<name>.tmp.*" files in dir */
static int
tmp_files(const char *dir)
{
    int             n;
    DIR            *d;
    struct dirent  *e;

    d = opendir(dir);
    if (d == NULL) {
        return -1;
    }

    n = 0;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp.") != NULL) {
            n++;
        }
    }

    closedir(d);

    return n;
}


static void
test_write_and_identical(void)
{
    int           identical;
    char          dir[512], path[600], *got;
    size_t        len;
    ino_t         ino;
    struct stat   st;
    struct iovec  iov[3];

    snprintf(dir, sizeof(dir), "%s/org/acme//payloads/", base);
    snprintf(path, sizeof(path), "%s/org/acme/payloads/conv_1.json", base);

    identical = -1;
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "conv_1.json",
                                       "{\"a\":1}", 7,
                                       &identical, err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 0);
    got = unit_slurp(path, &len);
    CHECK_STR_EQ(got, "{\"a\":1}");
    free(got);

    CHECK_INT_EQ(stat(path, &st), 0);
    CHECK_INT_EQ(st.st_mode & 07777 & ~0640, 0);
    CHECK(S_ISREG(st.st_mode));
    snprintf(path, sizeof(path), "%s/org/acme/payloads", base);
    CHECK_INT_EQ(stat(path, &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_INT_EQ(st.st_mode & 07777 & ~0750, 0);
    snprintf(path, sizeof(path), "%s/org/acme/payloads/conv_1.json", base);

    /* same bytes: nothing is written, the inode stays */
    ino = inode(path);
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "conv_1.json",
                                       "{\"a\":1}", 7,
                                       &identical, err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 1);
    CHECK_INT_EQ(inode(path), ino);

    /* the same bytes in pieces are identical too */
    iov[0].iov_base = "{\"";
    iov[0].iov_len = 2;
    iov[1].iov_base = "";
    iov[1].iov_len = 0;
    iov[2].iov_base = "a\":1}";
    iov[2].iov_len = 5;
    CHECK_INT_EQ(elaaoms_durable_write_iov(dir, NULL, "conv_1.json", iov, 3,
                                           &identical, err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 1);

    /* same length, other bytes: replaced atomically (new inode) */
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "conv_1.json",
                                       "{\"a\":2}", 7,
                                       &identical, err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 0);
    CHECK(inode(path) != ino);
    got = unit_slurp(path, &len);
    CHECK_STR_EQ(got, "{\"a\":2}");
    free(got);

    /* a prefix of the content is not identical */
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "conv_1.json",
                                       "{\"a\":2}", 6,
                                       &identical, err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 0);
    got = unit_slurp(path, &len);
    CHECK_INT_EQ(len, 6);
    free(got);

    /* pieces written in order */
    CHECK_INT_EQ(elaaoms_durable_write_iov(dir, NULL, "conv_2.json", iov, 3,
                                           NULL,
                                           err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/org/acme/payloads/conv_2.json", base);
    got = unit_slurp(path, &len);
    CHECK_STR_EQ(got, "{\"a\":1}");
    free(got);

    /* empty content */
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "empty", "", 0, &identical,
                                       err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 0);
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "empty", NULL, 0, &identical,
                                       err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 1);
    CHECK_INT_EQ(elaaoms_durable_write_iov(dir, NULL, "empty", NULL, 0,
                                           &identical,
                                           err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 1);

    CHECK_INT_EQ(tmp_files(dir), 0);
}


static void
test_large(void)
{
    int     identical;
    char    dir[512], *big, *got;
    size_t  i, n, len;

    n = 300001;
    big = malloc(n);
    for (i = 0; i < n; i++) {
        big[i] = (char) ('a' + i % 26);
    }

    snprintf(dir, sizeof(dir), "%s/large", base);
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "big", big, n, &identical,
                                       err,
                                       sizeof(err)), 0);
    CHECK_INT_EQ(identical, 0);
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "big", big, n, &identical,
                                       err,
                                       sizeof(err)), 0);
    CHECK_INT_EQ(identical, 1);

    /* one byte differs, deep past the first read chunk */
    big[250000] = '#';
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "big", big, n, &identical,
                                       err,
                                       sizeof(err)), 0);
    CHECK_INT_EQ(identical, 0);

    snprintf(dir, sizeof(dir), "%s/large/big", base);
    got = unit_slurp(dir, &len);
    CHECK_INT_EQ(len, n);
    CHECK(got != NULL && memcmp(got, big, n) == 0);
    free(got);
    free(big);
}


static void
test_failures(void)
{
    int          identical;
    char         dir[600], file[512];
    struct stat  st;

    /* a path under a regular file: ENOTDIR, whoever runs the test */
    snprintf(file, sizeof(file), "%s/plainfile", base);
    CHECK_INT_EQ(elaaoms_durable_write(base, NULL, "plainfile", "x", 1, NULL,
                                       err,
                                       sizeof(err)), 0);
    snprintf(dir, sizeof(dir), "%s/sub", file);
    errno = 0;
    identical = -1;
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "p.json", "x", 1, &identical,
                                       err, sizeof(err)), -1);
    CHECK_INT_EQ(errno, ENOTDIR);
    CHECK_INT_EQ(identical, 0);
    CHECK(strstr(err, "mkdir") != NULL);
    CHECK(strstr(err, strerror(ENOTDIR)) != NULL);

    /* dir itself is a file */
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_write(file, NULL, "p.json", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(errno, ENOTDIR);

    /* the target name is a directory: rename fails, no temp file stays */
    snprintf(dir, sizeof(dir), "%s/clash/p.json", base);
    CHECK_INT_EQ(elaaoms_durable_mkdir_p(dir, 0750, err, sizeof(err)), 0);
    snprintf(dir, sizeof(dir), "%s/clash", base);
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "p.json", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(errno, EISDIR);
    CHECK(strstr(err, "rename") != NULL);
    CHECK_INT_EQ(tmp_files(dir), 0);

    /* names that are not plain file names */
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_write(base, NULL, "", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(errno, EINVAL);
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_write(base, NULL, "../escape", "x", 1, NULL,
                                       err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(errno, EINVAL);
    CHECK_INT_EQ(elaaoms_durable_write(base, NULL, "a/b", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(elaaoms_durable_write(base, NULL, "..", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(elaaoms_durable_write(base, NULL, ".hidden", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(elaaoms_durable_write(base, NULL, NULL, "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(elaaoms_durable_write(NULL, NULL, "n", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(elaaoms_durable_write("", NULL, "n", "x", 1, NULL, err,
                                       sizeof(err)), -1);
    CHECK_INT_EQ(errno, EINVAL);
    CHECK_INT_EQ(elaaoms_durable_write_iov(base, NULL, "n", NULL, 2, NULL, err,
                                           sizeof(err)), -1);
    CHECK_INT_EQ(elaaoms_durable_write_iov(base, NULL, "n", NULL, -1, NULL, err,
                                           sizeof(err)), -1);

    /* permissions only bind non-root users */
    if (geteuid() != 0) {
        snprintf(dir, sizeof(dir), "%s/readonly", base);
        CHECK_INT_EQ(mkdir(dir, 0500), 0);
        errno = 0;
        CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "p.json", "x", 1, NULL,
                                           err,
                                           sizeof(err)), -1);
        CHECK_INT_EQ(errno, EACCES);
        chmod(dir, 0700);
    }

    /* an existing symlink is replaced, its target left alone */
    snprintf(dir, sizeof(dir), "%s/links", base);
    CHECK_INT_EQ(elaaoms_durable_mkdir_p(dir, 0750, err, sizeof(err)), 0);
    snprintf(dir, sizeof(dir), "%s/links/p.json", base);
    CHECK_INT_EQ(symlink(file, dir), 0);
    snprintf(dir, sizeof(dir), "%s/links", base);
    CHECK_INT_EQ(elaaoms_durable_write(dir, NULL, "p.json", "x", 1, &identical,
                                       err, sizeof(err)), 0);
    CHECK_INT_EQ(identical, 0);
    snprintf(dir, sizeof(dir), "%s/links/p.json", base);
    CHECK_INT_EQ(lstat(dir, &st), 0);
    CHECK(S_ISREG(st.st_mode));
}


/* 1 when path exists (a dangling symlink counts) */
static int
exists(const char *path)
{
    struct stat  st;

    return lstat(path, &st) == 0;
}


static void
test_no_symlink_below_base(void)
{
    int          fd, identical;
    char         pay[512], out[512], p[700], q[700], buf[64];
    ssize_t      n;

    snprintf(pay, sizeof(pay), "%s/sym/payloads", base);
    snprintf(out, sizeof(out), "%s/sym/outside", base);
    CHECK_INT_EQ(elaaoms_durable_mkdir_p(pay, 0750, err, sizeof(err)), 0);
    CHECK_INT_EQ(elaaoms_durable_mkdir_p(out, 0750, err, sizeof(err)), 0);

    /* components below base are made as needed, and found again */
    CHECK_INT_EQ(elaaoms_durable_write(pay, "acme/conv_1", "conv_1.json",
                                       "{}", 2, &identical, err,
                                       sizeof(err)), 0);
    snprintf(p, sizeof(p), "%s/acme/conv_1/conv_1.json", pay);
    CHECK(exists(p));
    CHECK_INT_EQ(elaaoms_durable_exists(pay, "acme/conv_1", "conv_1.json"),
                 1);
    CHECK_INT_EQ(elaaoms_durable_exists(pay, "acme/conv_1", "other.json"),
                 0);
    CHECK_INT_EQ(elaaoms_durable_exists(pay, "acme/conv_9", "conv_9.json"),
                 0);

    fd = elaaoms_durable_open_file(pay, "acme/conv_1", "conv_1.json", err,
                                   sizeof(err));
    CHECK(fd >= 0);
    n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
    CHECK_INT_EQ(n, 2);
    if (fd >= 0) {
        close(fd);
    }

    /* a symlinked organization directory: refused, nothing written out */
    snprintf(p, sizeof(p), "%s/globex", pay);
    CHECK_INT_EQ(symlink(out, p), 0);
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_write(pay, "globex/conv_2", "conv_2.json",
                                       "{}", 2, NULL, err, sizeof(err)), -1);
    CHECK(errno == ELOOP || errno == ENOTDIR);
    CHECK(strstr(err, "globex") != NULL);
    snprintf(q, sizeof(q), "%s/conv_2", out);
    CHECK(!exists(q));

    /* a symlinked conversation directory, the last component */
    snprintf(q, sizeof(q), "%s/acme/conv_3", pay);
    CHECK_INT_EQ(symlink(out, q), 0);
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_write(pay, "acme/conv_3", "conv_3.json",
                                       "{}", 2, NULL, err, sizeof(err)), -1);
    CHECK(errno == ELOOP || errno == ENOTDIR);
    snprintf(q, sizeof(q), "%s/conv_3.json", out);
    CHECK(!exists(q));

    /* nothing read or removed through them either */
    snprintf(q, sizeof(q), "%s/conv_4.json", out);
    fd = open(q, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_INT_EQ(write(fd, "secret", 6), 6);
        close(fd);
    }

    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_open_file(pay, "globex", "conv_4.json", err,
                                           sizeof(err)), -1);
    CHECK(errno == ELOOP || errno == ENOTDIR);
    CHECK_INT_EQ(elaaoms_durable_exists(pay, "globex", "conv_4.json"), -1);
    CHECK_INT_EQ(elaaoms_durable_unlink(pay, "globex", "conv_4.json", err,
                                        sizeof(err)), -1);
    CHECK(exists(q));

    /* a symlinked payload file: refused, its target unread */
    snprintf(p, sizeof(p), "%s/acme/conv_1/conv_4.json", pay);
    CHECK_INT_EQ(symlink(q, p), 0);
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_open_file(pay, "acme/conv_1", "conv_4.json",
                                           err, sizeof(err)), -1);
    CHECK_INT_EQ(errno, ELOOP);
    CHECK(strstr(err, "conv_4.json") != NULL);

    /* a FIFO is no payload, and opening it does not hang */
    snprintf(p, sizeof(p), "%s/acme/conv_1/fifo.json", pay);
    CHECK_INT_EQ(mkfifo(p, 0600), 0);
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_open_file(pay, "acme/conv_1", "fifo.json",
                                           err, sizeof(err)), -1);
    CHECK_INT_EQ(errno, EINVAL);

    /* "." and ".." never walk anywhere */
    errno = 0;
    CHECK_INT_EQ(elaaoms_durable_write(pay, "acme/../../outside", "x.json",
                                       "{}", 2, NULL, err, sizeof(err)), -1);
    CHECK_INT_EQ(errno, EINVAL);
    CHECK_INT_EQ(elaaoms_durable_open_file(pay, "./acme/conv_1",
                                           "conv_1.json", err, sizeof(err)),
                 -1);
    CHECK_INT_EQ(elaaoms_durable_open_file(pay, "acme/conv_1", "../x", err,
                                           sizeof(err)), -1);

    /* the configured base itself may be a symlink: the operator's choice */
    snprintf(p, sizeof(p), "%s/sym/link-to-payloads", base);
    CHECK_INT_EQ(symlink(pay, p), 0);
    CHECK_INT_EQ(elaaoms_durable_write(p, "acme/conv_5", "conv_5.json", "{}",
                                       2, NULL, err, sizeof(err)), 0);
    snprintf(q, sizeof(q), "%s/acme/conv_5/conv_5.json", pay);
    CHECK(exists(q));
    CHECK_INT_EQ(elaaoms_durable_unlink(p, "acme/conv_5", "conv_5.json", err,
                                        sizeof(err)), 0);
    CHECK(!exists(q));
}


int
main(void)
{
    const char  *tmp;

    tmp = getenv("TMPDIR");
    snprintf(base, sizeof(base), "%s/elaaoms-durable-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");

    if (mkdtemp(base) == NULL) {
        perror("mkdtemp");
        return 1;
    }

    test_write_and_identical();
    test_large();
    test_failures();
    test_no_symlink_below_base();

    nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

    return UNIT_DONE("durable_file");
}
