// SPDX-License-Identifier: GPL-2.0
/*
 * python/code.c and python/detect.c's addresses on hand-made input: a
 * page mapped twice, names of every kind of string and the qualname
 * chosen, line tables of each version, and random bytes in both.
 */
#include "python_code_check.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "python/detect.h"

/* ---- addresses ----------------------------------------------------------- */

/* libpython 3.12's layout: the RW segment starts mid-page, in the page
 * where the R segment ends, so that page is mapped twice. */
static void test_runtime_address_shared_page(void **state)
{
	const uint64_t bias = 0x7f0000000000ull;
	struct python_info info = { .major = 3, .minor = 13 };
	struct ws_py_proc proc = { 0 };

	(void)state;
	info.runtime_vaddr = 0x4cd6e0;	/* in the shared page */
	info.runtime_seg = (struct python_segment){ 0x4cd6d0, 0x4cc6d0,
						    0x1e6118 };
	info.code_type_vaddr = 0x549e80;
	info.code_type_seg = info.runtime_seg;

	/* The R segment's mapping holds the page, at the wrong address. */
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x379000,
						bias + 0x4cd000, 0x379000), 0);
	/* The RW one (RELRO part), and the rest after mprotect split it. */
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x4cd000,
						bias + 0x544000, 0x4cc000),
			 bias + info.runtime_vaddr);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x544000,
						bias + 0x6b4000, 0x543000), 0);
	assert_int_equal(python_runtime_address(&info, info.code_type_vaddr,
						bias + 0x544000,
						bias + 0x6b4000, 0x543000),
			 bias + info.code_type_vaddr);
	/* Not a symbol of info; empty and wrapping mappings. */
	assert_int_equal(python_runtime_address(&info, 0x4cd6e8,
						bias + 0x4cd000,
						bias + 0x544000, 0x4cc000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias, bias, 0x4cc000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						UINT64_MAX - 10, 5,
						0x4cc000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						UINT64_MAX - 4095, UINT64_MAX,
						UINT64_MAX - 4095), 0);
	assert_int_equal(python_runtime_address(NULL, 1, 2, 3, 4), 0);

	assert_false(python_proc_add_mapping(&info, bias + 0x379000,
					     bias + 0x4cd000, 0x379000, &proc));
	assert_true(python_proc_add_mapping(&info, bias + 0x4cd000,
					    bias + 0x544000, 0x4cc000, &proc));
	assert_int_equal(proc.code_type, 0);
	assert_true(python_proc_add_mapping(&info, bias + 0x544000,
					    bias + 0x6b4000, 0x543000, &proc));
	assert_int_equal(proc.runtime, bias + info.runtime_vaddr);
	assert_int_equal(proc.code_type, bias + info.code_type_vaddr);
	assert_false(python_proc_add_mapping(NULL, 0, 0, 0, &proc));

	/* The code's mapping gives the load bias (the side-band reports no
	 * other); not a mapping of it, or one below its file address. */
	info.exec_seg = (struct python_segment){ 0x1b000, 0x1b000, 0x2f0000 };
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x1b000,
						bias + 0x30b000, 0x1b000),
			 bias + info.runtime_vaddr);
	assert_int_equal(python_runtime_address(&info, info.code_type_vaddr,
						bias + 0x1c000,
						bias + 0x30b000, 0x1c000),
			 bias + info.code_type_vaddr);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x30b000,
						bias + 0x379000, 0x30b000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						0x1000, 0x2000, 0x1b000), 0);
	memset(&info.exec_seg, 0, sizeof(info.exec_seg));

	/* Every version: the walker validates code objects with it. */
	info.minor = 12;
	memset(&proc, 0, sizeof(proc));
	assert_true(python_proc_add_mapping(&info, bias + 0x4cd000,
					    bias + 0x6b4000, 0x4cc000, &proc));
	assert_int_equal(proc.runtime, bias + info.runtime_vaddr);
	assert_int_equal(proc.code_type, bias + info.code_type_vaddr);
}

