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

__noinline int fdt_poll_fd_global(__u64 ufds, __u32 n)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	int i, rank, best = -1, best_rank = -1;
	struct pollfd pfd;

	for (i = 0; i < WS_POLL_FDS && i < n; i++) {
		if (bpf_probe_read_user(&pfd, sizeof(pfd),
					(void *)(ufds + i * sizeof(pfd))))
			break;
		rank = fdt_poll_rank(task, pfd.fd);
		if (rank > best_rank) {
			best_rank = rank;
			best = pfd.fd;
		}
	}
	return best;
}

char LICENSE[] SEC("license") = "GPL";
