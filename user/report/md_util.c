// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the Markdown writers (the summary, the focus view): text
 * made safe for Markdown, number formats, and tables that stop where the
 * budget ends.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "profile/profile.h"
#include "report/md_util.h"

const struct md_category md_categories[WAIT__COUNT] = {
	[WAIT_NONE] = { "on-CPU (sampled)", NULL },
	[WAIT_NETWORK] = { "network", "waiting on the network" },
	[WAIT_DISK] = { "disk", "waiting on the disk" },
	[WAIT_LOCK] = { "lock", "waiting on locks" },
	[WAIT_SLEEP] = { "sleep", "sleeping" },
	[WAIT_PIPE] = { "pipe", "waiting on pipes and Unix sockets" },
	[WAIT_POLL] = { "poll", "waiting in poll, select or epoll" },
	[WAIT_CHILD] = { "child", "waiting for child processes" },
	[WAIT_JOIN] = { "thread join", "waiting for threads to end" },
	[WAIT_GIL] = { "GIL", "waiting for Python's GIL" },
	[WAIT_PAGE_FAULT] = { "page fault", "waiting on page faults" },
	[WAIT_CPU] = { "CPU wait (runnable)", "runnable, waiting for a CPU" },
	[WAIT_OTHER] = { "other wait", "waiting on something else" },
};

/* What a backslash keeps literal in prose: the inline markers. */
#define PROSE_SPECIAL	"\\`*_[]<>|~&"

/* Where text goes: what it must not break there. */
enum md_mode {
	MD_CELL,	/* a table cell, or a code span in one */
	MD_PROSE,
	MD_SPAN,	/* a code span outside any table */
};

/*
 * Whether s[i] needs a backslash.  An underscore between letters or
 * digits marks no emphasis (CommonMark), so read_file stays readable.
 */
static bool md_escapes(const char *s, size_t i, size_t len,
		       enum md_mode mode)
{
	unsigned char c = s[i];

	if (mode == MD_SPAN)
		return false;
	if (c == '|')
		return true;
	if (mode != MD_PROSE || !strchr(PROSE_SPECIAL, c))
		return false;
	return c != '_' || i == 0 || i + 1 >= len ||
	       !isalnum((unsigned char)s[i - 1]) ||
	       !isalnum((unsigned char)s[i + 1]);
}

static void md_escape(char *out, const char *s, size_t max, bool keep_tail,
		      enum md_mode mode)
{
	size_t len = strlen(s), from = 0, to = len, o = 0;
	unsigned char c;

	if (len > max && keep_tail) {
		from = len - max;
		while (from < len && utf8_continuation(s[from]))
			from++;
		o += sprintf(out, "…");
	} else if (len > max) {
		to = max;
		while (to > 0 && utf8_continuation(s[to]))
			to--;
	}
	for (; from < to; from++) {
		c = s[from];
		if (c < 0x20 || c == 0x7f) {
			out[o++] = ' ';
		} else if (md_escapes(s, from, len, mode)) {
			out[o++] = '\\';
			out[o++] = c;
		} else {
			out[o++] = c == '`' ? '\'' : c;
		}
	}
	if (to < len)
		o += sprintf(out + o, "…");
	out[o] = '\0';
}

void md_text(char *out, const char *s, size_t max, bool keep_tail,
	     bool prose)
{
	md_escape(out, s, max, keep_tail, prose ? MD_PROSE : MD_CELL);
}

void md_span(char *out, const char *s, size_t max)
{
	md_escape(out, s, max, false, MD_SPAN);
}

void md_clean(char *out, const char *s, size_t max, bool keep_tail)
{
	md_text(out, s, max, keep_tail, false);
}

/* ---- names: C++ templates shortened to fit ---- */

#define NAME_MAX_DEPTHS		8	/* template depths tried */
#define NAME_MAX_SHORTEN	(64u << 10)	/* longer: cut, not shortened */

/* Whether s[i] is a character of an operator's name (operator<<,
 * operator->), not a bracket. */
