// SPDX-License-Identifier: GPL-2.0
/* The JSON output of hand-built profiles (report/json.c). */
#include "report_fixture.h"

#include <unistd.h>

static void test_json_valid_with_keys(void **state)
{
	struct profile *p = fx_profile_70_30();
	char *json;

	(void)state;
	json = render(p, FORMAT_JSON, 1, 100);
	assert_int_equal(json_check(json,
		"all(k in d for k in (\"command\", \"wall_ns\", \"cpu_ns\", "
		"\"cpu_user_ns\", \"cpu_sys_ns\", \"samples\", \"lost\", "
		"\"frequency_hz\", \"period_ns\", \"functions\", "
		"\"hot_lines\", \"paths\", \"processes\", \"quality\"))"),
		0);
	assert_int_equal(json_check(json,
		"all(set(f) >= {\"name\", \"module\", \"file\", \"line\", "
		"\"self_samples\", \"total_samples\", \"self_ns\", "
		"\"total_ns\", \"self_pct\", \"total_pct\", \"class\"} "
		"for f in d[\"functions\"])"), 0);
	/* top limits Markdown only: all three functions are here. */
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"self_samples\"], f[\"total_pct\"], "
		"f[\"line\"]) for f in d[\"functions\"]] == "
		"[(\"burn_a\", 700, 70.0, 12), (\"burn_b\", 300, 30.0, 30), "
		"(\"main\", 0, 100.0, 40)]"), 0);
	assert_int_equal(json_check(json,
		"d[\"paths\"][0] == {\"frames\": [\"main\", \"burn_a\"], "
		"\"repeats\": [1, 1], \"samples\": 700, "
		"\"ns\": 7000000000, \"pct\": 70.0}"), 0);
	assert_int_equal(json_check(json,
		"d[\"processes\"][0][\"exe\"] == \"/home/u/demo\" and "
		"d[\"processes\"][0][\"threads\"][0][\"tid\"] == 100 and "
		"d[\"cpu_ns\"] == 10000000000 and d[\"samples\"] == 1000 and "
		"d[\"quality\"][\"max_hz\"] == 100000 and "
		"d[\"quality\"][\"kernel_addrs_hidden\"] is False"), 0);
	/* And the check itself can fail. */
	assert_int_not_equal(json_check(json, "d[\"samples\"] == 1"), 0);
	free(json);
	fx_free(p);
}

static void test_json_escaping(void **state)
{
	struct profile *p = fx_new("say \"hi\"\n");
	uint32_t f;
	char *json;

	(void)state;
	/* quotes, backslash, control characters, a lone byte, valid UTF-8 */
	f = fx_frame(p, "we\"ird\\\n\t\x01name\xff\xc3\xa9\xed\xa0\x80",
		     "m", CLASS_APP);
	FX_STACK(p, 1, 1, 5, f);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(json, "\"command\": \"say \\\"hi\\\"\\n\"");
	assert_contains(json, "\"name\": \"we\\\"ird\\\\\\n\\t\\u0001name"
			"\\ufffd\xc3\xa9\\ufffd\\ufffd\\ufffd\"");
	assert_int_equal(json_check(json,
		"d[\"functions\"][0][\"name\"] == "
		"\"we\\\"ird\\\\\\n\\t\\x01name\\ufffd\\xe9\\ufffd\\ufffd\\ufffd\""),
		0);
	free(json);
	fx_free(p);
}

