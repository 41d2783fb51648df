// SPDX-License-Identifier: GPL-2.0
/*
 * The differential flame graph of whyslow diff --format svg: AFTER's
 * graph (flame_svg.c draws it), each frame white to red (slower) or blue
 * (faster) by its change from the frame on the same path in BEFORE, grey
 * within noise (analyze/noise.c).  The classes and data attributes it
 * adds are in the contract at the top of flame_svg.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/flame.h"
#include "analyze/noise.h"
#include "report/flame_draw.h"
#include "report/flame_svg.h"
#include "report/md_util.h"
#include "report/report.h"

struct diff_ctx {
	const struct flame_tree *before;
	const uint32_t *match;	/* after's nodes → before's, FLAME_NONE */
	uint64_t period[2];	/* before, after */
};

/* Node i's time in BEFORE, and how far from it is noise. */
static uint64_t before_ns(const struct flame_svg *s, uint32_t i,
			  uint64_t *noise)
{
	const struct diff_ctx *d = s->ctx;
	const struct flame_node *a = &s->t->nodes[i], *b = NULL;

	if (d->match[i] != FLAME_NONE)
		b = &d->before->nodes[d->match[i]];
	*noise = noise_ns(b ? b->ns : 0, a->ns, b ? b->samples : 0,
			  a->samples, d->period[0], d->period[1]);
	return b ? b->ns : 0;
}

/* How deep a changed frame's colour is: 0.25 to 1 as the change grows
 * to all of its time; a != b. */
static double change_depth(uint64_t a, uint64_t b)
{
	uint64_t delta = a > b ? a - b : b - a;

	return 0.25 + 0.75 * (double)delta / (double)(a > b ? a : b);
}

/* White to red (slower) or blue (faster), deeper the bigger the change. */
static void diff_look(const struct flame_svg *s, uint32_t i,
		      char fill[FLAME_FILL_SIZE], char cls[FLAME_CLASS_SIZE])
{
	uint64_t noise, b = before_ns(s, i, &noise), a = s->t->nodes[i].ns;
	double k;

	if ((a > b ? a - b : b - a) <= noise || a == b) {
		snprintf(fill, FLAME_FILL_SIZE, "#e4e4e4");
		snprintf(cls, FLAME_CLASS_SIZE, "unchanged");
		return;
	}
	k = change_depth(a, b);
	if (a > b) {
		flame_rgb_fill(1 - k * 0.16, 1 - k * 0.84, 1 - k * 0.84, fill);
		snprintf(cls, FLAME_CLASS_SIZE, "%s",
			 b ? "slower" : "slower appeared");
	} else {
		flame_rgb_fill(1 - k * 0.86, 1 - k * 0.62, 1 - k * 0.14, fill);
		snprintf(cls, FLAME_CLASS_SIZE, "faster");
	}
}

static void diff_attrs(const struct flame_svg *s, uint32_t i)
{
	uint64_t noise, b = before_ns(s, i, &noise), a = s->t->nodes[i].ns;

	fprintf(s->f, " data-before-ns=\"%" PRIu64 "\" data-delta-ns=\"%"
		PRId64 "\"", b, (int64_t)(a - b));
}

static void diff_tip(const struct flame_svg *s, uint32_t i)
{
	uint64_t noise, b = before_ns(s, i, &noise), a = s->t->nodes[i].ns;
	char before[DURATION_SIZE], delta[DURATION_SIZE];

	fmt_duration(before, b);
	fmt_duration(delta, a > b ? a - b : b - a);
	fprintf(s->f, " after; before %s; \xce\x94 %s%s", before,
		a >= b ? "+" : "\xe2\x88\x92", delta);
	if (b)
		fprintf(s->f, " (%+.1f%%)", 100.0 * ((double)a - b) / b);
	if ((a > b ? a - b : b - a) <= noise)
		fputs(", within noise", s->f);
}

static const struct flame_painter diff_painter = {
	.look = diff_look,
	.attrs = diff_attrs,
	.tip = diff_tip,
};

