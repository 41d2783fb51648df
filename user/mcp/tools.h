/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three tools (record, report, diff): their JSON Schemas for
 * tools/list, and the checking of a tools/call's arguments against them.
 */
#ifndef WHYSLOW_MCP_TOOLS_H
#define WHYSLOW_MCP_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "report/report.h"

#define TOOLS_MAX_ARGV		4096	/* words of a command */
#define TOOLS_MAX_PATH		4096	/* bytes of a path or a focus */

enum tools_name {
	TOOL_RECORD,
	TOOL_REPORT,
	TOOL_DIFF,
};

/* A tools/call's arguments, checked; strings are copies. */
struct tools_args {
	enum tools_name tool;
	char **argv;		/* record: the command, NULL-terminated */
	uint32_t pid;		/* record: or a running process */
	double duration_s;	/* 0: until the command ends */
	unsigned int freq;
	bool no_offcpu, no_io;
	char *save;		/* record: where the profile goes, or NULL */
	char *profile;		/* report */
	char *before, *after;	/* diff */
	char *focus;		/* report: the focus view of these */
	struct report_opts rep;	/* format (md or json), top, budget */
};

/* {"tools": [...]} for tools/list; NULL without memory. */
json_t *tools_list(void);

/*
 * name's arguments (NULL: none) into *a.  0; -ENOENT for an unknown tool
 * or -EINVAL for arguments its schema refuses, a sentence in err; -ENOMEM.
 * Free *a with tools_args_free after any return.
 */
int tools_parse(const char *name, json_t *args, struct tools_args *a,
		char *err, size_t errlen);

void tools_args_free(struct tools_args *a);

#endif
