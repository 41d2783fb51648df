// SPDX-License-Identifier: GPL-2.0
/* mcp/server.c and mcp/tools.c without root: each method's answer, the
 * version negotiated, tools/call arguments checked against their schema,
 * the report tool's errors as isError results. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mcp/server.h"
#include "mcp/tools.h"
#include "mcp/view.h"

#define CALL "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","

struct fixture {
	FILE *out;
	struct server *s;
	long read_pos;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->out = tmpfile();
	f->s = server_new(fileno(f->out), "9.9");
	*state = f;
	return f->out && f->s ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	server_free(f->s);
	fclose(f->out);
	free(f);
	return 0;
}

/* The answer to text, parsed; NULL when none was written. */
static json_t *ask(struct fixture *f, const char *text)
{
	struct rpc_msg msg;
	char *line = NULL;
	size_t cap = 0;
	json_t *ans;

	rpc_parse(text, strlen(text), &msg);
	server_handle(f->s, &msg);
	rpc_msg_free(&msg);
	fseek(f->out, f->read_pos, SEEK_SET);
	if (getline(&line, &cap, f->out) <= 0) {
		free(line);
		return NULL;
	}
	f->read_pos = ftell(f->out);
	ans = json_loads(line, 0, NULL);
	free(line);
	assert_non_null(ans);
	return ans;
}

static int code_of(json_t *ans)
{
	return json_integer_value(json_object_get(json_object_get(ans,
						"error"), "code"));
}

static const char *message_of(json_t *ans)
{
	return json_string_value(json_object_get(json_object_get(ans,
						"error"), "message"));
}

static void expect_code(struct fixture *f, const char *text, int code,
			const char *says)
{
	json_t *ans = ask(f, text);

	assert_non_null(ans);
	assert_int_equal(code_of(ans), code);
	if (says && !strstr(message_of(ans), says))
		fail_msg("'%s' not in '%s'", says, message_of(ans));
	json_decref(ans);
}

static void test_initialize(void **state)
{
	struct fixture *f = *state;
	json_t *ans, *res;

	ans = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
		  "\"params\":{\"protocolVersion\":\"2024-11-05\","
		  "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
		  "\"version\":\"1\"}}}");
	res = json_object_get(ans, "result");
	assert_string_equal(json_string_value(json_object_get(res,
				"protocolVersion")), "2024-11-05");
	assert_non_null(json_object_get(json_object_get(res, "capabilities"),
					"tools"));
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(res, "serverInfo"), "version")), "9.9");
	json_decref(ans);

	/* one it does not know: its own newest */
	ans = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\","
		  "\"params\":{\"protocolVersion\":\"2099-01-01\"}}");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(ans, "result"), "protocolVersion")),
		"2025-06-18");
	json_decref(ans);
	expect_code(f, "{\"jsonrpc\":\"2.0\",\"id\":3,"
		    "\"method\":\"initialize\","
		    "\"params\":{\"protocolVersion\":5}}", -32602,
		    "protocolVersion");
}

static void test_methods(void **state)
{
	struct fixture *f = *state;
	json_t *ans, *tools, *t;
	size_t i;

	ans = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}");
	assert_string_equal(json_string_value(json_object_get(ans, "id")),
			    "p");
	assert_int_equal(json_object_size(json_object_get(ans, "result")), 0);
	json_decref(ans);

	ans = ask(f, "{\"jsonrpc\":\"2.0\",\"id\":2,"
		  "\"method\":\"tools/list\"}");
	tools = json_object_get(json_object_get(ans, "result"), "tools");
	assert_int_equal(json_array_size(tools), 3);
	json_array_foreach(tools, i, t)
		assert_string_equal(json_string_value(json_object_get(
			json_object_get(t, "inputSchema"), "type")), "object");
	json_decref(ans);

	expect_code(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"}",
		    -32601, "nope");
	/* notifications are never answered, known or not */
	assert_null(ask(f, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}"));
	assert_null(ask(f, "{\"jsonrpc\":\"2.0\",\"method\":"
			"\"notifications/cancelled\",\"params\":"
			"{\"requestId\":99}}"));
	assert_null(ask(f, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}"));
	expect_code(f, "{\"jsonrpc\":", -32700, "Parse error");
}

static void test_call_errors(void **state)
{
	struct fixture *f = *state;

	expect_code(f, CALL
		    "\"params\":{\"name\":\"flame\"}}", -32602, "unknown tool");
	expect_code(f, CALL
		    "\"params\":{\"name\":7}}", -32602, "name");
	expect_code(f, CALL
		    "\"params\":{\"name\":\"report\",\"arguments\":[]}}",
		    -32602, "object");
	expect_code(f, CALL
		    "\"params\":{\"name\":\"report\",\"arguments\":{}}}",
		    -32602, "profile is required");
	expect_code(f, CALL
		    "\"params\":{\"name\":\"record\",\"arguments\":"
		    "{\"command\":\"ls -l\"}}}", -32602, "command");
}

/* What a tool cannot do is a result the model reads, isError. */
static void test_report_missing(void **state)
{
	struct fixture *f = *state;
	json_t *ans, *res;

	ans = ask(f, CALL
		  "\"params\":{\"name\":\"report\",\"arguments\":"
		  "{\"profile\":\"/nonexistent/x.pb.gz\"}}}");
	res = json_object_get(ans, "result");
	assert_true(json_is_true(json_object_get(res, "isError")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(res, "content"), 0), "text")),
		"no such profile: /nonexistent/x.pb.gz");
	json_decref(ans);
}

