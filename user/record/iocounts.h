/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How often each row of the I/O tables (a file, an endpoint, a spawned
 * program) came from each site, the collector's sites being per process:
 * which site each row came from most, and how many processes opened each
 * file, found once the recording ends.
 */
#ifndef WHYSLOW_IOCOUNTS_H
#define WHYSLOW_IOCOUNTS_H

#include <stddef.h>
#include <stdint.h>
#include "profile/profile.h"

/* Failed opens count apart until the processes that opened each file are
 * counted, then with the file's opens. */
enum io_count_table {
	IO_COUNT_FILE,
	IO_COUNT_ENDPOINT,
	IO_COUNT_PROGRAM,
	IO_COUNT_FILE_FAILED,
};

/* An open-addressing table (16 bytes an entry: a run of many processes
 * keeps hundreds of thousands, one per file and site). */
struct io_counts {
	struct io_count_slot {
		uint64_t key;	/* 0: empty */
		uint64_t count;
	} *slots;
	size_t cap;		/* 0 or a power of two; once finished, the
				 * entries' number (a sorted array) */
	size_t n;
};

void io_counts_init(struct io_counts *c);
void io_counts_free(struct io_counts *c);

/*
 * One event of row in table from site (-1: its stacks not sent) by
 * process pid: a file's open is counted at its process without a site
 * too; other tables' events without one are not.  0 or -ENOMEM.
 */
int io_counts_add(struct io_counts *c, enum io_count_table table,
		  uint32_t row, int64_t site, uint32_t pid);

/*
 * Sets each row's site (the one it came from most, sites equal once
 * symbolized counting as one), a file's site_opens and procs, a spawn's
 * site_count; the rows of sum still in the order they were added, its
 * sites symbolized.  Nothing is added after.  0 or -ENOMEM.
 */
int io_counts_finish(struct io_counts *c, struct io_summary *sum);

#endif
