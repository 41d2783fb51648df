// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel addresses from kallsyms, parsed line by line with a fixed line
 * limit, optionally read by a preload thread while the recording runs; or,
 * when a lookup is set (symbolizer_set_kernel_lookup()), one address at a
 * time from the kernel's own table, its answer parsed here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "symbols/internal.h"
#include "symbols/kallsyms.h"
#include "symbols/file.h"
#include "symbols/table.h"

#define KSYM_NAME_LEN		512		/* kernel limit, NUL included */
#define KSYM_MAX_SYMS		(8u << 20)
#define KSYM_MAX_DISTANCE	(1u << 20)	/* beyond any kernel function */
#define TEXT_LINE_MAX		4096		/* kallsyms, perf-map lines */
#define TEXT_MAX_LINES		(64u << 20)
#define KALLSYMS_IOBUF		(64u << 10)

static int strbuf_add(struct strbuf *b, const char *s, size_t n, uint32_t *off)
{
	size_t cap;
	char *buf;

	if (n >= UINT32_MAX - b->len)
		return -E2BIG;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		buf = realloc(b->buf, cap);
		if (!buf)
			return -ENOMEM;
		b->buf = buf;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->buf[b->len + n] = '\0';
	*off = b->len;
	b->len += n + 1;
	return 0;
}

/* ---- kernel ------------------------------------------------------------ */

struct kallsyms_line {
	uint64_t addr;
	char type;
	const char *name;
	size_t name_len;
	const char *module;	/* NULL for the core kernel */
	size_t module_len;
};

/* Up to 16 hex digits; NULL when there are none or more. */
static const char *parse_hex(const char *p, uint64_t *v)
{
	const char *start = p;
	uint64_t x = 0;
	int d;

	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			d = (*p | 0x20) - 'a' + 10;
		else
			break;
		if (p - start == 16)
			return NULL;
		x = x << 4 | d;
	}
	*v = x;
	return p == start ? NULL : p;
}

/* "ffffffff81000000 T name" or "ffffffffc0001000 t name\t[module]" */
static bool kallsyms_parse(const char *line, struct kallsyms_line *l)
{
	const char *p, *end;

	end = parse_hex(line, &l->addr);
	if (!end || end[0] != ' ' || !end[1] || end[2] != ' ')
		return false;
	l->type = end[1];
	p = end + 3;
	l->name = p;
	l->name_len = strcspn(p, " \t");
	if (!l->name_len || l->name_len >= KSYM_NAME_LEN)
		return false;
	p += l->name_len;
	p += strspn(p, " \t");
	l->module = NULL;
	l->module_len = 0;
	if (!*p)
		return true;
	if (*p != '[')
		return false;
	l->module = p + 1;
	l->module_len = strcspn(l->module, "]");
	return l->module_len && l->module_len < KSYM_NAME_LEN &&
	       l->module[l->module_len] == ']';
}

/* Text symbols only; lower rank wins when several share an address. */
static int ksym_rank(char type)
{
	switch (type) {
	case 'T': return 0;
	case 'W': return 1;
	case 't': return 2;
	case 'w': return 3;
	default: return -1;
	}
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return CMP(x->seq, y->seq);
}

static int kernel_add(struct symbolizer *s, const struct kallsyms_line *l,
		      uint32_t seq, size_t *cap, uint32_t *last_module)
{
	struct ksym *k;
	int err;

	err = table_grow((void **)&s->ksyms, cap, s->n_ksyms, sizeof(*s->ksyms));
	if (err)
		return err;
	k = &s->ksyms[s->n_ksyms];
	k->addr = l->addr;
	k->rank = ksym_rank(l->type);
	k->seq = seq;
	k->module = NO_MODULE;
	err = strbuf_add(&s->kstrs, l->name, l->name_len, &k->name);
	if (err)
		return err;
	if (l->module) {
		/* A module's symbols are contiguous: reuse its name. */
		const char *last = s->kstrs.buf + *last_module;

		if (*last_module == NO_MODULE ||
		    strncmp(last, l->module, l->module_len) ||
		    last[l->module_len]) {
			err = strbuf_add(&s->kstrs, l->module, l->module_len,
					 last_module);
			if (err)
				return err;
		}
		k->module = *last_module;
	}
	s->n_ksyms++;
	return 0;
}

