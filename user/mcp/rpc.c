// SPDX-License-Identifier: GPL-2.0
/* JSON-RPC lines and messages; see rpc.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "mcp/rpc.h"

#define READ_CHUNK	(64u << 10)

void rpc_reader_init(struct rpc_reader *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void rpc_reader_free(struct rpc_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* Room for want more bytes after the unread ones, which move to the front. */
static int reader_room(struct rpc_reader *r, size_t want)
{
	size_t cap;
	char *buf;

	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len >= want)
		return 0;
	cap = r->cap ? r->cap : READ_CHUNK;
	while (cap - r->len < want)
		cap *= 2;
	buf = realloc(r->buf, cap + 1);	/* + the NUL of a line */
	if (!buf)
		return -ENOMEM;
	r->buf = buf;
	r->cap = cap;
	return 0;
}

long rpc_reader_fill(struct rpc_reader *r, int fd)
{
	ssize_t got;

	if (reader_room(r, READ_CHUNK))
		return -ENOMEM;
	do
		got = read(fd, r->buf + r->len, r->cap - r->len);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	r->len += got;
	return got;
}

int rpc_reader_feed(struct rpc_reader *r, const char *data, size_t len)
{
	if (reader_room(r, len))
		return -ENOMEM;
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

/*
 * A line over max is dropped as it arrives (its bytes never pile up past
 * max), and told once; reading goes on after its '\n'.
 */
enum rpc_line rpc_reader_next(struct rpc_reader *r, char **line, size_t *len)
{
	char *start = r->buf + r->pos, *nl;
	size_t avail = r->len - r->pos;

	nl = avail > r->scanned ?
		memchr(start + r->scanned, '\n', avail - r->scanned) : NULL;
	if (!nl) {
		r->scanned = avail;
		if (avail <= r->max)
			return RPC_LINE_NONE;
		r->len = r->pos = r->scanned = 0;	/* drop what came */
		if (r->skipping)
			return RPC_LINE_NONE;
		r->skipping = true;
		return RPC_LINE_TOO_LONG;
	}
	r->pos += nl - start + 1;
	r->scanned = 0;
	if (r->skipping || (size_t)(nl - start) > r->max) {
		bool told = r->skipping;

		r->skipping = false;
		return told ? rpc_reader_next(r, line, len) : RPC_LINE_TOO_LONG;
	}
	*nl = '\0';
	*line = start;
	*len = nl - start;
	return RPC_LINE_OK;
}

json_t *rpc_text(const char *s, size_t len)
{
	static const char repl[] = "\xef\xbf\xbd";
	size_t i = 0, n, out = 0;
	json_t *str;
	char *fixed;

	/* a NUL ends a sequence, so utf8_len never reads past s[len] */
	if (memchr(s, 0, len) == NULL) {
		while (i < len && (n = utf8_len((const unsigned char *)s + i)))
			i += n;
		if (i == len)
			return json_stringn(s, len);
	}
	fixed = malloc(len * 3 + 1);
	if (!fixed)
		return NULL;
	for (i = 0; i < len; i += n) {
		n = s[i] ? utf8_len((const unsigned char *)s + i) : 0;
		if (n && i + n <= len) {
			memcpy(fixed + out, s + i, n);
			out += n;
		} else {
			memcpy(fixed + out, repl, 3);
			out += 3;
			n = 1;
		}
	}
	str = json_stringn(fixed, out);
	free(fixed);
	return str;
}

json_t *rpc_result(json_t *id, json_t *result)
{
	json_t *msg;

	if (!result)
		return NULL;
	msg = json_pack("{s:s, s:O?, s:o}", "jsonrpc", "2.0", "id", id,
			"result", result);
	return msg;
}

json_t *rpc_error(json_t *id, int code, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return json_pack("{s:s, s:O?, s:{s:i, s:o}}", "jsonrpc", "2.0",
			 "id", id ? id : json_null(), "error", "code", code,
			 "message", rpc_text(text, strlen(text)));
}

json_t *rpc_tool_text(const char *text, size_t len, bool is_error)
{
	return json_pack("{s:[{s:s, s:o}], s:b}", "content", "type", "text",
			 "text", rpc_text(text, len), "isError", is_error);
}

/* Always -1: the message earned msg->reply. */
static int msg_invalid(struct rpc_msg *msg, json_t *id, int code,
		       const char *what)
{
	msg->kind = RPC_INVALID;
	msg->reply = rpc_error(id, code, "%s", what);
	return -1;
}

/* An id MCP allows: a string or an integer (not null, not a float). */
static bool valid_id(const json_t *id)
{
	return json_is_string(id) || json_is_integer(id);
}

static int parse_object(struct rpc_msg *msg)
{
	json_t *root = msg->root, *ver = json_object_get(root, "jsonrpc");
	json_t *id = json_object_get(root, "id");
	json_t *method = json_object_get(root, "method");
	json_t *params = json_object_get(root, "params");

	if (id && !valid_id(id))
		return msg_invalid(msg, NULL, RPC_INVALID_REQUEST,
				   "Invalid Request: id must be a string or "
				   "an integer");
	if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0"))
		return msg_invalid(msg, id, RPC_INVALID_REQUEST,
				   "Invalid Request: jsonrpc must be \"2.0\"");
	if (!method && id && (json_object_get(root, "result") ||
			      json_object_get(root, "error"))) {
		msg->kind = RPC_RESPONSE;
		msg->id = id;
		return 0;
	}
	if (!json_is_string(method))
		return msg_invalid(msg, id, RPC_INVALID_REQUEST,
				   "Invalid Request: method must be a string");
	if (params && !json_is_object(params))
		return msg_invalid(msg, id, RPC_INVALID_PARAMS,
				   "Invalid params: params must be an object");
	msg->kind = id ? RPC_REQUEST : RPC_NOTIFICATION;
	msg->id = id;
	msg->method = json_string_value(method);
	msg->params = params;
	return 0;
}

void rpc_parse(const char *line, size_t len, struct rpc_msg *msg)
{
	json_error_t jerr;

	memset(msg, 0, sizeof(*msg));
	msg->root = json_loadb(line, len, JSON_REJECT_DUPLICATES |
			       JSON_DECODE_ANY, &jerr);
	if (!msg->root) {
		msg->kind = RPC_INVALID;
		msg->reply = rpc_error(NULL, RPC_PARSE_ERROR,
				       "Parse error: %s (at byte %d)",
				       jerr.text, jerr.position);
		return;
	}
	if (json_is_array(msg->root))
		msg_invalid(msg, NULL, RPC_INVALID_REQUEST, "Invalid Request: "
			    "batches are not supported (MCP 2025-06-18)");
	else if (!json_is_object(msg->root))
		msg_invalid(msg, NULL, RPC_INVALID_REQUEST,
			    "Invalid Request: not a JSON object");
	else
		parse_object(msg);
}

void rpc_msg_free(struct rpc_msg *msg)
{
	json_decref(msg->root);
	json_decref(msg->reply);
	memset(msg, 0, sizeof(*msg));
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

int rpc_send(int fd, json_t *msg)
{
	char *text;
	int err;

	if (!msg)
		return -ENOMEM;
	/* compact: newlines inside strings are escaped, one line a message */
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text)
		return -ENOMEM;
	err = write_all(fd, text, strlen(text));
	if (!err)
		err = write_all(fd, "\n", 1);
	free(text);
	return err;
}
