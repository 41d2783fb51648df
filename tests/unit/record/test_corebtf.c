// SPDX-License-Identifier: GPL-2.0
/* The kernel's BTF cut down for CO-RE relocation (record/corebtf.c), on
 * a small made-up kernel BTF. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "record/corebtf.h"

struct kernel {
	struct btf *btf;
	int i32, u64, tp;
};

/* task_struct { int pid; struct mm_struct *mm; struct thread_struct
 * thread; int slots[4]; int bits:3; }, and types it does not need. */
static struct kernel make_kernel(void)
{
	struct kernel k = { .btf = btf__new_empty() };
	int mm, pmm, th, arr, e;

	assert_non_null(k.btf);
	k.i32 = btf__add_int(k.btf, "int", 4, BTF_INT_SIGNED);
	k.u64 = btf__add_int(k.btf, "long unsigned int", 8, 0);
	mm = btf__add_struct(k.btf, "mm_struct", 8);
	assert_int_equal(btf__add_field(k.btf, "x", k.u64, 0, 0), 0);
	pmm = btf__add_ptr(k.btf, mm);
	th = btf__add_struct(k.btf, "thread_struct", 8);
	assert_int_equal(btf__add_field(k.btf, "fsbase", k.u64, 0, 0), 0);
	arr = btf__add_array(k.btf, k.i32, k.i32, 4);
	assert_true(btf__add_struct(k.btf, "task_struct", 48) > 0);
	assert_int_equal(btf__add_field(k.btf, "pid", k.i32, 0, 0), 0);
	assert_int_equal(btf__add_field(k.btf, "mm", pmm, 64, 0), 0);
	assert_int_equal(btf__add_field(k.btf, "thread", th, 128, 0), 0);
	assert_int_equal(btf__add_field(k.btf, "slots", arr, 192, 0), 0);
	assert_int_equal(btf__add_field(k.btf, "bits", k.i32, 320, 3), 0);
	assert_true(btf__add_struct(k.btf, "sk_buff", 8) > 0);
	assert_int_equal(btf__add_field(k.btf, "len", k.u64, 0, 0), 0);
	assert_true(btf__add_typedef(k.btf, "pid_t", k.i32) > 0);
	k.tp = btf__add_typedef(k.btf, "btf_trace_sched_switch", k.u64);
	assert_true(k.tp > 0);
	assert_true(btf__add_typedef(k.btf, "sched_waking", k.u64) > 0);
	e = btf__add_enum(k.btf, "pid_type", 4);
	assert_true(e > 0);
	assert_int_equal(btf__add_enum_value(k.btf, "PIDTYPE_PID", 0), 0);
	assert_int_equal(btf__add_enum_value(k.btf, "PIDTYPE_TGID", 1), 0);
	return k;
}

/* What a BPF object would name: a flavor of task_struct, the enum. */
static struct btf *make_local(void)
{
	struct btf *l = btf__new_empty();
	int i;

	assert_non_null(l);
	i = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	assert_true(btf__add_struct(l, "task_struct___old", 4) > 0);
	assert_int_equal(btf__add_field(l, "pid", i, 0, 0), 0);
	assert_true(btf__add_enum(l, "pid_type", 4) > 0);
	assert_int_equal(btf__add_enum_value(l, "PIDTYPE_PID", 0), 0);
	return l;
}

static const struct btf_type *find(const struct btf *b, const char *name,
				   int kind)
{
	int id = btf__find_by_name_kind(b, name, kind);

	return id > 0 ? btf__type_by_id(b, id) : NULL;
}

static const struct btf_member *member(const struct btf *b,
				       const struct btf_type *t,
				       const char *name, int *idx)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(b, m[i].name_off), name)) {
			*idx = i;
			return &m[i];
		}
	fail_msg("no member %s", name);
	return NULL;
}

