/* SPDX-License-Identifier: GPL-2.0 */
/* Appends 4 KiB and fsyncs, N times: a writer bound by the disk.  Prints
 * on stderr the time spent in fsync and in all, measured by the program
 * itself, for the tests to compare with whyslow's figures.
 * Usage: fsync_writer FILE [N]  (default N = 200) */
#include <fcntl.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "burn.h"

static uint64_t fsync_ns;

static __attribute__((noinline)) int append_durably(int fd, const char *buf)
{
	uint64_t t;
	int err;

	if (write(fd, buf, 4096) != 4096)
		return -1;
	t = now_ns();
	err = fsync(fd);
	fsync_ns += now_ns() - t;
	return err;
}

int main(int argc, char **argv)
{
	static char buf[4096];
	uint64_t start = now_ns();
	int n = argc > 2 ? atoi(argv[2]) : 200, fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: fsync_writer FILE [N]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < n; i++)
		if (append_durably(fd, buf))
			return 1;
	close(fd);
	unlink(argv[1]);
	fprintf(stderr, "fsync_ns=%llu total_ns=%llu\n",
		(unsigned long long)fsync_ns,
		(unsigned long long)(now_ns() - start));
	return 0;
}
