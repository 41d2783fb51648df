/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's BTF cut down for CO-RE relocation; see corebtf.c. */
#ifndef WHYSLOW_RECORD_COREBTF_H
#define WHYSLOW_RECORD_COREBTF_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

#define CORE_BTF_MAX_TPS	16
#define CORE_BTF_TP_NAME	48

/* A tracepoint and the kernel's BTF id of its btf_trace_<name>. */
struct core_btf_tp {
	char name[CORE_BTF_TP_NAME];
	int id;
};

struct core_btf {
	int fd;			/* -1: none, libbpf reads the kernel's */
	char path[32];		/* "/proc/self/fd/N", btf_custom_path */
	char cache[64];		/* its cached copy's name; "" none */
	/* the programs' attach points, as the cut records them */
	struct core_btf_tp tp[CORE_BTF_MAX_TPS];
	int n_tp;
	struct btf *kernel;	/* parsed only for an attach point not there */
};

/* The cut cached for the BPF object whose ELF image is elf[0..len):
 * true, c set; false, c->fd -1 (and c->cache the name to cache it at). */
bool core_btf_cached(struct core_btf *c, const void *elf, size_t len);
/* After a miss, the kernel's types local (the object's BTF) may relocate
 * against and the ids of the tracepoints tps[] (NULL-terminated), cut now
 * and cached; c->fd -1 if that failed. */
void core_btf_make(struct core_btf *c, const struct btf *local,
		   const char *const *tps);
/* The kernel's BTF id of btf_trace_<tp>: from the cut, else from the
 * kernel's BTF (parsed then, once, whichever loading thread asks first);
 * or -errno. */
int core_btf_tp_id(struct core_btf *c, const char *tp);
/* refused: the load failed with it, the cached copy is removed (the
 * attach points stay known). */
void core_btf_close(struct core_btf *c, bool refused);

/* The types of kernel named in local, with what their layout needs, each
 * pointer a `void *`, and the enum CORE_BTF_TP_ENUM of the ids of the
 * tracepoints tps[] (NULL-terminated; an id of btf_trace_<tp>): a new
 * BTF, or NULL (errno set). */
struct btf *core_btf_cut(const struct btf *local, const struct btf *kernel,
			 const char *const *tps);
#define CORE_BTF_TP_ENUM	"whyslow_tp_btf_ids"

#endif
