/*
 * Erasure of one conversation's payload directory (see payload_erase.h).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "intake/ids.h"
#include "intake/intake.h"
#include "intake/job.h"
#include "intake/payload_erase.h"


int
elaaoms_payload_erase(const char *payload_dir, const char *org,
    const char *conversation_id, size_t *files, char *err, size_t errlen)
{
    int             fd, rv;
    DIR            *d;
    char            path[4096];
    struct dirent  *e;

    if (files) {
        *files = 0;
    }

    /* ids that could climb out of the payload dir name nothing we wrote */
    if (!elaaoms_job_org_valid(org)
        || !elaaoms_conversation_id_valid_str(conversation_id)
        || elaaoms_payload_dir_path(path, sizeof(path), payload_dir, org,
                                    conversation_id) < 0)
    {
        snprintf(err, errlen, "invalid org or conversation id");
        return -1;
    }

    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1) {
        if (errno == ENOENT) {
            return 0;
        }
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }

    d = fdopendir(fd);
    if (d == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }

    rv = 0;

    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }

        if (unlinkat(fd, e->d_name, 0) == 0) {
            if (files) {
                (*files)++;
            }
            continue;
        }

        if (errno != ENOENT) {
            snprintf(err, errlen, "%s/%s: %s", path, e->d_name,
                     strerror(errno));
            rv = -1;
        }
    }

    closedir(d);

    if (rv == 0 && rmdir(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rv = -1;
    }

    return rv;
}
