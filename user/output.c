// SPDX-License-Identifier: GPL-2.0
/* A report file appears whole or not at all: it is written to a temporary
 * file beside it and renamed into place.  Targets that are not regular
 * files (/dev/null, a FIFO, a terminal) are written in place: renaming
 * over them would replace the device node with a file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

/* Under sudo, the report belongs to the user who asked for it. */
static void give_to_sudo_user(int fd)
{
	const char *uid = getenv("SUDO_UID"), *gid = getenv("SUDO_GID");

	if (uid && gid && geteuid() == 0 && fchown(fd, atoi(uid), atoi(gid)))
		return;	/* keeping root's ownership is harmless */
}

/* mkstemp creates 0600; a report is as readable as any new file. */
static void set_default_mode(int fd)
{
	mode_t mask = umask(0);

	umask(mask);
	fchmod(fd, 0666 & ~mask);
}

static int write_stream(FILE *f, output_fn fn, void *arg)
{
	int err = fn(f, arg);

	if (!err && fflush(f))
		err = -errno;
	return err;
}

static int write_in_place(const char *path, output_fn fn, void *arg)
{
	FILE *f = fopen(path, "we");
	int err;

	if (!f)
		return -errno;
	err = write_stream(f, fn, arg);
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static int write_atomically(const char *path, output_fn fn, void *arg)
{
	char *tmp;
	FILE *f;
	int fd, err;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	set_default_mode(fd);
	give_to_sudo_user(fd);
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto out;
	}
	err = write_stream(f, fn, arg);
	if (!err && fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
out:
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

int output_to(const char *path, output_fn fn, void *arg)
{
	struct stat st;
	int err;

	if (!path || !strcmp(path, "-"))
		err = write_stream(stdout, fn, arg);
	else if (!stat(path, &st) && !S_ISREG(st.st_mode))
		err = write_in_place(path, fn, arg);
	else
		err = write_atomically(path, fn, arg);
	if (err) {
		fprintf(stderr, "whyslow: cannot write %s: %s\n",
			path ? path : "the report", strerror(-err));
		return 1;
	}
	return 0;
}

struct report_job {
	const struct profile *p;
	const struct report_opts *opts;
};

static int report_to(FILE *f, void *arg)
{
	const struct report_job *job = arg;

	return write_report(f, job->p, job->opts);
}

int output_report(const char *path, const struct profile *p,
		  const struct report_opts *opts)
{
	struct report_job job = { .p = p, .opts = opts };

	return output_to(path, report_to, &job);
}
