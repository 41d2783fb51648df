// SPDX-License-Identifier: GPL-2.0
/*
 * Rows that would show alike are one: hot call paths once folded
 * (pathfmt.c), waits by what the table shows of them (waitrows.c).
 */
#include "profile_fixture.h"

#include "analyze/aggregate.h"

/*
 * main → sort → intro (×depth, runtime, with a runtime frame between
 * each) → part: std::sort's recursion, one path per depth; then a path to
 * another leaf, and one that folds nothing.
 */
static struct profile *sort_profile(void)
{
	struct profile *p = fx_new("./cpp");
	uint32_t m, sort, intro, mid, part, less, other, f[32], n, d, k;

	m = fx_frame(p, "main", "cpp", CLASS_APP);
	sort = fx_frame(p, "std::sort", "cpp", CLASS_RUNTIME);
	intro = fx_frame(p, "std::__introsort_loop", "cpp", CLASS_RUNTIME);
	mid = fx_frame(p, "std::__move_median", "cpp", CLASS_RUNTIME);
	part = fx_frame(p, "std::__unguarded_partition", "cpp",
			CLASS_RUNTIME);
	less = fx_frame(p, "std::less", "cpp", CLASS_RUNTIME);
	other = fx_frame(p, "other", "cpp", CLASS_APP);
	/* depth d: main sort (intro mid)×d part; hides 2d frames */
	for (d = 1; d <= 4; d++) {
		n = 0;
		f[n++] = m;
		f[n++] = sort;
		for (k = 0; k < d; k++) {
			f[n++] = intro;
			f[n++] = mid;
		}
		f[n++] = part;
		fx_stack_n(p, 1, 1, 10 * d, f, n);
	}
	FX_STACK(p, 1, 1, 15, m, sort, intro, mid, less);
	FX_STACK(p, 1, 1, 90, m, other);
	return p;
}

/* A profile's hot-path rows, and what they were built from. */
struct rows {
	struct aggregate agg;
	struct path_row *rows;
	size_t n;
};

static void rows_build(struct profile *p, struct rows *r)
{
	assert_int_equal(aggregate_profile(p, &r->agg), 0);
	assert_int_equal(path_rows_build(&r->agg, &r->rows, &r->n), 0);
}

/* r's rows and aggregate, and p. */
static void rows_free(struct profile *p, struct rows *r)
{
	path_rows_free(r->rows, r->n);
	aggregate_free(&r->agg);
	fx_free(p);
}

static void test_rows_merge_fold_counts(void **state)
{
	struct profile *p = sort_profile();
	struct rows r;

	(void)state;
	rows_build(p, &r);
	assert_int_equal(r.agg.n_paths, 6);
	assert_int_equal(r.n, 3);
	/* 10 + 20 + 30 + 40 samples, hidden 2 to 8 frames */
	assert_int_equal(r.rows[0].samples, 100);
	assert_int_equal(r.rows[0].ns, 100 * FX_PERIOD_NS);
	assert_int_equal(r.rows[0].n_paths, 4);
	assert_string_equal(r.rows[0].text, "main → std::sort → …(2–8)… → "
			    "std::__unguarded_partition");
	assert_int_equal(r.agg.paths[r.rows[0].first].samples, 40);
	assert_int_equal(r.rows[1].samples, 90);
	assert_string_equal(r.rows[1].text, "main → other");
	assert_int_equal(r.rows[1].n_paths, 1);
	/* a single path keeps its count */
	assert_int_equal(r.rows[2].samples, 15);
	assert_string_equal(r.rows[2].text, "main → std::sort → …(2)… → "
			    "std::less");
	rows_free(p, &r);
}

/*
 * A template expander: <module> → expand (×depth) → read_file → _io_open
 * → 1 or 2 runtime frames → _PyObject_Call → ksys_read, at depths 34 to
 * 37; expand (×36) to another leaf; expand once, not recursing, to the
 * same leaf; expand (×2) → include → expand (×3) → read_file, two
 * recursions in one path.
 */
