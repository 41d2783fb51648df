// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing frames, by name.  The names are those recorded stacks show on
 * 6.x kernels (README, "Data quality"): syscall tracepoints reach
 * whyslow's programs through __traceiter_sys_exit → __bpf_trace_sys_exit
 * → bpf_trace_run2 → bpf_prog_<tag>_io_exit, which call helpers such as
 * bpf_probe_read_user → copy_from_user_nofault; a traced mmap reaches
 * perf_event_mmap → perf_output_end → irq_work_queue → native_write_msr
 * for the side-band record whyslow asked for.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "classify/tracing.h"
#include "lib/util.h"

/* A trailing '*' matches any rest; otherwise the name matches whole, or
 * up to a compiler suffix (".constprop.0", ".isra.0", ".cold"). */
static const char *const tracing_names[] = {
	/* the dispatch into BPF programs */
	"__traceiter_*", "__bpf_trace_*", "bpf_trace_run*", "trace_call_bpf",
	"perf_trace_*", "bpf_overflow_handler", "__bpf_prog_enter*",
	"__bpf_prog_exit*", "bpf_trampoline_*",
	/* helpers the programs call, and what those call */
	"bpf_probe_read*", "copy_from_user_nofault", "copy_from_kernel_nofault*",
	"strncpy_from_user_nofault", "strncpy_from_kernel_nofault",
	"bpf_task_storage_*", "bpf_get_stack*", "__bpf_get_stack*",
	"get_perf_callchain", "bpf_ringbuf_*", "__bpf_ringbuf_*",
	"bpf_get_current_*", "bpf_ktime_get_*", "bpf_get_smp_processor_id",
	"bpf_map_lookup_elem", "bpf_map_update_elem", "bpf_map_delete_elem",
	"bpf_loop", "bpf_perf_event_output", "bpf_send_signal*",
	/* perf output of side-band records: mmaps, comms, forks and exits */
	"perf_event_mmap", "perf_event_comm", "perf_event_task",
	"perf_iterate_sb*", "perf_event_mmap_output", "perf_event_comm_output",
	"perf_event_task_output", "perf_output_*", "perf_pending_irq",
};

#define BPF_PROG_PREFIX	"bpf_prog_"
#define BPF_TAG_LEN	16	/* hex digits of a program's tag */

static bool name_matches(const char *name, const char *pattern)
{
	size_t len = strlen(pattern);

	if (pattern[len - 1] == '*')
		return !strncmp(name, pattern, len - 1);
	return !strncmp(name, pattern, len) &&
	       (name[len] == '\0' || name[len] == '.');
}

/* "bpf_prog_<tag>_<name>", the JIT code of a program or subprogram. */
static bool bpf_prog_frame(const char *name, const char *const *own)
{
	const char *tag = name + strlen(BPF_PROG_PREFIX), *prog;
	size_t i;

	if (strncmp(name, BPF_PROG_PREFIX, strlen(BPF_PROG_PREFIX)))
		return false;
	for (i = 0; i < BPF_TAG_LEN; i++)
		if (!isxdigit((unsigned char)tag[i]))
			return false;
	if (tag[i] != '\0' && tag[i] != '_')
		return false;
	/* a program with no name (a global subprogram's JIT code shows so)
	 * is BPF machinery, whoever loaded it: never the program's code */
	if (!own || !tag[i])
		return true;
	prog = tag + i + 1;
	/* libbpf's feature probe, loaded and freed at start-up: its JIT
	 * address is soon whyslow's own program's, and a kallsyms read
	 * between the two names that one after it */
	if (!strcmp(prog, "libbpf_nametest"))
		return true;
	for (i = 0; own[i]; i++)
		if (!strcmp(prog, own[i]))
			return true;
	return false;
}

bool tracing_frame(const char *name, const char *const *own)
{
	size_t i;

	if (!name)
		return false;
	if (bpf_prog_frame(name, own))
		return true;
	for (i = 0; i < ARRAY_SIZE(tracing_names); i++)
		if (name_matches(name, tracing_names[i]))
			return true;
	return false;
}

uint32_t tracing_cut(const struct profile *p, const uint32_t *frames,
		     uint32_t n, const char *const *own)
{
	const struct frame *f;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (frames[i] >= p->n_frames)
			continue;
		f = &p->frames[frames[i]];
		if (f->cls == CLASS_KERNEL && tracing_frame(f->name, own))
			return i;
	}
	return n;
}

/* An on-CPU stack in tracing code: its samples are whyslow's. */
static void set_apart(struct profile *p, struct stack_sample *st)
{
	p->quality.tracing_samples += st->count;
	p->quality.tracing_ns += st->ns;
	free(st->frames);
	free(st->target);
	memset(st, 0, sizeof(*st));
}

bool tracing_drop_last(struct profile *p, const char *const *own)
{
	struct stack_sample *st;

	if (!p->n_stacks)
		return false;
	st = &p->stacks[p->n_stacks - 1];
	if (st->reason != WAIT_NONE ||
	    tracing_cut(p, st->frames, st->n_frames, own) == st->n_frames)
		return false;
	set_apart(p, st);
	p->n_stacks--;
	return true;
}

void tracing_strip(struct profile *p)
{
	struct stack_sample *st;
	size_t i, n = 0;
	uint32_t keep;

	for (i = 0; i < p->n_stacks; i++) {
		st = &p->stacks[i];
		keep = tracing_cut(p, st->frames, st->n_frames, NULL);
		if (keep < st->n_frames && st->reason == WAIT_NONE) {
			p->samples -= p->samples < st->count ? p->samples :
							       st->count;
			set_apart(p, st);
			continue;
		}
		st->n_frames = keep;
		p->stacks[n++] = *st;
	}
	p->n_stacks = n;
	for (i = 0; i < p->io.n_sites; i++)
		p->io.sites[i].n_frames = tracing_cut(p, p->io.sites[i].frames,
						      p->io.sites[i].n_frames,
						      NULL);
}
