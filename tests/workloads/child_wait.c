/* SPDX-License-Identifier: GPL-2.0 */
/* The parent waits for a child that sleeps.  Usage: child_wait [SECONDS] */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct timespec nap = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };
	pid_t pid = fork();

	if (pid == 0) {
		nanosleep(&nap, NULL);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, NULL, 0) == pid ? 0 : 1;
}
