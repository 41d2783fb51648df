// SPDX-License-Identifier: GPL-2.0
/* See launch.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "record/launch.h"
#include "lib/sudo.h"

enum launch_stage {
	STAGE_USER,	/* becoming the sudo user failed */
	STAGE_EXEC,
};

struct launch_error {
	int stage;
	int err;
};

static void report_child_error(int fd, int stage, int err)
{
	struct launch_error e = { .stage = stage, .err = err };
	ssize_t n = write(fd, &e, sizeof(e));

	(void)n;
	_exit(127);
}

static void run_child(char **argv, bool as_root, int go_fd, int status_fd)
{
	char go;
	int err;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (!as_root && (err = sudo_become_user()))
		report_child_error(status_fd, STAGE_USER, -err);
	if (read(go_fd, &go, 1) != 1)
		_exit(127);	/* whyslow gave up before starting us */
	execvp(argv[0], argv);
	report_child_error(status_fd, STAGE_EXEC, errno);
}

int launch_held(char **argv, bool as_root, struct launch *l)
{
	int go[2], status[2];

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(status, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	l->pid = fork();
	if (l->pid == 0) {
		close(go[1]);
		close(status[0]);
		run_child(argv, as_root, go[0], status[1]);
	}
	close(go[0]);
	close(status[1]);
	if (l->pid < 0) {
		close(go[1]);
		close(status[0]);
		return -errno;
	}
	l->go_fd = go[1];
	l->status_fd = status[0];
	return 0;
}

int launch_release(struct launch *l, const char *cmd)
{
	struct launch_error e;
	ssize_t n;

	/* If the child died early, its error is waiting in status_fd. */
	n = write(l->go_fd, "g", 1);
	close(l->go_fd);
	l->go_fd = -1;
	do {
		n = read(l->status_fd, &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	close(l->status_fd);
	l->status_fd = -1;
	if (n == 0)
		return 0;
	waitpid(l->pid, NULL, 0);
	l->pid = -1;
	if (n != sizeof(e)) {
		pr_err("%s: could not be started\n", cmd);
		return 1;
	}
	if (e.stage == STAGE_USER) {
		pr_err("cannot switch to the sudo user (%s); "
		       "use --as-root to run the command as root\n",
		       strerror(e.err));
		return 1;
	}
	if (e.err == ENOENT) {
		pr_err("%s: command not found\n", cmd);
		return 127;
	}
	pr_err("%s: %s\n", cmd, strerror(e.err));
	return 126;
}

int launch_wait(int pid, int options, struct rusage *ru)
{
	int status;
	pid_t got;

	do {
		got = wait4(pid, &status, options, ru);
	} while (got < 0 && errno == EINTR);
	if (got <= 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void launch_abort(struct launch *l)
{
	if (l->pid <= 0)
		return;
	close(l->go_fd);
	close(l->status_fd);
	waitpid(l->pid, NULL, 0);
	l->pid = -1;
}
