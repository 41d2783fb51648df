/* SPDX-License-Identifier: GPL-2.0 */
/* Many threads waiting often: THREADS threads (default 128) sleep 1 ms in
 * a loop for SECONDS (default 2), tens of thousands of long waits a
 * second, enough to fill whyslow's ring buffer with wait events. */
#include <pthread.h>
#include <time.h>
#include "burn.h"

static double seconds;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *waiter(void *arg)
{
	struct timespec ms = { 0, 1000000 };
	double end = now_s() + seconds;

	(void)arg;
	while (now_s() < end)
		nanosleep(&ms, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = (int)arg_double(argc, argv, 1, 128), i;
	pthread_t th[1024];

	seconds = arg_double(argc, argv, 2, 2.0);
	if (n < 1 || n > 1024)
		return 2;
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, waiter, NULL))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return 0;
}
