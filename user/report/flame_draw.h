/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the flame graph writers share (flame_draw.c): sizes, text as XML,
 * colours and CSS classes of frames, the legend, the title lines.  The
 * image (flame_svg.c), the differential image (flame_diff_svg.c) and the
 * page (flame_html.c) draw with them, so all three look alike.
 */
#ifndef WHYSLOW_FLAME_DRAW_H
#define WHYSLOW_FLAME_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/flame.h"
#include "profile/profile.h"

#define FLAME_WIDTH		1200	/* px, of the image and the page */
#define FLAME_PAD		10	/* px left and right of the root */
#define FLAME_FRAME_H		16	/* px a level */
#define FLAME_CHAR_W		7.2	/* px, 12 px monospace */
#define FLAME_MIN_PX		0.5	/* narrower: merged with its siblings */
#define FLAME_NAME_MAX		1000	/* characters of a name shown */
#define FLAME_COMMAND_MAX	120	/* characters of the command shown */
#define FLAME_CLASS_SIZE	48
#define FLAME_FILL_SIZE		8	/* "#rrggbb" */

/* What the title lines say; the writers escape them. */
struct flame_titles {
	const char *command;	/* what was profiled, "?" when unknown */
	char subtitle[256];	/* the time the full width stands for */
};

void flame_titles(const struct profile *p, const struct flame_tree *t,
		  struct flame_titles *out);

/* s as XML text or attribute value: at most max characters, else cut
 * with "..", bad UTF-8 and control characters as U+FFFD. */
void flame_xml_put(FILE *f, const char *s, size_t max);

/* Characters in s as flame_xml_put counts them. */
size_t flame_text_chars(const char *s);

/* "#rrggbb" of r, g, b in [0, 1] (clamped). */
void flame_rgb_fill(double r, double g, double b, char fill[FLAME_FILL_SIZE]);

/* Node i's colour, by class and reason, lightness by a hash of its name. */
void flame_fill(const struct flame_tree *t, uint32_t i,
		char fill[FLAME_FILL_SIZE]);

/* "oncpu app", "oncpu lib", "oncpu kernel", "offcpu wait wait-disk",
 * "root": the frame's CSS classes after "frame". */
void flame_classes(const struct flame_tree *t, uint32_t i,
		   char cls[FLAME_CLASS_SIZE]);

/* A colour swatch of the legend. */
struct flame_key {
	char fill[FLAME_FILL_SIZE];
	char cls[FLAME_CLASS_SIZE];
	char label[40];
};

/* k filled in: fill, classes, label, each cut to fit. */
void flame_key_set(struct flame_key *k, const char *fill, const char *cls,
		   const char *label);

/* The legend of t's colours: the frame classes, then each wait reason
 * present; returns how many of keys[] it filled (at most 3 + WAIT__COUNT). */
size_t flame_legend(const struct flame_tree *t, struct flame_key *keys);

#define FLAME_MAX_KEYS	(3 + WAIT__COUNT)

#endif