static struct tools_args parse_ok(const char *tool, const char *args)
{
	json_t *j = json_loads(args, 0, NULL);
	struct tools_args a;
	char err[256] = "";

	assert_non_null(j);
	if (tools_parse(tool, j, &a, err, sizeof(err)))
		fail_msg("%s %s: %s", tool, args, err);
	json_decref(j);
	return a;
}

static void parse_bad(const char *tool, const char *args, const char *says)
{
	json_t *j = json_loads(args, 0, NULL);
	struct tools_args a;
	char err[256] = "";

	assert_non_null(j);
	assert_int_equal(tools_parse(tool, j, &a, err, sizeof(err)), -EINVAL);
	if (!strstr(err, says))
		fail_msg("%s %s: '%s' not in '%s'", tool, args, says, err);
	tools_args_free(&a);
	json_decref(j);
}

static void test_tools_parse(void **state)
{
	struct tools_args a;

	(void)state;
	a = parse_ok("record", "{\"command\":[\"make\",\"-j2\"],"
		     "\"duration_s\":2.5,\"frequency_hz\":99,\"offcpu\":false,"
		     "\"format\":\"json\",\"budget\":800,\"top\":5}");
	assert_string_equal(a.argv[0], "make");
	assert_string_equal(a.argv[1], "-j2");
	assert_null(a.argv[2]);
	assert_true(a.duration_s == 2.5);
	assert_int_equal(a.freq, 99);
	assert_true(a.no_offcpu);
	assert_false(a.no_io);
	assert_int_equal(a.rep.format, FORMAT_JSON);
	assert_int_equal(a.rep.budget_tokens, 800);
	assert_int_equal(a.rep.top, 5);
	tools_args_free(&a);

	a = parse_ok("record", "{\"command\":1234}");
	assert_int_equal(a.pid, 1234);
	assert_null(a.argv);
	assert_int_equal(a.freq, 999);
	assert_int_equal(a.rep.format, FORMAT_MD);
	tools_args_free(&a);

	a = parse_ok("report", "{\"profile\":\"p.pb.gz\",\"focus\":\"main\"}");
	assert_string_equal(a.rep.focus, "main");
	tools_args_free(&a);

	parse_bad("record", "{}", "command");
	parse_bad("record", "{\"command\":[]}", "1 to 4096 words");
	parse_bad("record", "{\"command\":[\"\"]}", "program name");
	parse_bad("record", "{\"command\":[\"ls\",3]}", "command[1]");
	parse_bad("record", "{\"command\":0}", "PID");
	parse_bad("record", "{\"command\":[\"ls\"],\"duration_s\":0}",
		  "duration_s");
	parse_bad("record", "{\"command\":[\"ls\"],\"duration_s\":\"1\"}",
		  "duration_s");
	parse_bad("record", "{\"command\":[\"ls\"],\"frequency_hz\":1.5}",
		  "frequency_hz");
	parse_bad("record", "{\"command\":[\"ls\"],\"offcpu\":1}", "offcpu");
	parse_bad("record", "{\"command\":[\"ls\"],\"save\":\"-\"}", "save");
	parse_bad("record", "{\"command\":[\"ls\"],\"as_root\":true}",
		  "unknown argument 'as_root'");
	parse_bad("report", "{\"profile\":\"\"}", "profile");
	parse_bad("report", "{\"profile\":\"p\",\"format\":\"svg\"}",
		  "format");
	parse_bad("report", "{\"profile\":\"p\",\"budget\":10}", "budget");
	parse_bad("diff", "{\"before\":\"a\"}", "after");
}

/* A 10 MB string is refused by its length, not by the server. */
static void test_long_string(void **state)
{
	size_t n = 10u << 20;
	char *args = malloc(n + 32);
	json_t *j;
	struct tools_args a;
	char err[256];

	(void)state;
	strcpy(args, "{\"profile\":\"");
	memset(args + 12, 'a', n);
	strcpy(args + 12 + n, "\"}");
	j = json_loads(args, 0, NULL);
	assert_non_null(j);
	assert_int_equal(tools_parse("report", j, &a, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "1 to 4096 bytes"));
	tools_args_free(&a);
	json_decref(j);
	free(args);
}

/* Only a file right in the session's directory is read as root. */
static void test_in_dir(void **state)
{
	const char *d = "/tmp/whyslow-mcp-abc";

	(void)state;
	assert_true(view_in_dir("/tmp/whyslow-mcp-abc/record-1.pb.gz", d));
	assert_false(view_in_dir("/tmp/whyslow-mcp-abc/../etc/shadow", d));
	assert_false(view_in_dir("/tmp/whyslow-mcp-abc/sub/x", d));
	assert_false(view_in_dir("/tmp/whyslow-mcp-abc/..", d));
	assert_false(view_in_dir("/tmp/whyslow-mcp-abc/", d));
	assert_false(view_in_dir("/tmp/whyslow-mcp-abcd/x", d));
	assert_false(view_in_dir("/tmp/whyslow-mcp-ab/x", d));
	assert_false(view_in_dir("tmp/whyslow-mcp-abc/x", d));
	assert_false(view_in_dir("/tmp/whyslow-mcp-abc/x", NULL));
	assert_false(view_in_dir("/tmp/whyslow-mcp-abc/x", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initialize, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_methods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_missing, setup,
						teardown),
		cmocka_unit_test(test_tools_parse),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_in_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
