/* SPDX-License-Identifier: GPL-2.0 */
/* A stripped binary's debug file, by build-id or .gnu_debuglink. */
#ifndef WHYSLOW_SYMBOLS_DEBUGLINK_H
#define WHYSLOW_SYMBOLS_DEBUGLINK_H

#include "symbols/internal.h"

struct stat;

int debuglink_by_build_id(const struct symbolizer *s, Elf *elf,
			  struct elf_handle *dbg);
int debuglink_by_link(const struct symbolizer *s, Elf *elf, const char *path,
		      const struct stat *bin_st, struct elf_handle *dbg);

#endif
