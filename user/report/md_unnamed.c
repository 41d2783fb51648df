// SPDX-License-Identifier: GPL-2.0
/*
 * Code that ran without names, in the summary: what would name it.  A
 * stripped binary wants its debug symbols (whyslow reads them by build-id
 * under /usr/lib/debug; it asks no debuginfod server); a JIT's anonymous
 * code wants the runtime to write a perf map, which whyslow reads.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/unnamed.h"
#include "report/md.h"
#include "report/md_quality.h"

/* From this share of the samples on, unnamed code is worth a fix. */
#define UNNAMED_MIN_PCT		10
#define JIT_GAP_SIZE		200	/* jit_gap_advice's text */

static bool worth(uint64_t part, uint64_t whole)
{
	return part && part * 100 >= whole * UNNAMED_MIN_PCT;
}

/* "run node with --perf-basic-prof": how the runtime writes a perf map
 * (a JVM's compiled code also keeps no frame pointer), and, for one a
 * script starts (npm, mvn), the environment variable that passes it. */
static const char *perf_map_advice(const struct unnamed_code *u)
{
	switch (u->runtime) {
	case UNNAMED_RT_NODE:
		return "run node with --perf-basic-prof "
		       "--interpreted-frames-native-stack (in NODE_OPTIONS "
		       "for a node a script starts: npm, npx)";
	case UNNAMED_RT_PYTHON:
		return "run python with -X perf (Python 3.12+; "
		       "PYTHONPERFSUPPORT=1 for a python a script starts)";
	case UNNAMED_RT_JAVA:
		return "run java with -XX:+UnlockDiagnosticVMOptions "
		       "-XX:+DumpPerfMapAtExit (JDK 17+) and "
		       "-XX:+PreserveFramePointer (in JAVA_TOOL_OPTIONS for a "
		       "JVM a script starts: mvn, gradle)";
	default:
		return "have the JIT write /tmp/perf-PID.map (perf's "
		       "convention; node: --perf-basic-prof, Python 3.12+: "
		       "-X perf)";
	}
}

static bool anon_worth(const struct unnamed_code *u, uint64_t samples)
{
	return !u->perf_map && worth(u->anon_samples, samples);
}

/* What a JIT runtime with a perf map still needs, into buf: "32.1% of
 * samples start in compiled Java code …"; false when too few samples
 * miss it. */
static bool jit_gap_advice(char *buf, size_t size,
			   const struct unnamed_code *u, uint64_t samples)
{
	if (!u->perf_map || !worth(u->jit_gap, samples))
		return false;
	if (u->jit_gap_rt == UNNAMED_RT_JAVA)
		snprintf(buf, size, "%.1f%% of samples start in compiled Java "
			 "code, whose callers whyslow could not walk: run java "
			 "with -XX:+PreserveFramePointer as well.",
			 pct_of(u->jit_gap, samples));
	else if (u->jit_gap_rt == UNNAMED_RT_NODE)
		snprintf(buf, size, "%.1f%% of samples ran JavaScript in V8's "
			 "interpreter, whose functions the perf map does not "
			 "name: run node with --interpreted-frames-native-stack "
			 "as well.", pct_of(u->jit_gap, samples));
	else
		return false;
	return true;
}

/* A distribution's binary, whose debug symbols come as a package; else
 * the reader's own build. */
