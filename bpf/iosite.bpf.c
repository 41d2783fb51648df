// SPDX-License-Identifier: GPL-2.0
/*
 * Where files are opened, connections made and processes forked, with the
 * stacks taken once per distinct site.
 *
 * The first times a site is seen its event (WS_EV_IO_SITE) carries what
 * user space needs to rebuild its stack: the frame-pointer user stack, the
 * registers and an 8 KiB copy of the stack top for CFI, the Python stack:
 * 10.6 KiB, and an unwinding in user space.  User space then registers
 * the site (user/record/iosites.c): in io_site_rules, per (mm, ip), from
 * which frame on the frame-pointer stack is to be trusted there and where
 * the innermost return address is; in
 * io_sites, per struct ws_site_key, the site's number and the words of
 * the stack its unwinding read.  A later event whose key is there, whose
 * stack holds the same words at the same offsets from sp (and bp is as
 * far from sp, when the unwinding used it) unwinds to the same frames: it
 * is sent as a WS_EV_IO_AGAIN of 200 bytes naming the site (span bytes
 * from sp are read, up to the last word the walk needs: copy_user_top()
 * would have copied at least those, so the walk of a full event would
 * have found every word it needs).  Anything
 * else -- no rule yet, a key not registered (user space has not read the
 * first event yet, or could not register it), a word that differs --
 * sends the stacks again: every open is still counted at the site it was
 * made from, its figures at its file.
 *
 * Cost of a repeat: the Python walk (as at a sample; its frames are
 * copied only into a full event), two hash lookups, a read of the return
 * address, one read of the stack top down to the deepest word checked (a
 * few KiB for CPython's C frames), the frame-pointer walk where the rule
 * wants it, and the small event.
 *
 * io_site() and io_site_py() (the same with the sites' Python stacks) are
 * global functions: the verifier checks each once per program that calls
 * it (io_exit, io_fork, io_exit_py, io_fork_py) on its own, not once per
 * path of its caller.
 */
#include "iosite.bpf.h"
#include "python.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* written by user space */
	__uint(max_entries, 4096);
	__type(key, struct ws_site_rule_key);
	__type(value, struct ws_site_rule);
} io_site_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* written by user space */
	__uint(max_entries, 16384);
	__type(key, struct ws_site_key);
	__type(value, struct ws_site_check);
} io_sites SEC(".maps");

/* What a site needs beyond the BPF stack.  Per CPU: the io programs are
 * tracepoint programs, which do not nest on a CPU. */
struct site_scratch {
	__u64 last_wake;	/* of the reader, for a new site */
	struct ws_site_key key;
	__u64 fp[WS_MAX_STACK];
	/* The stack top; 8 bytes of slack, for a word at any offset below
	 * WS_STACK_COPY. */
	__u8 words[WS_STACK_COPY + 8] __attribute__((aligned(8)));
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct site_scratch);
} site_scratch SEC(".maps");

/* bpf_loop() contexts: on the BPF stack, so small. */
struct hash_ctx {
	struct site_scratch *sc;
	__u64 h;
	__u32 from;
	__u32 n;
};

struct check_ctx {
	const struct ws_site_check *chk;
	struct site_scratch *sc;
	__u32 n;
	__u32 bad;
};

static long fp_hash_step(__u64 i, void *arg)
{
	struct hash_ctx *c = arg;
	__u64 j = c->from + i;

	if (j >= c->n || j >= WS_MAX_STACK)
		return 1;
	c->h = ws_hash_word(c->h, c->sc->fp[j]);
	return 0;
}

/* The frame-pointer stack sc->fp[from..n), as user/record/iosites.c
 * hashes it. */
static __always_inline __u64 fp_hash(struct site_scratch *sc, __u32 from,
				     __u32 n)
{
	struct hash_ctx c = { .sc = sc, .h = WS_HASH_INIT, .from = from,
			      .n = n };

	if (from < n)
		bpf_loop(WS_MAX_STACK, fp_hash_step, &c, 0);
	return ws_hash_word(c.h, from < n ? n - from : 0);
}

