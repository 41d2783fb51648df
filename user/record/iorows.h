/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O tables' rows once the recording ends: empty ones dropped, each
 * table sorted (the busiest rows first), and the files looked at: the
 * size of those read (how many times over they were read), and which of
 * those opened but never read nor written are directories.  Bounded in
 * rows, and nothing the workload names is opened with more than the
 * user's rights.
 */
#ifndef WHYSLOW_IOROWS_H
#define WHYSLOW_IOROWS_H

#include "profile/profile.h"

/* Drops rows with nothing in them (a path whose events were lost, a
 * program only the command exec'd), sorts each table by time, and sets
 * io->files[].size and .directory. */
void io_rows_finish(struct io_summary *io);

#endif
