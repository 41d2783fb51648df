// SPDX-License-Identifier: GPL-2.0
/*
 * The words of whyslow diff: a change as a delta ("−1.94 s") and a factor
 * ("2.0× faster", "≈" within noise), and the verdict sentence that the
 * Markdown (diff_md.c) and JSON (diff_json.c) writers both print.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/diff.h"
#include "classify/wait.h"
#include "report/diff_text.h"
#include "report/md_util.h"

/* "−1.94 s", "+20.0 ms", "0 ns". */
void diff_text_delta(char *buf, const struct diff_change *c)
{
	int64_t delta = diff_change_delta(c);
	char time[DURATION_SIZE];

	fmt_duration(time, diff_change_size(c));
	snprintf(buf, DIFF_DELTA_SIZE, "%s%s",
		 delta < 0 ? "−" : delta ? "+" : "", time);
}

static const struct {
	const char *down, *up, *from_none, *to_none;
} words[] = {
	[DIFF_WORDS_TIME] = { "faster", "slower", "appeared", "vanished" },
	/* a function may keep running with no time of its own */
	[DIFF_WORDS_OWN] = { "faster", "slower", "new own time",
			     "no own time" },
	[DIFF_WORDS_WAIT] = { "less", "more", "new", "gone" },
};

/*
 * "2.0× faster", "1.04× slower": the larger value over the smaller, two
 * decimals where one would round a real change to 1.0×.  Both non-zero.
 */
static void fmt_factor(char *buf, const struct diff_change *c,
		       const char *down, const char *up)
{
	bool less = diff_change_delta(c) < 0;
	double factor = less ? (double)c->ns[DIFF_BEFORE] / c->ns[DIFF_AFTER] :
			       (double)c->ns[DIFF_AFTER] / c->ns[DIFF_BEFORE];

	snprintf(buf, DIFF_CHANGE_SIZE,
		 factor < 1.095 ? "%.2f× %s" : "%.1f× %s", factor,
		 less ? down : up);
}

/* "own time 8.0 ms → 40.0 ms": some own time on both sides, one within
 * noise of nothing; "new own time" would say the before side had none. */
static void fmt_own_change(char *buf, const struct diff_change *c)
{
	char before[DURATION_SIZE], after[DURATION_SIZE];

	fmt_duration(before, c->ns[DIFF_BEFORE]);
	fmt_duration(after, c->ns[DIFF_AFTER]);
	snprintf(buf, DIFF_CHANGE_SIZE, "own time %s → %s", before, after);
}

/*
 * "2.0× faster", "1.5× slower", "≈" within noise, ...: words[w].  A side
 * within noise of nothing gives no ratio: "new", not "129841.6× slower".
 */
void diff_text_change(char *buf, const struct diff_change *c,
		      enum diff_words w)
{
	if (!diff_change_significant(c))
		strcpy(buf, "≈");
	else if (w == DIFF_WORDS_OWN && c->ns[DIFF_BEFORE] &&
		 c->ns[DIFF_AFTER] && (c->ns[DIFF_BEFORE] <= c->noise ||
				       c->ns[DIFF_AFTER] <= c->noise))
		fmt_own_change(buf, c);
	else if (c->ns[DIFF_BEFORE] <= c->noise)
		snprintf(buf, DIFF_CHANGE_SIZE, "%s", words[w].from_none);
	else if (c->ns[DIFF_AFTER] <= c->noise)
		snprintf(buf, DIFF_CHANGE_SIZE, "%s", words[w].to_none);
	else
		fmt_factor(buf, c, words[w].down, words[w].up);
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
	md_name(clean, name, NAME_MAX_BYTES, false);
	fprintf(f, "`%s`", clean);
}

