// SPDX-License-Identifier: GPL-2.0
/*
 * The summary read by someone who did not write the program: whose call a
 * runtime function is, rows that would look alike merged, shares that
 * cannot pass 100% unexplained, and what to do about missing names.
 */
#include "report_fixture.h"

/*
 * ./cpp: std::sort's partition (runtime, inlined into the program) is the
 * hottest function, called from sort_many at line 40 most and from build.
 */
static struct profile *sort_profile(bool on_path)
{
	struct profile *p = fx_new("./cpp");
	uint32_t m, s40, b, sort, part;
	size_t i;

	p->root_pid = 1;
	fx_proc(p, 1, 0, "cpp", "/tmp/cpp");
	m = fx_frame_at(p, "main", "cpp", CLASS_APP, "cpp.cpp", 50);
	s40 = fx_frame_at(p, "sort_many<double>", "cpp", CLASS_APP, "cpp.cpp",
			  40);
	b = fx_frame_at(p, "build", "cpp", CLASS_APP, "cpp.cpp", 45);
	sort = fx_frame_at(p, "std::sort<…>", "cpp", CLASS_RUNTIME,
			   "stl_algo.h", 4800);
	part = fx_frame_at(p, "std::__unguarded_partition<…>", "cpp",
			   CLASS_RUNTIME, "stl_algo.h", 1867);
	FX_STACK(p, 1, 1, 600, m, s40, sort, part);
	FX_STACK(p, 1, 1, 300, m, b, sort, part);
	FX_STACK(p, 1, 1, 100, m, b);
	if (!on_path)
		return p;
	p->wall_ns = 0;
	for (i = 0; i < p->n_stacks; i++) {
		p->stacks[i].cp_ns = p->stacks[i].ns;
		p->wall_ns += p->stacks[i].ns;
	}
	p->critical.ns = p->wall_ns;
	p->critical.programs = calloc(1, sizeof(*p->critical.programs));
	assert_non_null(p->critical.programs);
	p->critical.programs[0].name = fx_strdup("cpp");
	p->critical.programs[0].ns = p->wall_ns;
	p->critical.n_programs = 1;
	return p;
}

static void test_verdict_names_caller(void **state)
{
	struct profile *p = sort_profile(true);
	char *md = render_md(p), *json = render(p, FORMAT_JSON, 0, 0);

	(void)state;
	assert_contains(md, "most in `std::__unguarded_partition<…>` (runtime, "
			"stl_algo.h:1867) called from `sort_many<double>` "
			"(cpp.cpp:40), 90.0% of the wall time with its "
			"callees.");
	assert_contains(json, "\"verdict_function\": {\"name\": "
			"\"std::__unguarded_partition<…>\", \"module\": "
			"\"cpp\", \"class\": \"runtime\", \"called_from\": "
			"{\"name\": \"sort_many<double>\", \"file\": "
			"\"cpp.cpp\", \"line\": 40, \"ns\": 6000000000}}");
	assert_contains(json, "called from `sort_many<double>` (cpp.cpp:40)");
	free(md);
	free(json);
	fx_free(p);
}

/* Without a critical path the on-CPU verdict names the caller too. */
static void test_cpu_verdict_names_caller(void **state)
{
	struct profile *p = sort_profile(false);
	char *md = render_md(p);

	(void)state;
	assert_contains(md, "`std::__unguarded_partition<…>` (runtime, "
			"stl_algo.h:1867) called from `sort_many<double>` "
			"(cpp.cpp:40) is 90.0% of on-CPU samples (self)");
	free(md);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_names_caller),
		cmocka_unit_test(test_cpu_verdict_names_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
