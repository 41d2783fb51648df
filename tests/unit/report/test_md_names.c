// SPDX-License-Identifier: GPL-2.0
/*
 * The summary read by someone who did not write the program: what to do
 * about missing names (stripped programs and libraries, JIT code, an
 * interpreter whyslow cannot walk), what an unnamed function runs
 * inside, and the runs of a program that held it.
 */
#include "readable_check.h"

/* A frame of code no symbol covered: path NULL for anonymous code. */
static uint32_t unnamed(struct profile *p, const char *name,
			const char *module, const char *path)
{
	uint32_t i = fx_frame(p, name, module, path ? CLASS_APP :
			      CLASS_RUNTIME);

	p->frames[i].resolved = false;
	p->frames[i].path = fx_strdup(path);
	return i;
}

static void test_stripped_advice(void **state)
{
	struct profile *p = fx_new("git gc");
	uint32_t g, libc;
	char *md;

	(void)state;
	fx_proc(p, 1, 0, "git", "/usr/bin/git");
	g = unnamed(p, "[git+0x28a290]", "git", "/usr/bin/git");
	libc = fx_frame(p, "memcpy", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 70, g);
	FX_STACK(p, 1, 1, 30, g, libc);
	md = render_md(p);
	assert_contains(md, "`[git+0x28a290]` (app, git) is 70.0% of on-CPU "
			"samples (self), 100.0% with its callees (total); its "
			"hottest path is `[git+0x28a290]` (70.0%). `git` is "
			"stripped: its debug symbols (Debian: its package's "
			"-dbgsym) would name its code (see Data quality).\n");
	assert_contains(md, "- Stripped code: 70.0% of samples ran in `git` "
			"(/usr/bin/git) with no symbols, shown as "
			"`[git+0x…]`. To get names, install its debug symbols: "
			"on Debian, PKG-dbgsym from the debian-debug archive, "
			"where `dpkg -S /usr/bin/git` names PKG; whyslow reads "
			"debug files by build-id under "
			"/usr/lib/debug/.build-id.\n");
	assert_lacks(md, "debuginfod");
	free(md);
	fx_free(p);
}

/* Debian's python3.11 and libpython3.12: their debug symbols are in
 * python3.N-dbg, not a -dbgsym package. */
static void test_stripped_advice_cpython(void **state)
{
	static const struct {
		const char *module, *path, *pkg;
	} cases[] = {
		{ "python3.11", "/usr/bin/python3.11", "python3.11-dbg" },
		{ "libpython3.12.so.1.0",
		  "/usr/lib/x86_64-linux-gnu/libpython3.12.so.1.0",
		  "python3.12-dbg" },
	};
	char want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct profile *p = fx_new("python3 x.py");
		uint32_t code;
		char *md;

		fx_proc(p, 1, 0, "python3", cases[i].path);
		code = unnamed(p, "[python3.11+0x10a500]", cases[i].module,
			       cases[i].path);
		FX_STACK(p, 1, 1, 100, code);
		md = render_md(p);
		snprintf(want, sizeof(want), "To get names, install its debug "
			 "symbols: on Debian, %s (apt installs the same "
			 "version of the interpreter with it, which they must "
			 "match); whyslow reads", cases[i].pkg);
		assert_contains(md, want);
		assert_lacks(md, "PKG-dbgsym");
		free(md);
		fx_free(p);
	}
}

/* git in a stripped zlib: its unnamed code is told by the exported
 * function it runs inside, before the caller. */
static void test_stripped_inside(void **state)
{
	struct profile *p = fx_new("git log -p");
	uint32_t g, infl, fast;
	char *md, *json;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "git", "/usr/bin/git");
	g = fx_frame_at(p, "cmd_log", "git", CLASS_APP, "log.c", 7);
	infl = fx_frame(p, "inflate", "libz.so.1", CLASS_RUNTIME);
	fast = unnamed(p, "[libz.so.1+0xaa60]", "libz.so.1",
		       "/usr/lib/x86_64-linux-gnu/libz.so.1");
	p->frames[fast].cls = CLASS_RUNTIME;
	FX_STACK(p, 1, 1, 95, g, infl, fast);
	FX_STACK(p, 1, 1, 5, g);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "git");
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "most in `[libz.so.1+0xaa60]` (runtime, "
			"libz.so.1), inside `inflate`, called from `cmd_log` "
			"(log.c:7), 95.0% of the wall time with its callees.");
	assert_contains(json, "\"inside\": {\"name\": \"inflate\", "
			"\"module\": \"libz.so.1\", \"class\": \"runtime\", "
			"\"ns\": 950000000}");
	/* the tables too */
	assert_contains(md, "| `[libz.so.1+0xaa60]` | libz.so.1, in "
			"`inflate` | 950.0 ms | 95.0% | 95.0% |\n");
	assert_contains(md, "| `[libz.so.1+0xaa60]` | libz.so.1, in "
			"`inflate` | 95.0%");
	free(md);
	free(json);
	fx_free(p);
}

