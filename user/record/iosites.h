/* SPDX-License-Identifier: GPL-2.0 */
/*
 * I/O sites told apart in the kernel (bpf/iosite.bpf.c): once a site's
 * first event is unwound, what makes a later stack unwind the same goes
 * into the BPF maps io_site_rules and io_sites, and the BPF side sends
 * repeats of the site as a small WS_EV_IO_AGAIN naming it.
 */
#ifndef WHYSLOW_IOSITES_H
#define WHYSLOW_IOSITES_H

#include <stdbool.h>
#include <stdint.h>
#include "proc/procmap.h"
#include "record/unwind.h"
#include "whyslow.h"

struct io_sites;

/* rules_fd, sites_fd: the BPF maps io_site_rules and io_sites. */
struct io_sites *io_sites_new(int rules_fd, int sites_fd);
void io_sites_free(struct io_sites *s);

/*
 * ev's stacks were unwound (tr: what the walk read; py_merged: its Python
 * frames, if any, went into the stack) and interned as site: from now on
 * the BPF side tells this site itself.  Nothing is registered when the
 * result could differ for a stack with the same key and words: no stack
 * copy, more words than a check holds, Python frames left out, or another
 * rule for the same ip.  0 or -errno (a full map is not an error: the
 * site's events stay whole).
 */
int io_sites_register(struct io_sites *s, const struct ws_io_site *ev,
		      const struct unwind_trace *tr, enum unwind_stop why,
		      bool py_merged, int64_t site);

/* The site of an event sent without its stacks (WS_SITE_UNTOLD): the one
 * site whose events had its key (thread, image, ip, Python frames); -1
 * when none or several had. */
int64_t io_sites_untold(const struct io_sites *s, const struct ws_site_key *k);

/* Forgets the sites and rules of processes that exited (or all). */
void io_sites_sweep(struct io_sites *s, const struct proc_table *t, bool all);

/* Sites registered, for Data quality and tests. */
uint64_t io_sites_registered(const struct io_sites *s);

#endif
