// SPDX-License-Identifier: GPL-2.0
/* See splice.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "record/splice.h"

/* Entries kept, at most: a stack's first two frames, of each process. */
#define SPLICE_MAX_ENTRIES	(1u << 16)

/* next == 0: a lone first frame's callers, tail[0..n). */
struct splice {
	uint32_t pid;
	uint8_t used, n;
	__u64 ip, next;
	__u64 frames[SPLICE_MAX_FRAMES];
	__u64 *tail;
};

struct stack_splices {
	struct splice *slot;	/* open addressing, linear probing */
	size_t cap, n;		/* cap a power of two */
	size_t tails;		/* entries with next == 0 */
};

struct stack_splices *splices_new(void)
{
	return calloc(1, sizeof(struct stack_splices));
}

void splices_free(struct stack_splices *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->slot[i].tail);
	free(s->slot);
	free(s);
}

static size_t slot_of(const struct stack_splices *s, uint32_t pid, __u64 ip,
		      __u64 next)
{
	uint64_t h = (ip ^ (next * 0x9e3779b97f4a7c15ull) ^ pid) *
		     0xff51afd7ed558ccdull;
	size_t i = (h >> 17) & (s->cap - 1);

	while (s->slot[i].used && (s->slot[i].pid != pid ||
				   s->slot[i].ip != ip ||
				   s->slot[i].next != next))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Room for one more, below 3/4 full. */
static int grow(struct stack_splices *s)
{
	struct stack_splices bigger;
	size_t i, k;

	if ((s->n + 1) * 4 < s->cap * 3)
		return 0;
	if (s->cap >= SPLICE_MAX_ENTRIES * 2)
		return -ENOSPC;
	bigger.cap = s->cap ? s->cap * 2 : 256;
	bigger.n = s->n;
	bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
	if (!bigger.slot)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++) {
		if (!s->slot[i].used)
			continue;
		k = slot_of(&bigger, s->slot[i].pid, s->slot[i].ip,
			    s->slot[i].next);
		bigger.slot[k] = s->slot[i];
	}
	free(s->slot);
	*s = bigger;
	return 0;
}

/* How many frames done has after its first that fp has not: done is fp
 * with them inserted there (the rest as far as both go); 0 otherwise. */
static int inserted(const __u64 *fp, int nfp, const __u64 *done, int ndone)
{
	int k, tail;

	if (nfp < 2 || ndone < 3 || done[0] != fp[0])
		return 0;
	for (k = 1; k <= SPLICE_MAX_FRAMES && k + 1 < ndone; k++) {
		tail = ndone - 1 - k < nfp - 1 ? ndone - 1 - k : nfp - 1;
		if (done[1 + k] == fp[1] &&
		    !memcmp(&done[1 + k], &fp[1], tail * sizeof(*fp)))
			return k;
	}
	return 0;
}

/* The callers done has above its first frame, the lone frame fp had: e's
 * are those every stack from there had, innermost first (a recursion
 * that went deeper in one differs past its first turn).  0, or -ENOMEM. */
static int learn_tail(struct stack_splices *s, struct splice *e, uint32_t pid,
		      const __u64 *done, int ndone)
{
	int n = ndone - 1 < UINT8_MAX ? ndone - 1 : UINT8_MAX, k;

	if (e->used) {
		for (k = 0; k < e->n && k < n && e->tail[k] == done[1 + k];
		     k++)
			;
		e->n = k;
		return 0;
	}
	if (s->tails == SPLICE_MAX_TAILS)
		return 0;
	*e = (struct splice){ .pid = pid, .used = 1, .ip = done[0] };
	s->n++;
	s->tails++;
	e->tail = malloc(n * sizeof(*e->tail));
	if (!e->tail)
		return -ENOMEM;
	memcpy(e->tail, &done[1], n * sizeof(*e->tail));
	e->n = n;
	return 0;
}

int splices_learn(struct stack_splices *s, uint32_t pid, const __u64 *fp,
		  int nfp, const __u64 *done, int ndone)
{
	int k = inserted(fp, nfp, done, ndone), err;
	bool lone = nfp == 1 && ndone > 1 && done[0] == fp[0];
	struct splice *e;

	if (!k && !lone)
		return 0;
	err = grow(s);
	if (err)
		return err == -ENOSPC ? 0 : err;	/* full: learnt enough */
	if (lone)
		return learn_tail(s, &s->slot[slot_of(s, pid, fp[0], 0)], pid,
				  done, ndone);
	e = &s->slot[slot_of(s, pid, fp[0], fp[1])];
	if (e->used)
		return 0;
	*e = (struct splice){ .pid = pid, .used = 1, .n = k, .ip = fp[0],
			      .next = fp[1] };
	memcpy(e->frames, &done[1], k * sizeof(*done));
	s->n++;
	return 0;
}

int splices_apply(const struct stack_splices *s, uint32_t pid, __u64 *stack,
		  int *n, int max)
{
	const struct splice *e;
	int k;

	if (!s || !s->cap || *n < 1 || *n >= max)
		return 0;
	if (*n == 1) {
		e = &s->slot[slot_of(s, pid, stack[0], 0)];
		if (!e->used || !e->n)
			return 0;
		k = e->n < max - 1 ? e->n : max - 1;
		memcpy(&stack[1], e->tail, k * sizeof(*stack));
		*n += k;
		return k;
	}
	e = &s->slot[slot_of(s, pid, stack[0], stack[1])];
	if (!e->used)
		return 0;
	k = e->n < max - *n ? e->n : max - *n;
	memmove(&stack[1 + k], &stack[1], (*n - 1) * sizeof(*stack));
	memcpy(&stack[1], e->frames, k * sizeof(*stack));
	*n += k;
	return k;
}
