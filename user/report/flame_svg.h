/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flame graph as SVG (flame_svg.c): the image of --format svg, the
 * <svg> element of the HTML page, and the frames, legend and layout that
 * the differential image (flame_diff_svg.c) paints its own way.
 */
#ifndef WHYSLOW_FLAME_SVG_H
#define WHYSLOW_FLAME_SVG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/flame.h"
#include "report/flame_draw.h"

/* Where each frame goes: x < 0 for frames not drawn on their own. */
struct flame_layout {
	const struct flame_tree *t;
	double *x;
	double scale;		/* px per ns */
	uint32_t max_depth;	/* deepest level drawn */
};

struct flame_svg;

/* How frames look: the normal graph and the differential one differ. */
struct flame_painter {
	void (*look)(const struct flame_svg *s, uint32_t i,
		     char fill[FLAME_FILL_SIZE], char cls[FLAME_CLASS_SIZE]);
	/* may be NULL */
	void (*attrs)(const struct flame_svg *s, uint32_t i);
	/* after the time */
	void (*tip)(const struct flame_svg *s, uint32_t i);
};

struct flame_svg {
	FILE *f;
	const struct flame_tree *t;
	struct flame_layout l;
	const struct flame_painter *paint;
	const void *ctx;
	struct flame_key keys[FLAME_MAX_KEYS];
	size_t n_keys;
	uint32_t legend_rows;	/* 0 on the page: it has its own legend */
	double top;		/* px above the frames */
};

/*
 * s (its paint, ctx and keys set) lays out t for f; 0 or -ENOMEM.  Then
 * flame_svg_open, the titles, flame_svg_frames, flame_svg_legend,
 * "</svg>"; free with flame_svg_free.
 */
int flame_svg_begin(struct flame_svg *s, FILE *f, const struct flame_tree *t);
void flame_svg_free(struct flame_svg *s);

/* The <svg> element and its style: also the page's, minus the prolog. */
void flame_svg_open(const struct flame_svg *s, bool standalone);
void flame_svg_frames(struct flame_svg *s);
void flame_svg_legend(const struct flame_svg *s);

/*
 * The image's controls and script (flame_script.c): zoom, reset, search;
 * written last, before "</svg>", by the standalone images.
 */
void flame_svg_script(FILE *f);

/*
 * The graph as an <svg> element for the page (no title, no legend: the
 * page has them), frames as in the image.  0 or -ENOMEM.
 */
int flame_page_svg(FILE *f, const struct flame_tree *t);

#endif
