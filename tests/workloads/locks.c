/* SPDX-License-Identifier: GPL-2.0 */
/* Four threads serialised by one mutex: each calls guarded_update() in a
 * loop, which takes the lock, burns CPU under it (2 ms a call, SECONDS of
 * CPU a thread in all) and releases it.  At any time one thread works and
 * three wait, so the work is serial whatever the number of CPUs: the
 * lock_contention case.  The burning is in guarded_update itself, the
 * function that releases the lock, so the holder's CPU is its own.
 * Prints on stderr, summed over the four workers and measured with
 * CLOCK_MONOTONIC: lock_wait_ns (in pthread_mutex_lock), held_ns (lock
 * held), held_cpu_ns (of that, on a CPU: CLOCK_THREAD_CPUTIME_ID), alive_ns
 * (thread lifetimes), and wall_ns (all of main).
 * Usage: locks [SECONDS]  (default 0.3) */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "burn.h"

#define NTHREADS 4
#define SECTION_ITERS (BURN_ITERS_PER_SEC / 500)	/* 2 ms */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t rounds;
static uint64_t lock_wait_ns, held_ns, alive_ns;	/* summed over workers */
static uint64_t held_cpu_ns;	/* of held_ns, on a CPU (not preempted) */

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* One update of the shared state under the lock; returns the time spent
 * waiting for it.  The LCG loop is burn.h's, inline here. */
static __attribute__((noinline)) uint64_t guarded_update(uint64_t *held,
							 uint64_t *held_cpu)
{
	uint64_t t0 = now_ns(), t1, c1, x;

	pthread_mutex_lock(&lock);
	t1 = now_ns();
	c1 = thread_cpu_ns();
	x = state;
	for (uint64_t i = 0; i < SECTION_ITERS; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		__asm__ volatile("" : "+r"(x));
	}
	state = x;
	*held += now_ns() - t1;
	*held_cpu += thread_cpu_ns() - c1;
	pthread_mutex_unlock(&lock);
	return t1 - t0;
}

static void *worker(void *arg)
{
	uint64_t start = now_ns(), waited = 0, held = 0, held_cpu = 0;

	(void)arg;
	for (uint64_t i = 0; i < rounds; i++)
		waited += guarded_update(&held, &held_cpu);
	__atomic_fetch_add(&held_cpu_ns, held_cpu, __ATOMIC_RELAXED);
	__atomic_fetch_add(&lock_wait_ns, waited, __ATOMIC_RELAXED);
	__atomic_fetch_add(&held_ns, held, __ATOMIC_RELAXED);
	__atomic_fetch_add(&alive_ns, now_ns() - start, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t start = now_ns();
	pthread_t t[NTHREADS];
	int i;

	rounds = (uint64_t)(arg_double(argc, argv, 1, 0.3) * 500);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "locks: lock_wait_ns=%llu held_ns=%llu held_cpu_ns=%llu "
		"alive_ns=%llu wall_ns=%llu\n", (unsigned long long)lock_wait_ns,
		(unsigned long long)held_ns, (unsigned long long)held_cpu_ns,
		(unsigned long long)alive_ns,
		(unsigned long long)(now_ns() - start));
	return 0;
}
