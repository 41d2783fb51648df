// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rule about Python imports: a command-line tool whose time goes
 * to importing modules (pip's vendored packages, a .pth file importing a
 * package at every start) before it does any work.  See hints.c for what
 * a rule does; the thresholds are in hints_rules.h and the README's
 * Hints table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "classify/frame.h"
#include "analyze/aggregate.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"

#define MODULE_NAME_MAX	128	/* bytes of a dotted module name */

/* One stack's import: where it was made, what it loaded, its time. */
struct import_cost {
	int64_t at;		/* the importing frame, -1 none (C code) */
	int64_t module;		/* the first module body run, -1 none */
	uint64_t ns;
	uint32_t pid;		/* a process that made it (the last) */
	uint32_t procs;		/* how many did */
	uint32_t module_pos;	/* of module in the stack, before merging */
};

/* What site's start-up spent most of its time importing. */
struct site_import {
	char name[MODULE_NAME_MAX];
	uint64_t ns;
	bool pth;		/* by a line of a .pth file */
};

static const struct frame *frame_of(const struct profile *p, uint32_t k)
{
	return k < p->n_frames ? &p->frames[k] : NULL;
}

static bool importlib_frame(const struct frame *f)
{
	return f && !f->path && classify_importlib_file(f->file);
}

/* Python code that imports on behalf of its caller: importlib's own,
 * frozen, and importlib.import_module(). */
static bool import_machinery(const struct frame *f)
{
	return importlib_frame(f) ||
	       (f->file && str_ends_with(f->file, "/importlib/__init__.py"));
}

/*
 * s's import, when it has one: its outermost importlib _find_and_load,
 * the Python frame that made it (the `import` line; C code between, as
 * PyImport_ImportModuleLevelObject, passed) and the first module body
 * (<module>) run under it.  false: s imports nothing.
 */
static bool stack_import(const struct profile *p, const struct stack_sample *s,
			 struct import_cost *out)
{
	const struct frame *f;
	uint32_t i, o;

	for (o = 0; o < s->n_frames; o++) {
		f = frame_of(p, s->frames[o]);
		if (importlib_frame(f) && f->name &&
		    !strcmp(f->name, "_find_and_load"))
			break;
	}
	if (o == s->n_frames)
		return false;
	out->at = -1;
	for (i = o; i-- > 0;) {
		f = frame_of(p, s->frames[i]);
		if (f && f->file && !f->path && f->cls != CLASS_KERNEL &&
		    !import_machinery(f)) {
			out->at = s->frames[i];
			break;
		}
	}
	out->module = -1;
	for (i = o + 1; i < s->n_frames; i++) {
		f = frame_of(p, s->frames[i]);
		if (f && f->file && !f->path && !importlib_frame(f) &&
		    f->name && !strcmp(f->name, "<module>")) {
			out->module = s->frames[i];
			out->module_pos = i;
			break;
		}
	}
	return true;
}

/* Frame f is in the site module, which runs at start-up: frozen (3.11
 * on) or not. */
static bool site_frame(const struct frame *f, const char *name)
{
	return f && f->file && f->name && !strcmp(f->name, name) &&
	       (!strcmp(f->file, "<frozen site>") ||
		(f->file[0] == '/' && str_ends_with(f->file, "/site.py")));
}

/*
 * The import made under the module body at stack position from: the
 * next _find_and_load's first module body, -1 none; *pth: made by a line
 * of a .pth file (site's addpackage exec()s those that import).
 */
static int64_t nested_import(const struct profile *p,
			     const struct stack_sample *s, uint32_t from,
			     bool *pth)
{
	const struct frame *f;
	uint32_t i;

	*pth = false;
	for (i = from + 1; i < s->n_frames; i++) {
		f = frame_of(p, s->frames[i]);
		*pth |= site_frame(f, "addpackage");
		if (importlib_frame(f) && f->name &&
		    !strcmp(f->name, "_find_and_load"))
			break;
	}
	for (; i < s->n_frames; i++) {
		f = frame_of(p, s->frames[i]);
		if (f && f->file && !f->path && !importlib_frame(f) &&
		    f->name && !strcmp(f->name, "<module>"))
			return s->frames[i];
	}
	return -1;
}

/* Frames a and b (-1: none) name the same line: the same (name, file,
 * line), as the profile may hold a line at several instructions. */
static int cmp_frame_line(const struct profile *p, int64_t a, int64_t b)
{
	const struct frame *x, *y;
	int c;

	if (a < 0 || b < 0)
		return CMP(a, b);
	x = &p->frames[a];
	y = &p->frames[b];
	c = aggregate_cmp_str(x->file, y->file);
	if (!c)
		c = aggregate_cmp_str(x->name, y->name);
	return c ? c : CMP(x->line, y->line);
}

