// SPDX-License-Identifier: GPL-2.0
/* pprof: profile → bytes → profile, and the standard parts (mappings,
 * locations, names) as pprof reads them. */
#include "pprof_check.h"

#include "lib/util.h"

static void assert_same_reports(const struct profile *a,
				const struct profile *b)
{
	static const enum report_format fmts[] = { FORMAT_MD, FORMAT_JSON,
						   FORMAT_FOLDED };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		char *x = render_fmt(a, fmts[i]), *y = render_fmt(b, fmts[i]);

		assert_string_equal(x, y);
		free(x);
		free(y);
	}
}

/* A profile saved before whyslow cut tracing frames (no whyslow CPU in
 * it) is cut when read: report and diff never show them. */
static void test_old_profile_cut(void **state)
{
	struct profile *p = fx_new("opens"), q;
	uint32_t m, w, sys, iter, prog;
	uint8_t *data;
	size_t len;

	(void)state;
	m = fx_frame(p, "main", "opens", CLASS_APP);
	w = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	sys = fx_frame(p, "syscall_exit_work", "[kernel]", CLASS_KERNEL);
	iter = fx_frame(p, "__traceiter_sys_exit", "[kernel]", CLASS_KERNEL);
	prog = fx_frame(p, "bpf_prog_2a95c382818ef2cf_io_exit", "[kernel]",
			CLASS_KERNEL);
	FX_STACK(p, 1, 1, 30, m, w);
	FX_STACK(p, 1, 1, 10, m, w, sys, iter, prog);
	FX_WAIT(p, 1, 1, 2, WAIT_DISK, 5 * MS, NULL, m, w, sys, iter);
	FX_IO_SITE(p, 1, m, w, sys, iter, prog);
	data = encode_profile(p, &len);
	decode_ok(data, len, &q);
	assert_int_equal(q.n_stacks, 2);
	assert_int_equal(q.samples, 30);
	assert_int_equal(q.quality.tracing_samples, 10);
	assert_int_equal(q.quality.tracing_ns, 10 * FX_PERIOD_NS);
	assert_int_equal(q.stacks[1].n_frames, 3);
	assert_int_equal(q.stacks[1].ns, 5 * MS);
	assert_int_equal(q.io.sites[0].n_frames, 3);
	profile_free(&q);
	free(data);
	/* one saved since is read as it is */
	p->quality.whyslow_cpu_ns = 1;
	data = encode_profile(p, &len);
	decode_ok(data, len, &q);
	assert_int_equal(q.n_stacks, 3);
	assert_int_equal(q.quality.tracing_samples, 0);
	profile_free(&q);
	free(data);
	fx_free(p);
}

