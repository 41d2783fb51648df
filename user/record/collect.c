// SPDX-License-Identifier: GPL-2.0
/* Raw samples → distinct stacks → symbolized profile; see collect.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/frame.h"
#include "classify/tracing.h"
#include "record/collect.h"
#include "record/framerun.h"
#include "lib/intern.h"
#include "lib/util.h"
#include "python/code.h"
#include "record/stackend.h"
#include "classify/wait.h"
#include "classify/wait_event.h"

/* Events kept for the critical path: 16 bytes a sample, 48 a wait; past
 * this (hours of a busy recording) it is not computed, and said so. */
#define COLLECT_TIMELINE_MAX	(8u << 20)

/* Writers print the walker's bound from profile.h. */
_Static_assert(PROFILE_PY_MAX_FRAMES == WS_PY_MAX_FRAMES,
	       "profile.h and whyslow.h disagree on the Python frames walked");

enum raw_kind {
	RAW_KERNEL,
	RAW_ELF,	/* id: module, addr: file offset */
	RAW_VDSO,	/* addr: offset into the vDSO */
	RAW_ANON,	/* id: pid, addr: address (JIT code or unmapped) */
	RAW_PY,		/* id: pid, addr: code object, instr, minor */
};

struct raw_frame {
	uint64_t addr;
	uint32_t id;
	uint16_t kind;
	uint16_t minor;		/* RAW_PY: CPython 3.minor */
	int32_t instr;		/* RAW_PY: instruction offset, code units */
	uint32_t py_ident;	/* RAW_PY: which code object at addr */
};

/* Key of a distinct stack: this header, then frame indexes root first. */
struct stack_key {
	uint32_t pid;
	uint32_t tid;
	uint32_t kernel_mode;
	uint32_t n_frames;
	uint32_t user_frames;	/* of which user space */
	uint32_t user_full;	/* user stack filled WS_MAX_STACK */
	uint32_t offcpu;
	int32_t syscall;	/* off-CPU: the syscall waited in */
	uint32_t runnable;	/* off-CPU: preempted, not blocked */
	uint32_t target;	/* off-CPU: index into targets + 1, 0 none */
	uint32_t py_frames;	/* Python frames at the root of the stack */
	uint32_t py_truncated;	/* enum ws_py_trunc: outer ones missing */
	uint32_t unwind_stop;	/* on-CPU: enum unwind_stop of the CFI walk */
	uint32_t py_leaf;	/* off-CPU: 1 + raw frame Python's replaced */
	uint32_t py_mismatch;	/* eval calls and Python frames unmatched */
};

struct stack_value {
	uint64_t count;		/* samples, or off-CPU intervals */
	uint64_t blocked_ns;	/* off-CPU only */
	uint64_t runq_ns;
};

struct thread_seen {
	uint32_t pid;
	uint32_t tid;
	char comm[WS_COMM_LEN];
};

struct collector {
	struct intern frames;		/* raw_frame keys */
	struct intern stacks;		/* stack_key + uint32_t[] keys */
	struct intern sites;		/* the same, of I/O sites */
	struct stack_value *values;	/* per stack */
	size_t cap_values;
	struct intern targets;		/* struct ws_target keys */
	struct py_codes py_codes;	/* what the BPF side copied */
	struct intern threads;		/* tid keys */
	struct thread_seen *thread_info;
	size_t cap_threads;
	uint64_t samples;
	uint32_t unwind_stop;	/* of the next sample: collector_note_unwind */
	/* the critical path's events, stacks as c->stacks indexes until
	 * collector_critical_path maps them to the profile's */
	struct cp_timeline tl;
	size_t cap_samples, cap_waits, cap_execs;
	bool tl_full;		/* past tl_max: no path */
	uint32_t tl_max;	/* COLLECT_TIMELINE_MAX; 0 when no path is
				 * asked for */
	int64_t last_stack;	/* of the last stack_value() */
	uint32_t *out_stack;	/* c->stacks index → profile.stacks, or
				 * NO_STACK: a sample in tracing code */
	uint32_t *out_runq;	/* ... of an off-CPU stack's runnable part */
	const char *const *own_progs;	/* whyslow's BPF functions */
};

