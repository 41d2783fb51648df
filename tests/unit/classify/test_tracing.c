// SPDX-License-Identifier: GPL-2.0
/* Tracing frames cut from stacks: by name, wherever the run sits, and the
 * on-CPU samples that ran in it counted as whyslow's.  The stacks are the
 * shapes recorded on a 6.18 kernel (README, "Data quality"). */
#include "profile_fixture.h"

#include "classify/tracing.h"

static const char *const own[] = { "io_exit", "io_enter", "py_frame_step",
				   "sample_oncpu", NULL };

struct fx {
	struct profile *p;
	uint32_t main_, write_, entry, dosys, exitwork, iter, bpftrace, run2,
		 prog, probe, nofault, clock, mmap_region, perf_mmap, msr,
		 lsm, secperm, cgroup, sdprog, vfs_read;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct profile *p;

	assert_non_null(f);
	p = f->p = fx_new("python3 opens.py");
	f->main_ = fx_frame(p, "main", "opens", CLASS_APP);
	f->write_ = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	f->entry = fx_frame(p, "entry_SYSCALL_64_after_hwframe", "[kernel]",
			    CLASS_KERNEL);
	f->dosys = fx_frame(p, "do_syscall_64", "[kernel]", CLASS_KERNEL);
	f->exitwork = fx_frame(p, "syscall_exit_work", "[kernel]",
			       CLASS_KERNEL);
	f->iter = fx_frame(p, "__traceiter_sys_exit", "[kernel]",
			   CLASS_KERNEL);
	f->bpftrace = fx_frame(p, "__bpf_trace_sys_exit", "[kernel]",
			       CLASS_KERNEL);
	f->run2 = fx_frame(p, "bpf_trace_run2", "[kernel]", CLASS_KERNEL);
	f->prog = fx_frame(p, "bpf_prog_2a95c382818ef2cf_io_exit", "[bpf]",
			   CLASS_KERNEL);
	f->probe = fx_frame(p, "bpf_probe_read_user", "[kernel]",
			    CLASS_KERNEL);
	f->nofault = fx_frame(p, "copy_from_user_nofault", "[kernel]",
			      CLASS_KERNEL);
	f->clock = fx_frame(p, "pvclock_clocksource_read_nowd", "[kernel]",
			    CLASS_KERNEL);
	f->mmap_region = fx_frame(p, "__mmap_region", "[kernel]",
				  CLASS_KERNEL);
	f->perf_mmap = fx_frame(p, "perf_event_mmap", "[kernel]",
				CLASS_KERNEL);
	f->msr = fx_frame(p, "native_write_msr", "[kernel]", CLASS_KERNEL);
	f->lsm = fx_frame(p, "bpf_lsm_file_permission", "[kernel]",
			  CLASS_KERNEL);
	f->secperm = fx_frame(p, "security_file_permission", "[kernel]",
			      CLASS_KERNEL);
	f->cgroup = fx_frame(p, "__cgroup_bpf_run_filter_skb", "[kernel]",
			     CLASS_KERNEL);
	f->sdprog = fx_frame(p, "bpf_prog_0123456789abcdef_sd_fw_egress",
			     "[bpf]", CLASS_KERNEL);
	f->vfs_read = fx_frame(p, "vfs_read", "[kernel]", CLASS_KERNEL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fx_free(f->p);
	free(f);
	return 0;
}

#define CUT(f, ...)							\
	tracing_cut((f)->p, (const uint32_t[]){ __VA_ARGS__ },		\
		    sizeof((const uint32_t[]){ __VA_ARGS__ }) /		\
		    sizeof(uint32_t), own)

static void test_names(void **state)
{
	(void)state;
	assert_true(tracing_frame("bpf_prog_2a95c382818ef2cf_io_exit", own));
	assert_true(tracing_frame("bpf_prog_769ca15f90054f13_py_frame_step",
				  own));
	assert_true(tracing_frame("bpf_prog_769ca15f90054f13_anything", NULL));
	/* another loader's program, unless a tracing frame ran it */
	assert_false(tracing_frame("bpf_prog_0123456789abcdef_sd_fw_egress",
				   own));
	/* not a program: the bpf() syscall's own code */
	assert_false(tracing_frame("bpf_prog_load", NULL));
	assert_false(tracing_frame("bpf_prog_2a95c382818ef2cf", own));
	assert_true(tracing_frame("__traceiter_sys_enter", own));
	assert_true(tracing_frame("__bpf_trace_sched_switch", own));
	assert_true(tracing_frame("bpf_trace_run12", own));
	assert_true(tracing_frame("trace_call_bpf", own));
	assert_true(tracing_frame("perf_trace_run_bpf_submit", own));
	assert_true(tracing_frame("bpf_probe_read_kernel_str", own));
	assert_true(tracing_frame("copy_from_user_nofault", own));
	assert_true(tracing_frame("copy_from_kernel_nofault_allowed", own));
	assert_true(tracing_frame("bpf_task_storage_get_recur", own));
	assert_true(tracing_frame("bpf_get_stack_raw_tp", own));
	assert_true(tracing_frame("bpf_ringbuf_submit", own));
	assert_true(tracing_frame("perf_event_mmap", own));
	assert_true(tracing_frame("perf_iterate_sb.constprop.0", own));
	assert_true(tracing_frame("perf_output_end", own));
	/* compiler suffixes keep an exact name exact */
	assert_true(tracing_frame("trace_call_bpf.cold", own));
	assert_false(tracing_frame("trace_call_bpfx", own));
	/* the kernel's own work, reached without whyslow */
	assert_false(tracing_frame("bpf_lsm_file_permission", own));
	assert_false(tracing_frame("perf_event_task_tick", own));
	assert_false(tracing_frame("perf_event_exec", own));
	assert_false(tracing_frame("syscall_exit_work", own));
	assert_false(tracing_frame("native_write_msr", own));
	assert_false(tracing_frame("", own));
	assert_false(tracing_frame(NULL, own));
}

/* The leaf in a BPF helper: back to the frame that called the
 * tracepoint, the syscall's exit work. */
static void test_leaf(void **state)
{
	struct fx *f = *state;

	assert_int_equal(CUT(f, f->main_, f->write_, f->entry, f->dosys,
			     f->exitwork, f->iter, f->bpftrace, f->run2,
			     f->prog, f->probe, f->nofault), 5);
	/* the tracepoint's own frames only */
	assert_int_equal(CUT(f, f->main_, f->write_, f->entry, f->dosys,
			     f->exitwork, f->iter), 5);
}

/* A tracing run in the middle: what it called (the clock read by
 * bpf_trace_run2, the MSR write of perf output) goes with it. */
static void test_middle(void **state)
{
	struct fx *f = *state;

	assert_int_equal(CUT(f, f->main_, f->write_, f->entry, f->dosys,
			     f->exitwork, f->iter, f->bpftrace, f->run2,
			     f->clock), 5);
	assert_int_equal(CUT(f, f->main_, f->entry, f->dosys, f->mmap_region,
			     f->perf_mmap, f->msr), 4);
}

/* The unwinder saw only the program: the whole kernel part goes, the
 * user frames that made the syscall stay; a kernel-only stack goes. */
static void test_whole(void **state)
{
	struct fx *f = *state;

	assert_int_equal(CUT(f, f->main_, f->write_, f->prog), 2);
	assert_int_equal(CUT(f, f->iter, f->bpftrace, f->run2, f->prog,
			     f->probe), 0);
}

/* Nothing to cut: the kernel's BPF LSM hook, another loader's cgroup
 * program, user frames that share a tracing name. */
static void test_none(void **state)
{
	struct fx *f = *state;
	uint32_t user_named;

	assert_int_equal(CUT(f, f->main_, f->entry, f->dosys, f->vfs_read,
			     f->secperm, f->lsm), 6);
	assert_int_equal(CUT(f, f->main_, f->entry, f->cgroup, f->sdprog), 4);
	user_named = fx_frame(f->p, "perf_output_begin", "mytool",
			      CLASS_APP);
	assert_int_equal(CUT(f, f->main_, user_named), 2);
	assert_int_equal(tracing_cut(f->p, NULL, 0, own), 0);
	/* a frame index out of range is not read */
	assert_int_equal(CUT(f, f->main_, 100000), 2);
}

/* On-CPU samples in tracing code leave the stacks and are counted; the
 * program's own samples and waits stay. */
static void test_drop_last(void **state)
{
	struct fx *f = *state;
	struct profile *p = f->p;

	FX_STACK(p, 1, 1, 7, f->main_, f->write_, f->entry, f->dosys,
		 f->exitwork, f->iter, f->bpftrace, f->run2, f->prog);
	assert_true(tracing_drop_last(p, own));
	assert_int_equal(p->n_stacks, 0);
	assert_int_equal(p->quality.tracing_samples, 7);
	assert_int_equal(p->quality.tracing_ns, 7 * FX_PERIOD_NS);

	FX_STACK(p, 1, 1, 3, f->main_, f->write_, f->entry, f->dosys);
	assert_false(tracing_drop_last(p, own));
	assert_int_equal(p->n_stacks, 1);

	/* a wait keeps its stack: the caller cuts it, the time stays */
	FX_WAIT(p, 1, 1, 2, WAIT_LOCK, 5000, NULL, f->main_, f->entry,
		f->iter, f->bpftrace);
	assert_false(tracing_drop_last(p, own));
	assert_int_equal(p->n_stacks, 2);
	assert_int_equal(p->quality.tracing_samples, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_leaf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_last, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