/* ImageMagick's blur: its parallel loop's unnamed code runs under OpenMP's
 * runtime, called by the exported function that outlined it. */
static void test_stripped_inside_openmp(void **state)
{
	struct profile *p = fx_new("convert a.png -blur 0x3 b.jpg");
	uint32_t m, apply, gomp, loop;
	char *md;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "convert", "/usr/bin/convert-im6.q16");
	m = fx_frame_at(p, "main", "convert", CLASS_APP, "convert.c", 7);
	apply = fx_frame(p, "MorphologyApply", "libMagickCore-6.Q16.so.6",
			 CLASS_LIBRARY);
	gomp = fx_frame(p, "GOMP_parallel", "libgomp.so.1", CLASS_RUNTIME);
	loop = unnamed(p, "[libMagickCore-6.Q16.so.6+0x136a40]",
		       "libMagickCore-6.Q16.so.6",
		       "/usr/lib/x86_64-linux-gnu/libMagickCore-6.Q16.so.6");
	p->frames[loop].cls = CLASS_LIBRARY;
	FX_STACK(p, 1, 1, 100, m, apply, gomp, loop);
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "convert");
	md = render_md(p);
	assert_contains(md, "| `[libMagickCore-6.Q16.so.6+0x136a40]` | "
			"libMagickCore-6.Q16.so.6, in `MorphologyApply` |");
	free(md);
	fx_free(p);
}

/* convert's blur in two static loops under MorphologyApply, 14% and 13%,
 * beside zlib's inflate, 19%: the verdict leads with MorphologyApply's
 * code; with 12% and 11% (not a quarter more than inflate's), inflate. */
static void test_stripped_group(void **state)
{
	static const char core[] = "/usr/lib/x86_64-linux-gnu/"
				   "libMagickCore-6.Q16.so.6";
	unsigned int a, b, k;
	uint32_t m, apply, gomp, loop1, loop2, infl, fast, rest;
	struct profile *p;
	char name[32];
	char *md;

	(void)state;
	for (a = 14, b = 13; a >= 12; a -= 2, b -= 2) {
		p = fx_new("convert a.png -blur 0x3 b.jpg");
		p->root_pid = 1;
		fx_proc(p, 1, 0, "convert", "/usr/bin/convert-im6.q16");
		m = fx_frame_at(p, "main", "convert", CLASS_APP, "convert.c", 7);
		apply = fx_frame(p, "MorphologyApply",
				 "libMagickCore-6.Q16.so.6", CLASS_LIBRARY);
		gomp = fx_frame(p, "GOMP_parallel", "libgomp.so.1",
				CLASS_RUNTIME);
		loop1 = unnamed(p, "[libMagickCore-6.Q16.so.6+0x136a40]",
				"libMagickCore-6.Q16.so.6", core);
		loop2 = unnamed(p, "[libMagickCore-6.Q16.so.6+0x1361b0]",
				"libMagickCore-6.Q16.so.6", core);
		infl = fx_frame(p, "inflate", "libz.so.1", CLASS_LIBRARY);
		fast = unnamed(p, "[libz.so.1+0xaa60]", "libz.so.1",
			       "/usr/lib/x86_64-linux-gnu/libz.so.1");
		p->frames[loop1].cls = p->frames[loop2].cls = CLASS_LIBRARY;
		p->frames[fast].cls = CLASS_LIBRARY;
		FX_STACK(p, 1, 1, a, m, apply, gomp, loop1);
		FX_STACK(p, 1, 1, b, m, apply, gomp, loop2);
		FX_STACK(p, 1, 1, 19, m, infl, fast);
		for (k = 0; k < 100 - a - b - 19; k += 5) {
			snprintf(name, sizeof(name), "memfn_%u", k);
			rest = fx_frame(p, name, "libc.so.6", CLASS_RUNTIME);
			FX_STACK(p, 1, 1, 100 - a - b - 19 - k < 5 ?
				 100 - a - b - 19 - k : 5, m, rest);
		}
		p->wall_ns = 100 * FX_PERIOD_NS;
		one_program_path(p, "convert");
		md = render_md(p);
		if (a == 14)
			assert_contains(md, "; most in the code of "
				"`MorphologyApply` (library, "
				"libMagickCore-6.Q16.so.6: 2 functions with no "
				"symbol, and its own), 27.0% of the wall time "
				"on their own");
		else
			assert_contains(md, "; most in `[libz.so.1+0xaa60]` "
				"(library, libz.so.1), inside `inflate`");
		free(md);
		fx_free(p);
	}
}

