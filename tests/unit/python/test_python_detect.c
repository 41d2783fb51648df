// SPDX-License-Identifier: GPL-2.0
/*
 * python_detect() beyond the supported CPythons as installed: older
 * versions, builds told by their file names, 3.13's _Py_DebugOffsets
 * (as measured, and damaged), truncated and randomly damaged copies of
 * a runtime; and the shape of the offsets tables.  A test whose
 * CPython is not installed is skipped.
 */
#include "python_interps.h"

#include <elf.h>
#include <errno.h>
#include <sys/stat.h>

static const struct interp *any_interp(int minor)
{
	size_t i;

	for (i = 0; i < N_INTERPS; i++)
		if (interps[i].present && !interps[i].detect_err &&
		    (minor < 0 || interps[i].minor == minor))
			return &interps[i];
	return NULL;
}

/* Older CPythons: named, not walked.  2.7 and 3.6 have no _PyRuntime:
 * their file's name tells them. */
static void test_detect_unsupported(void **state)
{
	static const struct {
		const char *path;
		int err, major, minor;
	} olds[] = {
		{ PYENV "3.9.18/lib/libpython3.9.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 9 },
		{ PYENV "3.8.18/lib/libpython3.8.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 8 },
		{ PYENV "3.7.16/lib/libpython3.7m.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 7 },
		{ PYENV "3.6.15/lib/libpython3.6m.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 6 },
		{ PYENV "2.7.18/lib/libpython2.7.so.1.0",
		  PYTHON_E_UNSUPPORTED, 2, 7 },
	};
	struct python_info info;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(olds); i++) {
		if (access(olds[i].path, R_OK)) {
			print_message("  skipping %s: not installed\n",
				      olds[i].path);
			continue;
		}
		n++;
		assert_int_equal(python_detect(olds[i].path, &info),
				 olds[i].err);
		assert_int_equal(info.minor, olds[i].minor);
		assert_int_equal(info.major, olds[i].major);
		/* _PyRuntime from 3.7 */
		assert_true((info.runtime_vaddr != 0) ==
			    (info.major == 3 && info.minor >= 7));
	}
	if (!n)
		skip();
}

/* The name is all a 3.10 runtime says of its version, and it flags
 * builds the offsets do not fit. */
static void test_detect_by_name(void **state)
{
	const struct interp *i10 = any_interp(10), *i13 = any_interp(13);
	struct python_info info;
	char path[PATH_MAX];

	(void)state;
	if (!i10 && !i13)
		skip();
	if (i10) {
		path_of(path, sizeof(path), "libpython3.10d.so");
		assert_int_equal(symlink(i10->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info),
				 PYTHON_E_UNSUPPORTED);
		assert_true(info.debug_build);
		assert_int_equal(info.minor, 10);

		path_of(path, sizeof(path), "runtime.so");
		assert_int_equal(symlink(i10->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info),
				 PYTHON_E_UNSUPPORTED);
		assert_int_equal(info.minor, 0);	/* unknown */
		assert_true(info.runtime_vaddr != 0);
	}
	if (i13) {
		/* Py_Version is read, but the name says free-threaded. */
		path_of(path, sizeof(path), "libpython3.13t.so.1.0");
		assert_int_equal(symlink(i13->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info),
				 PYTHON_E_UNSUPPORTED);
		assert_true(info.free_threaded);
		assert_int_equal(info.minor, 13);

		/* 3.13 needs no name: Py_Version and _Py_DebugOffsets. */
		path_of(path, sizeof(path), "anything.so");
		assert_int_equal(symlink(i13->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info), 0);
		assert_int_equal(info.minor, 13);
	}
}

/* 3.13's _Py_DebugOffsets against the offsets gdb measured (PYTHON.md). */
/* The walker loads fields as whole words (bpf/pystate.bpf.h PY_LOAD). */
static void check_aligned(const struct ws_py_offsets *o)
{
	const __u16 words[] = {
		o->runtime_interpreters_head, o->interp_threads_head,
		o->tstate_next, o->tstate_thread_id, o->tstate_native_thread_id,
		o->tstate_frame, o->tstate_cframe, o->cframe_current_frame,
		o->frame_code, o->frame_previous, o->code_first_instr,
		o->code_name, o->code_qualname, o->code_filename,
		o->code_linetable, o->type_of_object,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		assert_true(words[i] == WS_PY_NONE || words[i] % 8 == 0);
	/* f_lasti is an int on 3.10, instr_ptr a pointer after */
	assert_int_equal(o->frame_instr % (o->minor == 10 ? 4 : 8), 0);
	assert_int_equal(o->code_firstlineno % 4, 0);
	assert_int_equal(o->unicode_state % 4, 0);
}

static void test_debug_offsets_313(void **state)
{
	const struct interp *in = any_interp(13);
	const struct ws_py_offsets *o;

	(void)state;
	if (!in) {
		print_message("[ SKIPPED  ] CPython 3.13 not installed\n");
		skip();
	}
	o = &in->info.off;
	assert_int_equal(in->info.source, PYTHON_OFFSETS_DEBUG);
	assert_int_equal(o->runtime_interpreters_head, 632);
	assert_int_equal(o->interp_threads_head, 7344);
	assert_int_equal(o->tstate_next, 8);
	assert_int_equal(o->tstate_thread_id, 152);
	assert_int_equal(o->tstate_native_thread_id, 160);
	assert_int_equal(o->tstate_frame, 72);
	assert_int_equal(o->tstate_cframe, WS_PY_NONE);
	assert_int_equal(o->cframe_current_frame, WS_PY_NONE);
	assert_int_equal(o->frame_code, 0);
	assert_int_equal(o->frame_previous, 8);
	assert_int_equal(o->frame_instr, 56);
	assert_int_equal(o->frame_owner, 70);
	assert_int_equal(o->frame_is_entry, WS_PY_NONE);
	assert_int_equal(o->code_first_instr, 200);
	assert_int_equal(o->code_filename, 112);
	assert_int_equal(o->code_name, 120);
	assert_int_equal(o->code_qualname, 128);
	assert_int_equal(o->code_firstlineno, 68);
	assert_int_equal(o->code_linetable, 136);
	assert_int_equal(o->unicode_state, 32);
	assert_int_equal(o->unicode_ascii_data, 40);
	assert_int_equal(o->unicode_compact_data, 56);
	assert_int_equal(o->bytes_size, 16);
	assert_int_equal(o->bytes_data, 32);
	assert_int_equal(o->type_of_object, 8);
	assert_int_equal(o->minor, 13);
	check_aligned(o);
}

static void patch(const char *path, uint64_t off, const void *bytes,
		  size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, len, off), (ssize_t)len);
	close(fd);
}

/* Damaged _Py_DebugOffsets: the table, or a refusal, never its values. */
static void test_debug_offsets_damaged(void **state)
{
	const struct interp *in = any_interp(13);
	const uint64_t big = 0x10000, v314 = 0x030e00f0, one = 1;
	const uint64_t twelve = 12, seventy = 70;
	struct ws_py_offsets table;
	struct python_info info;
	char path[PATH_MAX];
	uint8_t orig[320];
	uint64_t at;
	int fd;

	(void)state;
	if (!in) {
		print_message("[ SKIPPED  ] CPython 3.13 not installed\n");
		skip();
	}
	path_of(path, sizeof(path), "libpython3.13.so.1.0");
	assert_int_equal(copy_file(in->runtime_file, path), 0);
	at = in->info.runtime_seg.offset +
	     (in->info.runtime_vaddr - in->info.runtime_seg.vaddr);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, orig, sizeof(orig), at), sizeof(orig));
	close(fd);
	assert_memory_equal(orig, "xdebugpy", 8);
	assert_int_equal(python_table_offsets(13, &table), 0);

	patch(path, at, "xdebugpX", 8);			/* cookie */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	assert_memory_equal(&info.off, &table, sizeof(table));
	patch(path, at, orig, 8);

	patch(path, at + 72, &big, 8);	/* interpreter threads_head */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 72, orig + 72, 8);

	/* a field the walker could not load as a whole word */
	patch(path, at + 168, &twelve, 8);	/* thread state's next */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 168, orig + 168, 8);
	patch(path, at + 312, &seventy, 8);	/* code's first line (int) */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 312, orig + 312, 8);

	patch(path, at + 8, &v314, 8);	/* another version's layout */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 8, orig + 8, 8);

	patch(path, at + 16, &one, 8);	/* free-threaded build */
	assert_int_equal(python_detect(path, &info), PYTHON_E_UNSUPPORTED);
	assert_true(info.free_threaded);
	patch(path, at + 16, orig + 16, 8);

	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_DEBUG);
	unlink(path);
}

