/* SPDX-License-Identifier: GPL-2.0 */
/* Creates N small files DIR/f0 .. DIR/f<N-1>, each with one write of 100
 * bytes, from make_one(): many files, none of them costly on its own (a
 * git clone writing loose objects).
 * Usage: makefiles DIR N
 * Prints "files=N ns=T" on stderr: T the time the loop took
 * (CLOCK_MONOTONIC). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static __attribute__((noinline)) int make_one(const char *dir, long i)
{
	char path[4096], data[100];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/f%ld", dir, i);
	memset(data, 'x', sizeof(data));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, data, sizeof(data)) == (ssize_t)sizeof(data);
	close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	long i, n;
	long long start;

	if (argc != 3) {
		fprintf(stderr, "usage: makefiles DIR N\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	if (n < 0 || n > 1000000) {
		fprintf(stderr, "makefiles: N out of range\n");
		return 2;
	}
	start = now_ns();
	for (i = 0; i < n; i++)
		if (make_one(argv[1], i)) {
			perror("makefiles");
			return 1;
		}
	fprintf(stderr, "files=%ld ns=%lld\n", n, now_ns() - start);
	return 0;
}
