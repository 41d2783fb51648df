// SPDX-License-Identifier: GPL-2.0
/* pprof: profiles other tools wrote (Go, perf, a whyslow profile
 * re-encoded by go tool pprof), built with the wire helpers. */
#include "pprof_check.h"

/* main → work → (inlined) hash: 30 samples; main → idle: 10. */
static uint8_t *go_cpu_profile(size_t *len)
{
	struct builder bd = { 0 };
	struct pb_buf m = { 0 };

	str_of(&bd, "");
	value_type(&bd, 1, "samples", "count");
	value_type(&bd, 1, "cpu", "nanoseconds");
	pb_uint(&m, 1, 1);
	pb_uint(&m, 5, str_of(&bd, "/usr/local/bin/server"));
	pb_msg(&bd.b, 3, &m);
	pb_buf_free(&m);
	function(&bd, 1, "main.main", "/src/main.go");
	function(&bd, 2, "main.work", "/src/work.go");
	function(&bd, 3, "main.hash", "/src/hash.go");
	function(&bd, 4, "runtime.usleep", "/go/src/runtime/sys.s");
	location(&bd, 10, 1, 12, 0);
	location(&bd, 11, 2, 30, 3);	/* hash inlined into work */
	location(&bd, 12, 4, 99, 0);
	sample(&bd, (const uint64_t[]){ 11, 10 }, 2, 30, 300 * MS);
	sample(&bd, (const uint64_t[]){ 12, 10 }, 2, 10, 100 * MS);
	value_type(&bd, 11, "cpu", "nanoseconds");
	pb_int(&bd.b, 12, 10 * MS);
	pb_int(&bd.b, 10, 2000 * MS);
	return finish(&bd, len);
}

static void test_foreign_go_profile(void **state)
{
	struct profile p;
	const struct stack_sample *s;
	uint8_t *data;
	size_t len;
	char *md;

	(void)state;
	data = go_cpu_profile(&len);
	decode_ok(data, len, &p);
	assert_int_equal(p.n_stacks, 2);
	assert_int_equal(p.samples, 40);
	assert_int_equal(p.period_ns, 10 * MS);
	assert_int_equal(p.wall_ns, 2000 * MS);
	s = &p.stacks[0];
	/* root first: main, work, then the inlined hash */
	assert_int_equal(s->n_frames, 3);
	assert_string_equal(p.frames[s->frames[0]].name, "main.main");
	assert_string_equal(p.frames[s->frames[1]].name, "main.work");
	assert_string_equal(p.frames[s->frames[2]].name, "main.hash");
	assert_int_equal(p.frames[s->frames[2]].line, 7);
	assert_true(p.frames[s->frames[2]].inlined);
	assert_false(p.frames[s->frames[1]].inlined);
	assert_string_equal(p.frames[s->frames[0]].module, "server");
	assert_int_equal(s->ns, 300 * MS);
	assert_int_equal(s->count, 30);
	assert_int_equal(p.frames[p.stacks[1].frames[1]].cls, CLASS_RUNTIME);
	assert_int_equal(p.n_notes, 1);
	md = render_fmt(&p, FORMAT_MD);
	assert_non_null(strstr(md, "main.hash"));
	free(md);
	profile_free(&p);
	free(data);
}

/*
 * Another tool's C and C++ names: a clone suffix folds into its function
 * (two builds' functions match in a diff), the symbol kept; a system_name
 * of its own (pprof-rs: demangled name, mangled symbol) is kept as it is.
 */