static bool from_distro(const char *path)
{
	static const char *const dirs[] = { "/usr/", "/bin/", "/sbin/",
					    "/lib" };
	size_t i;

	if (!strncmp(path, "/usr/local/", 11))
		return false;
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

/* Debian's CPython keeps its debug symbols in python3.N-dbg (for the
 * interpreter and libpython3.N both), not in a -dbgsym: its name into
 * buf for module "python3.11" or "libpython3.11.so.1.0"; false for
 * another module. */
static bool cpython_dbg_package(const char *module, char *buf, size_t size)
{
	const char *v = module;
	size_t n;

	if (!cpython_file_name(module))
		return false;
	v += strncmp(module, "lib", 3) ? 6 : 9;	/* past "python" */
	n = strspn(v, "0123456789.");
	if (n < 3 || v[0] != '3' || v[1] != '.')
		return false;
	if (n > 1 && v[n - 1] == '.')		/* "3.11.so": the dot ends it */
		n--;
	snprintf(buf, size, "python%.*s-dbg", (int)min_u64(n, 8), v);
	return true;
}

static void quality_stripped(FILE *f, const struct unnamed_code *u,
			     uint64_t samples)
{
	char pkg[32];
	char module[CLEAN_SIZE(NAME_MAX_BYTES)], path[CLEAN_SIZE(NAME_MAX_BYTES)];

	md_clean(module, u->module, NAME_MAX_BYTES, false);
	md_clean(path, u->path, NAME_MAX_BYTES, true);
	fprintf(f, "- Stripped code: %.1f%% of samples ran in `%s` (%s) with "
		"no symbols, shown as `[%s+0x…]`. To get names, ",
		pct_of(u->samples, samples), module, path, module);
	if (from_distro(u->path) && cpython_dbg_package(u->module, pkg,
							sizeof(pkg)))
		fprintf(f, "install its debug symbols: on Debian, %s (apt "
			"installs the same version of the interpreter with it, "
			"which they must match)", pkg);
	else if (from_distro(u->path))
		fprintf(f, "install its debug symbols: on Debian, PKG-dbgsym "
			"from the debian-debug archive, where `dpkg -S %s` "
			"names PKG", path);
	else
		fputs("profile a build that keeps its symbols (-g, not "
		      "stripped), or put its debug file (objcopy "
		      "--only-keep-debug) where whyslow looks", f);
	fputs("; whyslow reads debug files by build-id under "
	      "/usr/lib/debug/.build-id.\n", f);
}

static void quality_anon(FILE *f, const struct unnamed_code *u,
			 uint64_t samples)
{
	char program[CLEAN_SIZE(NAME_MAX_BYTES)];

	md_clean(program, u->anon_program ? u->anon_program : "?",
		 NAME_MAX_BYTES, false);
	fprintf(f, "- JIT code: %.1f%% of samples ran in or under anonymous "
		"executable memory of `%s` (pid %" PRIu32 ") that no perf "
		"map names, shown as `[unknown]`: %s so whyslow can name JIT "
		"code.\n",
		pct_of(u->anon_samples, samples), program, u->anon_pid,
		perf_map_advice(u));
}

void md_unnamed_quality(FILE *f, const struct unnamed_code *u,
			uint64_t samples)
{
	char text[JIT_GAP_SIZE];

	if (u->module && worth(u->samples, samples))
		quality_stripped(f, u, samples);
	if (anon_worth(u, samples))
		quality_anon(f, u, samples);
	if (jit_gap_advice(text, sizeof(text), u, samples))
		fprintf(f, "- JIT frames: %s\n", text);
}

/* The verdict names "[git+0x28a290]": a function of u's stripped binary. */
static bool names_stripped(const struct func_stat *fs,
			   const struct unnamed_code *u)
{
	return fs && u->module && fs->module &&
	       !strcmp(fs->module, u->module) && aggregate_unnamed_function(fs);
}

/* ... or a library's code called from one ("called from [git+0x2949f0]"). */
static bool called_from_stripped(const struct md *m,
				 const struct func_stat *fs,
				 const struct unnamed_code *u)
{
	struct app_caller caller;

	if (!fs || fs->cls == CLASS_APP ||
	    aggregate_app_caller(m->p, m->agg, fs, &caller))
		return false;
	return names_stripped(caller.func, u);
}

/*
 * The verdict names CPython's own C code and a Python whyslow cannot walk
 * ran: its Python functions are named nowhere, which the reader should
 * know first.  Its note's "CPython 3.9 (debug build)", else NULL.
 */
static char *unwalked_python(const struct profile *p, const struct func_stat *fs)
{
	const char *from, *to;
	size_t i;

	if (!fs || !cpython_file_name(fs->module))
		return NULL;
	for (i = 0; i < p->n_notes; i++) {
		from = strstr(p->notes[i], "): CPython ");
		to = strstr(p->notes[i], PROFILE_NOTE_PY_NATIVE);
		if (from && to && to > from)
			return strndup(from + 3, to - from - 3);
	}
	return NULL;
}

/* An interpreter whose script's functions whyslow cannot name, and the
 * profiler that names them; the verdict names its own C code.  A shell
 * runs as the traced program itself (its code the app's), with no
 * library of its own (lib NULL). */
static const struct {
	const char *exe, *lib;	/* the interpreter's binary, its library */
	const char *lang, *what, *tool;
} unwalked_runtimes[] = {
	{ "perl", "libperl", "Perl", "subs",
	  "perl -d:NYTProf (Debian: libdevel-nytprof-perl) names them" },
	{ "ruby", "libruby", "Ruby", "methods", "rbspy or stackprof names them" },
	{ "bash", NULL, "shell", "commands",
	  "bash -x with PS4='+ $EPOCHREALTIME ' times each one" },
	{ "dash", NULL, "shell", "commands",
	  "bash -x with PS4='+ $EPOCHREALTIME ' times each one" },
	{ "zsh", NULL, "shell", "commands",
	  "zsh -x with PS4='+%D{%s.%.} ' times each one" },
};

/* fs is the C code of an interpreter of unwalked_runtimes: its index,
 * else -1. */
static int unwalked_runtime(const struct func_stat *fs)
{
	size_t i, n;

	if (!fs || !fs->module ||
	    (fs->cls != CLASS_RUNTIME && fs->cls != CLASS_APP))
		return -1;
	for (i = 0; i < ARRAY_SIZE(unwalked_runtimes); i++) {
		const char *lib = unwalked_runtimes[i].lib;

		n = strlen(unwalked_runtimes[i].exe);
		if (lib && fs->cls == CLASS_RUNTIME &&
		    !strncmp(fs->module, lib, strlen(lib)))
			return i;
		if (!strncmp(fs->module, unwalked_runtimes[i].exe, n) &&
		    (!fs->module[n] || isdigit((unsigned char)fs->module[n])) &&
		    (fs->cls == CLASS_RUNTIME || !lib))
			return i;
	}
	return -1;
}

/* A stripped CPython whose Python functions were named: its own C code's
 * names would not be the reader's to change (Data quality still says). */
static bool python_named(const struct md *m, const struct unnamed_code *u)
{
	size_t i;

	if (!cpython_file_name(u->module))
		return false;
	for (i = 0; i < m->agg->n_funcs; i++)
		if (m->agg->funcs[i].file &&
		    str_ends_with(m->agg->funcs[i].file, ".py"))
			return true;
	return false;
}

void md_unnamed_verdict(struct md *m)
{
	const struct func_stat *fs = aggregate_verdict_function(m->p, m->agg);
	char module[CLEAN_SIZE(NAME_MAX_BYTES)], text[JIT_GAP_SIZE];
	char pkg[32], dbg[64];
	const struct unnamed_code *u = &m->unnamed;
	char *py = unwalked_python(m->p, fs);
	int rt = unwalked_runtime(fs);

	if (rt >= 0)
		md_printf(&m->doc, " Its %s %s are not named: whyslow reads no "
			  "%s stacks; %s.",
			  unwalked_runtimes[rt].lang, unwalked_runtimes[rt].what,
			  unwalked_runtimes[rt].lang, unwalked_runtimes[rt].tool);
	if (py) {
		md_clean(module, py, NAME_MAX_BYTES, false);
		md_printf(&m->doc, " Its Python functions are not named: %s "
			  "is not supported (whyslow reads CPython 3.10 to "
			  "3.13).", module);
		free(py);
	}
	if ((names_stripped(fs, u) || called_from_stripped(m, fs, u)) &&
	    (py || !python_named(m, u))) {
		md_clean(module, u->module, NAME_MAX_BYTES, false);
		if (!from_distro(u->path))
			snprintf(dbg, sizeof(dbg), "a build with symbols");
		else if (cpython_dbg_package(u->module, pkg, sizeof(pkg)))
			snprintf(dbg, sizeof(dbg), "its debug symbols "
				 "(Debian: %s)", pkg);
		else
			snprintf(dbg, sizeof(dbg), "its debug symbols "
				 "(Debian: its package's -dbgsym)");
		md_printf(&m->doc, " `%s` is stripped: %s would name its "
			  "code (see Data quality).", module, dbg);
	}
	if (anon_worth(u, m->agg->samples))
		md_printf(&m->doc, " %.1f%% of samples ran in or under JIT "
			  "code without names (`[unknown]`): %s so whyslow "
			  "can name it.", pct_of(u->anon_samples,
						 m->agg->samples),
			  perf_map_advice(u));
	if (jit_gap_advice(text, sizeof(text), u, m->agg->samples))
		md_printf(&m->doc, " %s", text);
}
