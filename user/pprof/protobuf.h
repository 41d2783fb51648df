/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protobuf wire format, as much as profile.proto needs: varints,
 * length-delimited fields (strings, nested messages, packed repeated
 * scalars), and skipping fixed-size fields a reader does not know.  The
 * reader trusts nothing: every length is checked against what is left.
 */
#ifndef WHYSLOW_PROTOBUF_H
#define WHYSLOW_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pb_wire {
	PB_VARINT = 0,
	PB_FIXED64 = 1,
	PB_LEN = 2,
	PB_FIXED32 = 5,
};

/* A growing output buffer; err sticks at the first allocation failure. */
struct pb_buf {
	uint8_t *data;
	size_t len, cap;
	int err;
};

void pb_buf_free(struct pb_buf *b);
/* Scalars equal to 0 are left out, as proto3 does. */
void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_int(struct pb_buf *b, uint32_t field, int64_t v);
/* Written even when empty (string_table[0] is ""). */
void pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len);
void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *sub);
void pb_packed(struct pb_buf *b, uint32_t field, const uint64_t *v, size_t n);

struct pb_reader {
	const uint8_t *p, *end;
	const uint8_t *start;	/* for error offsets */
};

struct pb_field {
	uint32_t num;
	enum pb_wire wire;
	uint64_t v;		/* PB_VARINT, PB_FIXED* */
	const uint8_t *data;	/* PB_LEN */
	size_t len;
};

static inline void pb_reader_init(struct pb_reader *r, const uint8_t *data,
				  size_t len)
{
	r->p = r->start = data;
	r->end = data + len;
}

/* The next field: 1, 0 at the end, -1 on malformed input. */
int pb_next(struct pb_reader *r, struct pb_field *f);

/*
 * Values of a repeated scalar field: one for a plain field, each varint of
 * a packed one.  pb_values_next gives 1, 0 at the end, -1 malformed.
 */
struct pb_values {
	struct pb_reader r;
	bool packed;
	bool done;
	uint64_t single;
};

void pb_values_init(struct pb_values *it, const struct pb_field *f);
int pb_values_next(struct pb_values *it, uint64_t *v);

#endif
