/* SPDX-License-Identifier: GPL-2.0 */
/* A pool of POOL threads waits on a condition variable for work; main
 * hands out two jobs of SECONDS of CPU each (pool_job), then polls for
 * their end with pthread_cond_timedwait every 50 ms on a condition no one
 * signals: its waits end by timeout, no thread wakes it.  Two workers run
 * side by side, the others sit idle until main tells them to quit.  No
 * lock is contended.  Prints on stderr, measured with CLOCK_MONOTONIC:
 * job_ns (summed over the two jobs), poll_ns (main polling), wall_ns.
 * Usage: condpool [SECONDS] [POOL]  (defaults 0.6, 4) */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "burn.h"

#define JOBS		2
#define MAX_POOL	16
#define POLL_NS		50000000ull

DEFINE_BURN(pool_job, 0x2545f4914f6cdd1dull)

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t never_cv = PTHREAD_COND_INITIALIZER;
static int pending, done, quit;
static uint64_t iters, job_ns;

static void *worker(void *arg)
{
	uint64_t t;

	(void)arg;
	pthread_mutex_lock(&m);
	for (;;) {
		while (!pending && !quit)
			pthread_cond_wait(&work_cv, &m);
		if (!pending)
			break;
		pending--;
		pthread_mutex_unlock(&m);
		t = now_ns();
		burn_sink += pool_job(iters);
		t = now_ns() - t;
		pthread_mutex_lock(&m);
		job_ns += t;
		done++;
	}
	pthread_mutex_unlock(&m);
	return NULL;
}

/* Polls for the jobs' end: a timed wait that times out every POLL_NS. */
static void poll_done(void)
{
	struct timespec ts;
	uint64_t at;

	pthread_mutex_lock(&m);
	while (done < JOBS) {
		clock_gettime(CLOCK_REALTIME, &ts);
		at = ts.tv_sec * 1000000000ull + ts.tv_nsec + POLL_NS;
		ts.tv_sec = at / 1000000000ull;
		ts.tv_nsec = at % 1000000000ull;
		pthread_cond_timedwait(&never_cv, &m, &ts);
	}
	pthread_mutex_unlock(&m);
}

int main(int argc, char **argv)
{
	uint64_t start = now_ns(), t;
	int n = (int)arg_double(argc, argv, 2, 4), i;
	pthread_t th[MAX_POOL];

	if (n < JOBS || n > MAX_POOL)
		n = 4;
	iters = (uint64_t)(arg_double(argc, argv, 1, 0.6) * BURN_ITERS_PER_SEC);
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, worker, NULL))
			return 1;
	/* the pool is waiting before the work comes */
	nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
	pthread_mutex_lock(&m);
	pending = JOBS;
	pthread_cond_broadcast(&work_cv);
	pthread_mutex_unlock(&m);
	t = now_ns();
	poll_done();
	t = now_ns() - t;
	pthread_mutex_lock(&m);
	quit = 1;
	pthread_cond_broadcast(&work_cv);
	pthread_mutex_unlock(&m);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	fprintf(stderr, "condpool: job_ns=%llu poll_ns=%llu wall_ns=%llu\n",
		(unsigned long long)job_ns, (unsigned long long)t,
		(unsigned long long)(now_ns() - start));
	return 0;
}
