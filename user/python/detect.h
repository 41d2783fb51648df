/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Before recording: which mapped file is a CPython runtime, of which
 * version, and where its _PyRuntime lives in a process (what the BPF
 * walker starts from, with the offsets of that version).
 */
#ifndef WHYSLOW_PYTHON_DETECT_H
#define WHYSLOW_PYTHON_DETECT_H

#include <stdbool.h>
#include <stdint.h>
#include "python/offsets.h"
#include "whyslow.h"

/* The PT_LOAD segment holding a symbol. */
struct python_segment {
	uint64_t vaddr;		/* p_vaddr */
	uint64_t offset;	/* p_offset */
	uint64_t filesz;	/* p_filesz */
};

struct python_info {
	/* Version, 0 where unknown; version_hex is PY_VERSION_HEX when the
	 * file has Py_Version (3.11+) or _Py_DebugOffsets, else 0 (3.10:
	 * version from the file name, micro unknown). */
	int major, minor, micro;
	uint32_t version_hex;
	bool free_threaded;	/* "t" build: unsupported */
	bool debug_build;	/* "d" build: unsupported */
	bool wrong_machine;	/* not x86-64 ELF64: unsupported */

	/* Symbol values (st_value): file virtual addresses. */
	uint64_t runtime_vaddr;		/* _PyRuntime, never 0 when detected */
	uint64_t code_type_vaddr;	/* PyCode_Type, 0 when absent */
	struct python_segment runtime_seg;
	struct python_segment code_type_seg;
	struct python_segment exec_seg;	/* the code: its mapping gives the
					 * load bias; filesz 0 unknown */

	enum python_offsets_source source;
	struct ws_py_offsets off;	/* valid when python_detect() returns 0 */
};

/*
 * Is the ELF file at path (an executable or a shared library, as mapped)
 * a CPython runtime, i.e. does it define _PyRuntime?  0 with *out filled
 * for a supported version; PYTHON_E_UNSUPPORTED with out's version and
 * flags filled as far as known (minor 0: version unknown) so the report
 * can name it; PYTHON_E_NOT_PYTHON; PYTHON_E_CORRUPT; -errno.
 * Reads the file with pread only; thread-safe.
 */
int python_detect(const char *path, struct python_info *out);

/*
 * Where the file address vaddr (info->runtime_vaddr or ->code_type_vaddr)
 * is in a process that maps the file at [map_start, map_end) from file
 * offset map_pgoff (bytes, as /proc/PID/maps and perf MMAP2 records give
 * it): from the mapping that holds vaddr's bytes, or from the mapping of
 * the code (the load bias).  0 when this mapping is neither: call it for
 * each mapping of the file until one answers.
 */
uint64_t python_runtime_address(const struct python_info *info,
				uint64_t vaddr, uint64_t map_start,
				uint64_t map_end, uint64_t map_pgoff);

/*
 * Fills the walker's view of a process from one mapping of the detected
 * file: the offsets, and runtime / code_type when this mapping holds them
 * (the walker validates each frame's code object against code_type).
 * Start from a zeroed proc and
 * pass every mapping of the file; true once proc->runtime is known.
 */
bool python_proc_add_mapping(const struct python_info *info,
			     uint64_t map_start, uint64_t map_end,
			     uint64_t map_pgoff, struct ws_py_proc *proc);

#endif
