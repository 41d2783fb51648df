// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/procfs.h"

ssize_t procfs_read(const char *path, char *buf, size_t size, bool *cut)
{
	size_t len = 0;
	ssize_t n = 1;
	char extra;
	int fd;

	*cut = false;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0 && errno != EINTR) {
		n = -errno;
		close(fd);
		buf[0] = '\0';
		return n;
	}
	buf[len] = '\0';
	*cut = len + 1 == size && read(fd, &extra, 1) > 0;
	close(fd);
	return len;
}

int procfs_lines_open(struct procfs_lines *l, const char *path,
		      size_t max_total, size_t max_line)
{
	memset(l, 0, sizeof(*l));
	l->max_total = max_total;
	l->max_line = max_line < 2 ? 2 : max_line;
	l->line = malloc(l->max_line + 1);
	if (!l->line)
		return -ENOMEM;
	l->f = fopen(path, "re");
	if (!l->f) {
		free(l->line);
		l->line = NULL;
		return -errno;
	}
	return 0;
}

/* The rest of a line too long to keep; false when the file ended. */
static bool skip_line(struct procfs_lines *l)
{
	int c;

	while (l->total < l->max_total && (c = getc(l->f)) != EOF) {
		l->total++;
		if (c == '\n')
			return true;
	}
	return false;
}

bool procfs_lines_next(struct procfs_lines *l)
{
	size_t len, room;

	while (l->total < l->max_total) {
		room = l->max_total - l->total + 1;
		if (room > l->max_line + 1)
			room = l->max_line + 1;
		if (!fgets(l->line, room, l->f))
			return false;
		len = strlen(l->line);
		l->total += len;
		if (len && l->line[len - 1] == '\n') {
			l->line[len - 1] = '\0';
			return true;
		}
		if (feof(l->f))
			return true;	/* a last line without newline */
		if (l->total >= l->max_total)
			break;
		l->long_lines++;
		if (!skip_line(l))
			break;
	}
	if (l->total >= l->max_total && getc(l->f) != EOF)
		l->cut = true;
	return false;
}

bool procfs_lines_close(struct procfs_lines *l)
{
	if (l->f)
		fclose(l->f);
	free(l->line);
	l->f = NULL;
	l->line = NULL;
	return l->cut || l->long_lines;
}

/* The next NUL-separated string of buf (len bytes) after *at, its length
 * in *n (the last may lack its NUL); NULL at the end. */
static const char *next_str(const char *buf, size_t len, size_t *at,
			    size_t *n)
{
	const char *s = buf + *at;
	const char *end;

	if (*at >= len)
		return NULL;
	end = memchr(s, '\0', len - *at);
	*n = end ? (size_t)(end - s) : len - *at;
	*at += *n + 1;
	return s;
}

/* The interpreter's options, those before the script, -c or -m: -u, and
 * -c itself. */
static unsigned int cmdline_python_opts(const char *buf, size_t len)
{
	unsigned int opts = 0;
	size_t at = 0, n, i;
	const char *a;

	if (!next_str(buf, len, &at, &n))	/* argv[0] */
		return 0;
	while ((a = next_str(buf, len, &at, &n)) && n >= 2 && a[0] == '-') {
		if (a[1] == '-') {
			if (n == 2)
				return opts;	/* "--": the script next */
			continue;
		}
		for (i = 1; i < n; i++) {
			if (a[i] == 'u')
				opts |= PROCFS_PY_UNBUFFERED;
			if (a[i] == 'c')
				return opts | PROCFS_PY_COMMAND;
			if (a[i] == 'm')
				return opts;
			if (a[i] == 'W' || a[i] == 'X') {
				if (i + 1 == n)	/* its value: the next one */
					next_str(buf, len, &at, &n);
				break;
			}
		}
	}
	return opts;
}

unsigned int procfs_python_opts(const char *environ, size_t env_len,
				const char *cmdline, size_t cmd_len)
{
	static const char var[] = "PYTHONUNBUFFERED=";
	unsigned int opts = cmdline_python_opts(cmdline, cmd_len);
	size_t at = 0, n;
	const char *s;

	while ((s = next_str(environ, env_len, &at, &n)))
		if (n > sizeof(var) - 1 && !memcmp(s, var, sizeof(var) - 1))
			opts |= PROCFS_PY_UNBUFFERED;
	return opts;
}

