/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report and diff tools: saved profiles read and rendered to text by
 * report/'s writers.  A profile in the session's own directory (root's,
 * mode 0700) is read as root; any other path with the user's rights, as
 * `whyslow report` does.
 */
#ifndef WHYSLOW_MCP_VIEW_H
#define WHYSLOW_MCP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include "mcp/tools.h"

/*
 * The text of a report or diff tool call: 0 with *text (malloc'd) set,
 * or -1 with one line in err saying what is wrong.  session_dir: the
 * directory whose files are read as root, or NULL.
 */
int view_run(const struct tools_args *a, const char *session_dir,
	     char **text, size_t *len, char *err, size_t errlen);

/* Whether path names a file directly in dir (no "..", no deeper). */
bool view_in_dir(const char *path, const char *dir);

#endif
