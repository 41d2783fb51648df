// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping → frame class.  Call paths fold runs of library and runtime
 * frames, so the user sees where their own code calls in and out and not
 * the internals of qsort or the interpreter loop.  Matching is on the
 * path only, never on the file: the same input always gives the same
 * class and the function can be tested without the files.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "classify/frame.h"
#include "lib/util.h"

#define NAME_SCAN_MAX	4096	/* bytes of a name looked through */

/*
 * Interpreters and VMs: when one of these is the executable, its own code
 * is the runtime, and the user's program is the script it runs.
 */
static const char *const interpreters[] = {
	"python", "perl", "ruby", "node", "nodejs", "java",
};

/* Runtime shared objects named stem.so* or stem-VERSION.so (old glibc). */
static const char *const runtime_libs[] = {
	"libc", "libm", "libpthread", "libdl", "librt", "libstdc++",
	"libgcc_s", "libperl", "libjvm", "libnode",
};

/* Runtime shared objects whose version sits inside the name. */
static const char *const runtime_prefixes[] = {
	"ld-linux", "ld-musl", "libpython", "libruby",
};

/* Where distributions and package managers install shared libraries. */
static const char *const library_dirs[] = {
	"/usr/lib/", "/lib/", "/usr/lib64/", "/lib64/", "/usr/local/lib/",
	"/snap/",
};

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_any_prefix(const char *s, const char *const *prefixes,
			   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (has_prefix(s, prefixes[i]))
			return true;
	return false;
}

/* Installed packages: pip's (a venv's, the user's), Debian's. */
static bool in_site_packages(const char *path)
{
	return strstr(path, "/site-packages/") ||
	       strstr(path, "/dist-packages/");
}

/*
 * A Python's standard library: <prefix>/lib/python3.12/ wherever the
 * prefix is (/usr, /usr/local, pyenv's and conda's under the home
 * directory), and Debian's /usr/lib/python3/ (whose dist-packages is
 * looked at first).
 */
static bool python_stdlib(const char *path)
{
	const char *p = path, *rest;

	if (has_prefix(path, "/usr/lib/python3/"))
		return true;
	while ((p = strstr(p, "/lib")) != NULL) {
		rest = p + 4;
		p = rest;
		if (has_prefix(rest, "64"))
			rest += 2;
		if (!has_prefix(rest, "/python"))
			continue;
		rest += 7;
		if (!isdigit((unsigned char)rest[0]) || rest[1] != '.')
			continue;
		rest += 2 + strspn(rest + 2, "0123456789");
		if (rest[0] == '/' || (rest[0] == 't' && rest[1] == '/'))
			return true;	/* python3.13t: free-threaded */
	}
	return false;
}

/*
 * Go's standard library, by the source paths Go binaries record: under
 * $GOROOT, or where Go is installed: a distribution's /usr/lib/go-1.19,
 * /usr/local/go, golang.org/dl's ~/sdk/go1.21.0, a toolchain the go
 * command fetched into the module cache.  A GOPATH named ~/go holds the
 * user's code in ~/go/src: a bare go/ counts under /usr and /opt only.
 */
static bool in_goroot(const char *file, const char *goroot)
{
	size_t n = goroot ? strlen(goroot) : 0;
	const char *src, *dir;

	while (n > 1 && goroot[n - 1] == '/')
		n--;
	if (n > 1 && !strncmp(file, goroot, n) && has_prefix(file + n, "/src/"))
		return true;
	if (strstr(file, "/golang.org/toolchain@"))
		return strstr(file, "/src/") != NULL;
	src = strstr(file, "/src/");
	if (!src)
		return false;
	for (dir = src; dir > file && dir[-1] != '/'; dir--)
		;
	if ((has_prefix(dir, "go-") && isdigit((unsigned char)dir[3])) ||
	    (has_prefix(dir, "go") && isdigit((unsigned char)dir[2])))
		return true;
	if (has_prefix(file, "/usr/") || has_prefix(file, "/opt/"))
		return (src - dir == 2 && has_prefix(dir, "go")) ||
		       (src - dir == 6 && has_prefix(dir, "golang"));
	return false;
}

/* name is stem, bare or versioned: python3, python3.11, perl5.36.0. */
static bool is_interpreter(const char *name)
{
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(interpreters); i++) {
		len = strlen(interpreters[i]);
		if (strncmp(name, interpreters[i], len))
			continue;
		if (name[len + strspn(name + len, "0123456789.")] == '\0')
			return true;
	}
	return false;
}

bool classify_importlib_file(const char *file)
{
	static const char prefix[] = "<frozen importlib._bootstrap";

	return file && !strncmp(file, prefix, sizeof(prefix) - 1);
}

