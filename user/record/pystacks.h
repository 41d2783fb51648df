/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Python stacks as the ring buffer carries them: checked against the
 * event's length, and, for waits, the stack each thread had at its last
 * switch-out (WS_EV_PY_STACK), kept until the long wait that names it by
 * hash arrives.  The BPF side sends a thread's stack only when it
 * changed, so the last one of each thread is all there is to keep.
 */
#ifndef WHYSLOW_PYSTACKS_H
#define WHYSLOW_PYSTACKS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "whyslow.h"
#include "lib/intern.h"

/* A Python stack: n frames, innermost first; truncated: enum ws_py_trunc. */
struct py_frames {
	const struct ws_py_frame *frames;
	uint32_t n;
	uint32_t truncated;
};

/*
 * The Python stack of a sample event of size bytes: its frames follow the
 * struct.  false (out zeroed) when the event is shorter than its header
 * says, or claims more than WS_PY_MAX_FRAMES frames.
 */
bool py_frames_of_sample(const struct ws_sample *s, size_t size,
			 struct py_frames *out);

struct py_stacks;

struct py_stacks *py_stacks_new(void);
void py_stacks_free(struct py_stacks *ps);

/* A WS_EV_PY_STACK event of size bytes replaces its thread's stack: 0,
 * -EINVAL when malformed (left out), -ENOMEM. */
int py_stacks_add(struct py_stacks *ps, const void *event, size_t size);

/*
 * The stack thread tid of pid sent with hash, valid until the next
 * py_stacks_add of that thread; false when there is none (hash 0, the
 * event was lost, or the thread sent another since).
 */
bool py_stacks_find(const struct py_stacks *ps, uint32_t pid, uint32_t tid,
		    uint64_t hash, struct py_frames *out);

/* The code objects the BPF side copied (names, file, line table), by
 * (pid, ident, address): what names Python frames at the end. */
struct py_codes {
	struct intern keys;	/* struct ws_py_code_key */
	struct ws_py_code *data;	/* per key */
	size_t cap;
};

void py_codes_init(struct py_codes *pc);
void py_codes_free(struct py_codes *pc);

/* Adds or replaces k's code: 0 or -ENOMEM. */
int py_codes_add(struct py_codes *pc, const struct ws_py_code_key *k,
		 const struct ws_py_code *code);

/* The code of (pid, ident, code), NULL when none was copied. */
const struct ws_py_code *py_codes_find(const struct py_codes *pc,
				       uint32_t pid, uint32_t ident,
				       uint64_t code);

#endif
