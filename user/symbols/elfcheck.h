/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of an ELF file's sections before libelf/libdw decompress or parse
 * them: a binary the workload maps can be built to exhaust memory or to
 * make libdw read past a buffer.
 */
#ifndef WHYSLOW_ELFCHECK_H
#define WHYSLOW_ELFCHECK_H

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Debug sections of one file, decompressed, at most this much in total.
 * Large C++ programs carry a few hundred MB of DWARF; 512 MiB keeps all
 * of those we profile in practice while a bomb (4 MB that inflate to
 * 4 GB) stops at a bounded cost.
 */
#define ELFCHECK_MAX_DWARF	(512ull << 20)
/*
 * DWARF compresses 3-8x with zlib; zlib itself reaches ~1000x on runs of
 * zeros.  Above ELFCHECK_RATIO_FLOOR a section inflating more than this is
 * a bomb, whatever the total.
 */
#define ELFCHECK_MAX_RATIO	64
#define ELFCHECK_RATIO_FLOOR	(1u << 20)

/*
 * Whether a debug section of compressed size csize (bytes in the file)
 * that inflates to size fits, with *total the sum so far (updated).
 */
bool elfcheck_inflate_ok(uint64_t csize, uint64_t size, uint64_t *total);

/* A string table ends in NUL, so no string runs past it. */
bool elfcheck_strtab_ok(const Elf_Data *d);

/*
 * Checks the debug sections (.debug_*, .zdebug_*) of elf: compressed sizes
 * from the compression headers against the caps above, and .debug_str,
 * .debug_line_str NUL-terminated (those are decompressed here, bounded by
 * the caps, as libdw would).  0 when libdw may read them, -EFBIG for a
 * bomb, -EBADMSG for an unterminated string section or a bad header.
 */
int elfcheck_dwarf(Elf *elf);

#endif
