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

/* An exec chain: its pid (0: the root's, all pids), when it was forked
 * and when the program it led to started; what ran in it between is the
 * chain's. */
struct chain {
	uint32_t pid;
	uint64_t from, end;
};

/* pid, seen at ts, ran in the chain: in its pid or one the pid started,
 * after the chain's fork and before its program started. */
static bool chain_holds(const struct walker *w, const struct chain *ch,
			uint32_t pid, uint64_t ts)
{
	return ts < ch->end &&
	       (!ch->pid || (ts >= ch->from &&
			     (pid == ch->pid ||
			      cp_descends_from(w, pid, ch->pid))));
}

static bool in_chain(const struct walker *w, const struct cp_image *img,
		     const struct chain *ch)
{
	return chain_holds(w, ch, img->pid, img->first_ns);
}

/* Processes of the chain seen (an event, or an exec) before its end. */
static uint32_t chain_processes(const struct walker *w,
				const struct chain *ch)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < w->n_images; i++) {
		const struct cp_image *o = &w->images[i];
		uint64_t seen = o->born;

		/* counted at its first image, which is its seq 0 */
		if (o->seq)
			continue;
		if (o + 1 < w->images + w->n_images && o[1].pid == o->pid &&
		    o[1].start < seen)
			seen = o[1].start;
		if (chain_holds(w, ch, o->pid, seen))
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

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Launchers of one program, run by one interpreter, starting one
 * program, of one kind, are one row: their processes and time summed.
 * on_path: per row, for the threshold. */
static int add_launcher(struct profile_critical *c, uint64_t *on_path,
			const char *name, const char *interp,
			const char *started, uint32_t processes, uint64_t own,
			uint64_t path, bool waited)
{
	size_t k;

	for (k = 0; k < c->n_launchers; k++) {
		struct critical_launcher *l = &c->launchers[k];

		if (!strcmp(l->name, name) && same_str(l->interpreter, interp)
		    && !strcmp(l->started, started) && l->waited == waited) {
			l->processes += processes;
			l->ns += own;
			on_path[k] += path;
			return 0;
		}
	}
	on_path[c->n_launchers] = path;
	return push_launcher(c, name, interp, started, processes, own, waited);
}

/*
 * A pid that exec'd its way to the program that ran last (a shim: bash,
 * then env, then python): everything on the path before that program
 * started, in that pid and the processes it started, is the launcher's,
 * named after the first program exec'd.  A script that runs the shim
 * eight times has one row for the eight.
 */
static int add_exec_chain(struct walker *w, uint64_t *on_path,
			  const struct cp_image *first, struct chain *ch)
{
	const struct cp_image *last = last_image(w, first), *img;
	const char *interp = NULL;
	uint64_t ns = 0, most = 0;
	size_t i;

	ch->pid = first->pid == w->p->critical.root_tid ? 0 : first->pid;
	ch->from = first > w->images && first[-1].pid == first->pid &&
		   first[-1].born < first->start ? first[-1].born :
						   first->start;
	ch->end = last->start;
	for (img = first; img < last; img++) {
		uint64_t on_path = img->own_ns + img->passed_ns;

		if (on_path > most && strcmp(cp_image_program(w, img), first->name)) {
			most = on_path;
			interp = cp_image_program(w, img);
		}
	}
	for (i = 0; i < w->n_images; i++)
		if (in_chain(w, &w->images[i], ch))
			ns += w->images[i].own_ns;
	return add_launcher(&w->p->critical, on_path, first->name, interp,
			    cp_image_program(w, last), chain_processes(w, ch),
			    ns, ns, false);
}

/* The exec chain from first ends in the program that does the work, or
 * in one named after it, as a shim's does (python3 exec'ing its way to
 * python3.11), which may cost more than the program's runs. */
static bool leads_to_work(const struct walker *w, const struct cp_image *first,
			  const char *work)
{
	const char *prog = cp_image_program(w, last_image(w, first));

	return !strcmp(prog, work) ||
	       (first->name && strlen(prog) > strlen(first->name) &&
		!strncmp(prog, first->name, strlen(first->name)));
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

/* Rows that hold too little of the path, dropped. */
static void drop_small(struct profile_critical *c, const uint64_t *on_path)
{
	size_t i, k = 0;

	for (i = 0; i < c->n_launchers; i++) {
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

static bool in_a_chain(const struct walker *w, const struct cp_image *img,
		       const struct chain *chains, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (in_chain(w, img, &chains[i]))
			return true;
	return false;
}

/* Processes that mostly passed their time on the path to others (`sh -c`,
 * make, compiler drivers), which cost their own time, by kind; not those
 * an exec chain counted. */
static int add_waiting_launchers(struct walker *w, uint64_t *on_path,
				 const char *work, const struct chain *chains,
				 size_t n_chains)
{
	struct profile_critical *c = &w->p->critical;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < w->n_images; i++) {
		const struct cp_image *img = &w->images[i];
		const char *prog = cp_image_program(w, img), *started;

		if (img != last_image(w, img) || !passes_on(img) ||
		    !strcmp(prog, work) ||
		    in_a_chain(w, img, chains, n_chains))
			continue;
		started = launcher_started(w, img);
		if (!started || !strcmp(started, prog))
			continue;
		err = add_launcher(c, on_path, img->name,
				   strcmp(prog, img->name) ? prog : NULL,
				   started, 1, img->own_ns,
				   img->own_ns + img->passed_ns, true);
	}
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
	struct chain *chains;
	uint64_t *on_path;
	size_t i, n_chains = 0;
	int err = 0;

	c->launchers = calloc(w->n_images + 1, sizeof(*c->launchers));
	on_path = calloc(w->n_images + 1, sizeof(*on_path));
	chains = calloc(w->n_images + 1, sizeof(*chains));
	if (!c->launchers || !on_path || !chains) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; work && !err && i < w->n_images; i++) {
		const struct cp_image *img = &w->images[i];
		const struct cp_image *last = last_image(w, img);

		if (img->seq == 1 && last != img && !is_launcher(w, last) &&
		    (img->pid == c->root_tid || leads_to_work(w, img, work))) {
			err = add_exec_chain(w, on_path, img,
					     &chains[n_chains++]);
		}
	}
	if (work && !err)
		err = add_waiting_launchers(w, on_path, work, chains,
					    n_chains);
	drop_small(c, on_path);
	qsort(c->launchers, c->n_launchers, sizeof(*c->launchers),
	      cmp_launcher);
out:
	free(chains);
	free(on_path);
	return err;
}

