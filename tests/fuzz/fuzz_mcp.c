// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what `whyslow mcp` reads from its client (`make
 * fuzz`, see README.md): each input is fed to the line reader in pieces,
 * at a small line bound, and every line goes through rpc_parse(); a
 * tools/call's arguments through tools_parse(); every answer is written
 * out.  Anything may be refused; nothing may crash, leak or read out of
 * bounds, and what is refused says why.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp/rpc.h"
#include "mcp/tools.h"

#define LINE_MAX_FUZZ	4096
#define PIECE		97	/* bytes fed at a time: lines split anywhere */

static int devnull = -1;

static void check_call(const struct rpc_msg *m)
{
	json_t *name = json_object_get(m->params, "name");
	struct tools_args a;
	char err[256] = "";
	int ret;

	if (!json_is_string(name))
		return;
	ret = tools_parse(json_string_value(name),
			  json_object_get(m->params, "arguments"), &a, err,
			  sizeof(err));
	if (ret && ret != -12 /* ENOMEM */ && !err[0])
		abort();	/* refused without a reason */
	tools_args_free(&a);
}

static void handle(const char *line, size_t len)
{
	struct rpc_msg m;

	rpc_parse(line, len, &m);
	if (m.kind == RPC_INVALID && rpc_send(devnull, json_incref(m.reply)))
		abort();
	if (m.kind == RPC_REQUEST && !strcmp(m.method, "tools/call"))
		check_call(&m);
	rpc_msg_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_reader r;
	enum rpc_line got;
	size_t off, n, len;
	char *line;

	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	rpc_reader_init(&r, LINE_MAX_FUZZ);
	for (off = 0; off < size; off += n) {
		n = size - off < PIECE ? size - off : PIECE;
		if (rpc_reader_feed(&r, (const char *)data + off, n))
			break;
		while ((got = rpc_reader_next(&r, &line, &len)) !=
		       RPC_LINE_NONE)
			if (got == RPC_LINE_OK)
				handle(line, len);
		if (r.len - r.pos > LINE_MAX_FUZZ)
			abort();	/* a line's bytes piled up */
	}
	rpc_reader_free(&r);
	return 0;
}