bool classify_interpreter_module(const char *module)
{
	static const char *const libs[] = {
		"libpython", "libperl", "libruby", "libjvm", "libnode",
	};

	return module && (is_interpreter(module) ||
			  has_any_prefix(module, libs, ARRAY_SIZE(libs)));
}

static bool is_runtime_lib(const char *name)
{
	const char *rest;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(runtime_libs); i++) {
		len = strlen(runtime_libs[i]);
		if (strncmp(name, runtime_libs[i], len))
			continue;
		rest = name + len;
		if (has_prefix(rest, ".so") ||
		    (rest[0] == '-' && isdigit((unsigned char)rest[1])))
			return true;
	}
	return has_any_prefix(name, runtime_prefixes,
			      ARRAY_SIZE(runtime_prefixes));
}

enum frame_class classify_mapping(const char *map_path, const char *exe_path)
{
	const char *name;

	/*
	 * No file behind the code: anonymous memory is JIT output (or code
	 * we cannot name) generated from the user's program, so it is theirs.
	 * The vDSO is the exception: the kernel's clock_gettime and friends,
	 * reached through libc like any runtime call.
	 */
	if (!map_path || map_path[0] != '/') {
		if (map_path && (!strcmp(map_path, "[vdso]") ||
				 !strcmp(map_path, "[vsyscall]")))
			return CLASS_RUNTIME;
		return CLASS_APP;
	}
	name = path_basename(map_path);
	/* Checked before the executable: python3 running a script is runtime. */
	if (is_interpreter(name))
		return CLASS_RUNTIME;
	if (exe_path && !strcmp(map_path, exe_path))
		return CLASS_APP;
	if (is_runtime_lib(name))
		return CLASS_RUNTIME;
	/* Third-party packages' C extensions (numpy, lxml, ...). */
	if (in_site_packages(map_path))
		return CLASS_LIBRARY;
	/* An interpreter's own C modules (CPython's _socket, zlib, ...),
	 * wherever it is installed (pyenv: under the home directory). */
	if (strstr(map_path, "/lib-dynload/") || python_stdlib(map_path))
		return CLASS_RUNTIME;
	if (has_any_prefix(map_path, library_dirs, ARRAY_SIZE(library_dirs)))
		return CLASS_LIBRARY;
	/* The user's own shared objects, in their build or install tree. */
	return CLASS_APP;
}

const char *frame_class_name(enum frame_class cls)
{
	switch (cls) {
	case CLASS_APP:
		return "app";
	case CLASS_LIBRARY:
		return "library";
	case CLASS_RUNTIME:
		return "runtime";
	case CLASS_KERNEL:
		return "kernel";
	}
	return "unknown";
}

enum frame_class classify_python_file(const char *file, bool command)
{
	/* a script piped in, python -c's code: the user's own; other
	 * pseudo-files (<frozen importlib._bootstrap>, the "<string>" of
	 * code that dataclasses and namedtuple generate) the runtime's */
	if (file && (!strcmp(file, "<stdin>") ||
		     (command && !strcmp(file, "<string>"))))
		return CLASS_APP;
	if (!file || file[0] == '<')
		return CLASS_RUNTIME;
	if (in_site_packages(file))
		return CLASS_LIBRARY;
	if (python_stdlib(file))
		return CLASS_RUNTIME;
	return CLASS_APP;
}

/* V8's script (perf map "JS:*fib /app/x.js:1:13"): node's own modules
 * are node:, packages under node_modules. */
static enum frame_class classify_script(const char *script)
{
	if (has_prefix(script, "node:"))
		return CLASS_RUNTIME;
	if (strstr(script, "/node_modules/"))
		return CLASS_LIBRARY;
	return CLASS_APP;
}

/* A JVM's "ret pkg.Class.method(args)": the JDK's packages, Kotlin's and
 * Scala's standard libraries are the runtime. */
static enum frame_class classify_java(const char *name, const char *paren)
{
	static const char *const jdk[] = {
		"java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.",
		"scala.",
	};
	const char *method = paren;

	while (method > name && method[-1] != ' ')
		method--;
	return has_any_prefix(method, jdk, ARRAY_SIZE(jdk)) ? CLASS_RUNTIME
							    : CLASS_APP;
}

enum frame_class classify_jit(const char *name)
{
	static const char *const scripts[] = {
		"JS:", "Eval:", "Script:", "Function:", "LazyCompile:",
	};
	static const char *const runtime[] = {	/* V8's, then HotSpot's */
		"Builtin:", "BytecodeHandler:", "Stub:", "Handler:",
		"RegExp:", "Interpreter", "StubRoutines", "I2C/C2I adapters",
		"MethodHandlesAdapterBlob", "flush_icache_stub",
	};
	const char *s;

