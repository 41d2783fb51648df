// SPDX-License-Identifier: GPL-2.0
/*
 * perf maps: the workload writes them into world-writable /tmp, so a map
 * may be a symlink, a FIFO, someone else's file, or a sparse 10 GB file
 * without a newline.  Reads go through a fixed buffer, at most
 * PERFMAP_MAX_BYTES per map (the largest JIT maps seen, V8 under load, are
 * a few MB), and a line longer than PERFMAP_LINE_MAX is skipped as it
 * streams past, never held in memory.  What is skipped is counted.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/sudo.h"
#include "lib/util.h"
#include "symbols/perfmap.h"
#include "symbols/file.h"
#include "symbols/table.h"

#define PERFMAP_MAX_NESTING	32	/* enclosing symbols looked back at */
#define PERFMAP_CHUNK		65536

/* A line being assembled from the chunks read. */
struct perfmap_line {
	char buf[PERFMAP_LINE_MAX];
	size_t len;
	bool too_long;
	uint32_t seq;
};

/* "START SIZE name", hex numbers, the name running to the end of the line. */
static bool perfmap_parse(const char *line, uint64_t *start, uint64_t *size,
			  const char **name, size_t *name_len)
{
	const char *p = line;
	char *end;

	if (!isxdigit((unsigned char)*p))
		return false;
	errno = 0;
	*start = strtoull(p, &end, 16);
	if (errno || (*end != ' ' && *end != '\t'))
		return false;
	p = end + strspn(end, " \t");
	if (!isxdigit((unsigned char)*p))
		return false;
	*size = strtoull(p, &end, 16);
	if (errno || (*end != ' ' && *end != '\t'))
		return false;
	p = end + strspn(end, " \t");
	*name = p;
	*name_len = strlen(p);
	while (*name_len && isspace((unsigned char)p[*name_len - 1]))
		(*name_len)--;
	return *name_len > 0;
}

static int perfmap_add_name(struct perfmap *m, const char *s, size_t n,
			    uint32_t *off)
{
	size_t cap;
	char *buf;

	if (n >= UINT32_MAX - m->names_len)
		return -E2BIG;
	if (m->names_len + n + 1 > m->names_cap) {
		cap = m->names_cap ? m->names_cap : 4096;
		while (cap < m->names_len + n + 1)
			cap *= 2;
		buf = realloc(m->names, cap);
		if (!buf)
			return -ENOMEM;
		m->names = buf;
		m->names_cap = cap;
	}
	memcpy(m->names + m->names_len, s, n);
	m->names[m->names_len + n] = '\0';
	*off = m->names_len;
	m->names_len += n + 1;
	return 0;
}

static int perfmap_add_line(struct perfmap *m, const char *line, uint32_t seq,
			    size_t *cap, struct perfmap_stats *st)
{
	struct perfmap_sym *e;
	uint64_t start, size;
	const char *name;
	size_t name_len;
	int err;

	if (!perfmap_parse(line, &start, &size, &name, &name_len) ||
	    !size || start + size < start)
		return 0;
	if (m->n_syms >= PERFMAP_MAX_SYMS) {
		st->lines_skipped++;
		return 0;
	}
	err = table_grow((void **)&m->syms, cap, m->n_syms, sizeof(*m->syms));
	if (err)
		return err;
	e = &m->syms[m->n_syms];
	e->start = start;
	e->end = start + size;
	e->seq = seq;
	err = perfmap_add_name(m, name, name_len, &e->name);
	if (err)
		return err;
	m->n_syms++;
	return 0;
}

static int perfmap_end_line(struct perfmap *m, struct perfmap_line *l,
			    size_t *cap, struct perfmap_stats *st)
{
	int err = 0;

	if (l->too_long) {
		st->lines_skipped++;
	} else if (l->len) {
		l->buf[l->len] = '\0';
		err = perfmap_add_line(m, l->buf, l->seq, cap, st);
	}
	l->len = 0;
	l->too_long = false;
	l->seq++;
	return err;
}

/* Feeds a chunk: whole lines are parsed, the tail kept for the next one. */
static int perfmap_feed(struct perfmap *m, struct perfmap_line *l,
			const char *p, size_t n, size_t *cap,
			struct perfmap_stats *st)
{
	const char *nl;
	size_t seg;
	int err;

	while (n) {
		nl = memchr(p, '\n', n);
		seg = nl ? (size_t)(nl - p) : n;
		if (!l->too_long && seg < sizeof(l->buf) - l->len) {
			memcpy(l->buf + l->len, p, seg);
			l->len += seg;
		} else {
			l->too_long = true;
		}
		if (!nl)
			break;
		err = perfmap_end_line(m, l, cap, st);
		if (err)
			return err;
		p = nl + 1;
		n -= seg + 1;
	}
	return 0;
}

static int perfmap_sym_cmp(const void *a, const void *b)
{
	const struct perfmap_sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return CMP(y->seq, x->seq);
}

/* Code regenerated at the same address: the later line is current. */
static void perfmap_dedup(struct perfmap *m)
{
	size_t i, n = 0;

	table_sort(m->syms, m->n_syms, sizeof(*m->syms), perfmap_sym_cmp);
	for (i = 0; i < m->n_syms; i++) {
		if (n && m->syms[n - 1].start == m->syms[i].start)
			continue;
		m->syms[n++] = m->syms[i];
	}
	m->n_syms = n;
}