#define NO_STACK	UINT32_MAX

struct collector *collector_new(void)
{
	struct collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	intern_init(&c->frames);
	intern_init(&c->stacks);
	intern_init(&c->sites);
	intern_init(&c->targets);
	py_codes_init(&c->py_codes);
	intern_init(&c->threads);
	c->tl_max = COLLECT_TIMELINE_MAX;
	return c;
}

void collector_free(struct collector *c)
{
	if (!c)
		return;
	intern_free(&c->frames);
	intern_free(&c->stacks);
	intern_free(&c->sites);
	intern_free(&c->targets);
	py_codes_free(&c->py_codes);
	intern_free(&c->threads);
	for (size_t i = 0; i < c->tl.n_execs; i++)
		free((char *)c->tl.execs[i].program);	/* and its exe */
	free(c->tl.execs);
	free(c->tl.samples);
	free(c->tl.waits);
	free(c->out_stack);
	free(c->out_runq);
	free(c->values);
	free(c->thread_info);
	free(c);
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

/* comm NULL: not known from this event (off-CPU keys carry none). */
static int note_thread(struct collector *c, uint32_t pid, uint32_t tid,
		       const char *comm)
{
	int added;
	int64_t i = intern_bytes(&c->threads, &tid, sizeof(tid), &added);
	struct thread_seen *t;

	if (i < 0 || intern_items_reserve((void **)&c->thread_info,
					  &c->cap_threads, i, sizeof(*t)))
		return -ENOMEM;
	t = &c->thread_info[i];
	t->pid = pid;
	t->tid = tid;
	if (comm)
		memcpy(t->comm, comm, sizeof(t->comm));	/* latest name wins */
	return 0;
}

/* Return addresses point after the call: step back into the call so the
 * caller's symbol and line are found.  The leaf is an exact IP. */
static uint64_t call_site(const __u64 *stack, int i)
{
	return i == 0 ? stack[i] : stack[i] - 1;
}

/* A Python stack merged with the native one: native frames kept, or -errno */
static int add_python_frames(struct collector *c, const struct proc_table *t,
			     struct stack_key *k, const struct py_context *py,
			     const struct raw_frame *user, int nu, int *n)
{
	uint32_t merged[WS_PY_MAX_FRAMES + WS_MAX_STACK], i, m, kept = 0;
	uint32_t *ids = (uint32_t *)(k + 1);
	bool entry[WS_PY_MAX_FRAMES];
	uint8_t kinds[WS_MAX_STACK];
	struct pyn_input in = { .native = kinds, .n_native = nu,
		.native_cut = k->user_full || k->unwind_stop != UNWIND_DONE,
		.site = py->site };
	const struct ws_py_frame *pf;
	struct raw_frame f;
	enum pyn_how how;
	int err;

	for (i = 0; i < in.n_native; i++)	/* the runtime's own, by name */
		kinds[i] = user[i].kind == RAW_ANON ? PYN_JIT :
			   user[i].kind != RAW_ELF ? PYN_C :
			   pynative_kind_at(py->kinds, py->sym, t, py->module,
					    user[i].id, user[i].addr);
	m = pynative_merge(pynative_python(&in, &py->stack, py->minor, entry),
			   merged, &how);
	for (i = 0; i < m; i++) {
		if (!(merged[i] & PYN_PY)) {
			f = user[merged[i]];
			kept++;
		} else {
			pf = &py->stack.frames[merged[i] & ~PYN_PY];
			f = (struct raw_frame){ .id = k->pid, .kind = RAW_PY,
				.addr = pf->code & ~WS_PY_FRAME_ENTRY,
				.minor = py->minor, .instr = pf->instr,
				.py_ident = pf->ident };
		}
		if ((err = add_frame(c, f, &ids[(*n)++])))
			return err;
	}
	for (i = 0; i < in.n_native && !(kinds[i] & PYN_RUNTIME); i++)
		;
	/* the interpreter's frame a wait is in: take_gil is the GIL's */
	if (k->offcpu && i < in.n_native) {
		if ((err = add_frame(c, user[i], &k->py_leaf)))
			return err;
		k->py_leaf++;
	}
	k->py_frames = in.n_py;
	k->py_truncated = py->stack.truncated;
	k->py_mismatch = how == PYN_FALLBACK;
	return kept;
}

/* The stack's frames, root first, appended after the key header. */
static int add_frames(struct collector *c, const struct proc_table *t,
		      struct stack_key *k, uint64_t time,
		      const __u64 *kstack, int nk, const __u64 *ustack, int nu,
		      const struct py_context *py)
{
	const struct proc *p = proc_table_find(t, k->pid);
	struct raw_frame user[WS_MAX_STACK], f;
	uint32_t *ids = (uint32_t *)(k + 1);
	int i, n = 0, err;

	nk = nk < 0 ? 0 : nk > WS_MAX_STACK ? WS_MAX_STACK : nk;
	nu = nu < 0 ? 0 : nu > WS_MAX_STACK ? WS_MAX_STACK : nu;
	k->user_full = nu == WS_MAX_STACK;
	for (i = 0; i < nu; i++)
		user[i] = normalize_user(p, k->pid, call_site(ustack, i), time);
	if (py) {	/* or native frames only, and why */
		nu = add_python_frames(c, t, k, py, user, nu, &n);
		if (nu < 0)
			return nu;
	} else {
		for (i = nu - 1; i >= 0; i--)
			if ((err = add_frame(c, user[i], &ids[n++])))
				return err;
	}
	for (i = nk - 1; i >= 0; i--) {
		f = (struct raw_frame){ .addr = call_site(kstack, i),
					.kind = RAW_KERNEL };
		if ((err = add_frame(c, f, &ids[n++])))
			return err;
	}
	k->n_frames = n;
	k->user_frames = nu;
	return 0;
}

/* The counters of the stack in key, created at zero. */
static struct stack_value *stack_value(struct collector *c,
				       const struct stack_key *k)
{
	int added;
	int64_t i = intern_bytes(&c->stacks, k, sizeof(*k) + k->n_frames * 4,
				 &added);

	if (i < 0 || intern_items_reserve((void **)&c->values, &c->cap_values,
					  i, sizeof(*c->values)))
		return NULL;
	c->last_stack = i;
	return &c->values[i];
}

#define STACK_KEY_WORDS	\
	(sizeof(struct stack_key) / 4 + 2 * WS_MAX_STACK + WS_PY_MAX_FRAMES)

void collector_set_own_progs(struct collector *c, const char *const *names)
{
	c->own_progs = names;
}

void collector_skip_timeline(struct collector *c)
{
	c->tl_max = 0;
}

void collector_note_unwind(struct collector *c, enum unwind_stop why)
{
	c->unwind_stop = why;
}

int collector_add(struct collector *c, const struct proc_table *t,
		  const struct ws_sample *s, const __u64 *ustack, int nu,
		  const struct py_context *py)
{
	uint32_t key[STACK_KEY_WORDS];
	struct stack_key *k = (struct stack_key *)key;
	struct stack_value *v;
	int err;

	memset(k, 0, sizeof(*k));
	k->pid = s->pid;
	k->tid = s->tid;
	k->kernel_mode = s->kstack_len > 0;
	k->unwind_stop = c->unwind_stop;
	c->unwind_stop = UNWIND_DONE;
	err = add_frames(c, t, k, s->time_ns, s->kstack, s->kstack_len / 8,
			 ustack, nu, py);
	if (err)
		return err;
	v = stack_value(c, k);
	if (!v)
		return -ENOMEM;
	v->count++;
	c->samples++;
	if (c->tl.n_samples >= c->tl_max)
		c->tl_full = true;
	else if (intern_items_reserve((void **)&c->tl.samples, &c->cap_samples,
				      c->tl.n_samples, sizeof(*c->tl.samples)))
		return -ENOMEM;
	else
		c->tl.samples[c->tl.n_samples++] = (struct cp_sample){
			.ts = s->time_ns, .tid = s->tid, .stack = c->last_stack,
		};
	return note_thread(c, s->pid, s->tid, s->comm);
}

int collector_add_offcpu(struct collector *c, const struct proc_table *t,
			 const struct ws_offcpu_key *ok,
			 const struct ws_offcpu_val *ov,
			 const __u64 *kstack, int nk, const __u64 *ustack, int nu,
			 const struct py_context *py)
{
	uint32_t key[STACK_KEY_WORDS];
	struct stack_key *k = (struct stack_key *)key;
	struct stack_value *v;
	int64_t target = 0;
	int added, err;

	memset(k, 0, sizeof(*k));
	if (ok->target.kind != WS_TGT_NONE) {
		target = intern_bytes(&c->targets, &ok->target,
				      sizeof(ok->target), &added);
		if (target < 0)
			return target;
		target++;
	}
	k->pid = ok->pid;
	k->tid = ok->tid;
	k->offcpu = 1;
	k->syscall = ok->syscall;
	k->runnable = ok->runnable;
	k->target = target;
	err = add_frames(c, t, k, ov->last_ns, kstack, nk, ustack, nu, py);
	if (err)
		return err;
	v = stack_value(c, k);
	if (!v)
		return -ENOMEM;
	v->count += ov->count;
	v->blocked_ns += ov->blocked_ns;
	v->runq_ns += ov->runq_ns;
	return note_thread(c, ok->pid, ok->tid, NULL);
}

int collector_note_wait(struct collector *c, uint32_t tid, uint64_t start,
			uint64_t wake, uint64_t end,
			const struct ws_waker *waker)
{
	if (c->tl.n_waits >= c->tl_max) {
		c->tl_full = true;
		return 0;
	}
	if (intern_items_reserve((void **)&c->tl.waits, &c->cap_waits,
				 c->tl.n_waits, sizeof(*c->tl.waits)))
		return -ENOMEM;
	c->tl.waits[c->tl.n_waits++] = (struct cp_wait){
		.start = start, .wake = wake, .end = end, .tid = tid,
		.waker_tid = waker->tid, .waker_pid = waker->pid,
		.stack = c->last_stack,
		.runq_stack = c->last_stack,
	};
	return 0;
}

int collector_note_exec(struct collector *c, uint32_t pid, uint64_t ts,
			const char *program, const char *exe,
			uint32_t parent, uint32_t parent_tid)
{
	size_t len = program ? strlen(program) + 1 : 0;
	char *copy = NULL;

	if (c->tl.n_execs >= c->tl_max) {
		c->tl_full = true;
		return 0;
	}
	if (intern_items_reserve((void **)&c->tl.execs, &c->cap_execs,
				 c->tl.n_execs, sizeof(*c->tl.execs)))
		return -ENOMEM;
	exe = program ? exe : NULL;	/* a fork has neither */
	/* one block: the program, then its file's name */
	if (program && !(copy = malloc(len + (exe ? strlen(exe) + 1 : 0))))
		return -ENOMEM;
	if (program)
		memcpy(copy, program, len);
	if (exe)
		strcpy(copy + len, exe);
	c->tl.execs[c->tl.n_execs++] = (struct cp_exec){
		.ts = ts, .pid = pid, .program = copy,
		.exe = exe ? copy + len : NULL,
		.parent = parent, .parent_tid = parent_tid,
	};
	return 0;
}

int64_t collector_add_site(struct collector *c, const struct proc_table *t,
			   uint32_t pid, uint32_t tid, uint64_t time,
			   const __u64 *ustack, int nu,
			   const struct py_context *py)
{
	uint32_t key[STACK_KEY_WORDS];
	struct stack_key *k = (struct stack_key *)key;
	int added, err;

	memset(k, 0, sizeof(*k));
	k->pid = pid;
	k->tid = tid;
	err = add_frames(c, t, k, time, NULL, 0, ustack, nu, py);
	if (err)
		return err;
	return intern_bytes(&c->sites, k, sizeof(*k) + k->n_frames * 4, &added);
}

int collector_add_py_code(struct collector *c, const struct ws_py_code_key *k,
			  const struct ws_py_code *code)
{
	return py_codes_add(&c->py_codes, k, code);
}

/* ---- finishing: symbolize each distinct frame once ---- */

struct finish_ctx {
	struct collector *c;
	struct profile *out;
	struct intern frames;		/* name\0module\0file\0line keys */
	size_t cap_frames;
	struct frame_runs runs;		/* each raw frame's profile frames */
	const struct proc_table *t;
	struct symbolizer *sym;
};

static int intern_frame(struct finish_ctx *fc, const struct frame *fr,
			uint32_t *out)
{
	struct frame *f;
	char key[8192];
	int len, added;
	int64_t i;

	/* the symbol, where there is one, decides the name and is shorter */
	len = snprintf(key, sizeof(key), "%s%c%s%c%s%c%d%s",
		       fr->system_name ? fr->system_name : fr->name, 0,
		       fr->module, 0, fr->file ? fr->file : "", 0, fr->line,
		       fr->inlined ? "i" : "");
	if (len < 0 || len >= (int)sizeof(key))
		len = sizeof(key) - 1;
	i = intern_bytes(&fc->frames, key, len, &added);
	if (i < 0)
		return i;
	*out = i;
	if (!added)
		return 0;
	if (intern_items_reserve((void **)&fc->out->frames, &fc->cap_frames, i,
				 sizeof(*fr)))
		return -ENOMEM;
	f = &fc->out->frames[i];
	*f = *fr;	/* with copies of its strings of its own: */
	f->name = strdup(fr->name);
	f->system_name = fr->system_name ? strdup(fr->system_name) : NULL;
	f->module = strdup(fr->module);
	f->path = fr->path ? strdup(fr->path) : NULL;
	f->file = fr->file ? strdup(fr->file) : NULL;
	f->build_id = fr->build_id ? strdup(fr->build_id) : NULL;
	fc->out->n_frames = i + 1;
	return 0;
}

/* Appends frame fr to the run being built (the raw frame's). */
static int run_add(struct finish_ctx *fc, const struct frame *fr,
		   struct frame_run *run)
{
	uint32_t id;
	int err = intern_frame(fc, fr, &id);

	return err ? err : frame_runs_add(&fc->runs, run, id);
}

/* The functions inlined at the address of outer, after it. */
static int add_inlined(struct finish_ctx *fc, const struct frame *outer,
		       const struct sym_result *r, struct frame_run *run)
{
	struct frame fr;
	uint32_t i;
	int err = 0;

	for (i = 0; i < r->n_inlined && i < SYM_MAX_INLINE && !err; i++)
		err = run_add(fc, frame_inlined(outer, &r->inlined[i], &fr), run);
	return err;
}

/* A Python frame: function (qualified name), file and line, from the code
 * object the BPF side copied while the process lived. */
static int symbolize_python(struct finish_ctx *fc, const struct raw_frame *rf,
			    struct frame_run *out)
{
	const struct ws_py_code *code = py_codes_find(&fc->c->py_codes, rf->id,
						      rf->py_ident, rf->addr);
	const struct proc *p = proc_table_find(fc->t, rf->id);	/* python -c? */
	struct python_frame pf;
	struct frame fr = { .cls = CLASS_APP };
	char name[64];

	if (code && !python_code_resolve(code, rf->minor, rf->instr, &pf) &&
	    pf.name[0]) {
		fr.name = pf.name;
		fr.file = pf.file;
		fr.line = pf.line;
		fr.start_line = pf.firstlineno;
		fr.module = (char *)path_basename(pf.file);
		fr.cls = classify_python_file(pf.file, p && p->py_command);
		fr.resolved = true;
	} else {
		snprintf(name, sizeof(name), "[python code 0x%" PRIx64 "]",
			 rf->addr);
		fr.name = name;
		fr.module = "[python]";
	}
	return run_add(fc, &fr, out);
}

static int symbolize_raw(struct finish_ctx *fc, const struct raw_frame *rf,
			 struct frame_run *out)
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
		fr.cls = classify_mapping(m->path, proc_table_runs(fc->t, m->path) ?
					  m->path : NULL);
		/* source lines where the reader can act on them: app code */
		err = symbolize_elf(fc->sym, m->path, m->dev, m->ino, rf->addr,
				    fr.cls == CLASS_APP, &r);
		snprintf(module, sizeof(module), "%s", path_basename(m->path));
		fr.path = m->path;
		break;
	case RAW_VDSO:
		err = symbolize_vdso(fc->sym, rf->addr, &r);
		snprintf(module, sizeof(module), "[vdso]");
		fr.cls = CLASS_RUNTIME;
		break;
	case RAW_ANON:
		err = symbolize_perfmap(fc->sym, rf->id, rf->addr, &r);
		snprintf(module, sizeof(module), err ? "[unknown]" : "[jit]");
		/* unknown code is no place to point a reader at */
		fr.cls = err ? CLASS_RUNTIME : classify_jit(r.name);
		break;
	case RAW_PY:
		return symbolize_python(fc, rf, out);
	}
	fr.module = module;
	/* JIT code's addresses are one process's: none kept */
	fr.addr = rf->kind == RAW_ELF ? r.vaddr :
		  rf->kind == RAW_ANON ? 0 : rf->addr;
	fr.addr_offset = rf->kind == RAW_ELF && r.vaddr ? rf->addr : 0;
	fr.resolved = !err && r.name;
	fr.build_id = (char *)r.build_id;
	if (fr.resolved) {
		fr.name = (char *)r.name;
		fr.system_name = (char *)r.system_name;
		fr.file = (char *)r.file;
		fr.line = r.line;
		fr.cls = frame_source_class(fr.cls, &fr, r.go_table);
	} else if (rf->kind == RAW_ELF || rf->kind == RAW_VDSO) {
		/* stripped code: one frame per function, at its start */
		snprintf(name, sizeof(name), "[%s+0x%" PRIx64 "]", module,
			 r.func_known ? r.func_start : rf->addr);
		fr.name = name;
	} else {
		fr.name = "[unknown]";
	}
	err = run_add(fc, &fr, out);
	if (!err && fr.resolved)
		err = add_inlined(fc, &fr, &r, out);
	return err;
}

