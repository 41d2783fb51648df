// SPDX-License-Identifier: GPL-2.0
/* Raw frames → profile frames, one or more each; see framerun.h. */
#include <errno.h>
#include <stdlib.h>

#include "classify/frame.h"
#include "lib/intern.h"
#include "record/framerun.h"

int frame_runs_add(struct frame_runs *fr, struct frame_run *run, uint32_t id)
{
	if (intern_items_reserve((void **)&fr->ids, &fr->cap_ids, fr->n_ids,
				 sizeof(*fr->ids)))
		return -ENOMEM;
	if (!run->n)
		run->first = fr->n_ids;
	fr->ids[fr->n_ids++] = id;
	run->n++;
	return 0;
}

uint32_t *frame_runs_expand(const struct frame_runs *fr,
			    const struct frame_run *map, const uint32_t *raw,
			    uint32_t n, uint32_t *out_n)
{
	const struct frame_run *run;
	uint32_t j, m, total = 0, *frames;

	for (j = 0; j < n; j++)
		total += map[raw[j]].n;
	frames = calloc(total ? total : 1, sizeof(*frames));
	if (!frames)
		return NULL;
	*out_n = 0;
	for (j = 0; j < n; j++) {
		run = &map[raw[j]];
		for (m = 0; m < run->n; m++)
			frames[(*out_n)++] = fr->ids[run->first + m];
	}
	return frames;
}

void frame_runs_free(struct frame_runs *fr)
{
	free(fr->ids);
	fr->ids = NULL;
	fr->n_ids = fr->cap_ids = 0;
}

enum frame_class frame_source_class(enum frame_class cls,
				    const struct frame *f, bool go_table)
{
	if (go_table && cls == CLASS_APP)
		return classify_go_name(f->name);
	return classify_source(cls, f->file, f->name, getenv("GOROOT"));
}

struct frame *frame_inlined(const struct frame *outer,
			    const struct sym_inline *in, struct frame *out)
{
	*out = *outer;
	out->name = (char *)in->name;
	out->system_name = (char *)in->system_name;
	out->file = (char *)in->file;
	out->line = in->line;
	out->start_line = 0;
	out->inlined = true;
	/* Go's or Rust's standard library inlined into the app's code */
	out->cls = frame_source_class(outer->cls, out, false);
	return out;
}