static void test_json_wall_time(void **state)
{
	struct profile *p = client_profile(100, 1000000000ull);
	char *json;

	(void)state;
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"d[\"categories\"] == ["
		"{\"name\": \"on_cpu\", \"on_cpu\": True, "
		"\"ns\": 1000000000, \"pct\": 50.0}, "
		"{\"name\": \"network\", \"on_cpu\": False, "
		"\"ns\": 1000000000, \"pct\": 50.0}]"), 0);
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"oncpu_ns\"], f[\"offcpu_ns\"], "
		"f[\"wall_ns\"], f[\"wall_pct\"]) for f in d[\"functions\"]] "
		"== [(\"parse\", 1000000000, 0, 1000000000, 50.0), "
		"(\"main\", 1000000000, 990000000, 1990000000, 99.5), "
		"(\"fetch_one\", 0, 990000000, 990000000, 49.5), "
		"(\"recv\", 0, 990000000, 990000000, 49.5), "
		"(\"tcp_recvmsg\", 0, 990000000, 990000000, 49.5)]"), 0);
	assert_int_equal(json_check(json,
		"d[\"waits\"] == [{\"reason\": \"network\", "
		"\"target\": \"recv from 127.0.0.1:8080\", "
		"\"frames\": [\"main\", \"fetch_one\", \"recv\", "
		"\"tcp_recvmsg\"], \"repeats\": [1, 1, 1, 1], "
		"\"function\": \"fetch_one\", "
		"\"ns\": 990000000, \"pct\": 49.5, \"count\": 50}, "
		"{\"reason\": \"network\", "
		"\"target\": \"recv from 127.0.0.1:8080\", \"frames\": [], "
		"\"repeats\": [], \"function\": None, \"ns\": 10000000, \"pct\": 0.5, "
		"\"count\": 40}]"), 0);
	assert_int_equal(json_check(json,
		"[(t[\"tid\"], t[\"oncpu_ns\"], t[\"offcpu_ns\"], "
		"t[\"categories\"], t[\"ns\"], t[\"samples\"]) "
		"for t in d[\"processes\"][0][\"threads\"]] == "
		"[(100, 1000000000, 1000000000, {\"on_cpu\": 1000000000, "
		"\"network\": 1000000000}, 1000000000, 100)]"), 0);
	assert_int_equal(json_check(json,
		"d[\"quality\"][\"offcpu\"] is True and "
		"d[\"quality\"][\"min_block_ns\"] == 10000 and "
		"d[\"sampled_ns\"] == 1000000000 and "
		"d[\"paths\"][0][\"frames\"] == [\"main\", \"parse\"]"), 0);
	free(json);
	fx_free(p);
}

static void test_json_hot_lines(void **state)
{
	char *dir = fx_tmpdir(), *file, *json, *check;
	struct profile *p = python_profile(dir, &file);

	(void)state;
	json = render(p, FORMAT_JSON, 0, 0);
	assert_true(asprintf(&check,
		"d[\"hot_lines\"] == [{\"file\": \"%s\", \"line\": 3, "
		"\"function\": \"Checker.check\", \"samples\": 700, "
		"\"pct\": 70.0, \"source\": \"for url in self.urls:  # "
		"`slow` | here\"}, {\"file\": \"%s\", \"line\": 4, "
		"\"function\": \"Checker.check\", \"samples\": 300, "
		"\"pct\": 30.0, \"source\": \"self.seen |= {match_links(url, "
		"PATTERN, flags=IGNORECASE | MULTILINE | DOTALL | VERBOSE | "
		"ASCII)}\"}]", file, file) > 0);
	assert_int_equal(json_check(json, check), 0);
	free(check);
	free(json);

	assert_int_equal(unlink(file), 0);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"[h[\"source\"] for h in d[\"hot_lines\"]] == [None, None]"),
		0);
	free(json);
	free(file);
	fx_rmtree(dir);
	fx_free(p);
}

