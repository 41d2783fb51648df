/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reads and writes threads repeat on descriptors, switching between them:
 * what whyslow times one call in several of, and must still count exactly.
 * Usage: quickfd DIR [N]   (default N = 20000)
 * DIR/in (4 KiB) is opened once and shared; each of 4 threads opens
 * DIR/alt<i> and DIR/out<i>, then N times: a 1-byte pread of DIR/alt<i>
 * when the round's number is 2 modulo 3, else of DIR/in, and a 3-byte
 * write to DIR/out<i>.  Threads 0-2 close their descriptors; thread 3
 * leaves them open as it exits (the process closes them at its end).
 * Prints "rounds=N elapsed_ms=T" on stderr.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS	4

static const char *dir;
static long rounds;
static int in_fd;

static int open_in(const char *name, int i, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s%d", dir, name, i);
	return open(path, flags, 0644);
}

static void *worker(void *arg)
{
	int i = (int)(long)arg, alt, out;
	long k;
	char c;

	alt = open_in("alt", i, O_RDWR | O_CREAT | O_TRUNC);
	out = open_in("out", i, O_WRONLY | O_CREAT | O_TRUNC);
	if (alt < 0 || out < 0 || write(alt, "y", 1) != 1)
		exit(1);
	for (k = 0; k < rounds; k++) {
		if (pread(k % 3 == 2 ? alt : in_fd, &c, 1, 0) != 1 ||
		    write(out, "abc", 3) != 3)
			exit(1);
	}
	if (i < THREADS - 1) {
		close(alt);
		close(out);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	struct timespec a, b;
	char path[4096], buf[4096];
	int i, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: quickfd DIR [N]\n");
		return 2;
	}
	dir = argv[1];
	rounds = argc > 2 ? atol(argv[2]) : 20000;
	snprintf(path, sizeof(path), "%s/in", dir);
	memset(buf, 'x', sizeof(buf));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf) || close(fd))
		return 1;
	in_fd = open(path, O_RDONLY);
	if (in_fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(long)i))
			return 1;
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	fprintf(stderr, "rounds=%ld elapsed_ms=%.1f\n", rounds,
		(b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
	return 0;
}
