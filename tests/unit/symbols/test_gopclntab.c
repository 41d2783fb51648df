// SPDX-License-Identifier: GPL-2.0
/*
 * Go's function table: a Go 1.18 .gopclntab built byte by byte (three
 * functions, their names and pcsp tables), its lookups and SP deltas,
 * and tables refused or read in part: another version, a 32-bit target,
 * offsets out of the section, a name or a pc table out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/gopclntab.h"

#define TEXT		0x401000ull
#define HEADER		72
#define FUNC_SIZE	40	/* a 1.18 _func, without its pcdata */

static const char names[] = "main.a\0main.b\0runtime.goexit";
/* main.a: sp delta 0 for 4 bytes, 24 to 0x34, 0 to its end; main.b: 8 */
static const uint8_t pcsp_a[] = { 0x02, 0x04, 0x30, 0x30, 0x2f, 0x0c, 0x00 };
static const uint8_t pcsp_b[] = { 0x12, 0x20, 0x00 };

struct blob {
	uint8_t b[512];
	size_t n;
	size_t pctab, table;
};

static void put_le(uint8_t *p, uint64_t v, size_t size)
{
	while (size--) {
		*p++ = v & 0xff;
		v >>= 8;
	}
}

/* entry (offsets from TEXT), name and pcsp offsets of each function */
static const uint32_t entries[] = { 0x00, 0x40, 0x60, 0x70 };
static const uint32_t name_offs[] = { 0, 7, 14 };
static const uint32_t pcsp_offs[] = { 0, sizeof(pcsp_a), 0xffffff00 };

static void build(struct blob *t)
{
	size_t names_at = HEADER, names_end = HEADER + sizeof(names);
	size_t i, funcs;

	memset(t, 0, sizeof(*t));
	put_le(t->b, 0xfffffff0u, 4);
	t->b[6] = 1;			/* quantum */
	t->b[7] = 8;			/* pointer size */
	put_le(t->b + 8, 3, 8);		/* nfunc */
	put_le(t->b + 24, TEXT, 8);	/* textStart */
	memcpy(t->b + names_at, names, sizeof(names));
	t->pctab = names_end;
	memcpy(t->b + t->pctab, pcsp_a, sizeof(pcsp_a));
	memcpy(t->b + t->pctab + sizeof(pcsp_a), pcsp_b, sizeof(pcsp_b));
	t->table = t->pctab + sizeof(pcsp_a) + sizeof(pcsp_b);
	put_le(t->b + 32, names_at, 8);
	put_le(t->b + 40, names_end, 8);	/* cutab, filetab: empty */
	put_le(t->b + 48, names_end, 8);
	put_le(t->b + 56, t->pctab, 8);
	put_le(t->b + 64, t->table, 8);
	funcs = 7 * 4;			/* 3 pairs and the end */
	for (i = 0; i < 4; i++)
		put_le(t->b + t->table + 8 * i, entries[i], 4);
	for (i = 0; i < 3; i++) {
		uint8_t *f = t->b + t->table + funcs + FUNC_SIZE * i;

		put_le(t->b + t->table + 8 * i + 4, funcs + FUNC_SIZE * i, 4);
		put_le(f, entries[i], 4);
		put_le(f + 4, name_offs[i], 4);
		put_le(f + 16, pcsp_offs[i], 4);
	}
	t->n = t->table + funcs + 3 * FUNC_SIZE;
}

static const char *name_at(const struct elf_file *f, uint64_t addr)
{
	const struct go_func *fn = symgo_find(f, addr);

	return fn ? f->go_names + fn->name : NULL;
}

static int sp_at(const struct elf_file *f, uint64_t addr)
{
	uint32_t d = 0;

	return symgo_sp_delta(f, addr, &d) ? -1 : (int)d;
}