/* Stripped git and zlib: git's own unnamed function names the verdict
 * while it ran longest; when zlib's inflating ran longer, zlib's, with the
 * function it runs inside, git's caller, and git's debug symbols to ask
 * for (a named function of git's would have been named before). */
static void test_stripped_app_or_library(void **state)
{
	static const char git[] = "/usr/bin/git";
	unsigned int libz_own;
	uint32_t g, diff, infl, fast;
	struct profile *p;
	char *md;

	(void)state;
	for (libz_own = 30; libz_own <= 50; libz_own += 20) {
		p = fx_new("git log -p");
		p->root_pid = 1;
		fx_proc(p, 1, 0, "git", git);
		g = unnamed(p, "[git+0x2949f0]", "git", git);
		diff = unnamed(p, "[git+0x2ab160]", "git", git);
		infl = fx_frame(p, "inflate", "libz.so.1", CLASS_LIBRARY);
		fast = unnamed(p, "[libz.so.1+0xaa60]", "libz.so.1",
			       "/usr/lib/x86_64-linux-gnu/libz.so.1");
		p->frames[fast].cls = CLASS_LIBRARY;
		FX_STACK(p, 1, 1, libz_own, g, infl, fast);
		FX_STACK(p, 1, 1, 40, g, diff);
		FX_STACK(p, 1, 1, 20, g);
		p->wall_ns = (libz_own + 60) * FX_PERIOD_NS;
		one_program_path(p, "git");
		md = render_md(p);
		if (libz_own < 40)
			assert_contains(md, "most in `[git+0x2ab160]` (app, "
					"git), 44.4% of the wall time");
		else
			assert_contains(md, "most in `[libz.so.1+0xaa60]` "
					"(library, libz.so.1), inside "
					"`inflate`, called from "
					"`[git+0x2949f0]` (git), 45.5% of the "
					"wall time");
		assert_contains(md, "`git` is stripped: its debug symbols "
				"(Debian: its package's -dbgsym) would name "
				"its code (see Data quality).");
		free(md);
		fx_free(p);
	}
}

/* The same spread over 30 unnamed functions of zlib, under 5% each: the
 * most of them is told by the function it runs inside too. */
static void test_spread_thin_inside(void **state)
{
	struct profile *p = fx_new("git log -p");
	uint32_t g, infl, fast, k;
	char name[32];
	char *md;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "git", "/usr/bin/git");
	g = fx_frame_at(p, "cmd_log", "git", CLASS_APP, "log.c", 7);
	infl = fx_frame(p, "inflate", "libz.so.1", CLASS_RUNTIME);
	for (k = 0; k < 30; k++) {
		snprintf(name, sizeof(name), "[libz.so.1+0x%x]", 0xa000 + k);
		fast = unnamed(p, name, "libz.so.1",
			       "/usr/lib/x86_64-linux-gnu/libz.so.1");
		p->frames[fast].cls = CLASS_RUNTIME;
		FX_STACK(p, 1, 1, 4 - !!k, g, infl, fast);
	}
	p->wall_ns = 91 * FX_PERIOD_NS;
	one_program_path(p, "git");
	md = render_md(p);
	assert_contains(md, "; spread thin: no function has 5% of it on its "
			"own (the most, `[libz.so.1+0xa000]` in libz.so.1, "
			"inside `inflate`, 4.4%)");
	free(md);
	fx_free(p);
}

/* The function of most own time has 7% of the path, another 60% with its
 * callees, in runtime code 5% a function: the verdict leads with that one
 * (Node's hashes() in malloc and V8's builtins, beside fib()). */