/* A user stack that ends in a program's or thread's entry point is
 * whole, named or not. */
static bool reaches_entry(struct finish_ctx *fc, const struct stack_key *k,
			  const struct frame *root)
{
	const uint32_t *ids = (const uint32_t *)(k + 1);
	const struct raw_frame *rf = intern_key(&fc->c->frames, ids[0]);

	if (stackend_name(root->name))
		return true;
	return rf->kind == RAW_ELF && fc->t && rf->id < fc->t->n_modules &&
	       stackend_code(fc->sym, &fc->t->modules[rf->id], rf->addr);
}

/* A new stack_sample with k's frames; NULL on ENOMEM. */
static struct stack_sample *new_stack(struct finish_ctx *fc,
				      const struct stack_key *k,
				      const struct frame_run *frame_map)
{
	struct profile *out = fc->out;
	struct stack_sample *st = &out->stacks[out->n_stacks];

	st->frames = frame_runs_expand(&fc->runs, frame_map,
				       (const uint32_t *)(k + 1), k->n_frames,
				       &st->n_frames);
	if (!st->frames)
		return NULL;
	st->pid = k->pid;
	st->tid = k->tid;
	st->kernel_mode = k->kernel_mode;
	st->syscall = -1;
	if (k->py_frames)	/* the root is Python's: <module> or a thread */
		st->truncated = k->py_truncated;
	else if (!stackend_thread_root(out, st))
		st->truncated = k->user_full || (k->user_frames &&
			!reaches_entry(fc, k, &out->frames[st->frames[0]]));
	out->n_stacks++;
	return st;
}

