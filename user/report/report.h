/* SPDX-License-Identifier: GPL-2.0 */
/* Output writers: one file per format, all fed the same profile. */
#ifndef WHYSLOW_REPORT_H
#define WHYSLOW_REPORT_H

#include <stdio.h>
#include "lib/output.h"
#include "profile/profile.h"

enum report_format {
	FORMAT_MD,
	FORMAT_JSON,
	FORMAT_FOLDED,
	FORMAT_PPROF,		/* gzip'd profile.proto: binary */
	FORMAT_SVG,		/* flame graph */
	FORMAT_HTML,		/* interactive flame graph, self-contained */
};

struct report_opts {
	enum report_format format;
	int top;		/* rows per table */
	int budget_tokens;	/* Markdown size limit, ~4 bytes a token */
	const char *focus;	/* NULL, or a function name (substring or
				 * POSIX extended regex): the focus view */
	bool per_thread;	/* flame graphs: a level per thread */
};

#define REPORT_DEFAULT_TOP	15
#define REPORT_DEFAULT_BUDGET	4000

/* Parse "md", "json", "folded", "pprof", "svg", "html"; -1 when unknown. */
int report_format_parse(const char *s);

/* "md", ... of a format; "?" when it is none. */
const char *report_format_name(enum report_format format);

#define REPORT_FORMAT_AMBIGUOUS	(-2)

/*
 * The format a file name's extension names, case aside: .md (.markdown),
 * .json, .folded (.collapsed), .svg, .html (.htm), .pb.gz, .pprof or .pb
 * (pprof); REPORT_FORMAT_AMBIGUOUS for another .gz; -1 for any other
 * name, NULL included.
 */
int report_format_of_path(const char *path);

/*
 * Render p to f in opts->format; 0 or -errno.  top and budget_tokens
 * of 0 or less mean the defaults.
 */
int report_write(FILE *f, const struct profile *p,
		 const struct report_opts *opts);

struct aggregate;
struct hint;

/*
 * The writers behind report_write, one file each.  They leave checking f
 * for write errors to report_write; 0 or -ENOMEM.
 */
/* The Markdown summary's Verdict paragraph alone, for the JSON;
 * malloc'd, NULL when out of memory. */
char *md_verdict_text(const struct profile *p, const struct aggregate *agg,
		      const struct hint *hints, size_t n_hints);

int md_write(FILE *f, const struct profile *p,
		   const struct aggregate *agg, const struct hint *hints,
		   size_t n_hints, const struct report_opts *opts);
int json_write(FILE *f, const struct profile *p, const struct aggregate *agg,
	       const struct hint *hints, size_t n_hints);
int folded_write(FILE *f, const struct profile *p);

/*
 * The focus view of the functions matching opts->focus (md or json):
 * callers and callees with their shares, hot lines, waits.  -ENOENT when
 * no function matches, -EINVAL for a bad pattern; 0 or -ENOMEM.
 */
int report_write_focus(FILE *f, const struct profile *p,
		       const struct aggregate *agg, const struct report_opts *opts);

/*
 * Flame graphs of all stacks, on-CPU and off-CPU: an SVG image, or an HTML
 * page with the same graph, zoom, search and an inverted view.  0 or
 * -ENOMEM.
 */
int flame_svg_write(FILE *f, const struct profile *p,
		    const struct report_opts *opts);
int flame_html_write(FILE *f, const struct profile *p,
		     const struct report_opts *opts);

struct diff;
struct focus;

/* The writers behind report_write_focus: focus_md.c and focus_json.c. */
int focus_md_write(FILE *f, const struct focus *fo,
		   const struct report_opts *opts);
int focus_json_write(FILE *f, const struct focus *fo);

/*
 * The writers behind report_write_diff: Markdown (diff_md.c) within opts->top
 * rows a table and opts->budget_tokens in all; JSON (diff_json.c), every
 * function with time in either profile; the differential flame graph
 * (flame_diff_svg.c), after's graph coloured by each frame's change from
 * before.  0 or -ENOMEM.
 */
int diff_md_write(FILE *f, const struct diff *d,
		  const struct report_opts *opts);
int diff_json_write(FILE *f, const struct diff *d);
int flame_diff_svg_write(FILE *f, const struct profile *before,
			 const struct profile *after,
			 const struct report_opts *opts);
/* The same, as an <svg> element inside a page when !standalone. */
int flame_diff_svg_put(FILE *f, const struct profile *before,
		       const struct profile *after,
		       const struct report_opts *opts, bool standalone);
/* The page (diff_html.c): the verdict, the tables, the flame graph. */
int diff_html_write(FILE *f, const struct diff *d,
		    const struct report_opts *opts);

/*
 * Two profiles compared (md, json, svg: a differential flame graph of
 * AFTER, or html: a page of both, by opts->format): wall time and wait
 * categories before and after, functions faster or slower in absolute
 * time, paths that appeared or vanished, a verdict.  0 or -ENOMEM.
 */
int report_write_diff(FILE *f, const struct profile *before,
	       const struct profile *after, const struct report_opts *opts);

/* The report of p to o, as output_write (lib/output.h). */
int report_output_write(struct output *o, const struct profile *p,
			const struct report_opts *opts);

/* The report of p to path, as output_to. */
int report_output(const char *path, const struct profile *p,
		  const struct report_opts *opts);

#endif
