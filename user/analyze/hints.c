// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules' framework.  Each rule looks at one kind of cost, fires
 * only when that cost is large enough to be worth a change, and then says
 * how large it is, which code it comes from and what would remove it.
 * The thresholds are with each rule and in the README's Hints table.
 * Shares are compared in integers, so that a threshold is met exactly at
 * its value.  The rules about library functions are in hints_libs.c,
 * those about files, network and spawned programs in hints_io.c,
 * hints_files.c and hints_spawns.c, those about threads in
 * hints_threads.c; all thresholds at the top of hints_rules.h.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"

/* 9801 as "9,801". */
void hint_fmt_count(char *buf, uint64_t n)
{
	char digits[24];
	int len, i, o = 0;

	len = snprintf(digits, sizeof(digits), "%" PRIu64, n);
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* One decimal below 10, none from there, never ".0": "4.1", "9", "28". */
void hint_fmt_number(char *buf, double v)
{
	size_t len;

	snprintf(buf, NUM_SIZE, v < 9.95 ? "%.1f" : "%.0f", v);
	len = strlen(buf);
	if (len > 2 && !strcmp(buf + len - 2, ".0"))
		buf[len - 2] = '\0';
}

void hint_fmt_pct(char *buf, uint64_t part, uint64_t whole)
{
	hint_fmt_number(buf, pct_of(part, whole));
	strcat(buf, "%");
}

/* "850 ns", "1.4 µs", "52 ms", "3.82 s". */
void hint_fmt_time(char *buf, uint64_t ns)
{
	char num[NUM_SIZE];

	if (ns >= 999500000) {
		snprintf(buf, TIME_SIZE, "%.2f s", ns / 1e9);
	} else if (ns >= 999500) {
		hint_fmt_number(num, ns / 1e6);
		snprintf(buf, TIME_SIZE, "%s ms", num);
	} else if (ns >= 1000) {
		hint_fmt_number(num, ns / 1e3);
		snprintf(buf, TIME_SIZE, "%s µs", num);
	} else {
		snprintf(buf, TIME_SIZE, "%" PRIu64 " ns", ns);
	}
}

/* "812 bytes", "4.2 KB", "8.1 MB", "4.5 GB": as file sizes are quoted. */
void hint_fmt_bytes(char *buf, uint64_t bytes)
{
	static const char *const unit[] = { "KB", "MB", "GB", "TB" };
	char num[NUM_SIZE];
	double v = bytes;
	size_t u = 0;

	if (bytes < 1000) {
		snprintf(buf, TIME_SIZE, "%" PRIu64 " byte%s", bytes,
			 bytes == 1 ? "" : "s");
		return;
	}
	v /= 1000;
	while (v >= 999.5 && u + 1 < ARRAY_SIZE(unit)) {
		v /= 1000;
		u++;
	}
	hint_fmt_number(num, v);
	snprintf(buf, TIME_SIZE, "%s %s", num, unit[u]);
}

static bool python_frame(const struct frame *f)
{
	size_t len = f->file ? strlen(f->file) : 0;

	return len >= 3 && !strcmp(f->file + len - 3, ".py");
}

/*
 * The innermost app frame of s under a kernel frame in names, else its
 * innermost Python frame (a standard module run as a program:
 * python3 -m json.tool); -1 none.
 */
static int64_t syscall_app_frame(const struct profile *p,
				 const struct stack_sample *s,
				 const char *const *names, size_t n)
{
	int64_t app = -1, py = -1;
	bool in_call = false;
	uint32_t k;

	for (k = 0; k < s->n_frames; k++) {
		const struct frame *f = &p->frames[s->frames[k]];

		if (f->cls == CLASS_APP)
			app = s->frames[k];
		else if (f->cls == CLASS_KERNEL && name_in(f->name, names, n))
			in_call = true;
		if (f->cls != CLASS_KERNEL && python_frame(f))
			py = s->frames[k];
	}
	if (!in_call)
		return -1;
	return app >= 0 ? app : py;
}

int64_t hint_syscall_caller(const struct hint_list *h,
			    const char *const *names, size_t n)
{
	const struct profile *p = h->p;
	uint64_t *by_frame = calloc(p->n_frames ? p->n_frames : 1,
				    sizeof(*by_frame));
	int64_t f, best = -1;
	size_t i;

	if (!by_frame)
		return -1;
	for (i = 0; i < p->n_stacks; i++) {
		if (!stack_on_cpu(&p->stacks[i]))
			continue;
		f = syscall_app_frame(p, &p->stacks[i], names, n);
		if (f < 0)
			continue;
		by_frame[f] += p->stacks[i].count;
		if (best < 0 || by_frame[f] > by_frame[best] ||
		    (by_frame[f] == by_frame[best] && f < best))
			best = f;
	}
	free(by_frame);
	return best;
}

/* The exported function that code with no symbol at frame runs inside
 * (aggregate_frame_entry), NULL none. */
static const char *stripped_entry(struct hint_list *h, int64_t frame)
{
	struct func_time e;

	h->err = aggregate_frame_entry(h->p, h->agg, frame, &e);
	return e.func && !h->err ? e.func->name : NULL;
}

/* "read_file (amalg.py:24)", or without the line or file it lacks; code
 * with no symbol, "[postgres+0x1e84f0] (in XLogFlush)" when it runs
 * inside an exported function. */
char *hint_location(struct hint_list *h, int64_t frame)
{
	const struct frame *f;
	const char *entry;
	char *s = NULL;
	int n;

	if (frame < 0 || h->err)
		return NULL;
	f = &h->p->frames[frame];
	if (f->file && f->line > 0)
		n = asprintf(&s, "%s (%s:%d)", f->name, path_basename(f->file),
			     f->line);
	else if (f->file)
		n = asprintf(&s, "%s (%s)", f->name, path_basename(f->file));
	else if ((entry = stripped_entry(h, frame)))
		n = asprintf(&s, "%s (in %s)", f->name, entry);
	else if (h->err)
		return NULL;
	else
		n = asprintf(&s, "%s", f->name);
	if (n < 0) {
		h->err = -ENOMEM;
		return NULL;
	}
	return s;
}

static struct hint_field *add_field(struct hint *hint, const char *name,
				    enum hint_type type)
{
	struct hint_field *f;

	assert(hint->n_fields < HINT_MAX_FIELDS);
	f = &hint->fields[hint->n_fields++];
	f->name = name;
	f->type = type;
	return f;
}

void hint_field_uint(struct hint *hint, const char *name, uint64_t v)
{
	add_field(hint, name, HINT_UINT)->u = v;
}

void hint_field_real(struct hint *hint, const char *name, double v)
{
	add_field(hint, name, HINT_REAL)->d = v;
}

void hint_field_null(struct hint *hint, const char *name)
{
	add_field(hint, name, HINT_NULL);
}

/* s is the hint's from now on; NULL is a string not known. */
void hint_field_own(struct hint *hint, const char *name, char *s)
{
	add_field(hint, name, HINT_STR)->s = s;
}

void hint_field_copy(struct hint_list *h, struct hint *hint, const char *name,
		     const char *s)
{
	char *copy = s ? strdup(s) : NULL;

	if (s && !copy)
		h->err = -ENOMEM;
	hint_field_own(hint, name, copy);
}

/* The text, or NULL when out of memory, which hint_push notices. */
__attribute__((format(printf, 2, 3)))
void hint_text(struct hint *hint, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&hint->text, fmt, ap);
	va_end(ap);
	if (n < 0)
		hint->text = NULL;
}