static long word_step(__u64 i, void *arg)
{
	struct check_ctx *c = arg;
	__u32 k = i & (WS_SITE_WORDS - 1), off;

	if (i >= c->n)
		return 1;
	/* whole words (user space registers no other offset): loaded as
	 * one, not byte by byte as clang would a byte array's */
	off = c->chk->off[k] & (WS_STACK_COPY - 8);
	if (*(const __u64 *)__builtin_assume_aligned(&c->sc->words[off], 8) !=
	    c->chk->val[k]) {
		c->bad = 1;
		return 1;
	}
	return 0;
}

/* The site's number if user space registered this one and it would
 * unwind the same; else -1. */
static __always_inline __s64 known_site(struct task_struct *task,
					struct pt_regs *regs,
					struct site_scratch *sc)
{
	struct ws_site_rule_key rk = { .mm = sc->key.mm, .ip = sc->key.ip };
	const struct ws_site_rule *rule;
	const struct ws_site_check *chk;
	struct check_ctx c = { .sc = sc };
	__u64 sp = BPF_CORE_READ(regs, sp), span;
	long len;

	rule = bpf_map_lookup_elem(&io_site_rules, &rk);
	if (!rule)
		return -1;
	if (rule->ra_off != WS_SITE_NO_FP &&
	    bpf_probe_read_user(&sc->key.ra, sizeof(sc->key.ra),
				(const void *)(sp + rule->ra_off)))
		return -1;
	if (rule->fp_from != WS_SITE_NO_FP) {
		len = bpf_get_task_stack(task, sc->fp, sizeof(sc->fp),
					 BPF_F_USER_STACK);
		if (len < 0)
			return -1;
		sc->key.fp_hash = fp_hash(sc, rule->fp_from, len / 8);
	}
	chk = bpf_map_lookup_elem(&io_sites, &sc->key);
	if (!chk)
		return -1;
	if ((chk->bp_used &&
	     BPF_CORE_READ(regs, bp) - sp != (__u64)chk->bp_delta) ||
	    (chk->sp && sp != chk->sp))
		return -1;
	span = chk->span;
	barrier_var(span);
	if (span > WS_STACK_COPY)
		return -1;
	if (span) {
		if (bpf_probe_read_user(sc->words, span, (const void *)sp))
			return -1;
		c.chk = chk;
		c.n = chk->n_words;
		bpf_loop(WS_SITE_WORDS, word_step, &c, 0);
		if (c.bad)
			return -1;
	}
	return chk->site;
}

static __always_inline void fill_what(struct ws_io_what *w,
				      const struct io_site_args *a,
				      const struct ws_target *t,
				      __u32 tgid, __u32 tid, __u32 site)
{
	w->op = a->op;
	w->pid = tgid;
	w->tid = tid;
	w->child = a->child;
	w->ret = a->ret;
	w->site = site;
	w->time_ns = a->now;
	w->dur_ns = a->now - a->start;
	w->offcpu_ns = a->off;
	w->path_id = a->path_id;
	if (t) {
		__builtin_memcpy(&w->target, t, sizeof(w->target));
		return;
	}
	__builtin_memset(&w->target, 0, sizeof(w->target));
	w->target.fd = -1;
	if (a->name) {
		w->target.kind = WS_TGT_FILE;
		bpf_probe_read_user_str(w->target.path, sizeof(w->target.path),
					(const void *)a->name);
	}
}

static __always_inline void send_again(const struct io_site_args *a,
				       const struct ws_target *t,
				       struct site_scratch *sc, __u32 tgid,
				       __u32 tid, __u32 site)
{
	struct ws_io_again *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);

	if (!ev) {
		count_event(WS_CNT_IO_DROPPED);
		return;
	}
	ev->type = WS_EV_IO_AGAIN;
	ev->pad = 0;
	fill_what(&ev->what, a, t, tgid, tid, site);
	__builtin_memcpy(&ev->key, &sc->key, sizeof(ev->key));
	bpf_ringbuf_submit(ev, submit_flags());
}

