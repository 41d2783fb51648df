// SPDX-License-Identifier: GPL-2.0
/*
 * The bottom of the pprof reader: top-level fields, the string table and
 * the memory budget every allocation of the reader is charged to.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "pprof/internal.h"
#include "pprof/read.h"

/* what malloc adds to an allocation, roughly */
#define ALLOC_OVERHEAD	16

int pprof_fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	if (!rd->failed) {
		va_start(ap, fmt);
		vsnprintf(rd->err, rd->errlen, fmt, ap);
		va_end(ap);
		rd->failed = true;
	}
	return -EINVAL;
}

int pprof_malformed(struct reader *rd, const struct pb_reader *r,
		    const char *what)
{
	return pprof_fail(rd, "not a pprof profile: malformed %s at byte %zu",
			  what, (size_t)(r->p - rd->base));
}

int pprof_charge(struct reader *rd, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes) ||
	    __builtin_add_overflow(bytes, ALLOC_OVERHEAD, &bytes) ||
	    bytes > rd->budget)
		return pprof_fail(rd, "unsupported pprof profile: reading it "
				  "would take more than the %zu MiB of memory "
				  "allowed for its size", rd->limit >> 20);
	rd->budget -= bytes;
	return 0;
}

void *pprof_calloc(struct reader *rd, size_t n, size_t size)
{
	if (pprof_charge(rd, n, size))
		return NULL;
	return calloc(n, size);
}

int pprof_reserve(struct reader *rd, void **arr, size_t *cap, size_t i,
		  size_t elem)
{
	size_t old = *cap;
	int err;

	if (i < *cap)
		return 0;
	err = intern_items_reserve(arr, cap, i, elem);
	if (!err)
		err = pprof_charge(rd, *cap - old, elem);
	return err;
}

uint32_t *pprof_stack_frames(struct reader *rd, size_t n)
{
	if (pprof_charge(rd, 1, PPROF_REPORT_STACK))
		return NULL;
	return pprof_calloc(rd, n + 1, sizeof(uint32_t));
}

char *pprof_strndup(struct reader *rd, const char *s, size_t len)
{
	if (pprof_charge(rd, len + 1, 1))
		return NULL;
	return strndup(s, len);
}

char *pprof_strdup(struct reader *rd, const char *s)
{
	return pprof_strndup(rd, s, strlen(s));
}

/* whyslow's field 15 of a message, when there is one. */
static int whyslow_field(struct reader *rd, const struct span *msg,
			 struct span *out, bool *found)
{
	struct pb_reader r;
	struct pb_field f;
	int got;

	pb_reader_init(&r, msg->data, msg->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num == WHYSLOW_FIELD && f.wire == PB_LEN) {
			*out = (struct span){ f.data, f.len };
			*found = true;
		}
	}
	return got < 0 ? pprof_malformed(rd, &r, "message") : 0;
}

/*
 * Two passes: the first counts each kind, so each array is allocated once
 * at its size (no doubling) and charged before it exists.
 */
static int count_top(struct reader *rd, const uint8_t *data, size_t len)
{
	struct top_fields *t = &rd->top;
	struct pb_reader r;
	struct pb_field f;
	int got, i;

	pb_reader_init(&r, data, len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num < PROFILE_FIELDS && f.wire == PB_LEN)
			t->n[f.num]++;
		else if (f.num < PROFILE_FIELDS)
			t->scalar[f.num] = f.v;
	}
	if (got < 0)
		return pprof_malformed(rd, &r, "field");
	for (i = 0; i < PROFILE_FIELDS; i++) {
		if (!t->n[i])
			continue;
		t->of[i] = pprof_calloc(rd, t->n[i], sizeof(struct span));
		if (!t->of[i])
			return rd->failed ? -EINVAL : -ENOMEM;
		t->n[i] = 0;
	}
	return 0;
}

int pprof_collect_top(struct reader *rd, const uint8_t *data, size_t len)
{
	struct top_fields *t = &rd->top;
	struct pb_reader r;
	struct pb_field f;
	int err = count_top(rd, data, len);

	if (err)
		return err;
	pb_reader_init(&r, data, len);
	while (pb_next(&r, &f) > 0)
		if (f.num < PROFILE_FIELDS && f.wire == PB_LEN)
			t->of[f.num][t->n[f.num]++] = (struct span){ f.data,
								     f.len };
	/* a message field given twice: the last counts, as in protobuf */
	if (t->n[PROFILE_PERIOD_TYPE])
		return whyslow_field(rd, &t->of[PROFILE_PERIOD_TYPE]
					      [t->n[PROFILE_PERIOD_TYPE] - 1],
				     &t->whyslow, &t->has_whyslow);
	return 0;
}

int pprof_string_at(struct reader *rd, uint64_t i, bool null_empty,
		    char **out)
{
	*out = NULL;
	if (i >= rd->n_strs)
		return pprof_fail(rd, "not a valid pprof profile: string index "
				  "%llu out of range (%zu strings)",
				  (unsigned long long)i, rd->n_strs);
	/* a C string ends at its first NUL: "\0x" is as empty as "" */
	if (null_empty && (!rd->strs[i].len || !rd->strs[i].data[0]))
		return 0;
	*out = pprof_strndup(rd, (const char *)rd->strs[i].data,
			     rd->strs[i].len);
	return *out ? 0 : rd->failed ? -EINVAL : -ENOMEM;
}

const struct span *pprof_string_ref(const struct reader *rd, uint64_t i)
{
	return i < rd->n_strs ? &rd->strs[i] : NULL;
}

bool pprof_string_is(const struct reader *rd, uint64_t i, const char *s)
{
	const struct span *sp = pprof_string_ref(rd, i);

	return sp && sp->len == strlen(s) && !memcmp(sp->data, s, sp->len);
}

int pprof_string_copy(struct reader *rd, uint64_t i, char *comm, size_t size)
{
	const struct span *sp = pprof_string_ref(rd, i);

	if (!sp)
		return pprof_fail(rd, "inconsistent whyslow data: string %llu",
				  (unsigned long long)i);
	memset(comm, 0, size);
	memcpy(comm, sp->data, sp->len < size ? sp->len : size);
	return 0;
}

int pprof_read_small(struct reader *rd, const struct span *sp, uint64_t *v,
		     size_t n, const char *what)
{
	struct pb_reader r;
	struct pb_field f;
	int got;

	memset(v, 0, n * sizeof(*v));
	pb_reader_init(&r, sp->data, sp->len);
	while ((got = pb_next(&r, &f)) > 0)
		if (f.num >= 1 && f.num <= n && f.wire != PB_LEN)
			v[f.num - 1] = f.v;
	return got < 0 ? pprof_malformed(rd, &r, what) : 0;
}

int pprof_spans_of(struct reader *rd, const struct span *msg, uint32_t num,
		   struct span **out, size_t *n)
{
	struct pb_reader r;
	struct pb_field f;
	size_t cap = 0;
	int got;

	*out = NULL;
	*n = 0;
	pb_reader_init(&r, msg->data, msg->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num != num || f.wire != PB_LEN)
			continue;
		if (pprof_reserve(rd, (void **)out, &cap, *n, sizeof(**out)))
			return -ENOMEM;
		(*out)[(*n)++] = (struct span){ f.data, f.len };
	}
	return got < 0 ? pprof_malformed(rd, &r, "whyslow field") : 0;
}
