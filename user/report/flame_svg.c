// SPDX-License-Identifier: GPL-2.0
/*
 * Flame graphs as SVG: the profile's tree (flame.c) drawn root at the
 * bottom, widths in proportion to time, on-CPU frames in warm colours by
 * class and waits in cool ones by reason.  The differential graph of
 * whyslow diff --format svg (flame_diff_svg.c) paints the same frames its
 * own way, and the HTML page (flame_html.c) embeds them; the colours,
 * classes and text escaping all three share are in flame_draw.c.
 *
 * The contract the tests and the page's script rely on (keep stable):
 *   <svg id="flame" width height viewBox>  (the standalone image too)
 *   <text id="title">, <text id="subtitle">: command; what the full width is
 *   <g id="frames">: one <g class="frame ..."> per frame, with
 *     classes  root | oncpu app | oncpu lib | oncpu kernel |
 *              offcpu wait wait-REASON (REASON as in the JSON) |
 *              small (siblings narrower than FLAME_MIN_PX, merged:
 *              data-name "[N small frames]", data-count N);
 *              diff only: unchanged | faster | slower [appeared]
 *     data-name (function, or "[wait:REASON]", or "all"), data-module
 *     (frames only), data-ns (time, ns), data-depth (root 0);
 *     diff only: data-before-ns, data-delta-ns (after - before)
 *     children: <title> (tooltip), <rect x y width height fill>, and
 *     <text> when 3 characters fit (cut with "..")
 *   <g id="legend">: <g class="key CLASSES"> swatch + label per colour
 * The page adds: #search (input), #search-share ("Matched: 70.0% ..."),
 * #invert (button: icicle view), #reset (button: zoom out), #details (the
 * frame under the pointer); clicking a frame zooms to it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/flame.h"
#include "report/flame_draw.h"
#include "report/flame_svg.h"
#include "report/md_util.h"
#include "report/report.h"

#define SVG_TOP		48	/* px above the frames: the title lines */
#define PAGE_TOP	5	/* ... on the page, which has them in HTML */
#define LEGEND_ROW_H	18
#define SMALL_FILL	"#dedede"

/* ---- tooltips ---- */

/* " — 7.00 s (70.0%)" of node i, out of the root's time. */
static void put_time(FILE *f, const struct flame_tree *t, uint32_t i)
{
	char d[DURATION_SIZE];

	fmt_duration(d, t->nodes[i].ns);
	fprintf(f, " \xe2\x80\x94 %s (%.1f%%)", d,
		pct_of(t->nodes[i].ns, t->nodes[0].ns));
}

/* "main (demo)": a tooltip's first words. */
static void put_name(FILE *f, const struct flame_node *n)
{
	flame_xml_put(f, n->name, FLAME_NAME_MAX);
	if (n->module) {
		fputs(" (", f);
		flame_xml_put(f, n->module, FLAME_NAME_MAX);
		fputc(')', f);
	}
}

/* ---- layout ---- */

/* Children narrower than FLAME_MIN_PX, drawn as one box at x. */
struct small {
	uint32_t n;
	uint32_t last;
	uint64_t ns;
	double x;
};

static double node_width(const struct flame_layout *l, uint32_t i)
{
	return l->t->nodes[i].ns * l->scale;
}

/*
 * Node i's wide children side by side from its left edge, by name, and
 * the narrow ones after them: one alone is drawn as itself, more as one
 * box, so the widths still add up.  Idempotent.
 */
static void place_children(struct flame_layout *l, uint32_t i,
			   struct small *sm)
{
	const struct flame_tree *t = l->t;
	double cx = l->x[i];
	uint32_t c;

	memset(sm, 0, sizeof(*sm));
	for (c = i + 1; c < flame_end(t, i); c += t->nodes[c].size) {
		if (node_width(l, c) >= FLAME_MIN_PX) {
			l->x[c] = cx;
			cx += node_width(l, c);
		} else {
			sm->n++;
			sm->ns += t->nodes[c].ns;
			sm->last = c;
		}
	}
	sm->x = cx;
	if (sm->n == 1)
		l->x[sm->last] = cx;
}

