// SPDX-License-Identifier: GPL-2.0
/*
 * The standard parts of a profile.proto shared by foreign and whyslow
 * profiles: functions, mappings, locations and samples.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/clone.h"

#include "lib/util.h"
#include "pprof/decode.h"
#include "pprof/internal.h"

void pprof_tables_free(struct tables *t)
{
	size_t i;

	for (i = 0; i < t->n_locs; i++)
		free(t->locs[i].lines);
	free(t->fns);
	free(t->maps);
	free(t->locs);
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return CMP(x, y);
}

/* Records sorted by id (their first member); duplicate ids are refused. */
static int sort_ids(struct reader *rd, void *recs, size_t n, size_t size,
		    const char *what)
{
	size_t i;

	qsort(recs, n, size, cmp_id);
	for (i = 1; i < n; i++)
		if (!cmp_id((char *)recs + (i - 1) * size, (char *)recs + i * size))
			return pprof_fail(rd,
					"not a valid pprof profile: duplicate "
					"%s id", what);
	return 0;
}

void *pprof_find_id(void *recs, size_t n, size_t size, uint64_t id)
{
	return id ? bsearch(&id, recs, n, size, cmp_id) : NULL;
}

static int read_functions(struct reader *rd, struct tables *t)
{
	size_t n = rd->top.n[PROFILE_FUNCTION], i;
	uint64_t v[5];
	int err;

	t->fns = pprof_calloc(rd, n + 1, sizeof(*t->fns));
	if (!t->fns)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = pprof_read_small(rd, &rd->top.of[PROFILE_FUNCTION][i], v, 5,
				 "function");
		if (err)
			return err;
		if (!v[0] || v[1] >= rd->n_strs || v[2] >= rd->n_strs ||
		    v[3] >= rd->n_strs)
			return pprof_fail(rd,
					"not a valid pprof profile: function %zu "
					"has no id or a bad string index", i);
		t->fns[i] = (struct function_rec){ .id = v[0], .name = v[1],
						   .system_name = v[2],
						   .filename = v[3],
						   .start_line = (int64_t)v[4] };
	}
	t->n_fns = n;
	return sort_ids(rd, t->fns, n, sizeof(*t->fns), "function");
}

/* Whether span s holds the bytes of the C string c. */
static bool span_is(const struct span *s, const char *c, size_t len)
{
	return s && s->len == len && !memcmp(s->data, c, len);
}

/* Whether sys is "file:name", what the writer gives code without symbols
 * (Python) so that pprof keeps its name. */
static bool is_file_qualified(const struct span *file, const struct span *sys,
			      const char *name, size_t len)
{
	return file && file->len && sys->len == file->len + 1 + len &&
	       !memcmp(sys->data, file->data, file->len) &&
	       sys->data[file->len] == ':' &&
	       !memcmp(sys->data + file->len + 1, name, len);
}

int pprof_function_names(struct reader *rd, const struct function_rec *fn,
			 bool fold_clones, char **name, char **system_name)
{
	const struct span *sys = pprof_string_ref(rd, fn->system_name);
	size_t len, base;
	int err;

	*system_name = NULL;
	err = pprof_string_at(rd, fn->name, false, name);
	if (err || !**name)	/* no name: no symbol either */
		return err;
	len = strlen(*name);
	if (sys && sys->len && !span_is(sys, *name, len) &&
	    !is_file_qualified(pprof_string_ref(rd, fn->filename), sys, *name,
			       len))
		return pprof_string_at(rd, fn->system_name, true, system_name);
	base = fold_clones ? clone_suffix_start(*name, len) : len;
	if (!base || base == len)
		return 0;
	*system_name = *name;
	*name = pprof_strndup(rd, *system_name, base);
	return *name ? 0 : rd->failed ? -EINVAL : -ENOMEM;
}

uint64_t pprof_location_offset(const struct location_rec *loc,
			       const struct mapping_rec *map)
{
	if (!map || loc->address < map->start || loc->address >= map->limit)
		return loc->address;
	return loc->address - map->start + map->offset;
}

static int read_mappings(struct reader *rd, struct tables *t)
{
	size_t n = rd->top.n[PROFILE_MAPPING], i;
	uint64_t v[6];
	int err;

	t->maps = pprof_calloc(rd, n + 1, sizeof(*t->maps));
	if (!t->maps)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = pprof_read_small(rd, &rd->top.of[PROFILE_MAPPING][i], v, 6,
				 "mapping");
		if (err)
			return err;
		if (!v[0] || v[4] >= rd->n_strs || v[5] >= rd->n_strs)
			return pprof_fail(rd,
					"not a valid pprof profile: mapping %zu "
					"has no id or a bad string index", i);
		t->maps[i] = (struct mapping_rec){ .id = v[0], .start = v[1],
						   .limit = v[2],
						   .offset = v[3],
						   .filename = v[4],
						   .build_id = v[5] };
	}
	t->n_maps = n;
	return sort_ids(rd, t->maps, n, sizeof(*t->maps), "mapping");
}

static int read_location(struct reader *rd, const struct span *sp,
			 struct location_rec *loc)
{
	struct pb_reader r;
	struct pb_field f;
	size_t cap = 0;
	uint64_t v[2];
	int got, err;