/* An off-CPU stack becomes up to two: the blocked part, with its reason,
 * and the run-queue part, waiting for a CPU. */
static int add_offcpu_stacks(struct finish_ctx *fc, const struct stack_key *k,
			     const struct stack_value *v,
			     const struct frame_run *frame_map, size_t i)
{
	struct collector *c = fc->c;
	struct profile *out = fc->out;
	const struct ws_target *target = k->target ?
		intern_key(&c->targets, k->target - 1) : NULL;
	const char *kframes[WS_MAX_STACK];
	const struct frame_run *leaf;
	struct stack_sample *st, *runq;
	char desc[256];
	size_t n;

	c->out_stack[i] = c->out_runq[i] = out->n_stacks;
	st = new_stack(fc, k, frame_map);
	if (!st)
		return -ENOMEM;
	/* taken inside the sched_switch tracepoint: its leaf frames are
	 * whyslow's program and the tracing glue */
	st->n_frames = tracing_cut(out, st->frames, st->n_frames, c->own_progs);
	st->syscall = k->syscall;
	st->count = v->count;
	n = wait_event_kernel_names(out, st, kframes);
	st->reason = wait_join_or(out, st, classify_wait(k->syscall, target,
							 k->runnable, kframes,
							 n));
	leaf = k->py_leaf ? &frame_map[k->py_leaf - 1] : NULL;
	if (st->reason == WAIT_LOCK && leaf &&
	    wait_gil_replaced(out, fc->runs.ids + leaf->first, leaf->n, st,
			      k->py_frames))
		st->reason = WAIT_GIL;
	wait_event_describe(k->syscall, target, desc, sizeof(desc));
	if (desc[0] && !(st->target = strdup(desc)))
		return -ENOMEM;
	st->ns = st->reason == WAIT_CPU ? v->blocked_ns + v->runq_ns :
					  v->blocked_ns;
	if (st->reason == WAIT_CPU || !v->runq_ns)
		return 0;
	c->out_runq[i] = out->n_stacks;
	runq = new_stack(fc, k, frame_map);
	if (!runq)
		return -ENOMEM;
	runq->n_frames = st->n_frames;
	runq->syscall = k->syscall;
	runq->count = v->count;
	runq->reason = WAIT_CPU;
	runq->ns = v->runq_ns;
	return 0;
}

