// SPDX-License-Identifier: GPL-2.0
/*
 * Recursion folded: a function repeated in a row is one frame with its
 * depth in call paths (aggregate.c) and in the flame graph's tree
 * (flame.c), and every share stays what it was.
 */
#include "profile_fixture.h"
#include "path_check.h"

#include "analyze/aggregate.h"
#include "analyze/flame.h"

/*
 * The directory walker: <module> → main → expand × depth → read_file,
 * 60 samples 36 deep, 30 samples 37 deep, 10 samples 3 deep in open()
 * (libc, kernel), and 5 samples of expand alone at depth 1.
 */
static struct profile *walker_profile(void)
{
	struct profile *p = fx_new("walker");
	uint32_t f[64], mod, main_, exp_l5, exp_l9, rd, op[3], k[2];
	uint32_t depth, n, i;

	mod = fx_frame_at(p, "<module>", "walk.py", CLASS_APP, "walk.py", 50);
	main_ = fx_frame_at(p, "main", "walk.py", CLASS_APP, "walk.py", 44);
	/* one function, two lines: still one function in a row */
	exp_l5 = fx_frame_at(p, "expand", "walk.py", CLASS_APP, "walk.py", 35);
	exp_l9 = fx_frame_at(p, "expand", "walk.py", CLASS_APP, "walk.py", 37);
	rd = fx_frame_at(p, "read_file", "walk.py", CLASS_APP, "walk.py", 27);
	op[0] = fx_frame(p, "open", "libc.so.6", CLASS_RUNTIME);
	op[1] = fx_frame(p, "__open64", "libc.so.6", CLASS_RUNTIME);
	op[2] = fx_frame(p, "__libc_open", "libc.so.6", CLASS_RUNTIME);
	k[0] = fx_frame(p, "do_sys_open", "[kernel]", CLASS_KERNEL);
	k[1] = fx_frame(p, "do_filp_open", "[kernel]", CLASS_KERNEL);

	for (depth = 36; depth <= 37; depth++) {
		n = 0;
		f[n++] = mod;
		f[n++] = main_;
		for (i = 0; i < depth; i++)
			f[n++] = i + 1 < depth ? exp_l5 : exp_l9;
		f[n++] = rd;
		fx_stack_n(p, 1, 1, depth == 36 ? 60 : 30, f, n);
	}
	FX_STACK(p, 1, 1, 10, mod, main_, exp_l5, exp_l5, exp_l9, rd, op[0],
		 op[1], op[2], k[0], k[1]);
	FX_STACK(p, 1, 1, 5, mod, main_, exp_l9);
	return p;
}

static void test_run_length(void **state)
{
	static const uint32_t funcs[] = { 4, 7, 7, 7, 4, 4, 9 };
	struct profile *p = walker_profile();

	(void)state;
	assert_int_equal(path_run_length(funcs, 7, 0), 1);
	assert_int_equal(path_run_length(funcs, 7, 1), 3);
	assert_int_equal(path_run_length(funcs, 7, 3), 1);
	assert_int_equal(path_run_length(funcs, 7, 4), 2);
	assert_int_equal(path_run_length(funcs, 7, 6), 1);
	/* frames at two lines of expand are one run */
	assert_int_equal(stack_run_length(p, &p->stacks[0], 2), 36);
	assert_int_equal(stack_run_length(p, &p->stacks[1], 1), 1);
	assert_int_equal(stack_run_length(p, &p->stacks[2], 2), 3);
	assert_int_equal(stack_run_length(p, &p->stacks[3], 2), 1);
	fx_free(p);
}

static void test_paths_fold_recursion(void **state)
{
	struct profile *p = walker_profile();
	const struct func_stat *expand;
	struct aggregate agg;
	uint64_t sum = 0;
	size_t i;

	(void)state;
	assert_int_equal(aggregate_profile(p, &agg), 0);
	/* Depths stay apart: each path's share is that of its samples. */
	assert_int_equal(agg.n_paths, 4);
	assert_path(&agg, 0, "<module> → main → expand (×36) → read_file");
	assert_int_equal(agg.paths[0].samples, 60);
	assert_path(&agg, 1, "<module> → main → expand (×37) → read_file");
	assert_int_equal(agg.paths[1].samples, 30);
	/* recursion first, then the library and kernel runs */
	assert_path(&agg, 2, "<module> → main → expand (×3) → read_file → "
		    "open → …(1)… → __libc_open → do_sys_open → "
		    "do_filp_open");
	assert_path(&agg, 3, "<module> → main → expand");
	for (i = 0; i < agg.n_paths; i++)
		sum += agg.paths[i].samples;
	assert_int_equal(sum, agg.samples);
	/* Functions count once per sample, however deep. */
	expand = agg_func(&agg, "expand", NULL);
	assert_int_equal(expand->total, 105);
	assert_int_equal(expand->self, 5);
	assert_int_equal(agg_func(&agg, "read_file", NULL)->total, 100);
	aggregate_free(&agg);
	fx_free(p);
}