/* "hot_a −1.80 s (2.0× faster)". */
static void put_func_change(FILE *f, const struct diff_func *fd, bool md)
{
	const struct diff_change *own = &fd->own, *wall = &fd->wall;
	char delta[DIFF_DELTA_SIZE], change[DIFF_CHANGE_SIZE];
	bool by_own;

	put_name(f, diff_func_id(fd)->name, md);
	if (fd->status == DIFF_FUNC_APPEARED ||
	    fd->status == DIFF_FUNC_VANISHED) {
		/* its own time, what the functions are ranked by (its time
		 * with callees would count theirs again, past the whole
		 * change); one with none of its own, that */
		by_own = diff_change_significant(own);
		diff_text_delta(delta, by_own ? own : wall);
		fprintf(f, " %s%s (%s)", delta,
			by_own ? "" : " with its callees",
			diff_func_status_name(fd->status));
		return;
	}
	if (diff_func_charged(fd)) {
		diff_text_delta(delta, &fd->rank);
		diff_text_change(change, &fd->rank, DIFF_WORDS_TIME);
		fprintf(f, " %s (%s, with the runtime code it called)", delta,
			change);
		return;
	}
	diff_text_delta(delta, own);
	diff_text_change(change, own, DIFF_WORDS_OWN);
	fprintf(f, " %s (%s)", delta, change);
}

/*
 * What changed most, as the comparison picked it: functions, then wait
 * categories.
 */
static void put_contributors(FILE *f, const struct diff *d, bool md)
{
	char delta[DIFF_DELTA_SIZE], change[DIFF_CHANGE_SIZE];
	size_t i, funcs = d->n_verdict_funcs;
	enum wait_reason r;

	for (i = 0; i < funcs; i++) {
		fputs(i ? ", " : "", f);
		put_func_change(f, &d->funcs[d->verdict_funcs[i]], md);
	}
	for (i = 0; i < d->n_verdict_waits; i++) {
		r = d->verdict_waits[i];
		diff_text_delta(delta, &d->cat[r]);
		diff_text_change(change, &d->cat[r], DIFF_WORDS_WAIT);
		fprintf(f, "%s%s %s (%s)", i ? ", " : funcs ? "; waits: " :
			"waits: ", wait_reason_name(r), delta, change);
	}
}

/* "AFTER is 1.9× faster: wall 4.10 s → 2.16 s (−1.94 s)." */
static void put_wall_verdict(FILE *f, const struct diff *d)
{
	const struct diff_change *w = &d->wall;
	const char *what = d->by_cpu ? "on-CPU time" : "wall";
	char before[DURATION_SIZE], after[DURATION_SIZE];
	char delta[DIFF_DELTA_SIZE], noise[DURATION_SIZE];
	char factor[DIFF_CHANGE_SIZE];
	bool faster = diff_change_delta(w) < 0;

	fmt_duration(before, w->ns[DIFF_BEFORE]);
	fmt_duration(after, w->ns[DIFF_AFTER]);
	diff_text_delta(delta, w);
	if (!diff_change_significant(w)) {
		fmt_duration(noise, w->noise);
		fprintf(f, "No significant change: %s %s → %s (%s, within "
			"the ±%s noise).", what, before, after, delta, noise);
	} else if (w->ns[DIFF_BEFORE] <= w->noise ||
		   w->ns[DIFF_AFTER] <= w->noise) {
		fprintf(f, "AFTER is %s: %s %s → %s (%s).",
			faster ? "faster" : "slower", what, before, after,
			delta);
	} else {
		fmt_factor(factor, w, "faster", "slower");
		fprintf(f, "AFTER is %s: %s %s → %s (%s).", factor, what,
			before, after, delta);
	}
}

void diff_text_verdict(FILE *f, const struct diff *d, bool md)
{
	bool wall = diff_change_significant(&d->wall);

	put_wall_verdict(f, d);
	if (d->n_verdict_funcs || d->n_verdict_waits) {
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

char *diff_text_verdict_string(const struct diff *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	diff_text_verdict(f, d, false);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

