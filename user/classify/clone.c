// SPDX-License-Identifier: GPL-2.0
/*
 * Clone suffixes: a function's copies fold into it.  The suffix is read
 * from the right, one dot-separated part at a time, so a name costs one
 * pass whatever its dots: a Go name (main.(*T).run) or a Rust one keeps
 * its own dots, since only known clone words with their numbers count.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "classify/clone.h"
#include "lib/util.h"

/*
 * The words GCC and LLVM put after a function's name; `bare` ones may
 * stand without a number (GCC 8+ writes foo.cold, older foo.cold.12).
 * Not OpenMP's ._omp_fn.N or ifunc's .resolver: other code than foo's.
 */
static const struct {
	const char *word;
	bool bare;
} clone_words[] = {
	{ "constprop", false },	/* constants propagated into a copy */
	{ "isra", false },	/* parameters scalarized */
	{ "part", false },	/* partial inlining: the rest of foo */
	{ "cold", true },	/* foo's unlikely blocks, split off */
	{ "lto_priv", false },	/* a static renamed by LTO */
	{ "localalias", true },
	{ "clone", false },	/* older GCC's generic copy */
	{ "llvm", false },	/* ThinLTO's promoted static: .llvm.<hash> */
};

/* -1: not a clone word; else whether it may stand without a number. */
static int clone_word(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(clone_words); i++)
		if (strlen(clone_words[i].word) == len &&
		    !memcmp(clone_words[i].word, s, len))
			return clone_words[i].bare;
	return -1;
}

static bool all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return len > 0;
}

size_t clone_suffix_start(const char *name, size_t len)
{
	size_t start = len, end = len, dot;
	unsigned numbers = 0;
	int bare;

	if (len > CLONE_MAX_NAME)
		return len;
	while (end > 0) {
		dot = end;
		while (dot > 0 && name[dot - 1] != '.')
			dot--;
		/* no dot, nothing before it, or an empty part before it */
		if (dot <= 1 || name[dot - 2] == '.')
			break;
		if (all_digits(name + dot, end - dot)) {
			numbers++;
		} else {
			bare = clone_word(name + dot, end - dot);
			if (bare < 0 || (!bare && !numbers))
				break;
			numbers = 0;
			start = dot - 1;
		}
		end = dot - 1;
	}
	return start;
}
