// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol names as a reader knows them.  The demangling is libiberty's,
 * the code binutils, GDB and perf use, through its callback interface:
 * what it prints goes into a buffer of fixed size, so a name that would
 * demangle to megabytes (substitutions can nest) costs no memory, and is
 * kept as it is.  A symbol is worked out once, then found in the cache.
 */
#include <errno.h>
#include <libiberty/demangle.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/clone.h"
#include "symbols/names.h"

/* What the demangler has printed so far. */
struct dm_out {
	char *buf;
	size_t len;
	size_t size;
	bool over;
};

static void dm_put(const char *s, size_t n, void *opaque)
{
	struct dm_out *o = opaque;

	if (o->over || n >= o->size - o->len) {
		o->over = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Itanium C++ (and Rust's legacy form of it) or Rust v0. */
static bool looks_mangled(const char *s, size_t len)
{
	return len > 2 && s[0] == '_' && (s[1] == 'Z' || s[1] == 'R');
}

int symname_demangle(const char *mangled, size_t len, char *out, size_t size)
{
	const int opts = DMGL_PARAMS | DMGL_ANSI;
	char in[SYMNAME_MAX_MANGLED + 1];
	struct dm_out o = { .buf = out, .size = size };
	int ok;

	if (!size)
		return -E2BIG;
	out[0] = '\0';
	if (!looks_mangled(mangled, len) || memchr(mangled, '\0', len))
		return -EINVAL;
	if (len > SYMNAME_MAX_MANGLED)
		return -E2BIG;
	if (o.size > SYMNAME_MAX_DEMANGLED + 1)
		o.size = SYMNAME_MAX_DEMANGLED + 1;
	memcpy(in, mangled, len);
	in[len] = '\0';
	/* Rust first, as cplus_demangle does: legacy Rust names are valid
	 * C++ names too, with the hash as the last component. */
	ok = rust_demangle_callback(in, opts, dm_put, &o);
	if (!ok || o.over) {
		o.len = 0;
		o.over = false;
		out[0] = '\0';
		ok = cplus_demangle_v3_callback(in, opts, dm_put, &o);
	}
	if (ok && !o.over && o.len)
		return 0;
	out[0] = '\0';
	return o.over ? -E2BIG : -EINVAL;
}

/* The readable name of raw[0..len), malloc'd; NULL when it is raw. */
static char *symname_readable(const char *raw, size_t len)
{
	char buf[SYMNAME_MAX_DEMANGLED + 1];
	size_t base = clone_suffix_start(raw, len);

	if (!symname_demangle(raw, base, buf, sizeof(buf)))
		return strdup(buf);
	return base < len ? strndup(raw, base) : NULL;
}

void symname_lookup(struct symname_cache *c, const char *raw,
		    const char **name, const char **system_name)
{
	int64_t i;
	size_t len;
	int added;

	*name = raw;
	*system_name = NULL;
	if (!raw)
		return;
	len = strnlen(raw, CLONE_MAX_NAME + 1);
	if (len > CLONE_MAX_NAME ||
	    (!looks_mangled(raw, len) && !memchr(raw, '.', len)))
		return;
	i = intern_bytes(&c->keys, raw, len, &added);
	if (i < 0)
		return;
	if (added) {
		if (intern_items_reserve((void **)&c->names, &c->cap, i,
					 sizeof(*c->names)))
			return;
		c->names[i] = symname_readable(raw, len);
	}
	/* a failed reserve leaves an index past cap: the symbol as it is */
	if ((size_t)i < c->cap && c->names[i]) {
		*system_name = raw;
		*name = c->names[i];
	}
}

void symname_apply(struct symname_cache *c, struct sym_result *out)
{
	struct sym_inline *in;
	uint32_t i;

	symname_lookup(c, out->name, &out->name, &out->system_name);
	for (i = 0; i < out->n_inlined && i < SYM_MAX_INLINE; i++) {
		in = &out->inlined[i];
		symname_lookup(c, in->name, &in->name, &in->system_name);
	}
}

void symname_cache_free(struct symname_cache *c)
{
	size_t i;

	for (i = 0; i < c->keys.n && i < c->cap; i++)
		free(c->names[i]);
	free(c->names);
	intern_free(&c->keys);
	memset(c, 0, sizeof(*c));
}
