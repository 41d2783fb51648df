// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rule about compressors: gzip, bzip2, xz, zstd or lzip working
 * on one CPU for much of the critical path (`tar czf` is mostly gzip),
 * where the same format made on all CPUs, or a lower level, would cut
 * it.  See hints.c for what a rule does; the thresholds are in
 * hints_rules.h and the README's Hints table.
 */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"
#include "analyze/procs.h"

struct codec {
	const char *names[7];	/* as exec'd: the program and its links */
	const char *unpack[5];	/* ... of them, those that decompress */
	const char *threads;	/* its option that asks for threads */
	const char *parallel;	/* compressing on all CPUs, same format */
	const char *parallel_tool;	/* ... its program, for tar -I */
	const char *unpack_parallel;	/* decompressing so; NULL none */
	const char *lower;	/* a faster level; NULL none worth it */
	const char *unpack_note;	/* decompressing: no parallel tool */
	int low;		/* the highest level lower already is */
};

static const struct codec codecs[] = {
	{ { "gzip", "gunzip", "zcat" }, { "gunzip", "zcat" }, NULL,
	  "pigz (the same .gz format, on all CPUs)", "pigz", NULL,
	  "a lower level (gzip -1)",
	  "the .gz format decompresses on one CPU whatever the tool: where "
	  "the format is yours to choose, zstd's decompresses several times "
	  "faster", 1 },
	{ { "bzip2", "bunzip2", "bzcat" }, { "bunzip2", "bzcat" }, NULL,
	  "lbzip2 or pbzip2 (the same .bz2 format, on all CPUs)",
	  "lbzip2", "lbzip2 -d (any .bz2 file, on all CPUs)", NULL, NULL, 0 },
	{ { "xz", "unxz", "xzcat", "lzma", "unlzma", "lzcat" },
	  { "unxz", "xzcat", "unlzma", "lzcat" }, "-T",
	  "xz -T0 (the same .xz format, in blocks, on all CPUs)", "xz -T0",
	  "xz -d -T0 (xz 5.4 or later, for a file compressed in blocks: "
	  "by xz -T0)", "a lower preset (xz -1 to -3)", NULL, 3 },
	{ { "zstd", "unzstd", "zstdcat" }, { "unzstd", "zstdcat" }, "-T",
	  "zstd -T0 (on all CPUs)", "zstd -T0", NULL,
	  "a lower level (zstd -1, or --fast)", NULL, 1 },
	{ { "lzip" }, { NULL }, NULL,
	  "plzip (the same .lz format, on all CPUs)", "plzip",
	  "plzip -d (for a file of several members: by plzip)",
	  "a lower level (lzip -0 to -3)", NULL, 3 },
};

/* name_in() over names[0..n) up to its first NULL. */
static bool listed(const char *name, const char *const *names, size_t n)
{
	size_t k = 0;

	while (k < n && names[k])
		k++;
	return name_in(name, names, k);
}

static const struct codec *codec_of(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codecs); i++)
		if (listed(name, codecs[i].names, ARRAY_SIZE(codecs[i].names)))
			return &codecs[i];
	return NULL;
}

/* The word of a command line at s or after its spaces, its length in
 * *n; NULL past the last (or s NULL). */
static const char *word_at(const char *s, size_t *n)
{
	if (!s)
		return NULL;
	s += strspn(s, " ");
	*n = strcspn(s, " ");
	return *n ? s : NULL;
}

/* The words of args past the program's own. */
#define for_each_arg(w, n, args)					\
	for (w = word_at(args ? strchr(args, ' ') : NULL, &n); w;	\
	     w = word_at(w + n, &n))

/* A word of args, past the program's own, that is an option asking to
 * decompress (-d, -dc, --decompress, --uncompress). */
static bool args_decompress(const char *args)
{
	const char *w;
	size_t n;

	for_each_arg(w, n, args) {
		if (n > 2 && w[0] == '-' && w[1] == '-') {
			if (!strncmp(w, "--decompress", n) ||
			    !strncmp(w, "--uncompress", n))
				return true;
		} else if (n > 1 && w[0] == '-' && memchr(w + 1, 'd', n - 1)) {
			return true;
		}
	}
	return false;
}

/* The count at s is "1", to the end of its word. */
static bool count_is_one(const char *s)
{
	return s[0] == '1' && (s[1] == ' ' || !s[1]);
}

/*
 * A word of args, past the program's own, naming a count of threads
 * other than one with the codec's option (-T0, -3T0, -T 4, --threads=4,
 * --threads 4): -T1 asks for what ran, one thread.
 */
