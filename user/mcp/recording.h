/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record tool: a recording runs in a child process of the server,
 * which record_run()s exactly as `whyslow record` does (the command as the
 * sudo user, held before exec) and hands back the summary as one JSON
 * line on a pipe.  The server stays free to answer (ping, cancellation);
 * SIGINT ends a recording as Ctrl-C ends `whyslow record`; and whatever
 * happens in the child, its exit closes every BPF object it loaded.
 */
#ifndef WHYSLOW_MCP_RECORDING_H
#define WHYSLOW_MCP_RECORDING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>
#include "mcp/tools.h"

#define RECORDING_MAX_REPLY	(64u << 20)	/* bytes from the child */

struct recording {
	pid_t pid;		/* the child; 0: no recording */
	int fd;			/* the read end of its reply */
	char *buf;		/* the reply so far */
	size_t len, cap;
	json_t *id;		/* the tools/call's id */
	json_t *token;		/* its progressToken, or NULL */
	char *profile;		/* where the profile is saved */
	double duration_s;
	uint64_t start_ns;
	uint64_t last_tick_ns;	/* of the last progress notification */
	bool cancelled;
};

/*
 * Starts recording a's command (or PID), the profile saved to profile:
 * as root when own (a file of the session's directory), else with the
 * user's rights.  id and token are kept (referenced).  0 or -errno.
 */
int recording_start(struct recording *r, const struct tools_args *a,
		    const char *profile, bool own, json_t *id, json_t *token);

/* Reads what the child sent: 1 while more may come, 0 when it is all
 * there (end of file, or too long), -errno. */
int recording_read(struct recording *r);

/* Waits for the child; the tools/call result (a CallToolResult, isError
 * when the recording failed).  r is reset.  NULL without memory. */
json_t *recording_finish(struct recording *r);

/* Ends the recording early (SIGINT); its summary still comes. */
void recording_cancel(struct recording *r);

/* At exit: cancels, waits at most grace_ms, then kills.  r is reset. */
void recording_abort(struct recording *r, int grace_ms);

/* A notifications/progress message when the recording has a token and
 * a second passed since the last, else NULL. */
json_t *recording_progress(struct recording *r, uint64_t now_ns);

#endif
