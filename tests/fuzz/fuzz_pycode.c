// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for CPython code-object decoding (`make fuzz`, see
 * README.md): python_code_resolve() on a code object as the BPF side
 * copies it out of a process (struct ws_py_code: names and file as
 * PyUnicode units of any kind, a 3.10 line table or a 3.11+ location
 * table) must never crash or read out of bounds, and what it gives back
 * must be sane: NUL-terminated valid UTF-8 names, a line >= 0.
 *
 * Input: byte 0 picks the minor version (3.10 to 3.13), bytes 1-4 the
 * instruction index (little-endian, may be negative), the rest fills the
 * struct (zeros after a short input).  tests/fuzz/make-corpus.sh writes
 * seeds from real code objects of the pyenv interpreters.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "python/code.h"
#include "whyslow.h"

static void check_utf8(const char *s, size_t size)
{
	size_t len = strnlen(s, size), i, n;

	if (len == size)
		abort();	/* not terminated */
	for (i = 0; i < len; i += n)
		if (!(n = utf8_len((const unsigned char *)s + i)))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_py_code *c = calloc(1, sizeof(*c));
	struct python_frame out;
	int minor, instr = 0;

	if (!c || !size)
		goto out;
	minor = PYTHON_MIN_MINOR + data[0] %
		(PYTHON_MAX_MINOR - PYTHON_MIN_MINOR + 1);
	if (size >= 5)
		memcpy(&instr, data + 1, 4);
	if (size > 5)
		memcpy(c, data + 5, size - 5 < sizeof(*c) ? size - 5 :
							   sizeof(*c));
	if (python_code_resolve(c, minor, instr, &out))
		abort();	/* every minor here is supported */
	check_utf8(out.name, sizeof(out.name));
	check_utf8(out.file, sizeof(out.file));
	if (out.line < 0 || out.firstlineno != c->firstlineno)
		abort();
out:
	free(c);
	return 0;
}
