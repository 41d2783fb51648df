// SPDX-License-Identifier: GPL-2.0
/*
 * whyslow diff: two profiles compared in absolute time, to answer "did my
 * change help, and where".  Profiles of different lengths or sampling
 * rates compare as they are: times, not shares.
 *
 * Noise.  Wall time and traced waits are measured, yet vary from run to
 * run; sampled on-CPU time also has a statistical error: n samples of
 * period P stand for n·P ± √n·P.  A change is within noise, and reported
 * as no change, unless it exceeds all of
 *   - 2% of the larger of its two values,
 *   - two sampling periods (the larger period of the two profiles),
 *   - two standard errors of the sampled part, 2·√(n₁·P₁² + n₂·P₂²).
 * The README states the rule; keep the two in step.  diff_noise_ns
 * (diff.h) is the rule alone, for the differential flame graph that
 * --format svg hands to report_flame.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "analyze/diff.h"
#include "analyze/flame.h"
#include "report/report.h"
#include "report/json_util.h"
#include "report/md_util.h"
#include "classify/wait.h"

#define NOISE_REL		0.02	/* of the larger value */
#define NOISE_PERIODS		2.0	/* sampling periods */
#define NOISE_SE		2.0	/* standard errors, sampled time */
#define HOT_PATH_PCT		5.0	/* of the wall time, in one profile */
#define GONE_PATH_PART		5	/* under 1/5 of that share: absent */
#define VERDICT_FUNCS		3	/* changes named in the verdict */
#define VERDICT_WAITS		2
#define PATH_MAX_BYTES		400	/* a formatted call path */
#define TITLE_MAX_BYTES		100	/* each command in the title */
#define OMITTED_RESERVE		300	/* room kept for the last line */
#define CHANGE_SIZE		48	/* "2.0× faster", "appeared" */
#define DELTA_SIZE		(DURATION_SIZE + 4)

enum which { BEFORE, AFTER };

/* One quantity in both profiles, and how big a change is noise. */
struct change {
	uint64_t ns[2];
	uint64_t noise;
};

enum func_status {
	FUNC_UNCHANGED,
	FUNC_FASTER,
	FUNC_SLOWER,
	FUNC_APPEARED,
	FUNC_VANISHED,
};

static const char *const status_names[] = {
	[FUNC_UNCHANGED] = "unchanged",
	[FUNC_FASTER] = "faster",
	[FUNC_SLOWER] = "slower",
	[FUNC_APPEARED] = "appeared",
	[FUNC_VANISHED] = "vanished",
};

/* A function (name, module) in either profile. */
struct func_diff {
	const struct func_stat *fs[2];	/* NULL where it has no time */
	struct change own;	/* self_ns + own_offcpu_ns: its own time */
	struct change wall;	/* func_wall_ns: with callees, on or off CPU */
	enum func_status status;
};

/* A call path, by its path_format text, in either profile. */
struct path_diff {
	char *text;
	uint64_t ns[2];
	uint64_t samples[2];
	bool appeared;		/* kept as changed: hot in AFTER only */
};

struct side {
	const struct profile *p;
	struct aggregate agg;
	/* Where the wall time went: the main thread's when threaded. */
	const struct thread_stat *main_thread;
	const struct time_split *split;
	uint64_t split_samples;
	struct path_diff *paths;	/* agg.paths grouped by text, sorted */
	size_t n_paths;
};

struct diff {
	struct side side[2];
	bool by_cpu;		/* a wall time is unknown: compare on-CPU */
	struct change wall;
	struct change cat[WAIT__COUNT];
	/* categories with time in either, biggest change first */
	enum wait_reason cat_order[WAIT__COUNT];
	size_t n_cats;
	struct func_diff *funcs;	/* all, biggest own change first */
	size_t n_funcs;
	uint32_t *faster;	/* funcs indexes: faster or vanished */
	size_t n_faster;
	uint32_t *slower;	/* ... slower or appeared */
	size_t n_slower;
	struct path_diff *paths;	/* appeared, then vanished */
	size_t n_appeared;
	size_t n_vanished;
};

/* ---- changes and their noise ---- */

static int64_t change_delta(const struct change *c)
{
	return (int64_t)c->ns[AFTER] - (int64_t)c->ns[BEFORE];
}

static uint64_t change_size(const struct change *c)
{
	int64_t delta = change_delta(c);

	return delta < 0 ? (uint64_t)-delta : (uint64_t)delta;
}