static void test_rows_merge_recursion_depths(void **state)
{
	struct profile *p = fx_new("python3 ot.py");
	uint32_t mod, ex, rf, inc, op, tw, enc, io, rd, spl, f[64], n, d, k;
	struct rows r;

	(void)state;
	mod = fx_frame(p, "<module>", "ot.py", CLASS_APP);
	ex = fx_frame(p, "expand", "ot.py", CLASS_APP);
	rf = fx_frame(p, "read_file", "ot.py", CLASS_APP);
	inc = fx_frame(p, "include", "ot.py", CLASS_APP);
	op = fx_frame(p, "_io_open", "python3", CLASS_RUNTIME);
	tw = fx_frame(p, "textiowrapper_init", "python3", CLASS_RUNTIME);
	enc = fx_frame(p, "_PyCodec_Lookup", "python3", CLASS_RUNTIME);
	io = fx_frame(p, "_PyObject_Call", "python3", CLASS_RUNTIME);
	rd = fx_frame(p, "ksys_read", "[kernel]", CLASS_KERNEL);
	spl = fx_frame(p, "unicode_split", "python3", CLASS_RUNTIME);
	for (d = 34; d <= 37; d++) {
		n = 0;
		f[n++] = mod;
		for (k = 0; k < d; k++)
			f[n++] = ex;
		f[n++] = rf;
		f[n++] = op;
		/* a fold that hides 1 or 2 frames */
		f[n++] = tw;
		if (d % 2)
			f[n++] = enc;
		f[n++] = io;
		f[n++] = rd;
		fx_stack_n(p, 1, 1, d - 30, f, n);
	}
	n = 0;
	f[n++] = mod;
	for (k = 0; k < 36; k++)
		f[n++] = ex;
	f[n++] = spl;
	fx_stack_n(p, 1, 1, 20, f, n);
	FX_STACK(p, 1, 1, 4, mod, ex, rf, op, tw, io, rd);
	FX_STACK(p, 1, 1, 2, mod, ex, ex, inc, ex, ex, ex, rf);
	FX_STACK(p, 1, 1, 1, mod, ex, ex, ex, inc, ex, ex, rf);
	rows_build(p, &r);
	assert_int_equal(r.n, 4);
	/* 4 + 5 + 6 + 7 samples */
	assert_int_equal(r.rows[0].samples, 22);
	assert_int_equal(r.rows[0].n_paths, 4);
	assert_string_equal(r.rows[0].text, "<module> → expand (×34–37) → "
			    "read_file → _io_open → …(1–2)… → _PyObject_Call → "
			    "ksys_read");
	assert_int_equal(r.agg.paths[r.rows[0].first].samples, 7);
	assert_int_equal(r.rows[1].samples, 20);
	assert_string_equal(r.rows[1].text, "<module> → expand (×36) → "
			    "unicode_split");
	/* not recursing is another path */
	assert_int_equal(r.rows[2].samples, 4);
	assert_string_equal(r.rows[2].text, "<module> → expand → read_file → "
			    "_io_open → …(1)… → _PyObject_Call → ksys_read");
	/* each recursion its own range */
	assert_int_equal(r.rows[3].samples, 3);
	assert_string_equal(r.rows[3].text, "<module> → expand (×2–3) → "
			    "include → expand (×2–3) → read_file");
	rows_free(p, &r);
}

/* A program's names can read like a path's arrows: two shapes that read
 * alike stay two rows (merging them read past the shorter one's). */
static void test_rows_names_like_arrows(void **state)
{
	struct profile *p = fx_new("./odd");
	uint32_t m, x, y, xy;
	struct rows r;

	(void)state;
	m = fx_frame(p, "main", "odd", CLASS_APP);
	x = fx_frame(p, "x", "odd", CLASS_APP);
	y = fx_frame(p, "y", "odd", CLASS_APP);
	xy = fx_frame(p, "x → y", "odd", CLASS_APP);
	FX_STACK(p, 1, 1, 5, m, x, y);
	FX_STACK(p, 1, 1, 4, m, xy);
	rows_build(p, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.rows[0].samples, 5);
	assert_int_equal(r.rows[1].samples, 4);
	assert_string_equal(r.rows[0].text, "main → x → y");
	assert_string_equal(r.rows[1].text, "main → x → y");
	rows_free(p, &r);
}

static void test_rows_empty(void **state)
{
	struct profile *p = fx_new("./none");
	struct rows r = { .n = 7 };

	(void)state;
	rows_build(p, &r);
	assert_int_equal(r.n, 0);
	rows_free(p, &r);
}

/*
 * Waits for a CPU in sort at one line from three call paths, one at
 * another line, a lock wait there too, and two without a stack.
 */