static int cmp_import(const void *a, const void *b, void *arg)
{
	const struct import_cost *x = a, *y = b;
	const struct profile *p = arg;
	int c = cmp_frame_line(p, x->at, y->at);

	if (c)
		return c;
	if (x->module < 0 || y->module < 0)
		return CMP(x->module, y->module);
	return aggregate_cmp_str(p->frames[x->module].file,
				 p->frames[y->module].file);
}

/* By import, then by process: a process's stacks of one import are
 * together. */
static int cmp_import_pid(const void *a, const void *b, void *arg)
{
	const struct import_cost *x = a, *y = b;
	int c = cmp_import(a, b, arg);

	return c ? c : CMP(x->pid, y->pid);
}

static int cmp_import_ns(const void *a, const void *b, void *arg)
{
	const struct import_cost *x = a, *y = b;

	if (x->ns != y->ns)
		return CMP(y->ns, x->ns);
	return cmp_import(a, b, arg);
}

/*
 * The imports of the profile's stacks, merged by (where, module), most
 * time first, into *out; their count, or -ENOMEM.  *total: their time.
 */
static ssize_t collect_imports(const struct hint_list *h,
			       struct import_cost **out, uint64_t *total)
{
	const struct profile *p = h->p;
	struct import_cost *c, one;
	size_t i, n = 0, k = 0;

	*total = 0;
	c = calloc(p->n_stacks + 1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		one.ns = stack_path_ns(h->agg, s);
		if (!one.ns || !stack_import(p, s, &one))
			continue;
		one.pid = s->pid;
		one.procs = 1;
		c[n++] = one;
		*total += one.ns;
	}
	qsort_r(c, n, sizeof(*c), cmp_import_pid, (void *)p);
	for (i = 0; i < n; i++) {
		if (k && !cmp_import(&c[k - 1], &c[i], (void *)p)) {
			c[k - 1].ns += c[i].ns;
			c[k - 1].procs += c[k - 1].pid != c[i].pid;
			c[k - 1].pid = c[i].pid;
		} else {
			c[k++] = c[i];
		}
	}
	qsort_r(c, k, sizeof(*c), cmp_import_ns, (void *)p);
	*out = c;
	return k;
}

/*
 * A module's dotted name from its file: below site-packages (or
 * dist-packages) or the standard library's lib/pythonX.Y, without .py
 * and a package's /__init__: "pip._internal"; a frozen module's name
 * ("<frozen site>": site); a relative file as it is (folded stacks give
 * them so, from there: "pip/_internal/cli/main.py"); else the file's
 * name.
 */
static void module_name(const char *file, char *buf, size_t size)
{
	static const char *const roots[] = {
		"/site-packages/", "/dist-packages/", "/lib/python3",
	};
	const char *rel = file[0] == '/' ? path_basename(file) : file, *r;
	size_t i, len;

	if (!strncmp(file, "<frozen ", 8)) {	/* "<frozen site>" */
		snprintf(buf, size, "%.*s", (int)strcspn(file + 8, ">"),
			 file + 8);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		r = strstr(file, roots[i]);
		if (!r)
			continue;
		rel = r + strlen(roots[i]);
		if (i == 2)	/* past "lib/python3.11/" */
			rel = strchr(rel, '/') ? strchr(rel, '/') + 1 : rel;
		break;
	}
	if (i == ARRAY_SIZE(roots) && !strcmp(rel, "__init__.py") &&
	    rel - file >= 2) {	/* a package of the program's: its directory */
		for (r = rel - 1; r > file && r[-1] != '/'; r--)
			;
		rel = r;
	}
	snprintf(buf, size, "%s", rel);
	len = strlen(buf);
	if (len > 3 && !strcmp(buf + len - 3, ".py"))
		buf[len -= 3] = '\0';
	if (len > 9 && !strcmp(buf + len - 9, "/__init__"))
		buf[len -= 9] = '\0';
	for (i = 0; i < len; i++)
		if (buf[i] == '/')
			buf[i] = '.';
}

/*
 * For an import of site (start-up: its .pth files, sitecustomize), the
 * module it spent most time importing, by name, into *top; false (its
 * ns 0) when c is not site's or it imported nothing.
 */
static bool site_top_import(const struct hint_list *h,
			    const struct import_cost *c,
			    struct site_import *top)
{
	const struct profile *p = h->p;
	struct site_import seen[IMPORTS_SITE_NAMES];
	struct import_cost one;
	size_t i, k, n = 0;
	int64_t inner;
	bool pth;