/* ---- strings -------------------------------------------------------------- */

static void name_of(int minor, int kind, const void *raw, size_t len,
		    struct python_frame *f)
{
	struct ws_py_code c;

	memset(&c, 0, sizeof(c));
	c.name_kind = kind;
	memcpy(c.name, raw, len);
	assert_int_equal(python_code_resolve(&c, minor, 0, f), 0);
	assert_true(utf8_valid(f->name));
}

static void test_string_kinds(void **state)
{
	const uint16_t namae[] = { 0x540d, 0x524d, 0 };
	const uint32_t astral[] = { 0x20000, 0x41, 0 };
	const uint16_t surrogate[] = { 0xd800, 0x41, 0 };
	const uint32_t junk[] = { 0x110000, 0xffffffff, 0xdfff, 0 };
	uint16_t ucs2[WS_PY_NAME_LEN / 2];
	uint32_t ucs4[WS_PY_NAME_LEN / 4];
	uint8_t latin1[WS_PY_NAME_LEN];
	struct python_frame f;
	size_t i;

	(void)state;
	name_of(12, 1, "caf\xe9", 4, &f);
	assert_string_equal(f.name, "caf\xc3\xa9");
	assert_false(f.name_truncated);
	name_of(12, 0, "ab\0\xff\xff", 5, &f);		/* junk after NUL */
	assert_string_equal(f.name, "ab");
	name_of(12, 2, namae, sizeof(namae), &f);
	assert_string_equal(f.name, "\xe5\x90\x8d\xe5\x89\x8d");
	name_of(12, 4, astral, sizeof(astral), &f);
	assert_string_equal(f.name, "\xf0\xa0\x80\x80" "A");
	name_of(12, 2, surrogate, sizeof(surrogate), &f);
	assert_string_equal(f.name, "\xef\xbf\xbd" "A");
	name_of(12, 4, junk, sizeof(junk), &f);
	assert_string_equal(f.name, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	name_of(12, 3, "abc", 3, &f);			/* no such kind */
	assert_string_equal(f.name, "");
	name_of(12, 0, "\xe9t\xe9", 3, &f);	/* "ASCII" with high bytes */
	assert_string_equal(f.name, "\xc3\xa9t\xc3\xa9");

	/* Cut at the copy: whole characters, flagged. */
	for (i = 0; i < WS_PY_NAME_LEN / 2; i++)
		ucs2[i] = 0x540d;
	name_of(12, 2, ucs2, sizeof(ucs2), &f);
	assert_true(f.name_truncated);
	assert_int_equal(strlen(f.name), 3 * WS_PY_NAME_LEN / 2);
	for (i = 0; i < WS_PY_NAME_LEN; i++)
		latin1[i] = 0xe9;
	name_of(12, 1, latin1, sizeof(latin1), &f);
	assert_true(f.name_truncated);
	assert_int_equal(strlen(f.name), 2 * WS_PY_NAME_LEN);
	for (i = 0; i < WS_PY_NAME_LEN / 4; i++)
		ucs4[i] = 0x10ffff;
	name_of(12, 4, ucs4, sizeof(ucs4), &f);
	assert_true(f.name_truncated);
	assert_int_equal(strlen(f.name), WS_PY_NAME_LEN);
}

static void test_qualname_choice(void **state)
{
	struct ws_py_code c;
	struct python_frame f;

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "method");
	strcpy(c.qualname, "K.method");
	strcpy(c.filename, "/srv/app.py");
	c.firstlineno = 42;
	assert_int_equal(python_code_resolve(&c, 12, -1, &f), 0);
	assert_string_equal(f.name, "K.method");
	assert_string_equal(f.file, "/srv/app.py");
	assert_int_equal(f.firstlineno, 42);
	assert_int_equal(f.line, 0);			/* instr unknown */
	assert_int_equal(python_code_resolve(&c, 10, 0, &f), 0);
	assert_string_equal(f.name, "method");		/* 3.10: no qualname */
	memset(c.qualname, 0, sizeof(c.qualname));
	assert_int_equal(python_code_resolve(&c, 13, 0, &f), 0);
	assert_string_equal(f.name, "method");

	assert_int_equal(python_code_resolve(NULL, 12, 0, &f), -EINVAL);
	assert_int_equal(python_code_resolve(&c, 12, 0, NULL), -EINVAL);
	assert_int_equal(python_code_resolve(&c, 9, 0, &f),
			 PYTHON_E_UNSUPPORTED);
	assert_int_equal(python_code_resolve(&c, 14, 0, &f),
			 PYTHON_E_UNSUPPORTED);
}

