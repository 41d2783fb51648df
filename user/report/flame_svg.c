// SPDX-License-Identifier: GPL-2.0
/*
 * Flame graphs as SVG: the profile's tree (flame.c) drawn root at the
 * bottom, widths in proportion to time, on-CPU frames in warm colours by
 * class and waits in cool ones by reason; and the differential graph of
 * whyslow diff --format svg.  The HTML page is in report_flame_html.c.
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
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "analyze/diff.h"
#include "analyze/flame.h"
#include "report/report.h"
#include "report/json_util.h"
#include "report/md_util.h"
#include "classify/wait.h"

#define SVG_TOP		48	/* px above the frames: the title lines */
#define PAGE_TOP	5	/* ... on the page, which has them in HTML */
#define LEGEND_ROW_H	18
#define COMMAND_MAX	120	/* characters of the command in the title */
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* ---- text ---- */

/*
 * The character at c as XML may hold it: its length in bytes, 0 when it
 * must be replaced (bad UTF-8, control characters, U+FFFE/U+FFFF).
 */
static size_t xml_char_len(const unsigned char *c)
{
	size_t len = utf8_len(c);

	if (len == 1 && (*c < 0x20 || *c == 0x7f))
		return 0;
	if (len == 3 && c[0] == 0xef && c[1] == 0xbf && c[2] >= 0xbe)
		return 0;
	return len;
}

size_t text_chars(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t n = 0, len;

	for (; *c; c += len ? len : 1, n++)
		len = xml_char_len(c);
	return n;
}

static void xml_char(FILE *f, const unsigned char *c, size_t len)
{
	switch (len ? *c : 0) {
	case 0:
		fputs(REPLACEMENT, f);
		break;
	case '<':
		fputs("&lt;", f);
		break;
	case '>':
		fputs("&gt;", f);
		break;
	case '&':
		fputs("&amp;", f);
		break;
	case '"':
		fputs("&quot;", f);
		break;
	case '\'':
		fputs("&#39;", f);
		break;
	default:
		fwrite(c, 1, len, f);
	}
}

void xml_put(FILE *f, const char *s, size_t max)
{
	const unsigned char *c = (const unsigned char *)(s ? s : "");
	size_t n, keep = max, len;

	if (text_chars((const char *)c) > max)
		keep = max > 2 ? max - 2 : 0;
	for (n = 0; *c && n < keep; c += len ? len : 1, n++) {
		len = xml_char_len(c);
		xml_char(f, c, len);
	}
	if (*c)
		fputs(max > 2 ? ".." : "", f);
}

/* ---- colours ---- */

/* A family of colours: hue ± spread/2 and lightness ± 0.06 by name. */
struct hue {
	double h, spread, s, l;
};

/* Warm: application red, library/runtime yellow, kernel orange. */
static const struct hue class_hue[] = {
	[CLASS_APP] = { 4, 16, 0.75, 0.56 },
	[CLASS_LIBRARY] = { 50, 12, 0.80, 0.56 },
	[CLASS_RUNTIME] = { 50, 12, 0.80, 0.56 },
	[CLASS_KERNEL] = { 28, 8, 0.85, 0.52 },
};

/* Cool: blues, cyans, purples and greens, one per reason. */
static const struct hue wait_hue[WAIT__COUNT] = {
	[WAIT_NONE] = { 210, 10, 0.20, 0.60 },
	[WAIT_NETWORK] = { 212, 10, 0.65, 0.60 },
	[WAIT_DISK] = { 185, 10, 0.60, 0.50 },
	[WAIT_LOCK] = { 275, 10, 0.50, 0.62 },
	[WAIT_SLEEP] = { 130, 12, 0.40, 0.58 },
	[WAIT_PIPE] = { 238, 10, 0.55, 0.66 },
	[WAIT_POLL] = { 198, 8, 0.70, 0.68 },
	[WAIT_CHILD] = { 255, 8, 0.45, 0.58 },
	[WAIT_PAGE_FAULT] = { 165, 10, 0.50, 0.48 },
	[WAIT_CPU] = { 295, 10, 0.40, 0.60 },
	[WAIT_OTHER] = { 215, 10, 0.20, 0.60 },
};

