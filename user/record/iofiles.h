/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files of the I/O table looked at once the recording ends: the size
 * of those read (how many times over they were read), and which of those
 * opened but never read nor written are directories.  Bounded in rows,
 * and nothing the workload names is opened with more than the user's
 * rights.
 */
#ifndef WHYSLOW_IOFILES_H
#define WHYSLOW_IOFILES_H

#include "profile/profile.h"

/* Sets io->files[].size and .directory; the busiest rows first. */
void io_files_inspect(struct io_summary *io);

#endif