static void test_spread_thin_minor_most(void **state)
{
	struct profile *p = fx_new("node fib.js");
	uint32_t run, fib, hashes, rt;
	char name[32];
	char *md;
	int k;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "node", "/usr/bin/node");
	run = fx_frame_at(p, "run", "fib.js", CLASS_APP, "fib.js", 1);
	fib = fx_frame_at(p, "fib", "fib.js", CLASS_APP, "fib.js", 2);
	hashes = fx_frame_at(p, "hashes", "fib.js", CLASS_APP, "fib.js", 4);
	FX_STACK(p, 1, 1, 7, run, fib);
	for (k = 0; k < 12; k++) {
		snprintf(name, sizeof(name), "builtin_%d", k);
		rt = fx_frame(p, name, "node", CLASS_RUNTIME);
		FX_STACK(p, 1, 1, 5, run, hashes, rt);
	}
	for (k = 0; k < 11; k++) {
		snprintf(name, sizeof(name), "other_%d", k);
		rt = fx_frame(p, name, "node", CLASS_RUNTIME);
		FX_STACK(p, 1, 1, 3, run, rt);
	}
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "node");
	md = render_md(p);
	assert_contains(md, "; spread thin: no function has 10% of it on its "
			"own (the most, `fib` in fib.js:2, 7.0%); most of it "
			"under `hashes` (fib.js:4), 60.0% of the wall time "
			"with its callees.");
	assert_lacks(md, "most in `fib`");
	free(md);
	fx_free(p);
}

/* compileall: the work is under py_compile's compile(), which calls
 * importlib's source_to_code(): the import machinery is not what the
 * verdict names. */
static void test_spread_thin_not_importlib(void **state)
{
	struct profile *p = fx_new("python3 -m compileall -q .");
	uint32_t comp, s2c, rt;
	char name[32];
	char *md;
	int k;

	(void)state;
	p->root_pid = 1;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3.11");
	comp = fx_frame_at(p, "compile", "py_compile.py", CLASS_RUNTIME,
			   "/usr/lib/python3.11/py_compile.py", 141);
	s2c = fx_frame_at(p, "SourceLoader.source_to_code",
			  "<frozen importlib._bootstrap_external>",
			  CLASS_RUNTIME,
			  "<frozen importlib._bootstrap_external>", 1004);
	p->frames[s2c].path = NULL;
	for (k = 0; k < 25; k++) {
		snprintf(name, sizeof(name), "_PyPegen_%d", k);
		rt = fx_frame(p, name, "libpython3.11.so.1.0", CLASS_RUNTIME);
		FX_STACK(p, 1, 1, 4, comp, s2c, rt);
	}
	p->wall_ns = 100 * FX_PERIOD_NS;
	one_program_path(p, "python3");
	md = render_md(p);
	assert_contains(md, "; most of it under `compile` (/usr/lib/python3.11/"
			"py_compile.py:141), 100.0% of the wall time with its "
			"callees");
	assert_lacks(md, "under `SourceLoader.source_to_code`");
	free(md);
	fx_free(p);
}

/* A build's compiler runs: the longest on the path by their command
 * lines, the source each compiled; JSON has them whole. */
static void test_longest_runs(void **state)
{
	struct profile *p = fx_new("make -j2");
	struct critical_program *cp;
	uint32_t f, pid;
	char *md, *json, args[64];

	(void)state;
	f = fx_frame(p, "main", "cc1", CLASS_APP);
	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("cc1");
	cp->pids = fx_grow(NULL, 0, 3 * sizeof(*cp->pids));
	for (pid = 10; pid < 13; pid++) {
		FX_STACK(p, pid, pid, 1, f)->cp_ns = (pid - 9) * 100 * MS;
		fx_proc(p, pid, 1, "cc1", "/usr/lib/gcc/cc1");
		snprintf(args, sizeof(args), "/usr/lib/gcc/cc1 -quiet -I inc "
			 "f%u.c -o /tmp/x.s", pid);
		p->procs[p->n_procs - 1].args = fx_strdup(args);
		cp->pids[cp->n_pids++] = pid;
		cp->ns += (pid - 9) * 100 * MS;
	}
	p->critical.n_programs = 1;
	p->critical.ns = p->wall_ns = 600 * MS;
	md = render_md(p);
	json = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "| pid | program | run | time | % of wall |\n"
			"|--:|---|---|--:|--:|\n"
			"| 12 | `cc1` | cc1 … f12.c | 300.0 ms | 50.0% |\n"
			"| 11 | `cc1` | cc1 … f11.c | 200.0 ms | 33.3% |\n"
			"| 10 | `cc1` | cc1 … f10.c | 100.0 ms | 16.7% |\n");
	assert_contains(json, "\"runs\": [\n      {\"pid\": 12, \"comm\": "
			"\"cc1\", \"args\": \"/usr/lib/gcc/cc1 -quiet -I inc "
			"f12.c -o /tmp/x.s\", \"brief\": \"cc1 … f12.c\", "
			"\"ns\": 300000000, \"pct\": 50.00}");
	free(md);
	free(json);
	/* two runs: no table */
	cp->n_pids = 2;
	md = render_md(p);
	assert_lacks(md, "Longest runs");
	free(md);
	fx_free(p);
}

