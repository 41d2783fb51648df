/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An application function whose time is half its own loop, half libc's
 * memcmp it calls (a lookup comparing long keys): the verdict names the
 * function and, of its time, memcmp.  ~0.6 s.  Usage: libcall [SCALE]
 * Prints on stderr what the calls really took
 * ("libcall: memcmp_ns=M total_ns=T"), for tests to compare.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "burn.h"

#define KEY_BYTES	(256 << 10)
#define ROUNDS		400
#define CALLS		160	/* memcmp calls a round */

static char key_a[KEY_BYTES], key_b[KEY_BYTES];

/* The loop is main's own: its iterations inline, no function of its own. */
int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t own = (uint64_t)(BURN_ITERS_PER_SEC * 0.3 * scale / ROUNDS);
	uint64_t cmp_ns = 0, t0, t1, start = now_ns(), x = 1;
	int found = 0, rounds = (int)(ROUNDS * scale), i, k;
	volatile uint64_t sink;

	key_b[KEY_BYTES - 1] = 1;	/* differ at the end: compare it all */
	for (i = 0; i < rounds; i++) {
		t0 = now_ns();
		for (k = 0; k < CALLS; k++) {
			const char *b = key_b;

			__asm__ volatile("" : "+r"(b));	/* a call each time */
			found += memcmp(key_a, b, KEY_BYTES) == 0;
		}
		t1 = now_ns();
		cmp_ns += t1 - t0;
		for (uint64_t j = 0; j < own; j++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			__asm__ volatile("" : "+r"(x));
		}
	}
	sink = x + found;
	(void)sink;
	fprintf(stderr, "libcall: memcmp_ns=%llu total_ns=%llu\n",
		(unsigned long long)cmp_ns,
		(unsigned long long)(now_ns() - start));
	return 0;
}
