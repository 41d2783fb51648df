/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Markdown summary's state, shared by md.c (the main sections) and
 * md_io.c (the I/O section).
 */
#ifndef WHYSLOW_MD_H
#define WHYSLOW_MD_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/aggregate.h"
#include "analyze/runs.h"
#include "analyze/unnamed.h"
#include "analyze/hints.h"
#include "report/md_util.h"
#include "classify/wait.h"

/* The categories of one thread's time, or all threads', most first. */
struct category_rows {
	const struct time_split *time;
	enum wait_reason order[WAIT__COUNT];
	size_t n;
};

struct md {
	struct md_doc doc;
	const struct profile *p;
	const struct aggregate *agg;
	const struct hint *hints;	/* what to do about it: hints.h */
	size_t n_hints;
	bool threaded;		/* threads' times can add up past the wall */
	bool by_wall;		/* waits were traced: functions by wall time */
	/* Where the wall time went: the main thread's when threaded. */
	const struct thread_stat *main_thread;
	struct category_rows wall;
	char **sources;		/* text of the hot lines that may show */
	struct path_row *path_rows;	/* hot call paths as they show */
	size_t n_path_rows;
	struct wait_row *wait_rows;	/* top waits as they show */
	size_t n_wait_rows;
	size_t n_sources;
	size_t n_io_procs;	/* io.procs with requests */
	bool io_started;	/* the I/O section's heading is out */
	bool unsampled_noted;	/* "[x: not sampled]" explained */
	struct unnamed_code unnamed;	/* code without names: one scan,
					 * for the verdict and Data quality */
	struct path_run runs[RUNS_MAX];	/* the longest runs on the path
					 * (md_plan), for the verdict and
					 * its table */
	size_t n_runs;
	/* Files opened more than once that the by-time table left out, by
	 * opens: io.files indexes. */
	size_t *reopened;
	size_t n_reopened;
	/* How each file's path shows: path_short_plan(), by io.files
	 * index. */
	size_t *file_from;
};

/* Rows each table got, for the omitted: line. */
struct shown {
	size_t categories;
	size_t thread_walls;
	size_t funcs;
	size_t lines;
	size_t paths;
	size_t waits;
	size_t threads;
	size_t hints;
	size_t files;
	size_t reopened;
	size_t endpoints;
	size_t io_procs;
	size_t spawns;
	size_t cp_programs;
	size_t cp_funcs;
	bool brief_quality;	/* Data quality without its method notes */
};

typedef char *(*row_fn)(const struct md *m, size_t i);

/* md_rows over the summary's row functions. */
int md_table(struct md *m, const char *head, size_t n, row_fn row,
	     size_t *shown);

/* The I/O section, when the profile traced I/O: md_io.c. */
int md_io(struct md *m, struct shown *shown);

/* What a row of waits is for and where: " (recv from 10.0.0.1:80 in
 * `fetch`)", " (read a.html and 29,928 others in `read`)" for a row of
 * many targets; nothing when it has neither. */
void md_wait_context(struct md *m, const struct wait_row *wait);
/* "read a.html", or "read a.html and 29,928 others" for a row of many
 * targets, into buf (WAIT_TARGET_SIZE). */
void md_wait_target(char *buf, const struct wait_row *wait);
/* path_format made safe for a code span; NULL when out of memory. */
char *md_path_text(const struct aggregate *agg, const struct path_stat *path);
/* The Verdict section (md_verdict.c). */
int md_verdict(struct md *m);

/* The critical path (md_critical.c), when known (agg->cp_known): the
 * verdict's text, and the "Critical path" section. */
int md_critical_verdict(struct md *m);
/* " `python3` is a launcher (bash): 310.0 ms in 41 processes before
 * python3.11 started (31.0% of wall)." (md_critical_section.c) */
void md_launcher_say(struct md *m, const struct critical_launcher *l);
/* The largest launcher, when it held a fair share of the path and more
 * than the program that does the work (a script running python through
 * pyenv's shim at each line): the verdict says it first; NULL else. */
const struct critical_launcher *md_leading_launcher(const struct md *m);
/* The verdict's sentences on the two largest launchers worth saying, but
 * the one said first. */
void md_launchers_sentence(struct md *m, const struct critical_launcher *said);
/* Busiest source lines the verdict names, at most: m->sources holds
 * their text (md_verdict_text loads as many). */
#define MD_VERDICT_LINES	2
/* ": system calls `openat` 21.1%, `read` 6.6%; page faults 12.8%": the
 * kernel's parts of at least 5% of whole, as shares of it; how many. */
size_t md_kernel_parts(struct md *m, const struct kernel_split *ks,
		       uint64_t whole);

/*
 * For a library's or runtime's function fs: " called from `sort_many(…)`
 * (cpp.cpp:10)", the application function it was called from on most of
 * its time (aggregate_app_caller); nothing for an application function.
 */
int md_called_from(struct md *m, const struct func_stat *fs);
/* A table's "where" cell of fs into where (FRAME_WHERE_SIZE): its file
 * and line, or module, and for code no symbol names the exported function
 * of its binary it runs inside (aggregate_stripped_entry): "libz.so.1, in
 * `inflate`". */
void md_func_where(const struct md *m, const struct func_stat *fs,
		   char *where);

/* After the verdict (md_unnamed.c): the stripped binary it names a
 * function of, or JIT code with no names, and what would name them. */
void md_unnamed_verdict(struct md *m);
int md_critical(struct md *m, size_t *shown_programs, size_t *shown_funcs);
/* A frame the critical path made for time no event showed ("[date: not
 * sampled]"), and the sentence that says what it is, said once. */
void md_unsampled_note(struct md *m);

#endif /* WHYSLOW_MD_H */
