/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pprof writer and reader share, private to pprof/: the field
 * numbers of profile.proto's messages, the field whyslow's own data rides
 * in, the order of whyslow's sample values, and the writer's string table.
 */
#ifndef WHYSLOW_PPROF_INTERNAL_H
#define WHYSLOW_PPROF_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "lib/intern.h"

/* profile.proto field numbers */
enum {
	PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE, PROFILE_MAPPING,
	PROFILE_LOCATION, PROFILE_FUNCTION, PROFILE_STRING_TABLE,
	PROFILE_DROP_FRAMES, PROFILE_KEEP_FRAMES, PROFILE_TIME_NANOS,
	PROFILE_DURATION_NANOS, PROFILE_PERIOD_TYPE, PROFILE_PERIOD,
	PROFILE_COMMENT, PROFILE_DEFAULT_SAMPLE_TYPE,
	PROFILE_FIELDS,
};
enum { VT_TYPE = 1, VT_UNIT };
enum { SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE, SAMPLE_LABEL };
enum { LABEL_KEY = 1, LABEL_STR, LABEL_NUM, LABEL_NUM_UNIT };
enum { MAPPING_ID = 1, MAPPING_START, MAPPING_LIMIT, MAPPING_OFFSET,
       MAPPING_FILENAME, MAPPING_BUILD_ID, MAPPING_HAS_FUNCTIONS };
enum { LOCATION_ID = 1, LOCATION_MAPPING_ID, LOCATION_ADDRESS, LOCATION_LINE };
enum { LINE_FUNCTION_ID = 1, LINE_LINE };
enum { FUNCTION_ID = 1, FUNCTION_NAME, FUNCTION_SYSTEM_NAME,
       FUNCTION_FILENAME, FUNCTION_START_LINE };

/*
 * whyslow's own data rides in field 15 of messages that stop at a lower
 * field: per frame in its Location, per stack in its Sample, the rest in
 * the period_type ValueType.  Readers skip fields they do not know, and
 * one-byte keys suit decoders that read no others (npm's pprof-format).
 */
#define WHYSLOW_FIELD	15

/* The sample values whyslow writes, in this order: samples and cpu are
 * a CPU profile on their own (tools that pick "samples" see that), waits
 * and offcpu count and time the traced waits, wall is their sum. */
enum { VAL_SAMPLES, VAL_CPU, VAL_WAITS, VAL_OFFCPU, VAL_WALL, VAL_COUNT };
#define READ_CHUNK		(1u << 16)

/* The writer's state: the string table, built as strings are met. */
struct writer {
	struct intern strs;
	int err;
};

static inline uint64_t pprof_str_id(struct writer *w, const char *s)
{
	int added;
	int64_t i = intern_bytes(&w->strs, s ? s : "", s ? strlen(s) : 0,
				 &added);

	if (i < 0) {
		w->err = i;
		return 0;
	}
	return i;
}

#endif
