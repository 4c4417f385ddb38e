/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-id.c: which mount is which. The mount id of an fd, the paths of /proc/self/mountinfo, and
 * the mounts the container made itself (mount_is_own), where ocirt may create what the config did
 * not name. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "fs/fs-internal.h"
#include "base/base.h"

/* glibc 2.36's struct statx ends before the kernel's stx_mnt_id, which follows stx_dev_minor. */
static int
statx_mount_id(int fd)
{
        struct statx sx;
        uint64_t id;

        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
                return -1;
        memcpy(&id, (const char *) &sx.stx_dev_minor + sizeof sx.stx_dev_minor, sizeof id);
        return id <= INT_MAX ? (int) id : -1;
}

/* The id of the mount fd is on, or -1: statx (Linux 5.8), else /proc/self/fdinfo, whose text the
 * kernel has to format (a tenth of a millisecond over the mounts of one container). */
int
mount_id_of(int fd)
{
        char path[64], *text = NULL, *line;
        int id = statx_mount_id(fd);

        if (id >= 0)
                return id;
        (void) snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
        if (read_file_at(AT_FDCWD, path, &text, NULL) < 0)
                return -1;
        line = strstr(text, "mnt_id:");
        if (line)
                id = atoi(line + 7);
        free(text);
        return id;
}

/* The mounts this container made itself: its rootfs bind (noted by devices.c through rootfd) and the
 * new filesystems of the mounts list. A directory on any other mount (a bind of a host directory,
 * or a host submount an rbind brought along) belongs to the host: ocirt creates nothing there that
 * the config did not ask for (issue 13.1: a bind-mounted /dev gets no default devices). */
static int own_ids[256];
static size_t n_own_ids;

/* Runs in: the container init. fd lies on a mount the container made. */
void
mount_note_own(int fd)
{
        int id = mount_id_of(fd);

        if (id >= 0 && n_own_ids < ELEMENTSOF(own_ids))
                own_ids[n_own_ids++] = id;
}

/* Runs in: the container init. */
bool
mount_is_own(int rootfd, int fd)
{
        int id = mount_id_of(fd);

        if (id < 0)
                return false;
        if (id == mount_id_of(rootfd))
                return true;
        for (size_t i = 0; i < n_own_ids; i++)
                if (own_ids[i] == id)
                        return true;
        return false;
}


/* mountinfo escapes space, tab, newline and backslash as \ooo (a byte: the first digit 0-3). In place. */
void
mountinfo_unescape(char *s)
{
        char *w = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *w++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *w++ = *s;
        }
        *w = '\0';
}