/* The smallest runtime file installed, to damage copies of. */
static const struct interp *smallest_runtime(void)
{
	const struct interp *best = NULL;
	off_t best_size = 0;
	size_t i;

	for (i = 0; i < N_INTERPS; i++) {
		struct stat st;

		if (!interps[i].present || interps[i].detect_err ||
		    stat(interps[i].runtime_file, &st))
			continue;
		if (!best || st.st_size < best_size) {
			best = &interps[i];
			best_size = st.st_size;
		}
	}
	return best;
}

static void check_sane(int err, const struct python_info *info)
{
	assert_true(err <= 0);
	if (err)
		return;
	assert_true(info->minor >= PYTHON_MIN_MINOR &&
		    info->minor <= PYTHON_MAX_MINOR);
	assert_true(info->runtime_vaddr != 0);
	assert_true(info->runtime_vaddr - info->runtime_seg.vaddr <
		    info->runtime_seg.filesz);
}

static void test_detect_truncated(void **state)
{
	const struct interp *in = smallest_runtime();
	struct python_info info;
	char path[PATH_MAX];
	struct stat st;
	off_t sizes[16];
	size_t i, n = 0;
	int err;

	(void)state;
	if (!in)
		skip();
	path_of(path, sizeof(path), "truncated-python3.so");
	assert_int_equal(copy_file(in->runtime_file, path), 0);
	assert_int_equal(stat(path, &st), 0);
	/* Largest first: one copy, cut shorter each time. */
	sizes[n++] = st.st_size - 1;
	sizes[n++] = st.st_size - 4096;
	sizes[n++] = st.st_size / 2;
	sizes[n++] = st.st_size / 3;
	sizes[n++] = 65536;
	sizes[n++] = 4096;
	sizes[n++] = 65;
	sizes[n++] = 64;
	sizes[n++] = 63;
	sizes[n++] = 16;
	sizes[n++] = 4;
	sizes[n++] = 1;
	sizes[n++] = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(truncate(path, sizes[i]), 0);
		err = python_detect(path, &info);
		check_sane(err, &info);
		if (sizes[i] < st.st_size / 2)
			assert_true(err == PYTHON_E_CORRUPT ||
				    err == PYTHON_E_NOT_PYTHON);
	}
	unlink(path);
}