/* Only frames as wide as FLAME_MIN_PX show what they call. */
static bool opens(const struct flame_layout *l, uint32_t i)
{
	return node_width(l, i) >= FLAME_MIN_PX;
}

static int layout_tree(struct flame_layout *l, const struct flame_tree *t)
{
	struct small sm;
	uint32_t i, depth;

	memset(l, 0, sizeof(*l));
	l->t = t;
	l->x = malloc(t->n_nodes * sizeof(*l->x));
	if (!l->x)
		return -ENOMEM;
	for (i = 0; i < t->n_nodes; i++)
		l->x[i] = -1;
	if (t->nodes[0].ns)
		l->scale = (FLAME_WIDTH - 2.0 * FLAME_PAD) / t->nodes[0].ns;
	l->x[0] = FLAME_PAD;
	for (i = 0; i < t->n_nodes;) {
		if (l->x[i] < 0) {
			i = flame_end(t, i);
			continue;
		}
		depth = t->nodes[i].depth;
		if (opens(l, i)) {
			place_children(l, i, &sm);
			if (sm.n || t->nodes[i].size > 1)
				depth++;
		}
		if (depth > l->max_depth)
			l->max_depth = depth;
		i++;
	}
	return 0;
}

/* ---- the SVG ---- */

static double level_y(const struct flame_svg *s, uint32_t depth)
{
	return s->top + (double)(s->l.max_depth - depth) * FLAME_FRAME_H;
}

/* The box and, when 3 characters fit, the name cut to fit. */
static void put_box(const struct flame_svg *s, double x, uint32_t depth,
		    double w, const char *fill, const char *label)
{
	double y = level_y(s, depth);
	size_t fit = w > 6 ? (size_t)((w - 6) / FLAME_CHAR_W) : 0;

	fprintf(s->f, "<rect x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" "
		"height=\"%d\" fill=\"%s\"/>", x, y, w, FLAME_FRAME_H - 1,
		fill);
	if (fit < 3)
		return;
	fprintf(s->f, "<text x=\"%.3f\" y=\"%.1f\">", x + 3,
		y + FLAME_FRAME_H - 4.5);
	flame_xml_put(s->f, label, fit);
	fputs("</text>", s->f);
}

static void svg_frame(const struct flame_svg *s, uint32_t i)
{
	const struct flame_node *n = &s->t->nodes[i];
	char fill[FLAME_FILL_SIZE], cls[FLAME_CLASS_SIZE];

	s->paint->look(s, i, fill, cls);
	fprintf(s->f, "<g class=\"frame %s\" data-name=\"", cls);
	flame_xml_put(s->f, n->name, FLAME_NAME_MAX);
	if (n->module) {
		fputs("\" data-module=\"", s->f);
		flame_xml_put(s->f, n->module, FLAME_NAME_MAX);
	}
	fprintf(s->f, "\" data-ns=\"%" PRIu64 "\" data-depth=\"%" PRIu32 "\" "
		"data-id=\"%" PRIu32 "\"", n->ns, n->depth, i);
	if (s->paint->attrs)
		s->paint->attrs(s, i);
	fputs("><title>", s->f);
	put_name(s->f, n);
	put_time(s->f, s->t, i);
	s->paint->tip(s, i);
	fputs("</title>", s->f);
	put_box(s, s->l.x[i], n->depth, node_width(&s->l, i), fill, n->name);
	fputs("</g>\n", s->f);
}

