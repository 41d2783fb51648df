// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of python/detect.c and code.c on each CPython installed,
 * against the ground truth it prints of itself (python_truth.h): it is
 * detected, and its code objects' line tables and names decode to
 * CPython's own lines and names.  Files that are no CPython are not
 * detected.  A version that is not installed is skipped, by name.
 */
#include "python_truth.h"
#include "python_code_check.h"

#include <errno.h>

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += !utf8_continuation(*s);
	return n;
}

static void test_detect(void **state)
{
	struct interp *in = need_interp(state);
	const struct python_info *info = &in->info;
	struct ws_py_offsets table;
	struct python_info exe;

	assert_int_equal(info->major, 3);
	assert_int_equal(info->minor, in->minor);
	if (in->micro >= 0)
		assert_int_equal(info->micro, in->micro);
	if (in->minor >= 11)
		assert_int_equal(info->version_hex >> 16, 0x300 | in->minor);
	else
		assert_int_equal(info->version_hex, 0);	/* from the name */
	assert_true(info->runtime_vaddr != 0);
	assert_true(info->code_type_vaddr != 0);
	assert_true(info->runtime_vaddr - info->runtime_seg.vaddr <
		    info->runtime_seg.filesz);
	assert_false(info->free_threaded || info->debug_build ||
		     info->wrong_machine);
	assert_int_equal(info->source, in->minor == 13 ? PYTHON_OFFSETS_DEBUG :
							 PYTHON_OFFSETS_TABLE);
	assert_int_equal(python_table_offsets(in->minor, &table), 0);
	assert_memory_equal(&info->off, &table, sizeof(table));
	assert_int_equal(info->off.minor, in->minor);

	/* pyenv's interpreter links libpython: the executable is no runtime. */
	if (strcmp(in->exe, in->runtime_file))
		assert_int_equal(python_detect(in->exe, &exe),
				 PYTHON_E_NOT_PYTHON);
}

/*
 * Every code unit (and a few past the end) of every dumped function
 * decodes to CPython's line.  A table longer than the copy decodes
 * exactly up to where the copy ends and to 0 (unknown) after it.
 */
static void check_code_lines(const struct interp *in,
			     const struct code_dump *d, size_t *n_cut)
{
	bool cut;
	size_t u, boundary = SIZE_MAX;
	struct ws_py_code c;

	assert_int_equal(d->n_lines, d->units);
	code_from_dump(d, false, &c);
	cut = c.linetable_len < c.linetable_full;
	for (u = 0; u < d->units + 8; u++) {
		int want = u < d->n_lines ? d->lines[u] : 0;
		int got = resolve_line(&c, in->minor, u);

		if (got && boundary != SIZE_MAX)
			fail_msg("%s %s: unit %zu: line %d past the end of "
				 "the copied table (unit %zu)", in->label,
				 d->tag, u, got, boundary);
		if (got == want)
			continue;
		if (cut && !got) {
			if (boundary == SIZE_MAX)
				boundary = u;
			continue;
		}
		fail_msg("%s %s: unit %zu: decoded line %d, CPython says %d",
			 in->label, d->tag, u, got, want);
	}
	if (cut) {
		(*n_cut)++;
		print_message("  %s %s: %u-byte table cut to %u: lines of units "
			      "0..%zu of %zu\n", in->label, d->tag,
			      c.linetable_full, c.linetable_len,
			      boundary == SIZE_MAX ? d->units : boundary,
			      d->units);
		/* The copied part is used, not dropped. */
		assert_true(boundary != SIZE_MAX && boundary > d->units / 8);
	}
}

static void test_lines(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct code_dump *big = find_dump(t, "big");
	size_t i, n_cut = 0;

	for (i = 0; i < t->n_codes; i++)
		check_code_lines(in, &t->codes[i], &n_cut);
	assert_true(t->n_codes >= 16);
	/* big() is long enough to be cut in the copy, at least from 3.11 on
	 * (3.10's table has one pair per line change). */
	assert_true(big->n_lines > 1000);
	assert_true(big->lt_attr_len > (in->minor >= 11 ?
					WS_PY_LINETABLE_LEN : 512));
	if (in->minor >= 11)
		assert_true(n_cut >= 1);
}