	pb_reader_init(&r, sp->data, sp->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num == LOCATION_ID && f.wire == PB_VARINT)
			loc->id = f.v;
		else if (f.num == LOCATION_MAPPING_ID && f.wire == PB_VARINT)
			loc->mapping_id = f.v;
		else if (f.num == LOCATION_ADDRESS && f.wire == PB_VARINT)
			loc->address = f.v;
		else if (f.num == WHYSLOW_FIELD && f.wire == PB_LEN)
			loc->extra = (struct span){ f.data, f.len };
		if (f.num != LOCATION_LINE || f.wire != PB_LEN)
			continue;
		err = pprof_read_small(rd, &(struct span){ f.data, f.len }, v, 2,
				 "line");
		if (err)
			return err;
		if (pprof_reserve(rd, (void **)&loc->lines, &cap, loc->n_lines,
				  sizeof(*loc->lines)))
			return -ENOMEM;
		loc->lines[loc->n_lines++] = (struct line_rec){
			.function_id = v[0], .line = (int64_t)v[1] };
	}
	if (got < 0)
		return pprof_malformed(rd, &r, "location");
	if (!loc->id)
		return pprof_fail(rd,
				"not a valid pprof profile: a location has "
				"no id");
	return 0;
}

static int read_locations(struct reader *rd, struct tables *t)
{
	size_t n = rd->top.n[PROFILE_LOCATION], i;
	int err;

	t->locs = pprof_calloc(rd, n + 1, sizeof(*t->locs));
	if (!t->locs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		t->n_locs = i + 1;
		err = read_location(rd, &rd->top.of[PROFILE_LOCATION][i],
				    &t->locs[i]);
		if (err)
			return err;
	}
	t->n_locs = n;
	return sort_ids(rd, t->locs, n, sizeof(*t->locs), "location");
}

int pprof_tables_read(struct reader *rd, struct tables *t)
{
	int err = read_functions(rd, t);

	if (!err)
		err = read_mappings(rd, t);
	if (!err)
		err = read_locations(rd, t);
	return err;
}

static int read_label(struct reader *rd, const struct pb_field *f,
		      struct sample_rec *s)
{
	uint64_t v[4];
	int err = pprof_read_small(rd, &(struct span){ f->data, f->len }, v, 4,
			     "label");

	if (err)
		return err;
	if (pprof_string_is(rd, v[0], "pid") || pprof_string_is(rd, v[0], "process_id"))
		s->pid = v[2];
	else if (pprof_string_is(rd, v[0], "tid") || pprof_string_is(rd, v[0], "thread_id"))
		s->tid = v[2];
	else if ((pprof_string_is(rd, v[0], "thread") ||
		  pprof_string_is(rd, v[0], "thread_name")) && v[1] < rd->n_strs)
		s->thread = v[1];
	else if (v[1] >= rd->n_strs)
		return 0;
	else if (pprof_string_is(rd, v[0], "reason"))
		s->reason = v[1];
	else if (pprof_string_is(rd, v[0], "syscall"))
		s->syscall = v[1];
	else if (pprof_string_is(rd, v[0], "target"))
		s->target = v[1];
	return 0;
}

int pprof_sample_read(struct reader *rd, const struct span *sp,
		      struct sample_rec *s)
{
	struct pb_values it;
	struct pb_reader r;
	struct pb_field f;
	uint64_t v;
	int got, err, more;

	s->n_locs = s->n_vals = 0;
	s->pid = s->tid = s->thread = 0;
	s->reason = s->syscall = s->target = 0;
	s->truncated = false;
	s->extra.data = NULL;
	pb_reader_init(&r, sp->data, sp->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num == SAMPLE_LABEL && f.wire == PB_LEN) {
			if ((err = read_label(rd, &f, s)))
				return err;
			continue;
		}
		if (f.num == WHYSLOW_FIELD && f.wire == PB_LEN) {
			s->extra = (struct span){ f.data, f.len };
			continue;
		}
		if (f.num != SAMPLE_LOCATION_ID && f.num != SAMPLE_VALUE)
			continue;
		pb_values_init(&it, &f);
		while ((more = pb_values_next(&it, &v)) > 0) {
			if (f.num == SAMPLE_VALUE) {
				if (s->n_vals == MAX_SAMPLE_TYPES)
					return pprof_fail(rd,
							"not a valid pprof "
							"profile: too many values "
							"in a sample");
				if (v > MAX_SAMPLE_VALUE)
					return pprof_fail(rd,
							"unsupported pprof "
							"profile: a sample value "
							"is negative or over 2^50");
				s->vals[s->n_vals++] = v;
			} else if (s->n_locs == MAX_STACK_DEPTH) {
				s->truncated = true;
			} else if (intern_items_reserve((void **)&s->locs,
							&s->cap_locs, s->n_locs,
							sizeof(*s->locs))) {
				return -ENOMEM;
			} else {
				s->locs[s->n_locs++] = v;
			}
		}
		if (more < 0)
			return pprof_malformed(rd, &it.r, "packed values");
	}
	return got < 0 ? pprof_malformed(rd, &r, "sample") : 0;
}