static void diff_keys(struct flame_svg *s)
{
	flame_key_set(&s->keys[0], "#e0474a", "slower",
		"slower (more time in AFTER)");
	flame_key_set(&s->keys[1], "#3a73e0", "faster", "faster (less time)");
	flame_key_set(&s->keys[2], "#e4e4e4", "unchanged", "within noise");
	s->n_keys = 3;
}

static void diff_subtitle(char *buf, size_t size, const struct flame_tree *b,
			  const struct flame_tree *a, uint64_t vanished_ns)
{
	char before[DURATION_SIZE], after[DURATION_SIZE], gone[DURATION_SIZE];

	fmt_duration(before, b->nodes[0].ns);
	fmt_duration(after, a->nodes[0].ns);
	fmt_duration(gone, vanished_ns);
	snprintf(buf, size, "Width: AFTER's time, all threads, on- and "
		 "off-CPU: %s (BEFORE: %s). Paths only in BEFORE, not drawn: "
		 "%s (%.1f%% of BEFORE)", after, before, gone,
		 pct_of(vanished_ns, b->nodes[0].ns));
}

static void diff_titles(const struct flame_svg *s,
			const struct profile *before,
			const struct profile *after, uint64_t vanished_ns)
{
	char subtitle[256];

	fprintf(s->f, "<text id=\"title\" x=\"%d\" y=\"20\" "
		"text-anchor=\"middle\">whyslow diff: ", FLAME_WIDTH / 2);
	flame_xml_put(s->f, before->command ? before->command : "?",
		      FLAME_COMMAND_MAX / 2);
	fputs(" \xe2\x86\x92 ", s->f);
	flame_xml_put(s->f, after->command ? after->command : "?",
		      FLAME_COMMAND_MAX / 2);
	fputs("</text>\n", s->f);
	diff_subtitle(subtitle, sizeof(subtitle), ((const struct diff_ctx *)
		      s->ctx)->before, s->t, vanished_ns);
	fprintf(s->f, "<text id=\"subtitle\" x=\"%d\" y=\"38\" "
		"text-anchor=\"middle\">", FLAME_WIDTH / 2);
	flame_xml_put(s->f, subtitle, sizeof(subtitle));
	fputs("</text>\n", s->f);
}

static int draw_diff(FILE *f, const struct profile *before,
		     const struct profile *after, const struct flame_tree *tb,
		     const struct flame_tree *ta, bool standalone)
{
	struct diff_ctx d = {
		.before = tb,
		.period = { before->period_ns, after->period_ns },
	};
	struct flame_svg s = { .paint = &diff_painter, .ctx = &d };
	uint64_t vanished_ns;
	uint32_t *match;
	int err;

	match = malloc(ta->n_nodes * sizeof(*match));
	if (!match)
		return -ENOMEM;
	flame_match(tb, ta, match, &vanished_ns);
	d.match = match;
	diff_keys(&s);
	err = flame_svg_begin(&s, f, ta);
	if (!err) {
		flame_svg_open(&s, standalone);
		diff_titles(&s, before, after, vanished_ns);
		flame_svg_frames(&s);
		flame_svg_legend(&s);
		flame_svg_script(f);
		fputs("</svg>\n", f);
	}
	flame_svg_free(&s);
	free(match);
	return err;
}

int flame_diff_svg_write(FILE *f, const struct profile *before,
			 const struct profile *after,
			 const struct report_opts *opts)
{
	return flame_diff_svg_put(f, before, after, opts, true);
}

int flame_diff_svg_put(FILE *f, const struct profile *before,
		       const struct profile *after,
		       const struct report_opts *opts, bool standalone)
{
	struct flame_tree tb, ta;
	int err;

	(void)opts;
	err = flame_build(before, &tb);
	if (err)
		return err;
	err = flame_build(after, &ta);
	if (!err) {
		err = draw_diff(f, before, after, &tb, &ta, standalone);
		flame_free(&ta);
	}
	flame_free(&tb);
	return err;
}
