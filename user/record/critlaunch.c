// SPDX-License-Identifier: GPL-2.0
/*
 * Launchers on the critical path: processes that mostly waited for what
 * they started (shims, `sh -c`, make, compiler drivers), by kind, with
 * their own cost there and the program their children ran.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "record/critpath.h"

/* Launcher: at least this share of its time on the path passed to others. */
#define CP_LAUNCHER_PCT		80
/* ... and on the path for at least this share of the wall time. */
#define CP_LAUNCHER_MIN_PCT	2

/* The last image of img's pid. */
static const struct cp_image *last_image(const struct walker *w,
					 const struct cp_image *img)
{
	while (img + 1 < w->images + w->n_images && img[1].pid == img->pid)
		img++;
	return img;
}

static bool is_launcher(const struct walker *w, const struct cp_image *img)
{
	uint64_t on_path = img->own_ns + img->passed_ns;

	return on_path * 100 >= w->p->critical.ns * CP_LAUNCHER_MIN_PCT &&
	       img->passed_ns * 100 >= on_path * CP_LAUNCHER_PCT;
}

/* Processes seen (an event, or an exec) before until. */
static uint32_t processes_before(const struct walker *w, uint64_t until)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < w->n_images; i++) {
		const struct cp_image *o = &w->images[i];

		/* counted at its first image, which is its seq 0 */
		if (o->seq)
			continue;
		if (o->born < until ||
		    (o + 1 < w->images + w->n_images && o[1].pid == o->pid &&
		     o[1].start < until))
			n++;
	}
	return n;
}

static int push_launcher(struct profile_critical *c, const char *name,
			 const char *interpreter, const char *started,
			 uint32_t processes, uint64_t ns, bool waited)
{
	struct critical_launcher *l = &c->launchers[c->n_launchers];

	l->name = strdup(name);
	l->started = strdup(started);
	l->interpreter = interpreter ? strdup(interpreter) : NULL;
	l->processes = processes;
	l->ns = ns;
	l->waited = waited;
	if (!l->name || !l->started || (interpreter && !l->interpreter)) {
		free(l->name);
		free(l->started);
		free(l->interpreter);
		return -ENOMEM;
	}
	c->n_launchers++;
	return 0;
}

/*
 * A pid that exec'd its way to the program that ran last (a shim: bash,
 * then env, then python): everything on the path before that program
 * started is the launcher's, named after the first program exec'd.
 */
static int add_exec_chain(struct walker *w, const struct cp_image *first)
{
	const struct cp_image *last = last_image(w, first), *img;
	const char *interp = NULL;
	uint64_t ns = 0, most = 0;
	size_t i;

	for (img = first; img < last; img++) {
		uint64_t on_path = img->own_ns + img->passed_ns;

		if (on_path > most && strcmp(cp_image_program(w, img), first->name)) {
			most = on_path;
			interp = cp_image_program(w, img);
		}
	}
	for (i = 0; i < w->n_images; i++)
		if (w->images[i].first_ns < last->start)
			ns += w->images[i].own_ns;
	if (ns * 100 < w->p->critical.ns * CP_LAUNCHER_MIN_PCT)
		return 0;
	return push_launcher(&w->p->critical, first->name, interp,
			     cp_image_program(w, last),
			     processes_before(w, last->start), ns, false);
}

static int cmp_launcher(const void *a, const void *b)
{
	const struct critical_launcher *x = a, *y = b;

	return x->ns != y->ns ? CMP(y->ns, x->ns) : strcmp(x->name, y->name);
}

/* Mostly passed its time on the path to others, and ran mostly other
 * code than its own source meanwhile (a script that runs programs and
 * does work of its own is the program, not a launcher); by how much it
 * holds, alone or with its kind, a launcher. */
static bool passes_on(const struct cp_image *img)
{
	uint64_t on_path = img->own_ns + img->passed_ns;

	return on_path && img->passed_ns * 100 >= on_path * CP_LAUNCHER_PCT &&
	       img->source_ns * 2 < img->own_ns;
}

/* When a forked pid came to be: its first event, else its first exec. */
static uint64_t forked_at(const struct walker *w, const struct cp_image *c)
{
	if (c->born != UINT64_MAX)
		return c->born;
	if (c + 1 < w->images + w->n_images && c[1].pid == c->pid)
		return c[1].start;
	return UINT64_MAX;
}

/* Forked by l's pid while it ran l (or not known when). */
static bool child_of(const struct walker *w, const struct cp_image *c,
		     const struct cp_image *l)
{
	const struct process_info *pi;
	uint32_t ppid;
	uint64_t at;

	if (c->seq || c->pid == l->pid)
		return false;
	pi = cp_proc_of(w->p, c->pid);
	ppid = pi && pi->ppid ? pi->ppid : c->parent;
	if (ppid != l->pid)
		return false;
	at = forked_at(w, c);
	return at == UINT64_MAX || at >= l->start;
}

