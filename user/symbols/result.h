/* SPDX-License-Identifier: GPL-2.0 */
/* What a lookup gives back; its own header so the readers under symbolize.c
 * need not include symbolize.h. */
#ifndef WHYSLOW_SYMBOLS_RESULT_H
#define WHYSLOW_SYMBOLS_RESULT_H

#include <stdbool.h>
#include <stdint.h>

/* Strings point into the symbolizer's caches: valid until symbolizer_free. */
struct sym_result {
	const char *name;	/* function name, NULL when nothing covers addr:
				 * demangled, a clone suffix folded */
	const char *system_name;	/* the symbol name was made from, as in
					 * the file; NULL when it is name */
	uint64_t offset;	/* addr - symbol start */
	const char *file;	/* source file, NULL when no line info */
	int line;		/* 0 when unknown */
	const char *module;	/* kernel module name for kernel addrs, else NULL */
	const char *build_id;	/* ELF files: hex GNU build-id, else NULL */
	/* name NULL, func_known: the code is a function without a name
	 * (stripped; its range from .eh_frame) starting at file offset
	 * func_start; offset is from there */
	uint64_t func_start;
	bool func_known;
};

#endif
