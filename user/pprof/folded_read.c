// SPDX-License-Identifier: GPL-2.0
/*
 * Folded stacks read back: each line "frame;frame;...;frame COUNT", split
 * at its last space, frames root first.  What a frame's text says is
 * kept: "_[k]" (and flamegraph.pl's "_[j]", "_[i]", "_[w]") ends a
 * kernel (or annotated) frame, "name (file.py)" or py-spy's
 * "name (file.py:12)" is Python code, "name (x36)" a recursion (36
 * frames), a last frame "[wait:REASON]" a wait.  Nothing else is known:
 * no rate (a sample stands for FOLDED_PERIOD_NS, said in a note), no
 * threads, modules or loss counters; the profile says so (foreign).
 *
 * The input is untrusted: lines, stacks, counts and the frames of all
 * stacks together are bounded, and a line that breaks a rule is an error
 * naming it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/frame.h"
#include "classify/wait.h"
#include "lib/intern.h"
#include "lib/util.h"
#include "pprof/folded_read.h"

#define DETECT_BYTES	4096		/* looked at to tell text apart */
#define MAX_ALL_FRAMES	(1u << 26)	/* frames of all stacks: 256 MiB */

struct reader {
	struct profile *p;
	struct intern frames;	/* frame keys → profile.frames */
	size_t cap_frames, cap_stacks;
	uint32_t *stack;	/* the line's frames, root first */
	size_t n_stack;
	uint64_t all_frames;
	uint64_t total;		/* samples of all lines */
	size_t line_no;
	bool waits;
	char *err;
	size_t errlen;
};

/* One frame's text, taken apart. */
struct parsed {
	const char *name;
	size_t name_len;
	const char *file;	/* Python's, else NULL */
	size_t file_len;
	int line;
	uint32_t repeat;
	enum frame_class cls;
	bool kernel;
};

