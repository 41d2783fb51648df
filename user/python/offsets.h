/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Python-aware stacks, the user-space half: the CPython versions
 * whyslow supports and the offsets of what the BPF walker reads in each.
 * detect.h finds a CPython runtime before recording; code.h says what a
 * copied code object means in the report.
 *
 * Supported: CPython 3.10 to 3.13, release (GIL, non-debug) builds on
 * x86-64.
 */
#ifndef WHYSLOW_PYTHON_OFFSETS_H
#define WHYSLOW_PYTHON_OFFSETS_H

#include <errno.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include "whyslow.h"

#define PYTHON_MIN_MINOR	10
#define PYTHON_MAX_MINOR	13

/* python_detect() results besides 0 and -errno of open/read. */
#define PYTHON_E_NOT_PYTHON	(-ENODATA)	/* defines no _PyRuntime */
#define PYTHON_E_UNSUPPORTED	(-EPROTONOSUPPORT) /* CPython, but a version,
						    * build or machine not
						    * supported: see info */
#define PYTHON_E_CORRUPT	(-ENOEXEC)	/* not ELF, or inconsistent */

enum python_offsets_source {
	PYTHON_OFFSETS_TABLE,	/* the table in offsets.c */
	PYTHON_OFFSETS_DEBUG,	/* 3.13: _Py_DebugOffsets in the file */
};

/* The built-in offsets of 3.minor: 0, or -ENOENT for a minor not in the
 * table. */
int python_table_offsets(int minor, struct ws_py_offsets *out);

/*
 * _Py_DebugOffsets, at the start of _PyRuntime's data: a cookie, the
 * version (PY_VERSION_HEX) and the free-threaded flag, then per-version
 * fields; PYTHON_DBG_LEN_313 bytes in 3.13.
 */
#define PYTHON_DBG_COOKIE		"xdebugpy"
#define PYTHON_DBG_VERSION		8
#define PYTHON_DBG_FREE_THREADED	16
#define PYTHON_DBG_LEN_313		584

/* The little-endian uint64_t at p. */
uint64_t python_le64(const uint8_t *p);

/* The offsets in a 3.13 _Py_DebugOffsets blob (PYTHON_DBG_LEN_313 bytes):
 * false when one is out of its struct or unusable. */
bool python_debug_offsets_313(const uint8_t *blob, struct ws_py_offsets *o);

#endif
