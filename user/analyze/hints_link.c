// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rule about linkers: GNU ld (bfd, or gold) linking for much of
 * the critical path (a build of many small programs, or one large one),
 * where mold or lld (or, for ld.bfd, gold) link the same objects faster:
 * ten links of a small C++ program here took 0.52 s with ld.bfd, 0.23 s
 * with gold and 0.19 s with mold, the compiler driver's time included.
 * See hints.c for what a rule does; the thresholds are in hints_rules.h
 * and the README's Hints table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "classify/frame.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"
#include "analyze/procs.h"

/* Its runs: the execs of it traced (a link whose time the path did not
 * take counts), else its processes on the path. */
static uint64_t links(const struct critical_program *cp)
{
	return cp->runs ? cp->runs : cp->n_pids;
}

static void linker_hint(struct hint_list *h, const struct critical_program *cp,
			bool bfd)
{
	struct hint hint = { .rule = "linker", .names_cause = true };
	char pct[NUM_SIZE], path[TIME_SIZE], cpu[TIME_SIZE];
	const struct proc_stat *ps;
	uint64_t cpu_ns = 0, runs = links(cp);
	size_t i;

	for (i = 0; i < cp->n_pids; i++)
		if ((ps = procs_stat(h->agg, cp->pids[i])))
			cpu_ns += ps->time.ns[WAIT_NONE];
	hint_fmt_pct(pct, cp->ns, h->p->wall_ns);
	hint_fmt_time(path, cp->ns);
	hint_fmt_time(cpu, cpu_ns);
	hint_text(&hint, "GNU %s (%s) linked %" PRIu64 " time%s for %s of the wall "
		  "time (%s on the critical path, %s of CPU): %s link the "
		  "same objects faster, often several times — %s in LDFLAGS "
		  "(Debian packages mold, lld%s).", bfd ? "ld" : "gold",
		  cp->name, runs, runs == 1 ? "" : "s", pct, path,
		  cpu, bfd ? "mold, lld or gold" : "mold or lld",
		  bfd ? "-fuse-ld=mold (or lld, gold)" : "-fuse-ld=mold (or lld)",
		  bfd ? "; gold comes with binutils" : "");
	hint_field_copy(h, &hint, "program", cp->name);
	hint_field_copy(h, &hint, "linker", bfd ? "bfd" : "gold");
	hint_field_uint(&hint, "processes", runs);
	hint_field_uint(&hint, "critical_path_ns", cp->ns);
	hint_field_real(&hint, "time_pct", pct_of(cp->ns, h->p->wall_ns));
	hint_field_uint(&hint, "cpu_ns", cpu_ns);
	hint_push(h, &hint);
}

/* GNU ld or gold on the critical path for a fair share of the wall time,
 * running: a faster linker. */
void hint_linker(struct hint_list *h)
{
	const struct profile_critical *crit = &h->p->critical;
	enum linker_kind kind;
	size_t i;

	for (i = 0; i < crit->n_programs && !h->err; i++) {
		const struct critical_program *cp = &crit->programs[i];

		kind = classify_linker(cp->name);
		if ((kind == LINKER_BFD || kind == LINKER_GOLD) &&
		    cp->ns >= LINK_MIN_NS &&
		    hint_at_least_pct(cp->ns, h->p->wall_ns, LINK_MIN_PCT))
			linker_hint(h, cp, kind == LINKER_BFD);
	}
}
