// SPDX-License-Identifier: GPL-2.0
/*
 * Per-version offsets of what the BPF walker reads: the table measured
 * for 3.10 to 3.13, and 3.13's _Py_DebugOffsets, which the runtime
 * carries itself.  The _Py_DebugOffsets copy is untrusted bytes: every
 * offset is checked against the size of its struct.
 */
#include <stddef.h>
#include <string.h>

#include "lib/util.h"
#include "python/offsets.h"

#define N			WS_PY_NONE

/*
 * Byte offsets of what the BPF walker reads, for release builds on x86-64.
 * Every row was measured with gdb from the DWARF of the pyenv build named
 * in its comment, by /work/shared/tools/python-offsets (gdb `print
 * &((T *)0)->field` for the runtime, interpreter, thread, frame, code,
 * unicode and bytes fields, `sizeof` for the unicode headers) and
 * `ptype /o` for PyObject.ob_type and PyVarObject.ob_size; they agree with
 * /work/shared/PYTHON.md.  tests/unit/python/test_python.c checks them
 * again in live interpreters: it walks thread states, frames and code
 * objects at these offsets with ctypes and decodes what it finds.  They
 * hold for any release build of the same minor version (not for debug or
 * free-threaded builds, which python_detect() refuses).
 *
 * Fields a version lacks are WS_PY_NONE.  3.11 does have
 * _PyInterpreterFrame.owner (at 69) but it is left NONE as whyslow.h
 * specifies: 3.11 has no C-stack shim frames, it marks entry frames with
 * is_entry.  3.10 has a tstate->cframe (at 48) but frames hang off
 * tstate->frame, so it is NONE too.  3.13 also carries these offsets in
 * the runtime itself (_Py_DebugOffsets), which python_detect() prefers;
 * the 3.13 row is the fallback and what the test compares them with.
 */