static bool args_threads(const char *args, const char *threads)
{
	const char *w, *count, *t;
	size_t n;

	if (!threads)
		return false;
	for_each_arg(w, n, args) {
		count = NULL;
		if (n > 10 && !strncmp(w, "--threads=", 10))
			count = w + 10;
		else if (n == 9 && !strncmp(w, "--threads", 9))
			count = w + n + strspn(w + n, " ");
		else if (n > 1 && w[0] == '-' && w[1] != '-' &&
			 (t = memchr(w + 1, threads[1], n - 1)))
			count = t + 1 < w + n ? t + 1 : w + n + strspn(w + n, " ");
		if (count && !count_is_one(count))
			return true;
	}
	return false;
}

/* The level a word of args asks for: its digits in a cluster of short
 * options (-1, -9c; not -T0's, the threads option's argument), 1 for
 * --fast; -1 none. */
static int word_level(const char *w, size_t n, const char *threads)
{
	int level = -1;
	size_t i;

	if (n >= 6 && !strncmp(w, "--fast", 6))
		return 1;
	if (n < 2 || w[0] != '-' || w[1] == '-')
		return -1;
	for (i = 1; i < n; i++) {
		if (threads && w[i] == threads[1])
			break;
		if (w[i] < '0' || w[i] > '9')
			continue;
		level = 0;
		while (i < n && w[i] >= '0' && w[i] <= '9' && level < 100)
			level = level * 10 + (w[i++] - '0');
		i--;
	}
	return level;
}

/* The level args ask for, the last given; -1 none (the default). */
static int args_level(const char *args, const char *threads)
{
	int level = -1, l;
	const char *w;
	size_t n;

	for_each_arg(w, n, args) {
		l = word_level(w, n, threads);
		if (l >= 0)
			level = l;
	}
	return level;
}

/* What one program's processes on the path did. */
struct codec_run {
	uint64_t cpu_ns;
	uint32_t processes;
	bool one_thread;	/* each process's CPU in one thread */
	bool decompress;	/* some process decompressed */
	bool threads_asked;	/* ... or asked for threads */
	bool above_low;		/* ... or for a level above the codec's low
				 * ones (the default counts as above) */
	double spread;		/* CPUs its runs used at once on average,
				 * when several; else 0 */
	const char *launcher;	/* "tar" when tar ran it; else NULL */
};

/* tar, when it ran pid (through a shell at most). */
static const char *tar_of(const struct profile *p, uint32_t pid)
{
	char comm[AGG_COMM_LEN];
	const struct process_info *pi;
	int hops;

	for (hops = 0; hops < 3; hops++) {
		pi = procs_process(p, pid);
		if (!pi || !pi->ppid || pi->ppid == pid)
			return NULL;
		pid = pi->ppid;
		procs_comm(p, pid, comm);
		if (!strcmp(comm, "tar") || !strcmp(comm, "bsdtar"))
			return "tar";
	}
	return NULL;
}

/* The CPUs the program's runs used at once on average (xargs -P2 gzip):
 * their CPU over the time at least one ran, when COMPRESS_SPREAD_PCT or
 * more; else 0. */
static double runs_spread(const struct profile *p, const char *name)
{
	const struct io_spawn *s;
	size_t i;

	for (i = 0; i < p->io.n_spawns; i++) {
		s = &p->io.spawns[i];
		if (strcmp(path_basename(s->program), name) || !s->union_ns ||
		    !hint_at_least_pct(s->cpu_ns, s->union_ns,
				       COMPRESS_SPREAD_PCT))
			continue;
		return (double)s->cpu_ns / (double)s->union_ns;
	}
	return 0;
}

static void codec_run(const struct hint_list *h, const struct codec *c,
		      const struct critical_program *cp, struct codec_run *r)
{
	const struct proc_stat *ps;
	uint64_t busiest;
	size_t i, k;
	int level;

	memset(r, 0, sizeof(*r));
	r->one_thread = true;
	r->decompress = listed(cp->name, c->unpack, ARRAY_SIZE(c->unpack));
	for (i = 0; i < cp->n_pids; i++) {
		ps = procs_stat(h->agg, cp->pids[i]);
		if (!ps)
			continue;
		r->processes++;
		r->cpu_ns += ps->time.ns[WAIT_NONE];
		for (busiest = 0, k = 0; k < ps->n_threads; k++)
			if (ps->threads[k].samples > busiest)
				busiest = ps->threads[k].samples;
		if (!hint_at_least_pct(busiest, ps->samples,
				       COMPRESS_ONE_THREAD_PCT))
			r->one_thread = false;
		r->decompress |= args_decompress(ps->args);
		r->threads_asked |= args_threads(ps->args, c->threads);
		level = args_level(ps->args, c->threads);
		r->above_low |= level < 0 || level > c->low;
		if (!r->launcher)
			r->launcher = tar_of(h->p, ps->pid);
	}
	r->spread = runs_spread(h->p, cp->name);
}

