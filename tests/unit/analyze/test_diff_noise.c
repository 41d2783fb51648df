// SPDX-License-Identifier: GPL-2.0
/* whyslow diff: what is within noise (the rule, sampling error, two
 * identical profiles) and what is beyond it. */
#include "diff_check.h"

#include "analyze/noise.h"

static void test_identical(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = fx_profile_70_30();
	char *md, *json;

	(void)state;
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"## Verdict\n\nNo significant change: wall 10.50 s → 10.50 s "
		"(0 ns, within the ±210.0 ms noise).\n",
		"| **wall** | 10.50 s | 10.50 s | 0 ns | ≈ |",
		"No function's own time changed beyond noise.",
		"omitted: nothing",
	}, 4);
	assert_lacks(md, "Most of the change");
	assert_lacks(md, "## Hot paths");
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"all(f[\"status\"] == \"unchanged\" and f[\"delta_ns\"] == 0 "
		"for f in d[\"functions\"]) and len(d[\"functions\"]) == 3 and "
		"not d[\"wall\"][\"significant\"] and "
		"d[\"verdict\"].startswith(\"No significant change\")"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/*
 * Sampling noise: 700 → 690 samples is well under two standard errors
 * (2·√1390 samples ≈ 75), 700 → 620 (80 samples) is just over.
 */
static void test_sampling_noise(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *noisy = demo(FX_PERIOD_NS, 690, 310, 10520000000ull);
	struct profile *real = demo(FX_PERIOD_NS, 620, 300, 10520000000ull);
	char *md, *json;

	(void)state;
	md = diff_md(before, noisy);
	assert_contains(md, "No significant change: wall 10.50 s → 10.52 s "
			"(+20.0 ms, within the ±210.4 ms noise).\n");
	assert_contains(md, "No function's own time changed beyond noise.");
	json = diff_json(before, noisy);
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"status\"], f[\"delta_ns\"], "
		"f[\"noise_ns\"]) for f in d[\"functions\"] if f[\"name\"] == \"burn_a\"] == "
		"[(\"burn_a\", \"unchanged\", -100000000, 745654076)]"), 0);
	free(md);
	free(json);

	md = diff_md(before, real);
	assert_contains(md, "Changed beyond noise all the same: `burn_a` "
			"−800.0 ms (1.1× faster).");
	free(md);

	/* A real change of 4%: not rounded to "1.0×". */
	real->wall_ns = 10100000000ull;
	md = diff_md(before, real);
	assert_contains(md, "AFTER is 1.04× faster: wall 10.50 s → 10.10 s "
			"(−400.0 ms).");
	free(md);
	fx_free(before);
	fx_free(noisy);
	fx_free(real);
}

/*
 * A function with one sample before and 500 after: the side within noise
 * gives no ratio ("500.0× slower"): it appeared, in its own table.
 */
static void test_ratio_above_noise(void **state)
{
	struct profile *before = fx_profile_70_30();
	struct profile *after = fx_profile_70_30();
	uint32_t c;
	char *md, *json;

	(void)state;
	c = fx_frame_at(before, "burn_c", "demo", CLASS_APP, "hot.c", 60);
	FX_STACK(before, 100, 100, 1, 0, c);
	c = fx_frame_at(after, "burn_c", "demo", CLASS_APP, "hot.c", 60);
	FX_STACK(after, 100, 100, 500, 0, c);
	md = diff_md(before, after);
	assert_in_order(md, (const char *const[]){
		"`burn_c` +4.99 s (appeared)",
		"Appeared (time beyond noise in AFTER only):",
		"| `burn_c` | hot.c:60 | 5.00 s | 5.00 s |",
	}, 3);
	assert_lacks(md, "500.0×");
	assert_lacks(md, "Slower:");
	json = diff_json(before, after);
	assert_int_equal(json_check(json,
		"[(f[\"status\"], f[\"ratio\"]) for f in d[\"functions\"] if "
		"f[\"name\"] == \"burn_c\"] == [(\"appeared\", None)]"), 0);
	free(md);
	free(json);
	fx_free(before);
	fx_free(after);
}

/* The rule alone: 2% of the larger value, two periods, two errors. */
static void test_noise_rule(void **state)
{
	(void)state;
	/* measured: 2% of 10.50 s */
	assert_int_equal(noise_ns(10500000000ull, 7000000000ull, 0, 0,
				  FX_PERIOD_NS, FX_PERIOD_NS), 210000000ull);
	/* sampled: 2·√(700·P² + 350·P²) */
	assert_int_equal(noise_ns(7000000000ull, 3500000000ull, 700, 350,
				  FX_PERIOD_NS, FX_PERIOD_NS), 648074070ull);
	/* tiny: two of the larger period */
	assert_int_equal(noise_ns(0, 1, 0, 0, FX_PERIOD_NS, 2 * FX_PERIOD_NS),
			 4 * FX_PERIOD_NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_rule),
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_sampling_noise),
		cmocka_unit_test(test_ratio_above_noise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