static const struct ws_py_offsets offsets_table[] = {
	{	/* 3.10.13, libpython3.10.so.1.0 */
		.minor = 10,
		.runtime_interpreters_head = 32,
		.interp_threads_head = 8,	/* tstate_head */
		.tstate_next = 8,
		.tstate_thread_id = 176,
		.tstate_native_thread_id = N,
		.tstate_frame = 24,
		.tstate_cframe = N,
		.cframe_current_frame = N,
		.frame_code = 32,		/* PyFrameObject.f_code */
		.frame_previous = 24,		/* f_back */
		.frame_instr = 96,		/* int f_lasti, in code units */
		.frame_owner = N,
		.frame_is_entry = N,
		.code_first_instr = N,
		.code_name = 112,
		.code_qualname = N,
		.code_filename = 104,
		.code_firstlineno = 40,
		.code_linetable = 120,
		.unicode_state = 32,
		.unicode_ascii_data = 48,
		.unicode_compact_data = 72,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
	{	/* 3.11.7, libpython3.11.so.1.0 */
		.minor = 11,
		.runtime_interpreters_head = 40,
		.interp_threads_head = 16,
		.tstate_next = 8,
		.tstate_thread_id = 152,
		.tstate_native_thread_id = 160,
		.tstate_frame = N,
		.tstate_cframe = 56,
		.cframe_current_frame = 8,
		.frame_code = 32,		/* _PyInterpreterFrame.f_code */
		.frame_previous = 48,
		.frame_instr = 56,		/* prev_instr */
		.frame_owner = N,
		.frame_is_entry = 68,
		.code_first_instr = 184,	/* co_code_adaptive */
		.code_name = 120,
		.code_qualname = 128,
		.code_filename = 112,
		.code_firstlineno = 72,
		.code_linetable = 136,
		.unicode_state = 32,
		.unicode_ascii_data = 48,
		.unicode_compact_data = 72,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
	{	/* 3.12.1, libpython3.12.so.1.0 */
		.minor = 12,
		.runtime_interpreters_head = 40,
		.interp_threads_head = 72,
		.tstate_next = 8,
		.tstate_thread_id = 136,
		.tstate_native_thread_id = 144,
		.tstate_frame = N,
		.tstate_cframe = 56,
		.cframe_current_frame = 0,
		.frame_code = 0,		/* f_code */
		.frame_previous = 8,
		.frame_instr = 56,		/* prev_instr */
		.frame_owner = 70,
		.frame_is_entry = N,
		.code_first_instr = 192,
		.code_name = 120,
		.code_qualname = 128,
		.code_filename = 112,
		.code_firstlineno = 68,
		.code_linetable = 136,
		.unicode_state = 32,
		.unicode_ascii_data = 40,
		.unicode_compact_data = 56,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
	{	/* 3.13.0, libpython3.13.so.1.0 */
		.minor = 13,
		.runtime_interpreters_head = 632,
		.interp_threads_head = 7344,
		.tstate_next = 8,
		.tstate_thread_id = 152,
		.tstate_native_thread_id = 160,
		.tstate_frame = 72,		/* current_frame */
		.tstate_cframe = N,
		.cframe_current_frame = N,
		.frame_code = 0,		/* f_executable */
		.frame_previous = 8,
		.frame_instr = 56,		/* instr_ptr */
		.frame_owner = 70,
		.frame_is_entry = N,
		.code_first_instr = 200,
		.code_name = 120,
		.code_qualname = 128,
		.code_filename = 112,
		.code_firstlineno = 68,
		.code_linetable = 136,
		.unicode_state = 32,
		.unicode_ascii_data = 40,
		.unicode_compact_data = 56,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
};

int python_table_offsets(int minor, struct ws_py_offsets *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(offsets_table); i++) {
		if (offsets_table[i].minor == minor) {
			*out = offsets_table[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- _Py_DebugOffsets (3.13) ------------------------------------------ */

/*
 * The 3.13 layout of _Py_DebugOffsets (Include/internal/
 * pycore_debug_offsets.h), as gdb `ptype /o struct _Py_DebugOffsets`
 * prints it for the pyenv 3.13.0 build: a cookie, the version, then one
 * struct per object type, each a uint64_t size followed by uint64_t
 * offsets.  3.14 inserts fields, so this layout is for 3.13 only.
 */
#define DBG_RUNTIME_SIZE		24
#define DBG_RUNTIME_INTERPRETERS_HEAD	40
#define DBG_INTERP_SIZE			48
#define DBG_INTERP_THREADS_HEAD		72
#define DBG_TSTATE_SIZE			152
#define DBG_TSTATE_NEXT			168
#define DBG_TSTATE_CURRENT_FRAME	184
#define DBG_TSTATE_THREAD_ID		192
#define DBG_TSTATE_NATIVE_THREAD_ID	200
#define DBG_FRAME_SIZE			224
#define DBG_FRAME_PREVIOUS		232
#define DBG_FRAME_EXECUTABLE		240
#define DBG_FRAME_INSTR_PTR		248
#define DBG_FRAME_OWNER			264
#define DBG_CODE_SIZE			272
#define DBG_CODE_FILENAME		280
#define DBG_CODE_NAME			288
#define DBG_CODE_QUALNAME		296
#define DBG_CODE_LINETABLE		304
#define DBG_CODE_FIRSTLINENO		312
#define DBG_CODE_CODE_ADAPTIVE		344
#define DBG_OBJECT_SIZE			352
#define DBG_OBJECT_OB_TYPE		360
#define DBG_BYTES_SIZE			512
#define DBG_BYTES_OB_SIZE		520
#define DBG_BYTES_OB_SVAL		528
#define DBG_UNICODE_SIZE		536
#define DBG_UNICODE_STATE		544
#define DBG_UNICODE_ASCII_SIZE		560
/* PyCompactUnicodeObject is PyASCIIObject plus utf8_length and utf8
 * (8 bytes each): 40 + 16 = 56 in 3.12 and 3.13 (gdb sizeof). */
#define COMPACT_UNICODE_EXTRA		16

uint64_t python_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* One offset: within its struct (whose size precedes it), below NONE and
 * aligned as the walker loads it (whole words: see PY_LOAD). */
static bool debug_field(const uint8_t *blob, size_t field, size_t size_field,
			unsigned int align, __u16 *out)
{
	uint64_t v = python_le64(blob + field);

	if (v >= python_le64(blob + size_field) || v >= WS_PY_NONE ||
	    v % align)
		return false;
	*out = v;
	return true;
}

/* A pointer or 64-bit field. */
static bool debug_offset(const uint8_t *blob, size_t field, size_t size_field,
			 __u16 *out)
{
	return debug_field(blob, field, size_field, 8, out);
}

bool python_debug_offsets_313(const uint8_t *blob, struct ws_py_offsets *o)
{
	uint64_t ascii = python_le64(blob + DBG_UNICODE_ASCII_SIZE);
	bool ok = true;

	memset(o, 0xff, sizeof(*o));	/* every field NONE */
	o->minor = 13;
	o->pad = 0;
	ok &= debug_offset(blob, DBG_RUNTIME_INTERPRETERS_HEAD,
			   DBG_RUNTIME_SIZE, &o->runtime_interpreters_head);
	ok &= debug_offset(blob, DBG_INTERP_THREADS_HEAD, DBG_INTERP_SIZE,
			   &o->interp_threads_head);
	ok &= debug_offset(blob, DBG_TSTATE_NEXT, DBG_TSTATE_SIZE,
			   &o->tstate_next);
	ok &= debug_offset(blob, DBG_TSTATE_THREAD_ID, DBG_TSTATE_SIZE,
			   &o->tstate_thread_id);
	ok &= debug_offset(blob, DBG_TSTATE_NATIVE_THREAD_ID, DBG_TSTATE_SIZE,
			   &o->tstate_native_thread_id);
	ok &= debug_offset(blob, DBG_TSTATE_CURRENT_FRAME, DBG_TSTATE_SIZE,
			   &o->tstate_frame);
	ok &= debug_offset(blob, DBG_FRAME_EXECUTABLE, DBG_FRAME_SIZE,
			   &o->frame_code);
	ok &= debug_offset(blob, DBG_FRAME_PREVIOUS, DBG_FRAME_SIZE,
			   &o->frame_previous);
	ok &= debug_offset(blob, DBG_FRAME_INSTR_PTR, DBG_FRAME_SIZE,
			   &o->frame_instr);
	ok &= debug_field(blob, DBG_FRAME_OWNER, DBG_FRAME_SIZE, 1,
			  &o->frame_owner);
	ok &= debug_offset(blob, DBG_CODE_CODE_ADAPTIVE, DBG_CODE_SIZE,
			   &o->code_first_instr);
	ok &= debug_offset(blob, DBG_CODE_NAME, DBG_CODE_SIZE, &o->code_name);
	ok &= debug_offset(blob, DBG_CODE_QUALNAME, DBG_CODE_SIZE,
			   &o->code_qualname);
	ok &= debug_offset(blob, DBG_CODE_FILENAME, DBG_CODE_SIZE,
			   &o->code_filename);
	ok &= debug_field(blob, DBG_CODE_FIRSTLINENO, DBG_CODE_SIZE, 4,
			  &o->code_firstlineno);
	ok &= debug_offset(blob, DBG_CODE_LINETABLE, DBG_CODE_SIZE,
			   &o->code_linetable);
	ok &= debug_field(blob, DBG_UNICODE_STATE, DBG_UNICODE_SIZE, 4,
			  &o->unicode_state);
	ok &= debug_offset(blob, DBG_BYTES_OB_SIZE, DBG_BYTES_SIZE,
			   &o->bytes_size);
	ok &= debug_offset(blob, DBG_BYTES_OB_SVAL, DBG_BYTES_SIZE,
			   &o->bytes_data);
	ok &= debug_offset(blob, DBG_OBJECT_OB_TYPE, DBG_OBJECT_SIZE,
			   &o->type_of_object);
	/* The string data follows the header: a size, not an offset. */
	if (ascii == 0 || ascii + COMPACT_UNICODE_EXTRA >
	    python_le64(blob + DBG_UNICODE_SIZE))
		return false;
	o->unicode_ascii_data = ascii;
	o->unicode_compact_data = ascii + COMPACT_UNICODE_EXTRA;
	return ok;
}