static void svg_small(const struct flame_svg *s, uint32_t parent,
		      const struct small *sm)
{
	uint32_t depth = s->t->nodes[parent].depth + 1;
	char label[48], d[DURATION_SIZE];

	snprintf(label, sizeof(label), "[%" PRIu32 " small frames]", sm->n);
	fmt_duration(d, sm->ns);
	fprintf(s->f, "<g class=\"frame small\" data-name=\"%s\" "
		"data-ns=\"%" PRIu64 "\" data-depth=\"%" PRIu32 "\" "
		"data-count=\"%" PRIu32 "\" data-parent=\"%" PRIu32 "\">"
		"<title>%s \xe2\x80\x94 %s (%.1f%%), each too narrow to draw"
		"</title>", label, sm->ns, depth, sm->n, parent, label, d,
		pct_of(sm->ns, s->t->nodes[0].ns));
	put_box(s, sm->x, depth, sm->ns * s->l.scale, SMALL_FILL, label);
	fputs("</g>\n", s->f);
}

void flame_svg_frames(struct flame_svg *s)
{
	const struct flame_tree *t = s->t;
	struct small sm;
	uint32_t i;

	fputs("<g id=\"frames\">\n", s->f);
	for (i = 0; i < t->n_nodes;) {
		if (s->l.x[i] < 0) {
			i = flame_end(t, i);
			continue;
		}
		svg_frame(s, i);
		if (opens(&s->l, i)) {
			place_children(&s->l, i, &sm);
			if (sm.n > 1)
				svg_small(s, i, &sm);
		}
		i++;
	}
	fputs("</g>\n", s->f);
}

static double key_width(const struct flame_key *k)
{
	return 12 + 6 + strlen(k->label) * FLAME_CHAR_W + 18;
}

/* Rows the legend takes: keys wrap at the image's width. */
static uint32_t legend_rows(const struct flame_svg *s)
{
	double x = FLAME_PAD;
	uint32_t rows = 1;
	size_t i;

	for (i = 0; i < s->n_keys; i++) {
		if (x > FLAME_PAD && x + key_width(&s->keys[i]) >
		    FLAME_WIDTH - FLAME_PAD) {
			rows++;
			x = FLAME_PAD;
		}
		x += key_width(&s->keys[i]);
	}
	return rows;
}

void flame_svg_legend(const struct flame_svg *s)
{
	double x = FLAME_PAD;
	double y = level_y(s, 0) + FLAME_FRAME_H + 8;
	const struct flame_key *k;
	size_t i;

	fputs("<g id=\"legend\">\n", s->f);
	for (i = 0; i < s->n_keys; i++) {
		k = &s->keys[i];
		if (x > FLAME_PAD &&
		    x + key_width(k) > FLAME_WIDTH - FLAME_PAD) {
			x = FLAME_PAD;
			y += LEGEND_ROW_H;
		}
		fprintf(s->f, "<g class=\"key %s\"><rect x=\"%.1f\" y=\"%.1f\" "
			"width=\"12\" height=\"12\" fill=\"%s\"/><text "
			"x=\"%.1f\" y=\"%.1f\">", k->cls, x, y, k->fill,
			x + 18, y + 10.5);
		flame_xml_put(s->f, k->label, sizeof(k->label));
		fputs("</text></g>\n", s->f);
		x += key_width(k);
	}
	fputs("</g>\n", s->f);
}

static double svg_height(const struct flame_svg *s)
{
	if (!s->legend_rows)
		return level_y(s, 0) + FLAME_FRAME_H + PAGE_TOP;
	return level_y(s, 0) + FLAME_FRAME_H + 8 +
	       s->legend_rows * LEGEND_ROW_H + 4;
}

void flame_svg_open(const struct flame_svg *s, bool standalone)
{
	double h = svg_height(s);

	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" "
		      "standalone=\"no\"?>\n<svg xmlns=\"http://www.w3.org/"
		      "2000/svg\" ", s->f);
	else
		fputs("<svg ", s->f);
	fprintf(s->f, "id=\"flame\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" font-family=\"monospace\" "
		"font-size=\"12\">\n", FLAME_WIDTH, h, FLAME_WIDTH, h);
	fputs("<style>.frame text, .key text { fill: #000; "
	      "pointer-events: none; } .frame:hover rect { stroke: #000; "
	      "stroke-width: 0.5; } #title { font-size: 16px; }</style>\n",
	      s->f);
	fprintf(s->f, "<rect class=\"background\" x=\"0\" y=\"0\" "
		"width=\"%d\" height=\"%.0f\" fill=\"#f8f8f8\"/>\n",
		FLAME_WIDTH, h);
}

