// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/procfs.h"

ssize_t procfs_read(const char *path, char *buf, size_t size, bool *cut)
{
	size_t len = 0;
	ssize_t n = 1;
	char extra;
	int fd;

	*cut = false;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0 && errno != EINTR) {
		n = -errno;
		close(fd);
		buf[0] = '\0';
		return n;
	}
	buf[len] = '\0';
	*cut = len + 1 == size && read(fd, &extra, 1) > 0;
	close(fd);
	return len;
}

int procfs_lines_open(struct procfs_lines *l, const char *path,
		      size_t max_total, size_t max_line)
{
	memset(l, 0, sizeof(*l));
	l->max_total = max_total;
	l->max_line = max_line < 2 ? 2 : max_line;
	l->line = malloc(l->max_line + 1);
	if (!l->line)
		return -ENOMEM;
	l->f = fopen(path, "re");
	if (!l->f) {
		free(l->line);
		l->line = NULL;
		return -errno;
	}
	return 0;
}

/* The rest of a line too long to keep; false when the file ended. */
static bool skip_line(struct procfs_lines *l)
{
	int c;

	while (l->total < l->max_total && (c = getc(l->f)) != EOF) {
		l->total++;
		if (c == '\n')
			return true;
	}
	return false;
}

bool procfs_lines_next(struct procfs_lines *l)
{
	size_t len, room;

	while (l->total < l->max_total) {
		room = l->max_total - l->total + 1;
		if (room > l->max_line + 1)
			room = l->max_line + 1;
		if (!fgets(l->line, room, l->f))
			return false;
		len = strlen(l->line);
		l->total += len;
		if (len && l->line[len - 1] == '\n') {
			l->line[len - 1] = '\0';
			return true;
		}
		if (feof(l->f))
			return true;	/* a last line without newline */
		if (l->total >= l->max_total)
			break;
		l->long_lines++;
		if (!skip_line(l))
			break;
	}
	if (l->total >= l->max_total && getc(l->f) != EOF)
		l->cut = true;
	return false;
}

bool procfs_lines_close(struct procfs_lines *l)
{
	if (l->f)
		fclose(l->f);
	free(l->line);
	l->f = NULL;
	l->line = NULL;
	return l->cut || l->long_lines;
}
