// SPDX-License-Identifier: GPL-2.0
/*
 * The Python walker's user side, without BPF: events checked against
 * their length (samples carry their frames after the struct), the
 * switch-out stacks that waits name by hash, and the frames merged into
 * the profile's stacks with the walk's truncation counted.
 */
#include "profile_fixture.h"

#include <errno.h>

#include "record/collect.h"
#include "record/pystacks.h"
#include "symbols/symbolize.h"

#define MODULE_CODE	0x7f0000001000ull
#define REC_CODE	0x7f0000002000ull
#define BUSY_CODE	0x7f0000003000ull
#define LOST_CODE	0x7f0000004000ull
#define PID		42

/* A sample event with n Python frames after it: the innermost busy, then
 * rec, the outermost <module>. */
static struct ws_sample *sample_with(uint32_t n, size_t *size)
{
	struct ws_sample *s;
	uint32_t i;

	*size = sizeof(*s) + n * sizeof(struct ws_py_frame);
	s = calloc(1, *size);
	assert_non_null(s);
	s->type = WS_EV_SAMPLE;
	s->pid = PID;
	s->tid = PID;
	s->py.n = n;
	for (i = 0; i < n; i++) {
		s->py_frames[i].code = i == 0 ? BUSY_CODE :
				       i + 1 == n ? MODULE_CODE : REC_CODE;
		s->py_frames[i].instr = 4;
		s->py_frames[i].ident = 7;
	}
	return s;
}

static void test_sample_frames(void **state)
{
	struct py_frames pf;
	struct ws_sample *s;
	size_t size;

	(void)state;
	s = sample_with(300, &size);
	assert_true(py_frames_of_sample(s, size, &pf));
	assert_int_equal(pf.n, 300);
	assert_ptr_equal(pf.frames, s->py_frames);
	assert_int_equal(pf.frames[299].code, MODULE_CODE);
	/* an event shorter than its frames: none of them */
	assert_false(py_frames_of_sample(s, size - 1, &pf));
	assert_int_equal(pf.n, 0);
	assert_null(pf.frames);
	/* more frames than any walk sends */
	s->py.n = WS_PY_MAX_FRAMES + 1;
	assert_false(py_frames_of_sample(s, SIZE_MAX, &pf));
	assert_int_equal(pf.n, 0);
	free(s);
}

/* A WS_EV_PY_STACK event of n frames, codes code, code + 16, ... */
static void *py_event(uint32_t tid, uint64_t hash, uint32_t n, uint64_t code,
		      size_t *size)
{
	struct ws_py_event *ev;
	struct ws_py_frame *f;
	uint32_t i;

	*size = sizeof(*ev) + n * sizeof(*f);
	ev = calloc(1, *size);
	assert_non_null(ev);
	ev->type = WS_EV_PY_STACK;
	ev->pid = PID;
	ev->tid = tid;
	ev->hash = hash;
	ev->py.n = n;
	ev->py.truncated = WS_PY_TRUNC_NONE;
	f = (struct ws_py_frame *)(ev + 1);
	for (i = 0; i < n; i++)
		f[i].code = code + 16 * i;
	return ev;
}

static void test_switch_out_stacks(void **state)
{
	struct py_stacks *ps = py_stacks_new();
	struct py_frames pf;
	size_t size;
	void *ev;

	(void)state;
	assert_non_null(ps);
	ev = py_event(100, 0xabc, 1000, REC_CODE, &size);
	assert_int_equal(py_stacks_add(ps, ev, size), 0);
	assert_int_equal(py_stacks_add(ps, ev, size - 8), -EINVAL);
	assert_int_equal(py_stacks_add(ps, ev, 8), -EINVAL);
	free(ev);
	ev = py_event(101, 0, 3, REC_CODE, &size);	/* hash 0: none */
	assert_int_equal(py_stacks_add(ps, ev, size), -EINVAL);
	free(ev);

	assert_true(py_stacks_find(ps, PID, 100, 0xabc, &pf));
	assert_int_equal(pf.n, 1000);
	assert_int_equal(pf.frames[999].code, REC_CODE + 16 * 999);
	/* another hash, pid or thread: not this stack */
	assert_false(py_stacks_find(ps, PID, 100, 0xabd, &pf));
	assert_false(py_stacks_find(ps, PID + 1, 100, 0xabc, &pf));
	assert_false(py_stacks_find(ps, PID, 101, 0xabc, &pf));
	assert_false(py_stacks_find(ps, PID, 100, 0, &pf));
	assert_int_equal(pf.n, 0);

	/* the thread's next stack replaces it; others keep theirs */
	ev = py_event(102, 0x55, 2, BUSY_CODE, &size);
	assert_int_equal(py_stacks_add(ps, ev, size), 0);
	free(ev);
	ev = py_event(100, 0xdef, 2, MODULE_CODE, &size);
	assert_int_equal(py_stacks_add(ps, ev, size), 0);
	free(ev);
	assert_false(py_stacks_find(ps, PID, 100, 0xabc, &pf));
	assert_true(py_stacks_find(ps, PID, 100, 0xdef, &pf));
	assert_int_equal(pf.n, 2);
	assert_int_equal(pf.frames[1].code, MODULE_CODE + 16);
	assert_true(py_stacks_find(ps, PID, 102, 0x55, &pf));
	assert_int_equal(pf.frames[0].code, BUSY_CODE);
	py_stacks_free(ps);
}

