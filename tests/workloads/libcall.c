/* SPDX-License-Identifier: GPL-2.0 */
/*
 * main's own loop (~35% of the time) and lookup(), which compares long
 * keys with libc's memcmp (~65%): main leads by its own time, its time
 * goes mostly to memcmp, under lookup.  The verdict names main and, of
 * its time, memcmp, and lookup most of it runs under.  ~0.8 s.
 * Usage: libcall [SCALE]
 * Prints on stderr what lookup's calls really took
 * ("libcall: lookup_ns=L total_ns=T"), for tests to compare.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "burn.h"

#define KEY_BYTES	(256 << 10)
#define ROUNDS		400
#define CALLS		320	/* memcmp calls a round */

static char key_a[KEY_BYTES], key_b[KEY_BYTES];

/* Keys equal to key_a among CALLS compares: memcmp's work, a call each. */
static __attribute__((noinline)) int lookup(void)
{
	volatile int frame_slot = 0;	/* keeps the frame pointer: burn.h */
	int found = 0, k;

	for (k = 0; k < CALLS; k++) {
		const char *b = key_b;

		__asm__ volatile("" : "+r"(b));	/* a call each time */
		found += memcmp(key_a, b, KEY_BYTES) == 0;
	}
	return found + frame_slot;
}

/* The loop is main's own: its iterations inline, no function of its own. */
int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t own = (uint64_t)(BURN_ITERS_PER_SEC * 0.3 * scale / ROUNDS);
	uint64_t lookup_ns = 0, t0, start = now_ns(), x = 1;
	int found = 0, rounds = (int)(ROUNDS * scale), i;
	volatile uint64_t sink;

	key_b[KEY_BYTES - 1] = 1;	/* differ at the end: compare it all */
	for (i = 0; i < rounds; i++) {
		t0 = now_ns();
		found += lookup();
		lookup_ns += now_ns() - t0;
		for (uint64_t j = 0; j < own; j++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			__asm__ volatile("" : "+r"(x));
		}
	}
	sink = x + found;
	(void)sink;
	fprintf(stderr, "libcall: lookup_ns=%llu total_ns=%llu\n",
		(unsigned long long)lookup_ns,
		(unsigned long long)(now_ns() - start));
	return 0;
}