static int kernel_read(struct symbolizer *s, FILE *fp)
{
	uint32_t last_module = NO_MODULE;
	uint64_t seen = 0, nonzero = 0;
	struct kallsyms_line l;
	char line[TEXT_LINE_MAX];
	size_t cap = 0;
	uint32_t seq;
	ssize_t len;
	int err;

	for (seq = 0; seq < TEXT_MAX_LINES; seq++) {
		len = symfile_read_line(fp, line, sizeof(line));
		if (len == -1)
			break;
		if (len < 0 || !kallsyms_parse(line, &l))
			continue;
		seen++;
		nonzero += l.addr != 0;
		if (ksym_rank(l.type) < 0 || s->n_ksyms >= KSYM_MAX_SYMS)
			continue;
		err = kernel_add(s, &l, seq, &cap, &last_module);
		if (err)
			return err;
	}
	if (ferror(fp))
		return -EIO;
	s->kernel_hidden = seen && !nonzero;
	return 0;
}

/*
 * Sorts by address (symbols at the same address in any order): kallsyms
 * lists the kernel's symbols by address, then each module's and BPF
 * program's, so only a short tail is out of order.  It is sorted on its
 * own and merged from the back into the sorted head.
 */
static int kernel_sort_all(struct symbolizer *s)
{
	struct ksym *k = s->ksyms, *tail;
	size_t n = s->n_ksyms, head = 1, nt, i, j, o;

	while (head < n && k[head - 1].addr <= k[head].addr)
		head++;
	if (head >= n)
		return 0;
	nt = n - head;
	tail = malloc(nt * sizeof(*tail));
	if (!tail)
		return -ENOMEM;
	memcpy(tail, k + head, nt * sizeof(*tail));
	table_sort(tail, nt, sizeof(*tail), ksym_cmp);
	for (i = head, j = nt, o = n; j > 0; )
		k[--o] = i > 0 && k[i - 1].addr > tail[j - 1].addr ?
			 k[--i] : tail[--j];
	free(tail);
	return 0;
}

/* Sorts by address and keeps one symbol per address: the lowest rank,
 * the first line of it. */
static int kernel_sort(struct symbolizer *s)
{
	size_t i, n = 0;
	int err = kernel_sort_all(s);

	if (err)
		return err;
	for (i = 0; i < s->n_ksyms; i++) {
		if (n && s->ksyms[n - 1].addr == s->ksyms[i].addr) {
			if (ksym_cmp(&s->ksyms[i], &s->ksyms[n - 1]) < 0)
				s->ksyms[n - 1] = s->ksyms[i];
			continue;
		}
		s->ksyms[n++] = s->ksyms[i];
	}
	s->n_ksyms = n;
	return 0;
}

void kallsyms_free(struct symbolizer *s)
{
	free(s->ksyms);
	free(s->kstrs.buf);
	s->ksyms = NULL;
	s->n_ksyms = 0;
	memset(&s->kstrs, 0, sizeof(s->kstrs));
}

/* Reads kallsyms once; runs in the preload thread or the caller's. */
static int kernel_read_once(struct symbolizer *s)
{
	char *iobuf;
	FILE *fp;
	int err;

	if (s->kernel_loaded)
		return s->kernel_err;
	s->kernel_loaded = true;
	fp = symfile_fopen(s->kallsyms_path, 0, &err);
	if (!fp) {
		s->kernel_err = err;
		return err;
	}
	/* 5 MB of text: in 64 KiB reads, not stdio's 1 KiB for a proc file
	 * (glibc sizes its own buffer by st_blksize whatever it is told) */
	iobuf = malloc(KALLSYMS_IOBUF);
	if (iobuf)
		setvbuf(fp, iobuf, _IOFBF, KALLSYMS_IOBUF);
	err = kernel_read(s, fp);
	fclose(fp);
	free(iobuf);
	if (!err && !s->kernel_hidden)
		err = kernel_sort(s);
	if (err || s->kernel_hidden)
		kallsyms_free(s);
	s->kernel_err = err;
	return err;
}

/* Waits for the preload thread, but not past a cancel (Ctrl-C). */
static int kernel_load(struct symbolizer *s)
{
	const struct timespec tick = { .tv_nsec = 2000000 };

	while (s->kernel_preloading) {
		if (!pthread_tryjoin_np(s->kernel_thread, NULL))
			s->kernel_preloading = false;
		else if (symbolizer_cancelled(s))
			return -EINTR;
		else
			nanosleep(&tick, NULL);
	}
	return kernel_read_once(s);
}

/*
 * At normal priority: at SCHED_IDLE two busy loops on two CPUs starved it
 * for half a minute, and the end of the recording waits for it.
 */
