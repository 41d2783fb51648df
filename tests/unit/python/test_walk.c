// SPDX-License-Identifier: GPL-2.0
/*
 * A thread's Python stack read from outside (python/walk.c), over a fake
 * process memory laid out with the offsets of CPython 3.12 and 3.10: the
 * thread found by its tid, shims skipped and their callee marked as an
 * entry, code objects validated and copied; and memory that lies (loops,
 * holes, objects of another type) ends the walk, bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "python/code.h"
#include "python/offsets.h"
#include "python/walk.h"

#define BASE		0x10000ull
#define MEM_SIZE	(64 * 1024)
#define PID		40
#define TID		42

struct mem {
	uint8_t buf[MEM_SIZE];
	uint64_t used;
	struct ws_py_offsets o;
	uint64_t code_type;
};

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct mem *m = ctx;

	if (addr < BASE || addr + len > BASE + MEM_SIZE)
		return -1;
	memcpy(buf, m->buf + (addr - BASE), len);
	return 0;
}

static uint64_t alloc(struct mem *m, size_t size)
{
	uint64_t at = BASE + m->used;

	m->used += (size + 15) & ~15ull;
	assert_true(m->used <= MEM_SIZE);
	return at;
}

static void put(struct mem *m, uint64_t addr, const void *v, size_t len)
{
	assert_true(addr >= BASE && addr + len <= BASE + MEM_SIZE);
	memcpy(m->buf + (addr - BASE), v, len);
}

static void put_u64(struct mem *m, uint64_t addr, uint64_t v)
{
	put(m, addr, &v, sizeof(v));
}

/* A compact ASCII str. */
static uint64_t str(struct mem *m, const char *s)
{
	uint64_t at = alloc(m, 256);
	uint32_t state = WS_PY_STR_COMPACT | WS_PY_STR_ASCII;

	put(m, at + m->o.unicode_state, &state, sizeof(state));
	put_u64(m, at + WS_PY_STR_LENGTH, strlen(s));
	put(m, at + m->o.unicode_ascii_data, s, strlen(s) + 1);
	return at;
}

static uint64_t code(struct mem *m, const char *name, int first)
{
	uint64_t at = alloc(m, 512), lt = alloc(m, 64);
	static const uint8_t table[] = { 0x80, 0x01, 0x02 };

	put_u64(m, at + m->o.type_of_object, m->code_type);
	put(m, at + m->o.code_firstlineno, &first, sizeof(first));
	put_u64(m, at + m->o.code_name, str(m, name));
	if (m->o.code_qualname != WS_PY_NONE)
		put_u64(m, at + m->o.code_qualname, str(m, name));
	put_u64(m, at + m->o.code_filename, str(m, "app.py"));
	put_u64(m, lt + m->o.bytes_size, sizeof(table));
	put(m, lt + m->o.bytes_data, table, sizeof(table));
	put_u64(m, at + m->o.code_linetable, lt);
	return at;
}

/* A frame running c at instruction instr, called from previous. */
static uint64_t frame(struct mem *m, uint64_t c, int instr, uint64_t previous)
{
	uint64_t at = alloc(m, 128);

	put_u64(m, at + m->o.frame_code, c);
	put_u64(m, at + m->o.frame_previous, previous);
	if (m->o.code_first_instr == WS_PY_NONE)
		put(m, at + m->o.frame_instr, &instr, sizeof(instr));
	else
		put_u64(m, at + m->o.frame_instr,
			c + m->o.code_first_instr + 2 * instr);
	return at;
}

/* A thread state of thread id, next in its list, at frame f. */
static uint64_t tstate(struct mem *m, uint64_t id, uint64_t next, uint64_t f)
{
	uint64_t at = alloc(m, 512), cframe;

	put_u64(m, at + m->o.tstate_next, next);
	if (m->o.tstate_native_thread_id != WS_PY_NONE)
		put_u64(m, at + m->o.tstate_native_thread_id, id);
	if (m->o.tstate_cframe != WS_PY_NONE) {
		cframe = alloc(m, 64);
		put_u64(m, cframe + m->o.cframe_current_frame, f);
		put_u64(m, at + m->o.tstate_cframe, cframe);
	} else {
		put_u64(m, at + m->o.tstate_frame, f);
	}
	return at;
}

/* _PyRuntime whose one interpreter has the thread list at head. */
static void runtime(struct mem *m, struct ws_py_proc *proc, uint64_t head)
{
	uint64_t rt = alloc(m, 512), interp = alloc(m, 512);

	put_u64(m, interp + m->o.interp_threads_head, head);
	put_u64(m, rt + m->o.runtime_interpreters_head, interp);
	put_u64(m, rt + m->o.runtime_interpreters_head + 8, interp);
	*proc = (struct ws_py_proc){ .runtime = rt,
				     .code_type = m->code_type, .off = m->o };
}

static struct mem *mem_new(int minor)
{
	struct mem *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	assert_int_equal(python_table_offsets(minor, &m->o), 0);
	m->code_type = alloc(m, 64);
	return m;
}

