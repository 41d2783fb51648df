// SPDX-License-Identifier: GPL-2.0
/* I/O sites told apart in the kernel; see iosites.h and bpf/iosite.bpf.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "lib/intern.h"
#include "record/iosites.h"

/* What user space keeps of a map entry: whose it is, to drop it when the
 * process exits. */
struct entry {
	uint32_t pid;
	bool live;		/* in the BPF map */
	struct ws_site_rule r;	/* rules: the rule */
};

struct io_sites {
	int rules_fd, sites_fd;
	struct intern rules;	/* struct ws_site_rule_key */
	struct entry *rule;
	size_t cap_rule;
	struct intern sites;	/* struct ws_site_key */
	struct entry *site;
	size_t cap_site;
	/* What an event sent without its stacks can be told by: its key
	 * without fp_hash and ra -> the one site seen with it, -1 several */
	struct intern untold;
	int64_t *untold_site;
	size_t cap_untold;
	uint64_t registered;
};

struct io_sites *io_sites_new(int rules_fd, int sites_fd)
{
	struct io_sites *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->rules_fd = rules_fd;
	s->sites_fd = sites_fd;
	intern_init(&s->rules);
	intern_init(&s->sites);
	intern_init(&s->untold);
	return s;
}

void io_sites_free(struct io_sites *s)
{
	if (!s)
		return;
	intern_free(&s->rules);
	intern_free(&s->sites);
	intern_free(&s->untold);
	free(s->rule);
	free(s->site);
	free(s->untold_site);
	free(s);
}

/* bpf/iosite.bpf.c's fp_hash(): fp[from..n) and their count. */
static uint64_t fp_hash(const __u64 *fp, int n, int from)
{
	uint64_t h = WS_HASH_INIT;
	int i;

	if (n > WS_MAX_STACK)
		n = WS_MAX_STACK;
	for (i = from; i < n; i++)
		h = ws_hash_word(h, fp[i]);
	return ws_hash_word(h, from < n ? (uint64_t)(n - from) : 0);
}

/*
 * The rule of (mm, ip) is r: added when there is none.  1: another rule
 * is in place (the BPF side keys this stack by that one), 0 or -errno.
 */
static int rule_set(struct io_sites *s, const struct ws_site_rule_key *k,
		    const struct ws_site_rule *r, uint32_t pid)
{
	struct entry *e;
	int added;
	int64_t i = intern_bytes(&s->rules, k, sizeof(*k), &added);

	if (i < 0 || intern_items_reserve((void **)&s->rule, &s->cap_rule, i,
					  sizeof(*s->rule)))
		return -ENOMEM;
	e = &s->rule[i];
	if (e->live)
		return memcmp(&e->r, r, sizeof(*r)) ? 1 : 0;
	if (bpf_map_update_elem(s->rules_fd, k, r, BPF_ANY))
		return 1;	/* full: this site's events stay whole */
	*e = (struct entry){ .pid = pid, .live = true, .r = *r };
	return 0;
}

/*
 * The bytes the BPF side is to read from sp: the stack copy of a full
 * event reads all there is up to WS_STACK_COPY (see COPY_USER_TOP), so
 * reading the bytes up to the last word needed proves the copy would
 * have held every one.  A walk stopped by the copy's end depends on its
 * length, that is on where the stack ends: sp itself must then be the
 * same.
 */
static void check_span(struct ws_site_check *c, const struct ws_io_site *ev,
		       enum unwind_stop why, uint32_t end)
{
	if (why == UNWIND_COPY_END) {
		c->span = ev->top.len;
		c->sp = ev->top.sp;
		return;
	}
	c->span = end;
}

static void check_fill(struct ws_site_check *c, const struct ws_io_site *ev,
		       const struct unwind_trace *tr, enum unwind_stop why,
		       int64_t site)
{
	uint32_t i, end = 0;

	memset(c, 0, sizeof(*c));
	c->site = site;
	c->n_words = tr->n;
	for (i = 0; i < tr->n; i++) {
		c->off[i] = tr->off[i];
		c->val[i] = tr->val[i];
		if (tr->off[i] + 8u > end)
			end = tr->off[i] + 8u;
	}
	c->bp_used = tr->bp_used;
	c->bp_delta = (int64_t)(ev->top.bp - ev->top.sp);
	check_span(c, ev, why, end);
}

/* k as an event without stacks carries it. */
static struct ws_site_key untold_key(const struct ws_site_key *k)
{
	struct ws_site_key u = *k;

	u.fp_hash = 0;
	u.ra = 0;
	u.pad = 0;
	return u;
}