static void test_names_and_sp_deltas(void **state)
{
	struct elf_file f = { 0 };
	struct blob t;

	(void)state;
	build(&t);
	assert_int_equal(symgo_parse(t.b, t.n, TEXT, &f), 0);
	assert_int_equal(f.n_gofuncs, 3);
	assert_string_equal(name_at(&f, TEXT), "main.a");
	assert_string_equal(name_at(&f, TEXT + 0x3f), "main.a");
	assert_string_equal(name_at(&f, TEXT + 0x40), "main.b");
	assert_string_equal(name_at(&f, TEXT + 0x6f), "runtime.goexit");
	assert_null(name_at(&f, TEXT + 0x70));	/* past the text */
	assert_null(name_at(&f, TEXT - 1));
	assert_int_equal(sp_at(&f, TEXT), 0);
	assert_int_equal(sp_at(&f, TEXT + 3), 0);
	assert_int_equal(sp_at(&f, TEXT + 4), 24);
	assert_int_equal(sp_at(&f, TEXT + 0x33), 24);
	assert_int_equal(sp_at(&f, TEXT + 0x34), 0);
	assert_int_equal(sp_at(&f, TEXT + 0x3f), 0);
	assert_int_equal(sp_at(&f, TEXT + 0x50), 8);
	assert_int_equal(sp_at(&f, TEXT + 0x65), -1);	/* its pcsp: none */
	assert_int_equal(sp_at(&f, TEXT + 0x70), -1);
	symgo_free(&f);
	/* a PIE's textStart is 0 until relocated: .text's address */
	put_le(t.b + 24, 0, 8);
	assert_int_equal(symgo_parse(t.b, t.n, TEXT + 0x1000, &f), 0);
	assert_string_equal(name_at(&f, TEXT + 0x1040), "main.b");
	symgo_free(&f);
	assert_int_equal(symgo_parse(t.b, t.n, 0, &f), 0);
	assert_string_equal(name_at(&f, 0x40), "main.b");
	symgo_free(&f);
}

/* Tables not read, and tables read but for a broken function. */
static void test_refused(void **state)
{
	static const struct {
		size_t at, size;
		uint64_t v;
	} bad[] = {
		{ 0, 4, 0xfffffffb },	/* Go 1.2-1.15 */
		{ 7, 1, 4 },		/* a 32-bit target */
		{ 4, 1, 1 },		/* a pad byte not zero */
		{ 8, 8, 0 },		/* no functions */
		{ 8, 8, GO_MAX_FUNCS + 1 },
		{ 8, 8, 1000 },		/* a table past the section */
		{ 40, 8, 4096 },	/* names past the section */
		{ 32, 8, 200 },		/* names ending before they begin */
		{ 64, 8, 4096 },	/* the function table past it */
		{ 56, 8, 300 },		/* pctab after the function table */
	};
	struct elf_file f = { 0 };
	struct blob t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(&t);
		put_le(t.b + bad[i].at, bad[i].v, bad[i].size);
		assert_int_equal(symgo_parse(t.b, t.n, TEXT, &f), -EINVAL);
		assert_null(f.gofuncs);
	}
	build(&t);
	assert_int_equal(symgo_parse(t.b, 60, TEXT, &f), -EINVAL);
	assert_int_equal(symgo_parse(NULL, 0, TEXT, &f), -EINVAL);
	/* main.b's name out of funcnametab, main.a's pcsp table cut at the
	 * end of pctab: each read as far as it goes */
	put_le(t.b + t.table + 28 + FUNC_SIZE + 4, 4000, 4);
	put_le(t.b + t.table + 28 + 16, sizeof(pcsp_a) + 2, 4);
	assert_int_equal(symgo_parse(t.b, t.n, TEXT, &f), 0);
	assert_null(name_at(&f, TEXT + 0x40));
	assert_int_equal(sp_at(&f, TEXT + 0x40), 8);
	assert_string_equal(name_at(&f, TEXT), "main.a");
	assert_int_equal(sp_at(&f, TEXT), -1);
	symgo_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_sp_deltas),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