int procfs_pid_python_opts(const char *procfs, unsigned int pid)
{
	char path[64], *env = malloc(PROCFS_ENV_MAX), *cmd = malloc(4096);
	ssize_t n_env, n_cmd;
	bool cut;
	int ret = -ENOMEM;

	if (!env || !cmd)
		goto out;
	snprintf(path, sizeof(path), "%s/%u/environ", procfs, pid);
	n_env = procfs_read(path, env, PROCFS_ENV_MAX, &cut);
	snprintf(path, sizeof(path), "%s/%u/cmdline", procfs, pid);
	n_cmd = procfs_read(path, cmd, 4096, &cut);
	if (n_env < 0 || n_cmd < 0) {
		ret = n_env < 0 ? (int)n_env : (int)n_cmd;
		goto out;
	}
	ret = (int)procfs_python_opts(env, n_env, cmd, n_cmd);
out:
	free(env);
	free(cmd);
	return ret;
}

/* A word that a shell would not take as one as it stands. */
static bool needs_quotes(const char *w, size_t len)
{
	size_t i;

	if (!len)
		return true;
	for (i = 0; i < len; i++)
		if (w[i] == ' ' || w[i] == '\'' || w[i] == '"' ||
		    w[i] == '\\')
			return true;
	return false;
}

/* Appends c to out (used *n of size), one byte kept for the NUL. */
static void put_char(char *out, size_t size, size_t *n, char c)
{
	if (*n + 1 < size)
		out[(*n)++] = c;
}

static void join_words(const char *cmdline, size_t len, char *out,
		       size_t size, bool keep_utf8)
{
	size_t i = 0, n = 0, wlen, j;
	const char *w;
	bool quote;

	if (!size)
		return;
	while (len && !cmdline[len - 1])	/* the last word's NULs */
		len--;
	while (len && i <= len && n + 1 < size) {
		w = cmdline + i;
		wlen = strnlen(w, len - i);
		quote = needs_quotes(w, wlen);
		if (i)
			put_char(out, size, &n, ' ');
		if (quote)
			put_char(out, size, &n, '\'');
		for (j = 0; j < wlen; j++) {
			unsigned char c = w[j];

			if (c == '\'') {	/* '\'' */
				put_char(out, size, &n, '\'');
				put_char(out, size, &n, '\\');
				put_char(out, size, &n, '\'');
			}
			put_char(out, size, &n, c < 0x20 || c == 0x7f ||
				 (c > 0x7f && !keep_utf8) ? '?' : c);
		}
		if (quote)
			put_char(out, size, &n, '\'');
		i += wlen + 1;
	}
	out[n] = '\0';
}

void procfs_cmdline_join(const char *cmdline, size_t len, char *out,
			 size_t size)
{
	join_words(cmdline, len, out, size, false);
}

void procfs_argv_join(const char *words, size_t len, char *out, size_t size)
{
	join_words(words, len, out, size, true);
}

int procfs_pid_cmdline(const char *procfs, unsigned int pid, char *out,
		       size_t size)
{
	char path[64], raw[PROCFS_ARGS_MAX];
	ssize_t n;
	bool cut;

	if (size)
		out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%u/cmdline", procfs, pid);
	n = procfs_read(path, raw, sizeof(raw), &cut);
	if (n < 0)
		return (int)n;
	procfs_cmdline_join(raw, n, out, size);
	return 0;
}

/* "cpu  user nice system idle iowait irq softirq steal ...": the 8th */
#define STAT_STEAL_FIELD	8

int procfs_stat_steal_ns(const char *stat, long clk_tck, uint64_t *ns)
{
	unsigned long long v = 0;
	const char *s = stat;
	char *end;
	int i;

	if (strncmp(s, "cpu ", 4) || clk_tck <= 0)
		return -EINVAL;
	s += 4;
	for (i = 0; i < STAT_STEAL_FIELD; i++) {
		while (*s == ' ')
			s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || (*end != ' ' && *end != '\n' && *end != '\0'))
			return -EINVAL;
		s = end;
	}
	/* ticks of 10 ms: centuries before the product overflows */
	if (v > UINT64_MAX / 1000000000ull)
		return -EINVAL;
	*ns = v * 1000000000ull / (unsigned long long)clk_tck;
	return 0;
}

