// SPDX-License-Identifier: GPL-2.0
/* Where user stacks begin; see stackend.h. */
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "record/stackend.h"

#define DWARF_RA	16	/* x86-64 return address column */

bool stackend_name(const char *name)
{
	static const char *const entries[] = {
		"_start", "__libc_start_main", "__libc_start_call_main",
		"start_thread", "clone", "clone3", "__clone", "__clone3",
		"thread_start",
		/* Go: a goroutine's, a thread's and the program's first */
		"runtime.goexit", "runtime.goexit.abi0", "runtime.mstart",
		"runtime.mstart.abi0", "runtime.rt0_go", "runtime.rt0_go.abi0",
	};
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(entries); i++)
		if (!strcmp(name, entries[i]))
			return true;
	return false;
}

/* DW_CFA_undefined on the return address: the ABI's mark of the
 * outermost frame. */
static bool cfi_outermost(struct symbolizer *sym, const struct module *m,
			  uint64_t file_offset)
{
	Dwarf_Op mem[3], *ops;
	Dwarf_Frame *fr;
	size_t n;
	bool end;

	if (symbolize_cfi_frame(sym, m->path, m->dev, m->ino, file_offset, &fr))
		return false;
	end = !dwarf_frame_register(fr, DWARF_RA, mem, &ops, &n) && !n && !ops;
	free(fr);
	return end;
}

bool stackend_code(struct symbolizer *sym, const struct module *m,
		   uint64_t file_offset)
{
	uint64_t entry;

	if (!sym || !m || !m->path)
		return false;
	if (!symbolize_elf_entry(sym, m->path, m->dev, m->ino, &entry) &&
	    file_offset >= entry && file_offset - entry < STACKEND_ENTRY_SPAN)
		return true;
	return cfi_outermost(sym, m, file_offset);
}

void stackend_count_quality(struct profile *out, const struct stack_sample *st)
{
	uint64_t unresolved = 0;
	uint32_t j;

	for (j = 0; j < st->n_frames; j++)
		if (!out->frames[st->frames[j]].resolved)
			unresolved += st->count;
	out->quality.frames_unresolved += unresolved;
	if (unresolved)
		out->quality.unresolved_samples += st->count;
	out->quality.frames_total += (uint64_t)st->n_frames * st->count;
	if (st->truncated)
		out->quality.truncated_samples += st->count;
}

static bool named(const struct profile *out, uint32_t frame,
		  const char *name)
{
	const struct frame *f = &out->frames[frame];

	return f->cls != CLASS_KERNEL && f->name && !strcmp(f->name, name);
}

/* Whether frame j of st begins a stack of its own -- a new thread's
 * clone() returning in the child, Go's runtime.mcall on a thread's g0
 * stack -- with only addresses of no mapping outside it: what a frame
 * pointer of another stack (the parent's, the goroutine's) led to. */
static bool stack_switch(const struct profile *out,
			 const struct stack_sample *st, uint32_t j)
{
	static const char *const names[] = {
		"clone3", "clone", "__clone", "__clone3", "runtime.mcall",
	};
	const struct frame *f = &out->frames[st->frames[j]];
	uint32_t i;

	if (f->cls == CLASS_KERNEL || !name_in(f->name, names,
					       ARRAY_SIZE(names)))
		return false;
	for (i = 0; i < j; i++)
		if (!named(out, st->frames[i], "[unknown]"))
			return false;
	return true;
}

/*
 * A stack taken inside execve(), its user frames all unnamed: they are
 * the old image's (the launcher's code that called execve), resolved
 * against the new one's mappings.  Where its kernel frames begin, else
 * 0.
 */
static uint32_t exec_old_frames(const struct profile *out,
				const struct stack_sample *st)
{
	static const char *const execs[] = {
		"__x64_sys_execve", "__x64_sys_execveat", "do_execveat_common",
		"do_execveat_common.isra.0", "bprm_execve",
	};
	uint32_t j, kernel = 0;

	for (j = 0; j < st->n_frames; j++) {
		const struct frame *f = &out->frames[st->frames[j]];

		if (f->cls != CLASS_KERNEL) {
			if (!named(out, st->frames[j], "[unknown]"))
				return 0;
			continue;
		}
		if (!kernel)
			kernel = j;
		if (name_in(f->name, execs, ARRAY_SIZE(execs)))
			return kernel;
	}
	return 0;
}

/* st begins at its frame j. */
static void cut_before(struct stack_sample *st, uint32_t j)
{
	st->n_frames -= j;
	memmove(st->frames, st->frames + j, st->n_frames * sizeof(*st->frames));
}

bool stackend_thread_root(const struct profile *out, struct stack_sample *st)
{
	uint32_t j = exec_old_frames(out, st);

	if (j) {
		cut_before(st, j);
		return true;
	}
	for (j = st->n_frames; j-- > 1;) {
		if (named(out, st->frames[j], "start_thread") ||
		    stack_switch(out, st, j)) {
			cut_before(st, j);
			return true;
		}
	}
	return false;
}
