/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames that frame pointers skip, put back where no stack copy came.  A
 * leaf that sets up no frame (libc's syscall wrappers) hides its caller
 * from the frame-pointer walk: "main → fsync" for "main → save → fsync".
 * Samples and long waits carry a copy of the stack top, and CFI puts the
 * caller back (unwind.c); short waits come without one (bpf/offcpu.bpf.c
 * adds them up in a map).  What CFI inserted between a stack's first two
 * frame-pointer frames is learnt here, by process, and inserted in short
 * waits that begin with the same two.  Code built without frame pointers
 * gives a walk of its first frame alone ("read", for grep's 4,600 short
 * disk waits): the callers CFI found above it are learnt too, those that
 * every completed stack from that frame had, innermost first, and put
 * back -- a wrapper called from two places gets none.
 */
#ifndef WHYSLOW_SPLICE_H
#define WHYSLOW_SPLICE_H

#include <stdint.h>
#include <linux/types.h>

/* Frames put back between the first two, at most. */
#define SPLICE_MAX_FRAMES	4
/* Lone first frames whose callers are kept, at most. */
#define SPLICE_MAX_TAILS	4096

struct stack_splices;

struct stack_splices *splices_new(void);
void splices_free(struct stack_splices *s);

/*
 * fp[0..nfp) as frame pointers gave it, done[0..ndone) as CFI completed
 * it: when done is fp with 1 to SPLICE_MAX_FRAMES frames inserted after
 * the first, those are learnt for pid's stacks beginning fp[0], fp[1]
 * (the first learnt is kept); when fp is its first frame alone, done's
 * others, for pid's stacks of that frame alone.  0, or -ENOMEM.
 */
int splices_learn(struct stack_splices *s, uint32_t pid, const __u64 *fp,
		  int nfp, const __u64 *done, int ndone);

/* stack[0..*n), at most max, unwound by frame pointers alone: the frames
 * learnt for its first two inserted between them, or for its first alone
 * put after it.  Returns how many. */
int splices_apply(const struct stack_splices *s, uint32_t pid, __u64 *stack,
		  int *n, int max);

#endif
