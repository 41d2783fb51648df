/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Five functions burning CPU at 30/25/20/15/10 by work, ~1 s in all,
 * built -O2 without frame pointers and stripped (bin/stripped), as
 * distributions ship programs; bin/stripped.full is the same build before
 * strip, whose symbol table tells the tests where each function starts.
 * Usage: stripped [SCALE]   (SCALE multiplies the work, default 1)
 * Prints on stderr the wall time each function really took
 * ("stripped: alpha_ns=A beta_ns=B kappa_ns=C delta_ns=D epsilon_ns=E").
 */
#include <stdio.h>
#include <time.h>
#include "burn.h"

/* noclone: called with run-time counts, but a .constprop clone would be
 * a sixth function */
#define DEFINE_STRIPPED(name, inc) \
	__attribute__((noclone)) DEFINE_BURN(name, inc)

DEFINE_STRIPPED(alpha, 0x9e3779b97f4a7c15ull)
DEFINE_STRIPPED(beta, 0xbf58476d1ce4e5b9ull)
DEFINE_STRIPPED(kappa, 0x94d049bb133111ebull)
DEFINE_STRIPPED(delta, 0x2545f4914f6cdd1dull)
DEFINE_STRIPPED(epsilon, 0x5851f42d4c957f2dull)

#define ROUNDS	100
#define FUNCS	5

static uint64_t (*const funcs[FUNCS])(uint64_t) = {
	alpha, beta, kappa, delta, epsilon,
};
static const unsigned int shares[FUNCS] = { 30, 25, 20, 15, 10 };

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t total = (uint64_t)(BURN_ITERS_PER_SEC * scale), round, t0;
	uint64_t ns[FUNCS] = { 0 };
	int i, f;

	/* rounds of varying length, interleaved: see hot7030.c */
	for (i = 0; i < ROUNDS; i++) {
		round = total / ROUNDS / 2 +
			(total / ROUNDS) * ((i * 37) % 100) / 100;
		for (f = 0; f < FUNCS; f++) {
			t0 = now_ns();
			burn_sink += funcs[f](round * shares[f] / 100);
			ns[f] += now_ns() - t0;
		}
	}
	fprintf(stderr, "stripped: alpha_ns=%llu beta_ns=%llu kappa_ns=%llu "
		"delta_ns=%llu epsilon_ns=%llu\n", (unsigned long long)ns[0],
		(unsigned long long)ns[1], (unsigned long long)ns[2],
		(unsigned long long)ns[3], (unsigned long long)ns[4]);
	return 0;
}