static void test_json_io_and_hints(void **state)
{
	struct profile *p = io_profile();
	struct io_spawn *git = &p->io.spawns[0];
	char *json;

	(void)state;
	git->union_ns = 450 * MS;
	git->cpu_ns = 60 * MS;
	git->max_parallel = 1;
	git->parent = fx_strdup("/usr/bin/python3");
	p->quality.io_untimed = 70;
	p->quality.io_timed_every = 8;
	json = render(p, FORMAT_JSON, 1, 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"traced\"] is True and "
		"d[\"io\"][\"blocked_known\"] is True and "
		"len(d[\"io\"][\"files\"]) == 5 and "
		"d[\"quality\"][\"io_dropped\"] == 3 and "
		"d[\"quality\"][\"untraced_forks\"] == 2 and "
		"d[\"quality\"][\"bpf_missed_runs\"] == 5 and "
		"d[\"quality\"][\"waits_end_unseen\"] == 4 and "
		"d[\"quality\"][\"io_untimed\"] == 70 and "
		"d[\"quality\"][\"io_timed_every\"] == 8"), 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"files\"][0] == {\"path\": "
		"\"/home/u/pages/p0.html\", \"opens\": 5, "
		"\"failed_opens\": 0, \"reads\": 10, \"read_bytes\": 40000, "
		"\"writes\": 0, \"write_bytes\": 0, \"time_ns\": 30000000, "
		"\"blocked_ns\": 2000000, \"processes\": None, \"syncs\": 0, \"sync_ns\": 0, "
		"\"sync_writes\": 0, \"sync_write_ns\": 0, "
		"\"opened_from\": {\"name\": "
		"\"read_file\", \"file\": \"/home/u/linkcheck.py\", "
		"\"line\": 8}, \"opened_from_count\": 5, \"repeated\": True, "
		"\"directory\": False, \"size_bytes\": None}"
		" and d[\"io\"][\"files\"][4][\"opened_from\"] is None and "
		"d[\"io\"][\"files\"][4][\"repeated\"] is False"), 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"endpoints\"] == [{\"endpoint\": "
		"\"127.0.0.1:8080\", \"protocol\": \"tcp\", "
		"\"inbound\": False, \"connections\": 42, \"sends\": 42, "
		"\"receives\": 84, \"bytes_sent\": 5040, "
		"\"bytes_received\": 840000, \"connect_ns\": 20000000, "
		"\"send_ns\": 5000000, \"recv_ns\": 3500000000, "
		"\"blocked_ns\": 3400000000, \"requests\": 42, "
		"\"request_ns\": 3600000000, \"max_in_flight\": 1, "
		"\"slow_connects\": 0, \"slow_connect_ns\": 0, "
		"\"connected_from\": {\"name\": \"check\", \"file\": "
		"\"/home/u/linkcheck.py\", \"line\": 17}}]"), 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"concurrency\"] == [{\"pid\": 100, "
		"\"comm\": \"python3\", \"requests\": 42, "
		"\"request_ns\": 3600000000, \"busy_ns\": 3600000000, "
		"\"max_in_flight\": 1, \"avg_in_flight\": 1.0}] and "
		"d[\"io\"][\"spawns\"] == [{\"program\": \"/usr/bin/git\", "
		"\"count\": 12, \"wall_ns\": 600000000, "
		"\"mean_ns\": 50000000, \"spawned_from\": {\"name\": "
		"\"check\", \"file\": \"/home/u/linkcheck.py\", "
		"\"line\": 17}, \"spawned_from_count\": 12, "
		"\"union_wall_ns\": 450000000, \"cpu_ns\": 60000000, "
		"\"max_parallel\": 1, \"parent\": \"/usr/bin/python3\", "
		"\"prelude_count\": 0}]"),
		0);
	assert_int_equal(json_check(json,
		"[h[\"rule\"] for h in d[\"hints\"]] == [\"serial_network\", "
		"\"spawns\", \"hot_library_function\"] and "
		"d[\"hints\"][0][\"text\"].startswith(\"90% of wall time\") "
		"and {k: d[\"hints\"][0][k] for k in (\"pid\", \"requests\", "
		"\"mean_request_ns\", \"busy_ns\", \"busy_pct\", "
		"\"max_in_flight\", \"endpoint\", \"location\", "
		"\"at_a_time\", \"speedup\")} == {\"pid\": 100, "
		"\"requests\": 42, \"mean_request_ns\": 85714285, "
		"\"busy_ns\": 3600000000, \"busy_pct\": 90.0, "
		"\"max_in_flight\": 1, \"endpoint\": \"127.0.0.1:8080\", "
		"\"location\": \"check (linkcheck.py:17)\", "
		"\"at_a_time\": 8, \"speedup\": 4.71}"), 0);
	/* git's runs mostly wait: starting them is the cost, counted once */
	assert_int_equal(json_check(json,
		"{k: d[\"hints\"][1][k] for k in (\"union_wall_ns\", "
		"\"cpu_ns\", \"max_parallel\", \"advice\", \"wall_ns\")} "
		"== {\"union_wall_ns\": 450000000, \"cpu_ns\": 60000000, "
		"\"max_parallel\": 1, \"advice\": \"in_process\", "
		"\"wall_ns\": 600000000} and abs(d[\"hints\"][1][\"wall_pct\"] "
		"- 4.5e10 / d[\"wall_ns\"]) < 0.01"), 0);
	free(json);

	/* Unknown blocked time and an idle process are null. */
	p->io.blocked_known = false;
	p->io.procs[0].busy_ns = 0;
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"all(f[\"blocked_ns\"] is None for f in d[\"io\"][\"files\"]"
		" + d[\"io\"][\"endpoints\"]) and "
		"d[\"io\"][\"concurrency\"][0][\"avg_in_flight\"] is None"),
		0);
	free(json);
	fx_free(p);

	/* Nothing traced: all there, and empty. */
	p = fx_profile_70_30();
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"d[\"hints\"] == [] and d[\"io\"] == {\"traced\": False, "
		"\"blocked_known\": False, \"files\": [], \"endpoints\": [], "
		"\"concurrency\": [], \"spawns\": []} and "
		"d[\"quality\"][\"io_dropped\"] == 0"), 0);
	free(json);
	fx_free(p);
}