static void test_wait_rows(void **state)
{
	struct profile *p = fx_new("./cpp");
	uint32_t m, a, b, s10, s11, lib;
	struct wait_row *rows;
	struct aggregate agg;
	size_t n;

	(void)state;
	m = fx_frame_at(p, "main", "cpp", CLASS_APP, "cpp.cpp", 1);
	a = fx_frame_at(p, "a", "cpp", CLASS_APP, "cpp.cpp", 2);
	b = fx_frame_at(p, "b", "cpp", CLASS_APP, "cpp.cpp", 3);
	s10 = fx_frame_at(p, "sort", "cpp", CLASS_APP, "cpp.cpp", 10);
	s11 = fx_frame_at(p, "sort", "cpp", CLASS_APP, "cpp.cpp", 11);
	lib = fx_frame(p, "memmove", "libc.so.6", CLASS_RUNTIME);
	FX_WAIT(p, 1, 1, 4, WAIT_CPU, 400, NULL, m, a, s10);
	FX_WAIT(p, 1, 1, 3, WAIT_CPU, 300, NULL, m, b, s10);
	FX_WAIT(p, 1, 1, 2, WAIT_CPU, 200, NULL, m, a, s10, lib);
	FX_WAIT(p, 1, 1, 1, WAIT_CPU, 250, NULL, m, s11);
	FX_WAIT(p, 1, 1, 1, WAIT_LOCK, 350, NULL, m, a, s10);
	fx_wait(p, fx_stack_n(p, 1, 1, 5, NULL, 0), WAIT_CPU, 50, NULL);
	fx_wait(p, fx_stack_n(p, 2, 2, 5, NULL, 0), WAIT_CPU, 60, NULL);
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(agg.n_waits, 6);
	assert_int_equal(wait_rows_build(&agg, &rows, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].reason, WAIT_CPU);
	assert_int_equal(rows[0].ns, 900);
	assert_int_equal(rows[0].count, 9);
	assert_int_equal(rows[0].n_waits, 3);
	assert_int_equal(rows[0].where->line, 10);
	assert_int_equal(agg.waits[rows[0].first].ns, 400);
	assert_int_equal(rows[1].reason, WAIT_LOCK);
	assert_int_equal(rows[1].ns, 350);
	assert_int_equal(rows[2].ns, 250);
	assert_int_equal(rows[2].where->line, 11);
	assert_null(rows[3].where);
	assert_int_equal(rows[3].ns, 110);
	assert_int_equal(rows[3].count, 10);
	free(rows);
	aggregate_free(&agg);
	fx_free(p);
}

/*
 * grep_file waits on the disk reading 20 files a little each and one a
 * lot, and once with no target; grep_dir on two, as long each: the 20
 * are one row, shown by the longest, with their count; the others keep
 * theirs.
 */
static void test_wait_rows_many_targets(void **state)
{
	struct profile *p = fx_new("grep -r x /d");
	uint32_t m, f, g;
	struct wait_row *rows;
	struct aggregate agg;
	char target[32];
	size_t n, i;

	(void)state;
	m = fx_frame_at(p, "main", "grep", CLASS_APP, "grep.c", 1);
	f = fx_frame_at(p, "grep_file", "grep", CLASS_APP, "grep.c", 5);
	g = fx_frame_at(p, "grep_dir", "grep", CLASS_APP, "grep.c", 9);
	for (i = 0; i < 20; i++) {
		snprintf(target, sizeof(target), "read /d/%zu", i);
		FX_WAIT(p, 1, 1, 1, WAIT_DISK, i == 7 ? 11 : 10, target, m,
			f)->cp_ns = 10;
	}
	FX_WAIT(p, 1, 1, 1, WAIT_DISK, 300, "read /d/big", m, f);
	FX_WAIT(p, 1, 1, 1, WAIT_DISK, 5, NULL, m, f);
	FX_WAIT(p, 1, 1, 1, WAIT_DISK, 1, "getdents64 /d/a", m, g);
	FX_WAIT(p, 1, 1, 1, WAIT_DISK, 1, "getdents64 /d/b", m, g);
	assert_int_equal(aggregate_profile(p, &agg), 0);
	assert_int_equal(wait_rows_build(&agg, &rows, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(rows[0].target, "read /d/big");
	assert_int_equal(rows[0].n_targets, 1);
	assert_string_equal(rows[1].target, "read /d/7");
	assert_int_equal(rows[1].n_targets, 20);
	assert_int_equal(rows[1].ns, 201);
	assert_int_equal(rows[1].cp_ns, 200);
	assert_int_equal(rows[1].count, 20);
	assert_int_equal(rows[1].n_waits, 20);
	assert_int_equal(rows[1].where->line, 5);
	assert_null(rows[2].target);
	assert_int_equal(rows[2].ns, 5);
	for (i = 3; i < 5; i++) {
		assert_int_equal(rows[i].n_targets, 1);
		assert_int_equal(rows[i].where->line, 9);
	}
	free(rows);
	aggregate_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_merge_fold_counts),
		cmocka_unit_test(test_rows_merge_recursion_depths),
		cmocka_unit_test(test_rows_names_like_arrows),
		cmocka_unit_test(test_rows_empty),
		cmocka_unit_test(test_wait_rows),
		cmocka_unit_test(test_wait_rows_many_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