/* What to do: the same format on all CPUs (and how tar takes it), a
 * lower level, or, decompressing, what the format allows. */
static void codec_advice(const struct hint_list *h, const struct codec *c,
			 const struct codec_run *r, char *buf, size_t size,
			 const char **advice)
{
	const char *parallel = r->decompress ? c->unpack_parallel : c->parallel;
	const char *lower = r->decompress || !r->above_low ? NULL : c->lower;
	const char *tool = c->parallel_tool;
	size_t n = 0;

	if (r->threads_asked || r->spread || h->p->n_cpus == 1)
		parallel = NULL;
	*advice = parallel ? "parallel" : lower ? "lower_level" :
		  r->decompress && c->unpack_note ? "format" : NULL;
	buf[0] = '\0';
	if (parallel) {
		n = snprintf(buf, size, "%s would spread it over this "
			     "machine's %u CPUs", parallel, h->p->n_cpus);
		if (!r->decompress && r->launcher && n < size)
			n += snprintf(buf + n, size - n,
				      " (with tar: tar -I %s%s%s -cf …)",
				      strchr(tool, ' ') ? "'" : "", tool,
				      strchr(tool, ' ') ? "'" : "");
	}
	if (lower && n < size)
		snprintf(buf + n, size - n, "%s%s trades size for time",
			 parallel ? ", or " : "", lower);
	else if (!parallel && *advice)
		snprintf(buf, size, "%s", c->unpack_note);
}

static void codec_hint(struct hint_list *h, const struct codec *c,
		       const struct critical_program *cp,
		       const struct codec_run *r)
{
	struct hint hint = { .rule = "compressor", .names_cause = true };
	char pct[NUM_SIZE], path[TIME_SIZE], cpu[TIME_SIZE], what[512];
	char spread[64] = "";
	const char *advice;

	codec_advice(h, c, r, what, sizeof(what), &advice);
	if (!advice)
		return;
	hint_fmt_pct(pct, cp->ns, h->p->wall_ns);
	hint_fmt_time(path, cp->ns);
	hint_fmt_time(cpu, r->cpu_ns);
	if (r->spread)
		snprintf(spread, sizeof(spread), ", already on %.1f CPUs at "
			 "once on average", r->spread);
	hint_text(&hint, "%s %s%s for %s of the wall time%s (%s on the "
		  "critical path, %s of CPU, in %u process%s): %s.", cp->name,
		  r->decompress ? "decompressed" : "compressed",
		  r->spread ? "" : " on one CPU", pct, spread, path, cpu,
		  r->processes, r->processes == 1 ? "" : "es", what);
	hint_field_copy(h, &hint, "program", cp->name);
	hint_field_copy(h, &hint, "mode",
			r->decompress ? "decompress" : "compress");
	hint_field_uint(&hint, "critical_path_ns", cp->ns);
	hint_field_real(&hint, "time_pct", pct_of(cp->ns, h->p->wall_ns));
	hint_field_uint(&hint, "cpu_ns", r->cpu_ns);
	hint_field_uint(&hint, "processes", r->processes);
	hint_field_copy(h, &hint, "advice", advice);
	hint_field_copy(h, &hint, "launcher", r->launcher);
	hint_push(h, &hint);
}

/*
 * A compressor on the critical path for a fair share of the wall time,
 * working on the CPU, each process in one thread: the same format on all
 * CPUs, or a lower level.
 */
void hint_compressor(struct hint_list *h)
{
	const struct profile_critical *crit = &h->p->critical;
	const struct codec *c;
	struct codec_run r;
	size_t i;

	for (i = 0; i < crit->n_programs && !h->err; i++) {
		const struct critical_program *cp = &crit->programs[i];

		c = codec_of(cp->name);
		if (!c || cp->ns < COMPRESS_MIN_NS ||
		    !hint_at_least_pct(cp->ns, h->p->wall_ns, COMPRESS_MIN_PCT))
			continue;
		codec_run(h, c, cp, &r);
		if (!r.one_thread ||
		    !hint_at_least_pct(r.cpu_ns, cp->ns, COMPRESS_CPU_PCT))
			continue;
		codec_hint(h, c, cp, &r);
	}
}
