// SPDX-License-Identifier: GPL-2.0
/*
 * A report file appears whole or not at all, and only where its user could
 * have written it: every file operation runs with the user's rights
 * (sudo.h).  The bytes go to a nameless O_TMPFILE file in the target's
 * directory, which gets a random name once written and is renamed over
 * the target.  A rename replaces a symbolic link instead of following it,
 * so nothing is ever written through one, and a killed whyslow leaves no
 * file behind.  Character devices and FIFOs (/dev/null, a pipe a reader
 * waits on) are written in place: renaming over them would replace the
 * node with a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/output.h"
#include "lib/sudo.h"

#define NAME_TRIES	16	/* random names tried before giving up */

static int random_name(char *buf, size_t size)
{
	unsigned char r[8];

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return -EAGAIN;
	snprintf(buf, size, ".whyslow-%02x%02x%02x%02x%02x%02x%02x%02x.tmp",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
	return 0;
}

/* o->dirfd and o->base from path: 0 or -errno. */
static int open_dir(struct output *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	o->base = strdup(slash ? slash + 1 : path);
	dir = slash ? strndup(path, slash == path ? 1 : slash - path) :
		      strdup(".");
	if (!o->base || !dir) {
		free(dir);
		return -ENOMEM;
	}
	if (!*o->base || !strcmp(o->base, ".") || !strcmp(o->base, "..")) {
		free(dir);
		return -EISDIR;
	}
	o->dirfd = sudo_openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY, 0);
	free(dir);
	return o->dirfd < 0 ? o->dirfd : 0;
}

/* The device or FIFO that st describes, opened for writing.  A FIFO with
 * no reader fails at once (ENXIO) instead of hanging. */
