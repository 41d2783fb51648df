/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user behind sudo, and file operations done with their rights.
 *
 * whyslow runs as root; the files its user names (-o, --save, profiles)
 * and the files the workload names (source files) must be opened with no
 * more rights than that user has.  Under sudo (SUDO_UID and SUDO_GID set,
 * running as root) the operations below run in a helper process that has
 * become the user (uid, gid and their supplementary groups), and opened
 * files come back over a socket.  Otherwise they run in place with the
 * current credentials.  Not thread-safe: one caller at a time.
 */
#ifndef WHYSLOW_SUDO_H
#define WHYSLOW_SUDO_H

#include <stdbool.h>
#include <sys/types.h>

/* A decimal user or group id, 0..INT32_MAX: 0 or -EINVAL. */
int sudo_parse_id(const char *s, unsigned long *out);

/*
 * The sudo user from the values of SUDO_UID and SUDO_GID: 1 with *uid and
 * *gid set, 0 when both are unset, -EINVAL when one is missing or either
 * is not an id.
 */
int sudo_parse_env(const char *uid_s, const char *gid_s, uid_t *uid,
		   gid_t *gid);

/*
 * Reads SUDO_UID/SUDO_GID once and, when running as root under sudo,
 * starts the helper as that user.  Call before any thread starts.
 * 0, or -errno (the environment is bad or the user cannot be become).
 */
int sudo_init(void);

/* As sudo_init, with the ids given, ending any earlier helper (for
 * tests): uid_s NULL = no sudo. */
int sudo_init_with(const char *uid_s, const char *gid_s);

/* Whether operations run as another user than the current one. */
bool sudo_active(void);

/*
 * In a child about to exec: becomes the sudo user (groups, gid, uid) and
 * sets HOME, USER and LOGNAME.  0 (also when not under sudo) or -errno.
 */
int sudo_become_user(void);

/* openat as the user: an fd (O_CLOEXEC) or -errno. */
int sudo_openat(int dirfd, const char *name, int flags, mode_t mode);

/* A file named by the user or the workload, for reading: opened without
 * blocking (a FIFO) or becoming a controlling terminal.  fd or -errno. */
int sudo_open_input(const char *path);

/* Links fd (an O_TMPFILE file) as dirfd/name, as the user: 0 or -errno. */
int sudo_link_fd(int fd, int dirfd, const char *name);

/* renameat(dirfd, from, dirfd, to) as the user: 0 or -errno. */
int sudo_rename(int dirfd, const char *from, const char *to);

/* unlinkat(dirfd, name, 0) as the user: 0 or -errno. */
int sudo_unlink(int dirfd, const char *name);

/* Ends the helper (also done at exit). */
void sudo_exit(void);

#endif
