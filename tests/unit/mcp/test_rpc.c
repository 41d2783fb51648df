// SPDX-License-Identifier: GPL-2.0
/* mcp/rpc.c: bounded lines, JSON-RPC messages classified and the error
 * each malformed one earns, strings made valid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mcp/rpc.h"

static void feed(struct rpc_reader *r, const char *s)
{
	assert_int_equal(rpc_reader_feed(r, s, strlen(s)), 0);
}

static void expect_line(struct rpc_reader *r, const char *want)
{
	size_t len;
	char *line;

	assert_int_equal(rpc_reader_next(r, &line, &len), RPC_LINE_OK);
	assert_string_equal(line, want);
	assert_int_equal(len, strlen(want));
}

/* A message split over reads is whole once its '\n' comes. */
static void test_reader_split(void **state)
{
	struct rpc_reader r;
	size_t len;
	char *line;

	(void)state;
	rpc_reader_init(&r, 64);
	feed(&r, "{\"a\":");
	assert_int_equal(rpc_reader_next(&r, &line, &len), RPC_LINE_NONE);
	feed(&r, "1}\n{\"b\":2}\n\n{\"c\"");
	expect_line(&r, "{\"a\":1}");
	expect_line(&r, "{\"b\":2}");
	expect_line(&r, "");
	assert_int_equal(rpc_reader_next(&r, &line, &len), RPC_LINE_NONE);
	feed(&r, ":3}\n");
	expect_line(&r, "{\"c\":3}");
	rpc_reader_free(&r);
}

/* A line over the bound is told once, whether it came whole or in
 * pieces, its bytes never kept past the bound; the next line is read. */
static void test_reader_too_long(void **state)
{
	char big[200];
	struct rpc_reader r;
	size_t len, i;
	char *line;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	rpc_reader_init(&r, 64);
	feed(&r, big);
	feed(&r, "\nok\n");
	assert_int_equal(rpc_reader_next(&r, &line, &len), RPC_LINE_TOO_LONG);
	expect_line(&r, "ok");

	for (i = 0; i < 10; i++) {
		feed(&r, big);
		assert_int_equal(rpc_reader_next(&r, &line, &len),
				 i ? RPC_LINE_NONE : RPC_LINE_TOO_LONG);
		assert_true(r.len - r.pos <= 64);
	}
	feed(&r, "tail\nnext\n");
	expect_line(&r, "next");
	assert_int_equal(rpc_reader_next(&r, &line, &len), RPC_LINE_NONE);
	rpc_reader_free(&r);
}

/* Exactly the bound is still a message. */
static void test_reader_at_bound(void **state)
{
	char line64[66];
	struct rpc_reader r;

	(void)state;
	memset(line64, 'y', 64);
	line64[64] = '\n';
	line64[65] = '\0';
	rpc_reader_init(&r, 64);
	feed(&r, line64);
	line64[64] = '\0';
	expect_line(&r, line64);
	rpc_reader_free(&r);
}

static int error_code(const struct rpc_msg *m)
{
	return json_integer_value(json_object_get(json_object_get(m->reply,
								  "error"),
						  "code"));
}

static void parse(const char *text, struct rpc_msg *m)
{
	rpc_parse(text, strlen(text), m);
}

static void expect_error(const char *text, int code, bool id_null)
{
	struct rpc_msg m;

	parse(text, &m);
	assert_int_equal(m.kind, RPC_INVALID);
	assert_int_equal(error_code(&m), code);
	assert_int_equal(json_is_null(json_object_get(m.reply, "id")),
			 id_null);
	rpc_msg_free(&m);
}

static void test_parse_kinds(void **state)
{
	struct rpc_msg m;

	(void)state;
	parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", &m);
	assert_int_equal(m.kind, RPC_REQUEST);
	assert_string_equal(m.method, "ping");
	assert_int_equal(json_integer_value(m.id), 7);
	assert_null(m.params);
	rpc_msg_free(&m);

	parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	      "\"params\":{\"requestId\":\"a\"}}", &m);
	assert_int_equal(m.kind, RPC_NOTIFICATION);
	assert_non_null(m.params);
	rpc_msg_free(&m);

	parse("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}", &m);
	assert_int_equal(m.kind, RPC_RESPONSE);
	rpc_msg_free(&m);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("{\"jsonrpc\":\"2.0\",\"id\":1,", RPC_PARSE_ERROR, true);
	expect_error("", RPC_PARSE_ERROR, true);
	expect_error("{\"a\":1,\"a\":2}", RPC_PARSE_ERROR, true);
	expect_error("\"\\u0000\"", RPC_PARSE_ERROR, true);
	expect_error("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
		     RPC_INVALID_REQUEST, true);
	expect_error("42", RPC_INVALID_REQUEST, true);
	expect_error("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
		     RPC_INVALID_REQUEST, false);
	expect_error("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
		     RPC_INVALID_REQUEST, true);
	expect_error("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
		     RPC_INVALID_REQUEST, true);
	expect_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
		     RPC_INVALID_REQUEST, false);
	expect_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\","
		     "\"params\":[1]}", RPC_INVALID_PARAMS, false);
}

/* Bad UTF-8 (a symbol's bytes) still makes a JSON string. */
static void test_text(void **state)
{
	json_t *s;

	(void)state;
	s = rpc_text("f\xffo\xc3", 4);
	assert_non_null(s);
	assert_string_equal(json_string_value(s),
			    "f\xef\xbf\xbdo\xef\xbf\xbd");
	json_decref(s);
	s = rpc_text("h\xc3\xa9", 3);
	assert_string_equal(json_string_value(s), "h\xc3\xa9");
	json_decref(s);
	s = rpc_text("a\0b", 3);
	assert_int_equal(json_string_length(s), 5);
	json_decref(s);
}

/* One message a line: newlines in strings are escaped. */
static void test_send(void **state)
{
	FILE *f = tmpfile();
	char buf[256];
	size_t n;

	(void)state;
	assert_non_null(f);
	assert_int_equal(rpc_send(fileno(f), rpc_result(NULL,
			 rpc_tool_text("a\nb", 3, false))), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":"
			    "{\"content\":[{\"type\":\"text\",\"text\":"
			    "\"a\\nb\"}],\"isError\":false}}\n");
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_split),
		cmocka_unit_test(test_reader_too_long),
		cmocka_unit_test(test_reader_at_bound),
		cmocka_unit_test(test_parse_kinds),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_send),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
