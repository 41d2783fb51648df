/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code objects for the CPython walker (python.bpf.h): told apart,
 * validated, and copied into py_codes so that user space can name them
 * even once the process is gone.
 */
#ifndef WHYSLOW_PYCODE_BPF_H
#define WHYSLOW_PYCODE_BPF_H

#include "pystate.bpf.h"

/*
 * Is the object at code a code object?  1: yes, sc->last_code and
 * last_ident are it; 0: another object a 3.13 frame may run (skip the
 * frame); -1: not valid (unreadable, another type, a first line out of
 * range, a name or file that is no pointer): the walk ends.
 */
static __always_inline int py_check_code(struct ws_py_scratch *sc, __u64 code)
{
	const struct ws_py_offsets *o = &sc->off;
	__u64 type, name, file;
	__s32 first;

	if (!py_user_ptr(code) || !py_read_win(sc, code, sc->code_len))
		return -1;
	type = py_win_u64(sc, o->type_of_object);
	if (!py_user_ptr(type))
		return -1;
	if (sc->code_type && type != sc->code_type)
		return o->minor >= 13 ? 0 : -1;
	first = (__s32)py_win_u32(sc, o->code_firstlineno);
	name = py_win_u64(sc, o->code_name);
	file = py_win_u64(sc, o->code_filename);
	if (first < 0 || first > WS_PY_MAX_LINE || !py_user_ptr(name) ||
	    !py_user_ptr(file))
		return -1;
	sc->last_code = code;
	sc->last_ident = ws_py_code_ident(file, name);
	return 1;
}

static __always_inline struct ws_py_seen *py_seen_slot(struct ws_py_scratch *sc,
						       __u64 code, __u32 tgid)
{
	/* objects are 16-byte aligned */
	__u32 h = (__u32)(code >> 4) ^ (__u32)(code >> 12) ^ tgid;

	return &sc->seen[h & (WS_PY_SEEN - 1)];
}

/* Frame n has a code object just validated: to copy, unless known. */
static __always_inline void py_note_code(struct ws_py_scratch *sc, __u32 tgid,
					 __u32 n)
{
	struct ws_py_seen *seen = py_seen_slot(sc, sc->last_code, tgid);
	__u32 k = sc->n_todo, j;

	if (seen->code == sc->last_code && seen->tgid == tgid &&
	    seen->ident == sc->last_ident)
		return;
	for (j = 0; j < WS_PY_COPY_PER_CALL; j++)
		if (j < k && sc->noted[j] == sc->last_code)
			return;
	if (k < WS_PY_COPY_PER_CALL) {
		sc->todo[k & (WS_PY_COPY_PER_CALL - 1)] = n;
		sc->noted[k & (WS_PY_COPY_PER_CALL - 1)] = sc->last_code;
		sc->n_todo = k + 1;
	}
}

static __always_inline __u64 py_hash_frame(__u64 h, __u64 code, __s32 instr,
					   __u32 ident)
{
	return ws_hash_word(h, code ^ ((__u64)(__u32)instr << 32) ^ ident);
}

/*
 * A str into dst as its code units (1 byte for ASCII and Latin-1, 2 or 4)
 * with the terminating NUL unit, cut at size: no NUL unit then.  Returns
 * the kind for struct ws_py_code (0 ASCII, else 1, 2, 4); -1, dst left
 * empty, when obj is not a compact str or cannot be read.
 */
static __always_inline int py_copy_str(struct ws_py_scratch *sc, char *dst,
				       __u32 size, __u64 obj)
{
	const struct ws_py_offsets *o = &sc->off;
	__u64 len, data;
	__u32 kind, unit, at;

	if (!obj || !py_read_win(sc, obj,
				 py_max(o->unicode_state + 4,
					WS_PY_STR_LENGTH + 8)) ||
	    ws_py_str_layout(o, py_win_u32(sc, o->unicode_state), &kind, &at))
		return -1;
	unit = kind ? kind : 1;
	data = obj + at;
	/* The string's own length: no read past its end, and a cut string
	 * is told by its missing NUL. */
	len = py_win_u64(sc, WS_PY_STR_LENGTH);
	if (len > size)
		len = size;
	len = (len + 1) * unit;
	barrier_var(len);
	if (len > size)
		len = size;
	if (bpf_probe_read_user(dst, len, (const void *)data))
		return -1;	/* dst zeroed by the helper */
	return kind;
}

static __always_inline __u8 py_str_kind(int kind)
{
	return kind < 0 ? 0 : kind;
}

/*
 * Fills sc->code from the code object at code; 0 if it is not one or its
 * name cannot be read, else 1.  A global function (bpf/pycode.bpf.c): the
 * verifier checks it once per program on its own, and its many paths
 * (three strings of four kinds, a line table) do not multiply the states
 * of the walk around it.
 */
int py_copy_code(struct ws_py_scratch *sc, __u64 code);

/* The hash of frames[0..sc->n), after a copy cut the stack short. */
static long py_rehash_step(__u64 i, void *arg)
{
	struct py_loop_ctx *c = arg;
	const struct ws_py_frame *f;

	if (i >= c->sc->n)
		return 1;
	f = &c->buf->frames[i & (WS_PY_MAX_FRAMES - 1)];
	c->sc->hash = py_hash_frame(c->sc->hash, f->code, f->instr, f->ident);
	return 0;
}

/* A code object noted by the walk: into py_codes unless there.  One that
 * is no code object after all ends the stack at its frame. */
static long py_copy_step(__u64 i, void *arg)
{
	struct py_loop_ctx *c = arg;
	struct ws_py_scratch *sc = c->sc;
	const struct ws_py_frame *f;
	struct ws_py_seen *seen;
	__u64 code;
	__u32 at;
	long err;

	if (i >= sc->n_todo)
		return 1;
	at = sc->todo[i & (WS_PY_COPY_PER_CALL - 1)];
	if (at >= sc->n)
		return 1;	/* after a frame that failed */
	f = &c->buf->frames[at & (WS_PY_MAX_FRAMES - 1)];
	code = f->code & ~WS_PY_FRAME_ENTRY;
	seen = py_seen_slot(sc, code, c->tgid);
	sc->key.pid = c->tgid;
	sc->key.ident = f->ident;
	sc->key.code = code;
	if (!bpf_map_lookup_elem(&py_codes, &sc->key)) {
		if (!py_copy_code(sc, code)) {
			sc->n = at;
			sc->trunc = WS_PY_TRUNC_INVALID;
			return 1;
		}
		err = bpf_map_update_elem(&py_codes, &sc->key, &sc->code,
					  BPF_NOEXIST);
		if (err && err != -EEXIST)
			return 0;	/* map full: try again later */
	}
	seen->code = sc->key.code;
	seen->tgid = c->tgid;
	seen->ident = sc->key.ident;
	return 0;
}

static __always_inline void py_copy_new_codes(struct py_loop_ctx *c)
{
	struct ws_py_scratch *sc = c->sc;
	__u32 n = sc->n;

	if (!sc->n_todo)
		return;
	bpf_loop(WS_PY_COPY_PER_CALL, py_copy_step, c, 0);
	if (sc->n == n)
		return;
	sc->hash = c->tgid;
	bpf_loop(WS_PY_MAX_FRAMES, py_rehash_step, c, 0);
}

#endif
