// SPDX-License-Identifier: GPL-2.0
/*
 * The drawing the flame graph writers share: names as XML text, colours
 * (warm by frame class, cool by wait reason, a shade by a hash of the
 * name), CSS classes, the legend and the title lines.  The image
 * (flame_svg.c), the differential image (flame_diff_svg.c) and the HTML
 * page (flame_html.c) all draw with these.
 */
#include <math.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/flame.h"
#include "classify/wait.h"
#include "report/flame_draw.h"
#include "report/json_util.h"
#include "report/md_util.h"

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

size_t flame_text_chars(const char *s)
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

void flame_xml_put(FILE *f, const char *s, size_t max)
{
	const unsigned char *c = (const unsigned char *)(s ? s : "");
	size_t n, keep = max, len;

	if (flame_text_chars((const char *)c) > max)
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
	[WAIT_JOIN] = { 265, 8, 0.40, 0.64 },
	[WAIT_GIL] = { 285, 8, 0.45, 0.56 },
	[WAIT_PAGE_FAULT] = { 165, 10, 0.50, 0.48 },
	[WAIT_CPU] = { 295, 10, 0.40, 0.60 },
	[WAIT_OTHER] = { 215, 10, 0.20, 0.60 },
};

#define ROOT_FILL	"#c8c8c8"

/* Processes and threads: greys with a tint, apart from the root's. */
static const struct hue task_hue[] = {
	{ 30, 20, 0.12, 0.72 },		/* process */
	{ 200, 20, 0.12, 0.76 },	/* thread */
};

/* FNV-1a: the same name always gets the same shade. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void flame_rgb_fill(double r, double g, double b, char fill[FLAME_FILL_SIZE])
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

	flame_rgb_fill(rgb[k][0] + m, rgb[k][1] + m, rgb[k][2] + m, fill);
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
	double v = (name_hash(n->func ? n->func : "") % 1000) / 1000.0;

	if (n->kind == FLAME_ROOT)
		snprintf(fill, FLAME_FILL_SIZE, ROOT_FILL);
	else if (n->kind == FLAME_PROCESS || n->kind == FLAME_THREAD)
		hue_fill(&task_hue[n->kind == FLAME_THREAD], v, fill);
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
	else if (n->kind == FLAME_PROCESS || n->kind == FLAME_THREAD)
		snprintf(cls, FLAME_CLASS_SIZE, n->kind == FLAME_PROCESS ?
			 "process" : "thread");
	else if (n->kind == FLAME_WAIT)
		snprintf(cls, FLAME_CLASS_SIZE, "offcpu wait wait-%s",
			 wait_reason_name(n->reason));
	else
		snprintf(cls, FLAME_CLASS_SIZE, "oncpu %s",
			 class_names[node_class(n)]);
}

void flame_key_set(struct flame_key *k, const char *fill, const char *cls,
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
		flame_key_set(&keys[n++], fill, cls, labels[i]);
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
		flame_key_set(&keys[n++], fill, cls, label);
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
