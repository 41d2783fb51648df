/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol names as a reader knows them: C++ and Rust names demangled
 * (libiberty, the demangler of binutils and GCC), a compiler's clone
 * suffix folded into its function (classify/clone.h).  The symbol as in
 * the file stays beside it, for pprof's system_name.
 */
#ifndef WHYSLOW_SYMBOLS_NAMES_H
#define WHYSLOW_SYMBOLS_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/intern.h"
#include "symbols/result.h"

/*
 * Longer mangled names are kept as they are: libiberty's demangler takes
 * stack in proportion to the input (two components a byte) and recurses
 * on it, so it refuses longer ones itself unless DMGL_NO_RECURSE_LIMIT
 * is given (c++filt's and GDB's default, libstdc++'s __cxa_demangle's
 * too).  Longer demangled names as well: a few substitutions can print
 * megabytes, no more readable than the symbol.
 */
#define SYMNAME_MAX_MANGLED	1024
#define SYMNAME_MAX_DEMANGLED	8192

/*
 * The readable form of the mangled name mangled[0..len) (not
 * NUL-terminated) into out: 0, -EINVAL when it is not a C++ or Rust
 * name or does not demangle, -E2BIG when the input or the output is over
 * its bound (or size).  On error out holds "".
 */
int symname_demangle(const char *mangled, size_t len, char *out, size_t size);

/* The names already worked out, by symbol: each symbol is read once. */
struct symname_cache {
	struct intern keys;
	char **names;		/* by key index; NULL: the symbol as it is */
	size_t cap;
};

void symname_cache_free(struct symname_cache *c);

/*
 * The readable form of the symbol raw: *name points into the cache and
 * *system_name is raw when that differs from raw, else *name is raw and
 * *system_name NULL.  Out of memory leaves the symbol as it is.
 */
void symname_lookup(struct symname_cache *c, const char *raw,
		    const char **name, const char **system_name);

/*
 * out->name made readable, and each inlined function's name: when that
 * changes it, out->system_name is the symbol it was and out->name points
 * into the cache (valid until symname_cache_free).
 */
void symname_apply(struct symname_cache *c, struct sym_result *out);

#endif