/* Title lines: head ("whyslow flame graph: "), command, subtitle. */
static void svg_titles(const struct flame_svg *s, const char *head,
		       const char *command, const char *subtitle)
{
	fprintf(s->f, "<text id=\"title\" x=\"%d\" y=\"20\" "
		"text-anchor=\"middle\">%s", FLAME_WIDTH / 2, head);
	flame_xml_put(s->f, command, FLAME_COMMAND_MAX);
	fprintf(s->f, "</text>\n<text id=\"subtitle\" x=\"%d\" y=\"38\" "
		"text-anchor=\"middle\">", FLAME_WIDTH / 2);
	flame_xml_put(s->f, subtitle, 400);
	fputs("</text>\n", s->f);
}

int flame_svg_begin(struct flame_svg *s, FILE *f, const struct flame_tree *t)
{
	int err;

	s->f = f;
	s->t = t;
	s->top = SVG_TOP;
	err = layout_tree(&s->l, t);
	if (err)
		return err;
	s->legend_rows = legend_rows(s);
	return 0;
}

void flame_svg_free(struct flame_svg *s)
{
	free(s->l.x);
}

/* ---- the flame graph ---- */

static void normal_look(const struct flame_svg *s, uint32_t i,
			char fill[FLAME_FILL_SIZE],
			char cls[FLAME_CLASS_SIZE])
{
	flame_fill(s->t, i, fill);
	flame_classes(s->t, i, cls);
}

/* A frame both on and off the CPU says how much of each. */
static void normal_tip(const struct flame_svg *s, uint32_t i)
{
	const struct flame_node *n = &s->t->nodes[i];
	char on[DURATION_SIZE], off[DURATION_SIZE];

	if (n->kind == FLAME_WAIT) {
		fputs(", off-CPU", s->f);
		return;
	}
	if (!n->oncpu_ns || n->oncpu_ns == n->ns)
		return;
	fmt_duration(on, n->oncpu_ns);
	fmt_duration(off, n->ns - n->oncpu_ns);
	fprintf(s->f, ": %s on-CPU, %s off-CPU", on, off);
}

static const struct flame_painter normal_painter = {
	.look = normal_look,
	.tip = normal_tip,
};

int flame_svg_write(FILE *f, const struct profile *p,
		    const struct report_opts *opts)
{
	struct flame_titles titles;
	struct flame_tree t;
	struct flame_svg s = { .paint = &normal_painter };
	int err;

	err = flame_build_levels(p, &t,
				 flame_default_levels(p, opts->per_thread));
	if (err)
		return err;
	s.n_keys = flame_legend(&t, s.keys);
	err = flame_svg_begin(&s, f, &t);
	if (err)
		goto out;
	flame_titles(p, &t, &titles);
	flame_svg_open(&s, true);
	svg_titles(&s, "whyslow flame graph: ", titles.command,
		   titles.subtitle);
	flame_svg_frames(&s);
	flame_svg_legend(&s);
	flame_svg_script(f);
	fputs("</svg>\n", f);
out:
	flame_svg_free(&s);
	flame_free(&t);
	return err;
}


/* ---- the page's graph ---- */

int flame_page_svg(FILE *f, const struct flame_tree *t)
{
	struct flame_svg s = { .paint = &normal_painter };
	int err;

	err = flame_svg_begin(&s, f, t);
	if (err)
		return err;
	s.legend_rows = 0;
	s.top = PAGE_TOP;
	flame_svg_open(&s, false);
	flame_svg_frames(&s);
	fputs("</svg>\n", f);
	flame_svg_free(&s);
	return 0;
}
