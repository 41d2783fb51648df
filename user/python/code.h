/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In the report: what a code object the BPF side copied means, as a UTF-8
 * function name, a file and a line.
 */
#ifndef WHYSLOW_PYTHON_CODE_H
#define WHYSLOW_PYTHON_CODE_H

#include <stdbool.h>
#include "python/offsets.h"
#include "whyslow.h"

/* Room for a copied string as UTF-8: a Latin-1 byte becomes at most two
 * bytes, a UCS-2 unit three, a UCS-4 unit four; plus the NUL. */
#define PYTHON_NAME_MAX		(2 * WS_PY_NAME_LEN + 1)
#define PYTHON_FILE_MAX		(2 * WS_PY_FILE_LEN + 1)

struct python_frame {
	char name[PYTHON_NAME_MAX];	/* qualname (3.11+) if not empty, else
					 * co_name; "" when both are */
	char file[PYTHON_FILE_MAX];	/* co_filename */
	int firstlineno;
	int line;			/* of the instruction; 0 unknown */
	/* The copy filled its buffer without reaching the string's end:
	 * the string may have been cut (always at a character). */
	bool name_truncated;
	bool file_truncated;
};

/*
 * What code object c means at instruction offset instr (code units, as
 * struct ws_py_frame has it; negative: unknown) for CPython 3.minor.
 * Never fails on the copied bytes: a string that does not decode gives
 * U+FFFD, an unusable or cut line table line 0.  0, or -EINVAL for NULL
 * arguments, PYTHON_E_UNSUPPORTED for a minor outside 10..13.
 */
int python_code_resolve(const struct ws_py_code *c, int minor, int instr,
			struct python_frame *out);

#endif
