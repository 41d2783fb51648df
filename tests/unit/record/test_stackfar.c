// SPDX-License-Identifier: GPL-2.0
/* Longer stack copies asked for the processes whose samples keep needing
 * them, as much as they need, within the bound (record/stackfar.c). */
#include "profile_fixture.h"

#include <errno.h>
#include <bpf/bpf.h>
#include <unistd.h>

#include "record/stackfar.h"
#include "whyslow.h"

#define COPY	WS_STACK_COPY

struct fixture {
	struct stack_far sf;
	struct proc_table t;	/* sort, pid 7, runs inode EXE_INO */
	int fd, exe_fd;		/* maps like stackfar.bpf.h's */
};

#define EXE_INO	77

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct proc *proc;

	assert_non_null(f);
	f->fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_far", sizeof(__u32),
			       sizeof(__u32), 16, NULL);
	f->exe_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_far_exe",
				   sizeof(__u64), sizeof(__u32), 16, NULL);
	stack_far_init(&f->sf, f->fd, f->exe_fd);
	proc_table_init(&f->t);
	proc = proc_table_get(&f->t, 7);
	assert_non_null(proc);
	strcpy(proc->comm, "sort");
	assert_int_equal(proc_table_mmap(&f->t, 7, 0x400000, 0x10000, 0, 1,
					 EXE_INO, "/usr/bin/sort", true, 0), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	stack_far_free(&f->sf);
	proc_table_free(&f->t);
	if (f->fd >= 0)
		close(f->fd);
	if (f->exe_fd >= 0)
		close(f->exe_fd);
	free(f);
	return 0;
}

/* The fixture, or skip the test without the right to make a BPF map. */
static struct fixture *fixture_of(void **state)
{
	struct fixture *f = *state;

	if (f->fd < 0 || f->exe_fd < 0)
		skip();
	return f;
}

static __u32 asked(struct fixture *f, __u32 pid)
{
	__u32 far = 0;

	bpf_map_lookup_elem(f->fd, &pid, &far);
	return far;
}

static void note_n(struct fixture *f, __u32 pid, int n, size_t need,
		   size_t have)
{
	while (n--)
		assert_int_equal(stack_far_note(&f->sf, &f->t, pid, need,
						have), 0);
}

static void test_asks_after_repeated_cuts(void **state)
{
	struct fixture *f = fixture_of(state);

	/* sort's compare: its caller's return address 8,648 bytes up */
	note_n(f, 7, STACK_FAR_AFTER - 1, 8656, COPY);
	assert_int_equal(asked(f, 7), 0);
	note_n(f, 7, 1, 8656, COPY);
	/* past the copy: twice 8,656 - 8 KiB + 4 KiB = 13,216, 16 KiB */
	assert_int_equal(asked(f, 7), 2 * COPY);
	/* samples sent before it asked change nothing */
	note_n(f, 7, 2 * STACK_FAR_AFTER, 3 * COPY - 100, 2 * COPY);
	assert_int_equal(asked(f, 7), 2 * COPY);
	/* deeper ones, with the longer copy: more, up to the bound */
	note_n(f, 7, STACK_FAR_AFTER, 3 * COPY + 100, 3 * COPY);
	assert_int_equal(asked(f, 7), 6 * COPY);	/* 45,256: 48 KiB */
	note_n(f, 7, STACK_FAR_AFTER, COPY + WS_STACK_FAR_MAX, 7 * COPY);
	assert_int_equal(asked(f, 7), WS_STACK_FAR_MAX);
	assert_int_equal(asked(f, 8), 0);	/* only the one process */
}

/* What a process was given, its program's later runs start with. */
static void test_asks_for_the_program(void **state)
{
	struct fixture *f = fixture_of(state);
	__u64 ino = EXE_INO;
	__u32 far = 0;

	note_n(f, 7, STACK_FAR_AFTER, 8656, COPY);
	assert_int_equal(bpf_map_lookup_elem(f->exe_fd, &ino, &far), 0);
	assert_int_equal(far, 2 * COPY);
	/* a process of no known program: its own only */
	note_n(f, 8, STACK_FAR_AFTER, 2 * COPY + 100, COPY);
	assert_int_equal(asked(f, 8), 4 * COPY);
	assert_int_equal(bpf_map_lookup_elem(f->exe_fd, &ino, &far), 0);
	assert_int_equal(far, 2 * COPY);
}

static void test_ignores_what_no_copy_would_help(void **state)
{
	struct fixture *f = fixture_of(state);

	/* past the bound: a deep recursion */
	note_n(f, 7, 4 * STACK_FAR_AFTER, COPY + WS_STACK_FAR_MAX + 8, COPY);
	/* a copy cut by the stack's mapping's end */
	note_n(f, 8, 4 * STACK_FAR_AFTER, 5000, 4096);
	/* within the copy (a missing page, not its length) */
	note_n(f, 9, 4 * STACK_FAR_AFTER, 4000, COPY);
	assert_int_equal(asked(f, 7) | asked(f, 8) | asked(f, 9), 0);
	assert_int_equal(f->sf.n, 0);
}

static void test_off_with_fp_only(void **state)
{
	struct stack_far sf;
	int i;

	(void)state;
	stack_far_init(&sf, -1, -1);
	for (i = 0; i < 4 * STACK_FAR_AFTER; i++)
		assert_int_equal(stack_far_note(&sf, NULL, 7, 8656, COPY), 0);
	assert_int_equal(sf.n, 0);
	stack_far_free(&sf);
}

static void test_note_names_processes(void **state)
{
	struct fixture *f = fixture_of(state);
	struct profile *p = fx_new("sort -n");

	assert_int_equal(stack_far_notes(&f->sf, &f->t, 0, p), 0);
	assert_int_equal(p->n_notes, 0);
	note_n(f, 4242, STACK_FAR_AFTER, 8656, COPY);
	note_n(f, 7, STACK_FAR_AFTER, 8656, COPY);
	assert_int_equal(stack_far_notes(&f->sf, &f->t, 5, p), 0);
	assert_int_equal(p->n_notes, 1);
	assert_non_null(strstr(p->notes[0], "; 5 of their samples were sent "
				"with 8 KiB only, the ring buffer being half "
				"full"));
	assert_non_null(strstr(p->notes[0], "? (4242) 24 KiB, sort (7) "
				"24 KiB"));
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_asks_after_repeated_cuts,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_ignores_what_no_copy_would_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_asks_for_the_program,
						setup, teardown),
		cmocka_unit_test(test_off_with_fp_only),
		cmocka_unit_test_setup_teardown(test_note_names_processes,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