static void test_cut_keeps_layout(void **state)
{
	struct kernel k = make_kernel();
	struct btf *l = make_local(), *cut, *again;
	const struct btf_type *t, *mt;
	const struct btf_member *m;
	const void *raw;
	uint32_t len;
	int i;

	(void)state;
	cut = core_btf_cut(l, k.btf, NULL);
	assert_non_null(cut);
	t = find(cut, "task_struct", BTF_KIND_STRUCT);
	assert_non_null(t);
	assert_int_equal(t->size, 48);
	assert_int_equal(btf_vlen(t), 5);
	/* a pointer: kept, to void */
	m = member(cut, t, "mm", &i);
	assert_int_equal(btf_member_bit_offset(t, i), 64);
	mt = btf__type_by_id(cut, m->type);
	assert_true(btf_is_ptr(mt));
	assert_int_equal(mt->type, 0);
	/* embedded: whole */
	m = member(cut, t, "thread", &i);
	assert_int_equal(btf_member_bit_offset(t, i), 128);
	mt = btf__type_by_id(cut, m->type);
	assert_true(btf_is_struct(mt));
	assert_string_equal(btf__name_by_offset(cut, mt->name_off),
			    "thread_struct");
	member(cut, mt, "fsbase", &i);
	m = member(cut, t, "slots", &i);
	mt = btf__type_by_id(cut, m->type);
	assert_true(btf_is_array(mt));
	assert_int_equal(btf_array(mt)->nelems, 4);
	assert_true(btf_is_int(btf__type_by_id(cut, btf_array(mt)->type)));
	/* a bit field keeps its offset and size */
	member(cut, t, "bits", &i);
	assert_int_equal(btf_member_bit_offset(t, i), 320);
	assert_int_equal(btf_member_bitfield_size(t, i), 3);
	/* an enum named, with its values */
	t = find(cut, "pid_type", BTF_KIND_ENUM);
	assert_non_null(t);
	assert_int_equal(btf_vlen(t), 2);
	/* not named, nor in a named type but behind a pointer */
	assert_null(find(cut, "mm_struct", BTF_KIND_STRUCT));
	assert_null(find(cut, "sk_buff", BTF_KIND_STRUCT));
	assert_null(find(cut, "pid_t", BTF_KIND_TYPEDEF));
	/* what libbpf reads back from the memfd */
	raw = btf__raw_data(cut, &len);
	assert_non_null(raw);
	again = btf__new(raw, len);
	assert_non_null(again);
	assert_int_equal(btf__type_cnt(again), btf__type_cnt(cut));
	btf__free(again);
	btf__free(cut);
	btf__free(l);
	btf__free(k.btf);
}

static void test_cut_nothing_named(void **state)
{
	struct kernel k = make_kernel();
	struct btf *l = btf__new_empty(), *cut;
	const struct btf_type *t;

	(void)state;
	assert_non_null(l);
	assert_true(btf__add_struct(l, "no_such_type", 4) > 0);
	cut = core_btf_cut(l, k.btf, NULL);
	assert_non_null(cut);
	/* void, and the enum of attach points, empty */
	assert_int_equal(btf__type_cnt(cut), 2);
	t = find(cut, CORE_BTF_TP_ENUM, BTF_KIND_ENUM);
	assert_non_null(t);
	assert_int_equal(btf_vlen(t), 0);
	btf__free(cut);
	btf__free(l);
	btf__free(k.btf);
}

/* The kernel's ids of btf_trace_<tp> for the tracepoints asked, those
 * it has; the typedefs themselves not kept. */
static void test_cut_attach_ids(void **state)
{
	const char *tps[] = { "sched_switch", "sched_waking", "no_such", NULL };
	struct kernel k = make_kernel();
	struct btf *l = make_local(), *cut;
	const struct btf_type *t;
	const struct btf_enum *e;

	(void)state;
	cut = core_btf_cut(l, k.btf, tps);
	assert_non_null(cut);
	t = find(cut, CORE_BTF_TP_ENUM, BTF_KIND_ENUM);
	assert_non_null(t);
	assert_int_equal(btf_vlen(t), 1);	/* a typedef sched_waking is not one */
	e = btf_enum(t);
	assert_string_equal(btf__name_by_offset(cut, e->name_off),
			    "sched_switch");
	assert_int_equal(e->val, k.tp);
	assert_null(find(cut, "btf_trace_sched_switch", BTF_KIND_TYPEDEF));
	btf__free(cut);
	btf__free(l);
	btf__free(k.btf);
}

/* More attach points than the cut records: refused, not truncated. */
static void test_cut_too_many_tps(void **state)
{
	const char *tps[CORE_BTF_MAX_TPS + 2];
	struct kernel k = make_kernel();
	struct btf *l = make_local();
	int i;

	(void)state;
	for (i = 0; i <= CORE_BTF_MAX_TPS; i++)
		tps[i] = "sched_switch";
	tps[i] = NULL;
	assert_null(core_btf_cut(l, k.btf, tps));
	btf__free(l);
	btf__free(k.btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_keeps_layout),
		cmocka_unit_test(test_cut_nothing_named),
		cmocka_unit_test(test_cut_attach_ids),
		cmocka_unit_test(test_cut_too_many_tps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
