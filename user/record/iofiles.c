// SPDX-License-Identifier: GPL-2.0
/* The files of the I/O table as they are at the end; see iofiles.h. */
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/sudo.h"
#include "lib/util.h"
#include "record/iofiles.h"

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

void io_files_inspect(struct io_summary *io)
{
	file_sizes(io);
	mark_directories(io);
}
