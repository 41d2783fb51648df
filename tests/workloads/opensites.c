/* SPDX-License-Identifier: GPL-2.0 */
/* Opens files from two functions called through one call site, so that
 * only the innermost return address tells the two sites apart: the
 * frame-pointer walk from libc's open() starts at the caller's caller.
 * Usage: opensites DIR [N [ROUNDS]]   (default N = 3000, ROUNDS = 1)
 * DIR/a_I for I % 3 != 0 are opened by open_a(), DIR/b_I by open_b(),
 * for I in 0..N-1, ROUNDS times over (the files must exist); prints
 * "opens_a=A opens_b=B" on stderr. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static __attribute__((noinline)) int open_a(const char *path)
{
	int fd = open(path, O_RDONLY);	/* site a */

	return fd < 0 ? -1 : close(fd);
}

static __attribute__((noinline)) int open_b(const char *path)
{
	int fd = open(path, O_RDONLY);	/* site b */

	return fd < 0 ? -1 : close(fd);
}

/* One round: every file once; 0, or 1 with the error printed. */
static int open_all(const char *dir, long n, long *a, long *b)
{
	int (*volatile fn)(const char *);
	char path[4096];
	long i;

	for (i = 0; i < n; i++) {
		fn = i % 3 ? open_a : open_b;
		snprintf(path, sizeof(path), "%s/%c_%ld", dir,
			 i % 3 ? 'a' : 'b', i);
		if (fn(path)) {		/* the one call site of both */
			perror(path);
			return 1;
		}
		if (i % 3)
			(*a)++;
		else
			(*b)++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 3000, a = 0, b = 0;
	long rounds = argc > 3 ? atol(argv[3]) : 1, r;

	if (argc < 2 || n < 1 || rounds < 1) {
		fprintf(stderr, "usage: opensites DIR [N [ROUNDS]]\n");
		return 2;
	}
	for (r = 0; r < rounds; r++)
		if (open_all(argv[1], n, &a, &b))
			return 1;
	fprintf(stderr, "opens_a=%ld opens_b=%ld\n", a, b);
	return 0;
}