static bool in_operator(const char *s, size_t i)
{
	size_t k = i;

	while (k > 0 && i - k < 3 && strchr("<>=-", s[k - 1]))
		k--;
	return k >= 8 && !memcmp(s + k - 8, "operator", 8);
}

/* A parameter list that says something once left out: not (), not
 * (anonymous namespace), not a count: a folded path's …(5)… or merged
 * paths' …(3–12)…, a recursion's (×36). */
static bool params_elidable(const char *s)
{
	const char *n = s + 1;
	size_t digits;

	if (!strncmp(n, "×", strlen("×")))
		n += strlen("×");
	digits = strspn(n, "0123456789");
	if (digits && !strncmp(n + digits, "–", strlen("–"))) {
		n += digits + strlen("–");
		digits = strspn(n, "0123456789");
	}
	return s[1] != ')' && !(digits && n[digits] == ')') &&
	       strncmp(s + 1, "anonymous namespace)", 20);
}

/* How deep s's template arguments nest. */
static int template_depth(const char *s)
{
	int t = 0, most = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] == '<' && !in_operator(s, i) && ++t > most)
			most = t;
		else if (s[i] == '>' && t > 0 && !in_operator(s, i))
			t--;
	}
	return most;
}

/*
 * s into out (4 * strlen(s) + 1 bytes) with template arguments nested
 * deeper than depth left out ("std::vector<…>" is depth 0) and, with
 * params, the contents of its top-level parameter lists.
 */