int procfs_steal_ns(const char *procfs, uint64_t *ns)
{
	char path[64], buf[PROCFS_SMALL_LINE];
	ssize_t n;
	bool cut;

	snprintf(path, sizeof(path), "%s/stat", procfs);
	n = procfs_read(path, buf, sizeof(buf), &cut);
	if (n < 0)
		return (int)n;
	return procfs_stat_steal_ns(buf, sysconf(_SC_CLK_TCK), ns);
}

uint32_t procfs_pid_ppid(const char *procfs, uint32_t pid)
{
	char path[64], buf[512], *close_paren;
	unsigned int ppid = 0;
	bool cut;

	snprintf(path, sizeof(path), "%s/%u/stat", procfs, pid);
	if (procfs_read(path, buf, sizeof(buf), &cut) < 0)
		return 0;
	/* comm may hold ')' and spaces: parse after the last ')' */
	close_paren = strrchr(buf, ')');
	if (close_paren && sscanf(close_paren + 1, " %*c %u", &ppid) == 1)
		return ppid;
	return 0;
}

struct pid_parent {
	uint32_t ppid, pid;
};

static int cmp_parent(const void *a, const void *b)
{
	const struct pid_parent *x = a, *y = b;

	return x->ppid < y->ppid ? -1 : x->ppid > y->ppid;
}

/* Every process in procfs with its parent, at most PROCFS_MAX_PIDS. */
static int read_parents(const char *procfs, struct pid_parent **out,
			size_t *n_out)
{
	struct pid_parent *all = NULL, *grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	unsigned long pid;
	uint32_t ppid;
	char *end;
	DIR *d = opendir(procfs);

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < PROCFS_MAX_PIDS) {
		errno = 0;
		pid = strtoul(de->d_name, &end, 10);
		if (*end || end == de->d_name || errno || !pid ||
		    pid > UINT32_MAX)
			continue;
		ppid = procfs_pid_ppid(procfs, pid);
		if (!ppid)
			continue;	/* gone, or the kernel's own */
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			grown = reallocarray(all, cap, sizeof(*all));
			if (!grown) {
				free(all);
				closedir(d);
				return -ENOMEM;
			}
			all = grown;
		}
		all[n++] = (struct pid_parent){ .ppid = ppid, .pid = pid };
	}
	closedir(d);
	*out = all;
	*n_out = n;
	return 0;
}

static bool pid_in(uint32_t pid, const uint32_t *pids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

int procfs_descendants(const char *procfs, const uint32_t *roots,
		       size_t n_roots, size_t max, uint32_t **out,
		       size_t *n_out)
{
	struct pid_parent *all = NULL, key;
	uint32_t *q;
	size_t n = 0, nq = n_roots, head, lo, hi, mid;
	int err = read_parents(procfs, &all, &n);

	*out = NULL;
	*n_out = 0;
	if (err)
		return err;
	q = calloc(n_roots + (n < max ? n : max) + 1, sizeof(*q));
	if (!q) {
		free(all);
		return -ENOMEM;
	}
	memcpy(q, roots, n_roots * sizeof(*q));
	qsort(all, n, sizeof(*all), cmp_parent);
	/* Breadth first; a root met again (under another) is not added, and
	 * max bounds the walk whatever a racing snapshot holds (a pid reused
	 * as its own ancestor's parent). */
	for (head = 0; head < nq && nq - n_roots < max; head++) {
		key.ppid = q[head];
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (cmp_parent(&all[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && all[lo].ppid == key.ppid &&
		       nq - n_roots < max; lo++)
			if (!pid_in(all[lo].pid, roots, n_roots))
				q[nq++] = all[lo].pid;
	}
	free(all);
	memmove(q, q + n_roots, (nq - n_roots) * sizeof(*q));
	*out = q;
	*n_out = nq - n_roots;
	return 0;
}
