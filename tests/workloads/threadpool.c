/* SPDX-License-Identifier: GPL-2.0 */
/* main starts four threads that each compute SECONDS of CPU on their own
 * data (nothing shared, no lock) and joins them: main's only wait is a
 * thread join.  Prints on stderr, measured with CLOCK_MONOTONIC: join_ns
 * (main in pthread_join), compute_ns (summed over the workers' compute
 * calls) and wall_ns (all of main).
 * Usage: threadpool [SECONDS]  (default 0.2) */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "burn.h"

#define NTHREADS 4

DEFINE_BURN(compute_block, 0xd1b54a32d192ed03ull)

static uint64_t iters;
static uint64_t compute_ns;

static void *worker(void *arg)
{
	uint64_t t = now_ns();

	*(uint64_t *)arg = compute_block(iters);
	__atomic_fetch_add(&compute_ns, now_ns() - t, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t start = now_ns(), res[NTHREADS], t;
	pthread_t th[NTHREADS];
	int i;

	iters = (uint64_t)(arg_double(argc, argv, 1, 0.2) * BURN_ITERS_PER_SEC);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, &res[i]))
			return 1;
	t = now_ns();
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	t = now_ns() - t;
	for (i = 0; i < NTHREADS; i++)
		burn_sink += res[i];
	fprintf(stderr, "threadpool: join_ns=%llu compute_ns=%llu wall_ns=%llu\n",
		(unsigned long long)t, (unsigned long long)compute_ns,
		(unsigned long long)(now_ns() - start));
	return 0;
}