static void name_shorten(char *out, const char *s, int depth, bool params)
{
	int t = 0, p = 0;
	size_t o = 0, i;

	for (i = 0; s[i]; i++) {
		if (p) {		/* in a parameter list left out */
			if (s[i] == '(')
				p++;
			else if (s[i] == ')' && !--p)
				out[o++] = ')';
			continue;
		}
		if (s[i] == '<' && !in_operator(s, i)) {
			if (++t == depth + 1)
				o += sprintf(out + o, "<…");
			else if (t <= depth)
				out[o++] = '<';
		} else if (s[i] == '>' && t > 0 && !in_operator(s, i)) {
			if (t-- <= depth + 1)
				out[o++] = '>';
		} else if (t > depth) {
			continue;
		} else if (params && !t && s[i] == '(' &&
			   params_elidable(s + i)) {
			o += sprintf(out + o, "(…");
			p = 1;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

void md_name(char *out, const char *s, size_t max, bool keep_tail)
{
	size_t len = strlen(s);
	int levels, keep;
	char *buf;

	if (len <= max || len > NAME_MAX_SHORTEN || !strpbrk(s, "<(")) {
		md_clean(out, s, max, keep_tail);
		return;
	}
	buf = malloc(4 * len + 1);
	if (!buf) {
		md_clean(out, s, max, keep_tail);
		return;
	}
	levels = template_depth(s);
	if (levels > NAME_MAX_DEPTHS)
		levels = NAME_MAX_DEPTHS;
	/* template arguments tell more than parameters, which often repeat
	 * them: each depth is tried with its parameters, then without */
	do {
		keep = levels ? levels - 1 : 0;
		if (levels) {
			name_shorten(buf, s, keep, false);
			if (strlen(buf) <= max)
				break;
		}
		name_shorten(buf, s, keep, true);
	} while (strlen(buf) > max && levels-- > 1);
	md_clean(out, buf, max, keep_tail);
	free(buf);
}

/*
 * ± is the standard error of a sampled proportion, 100·√(p(1−p)/n).
 * No sample at all is exact, not uncertain.
 */
void fmt_share(char *buf, uint64_t part, uint64_t whole)
{
	double p = pct_of(part, whole) / 100.0;

	if (!part || part >= MIN_TRUSTED_SAMPLES)
		snprintf(buf, SHARE_SIZE, "%.1f%%", 100.0 * p);
	else
		snprintf(buf, SHARE_SIZE, "%.1f%% ±%.1f~", 100.0 * p,
			 100.0 * sqrt(p * (1.0 - p) / (double)whole));
}

void fmt_duration(char *buf, uint64_t ns)
{
	if (ns >= 1000000000)
		snprintf(buf, DURATION_SIZE, "%.2f s", ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, DURATION_SIZE, "%.1f ms", ns / 1e6);
	else if (ns >= 1000)
		snprintf(buf, DURATION_SIZE, "%.1f µs", ns / 1e3);
	else
		snprintf(buf, DURATION_SIZE, "%" PRIu64 " ns", ns);
}

void fmt_cell_duration(char *buf, uint64_t ns)
{
	if (ns)
		fmt_duration(buf, ns);
	else
		strcpy(buf, "—");
}

void fmt_where(char *buf, const char *file, int line, const char *module)
{
	char clean[CLEAN_SIZE(NAME_MAX_BYTES)];

	if (file) {
		md_clean(clean, file, NAME_MAX_BYTES, true);
		snprintf(buf, WHERE_SIZE, "%s:%d", clean, line);
	} else {
		md_clean(buf, module ? module : "?", NAME_MAX_BYTES, false);
	}
}

void fmt_source(char *buf, const char *text)
{
	char clean[CLEAN_SIZE(SOURCE_MAX_BYTES)];

	if (!text || !*text) {
		strcpy(buf, "—");
		return;
	}
	md_clean(clean, text, SOURCE_MAX_BYTES, false);
	snprintf(buf, SOURCE_CELL_SIZE, "`%s`", clean);
}

void fmt_frame_where(char *buf, const struct frame *fr, bool base)
{
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	const char *file;

	if (!fr) {
		strcpy(buf, "(no stack)");
		return;
	}
	file = fr->file && base ? path_basename(fr->file) : fr->file;
	md_name(name, fr->name, NAME_MAX_BYTES, false);
	fmt_where(where, file, fr->line, fr->module);
	snprintf(buf, FRAME_WHERE_SIZE, "`%s` (%s)", name, where);
}

char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *row;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&row, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : row;
}

void md_put(struct md_doc *d, const char *s)
{
	fputs(s, d->f);
	d->used += strlen(s);
}

void md_vprintf(struct md_doc *d, const char *fmt, va_list ap)
{
	int n = vfprintf(d->f, fmt, ap);

	if (n > 0)
		d->used += n;
}

void md_printf(struct md_doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	md_vprintf(d, fmt, ap);
	va_end(ap);
}

bool md_fits(const struct md_doc *d, size_t len)
{
	return d->used + len + d->reserve <= d->budget;
}

int md_rows(struct md_doc *d, const char *head, size_t n, md_row_fn row,
	    const void *ctx, size_t *shown)
{
	size_t i, need;
	char *text;

	for (i = 0; i < n && i < d->top; i++) {
		text = row(ctx, i);
		if (!text)
			return -ENOMEM;
		need = strlen(text) + (i ? 0 : strlen(head));
		if (!md_fits(d, need)) {
			free(text);
			break;
		}
		if (!i)
			md_put(d, head);
		md_put(d, text);
		free(text);
	}
	*shown = i;
	return 0;
}

void md_quality_symbols(FILE *f, const struct profile_quality *q)
{
	if (q->dwarf_refused || q->symbols_refused)
		fprintf(f, "- Refused debug info: %" PRIu64 " file(s) whose "
			"DWARF/CFI was not read (compressed sections inflating "
			"past the caps, or unterminated strings), %" PRIu64
			" whose symbol table was not; their frames lack lines "
			"or names.\n", q->dwarf_refused, q->symbols_refused);
	if (q->perfmap_lines_skipped || q->perfmap_bytes_skipped ||
	    q->perfmap_refused)
		fprintf(f, "- Perf maps cut short: %" PRIu64 " line(s) over "
			"%d bytes skipped, %" PRIu64 " byte(s) past the %u MiB "
			"cap not read, %" PRIu64 " map(s) refused (not a "
			"regular file of the process's user).\n",
			q->perfmap_lines_skipped, PROFILE_PERFMAP_LINE_MAX,
			q->perfmap_bytes_skipped, PROFILE_PERFMAP_MAX_BYTES >> 20,
			q->perfmap_refused);
}
