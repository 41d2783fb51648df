// SPDX-License-Identifier: GPL-2.0
/* Raw samples → distinct stacks → symbolized profile; see collect.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "collect.h"
#include "intern.h"

enum raw_kind {
	RAW_KERNEL,
	RAW_ELF,	/* id: module, addr: file offset */
	RAW_VDSO,	/* addr: offset into the vDSO */
	RAW_ANON,	/* id: pid, addr: address (JIT code or unmapped) */
};

struct raw_frame {
	uint64_t addr;
	uint32_t id;
	uint32_t kind;
};

/* Key of a distinct stack: this header, then frame indexes root first. */
struct stack_key {
	uint32_t pid;
	uint32_t tid;
	uint32_t kernel_mode;
	uint32_t n_frames;
	uint32_t user_frames;	/* of which user space */
	uint32_t user_full;	/* user stack filled WS_MAX_STACK */
};

struct thread_seen {
	uint32_t pid;
	uint32_t tid;
	char comm[WS_COMM_LEN];
};

struct collector {
	struct intern frames;		/* raw_frame keys */
	struct intern stacks;		/* stack_key + uint32_t[] keys */
	uint64_t *stack_counts;
	size_t cap_counts;
	struct intern threads;		/* tid keys */
	struct thread_seen *thread_info;
	size_t cap_threads;
	uint64_t samples;
};

struct collector *collector_new(void)
{
	struct collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	intern_init(&c->frames);
	intern_init(&c->stacks);
	intern_init(&c->threads);
	return c;
}

void collector_free(struct collector *c)
{
	if (!c)
		return;
	intern_free(&c->frames);
	intern_free(&c->stacks);
	intern_free(&c->threads);
	free(c->stack_counts);
	free(c->thread_info);
	free(c);
}

/* Grows a per-item array to hold index i, zero-filling new items. */
static int ensure_item(void **arr, size_t *cap, size_t i, size_t elem)
{
	size_t n = *cap ? *cap : 256;
	void *p;

	if (i < *cap)
		return 0;
	while (n <= i)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	memset((uint8_t *)p + *cap * elem, 0, (n - *cap) * elem);
	*arr = p;
	*cap = n;
	return 0;
}

static struct raw_frame normalize_user(const struct proc *p, uint32_t pid,
				       uint64_t addr, uint64_t time)
{
	const struct mapping *m = p ? proc_lookup(p, addr, time) : NULL;
	struct raw_frame f = { .addr = addr, .id = pid, .kind = RAW_ANON };

	if (!m)
		return f;
	if (m->vdso) {
		f.kind = RAW_VDSO;
		f.addr = addr - m->start;
		f.id = 0;
	} else if (m->module >= 0) {
		f.kind = RAW_ELF;
		f.addr = addr - m->start + m->pgoff;
		f.id = m->module;
	}
	return f;
}

static int add_frame(struct collector *c, struct raw_frame f, uint32_t *out)
{
	int added;
	int64_t i = intern_bytes(&c->frames, &f, sizeof(f), &added);

	if (i < 0)
		return i;
	*out = i;
	return 0;
}

static int note_thread(struct collector *c, const struct ws_sample *s)
{
	int added;
	int64_t i = intern_bytes(&c->threads, &s->tid, sizeof(s->tid), &added);
	struct thread_seen *t;

	if (i < 0 || ensure_item((void **)&c->thread_info, &c->cap_threads, i,
				 sizeof(*t)))
		return -ENOMEM;
	t = &c->thread_info[i];
	t->pid = s->pid;
	t->tid = s->tid;
	memcpy(t->comm, s->comm, sizeof(t->comm));	/* latest name wins */
	return 0;
}

/* Return addresses point after the call: step back into the call so the
 * caller's symbol and line are found.  The leaf is an exact IP. */
static uint64_t call_site(const __u64 *stack, int i)
{
	return i == 0 ? stack[i] : stack[i] - 1;
}

