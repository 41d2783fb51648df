/* SPDX-License-Identifier: GPL-2.0 */
/* Writes MB megabytes of log-like lines (compressible, ~13% after gzip)
 * into popen("sh -c 'gzip -6 > /dev/null'"): the shape of `tar czf`,
 * whose compressor runs behind a shell.  gzip does the work (~30 MB/s
 * here); this program only formats lines (~10x faster) and then waits,
 * first on the full pipe, then in pclose for the shells and gzip to exit.
 * Prints on stderr its own phases, measured with CLOCK_MONOTONIC:
 * gen_ns (formatting lines), write_ns (in write(2), mostly blocked on the
 * full pipe), close_ns (in pclose) and wall_ns (all of main).
 * Usage: pipe_gzip [MB]  (default 48) */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "burn.h"

#define CHUNK (64 * 1024)
#define LINE_MAX_LEN 48

/* Decimal digits of v, right-aligned in width (zero-padded) if width > 0;
 * returns the end.  snprintf would cost as much as gzip's share. */
static char *put_num(char *p, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v && n < (int)sizeof(tmp));
	while (n < width && n < (int)sizeof(tmp))
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Fills buf with whole lines "record 00001234 status=ok value=NNN\n"
 * from line number *line on; returns the bytes written. */
static __attribute__((noinline)) size_t make_log_lines(char *buf, size_t cap,
						       uint64_t *line)
{
	static const char head[] = "record ", mid[] = " status=ok value=";
	char *p = buf;

	while ((size_t)(p - buf) + LINE_MAX_LEN <= cap) {
		memcpy(p, head, sizeof(head) - 1);
		p = put_num(p + sizeof(head) - 1, *line, 8);
		memcpy(p, mid, sizeof(mid) - 1);
		p = put_num(p + sizeof(mid) - 1,
			    (*line * 2654435761ull) % 1000, 0);
		*p++ = '\n';
		(*line)++;
	}
	return p - buf;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[CHUNK];
	uint64_t total = (uint64_t)(arg_double(argc, argv, 1, 48) * 1e6);
	uint64_t start = now_ns(), gen = 0, wr = 0, done = 0, line = 0, t;
	FILE *gz;
	int status;

	signal(SIGPIPE, SIG_IGN);	/* a dead gzip: an error, not a kill */
	gz = popen("sh -c 'gzip -6 > /dev/null'", "w");
	if (!gz) {
		perror("pipe_gzip: popen");
		return 1;
	}
	while (done < total) {
		size_t n;

		t = now_ns();
		n = make_log_lines(buf, sizeof(buf), &line);
		gen += now_ns() - t;
		t = now_ns();
		if (write_all(fileno(gz), buf, n)) {
			perror("pipe_gzip: write");
			pclose(gz);
			return 1;
		}
		wr += now_ns() - t;
		done += n;
	}
	t = now_ns();
	status = pclose(gz);
	t = now_ns() - t;
	fprintf(stderr, "pipe_gzip: bytes=%llu gen_ns=%llu write_ns=%llu "
		"close_ns=%llu wall_ns=%llu\n", (unsigned long long)done,
		(unsigned long long)gen, (unsigned long long)wr,
		(unsigned long long)t, (unsigned long long)(now_ns() - start));
	return status == 0 ? 0 : 1;
}