static bool change_significant(const struct change *c)
{
	return change_size(c) > c->noise;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/*
 * before and after, of which n_before and n_after sampling periods are
 * sampled (0 for a traced or measured time): the noise rule at the top.
 */
uint64_t diff_noise_ns(uint64_t before, uint64_t after, uint64_t n_before,
		       uint64_t n_after, uint64_t period_before,
		       uint64_t period_after)
{
	double pb = period_before, pa = period_after;
	double rel = NOISE_REL * (double)max_u64(before, after);
	double periods = NOISE_PERIODS * (pb > pa ? pb : pa);
	double se = NOISE_SE * sqrt((double)n_before * pb * pb +
				    (double)n_after * pa * pa);

	return (uint64_t)ceil(fmax(rel, fmax(periods, se)));
}

static struct change change_of(const struct diff *d, uint64_t before,
			       uint64_t after, uint64_t n_before,
			       uint64_t n_after)
{
	return (struct change){
		.ns = { before, after },
		.noise = diff_noise_ns(before, after, n_before, n_after,
				       d->side[BEFORE].p->period_ns,
				       d->side[AFTER].p->period_ns),
	};
}

/* after / before as JSON, null when before is 0. */
static void json_ratio(FILE *f, const struct change *c)
{
	if (c->ns[BEFORE])
		fprintf(f, "%.3f", (double)c->ns[AFTER] / c->ns[BEFORE]);
	else
		fputs("null", f);
}

/* before_ns, after_ns, delta_ns, ratio, noise_ns: an object's fields. */
static void json_change(FILE *f, const struct change *c)
{
	fprintf(f, "\"before_ns\": %" PRIu64 ", \"after_ns\": %" PRIu64
		", \"delta_ns\": %" PRId64 ", \"ratio\": ", c->ns[BEFORE],
		c->ns[AFTER], change_delta(c));
	json_ratio(f, c);
	fprintf(f, ", \"noise_ns\": %" PRIu64, c->noise);
}

/* "−1.94 s", "+20.0 ms", "0 ns". */
static void fmt_delta(char *buf, const struct change *c)
{
	int64_t delta = change_delta(c);
	char time[DURATION_SIZE];

	fmt_duration(time, change_size(c));
	snprintf(buf, DELTA_SIZE, "%s%s", delta < 0 ? "−" : delta ? "+" : "",
		 time);
}

/* How a change of each kind of time reads. */
enum words { WORDS_TIME, WORDS_OWN, WORDS_WAIT };

static const struct {
	const char *down, *up, *from_none, *to_none;
} words[] = {
	[WORDS_TIME] = { "faster", "slower", "appeared", "vanished" },
	/* a function may keep running with no time of its own */
	[WORDS_OWN] = { "faster", "slower", "new own time", "no own time" },
	[WORDS_WAIT] = { "less", "more", "new", "gone" },
};

/*
 * "2.0× faster", "1.04× slower": the larger value over the smaller, two
 * decimals where one would round a real change to 1.0×.  Both non-zero.
 */
static void fmt_factor(char *buf, const struct change *c, const char *down,
		       const char *up)
{
	bool less = change_delta(c) < 0;
	double factor = less ? (double)c->ns[BEFORE] / c->ns[AFTER] :
			       (double)c->ns[AFTER] / c->ns[BEFORE];

	snprintf(buf, CHANGE_SIZE, factor < 1.095 ? "%.2f× %s" : "%.1f× %s",
		 factor, less ? down : up);
}

/* "2.0× faster", "1.5× slower", "≈" within noise, ...: words[w]. */
static void fmt_change(char *buf, const struct change *c, enum words w)
{
	if (!change_significant(c))
		strcpy(buf, "≈");
	else if (!c->ns[BEFORE])
		snprintf(buf, CHANGE_SIZE, "%s", words[w].from_none);
	else if (!c->ns[AFTER])
		snprintf(buf, CHANGE_SIZE, "%s", words[w].to_none);
	else
		fmt_factor(buf, c, words[w].down, words[w].up);
}

/* ---- wall time and categories ---- */

/* The side's split: all threads', or the main thread's when threaded. */
static void plan_side(struct side *s)
{
	const struct aggregate *agg = &s->agg;

	if (agg->n_threads > 1)
		s->main_thread = main_thread_stat(agg, s->p->root_pid);
	s->split = s->main_thread ? &s->main_thread->time : &agg->time;
	s->split_samples = s->main_thread ? s->main_thread->samples :
					    agg->samples;
}

static int cmp_category_change(const void *a, const void *b, void *ctx)
{
	const struct change *cat = ctx;
	enum wait_reason ra = *(const enum wait_reason *)a;
	enum wait_reason rb = *(const enum wait_reason *)b;
	uint64_t sa = change_size(&cat[ra]), sb = change_size(&cat[rb]);

	if (sa != sb)
		return sa > sb ? -1 : 1;
	sa = max_u64(cat[ra].ns[BEFORE], cat[ra].ns[AFTER]);
	sb = max_u64(cat[rb].ns[BEFORE], cat[rb].ns[AFTER]);
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
	const struct side *b = &d->side[BEFORE], *a = &d->side[AFTER];
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

static int cmp_func_identity(const void *a, const void *b, void *ctx)
{
	const struct func_stat *funcs = ctx;
	const struct func_stat *x = &funcs[*(const uint32_t *)a];
	const struct func_stat *y = &funcs[*(const uint32_t *)b];

	return cmp_identity(x->name, x->module, y->name, y->module);
}

/* agg's funcs indexes by (name, module); NULL when out of memory. */
static uint32_t *funcs_by_identity(const struct aggregate *agg)
{
	uint32_t *order = calloc(agg->n_funcs + 1, sizeof(*order));
	size_t i;

	if (!order)
		return NULL;
	for (i = 0; i < agg->n_funcs; i++)
		order[i] = i;
	qsort_r(order, agg->n_funcs, sizeof(*order), cmp_func_identity,
		agg->funcs);
	return order;
}

static uint64_t own_ns(const struct func_stat *fs)
{
	return fs ? fs->self_ns + fs->own_offcpu_ns : 0;
}

/*
 * Own time decides: its sampled part is the self samples.  A function
 * with time in one profile only appeared or vanished when its own or its
 * wall time changed beyond noise.
 */
static void func_compare(const struct diff *d, struct func_diff *fd)
{
	const struct func_stat *b = fd->fs[BEFORE], *a = fd->fs[AFTER];
	bool own, wall;

	fd->own = change_of(d, own_ns(b), own_ns(a), b ? b->self : 0,
			    a ? a->self : 0);
	fd->wall = change_of(d, b ? func_wall_ns(b) : 0,
			     a ? func_wall_ns(a) : 0, b ? b->total : 0,
			     a ? a->total : 0);
	own = change_significant(&fd->own);
	wall = change_significant(&fd->wall);
	if (!a && (own || wall))
		fd->status = FUNC_VANISHED;
	else if (!b && (own || wall))
		fd->status = FUNC_APPEARED;
	else if (!own)
		fd->status = FUNC_UNCHANGED;
	else
		fd->status = change_delta(&fd->own) < 0 ? FUNC_FASTER :
							  FUNC_SLOWER;
}

/* The function's name, module, file and line: after's, else before's. */
static const struct func_stat *func_id(const struct func_diff *fd)
{
	return fd->fs[AFTER] ? fd->fs[AFTER] : fd->fs[BEFORE];
}

/* Biggest own change first, then biggest wall change, then identity. */
static int cmp_func_change(const void *a, const void *b)
{
	const struct func_diff *x = a, *y = b;
	const struct func_stat *ix = func_id(x), *iy = func_id(y);
	uint64_t sx = change_size(&x->own), sy = change_size(&y->own);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	sx = change_size(&x->wall);
	sy = change_size(&y->wall);
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return cmp_identity(ix->name, ix->module, iy->name, iy->module);
}

/* Functions of both profiles matched by (name, module), merged. */
static int merge_funcs(struct diff *d)
{
	const struct aggregate *b = &d->side[BEFORE].agg;
	const struct aggregate *a = &d->side[AFTER].agg;
	uint32_t *ob = funcs_by_identity(b), *oa = funcs_by_identity(a);
	const struct func_stat *fb, *fa;
	size_t ib = 0, ia = 0;
	int c, err = -ENOMEM;

	d->funcs = calloc(b->n_funcs + a->n_funcs + 1, sizeof(*d->funcs));
	if (!ob || !oa || !d->funcs)
		goto out;
	while (ib < b->n_funcs || ia < a->n_funcs) {
		fb = ib < b->n_funcs ? &b->funcs[ob[ib]] : NULL;
		fa = ia < a->n_funcs ? &a->funcs[oa[ia]] : NULL;
		c = !fb ? 1 : !fa ? -1 :
		    cmp_identity(fb->name, fb->module, fa->name, fa->module);
		d->funcs[d->n_funcs].fs[BEFORE] = c <= 0 ? fb : NULL;
		d->funcs[d->n_funcs].fs[AFTER] = c >= 0 ? fa : NULL;
		func_compare(d, &d->funcs[d->n_funcs++]);
		ib += c <= 0;
		ia += c >= 0;
	}
	err = 0;
out:
	free(ob);
	free(oa);
	return err;
}

/* Faster (or vanished) and slower (or appeared), biggest change first. */
static int split_funcs(struct diff *d)
{
	size_t i;

	qsort(d->funcs, d->n_funcs, sizeof(*d->funcs), cmp_func_change);
	d->faster = calloc(d->n_funcs + 1, sizeof(*d->faster));
	d->slower = calloc(d->n_funcs + 1, sizeof(*d->slower));
	if (!d->faster || !d->slower)
		return -ENOMEM;
	for (i = 0; i < d->n_funcs; i++) {
		switch (d->funcs[i].status) {
		case FUNC_FASTER:
		case FUNC_VANISHED:
			d->faster[d->n_faster++] = i;
			break;
		case FUNC_SLOWER:
		case FUNC_APPEARED:
			d->slower[d->n_slower++] = i;
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
	return strcmp(((const struct path_diff *)a)->text,
		      ((const struct path_diff *)b)->text);
}

static void free_paths(struct path_diff *paths, size_t n)
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
static int group_paths(struct side *s, enum which which)
{
	const struct aggregate *agg = &s->agg;
	struct path_diff *pd;
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
static double path_pct(const struct diff *d, const struct path_diff *pd,
		       enum which which)
{
	return pct_of(pd->ns[which], d->wall.ns[which]);
}

/*
 * Hot in `in` (HOT_PATH_PCT or more by path_pct), absent or under
 * 1/GONE_PATH_PART of that share in the other, by more than noise.
 */
static bool path_hot_only_in(const struct diff *d, const struct path_diff *pd,
			     enum which in)
{
	enum which out = in == BEFORE ? AFTER : BEFORE;
	double hot = path_pct(d, pd, in), other = path_pct(d, pd, out);
	struct change c = change_of(d, pd->ns[BEFORE], pd->ns[AFTER],
				    pd->samples[BEFORE], pd->samples[AFTER]);

	return hot >= HOT_PATH_PCT && other * GONE_PATH_PART < hot &&
	       change_significant(&c);
}

/* Appeared first, then vanished; each by its time where it is hot. */
static int cmp_path_change(const void *a, const void *b)
{
	const struct path_diff *x = a, *y = b;
	uint64_t nx = x->ns[x->appeared ? AFTER : BEFORE];
	uint64_t ny = y->ns[y->appeared ? AFTER : BEFORE];

	if (x->appeared != y->appeared)
		return x->appeared ? -1 : 1;
	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Merges the two sides' groups into d->paths, keeping the changed. */
static void keep_changed_paths(struct diff *d)
{
	struct side *b = &d->side[BEFORE], *a = &d->side[AFTER];
	struct path_diff pd;
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
			pd.ns[AFTER] = a->paths[ia].ns[AFTER];
			pd.samples[AFTER] = a->paths[ia].samples[AFTER];
			if (!pd.text) {
				pd.text = a->paths[ia].text;
				a->paths[ia].text = NULL;
			}
			ia++;
		}
		pd.appeared = path_hot_only_in(d, &pd, AFTER);
		if (!pd.appeared && !path_hot_only_in(d, &pd, BEFORE)) {
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
	size_t n = d->side[BEFORE].agg.n_paths + d->side[AFTER].agg.n_paths;
	int err;

	err = group_paths(&d->side[BEFORE], BEFORE);
	if (!err)
		err = group_paths(&d->side[AFTER], AFTER);
	if (err)
		return err;
	d->paths = calloc(n + 1, sizeof(*d->paths));
	if (!d->paths)
		return -ENOMEM;
	keep_changed_paths(d);
	return 0;
}

/* ---- the verdict ---- */

/* A name in the verdict: a code span in Markdown, as it is in JSON. */
static void put_name(FILE *f, const char *name, bool md)
{
	char clean[CLEAN_SIZE(NAME_MAX_BYTES)];

	if (!md) {
		fputs(name, f);
		return;
	}
	md_clean(clean, name, NAME_MAX_BYTES, false);
	fprintf(f, "`%s`", clean);
}

/* "hot_a −1.80 s (2.0× faster)". */
static void put_func_change(FILE *f, const struct func_diff *fd, bool md)
{
	const struct change *own = &fd->own, *wall = &fd->wall;
	char delta[DELTA_SIZE], change[CHANGE_SIZE];

	put_name(f, func_id(fd)->name, md);
	if (fd->status == FUNC_APPEARED || fd->status == FUNC_VANISHED) {
		/* one with no time of its own shows its wall time */
		fmt_delta(delta, change_size(own) > change_size(wall) ? own :
				 wall);
		fprintf(f, " %s (%s)", delta, status_names[fd->status]);
		return;
	}
	fmt_delta(delta, own);
	fmt_change(change, own, WORDS_OWN);
	fprintf(f, " %s (%s)", delta, change);
}

/* A wait category in the verdict: not on-CPU, changed beyond noise. */
static bool verdict_wait(const struct diff *d, enum wait_reason r)
{
	return r != WAIT_NONE && change_significant(&d->cat[r]);
}

/*
 * What changed most: up to VERDICT_FUNCS functions (d->funcs is biggest
 * change first), then VERDICT_WAITS wait categories.
 */
static void put_contributors(FILE *f, const struct diff *d, bool md)
{
	char delta[DELTA_SIZE], change[CHANGE_SIZE];
	size_t i, funcs = 0, waits = 0;
	enum wait_reason r;

	for (i = 0; i < d->n_funcs && funcs < VERDICT_FUNCS; i++) {
		if (d->funcs[i].status == FUNC_UNCHANGED)
			continue;
		fputs(funcs++ ? ", " : "", f);
		put_func_change(f, &d->funcs[i], md);
	}
	for (i = 0; i < d->n_cats && waits < VERDICT_WAITS; i++) {
		r = d->cat_order[i];
		if (!verdict_wait(d, r))
			continue;
		fmt_delta(delta, &d->cat[r]);
		fmt_change(change, &d->cat[r], WORDS_WAIT);
		fprintf(f, "%s%s %s (%s)", waits ? ", " : funcs ? "; waits: " :
			"waits: ", wait_reason_name(r), delta, change);
		waits++;
	}
}

static bool any_contributor(const struct diff *d)
{
	size_t i;

	for (i = 0; i < d->n_funcs; i++)
		if (d->funcs[i].status != FUNC_UNCHANGED)
			return true;
	for (i = 0; i < d->n_cats; i++)
		if (verdict_wait(d, d->cat_order[i]))
			return true;
	return false;
}

/* "AFTER is 1.9× faster: wall 4.10 s → 2.16 s (−1.94 s)." */
static void put_wall_verdict(FILE *f, const struct diff *d)
{
	const struct change *w = &d->wall;
	const char *what = d->by_cpu ? "on-CPU time" : "wall";
	char before[DURATION_SIZE], after[DURATION_SIZE];
	char delta[DELTA_SIZE], noise[DURATION_SIZE], factor[CHANGE_SIZE];
	bool faster = change_delta(w) < 0;

	fmt_duration(before, w->ns[BEFORE]);
	fmt_duration(after, w->ns[AFTER]);
	fmt_delta(delta, w);
	if (!change_significant(w)) {
		fmt_duration(noise, w->noise);
		fprintf(f, "No significant change: %s %s → %s (%s, within "
			"the ±%s noise).", what, before, after, delta, noise);
	} else if (!w->ns[BEFORE] || !w->ns[AFTER]) {
		fprintf(f, "AFTER is %s: %s %s → %s (%s).",
			faster ? "faster" : "slower", what, before, after,
			delta);
	} else {
		fmt_factor(factor, w, "faster", "slower");
		fprintf(f, "AFTER is %s: %s %s → %s (%s).", factor, what,
			before, after, delta);
	}
}

/* The wall time's change, then what changed most within it. */
static void put_verdict(FILE *f, const struct diff *d, bool md)
{
	bool wall = change_significant(&d->wall);

	put_wall_verdict(f, d);
	if (any_contributor(d)) {
		fputs(wall ? " Most of the change: " :
		      " Changed beyond noise all the same: ", f);
		put_contributors(f, d, md);
		fputs(".", f);
	} else if (wall) {
		fputs(" No single function or wait changed beyond noise: "
		      "the change is spread thin.", f);
	}
	if (d->by_cpu)
		fputs(" A profile without its duration: wall time unknown.",
		      f);
}

/* The verdict as plain text, for JSON; NULL when out of memory. */
static char *verdict_text(const struct diff *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	put_verdict(f, d, false);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- JSON ---- */

static void json_side(FILE *f, const struct side *s, const char *key)
{
	const struct profile *p = s->p;

	fprintf(f, "  \"%s\": {\"command\": ", key);
	json_string(f, p->command);
	fprintf(f, ", \"wall_ns\": %" PRIu64 ", \"cpu_ns\": %" PRIu64
		", \"sampled_ns\": %" PRIu64 ", \"samples\": %" PRIu64
		", \"frequency_hz\": %" PRIu32 ", \"period_ns\": %" PRIu64
		", \"offcpu\": ", p->wall_ns, p->cpu_user_ns + p->cpu_sys_ns,
		s->agg.time.ns[WAIT_NONE], s->agg.samples, p->frequency_hz,
		p->period_ns);
	json_bool(f, p->quality.offcpu);
	fputs(", \"main_thread\": ", f);
	if (s->main_thread)
		fprintf(f, "%" PRIu32, s->main_thread->tid);
	else
		fputs("null", f);
	fputs("},\n", f);
}

static void json_categories(FILE *f, const struct diff *d)
{
	enum wait_reason r;
	size_t i;

	fputs("  \"categories\": [", f);
	for (i = 0; i < d->n_cats; i++) {
		r = d->cat_order[i];
		fprintf(f, "%s\n    {\"name\": \"%s\", ", i ? "," : "",
			wait_reason_name(r));
		json_change(f, &d->cat[r]);
		fputs(", \"significant\": ", f);
		json_bool(f, change_significant(&d->cat[r]));
		fputs("}", f);
	}
	fputs("\n  ],\n", f);
}

static void json_func(FILE *f, const struct func_diff *fd)
{
	static const struct func_stat none;	/* no time at all */
	const struct func_stat *b = fd->fs[BEFORE] ? fd->fs[BEFORE] : &none;
	const struct func_stat *a = fd->fs[AFTER] ? fd->fs[AFTER] : &none;
	const struct func_stat *id = func_id(fd);

	fputs("{\"name\": ", f);
	json_string(f, id->name);
	fputs(", \"module\": ", f);
	json_string(f, id->module);
	json_file_line(f, id->file, id->line);
	fputs(", ", f);
	json_change(f, &fd->own);
	fprintf(f, ", \"status\": \"%s\", \"self_before_ns\": %" PRIu64
		", \"self_after_ns\": %" PRIu64
		", \"self_samples_before\": %" PRIu64
		", \"self_samples_after\": %" PRIu64
		", \"total_before_ns\": %" PRIu64
		", \"total_after_ns\": %" PRIu64
		", \"wall_before_ns\": %" PRIu64 ", \"wall_after_ns\": %" PRIu64
		"}", status_names[fd->status], b->self_ns, a->self_ns,
		b->self, a->self, b->total_ns, a->total_ns, fd->wall.ns[BEFORE],
		fd->wall.ns[AFTER]);
}

static void json_path_list(FILE *f, const struct diff *d, const char *key,
			   const struct path_diff *paths, size_t n)
{
	const struct path_diff *pd;
	size_t i;

	fprintf(f, "    \"%s\": [", key);
	for (i = 0; i < n; i++) {
		pd = &paths[i];
		fprintf(f, "%s\n      {\"path\": ", i ? "," : "");
		json_string(f, pd->text);
		fprintf(f, ", \"before_ns\": %" PRIu64 ", \"after_ns\": %"
			PRIu64 ", \"before_samples\": %" PRIu64
			", \"after_samples\": %" PRIu64 ", \"before_pct\": %.2f"
			", \"after_pct\": %.2f}", pd->ns[BEFORE], pd->ns[AFTER],
			pd->samples[BEFORE], pd->samples[AFTER],
			path_pct(d, pd, BEFORE), path_pct(d, pd, AFTER));
	}
	fprintf(f, "\n    ]");
}

/*
 * Every function with time in either profile, biggest own change first;
 * ratio is after / before (null from nothing); pct of a path is of its
 * profile's wall time.
 */
static int write_diff_json(FILE *f, const struct diff *d)
{
	char *verdict = verdict_text(d);
	size_t i;

	if (!verdict)
		return -ENOMEM;
	fputs("{\n  \"verdict\": ", f);
	json_string(f, verdict);
	fputs(",\n", f);
	free(verdict);
	json_side(f, &d->side[BEFORE], "before");
	json_side(f, &d->side[AFTER], "after");
	fprintf(f, "  \"wall\": {\"by\": \"%s\", ",
		d->by_cpu ? "on_cpu" : "wall");
	json_change(f, &d->wall);
	fputs(", \"significant\": ", f);
	json_bool(f, change_significant(&d->wall));
	fputs("},\n", f);
	json_categories(f, d);
	fputs("  \"functions\": [", f);
	for (i = 0; i < d->n_funcs; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_func(f, &d->funcs[i]);
	}
	fputs("\n  ],\n  \"paths\": {\n", f);
	json_path_list(f, d, "appeared", d->paths, d->n_appeared);
	fputs(",\n", f);
	json_path_list(f, d, "vanished", d->paths + d->n_appeared,
		       d->n_vanished);
	fputs("\n  }\n}\n", f);
	return 0;
}

/* ---- Markdown ---- */

struct diff_md {
	struct md_doc doc;
	const struct diff *d;
	const uint32_t *funcs;	/* the table's: d->faster or d->slower */
};

/* Shown rows, for the omitted: line. */
struct diff_shown {
	size_t cats;
	size_t faster;
	size_t slower;
	size_t paths;
};

static void md_side(struct diff_md *m, const struct side *s,
		    const char *label)
{
	const struct profile *p = s->p;
	char wall[DURATION_SIZE], cpu[DURATION_SIZE];

	fmt_duration(wall, p->wall_ns);
	fmt_duration(cpu, p->cpu_user_ns + p->cpu_sys_ns);
	md_printf(&m->doc, "%s: wall %s, CPU %s%s, %" PRIu64 " samples at %"
		  PRIu32 " Hz%s", label, wall, cpu,
		  p->cpu_from_rusage ? "" : " sampled", s->agg.samples,
		  p->frequency_hz, p->quality.offcpu ? "" :
		  ", off-CPU not traced");
	if (s->main_thread)
		md_printf(&m->doc, ", %zu threads (main: tid %" PRIu32 ")",
			  s->agg.n_threads, s->main_thread->tid);
	md_put(&m->doc, ".");
}

static int md_head(struct diff_md *m)
{
	const struct diff *d = m->d;
	char before[CLEAN_SIZE(TITLE_MAX_BYTES)];
	char after[CLEAN_SIZE(TITLE_MAX_BYTES)];
	char *verdict = NULL;
	size_t len = 0;
	FILE *f;

	md_clean(before, d->side[BEFORE].p->command ?: "(unknown)",
		 TITLE_MAX_BYTES, false);
	md_clean(after, d->side[AFTER].p->command ?: "(unknown)",
		 TITLE_MAX_BYTES, false);
	md_printf(&m->doc, "# whyslow diff: %s → %s\n\n", before, after);
	md_side(m, &d->side[BEFORE], "BEFORE");
	md_put(&m->doc, " ");
	md_side(m, &d->side[AFTER], "AFTER");
	f = open_memstream(&verdict, &len);
	if (!f)
		return -ENOMEM;
	put_verdict(f, d, true);
	if (fclose(f)) {
		free(verdict);
		return -ENOMEM;
	}
	md_printf(&m->doc, "\n\n## Verdict\n\n%s\n", verdict);
	free(verdict);
	return 0;
}

/* "| wall | 4.10 s | 2.16 s | −1.94 s | 1.9× faster |" */
static char *change_row(const char *label, const struct change *c,
			enum words w)
{
	char before[DURATION_SIZE], after[DURATION_SIZE];
	char delta[DELTA_SIZE], change[CHANGE_SIZE];

	fmt_cell_duration(before, c->ns[BEFORE]);
	fmt_cell_duration(after, c->ns[AFTER]);
	fmt_delta(delta, c);
	fmt_change(change, c, w);
	return str_printf("| %s | %s | %s | %s | %s |\n", label, before, after,
			  delta, change);
}

/* Row 0 is the wall time, then the categories. */
static char *time_row(const void *ctx, size_t i)
{
	const struct diff *d = ((const struct diff_md *)ctx)->d;
	enum wait_reason r;

	if (!i)
		return change_row(d->by_cpu ? "**on-CPU (no wall time)**" :
				  "**wall**", &d->wall, WORDS_TIME);
	r = d->cat_order[i - 1];
	return change_row(md_categories[r].label, &d->cat[r],
			  r == WAIT_NONE ? WORDS_TIME : WORDS_WAIT);
}

static int md_time(struct diff_md *m, size_t *shown)
{
	const struct diff *d = m->d;
	bool threaded = d->side[BEFORE].main_thread ||
			d->side[AFTER].main_thread;
	char *head;
	int err;

	head = str_printf("\n## Wall time and waits\n\n"
			  "Absolute times; Δ = after − before; ≈: within "
			  "noise (a change no larger than 2%% of the larger "
			  "time, two sampling periods, or two standard errors "
			  "of sampled time).%s\n\n"
			  "| | before | after | Δ | change |\n"
			  "|---|--:|--:|--:|---|\n",
			  threaded ? " Categories are the main thread's in a "
			  "threaded profile (its life spans the run)." : "");
	if (!head)
		return -ENOMEM;
	err = md_rows(&m->doc, head, d->n_cats + 1, time_row, m, shown);
	free(head);
	/* The wall row is not a category. */
	*shown -= *shown > 0;
	return err;
}

static char *func_row(const void *ctx, size_t i)
{
	const struct diff_md *m = ctx;
	const struct func_diff *fd = &m->d->funcs[m->funcs[i]];
	const struct func_stat *id = func_id(fd);
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char before[DURATION_SIZE], after[DURATION_SIZE], delta[DELTA_SIZE];
	char change[CHANGE_SIZE], wall_b[DURATION_SIZE], wall_a[DURATION_SIZE];

	md_clean(name, id->name, NAME_MAX_BYTES, false);
	fmt_where(where, id->file, id->line, id->module);
	fmt_cell_duration(before, fd->own.ns[BEFORE]);
	fmt_cell_duration(after, fd->own.ns[AFTER]);
	fmt_delta(delta, &fd->own);
	if (fd->status == FUNC_APPEARED || fd->status == FUNC_VANISHED)
		strcpy(change, status_names[fd->status]);
	else
		fmt_change(change, &fd->own, WORDS_OWN);
	fmt_cell_duration(wall_b, fd->wall.ns[BEFORE]);
	fmt_cell_duration(wall_a, fd->wall.ns[AFTER]);
	return str_printf("| `%s` | %s | %s | %s | %s | %s | %s | %s |\n",
			  name, where, before, after, delta, change, wall_b,
			  wall_a);
}

#define FUNC_TABLE_HEAD \
	"| function | where | own before | own after | Δ own | change | " \
	"total before | total after |\n" \
	"|---|---|--:|--:|--:|---|--:|--:|\n"

/*
 * Faster functions, then slower; the section's heading goes out with
 * the first row that fits.
 */
static int md_funcs(struct diff_md *m, struct diff_shown *shown)
{
	static const char intro[] =
		"\n## Functions\n\n"
		"Matched by name and module. Own: on-CPU self time plus the "
		"waits the function made itself; total: its wall time, on "
		"and off the CPU with its callees. Biggest change in own time "
		"first; changes within noise are not listed.\n";
	static const char faster[] = "\nFaster:\n\n" FUNC_TABLE_HEAD;
	static const char slower[] = "\nSlower:\n\n" FUNC_TABLE_HEAD;
	const struct diff *d = m->d;
	char *head;
	int err;

	if (!d->n_faster && !d->n_slower) {
		md_put(&m->doc, "\n## Functions\n\nNo function's own time "
		       "changed beyond noise.\n");
		return 0;
	}
	head = str_printf("%s%s", intro, faster);
	if (!head)
		return -ENOMEM;
	m->funcs = d->faster;
	err = md_rows(&m->doc, head, d->n_faster, func_row, m,
		      &shown->faster);
	free(head);
	if (err)
		return err;
	head = str_printf("%s%s", shown->faster ? "" : intro, slower);
	if (!head)
		return -ENOMEM;
	m->funcs = d->slower;
	err = md_rows(&m->doc, head, d->n_slower, func_row, m,
		      &shown->slower);
	free(head);
	return err;
}

static char *path_row(const void *ctx, size_t i)
{
	const struct diff *d = ((const struct diff_md *)ctx)->d;
	const struct path_diff *pd = &d->paths[i];
	char clean[CLEAN_SIZE(PATH_MAX_BYTES)];

	md_clean(clean, pd->text, PATH_MAX_BYTES, true);
	return str_printf("| %s | %.1f%% | %.1f%% | `%s` |\n",
			  i < d->n_appeared ? "appeared" : "vanished",
			  path_pct(d, pd, BEFORE), path_pct(d, pd, AFTER),
			  clean);
}

static int md_paths(struct diff_md *m, size_t *shown)
{
	char *head;
	int err;

	*shown = 0;
	if (!m->d->n_appeared && !m->d->n_vanished)
		return 0;
	head = str_printf("\n## Hot paths appeared or vanished\n\n"
			  "On-CPU call paths with %.0f%% of the wall time or "
			  "more in one profile and under 1/%d of that share "
			  "in the other; root first.\n\n"
			  "| | before | after | path |\n"
			  "|---|--:|--:|---|\n", HOT_PATH_PCT, GONE_PATH_PART);
	if (!head)
		return -ENOMEM;
	err = md_rows(&m->doc, head, m->d->n_appeared + m->d->n_vanished,
		      path_row, m, shown);
	free(head);
	return err;
}

/* The functions a table left out, and their change added up. */
static void omit_funcs(struct diff_md *m, const uint32_t *funcs, size_t n,
		       size_t shown, const char *what, bool *any)
{
	char delta[DELTA_SIZE];
	struct change sum = { { 0, 0 }, 0 };
	size_t i;

	if (shown >= n)
		return;
	for (i = shown; i < n; i++) {
		sum.ns[BEFORE] += m->d->funcs[funcs[i]].own.ns[BEFORE];
		sum.ns[AFTER] += m->d->funcs[funcs[i]].own.ns[AFTER];
	}
	fmt_delta(delta, &sum);
	md_printf(&m->doc, "%s%zu %s functions (%s own time in all)",
		  *any ? "; " : " ", n - shown, what, delta);
	*any = true;
}

static void md_omitted(struct diff_md *m, const struct diff_shown *shown)
{
	const struct diff *d = m->d;
	size_t paths = d->n_appeared + d->n_vanished;
	bool any = false;

	md_put(&m->doc, "\nomitted:");
	if (shown->cats < d->n_cats) {
		md_printf(&m->doc, " %zu time categories", d->n_cats -
			  shown->cats);
		any = true;
	}
	omit_funcs(m, d->faster, d->n_faster, shown->faster, "faster", &any);
	omit_funcs(m, d->slower, d->n_slower, shown->slower, "slower", &any);
	if (shown->paths < paths) {
		md_printf(&m->doc, "%s%zu changed paths", any ? "; " : " ",
			  paths - shown->paths);
		any = true;
	}
	md_put(&m->doc, any ? "\n" : " nothing\n");
}

static int write_diff_md(FILE *f, const struct diff *d,
			 const struct report_opts *opts)
{
	struct diff_md m = {
		.doc = {
			.f = f,
			.top = opts->top,
			.budget = (size_t)opts->budget_tokens * BYTES_PER_TOKEN,
			.reserve = OMITTED_RESERVE,
		},
		.d = d,
	};
	struct diff_shown shown = { 0 };
	int err;

	err = md_head(&m);
	if (!err)
		err = md_time(&m, &shown.cats);
	if (!err)
		err = md_funcs(&m, &shown);
	if (!err)
		err = md_paths(&m, &shown.paths);
	if (!err)
		md_omitted(&m, &shown);
	return err;
}

/* ---- the whole ---- */

static void diff_free(struct diff *d)
{
	int s;

	for (s = BEFORE; s <= AFTER; s++) {
		free_paths(d->side[s].paths, d->side[s].n_paths);
		aggregate_free(&d->side[s].agg);
	}
	free_paths(d->paths, d->n_appeared + d->n_vanished);
	free(d->funcs);
	free(d->faster);
	free(d->slower);
}

static int diff_plan(struct diff *d, const struct profile *before,
		     const struct profile *after)
{
	int err;

	d->side[BEFORE].p = before;
	d->side[AFTER].p = after;
	err = aggregate_profile(before, &d->side[BEFORE].agg);
	if (!err)
		err = aggregate_profile(after, &d->side[AFTER].agg);
	if (err)
		return err;
	plan_side(&d->side[BEFORE]);
	plan_side(&d->side[AFTER]);
	plan_time(d);
	err = merge_funcs(d);
	if (!err)
		err = split_funcs(d);
	if (!err)
		err = plan_paths(d);
	return err;
}

int write_diff(FILE *f, const struct profile *before,
	       const struct profile *after, const struct report_opts *opts)
{
	struct report_opts o = *opts;
	struct diff d = { 0 };
	int err;

	if (o.top <= 0)
		o.top = REPORT_DEFAULT_TOP;
	if (o.budget_tokens <= 0)
		o.budget_tokens = REPORT_DEFAULT_BUDGET;
	if (o.format == FORMAT_SVG) {
		/* A picture of the paths: no functions or verdict to plan. */
		err = write_flame_diff_svg(f, before, after, &o);
		goto out;
	}
	err = diff_plan(&d, before, after);
	if (err)
		goto out;
	if (o.format == FORMAT_JSON)
		err = write_diff_json(f, &d);
	else if (o.format == FORMAT_MD)
		err = write_diff_md(f, &d, &o);
	else
		err = -EINVAL;
out:
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	diff_free(&d);
	return err;
}