/* 3.12: main → (a C call: shim) → fetch, in the second thread state. */
static void test_walk_312(void **state)
{
	struct py_task_stack *st = calloc(1, sizeof(*st));
	struct mem *m = mem_new(12);
	uint64_t c_main, c_fetch, f_main, shim, f_fetch;
	struct ws_py_proc proc;
	struct python_frame pf;
	uint8_t owner = WS_PY_OWNED_BY_CSTACK;

	(void)state;
	assert_non_null(st);
	c_main = code(m, "main", 1);
	c_fetch = code(m, "fetch", 9);
	f_main = frame(m, c_main, 3, 0);
	shim = frame(m, 0, 0, f_main);
	put(m, shim + m->o.frame_owner, &owner, 1);
	f_fetch = frame(m, c_fetch, 5, shim);
	runtime(m, &proc, tstate(m, 7, tstate(m, TID, 0, f_fetch), 0));
	assert_int_equal(py_walk_task(mem_read, m, PID, TID, &proc, st), 0);
	assert_int_equal(st->n, 2);
	assert_int_equal(st->truncated, WS_PY_TRUNC_NONE);
	assert_true(st->frames[0].code == (c_fetch | WS_PY_FRAME_ENTRY));
	assert_int_equal(st->frames[0].instr, 5);
	assert_true(st->frames[1].code == c_main);
	assert_int_equal(st->frames[1].instr, 3);
	assert_int_equal(st->n_codes, 2);
	assert_true(st->keys[0].code == c_fetch && st->keys[0].pid == PID &&
		    st->keys[0].ident == st->frames[0].ident);
	assert_int_equal(python_code_resolve(&st->codes[0], 12, 5, &pf), 0);
	assert_string_equal(pf.name, "fetch");
	assert_string_equal(pf.file, "app.py");
	assert_int_equal(pf.firstlineno, 9);
	assert_int_equal(st->codes[0].linetable_len, 3);

	/* another thread: not there */
	assert_int_equal(py_walk_task(mem_read, m, PID, 43, &proc, st),
			 -ENOENT);
	/* its own caller: invalid, the frames before it kept */
	put_u64(m, f_main + m->o.frame_previous, f_main);
	assert_int_equal(py_walk_task(mem_read, m, PID, TID, &proc, st), 0);
	assert_int_equal(st->n, 1);
	assert_int_equal(st->truncated, WS_PY_TRUNC_INVALID);
	/* a caller out of the memory: a fault */
	put_u64(m, f_main + m->o.frame_previous, 8);
	assert_int_equal(py_walk_task(mem_read, m, PID, TID, &proc, st), 0);
	assert_int_equal(st->truncated, WS_PY_TRUNC_FAULT);
	/* a loop of two: bounded, as deep as it may go */
	put_u64(m, f_main + m->o.frame_previous, f_fetch);
	assert_int_equal(py_walk_task(mem_read, m, PID, TID, &proc, st), 0);
	assert_int_equal(st->n, WS_PY_MAX_FRAMES);
	assert_int_equal(st->truncated, WS_PY_TRUNC_DEPTH);
	assert_int_equal(st->n_codes, 2);
	/* a code object of another type: the walk ends there */
	put_u64(m, f_main + m->o.frame_previous, 0);
	put_u64(m, c_main + m->o.type_of_object, m->code_type + 64);
	assert_int_equal(py_walk_task(mem_read, m, PID, TID, &proc, st), 0);
	assert_int_equal(st->n, 1);
	assert_int_equal(st->truncated, WS_PY_TRUNC_INVALID);
	free(m);
	free(st);
}

/* A thread list that loops, and offsets a version lacks: bounded, no
 * thread found; a 3.10 process: its main thread's, the last of the
 * list, for its main thread only. */
static void test_walk_threads(void **state)
{
	struct py_task_stack *st = calloc(1, sizeof(*st));
	struct mem *m = mem_new(12);
	struct ws_py_proc proc;
	uint64_t a, b;

	(void)state;
	a = tstate(m, 1, 0, 0);
	b = tstate(m, 2, a, 0);
	put_u64(m, a + m->o.tstate_next, b);
	runtime(m, &proc, a);
	assert_int_equal(py_walk_task(mem_read, m, PID, TID, &proc, st),
			 -ENOENT);
	/* a thread with no frame: no Python running */
	assert_int_equal(py_walk_task(mem_read, m, PID, 2, &proc, st), 0);
	assert_int_equal(st->n, 0);
	proc.off.frame_code = WS_PY_NONE;
	assert_int_equal(py_walk_task(mem_read, m, PID, 2, &proc, st),
			 -EINVAL);
	free(m);

	m = mem_new(10);
	a = tstate(m, 0, 0, frame(m, code(m, "run", 2), 8, 0));
	runtime(m, &proc, tstate(m, 0, a, 0));	/* a thread made later */
	assert_int_equal(py_walk_task(mem_read, m, PID, PID, &proc, st), 0);
	assert_int_equal(st->n, 1);
	assert_int_equal(st->frames[0].instr, 8);
	assert_string_equal(st->codes[0].name, "run");
	assert_int_equal(py_walk_task(mem_read, m, PID, TID, &proc, st),
			 -ENOENT);
	free(m);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_312),
		cmocka_unit_test(test_walk_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