/* Random copies: always valid, terminated UTF-8. */
static void test_string_fuzz(void **state)
{
	static const int kinds[] = { 0, 1, 2, 4, 3, 8, 255 };
	struct ws_py_code c;
	struct python_frame f;
	int iter;
	size_t i;

	(void)state;
	srand(7);
	for (iter = 0; iter < 20000; iter++) {
		int density = 1 + rand() % 64;
		uint8_t *bytes = (uint8_t *)&c;

		for (i = 0; i < sizeof(c); i++)
			bytes[i] = rand() % density ? rand() : 0;
		c.name_kind = kinds[rand() % 7];
		c.qualname_kind = kinds[rand() % 7];
		c.filename_kind = kinds[rand() % 7];
		assert_int_equal(python_code_resolve(&c, 10 + rand() % 4,
						     rand() % 2048 - 8, &f), 0);
		assert_true(utf8_valid(f.name));
		assert_true(utf8_valid(f.file));
		assert_true(strlen(f.name) < sizeof(f.name));
		assert_true(strlen(f.file) < sizeof(f.file));
		assert_true(f.line >= 0);
	}
}

/* ---- line tables ------------------------------------------------------------ */

static int line_of(int minor, int first, const uint8_t *t, size_t len,
		   size_t full, int instr)
{
	struct ws_py_code c;

	memset(&c, 0, sizeof(c));
	c.firstlineno = first;
	c.linetable_len = len;
	c.linetable_full = full;
	memcpy(c.linetable, t, len);
	return resolve_line(&c, minor, instr);
}

/*
 * The example of CPython 3.10's lnotab_notes.txt: ranges (bytes) 0-6
 * line 1, 6-50 line 2, 50-350 line 7 (split as 254 + 46), 350-360 no
 * line, 360-376 line 8, 376-380 line 208 (split as 127 + 73).
 */
static void test_linetable_310(void **state)
{
	static const uint8_t t[] = {
		6, 1, 44, 1, 254, 5, 46, 0, 10, 0x80, 16, 1, 0, 127, 4, 73,
	};
	static const struct {
		int instr, line;
	} want[] = {
		{ 0, 1 }, { 2, 1 }, { 3, 2 }, { 24, 2 }, { 25, 7 },
		{ 150, 7 }, { 174, 7 }, { 175, 0 }, { 179, 0 }, { 180, 8 },
		{ 187, 8 }, { 188, 208 }, { 189, 208 }, { 190, 0 },
		{ INT_MAX, 0 }, { -1, 0 },
	};
	struct ws_py_code c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(line_of(10, 0, t, sizeof(t), sizeof(t),
					 want[i].instr), want[i].line);
	/* Cut: what the copy covers decodes, nothing past it is guessed,
	 * and a half pair is not used. */
	assert_int_equal(line_of(10, 0, t, 5, sizeof(t), 24), 2);
	assert_int_equal(line_of(10, 0, t, 5, sizeof(t), 25), 0);
	assert_int_equal(line_of(10, 0, t, 7, sizeof(t), 25), 7);
	assert_int_equal(line_of(10, 0, t, 7, sizeof(t), 174), 0);
	assert_int_equal(line_of(10, 0, t, 0, sizeof(t), 0), 0);
	/* A length beyond the buffer is bounded by the buffer. */
	memset(&c, 0, sizeof(c));
	memcpy(c.linetable, t, sizeof(t));
	c.linetable_len = UINT16_MAX;
	c.linetable_full = UINT16_MAX;
	assert_int_equal(resolve_line(&c, 10, 188), 208);
	assert_int_equal(resolve_line(&c, 10, 190), 0);
}