static int build_stacks(struct collector *c, struct finish_ctx *fc,
			const struct frame_run *frame_map, uint64_t period_ns)
{
	struct profile *out = fc->out;
	struct stack_sample *st;
	size_t i;
	int err;

	/* off-CPU stacks may split in two */
	out->stacks = calloc(2 * c->stacks.n + 1, sizeof(*out->stacks));
	c->out_stack = calloc(c->stacks.n + 1, sizeof(*c->out_stack));
	c->out_runq = calloc(c->stacks.n + 1, sizeof(*c->out_runq));
	if (!out->stacks || !c->out_stack || !c->out_runq)
		return -ENOMEM;
	for (i = 0; i < c->stacks.n; i++) {
		const struct stack_key *k = intern_key(&c->stacks, i);

		if (k->offcpu) {
			err = add_offcpu_stacks(fc, k, &c->values[i],
						frame_map, i);
			if (err)
				return err;
			continue;
		}
		c->out_stack[i] = c->out_runq[i] = out->n_stacks;
		st = new_stack(fc, k, frame_map);
		if (!st)
			return -ENOMEM;
		st->count = c->values[i].count;
		st->ns = st->count * period_ns;
		if (tracing_drop_last(out, c->own_progs)) {
			c->out_stack[i] = c->out_runq[i] = NO_STACK;
			continue;
		}
		stackend_count_quality(out, st);
		if (k->py_truncated == WS_PY_TRUNC_INVALID)
			out->quality.py_invalid_samples += st->count;
		if (k->py_mismatch)
			out->quality.py_native_mismatch_samples += st->count;
		if (k->py_frames && k->py_truncated)
			out->quality.py_truncated_samples += st->count;
		else if (st->truncated)
			unwind_count_stop(&out->quality, k->unwind_stop,
					  st->count);
	}
	return 0;
}

