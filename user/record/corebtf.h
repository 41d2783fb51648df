/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's BTF cut down for CO-RE relocation; see corebtf.c. */
#ifndef WHYSLOW_RECORD_COREBTF_H
#define WHYSLOW_RECORD_COREBTF_H

#include <stddef.h>

#include <stdbool.h>
#include <stddef.h>

struct btf;

struct core_btf {
	int fd;			/* -1: none, libbpf reads the kernel's */
	char path[32];		/* "/proc/self/fd/N", btf_custom_path */
	char cache[64];		/* its cached copy's name; "" none */
};

/* The cut cached for the BPF object whose ELF image is elf[0..len):
 * true, c set; false, c->fd -1 (and c->cache the name to cache it at). */
bool core_btf_cached(struct core_btf *c, const void *elf, size_t len);
/* After a miss, the kernel's types local (the object's BTF) may relocate
 * against, cut now and cached; c->fd -1 if that failed. */
void core_btf_make(struct core_btf *c, const struct btf *local);
/* refused: the load failed with it, the cached copy is removed. */
void core_btf_close(struct core_btf *c, bool refused);

/* The types of kernel named in local, with what their layout needs, each
 * pointer a `void *`: a new BTF, or NULL (errno set). */
struct btf *core_btf_cut(const struct btf *local, const struct btf *kernel);

#endif