/*
 * 3.11+ entries, first line 10:
 *   units 0      no-columns form, svarint +1        line 11
 *   units 1-3    short form                          line 11
 *   units 4-5    one-line form, +1                   line 12
 *   unit  6      no location                         none
 *   units 7-14   long form, +200 (two chunks)        line 212
 *   unit  15     no-columns form, -150               line 62
 *   unit  16     one-line form, +2                   line 64
 */
static void test_linetable_locations(void **state)
{
	static const uint8_t t[] = {
		0xe8, 0x02,
		0x82, 0x12,
		0xd9, 0x04, 0x08,
		0xf8,
		0xf7, 0x50, 0x06, 0x00, 0x05, 0x09,
		0xe8, 0x6d, 0x04,
		0xe0, 0x00, 0x01,
	};
	static const int want[] = {
		11, 11, 11, 11, 12, 12, 0, 212, 212, 212, 212, 212, 212, 212,
		212, 62, 64, 0, 0,
	};
	uint8_t bad[sizeof(t)];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(line_of(11, 10, t, sizeof(t), sizeof(t), i),
				 want[i]);
	assert_int_equal(line_of(13, 10, t, sizeof(t), sizeof(t), 16), 64);
	/* Cut inside the long form's line delta (after 0x50, which says
	 * more follows): earlier entries still decode, it does not. */
	assert_int_equal(line_of(12, 10, t, 10, sizeof(t), 5), 12);
	assert_int_equal(line_of(12, 10, t, 10, sizeof(t), 7), 0);
	assert_int_equal(line_of(12, 10, t, 10, sizeof(t), 16), 0);
	/* The -150 needs two chunks: known only with both. */
	assert_int_equal(line_of(12, 10, t, 16, sizeof(t), 15), 0);
	assert_int_equal(line_of(12, 10, t, 17, sizeof(t), 15), 62);
	/* The one-line form's columns are not needed for its line. */
	assert_int_equal(line_of(12, 10, t, 18, sizeof(t), 16), 64);
	/* Not starting at an entry. */
	memcpy(bad, t, sizeof(t));
	bad[0] = 0x68;
	assert_int_equal(line_of(12, 10, bad, sizeof(bad), sizeof(bad), 0), 0);
	/* A delta's continuation byte replaced by an entry start. */
	memcpy(bad, t, sizeof(t));
	bad[10] = 0x80;
	assert_int_equal(line_of(12, 10, bad, sizeof(bad), sizeof(bad), 7), 0);
	/* A line driven below 1 is not a line. */
	assert_int_equal(line_of(12, 1, t + 14, 3, 3, 0), 0);
}

static void test_linetable_fuzz(void **state)
{
	struct ws_py_code c;
	int iter;
	size_t i;

	(void)state;
	srand(11);
	for (iter = 0; iter < 20000; iter++) {
		memset(&c, 0, sizeof(c));
		c.linetable_len = rand() % 8 ? rand() % (WS_PY_LINETABLE_LEN + 1) :
					       UINT16_MAX;
		c.linetable_full = rand();
		c.firstlineno = rand() % 3 ? rand() % 5000 : (int)rand() - RAND_MAX / 2;
		for (i = 0; i < sizeof(c.linetable); i++)
			c.linetable[i] = rand() % 3 ? rand() : 0x80 | rand();
		resolve_line(&c, 10 + rand() % 4,
			     rand() % 4 ? rand() % 4096 : rand());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtime_address_shared_page),
		cmocka_unit_test(test_string_kinds),
		cmocka_unit_test(test_qualname_choice),
		cmocka_unit_test(test_string_fuzz),
		cmocka_unit_test(test_linetable_310),
		cmocka_unit_test(test_linetable_locations),
		cmocka_unit_test(test_linetable_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
