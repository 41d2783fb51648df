// SPDX-License-Identifier: GPL-2.0
/* Mapping classes, and the frame a site, a wait or a program's runs
 * are shown by, on hand-built profiles. */
#include "profile_fixture.h"

#include "analyze/aggregate.h"
#include "classify/frame.h"

static void test_classify_mapping(void **state)
{
	static const struct {
		const char *map;
		const char *exe;
		enum frame_class want;
	} cases[] = {
		{ "/home/u/demo", "/home/u/demo", CLASS_APP },
		{ "/usr/lib/x86_64-linux-gnu/libc.so.6", "/home/u/demo", CLASS_RUNTIME },
		{ "/lib/x86_64-linux-gnu/libc-2.31.so", NULL, CLASS_RUNTIME },
		{ "/lib64/ld-linux-x86-64.so.2", "/home/u/demo", CLASS_RUNTIME },
		{ "/usr/lib/x86_64-linux-gnu/libm.so.6", NULL, CLASS_RUNTIME },
		{ "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", NULL, CLASS_RUNTIME },
		{ "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1", NULL, CLASS_RUNTIME },
		{ "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0", NULL, CLASS_RUNTIME },
		{ "/usr/bin/python3.11", "/usr/bin/python3.11", CLASS_RUNTIME },
		{ "/usr/bin/perl", "/usr/bin/perl", CLASS_RUNTIME },
		{ "/usr/lib/jvm/java-17/bin/java", "/usr/lib/jvm/java-17/bin/java", CLASS_RUNTIME },
		{ "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", NULL, CLASS_LIBRARY },
		{ "/usr/lib/x86_64-linux-gnu/libmount.so.1", NULL, CLASS_LIBRARY },
		{ "/usr/local/lib/libfoo.so", NULL, CLASS_LIBRARY },
		{ "/snap/core22/current/lib/libz.so.1", NULL, CLASS_LIBRARY },
		{ "/usr/lib/firefox/firefox", "/usr/lib/firefox/firefox", CLASS_APP },
		{ "/home/u/build/libmine.so", "/home/u/build/demo", CLASS_APP },
		/* pyenv's CPython and its C modules, a venv's C extensions */
		{ "/root/.pyenv/versions/3.12.1/lib/python3.12/lib-dynload/"
		  "_socket.cpython-312-x86_64-linux-gnu.so", NULL, CLASS_RUNTIME },
		{ "/home/u/venv/lib/python3.12/site-packages/numpy/core/"
		  "_multiarray_umath.cpython-312-x86_64-linux-gnu.so", NULL,
		  CLASS_LIBRARY },
		{ "/usr/bin/pythonista", "/usr/bin/pythonista", CLASS_APP },
		{ "[vdso]", "/home/u/demo", CLASS_RUNTIME },
		{ "[anon:v8]", "/usr/bin/node", CLASS_APP },
		{ "//anon", NULL, CLASS_APP },
		{ "", NULL, CLASS_APP },
		{ NULL, NULL, CLASS_APP },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (classify_mapping(cases[i].map, cases[i].exe) != cases[i].want)
			fail_msg("%s (exe %s): want %s", cases[i].map,
				 cases[i].exe, frame_class_name(cases[i].want));
	}
	assert_string_equal(frame_class_name(CLASS_KERNEL), "kernel");
}

/* The frame a site or wait is shown by: the innermost app frame; without
 * one, the innermost named user frame, not an "[unknown]" the unwinder
 * left inside it (pyenv's python forking from subprocess.py); kernel
 * frames never. */
static void test_display_frame(void **state)
{
	struct profile *p = fx_new("python3 -m x");
	uint32_t main_, popen, anon, k, app, st[4];

	(void)state;
	main_ = fx_frame(p, "main", "python3", CLASS_RUNTIME);
	popen = fx_frame_at(p, "Popen._execute_child", "python3",
			    CLASS_RUNTIME, "/usr/lib/python3.11/subprocess.py",
			    1834);
	anon = fx_frame(p, "[unknown]", "[unknown]", CLASS_RUNTIME);
	p->frames[anon].resolved = false;
	k = fx_frame(p, "do_syscall_64", "[kernel]", CLASS_KERNEL);
	app = fx_frame_at(p, "compress", "python3", CLASS_APP, "/x/a.py", 4);
	st[0] = main_; st[1] = popen; st[2] = anon; st[3] = k;
	assert_int_equal(display_frame(p, st, 4), popen);
	st[1] = app;
	assert_int_equal(display_frame(p, st, 4), app);
	st[0] = anon; st[1] = k;
	assert_int_equal(display_frame(p, st, 2), anon);
	st[0] = k;
	assert_int_equal(display_frame(p, st, 1), -1);
	assert_int_equal(display_frame(p, st, 0), -1);
	fx_free(p);
}

/* A program of the standard library's (python -m http.server): its
 * waits are shown by the innermost Python frame, not libc's poll under
 * it, nor importlib's frozen bootstrap. */
