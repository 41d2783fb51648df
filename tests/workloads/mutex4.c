/* SPDX-License-Identifier: GPL-2.0 */
/* Four threads take turns on one mutex, burning CPU while they hold it:
 * at any time one runs and three wait on the lock.  Prints on stderr the
 * time its workers spent in pthread_mutex_lock and alive, measured by the
 * program itself, for the tests to compare with whyslow's figures.
 * Usage: mutex4 [SECONDS]  (default 1) */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "burn.h"

DEFINE_BURN(critical_work, 0x9e3779b97f4a7c15ull)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rounds;
static uint64_t lock_wait_ns, alive_ns;	/* summed over the workers */

static void *worker(void *arg)
{
	uint64_t start = now_ns(), waited = 0, t;

	(void)arg;
	for (uint64_t i = 0; i < rounds; i++) {
		t = now_ns();
		pthread_mutex_lock(&lock);
		waited += now_ns() - t;
		burn_sink += critical_work(BURN_ITERS_PER_SEC / 1000);
		pthread_mutex_unlock(&lock);
	}
	__atomic_fetch_add(&lock_wait_ns, waited, __ATOMIC_RELAXED);
	__atomic_fetch_add(&alive_ns, now_ns() - start, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	int i;

	/* 1 ms critical sections; four threads share SECONDS of lock time */
	rounds = (uint64_t)(arg_double(argc, argv, 1, 1.0) * 1000 / 4);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "lock_wait_ns=%llu alive_ns=%llu\n",
		(unsigned long long)lock_wait_ns, (unsigned long long)alive_ns);
	return 0;
}
