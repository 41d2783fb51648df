// SPDX-License-Identifier: GPL-2.0
/* The report and diff tools; see view.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcp/view.h"
#include "pprof/pprof.h"
#include "profile/profile.h"

#define READ_CHUNK	(256u << 10)

bool view_in_dir(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	const char *name;

	if (!n || strncmp(path, dir, n) || path[n] != '/')
		return false;
	name = path + n + 1;
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

/* A file of the session's, as root: its bytes, or -errno. */
static int read_own(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t cap = 0;
	struct stat st;
	ssize_t got = 0;
	char *buf;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	do {
		if (cap - *len < READ_CHUNK) {
			cap = cap ? cap * 2 : READ_CHUNK;
			buf = realloc(*data, cap);
			if (!buf) {
				got = -1;
				errno = ENOMEM;
				break;
			}
			*data = buf;
		}
		got = read(fd, *data + *len, cap - *len);
		if (got > 0)
			*len += got;
	} while (got > 0 && *len <= PPROF_MAX_INFLATED);
	close(fd);
	return got < 0 ? -errno : 0;
}

/* 0, or -1 with "PATH: why" in err. */
static int load(const char *path, const char *session_dir, struct profile *p,
		char *err, size_t errlen)
{
	char why[256] = "";
	size_t len;
	char *data;
	int ret;

	memset(p, 0, sizeof(*p));
	if (view_in_dir(path, session_dir)) {
		ret = read_own(path, &data, &len);
		if (ret)
			snprintf(why, sizeof(why), "%s", strerror(-ret));
		else
			ret = pprof_read((const uint8_t *)data, len, p, why,
					 sizeof(why));
		free(data);
	} else {
		ret = pprof_load(path, p, why, sizeof(why));
	}
	if (!ret)
		return 0;
	profile_free(p);
	if (ret == -ENOENT)
		snprintf(err, errlen, "no such profile: %s", path);
	else
		snprintf(err, errlen, "cannot read the profile %s: %s", path,
			 why);
	return -1;
}

struct view_out {
	FILE *f;
	char **text;
	size_t *len;
};

static int out_open(struct view_out *o, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	o->text = text;
	o->len = len;
	o->f = open_memstream(text, len);
	return o->f ? 0 : -ENOMEM;
}

/* 0 with the text, or -errno with nothing. */
static int out_close(struct view_out *o, int err)
{
	if (fclose(o->f) && !err)
		err = -ENOMEM;
	if (err) {
		free(*o->text);
		*o->text = NULL;
		*o->len = 0;
	}
	return err;
}

static int run_report(const struct tools_args *a, const char *dir,
		      struct view_out *o, char *err, size_t errlen)
{
	struct profile p;
	int ret;

	if (load(a->profile, dir, &p, err, errlen))
		return -1;
	ret = report_write(o->f, &p, &a->rep);
	profile_free(&p);
	if (ret == -ENOENT)
		snprintf(err, errlen, "no function matches '%s'", a->focus);
	else if (ret == -EINVAL && a->focus)
		snprintf(err, errlen, "focus '%s' is not a valid pattern",
			 a->focus);
	else if (ret)
		snprintf(err, errlen, "cannot render the report: %s",
			 strerror(-ret));
	return ret;
}

static int run_diff(const struct tools_args *a, const char *dir,
		    struct view_out *o, char *err, size_t errlen)
{
	struct profile before, after;
	int ret;

	if (load(a->before, dir, &before, err, errlen))
		return -1;
	if (load(a->after, dir, &after, err, errlen)) {
		profile_free(&before);
		return -1;
	}
	ret = report_write_diff(o->f, &before, &after, &a->rep);
	profile_free(&before);
	profile_free(&after);
	if (ret)
		snprintf(err, errlen, "cannot render the diff: %s",
			 strerror(-ret));
	return ret;
}

int view_run(const struct tools_args *a, const char *session_dir,
	     char **text, size_t *len, char *err, size_t errlen)
{
	struct view_out o;
	int ret;

	if (out_open(&o, text, len)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ret = a->tool == TOOL_DIFF ?
		run_diff(a, session_dir, &o, err, errlen) :
		run_report(a, session_dir, &o, err, errlen);
	if (out_close(&o, ret) && !ret) {
		snprintf(err, errlen, "out of memory");
		ret = -1;
	}
	return ret ? -1 : 0;
}
