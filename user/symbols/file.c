// SPDX-License-Identifier: GPL-2.0
/*
 * Opening the files the symbolizer reads without being turned against the
 * host: a name the workload controls may be swapped for a tape drive, a
 * terminal or a FIFO at any moment, and open(2) of a device already acts
 * (rewinds, hangs up, blocks).  So the name is first resolved with O_PATH,
 * which opens nothing, its type checked on that descriptor, and only then
 * is the very same inode opened for reading through /proc/self/fd: no
 * window in which another file can take the name's place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbols/file.h"

static int reopen_read(int pathfd, const struct stat *pst, struct stat *st)
{
	char proc[64];
	int fd, err;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		err = -errno;
		goto fail;
	}
	/* belt and braces: the same inode, still a regular file */
	if (!S_ISREG(st->st_mode) || st->st_ino != pst->st_ino ||
	    st->st_dev != pst->st_dev) {
		err = -EINVAL;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

int symfile_open(const char *path, int flags, struct stat *st)
{
	struct stat pst;
	int pathfd, fd;

	pathfd = open(path, O_PATH | O_CLOEXEC | (flags & O_NOFOLLOW));
	if (pathfd < 0)
		return -errno;
	if (fstat(pathfd, &pst))
		fd = -errno;
	else if (S_ISLNK(pst.st_mode))	/* O_PATH|O_NOFOLLOW opens links */
		fd = -ELOOP;
	else if (!S_ISREG(pst.st_mode))
		fd = -EINVAL;
	else
		fd = reopen_read(pathfd, &pst, st);
	close(pathfd);
	return fd;
}

FILE *symfile_fopen(const char *path, int flags, int *err)
{
	struct stat st;
	FILE *fp;
	int fd;

	fd = symfile_open(path, flags, &st);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	fp = fdopen(fd, "r");
	if (!fp) {
		*err = -errno;
		close(fd);
	}
	return fp;
}

/* fgets() finds the line ends with memchr, several times faster than a
 * getc() loop on /proc/kallsyms. */
ssize_t symfile_read_line(FILE *fp, char *buf, size_t size)
{
	size_t len;
	int c;

	if (!fgets_unlocked(buf, size, fp))
		return -1;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n') {
		buf[--len] = '\0';
		return len;
	}
	if (len + 1 < size)
		return len;	/* the last line, with no newline */
	while ((c = getc_unlocked(fp)) != EOF && c != '\n')
		;
	return -2;
}
