/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ground truth from the interpreters themselves, at run time: each
 * CPython found runs a script (python_truth_script.h) that prints, for a
 * set of functions, CPython's own line for every instruction offset
 * (co_lines()), the names as UTF-8, and what the BPF side would copy of
 * the code objects (read with ctypes at the offsets python_detect()
 * gave); it also walks its own thread's frames at those offsets the way
 * the BPF walker does, and prints its mappings of the file defining
 * _PyRuntime.  Here: its output parsed, and a group of tests run on each
 * CPython with it.
 */
#ifndef WHYSLOW_PYTHON_TRUTH_H
#define WHYSLOW_PYTHON_TRUTH_H

#include "python_interps.h"
#include "python_truth_script.h"

#include "python/code.h"

struct pystr {
	int kind;		/* as the copier sets it; -1: version lacks it */
	uint8_t *raw;		/* the copy: WS_PY_NAME_LEN or _FILE_LEN bytes */
	size_t raw_len;
	char *utf8;		/* what CPython says */
};

struct code_dump {
	char *tag;
	int first_mem, first_attr;
	size_t units;
	uint8_t *lt_mem, *lt_attr;
	size_t lt_mem_len, lt_attr_len;
	struct pystr name, qualname, filename;
	int *lines;		/* CPython's line per code unit, 0 none */
	size_t n_lines;
};

struct walk_frame {
	char *tag;		/* of its code_dump */
	long instr;
	int line;		/* frame.f_lineno */
	int same_code;		/* the walker's code pointer is f_code */
};

struct live_map {
	uint64_t start, end, pgoff;
};

struct truth {
	struct code_dump *codes;
	size_t n_codes;
	struct walk_frame *walk;
	size_t n_walk;
	struct live_map *maps;
	size_t n_maps;
	uint64_t runtime, code_type;
	size_t n_errors;
	bool done;
};

static inline void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

static inline char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static inline size_t unhex(const char *s, uint8_t **out)
{
	size_t n = 0, len = strlen(s), i;
	uint8_t *b;

	if (!strcmp(s, "-"))
		len = 0;
	b = xrealloc(NULL, len / 2 + 1);
	for (i = 0; i + 1 < len; i += 2) {
		unsigned int v;

		if (sscanf(s + i, "%2x", &v) != 1)
			break;
		b[n++] = v;
	}
	b[n] = 0;
	*out = b;
	return n;
}

static inline void parse_str(struct pystr *s, char **save)
{
	const char *kind = strtok_r(NULL, " \n", save);
	const char *raw = strtok_r(NULL, " \n", save);
	const char *utf8 = strtok_r(NULL, " \n", save);
	uint8_t *text;

	if (!kind || !raw || !utf8)
		return;
	s->kind = atoi(kind);
	s->raw_len = unhex(raw, &s->raw);
	unhex(utf8, &text);
	s->utf8 = (char *)text;
}

static inline void parse_lines(struct code_dump *d, char **save)
{
	const char *tok;

	while ((tok = strtok_r(NULL, " \n", save))) {
		d->lines = xrealloc(d->lines, (d->n_lines + 1) * sizeof(int));
		d->lines[d->n_lines++] = atoi(tok);
	}
}

static inline void parse_code(struct truth *t, char **save)
{
	const char *tag = strtok_r(NULL, " \n", save);
	const char *fm = strtok_r(NULL, " \n", save);
	const char *fa = strtok_r(NULL, " \n", save);
	const char *units = strtok_r(NULL, " \n", save);
	struct code_dump *d;

	if (!tag || !fm || !fa || !units)
		return;
	t->codes = xrealloc(t->codes, (t->n_codes + 1) * sizeof(*t->codes));
	d = &t->codes[t->n_codes++];
	memset(d, 0, sizeof(*d));
	d->tag = xstrdup(tag);
	d->first_mem = atoi(fm);
	d->first_attr = atoi(fa);
	d->units = strtoul(units, NULL, 10);
}

static inline void parse_walk(struct truth *t, char **save)
{
	const char *tag = strtok_r(NULL, " \n", save);
	const char *instr = strtok_r(NULL, " \n", save);
	const char *line = strtok_r(NULL, " \n", save);
	const char *same = strtok_r(NULL, " \n", save);
	struct walk_frame *w;

	if (!tag || !instr || !line || !same)
		return;
	t->walk = xrealloc(t->walk, (t->n_walk + 1) * sizeof(*t->walk));
	w = &t->walk[t->n_walk++];
	w->tag = xstrdup(tag);
	w->instr = strtol(instr, NULL, 10);
	w->line = atoi(line);
	w->same_code = atoi(same);
}