static void test_display_frame_python(void **state)
{
	struct profile *p = fx_new("python3 -m http.server");
	uint32_t serve, sel, frozen, poll, k, st[5];

	(void)state;
	serve = fx_frame_at(p, "BaseServer.serve_forever", "socketserver.py",
			    CLASS_RUNTIME,
			    "/usr/lib/python3.11/socketserver.py", 233);
	sel = fx_frame_at(p, "_PollLikeSelector.select", "selectors.py",
			  CLASS_RUNTIME, "/usr/lib/python3.11/selectors.py",
			  415);
	frozen = fx_frame_at(p, "_find_and_load", "<frozen importlib._bootstrap>",
			     CLASS_RUNTIME, "<frozen importlib._bootstrap>",
			     1176);
	poll = fx_frame(p, "__poll", "libc.so.6", CLASS_RUNTIME);
	p->frames[poll].path = fx_strdup("/usr/lib/x86_64-linux-gnu/libc.so.6");
	k = fx_frame(p, "do_sys_poll", "[kernel]", CLASS_KERNEL);
	st[0] = serve; st[1] = sel; st[2] = poll; st[3] = k;
	assert_int_equal(display_frame(p, st, 4), sel);
	st[1] = frozen;
	assert_int_equal(display_frame(p, st, 4), serve);
	st[0] = frozen;
	assert_int_equal(display_frame(p, st, 4), poll);
	fx_free(p);
}

/* Where a program's runs were started: its own site when that is the
 * program's source; through a shell (os.system), the shell's site; else
 * its own site, whatever it is. */
/* A goroutine net/http started, dialing: no code of the program's, Go's
 * standard library all runtime; shown by net's connect, not by the
 * system-call plumbing under it.  The scheduler's stacks, all plumbing,
 * by their innermost. */
static void test_display_frame_go(void **state)
{
	struct profile *p = fx_new("goc");
	uint32_t exit_, dial, conn, sys, sys6, st[5];

	(void)state;
	exit_ = fx_frame(p, "runtime.goexit.abi0", "goc", CLASS_RUNTIME);
	dial = fx_frame(p, "net/http.(*Transport).dialConnFor", "goc",
			CLASS_RUNTIME);
	conn = fx_frame(p, "net.(*netFD).connect", "goc", CLASS_RUNTIME);
	sys = fx_frame(p, "syscall.connect", "goc", CLASS_RUNTIME);
	sys6 = fx_frame(p, "runtime/internal/syscall.Syscall6", "goc",
			CLASS_RUNTIME);
	st[0] = exit_;
	st[1] = dial;
	st[2] = conn;
	st[3] = sys;
	st[4] = sys6;
	assert_int_equal(display_frame(p, st, 5), conn);
	st[2] = exit_;			/* plumbing only: the innermost */
	st[1] = exit_;
	assert_int_equal(display_frame(p, st, 5), sys6);
	fx_free(p);
}

static void test_spawn_display_frame(void **state)
{
	struct profile *p = fx_new("python3 x.py");
	uint32_t mod, pack, sys, dash;
	struct io_spawn *gz, *sh;
	int32_t py_site, sh_site;

	(void)state;
	mod = fx_frame_at(p, "<module>", "x.py", CLASS_APP, "x.py", 5);
	pack = fx_frame_at(p, "pack", "x.py", CLASS_APP, "x.py", 4);
	sys = fx_frame(p, "system", "libc.so.6", CLASS_RUNTIME);
	dash = fx_frame(p, "[dash+0x40]", "dash", CLASS_APP);
	py_site = FX_IO_SITE(p, 1, mod, pack, sys);
	sh_site = FX_IO_SITE(p, 2, dash);
	fx_io_spawn(p, "/bin/sh", 2, 100, py_site);
	fx_io_spawn(p, "/usr/bin/gzip", 2, 90, sh_site);
	sh = &p->io.spawns[0];	/* the array moved as it grew */
	gz = &p->io.spawns[1];
	assert_int_equal(spawn_display_frame(p, sh), pack);
	assert_int_equal(spawn_display_frame(p, gz), dash);	/* no parent */
	gz->parent = fx_strdup("/bin/sh");
	assert_int_equal(spawn_display_frame(p, gz), pack);
	assert_true(frame_in_source(p, pack));
	assert_false(frame_in_source(p, dash));
	/* a shell started from nowhere in the source: gzip's own site */
	sh->site = sh_site;
	assert_int_equal(spawn_display_frame(p, gz), dash);
	free(gz->parent);
	gz->parent = fx_strdup("/usr/bin/make");	/* not a shell */
	sh->site = py_site;
	assert_int_equal(spawn_display_frame(p, gz), dash);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_mapping),
		cmocka_unit_test(test_display_frame),
		cmocka_unit_test(test_display_frame_python),
		cmocka_unit_test(test_display_frame_go),
		cmocka_unit_test(test_spawn_display_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
