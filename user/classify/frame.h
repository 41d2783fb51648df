/* SPDX-License-Identifier: GPL-2.0 */
/* Which kind of code a mapping holds: decides how call paths fold. */
#ifndef WHYSLOW_CLASSIFY_H
#define WHYSLOW_CLASSIFY_H

#include "profile/profile.h"

/*
 * Class of user code mapped from map_path (as /proc/PID/maps names it)
 * in a process whose executable is exe_path (may be NULL).  Kernel frames
 * are the caller's business.  Pure: looks at the strings only.
 */
enum frame_class classify_mapping(const char *map_path, const char *exe_path);

/* Class of Python code from its co_filename: installed packages
 * (site-packages) are library, the standard library (lib/python3.x, also
 * pyenv's), frozen modules and generated code runtime, the rest the
 * program's own; command: the process runs python -c, whose code is
 * "<string>". */
enum frame_class classify_python_file(const char *file, bool command);

/* Class of JIT code from the name a perf map gives it: a JVM's JDK
 * methods, V8's builtins and node's own modules, CPython's standard
 * library are the runtime; the program's own code, else. */
enum frame_class classify_jit(const char *name);

/*
 * The class of native code the mapping said was the program's own (cls
 * CLASS_APP), from the source file it was compiled from: a language's
 * standard library built into the program (Go's under its GOROOT, given
 * or where Go installs, Rust's /rustc/<hash>/library, C++'s headers
 * under an include/c++/ directory) is runtime, its
 * package caches (Go's pkg/mod, Cargo's registry) library.  Other
 * classes, and a NULL or relative file, stay as they are.  Pure.
 */
enum frame_class classify_source(enum frame_class cls, const char *file,
				 const char *goroot);

/* The dynamic loader's module: "ld-linux-x86-64.so.2",
 * "ld-musl-x86_64.so.1", "ld.so". */
bool classify_loader_module(const char *module);

/* "app", "library", "runtime", "kernel". */
const char *frame_class_name(enum frame_class cls);

#endif