int collector_add(struct collector *c, const struct proc_table *t,
		  const struct ws_sample *s)
{
	uint32_t key[sizeof(struct stack_key) / 4 + 2 * WS_MAX_STACK];
	struct stack_key *k = (struct stack_key *)key;
	uint32_t *ids = key + sizeof(*k) / 4;
	int nk = s->kstack_len > 0 ? s->kstack_len / 8 : 0;
	int nu = s->ustack_len > 0 ? s->ustack_len / 8 : 0;
	const struct proc *p = proc_table_find(t, s->pid);
	struct raw_frame f;
	int i, n = 0, err, added;
	int64_t idx;

	nk = nk > WS_MAX_STACK ? WS_MAX_STACK : nk;
	nu = nu > WS_MAX_STACK ? WS_MAX_STACK : nu;
	memset(k, 0, sizeof(*k));
	for (i = nu - 1; i >= 0; i--) {
		f = normalize_user(p, s->pid, call_site(s->ustack, i), s->time_ns);
		if ((err = add_frame(c, f, &ids[n++])))
			return err;
	}
	for (i = nk - 1; i >= 0; i--) {
		f = (struct raw_frame){ .addr = call_site(s->kstack, i),
					.kind = RAW_KERNEL };
		if ((err = add_frame(c, f, &ids[n++])))
			return err;
	}
	k->pid = s->pid;
	k->tid = s->tid;
	k->kernel_mode = nk > 0;
	k->n_frames = n;
	k->user_frames = nu;
	k->user_full = nu == WS_MAX_STACK;
	idx = intern_bytes(&c->stacks, key, sizeof(*k) + n * 4, &added);
	if (idx < 0 || ensure_item((void **)&c->stack_counts, &c->cap_counts,
				   idx, sizeof(uint64_t)))
		return -ENOMEM;
	c->stack_counts[idx]++;
	c->samples++;
	return note_thread(c, s);
}

/* ---- finishing: symbolize each distinct frame once ---- */

struct finish_ctx {
	struct profile *out;
	struct intern frames;		/* name\0module\0file\0line keys */
	size_t cap_frames;
	const struct proc_table *t;
	struct symbolizer *sym;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool module_is_exe(const struct proc_table *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n_slots; i++)
		if (t->slots[i] && t->slots[i]->exe &&
		    !strcmp(t->slots[i]->exe, path))
			return true;
	return false;
}

static int intern_frame(struct finish_ctx *fc, const struct frame *fr,
			uint32_t *out)
{
	char key[8192];
	int len, added;
	int64_t i;

	len = snprintf(key, sizeof(key), "%s%c%s%c%s%c%d", fr->name, 0,
		       fr->module, 0, fr->file ? fr->file : "", 0, fr->line);
	if (len < 0 || len >= (int)sizeof(key))
		len = sizeof(key) - 1;
	i = intern_bytes(&fc->frames, key, len, &added);
	if (i < 0)
		return i;
	*out = i;
	if (!added)
		return 0;
	if (ensure_item((void **)&fc->out->frames, &fc->cap_frames, i,
			sizeof(*fr)))
		return -ENOMEM;
	fc->out->frames[i] = (struct frame){
		.name = strdup(fr->name),
		.module = strdup(fr->module),
		.path = fr->path ? strdup(fr->path) : NULL,
		.file = fr->file ? strdup(fr->file) : NULL,
		.line = fr->line,
		.cls = fr->cls,
		.resolved = fr->resolved,
	};
	fc->out->n_frames = i + 1;
	return 0;
}

static int symbolize_raw(struct finish_ctx *fc, const struct raw_frame *rf,
			 uint32_t *out)
{
	struct sym_result r = { 0 };
	struct frame fr = { 0 };
	const struct module *m = NULL;
	char name[512], module[256];
	int err = -ENOENT;

	switch (rf->kind) {
	case RAW_KERNEL:
		err = symbolize_kernel(fc->sym, rf->addr, &r);
		snprintf(module, sizeof(module), "%s", r.module && !err ?
			 r.module : "[kernel]");
		fr.cls = CLASS_KERNEL;
		break;
	case RAW_ELF:
		m = &fc->t->modules[rf->id];
		err = symbolize_elf(fc->sym, m->path, m->dev, m->ino, rf->addr, &r);
		snprintf(module, sizeof(module), "%s", base_name(m->path));
		fr.path = m->path;
		fr.cls = classify_mapping(m->path, module_is_exe(fc->t, m->path) ?
					  m->path : NULL);
		break;
	case RAW_VDSO:
		err = symbolize_vdso(fc->sym, rf->addr, &r);
		snprintf(module, sizeof(module), "[vdso]");
		fr.cls = CLASS_RUNTIME;
		break;
	case RAW_ANON:
		err = symbolize_perfmap(fc->sym, rf->id, rf->addr, &r);
		snprintf(module, sizeof(module), err ? "[unknown]" : "[jit]");
		fr.cls = classify_mapping(NULL, NULL);
		break;
	}
	fr.module = module;
	fr.resolved = !err && r.name;
	if (fr.resolved) {
		fr.name = (char *)r.name;
		fr.file = (char *)r.file;
		fr.line = r.line;
	} else if (rf->kind == RAW_ELF || rf->kind == RAW_VDSO) {
		snprintf(name, sizeof(name), "[%s+0x%" PRIx64 "]", module, rf->addr);
		fr.name = name;
	} else {
		fr.name = "[unknown]";
	}
	return intern_frame(fc, &fr, out);
}

