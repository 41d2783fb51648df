/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pprof format (profile.proto, gzip-compressed): a profile to bytes and
 * back.  Standard fields carry what pprof, Pyroscope, Parca, speedscope or
 * pprof-to-md read: sample types samples/count, cpu/nanoseconds and
 * offcpu/nanoseconds, labels pid, tid, thread, reason, syscall, target,
 * functions, locations with their addresses, mappings with the files'
 * own layout and build-ids (the program's executable first, so that
 * go tool pprof -disasm finds the code), period, time, duration.
 * What pprof cannot hold (frame classes, thread and process records, data
 * quality, notes, the I/O tables) travels in field 15 of Location, Sample
 * and the period_type ValueType, which other readers skip; README
 * documents it.  A profile written by whyslow
 * reads back equal, so its reports are the same bytes.  Profiles of other
 * tools (a Go CPU profile, @datadog/pprof) read back as on-CPU samples of
 * the sample type that best measures time (one that measures none is
 * refused); a whyslow profile another tool re-encoded, with its waits.
 *
 * The input is untrusted: every length, index and count is checked, and
 * decoding is bounded (PPROF_MAX_INFLATED bytes after gunzip).
 */
#ifndef WHYSLOW_PPROF_H
#define WHYSLOW_PPROF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "profile/profile.h"

#define PPROF_MAX_INFLATED	(1u << 30)	/* bytes of protobuf */

/* p as a gzip-compressed profile.proto to f.  0 or -errno. */
int pprof_write(FILE *f, const struct profile *p);

/*
 * Decodes data (gzip-compressed or plain profile.proto) into *out (zeroed
 * first; free with profile_free, also after an error).  0, or -EINVAL with
 * a sentence in err ("not a gzip file", "truncated at byte 1234", ...),
 * or -ENOMEM.
 */
int pprof_read(const uint8_t *data, size_t len, struct profile *out,
	       char *err, size_t errlen);

/* pprof_read of a file, or folded_read when it is text (folded stacks,
 * pprof/folded_read.h); -errno of open/read with err set too. */
int pprof_load(const char *path, struct profile *out, char *err,
	       size_t errlen);

#endif