/* git gc: three git processes, one function of stripped git holding most
 * of the path: the verdict says which run it was (pack-objects). */
static void test_stripped_names_its_run(void **state)
{
	static const char *const args[] = {
		"git gc", "git repack -d -l", "git pack-objects --all x",
	};
	static const uint64_t ms[] = { 10, 20, 570 };
	struct profile *p = fx_new("git gc");
	struct critical_program *cp;
	uint32_t f, pid;
	char *md;

	(void)state;
	f = unnamed(p, "[git+0x148eb0]", "git", "/usr/bin/git");
	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("git");
	cp->pids = fx_grow(NULL, 0, 3 * sizeof(*cp->pids));
	for (pid = 10; pid < 13; pid++) {
		FX_STACK(p, pid, pid, ms[pid - 10], f)->cp_ns =
			ms[pid - 10] * MS;
		fx_proc(p, pid, pid - 1, "git", "/usr/bin/git");
		p->procs[p->n_procs - 1].args = fx_strdup(args[pid - 10]);
		cp->pids[cp->n_pids++] = pid;
		cp->ns += ms[pid - 10] * MS;
	}
	p->critical.n_programs = 1;
	p->critical.ns = p->wall_ns = 600 * MS;
	md = render_md(p);
	assert_contains(md, "most in `[git+0x148eb0]` (app, git), 100.0% of "
			"the wall time with its callees; its longest runs: "
			"`git pack-objects … x` 95.0%, `git repack` 3.3% (see "
			"Longest runs). `git` is stripped");
	free(md);
	/* runs nothing tells apart (gzip reading a pipe): none named */
	for (pid = 0; pid < 3; pid++) {
		free((char *)p->procs[pid].args);
		p->procs[pid].args = fx_strdup("git -q");
	}
	md = render_md(p);
	assert_contains(md, "100.0% of the wall time with its callees. `git` "
			"is stripped");
	free(md);
	fx_free(p);
}

/* A stripped compiler's work spread thin under unnamed code: the verdict
 * names the longest compiles of it, not the address they ran under. */
static void test_spread_thin_names_runs(void **state)
{
	struct profile *p = fx_new("make -j2");
	struct critical_program *cp;
	uint32_t main_f, under, leaf, pid, k;
	char *md, args[64], name[32];

	(void)state;
	main_f = fx_frame(p, "main", "cc1", CLASS_APP);
	under = fx_frame(p, "[cc1+0x7ed990]", "cc1", CLASS_APP);
	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("cc1");
	cp->pids = fx_grow(NULL, 0, 3 * sizeof(*cp->pids));
	for (pid = 10; pid < 13; pid++) {
		fx_proc(p, pid, 1, "cc1", "/usr/lib/gcc/cc1");
		snprintf(args, sizeof(args), "/usr/lib/gcc/cc1 -quiet f%u.c "
			 "-o /tmp/x.s", pid);
		p->procs[p->n_procs - 1].args = fx_strdup(args);
		cp->pids[cp->n_pids++] = pid;
		for (k = 0; k < 30; k++) {
			snprintf(name, sizeof(name), "pass%u", k);
			leaf = fx_frame(p, name, "cc1", CLASS_APP);
			FX_STACK(p, pid, pid, 1, main_f, under, leaf)->cp_ns =
				(pid - 9) * MS;
			cp->ns += (pid - 9) * MS;
		}
	}
	p->critical.n_programs = 1;
	p->critical.ns = p->wall_ns = cp->ns;
	md = render_md(p);
	assert_contains(md, "; its longest runs: `cc1 … f12.c` 50.0%, "
			"`cc1 … f11.c` 33.3% (see Longest runs).");
	assert_lacks(md, "most of it under `[cc1+0x7ed990]`");
	free(md);
	fx_free(p);
}