static void test_foreign_symbols(void **state)
{
	struct builder bd = { 0 };
	struct pb_buf m = { 0 };
	struct profile p;
	const struct frame *f;
	uint8_t *data;
	size_t len;

	(void)state;
	str_of(&bd, "");
	value_type(&bd, 1, "samples", "count");
	value_type(&bd, 1, "cpu", "nanoseconds");
	pb_uint(&m, 1, 1);
	pb_uint(&m, 5, str_of(&bd, "/usr/local/bin/app"));
	pb_msg(&bd.b, 3, &m);
	pb_buf_free(&m);
	function(&bd, 1, "crunch.constprop.0", "/src/app.c");
	function_sym(&bd, 2, "geo::Index<int>::rebuild(int)",
		     "_ZN3geo5IndexIiE7rebuildEi", "/src/geo.cc");
	function_sym(&bd, 3, "main", "main", "/src/app.c");
	location(&bd, 10, 3, 5, 0);
	location(&bd, 11, 1, 9, 0);
	location(&bd, 12, 2, 20, 0);
	sample(&bd, (const uint64_t[]){ 11, 10 }, 2, 30, 300 * MS);
	sample(&bd, (const uint64_t[]){ 12, 10 }, 2, 10, 100 * MS);
	data = finish(&bd, &len);
	decode_ok(data, len, &p);
	f = &p.frames[p.stacks[0].frames[1]];
	assert_string_equal(f->name, "crunch");
	assert_string_equal(f->system_name, "crunch.constprop.0");
	f = &p.frames[p.stacks[1].frames[1]];
	assert_string_equal(f->name, "geo::Index<int>::rebuild(int)");
	assert_string_equal(f->system_name, "_ZN3geo5IndexIiE7rebuildEi");
	f = &p.frames[p.stacks[0].frames[0]];
	assert_string_equal(f->name, "main");
	assert_null(f->system_name);
	profile_free(&p);
	free(data);
}

/*
 * Another tool's file says nothing of whyslow's counters: Data quality
 * invents none (losses, --fp-only, symbols), the title no user/sys split.
 */
static void test_foreign_quality(void **state)
{
	struct profile p;
	uint8_t *data;
	size_t len;
	char *md;

	(void)state;
	data = go_cpu_profile(&len);
	decode_ok(data, len, &p);
	assert_true(p.foreign);
	md = render_fmt(&p, FORMAT_MD);
	assert_in_order(md, (const char *const[]){
		"CPU time 400.0 ms, 40 samples of 10.0 ms each.",
		"## Data quality",
		"- Samples: 40 in the file; losses, truncation and "
		"symbolization were not recorded.",
		"- Uncertainty:",
	}, 4);
	assert_lacks(md, "waits from the file");
	assert_lacks(md, "--fp-only");
	assert_lacks(md, "ring buffer");
	assert_lacks(md, "(user ");
	assert_lacks(md, "Frames without symbols");
	assert_lacks(md, "Stack read errors");
	free(md);
	profile_free(&p);
	free(data);
}

/* A Go heap profile: bytes and objects are no time: refused, saying so. */
static void test_foreign_untimed(void **state)
{
	struct builder bd = { 0 };
	uint8_t *data;
	size_t len;

	(void)state;
	str_of(&bd, "");
	value_type(&bd, 1, "alloc_objects", "count");
	value_type(&bd, 1, "alloc_space", "bytes");
	function(&bd, 1, "main.alloc", "/src/main.go");
	location(&bd, 10, 1, 12, 0);
	sample(&bd, (const uint64_t[]){ 10 }, 1, 30, 595211 * MS);
	value_type(&bd, 11, "space", "bytes");
	pb_int(&bd.b, 12, 524288);
	data = finish(&bd, &len);
	decode_fails(data, len, "its values (alloc_objects/count, "
		     "alloc_space/bytes) measure no time");
	free(data);
}

/*
 * perf_to_profile's layout: "cycles_sample/count" and "cycles_event/count"
 * (the events' periods added up): the samples count, one period each.
 */
static void test_foreign_perf_counts(void **state)
{
	struct builder bd = { 0 };
	struct profile p;
	uint8_t *data;
	size_t len;

	(void)state;
	str_of(&bd, "");
	value_type(&bd, 1, "cycles_sample", "count");
	value_type(&bd, 1, "cycles_event", "count");
	function(&bd, 1, "main", "/src/main.c");
	location(&bd, 10, 1, 12, 0);
	sample(&bd, (const uint64_t[]){ 10 }, 1, 30, 90000000);
	data = finish(&bd, &len);
	decode_ok(data, len, &p);
	assert_int_equal(p.samples, 30);
	assert_int_equal(p.stacks[0].ns, 30 * p.period_ns);
	assert_non_null(strstr(p.notes[0], "cycles_sample/count"));
	profile_free(&p);
	free(data);
}

