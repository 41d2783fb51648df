// SPDX-License-Identifier: GPL-2.0
/* Samples kept against the CPU time sampled, and the sampler's cost: the
 * rules on both sides of their thresholds, and what the reports say. */
#include "profile_fixture.h"
#include "output_check.h"

#include "report/report.h"
#include "analyze/shortfall.h"

#define SEC	1000000000ull

/* 100 s of CPU at 1000 Hz: 100000 samples expected. */
static struct profile *at_1000hz(uint64_t kept)
{
	struct profile *p = fx_new("./spin");
	uint32_t f = fx_frame(p, "spin", "spin", CLASS_APP);

	p->frequency_hz = 1000;
	p->period_ns = 1000000;
	p->quality.cpu_sampled_ns = 100 * SEC;
	FX_STACK(p, 1, 1, kept, f);
	p->samples = kept;
	return p;
}

static void test_missing_over_two_percent(void **state)
{
	struct profile *p = at_1000hz(97900);	/* 2.1% missing */
	struct shortfall sf;

	(void)state;
	assert_true(shortfall_of(p, 97900, &sf));
	assert_int_equal(sf.expected, 100000);
	assert_int_equal(sf.kept, 97900);
	assert_true(sf.missing_pct > 2.09 && sf.missing_pct < 2.11);
	assert_false(shortfall_of(p, 98100, &sf));	/* 1.9% */
	assert_false(shortfall_of(p, 98000, &sf));	/* 2.0%: not over */
	assert_false(shortfall_of(p, 100500, &sf));	/* more than expected */
	assert_true(sf.missing_pct == 0);
	fx_free(p);
}

/* Below ~22500 expected, 2% is within chance (3√n). */
static void test_small_counts_within_chance(void **state)
{
	struct profile *p = at_1000hz(0);
	struct shortfall sf;

	(void)state;
	p->quality.cpu_sampled_ns = SEC;	/* 1000 expected, 3√n ≈ 95 */
	assert_false(shortfall_of(p, 910, &sf));	/* 90 missing: 9% */
	assert_true(sf.missing_pct > 8.9);
	assert_true(shortfall_of(p, 900, &sf));		/* 100 missing */
	p->quality.cpu_sampled_ns = 0;			/* unknown */
	assert_false(shortfall_of(p, 0, &sf));
	fx_free(p);
}

static void test_sampler_cost(void **state)
{
	struct profile *p = at_1000hz(100000);

	(void)state;
	assert_true(shortfall_cost_pct(p) < 0);		/* not measured */
	assert_false(shortfall_costly(p));
	p->quality.sampler_ns = 10 * SEC;		/* 10%: not over */
	assert_false(shortfall_costly(p));
	p->quality.sampler_ns = 10 * SEC + SEC / 10;	/* 10.1% */
	assert_true(shortfall_costly(p));
	fx_free(p);
}

static char *render(const struct profile *p, enum report_format format)
{
	struct report_opts opts = { .format = format };

	return report_text(p, &opts);
}

static void test_reports_say_it(void **state)
{
	struct profile *p = at_1000hz(60000);
	char *text;

	(void)state;
	p->quality.lost_samples = 7;
	p->quality.waits_to_map = 1234;
	p->quality.sampler_ns = 40 * SEC;
	text = render(p, FORMAT_MD);
	assert_contains(text, "- Samples: 60000 kept, 7 lost (ring buffer "
			"full), 0 mmap/comm records lost; 1234 long waits kept "
			"without their kernel stack (ring buffer full).\n");
	assert_contains(text, "- Missing samples: 60000 samples kept of "
			"≈100000 expected from 100.00 s of CPU at 1000 Hz: "
			"40.0% missing");
	assert_contains(text, "- Sampling cost: the sampler itself ran 40.00 "
			"s, 40% of the 100.00 s of CPU time measured");
	free(text);
	text = render(p, FORMAT_JSON);
	assert_int_equal(json_check(text,
		"d[\"quality\"][\"lost_samples\"] == 7 and "
		"d[\"quality\"][\"waits_to_map\"] == 1234 and "
		"d[\"quality\"][\"cpu_sampled_ns\"] == 100 * 10**9 and "
		"d[\"quality\"][\"expected_samples\"] == 100000 and "
		"d[\"quality\"][\"missing_samples_pct\"] == 40.0 and "
		"d[\"quality\"][\"sampler_ns\"] == 40 * 10**9"), 0);
	free(text);
	fx_free(p);
	p = at_1000hz(99000);	/* 1% missing, cheap sampler */
	p->quality.sampler_ns = SEC;
	text = render(p, FORMAT_MD);
	assert_lacks(text, "Missing samples");
	assert_lacks(text, "Sampling cost");
	assert_lacks(text, "long waits kept");
	free(text);
	fx_free(p);
}

