// SPDX-License-Identifier: GPL-2.0
/* pprof: profile → bytes → profile, foreign profiles, hostile bytes. */
#include "profile_fixture.h"
#include "output_check.h"

#include <errno.h>
#include <zlib.h>

#include "classify/wait.h"
#include "lib/util.h"
#include "pprof/pprof.h"
#include "pprof/protobuf.h"
#include "report/report.h"

#define MS	1000000ull

static uint8_t *encode_profile(const struct profile *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(pprof_write(f, p), 0);
	assert_int_equal(fclose(f), 0);
	return (uint8_t *)buf;
}

static char *render_fmt(const struct profile *p, enum report_format fmt)
{
	struct report_opts opts = { .format = fmt };

	return report_text(p, &opts);
}

/* The profile.proto bytes of gzip'd gz, into out (cap bytes): length. */
static size_t gunzip(const uint8_t *gz, size_t len, uint8_t *out, size_t cap)
{
	z_stream z = { 0 };

	assert_int_equal(inflateInit2(&z, 15 + 32), Z_OK);
	z.next_in = (uint8_t *)gz;
	z.avail_in = len;
	z.next_out = out;
	z.avail_out = cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	inflateEnd(&z);
	return cap - z.avail_out;
}

/* Decoding must succeed; the caller frees *out with profile_free. */
static void decode_ok(const uint8_t *data, size_t len, struct profile *out)
{
	char err[256];
	int ret = pprof_read(data, len, out, err, sizeof(err));

	if (ret)
		fail_msg("pprof_read: %d %s", ret, err);
}

