// SPDX-License-Identifier: GPL-2.0
/*
 * A thread's Python stack read from outside: see walk.h.  Each step is
 * bpf/python.bpf.h's (and pycode.bpf.c's for a code object), as reads of
 * the process's memory through a callback, each bounded.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "python/walk.h"

#define WALK_MAX_THREADS	256	/* thread states visited per list */
#define WALK_MAX_SHIMS		64	/* frames visited beyond 2 a frame */
#define WALK_CODE_WIN		256	/* bytes of a code object read */

struct walk {
	py_mem_read_fn read;
	void *ctx;
	const struct ws_py_offsets *o;
	uint64_t code_type;
	uint32_t pid;
	struct py_task_stack *out;
};

static bool user_ptr(uint64_t p)
{
	return p && !(p & 7) && p < (1ULL << 47);
}

static int rd(const struct walk *w, uint64_t addr, void *buf, size_t len)
{
	if (!addr || addr >= (1ULL << 47) || w->read(w->ctx, addr, buf, len))
		return -EIO;
	return 0;
}

static int rd_u64(const struct walk *w, uint64_t addr, uint64_t *v)
{
	return rd(w, addr, v, sizeof(*v));
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* ---- the thread state ---- */

/* Down interp's thread list for the one whose field at id_off is want:
 * 1 found (*found), 0 not there, -EIO. */
static int search_interp(const struct walk *w, uint64_t interp,
			 uint16_t id_off, uint64_t want, uint64_t *found)
{
	uint64_t ts, id;
	size_t i;

	if (rd_u64(w, interp + w->o->interp_threads_head, &ts))
		return -EIO;
	for (i = 0; ts && i < WALK_MAX_THREADS; i++) {
		if (rd_u64(w, ts + id_off, &id) ||
		    rd_u64(w, ts + w->o->tstate_next, found))
			return -EIO;
		if (id == want) {
			*found = ts;
			return 1;
		}
		ts = *found;
	}
	return 0;
}

/* 3.10, whose thread states hold no kernel tid: the main thread's is
 * the main interpreter's first, the last of its list (each new one goes
 * to its head).  1 found, 0 not the main thread, -EIO. */
static int main_tstate(const struct walk *w, uint64_t interp, uint32_t tid,
		       uint64_t *found)
{
	uint64_t next;
	size_t i;

	if (tid != w->pid)
		return 0;
	if (rd_u64(w, interp + w->o->interp_threads_head, found) || !*found)
		return -EIO;
	for (i = 0; i < WALK_MAX_THREADS; i++) {
		if (rd_u64(w, *found + w->o->tstate_next, &next))
			return -EIO;
		if (!next)
			return 1;
		*found = next;
	}
	return -EIO;
}

/* The newest interpreter's list, then the main one's (python.bpf.h's
 * py_find_tstate, without its cache). */
static int find_tstate(const struct walk *w, uint64_t runtime, uint32_t tid,
		       uint64_t *ts)
{
	const struct ws_py_offsets *o = w->o;
	uint64_t interps[2];	/* interpreters.head, .main: adjacent */
	int r;

	if (rd(w, runtime + o->runtime_interpreters_head, interps,
	       sizeof(interps)) || !interps[1])
		return -ENOENT;
	if (o->tstate_native_thread_id == WS_PY_NONE)
		return main_tstate(w, interps[1], tid, ts) == 1 ? 0 : -ENOENT;
	r = search_interp(w, interps[0] ? interps[0] : interps[1],
			  o->tstate_native_thread_id, tid, ts);
	if (r == 0 && interps[0] && interps[0] != interps[1])
		r = search_interp(w, interps[1], o->tstate_native_thread_id,
				  tid, ts);
	return r == 1 ? 0 : r < 0 ? -EIO : -ENOENT;
}

/* ---- code objects ---- */

/* A str into dst as py_copy_str() copies one: its kind, else -1 (dst
 * empty) when obj is not a compact str or cannot be read. */
static int copy_str(const struct walk *w, char *dst, size_t size,
		    uint64_t obj)
{
	const struct ws_py_offsets *o = w->o;
	uint32_t state, kind, unit, at;
	uint64_t len, data;

	memset(dst, 0, size);
	if (!obj || rd(w, obj + o->unicode_state, &state, sizeof(state)) ||
	    rd_u64(w, obj + WS_PY_STR_LENGTH, &len) ||
	    ws_py_str_layout(o, state, &kind, &at))
		return -1;
	unit = kind ? kind : 1;
	data = obj + at;
	len = len > size ? size : len;
	len = (len + 1) * unit;
	len = len > size ? size : len;
	if (rd(w, data, dst, len)) {
		memset(dst, 0, size);
		return -1;
	}
	return kind;
}

static uint64_t win_u64(const uint8_t *win, uint16_t off)
{
	uint64_t v;

	memcpy(&v, win + off, sizeof(v));
	return v;
}

/* The code object at code into c, as pycode.bpf.c's py_copy_code(): 0,
 * or -1 when it is not one or its name cannot be read. */
static int copy_code(const struct walk *w, uint64_t code,
		     struct ws_py_code *c)
{
	const struct ws_py_offsets *o = w->o;
	uint8_t win[WALK_CODE_WIN];
	uint64_t linetable, size;
	int32_t first;
	size_t len;
	int kind;

	len = max_size(max_size(o->code_name, o->code_filename),
		       max_size(o->code_linetable, o->type_of_object)) + 8;
	len = max_size(len, o->code_firstlineno + 4);
	if (o->code_qualname != WS_PY_NONE)
		len = max_size(len, o->code_qualname + 8);
	if (len > sizeof(win) || rd(w, code, win, len) ||
	    (w->code_type && win_u64(win, o->type_of_object) != w->code_type))
		return -1;
	memset(c, 0, sizeof(*c));
	memcpy(&first, win + o->code_firstlineno, sizeof(first));
	c->firstlineno = first;
	kind = copy_str(w, c->name, sizeof(c->name), win_u64(win, o->code_name));
	if (kind < 0)
		return -1;
	c->name_kind = kind;
	if (o->code_qualname != WS_PY_NONE) {
		kind = copy_str(w, c->qualname, sizeof(c->qualname),
				win_u64(win, o->code_qualname));
		c->qualname_kind = kind < 0 ? 0 : kind;
	}
	kind = copy_str(w, c->filename, sizeof(c->filename),
			win_u64(win, o->code_filename));
	c->filename_kind = kind < 0 ? 0 : kind;
	linetable = win_u64(win, o->code_linetable);
	if (linetable && !rd_u64(w, linetable + o->bytes_size, &size) &&
	    (int64_t)size > 0) {
		len = size > WS_PY_LINETABLE_LEN ? WS_PY_LINETABLE_LEN : size;
		if (!rd(w, linetable + o->bytes_data, c->linetable, len)) {
			c->linetable_len = len;
			c->linetable_full = size > 0xffff ? 0xffff : size;
		}
	}
	return 0;
}

/* py_check_code(): 1 a code object (*ident), 0 another object a 3.13
 * frame may run (skipped), -1 not valid (the walk ends). */
static int check_code(const struct walk *w, uint64_t code, uint32_t *ident)
{
	const struct ws_py_offsets *o = w->o;
	uint8_t win[WALK_CODE_WIN];
	uint64_t type, name, file;
	int32_t first;
	size_t len;

	len = max_size(max_size(o->code_name, o->code_filename),
		       o->type_of_object) + 8;
	len = max_size(len, o->code_firstlineno + 4);
	if (!user_ptr(code) || len > sizeof(win) || rd(w, code, win, len))
		return -1;
	type = win_u64(win, o->type_of_object);
	if (!user_ptr(type))
		return -1;
	if (w->code_type && type != w->code_type)
		return o->minor >= 13 ? 0 : -1;
	memcpy(&first, win + o->code_firstlineno, sizeof(first));
	name = win_u64(win, o->code_name);
	file = win_u64(win, o->code_filename);
	if (first < 0 || first > WS_PY_MAX_LINE || !user_ptr(name) ||
	    !user_ptr(file))
		return -1;
	*ident = ws_py_code_ident(file, name);
	return 1;
}

/* The frame's code copied once, while there is room. */
static void note_code(const struct walk *w, uint64_t code, uint32_t ident)
{
	struct py_task_stack *out = w->out;
	size_t i;

	for (i = 0; i < out->n_codes; i++)
		if (out->keys[i].code == code && out->keys[i].ident == ident)
			return;
	if (out->n_codes == PY_TASK_MAX_CODES ||
	    copy_code(w, code, &out->codes[out->n_codes]))
		return;
	out->keys[out->n_codes++] = (struct ws_py_code_key){
		.pid = w->pid, .ident = ident, .code = code };
}

/* ---- the frames ---- */

/* A frame's instruction, in code units as ws_py_frame has it. */
static int32_t frame_instr(const struct walk *w, uint64_t frame,
			   uint64_t code)
{
	const struct ws_py_offsets *o = w->o;
	uint64_t ptr;
	int32_t lasti;
	int64_t d;

	if (o->code_first_instr == WS_PY_NONE)	/* 3.10: f_lasti */
		return rd(w, frame + o->frame_instr, &lasti, sizeof(lasti)) ||
		       lasti < -1 ? -1 : lasti;
	if (rd_u64(w, frame + o->frame_instr, &ptr))
		return -1;
	d = (int64_t)(ptr - code - o->code_first_instr);
	return d < -2 || d > 2 * WS_PY_MAX_INSTR ? -1 :
	       (int32_t)(d >> 1) < -1 ? -1 : (int32_t)(d >> 1);
}

static bool frame_flag(const struct walk *w, uint64_t frame, uint16_t off)
{
	uint8_t v;

	return off != WS_PY_NONE && !rd(w, frame + off, &v, 1) && v;
}

/* One frame: 1 go on to *next, 0 the walk ends (out->truncated says
 * why, when not at its outermost frame). */
static int walk_step(const struct walk *w, uint64_t frame, uint64_t *next)
{
	const struct ws_py_offsets *o = w->o;
	struct py_task_stack *out = w->out;
	uint64_t code;
	uint32_t ident;
	uint8_t owner;
	int ok;

	if (frame & 7) {
		out->truncated = WS_PY_TRUNC_INVALID;
		return 0;
	}
	if (rd_u64(w, frame + o->frame_code, &code) ||
	    rd_u64(w, frame + o->frame_previous, next)) {
		out->truncated = WS_PY_TRUNC_FAULT;
		return 0;
	}
	if (*next == frame) {
		out->truncated = WS_PY_TRUNC_INVALID;
		return 0;
	}
	if (o->frame_owner != WS_PY_NONE &&
	    !rd(w, frame + o->frame_owner, &owner, 1) &&
	    owner == WS_PY_OWNED_BY_CSTACK) {
		if (out->n)	/* the frame before ran first in its call */
			out->frames[out->n - 1].code |= WS_PY_FRAME_ENTRY;
		return 1;
	}
	if (!code)
		return 1;
	if (out->n >= WS_PY_MAX_FRAMES) {
		out->truncated = WS_PY_TRUNC_DEPTH;
		return 0;
	}
	ok = check_code(w, code, &ident);
	if (ok < 0) {
		out->truncated = WS_PY_TRUNC_INVALID;
		return 0;
	}
	if (!ok)
		return 1;
	note_code(w, code, ident);
	out->frames[out->n++] = (struct ws_py_frame){
		.code = code | (frame_flag(w, frame, o->frame_is_entry) ?
				WS_PY_FRAME_ENTRY : 0),
		.instr = frame_instr(w, frame, code), .ident = ident };
	return 1;
}

int py_walk_task(py_mem_read_fn read, void *ctx, uint32_t pid, uint32_t tid,
		 const struct ws_py_proc *proc, struct py_task_stack *out)
{
	const struct ws_py_offsets *o = &proc->off;
	struct walk w = { .read = read, .ctx = ctx, .o = o,
			  .code_type = proc->code_type, .pid = pid,
			  .out = out };
	uint64_t ts, frame, next;
	size_t step;
	int err;

	out->n = 0;
	out->truncated = WS_PY_TRUNC_NONE;
	out->n_codes = 0;
	if (o->tstate_next == WS_PY_NONE || o->frame_code == WS_PY_NONE ||
	    o->frame_previous == WS_PY_NONE || o->frame_instr == WS_PY_NONE ||
	    (o->tstate_cframe == WS_PY_NONE && o->tstate_frame == WS_PY_NONE))
		return -EINVAL;
	err = find_tstate(&w, proc->runtime, tid, &ts);
	if (err)
		return err;
	if (o->tstate_cframe != WS_PY_NONE) {
		if (rd_u64(&w, ts + o->tstate_cframe, &frame) ||
		    (frame && rd_u64(&w, frame + o->cframe_current_frame,
				     &frame)))
			return -EIO;
	} else if (rd_u64(&w, ts + o->tstate_frame, &frame)) {
		return -EIO;
	}
	for (step = 0; frame && step < 2 * WS_PY_MAX_FRAMES + WALK_MAX_SHIMS;
	     step++, frame = next)
		if (!walk_step(&w, frame, &next))
			return 0;
	if (frame)
		out->truncated = WS_PY_TRUNC_DEPTH;
	return 0;
}