	*top = (struct site_import){ .ns = 0 };
	if (c->module < 0 || !site_frame(&p->frames[c->module], "<module>"))
		return false;
	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		one.ns = stack_path_ns(h->agg, s);
		if (!one.ns || !stack_import(p, s, &one) ||
		    cmp_import(&one, c, (void *)p))
			continue;
		inner = nested_import(p, s, one.module_pos, &pth);
		if (inner < 0 || !p->frames[inner].file)
			continue;
		module_name(p->frames[inner].file, top->name,
			    sizeof(top->name));
		for (k = 0; k < n && strcmp(seen[k].name, top->name); k++)
			;
		if (k == n && n == IMPORTS_SITE_NAMES)
			continue;	/* bounded: the first ones seen */
		if (k == n)
			seen[n++] = (struct site_import){ .ns = 0 };
		memcpy(seen[k].name, top->name, sizeof(top->name));
		seen[k].ns += one.ns;
		seen[k].pth |= pth;
	}
	for (k = 0, *top = (struct site_import){ .ns = 0 }; k < n; k++)
		if (seen[k].ns > top->ns)
			*top = seen[k];
	return top->ns > 0;
}

/* "pip._internal, imported at <module> (__main__.py:29): 45%" into buf;
 * "site, imported at start-up in 16 processes: 35%" when several made
 * it (a script's subprocesses, each importing it anew); *inner: what
 * site imported most, when c is site's (else its ns 0). */
static int import_row(struct hint_list *h, const struct import_cost *c,
		      char *buf, size_t size, struct site_import *inner)
{
	const struct frame *mod = c->module >= 0 ?
				  &h->p->frames[c->module] : NULL;
	char name[MODULE_NAME_MAX], pct[NUM_SIZE], procs[NUM_SIZE + 24] = "";
	char *where = hint_location(h, c->at);
	int n;

	if (h->err)
		return h->err;
	if (mod && mod->file)
		module_name(mod->file, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "modules");
	hint_fmt_pct(pct, c->ns, h->p->wall_ns);
	if (c->procs > 1)
		snprintf(procs, sizeof(procs), " in %" PRIu32 " processes",
			 c->procs);
	n = snprintf(buf, size, "%s, imported at %s%s: %s", name,
		     where ? where : "start-up", procs, pct);
	if (site_top_import(h, c, inner) && n > 0 && (size_t)n < size) {
		hint_fmt_pct(pct, inner->ns, h->p->wall_ns);
		snprintf(buf + n, size - n, " (most of it %s, imported by %s: "
			 "%s)", inner->name, inner->pth ? "a .pth file in "
			 "site-packages at each start" : "site", pct);
	}
	free(where);
	return 0;
}

/*
 * Python programs spent a fair share of the wall time importing modules:
 * the imports of most time, each with the line that made it, and what
 * cuts it.
 */
void hint_imports(struct hint_list *h)
{
	struct hint hint = { .rule = "imports", .names_cause = true };
	char rows[IMPORTS_ROWS][3 * MODULE_NAME_MAX + 3 * NUM_SIZE + 128];
	char time[TIME_SIZE], pct[NUM_SIZE];
	struct import_cost *c = NULL;
	struct site_import inner[IMPORTS_ROWS];
	ssize_t n, i, shown;
	uint64_t total;
	char *where;

	n = collect_imports(h, &c, &total);
	if (n < 0) {
		h->err = n;
		return;
	}
	if (!n || total < IMPORTS_MIN_NS ||
	    !hint_at_least_pct(total, h->p->wall_ns, IMPORTS_MIN_PCT))
		goto out;
	shown = n < IMPORTS_ROWS ? n : IMPORTS_ROWS;
	for (i = 0; i < shown; i++)
		if (import_row(h, &c[i], rows[i], sizeof(rows[i]), &inner[i]))
			goto out;
	hint_fmt_time(time, total);
	hint_fmt_pct(pct, total, h->p->wall_ns);
	hint_text(&hint, "Importing Python modules took %s of wall time (%s), "
		  "most for %s%s%s%s%s — importing where a module is used "
		  "(inside the function that needs it) instead of at the top "
		  "of a file, or importing less, would cut it; python -X "
		  "importtime lists each module's own cost.", pct, time,
		  rows[0], shown > 1 ? "; then " : "", shown > 1 ? rows[1] : "",
		  shown > 2 ? "; " : "", shown > 2 ? rows[2] : "");
	hint_field_uint(&hint, "import_ns", total);
	hint_field_real(&hint, "time_pct", pct_of(total, h->p->wall_ns));
	where = hint_location(h, c[0].at);
	hint_field_own(&hint, "location", where);
	if (c[0].module >= 0)
		hint_field_copy(h, &hint, "module_file",
				h->p->frames[c[0].module].file);
	else
		hint_field_null(&hint, "module_file");
	hint_field_uint(&hint, "location_ns", c[0].ns);
	hint_field_uint(&hint, "location_processes", c[0].procs);
	if (inner[0].ns) {
		hint_field_copy(h, &hint, "site_import", inner[0].name);
		hint_field_uint(&hint, "site_import_ns", inner[0].ns);
		hint_field_copy(h, &hint, "site_import_by",
				inner[0].pth ? "pth" : "site");
	}
	hint_push(h, &hint);
out:
	free(c);
}
