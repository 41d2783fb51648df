// SPDX-License-Identifier: GPL-2.0
/*
 * whyslow diff: two profiles compared in absolute time, to answer "did my
 * change help, and where".  Profiles of different lengths or sampling
 * rates compare as they are: times, not shares.
 *
 * Every quantity carries how big a change of it is noise (noise.c); what
 * is within noise is reported as no change.  This file compares and
 * picks; report/diff_md.c and report/diff_json.c write the result, and
 * report/diff_text.c words the changes and the verdict.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/procs.h"
#include "analyze/diff.h"
#include "analyze/noise.h"
#include "classify/clone.h"

static const char *const status_names[] = {
	[DIFF_FUNC_UNCHANGED] = "unchanged",
	[DIFF_FUNC_FASTER] = "faster",
	[DIFF_FUNC_SLOWER] = "slower",
	[DIFF_FUNC_APPEARED] = "appeared",
	[DIFF_FUNC_VANISHED] = "vanished",
};

const char *diff_func_status_name(enum diff_func_status s)
{
	return status_names[s];
}

/* ---- changes and their noise ---- */

int64_t diff_change_delta(const struct diff_change *c)
{
	return (int64_t)c->ns[DIFF_AFTER] - (int64_t)c->ns[DIFF_BEFORE];
}

uint64_t diff_change_size(const struct diff_change *c)
{
	int64_t delta = diff_change_delta(c);

	return delta < 0 ? (uint64_t)-delta : (uint64_t)delta;
}