static void test_round_trip(void **state)
{
	struct profile *p = rich_profile(), q;
	uint8_t *data, *again;
	size_t len, len2;

	(void)state;
	/* a critical path whose stacks carry none of it (as a hand-made
	 * file may): the reports still render, its verdict and all */
	p->critical.ns = p->wall_ns;
	p->critical.root_tid = p->stacks[0].tid;
	p->critical.locks = calloc(1, sizeof(*p->critical.locks));
	assert_non_null(p->critical.locks);
	p->critical.locks[0] = (struct critical_lock){
		.holder_frame = 1, .waiting_threads = 3, .wait_ns = 90 * MS,
		.holder_cpu_ns = 2 * MS, .holder_wait_ns = 40 * MS,
		.holder_wait_reason = WAIT_DISK, .waiter_frame = 0,
	};
	p->critical.n_locks = 1;
	p->critical.launchers = calloc(2, sizeof(*p->critical.launchers));
	assert_non_null(p->critical.launchers);
	p->critical.launchers[0] = (struct critical_launcher){
		.name = strdup("sh"), .started = strdup("gzip"),
		.processes = 2, .ns = 3 * MS, .waited = true,
	};
	p->critical.launchers[1] = (struct critical_launcher){
		.name = strdup("python3"), .interpreter = strdup("bash"),
		.started = strdup("python3.11"), .processes = 4, .ns = 5 * MS,
	};
	p->critical.n_launchers = 2;
	p->critical.programs = calloc(1, sizeof(*p->critical.programs));
	assert_non_null(p->critical.programs);
	p->critical.programs[0] = (struct critical_program){
		.name = strdup("x86_64-linux-gnu-ld.bfd"), .ns = 7 * MS,
		.runs = 12,
	};
	p->critical.programs[0].pids = calloc(2, sizeof(uint32_t));
	assert_non_null(p->critical.programs[0].pids);
	p->critical.programs[0].pids[0] = 31;
	p->critical.programs[0].pids[1] = 32;
	p->critical.programs[0].n_pids = 2;
	p->critical.n_programs = 1;
	p->io.files[0].syncs = 7;
	p->io.files[0].sync_ns = 9 * MS;
	p->io.files[0].sync_writes = 5;
	p->io.files[0].sync_write_ns = 4 * MS;
	p->io.files[0].directory = true;
	data = encode_profile(p, &len);
	assert_true(len > 18 && data[0] == 0x1f && data[1] == 0x8b);
	decode_ok(data, len, &q);
	assert_same_reports(p, &q);
	assert_int_equal(q.critical.n_locks, 1);
	assert_int_equal(q.critical.n_launchers, 2);
	assert_int_equal(q.critical.n_programs, 1);
	assert_string_equal(q.critical.programs[0].name,
			    "x86_64-linux-gnu-ld.bfd");
	assert_int_equal(q.critical.programs[0].runs, 12);
	assert_int_equal(q.critical.programs[0].n_pids, 2);
	assert_int_equal(q.critical.programs[0].pids[1], 32);
	assert_true(q.critical.launchers[0].waited);
	assert_false(q.critical.launchers[1].waited);
	assert_string_equal(q.critical.launchers[1].interpreter, "bash");
	assert_int_equal(q.critical.launchers[1].ns, 5 * MS);
	assert_int_equal(q.critical.locks[0].holder_frame, 1);
	assert_int_equal(q.critical.locks[0].waiting_threads, 3);
	assert_int_equal(q.critical.locks[0].wait_ns, 90 * MS);
	assert_int_equal(q.critical.locks[0].holder_cpu_ns, 2 * MS);
	assert_int_equal(q.critical.locks[0].holder_wait_ns, 40 * MS);
	assert_int_equal(q.critical.locks[0].holder_wait_reason, WAIT_DISK);
	assert_int_equal(q.critical.locks[0].waiter_frame, 0);
	/* what the writers may not show, field by field */
	assert_int_equal(q.time_ns, p->time_ns);
	assert_int_equal(q.n_frames, p->n_frames);
	assert_string_equal(q.frames[3].build_id, "abcdef0123");
	assert_null(q.frames[1].build_id);
	assert_int_equal(q.frames[0].start_line, 38);
	assert_string_equal(q.frames[0].path, "/home/u/demo");
	assert_int_equal(q.stacks[2].syscall, 45);
	assert_true(q.stacks[3].truncated);
	assert_int_equal(q.stacks[4].reason, WAIT_GIL);
	assert_true(q.stacks[0].kernel_mode);
	assert_true(q.procs[0].py_unbuffered);
	assert_string_equal(q.procs[0].args, "./demo -n 3 in.txt");
	assert_int_equal(q.n_cpus, 2);
	assert_int_equal(q.io.files[0].size, 400);
	assert_int_equal(q.io.files[0].syncs, 7);
	assert_int_equal(q.io.files[0].sync_ns, 9 * MS);
	assert_int_equal(q.io.files[0].sync_writes, 5);
	assert_int_equal(q.io.files[0].sync_write_ns, 4 * MS);
	assert_true(q.io.files[0].directory);
	assert_int_equal(q.io.endpoints[0].slow_connects, 2);
	assert_int_equal(q.io.endpoints[0].slow_connect_ns, 1100 * MS);
	assert_int_equal(q.quality.io_dropped, 2);
	assert_int_equal(q.quality.untraced_forks, 6);
	assert_int_equal(q.quality.bpf_missed_runs, 7);
	assert_int_equal(q.quality.waits_end_unseen, 8);
	assert_int_equal(q.quality.io_untimed, 5);
	assert_int_equal(q.quality.io_timed_every, 8);
	assert_int_equal(q.quality.steal_ns, 410 * MS);
	assert_int_equal(q.quality.tracing_samples, 4);
	assert_int_equal(q.quality.tracing_ns, 4 * FX_PERIOD_NS);
	assert_int_equal(q.quality.whyslow_cpu_ns, 300 * MS);
	assert_int_equal(q.io.n_sites, 1);
	assert_int_equal(q.io.files[0].failed_opens, 1);
	assert_int_equal(q.io.spawns[0].site, IO_NO_SITE);
	/* 0 is not written: a row of before these figures reads as this */
	assert_int_equal(q.io.spawns[0].union_ns, 0);
	assert_int_equal(q.io.spawns[0].cpu_ns, 0);
	assert_int_equal(q.io.spawns[0].max_parallel, 0);
	assert_null(q.io.spawns[0].parent);
	assert_int_equal(q.io.spawns[1].union_ns, 800 * MS);
	assert_int_equal(q.io.spawns[1].cpu_ns, 700 * MS);
	assert_int_equal(q.io.spawns[1].max_parallel, 2);
	assert_string_equal(q.io.spawns[1].parent, "/usr/bin/gcc");
	assert_int_equal(q.io.spawns[1].prelude_count, 3);
	assert_int_equal(q.io.spawns[0].prelude_count, 0);
	assert_int_equal(q.io.spawns[1].site, 0);
	assert_true(q.io.blocked_known);
	/* and it encodes to the same bytes again */
	again = encode_profile(&q, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(data, again, len);
	free(again);
	free(data);
	profile_free(&q);
	fx_free(p);
}

/*
 * Symbols beside names: the mangled or cloned symbol a name was made
 * from is Function.system_name, and reads back as it was; a Python name
 * that looks like a clone (Cache.cold) is no symbol and stays.
 */
static void test_round_trip_symbols(void **state)
{
	struct profile *p = fx_profile_70_30(), q;
	uint32_t py;
	uint8_t *data;
	size_t len;
	char *json;

	(void)state;
	free(p->frames[1].name);
	p->frames[1].name = fx_strdup("geo::Index<int>::rebuild(int)");
	p->frames[1].system_name = fx_strdup("_ZN3geo5IndexIiE7rebuildEi");
	free(p->frames[2].name);
	p->frames[2].name = fx_strdup("crunch");
	p->frames[2].system_name = fx_strdup("crunch.constprop.0");
	py = fx_frame_at(p, "Cache.cold", "cache.py", CLASS_APP, "/a/cache.py",
			 3);
	FX_STACK(p, 100, 100, 5, p->stacks[0].frames[0], py);
	data = encode_profile(p, &len);
	decode_ok(data, len, &q);
	assert_same_reports(p, &q);
	assert_string_equal(q.frames[1].name, "geo::Index<int>::rebuild(int)");
	assert_string_equal(q.frames[1].system_name,
			    "_ZN3geo5IndexIiE7rebuildEi");
	assert_string_equal(q.frames[2].name, "crunch");
	assert_string_equal(q.frames[2].system_name, "crunch.constprop.0");
	assert_null(q.frames[0].system_name);
	assert_string_equal(q.frames[py].name, "Cache.cold");
	assert_null(q.frames[py].system_name);
	json = render_fmt(&q, FORMAT_JSON);
	assert_non_null(strstr(json, "\"name\": \"crunch\""));
	assert_non_null(strstr(json, "\"symbols\": [\"crunch.constprop.0\"], "
			       "\"clones\": [\".constprop.0\"]"));
	assert_non_null(strstr(json, "\"symbols\": [\"_ZN3geo5IndexIiE7"
			       "rebuildEi\"], \"clones\": []"));
	assert_non_null(strstr(json,
			       "\"name\": \"main\", \"module\": \"demo\""));
	free(json);
	free(data);
	profile_free(&q);
	fx_free(p);
}

/* The function ids of the Lines of Locations with more than one. */
static size_t multi_line_locations(const uint8_t *pb, size_t len,
				   uint64_t lines[][4], size_t max)
{
	struct pb_reader r, rl, rn;
	struct pb_field f, fl, fn;
	size_t n = 0, k;

	pb_reader_init(&r, pb, len);
	while (pb_next(&r, &f) > 0) {
		if (f.num != 4 || f.wire != PB_LEN || n == max)
			continue;
		k = 0;
		pb_reader_init(&rl, f.data, f.len);
		while (pb_next(&rl, &fl) > 0) {
			if (fl.num != 4 || fl.wire != PB_LEN || k == 4)
				continue;
			pb_reader_init(&rn, fl.data, fl.len);
			while (pb_next(&rn, &fn) > 0)
				if (fn.num == 1)
					lines[n][k] = fn.v;
			k++;
		}
		n += k > 1;
	}
	return n;
}

/*
 * Inlined frames: a frame and those inlined into it are one Location,
 * its Lines innermost first; the frames read back as they were, the
 * flag too, and a stack cut to start at an inlined frame still reads.
 */
static void test_round_trip_inlined(void **state)
{
	struct profile *p = fx_new("inl"), q;
	uint32_t m, outer, mid, leaf, other;
	uint64_t lines[8][4] = { { 0 } };
	uint8_t *gz, pb[1 << 16];
	size_t len, n, i;

	(void)state;
	m = fx_frame_at(p, "main", "inl", CLASS_APP, "/s/inl.c", 30);
	outer = fx_frame_at(p, "outer", "inl", CLASS_APP, "/s/inl.c", 16);
	mid = fx_frame_at(p, "mid", "inl", CLASS_APP, "/s/inl.c", 11);
	leaf = fx_frame_at(p, "leaf", "inl", CLASS_APP, "/s/inl.h", 6);
	other = fx_frame_at(p, "outer", "inl", CLASS_APP, "/s/inl.c", 17);
	p->frames[mid].inlined = p->frames[leaf].inlined = true;
	FX_STACK(p, 1, 1, 50, m, outer, mid, leaf);
	FX_STACK(p, 1, 1, 10, m, outer, mid);
	FX_STACK(p, 1, 1, 5, m, other);
	FX_STACK(p, 1, 1, 2, mid, leaf);
	gz = encode_profile(p, &len);
	n = multi_line_locations(pb, gunzip(gz, len, pb, sizeof(pb)), lines, 8);
	assert_int_equal(n, 3);
	assert_int_equal(lines[0][0], leaf + 1);
	assert_int_equal(lines[0][1], mid + 1);
	assert_int_equal(lines[0][2], outer + 1);
	assert_int_equal(lines[1][0], mid + 1);
	assert_int_equal(lines[1][1], outer + 1);
	assert_int_equal(lines[2][0], leaf + 1);
	assert_int_equal(lines[2][1], mid + 1);
	decode_ok(gz, len, &q);
	assert_same_reports(p, &q);
	assert_int_equal(q.n_stacks, p->n_stacks);
	for (i = 0; i < p->n_stacks; i++) {
		assert_int_equal(q.stacks[i].n_frames, p->stacks[i].n_frames);
		assert_memory_equal(q.stacks[i].frames, p->stacks[i].frames,
				    p->stacks[i].n_frames * sizeof(uint32_t));
	}
	assert_true(q.frames[leaf].inlined && q.frames[mid].inlined);
	assert_false(q.frames[outer].inlined || q.frames[other].inlined);
	profile_free(&q);
	free(gz);
	fx_free(p);
}

/* ---- the standard parts as pprof reads them ---- */

/* The varint fields 1..n of a message into v (0 when absent). */
static void small_fields(const uint8_t *data, size_t len, uint64_t *v,
			 size_t n)
{
	struct pb_reader r;
	struct pb_field f;

	memset(v, 0, n * sizeof(*v));
	pb_reader_init(&r, data, len);
	while (pb_next(&r, &f) > 0)
		if (f.wire == PB_VARINT && f.num >= 1 && f.num <= n)
			v[f.num - 1] = f.v;
}

#define MAX_PARTS	16

/* Mappings (id, start, limit, offset, filename) and locations (id,
 * mapping, address), in file order, and the string table. */
struct parts {
	uint64_t maps[MAX_PARTS][5];
	size_t n_maps;
	uint64_t locs[MAX_PARTS][3];
	size_t n_locs;
	struct { const uint8_t *s; size_t len; } strs[64];
	size_t n_strs;
};

static void read_parts(const uint8_t *raw, size_t len, struct parts *pt)
{
	struct pb_reader r;
	struct pb_field f;

	memset(pt, 0, sizeof(*pt));
	pb_reader_init(&r, raw, len);
	while (pb_next(&r, &f) > 0) {
		if (f.num == 3 && pt->n_maps < MAX_PARTS)
			small_fields(f.data, f.len, pt->maps[pt->n_maps++], 5);
		else if (f.num == 4 && pt->n_locs < MAX_PARTS)
			small_fields(f.data, f.len, pt->locs[pt->n_locs++], 3);
		else if (f.num == 6 && pt->n_strs < 64) {
			pt->strs[pt->n_strs].s = f.data;
			pt->strs[pt->n_strs++].len = f.len;
		}
	}
}

static bool str_is(const struct parts *pt, uint64_t i, const char *s)
{
	return i < pt->n_strs && pt->strs[i].len == strlen(s) &&
	       !memcmp(pt->strs[i].s, s, pt->strs[i].len);
}

/*
 * Addresses as pprof wants them for -disasm: each location the address
 * objdump gives an instruction sampled, each mapping the file's own
 * layout (here a program that is not position-independent: its code at
 * 0x401000, file offset 0x1000), page-aligned and spanning its
 * locations, the program's executable first (pprof's "File:") whatever
 * the order of the frames.
 */
static void test_addresses(void **state)
{
	struct profile *p = fx_new("./app"), q;
	uint32_t libc, m, a, k, py;
	struct parts pt;
	uint8_t *data, raw[1 << 16];
	size_t len, n;

	(void)state;
	fx_proc(p, 100, 1, "app", "/srv/app");
	p->root_pid = 100;
	libc = fx_frame(p, "__libc_start_call_main", "libc.so.6",
			CLASS_RUNTIME);
	p->frames[libc].path = fx_strdup("/lib/x86_64-linux-gnu/libc.so.6");
	p->frames[libc].addr = 0x271c9;
	p->frames[libc].addr_offset = 0x271c9;
	m = fx_frame_at(p, "main", "app", CLASS_APP, "app.c", 40);
	a = fx_frame_at(p, "burn_a", "app", CLASS_APP, "app.c", 12);
	p->frames[m].path = fx_strdup("/srv/app");
	p->frames[a].path = fx_strdup("/srv/app");
	p->frames[m].addr = 0x401139;
	p->frames[m].addr_offset = 0x1139;
	p->frames[a].addr = 0x4021f0;
	p->frames[a].addr_offset = 0x21f0;
	k = fx_frame(p, "asm_sysvec_apic_timer_interrupt", "[kernel]",
		     CLASS_KERNEL);
	p->frames[k].addr = 0xffffffff81e00c4aull;
	py = fx_frame_at(p, "<module>", "work.py", CLASS_APP, "/w/work.py", 3);
	FX_STACK(p, 100, 100, 70, libc, m, a, k);
	FX_STACK(p, 100, 100, 30, libc, m, py);
	data = encode_profile(p, &len);
	n = gunzip(data, len, raw, sizeof(raw));
	read_parts(raw, n, &pt);
	assert_int_equal(pt.n_maps, 4);
	/* the program first: id 1, /srv/app, its two frames' pages */
	assert_int_equal(pt.maps[0][0], 1);
	assert_true(str_is(&pt, pt.maps[0][4], "/srv/app"));
	assert_int_equal(pt.maps[0][1], 0x401000);
	assert_int_equal(pt.maps[0][2], 0x403000);
	assert_int_equal(pt.maps[0][3], 0x1000);
	assert_true(str_is(&pt, pt.maps[1][4],
			   "/lib/x86_64-linux-gnu/libc.so.6"));
	assert_int_equal(pt.maps[1][1], 0x27000);
	assert_int_equal(pt.maps[1][2], 0x28000);
	assert_int_equal(pt.maps[1][3], 0x27000);
	/* the kernel's addresses as they are, no file offset */
	assert_true(str_is(&pt, pt.maps[2][4], "[kernel]"));
	assert_int_equal(pt.maps[2][1], 0xffffffff81e00000ull);
	assert_int_equal(pt.maps[2][3], 0);
	/* Python code has no address */
	assert_int_equal(pt.maps[3][1], 0);
	assert_int_equal(pt.maps[3][2], 0);
	/* locations: frame i is location i + 1 */
	assert_int_equal(pt.locs[m][1], 1);
	assert_int_equal(pt.locs[m][2], 0x401139);
	assert_int_equal(pt.locs[a][2], 0x4021f0);
	assert_int_equal(pt.locs[libc][1], 2);
	assert_int_equal(pt.locs[libc][2], 0x271c9);
	assert_int_equal(pt.locs[k][2], 0xffffffff81e00c4aull);
	assert_int_equal(pt.locs[py][2], 0);
	/* and they read back */
	decode_ok(data, len, &q);
	assert_int_equal(q.frames[a].addr, 0x4021f0);
	assert_int_equal(q.frames[a].addr_offset, 0x21f0);
	assert_int_equal(q.frames[libc].addr_offset, 0x271c9);
	assert_int_equal(q.frames[k].addr_offset, 0);
	assert_int_equal(q.frames[k].addr, 0xffffffff81e00c4aull);
	assert_int_equal(q.frames[py].addr, 0);
	assert_same_reports(p, &q);
	profile_free(&q);
	free(data);
	/* an executable with no frame of its own still comes first */
	p->frames[m].path[1] = 'x';
	p->frames[a].path[1] = 'x';
	data = encode_profile(p, &len);
	n = gunzip(data, len, raw, sizeof(raw));
	read_parts(raw, n, &pt);
	assert_int_equal(pt.n_maps, 5);
	assert_true(str_is(&pt, pt.maps[0][4], "/srv/app"));
	assert_int_equal(pt.maps[0][1], 0);
	assert_int_equal(pt.maps[0][2], 0);
	free(data);
	fx_free(p);
}

/*
 * A Python function's system_name is not its name (pprof would strip
 * "<module>" as a C++ template), and reads back as no symbol.
 */
static void test_python_system_name(void **state)
{
	struct profile *p = fx_new("python3 work.py"), q;
	uint32_t mod, lc;
	uint8_t *data, raw[1 << 16];
	size_t len, n;

	(void)state;
	mod = fx_frame_at(p, "<module>", "work.py", CLASS_APP, "/w/work.py",
			  3);
	lc = fx_frame_at(p, "<listcomp>", "work.py", CLASS_APP, "/w/work.py",
			 5);
	FX_STACK(p, 1, 1, 10, mod, lc);
	data = encode_profile(p, &len);
	n = gunzip(data, len, raw, sizeof(raw));
	assert_non_null(memmem(raw, n, "/w/work.py:<module>", 19));
	assert_non_null(memmem(raw, n, "/w/work.py:<listcomp>", 21));
	decode_ok(data, len, &q);
	assert_string_equal(q.frames[mod].name, "<module>");
	assert_null(q.frames[mod].system_name);
	assert_null(q.frames[lc].system_name);
	assert_same_reports(p, &q);
	profile_free(&q);
	free(data);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_old_profile_cut),
		cmocka_unit_test(test_round_trip_symbols),
		cmocka_unit_test(test_round_trip_inlined),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_python_system_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
