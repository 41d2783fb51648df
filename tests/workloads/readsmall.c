/* SPDX-License-Identifier: GPL-2.0 */
/* Reads one byte at a time from one file, N times: pread(fd, buf, 1, 0),
 * always at offset 0, so every call returns exactly 1 byte from the page
 * cache (the file is written first if it is empty).  The reads are
 * read_loop()'s; the file is opened once, read N times and closed.
 * Usage: readsmall FILE [N]   (default N = 1000000)
 * Prints "reads=N bytes=B elapsed_ms=T" on stderr (T: the reads' time). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static __attribute__((noinline)) long read_loop(int fd, long n)
{
	long i, bytes = 0;
	char c;

	for (i = 0; i < n; i++) {
		if (pread(fd, &c, 1, 0) != 1)
			return -1;
		bytes += 1;
	}
	return bytes;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1000000, bytes;
	double start;
	struct stat st;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: readsmall FILE [N]\n");
		return 2;
	}
	if (stat(argv[1], &st) || st.st_size == 0) {
		fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "x\n", 2) != 2 || close(fd)) {
			perror(argv[1]);
			return 1;
		}
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	start = now_ms();
	bytes = read_loop(fd, n);
	close(fd);
	if (bytes < 0) {
		perror("pread");
		return 1;
	}
	fprintf(stderr, "reads=%ld bytes=%ld elapsed_ms=%.1f\n", n, bytes,
		now_ms() - start);
	return 0;
}
