/* SPDX-License-Identifier: GPL-2.0 */
/* Four threads take turns on one mutex held across a wait: save_record
 * takes it and sleeps 1 ms (a write to a slow device, a request) before
 * releasing it, so one thread sleeps while three wait on the lock, and
 * the sleeps, which could overlap, run one at a time.  Prints on stderr,
 * summed over the workers and measured with CLOCK_MONOTONIC:
 * lock_wait_ns (in pthread_mutex_lock), held_ns (lock held) and
 * alive_ns (their lives).
 * Usage: heldwait [SECONDS]  (default 0.4: of lock held in all) */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "burn.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rounds;
static uint64_t lock_wait_ns, held_ns, alive_ns;	/* summed */

/* Waits for the lock, then holds it across a 1 ms sleep; returns the
 * wait. */
static __attribute__((noinline)) uint64_t save_record(uint64_t *held)
{
	struct timespec ms = { 0, 1000000 };
	uint64_t t0 = now_ns(), t1;

	pthread_mutex_lock(&lock);
	t1 = now_ns();
	nanosleep(&ms, NULL);
	*held += now_ns() - t1;
	pthread_mutex_unlock(&lock);
	return t1 - t0;
}

static void *worker(void *arg)
{
	uint64_t start = now_ns(), waited = 0, held = 0;

	(void)arg;
	for (uint64_t i = 0; i < rounds; i++)
		waited += save_record(&held);
	__atomic_fetch_add(&lock_wait_ns, waited, __ATOMIC_RELAXED);
	__atomic_fetch_add(&held_ns, held, __ATOMIC_RELAXED);
	__atomic_fetch_add(&alive_ns, now_ns() - start, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	int i;

	/* ~1 ms a section (more: timer slack); four threads share them */
	rounds = (uint64_t)(arg_double(argc, argv, 1, 0.4) * 1000 / 4);
	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "lock_wait_ns=%llu held_ns=%llu alive_ns=%llu\n",
		(unsigned long long)lock_wait_ns, (unsigned long long)held_ns,
		(unsigned long long)alive_ns);
	return 0;
}
