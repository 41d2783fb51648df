// SPDX-License-Identifier: GPL-2.0
/* What a file descriptor of a task refers to: see fdtarget.bpf.h. */
#include "fdtarget.bpf.h"

/* Global, hence __noinline: verified once per program, whatever the
 * state of its callers. */
__noinline unsigned int fdt_resolve_global(__u64 task, int fd,
					   struct ws_target *t, int whole)
{
	if (!t)
		return 0;
	return fdt_resolve((struct task_struct *)task, fd, t, whole);
}

/* Of f->fd[0..f->n), the descriptor of the current task ranked highest:
 * global, so that the ranking is verified once for poll and select. */
__noinline int fdt_best_fd_global(struct ws_poll_fds *f)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	int i, rank, best = -1, best_rank = -1;

	if (!f)
		return -1;
	for (i = 0; i < WS_POLL_FDS && i < f->n; i++) {
		rank = fdt_poll_rank(task, f->fd[i]);
		if (rank > best_rank) {
			best_rank = rank;
			best = f->fd[i];
		}
	}
	return best;
}

__noinline int fdt_poll_fd_global(__u64 ufds, __u32 n)
{
	struct ws_poll_fds f = { };
	struct pollfd pfd;
	int i;

	for (i = 0; i < WS_POLL_FDS && i < n; i++) {
		if (bpf_probe_read_user(&pfd, sizeof(pfd),
					(void *)(ufds + i * sizeof(pfd))))
			break;
		f.fd[i] = pfd.fd;
		f.n = i + 1;
	}
	return fdt_best_fd_global(&f);
}

struct select_bits {
	__u64 word;
	__u32 nfds;
	struct ws_poll_fds f;
};

static long select_bit_step(__u64 i, void *arg)
{
	struct select_bits *b = arg;

	if (i >= b->nfds || b->f.n >= WS_POLL_FDS)
		return 1;
	if (b->word >> i & 1)
		b->f.fd[b->f.n++ & (WS_POLL_FDS - 1)] = i;
	return 0;
}

__noinline int fdt_select_fd_global(__u64 readfds, __u32 nfds)
{
	struct select_bits b = { .nfds = nfds };
	int last;

	if (!readfds ||
	    bpf_probe_read_user(&b.word, sizeof(b.word), (void *)readfds))
		return -1;
	bpf_loop(64, select_bit_step, &b, 0);
	last = b.f.fd[WS_POLL_FDS - 1];
	/* more descriptors than are ranked: none, as for poll */
	if (b.f.n == WS_POLL_FDS && last < 63 && b.word >> (last + 1))
		return -1;
	return fdt_best_fd_global(&b.f);
}

char LICENSE[] SEC("license") = "GPL";
