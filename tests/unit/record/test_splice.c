// SPDX-License-Identifier: GPL-2.0
/* Frames put back in frame-pointer stacks (record/splice.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "record/splice.h"

/* fsync's ip, main's return address, and what CFI found between them:
 * the return address into append_durably. */
#define IP	0x7f0000001000ull
#define MAIN	0x401200ull
#define START	0x7f0000020000ull
#define SAVE	0x401100ull

/* Learnt from a completed stack, put back in a frame-pointer one of the
 * same process that begins alike; not in another process's, nor in one
 * whose second frame differs. */
static void test_splice(void **state)
{
	struct stack_splices *s = splices_new();
	const __u64 fp[] = { IP, MAIN, START };
	const __u64 done[] = { IP, SAVE, MAIN, START };
	__u64 st[8] = { IP, MAIN, START };
	__u64 other[8] = { IP, 0x401300, START };
	int n = 3, no = 3;

	(void)state;
	assert_non_null(s);
	assert_int_equal(splices_learn(s, 7, fp, 3, done, 4), 0);
	assert_int_equal(splices_apply(s, 7, st, &n, 8), 1);
	assert_int_equal(n, 4);
	assert_memory_equal(st, done, sizeof(done));
	n = 3;
	memcpy(st, fp, sizeof(fp));
	assert_int_equal(splices_apply(s, 8, st, &n, 8), 0);
	assert_int_equal(n, 3);
	assert_int_equal(splices_apply(s, 7, other, &no, 8), 0);
	/* no room: as many as fit */
	n = 3;
	assert_int_equal(splices_apply(s, 7, st, &n, 3), 0);
	splices_free(s);
}

/* Only an insertion after the first frame is learnt: a walk that changed
 * the rest, or inserted nothing, teaches nothing; the first learnt stays. */
static void test_splice_what_is_learnt(void **state)
{
	struct stack_splices *s = splices_new();
	const __u64 fp[] = { IP, MAIN, START };
	const __u64 same[] = { IP, MAIN, START };
	const __u64 changed[] = { IP, SAVE, 0x401250, START };
	const __u64 other_ip[] = { IP + 8, SAVE, MAIN, START };
	const __u64 two[] = { IP, SAVE, 0x401180, MAIN, START };
	const __u64 later[] = { IP, 0x401111, MAIN, START };
	__u64 st[8] = { IP, MAIN, START };
	int n = 3;

	(void)state;
	assert_int_equal(splices_learn(s, 7, fp, 3, same, 3), 0);
	assert_int_equal(splices_learn(s, 7, fp, 3, changed, 4), 0);
	assert_int_equal(splices_learn(s, 7, fp, 3, other_ip, 4), 0);
	assert_int_equal(splices_apply(s, 7, st, &n, 8), 0);
	assert_int_equal(splices_learn(s, 7, fp, 3, two, 5), 0);
	assert_int_equal(splices_learn(s, 7, fp, 3, later, 4), 0);
	assert_int_equal(splices_apply(s, 7, st, &n, 8), 2);
	assert_memory_equal(st, two, sizeof(two));
	/* a cut completion (done at its maximum) still matches its part */
	assert_int_equal(splices_learn(s, 9, fp, 3, two, 4), 0);
	n = 3;
	memcpy(st, fp, sizeof(fp));
	assert_int_equal(splices_apply(s, 9, st, &n, 8), 2);
	splices_free(s);
}

/* Many stacks: the table grows, and what it learnt stays; NULL tables
 * (nothing learnt yet) apply nothing. */
static void test_splice_many(void **state)
{
	struct stack_splices *s = splices_new();
	__u64 fp[3], done[4], st[8];
	uint32_t pid;
	int n;

	(void)state;
	for (pid = 1; pid <= 5000; pid++) {
		fp[0] = done[0] = IP;
		fp[1] = done[2] = MAIN + pid;
		fp[2] = done[3] = START;
		done[1] = SAVE + pid;
		assert_int_equal(splices_learn(s, pid, fp, 3, done, 4), 0);
	}
	for (pid = 1; pid <= 5000; pid++) {
		st[0] = IP;
		st[1] = MAIN + pid;
		st[2] = START;
		n = 3;
		assert_int_equal(splices_apply(s, pid, st, &n, 8), 1);
		assert_true(st[1] == SAVE + pid);
	}
	n = 3;
	assert_int_equal(splices_apply(NULL, 1, st, &n, 8), 0);
	splices_free(s);
}

/* A walk of its first frame alone (code without frame pointers): the
 * callers every completed stack from that frame had, innermost first,
 * are put after it; one stack deeper in a recursion keeps them up to
 * where the two part; a caller of its own leaves nothing. */
static void test_splice_lone_frame(void **state)
{
	struct stack_splices *s = splices_new();
	const __u64 fp[] = { IP };
	const __u64 fill[] = { IP, SAVE, 0x401180, 0x401180, MAIN, START };
	const __u64 deeper[] = { IP, SAVE, 0x401180, 0x401180, 0x401180, MAIN,
				 START };
	const __u64 elsewhere[] = { IP, 0x401300, MAIN, START };
	__u64 st[8] = { IP };
	int n = 1;

	(void)state;
	assert_int_equal(splices_learn(s, 7, fp, 1, fill, 6), 0);
	assert_int_equal(splices_apply(s, 7, st, &n, 8), 5);
	assert_memory_equal(st, fill, sizeof(fill));
	assert_int_equal(splices_learn(s, 7, fp, 1, deeper, 7), 0);
	n = 1;
	assert_int_equal(splices_apply(s, 7, st, &n, 8), 3);
	assert_memory_equal(st, fill, 4 * sizeof(*st));
	/* at most max frames */
	n = 1;
	assert_int_equal(splices_apply(s, 7, st, &n, 2), 1);
	/* not another process's, nor a stack of more frames */
	n = 1;
	assert_int_equal(splices_apply(s, 8, st, &n, 8), 0);
	st[1] = MAIN;
	n = 2;
	assert_int_equal(splices_apply(s, 7, st, &n, 8), 0);
	/* called from elsewhere too: none */
	assert_int_equal(splices_learn(s, 7, fp, 1, elsewhere, 4), 0);
	n = 1;
	assert_int_equal(splices_apply(s, 7, st, &n, 8), 0);
	assert_int_equal(n, 1);
	splices_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_splice_what_is_learnt),
		cmocka_unit_test(test_splice_many),
		cmocka_unit_test(test_splice_lone_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