/* Decoding must fail cleanly, with a reason containing want. */
static void decode_fails(const uint8_t *data, size_t len, const char *want)
{
	struct profile p;
	char err[256];

	assert_int_equal(pprof_read(data, len, &p, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	profile_free(&p);
}

/* Everything the writers show, and then some: waits, threads, I/O. */
static struct profile *rich_profile(void)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m = p->stacks[0].frames[0], k;
	int32_t site;
	struct io_file *f;
	struct io_endpoint *e;
	struct io_spawn *s;

	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	p->frames[k].build_id = fx_strdup("abcdef0123");
	p->frames[m].start_line = 38;
	p->frames[m].path = fx_strdup("/home/u/demo");
	FX_WAIT(p, 100, 101, 12, WAIT_NETWORK, 600 * MS,
		"recv from 127.0.0.1:8080", m, k)->syscall = 45;
	FX_WAIT(p, 100, 101, 3, WAIT_CPU, 5 * MS, NULL, m)->truncated = true;
	FX_WAIT(p, 100, 101, 2, WAIT_GIL, 7 * MS, NULL, m);
	p->stacks[0].kernel_mode = true;
	p->procs[0].py_unbuffered = true;
	p->procs[0].args = fx_strdup("./demo -n 3 in.txt");
	p->n_cpus = 2;
	fx_thread(p, 100, 101, "worker");
	fx_note(p, "pid 7 (python3.9): CPython 3.9 is not supported");
	p->quality.offcpu = true;
	p->quality.lost_samples = 3;
	p->quality.io_dropped = 2;
	p->quality.untraced_forks = 6;
	p->quality.bpf_missed_runs = 7;
	p->quality.waits_end_unseen = 8;
	p->quality.io_untimed = 5;
	p->quality.io_timed_every = 8;
	p->quality.steal_ns = 410 * MS;
	p->quality.min_block_ns = 10000;
	p->quality.tracing_samples = 4;
	p->quality.tracing_ns = 4 * FX_PERIOD_NS;
	p->quality.whyslow_cpu_ns = 300 * MS;
	p->root_pid = 100;
	p->time_ns = 1764000000123456789ull;
	site = FX_IO_SITE(p, 100, m);
	f = fx_io_file(p, "/data/a.txt", 40, 30 * MS, site);
	f->reads = 80;
	f->read_bytes = 4000;
	f->failed_opens = 1;
	f->blocked_ns = 2 * MS;
	f->size = 400;
	e = fx_io_endpoint(p, "127.0.0.1:8080", "tcp", site);
	e->connections = 12;
	e->requests = 12;
	e->request_ns = 620 * MS;
	e->max_in_flight = 1;
	fx_io_proc(p, 100, 12, 620 * MS, 600 * MS, 1);
	fx_io_spawn(p, "/bin/true", 20, 40 * MS, IO_NO_SITE);
	s = fx_io_spawn(p, "/usr/lib/gcc/cc1", 4, 900 * MS, site);
	s->union_ns = 800 * MS;
	s->cpu_ns = 700 * MS;
	s->max_parallel = 2;
	s->parent = fx_strdup("/usr/bin/gcc");
	s->prelude_count = 3;
	p->io.blocked_known = true;
	return p;
}

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
		.holder_wait_reason = WAIT_DISK,
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
	assert_true(q.io.files[0].directory);
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

/* ---- profiles of other tools, built with the wire helpers ---- */

struct builder {
	struct pb_buf b;
	const char **strs;
	size_t n_strs;
};

static uint64_t str_of(struct builder *bd, const char *s)
{
	size_t i;

	for (i = 0; i < bd->n_strs; i++)
		if (!strcmp(bd->strs[i], s))
			return i;
	bd->strs = realloc(bd->strs, (bd->n_strs + 1) * sizeof(*bd->strs));
	assert_non_null(bd->strs);
	bd->strs[bd->n_strs] = s;
	return bd->n_strs++;
}

static void value_type(struct builder *bd, uint32_t field, const char *type,
		       const char *unit)
{
	struct pb_buf vt = { 0 };

	pb_uint(&vt, 1, str_of(bd, type));
	pb_uint(&vt, 2, str_of(bd, unit));
	pb_msg(&bd->b, field, &vt);
	pb_buf_free(&vt);
}

static void function_sym(struct builder *bd, uint64_t id, const char *name,
			 const char *system_name, const char *file)
{
	struct pb_buf m = { 0 };

	pb_uint(&m, 1, id);
	pb_uint(&m, 2, str_of(bd, name));
	if (system_name)
		pb_uint(&m, 3, str_of(bd, system_name));
	pb_uint(&m, 4, str_of(bd, file));
	pb_msg(&bd->b, 5, &m);
	pb_buf_free(&m);
}

static void function(struct builder *bd, uint64_t id, const char *name,
		     const char *file)
{
	function_sym(bd, id, name, NULL, file);
}

/* A location of one or two lines (an inlined callee first). */
static void location(struct builder *bd, uint64_t id, uint64_t fn,
		     int64_t line, uint64_t inlined_fn)
{
	struct pb_buf loc = { 0 }, l = { 0 };

	pb_uint(&loc, 1, id);
	pb_uint(&loc, 2, 1);
	if (inlined_fn) {
		pb_uint(&l, 1, inlined_fn);
		pb_int(&l, 2, 7);
		pb_msg(&loc, 4, &l);
		l.len = 0;
	}
	pb_uint(&l, 1, fn);
	pb_int(&l, 2, line);
	pb_msg(&loc, 4, &l);
	pb_msg(&bd->b, 4, &loc);
	pb_buf_free(&loc);
	pb_buf_free(&l);
}

static void sample(struct builder *bd, const uint64_t *locs, size_t n,
		   uint64_t count, uint64_t ns)
{
	struct pb_buf s = { 0 };
	uint64_t v[2] = { count, ns };

	pb_packed(&s, 1, locs, n);
	pb_packed(&s, 2, v, 2);
	pb_msg(&bd->b, 2, &s);
	pb_buf_free(&s);
}

static uint8_t *finish(struct builder *bd, size_t *len)
{
	size_t i;

	for (i = 0; i < bd->n_strs; i++)
		pb_bytes(&bd->b, 6, bd->strs[i], strlen(bd->strs[i]));
	assert_int_equal(bd->b.err, 0);
	free(bd->strs);
	*len = bd->b.len;
	return bd->b.data;
}

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

/* ---- hostile input ---- */

static void test_not_pprof(void **state)
{
	static const uint8_t text[] = "hello, world\n";
	static const uint8_t gz_garbage[] = { 0x1f, 0x8b, 8, 0, 1, 2, 3, 4 };
	struct profile *p = rich_profile();
	uint8_t *data;
	size_t len;

	(void)state;
	decode_fails(text, 0, "empty");
	decode_fails(text, sizeof(text) - 1, "not a pprof profile");
	decode_fails(gz_garbage, sizeof(gz_garbage), "gzip");
	data = encode_profile(p, &len);
	decode_fails(data, len / 2, "truncated gzip");
	free(data);
	fx_free(p);
}

/* A raw profile.proto: a string table, then what the test appends. */
static void test_bad_indexes(void **state)
{
	struct builder bd = { 0 };
	struct pb_buf m = { 0 };
	uint8_t *data;
	size_t len;

	(void)state;
	str_of(&bd, "");
	value_type(&bd, 1, "cpu", "nanoseconds");
	pb_uint(&m, 1, 1);
	pb_uint(&m, 2, 99);		/* name: no such string */
	pb_msg(&bd.b, 5, &m);
	pb_buf_free(&m);
	data = finish(&bd, &len);
	decode_fails(data, len, "bad string index");
	free(data);

	memset(&bd, 0, sizeof(bd));
	str_of(&bd, "");
	value_type(&bd, 1, "cpu", "nanoseconds");
	function(&bd, 1, "f", "f.c");
	location(&bd, 5, 1, 1, 0);
	location(&bd, 5, 1, 2, 0);
	data = finish(&bd, &len);
	decode_fails(data, len, "duplicate location id");
	free(data);

	memset(&bd, 0, sizeof(bd));
	str_of(&bd, "");
	value_type(&bd, 1, "samples", "count");
	value_type(&bd, 1, "cpu", "nanoseconds");
	function(&bd, 1, "f", "f.c");
	location(&bd, 5, 1, 1, 0);
	sample(&bd, (const uint64_t[]){ 6 }, 1, 1, 1);
	data = finish(&bd, &len);
	decode_fails(data, len, "location 6");
	free(data);
}

/* Lengths past the end, a varint that never ends, a group. */
/*
 * A function whose system name's string starts with a NUL (the fuzzer's):
 * that C string is empty, so no system name, on the first read as on the
 * second: what whyslow writes of it reads back and writes the same bytes.
 */
static void test_nul_string_round_trip(void **state)
{
	static const uint8_t input[] = {
		0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x0a, 0x00, 0x65, 0x03, 0x12, 0x04,
		0x12, 0x0a, 0x0a, 0xc1, 0x01, 0x01, 0x12, 0x05, 0x07, 0x80, 0xbb, 0xb0,
		0x21, 0x22, 0x08, 0x08, 0x01, 0x22, 0x04, 0x08, 0x01, 0x10, 0x0a, 0x2a,
		0x06, 0x08, 0x01, 0x10, 0x04, 0x18, 0x06, 0x32, 0x00, 0x32, 0x07, 0x73,
		0x61, 0x6d, 0x70, 0x6c, 0x65, 0x73, 0x32, 0x05, 0x63, 0x6f, 0x75, 0x6e,
		0x74, 0x32, 0x03, 0x63, 0x70, 0x75, 0x32, 0x0b, 0x6e, 0x61, 0x6e, 0x6f,
		0x77, 0x65, 0x63, 0x6f, 0x6e, 0x64, 0x73, 0x32, 0x03, 0x68, 0x6f, 0x74,
		0x32, 0x05, 0x00, 0x0f, 0x74, 0x2e, 0x63, 0x5a, 0x04, 0x08, 0x03, 0x10,
		0x04, 0x60, 0x80, 0x9d, 0xe2, 0x04,
	};
	struct profile p, q;
	uint8_t *once, *twice;
	size_t len1, len2;

	(void)state;
	decode_ok(input, sizeof(input), &p);
	once = encode_profile(&p, &len1);
	profile_free(&p);
	decode_ok(once, len1, &q);
	twice = encode_profile(&q, &len2);
	profile_free(&q);
	assert_int_equal(len1, len2);
	assert_memory_equal(once, twice, len1);
	free(once);
	free(twice);
}

static void test_malformed_wire(void **state)
{
	/* field 6 (string), length 2^35 */
	static const uint8_t huge[] = { 0x32, 0x80, 0x80, 0x80, 0x80, 0x80, 1 };
	static const uint8_t endless[] = { 0x32, 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t group[] = { 0x32, 0x00, 0x0b };
	static const uint8_t short_str[] = { 0x32, 0x05, 'a' };

	(void)state;
	decode_fails(huge, sizeof(huge), "malformed field");
	decode_fails(endless, sizeof(endless), "malformed field");
	decode_fails(group, sizeof(group), "malformed field");
	decode_fails(short_str, sizeof(short_str), "malformed field");
}

/* whyslow's own data, edited to disagree with the standard part. */
static void test_inconsistent_whyslow_data(void **state)
{
	struct profile *p = rich_profile(), q;
	struct pb_buf raw = { 0 };
	uint8_t *gz, out[1 << 16];
	size_t len;

	(void)state;
	p->stacks[0].reason = WAIT_NONE;
	gz = encode_profile(p, &len);
	raw.len = gunzip(gz, len, out, sizeof(out));
	/* one more sample, of location 1, without whyslow's field */
	memcpy(out + raw.len, (const uint8_t[]){ 0x12, 0x0a, 0x0a, 0x01, 0x01,
		0x12, 0x05, 0x01, 0x01, 0x00, 0x00, 0x01 }, 12);
	decode_fails(out, raw.len + 12, "without whyslow's field");
	/* a later period_type (the last counts) of a future format */
	memcpy(out + raw.len, (const uint8_t[]){ 0x5a, 0x04, 0x7a, 0x02, 0x08,
		0x07 }, 6);
	decode_fails(out, raw.len + 6, "format version 7");
	/* an inlined run's Location whose Lines name no frame's function */
	memcpy(out + raw.len, (const uint8_t[]){ 0x22, 0x0c, 0x08, 0x63,
		0x22, 0x03, 0x08, 0xe7, 0x07, 0x22, 0x03, 0x08, 0xe7, 0x07 },
	       14);
	decode_fails(out, raw.len + 14, "inconsistent whyslow data: "
		     "location 99");
	/* ... or of one Line: a frame's, but without its field 15 */
	memcpy(out + raw.len, (const uint8_t[]){ 0x22, 0x06, 0x08, 0x63,
		0x22, 0x02, 0x08, 0x01 }, 8);
	decode_fails(out, raw.len + 8, "inconsistent whyslow data: "
		     "location 99");
	/* the plain bytes, untouched, read back */
	decode_ok(out, raw.len, &q);
	profile_free(&q);
	free(gz);
	fx_free(p);
}

/* A lock's holder waited for a reason no whyslow has: refused. */
static void test_bad_lock_reason(void **state)
{
	struct profile *p = rich_profile();
	uint8_t *gz, out[1 << 16];
	size_t len;

	(void)state;
	p->critical.ns = p->wall_ns;
	p->critical.locks = calloc(1, sizeof(*p->critical.locks));
	assert_non_null(p->critical.locks);
	p->critical.locks[0] = (struct critical_lock){
		.holder_frame = -1, .waiting_threads = 1, .wait_ns = MS,
		.holder_wait_ns = MS, .holder_wait_reason = WAIT__COUNT,
	};
	p->critical.n_locks = 1;
	gz = encode_profile(p, &len);
	len = gunzip(gz, len, out, sizeof(out));
	decode_fails(out, len, "inconsistent whyslow data: lock holder wait "
		     "reason");
	free(gz);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_lock_reason),
		cmocka_unit_test(test_old_profile_cut),
		cmocka_unit_test(test_round_trip_symbols),
		cmocka_unit_test(test_round_trip_inlined),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_python_system_name),
		cmocka_unit_test(test_foreign_go_profile),
		cmocka_unit_test(test_foreign_symbols),
		cmocka_unit_test(test_foreign_quality),
		cmocka_unit_test(test_foreign_untimed),
		cmocka_unit_test(test_foreign_perf_counts),
		cmocka_unit_test(test_reencoded_waits),
		cmocka_unit_test(test_not_pprof),
		cmocka_unit_test(test_bad_indexes),
		cmocka_unit_test(test_malformed_wire),
		cmocka_unit_test(test_nul_string_round_trip),
		cmocka_unit_test(test_inconsistent_whyslow_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
