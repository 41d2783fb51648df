// SPDX-License-Identifier: GPL-2.0
/* See pystacks.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "record/pystacks.h"

struct py_thread_stack {
	uint32_t pid;
	uint64_t hash;		/* 0: none */
	struct ws_py_head head;
	struct ws_py_frame *frames;
	uint32_t cap;
};

struct py_stacks {
	struct intern tids;
	struct py_thread_stack *stacks;	/* per tids item */
	size_t cap;
};

/* n frames after a header of hdr bytes fit in an event of size bytes. */
static bool frames_fit(uint32_t n, size_t hdr, size_t size)
{
	return n <= WS_PY_MAX_FRAMES && size >= hdr &&
	       (size - hdr) / sizeof(struct ws_py_frame) >= n;
}

bool py_frames_of_sample(const struct ws_sample *s, size_t size,
			 struct py_frames *out)
{
	memset(out, 0, sizeof(*out));
	if (!frames_fit(s->py.n, sizeof(*s), size))
		return false;
	out->frames = s->py_frames;
	out->n = s->py.n;
	out->truncated = s->py.truncated;
	return true;
}

struct py_stacks *py_stacks_new(void)
{
	struct py_stacks *ps = calloc(1, sizeof(*ps));

	if (ps)
		intern_init(&ps->tids);
	return ps;
}

void py_stacks_free(struct py_stacks *ps)
{
	size_t i;

	if (!ps)
		return;
	for (i = 0; i < ps->tids.n; i++)
		free(ps->stacks[i].frames);
	free(ps->stacks);
	intern_free(&ps->tids);
	free(ps);
}

int py_stacks_add(struct py_stacks *ps, const void *event, size_t size)
{
	struct ws_py_event ev;
	struct py_thread_stack *st;
	struct ws_py_frame *frames;
	int added;
	int64_t i;

	if (size < sizeof(ev))
		return -EINVAL;
	memcpy(&ev, event, sizeof(ev));
	if (!ev.hash || !frames_fit(ev.py.n, sizeof(ev), size))
		return -EINVAL;
	i = intern_bytes(&ps->tids, &ev.tid, sizeof(ev.tid), &added);
	if (i < 0 || intern_items_reserve((void **)&ps->stacks, &ps->cap, i,
					  sizeof(*st)))
		return -ENOMEM;
	st = &ps->stacks[i];
	st->hash = 0;
	if (ev.py.n > st->cap) {
		frames = realloc(st->frames, ev.py.n * sizeof(*frames));
		if (!frames)
			return -ENOMEM;
		st->frames = frames;
		st->cap = ev.py.n;
	}
	memcpy(st->frames, (const struct ws_py_event *)event + 1,
	       ev.py.n * sizeof(*st->frames));
	st->pid = ev.pid;
	st->head = ev.py;
	st->hash = ev.hash;
	return 0;
}

bool py_stacks_find(const struct py_stacks *ps, uint32_t pid, uint32_t tid,
		    uint64_t hash, struct py_frames *out)
{
	int64_t i = hash ? intern_find(&ps->tids, &tid, sizeof(tid)) : -1;
	const struct py_thread_stack *st;

	memset(out, 0, sizeof(*out));
	if (i < 0)
		return false;
	st = &ps->stacks[i];
	if (st->hash != hash || st->pid != pid)
		return false;
	out->frames = st->frames;
	out->n = st->head.n;
	out->truncated = st->head.truncated;
	return true;
}

void py_codes_init(struct py_codes *pc)
{
	intern_init(&pc->keys);
	pc->data = NULL;
	pc->cap = 0;
}

void py_codes_free(struct py_codes *pc)
{
	intern_free(&pc->keys);
	free(pc->data);
}

int py_codes_add(struct py_codes *pc, const struct ws_py_code_key *k,
		 const struct ws_py_code *code)
{
	/* the key's bytes, padding included, are what intern compares */
	struct ws_py_code_key key = { .pid = k->pid, .ident = k->ident,
				      .code = k->code };
	int added;
	int64_t i = intern_bytes(&pc->keys, &key, sizeof(key), &added);

	if (i < 0 || intern_items_reserve((void **)&pc->data, &pc->cap, i,
					  sizeof(*code)))
		return -ENOMEM;
	pc->data[i] = *code;
	return 0;
}

const struct ws_py_code *py_codes_find(const struct py_codes *pc,
				       uint32_t pid, uint32_t ident,
				       uint64_t code)
{
	struct ws_py_code_key key = { .pid = pid, .ident = ident,
				      .code = code };
	int64_t i = intern_find(&pc->keys, &key, sizeof(key));

	return i >= 0 ? &pc->data[i] : NULL;
}