static void check_decoded(const struct interp *in, const char *tag,
			  const char *what, const struct pystr *s, size_t room,
			  const char *got, bool truncated)
{
	size_t unit = s->kind == 0 ? 1 : (size_t)s->kind;

	if (!utf8_valid(got))
		fail_msg("%s %s %s: not valid UTF-8", in->label, tag, what);
	if (!strcmp(got, s->utf8))
		return;
	/* Cut: whole characters, as many as the copy had room for. */
	if (!truncated || strncmp(got, s->utf8, strlen(got)) ||
	    utf8_chars(got) != room / unit)
		fail_msg("%s %s %s: decoded \"%s\", CPython says \"%s\"",
			 in->label, tag, what, got, s->utf8);
}

static void check_code_names(const struct interp *in,
			     const struct code_dump *d)
{
	struct ws_py_code c;
	struct python_frame f;

	code_from_dump(d, true, &c);
	/* co_name: with an empty qualname, or any qualname on 3.10. */
	memset(c.qualname, 0, sizeof(c.qualname));
	assert_int_equal(python_code_resolve(&c, in->minor, 0, &f), 0);
	check_decoded(in, d->tag, "co_name", &d->name, WS_PY_NAME_LEN,
		      f.name, f.name_truncated);
	check_decoded(in, d->tag, "co_filename", &d->filename, WS_PY_FILE_LEN,
		      f.file, f.file_truncated);
	assert_int_equal(f.firstlineno, d->first_attr);
	if (in->minor == 10) {
		assert_int_equal(d->qualname.kind, -1);
		return;
	}
	code_from_dump(d, true, &c);
	assert_int_equal(python_code_resolve(&c, in->minor, 0, &f), 0);
	check_decoded(in, d->tag, "co_qualname", &d->qualname, WS_PY_NAME_LEN,
		      f.name, f.name_truncated);
}

static void test_names(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct code_dump *d;
	size_t i;

	for (i = 0; i < t->n_codes; i++)
		check_code_names(in, &t->codes[i]);

	/* The script covers every kind of string. */
	d = find_dump(t, "loops");
	assert_int_equal(d->name.kind, 0);
	assert_int_equal(d->filename.kind, 1);	/* "gröund_trüth.py" */
	d = find_dump(t, "latin1");
	assert_int_equal(d->name.kind, 1);
	assert_string_equal(d->name.utf8, "caf\xc3\xa9");
	d = find_dump(t, "ucs2");
	assert_int_equal(d->name.kind, 2);
	assert_string_equal(d->name.utf8, "\xe5\x90\x8d\xe5\x89\x8d");
	d = find_dump(t, "ucs4");
	assert_int_equal(d->name.kind, 4);
	assert_string_equal(d->name.utf8, "\xf0\xa0\x80\x80");
	d = find_dump(t, "virtual");
	assert_int_equal(d->filename.kind, 4);
	d = find_dump(t, "longname");
	assert_true(d->name.raw_len == WS_PY_NAME_LEN);
	assert_true(2 * utf8_chars(d->name.utf8) > WS_PY_NAME_LEN);
	if (in->minor >= 11) {
		d = find_dump(t, "method");
		assert_int_equal(d->qualname.kind, 2);
	}
}

static void test_detect_not_python(void **state)
{
	struct python_info info;
	char path[PATH_MAX];

	(void)state;
	assert_int_equal(python_detect("/bin/true", &info),
			 PYTHON_E_NOT_PYTHON);
	assert_int_equal(info.runtime_vaddr, 0);
	assert_int_equal(python_detect("/nonexistent/python3.12", &info),
			 -ENOENT);
	assert_int_equal(python_detect(dir, &info), PYTHON_E_CORRUPT);
	assert_int_equal(python_detect(script, &info), PYTHON_E_CORRUPT);
	path_of(path, sizeof(path), "empty");
	assert_int_equal(copy_file("/dev/null", path), 0);
	assert_int_equal(python_detect(path, &info), PYTHON_E_CORRUPT);
	assert_int_equal(python_detect(NULL, &info), -EINVAL);
}

/* ---- main ---------------------------------------------------------------- */

static const struct per_interp per_interp[] = {
	{ "detect", test_detect },
	{ "lines", test_lines },
	{ "names", test_names },
};

int main(void)
{
	static const struct CMUnitTest common[] = {
		cmocka_unit_test(test_detect_not_python),
	};

	return run_python_tests("python", per_interp, ARRAY_SIZE(per_interp),
				common, ARRAY_SIZE(common));
}
