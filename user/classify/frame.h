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

/* Class of Python code from its co_filename: the standard library and
 * installed packages are library, frozen and built-in modules runtime,
 * the rest the program's own. */
enum frame_class classify_python_file(const char *file);

/* "app", "library", "runtime", "kernel". */
const char *frame_class_name(enum frame_class cls);

#endif
