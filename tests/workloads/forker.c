/* SPDX-License-Identifier: GPL-2.0 */
/* The parent forks a child; each burns ~0.5 s of CPU in its own function;
 * the parent waits and exits with 0 only if the child exited with 0. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "burn.h"

DEFINE_BURN(parent_burn, 0x9e3779b97f4a7c15ull)
DEFINE_BURN(child_burn, 0xbf58476d1ce4e5b9ull)

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t iters = (uint64_t)(BURN_ITERS_PER_SEC / 2 * scale);
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		burn_sink += child_burn(iters);
		_exit(0);
	}
	burn_sink += parent_burn(iters);
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
