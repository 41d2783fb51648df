/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flame graph's layout: every stack of a profile, on-CPU and off-CPU,
 * merged into one tree from the root "all" to the leaves.  A node is a
 * function (name and module, as aggregation tells functions apart) on one
 * call path, or a recursion: frames of one function in a row are one node
 * named with their count, "expand (×36)", so widths stay exact and the
 * graph does not grow a floor per level; an off-CPU stack ends in one
 * more leaf, its wait reason
 * ("[wait:network]", as in the folded output).  Siblings are sorted by
 * name, then module, so equal stacks always merge and the same profile
 * always gives the same tree.  Shared by the SVG, HTML and differential
 * writers; strings point into the profile.
 */
#ifndef WHYSLOW_FLAME_H
#define WHYSLOW_FLAME_H

#include <stdbool.h>
#include <stdint.h>

#include "profile/profile.h"

enum flame_kind {
	FLAME_ROOT,
	FLAME_FRAME,
	FLAME_WAIT,		/* the leaf an off-CPU stack ends in */
	FLAME_PROCESS,		/* "comm (pid)", below the root */
	FLAME_THREAD,		/* "comm (tid)", below its process */
};

/* Levels between the root and the frames (flame_build_levels). */
#define FLAME_BY_PROCESS	1u
#define FLAME_BY_THREAD		2u	/* implies FLAME_BY_PROCESS */

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
	const char *name;	/* the function, "expand (×36)" when it
				 * recurses, or the wait leaf's label */
	const char *func;	/* the function (or label) alone */
	uint32_t repeat;	/* frames of it in a row: 1, or a recursion's
				 * depth */
	const char *module;	/* NULL for the root, wait leaves, processes
				 * and threads */
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
	char **labels;			/* names of recursions' nodes */
	size_t n_labels;
	const char *program;	/* module of the program's executable, NULL
				 * unknown: flame_match takes two builds'
				 * as one whatever their names */
};

/* 0 or -ENOMEM; on error t is left empty.  Free with flame_free. */
int flame_build(const struct profile *p, struct flame_tree *t);

/*
 * As flame_build, with a node per process, "comm (pid)", below the root
 * (FLAME_BY_PROCESS), and one per thread, "comm (tid)", below that
 * (FLAME_BY_THREAD): stacks of different programs do not merge.
 */
int flame_build_levels(const struct profile *p, struct flame_tree *t,
		       unsigned int levels);

/* The levels of a flame graph: processes when more than one has time,
 * threads (and processes) when per_thread. */
unsigned int flame_default_levels(const struct profile *p, bool per_thread);
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

#endif
