// SPDX-License-Identifier: GPL-2.0
/* The runs that held up the critical path longest: see runs.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "classify/frame.h"
#include "analyze/procs.h"
#include "analyze/runs.h"

/* The path's main program's runs, this many at least: a build, a loop. */
#define RUNS_MIN_PROCESSES	3
#define RUNS_MAX_OPERANDS	4

static int cmp_pid(const void *a, const void *b)
{
	const struct path_run *x = a, *y = b;

	return CMP(x->pid, y->pid);
}

static int cmp_ns(const void *a, const void *b)
{
	const struct path_run *x = a, *y = b;

	return x->ns != y->ns ? CMP(y->ns, x->ns) : CMP(x->pid, y->pid);
}

/* The program longest on the path ran as several processes: which of
 * them took the time is the question (a shim's many short runs before
 * the one program that works are not). */
static bool path_has_many_runs(const struct profile *p)
{
	return p->critical.n_programs &&	/* longest first */
	       p->critical.programs[0].n_pids >= RUNS_MIN_PROCESSES;
}

size_t runs_on_path(const struct profile *p, const struct aggregate *agg,
		    struct path_run *out, size_t n_max)
{
	struct path_run *all;
	size_t i, n = 0, k = 0;
	bool with_args = false;

	if (!agg->cp_known || !path_has_many_runs(p))
		return 0;
	all = calloc(p->n_stacks + 1, sizeof(*all));
	if (!all)
		return 0;
	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].cp_ns)
			all[n++] = (struct path_run){ .pid = p->stacks[i].pid,
						      .ns = p->stacks[i].cp_ns };
	qsort(all, n, sizeof(*all), cmp_pid);
	for (i = 0; i < n; i++) {	/* one entry a pid, in place */
		if (k && all[k - 1].pid == all[i].pid)
			all[k - 1].ns += all[i].ns;
		else
			all[k++] = all[i];
	}
	qsort(all, k, sizeof(*all), cmp_ns);
	n_max = n_max < RUNS_MAX ? n_max : RUNS_MAX;
	for (i = 0; i < k && i < n_max; i++) {
		out[i] = all[i];
		out[i].proc = procs_stat(agg, all[i].pid);
		with_args |= out[i].proc && out[i].proc->args;
	}
	free(all);
	return with_args ? i : 0;
}

/* Options whose value is the next word, in compilers, linkers, make, git
 * and others: not an operand. */
static bool takes_value(const char *w, size_t len)
{
	static const char *const opts[] = {
		"-o", "-I", "-D", "-U", "-L", "-MF", "-MT", "-MQ", "-MD",
		"-MMD", "-x", "-target", "--target", "-include", "-imacros",
		"-isystem", "-iquote", "-idirafter", "-imultiarch", "-iprefix",
		"-isysroot", "--sysroot", "-dumpdir", "-dumpbase",
		"-dumpbase-ext", "-auxbase", "-auxbase-strip", "-Xlinker",
		"-Xassembler", "-Xpreprocessor", "-Xclang", "-T", "-z",
		"-soname", "-rpath", "-main-file-name", "-C", "-f",
		"--output",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		if (strlen(opts[i]) == len && !memcmp(w, opts[i], len))
			return true;
	return false;
}

/* Of a word cut to fit, at least this many bytes are kept, else none. */
#define RUNS_CUT_MIN		4

/* Appends the len bytes at s to out (used bytes *n), cut where they do
 * not fit (at a character, not inside one) and ended with "…"; false
 * once cut. */
static bool put(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	static const char ellipsis[] = "…";
	size_t room;

	if (*n + len + 1 <= size) {
		memcpy(out + *n, s, len);
		*n += len;
		out[*n] = '\0';
		return true;
	}
	if (*n + sizeof(ellipsis) > size)
		return false;
	room = size - *n - sizeof(ellipsis);
	while (room && ((unsigned char)s[room] & 0xc0) == 0x80)
		room--;
	if (room >= RUNS_CUT_MIN) {
		memcpy(out + *n, s, room);
		*n += room;
	}
	memcpy(out + *n, ellipsis, sizeof(ellipsis));
	*n += sizeof(ellipsis) - 1;
	return false;
}

/* A linker (classify_linker): what a run made is its output, not its
 * operands (crt files, libraries, a compiler's temporary objects). */
static bool linker(const char *base, size_t len)
{
	char name[64];

	if (len >= sizeof(name))
		return false;
	memcpy(name, base, len);
	name[len] = '\0';
	return classify_linker(name) != LINKER_NONE;
}

/* The end of the word at w of a command line as procfs_cmdline_join()
 * makes one: the next space outside single quotes. */
static const char *word_end(const char *w)
{
	bool quoted = false;

	for (; *w && (quoted || *w != ' '); w++) {
		if (*w == '\'')
			quoted = !quoted;
		else if (*w == '\\' && !quoted && w[1])
			w++;
	}
	return w;
}

/* An option: quoted for a space in its value ('--keep=fetch-pack 1 on
 * host', git's). */
static bool is_option(const char *w)
{
	return w[0] == '-' || (w[0] == '\'' && w[1] == '-');
}

/* The value of args' -o (-oFILE, --output=FILE), NULL none; *len its. */
static const char *output_of(const char *args, size_t *len)
{
	const char *w, *end;

	for (w = args; *w; w = *end ? end + 1 : end) {
		end = word_end(w);
		if (end - w == 2 && !memcmp(w, "-o", 2) && *end) {
			w = end + 1;
			*len = word_end(w) - w;
			return *len ? w : NULL;
		}
		if (end - w > 2 && !memcmp(w, "-o", 2) && w[2] != '-') {
			*len = end - w - 2;
			return w + 2;
		}
		if (end - w > 9 && !memcmp(w, "--output=", 9)) {
			*len = end - w - 9;
			return w + 9;
		}
	}
	return NULL;
}

void runs_brief(const char *args, char *out, size_t size)
{
	const char *w = args, *end, *last, *base;
	size_t len, n = 0, operands = 0;
	bool skipped = false, value = false, ok = true;

	if (!size)
		return;
	out[0] = '\0';
	if (!args || !*args)
		return;
	end = word_end(w);
	last = end;
	for (base = last; base > w && base[-1] != '/'; base--)
		;
	/* '/opt/my app/bin/run': run */
	if (*w == '\'' && base > w && end[-1] == '\'' && base < end - 1)
		last--;
	ok = put(out, size, &n, base, last - base);
	if (ok && linker(base, last - base) && (w = output_of(end, &len))) {
		if (put(out, size, &n, " -o ", 4))
			put(out, size, &n, w, len);
		return;
	}
	for (w = *end ? end + 1 : end; ok && *w; w = *end ? end + 1 : end) {
		end = word_end(w);
		len = end - w;
		if (!len)
			continue;
		if (value || is_option(w)) {
			value = !value && takes_value(w, len);
			skipped = true;
			continue;
		}
		if (operands == RUNS_MAX_OPERANDS) {
			ok = put(out, size, &n, " …", strlen(" …"));
			break;
		}
		if (skipped)
			ok = put(out, size, &n, " …", strlen(" …"));
		skipped = false;
		ok = ok && put(out, size, &n, " ", 1) &&
		     put(out, size, &n, w, len);
		operands++;
	}
}
