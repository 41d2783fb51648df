/* SPDX-License-Identifier: GPL-2.0 */
/* A thread made during a wait ends it: the first thread waits on a
 * condition variable; a worker burns ~0.2 s x SCALE in prepare(), then
 * makes a second thread, which burns as long in finish() and signals the
 * condition.  What the first thread waited for is prepare() then
 * finish(), as a Go program's main goroutine waits for one that a new
 * thread (an M) runs.
 *
 *   thread_made [SCALE] */
#include <pthread.h>
#include <stdbool.h>

#include "burn.h"

DEFINE_BURN(prepare, 0x2545f4914f6cdd1dull)
DEFINE_BURN(finish, 0x9e3779b97f4a7c15ull)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static bool done;
static double scale;

static void *second(void *arg)
{
	(void)arg;
	burn_sink += finish((uint64_t)(BURN_ITERS_PER_SEC * 0.2 * scale));
	pthread_mutex_lock(&lock);
	done = true;
	pthread_cond_signal(&done_cv);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *first(void *arg)
{
	pthread_t t;

	(void)arg;
	burn_sink += prepare((uint64_t)(BURN_ITERS_PER_SEC * 0.2 * scale));
	if (pthread_create(&t, NULL, second, NULL))
		exit(1);
	pthread_detach(t);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	scale = arg_double(argc, argv, 1, 1.0);
	if (pthread_create(&t, NULL, first, NULL))
		return 1;
	pthread_detach(t);
	pthread_mutex_lock(&lock);
	while (!done)
		pthread_cond_wait(&done_cv, &lock);
	pthread_mutex_unlock(&lock);
	return 0;
}
