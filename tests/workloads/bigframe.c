/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hot leaf under a function with a large local buffer, built without
 * frame pointers, in a thread of its own (a new stack, whose pages are
 * there only once touched): thread -> outer -> framed -> spin.  framed()
 * touches only the start of its buffer, so pages of its frame were never
 * there.  "hole": a 6 KB buffer, the whole frame within an 8 KiB copy of
 * the stack, but with a page missing in it; "far": a 12 KB buffer, which
 * puts framed()'s return address past an 8 KiB copy; "again": the same
 * in framed_again(), for telling a later run's samples apart.
 * Usage: bigframe hole|far|again [SECONDS]   (default 1)
 */
#include <pthread.h>
#include <string.h>

#include "burn.h"

static double seconds = 1;

DEFINE_BURN(spin, 1442695040888963407ull)

/* One function per buffer size, each a frame of its own. */
#define FRAMED(name, size)						\
	__attribute__((noipa)) static uint64_t name(uint64_t end)	\
	{								\
		volatile char buf[size];				\
		uint64_t x = 0;						\
									\
		buf[0] = 1;						\
		while (now_ns() < end)					\
			x += spin(100000) + buf[0];			\
		return x;						\
	}
FRAMED(framed_hole, 6000)
FRAMED(framed_far, 12000)
FRAMED(framed_again, 12000)

static int mode;	/* 0 hole, 1 far, 2 again */

__attribute__((noipa)) static uint64_t outer(uint64_t end)
{
	return (mode == 2 ? framed_again(end) : mode ? framed_far(end) :
			    framed_hole(end)) + 1;
}

static void *thread(void *arg)
{
	(void)arg;
	burn_sink = outer(now_ns() + seconds * 1e9);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc > 1)
		mode = !strcmp(argv[1], "again") ? 2 : !strcmp(argv[1], "far");
	if (argc > 2)
		seconds = atof(argv[2]);
	if (pthread_create(&t, NULL, thread, NULL))
		return 1;
	pthread_join(t, NULL);
	return 0;
}