struct region {
	uint64_t start, len;
};

/* Where damage matters: headers, the dynamic symbols and their names,
 * and the bytes detection reads. */
static size_t mutation_regions(const char *path, const struct python_info *pi,
			       struct region *r, size_t max)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	size_t n = 0, i;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &eh, sizeof(eh), 0), sizeof(eh));
	r[n++] = (struct region){ 0, sizeof(eh) };
	r[n++] = (struct region){ eh.e_phoff,
				  (uint64_t)eh.e_phnum * eh.e_phentsize };
	r[n++] = (struct region){ eh.e_shoff,
				  (uint64_t)eh.e_shnum * eh.e_shentsize };
	r[n++] = (struct region){ pi->runtime_seg.offset + (pi->runtime_vaddr -
				  pi->runtime_seg.vaddr), 600 };
	for (i = 0; i < eh.e_shnum && n + 2 <= max; i++) {
		Elf64_Shdr link;

		if (pread(fd, &sh, sizeof(sh), eh.e_shoff + i * sizeof(sh)) !=
		    sizeof(sh) || sh.sh_type != SHT_DYNSYM)
			continue;
		r[n++] = (struct region){ sh.sh_offset, sh.sh_size };
		if (pread(fd, &link, sizeof(link),
			  eh.e_shoff + sh.sh_link * sizeof(sh)) == sizeof(link))
			r[n++] = (struct region){ link.sh_offset,
						  link.sh_size };
	}
	close(fd);
	return n;
}

