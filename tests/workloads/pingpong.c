/* SPDX-License-Identifier: GPL-2.0 */
/* Two processes pass a byte back and forth over two pipes, N round trips:
 * a context switch per message, the worst case for off-CPU tracing.
 * Usage: pingpong [N]  (default 50000) */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void bounce(int in, int out, long n, int serve)
{
	char c = 'x';

	for (long i = 0; i < n; i++) {
		if (!serve && write(out, &c, 1) != 1)
			_exit(1);
		if (read(in, &c, 1) != 1)
			_exit(1);
		if (serve && write(out, &c, 1) != 1)
			_exit(1);
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 50000;
	int ab[2], ba[2];
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		return 1;
	pid = fork();
	if (pid == 0) {
		bounce(ab[0], ba[1], n, 1);
		_exit(0);
	}
	bounce(ba[0], ab[1], n, 0);
	return waitpid(pid, NULL, 0) == pid ? 0 : 1;
}
