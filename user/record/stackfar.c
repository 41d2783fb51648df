// SPDX-License-Identifier: GPL-2.0
/* See stackfar.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "lib/intern.h"
#include "record/stackfar.h"
#include "whyslow.h"

#define STACK_FAR_SLACK	4096	/* past the frame that cut: its callers' */

void stack_far_init(struct stack_far *sf, int map_fd, int exe_fd)
{
	*sf = (struct stack_far){ .map_fd = map_fd, .exe_fd = exe_fd };
	idmap_init(&sf->index);
}

void stack_far_free(struct stack_far *sf)
{
	idmap_free(&sf->index);
	free(sf->procs);
	sf->procs = NULL;
	sf->n = sf->cap = 0;
}

static struct stack_far_proc *proc_of(struct stack_far *sf, uint32_t pid)
{
	uint32_t i;

	if (idmap_get(&sf->index, pid, &i))
		return &sf->procs[i];
	if (sf->n == STACK_FAR_PROCS ||
	    intern_items_reserve((void **)&sf->procs, &sf->cap, sf->n,
				 sizeof(*sf->procs)) ||
	    idmap_put(&sf->index, pid, sf->n))
		return NULL;
	sf->procs[sf->n] = (struct stack_far_proc){ .pid = pid };
	return &sf->procs[sf->n++];
}

/* The inode of the program pid runs, as the BPF side reads it at exec
 * (bprm->file): its current mapping of that file; 0 unknown. */
static uint64_t exe_ino(const struct proc_table *t, uint32_t pid)
{
	const struct proc *p = proc_table_find(t, pid);
	const struct mapping *m;
	size_t i;

	for (i = 0; p && p->exe && i < p->n_maps; i++) {
		m = &p->maps[i];
		if (m->gen == p->gen && m->module >= 0 &&
		    (size_t)m->module < t->n_modules &&
		    !strcmp(t->modules[m->module].path, p->exe))
			return t->modules[m->module].ino;
	}
	return 0;
}

/* Later runs of pid's program start with at least far. */
static void ask_for_program(struct stack_far *sf, const struct proc_table *t,
			    uint32_t pid, uint32_t far)
{
	uint64_t ino = exe_ino(t, pid);
	uint32_t had = 0;

	if (!ino || sf->exe_fd < 0)
		return;
	if (bpf_map_lookup_elem(sf->exe_fd, &ino, &had) || had < far)
		bpf_map_update_elem(sf->exe_fd, &ino, &far, BPF_ANY);
}

int stack_far_note(struct stack_far *sf, const struct proc_table *t,
		   uint32_t pid, size_t need, size_t have)
{
	struct stack_far_proc *p;
	uint32_t far;

	/* a walk past what any copy would hold, or a copy cut where the
	 * stack's mapping ended, learns nothing from a longer one */
	if (sf->map_fd < 0 || have < WS_STACK_COPY || need <= have ||
	    need > WS_STACK_COPY + WS_STACK_FAR_MAX)
		return 0;
	p = proc_of(sf, pid);
	if (!p)
		return sf->n == STACK_FAR_PROCS ? 0 : -ENOMEM;
	/* sent before the last change, or its copy ended with the stack */
	if (need <= WS_STACK_COPY + p->far || have < WS_STACK_COPY + p->far)
		return 0;
	if (need > p->need)
		p->need = need;
	if (++p->cut < STACK_FAR_AFTER)
		return 0;
	/* twice the deepest cut: a stack that went that deep goes deeper
	 * (ImageMagick, clang), and each step costs 8 more cut samples */
	far = (2 * p->need - WS_STACK_COPY + STACK_FAR_SLACK +
	       WS_STACK_COPY - 1) / WS_STACK_COPY * WS_STACK_COPY;
	if (far > WS_STACK_FAR_MAX)
		far = WS_STACK_FAR_MAX;
	p->cut = 0;
	p->need = 0;
	if (bpf_map_update_elem(sf->map_fd, &pid, &far, BPF_ANY))
		return 0;
	p->far = far;
	ask_for_program(sf, t, pid, far);
	return 0;
}

int stack_far_notes(const struct stack_far *sf, const struct proc_table *t,
		    uint64_t skipped, struct profile *out)
{
	char line[512], note[896];
	const struct proc *p;
	uint32_t i, shown = 0;
	size_t len = 0;
	int n;

	for (i = 0; i < sf->n && len < sizeof(line) - 64; i++) {
		if (!sf->procs[i].far)
			continue;
		if (shown++ == 4) {
			len += snprintf(line + len, sizeof(line) - len, ", …");
			break;
		}
		p = proc_table_find(t, sf->procs[i].pid);
		len += snprintf(line + len, sizeof(line) - len,
				"%s%s (%u) %u KiB", shown > 1 ? ", " : "",
				p && p->comm[0] ? p->comm : "?",
				sf->procs[i].pid,
				(WS_STACK_COPY + sf->procs[i].far) / 1024);
	}
	if (!shown)
		return 0;
	n = snprintf(note, sizeof(note), "Longer copies of the user stack, "
		     "for processes whose frames reach past the 8 KiB copy "
		     "(large local buffers, deep stacks) and cut their "
		     "samples' callers, from their %dth such sample on (later "
		     "runs of the same program, and forks, from their first): "
		     "%s", STACK_FAR_AFTER, line);
	if (skipped && n > 0 && (size_t)n < sizeof(note))
		snprintf(note + n, sizeof(note) - n, "; %" PRIu64 " of "
			 "their samples were sent with 8 KiB only, the ring "
			 "buffer being half full", skipped);
	return profile_add_note(out, note);
}