/* A sample of whyslow's five values with labels, as go tool pprof
 * -proto writes one back. */
static void ws_sample(struct builder *bd, uint64_t loc, const uint64_t *v,
		      const char *reason, const char *syscall)
{
	struct pb_buf s = { 0 }, l = { 0 };

	pb_packed(&s, 1, &loc, 1);
	pb_packed(&s, 2, v, 5);
	pb_uint(&l, 1, str_of(bd, "tid"));
	pb_int(&l, 3, 7);
	pb_msg(&s, 3, &l);
	l.len = 0;
	if (reason) {
		pb_uint(&l, 1, str_of(bd, "reason"));
		pb_uint(&l, 2, str_of(bd, reason));
		pb_msg(&s, 3, &l);
		l.len = 0;
		pb_uint(&l, 1, str_of(bd, "syscall"));
		pb_uint(&l, 2, str_of(bd, syscall));
		pb_msg(&s, 3, &l);
	}
	pb_msg(&bd->b, 2, &s);
	pb_buf_free(&s);
	pb_buf_free(&l);
}

/*
 * A whyslow profile re-encoded by go tool pprof -proto (field 15 gone):
 * the waits come back from the values and the reason labels.
 */
static void test_reencoded_waits(void **state)
{
	static const char *const types[] = { "samples", "count", "cpu",
		"nanoseconds", "waits", "count", "offcpu", "nanoseconds",
		"wall", "nanoseconds" };
	struct builder bd = { 0 };
	struct profile p;
	uint8_t *data;
	size_t len, i;
	char *md;

	(void)state;
	str_of(&bd, "");
	for (i = 0; i < 10; i += 2)
		value_type(&bd, 1, types[i], types[i + 1]);
	function(&bd, 1, "main", "/src/app.c");
	location(&bd, 1, 1, 5, 0);
	ws_sample(&bd, 1, (const uint64_t[]){ 100, 1000 * MS, 0, 0,
		  1000 * MS }, NULL, NULL);
	ws_sample(&bd, 1, (const uint64_t[]){ 0, 0, 3, 2000 * MS,
		  2000 * MS }, "sleep", "nanosleep");
	ws_sample(&bd, 1, (const uint64_t[]){ 0, 0, 1, 500 * MS, 500 * MS },
		  "bogus", "nanosleep");
	value_type(&bd, 11, "cpu", "nanoseconds");
	pb_int(&bd.b, 12, 10 * MS);
	pb_int(&bd.b, 13, str_of(&bd, "./app --fast"));
	pb_int(&bd.b, 10, 3000 * MS);
	data = finish(&bd, &len);
	decode_ok(data, len, &p);
	assert_string_equal(p.command, "./app --fast");
	assert_int_equal(p.samples, 100 + 0);
	assert_int_equal(p.stacks[0].reason, WAIT_NONE);
	assert_int_equal(p.stacks[0].ns, 1000 * MS);
	assert_int_equal(p.stacks[1].reason, WAIT_SLEEP);
	assert_int_equal(p.stacks[1].count, 3);
	assert_int_equal(p.stacks[1].ns, 2000 * MS);
	assert_string_equal(wait_syscall_name(p.stacks[1].syscall),
			    "nanosleep");
	/* a reason whyslow does not know is on-CPU: its cpu value, 0 */
	assert_int_equal(p.stacks[2].reason, WAIT_NONE);
	assert_int_equal(p.stacks[2].ns, 0);
	assert_true(p.quality.offcpu);
	md = render_fmt(&p, FORMAT_MD);
	assert_in_order(md, (const char *const[]){
		"# whyslow: ./app --fast",
		"| sleep | 2.00 s |",
		"- Off-CPU: waits from the file's values and reason labels.",
		"re-encoded (go tool pprof -proto)",
	}, 4);
	free(md);
	profile_free(&p);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_go_profile),
		cmocka_unit_test(test_foreign_symbols),
		cmocka_unit_test(test_foreign_quality),
		cmocka_unit_test(test_foreign_untimed),
		cmocka_unit_test(test_foreign_perf_counts),
		cmocka_unit_test(test_reencoded_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