#define ROOT_FILL	"#c8c8c8"
#define SMALL_FILL	"#dedede"

/* FNV-1a: the same name always gets the same shade. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void rgb_fill(double r, double g, double b, char fill[FLAME_FILL_SIZE])
{
	snprintf(fill, FLAME_FILL_SIZE, "#%02x%02x%02x",
		 (unsigned)lround(fmin(fmax(r, 0), 1) * 255),
		 (unsigned)lround(fmin(fmax(g, 0), 1) * 255),
		 (unsigned)lround(fmin(fmax(b, 0), 1) * 255));
}

static void hsl_fill(double h, double s, double l, char fill[FLAME_FILL_SIZE])
{
	double c = (1 - fabs(2 * l - 1)) * s;
	double hp = fmod(fmod(h, 360) + 360, 360) / 60;
	double x = c * (1 - fabs(fmod(hp, 2) - 1));
	double m = l - c / 2;
	double rgb[6][3] = {
		{ c, x, 0 }, { x, c, 0 }, { 0, c, x },
		{ 0, x, c }, { x, 0, c }, { c, 0, x },
	};
	int k = (int)hp % 6;

	rgb_fill(rgb[k][0] + m, rgb[k][1] + m, rgb[k][2] + m, fill);
}

/* v in [0, 1): the shade within the family. */
static void hue_fill(const struct hue *hue, double v,
		     char fill[FLAME_FILL_SIZE])
{
	hsl_fill(hue->h + (v - 0.5) * hue->spread, hue->s,
		 hue->l + (v - 0.5) * 0.12, fill);
}

/* A saved profile's class is untrusted: keep it inside the table. */
static enum frame_class node_class(const struct flame_node *n)
{
	return n->cls <= CLASS_KERNEL ? n->cls : CLASS_LIBRARY;
}

void flame_fill(const struct flame_tree *t, uint32_t i,
		char fill[FLAME_FILL_SIZE])
{
	const struct flame_node *n = &t->nodes[i];
	double v = (name_hash(n->name) % 1000) / 1000.0;

	if (n->kind == FLAME_ROOT)
		snprintf(fill, FLAME_FILL_SIZE, ROOT_FILL);
	else if (n->kind == FLAME_WAIT)
		hue_fill(&wait_hue[n->reason], v, fill);
	else
		hue_fill(&class_hue[node_class(n)], v, fill);
}

static const char *const class_names[] = {
	[CLASS_APP] = "app",
	[CLASS_LIBRARY] = "lib",
	[CLASS_RUNTIME] = "lib",
	[CLASS_KERNEL] = "kernel",
};

void flame_classes(const struct flame_tree *t, uint32_t i,
		   char cls[FLAME_CLASS_SIZE])
{
	const struct flame_node *n = &t->nodes[i];

	if (n->kind == FLAME_ROOT)
		snprintf(cls, FLAME_CLASS_SIZE, "root");
	else if (n->kind == FLAME_WAIT)
		snprintf(cls, FLAME_CLASS_SIZE, "offcpu wait wait-%s",
			 wait_reason_name(n->reason));
	else
		snprintf(cls, FLAME_CLASS_SIZE, "oncpu %s",
			 class_names[node_class(n)]);
}

static void add_key(struct flame_key *k, const char *fill, const char *cls,
		    const char *label)
{
	snprintf(k->fill, sizeof(k->fill), "%s", fill);
	snprintf(k->cls, sizeof(k->cls), "%s", cls);
	snprintf(k->label, sizeof(k->label), "%s", label);
}

