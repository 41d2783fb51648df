// SPDX-License-Identifier: GPL-2.0
/* pprof: hostile bytes, refused cleanly with a reason: not pprof,
 * bad indexes, malformed wire, inconsistent whyslow data. */
#include "pprof_check.h"

static void test_not_pprof(void **state)
{
	static const uint8_t text[] = "hello, world\n";
	static const uint8_t gz_garbage[] = { 0x1f, 0x8b, 8, 0, 1, 2, 3, 4 };
	struct profile *p = rich_profile();
	uint8_t *data;
	size_t len;

	(void)state;
	decode_fails(text, 0, "empty");
	decode_fails(text, sizeof(text) - 1, "not a pprof profile");
	decode_fails(gz_garbage, sizeof(gz_garbage), "gzip");
	data = encode_profile(p, &len);
	decode_fails(data, len / 2, "truncated gzip");
	free(data);
	fx_free(p);
}

/* A raw profile.proto: a string table, then what the test appends. */
static void test_bad_indexes(void **state)
{
	struct builder bd = { 0 };
	struct pb_buf m = { 0 };
	uint8_t *data;
	size_t len;

	(void)state;
	str_of(&bd, "");
	value_type(&bd, 1, "cpu", "nanoseconds");
	pb_uint(&m, 1, 1);
	pb_uint(&m, 2, 99);		/* name: no such string */
	pb_msg(&bd.b, 5, &m);
	pb_buf_free(&m);
	data = finish(&bd, &len);
	decode_fails(data, len, "bad string index");
	free(data);

	memset(&bd, 0, sizeof(bd));
	str_of(&bd, "");
	value_type(&bd, 1, "cpu", "nanoseconds");
	function(&bd, 1, "f", "f.c");
	location(&bd, 5, 1, 1, 0);
	location(&bd, 5, 1, 2, 0);
	data = finish(&bd, &len);
	decode_fails(data, len, "duplicate location id");
	free(data);

	memset(&bd, 0, sizeof(bd));
	str_of(&bd, "");
	value_type(&bd, 1, "samples", "count");
	value_type(&bd, 1, "cpu", "nanoseconds");
	function(&bd, 1, "f", "f.c");
	location(&bd, 5, 1, 1, 0);
	sample(&bd, (const uint64_t[]){ 6 }, 1, 1, 1);
	data = finish(&bd, &len);
	decode_fails(data, len, "location 6");
	free(data);
}

/* Lengths past the end, a varint that never ends, a group. */
/*
 * A function whose system name's string starts with a NUL (the fuzzer's):
 * that C string is empty, so no system name, on the first read as on the
 * second: what whyslow writes of it reads back and writes the same bytes.
 */
static void test_nul_string_round_trip(void **state)
{
	static const uint8_t input[] = {
		0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x0a, 0x00, 0x65, 0x03, 0x12, 0x04,
		0x12, 0x0a, 0x0a, 0xc1, 0x01, 0x01, 0x12, 0x05, 0x07, 0x80, 0xbb, 0xb0,
		0x21, 0x22, 0x08, 0x08, 0x01, 0x22, 0x04, 0x08, 0x01, 0x10, 0x0a, 0x2a,
		0x06, 0x08, 0x01, 0x10, 0x04, 0x18, 0x06, 0x32, 0x00, 0x32, 0x07, 0x73,
		0x61, 0x6d, 0x70, 0x6c, 0x65, 0x73, 0x32, 0x05, 0x63, 0x6f, 0x75, 0x6e,
		0x74, 0x32, 0x03, 0x63, 0x70, 0x75, 0x32, 0x0b, 0x6e, 0x61, 0x6e, 0x6f,
		0x77, 0x65, 0x63, 0x6f, 0x6e, 0x64, 0x73, 0x32, 0x03, 0x68, 0x6f, 0x74,
		0x32, 0x05, 0x00, 0x0f, 0x74, 0x2e, 0x63, 0x5a, 0x04, 0x08, 0x03, 0x10,
		0x04, 0x60, 0x80, 0x9d, 0xe2, 0x04,
	};
	struct profile p, q;
	uint8_t *once, *twice;
	size_t len1, len2;

	(void)state;
	decode_ok(input, sizeof(input), &p);
	once = encode_profile(&p, &len1);
	profile_free(&p);
	decode_ok(once, len1, &q);
	twice = encode_profile(&q, &len2);
	profile_free(&q);
	assert_int_equal(len1, len2);
	assert_memory_equal(once, twice, len1);
	free(once);
	free(twice);
}