static int build_sites(struct collector *c, struct finish_ctx *fc,
		       const struct frame_run *frame_map)
{
	struct profile *out = fc->out;
	struct io_site *site;
	uint32_t n;
	size_t i;

	out->io.sites = calloc(c->sites.n ? c->sites.n : 1, sizeof(*site));
	if (!out->io.sites)
		return -ENOMEM;
	for (i = 0; i < c->sites.n; i++) {
		const struct stack_key *k = intern_key(&c->sites, i);

		site = &out->io.sites[i];
		site->frames = frame_runs_expand(&fc->runs, frame_map,
						 (const uint32_t *)(k + 1),
						 k->n_frames, &n);
		if (!site->frames)
			return -ENOMEM;
		site->pid = k->pid;
		site->n_frames = tracing_cut(out, site->frames, n,
					     c->own_progs);
		out->io.n_sites++;
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
		const struct proc *p = proc_table_find(t, ts->pid);

		out->threads[i].pid = ts->pid;
		out->threads[i].tid = ts->tid;
		/* a thread seen only off-CPU has no comm of its own */
		memcpy(out->threads[i].comm, ts->comm[0] || !p ? ts->comm : p->comm,
		       sizeof(ts->comm));
		out->n_threads++;
		for (j = 0; j < out->n_procs; j++)
			if (out->procs[j].pid == ts->pid)
				break;
		if (j < out->n_procs)
			continue;
		out->procs[j].pid = ts->pid;
		out->procs[j].ppid = p ? p->ppid : 0;
		memcpy(out->procs[j].comm, p && p->comm[0] ? p->comm : ts->comm,
		       sizeof(out->procs[j].comm));
		out->procs[j].exe = p && p->exe ? strdup(p->exe) : NULL;
		out->procs[j].args = p && p->args ? strdup(p->args) : NULL;
		out->procs[j].py_unbuffered = p && p->py_unbuffered;
		out->n_procs++;
	}
	return 0;
}