size_t flame_legend(const struct flame_tree *t, struct flame_key *keys)
{
	static const char *const labels[] = {
		"application", "library/runtime", "kernel",
	};
	static const enum frame_class classes[] = {
		CLASS_APP, CLASS_LIBRARY, CLASS_KERNEL,
	};
	bool present[WAIT__COUNT] = { false };
	char fill[FLAME_FILL_SIZE], cls[FLAME_CLASS_SIZE], label[40];
	size_t n = 0, i;
	int r;

	for (i = 0; i < 3; i++) {
		hue_fill(&class_hue[classes[i]], 0.5, fill);
		snprintf(cls, sizeof(cls), "oncpu %s", class_names[classes[i]]);
		add_key(&keys[n++], fill, cls, labels[i]);
	}
	for (i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].kind == FLAME_WAIT)
			present[t->nodes[i].reason] = true;
	for (r = 0; r < WAIT__COUNT; r++) {
		if (!present[r])
			continue;
		hue_fill(&wait_hue[r], 0.5, fill);
		snprintf(cls, sizeof(cls), "offcpu wait wait-%s",
			 wait_reason_name(r));
		snprintf(label, sizeof(label), "wait: %s", wait_reason_name(r));
		add_key(&keys[n++], fill, cls, label);
	}
	return n;
}

/* ---- titles and tooltips ---- */

void flame_titles(const struct profile *p, const struct flame_tree *t,
		  struct flame_titles *out)
{
	const struct flame_node *root = &t->nodes[0];
	char on[DURATION_SIZE], off[DURATION_SIZE], all[DURATION_SIZE];
	char wall[DURATION_SIZE];

	out->command = p->command ? p->command : "?";
	fmt_duration(on, root->oncpu_ns);
	fmt_duration(off, root->ns - root->oncpu_ns);
	fmt_duration(all, root->ns);
	fmt_duration(wall, p->wall_ns);
	snprintf(out->subtitle, sizeof(out->subtitle),
		 "Width: all threads' time, %s on-CPU + %s off-CPU%s = %s "
		 "(wall time %s)", on, off,
		 p->quality.offcpu ? "" : " (not traced)", all, wall);
}

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
	xml_put(f, n->name, FLAME_NAME_MAX);
	if (n->module) {
		fputs(" (", f);
		xml_put(f, n->module, FLAME_NAME_MAX);
		fputc(')', f);
	}
}

/* ---- layout ---- */

/* Where each frame goes: x < 0 for frames not drawn on their own. */
struct layout {
	const struct flame_tree *t;
	double *x;
	double scale;		/* px per ns */
	uint32_t max_depth;	/* deepest level drawn */
};

/* Children narrower than FLAME_MIN_PX, drawn as one box at x. */
struct small {
	uint32_t n;
	uint32_t last;
	uint64_t ns;
	double x;
};

static double node_width(const struct layout *l, uint32_t i)
{
	return l->t->nodes[i].ns * l->scale;
}

/*
 * Node i's wide children side by side from its left edge, by name, and
 * the narrow ones after them: one alone is drawn as itself, more as one
 * box, so the widths still add up.  Idempotent.
 */
static void place_children(struct layout *l, uint32_t i, struct small *sm)
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
static bool opens(const struct layout *l, uint32_t i)
{
	return node_width(l, i) >= FLAME_MIN_PX;
}

static int layout_tree(struct layout *l, const struct flame_tree *t)
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

struct svg;

/* How frames look: the normal graph and the differential one differ. */
struct painter {
	void (*look)(const struct svg *s, uint32_t i,
		     char fill[FLAME_FILL_SIZE], char cls[FLAME_CLASS_SIZE]);
	void (*attrs)(const struct svg *s, uint32_t i);	/* may be NULL */
	void (*tip)(const struct svg *s, uint32_t i);	/* after the time */
};

struct svg {
	FILE *f;
	const struct flame_tree *t;
	struct layout l;
	const struct painter *paint;
	const void *ctx;
	struct flame_key keys[FLAME_MAX_KEYS];
	size_t n_keys;
	uint32_t legend_rows;	/* 0 on the page: it has its own legend */
	double top;		/* px above the frames */
};

static double level_y(const struct svg *s, uint32_t depth)
{
	return s->top + (double)(s->l.max_depth - depth) * FLAME_FRAME_H;
}

/* The box and, when 3 characters fit, the name cut to fit. */
static void put_box(const struct svg *s, double x, uint32_t depth, double w,
		    const char *fill, const char *label)
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
	xml_put(s->f, label, fit);
	fputs("</text>", s->f);
}