/* The critical path: 100 samples' time, all of python3.11's (pid 7). */
static void python_path(struct profile *p)
{
	struct critical_program *cp;

	cp = p->critical.programs = fx_grow(NULL, 0, sizeof(*cp));
	memset(cp, 0, sizeof(*cp));
	cp->name = fx_strdup("python3.11");
	cp->pids = fx_grow(NULL, 0, sizeof(*cp->pids));
	cp->pids[cp->n_pids++] = 7;
	cp->ns = p->critical.ns = p->wall_ns = 100 * p->period_ns;
	p->critical.n_programs = 1;
}

/* The stack of one sample of pytest, root first: runpy, the runner,
 * CPython's own C code (stripped), then under[0..n) and an unnamed leaf. */
static void pytest_stack(struct profile *p, const uint32_t *f, uint32_t n_f,
			 const uint32_t *under, uint32_t n_under)
{
	uint32_t frames[8], n = 0, i;
	char leaf[40];

	for (i = 0; i < n_f; i++)
		frames[n++] = f[i];
	for (i = 0; i < n_under; i++)
		frames[n++] = under[i];
	snprintf(leaf, sizeof(leaf), "[python3.11+0x%zx]", 0x1000 + p->n_stacks);
	frames[n++] = unnamed(p, leaf, "python3.11", NULL);
	p->frames[frames[n - 1]].path = fx_strdup("/usr/bin/python3.11");
	fx_stack_n(p, 7, 7, 1, frames, n)->cp_ns = p->period_ns;
}

/* pytest running the program's tests: the work is under the runner's
 * function, not the CPython C helper every call goes through (nor is
 * stripped CPython's symbols the advice), and the program's own test
 * function holding a large part of it is named. */
static void test_spread_thin_framework(void **state)
{
	struct profile *p = fx_new("python3 -m pytest");
	uint32_t f[3], test, imp, i;
	char *md;

	(void)state;
	f[0] = fx_frame_at(p, "_run_module_as_main", "runpy.py", CLASS_RUNTIME,
			   "/usr/lib/python3.11/runpy.py", 198);
	f[1] = fx_frame_at(p, "call_runtest_hook", "runner.py", CLASS_LIBRARY,
			   "/usr/lib/python3/dist-packages/_pytest/runner.py",
			   259);
	f[2] = unnamed(p, "[python3.11+0x18dfd0]", "python3.11", NULL);
	test = fx_frame_at(p, "test_json", "test_x.py", CLASS_APP,
			   "/tmp/test_x.py", 10);
	imp = fx_frame_at(p, "_find_and_load", "<frozen importlib._bootstrap>",
			  CLASS_RUNTIME, "<frozen importlib._bootstrap>", 1);
	for (i = 0; i < 100; i++) {
		if (i < 40)		/* the test */
			pytest_stack(p, f, 3, &test, 1);
		else if (i < 55)	/* the runner, in CPython's helper */
			pytest_stack(p, f, 3, NULL, 0);
		else if (i < 60)	/* the runner's own */
			pytest_stack(p, f, 2, NULL, 0);
		else			/* imports */
			pytest_stack(p, f, 1, &imp, 1);
	}
	python_path(p);
	md = render_md(p);
	assert_contains(md, "; most of it under `call_runtest_hook` "
			"(/usr/lib/python3/dist-packages/_pytest/runner.py:"
			"259), 60.0% of the wall time with its callees; of its "
			"own code, `test_json` (/tmp/test_x.py:10) ran in 40.0% "
			"of on-CPU samples with its callees");
	assert_lacks(md, "most of it under `[python3.11");
	assert_lacks(md, "is stripped");
	free(md);
	fx_free(p);
}

/* A script whose work is all in its top-level code, in no function: the
 * verdict names its busiest lines. */