/* Strings from the traced program stay valid JSON in rows and hints. */
static void test_json_io_escaping(void **state)
{
	struct profile *p = fx_profile_70_30();
	struct io_endpoint *e;
	char *json;

	(void)state;
	fx_io_spawn(p, "/tmp/we\"ird\n\xff", 10, 2000 * MS, IO_NO_SITE);
	e = fx_io_endpoint(p, "/run/a\\b.sock", "unix", IO_NO_SITE);
	memcpy(e->proto, "12345678", sizeof(e->proto));
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"d[\"io\"][\"spawns\"][0][\"program\"] == "
		"\"/tmp/we\\\"ird\\n\\ufffd\" and "
		"d[\"hints\"][0][\"program\"] == "
		"d[\"io\"][\"spawns\"][0][\"program\"] and "
		"d[\"hints\"][0][\"text\"].startswith(\"/tmp/we\\\"ird\\n\") "
		"and d[\"hints\"][0][\"location\"] is None and "
		"d[\"io\"][\"endpoints\"][0][\"endpoint\"] == "
		"\"/run/a\\\\b.sock\" and "
		"d[\"io\"][\"endpoints\"][0][\"protocol\"] == \"12345678\" and "
		"d[\"io\"][\"endpoints\"][0][\"connected_from\"] is None"), 0);
	/* a profile saved before these figures: not known */
	assert_int_equal(json_check(json,
		"[d[\"io\"][\"spawns\"][0][k] for k in (\"union_wall_ns\", "
		"\"cpu_ns\", \"max_parallel\", \"parent\")] == [None] * 4 "
		"and d[\"hints\"][0][\"advice\"] == \"in_process\" and "
		"d[\"hints\"][0][\"union_wall_ns\"] is None"), 0);
	free(json);
	fx_free(p);
}

/* A recursion is one entry of paths[].frames, its depth in repeats;
 * Markdown prints it once too. */
static void test_json_recursion(void **state)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m = p->stacks[0].frames[0], burn = p->stacks[0].frames[1];
	uint32_t rec, f[303], n = 0, i;
	char *json, *md;

	(void)state;
	rec = fx_frame_at(p, "rec", "demo", CLASS_APP, "hot.c", 50);
	f[n++] = m;
	for (i = 0; i < 301; i++)
		f[n++] = rec;
	f[n++] = burn;
	fx_stack_n(p, 100, 100, 2000, f, n);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_int_equal(json_check(json,
		"d[\"paths\"][0] == {\"frames\": [\"main\", \"rec\", "
		"\"burn_a\"], \"repeats\": [1, 301, 1], \"samples\": 2000, "
		"\"ns\": 20000000000, \"pct\": 66.67}"), 0);
	assert_int_equal(json_check(json,
		"[(f[\"name\"], f[\"total_samples\"]) for f in "
		"d[\"functions\"] if f[\"name\"] == \"rec\"] == "
		"[(\"rec\", 2000)]"), 0);
	md = render_md(p);
	assert_non_null(strstr(md, "| `main → rec (×301) → burn_a` |"));
	free(md);
	free(json);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_recursion),
		cmocka_unit_test(test_json_valid_with_keys),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_wall_time),
		cmocka_unit_test(test_json_hot_lines),
		cmocka_unit_test(test_json_io_and_hints),
		cmocka_unit_test(test_json_io_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