/* A recursion inside a folded library run counts its frames. */
static void test_library_recursion_in_fold(void **state)
{
	struct profile *p = fx_new("sort");
	uint32_t m, q, ms, cb, f[12], n = 0, i;
	struct aggregate agg;

	(void)state;
	m = fx_frame(p, "main", "sort", CLASS_APP);
	q = fx_frame(p, "qsort", "libc.so.6", CLASS_RUNTIME);
	ms = fx_frame(p, "msort_with_tmp", "libc.so.6", CLASS_RUNTIME);
	cb = fx_frame(p, "cmp", "sort", CLASS_APP);
	f[n++] = m;
	f[n++] = q;
	f[n++] = fx_frame(p, "__qsort_r", "libc.so.6", CLASS_RUNTIME);
	for (i = 0; i < 6; i++)
		f[n++] = ms;
	f[n++] = fx_frame(p, "qsort_cmp", "libc.so.6", CLASS_RUNTIME);
	f[n++] = cb;
	fx_stack_n(p, 1, 1, 9, f, n);
	/* three runtime frames, two of them one recursion: no fold */
	FX_STACK(p, 1, 1, 3, m, q, ms, ms, cb);
	/* mutual recursion is not a run */
	FX_STACK(p, 1, 1, 2, m, cb, m, cb);
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_path(&agg, 0, "main → qsort → …(7)… → qsort_cmp → cmp");
	assert_path(&agg, 1, "main → qsort → msort_with_tmp (×2) → cmp");
	assert_path(&agg, 2, "main → cmp → main → cmp");
	aggregate_free(&agg);
	fx_free(p);
}

static uint32_t child_named(const struct flame_tree *t, uint32_t parent,
			    const char *name)
{
	uint32_t c;

	for (c = parent + 1; c < flame_end(t, parent); c += t->nodes[c].size)
		if (!strcmp(t->nodes[c].name, name))
			return c;
	fail_msg("no child %s under %s", name, t->nodes[parent].name);
	return 0;
}

static void test_flame_folds_recursion(void **state)
{
	struct profile *p = walker_profile();
	uint32_t m, mainn, e36, e37, e3, e1, rd;
	struct flame_tree t;

	(void)state;
	assert_int_equal(flame_build(p, &t), 0);
	m = child_named(&t, 0, "<module>");
	mainn = child_named(&t, m, "main");
	e36 = child_named(&t, mainn, "expand (×36)");
	e37 = child_named(&t, mainn, "expand (×37)");
	e3 = child_named(&t, mainn, "expand (×3)");
	e1 = child_named(&t, mainn, "expand");
	assert_int_equal(t.nodes[e36].repeat, 36);
	assert_string_equal(t.nodes[e36].func, "expand");
	assert_int_equal(t.nodes[e1].repeat, 1);
	/* widths are the samples through each node, exactly */
	assert_int_equal(t.nodes[0].ns, 105 * FX_PERIOD_NS);
	assert_int_equal(t.nodes[mainn].ns, 105 * FX_PERIOD_NS);
	assert_int_equal(t.nodes[e36].ns, 60 * FX_PERIOD_NS);
	assert_int_equal(t.nodes[e37].ns, 30 * FX_PERIOD_NS);
	assert_int_equal(t.nodes[e3].ns, 10 * FX_PERIOD_NS);
	assert_int_equal(t.nodes[e1].ns, 5 * FX_PERIOD_NS);
	rd = child_named(&t, e36, "read_file");
	assert_int_equal(t.nodes[rd].ns, 60 * FX_PERIOD_NS);
	assert_int_equal(t.nodes[rd].depth, 4);
	/* the deepest: all, <module>, main, expand (×3), read_file, open,
	 * __open64, __libc_open, do_sys_open, do_filp_open */
	assert_int_equal(t.max_depth, 9);
	/* siblings in order: the same function by depth */
	assert_true(e1 < e3 && e3 < e36 && e36 < e37);
	flame_free(&t);
	fx_free(p);
}

/* The differential graph matches recursions of equal depth only. */
static void test_flame_match_depths(void **state)
{
	struct profile *before = walker_profile(), *after = walker_profile();
	struct flame_tree tb, ta;
	uint32_t *match, mainb, maina;
	uint64_t vanished;

	(void)state;
	after->stacks[1].n_frames = 6;	/* 37 deep becomes 3 deep */
	after->stacks[1].frames[5] = after->stacks[0].frames[38];
	assert_int_equal(flame_build(before, &tb), 0);
	assert_int_equal(flame_build(after, &ta), 0);
	match = calloc(ta.n_nodes, sizeof(*match));
	assert_non_null(match);
	flame_match(&tb, &ta, match, &vanished);
	mainb = child_named(&tb, child_named(&tb, 0, "<module>"), "main");
	maina = child_named(&ta, child_named(&ta, 0, "<module>"), "main");
	assert_int_equal(match[child_named(&ta, maina, "expand (×36)")],
			 child_named(&tb, mainb, "expand (×36)"));
	assert_int_equal(match[child_named(&ta, maina, "expand (×3)")],
			 child_named(&tb, mainb, "expand (×3)"));
	/* the 37-deep path is gone from after */
	assert_int_equal(vanished, 30 * FX_PERIOD_NS);
	free(match);
	flame_free(&ta);
	flame_free(&tb);
	fx_free(before);
	fx_free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_length),
		cmocka_unit_test(test_paths_fold_recursion),
		cmocka_unit_test(test_library_recursion_in_fold),
		cmocka_unit_test(test_flame_folds_recursion),
		cmocka_unit_test(test_flame_match_depths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