static void hint_clear(struct hint *hint)
{
	size_t i;

	for (i = 0; i < hint->n_fields; i++)
		if (hint->fields[i].type == HINT_STR)
			free(hint->fields[i].s);
	free(hint->text);
}

/* The hint into the list, or freed when anything failed on the way. */
void hint_push(struct hint_list *h, struct hint *hint)
{
	struct hint *list;

	if (!hint->text)
		h->err = -ENOMEM;
	if (!h->err) {
		list = realloc(h->list, (h->n + 1) * sizeof(*list));
		if (list) {
			h->list = list;
			h->list[h->n++] = *hint;
			return;
		}
		h->err = -ENOMEM;
	}
	hint_clear(hint);
}

/* ---- all rules --------------------------------------------------------- */

int build_hints(const struct profile *p, const struct aggregate *agg,
		struct hint **hints, size_t *n)
{
	struct hint_list h = { .p = p, .agg = agg };

	*hints = NULL;
	*n = 0;
	hint_repeated_opens(&h);
	hint_many_files(&h);
	hint_serial_network(&h);
	hint_slow_connects(&h);
	hint_shim(&h);
	hint_spawns(&h);
	hint_small_reads(&h);
	hint_small_writes(&h);
	hint_reread_volume(&h);
	hint_lock_contention(&h);
	hint_gil(&h);
	hint_pool(&h);
	hint_sleeps(&h);
	hint_python_gc(&h);
	hint_go_gc(&h);
	hint_imports(&h);
	hint_syncs(&h);
	hint_compressor(&h);
	hint_linker(&h);
	hint_reference_blas(&h);
	hint_hot_library_functions(&h);
	if (h.err) {
		hints_free(h.list, h.n);
		return h.err;
	}
	*hints = h.list;
	*n = h.n;
	return 0;
}

void hints_free(struct hint *hints, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hint_clear(&hints[i]);
	free(hints);
}

const struct hint_field *hint_field(const struct hint *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n_fields; i++)
		if (!strcmp(h->fields[i].name, name))
			return &h->fields[i];
	return NULL;
}