int collector_finish(struct collector *c, const struct proc_table *t,
		     struct symbolizer *sym, uint64_t period_ns,
		     struct profile *out)
{
	struct finish_ctx fc = { .c = c, .out = out, .t = t, .sym = sym };
	struct frame_run *frame_map = calloc(c->frames.n ? c->frames.n : 1,
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
		err = build_sites(c, &fc, frame_map);
	if (!err)
		err = build_threads_procs(c, out, t);
	out->samples = c->samples - out->quality.tracing_samples;
out:
	intern_free(&fc.frames);
	frame_runs_free(&fc.runs);
	free(frame_map);
	return err;
}

int collector_timeline(struct collector *c, struct profile *out,
		       struct cp_timeline **timeline)
{
	struct cp_timeline *tl = &c->tl;
	size_t i, n;

	*timeline = NULL;
	if (!c->out_stack)
		return 0;
	if (c->tl_full)
		return profile_add_note(out, "No critical path: more than "
					"8,388,608 samples, waits or execs "
					"(record a shorter run).");
	for (i = n = 0; i < tl->n_samples; i++) {
		tl->samples[n] = tl->samples[i];
		tl->samples[n].stack = c->out_stack[tl->samples[i].stack];
		n += tl->samples[n].stack != NO_STACK;
	}
	tl->n_samples = n;
	for (i = 0; i < tl->n_waits; i++) {
		tl->waits[i].runq_stack = c->out_runq[tl->waits[i].stack];
		tl->waits[i].stack = c->out_stack[tl->waits[i].stack];
	}
	*timeline = tl;
	return 0;
}