static void test_spread_thin_lines(void **state)
{
	static const int lines[] = { 6, 15, 14 };
	static const uint32_t counts[] = { 40, 25, 35 };
	struct profile *p = fx_new("python3 etl.py");
	uint32_t top[3], rows, leaf, i, k;
	char name[40];
	char *md;

	(void)state;
	for (i = 0; i < 3; i++)
		top[i] = fx_frame_at(p, "<module>", "etl.py", CLASS_APP,
				     "/tmp/etl.py", lines[i]);
	rows = fx_frame_at(p, "rows", "etl.py", CLASS_APP, "/tmp/etl.py", 13);
	for (i = 0; i < 3; i++)
		for (k = 0; k < counts[i]; k++) {
			snprintf(name, sizeof(name), "[python3.11+0x%zx]",
				 0x1000 + p->n_stacks);
			leaf = unnamed(p, name, "python3.11", NULL);
			if (i == 2)
				FX_STACK(p, 7, 7, 1, top[i], rows, leaf)->cp_ns =
					p->period_ns;
			else
				FX_STACK(p, 7, 7, 1, top[i], leaf)->cp_ns =
					p->period_ns;
		}
	python_path(p);
	md = render_md(p);
	assert_contains(md, "; its busiest lines, of on-CPU samples: "
			"/tmp/etl.py:6 40.0%, /tmp/etl.py:13 35.0%.");
	assert_lacks(md, "most of it under");
	free(md);
	/* JSON's verdict is the same (it crashed: no source lines loaded) */
	md = render(p, FORMAT_JSON, 0, 0);
	assert_contains(md, "; its busiest lines, of on-CPU samples: "
			"/tmp/etl.py:6 40.0%, /tmp/etl.py:13 35.0%.");
	free(md);
	fx_free(p);
}

/* A build of one's own: no package to install. */
static void test_stripped_own_build(void **state)
{
	struct profile *p = fx_new("./cpp_s");
	char *md;

	(void)state;
	fx_proc(p, 1, 0, "cpp_s", "/home/u/cpp_s");
	FX_STACK(p, 1, 1, 10, unnamed(p, "[cpp_s+0x1f40]", "cpp_s",
				      "/home/u/cpp_s"));
	md = render_md(p);
	assert_contains(md, "`cpp_s` is stripped: a build with symbols would "
			"name its code (see Data quality).");
	assert_contains(md, "To get names, profile a build that keeps its "
			"symbols (-g, not stripped)");
	assert_lacks(md, "dbgsym");
	free(md);
	fx_free(p);
}

static struct profile *node_profile(void)
{
	struct profile *p = fx_new("node hot.js");
	uint32_t m, jit, set;

	fx_proc(p, 7, 1, "node", "/usr/bin/node");
	m = fx_frame(p, "main", "node", CLASS_APP);
	jit = unnamed(p, "[unknown]", "[unknown]", NULL);
	set = fx_frame(p, "Builtins_MapPrototypeSet", "node", CLASS_RUNTIME);
	FX_STACK(p, 7, 7, 40, m, jit, set);
	FX_STACK(p, 7, 7, 60, m);
	return p;
}

static void test_jit_advice(void **state)
{
	struct profile *p = node_profile();
	char *md;

	(void)state;
	md = render_md(p);
	assert_contains(md, " 40.0% of samples ran in or under JIT code "
			"without names (`[unknown]`): run node with "
			"--perf-basic-prof --interpreted-frames-native-stack (in "
			"NODE_OPTIONS for a node a script starts: npm, npx) so "
			"whyslow can name it.\n");
	assert_contains(md, "- JIT code: 40.0% of samples ran in or under "
			"anonymous executable memory of `node` (pid 7) that no "
			"perf map names, shown as `[unknown]`: run node with "
			"--perf-basic-prof --interpreted-frames-native-stack (in "
			"NODE_OPTIONS for a node a script starts: npm, npx) so "
			"whyslow can name JIT code.\n");
	free(md);
	/* a perf map named some: node was run with it */
	fx_frame(p, "LazyCompile:~fib hot.js:1", "[jit]", CLASS_APP);
	md = render_md(p);
	assert_lacks(md, "perf-basic-prof");
	free(md);
	fx_free(p);
}

/* java with its perf map, 60% of samples starting in compiled code: the
 * verdict and Data quality say how to keep their callers. */
static void test_java_rootless_advice(void **state)
{
	struct profile *p = fx_new("java Hot");
	uint32_t start, work, merge;
	char *md;

	(void)state;
	fx_proc(p, 9, 1, "java", "/usr/lib/jvm/bin/java");
	start = fx_frame(p, "start_thread", "libc.so.6", CLASS_RUNTIME);
	work = fx_frame(p, "long Hot.work(int)", "[jit]", CLASS_APP);
	merge = fx_frame(p, "java.lang.Object java.util.HashMap.merge(…)",
			 "[jit]", CLASS_RUNTIME);
	FX_STACK(p, 9, 9, 60, merge);
	FX_STACK(p, 9, 9, 40, start, work, merge);
	md = render_md(p);
	assert_contains(md, " 60.0% of samples start in compiled Java code, "
			"whose callers whyslow could not walk: run java with "
			"-XX:+PreserveFramePointer as well.\n");
	assert_contains(md, "- JIT frames: 60.0% of samples start in "
			"compiled Java code");
	free(md);
	fx_free(p);
}