/* A user stack that ends in a program's or thread's entry point is whole. */
static bool reaches_entry(const struct frame *root)
{
	static const char *const entries[] = {
		"_start", "__libc_start_main", "__libc_start_call_main",
		"start_thread", "clone", "clone3", "__clone", "__clone3",
		"thread_start",
	};
	size_t i;

	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (!strcmp(root->name, entries[i]))
			return true;
	return false;
}

static int build_stacks(struct collector *c, struct finish_ctx *fc,
			const uint32_t *frame_map, uint64_t period_ns)
{
	struct profile *out = fc->out;
	size_t i;
	uint32_t j;

	out->stacks = calloc(c->stacks.n ? c->stacks.n : 1, sizeof(*out->stacks));
	if (!out->stacks)
		return -ENOMEM;
	for (i = 0; i < c->stacks.n; i++) {
		const struct stack_key *k = intern_key(&c->stacks, i);
		const uint32_t *ids = (const uint32_t *)(k + 1);
		struct stack_sample *st = &out->stacks[i];
		uint64_t count = c->stack_counts[i];

		st->pid = k->pid;
		st->tid = k->tid;
		st->count = count;
		st->ns = count * period_ns;
		st->kernel_mode = k->kernel_mode;
		st->n_frames = k->n_frames;
		st->frames = calloc(k->n_frames ? k->n_frames : 1, sizeof(uint32_t));
		if (!st->frames)
			return -ENOMEM;
		for (j = 0; j < k->n_frames; j++) {
			st->frames[j] = frame_map[ids[j]];
			if (!out->frames[st->frames[j]].resolved)
				out->quality.frames_unresolved += count;
		}
		out->quality.frames_total += (uint64_t)k->n_frames * count;
		st->truncated = k->user_full || (k->user_frames &&
			!reaches_entry(&out->frames[st->frames[0]]));
		if (st->truncated)
			out->quality.truncated_samples += count;
		out->n_stacks++;
	}
	return 0;
}

static int build_threads_procs(struct collector *c, struct profile *out,
			       const struct proc_table *t)
{
	size_t i, j;

	out->threads = calloc(c->threads.n ? c->threads.n : 1,
			      sizeof(*out->threads));
	out->procs = calloc(c->threads.n ? c->threads.n : 1, sizeof(*out->procs));
	if (!out->threads || !out->procs)
		return -ENOMEM;
	for (i = 0; i < c->threads.n; i++) {
		const struct thread_seen *ts = &c->thread_info[i];
		const struct proc *p;

		out->threads[i].pid = ts->pid;
		out->threads[i].tid = ts->tid;
		memcpy(out->threads[i].comm, ts->comm, sizeof(ts->comm));
		out->n_threads++;
		for (j = 0; j < out->n_procs; j++)
			if (out->procs[j].pid == ts->pid)
				break;
		if (j < out->n_procs)
			continue;
		p = proc_table_find(t, ts->pid);
		out->procs[j].pid = ts->pid;
		out->procs[j].ppid = p ? p->ppid : 0;
		memcpy(out->procs[j].comm, p && p->comm[0] ? p->comm : ts->comm,
		       sizeof(out->procs[j].comm));
		out->procs[j].exe = p && p->exe ? strdup(p->exe) : NULL;
		out->n_procs++;
	}
	return 0;
}

int collector_finish(struct collector *c, const struct proc_table *t,
		     struct symbolizer *sym, uint64_t period_ns,
		     struct profile *out)
{
	struct finish_ctx fc = { .out = out, .t = t, .sym = sym };
	uint32_t *frame_map = calloc(c->frames.n ? c->frames.n : 1,
				     sizeof(*frame_map));
	size_t i;
	int err = -ENOMEM;

	intern_init(&fc.frames);
	if (!frame_map)
		goto out;
	for (i = 0; i < c->frames.n; i++) {
		err = symbolize_raw(&fc, intern_key(&c->frames, i), &frame_map[i]);
		if (err)
			goto out;
	}
	err = build_stacks(c, &fc, frame_map, period_ns);
	if (!err)
		err = build_threads_procs(c, out, t);
	out->samples = c->samples;
out:
	intern_free(&fc.frames);
	free(frame_map);
	return err;
}
