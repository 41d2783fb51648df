// SPDX-License-Identifier: GPL-2.0
/* A report file appears whole or not at all: it is written to a temporary
 * file beside it and renamed into place. */
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

static int write_to_stdout(const struct profile *p, const struct report_opts *o)
{
	int err = write_report(stdout, p, o);

	if (!err && fflush(stdout))
		err = -errno;
	if (err) {
		fprintf(stderr, "whyslow: cannot write the report: %s\n",
			strerror(-err));
		return 1;
	}
	return 0;
}

int output_report(const char *path, const struct profile *p,
		  const struct report_opts *opts)
{
	char *tmp;
	FILE *f = NULL;
	int fd, err;

	if (!path || !strcmp(path, "-"))
		return write_to_stdout(p, opts);
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return 1;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	{
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fd, 0666 & ~mask);	/* mkstemp made it 0600 */
	}
	give_to_sudo_user(fd);
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto fail_unlink;
	}
	err = write_report(f, p, opts);
	if (!err && (fflush(f) || fsync(fileno(f))))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		goto fail_unlink;
	free(tmp);
	return 0;
fail_unlink:
	unlink(tmp);
fail:
	fprintf(stderr, "whyslow: cannot write %s: %s\n", path, strerror(-err));
	free(tmp);
	return 1;
}
