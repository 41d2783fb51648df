// SPDX-License-Identifier: GPL-2.0
/* What a file descriptor of a task refers to: see fdtarget.bpf.h. */
#include "fdtarget.bpf.h"

/* Global, hence __noinline: verified once per program, whatever the
 * state of its callers. */
__noinline int fdt_resolve_global(__u64 task, int fd, struct ws_target *t,
				  int whole)
{
	if (t)
		fdt_resolve((struct task_struct *)task, fd, t, whole);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
