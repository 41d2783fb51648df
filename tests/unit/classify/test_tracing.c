// SPDX-License-Identifier: GPL-2.0
/* Tracing frames cut from stacks: by name, wherever the run sits, and the
 * on-CPU samples that ran in it counted as whyslow's.  The stacks are the
 * shapes recorded on a 6.18 kernel (README, "Data quality"). */
#include "profile_fixture.h"

#include "classify/tracing.h"

static const char *const own[] = { "io_exit", "io_enter", "py_frame_step",
				   "sample_oncpu", NULL };

/* The frames, in profile order: each one's index is its name here. */
enum {
	MAIN, WRITE_, ENTRY, DOSYS, EXITWORK, ITER, BPFTRACE, RUN2, PROG, PROBE,
	NOFAULT, CLOCK, MMAP_REGION, PERF_MMAP, MSR, LSM, SECPERM, CGROUP,
	SDPROG, VFS_READ, N_FRAMES
};

static const char *const frame_names[N_FRAMES] = {
	"main", "write", "entry_SYSCALL_64_after_hwframe", "do_syscall_64",
	"syscall_exit_work", "__traceiter_sys_exit", "__bpf_trace_sys_exit",
	"bpf_trace_run2", "bpf_prog_2a95c382818ef2cf_io_exit",
	"bpf_probe_read_user", "copy_from_user_nofault",
	"pvclock_clocksource_read_nowd", "__mmap_region", "perf_event_mmap",
	"native_write_msr", "bpf_lsm_file_permission",
	"security_file_permission", "__cgroup_bpf_run_filter_skb",
	"bpf_prog_0123456789abcdef_sd_fw_egress", "vfs_read",
};

static int setup(void **state)
{
	struct profile *p = fx_new("python3 opens.py");
	size_t i;

	for (i = 0; i < N_FRAMES; i++)
		fx_frame(p, frame_names[i], i == MAIN ? "opens" :
			 i == WRITE_ ? "libc.so.6" : "[kernel]",
			 i == MAIN ? CLASS_APP : i == WRITE_ ? CLASS_RUNTIME :
			 CLASS_KERNEL);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

#define CUT(p, ...)							\
	tracing_cut(p, (const uint32_t[]){ __VA_ARGS__ },		\
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
	/* a program with no name: a global subprogram's JIT code, machinery
	 * whoever loaded it */
	assert_true(tracing_frame("bpf_prog_2a95c382818ef2cf", own));
	assert_true(tracing_frame("bpf_prog_59f4a931744dcdc6_libbpf_nametest",
				  own));
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
	struct profile *p = *state;

	assert_int_equal(CUT(p, MAIN, WRITE_, ENTRY, DOSYS, EXITWORK, ITER,
			     BPFTRACE, RUN2, PROG, PROBE, NOFAULT), 5);
	/* the tracepoint's own frames only */
	assert_int_equal(CUT(p, MAIN, WRITE_, ENTRY, DOSYS, EXITWORK, ITER), 5);
}

/* A tracing run in the middle: what it called (the clock read by
 * bpf_trace_run2, the MSR write of perf output) goes with it. */
static void test_middle(void **state)
{
	struct profile *p = *state;

	assert_int_equal(CUT(p, MAIN, WRITE_, ENTRY, DOSYS, EXITWORK, ITER,
			     BPFTRACE, RUN2, CLOCK), 5);
	assert_int_equal(CUT(p, MAIN, ENTRY, DOSYS, MMAP_REGION, PERF_MMAP,
			     MSR), 4);
}

/* The unwinder saw only the program: the whole kernel part goes, the
 * user frames that made the syscall stay; a kernel-only stack goes. */
static void test_whole(void **state)
{
	struct profile *p = *state;

	assert_int_equal(CUT(p, MAIN, WRITE_, PROG), 2);
	assert_int_equal(CUT(p, ITER, BPFTRACE, RUN2, PROG, PROBE), 0);
}

/* Nothing to cut: the kernel's BPF LSM hook, another loader's cgroup
 * program, user frames that share a tracing name. */
static void test_none(void **state)
{
	struct profile *p = *state;
	uint32_t user_named;

	assert_int_equal(CUT(p, MAIN, ENTRY, DOSYS, VFS_READ, SECPERM, LSM), 6);
	assert_int_equal(CUT(p, MAIN, ENTRY, CGROUP, SDPROG), 4);
	user_named = fx_frame(p, "perf_output_begin", "mytool", CLASS_APP);
	assert_int_equal(CUT(p, MAIN, user_named), 2);
	assert_int_equal(tracing_cut(p, NULL, 0, own), 0);
	/* a frame index out of range is not read */
	assert_int_equal(CUT(p, MAIN, 100000), 2);
}

/* On-CPU samples in tracing code leave the stacks and are counted; the
 * program's own samples and waits stay. */
static void test_drop_last(void **state)
{
	struct profile *p = *state;

	FX_STACK(p, 1, 1, 7, MAIN, WRITE_, ENTRY, DOSYS, EXITWORK, ITER,
		 BPFTRACE, RUN2, PROG);
	assert_true(tracing_drop_last(p, own));
	assert_int_equal(p->n_stacks, 0);
	assert_int_equal(p->quality.tracing_samples, 7);
	assert_int_equal(p->quality.tracing_ns, 7 * FX_PERIOD_NS);

	FX_STACK(p, 1, 1, 3, MAIN, WRITE_, ENTRY, DOSYS);
	assert_false(tracing_drop_last(p, own));
	assert_int_equal(p->n_stacks, 1);

	/* a wait keeps its stack: the caller cuts it, the time stays */
	FX_WAIT(p, 1, 1, 2, WAIT_LOCK, 5000, NULL, MAIN, ENTRY, ITER, BPFTRACE);
	assert_false(tracing_drop_last(p, own));
	assert_int_equal(p->n_stacks, 2);
	assert_int_equal(p->quality.tracing_samples, 7);
}

/* A profile saved before the cut: every stack and site cut in place,
 * any BPF program counting. */
static void test_strip(void **state)
{
	struct profile *p = *state;

	FX_STACK(p, 1, 1, 30, MAIN, WRITE_);
	FX_STACK(p, 1, 1, 10, MAIN, WRITE_, ENTRY, SDPROG);
	FX_WAIT(p, 1, 1, 2, WAIT_DISK, 5000, NULL, MAIN, ENTRY, ITER, BPFTRACE);
	FX_STACK(p, 1, 1, 4, MAIN, ENTRY, MMAP_REGION, PERF_MMAP, MSR);
	FX_IO_SITE(p, 1, MAIN, WRITE_, ENTRY, PROG);
	tracing_strip(p);
	assert_int_equal(p->n_stacks, 2);
	assert_int_equal(p->samples, 30);
	assert_int_equal(p->quality.tracing_samples, 14);
	assert_int_equal(p->stacks[0].n_frames, 2);
	assert_int_equal(p->stacks[1].n_frames, 2);
	assert_int_equal(p->stacks[1].ns, 5000);
	assert_int_equal(p->io.sites[0].n_frames, 3);
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
		cmocka_unit_test_setup_teardown(test_strip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
