/* SPDX-License-Identifier: GPL-2.0 */
/* Opens, reads and closes every file named in LIST (one path a line),
 * ROUNDS times over: each open is open_one()'s, each file read whole in
 * 4 KiB reads.  Paths of up to 4095 bytes; empty lines are skipped.
 * Usage: openfiles LIST [ROUNDS]   (default ROUNDS = 1)
 * Prints "files=F opens=N bytes=B ns=T cpu_ns=C" on stderr: T the time
 * the opens and reads took (CLOCK_MONOTONIC), C the process's CPU time
 * (user and system), which waiting for a CPU on a busy machine does not
 * inflate. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static long long cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ll +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ll;
}

static __attribute__((noinline)) long open_one(const char *path)
{
	char buf[4096];
	long bytes = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		bytes += n;
	close(fd);
	return n < 0 ? -1 : bytes;
}

int main(int argc, char **argv)
{
	long rounds = argc > 2 ? atol(argv[2]) : 1, files = 0, opens = 0;
	long bytes = 0, b, r;
	long long start = now_ns();
	char line[4096];
	FILE *list;

	if (argc < 2) {
		fprintf(stderr, "usage: openfiles LIST [ROUNDS]\n");
		return 2;
	}
	for (r = 0; r < rounds; r++) {
		list = fopen(argv[1], "r");
		if (!list) {
			perror(argv[1]);
			return 1;
		}
		files = 0;
		while (fgets(line, sizeof(line), list)) {
			line[strcspn(line, "\n")] = '\0';
			if (!line[0])
				continue;
			b = open_one(line);
			if (b < 0) {
				fclose(list);
				return 1;
			}
			bytes += b;
			files++;
			opens++;
		}
		fclose(list);
	}
	fprintf(stderr, "files=%ld opens=%ld bytes=%ld ns=%lld cpu_ns=%lld\n",
		files, opens, bytes, now_ns() - start, cpu_ns());
	return 0;
}
