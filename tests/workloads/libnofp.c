/* SPDX-License-Identifier: GPL-2.0 */
/* The library of nofp_tree: built -O2 without frame pointers. */
#include <stdint.h>
#include <time.h>

uint64_t lib_leaf(uint64_t n)
{
	uint64_t x = n, i;

	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

/* Sleeps 2 ms: a wait whose user stack starts in code without frame
 * pointers. */
void lib_wait(void)
{
	struct timespec ts = { 0, 2000000 };

	nanosleep(&ts, NULL);
}
