/* SPDX-License-Identifier: GPL-2.0 */
/* What the tests of the summary read by someone who did not write the
 * program share: one program held up the whole run. */
#ifndef WHYSLOW_READABLE_CHECK_H
#define WHYSLOW_READABLE_CHECK_H

#include "report_fixture.h"

/* The program name the whole critical path (p->wall_ns), every stack on
 * it. */
static inline void one_program_path(struct profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_stacks; i++)
		p->stacks[i].cp_ns = p->stacks[i].ns;
	p->critical.ns = p->wall_ns;
	p->critical.programs = calloc(1, sizeof(*p->critical.programs));
	assert_non_null(p->critical.programs);
	p->critical.programs[0].name = fx_strdup(name);
	p->critical.programs[0].ns = p->wall_ns;
	p->critical.n_programs = 1;
}

#endif
