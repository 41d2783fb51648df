/* SPDX-License-Identifier: GPL-2.0 */
/* Runs /bin/true N times, one after another, with fork + execv + waitpid,
 * from spawn_all(): a program whose time goes to the processes it spawns.
 * Usage: spawn [N]   (default 200)
 * Prints the children's CPU time (getrusage) to stderr:
 * "spawn: children CPU <ns> ns".
 * Exits 1 if a fork, exec or child failed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static __attribute__((noinline)) int spawn_all(int n)
{
	char *const argv[] = { "/bin/true", NULL };
	int i, status;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	struct rusage ru;

	if (spawn_all(n)) {
		fprintf(stderr, "spawn: a child failed\n");
		return 1;
	}
	if (getrusage(RUSAGE_CHILDREN, &ru))
		return 1;
	fprintf(stderr, "spawn: children CPU %lld ns\n",
		(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ll +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ll);
	return 0;
}
