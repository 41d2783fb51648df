// SPDX-License-Identifier: GPL-2.0
/* Report dispatch: aggregate the profile once, hand it to one writer. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/diff.h"
#include "analyze/focus.h"
#include "analyze/hints.h"
#include "pprof/pprof.h"
#include "report/report.h"

static const char *const format_names[] = {
	[FORMAT_MD] = "md",
	[FORMAT_JSON] = "json",
	[FORMAT_FOLDED] = "folded",
	[FORMAT_PPROF] = "pprof",
	[FORMAT_SVG] = "svg",
	[FORMAT_HTML] = "html",
};

int report_format_parse(const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < ARRAY_SIZE(format_names); i++)
		if (!strcmp(s, format_names[i]))
			return (int)i;
	return -1;
}

/* Extensions, longest first where one ends another (.pb.gz, .gz). */
static const struct {
	const char *ext;
	int format;
} format_exts[] = {
	{ ".md", FORMAT_MD }, { ".markdown", FORMAT_MD },
	{ ".json", FORMAT_JSON },
	{ ".folded", FORMAT_FOLDED }, { ".collapsed", FORMAT_FOLDED },
	{ ".svg", FORMAT_SVG },
	{ ".html", FORMAT_HTML }, { ".htm", FORMAT_HTML },
	{ ".pb.gz", FORMAT_PPROF }, { ".pprof", FORMAT_PPROF },
	{ ".pb", FORMAT_PPROF },
	/* gzip'd what?  pprof is gzip'd, Markdown would not be */
	{ ".gz", REPORT_FORMAT_AMBIGUOUS },
};

int report_format_of_path(const char *path)
{
	size_t i, len, n;

	if (!path)
		return -1;
	path = path_basename(path);
	len = strlen(path);
	for (i = 0; i < ARRAY_SIZE(format_exts); i++) {
		n = strlen(format_exts[i].ext);
		/* a name that is all extension (".md") is a hidden file */
		if (len > n && !strcasecmp(path + len - n, format_exts[i].ext))
			return format_exts[i].format;
	}
	return -1;
}

const char *report_format_name(enum report_format format)
{
	return (size_t)format < ARRAY_SIZE(format_names) ?
	       format_names[format] : "?";
}

static int write_aggregated(FILE *f, const struct profile *p,
			    const struct report_opts *opts)
{
	struct aggregate agg;
	struct hint *hints = NULL;
	size_t n_hints = 0;
	int err;

	err = aggregate_profile(p, &agg);
	if (err)
		return err;
	err = build_hints(p, &agg, &hints, &n_hints);
	if (err)
		goto out;
	if (opts->focus)
		err = report_write_focus(f, p, &agg, opts);
	else if (opts->format == FORMAT_MD)
		err = md_write(f, p, &agg, hints, n_hints, opts);
	else
		err = json_write(f, p, &agg, hints, n_hints);
out:
	hints_free(hints, n_hints);
	aggregate_free(&agg);
	return err;
}

int report_write(FILE *f, const struct profile *p,
		 const struct report_opts *opts)
{
	struct report_opts o = *opts;
	int err;

	if (o.top <= 0)
		o.top = REPORT_DEFAULT_TOP;
	if (o.budget_tokens <= 0)
		o.budget_tokens = REPORT_DEFAULT_BUDGET;
	switch (o.format) {
	case FORMAT_MD:
	case FORMAT_JSON:
		err = write_aggregated(f, p, &o);
		break;
	case FORMAT_FOLDED:
		/* Raw stacks: nothing to aggregate. */
		err = folded_write(f, p);
		break;
	case FORMAT_PPROF:
		err = pprof_write(f, p);
		break;
	case FORMAT_SVG:
		err = flame_svg_write(f, p, &o);
		break;
	case FORMAT_HTML:
		err = flame_html_write(f, p, &o);
		break;
	default:
		return -EINVAL;
	}
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	return err;
}

int report_write_diff(FILE *f, const struct profile *before,
	       const struct profile *after, const struct report_opts *opts)
{
	struct report_opts o = *opts;
	struct diff d = { 0 };
	int err;

	if (o.top <= 0)
		o.top = REPORT_DEFAULT_TOP;
	if (o.budget_tokens <= 0)
		o.budget_tokens = REPORT_DEFAULT_BUDGET;
	if (o.format == FORMAT_SVG) {
		/* A picture of the paths: no functions or verdict to plan. */
		err = flame_diff_svg_write(f, before, after, &o);
		goto out;
	}
	err = diff_compare(&d, before, after);
	if (err)
		goto out;
	if (o.format == FORMAT_JSON)
		err = diff_json_write(f, &d);
	else if (o.format == FORMAT_MD)
		err = diff_md_write(f, &d, &o);
	else if (o.format == FORMAT_HTML)
		err = diff_html_write(f, &d, &o);
	else
		err = -EINVAL;
out:
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	diff_free(&d);
	return err;
}

int report_write_focus(FILE *f, const struct profile *p,
		       const struct aggregate *agg, const struct report_opts *opts)
{
	struct focus fo = {
		.p = p,
		.agg = agg,
		.pattern = opts->focus,
	};
	struct report_opts o = *opts;
	int err;

	if (!o.focus || !*o.focus ||
	    (o.format != FORMAT_MD && o.format != FORMAT_JSON))
		return -EINVAL;
	if (o.top <= 0)
		o.top = REPORT_DEFAULT_TOP;
	if (o.budget_tokens <= 0)
		o.budget_tokens = REPORT_DEFAULT_BUDGET;
	err = focus_build(&fo);
	if (err)
		goto out;
	if (o.format == FORMAT_MD)
		err = focus_md_write(f, &fo, &o);
	else
		err = focus_json_write(f, &fo);
out:
	focus_free(&fo);
	return err;
}

struct report_job {
	const struct profile *p;
	const struct report_opts *opts;
};

static int report_to(FILE *f, void *arg)
{
	const struct report_job *job = arg;

	return report_write(f, job->p, job->opts);
}

int report_output_write(struct output *o, const struct profile *p,
			const struct report_opts *opts)
{
	struct report_job job = { .p = p, .opts = opts };

	return output_write(o, report_to, &job);
}

int report_output(const char *path, const struct profile *p,
		  const struct report_opts *opts)
{
	struct report_job job = { .p = p, .opts = opts };

	return output_to(path, report_to, &job);
}
