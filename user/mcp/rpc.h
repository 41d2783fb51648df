/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON-RPC 2.0 as MCP's stdio transport carries it: one message a line,
 * lines of at most a bound, each parsed (jansson) into a request, a
 * notification or the error answer it earns.
 *
 * report/json_util.c defines a json_string() of its own, which wins over
 * jansson's at link time: mcp/ builds strings with rpc_text() or
 * json_stringn() only.
 */
#ifndef WHYSLOW_MCP_RPC_H
#define WHYSLOW_MCP_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define RPC_MAX_LINE	(16u << 20)	/* bytes of one message */

/* JSON-RPC's error codes. */
enum {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
};

/* Lines read from a descriptor, each at most max bytes. */
struct rpc_reader {
	char *buf;
	size_t len, cap, max;
	size_t pos;		/* where the next line starts */
	size_t scanned;		/* bytes from pos known to hold no '\n' */
	bool skipping;		/* inside a line that was too long */
};

enum rpc_line {
	RPC_LINE_NONE,		/* no whole line yet */
	RPC_LINE_OK,
	RPC_LINE_TOO_LONG,	/* one line over max, dropped */
};

void rpc_reader_init(struct rpc_reader *r, size_t max);
void rpc_reader_free(struct rpc_reader *r);

/* One read(2) into r: bytes read, 0 at end of file, or -errno. */
long rpc_reader_fill(struct rpc_reader *r, int fd);

/* Appends bytes as a read would (for tests): 0 or -ENOMEM. */
int rpc_reader_feed(struct rpc_reader *r, const char *data, size_t len);

/* The next line, without its '\n' and NUL-terminated in place (valid until
 * the next fill or feed). */
enum rpc_line rpc_reader_next(struct rpc_reader *r, char **line,
			      size_t *len);

enum rpc_kind {
	RPC_REQUEST,		/* method and id: answer it */
	RPC_NOTIFICATION,	/* method, no id: never answered */
	RPC_RESPONSE,		/* result or error: nothing of ours asked */
	RPC_INVALID,		/* answer with msg->reply */
};

struct rpc_msg {
	enum rpc_kind kind;
	json_t *root;		/* the parsed message, owned */
	json_t *id;		/* borrowed from root */
	const char *method;
	json_t *params;		/* an object, or NULL */
	json_t *reply;		/* RPC_INVALID: the error to send, owned */
};

/* A line as a message; never fails (an error is RPC_INVALID). */
void rpc_parse(const char *line, size_t len, struct rpc_msg *msg);
void rpc_msg_free(struct rpc_msg *msg);

/* Answers to id (NULL: null).  result is stolen.  NULL without memory. */
json_t *rpc_result(json_t *id, json_t *result);
json_t *rpc_error(json_t *id, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* s[0..len) as a JSON string, bad UTF-8 (and NUL) replaced by U+FFFD;
 * s[len] is a NUL, as a C string's or a memstream's. */
json_t *rpc_text(const char *s, size_t len);

/* A tools/call result (CallToolResult) of one text; NULL without memory. */
json_t *rpc_tool_text(const char *text, size_t len, bool is_error);

/* msg as one line on fd; msg is released.  0 or -errno. */
int rpc_send(int fd, json_t *msg);

#endif
