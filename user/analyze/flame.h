/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flame graph's layout: every stack of a profile, on-CPU and off-CPU,
 * merged into one tree from the root "all" to the leaves.  A node is a
 * function (name and module, as aggregation tells functions apart) on one
 * call path; an off-CPU stack ends in one more leaf, its wait reason
 * ("[wait:network]", as in the folded output).  Siblings are sorted by
 * name, then module, so equal stacks always merge and the same profile
 * always gives the same tree.  Shared by the SVG, HTML and differential
 * writers; strings point into the profile.
 */
#ifndef WHYSLOW_FLAME_H
#define WHYSLOW_FLAME_H

#include <stdint.h>
#include <stdio.h>

#include "profile/profile.h"

struct report_opts;

enum flame_kind {
	FLAME_ROOT,
	FLAME_FRAME,
	FLAME_WAIT,		/* the leaf an off-CPU stack ends in */
};

#define FLAME_NONE	UINT32_MAX
#define WAIT_LABEL_SIZE	24

/*
 * The leaf an off-CPU stack ends in, "[wait:network]": in the folded
 * output and the flame graphs alike.
 */
void wait_leaf_label(enum wait_reason r, char buf[WAIT_LABEL_SIZE]);

/*
 * Nodes are in pre-order, children by name: a node's subtree is
 * nodes[i .. i + size), its first child (if any) nodes[i + 1], the next
 * sibling of child c nodes[c + c.size].
 */
struct flame_node {
	const char *name;	/* the function, or the wait leaf's label */
	const char *module;	/* NULL for the root and wait leaves */
	enum flame_kind kind;
	enum frame_class cls;	/* frames only */
	enum wait_reason reason;	/* wait leaves only, else WAIT_NONE */
	uint32_t parent;	/* FLAME_NONE for the root */
	uint32_t depth;		/* the root is 0 */
	uint32_t size;		/* nodes in the subtree, itself included */
	uint64_t ns;		/* time of the stacks through it */
	uint64_t samples;	/* on-CPU samples among them */
	uint64_t oncpu_ns;	/* of ns, on the CPU; the rest waited */
	uint64_t start;		/* ns left of it in the graph, from the root */
};

struct flame_tree {
	struct flame_node *nodes;	/* nodes[0] is the root, "all" */
	uint32_t n_nodes;
	uint32_t max_depth;
	/* "[wait:network]", ...: the wait leaves' names */
	char wait_label[WAIT__COUNT][WAIT_LABEL_SIZE];
};

/* 0 or -ENOMEM; on error t is left empty.  Free with flame_free. */
int flame_build(const struct profile *p, struct flame_tree *t);
void flame_free(struct flame_tree *t);

/* Where node i's subtree ends: one past its last node. */
static inline uint32_t flame_end(const struct flame_tree *t, uint32_t i)
{
	return i + t->nodes[i].size;
}

/*
 * For each node of after, the node of before on the same path (the same
 * functions from the root, the same wait), FLAME_NONE when before has
 * none; match holds after->n_nodes entries.  *vanished_ns: time of the
 * paths in before that after lacks.
 */
void flame_match(const struct flame_tree *before,
		 const struct flame_tree *after, uint32_t *match,
		 uint64_t *vanished_ns);

/* ---- shared by the flame graph writers (report_flame*.c) ---- */

#define FLAME_WIDTH		1200	/* px, of the image and the page */
#define FLAME_PAD		10	/* px left and right of the root */
#define FLAME_FRAME_H		16	/* px a level */
#define FLAME_CHAR_W		7.2	/* px, 12 px monospace */
#define FLAME_MIN_PX		0.5	/* narrower: merged with its siblings */
#define FLAME_NAME_MAX		1000	/* characters of a name shown */
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
void xml_put(FILE *f, const char *s, size_t max);

/* Characters in s as xml_put counts them. */
size_t text_chars(const char *s);

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

/* The legend of t's colours: the frame classes, then each wait reason
 * present; returns how many of keys[] it filled (at most 3 + WAIT__COUNT). */
size_t flame_legend(const struct flame_tree *t, struct flame_key *keys);

#define FLAME_MAX_KEYS	(3 + WAIT__COUNT)

/*
 * The graph as an <svg> element for the page (no title, no legend: the
 * page has them), frames as in the image.  0 or -ENOMEM.
 */
int flame_page_svg(FILE *f, const struct flame_tree *t);

/*
 * The differential flame graph of whyslow diff --format svg, in
 * report_flame.c: after's graph, coloured by each frame's change from
 * before.  0 or -ENOMEM.
 */
int write_flame_diff_svg(FILE *f, const struct profile *before,
			 const struct profile *after,
			 const struct report_opts *opts);

#endif
