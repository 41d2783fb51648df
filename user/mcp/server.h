/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `whyslow mcp`: the Model Context Protocol server on stdin and stdout
 * (logs on stderr).  Call after sudo_init().
 */
#ifndef WHYSLOW_MCP_SERVER_H
#define WHYSLOW_MCP_SERVER_H

#include <jansson.h>
#include "mcp/rpc.h"

/* The protocol versions answered, newest first. */
extern const char *const server_versions[];

/* Serves until stdin ends or SIGINT, SIGTERM, SIGHUP: the exit code. */
int server_run(const char *version);

struct server;

/*
 * One message of the client, handled as server_run does (a request is
 * answered on the server's output, a tools/call of record starts a
 * recording).  For tests: a server writing to out_fd.
 */
struct server *server_new(int out_fd, const char *version);
void server_handle(struct server *s, struct rpc_msg *msg);
void server_free(struct server *s);

#endif
