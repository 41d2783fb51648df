/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a user stack is whole: its outermost frame is where stacks
 * begin, known by name (_start, start_thread, ...) or, when the names are
 * unusable (a stripped program), by the code itself: the program's entry
 * point, or code whose CFI marks the return address undefined, as glibc's
 * _start and the thread entry of clone/clone3 do.
 */
#ifndef WHYSLOW_STACKEND_H
#define WHYSLOW_STACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include "proc/procmap.h"
#include "profile/profile.h"
#include "symbols/symbolize.h"

/* Bytes from e_entry still counted as the entry function when no CFI
 * bounds it: glibc's _start is 43, musl's 24. */
#define STACKEND_ENTRY_SPAN	64

/* name: the frame's function, or NULL when unresolved. */
bool stackend_name(const char *name);

/* The code at file_offset of m (a call site: return address - 1) is the
 * outermost frame of a stack. */
bool stackend_code(struct symbolizer *sym, const struct module *m,
		   uint64_t file_offset);

/* Data quality: st's unresolved frames, frames and truncated samples. */
void stackend_count_quality(struct profile *out, const struct stack_sample *st);

/*
 * A thread's stack begins at start_thread, whether the unwinder stopped
 * there (a stack end) or went on into the clone3() that called it: one
 * root for both, or a thread's paths and flame graph split in two.
 * Nothing outside it is the thread's, nor outside the clone3() a new
 * thread returns from or Go's runtime.mcall (a frame pointer of another
 * stack, the parent's, the goroutine's, leads to addresses of no
 * mapping there).  Nor are the unnamed user frames of a stack inside
 * execve(): the old image's.  Cuts st's frames there; whether it did:
 * then the stack is whole.
 */
bool stackend_thread_root(const struct profile *out, struct stack_sample *st);

#endif
