// SPDX-License-Identifier: GPL-2.0
/*
 * The offsets against each live CPython installed: the ground truth
 * script (python_truth.h) copied code objects and walked its own frames
 * the way the BPF walker does, and printed its mappings of the file
 * defining _PyRuntime; the copies, the walked frames' lines and the
 * addresses found from the mappings must be what CPython says.  A
 * version that is not installed is skipped, by name.
 */
#include "python_truth.h"

/*
 * The offsets against the live interpreter: the script copied code
 * objects and walked its own frames with them; the copies must equal what
 * Python says, and each walked frame's instruction must decode to the
 * frame's f_lineno.
 */
static void test_live(void **state)
{
	static const char *const names[] = {
		"report_walk", "inner", "gen", "method", "main", "<module>",
	};
	static const char *const qualnames[] = {
		"report_walk", "K.gen.<locals>.inner", "K.gen", "K.method",
		"main", "<module>",
	};
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	size_t i;

	for (i = 0; i < t->n_codes; i++) {
		const struct code_dump *d = &t->codes[i];

		assert_int_equal(d->first_mem, d->first_attr);
		assert_int_equal(d->lt_mem_len, d->lt_attr_len);
		assert_memory_equal(d->lt_mem, d->lt_attr, d->lt_mem_len);
	}
	assert_int_equal(t->n_walk, 6);
	for (i = 0; i < t->n_walk; i++) {
		const struct walk_frame *w = &t->walk[i];
		const struct code_dump *d = find_dump(t, w->tag);
		struct ws_py_code c;
		struct python_frame f;

		assert_int_equal(w->same_code, 1);
		assert_true(w->instr >= 0 && w->instr < (long)d->units);
		code_from_dump(d, true, &c);
		assert_int_equal(python_code_resolve(&c, in->minor, w->instr,
						     &f), 0);
		if (f.line != w->line)
			fail_msg("%s frame %zu (%s): instruction %ld decodes to "
				 "line %d, f_lineno is %d", in->label, i,
				 f.name, w->instr, f.line, w->line);
		assert_string_equal(f.name, in->minor >= 11 ? qualnames[i] :
							       names[i]);
	}
}

static void test_runtime_address(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct python_info *info = &in->info;
	struct ws_py_proc proc = { 0 };
	size_t i, n_runtime = 0, n_code_type = 0;

	assert_true(t->n_maps >= 2);
	for (i = 0; i < t->n_maps; i++) {
		const struct live_map *m = &t->maps[i];
		uint64_t a;

		a = python_runtime_address(info, info->runtime_vaddr, m->start,
					   m->end, m->pgoff);
		if (a) {
			assert_int_equal(a, t->runtime);
			n_runtime++;
		}
		a = python_runtime_address(info, info->code_type_vaddr,
					   m->start, m->end, m->pgoff);
		if (a) {
			assert_int_equal(a, t->code_type);
			n_code_type++;
		}
		python_proc_add_mapping(info, m->start, m->end, m->pgoff,
					&proc);
	}
	/* the mapping that holds it, and the code's, which gives the load
	 * bias: the same address */
	assert_int_equal(n_runtime, 2);
	assert_int_equal(n_code_type, 2);
	assert_int_equal(proc.runtime, t->runtime);
	assert_int_equal(proc.code_type, t->code_type);
	assert_memory_equal(&proc.off, &info->off, sizeof(proc.off));
}

/* The side-band reports code mappings only: the code's mapping alone
 * finds _PyRuntime and PyCode_Type. */
static void test_runtime_from_code(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct python_info *info = &in->info;
	const struct python_segment *x = &info->exec_seg;
	struct ws_py_proc proc = { 0 };
	size_t i, n = 0;

	assert_true(x->filesz > 0);
	for (i = 0; i < t->n_maps; i++) {
		const struct live_map *m = &t->maps[i];

		if (m->pgoff < (x->offset & ~4095ull) ||
		    m->pgoff >= x->offset + x->filesz)
			continue;
		n++;
		assert_true(python_proc_add_mapping(info, m->start, m->end,
						    m->pgoff, &proc));
	}
	assert_int_equal(n, 1);
	assert_int_equal(proc.runtime, t->runtime);
	assert_int_equal(proc.code_type, t->code_type);
}

static const struct per_interp per_interp[] = {
	{ "live", test_live },
	{ "runtime_address", test_runtime_address },
	{ "runtime_from_code", test_runtime_from_code },
};

int main(void)
{
	return run_python_tests("python_live", per_interp,
				ARRAY_SIZE(per_interp), NULL, 0);
}