/* A CPython whyslow cannot walk ran, and the verdict names its C code:
 * the verdict says its Python functions are not named, and why. */
static void test_unwalked_python(void **state)
{
	struct profile *p = fx_new("python3.9 dc.py");
	uint32_t m, gc;
	char *md;

	(void)state;
	fx_proc(p, 7, 1, "python3", "/usr/bin/python3.9");
	m = fx_frame(p, "main", "python3.9", CLASS_RUNTIME);
	gc = fx_frame(p, "collect", "libpython3.9.so.1.0", CLASS_RUNTIME);
	FX_STACK(p, 7, 7, 60, m, gc);
	FX_STACK(p, 7, 7, 40, m);
	fx_note(p, "pid 7 (python3): CPython 3.9" PROFILE_NOTE_PY_NATIVE);
	md = render_md(p);
	assert_contains(md, "`collect` (runtime, libpython3.9.so.1.0) is 60.0%");
	assert_contains(md, " Its Python functions are not named: CPython 3.9 "
			"is not supported (whyslow reads CPython 3.10 to "
			"3.13).\n");
	free(md);
	fx_free(p);
}

/* A perl script's time in perl's C code (its hashes): the verdict says
 * its subs are not named, and what names them; a C program's libperl-
 * like name is not perl ("perlin"), nor perl's own code when it is not
 * the runtime.  A shell's, in the shell itself: its commands, and what
 * times them. */
static void test_unwalked_perl(void **state)
{
	struct profile *p = fx_new("perl wf.pl");
	uint32_t m, hv;
	char *md;

	(void)state;
	fx_proc(p, 7, 1, "perl", "/usr/bin/perl");
	m = fx_frame(p, "main", "perl", CLASS_RUNTIME);
	hv = fx_frame(p, "Perl_hv_common", "libperl.so.5.36", CLASS_RUNTIME);
	FX_STACK(p, 7, 7, 60, m, hv);
	FX_STACK(p, 7, 7, 40, m);
	md = render_md(p);
	assert_contains(md, " Its Perl subs are not named: whyslow reads no "
			"Perl stacks; perl -d:NYTProf (Debian: "
			"libdevel-nytprof-perl) names them.");
	free(md);
	free(p->frames[hv].module);
	p->frames[hv].module = fx_strdup("perlin");
	md = render_md(p);
	assert_null(strstr(md, "not named"));
	free(md);
	fx_free(p);
	/* a bash loop's time in bash itself: the program's own code */
	p = fx_new("bash -c loop");
	fx_proc(p, 7, 1, "bash", "/usr/bin/bash");
	m = fx_frame(p, "[bash+0x59ab0]", "bash", CLASS_APP);
	FX_STACK(p, 7, 7, 100, m);
	md = render_md(p);
	assert_contains(md, " Its shell commands are not named: whyslow reads "
			"no shell stacks; bash -x with PS4='+ $EPOCHREALTIME ' "
			"times each one.");
	free(md);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stripped_advice),
		cmocka_unit_test(test_stripped_advice_cpython),
		cmocka_unit_test(test_stripped_own_build),
		cmocka_unit_test(test_stripped_inside),
		cmocka_unit_test(test_stripped_inside_openmp),
		cmocka_unit_test(test_stripped_group),
		cmocka_unit_test(test_stripped_app_or_library),
		cmocka_unit_test(test_stripped_names_its_run),
		cmocka_unit_test(test_spread_thin_inside),
		cmocka_unit_test(test_spread_thin_minor_most),
		cmocka_unit_test(test_spread_thin_not_importlib),
		cmocka_unit_test(test_longest_runs),
		cmocka_unit_test(test_spread_thin_names_runs),
		cmocka_unit_test(test_spread_thin_framework),
		cmocka_unit_test(test_spread_thin_lines),
		cmocka_unit_test(test_jit_advice),
		cmocka_unit_test(test_java_rootless_advice),
		cmocka_unit_test(test_unwalked_python),
		cmocka_unit_test(test_unwalked_perl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
