/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers every stage shares, header only: array sizes, three-way
 * comparison, the monotonic clock, shares of a whole, path components and
 * UTF-8 sequences.
 */
#ifndef WHYSLOW_LIB_UTIL_H
#define WHYSLOW_LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC	1000000000ull

/* CLOCK_MONOTONIC in ns: the clock bpf_ktime_get_ns() reads. */
static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * -1, 0 or 1 as a is below, equal to or above b, for a qsort comparator:
 * `return a - b` overflows the int it returns for 64-bit values.  Each
 * argument is evaluated twice.
 */
#define CMP(a, b)	(((a) > (b)) - ((a) < (b)))

/* Whether name (NULL: no) is one of names[0..n). */
static inline bool name_in(const char *name, const char *const *names,
			   size_t n)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* A file name (no directory) like CPython's interpreter or library:
 * "python3.11", "libpython3.12.so.1.0"; NULL: no. */
static inline bool cpython_file_name(const char *base)
{
	return base && (!strncmp(base, "python", 6) ||
			!strncmp(base, "libpython", 9));
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* part as a percentage of whole; 0 of an empty whole. */
static inline double pct_of(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* s ends with tail. */
static inline bool str_ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && !strcmp(s + n - k, tail);
}

/* The last component of a path: "amalg.py" of "/src/amalg.py". */
static inline const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A program in a version manager's shims directory (pyenv's
 * ~/.pyenv/shims/python3; rbenv, nodenv, asdf and mise have one): a
 * shim, which execs the program it chooses. */
static inline bool path_in_shims(const char *path)
{
	return path && strstr(path, "/shims/");
}

/* A UTF-8 byte that continues a sequence: not where a string may be cut. */
static inline bool utf8_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 when there is none.
 * Stops at the first byte that fails, so never reads past a NUL.
 */
static inline size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return utf8_continuation(s[1]) ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
		return s[1] >= lo && s[1] <= hi &&
		       utf8_continuation(s[2]) ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
		return s[1] >= lo && s[1] <= hi && utf8_continuation(s[2]) &&
		       utf8_continuation(s[3]) ? 4 : 0;
	}
	return 0;
}

#endif