/* Counts what lies past the cap, without reading it. */
static void perfmap_count_rest(int fd, uint64_t done, struct perfmap_stats *st)
{
	struct stat sb;
	char c;

	if (!fstat(fd, &sb) && (uint64_t)sb.st_size > done)
		st->bytes_skipped += sb.st_size - done;
	else if (read(fd, &c, 1) == 1)
		st->bytes_skipped++;	/* growing, or a /proc-like size 0 */
}

int perfmap_read_fd(struct perfmap *m, int fd, struct perfmap_stats *st)
{
	struct perfmap_line *l;
	uint64_t done = 0;
	size_t cap = 0;
	char *chunk;
	ssize_t n;
	int err = 0;

	l = calloc(1, sizeof(*l));
	chunk = malloc(PERFMAP_CHUNK);
	if (!l || !chunk) {
		err = -ENOMEM;
		goto out;
	}
	while (done < PERFMAP_MAX_BYTES) {
		n = read(fd, chunk, PERFMAP_CHUNK < PERFMAP_MAX_BYTES - done ?
			 PERFMAP_CHUNK : PERFMAP_MAX_BYTES - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -EIO;
			goto out;
		}
		if (!n)
			break;
		done += n;
		err = perfmap_feed(m, l, chunk, n, &cap, st);
		if (err)
			goto out;
	}
	if (done < PERFMAP_MAX_BYTES) {
		err = perfmap_end_line(m, l, &cap, st);	/* no final newline */
	} else {
		if (l->len || l->too_long)
			st->lines_skipped++;	/* cut by the cap */
		perfmap_count_rest(fd, done, st);
	}
	if (!err)
		perfmap_dedup(m);
out:
	free(l);
	free(chunk);
	if (err)
		perfmap_clear(m);
	return err;
}

/* Root running a command for the user behind sudo: that user's maps
 * are as trusted as our own (the report is theirs). */
static bool perfmap_sudo_user(uid_t owner)
{
	uid_t uid;
	gid_t gid;

	return geteuid() == 0 &&
	       sudo_parse_env(getenv("SUDO_UID"), getenv("SUDO_GID"), &uid,
			      &gid) == 1 && uid == owner;
}

/* The owner of /proc/pid is the process's effective uid. */
static bool perfmap_owner_ok(uid_t owner, uint32_t pid)
{
	char proc[32];
	struct stat sb;

	if (owner == 0 || owner == geteuid() || perfmap_sudo_user(owner))
		return true;
	snprintf(proc, sizeof(proc), "/proc/%u", pid);
	return !stat(proc, &sb) && sb.st_uid == owner;
}

static int perfmap_path(char *path, size_t size, const char *dir,
			uint32_t pid)
{
	int n = snprintf(path, size, "%s/perf-%u.map", dir, pid);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static struct perfmap_file perfmap_file_of(const struct stat *sb)
{
	return (struct perfmap_file){
		.ino = sb->st_ino,
		.size = sb->st_size,
		.mtime_ns = sb->st_mtim.tv_sec * 1000000000ll +
			    sb->st_mtim.tv_nsec,
	};
}

int perfmap_load(struct perfmap *m, const char *dir, struct perfmap_stats *st)
{
	char path[PATH_MAX];
	struct stat sb;
	int fd, err;

	m->file = (struct perfmap_file){ 0 };
	m->checked_ns = monotonic_ns();
	err = perfmap_path(path, sizeof(path), dir, m->pid);
	if (err)
		return err;
	/* /tmp is world-writable: do not follow a planted symlink. */
	fd = symfile_open(path, O_NOFOLLOW, &sb);
	if (fd == -EINVAL || fd == -ELOOP)
		st->refused++;
	if (fd < 0)
		return fd;
	m->file = perfmap_file_of(&sb);
	/* as perf does: another user's map could name anything */
	if (!perfmap_owner_ok(sb.st_uid, m->pid)) {
		st->refused++;
		err = -EPERM;
	} else {
		err = perfmap_read_fd(m, fd, st);
	}
	close(fd);
	return err;
}

bool perfmap_refresh(struct perfmap *m, const char *dir,
		     struct perfmap_stats *st)
{
	struct perfmap_file now_file = { 0 };
	uint64_t now = monotonic_ns();
	char path[PATH_MAX];
	struct stat sb;

	if (m->reloads >= PERFMAP_MAX_RELOADS ||
	    now - m->checked_ns < PERFMAP_RECHECK_NS ||
	    perfmap_path(path, sizeof(path), dir, m->pid))
		return false;
	m->checked_ns = now;
	if (!lstat(path, &sb))
		now_file = perfmap_file_of(&sb);
	if (!memcmp(&now_file, &m->file, sizeof(now_file)))
		return false;
	m->reloads++;
	perfmap_clear(m);
	m->err = perfmap_load(m, dir, st);
	return true;
}

const struct perfmap_sym *perfmap_find(const struct perfmap *m, uint64_t addr)
{
	const struct perfmap_sym *e;
	size_t n, i;

	n = table_count_le(m->syms, m->n_syms, sizeof(*m->syms), addr);
	for (i = 1; i <= n && i <= PERFMAP_MAX_NESTING; i++) {
		e = &m->syms[n - i];
		if (addr < e->end)
			return e;
	}
	return NULL;
}

void perfmap_clear(struct perfmap *m)
{
	free(m->syms);
	free(m->names);
	m->syms = NULL;
	m->names = NULL;
	m->n_syms = m->names_len = m->names_cap = 0;
}