static int fail(struct reader *r, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(r->err, r->errlen, "line %zu: ", r->line_no);
	if (n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool folded_detect(const uint8_t *data, size_t len)
{
	size_t i;

	size_t n;

	if (!len || (len >= 2 && data[0] == 0x1f && data[1] == 0x8b))
		return false;
	/* UTF-8 text: protobuf's tags and varints are neither */
	for (i = 0; i < len && i < DETECT_BYTES; i += n) {
		n = 1;
		if (data[i] < 0x20 && data[i] != '\n' && data[i] != '\r' &&
		    data[i] != '\t')
			return false;
		if (data[i] < 0x80)
			continue;
		if (len - i < 4)
			break;	/* utf8_len may look 3 bytes ahead */
		n = utf8_len(data + i);
		if (!n)
			return false;
	}
	return true;
}

/* A decimal of at most digits characters at s[0..len): its value, or -1. */
static int64_t parse_decimal(const char *s, size_t len, size_t digits)
{
	int64_t v = 0;
	size_t i;

	if (!len || len > digits)
		return -1;
	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "_[k]" and the other annotations of flamegraph.pl, cut off. */
static void cut_annotation(struct parsed *f)
{
	const char *s = f->name;
	size_t n = f->name_len;

	if (n < 5 || s[n - 4] != '_' || s[n - 3] != '[' || s[n - 1] != ']' ||
	    !strchr("kjiw", s[n - 2]))
		return;
	f->kernel = s[n - 2] == 'k';
	f->name_len -= 4;
}

/* The "(...)" that ends the name after a space: its inside, or NULL. */
static const char *last_parens(const struct parsed *f, size_t *inner)
{
	const char *s = f->name;
	size_t n = f->name_len, i;

	if (n < 4 || s[n - 1] != ')')
		return NULL;
	for (i = n - 1; i > 1 && s[i - 1] != '('; i--)
		;
	if (i < 2 || s[i - 2] != ' ')
		return NULL;
	*inner = n - 1 - i;
	return s + i;
}

/* " (x36)": a recursion's count, cut off. */
static void cut_repeat(struct parsed *f)
{
	size_t inner;
	const char *in = last_parens(f, &inner);
	int64_t v;

	if (!in || inner < 2 || in[0] != 'x')
		return;
	v = parse_decimal(in + 1, inner - 1, 9);
	if (v < 1)
		return;
	f->repeat = v;
	f->name_len = in - 2 - f->name;
}

/* " (file.py)", " (file.py:12)", " (<frozen x>)": Python's file. */
static void cut_python_file(struct parsed *f)
{
	size_t inner, flen;
	const char *in = last_parens(f, &inner), *colon;
	int64_t line = 0;

	if (!in || !inner)
		return;
	flen = inner;
	colon = memrchr(in, ':', inner);
	if (colon) {
		line = parse_decimal(colon + 1, in + inner - colon - 1, 9);
		if (line >= 0)
			flen = colon - in;
		else
			line = 0;
	}
	if (!(flen > 3 && !memcmp(in + flen - 3, ".py", 3)) &&
	    !(flen > 2 && in[0] == '<' && in[flen - 1] == '>'))
		return;
	f->file = in;
	f->file_len = flen;
	f->line = line;
	f->name_len = in - 2 - f->name;
}

static void parse_frame(const char *s, size_t len, struct parsed *f)
{
	memset(f, 0, sizeof(*f));
	f->name = s;
	f->name_len = len;
	f->repeat = 1;
	cut_annotation(f);
	cut_repeat(f);
	if (!f->kernel)
		cut_python_file(f);
}

/* The frame's index in profile.frames, added when new; -errno. */
static int64_t frame_index(struct reader *r, const struct parsed *f)
{
	struct profile *p = r->p;
	char key[2 * FOLDED_LINE_MAX / 1024 + 64], *k = key;
	struct frame *fr;
	int64_t i;
	int added;
	size_t klen = 2 + f->name_len + f->file_len + sizeof(f->line);
	char *heap = NULL;

	if (klen > sizeof(key)) {
		heap = malloc(klen);
		if (!heap)
			return -ENOMEM;
		k = heap;
	}
	k[0] = f->kernel ? 'k' : f->file ? 'p' : 'n';
	memcpy(k + 1, f->name, f->name_len);
	k[1 + f->name_len] = '\0';
	memcpy(k + 2 + f->name_len, f->file ? f->file : "", f->file_len);
	memcpy(k + 2 + f->name_len + f->file_len, &f->line, sizeof(f->line));
	i = intern_bytes(&r->frames, k, klen, &added);
	free(heap);
	if (i < 0 || !added)
		return i;
	if (intern_items_reserve((void **)&p->frames, &r->cap_frames, i,
				 sizeof(*p->frames)))
		return -ENOMEM;
	fr = &p->frames[i];
	p->n_frames = i + 1;
	fr->name = f->name_len ? strndup(f->name, f->name_len) :
				 strdup("[unknown]");
	fr->resolved = f->name_len && f->name[0] != '[';
	if (f->file) {
		fr->file = strndup(f->file, f->file_len);
		fr->module = fr->file ? strdup(path_basename(fr->file)) : NULL;
		fr->line = f->line;
		fr->cls = fr->file ? classify_python_file(fr->file, false)
				   : CLASS_APP;
	} else {
		fr->module = strdup(f->kernel ? "[kernel]" : "[unknown]");
		fr->cls = f->kernel ? CLASS_KERNEL : CLASS_APP;
	}
	if (!fr->name || !fr->module || (f->file && !fr->file))
		return -ENOMEM;
	return i;
}

/* "[wait:network]": its reason, else WAIT_NONE. */
static enum wait_reason wait_leaf(const char *s, size_t len)
{
	int r;

	if (len < 8 || memcmp(s, "[wait:", 6) || s[len - 1] != ']')
		return WAIT_NONE;
	for (r = WAIT_NONE + 1; r < WAIT__COUNT; r++)
		if (strlen(wait_reason_name(r)) == len - 7 &&
		    !memcmp(s + 6, wait_reason_name(r), len - 7))
			return r;
	return WAIT_NONE;
}

static int push_frames(struct reader *r, uint32_t frame, uint32_t n)
{
	uint32_t *grown;

	if (r->n_stack + n > FOLDED_MAX_FRAMES)
		return fail(r, "a stack deeper than %u frames",
			    FOLDED_MAX_FRAMES);
	r->all_frames += n;
	if (r->all_frames > MAX_ALL_FRAMES)
		return fail(r, "more than %u frames in all the stacks",
			    MAX_ALL_FRAMES);
	if (!r->stack) {
		grown = malloc(FOLDED_MAX_FRAMES * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		r->stack = grown;
	}
	while (n--)
		r->stack[r->n_stack++] = frame;
	return 0;
}

/* The stack of one line, its frames in r->stack; 0 or -errno. */
static int add_stack(struct reader *r, uint64_t count, enum wait_reason why)
{
	struct profile *p = r->p;
	struct stack_sample *s;

	if (intern_items_reserve((void **)&p->stacks, &r->cap_stacks,
				 p->n_stacks, sizeof(*p->stacks)))
		return -ENOMEM;
	s = &p->stacks[p->n_stacks];
	s->frames = malloc((r->n_stack ? r->n_stack : 1) * sizeof(*s->frames));
	if (!s->frames)
		return -ENOMEM;
	p->n_stacks++;
	if (r->n_stack)		/* "[wait:poll] 4": none, and no r->stack */
		memcpy(s->frames, r->stack, r->n_stack * sizeof(*s->frames));
	s->n_frames = r->n_stack;
	s->ns = count * FOLDED_PERIOD_NS;
	s->syscall = -1;
	s->reason = why;
	s->count = why == WAIT_NONE ? count : 1;
	if (why == WAIT_NONE) {
		p->samples += count;
		p->cpu_user_ns += s->ns;
	}
	p->wall_ns += s->ns;
	r->waits |= why != WAIT_NONE;
	return 0;
}

static int read_line(struct reader *r, const char *s, size_t len)
{
	const char *space, *fr, *semi, *end;
	enum wait_reason why = WAIT_NONE;
	struct parsed f;
	int64_t count, idx;
	int err;

	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' ||
		       s[len - 1] == '\t'))
		len--;
	if (!len)
		return 0;
	space = memrchr(s, ' ', len);
	if (!space)
		return fail(r, "not folded stacks: no space before a count "
			    "(\"frame;frame COUNT\")");
	count = parse_decimal(space + 1, s + len - space - 1, 19);
	if (count < 0)
		return fail(r, "bad count '%.*s': not a whole number of "
			    "samples", (int)(s + len - space - 1 > 40 ? 40 :
					     s + len - space - 1), space + 1);
	if ((uint64_t)count > FOLDED_MAX_COUNT)
		return fail(r, "count %lld is over 2^32 samples",
			    (long long)count);
	r->total += count;
	if (r->total > FOLDED_MAX_TOTAL)
		return fail(r, "more than 2^36 samples in all");
	end = space;
	while (end > s && end[-1] == ' ')
		end--;
	if (end == s)
		return fail(r, "no frames before the count");
	if (!count)
		return 0;
	r->n_stack = 0;
	for (fr = s; fr <= end; fr = semi + 1) {
		semi = memchr(fr, ';', end - fr);
		if (!semi)
			semi = end;
		if (semi == end && (why = wait_leaf(fr, semi - fr)))
			break;
		parse_frame(fr, semi - fr, &f);
		idx = frame_index(r, &f);
		if (idx < 0)
			return idx;
		err = push_frames(r, idx, f.repeat);
		if (err)
			return err;
	}
	return add_stack(r, count, why);
}

static int note(struct profile *p, const struct reader *r)
{
	char *line;

	p->notes = calloc(1, sizeof(*p->notes));
	if (!p->notes ||
	    asprintf(&line, "read from folded stacks: each count is on-CPU "
		     "samples%s; the file gives no rate, so a sample stands "
		     "for %llu ms here and times are in proportion only; "
		     "threads, processes, modules and data quality were not "
		     "recorded", r->waits ? " (a stack ending in [wait:REASON] "
		     "is that many samples' time of waiting)" : "",
		     FOLDED_PERIOD_NS / 1000000) < 0)
		return -ENOMEM;
	p->notes[0] = line;
	p->n_notes = 1;
	return 0;
}

int folded_read(const uint8_t *data, size_t len, struct profile *out,
		char *err, size_t errlen)
{
	struct reader r = { .p = out, .err = err, .errlen = errlen };
	const char *s = (const char *)data, *nl;
	size_t at, n;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	intern_init(&r.frames);
	for (at = 0; at < len && !ret; at += n + 1) {
		r.line_no++;
		nl = memchr(s + at, '\n', len - at);
		n = nl ? (size_t)(nl - s - at) : len - at;
		if (n > FOLDED_LINE_MAX)
			ret = fail(&r, "longer than %u bytes", FOLDED_LINE_MAX);
		else if (memchr(s + at, '\0', n))
			ret = fail(&r, "a NUL byte: not text");
		else
			ret = read_line(&r, s + at, n);
	}
	if (!ret && !out->n_stacks) {
		snprintf(err, errlen, "no stack with a count above 0");
		ret = -EINVAL;
	}
	if (!ret) {
		out->period_ns = FOLDED_PERIOD_NS;
		out->frequency_hz = 1000000000ull / FOLDED_PERIOD_NS;
		out->quality.offcpu = r.waits;
		out->foreign = true;
		out->command = strdup("(folded stacks)");
		ret = out->command ? note(out, &r) : -ENOMEM;
	}
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	free(r.stack);
	intern_free(&r.frames);
	return ret;
}