bool diff_change_significant(const struct diff_change *c)
{
	return diff_change_size(c) > c->noise;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static struct diff_change change_of(const struct diff *d, uint64_t before,
				    uint64_t after, uint64_t n_before,
				    uint64_t n_after)
{
	return (struct diff_change){
		.ns = { before, after },
		.noise = noise_ns(before, after, n_before, n_after,
				  d->side[DIFF_BEFORE].p->period_ns,
				  d->side[DIFF_AFTER].p->period_ns),
	};
}

/* ---- wall time and categories ---- */

/* The side's split: all threads', or the main thread's when threaded. */
static void plan_side(struct diff_side *s)
{
	const struct aggregate *agg = &s->agg;

	if (agg->n_threads > 1)
		s->main_thread = procs_main_thread(agg, s->p->root_pid);
	s->split = s->main_thread ? &s->main_thread->time : &agg->time;
	s->split_samples = s->main_thread ? s->main_thread->samples :
					    agg->samples;
}

static int cmp_category_change(const void *a, const void *b, void *ctx)
{
	const struct diff_change *cat = ctx;
	enum wait_reason ra = *(const enum wait_reason *)a;
	enum wait_reason rb = *(const enum wait_reason *)b;
	uint64_t sa = diff_change_size(&cat[ra]);
	uint64_t sb = diff_change_size(&cat[rb]);

	if (sa != sb)
		return sa > sb ? -1 : 1;
	sa = max_u64(cat[ra].ns[DIFF_BEFORE], cat[ra].ns[DIFF_AFTER]);
	sb = max_u64(cat[rb].ns[DIFF_BEFORE], cat[rb].ns[DIFF_AFTER]);
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return (int)ra - (int)rb;
}

/*
 * Wall time, else (a profile of another tool may not know its duration)
 * on-CPU time; then every category with time in either profile.
 */
static void plan_time(struct diff *d)
{
	const struct diff_side *b = &d->side[DIFF_BEFORE];
	const struct diff_side *a = &d->side[DIFF_AFTER];
	int r;

	d->by_cpu = !b->p->wall_ns || !a->p->wall_ns;
	if (d->by_cpu)
		d->wall = change_of(d, b->agg.time.ns[WAIT_NONE],
				    a->agg.time.ns[WAIT_NONE], b->agg.samples,
				    a->agg.samples);
	else
		d->wall = change_of(d, b->p->wall_ns, a->p->wall_ns, 0, 0);
	for (r = 0; r < WAIT__COUNT; r++) {
		if (r == WAIT_NONE)
			d->cat[r] = change_of(d, b->split->ns[r],
					      a->split->ns[r],
					      b->split_samples,
					      a->split_samples);
		else
			d->cat[r] = change_of(d, b->split->ns[r],
					      a->split->ns[r], 0, 0);
		if (b->split->ns[r] || a->split->ns[r])
			d->cat_order[d->n_cats++] = r;
	}
	qsort_r(d->cat_order, d->n_cats, sizeof(*d->cat_order),
		cmp_category_change, d->cat);
}

/* ---- functions ---- */

/*
 * What matches a function across two builds: its name without a
 * compiler's clone suffix, and its module, the program's own executable
 * being one module whatever its name (./app-old and ./app).
 */
struct func_key {
	const char *name;
	size_t len;		/* of name, its clone suffix left out */
	const char *module;	/* NULL: the program's executable */
	uint32_t func;		/* agg.funcs index */
};

static int cmp_key(const struct func_key *x, const struct func_key *y)
{
	int c = memcmp(x->name, y->name, x->len < y->len ? x->len : y->len);

	if (c || x->len != y->len)
		return c ? c : CMP(x->len, y->len);
	if (!x->module || !y->module)
		return !x->module - !y->module;
	return strcmp(x->module, y->module);
}

static int cmp_key_sort(const void *a, const void *b)
{
	int c = cmp_key(a, b);

	return c ? c : CMP(((const struct func_key *)a)->func,
			   ((const struct func_key *)b)->func);
}

/* The side's functions by key, sorted; NULL when out of memory. */
static struct func_key *funcs_by_key(const struct diff_side *s)
{
	const struct aggregate *agg = &s->agg;
	const char *exe = procs_program_module(s->p);
	struct func_key *keys = calloc(agg->n_funcs + 1, sizeof(*keys));
	const struct func_stat *fs;
	size_t i, len;

	if (!keys)
		return NULL;
	for (i = 0; i < agg->n_funcs; i++) {
		fs = &agg->funcs[i];
		len = fs->name ? strlen(fs->name) : 0;
		keys[i] = (struct func_key){
			.name = fs->name ? fs->name : "",
			.len = len ? clone_suffix_start(fs->name, len) : 0,
			.module = exe && fs->module &&
				  !strcmp(fs->module, exe) ? NULL :
				  fs->module ? fs->module : "",
			.func = i,
		};
		if (!keys[i].len)	/* all suffix: keep the name */
			keys[i].len = len;
	}
	qsort(keys, agg->n_funcs, sizeof(*keys), cmp_key_sort);
	return keys;
}

static uint64_t own_ns(const struct func_stat *fs)
{
	return fs ? fs->self_ns + fs->own_offcpu_ns : 0;
}

/* ---- runtime code charged to the Python function that called it ---- */

static bool native_support(const struct func_stat *fs)
{
	return fs->cls == CLASS_RUNTIME || fs->cls == CLASS_LIBRARY;
}

/* A Python function of the program: its module is its file's name. */
static bool python_app(const struct func_stat *fs)
{
	if (fs->cls != CLASS_APP || !fs->file || !fs->module)
		return false;
	return !strcmp(path_basename(fs->file), fs->module);
}

/*
 * A path whose leaf is runtime or library code, called (through more of
 * it only) by a Python function of the program: its time is that
 * function's work.  The innermost such caller, index or -1.
 */
static int64_t charged_caller(const struct aggregate *agg,
			      const struct path_stat *ps)
{
	const struct func_stat *fs;
	uint32_t i;

	if (!ps->n_funcs ||
	    !native_support(&agg->funcs[ps->funcs[ps->n_funcs - 1]]))
		return -1;
	for (i = ps->n_funcs - 1; i-- > 0;) {
		fs = &agg->funcs[ps->funcs[i]];
		if (fs->cls != CLASS_APP)
			continue;
		return python_app(fs) ? (int64_t)ps->funcs[i] : -1;
	}
	return -1;
}

static int plan_charges(struct diff_side *s)
{
	const struct aggregate *agg = &s->agg;
	const struct path_stat *ps;
	int64_t to;
	size_t i;

	s->charge_ns = calloc(agg->n_funcs + 1, sizeof(*s->charge_ns));
	s->charge_samples = calloc(agg->n_funcs + 1,
				   sizeof(*s->charge_samples));
	if (!s->charge_ns || !s->charge_samples)
		return -ENOMEM;
	for (i = 0; i < agg->n_paths; i++) {
		ps = &agg->paths[i];
		to = charged_caller(agg, ps);
		if (to < 0)
			continue;
		s->charge_ns[to] += ps->ns;
		s->charge_samples[to] += ps->samples;
		s->charge_ns[ps->funcs[ps->n_funcs - 1]] -= ps->ns;
		s->charge_samples[ps->funcs[ps->n_funcs - 1]] -= ps->samples;
	}
	return 0;
}

/* fs's own time (or self samples) with what was charged to it. */
static uint64_t charged(const struct diff_side *s, const struct func_stat *fs,
			uint64_t own, bool samples)
{
	int64_t c;

	if (!fs)
		return 0;
	c = (samples ? s->charge_samples : s->charge_ns)[fs - s->agg.funcs];
	return c < 0 && (uint64_t)-c > own ? 0 : own + c;
}

bool diff_func_charged_away(const struct diff_func *fd)
{
	return fd->rank.ns[DIFF_BEFORE] + fd->rank.ns[DIFF_AFTER] <
	       fd->own.ns[DIFF_BEFORE] + fd->own.ns[DIFF_AFTER] &&
	       !diff_change_significant(&fd->rank);
}

bool diff_func_charged(const struct diff_func *fd)
{
	return fd->rank.ns[DIFF_BEFORE] + fd->rank.ns[DIFF_AFTER] >
	       fd->own.ns[DIFF_BEFORE] + fd->own.ns[DIFF_AFTER];
}

/* Whether the function has time beyond noise on that side: no ratio
 * rests on a side within noise of nothing. */
static bool func_above_noise(const struct diff_func *fd, enum diff_which w)
{
	return fd->own.ns[w] > fd->own.noise ||
	       fd->rank.ns[w] > fd->rank.noise ||
	       fd->wall.ns[w] > fd->wall.noise;
}

/*
 * Own time with charges (rank) decides: its sampled part is the self
 * samples.  A function with time (beyond noise) in one profile only
 * appeared or vanished when its own or its wall time changed beyond
 * noise.
 */
static void func_compare(const struct diff *d, struct diff_func *fd)
{
	const struct diff_side *sb = &d->side[DIFF_BEFORE];
	const struct diff_side *sa = &d->side[DIFF_AFTER];
	const struct func_stat *b = fd->fs[DIFF_BEFORE];
	const struct func_stat *a = fd->fs[DIFF_AFTER];
	const struct diff_change *by;
	bool own, wall;

	fd->own = change_of(d, own_ns(b), own_ns(a), b ? b->self : 0,
			    a ? a->self : 0);
	fd->rank = change_of(d, charged(sb, b, own_ns(b), false),
			     charged(sa, a, own_ns(a), false),
			     charged(sb, b, b ? b->self : 0, true),
			     charged(sa, a, a ? a->self : 0, true));
	fd->wall = change_of(d, b ? func_wall_ns(b) : 0,
			     a ? func_wall_ns(a) : 0, b ? b->total : 0,
			     a ? a->total : 0);
	/* runtime code charged to its caller keeps its own-time row */
	by = diff_change_significant(&fd->rank) ? &fd->rank : &fd->own;
	own = diff_change_significant(by);
	wall = diff_change_significant(&fd->wall);
	if (!own && !wall)
		fd->status = DIFF_FUNC_UNCHANGED;
	else if (!func_above_noise(fd, DIFF_AFTER))
		fd->status = DIFF_FUNC_VANISHED;
	else if (!func_above_noise(fd, DIFF_BEFORE))
		fd->status = DIFF_FUNC_APPEARED;
	else if (!own)
		fd->status = DIFF_FUNC_UNCHANGED;
	else
		fd->status = diff_change_delta(by) < 0 ?
			     DIFF_FUNC_FASTER : DIFF_FUNC_SLOWER;
}

/* The function's name, module, file and line: after's, else before's. */
const struct func_stat *diff_func_id(const struct diff_func *fd)
{
	return fd->fs[DIFF_AFTER] ? fd->fs[DIFF_AFTER] : fd->fs[DIFF_BEFORE];
}

/* Biggest rank change first, then biggest wall change, then identity. */
static int cmp_func_change(const void *a, const void *b)
{
	const struct diff_func *x = a, *y = b;
	const struct func_stat *ix = diff_func_id(x), *iy = diff_func_id(y);
	uint64_t sx = diff_change_size(&x->rank);
	uint64_t sy = diff_change_size(&y->rank);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	sx = diff_change_size(&x->wall);
	sy = diff_change_size(&y->wall);
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return cmp_identity(ix->name, ix->module, iy->name, iy->module);
}

/* Functions of both profiles matched by key, merged. */
static int merge_funcs(struct diff *d)
{
	const struct aggregate *b = &d->side[DIFF_BEFORE].agg;
	const struct aggregate *a = &d->side[DIFF_AFTER].agg;
	struct func_key *kb = funcs_by_key(&d->side[DIFF_BEFORE]);
	struct func_key *ka = funcs_by_key(&d->side[DIFF_AFTER]);
	struct diff_func *fd;
	size_t ib = 0, ia = 0;
	int c, err = -ENOMEM;

	d->funcs = calloc(b->n_funcs + a->n_funcs + 1, sizeof(*d->funcs));
	if (!kb || !ka || !d->funcs)
		goto out;
	while (ib < b->n_funcs || ia < a->n_funcs) {
		c = ib >= b->n_funcs ? 1 : ia >= a->n_funcs ? -1 :
		    cmp_key(&kb[ib], &ka[ia]);
		fd = &d->funcs[d->n_funcs++];
		fd->fs[DIFF_BEFORE] = c <= 0 ? &b->funcs[kb[ib].func] : NULL;
		fd->fs[DIFF_AFTER] = c >= 0 ? &a->funcs[ka[ia].func] : NULL;
		func_compare(d, fd);
		ib += c <= 0;
		ia += c >= 0;
	}
	err = 0;
out:
	free(kb);
	free(ka);
	return err;
}

/* Faster, slower, appeared and vanished, biggest change first. */
static int split_funcs(struct diff *d)
{
	size_t i, n = d->n_funcs + 1;

	qsort(d->funcs, d->n_funcs, sizeof(*d->funcs), cmp_func_change);
	d->faster = calloc(n, sizeof(*d->faster));
	d->slower = calloc(n, sizeof(*d->slower));
	d->appeared_funcs = calloc(n, sizeof(*d->appeared_funcs));
	d->vanished_funcs = calloc(n, sizeof(*d->vanished_funcs));
	if (!d->faster || !d->slower || !d->appeared_funcs ||
	    !d->vanished_funcs)
		return -ENOMEM;
	for (i = 0; i < d->n_funcs; i++) {
		switch (d->funcs[i].status) {
		case DIFF_FUNC_FASTER:
			d->faster[d->n_faster++] = i;
			break;
		case DIFF_FUNC_VANISHED:
			d->vanished_funcs[d->n_vanished_funcs++] = i;
			break;
		case DIFF_FUNC_SLOWER:
			d->slower[d->n_slower++] = i;
			break;
		case DIFF_FUNC_APPEARED:
			d->appeared_funcs[d->n_appeared_funcs++] = i;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* ---- hot paths that appeared or vanished ---- */

static int cmp_path_text(const void *a, const void *b)
{
	return strcmp(((const struct diff_path *)a)->text,
		      ((const struct diff_path *)b)->text);
}

static void free_paths(struct diff_path *paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i].text);
	free(paths);
}

/*
 * The side's on-CPU paths by their text, sorted, equal texts added up:
 * folding can make two paths read the same.
 */
static int group_paths(struct diff_side *s, enum diff_which which)
{
	const struct aggregate *agg = &s->agg;
	struct diff_path *pd;
	size_t i, n = 0;

	s->paths = calloc(agg->n_paths + 1, sizeof(*s->paths));
	if (!s->paths)
		return -ENOMEM;
	for (i = 0; i < agg->n_paths; i++, s->n_paths++) {
		pd = &s->paths[i];
		pd->text = path_format(agg, &agg->paths[i]);
		if (!pd->text)
			return -ENOMEM;
		pd->ns[which] = agg->paths[i].ns;
		pd->samples[which] = agg->paths[i].samples;
	}
	qsort(s->paths, s->n_paths, sizeof(*s->paths), cmp_path_text);
	for (i = 0; i < s->n_paths; i++) {
		if (n && !strcmp(s->paths[n - 1].text, s->paths[i].text)) {
			s->paths[n - 1].ns[which] += s->paths[i].ns[which];
			s->paths[n - 1].samples[which] +=
				s->paths[i].samples[which];
			free(s->paths[i].text);
		} else {
			s->paths[n++] = s->paths[i];
		}
	}
	s->n_paths = n;
	return 0;
}

/* Of the wall time, or of on-CPU time when a wall time is unknown. */
double diff_path_pct(const struct diff *d, const struct diff_path *pd,
		     enum diff_which which)
{
	return pct_of(pd->ns[which], d->wall.ns[which]);
}

/*
 * Hot in `in` (HOT_PATH_PCT or more by path_pct), absent or under
 * 1/GONE_PATH_PART of that share in the other, by more than noise.
 */
static bool path_hot_only_in(const struct diff *d, const struct diff_path *pd,
			     enum diff_which in)
{
	enum diff_which out = in == DIFF_BEFORE ? DIFF_AFTER : DIFF_BEFORE;
	double hot = diff_path_pct(d, pd, in);
	double other = diff_path_pct(d, pd, out);
	struct diff_change c = change_of(d, pd->ns[DIFF_BEFORE],
					 pd->ns[DIFF_AFTER],
					 pd->samples[DIFF_BEFORE],
					 pd->samples[DIFF_AFTER]);

	return hot >= DIFF_HOT_PATH_PCT && other * DIFF_GONE_PATH_PART < hot &&
	       diff_change_significant(&c);
}

/* Appeared first, then vanished; each by its time where it is hot. */
static int cmp_path_change(const void *a, const void *b)
{
	const struct diff_path *x = a, *y = b;
	uint64_t nx = x->ns[x->appeared ? DIFF_AFTER : DIFF_BEFORE];
	uint64_t ny = y->ns[y->appeared ? DIFF_AFTER : DIFF_BEFORE];

	if (x->appeared != y->appeared)
		return x->appeared ? -1 : 1;
	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Merges the two sides' groups into d->paths, keeping the changed. */
static void keep_changed_paths(struct diff *d)
{
	struct diff_side *b = &d->side[DIFF_BEFORE], *a = &d->side[DIFF_AFTER];
	struct diff_path pd;
	size_t ib = 0, ia = 0, n = 0;
	int c;

	while (ib < b->n_paths || ia < a->n_paths) {
		c = ib >= b->n_paths ? 1 : ia >= a->n_paths ? -1 :
		    strcmp(b->paths[ib].text, a->paths[ia].text);
		memset(&pd, 0, sizeof(pd));
		if (c <= 0) {
			pd = b->paths[ib];
			b->paths[ib++].text = NULL;	/* now pd's */
		}
		if (c >= 0) {
			pd.ns[DIFF_AFTER] = a->paths[ia].ns[DIFF_AFTER];
			pd.samples[DIFF_AFTER] =
				a->paths[ia].samples[DIFF_AFTER];
			if (!pd.text) {
				pd.text = a->paths[ia].text;
				a->paths[ia].text = NULL;
			}
			ia++;
		}
		pd.appeared = path_hot_only_in(d, &pd, DIFF_AFTER);
		if (!pd.appeared && !path_hot_only_in(d, &pd, DIFF_BEFORE)) {
			free(pd.text);
			continue;
		}
		d->n_appeared += pd.appeared;
		d->n_vanished += !pd.appeared;
		d->paths[n++] = pd;
	}
	qsort(d->paths, n, sizeof(*d->paths), cmp_path_change);
}

static int plan_paths(struct diff *d)
{
	size_t n = d->side[DIFF_BEFORE].agg.n_paths +
		   d->side[DIFF_AFTER].agg.n_paths;
	int err;

	err = group_paths(&d->side[DIFF_BEFORE], DIFF_BEFORE);
	if (!err)
		err = group_paths(&d->side[DIFF_AFTER], DIFF_AFTER);
	if (err)
		return err;
	d->paths = calloc(n + 1, sizeof(*d->paths));
	if (!d->paths)
		return -ENOMEM;
	keep_changed_paths(d);
	return 0;
}

/* ---- the verdict ---- */

/* A wait category in the verdict: not on-CPU, changed beyond noise. */
static bool verdict_wait(const struct diff *d, enum wait_reason r)
{
	return r != WAIT_NONE && diff_change_significant(&d->cat[r]);
}

/*
 * What changed most: up to DIFF_VERDICT_FUNCS functions (d->funcs is
 * biggest change first), then DIFF_VERDICT_WAITS wait categories.
 */
static void plan_verdict(struct diff *d)
{
	size_t i;

	for (i = 0; i < d->n_funcs &&
		    d->n_verdict_funcs < DIFF_VERDICT_FUNCS; i++)
		if (d->funcs[i].status != DIFF_FUNC_UNCHANGED &&
		    !diff_func_charged_away(&d->funcs[i]))
			d->verdict_funcs[d->n_verdict_funcs++] = i;
	for (i = 0; i < d->n_cats &&
		    d->n_verdict_waits < DIFF_VERDICT_WAITS; i++)
		if (verdict_wait(d, d->cat_order[i]))
			d->verdict_waits[d->n_verdict_waits++] =
				d->cat_order[i];
}

/* ---- the whole ---- */

void diff_free(struct diff *d)
{
	int s;

	for (s = DIFF_BEFORE; s <= DIFF_AFTER; s++) {
		free_paths(d->side[s].paths, d->side[s].n_paths);
		free(d->side[s].charge_ns);
		free(d->side[s].charge_samples);
		aggregate_free(&d->side[s].agg);
	}
	free_paths(d->paths, d->n_appeared + d->n_vanished);
	free(d->funcs);
	free(d->faster);
	free(d->slower);
	free(d->appeared_funcs);
	free(d->vanished_funcs);
}

int diff_compare(struct diff *d, const struct profile *before,
		 const struct profile *after)
{
	int err;

	d->side[DIFF_BEFORE].p = before;
	d->side[DIFF_AFTER].p = after;
	err = aggregate_profile(before, &d->side[DIFF_BEFORE].agg);
	if (!err)
		err = aggregate_profile(after, &d->side[DIFF_AFTER].agg);
	if (err)
		return err;
	plan_side(&d->side[DIFF_BEFORE]);
	plan_side(&d->side[DIFF_AFTER]);
	plan_time(d);
	err = plan_charges(&d->side[DIFF_BEFORE]);
	if (!err)
		err = plan_charges(&d->side[DIFF_AFTER]);
	if (!err)
		err = merge_funcs(d);
	if (!err)
		err = split_funcs(d);
	if (!err)
		err = plan_paths(d);
	if (!err)
		plan_verdict(d);
	return err;
}
