/* SPDX-License-Identifier: GPL-2.0 */
/* The work on a thread that ends the process, its first thread idle in
 * epoll_wait meanwhile, 20 ms at a time: as a Go program can run, its
 * main goroutine on another thread than the first, which waits in the
 * netpoller with a timeout.  Each of those waits ends on its own, not by
 * another thread's doing.
 *
 *   exit_worker [SCALE]
 *
 * The worker burns ~0.4 s x SCALE in crunch(), then calls exit(0). */
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>

#include "burn.h"

DEFINE_BURN(crunch, 0x2545f4914f6cdd1dull)

static double scale;

static void *worker(void *arg)
{
	(void)arg;
	burn_sink += crunch((uint64_t)(BURN_ITERS_PER_SEC * 0.4 * scale));
	fflush(stdout);
	exit(0);
}

int main(int argc, char **argv)
{
	struct epoll_event ev;
	pthread_t t;
	int ep = epoll_create1(0);

	scale = arg_double(argc, argv, 1, 1.0);
	if (ep < 0 || pthread_create(&t, NULL, worker, NULL))
		return 1;
	for (;;)
		epoll_wait(ep, &ev, 1, 20);
}