static void *kernel_preload_thread(void *arg)
{
	kernel_read_once(arg);
	return NULL;
}

int kallsyms_preload(struct symbolizer *s)
{
	int err;

	if (!s || s->klookup || s->kernel_loaded || s->kernel_preloading)
		return 0;
	err = pthread_create(&s->kernel_thread, NULL, kernel_preload_thread, s);
	if (err)
		return -err;
	s->kernel_preloading = true;
	return 0;
}

/* ---- one at a time ----------------------------------------------------- */

/* A copy of s[0..n) kept until symbolizer_free: NULL on failure. */
static const char *kname_keep(struct symbolizer *s, const char *str, size_t n)
{
	char *copy;

	if (table_grow((void **)&s->knames, &s->knames_cap, s->n_knames,
		       sizeof(*s->knames)))
		return NULL;
	copy = strndup(str, n);
	if (copy)
		s->knames[s->n_knames++] = copy;
	return copy;
}

/* Up to 16 hex digits after "0x"; NULL when there are none. */
static const char *parse_0x(const char *p, uint64_t *v)
{
	return p[0] == '0' && p[1] == 'x' ? parse_hex(p + 2, v) : NULL;
}

/*
 * "name+0xoff/0xsize" or "name+0xoff/0xsize [module]" (the kernel's
 * %pB): -ENOENT for anything else, such as "0x..." for no symbol, or an
 * offset past the size.
 */
static int kline_parse(struct symbolizer *s, const char *line,
		       struct sym_result *out)
{
	const char *plus = strchr(line, '+'), *p, *mod = NULL;
	uint64_t off, size;
	size_t mod_len = 0;

	if (!plus || plus == line || plus - line >= KSYM_NAME_LEN ||
	    memchr(line, ' ', plus - line))
		return -ENOENT;
	p = parse_0x(plus + 1, &off);
	if (!p || *p != '/' || !(p = parse_0x(p + 1, &size)) || off >= size)
		return -ENOENT;
	if (*p == ' ' && p[1] == '[') {
		/* "[module]", or "[module build-id]" */
		mod = p + 2;
		mod_len = strcspn(mod, " ]");
		p = strchr(mod, ']');
		if (!mod_len || mod_len >= KSYM_NAME_LEN || !p || p[1])
			return -ENOENT;
	} else if (*p) {
		return -ENOENT;
	}
	out->name = kname_keep(s, line, plus - line);
	if (mod && out->name)
		out->module = kname_keep(s, mod, mod_len);
	if (!out->name || (mod && !out->module))
		return -ENOMEM;
	out->offset = off;
	return 0;
}

static int klookup(struct symbolizer *s, uint64_t addr,
		   struct sym_result *out)
{
	char line[KSYM_NAME_LEN + 2 * KSYM_NAME_LEN];
	int err;

	line[0] = '\0';
	err = s->klookup(s->klookup_ctx, addr, line, sizeof(line));
	if (err)
		return err;
	line[sizeof(line) - 1] = '\0';
	return kline_parse(s, line, out);
}

void kallsyms_free_knames(struct symbolizer *s)
{
	size_t i;

	for (i = 0; i < s->n_knames; i++)
		free(s->knames[i]);
	free(s->knames);
	s->knames = NULL;
	s->n_knames = s->knames_cap = 0;
}

int kallsyms_lookup(struct symbolizer *s, uint64_t addr,
		    struct sym_result *out)
{
	const struct ksym *k;
	size_t n;
	int err;

	err = symbolizer_lookup_begin(s, out);
	if (err)
		return err;
	if (s->klookup)
		return klookup(s, addr, out);
	err = kernel_load(s);
	if (err)
		return err;
	n = table_count_le(s->ksyms, s->n_ksyms, sizeof(*s->ksyms), addr);
	if (!n)
		return -ENOENT;
	k = &s->ksyms[n - 1];
	/*
	 * kallsyms has no sizes: the next symbol ends this one, and the
	 * distance bound keeps an address past the last symbol of the kernel
	 * or of a module from landing on an unrelated function.
	 */
	if (addr - k->addr >= KSYM_MAX_DISTANCE)
		return -ENOENT;
	out->name = s->kstrs.buf + k->name;
	out->offset = addr - k->addr;
	if (k->module != NO_MODULE)
		out->module = s->kstrs.buf + k->module;
	return 0;
}

bool kallsyms_hidden(struct symbolizer *s)
{
	if (!s || s->klookup)	/* the kernel looks up what it knows */
		return false;
	kernel_load(s);
	return s->kernel_hidden;
}
