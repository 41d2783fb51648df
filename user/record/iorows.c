// SPDX-License-Identifier: GPL-2.0
/* The I/O tables' rows once the recording ends; see iorows.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/sudo.h"
#include "lib/util.h"
#include "record/iorows.h"

/* Rows whose size is looked up, at most: the busiest come first. */
#define IO_SIZE_MAX_FILES	256

/*
 * The size of each file read, as it is at the end: how many times over
 * it was read (the reread_volume hint).  Opened with the user's rights,
 * and only whole paths that are not kernel files, whose open could do
 * more than open (/dev); a file that is gone or not regular stays 0.
 */
static void file_sizes(struct io_summary *io)
{
	static const char *const skip[] = { "/dev/", "/proc/", "/sys/" };
	size_t i, k, done = 0;
	struct stat st;
	int fd;

	for (i = 0; i < io->n_files && done < IO_SIZE_MAX_FILES; i++) {
		const char *path = io->files[i].path;

		if (!io->files[i].read_bytes || path[0] != '/')
			continue;
		for (k = 0; k < ARRAY_SIZE(skip); k++)
			if (!strncmp(path, skip[k], strlen(skip[k])))
				break;
		if (k < ARRAY_SIZE(skip))
			continue;
		done++;
		fd = sudo_open_input(path);
		if (fd < 0)
			continue;
		if (!fstat(fd, &st) && S_ISREG(st.st_mode))
			io->files[i].size = st.st_size;
		close(fd);
	}
}

#define IO_DIR_MAX_STATS	16384

/*
 * Which files are directories: of those opened and never read nor
 * written (listing one is getdents64, no read), a whole path lstat'ed as
 * it is at the end (nothing of it is opened or read).
 */
static void mark_directories(struct io_summary *io)
{
	struct stat st;
	size_t i, done = 0;

	for (i = 0; i < io->n_files && done < IO_DIR_MAX_STATS; i++) {
		struct io_file *f = &io->files[i];

		if (!f->opens || f->reads || f->writes || f->path[0] != '/')
			continue;
		done++;
		f->directory = !lstat(f->path, &st) && S_ISDIR(st.st_mode);
	}
}

static int cmp_file(const void *a, const void *b)
{
	const struct io_file *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns > y->time_ns ? -1 : 1;
	return strcmp(x->path, y->path);
}

static uint64_t endpoint_ns(const struct io_endpoint *e)
{
	return e->connect_ns + e->send_ns + e->recv_ns;
}

static int cmp_endpoint(const void *a, const void *b)
{
	const struct io_endpoint *x = a, *y = b;
	int c;

	if (endpoint_ns(x) != endpoint_ns(y))
		return endpoint_ns(x) > endpoint_ns(y) ? -1 : 1;
	if ((c = strcmp(x->proto, y->proto)))
		return c;
	if (x->inbound != y->inbound)
		return x->inbound - y->inbound;
	return strcmp(x->name, y->name);
}

static int cmp_concurrency(const void *a, const void *b)
{
	const struct io_concurrency *x = a, *y = b;

	if (x->request_ns != y->request_ns)
		return x->request_ns > y->request_ns ? -1 : 1;
	return CMP(x->pid, y->pid);
}

static int cmp_spawn(const void *a, const void *b)
{
	const struct io_spawn *x = a, *y = b;

	if (x->union_ns != y->union_ns)
		return x->union_ns > y->union_ns ? -1 : 1;
	if (x->wall_ns != y->wall_ns)
		return x->wall_ns > y->wall_ns ? -1 : 1;
	return strcmp(x->program, y->program);
}

/* A path whose descriptor saw nothing (its events lost) leaves an empty
 * row. */
static void drop_unused_files(struct io_summary *io)
{
	size_t i, n = 0;

	for (i = 0; i < io->n_files; i++) {
		const struct io_file *f = &io->files[i];

		if (f->opens || f->failed_opens || f->reads || f->writes ||
		    f->time_ns)
			io->files[n++] = *f;
		else
			free(f->path);
	}
	io->n_files = n;
}

/* Programs exec'd only by the command itself leave empty rows. */
static void drop_unspawned(struct io_summary *io)
{
	size_t i, n = 0;

	for (i = 0; i < io->n_spawns; i++) {
		if (io->spawns[i].count) {
			io->spawns[n++] = io->spawns[i];
		} else {
			free(io->spawns[i].program);
			free(io->spawns[i].parent);
		}
	}
	io->n_spawns = n;
}

void io_rows_finish(struct io_summary *io)
{
	drop_unspawned(io);
	drop_unused_files(io);
	qsort(io->files, io->n_files, sizeof(*io->files), cmp_file);
	file_sizes(io);
	mark_directories(io);
	qsort(io->endpoints, io->n_endpoints, sizeof(*io->endpoints),
	      cmp_endpoint);
	qsort(io->procs, io->n_procs, sizeof(*io->procs), cmp_concurrency);
	qsort(io->spawns, io->n_spawns, sizeof(*io->spawns), cmp_spawn);
}
