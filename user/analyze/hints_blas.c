// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rule about the reference BLAS: matrix and vector math run in
 * Debian's libblas3 or liblapack3 (netlib's Fortran, plain loops on one
 * CPU), which numpy, scipy, R and Octave from Debian use until an
 * optimized implementation is installed.  OpenBLAS takes its place
 * through update-alternatives: numpy's 1200x1200 matrix product here took
 * 697 ms with libblas3 and 30 ms once libopenblas0-pthread was installed.
 * See hints.c for what a rule does; the thresholds are in hints_rules.h
 * and the README's Hints table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"

/* A mapping of the reference implementations, by their directory in
 * Debian's multiarch tree (OpenBLAS's are openblas-pthread/libblas.so.3
 * and the like, BLIS's blis-openmp/...). */
static bool reference_blas(const char *path)
{
	return path && (strstr(path, "/blas/libblas.so") ||
			strstr(path, "/lapack/liblapack.so"));
}

/* What ran in it: on-CPU time of stacks through it, the leaf function of
 * most of it, the application frame that called it most, a path of it. */
struct blas_use {
	uint64_t ns;
	uint32_t leaf;
	int64_t caller;
	const char *path;
};

static int blas_use(const struct hint_list *h, struct blas_use *u)
{
	const struct aggregate *agg = h->agg;
	size_t nf = h->p->n_frames + 1, i;
	uint64_t *by_leaf = calloc(agg->n_funcs + 1, sizeof(*by_leaf));
	uint64_t *by_caller = calloc(nf, sizeof(*by_caller));
	const struct stack_sample *s;
	uint32_t k, leaf;
	int64_t at;

	*u = (struct blas_use){ .leaf = AGG_NO_FUNC, .caller = -1 };
	if (!by_leaf || !by_caller) {
		free(by_leaf);
		free(by_caller);
		return -ENOMEM;
	}
	for (i = 0; i < h->p->n_stacks; i++) {
		s = &h->p->stacks[i];
		if (!stack_on_cpu(s))
			continue;
		for (k = 0; k < s->n_frames; k++)
			if (s->frames[k] < h->p->n_frames &&
			    reference_blas(h->p->frames[s->frames[k]].path))
				break;
		if (k == s->n_frames)
			continue;
		u->ns += s->ns;
		u->path = h->p->frames[s->frames[k]].path;
		at = profile_app_leaf(h->p, s->frames, k);
		if (at >= 0 && (by_caller[at] += s->ns) >
		    (u->caller >= 0 ? by_caller[u->caller] : 0))
			u->caller = at;
		leaf = agg->frame_func[s->frames[s->n_frames - 1]];
		if (leaf != AGG_NO_FUNC && (by_leaf[leaf] += s->ns) >
		    (u->leaf != AGG_NO_FUNC ? by_leaf[u->leaf] : 0))
			u->leaf = leaf;
	}
	free(by_leaf);
	free(by_caller);
	return 0;
}

/* The reference BLAS or LAPACK with a fair share of the CPU, and of the
 * wall time: an optimized one. */
void hint_reference_blas(struct hint_list *h)
{
	struct hint hint = { .rule = "reference_blas", .names_cause = true };
	uint64_t cpu = h->agg->time.ns[WAIT_NONE];
	char share[NUM_SIZE], time[TIME_SIZE];
	const char *leaf;
	struct blas_use u;
	char *where;

	h->err = blas_use(h, &u);
	if (h->err || !hint_at_least_pct(u.ns, cpu, BLAS_MIN_PCT) ||
	    !hint_at_least_pct(u.ns, h->p->wall_ns, BLAS_MIN_WALL_PCT))
		return;
	leaf = u.leaf != AGG_NO_FUNC ? h->agg->funcs[u.leaf].name : NULL;
	where = hint_location(h, u.caller);
	hint_fmt_pct(share, u.ns, cpu);
	hint_fmt_time(time, u.ns);
	hint_text(&hint, "%s of on-CPU time (%s) ran in the reference BLAS, "
		  "%s (Debian's libblas3 or liblapack3, plain loops on one "
		  "CPU)%s%s%s%s: an optimized BLAS does the same math many "
		  "times faster — install libopenblas0-pthread, which Debian "
		  "puts in its place through update-alternatives (numpy's "
		  "1200×1200 matrix product here: 697 ms, then 30 ms).",
		  share, time, u.path, leaf ? ", most in " : "",
		  leaf ? leaf : "", where ? ", called from " : "",
		  where ? where : "");
	hint_field_copy(h, &hint, "library", u.path);
	hint_field_copy(h, &hint, "function", leaf);
	hint_field_uint(&hint, "cpu_ns", u.ns);
	hint_field_real(&hint, "cpu_pct", pct_of(u.ns, cpu));
	hint_field_real(&hint, "time_pct", pct_of(u.ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}