static inline void parse_map(struct truth *t, char **save)
{
	const char *start = strtok_r(NULL, " \n", save);
	const char *end = strtok_r(NULL, " \n", save);
	const char *pgoff = strtok_r(NULL, " \n", save);
	struct live_map *m;

	if (!start || !end || !pgoff)
		return;
	t->maps = xrealloc(t->maps, (t->n_maps + 1) * sizeof(*t->maps));
	m = &t->maps[t->n_maps++];
	m->start = strtoull(start, NULL, 16);
	m->end = strtoull(end, NULL, 16);
	m->pgoff = strtoull(pgoff, NULL, 16);
}

static inline void parse_truth_line(struct truth *t, char *line)
{
	struct code_dump *d = t->n_codes ? &t->codes[t->n_codes - 1] : NULL;
	char *save = NULL;
	const char *word = strtok_r(line, " \n", &save);
	const char *a, *b;

	if (!word)
		return;
	if (!strcmp(word, "code")) {
		parse_code(t, &save);
	} else if (!strcmp(word, "lt") && d) {
		a = strtok_r(NULL, " \n", &save);
		b = strtok_r(NULL, " \n", &save);
		if (a && b) {
			d->lt_mem_len = unhex(a, &d->lt_mem);
			d->lt_attr_len = unhex(b, &d->lt_attr);
		}
	} else if (!strcmp(word, "str") && d) {
		a = strtok_r(NULL, " \n", &save);
		if (a && !strcmp(a, "name"))
			parse_str(&d->name, &save);
		else if (a && !strcmp(a, "qualname"))
			parse_str(&d->qualname, &save);
		else if (a && !strcmp(a, "filename"))
			parse_str(&d->filename, &save);
	} else if (!strcmp(word, "lines") && d) {
		parse_lines(d, &save);
	} else if (!strcmp(word, "walk")) {
		parse_walk(t, &save);
	} else if (!strcmp(word, "map")) {
		parse_map(t, &save);
	} else if (!strcmp(word, "runtime")) {
		a = strtok_r(NULL, " \n", &save);
		b = strtok_r(NULL, " \n", &save);
		if (a && b) {
			t->runtime = strtoull(a, NULL, 16);
			t->code_type = strtoull(b, NULL, 16);
		}
	} else if (!strcmp(word, "done")) {
		t->done = true;
	} else {
		fprintf(stderr, "ground truth: %s %s", word, save ? save : "\n");
		t->n_errors++;
	}
}

/* The offsets under test, as the script takes them. */
static inline void offsets_arg(const struct ws_py_offsets *o, char *buf,
			       size_t size)
{
	snprintf(buf, size,
		 "runtime_interpreters_head=%u,interp_threads_head=%u,"
		 "tstate_next=%u,tstate_thread_id=%u,"
		 "tstate_native_thread_id=%u,tstate_frame=%u,"
		 "tstate_cframe=%u,cframe_current_frame=%u,frame_code=%u,"
		 "frame_previous=%u,frame_instr=%u,frame_owner=%u,"
		 "frame_is_entry=%u,code_first_instr=%u,code_name=%u,"
		 "code_qualname=%u,code_filename=%u,code_firstlineno=%u,"
		 "code_linetable=%u,unicode_state=%u,unicode_ascii_data=%u,"
		 "unicode_compact_data=%u,bytes_size=%u,bytes_data=%u,"
		 "type_of_object=%u",
		 o->runtime_interpreters_head, o->interp_threads_head,
		 o->tstate_next, o->tstate_thread_id,
		 o->tstate_native_thread_id, o->tstate_frame, o->tstate_cframe,
		 o->cframe_current_frame, o->frame_code, o->frame_previous,
		 o->frame_instr, o->frame_owner, o->frame_is_entry,
		 o->code_first_instr, o->code_name, o->code_qualname,
		 o->code_filename, o->code_firstlineno, o->code_linetable,
		 o->unicode_state, o->unicode_ascii_data,
		 o->unicode_compact_data, o->bytes_size, o->bytes_data,
		 o->type_of_object);
}

static inline struct truth *run_truth(struct interp *in)
{
	char offsets[2048], cmd[2 * PATH_MAX + 2400];
	struct truth *t = xrealloc(NULL, sizeof(*t));
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int rc;

	memset(t, 0, sizeof(*t));
	offsets_arg(&in->info.off, offsets, sizeof(offsets));
	snprintf(cmd, sizeof(cmd), "'%s' -I '%s' '%s' '%s' %d %d 2>&1",
		 in->exe, script, offsets, in->runtime_real, WS_PY_NAME_LEN,
		 WS_PY_FILE_LEN);
	fp = popen(cmd, "r");
	if (!fp) {
		t->n_errors++;
		return t;
	}
	while (getline(&line, &cap, fp) > 0)
		parse_truth_line(t, line);
	free(line);
	rc = pclose(fp);
	if (rc) {
		fprintf(stderr, "%s: ground truth script exited %d\n",
			in->label, rc);
		t->n_errors++;
	}
	return t;
}