static void test_malformed_wire(void **state)
{
	/* field 6 (string), length 2^35 */
	static const uint8_t huge[] = { 0x32, 0x80, 0x80, 0x80, 0x80, 0x80, 1 };
	static const uint8_t endless[] = { 0x32, 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t group[] = { 0x32, 0x00, 0x0b };
	static const uint8_t short_str[] = { 0x32, 0x05, 'a' };

	(void)state;
	decode_fails(huge, sizeof(huge), "malformed field");
	decode_fails(endless, sizeof(endless), "malformed field");
	decode_fails(group, sizeof(group), "malformed field");
	decode_fails(short_str, sizeof(short_str), "malformed field");
}

/* whyslow's own data, edited to disagree with the standard part. */
static void test_inconsistent_whyslow_data(void **state)
{
	struct profile *p = rich_profile(), q;
	struct pb_buf raw = { 0 };
	uint8_t *gz, out[1 << 16];
	size_t len;

	(void)state;
	p->stacks[0].reason = WAIT_NONE;
	gz = encode_profile(p, &len);
	raw.len = gunzip(gz, len, out, sizeof(out));
	/* one more sample, of location 1, without whyslow's field */
	memcpy(out + raw.len, (const uint8_t[]){ 0x12, 0x0a, 0x0a, 0x01, 0x01,
		0x12, 0x05, 0x01, 0x01, 0x00, 0x00, 0x01 }, 12);
	decode_fails(out, raw.len + 12, "without whyslow's field");
	/* a later period_type (the last counts) of a future format */
	memcpy(out + raw.len, (const uint8_t[]){ 0x5a, 0x04, 0x7a, 0x02, 0x08,
		0x07 }, 6);
	decode_fails(out, raw.len + 6, "format version 7");
	/* an inlined run's Location whose Lines name no frame's function */
	memcpy(out + raw.len, (const uint8_t[]){ 0x22, 0x0c, 0x08, 0x63,
		0x22, 0x03, 0x08, 0xe7, 0x07, 0x22, 0x03, 0x08, 0xe7, 0x07 },
	       14);
	decode_fails(out, raw.len + 14, "inconsistent whyslow data: "
		     "location 99");
	/* ... or of one Line: a frame's, but without its field 15 */
	memcpy(out + raw.len, (const uint8_t[]){ 0x22, 0x06, 0x08, 0x63,
		0x22, 0x02, 0x08, 0x01 }, 8);
	decode_fails(out, raw.len + 8, "inconsistent whyslow data: "
		     "location 99");
	/* the plain bytes, untouched, read back */
	decode_ok(out, raw.len, &q);
	profile_free(&q);
	free(gz);
	fx_free(p);
}

/* A lock's holder waited for a reason no whyslow has: refused. */
static void test_bad_lock_reason(void **state)
{
	struct profile *p = rich_profile();
	uint8_t *gz, out[1 << 16];
	size_t len;

	(void)state;
	p->critical.ns = p->wall_ns;
	p->critical.locks = calloc(1, sizeof(*p->critical.locks));
	assert_non_null(p->critical.locks);
	p->critical.locks[0] = (struct critical_lock){
		.holder_frame = -1, .waiting_threads = 1, .wait_ns = MS,
		.holder_wait_ns = MS, .holder_wait_reason = WAIT__COUNT,
		.waiter_frame = -1,
	};
	p->critical.n_locks = 1;
	gz = encode_profile(p, &len);
	len = gunzip(gz, len, out, sizeof(out));
	decode_fails(out, len, "inconsistent whyslow data: lock holder wait "
		     "reason");
	free(gz);
	/* where its waiters took it: a frame past the profile's */
	p->critical.locks[0].holder_wait_reason = WAIT_NONE;
	p->critical.locks[0].waiter_frame = (int64_t)p->n_frames;
	gz = encode_profile(p, &len);
	len = gunzip(gz, len, out, sizeof(out));
	decode_fails(out, len, "inconsistent whyslow data: lock frame");
	free(gz);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_lock_reason),
		cmocka_unit_test(test_not_pprof),
		cmocka_unit_test(test_bad_indexes),
		cmocka_unit_test(test_malformed_wire),
		cmocka_unit_test(test_nul_string_round_trip),
		cmocka_unit_test(test_inconsistent_whyslow_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
