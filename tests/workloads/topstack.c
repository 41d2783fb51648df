/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread started by clone() on a 16 KiB stack of its own mapping, a
 * page no one may read above it (no thread library data either), built
 * without frame pointers: worker()
 * calls outer(), whose locals put sp some 4.7 KiB below the mapping's end
 * as spin() runs.  An 8 KiB copy of the stack from sp reaches past that
 * end, and a 4 KiB one misses outer()'s callers: only a copy of what
 * there is finds worker() and clone.
 * Usage: topstack [SECONDS]   (default 1)
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define STACK	16384

static double seconds = 1;
static volatile uint64_t sink;
static volatile int done;

/* The clock from the vDSO: no thread-local data is touched. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noipa)) static uint64_t spin(uint64_t n)
{
	uint64_t x = n, i;

	for (i = 0; i < n; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	return x;
}

__attribute__((noipa)) static void outer(double end)
{
	volatile char pad[4500];

	pad[0] = 1;
	while (now() < end)
		sink += spin(200000) + pad[0];
}

__attribute__((noipa)) static int worker(void *arg)
{
	(void)arg;
	outer(now() + seconds);
	done = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec ms = { 0, 1000000 };
	char *stack;

	if (argc > 1)
		seconds = atof(argv[1]);
	stack = mmap(NULL, STACK + 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED || mprotect(stack + STACK, 4096, PROT_NONE) ||
	    clone(worker, stack + STACK, CLONE_VM | CLONE_FS | CLONE_FILES |
		  CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, NULL) < 0)
		return 1;
	while (!done)
		nanosleep(&ms, NULL);
	return 0;
}