/* A burst of new sites (their stacks 10 KiB each, sent until user space
 * has read one) could fill the ring before the reader runs: past half
 * full they go without their stacks, still counted at their file. */
static __always_inline bool ring_half_full(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >
	       bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 2;
}

/*
 * The reader is woken for a site's stacks, at most every WS_SITE_WAKE_NS
 * per CPU: until it has registered the site its repeats are sent whole
 * (a hot site opened every 50 us would send ~2,000 in the 100 ms the
 * reader may otherwise sleep).
 */
#define WS_SITE_WAKE_NS	(1000 * 1000ull)

static __always_inline __u64 new_site_flags(struct site_scratch *sc,
					    __u64 now)
{
	if (now - sc->last_wake < WS_SITE_WAKE_NS)
		return submit_flags();
	sc->last_wake = now;
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline void send_full(struct task_struct *task,
				      const struct io_site_args *a,
				      const struct ws_target *t,
				      struct site_scratch *sc,
				      const struct py_walk *w, __u32 tgid,
				      __u32 tid)
{
	struct ws_io_site *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	__u32 n = 0;

	if (!ev) {
		count_event(WS_CNT_IO_DROPPED);
		return;
	}
	ev->type = WS_EV_IO_SITE;
	fill_what(&ev->what, a, t, tgid, tid, 0);
	__builtin_memcpy(&ev->key, &sc->key, sizeof(ev->key));
	ev->ustack_len = bpf_get_task_stack(task, ev->ustack,
					    sizeof(ev->ustack),
					    BPF_F_USER_STACK);
	copy_user_top(task, &ev->top, WS_COPY_SITE);
	ev->py.truncated = 0;
	if (w->sc && sc->key.py_hash) {
		n = w->buf->ev.py.n;
		ev->py.truncated = w->buf->ev.py.truncated;
		bpf_probe_read_kernel(ev->py.frames, sizeof(ev->py.frames),
				      w->buf->frames);
	}
	ev->py.n = n < WS_PY_SITE_FRAMES ? n : WS_PY_SITE_FRAMES;
	bpf_ringbuf_submit(ev, new_site_flags(sc, a->now));
}

static __always_inline int site(struct io_site_args *a, struct ws_target *t,
				const bool python)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct py_walk w = { };
	struct site_scratch *sc;
	struct pt_regs *regs;
	__u32 tgid, tid, zero = 0;
	__u64 py_hash = 0;
	__s64 site;

	sc = bpf_map_lookup_elem(&site_scratch, &zero);
	if (!a || !sc)
		return 0;
	tgid = task->tgid;
	tid = task->pid;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	/* The Python walk is held until the event is sent: its frames are
	 * copied only for a new site. */
	if (python)
		py_hash = py_site_walk(&w, task, tgid, tid);
	sc->key.mm = (__u64)BPF_CORE_READ(task, mm);
	sc->key.ip = BPF_CORE_READ(regs, ip);
	/* the walk's hash, with how it ended */
	sc->key.py_hash = py_hash && w.buf ?
		ws_hash_word(py_hash, (__u64)w.buf->ev.py.n << 32 |
				      w.buf->ev.py.truncated) : 0;
	sc->key.fp_hash = 0;
	sc->key.ra = 0;
	sc->key.tid = tid;
	sc->key.pad = 0;
	site = known_site(task, regs, sc);
	if (site >= 0)
		send_again(a, t, sc, tgid, tid, site);
	else if (ring_half_full())
		send_again(a, t, sc, tgid, tid, WS_SITE_UNTOLD);
	else
		send_full(task, a, t, sc, &w, tgid, tid);
	if (w.sc)
		py_put(&w);
	return 0;
}

__noinline int io_site(struct io_site_args *a, struct ws_target *t)
{
	return site(a, t, false);
}

__noinline int io_site_py(struct io_site_args *a, struct ws_target *t)
{
	return site(a, t, true);
}

char LICENSE[] SEC("license") = "GPL";
