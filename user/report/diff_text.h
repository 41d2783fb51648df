/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How whyslow diff words a change and its verdict, in Markdown and JSON
 * alike (diff_text.c).
 */
#ifndef WHYSLOW_DIFF_TEXT_H
#define WHYSLOW_DIFF_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyze/diff.h"
#include "report/md_util.h"

#define DIFF_CHANGE_SIZE	80	/* "2.0× faster", "own time 8.0 ms → 40.0 ms" */
#define DIFF_DELTA_SIZE		(DURATION_SIZE + 4)

/* How a change of each kind of time reads. */
enum diff_words { DIFF_WORDS_TIME, DIFF_WORDS_OWN, DIFF_WORDS_WAIT };

/* "−1.94 s", "+20.0 ms", "0 ns"; buf holds DIFF_DELTA_SIZE bytes. */
void diff_text_delta(char *buf, const struct diff_change *c);

/*
 * "2.0× faster", "1.5× slower", "≈" within noise, ... in the words of w;
 * buf holds DIFF_CHANGE_SIZE bytes.
 */
void diff_text_change(char *buf, const struct diff_change *c,
		      enum diff_words w);

/*
 * The verdict: the wall time's change, then what changed most within it;
 * names as Markdown code spans when md.
 */
void diff_text_verdict(FILE *f, const struct diff *d, bool md);

/* The verdict as plain text, for JSON; NULL when out of memory. */
char *diff_text_verdict_string(const struct diff *d);

#endif
