// SPDX-License-Identifier: GPL-2.0
/*
 * whyslow diff as one self-contained HTML page: the verdict and the
 * tables of the Markdown (diff_md.c) with every row, and the differential
 * flame graph (flame_diff_svg.c) inline.  Nothing is fetched, and the
 * Content Security Policy forbids it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyze/diff.h"
#include "report/diff_text.h"
#include "report/flame_draw.h"
#include "report/md_util.h"
#include "report/report.h"

#define TITLE_MAX	120	/* characters of each command */
#define CELL_MAX	400	/* ... of a name or a path in a cell */

static const char page_style[] =
"body { font-family: sans-serif; margin: 12px; background: #fff; }\n"
"h1 { font-size: 18px; } h2 { font-size: 16px; margin-top: 20px; }\n"
"table { border-collapse: collapse; font-size: 13px; }\n"
"th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }\n"
"td.n { text-align: right; }\n"
"code { font-size: 12px; }\n";

static void html_head(FILE *f, const struct diff *d)
{
	const char *b = d->side[DIFF_BEFORE].p->command;
	const char *a = d->side[DIFF_AFTER].p->command;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" "
	      "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "script-src 'unsafe-inline'\">\n<title>whyslow diff</title>\n",
	      f);
	fprintf(f, "<style>\n%s</style>\n</head>\n<body>\n<h1>whyslow diff: ",
		page_style);
	flame_xml_put(f, b ? b : "(unknown)", TITLE_MAX);
	fputs(" \xe2\x86\x92 ", f);
	flame_xml_put(f, a ? a : "(unknown)", TITLE_MAX);
	fputs("</h1>\n", f);
}

static int html_verdict(FILE *f, const struct diff *d)
{
	char *verdict = diff_text_verdict_string(d);

	if (!verdict)
		return -ENOMEM;
	fputs("<h2>Verdict</h2>\n<p id=\"verdict\">", f);
	flame_xml_put(f, verdict, SIZE_MAX);
	fputs("</p>\n", f);
	free(verdict);
	return 0;
}

static void cell_duration(FILE *f, uint64_t ns)
{
	char buf[DURATION_SIZE];

	fmt_cell_duration(buf, ns);
	fprintf(f, "<td class=\"n\">%s</td>", buf);
}

static void change_cells(FILE *f, const struct diff_change *c,
			 enum diff_words w)
{
	char delta[DIFF_DELTA_SIZE], change[DIFF_CHANGE_SIZE];

	diff_text_delta(delta, c);
	diff_text_change(change, c, w);
	cell_duration(f, c->ns[DIFF_BEFORE]);
	cell_duration(f, c->ns[DIFF_AFTER]);
	fprintf(f, "<td class=\"n\">%s</td><td>%s</td>", delta, change);
}

static void html_time(FILE *f, const struct diff *d)
{
	enum wait_reason r;
	size_t i;

	fputs("<h2>Wall time and waits</h2>\n<table>\n<tr><th></th>"
	      "<th>before</th><th>after</th><th>&#916;</th><th>change</th>"
	      "</tr>\n<tr><th>", f);
	fputs(d->by_cpu ? "on-CPU (no wall time)" : "wall", f);
	fputs("</th>", f);
	change_cells(f, &d->wall, DIFF_WORDS_TIME);
	fputs("</tr>\n", f);
	for (i = 0; i < d->n_cats; i++) {
		r = d->cat_order[i];
		fprintf(f, "<tr><td>%s</td>", md_categories[r].label);
		change_cells(f, &d->cat[r], r == WAIT_NONE ? DIFF_WORDS_TIME :
			     DIFF_WORDS_WAIT);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void func_cells(FILE *f, const struct diff_func *fd)
{
	const struct func_stat *id = diff_func_id(fd);
	char where[WHERE_SIZE];

	fmt_where(where, id->file, id->line, id->module);
	fputs("<tr><td><code>", f);
	flame_xml_put(f, id->name, CELL_MAX);
	fputs("</code></td><td>", f);
	flame_xml_put(f, where, CELL_MAX);
	fputs("</td>", f);
}

/* One of the four tables; a side of one profile only shows its times. */
static void func_table(FILE *f, const struct diff *d, const char *title,
		       const uint32_t *funcs, size_t n)
{
	const struct diff_func *fd;
	bool one = n && (d->funcs[funcs[0]].status == DIFF_FUNC_APPEARED ||
			 d->funcs[funcs[0]].status == DIFF_FUNC_VANISHED);
	enum diff_which w;
	size_t i;

	if (!n)
		return;
	fprintf(f, "<h3>%s</h3>\n<table>\n<tr><th>function</th><th>where</th>"
		"%s</tr>\n", title, one ? "<th>own</th><th>total</th>" :
		"<th>own before</th><th>own after</th><th>&#916; own</th>"
		"<th>change</th><th>total before</th><th>total after</th>");
	for (i = 0; i < n; i++) {
		fd = &d->funcs[funcs[i]];
		func_cells(f, fd);
		w = fd->status == DIFF_FUNC_APPEARED ? DIFF_AFTER : DIFF_BEFORE;
		if (one) {
			cell_duration(f, fd->own.ns[w]);
			cell_duration(f, fd->wall.ns[w]);
		} else {
			change_cells(f, &fd->own, DIFF_WORDS_OWN);
			cell_duration(f, fd->wall.ns[DIFF_BEFORE]);
			cell_duration(f, fd->wall.ns[DIFF_AFTER]);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void html_funcs(FILE *f, const struct diff *d)
{
	fputs("<h2>Functions</h2>\n<p>Matched by name (a compiler's clone "
	      "suffix aside) and module, the two programs' own executables "
	      "as one. Own: on-CPU self time plus the waits the function "
	      "made itself; total: its wall time with its callees. Changes "
	      "within noise are not listed.</p>\n", f);
	func_table(f, d, "Faster", d->faster, d->n_faster);
	func_table(f, d, "Slower", d->slower, d->n_slower);
	func_table(f, d, "Appeared (time beyond noise in AFTER only)", d->appeared_funcs,
		   d->n_appeared_funcs);
	func_table(f, d, "Vanished (time beyond noise in BEFORE only)", d->vanished_funcs,
		   d->n_vanished_funcs);
	if (!d->n_faster && !d->n_slower && !d->n_appeared_funcs &&
	    !d->n_vanished_funcs)
		fputs("<p>No function's own time changed beyond noise.</p>\n",
		      f);
}

int diff_html_write(FILE *f, const struct diff *d,
		    const struct report_opts *opts)
{
	int err;

	html_head(f, d);
	err = html_verdict(f, d);
	if (err)
		return err;
	html_time(f, d);
	html_funcs(f, d);
	fputs("<h2>Flame graph of AFTER, coloured by change</h2>\n", f);
	err = flame_diff_svg_put(f, d->side[DIFF_BEFORE].p,
				 d->side[DIFF_AFTER].p, opts, false);
	fputs("</body>\n</html>\n", f);
	return err;
}
