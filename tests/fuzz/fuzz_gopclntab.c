// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for Go's function table (`make fuzz`, see README.md):
 * the .gopclntab of a Go binary the workload maps is parsed by whyslow as
 * root.  Each input is a section's contents: parsed, then every function
 * named and its SP delta read at addresses across the text, and past it.
 * What it names must lie in the names it copied.  Seeds: a Go 1.18
 * table of three functions, as tests/unit/symbols/test_gopclntab.c
 * builds it, and the first 64 KiB of a real one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/gopclntab.h"

#define LOOKUPS		256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_file f = { 0 };
	const struct go_func *fn;
	uint64_t span, addr;
	uint32_t delta;
	size_t i;

	if (symgo_parse(data, size, 0x401000, &f))
		return 0;
	span = f.go_text_end - f.gofuncs[0].start;
	for (i = 0; i <= LOOKUPS; i++) {
		addr = f.gofuncs[0].start + span / LOOKUPS * i + i % 7;
		fn = symgo_find(&f, addr);
		if (fn && (fn->start > addr ||
			   strlen(f.go_names + fn->name) > GO_MAX_NAMES))
			abort();
		symgo_sp_delta(&f, addr, &delta);
	}
	symgo_free(&f);
	return 0;
}