static void add_code(struct collector *c, uint64_t code, const char *name)
{
	struct ws_py_code_key key = { .pid = PID, .ident = 7, .code = code };
	struct ws_py_code pc = { .firstlineno = 10 };

	snprintf(pc.name, sizeof(pc.name), "%s", name);
	snprintf(pc.filename, sizeof(pc.filename), "/src/deep.py");
	assert_int_equal(collector_add_py_code(c, &key, &pc), 0);
}

static void add_sample(struct collector *c, const struct proc_table *t,
		       struct ws_sample *s, size_t size)
{
	struct py_context py = { .module = -1, .minor = 11 };

	assert_true(py_frames_of_sample(s, size, &py.stack));
	assert_int_equal(collector_add(c, t, s, NULL, 0, &py), 0);
}

static const char *frame_name(const struct profile *p,
			      const struct stack_sample *st, uint32_t i)
{
	return p->frames[st->frames[i]].name;
}

static void test_merge_into_profile(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	struct collector *c = collector_new();
	struct profile p = { 0 };
	struct proc_table t;
	struct ws_sample *s;
	size_t size, i;
	uint32_t k;

	(void)state;
	assert_non_null(sym);
	assert_non_null(c);
	proc_table_init(&t);
	add_code(c, MODULE_CODE, "<module>");
	add_code(c, REC_CODE, "rec");
	add_code(c, BUSY_CODE, "busy");

	/* 1,000 frames deep, whole: three samples */
	s = sample_with(1000, &size);
	for (i = 0; i < 3; i++)
		add_sample(c, &t, s, size);
	free(s);
	/* the walk met an invalid frame after two: the frames before it */
	s = sample_with(2, &size);
	s->py_frames[1].code = REC_CODE;
	s->py.truncated = WS_PY_TRUNC_INVALID;
	add_sample(c, &t, s, size);
	/* ... or at once: no Python frame, still counted */
	s->py.n = 0;
	add_sample(c, &t, s, size);
	free(s);
	/* deeper than the walk: cut, not invalid; a code never copied */
	s = sample_with(3, &size);
	s->py_frames[0].code = LOST_CODE;
	s->py.truncated = WS_PY_TRUNC_DEPTH;
	add_sample(c, &t, s, size);
	free(s);
	assert_int_equal(collector_finish(c, &t, sym, FX_PERIOD_NS, &p), 0);

	assert_int_equal(p.samples, 6);
	assert_int_equal(p.quality.py_invalid_samples, 2);
	assert_int_equal(p.quality.py_truncated_samples, 2);
	assert_int_equal(p.quality.truncated_samples, 2);
	for (i = 0; i < p.n_stacks; i++) {
		const struct stack_sample *st = &p.stacks[i];

		if (st->count == 3) {		/* root first, all kept */
			assert_int_equal(st->n_frames, 1000);
			assert_false(st->truncated);
			assert_string_equal(frame_name(&p, st, 0), "<module>");
			for (k = 1; k < 999; k++)
				assert_string_equal(frame_name(&p, st, k),
						    "rec");
			assert_string_equal(frame_name(&p, st, 999), "busy");
			assert_string_equal(p.frames[st->frames[0]].file,
					    "/src/deep.py");
		} else if (st->n_frames == 2) {
			assert_true(st->truncated);
			assert_string_equal(frame_name(&p, st, 0), "rec");
			assert_string_equal(frame_name(&p, st, 1), "busy");
		} else if (st->n_frames == 3) {
			assert_true(st->truncated);
			assert_string_equal(frame_name(&p, st, 2),
					    "[python code 0x7f0000004000]");
		} else {
			assert_int_equal(st->n_frames, 0);
		}
	}
	profile_free(&p);
	collector_free(c);
	proc_table_free(&t);
	symbolizer_free(sym);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_frames),
		cmocka_unit_test(test_switch_out_stacks),
		cmocka_unit_test(test_merge_into_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
