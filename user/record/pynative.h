/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPython's C code under Python frames, as py-spy --native shows it: a
 * sample's native frames and its Python frames interleaved, so that time
 * in a builtin (compile, re's _sre, _json's encoder) is the C function's,
 * under the Python line that called it, not that line's self time.
 *
 * Each _PyEval_EvalFrameDefault call in the native stack ran one or more
 * Python frames: on 3.10 one, on 3.11+ a run of them (calls between
 * Python functions stay in the same C call), whose first the BPF walker
 * marks (WS_PY_FRAME_ENTRY).  The native frames between two eval calls
 * are the C code the outer one's innermost Python frame called, and go
 * under it; the evaluation machinery (the eval loop itself, vectorcall
 * and call trampolines) is left out.  Pure functions: unit-tested on
 * synthetic stacks.
 */
#ifndef WHYSLOW_PYNATIVE_H
#define WHYSLOW_PYNATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/intern.h"
#include "proc/procmap.h"
#include "record/pystacks.h"
#include "symbols/symbolize.h"

/* What a native frame is to the merge. */
enum pyn_kind {
	PYN_C,		/* real work (builtin_compile, sre_*, libc): kept */
	PYN_EVAL,	/* _PyEval_EvalFrameDefault: runs Python frames */
	PYN_GLUE,	/* evaluation machinery: folded away */
	PYN_UNNAMED,	/* stripped (Debian's static python3.11 names only
			 * its exported functions): kept, unless an eval
			 * call called it (then a static vectorcall
			 * trampoline or gen_iternext, most likely) */
	PYN_JIT,	/* code in anonymous memory: kept, unless it calls
			 * an eval call (3.12+ -X perf trampolines) */
};

/* Or'ed into a kind: the frame is the CPython runtime's. */
#define PYN_RUNTIME	0x80

/* The kind of the CPython runtime's function name (NULL: unnamed). */
enum pyn_kind pynative_kind(const char *name);

/* How the merge went: interleaved exactly, only the innermost calls
 * matched (the native stack was cut short above them), or not matched:
 * the native tail under the innermost Python frame. */
enum pyn_how {
	PYN_EXACT,
	PYN_PARTIAL,
	PYN_FALLBACK,
};

/* In a merged entry: a Python frame's index; else a native frame's. */
#define PYN_PY		(1u << 31)

struct pyn_input {
	const uint8_t *native;	/* enum pyn_kind, | PYN_RUNTIME for the
				 * runtime's frames; innermost first */
	uint32_t n_native;
	const bool *entry;	/* per Python frame, innermost first: the
				 * first its eval call ran; NULL: each is
				 * (3.10) */
	uint32_t n_py;
	bool native_cut;	/* the native stack stops short of its root */
	bool py_cut;		/* the Python stack's outer frames are
				 * missing */
	bool site;		/* an I/O site: the native frames up to the
				 * runtime's only (py_context.site) */
};

/*
 * Merges in into out (room for n_py + n_native entries, root first):
 * Python frames as PYN_PY | index, native frames as their index.
 * Returns the number of entries; *how says which way.
 */
uint32_t pynative_merge(const struct pyn_input *in, uint32_t *out,
			enum pyn_how *how);

/*
 * Sets the Python side of in from a walk's frames (at most
 * WS_PY_MAX_FRAMES, entry has room for them) of CPython 3.minor: n_py,
 * entry, py_cut.  Returns in.
 */
const struct pyn_input *pynative_python(struct pyn_input *in,
					const struct py_frames *py,
					int minor, bool *entry);

/* What the CPython runtime's frames are, named once each. */
struct pyn_kinds {
	struct intern keys;	/* (module, file offset) */
	uint8_t *kind;		/* per key: enum pyn_kind */
	size_t cap;
};

void pynative_kinds_init(struct pyn_kinds *k);
void pynative_kinds_free(struct pyn_kinds *k);

/* The kind of the code at file_offset of t's module: PYN_C unless it
 * is runtime, the CPython runtime's, then | PYN_RUNTIME, named by sym
 * (PYN_C without it). */
uint8_t pynative_kind_at(struct pyn_kinds *k, struct symbolizer *sym,
			 const struct proc_table *t, int32_t runtime,
			 uint32_t module, uint64_t file_offset);

#endif
