// SPDX-License-Identifier: GPL-2.0
/* See protobuf.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pprof/protobuf.h"

#define PB_VARINT_MAX	10	/* bytes of a 64-bit varint */

void pb_buf_free(struct pb_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static bool pb_reserve(struct pb_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	uint8_t *p;

	if (b->err)
		return false;
	if (more > SIZE_MAX / 2 - b->len) {
		b->err = -ENOMEM;
		return false;
	}
	if (b->len + more <= b->cap)
		return true;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->err = -ENOMEM;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

static void pb_raw_varint(struct pb_buf *b, uint64_t v)
{
	if (!pb_reserve(b, PB_VARINT_MAX))
		return;
	while (v >= 0x80) {
		b->data[b->len++] = (uint8_t)v | 0x80;
		v >>= 7;
	}
	b->data[b->len++] = (uint8_t)v;
}

static void pb_tag(struct pb_buf *b, uint32_t field, enum pb_wire wire)
{
	pb_raw_varint(b, (uint64_t)field << 3 | wire);
}

void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v)
{
	if (!v)
		return;
	pb_tag(b, field, PB_VARINT);
	pb_raw_varint(b, v);
}

void pb_int(struct pb_buf *b, uint32_t field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);	/* int64: two's complement */
}

void pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len)
{
	pb_tag(b, field, PB_LEN);
	pb_raw_varint(b, len);
	if (len && pb_reserve(b, len)) {
		memcpy(b->data + b->len, data, len);
		b->len += len;
	}
}

void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *sub)
{
	if (sub->err) {
		b->err = sub->err;
		return;
	}
	pb_bytes(b, field, sub->data, sub->len);
}

void pb_packed(struct pb_buf *b, uint32_t field, const uint64_t *v, size_t n)
{
	struct pb_buf tmp = { 0 };
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		pb_raw_varint(&tmp, v[i]);
	pb_msg(b, field, &tmp);
	pb_buf_free(&tmp);
}

static int pb_read_varint(struct pb_reader *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned int shift = 0;
	uint8_t c;

	do {
		if (r->p >= r->end || shift >= 64)
			return -1;
		c = *r->p++;
		/* The tenth byte may only hold the top bit. */
		if (shift == 63 && c > 1)
			return -1;
		x |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	*v = x;
	return 0;
}

int pb_next(struct pb_reader *r, struct pb_field *f)
{
	uint64_t key, len;

	if (r->p >= r->end)
		return 0;
	if (pb_read_varint(r, &key) || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
		return -1;
	f->num = key >> 3;
	f->wire = key & 7;
	switch (f->wire) {
	case PB_VARINT:
		return pb_read_varint(r, &f->v) ? -1 : 1;
	case PB_FIXED64:
	case PB_FIXED32:
		len = f->wire == PB_FIXED64 ? 8 : 4;
		if ((size_t)(r->end - r->p) < len)
			return -1;
		f->v = 0;
		memcpy(&f->v, r->p, len);	/* little-endian host */
		r->p += len;
		return 1;
	case PB_LEN:
		if (pb_read_varint(r, &len) || len > (size_t)(r->end - r->p))
			return -1;
		f->data = r->p;
		f->len = len;
		r->p += len;
		return 1;
	default:	/* groups (3, 4) are not in profile.proto */
		return -1;
	}
}

void pb_values_init(struct pb_values *it, const struct pb_field *f)
{
	memset(it, 0, sizeof(*it));
	if (f->wire == PB_LEN) {
		it->packed = true;
		pb_reader_init(&it->r, f->data, f->len);
	} else {
		it->single = f->v;
	}
}

int pb_values_next(struct pb_values *it, uint64_t *v)
{
	if (!it->packed) {
		if (it->done)
			return 0;
		it->done = true;
		*v = it->single;
		return 1;
	}
	if (it->r.p >= it->r.end)
		return 0;
	return pb_read_varint(&it->r, v) ? -1 : 1;
}