/* 100 s on 2 CPUs: a line from 4 s of steal (2%: not over), the
 * shortfall's cause named; nothing from a short or unknown steal, or
 * when rusage shows the traced tasks were not held up. */
static void test_steal(void **state)
{
	struct profile *p = at_1000hz(80000);
	char *text;

	(void)state;
	p->wall_ns = 100 * SEC;
	p->n_cpus = 2;
	p->cpu_from_rusage = false;
	assert_true(shortfall_steal_pct(p) < 0);
	assert_false(shortfall_steal_notable(p));
	p->quality.steal_ns = 4 * SEC;
	assert_false(shortfall_steal_notable(p));
	text = render(p, FORMAT_MD);
	assert_lacks(text, "Steal");
	assert_contains(text, "(its own cost, or a busy or virtual CPU)");
	free(text);
	p->quality.steal_ns = 16 * SEC;
	assert_true(shortfall_held_ns(p) < 0);		/* no rusage */
	assert_true(shortfall_steal_notable(p));
	text = render(p, FORMAT_MD);
	assert_contains(text, "; they were never taken: the sampling timer "
			"fired late (the hypervisor's steal, below); ");
	assert_contains(text, "- Steal: the hypervisor took 16.00 s of the "
			"200.00 s of the machine's 2 CPUs during the recording "
			"(8%, /proc/stat): time stolen from a traced task "
			"counts as on a CPU in wall and critical-path times, "
			"takes no samples, and is not in rusage's CPU time.\n");
	free(text);
	text = render(p, FORMAT_JSON);
	assert_int_equal(json_check(text,
		"d[\"quality\"][\"steal_ns\"] == 16 * 10**9"), 0);
	free(text);
	/* rusage: 90 s of the scheduler's 100 */
	p->cpu_from_rusage = true;
	p->cpu_user_ns = 89 * SEC;
	p->cpu_sys_ns = SEC;
	assert_int_equal(shortfall_held_ns(p), 10 * SEC);
	text = render(p, FORMAT_MD);
	assert_contains(text, "- Steal: the hypervisor took 16.00 s of the "
			"200.00 s of the machine's 2 CPUs during the recording "
			"(8%, /proc/stat), up to 10.00 s of it from the traced "
			"tasks while on a CPU (the scheduler's clock counted "
			"100.00 s of CPU, rusage 90.00 s): such time counts as "
			"on a CPU in wall and critical-path times and takes no "
			"samples.\n");
	free(text);
	/* rusage within 3% and 20 ms: the steal was another CPU's */
	p->cpu_user_ns = 96 * SEC - 20000000;
	assert_false(shortfall_steal_notable(p));
	p->cpu_user_ns = 96 * SEC - 30000000;
	assert_true(shortfall_steal_notable(p));
	p->cpu_user_ns = 101 * SEC;			/* rusage above */
	assert_int_equal(shortfall_held_ns(p), 0);
	text = render(p, FORMAT_MD);
	assert_lacks(text, "Steal");
	assert_contains(text, "(its own cost, or a busy or virtual CPU)");
	free(text);
	/* 3% of 0.5 s on one CPU: under the 20 ms that shows */
	p->cpu_from_rusage = false;
	p->wall_ns = SEC / 2;
	p->n_cpus = 1;
	p->quality.steal_ns = 15000000;
	assert_false(shortfall_steal_notable(p));
	p->n_cpus = 0;				/* CPUs unknown */
	p->quality.steal_ns = SEC;
	assert_false(shortfall_steal_notable(p));
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_over_two_percent),
		cmocka_unit_test(test_small_counts_within_chance),
		cmocka_unit_test(test_sampler_cost),
		cmocka_unit_test(test_reports_say_it),
		cmocka_unit_test(test_steal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
