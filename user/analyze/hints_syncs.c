// SPDX-License-Identifier: GPL-2.0
/*
 * The syncs hint: fsync, fdatasync or sync_file_range called again and
 * again, or writes to a file opened O_DSYNC or O_SYNC (dd oflag=dsync, a
 * log kept so), each waiting until the file's data is on the disk.  A
 * program that syncs after every record (SQLite commits each statement
 * run outside a transaction: its journal twice, the database, the
 * directory) waits on the disk's flushes, however little it writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"
#include "syscalls.h"

struct syncs {
	uint64_t count;		/* calls, on every file */
	uint64_t ns;		/* their time */
	size_t files;		/* files synced */
	const struct io_file *most;	/* the file synced most */
	uint64_t writes;	/* synchronous writes, on every file */
	uint64_t writes_ns;	/* their time */
	size_t write_files;
	const struct io_file *most_written;
	bool by_writes;		/* the writes took longer than the calls */
	int64_t frame;		/* where the waits in them were made, -1 */
	bool sqlite;		/* an SQLite journal or write-ahead log */
};

static void syncs_files(const struct profile *p, struct syncs *z)
{
	size_t i;

	for (i = 0; i < p->io.n_files; i++) {
		const struct io_file *f = &p->io.files[i];

		if (f->sync_writes) {
			z->writes += f->sync_writes;
			z->writes_ns += f->sync_write_ns;
			z->write_files++;
			if (!z->most_written ||
			    f->sync_writes > z->most_written->sync_writes)
				z->most_written = f;
		}
		if (!f->syncs)
			continue;
		z->count += f->syncs;
		z->ns += f->sync_ns;
		z->files++;
		if (!z->most || f->syncs > z->most->syncs)
			z->most = f;
		if (f->path && (str_ends_with(f->path, "-journal") ||
				str_ends_with(f->path, "-wal")))
			z->sqlite = true;
	}
	z->by_writes = z->writes_ns > z->ns;
}

/* A syscall that writes: where a synchronous write waits. */
static bool write_syscall(long nr)
{
	return nr == WS_NR_write || nr == WS_NR_pwrite64 ||
	       nr == WS_NR_writev || nr == WS_NR_pwritev ||
	       nr == WS_NR_pwritev2;
}

/* Where the syncs that blocked waited most: their stacks' innermost
 * application frame, by time. */
static void syncs_where(const struct profile *p, struct syncs *z,
			uint64_t *by_frame)
{
	int64_t f;
	size_t i;

	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		if (s->reason == WAIT_NONE ||
		    !(z->by_writes ? write_syscall(s->syscall) :
				     ws_sync_syscall(s->syscall)))
			continue;
		f = display_frame(p, s->frames, s->n_frames);
		if (f < 0 || (size_t)f >= p->n_frames)
			continue;
		by_frame[f] += s->ns;
		if (z->frame < 0 || by_frame[f] > by_frame[z->frame])
			z->frame = f;
	}
}

/* "1,500 writes to /tmp/out, opened with O_DSYNC or O_SYNC, took ..." */
static void sync_writes_text(struct hint_list *h, struct hint *hint,
			     const struct syncs *z, const char *where)
{
	char count[NUM_SIZE], files[NUM_SIZE], time[TIME_SIZE], pct[NUM_SIZE];

	hint_fmt_count(count, z->writes);
	hint_fmt_count(files, z->write_files);
	hint_fmt_time(time, z->writes_ns);
	hint_fmt_pct(pct, z->writes_ns, h->p->wall_ns);
	hint_text(hint, "%s writes to %s%s%s%s, opened with O_DSYNC or "
		  "O_SYNC, took %s, %s of wall time%s%s: each waits until its "
		  "data is on the disk — write in fewer, larger pieces, or "
		  "open the file without O_DSYNC/O_SYNC and sync once per "
		  "batch of writes.", count, z->most_written->path,
		  z->write_files > 1 ? " and " : "",
		  z->write_files > 1 ? files : "",
		  z->write_files > 2 ? " other files" :
		  z->write_files > 1 ? " other file" : "", time, pct,
		  where ? ", from " : "", where ? where : "");
}

static void sync_calls_text(struct hint_list *h, struct hint *hint,
			    const struct syncs *z, const char *where)
{
	char count[NUM_SIZE], files[NUM_SIZE], most[NUM_SIZE];
	char time[TIME_SIZE], pct[NUM_SIZE];

	hint_fmt_count(count, z->count);
	hint_fmt_count(files, z->files);
	hint_fmt_count(most, z->most->syncs);
	hint_fmt_time(time, z->ns);
	hint_fmt_pct(pct, z->ns, h->p->wall_ns);
	hint_text(hint, "%s fsync/fdatasync calls on %s file%s took %s, %s "
		  "of wall time, most on %s (%s)%s%s: each waits until the "
		  "data is on the disk — %s", count, files,
		  z->files == 1 ? "" : "s", time, pct, z->most->path, most,
		  where ? ", from " : "", where ? where : "",
		  z->sqlite ? "SQLite syncs at every commit, and a statement "
			      "run outside a transaction is one: run many in "
			      "one transaction (BEGIN … COMMIT), or use "
			      "PRAGMA journal_mode=WAL with "
			      "synchronous=NORMAL." :
			      "sync once per batch of writes, not after each "
			      "one.");
}

static void syncs_hint(struct hint_list *h, const struct syncs *z)
{
	struct hint hint = { .rule = "syncs", .names_cause = true };
	char *where = hint_location(h, z->frame);
	const struct io_file *most = z->by_writes ? z->most_written : z->most;
	uint64_t ns = z->by_writes ? z->writes_ns : z->ns;

	if (z->by_writes)
		sync_writes_text(h, &hint, z, where);
	else
		sync_calls_text(h, &hint, z, where);
	hint_field_uint(&hint, "syncs", z->count);
	hint_field_uint(&hint, "files", z->files);
	hint_field_uint(&hint, "sync_ns", z->ns);
	hint_field_uint(&hint, "sync_writes", z->writes);
	hint_field_uint(&hint, "sync_write_ns", z->writes_ns);
	hint_field_real(&hint, "time_pct", pct_of(ns, h->p->wall_ns));
	hint_field_copy(h, &hint, "path", most->path);
	hint_field_uint(&hint, "path_syncs", z->by_writes ?
			most->sync_writes : most->syncs);
	hint_field_own(&hint, "location", where);
	hint_field_copy(h, &hint, "advice", z->by_writes ? "fewer_sync_writes" :
			z->sqlite ? "sqlite_transaction" : "batch_syncs");
	hint_push(h, &hint);
}

/*
 * Syncs many times over for a fair share of the wall time: the program
 * waits on the disk's flushes, not on its writes.  One sync at the end,
 * however long, is not this.
 */
void hint_syncs(struct hint_list *h)
{
	const struct profile *p = h->p;
	struct syncs z = { .frame = -1 };
	uint64_t *by_frame;

	syncs_files(p, &z);
	if (z.by_writes ? z.writes < SYNCS_MIN_COUNT ||
			  !hint_at_least_pct(z.writes_ns, p->wall_ns,
					     SYNCS_MIN_PCT) :
			  z.count < SYNCS_MIN_COUNT ||
			  !hint_at_least_pct(z.ns, p->wall_ns, SYNCS_MIN_PCT))
		return;
	by_frame = calloc(p->n_frames ? p->n_frames : 1, sizeof(*by_frame));
	if (!by_frame) {
		h->err = -ENOMEM;
		return;
	}
	syncs_where(p, &z, by_frame);
	free(by_frame);
	syncs_hint(h, &z);
}