/* Random damage to a runtime's headers and symbols: no crash, and any
 * success is a sane one. */
static void test_detect_mutated(void **state)
{
	static const uint8_t specials[] = { 0x00, 0xff, 0x7f, 0x80, 0x01 };
	const struct interp *in = smallest_runtime();
	struct python_info info;
	struct region regions[16];
	char path[PATH_MAX];
	size_t n_regions, iter, n_ok = 0;
	int fd;

	(void)state;
	if (!in)
		skip();
	path_of(path, sizeof(path), "mutated-python3.so");
	assert_int_equal(copy_file(in->runtime_file, path), 0);
	n_regions = mutation_regions(path, &in->info, regions, 16);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	srand(2024);
	for (iter = 0; iter < 400; iter++) {
		uint64_t at[4];
		uint8_t saved[4], b;
		int k, n = 1 + rand() % 4, err;

		for (k = 0; k < n; k++) {
			const struct region *r = &regions[rand() % n_regions];

			at[k] = r->start + (r->len ? (uint64_t)rand() % r->len : 0);
			assert_int_equal(pread(fd, &saved[k], 1, at[k]), 1);
			b = rand() % 2 ? specials[rand() % sizeof(specials)] :
					 (uint8_t)rand();
			assert_int_equal(pwrite(fd, &b, 1, at[k]), 1);
		}
		err = python_detect(path, &info);
		check_sane(err, &info);
		n_ok += !err;
		for (k = n - 1; k >= 0; k--)
			assert_int_equal(pwrite(fd, &saved[k], 1, at[k]), 1);
	}
	close(fd);
	assert_int_equal(python_detect(path, &info), 0);
	print_message("  %zu of 400 damaged copies of %s still detected\n",
		      n_ok, in->runtime_file);
	unlink(path);
}

static void test_table_shape(void **state)
{
	struct ws_py_offsets o;
	int minor;

	(void)state;
	assert_int_equal(python_table_offsets(9, &o), -ENOENT);
	assert_int_equal(python_table_offsets(14, &o), -ENOENT);
	for (minor = 10; minor <= 13; minor++) {
		assert_int_equal(python_table_offsets(minor, &o), 0);
		assert_int_equal(o.minor, minor);
		/* Frames hang off the thread state or its cframe. */
		assert_true((o.tstate_frame == WS_PY_NONE) !=
			    (o.tstate_cframe == WS_PY_NONE));
		assert_true((o.tstate_cframe == WS_PY_NONE) ==
			    (o.cframe_current_frame == WS_PY_NONE));
		assert_int_equal(o.code_qualname == WS_PY_NONE, minor == 10);
		assert_int_equal(o.code_first_instr == WS_PY_NONE, minor == 10);
		assert_int_equal(o.tstate_native_thread_id == WS_PY_NONE,
				 minor == 10);
		assert_int_equal(o.frame_is_entry != WS_PY_NONE, minor == 11);
		assert_int_equal(o.frame_owner != WS_PY_NONE, minor >= 12);
		assert_int_equal(o.pad, 0);
		check_aligned(&o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_unsupported),
		cmocka_unit_test(test_detect_by_name),
		cmocka_unit_test(test_debug_offsets_313),
		cmocka_unit_test(test_debug_offsets_damaged),
		cmocka_unit_test(test_detect_truncated),
		cmocka_unit_test(test_detect_mutated),
		cmocka_unit_test(test_table_shape),
	};

	return cmocka_run_group_tests(tests, interps_setup, interps_teardown);
}