static void svg_frame(const struct svg *s, uint32_t i)
{
	const struct flame_node *n = &s->t->nodes[i];
	char fill[FLAME_FILL_SIZE], cls[FLAME_CLASS_SIZE];

	s->paint->look(s, i, fill, cls);
	fprintf(s->f, "<g class=\"frame %s\" data-name=\"", cls);
	xml_put(s->f, n->name, FLAME_NAME_MAX);
	if (n->module) {
		fputs("\" data-module=\"", s->f);
		xml_put(s->f, n->module, FLAME_NAME_MAX);
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

static void svg_small(const struct svg *s, uint32_t parent,
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

static void svg_frames(struct svg *s)
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
static uint32_t legend_rows(const struct svg *s)
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

static void svg_legend(const struct svg *s)
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
		xml_put(s->f, k->label, sizeof(k->label));
		fputs("</text></g>\n", s->f);
		x += key_width(k);
	}
	fputs("</g>\n", s->f);
}

static double svg_height(const struct svg *s)
{
	if (!s->legend_rows)
		return level_y(s, 0) + FLAME_FRAME_H + PAGE_TOP;
	return level_y(s, 0) + FLAME_FRAME_H + 8 +
	       s->legend_rows * LEGEND_ROW_H + 4;
}

/* The <svg> element and its style: also the page's, minus the prolog. */
static void svg_open(const struct svg *s, bool standalone)
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
static void svg_titles(const struct svg *s, const char *head,
		       const char *command, const char *subtitle)
{
	fprintf(s->f, "<text id=\"title\" x=\"%d\" y=\"20\" "
		"text-anchor=\"middle\">%s", FLAME_WIDTH / 2, head);
	xml_put(s->f, command, COMMAND_MAX);
	fprintf(s->f, "</text>\n<text id=\"subtitle\" x=\"%d\" y=\"38\" "
		"text-anchor=\"middle\">", FLAME_WIDTH / 2);
	xml_put(s->f, subtitle, 400);
	fputs("</text>\n", s->f);
}

static int svg_begin(struct svg *s, FILE *f, const struct flame_tree *t)
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

/* ---- the flame graph ---- */

static void normal_look(const struct svg *s, uint32_t i,
			char fill[FLAME_FILL_SIZE],
			char cls[FLAME_CLASS_SIZE])
{
	flame_fill(s->t, i, fill);
	flame_classes(s->t, i, cls);
}

/* A frame both on and off the CPU says how much of each. */
static void normal_tip(const struct svg *s, uint32_t i)
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

static const struct painter normal_painter = {
	.look = normal_look,
	.tip = normal_tip,
};

int write_flame_svg(FILE *f, const struct profile *p,
		    const struct report_opts *opts)
{
	struct flame_titles titles;
	struct flame_tree t;
	struct svg s = { .paint = &normal_painter };
	int err;

	(void)opts;
	err = flame_build(p, &t);
	if (err)
		return err;
	s.n_keys = flame_legend(&t, s.keys);
	err = svg_begin(&s, f, &t);
	if (err)
		goto out;
	flame_titles(p, &t, &titles);
	svg_open(&s, true);
	svg_titles(&s, "whyslow flame graph: ", titles.command,
		   titles.subtitle);
	svg_frames(&s);
	svg_legend(&s);
	fputs("</svg>\n", f);
out:
	free(s.l.x);
	flame_free(&t);
	return err;
}

/* ---- the differential flame graph ---- */

struct diff_ctx {
	const struct flame_tree *before;
	const uint32_t *match;	/* after's nodes → before's, FLAME_NONE */
	uint64_t period[2];	/* before, after */
};

/* Node i's time in BEFORE, and how far from it is noise. */
static uint64_t before_ns(const struct svg *s, uint32_t i, uint64_t *noise)
{
	const struct diff_ctx *d = s->ctx;
	const struct flame_node *a = &s->t->nodes[i], *b = NULL;

	if (d->match[i] != FLAME_NONE)
		b = &d->before->nodes[d->match[i]];
	*noise = diff_noise_ns(b ? b->ns : 0, a->ns, b ? b->samples : 0,
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
static void diff_look(const struct svg *s, uint32_t i,
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
		rgb_fill(1 - k * 0.16, 1 - k * 0.84, 1 - k * 0.84, fill);
		snprintf(cls, FLAME_CLASS_SIZE, "%s",
			 b ? "slower" : "slower appeared");
	} else {
		rgb_fill(1 - k * 0.86, 1 - k * 0.62, 1 - k * 0.14, fill);
		snprintf(cls, FLAME_CLASS_SIZE, "faster");
	}
}

static void diff_attrs(const struct svg *s, uint32_t i)
{
	uint64_t noise, b = before_ns(s, i, &noise), a = s->t->nodes[i].ns;

	fprintf(s->f, " data-before-ns=\"%" PRIu64 "\" data-delta-ns=\"%"
		PRId64 "\"", b, (int64_t)(a - b));
}

static void diff_tip(const struct svg *s, uint32_t i)
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

static const struct painter diff_painter = {
	.look = diff_look,
	.attrs = diff_attrs,
	.tip = diff_tip,
};

static void diff_keys(struct svg *s)
{
	add_key(&s->keys[0], "#e0474a", "slower",
		"slower (more time in AFTER)");
	add_key(&s->keys[1], "#3a73e0", "faster", "faster (less time)");
	add_key(&s->keys[2], "#e4e4e4", "unchanged", "within noise");
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

static void diff_titles(const struct svg *s, const struct profile *before,
			const struct profile *after, uint64_t vanished_ns)
{
	char subtitle[256];

	fprintf(s->f, "<text id=\"title\" x=\"%d\" y=\"20\" "
		"text-anchor=\"middle\">whyslow diff: ", FLAME_WIDTH / 2);
	xml_put(s->f, before->command ? before->command : "?", COMMAND_MAX / 2);
	fputs(" \xe2\x86\x92 ", s->f);
	xml_put(s->f, after->command ? after->command : "?", COMMAND_MAX / 2);
	fputs("</text>\n", s->f);
	diff_subtitle(subtitle, sizeof(subtitle), ((const struct diff_ctx *)
		      s->ctx)->before, s->t, vanished_ns);
	fprintf(s->f, "<text id=\"subtitle\" x=\"%d\" y=\"38\" "
		"text-anchor=\"middle\">", FLAME_WIDTH / 2);
	xml_put(s->f, subtitle, sizeof(subtitle));
	fputs("</text>\n", s->f);
}

static int draw_diff(FILE *f, const struct profile *before,
		     const struct profile *after, const struct flame_tree *tb,
		     const struct flame_tree *ta)
{
	struct diff_ctx d = {
		.before = tb,
		.period = { before->period_ns, after->period_ns },
	};
	struct svg s = { .paint = &diff_painter, .ctx = &d };
	uint64_t vanished_ns;
	uint32_t *match;
	int err;

	match = malloc(ta->n_nodes * sizeof(*match));
	if (!match)
		return -ENOMEM;
	flame_match(tb, ta, match, &vanished_ns);
	d.match = match;
	diff_keys(&s);
	err = svg_begin(&s, f, ta);
	if (!err) {
		svg_open(&s, true);
		diff_titles(&s, before, after, vanished_ns);
		svg_frames(&s);
		svg_legend(&s);
		fputs("</svg>\n", f);
	}
	free(s.l.x);
	free(match);
	return err;
}

int write_flame_diff_svg(FILE *f, const struct profile *before,
			 const struct profile *after,
			 const struct report_opts *opts)
{
	struct flame_tree tb, ta;
	int err;

	(void)opts;
	err = flame_build(before, &tb);
	if (err)
		return err;
	err = flame_build(after, &ta);
	if (!err) {
		err = draw_diff(f, before, after, &tb, &ta);
		flame_free(&ta);
	}
	flame_free(&tb);
	return err;
}

/* ---- the page's graph ---- */

int flame_page_svg(FILE *f, const struct flame_tree *t)
{
	struct svg s = { .paint = &normal_painter };
	int err;

	err = svg_begin(&s, f, t);
	if (err)
		return err;
	s.legend_rows = 0;
	s.top = PAGE_TOP;
	svg_open(&s, false);
	svg_frames(&s);
	fputs("</svg>\n", f);
	free(s.l.x);
	return 0;
}
