/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code that ran without names, and what would name it: a stripped
 * binary's ("[git+0x28a290]") wants its debug symbols; a JIT's
 * anonymous code ("[unknown]") wants the runtime to write a perf map.
 */
#ifndef WHYSLOW_UNNAMED_H
#define WHYSLOW_UNNAMED_H

#include "analyze/aggregate.h"

/* Runtimes that write a perf map when asked, for their JIT code. */
enum unnamed_runtime {
	UNNAMED_RT_NONE,
	UNNAMED_RT_NODE,	/* node --perf-basic-prof */
	UNNAMED_RT_PYTHON,	/* python3.12 -X perf */
	UNNAMED_RT_JAVA,	/* -XX:+DumpPerfMapAtExit */
};

struct unnamed_code {
	/* the binary whose stripped code ran most on-CPU samples */
	const char *module;	/* NULL when none */
	const char *path;
	uint64_t samples;
	/* samples with anonymous executable code that no perf map named
	 * on their stack */
	uint64_t anon_samples;
	uint32_t anon_pid;	/* the process with most of them */
	const char *anon_program;	/* its executable's basename */
	enum unnamed_runtime runtime;	/* what it is, when one that can
					 * write a perf map */
	bool perf_map;		/* some code was named from a perf map */
	/* samples of a JIT runtime's process (the one with most) whose stack
	 * its perf map leaves incomplete, and which runtime: a JVM's that
	 * start in its code (compiled Java keeps no frame pointer: callers
	 * lost), node's under V8's interpreter (functions it runs not named
	 * without --interpreted-frames-native-stack) */
	uint64_t jit_gap;
	enum unnamed_runtime jit_gap_rt;
};

/*
 * On-CPU samples whose innermost user frame is in a binary's code with no
 * symbol (the binary of most), those with anonymous code no perf map
 * covered on their stack, and those whose JIT frames are incomplete
 * (jit_gap).  0 or -ENOMEM.
 */
int unnamed_code_find(const struct profile *p, const struct aggregate *agg,
		      struct unnamed_code *out);

/* A frame of stripped code ("[git+0x1f]"). */
bool unnamed_frame_stripped(const struct frame *f);

#endif