/* A pid's time on the path, its own and what it passed on. */
static uint64_t pid_path_ns(const struct walker *w, const struct cp_image *c)
{
	const struct cp_image *last = last_image(w, c);
	uint64_t ns = 0;

	for (; c <= last; c++)
		ns += c->own_ns + c->passed_ns;
	return ns;
}

/*
 * What launcher l started: of the programs its own children ran (their
 * last exec), the one with the most time on the path; NULL none seen.
 */
static const char *launcher_started(const struct walker *w,
				    const struct cp_image *l)
{
	const char *best = NULL;
	uint64_t best_ns = 0;
	size_t i, k;

	for (i = 0; i < w->n_images; i++) {
		const struct cp_image *c = &w->images[i];
		const char *name;
		uint64_t ns = 0;

		if (!child_of(w, c, l))
			continue;
		name = cp_image_program(w, last_image(w, c));
		/* counted at the first child of the name */
		for (k = 0; k < i; k++)
			if (child_of(w, &w->images[k], l) &&
			    !strcmp(cp_image_program(w, last_image(w,
						  &w->images[k])), name))
				break;
		if (k < i)
			continue;
		for (k = i; k < w->n_images; k++)
			if (child_of(w, &w->images[k], l) &&
			    !strcmp(cp_image_program(w, last_image(w,
						  &w->images[k])), name))
				ns += pid_path_ns(w, &w->images[k]);
		if (!best || ns > best_ns) {
			best = name;
			best_ns = ns;
		}
	}
	return best;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Launchers of one program, run by one interpreter, starting one
 * program are one row: their processes and time summed.  on_path: per
 * row, for the threshold. */
static int add_launcher(struct profile_critical *c, uint64_t *on_path,
			const char *name, const char *interp,
			const char *started, uint64_t own, uint64_t path)
{
	size_t k;

	for (k = 0; k < c->n_launchers; k++) {
		struct critical_launcher *l = &c->launchers[k];

		if (!strcmp(l->name, name) && same_str(l->interpreter, interp)
		    && !strcmp(l->started, started)) {
			l->processes++;
			l->ns += own;
			on_path[k] += path;
			return 0;
		}
	}
	on_path[c->n_launchers] = path;
	return push_launcher(c, name, interp, started, 1, own, true);
}

/* Rows from start on that hold too little of the path, dropped. */
static void drop_small(struct profile_critical *c, const uint64_t *on_path,
		       size_t start)
{
	size_t i, k = start;

	for (i = start; i < c->n_launchers; i++) {
		if (on_path[i] * 100 >= c->ns * CP_LAUNCHER_MIN_PCT) {
			c->launchers[k++] = c->launchers[i];
			continue;
		}
		free(c->launchers[i].name);
		free(c->launchers[i].interpreter);
		free(c->launchers[i].started);
	}
	c->n_launchers = k;
}

/* Processes that mostly passed their time on the path to others (`sh -c`,
 * make, compiler drivers), which cost their own time, by kind. */
static int add_waiting_launchers(struct walker *w, const char *work,
				 uint64_t chains_end)
{
	struct profile_critical *c = &w->p->critical;
	size_t i, start = c->n_launchers;
	uint64_t *on_path = calloc(w->n_images + 1, sizeof(*on_path));
	int err = 0;

	if (!on_path)
		return -ENOMEM;
	for (i = 0; !err && i < w->n_images; i++) {
		const struct cp_image *img = &w->images[i];
		const char *prog = cp_image_program(w, img), *started;

		if (img != last_image(w, img) || img->first_ns < chains_end ||
		    !passes_on(img) || !strcmp(prog, work))
			continue;
		started = launcher_started(w, img);
		if (!started || !strcmp(started, prog))
			continue;
		err = add_launcher(c, on_path, img->name,
				   strcmp(prog, img->name) ? prog : NULL,
				   started, img->own_ns,
				   img->own_ns + img->passed_ns);
	}
	drop_small(c, on_path, start);
	free(on_path);
	return err;
}
/*
 * Launchers: exec chains ending in a program that works, and processes
 * that mostly passed their time on the path to others.
 */
int critpath_launchers(struct walker *w)
{
	struct profile_critical *c = &w->p->critical;
	const char *work = c->n_programs ? c->programs[0].name : NULL;
	uint64_t chains_end = 0;	/* what ran before is theirs */
	size_t i;
	int err = 0;

	c->launchers = calloc(w->n_images + 1, sizeof(*c->launchers));
	if (!c->launchers)
		return -ENOMEM;
	for (i = 0; work && !err && i < w->n_images; i++) {
		const struct cp_image *img = &w->images[i];
		const struct cp_image *last = last_image(w, img);

		if (img->seq == 1 && last != img && !is_launcher(w, last) &&
		    (img->pid == c->root_tid ||
		     !strcmp(cp_image_program(w, last), work))) {
			err = add_exec_chain(w, img);
			if (last->start > chains_end)
				chains_end = last->start;
		}
	}
	if (work && !err)
		err = add_waiting_launchers(w, work, chains_end);
	qsort(c->launchers, c->n_launchers, sizeof(*c->launchers),
	      cmp_launcher);
	return err;
}

