/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's BTF cut down for CO-RE relocation; see corebtf.c. */
#ifndef WHYSLOW_RECORD_COREBTF_H
#define WHYSLOW_RECORD_COREBTF_H

#include <stddef.h>

#include <stdbool.h>

struct btf;

struct core_btf {
	int fd;			/* -1: none, libbpf reads the kernel's */
	char path[32];		/* "/proc/self/fd/N", btf_custom_path */
	char cache[64];		/* its cached copy's name; "" none */
};

/* The kernel's types that local (a BPF object's BTF) may relocate
 * against, cached or cut now; c->fd -1 if neither worked. */
void core_btf_open(struct core_btf *c, const struct btf *local);
/* refused: the load failed with it, the cached copy is removed. */
void core_btf_close(struct core_btf *c, bool refused);

/* The types of kernel named in local, with what their layout needs, each
 * pointer a `void *`: a new BTF, or NULL (errno set). */
struct btf *core_btf_cut(const struct btf *local, const struct btf *kernel);

#endif