static int open_in_place(struct output *o, const struct stat *st)
{
	struct stat now;
	int fd;

	fd = sudo_openat(o->dirfd, o->base,
			 O_WRONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	o->fd = fd;
	if (fstat(fd, &now))
		return -errno;
	/* Swapped since it was looked at: try no further. */
	if (now.st_dev != st->st_dev || now.st_ino != st->st_ino ||
	    (now.st_mode & S_IFMT) != (st->st_mode & S_IFMT))
		return -EAGAIN;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
		return -errno;
	return 0;
}

/* A new file in the target's directory, with no name yet if it can. */
static int open_new(struct output *o)
{
	char name[64];
	int fd, i, err;

	fd = sudo_openat(o->dirfd, ".", O_TMPFILE | O_WRONLY, 0666);
	if (fd >= 0 || (fd != -EOPNOTSUPP && fd != -EISDIR && fd != -EINVAL)) {
		o->fd = fd;
		return fd < 0 ? fd : 0;
	}
	for (i = 0, fd = -EEXIST; i < NAME_TRIES && fd == -EEXIST; i++) {
		if ((err = random_name(name, sizeof(name))))
			return err;
		fd = sudo_openat(o->dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
				 O_NOFOLLOW, 0666);
	}
	if (fd < 0)
		return fd;
	o->fd = fd;
	o->tmp = strdup(name);
	return o->tmp ? 0 : -ENOMEM;
}

static int open_file(struct output *o, const char *path)
{
	struct stat st;
	int fd, err;

	err = open_dir(o, path);
	if (err)
		return err;
	/* What is there now, links followed, as the user sees it. */
	fd = sudo_openat(o->dirfd, o->base, O_PATH, 0);
	if (fd >= 0) {
		err = fstat(fd, &st) ? -errno : 0;
		close(fd);
		if (err)
			return err;
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
			return open_in_place(o, &st);
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
	} else if (fd != -ENOENT) {
		return fd;
	}
	o->replace = true;
	return open_new(o);
}

/* path's directory, as open_dir takes it: its first *len bytes. */
static const char *dir_of(const char *path, int *len)
{
	const char *slash = strrchr(path, '/');

	*len = !slash || slash == path ? 1 : (int)(slash - path);
	return slash ? path : ".";
}

/* Why root could not write: files are the sudo user's. */
static const char *sudo_hint(int err)
{
	return err == -EACCES && sudo_active() ?
	       " (whyslow writes as the user who ran sudo)" : "";
}

/* Names of whyslow's own stdout: the helper's /proc/self is not ours, and
 * a rename over /dev/stdout would replace the link. */
static bool is_stdout(const char *path)
{
	return !path || !strcmp(path, "-") || !strcmp(path, "/dev/stdout") ||
	       !strcmp(path, "/dev/fd/1") || !strcmp(path, "/proc/self/fd/1");
}

int output_open(struct output *o, const char *path)
{
	const char *dir;
	int err, len;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->dirfd = -1;
	if (is_stdout(path))
		return 0;
	o->path = path;
	err = open_file(o, path);
	if (!err)
		return 0;
	if (err == -EINVAL)
		pr_err("cannot write %s: not a regular file, character "
		       "device or FIFO\n", path);
	else if (o->dirfd < 0 && o->base && err != -ENOMEM &&
		 err != -EISDIR) {
		dir = dir_of(path, &len);
		pr_err("cannot write %s: directory %.*s: %s%s\n", path, len,
		       dir, strerror(-err), sudo_hint(err));
	}
	else
		pr_err("cannot write %s: %s%s\n", path, strerror(-err),
		       sudo_hint(err));
	output_abort(o);
	return 1;
}

void output_abort(struct output *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		sudo_unlink(o->dirfd, o->tmp);
	if (o->dirfd >= 0)
		close(o->dirfd);
	free(o->base);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->dirfd = -1;
}

/* Writes through here keep their errno: the report writers only see a
 * failed stream and say EIO, which hides a full disk. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
	struct output *o = cookie;
	int fd = o->path ? o->fd : STDOUT_FILENO;
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = write(fd, buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!o->write_err)
				o->write_err = n < 0 ? errno : EIO;
			errno = o->write_err;
			return 0;
		}
		done += n;
	}
	return done;
}

static int write_bytes(struct output *o, output_fn fn, void *arg)
{
	cookie_io_functions_t io = { .write = cookie_write };
	FILE *f;
	int err;

	fflush(stdout);
	f = fopencookie(o, "w", io);
	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	err = fn(f, arg);
	if (fflush(f) && !err)
		err = -EIO;
	if (fclose(f) && !err)
		err = -EIO;
	if (o->write_err && (!err || err == -EIO))
		err = -o->write_err;
	return err;
}

/* The written file under a fresh name, then over the target. */
static int publish(struct output *o)
{
	char name[64];
	int err, i;

	if (fsync(o->fd))
		return -errno;
	if (o->tmp)
		return sudo_rename(o->dirfd, o->tmp, o->base);
	for (i = 0, err = -EEXIST; i < NAME_TRIES && err == -EEXIST; i++) {
		if ((err = random_name(name, sizeof(name))))
			return err;
		err = sudo_link_fd(o->fd, o->dirfd, name);
	}
	if (err)
		return err;
	err = sudo_rename(o->dirfd, name, o->base);
	if (err)
		sudo_unlink(o->dirfd, name);
	return err;
}

int output_write(struct output *o, output_fn fn, void *arg)
{
	int err = write_bytes(o, fn, arg);

	if (!err && o->replace)
		err = publish(o);
	if (!err && o->tmp) {
		free(o->tmp);	/* renamed: nothing left to remove */
		o->tmp = NULL;
	}
	if (o->fd >= 0) {
		/* A device's or FIFO's last bytes may fail only here. */
		if (close(o->fd) && !err && !o->replace)
			err = -errno;
		o->fd = -1;
	}
	if (err)
		pr_err("cannot write %s: %s\n",
		       o->path ? o->path : "the report", strerror(-err));
	output_abort(o);
	return err ? 1 : 0;
}

int output_to(const char *path, output_fn fn, void *arg)
{
	struct output o;

	if (output_open(&o, path))
		return 1;
	return output_write(&o, fn, arg);
}
