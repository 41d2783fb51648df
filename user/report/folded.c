// SPDX-License-Identifier: GPL-2.0
/*
 * Folded stacks, the input of flamegraph.pl and speedscope: one line
 * "comm;root;...;leaf value" per distinct stack, sorted bytewise.  The
 * process name is the root frame; kernel frames carry the usual "_[k]".
 *
 * On-CPU stacks count samples, as ever.  Off-CPU stacks, when traced, get
 * one more leaf frame "[wait:REASON]" (REASON as in the JSON: network,
 * disk, lock, ...) and count their wait time in sampling periods: the
 * nanoseconds of all equal stacks added up, divided by the period and
 * rounded, lines that round to 0 left out.  So every value is in one unit,
 * one period of time, and the flame graph is of wall time; grep -v
 * '\[wait:' keeps the on-CPU profile alone.
 *
 * Frames of one function in a row (a recursion) are one frame named with
 * their count, "expand (x36)" (ASCII, the one space kept: the readers
 * split a line at its last space), so a deep recursion makes the graph
 * neither tall nor empty and every value stays as it was.
 *
 * A Python frame carries its file as py-spy names it, "<module> (work.py)",
 * "get (requests/api.py)", so that functions of one name in different
 * files stay apart; its count follows, "fib (fib.py) (x30)".
 * pprof/folded_read.c reads all of this back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "analyze/procs.h"
#include "analyze/flame.h"
#include "lib/util.h"
#include "report/report.h"

struct folded_line {
	char *text;
	uint64_t value;		/* samples, or ns of waits */
	bool wait;
};

/*
 * ';' separates frames and the last space the count: neither in names.
 * A C++ name's spaces after a comma or between closing brackets go
 * (f(int,long), vector<vector<int>>), the others become '_'.  spaces:
 * a Python frame's file, in the " (...)" that ends it, keeps them as
 * py-spy writes them ("<frozen importlib._bootstrap>"): readers take the
 * file from the parentheses, and the count after the last space.
 */
static void put_sanitized(FILE *f, const char *s, bool spaces)
{
	unsigned char c, prev = 0;

	for (; *s; prev = c, s++) {
		c = *s;
		if (spaces && c == ' ') {
			fputc(c, f);
			continue;
		}
		if (c == ' ' && (prev == ',' || (prev == '>' && s[1] == '>')))
			continue;
		fputc(c == ';' || c == ' ' || c < 0x20 || c == 0x7f ? '_' : c, f);
	}
}

/* A frame of Python code: named by the interpreter, from a .py file (or
 * a frozen module), not from a mapping. */
static bool python_frame(const struct frame *fr)
{
	return fr->cls != CLASS_KERNEL && !fr->path && fr->file &&
	       fr->module && !strcmp(fr->module, path_basename(fr->file));
}

/*
 * The file as py-spy shows it: within site-packages (or dist-packages)
 * or the standard library when under one, else the file's name alone;
 * a relative name (read back from a folded file) as it is.
 */
static const char *python_short_file(const char *file)
{
	static const char *const roots[] = {
		"/site-packages/", "/dist-packages/",
	};
	const char *at, *best = NULL;
	size_t i;

	if (file[0] != '/')
		return file;
	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		at = strstr(file, roots[i]);
		if (at && (!best || at > best))
			best = at + strlen(roots[i]);
	}
	if (!best) {
		/* .../lib/python3.12/json/decoder.py */
		at = strstr(file, "/lib/python");
		best = at ? strchr(at + 11, '/') : NULL;
		if (best)
			best++;
	}
	while (best && *best == '/')	/* "lib/python3.11//x.py": relative */
		best++;
	return best && *best ? best : path_basename(file);
}

/* The stack as "comm;root;...;leaf"; malloc'd, NULL when out of memory.
 * A recursion is one frame, "expand (x36)".  comm NULL: no process root
 * (stacks read from a folded file, whose first frame is its own). */
static char *fold_stack(const struct profile *p, const struct stack_sample *s,
			const char *comm)
{
	char label[WAIT_LABEL_SIZE];
	const struct frame *fr;
	char *text = NULL;
	size_t len = 0;
	uint32_t i, run;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	if (comm)
		put_sanitized(f, comm, false);
	for (i = 0; i < s->n_frames; i += run) {
		fr = &p->frames[s->frames[i]];
		run = stack_run_length(p, s, i);
		if (comm || i)
			fputc(';', f);
		put_sanitized(f, fr->name, false);
		if (python_frame(fr)) {
			fputs(" (", f);
			put_sanitized(f, python_short_file(fr->file), true);
			fputc(')', f);
		}
		if (run > 1)
			fprintf(f, " (x%" PRIu32 ")", run);
		if (fr->cls == CLASS_KERNEL)
			fputs("_[k]", f);
	}
	if (!stack_on_cpu(s)) {
		wait_leaf_label(s->reason, label);
		fprintf(f, ";%s", label);
	}
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static int cmp_line(const void *a, const void *b)
{
	const struct folded_line *la = a, *lb = b;

	return strcmp(la->text, lb->text);
}

/* Wait time in periods, rounded; 0 when there is no period to count in. */
static uint64_t periods(uint64_t ns, uint64_t period_ns)
{
	return period_ns ? (ns + period_ns / 2) / period_ns : 0;
}

/*
 * Sorted lines, equal ones merged; a wait line's text ends in its reason,
 * so it never merges with a sample line.
 */
static void print_lines(FILE *f, struct folded_line *lines, size_t n,
			uint64_t period_ns)
{
	uint64_t value;
	size_t i, j;

	qsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0; i < n; i = j) {
		value = 0;
		for (j = i; j < n && !strcmp(lines[i].text, lines[j].text); j++)
			value += lines[j].value;
		if (lines[i].wait)
			value = periods(value, period_ns);
		if (value)
			fprintf(f, "%s %" PRIu64 "\n", lines[i].text, value);
	}
}

int folded_write(FILE *f, const struct profile *p)
{
	const struct stack_sample *s;
	struct folded_line *lines;
	char comm[AGG_COMM_LEN];
	size_t i, n = 0;
	int err = 0;

	lines = calloc(p->n_stacks ? p->n_stacks : 1, sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		/* Stacks of one process tend to be adjacent: look up once. */
		if (!i || s->pid != p->stacks[i - 1].pid) {
			procs_comm(p, s->pid, comm);
			if (!comm[0])
				snprintf(comm, sizeof(comm), "[%" PRIu32 "]", s->pid);
		}
		if (!stack_weight(s))
			continue;
		lines[n].text = fold_stack(p, s, p->foreign && !p->n_procs &&
					   s->n_frames ? NULL : comm);
		if (!lines[n].text) {
			err = -ENOMEM;
			goto out;
		}
		lines[n].wait = !stack_on_cpu(s);
		lines[n++].value = stack_weight(s);
	}
	print_lines(f, lines, n, p->period_ns);
out:
	for (i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	return err;
}