/* site was seen with k: the one site of its untold key, or several. */
static int note_untold(struct io_sites *s, const struct ws_site_key *k,
		       int64_t site)
{
	struct ws_site_key u = untold_key(k);
	int added;
	int64_t i = intern_bytes(&s->untold, &u, sizeof(u), &added);

	if (i < 0 || intern_items_reserve((void **)&s->untold_site,
					  &s->cap_untold, i,
					  sizeof(*s->untold_site)))
		return -ENOMEM;
	if (added)
		s->untold_site[i] = site;
	else if (s->untold_site[i] != site)
		s->untold_site[i] = -1;
	return 0;
}

int64_t io_sites_untold(const struct io_sites *s, const struct ws_site_key *k)
{
	struct ws_site_key u;
	int64_t i;

	if (!s)
		return -1;
	u = untold_key(k);
	i = intern_find(&s->untold, &u, sizeof(u));
	return i < 0 ? -1 : s->untold_site[i];
}

/* The rule of ev's (mm, ip) as its unwinding found it; false when the
 * BPF side could not apply it. */
static bool rule_of(const struct ws_io_site *ev, const struct unwind_trace *tr,
		    struct ws_site_rule *r)
{
	r->fp_from = tr->fp_from < 0 ? WS_SITE_NO_FP : tr->fp_from;
	r->ra_off = tr->ra_off < 0 ? WS_SITE_NO_FP : tr->ra_off;
	if (r->fp_from != WS_SITE_NO_FP && ev->ustack_len < 8)
		return false;	/* the BPF side would find no such stack */
	return r->ra_off == WS_SITE_NO_FP ||
	       (uint32_t)r->ra_off + 8 <= ev->top.len;
}

int io_sites_register(struct io_sites *s, const struct ws_io_site *ev,
		      const struct unwind_trace *tr, enum unwind_stop why,
		      bool py_merged, int64_t site)
{
	struct ws_site_rule_key rk = { .mm = ev->key.mm, .ip = ev->key.ip };
	struct ws_site_key k = ev->key;
	struct ws_site_check chk;
	struct ws_site_rule r;
	int added, err;
	int64_t i;

	if (!s || site < 0)
		return 0;
	err = note_untold(s, &k, site);
	if (err)
		return err;
	if (!k.mm || site >= WS_SITE_UNTOLD || tr->uncheckable ||
	    why == UNWIND_NO_COPY || !ev->top.len ||
	    (ev->py.n && !py_merged) || ev->top.ip != k.ip ||
	    ev->top.len > WS_STACK_COPY || !rule_of(ev, tr, &r))
		return 0;
	err = rule_set(s, &rk, &r, ev->what.pid);
	if (err)
		return err < 0 ? err : 0;
	k.fp_hash = r.fp_from == WS_SITE_NO_FP ? 0 :
		    fp_hash(ev->ustack, ev->ustack_len / 8, r.fp_from);
	k.ra = 0;
	if (r.ra_off != WS_SITE_NO_FP)
		memcpy(&k.ra, ev->top.stack + r.ra_off, sizeof(k.ra));
	k.pad = 0;
	check_fill(&chk, ev, tr, why, site);
	if (bpf_map_update_elem(s->sites_fd, &k, &chk, BPF_ANY))
		return 0;	/* full: this site's events stay whole */
	i = intern_bytes(&s->sites, &k, sizeof(k), &added);
	if (i < 0 || intern_items_reserve((void **)&s->site, &s->cap_site, i,
					  sizeof(*s->site))) {
		bpf_map_delete_elem(s->sites_fd, &k);
		return -ENOMEM;
	}
	s->site[i] = (struct entry){ .pid = ev->what.pid, .live = true };
	s->registered++;
	return 0;
}

static bool gone(const struct proc_table *t, uint32_t pid)
{
	const struct proc *p = proc_table_find(t, pid);

	return !p || p->exited;
}

static void sweep(struct intern *in, struct entry *e, int fd,
		  const struct proc_table *t, bool all)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		if (!e[i].live || (!all && !gone(t, e[i].pid)))
			continue;
		bpf_map_delete_elem(fd, intern_key(in, i));
		e[i].live = false;
	}
}

void io_sites_sweep(struct io_sites *s, const struct proc_table *t, bool all)
{
	if (!s)
		return;
	sweep(&s->sites, s->site, s->sites_fd, t, all);
	sweep(&s->rules, s->rule, s->rules_fd, t, all);
}

uint64_t io_sites_registered(const struct io_sites *s)
{
	return s ? s->registered : 0;
}