	if (!name)
		return CLASS_APP;
	if (has_prefix(name, "py::"))	/* CPython -X perf: py::fn:file */
		return (s = strrchr(name, ':')) ?
		       classify_python_file(s + 1, false) : CLASS_RUNTIME;
	if (has_any_prefix(name, scripts, ARRAY_SIZE(scripts)))
		return (s = strrchr(name, ' ')) ? classify_script(s + 1)
						: CLASS_APP;
	if (has_any_prefix(name, runtime, ARRAY_SIZE(runtime)))
		return CLASS_RUNTIME;
	return (s = strchr(name, '(')) ? classify_java(name, s) : CLASS_APP;
}

enum frame_class classify_go_name(const char *name)
{
	size_t n = strcspn(name, "/");

	if (has_prefix(name, "main."))
		return CLASS_APP;
	if (!name[n])		/* runtime.wbBufFlush.abi0, type..eq.T */
		return CLASS_RUNTIME;
	return memchr(name, '.', n) ? CLASS_LIBRARY : CLASS_RUNTIME;
}

/*
 * A C++ or Rust standard library function by its demangled name, where no
 * source file tells (a program built without -g): std::, __gnu_cxx::,
 * core::, alloc:: and trait impls of theirs (<alloc::vec::Vec<T> as
 * core::ops::drop::Drop>::drop), after a function template's return type
 * ("void std::__introsort_loop<…>(…)").
 */
static bool std_library_name(const char *name)
{
	static const char *const spaces[] = {
		"std::", "__gnu_cxx::", "__cxxabiv1::", "core::", "alloc::",
		"<std::", "<core::", "<alloc::",
	};
	const char *start = name, *c;
	int depth = 0;

	/* the name proper: after the last space outside <> before its
	 * parameters ("std::vector<int> make<int>(int)" is make's) */
	for (c = name; *c && c - name < NAME_SCAN_MAX; c++) {
		if (*c == '<')
			depth++;
		else if (*c == '>' && depth)
			depth--;
		else if (!depth && *c == '(')
			break;
		else if (!depth && *c == ' ')
			start = c + 1;
	}
	return has_any_prefix(start, spaces, ARRAY_SIZE(spaces));
}

enum frame_class classify_source(enum frame_class cls, const char *file,
				 const char *name, const char *goroot)
{
	if (cls == CLASS_APP && file && name &&
	    !strcmp(path_basename(file), "<autogenerated>"))
		return classify_go_name(name);
	if (cls == CLASS_APP && !file && name && std_library_name(name))
		return CLASS_RUNTIME;
	if (cls != CLASS_APP || !file || file[0] != '/')
		return cls;
	/* C++'s standard library is headers, inlined or instantiated into
	 * the program: /usr/include/c++/12/, libc++'s .../include/c++/v1/,
	 * and the system's (libstdc++'s gthr-default.h under
	 * /usr/include/x86_64-linux-gnu/c++/12/, glibc's fortified stdio);
	 * Rust's, /rustc/<hash>/library/, and the crates it is built with
	 * (its HashMap's hashbrown), /rust/deps/ */
	if (in_goroot(file, goroot) || has_prefix(file, "/rustc/") ||
	    has_prefix(file, "/rust/deps/") || strstr(file, "/include/c++/") ||
	    has_prefix(file, "/usr/include/"))
		return CLASS_RUNTIME;
	/* Go's module cache, Rust's crates.io sources */
	if (strstr(file, "/pkg/mod/") || strstr(file, "/.cargo/registry/"))
		return CLASS_LIBRARY;
	return cls;
}

bool classify_shell(const char *name)
{
	static const char *const shells[] = {
		"sh", "dash", "bash", "zsh", "ksh", "mksh", "busybox",
	};

	return name_in(name, shells, ARRAY_SIZE(shells));
}

enum linker_kind classify_linker(const char *name)
{
	static const char *const others[] = {
		"ld.lld", "lld", "ld64.lld", "mold", "ld.mold", "collect2",
	};

	if (!strcmp(name, "ld") || !strcmp(name, "ld.bfd") ||
	    str_ends_with(name, "-ld") || str_ends_with(name, "-ld.bfd"))
		return LINKER_BFD;
	if (!strcmp(name, "ld.gold") || str_ends_with(name, "-ld.gold"))
		return LINKER_GOLD;
	return name_in(name, others, ARRAY_SIZE(others)) ||
	       str_ends_with(name, "-ld.lld") ? LINKER_OTHER : LINKER_NONE;
}

bool classify_loader_module(const char *module)
{
	return module && (has_prefix(module, "ld-linux") ||
			  has_prefix(module, "ld-musl") ||
			  has_prefix(module, "ld.so"));
}