static inline void free_str(struct pystr *s)
{
	free(s->raw);
	free(s->utf8);
}

static inline void free_truth(struct truth *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n_codes; i++) {
		struct code_dump *d = &t->codes[i];

		free(d->tag);
		free(d->lt_mem);
		free(d->lt_attr);
		free_str(&d->name);
		free_str(&d->qualname);
		free_str(&d->filename);
		free(d->lines);
	}
	for (i = 0; i < t->n_walk; i++)
		free(t->walk[i].tag);
	free(t->codes);
	free(t->walk);
	free(t->maps);
	free(t);
}

static inline struct truth *need_truth(struct interp *in)
{
	struct truth *t = in->truth;

	assert_non_null(t);
	if (t->n_errors || !t->done)
		fail_msg("%s: ground truth script: %zu errors, %s", in->label,
			 t->n_errors, t->done ? "finished" : "did not finish");
	return t;
}

static inline const struct code_dump *find_dump(const struct truth *t,
						const char *tag)
{
	size_t i;

	for (i = 0; i < t->n_codes; i++)
		if (!strcmp(t->codes[i].tag, tag))
			return &t->codes[i];
	fail_msg("no code dump %s", tag);
	return NULL;
}

static inline void set_str(char *dst, size_t room, __u8 *kind,
			   const struct pystr *s)
{
	memset(dst, 0, room);
	*kind = s->kind < 0 ? 0 : s->kind;
	if (s->kind >= 0)
		memcpy(dst, s->raw, s->raw_len < room ? s->raw_len : room);
}

/* A ws_py_code as BPF fills it, from a dump: the memory copy (mem) or
 * the Python attributes (the line table only; names always as copied). */
static inline void code_from_dump(const struct code_dump *d, bool mem,
				  struct ws_py_code *c)
{
	const uint8_t *lt = mem ? d->lt_mem : d->lt_attr;
	size_t len = mem ? d->lt_mem_len : d->lt_attr_len;

	memset(c, 0, sizeof(*c));
	c->firstlineno = mem ? d->first_mem : d->first_attr;
	c->linetable_full = len > UINT16_MAX ? UINT16_MAX : len;
	c->linetable_len = len < WS_PY_LINETABLE_LEN ? len :
			   WS_PY_LINETABLE_LEN;
	memcpy(c->linetable, lt, c->linetable_len);
	set_str(c->name, sizeof(c->name), &c->name_kind, &d->name);
	set_str(c->qualname, sizeof(c->qualname), &c->qualname_kind,
		&d->qualname);
	set_str(c->filename, sizeof(c->filename), &c->filename_kind,
		&d->filename);
}

/* The CPythons found and detected, and each one's ground truth. */
static inline int truth_setup(void **state)
{
	size_t i;

	if (interps_setup(state) || write_script())
		return -1;
	for (i = 0; i < N_INTERPS; i++) {
		struct interp *in = &interps[i];

		if (in->present && !in->detect_err)
			in->truth = run_truth(in);
	}
	return 0;
}

static inline int truth_teardown(void **state)
{
	size_t i;

	for (i = 0; i < N_INTERPS; i++) {
		free_truth(interps[i].truth);
		interps[i].truth = NULL;
	}
	return interps_teardown(state);
}

/* A test run on each CPython, as "name label". */
struct per_interp {
	const char *name;
	CMUnitTestFunction fn;
};

/* The group: each of per on each CPython, then common; the ground
 * truth set up. */
static inline int run_python_tests(const char *group,
				   const struct per_interp *per, size_t n_per,
				   const struct CMUnitTest *common,
				   size_t n_common)
{
	const size_t n = n_common + N_INTERPS * n_per;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	size_t i, j, k = 0;
	int rc;

	if (!tests)
		return 1;
	for (i = 0; i < N_INTERPS; i++) {
		for (j = 0; j < n_per; j++, k++) {
			char *name;

			if (asprintf(&name, "%s %s", per[j].name,
				     interps[i].label) < 0)
				return 1;
			tests[k].name = name;
			tests[k].test_func = per[j].fn;
			tests[k].initial_state = &interps[i];
		}
	}
	if (n_common)
		memcpy(tests + k, common, n_common * sizeof(*common));
	rc = _cmocka_run_group_tests(group, tests, n, truth_setup,
				     truth_teardown);
	for (k = 0; k < N_INTERPS * n_per; k++)
		free((char *)tests[k].name);
	free(tests);
	return rc;
}

#endif
