/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A known call tree in code built like most software: -O2 without frame
 * pointers (see the Makefile), calling into a library of its own built the
 * same way (libnofp.so).  main → a → b → lib_leaf takes 60% of the work,
 * main → c → lib_leaf 40%; with an argument, main → sorter → qsort → cmp
 * runs afterwards; with "wait", only main -> waiter -> lib_wait, 100
 * sleeps of 2 ms.  Prints the measured split on stderr:
 * "nofp_tree: ab_ns=N c_ns=M".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <string.h>
#include "burn.h"

uint64_t lib_leaf(uint64_t n);	/* libnofp.so */
void lib_wait(void);

static volatile uint64_t sink;

__attribute__((noipa)) uint64_t b(uint64_t n)
{
	return lib_leaf(n) + 1;
}

__attribute__((noipa)) uint64_t a(uint64_t n)
{
	return b(n) + 2;
}

__attribute__((noipa)) uint64_t c(uint64_t n)
{
	return lib_leaf(n) + 3;
}

/* Orders by a mixed key, so that the comparisons, not qsort's moves,
 * take most of the sort: samples land in cmp itself. */
static uint32_t cmp_key(uint32_t x)
{
	int i;

	for (i = 0; i < 24; i++)
		x = (x ^ (x >> 13)) * 2654435761u;
	return x;
}

static int cmp(const void *x, const void *y)
{
	uint32_t p = cmp_key(*(const uint32_t *)x);
	uint32_t q = cmp_key(*(const uint32_t *)y);

	return (p > q) - (p < q);
}

__attribute__((noipa)) void sorter(void)
{
	static uint32_t v[200000];
	int r, i;

	for (r = 0; r < 3; r++) {
		for (i = 0; i < 200000; i++)
			v[i] = (uint32_t)(i * 2654435761u);
		qsort(v, 200000, sizeof(v[0]), cmp);
	}
}

__attribute__((noipa)) void waiter(void)
{
	int i;

	for (i = 0; i < 100; i++)
		lib_wait();
}

int main(int argc, char **argv)
{
	uint64_t n = 6000000, ab = 0, cn = 0, t0, t1;
	int i;

	if (argc > 1 && !strcmp(argv[1], "wait")) {
		waiter();
		return 0;
	}
	for (i = 0; i < 50; i++) {
		t0 = now_ns();
		sink += a(n * 6 / 10);
		t1 = now_ns();
		sink += c(n * 4 / 10);
		ab += t1 - t0;
		cn += now_ns() - t1;
	}
	fprintf(stderr, "nofp_tree: ab_ns=%llu c_ns=%llu\n",
		(unsigned long long)ab, (unsigned long long)cn);
	if (argc > 1)
		sorter();
	return 0;
}
