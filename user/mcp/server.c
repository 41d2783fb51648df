// SPDX-License-Identifier: GPL-2.0
/* The MCP server's loop and its methods; see server.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "mcp/recording.h"
#include "mcp/server.h"
#include "mcp/tools.h"
#include "mcp/view.h"

#define QUEUE_MAX	16	/* tools/calls waiting for a recording */
#define EXIT_GRACE_MS	5000	/* for a recording's summary at exit */
#define CANCELLED	"cancelled before it started"

const char *const server_versions[] = {
	"2025-06-18", "2025-03-26", "2024-11-05", NULL,
};

struct server {
	int out;
	const char *version;
	struct recording rec;
	struct rpc_msg queue[QUEUE_MAX];
	size_t n_queued;
	char dir[PATH_MAX];	/* the session's profiles; "" until one */
	unsigned int n_saved;
	bool failed;		/* the output is gone */
};

static volatile sig_atomic_t quit;

static void send_msg(struct server *s, json_t *msg)
{
	int err = rpc_send(s->out, msg);

	if (err && !s->failed) {
		pr_err("mcp: cannot write to the client: %s\n",
		       strerror(-err));
		s->failed = err != -ENOMEM;
	}
}

static void reply_error(struct server *s, json_t *id, int code,
			const char *text)
{
	send_msg(s, rpc_error(id, code, "%s", text));
}

static json_t *initialize_result(struct server *s, json_t *params)
{
	json_t *want = json_object_get(params, "protocolVersion");
	const char *v = server_versions[0];
	size_t i;

	for (i = 0; server_versions[i]; i++)
		if (!strcmp(json_string_value(want), server_versions[i]))
			v = server_versions[i];
	return json_pack("{s:s, s:{s:{s:b}}, s:{s:s, s:s, s:s}, s:s}",
			 "protocolVersion", v,
			 "capabilities", "tools", "listChanged", false,
			 "serverInfo", "name", "whyslow", "title",
			 "whyslow profiler", "version", s->version,
			 "instructions",
			 "Why is a program slow? Call record with its command "
			 "line (argv) to run it under the profiler and get a "
			 "summary; report re-reads a saved profile, with focus "
			 "to look closer at a function; diff compares two "
			 "saved profiles.");
}

/* The session's private directory, made on first use. */
static int session_dir(struct server *s)
{
	const char *tmp = getenv("TMPDIR");

	if (s->dir[0])
		return 0;
	if (!tmp || tmp[0] != '/' || strlen(tmp) > PATH_MAX - 32)
		tmp = "/tmp";
	snprintf(s->dir, sizeof(s->dir), "%s/whyslow-mcp-XXXXXX", tmp);
	if (mkdtemp(s->dir))	/* mode 0700 */
		return 0;
	pr_err("mcp: cannot make a directory in %s: %s\n", tmp,
	       strerror(errno));
	s->dir[0] = '\0';
	return -errno;
}

static void session_remove(struct server *s)
{
	struct dirent *de;
	DIR *d;

	if (!s->dir[0])
		return;
	d = opendir(s->dir);
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	if (rmdir(s->dir))
		pr_err("mcp: cannot remove %s: %s\n", s->dir, strerror(errno));
	s->dir[0] = '\0';
}

static json_t *progress_token(json_t *params)
{
	json_t *t = json_object_get(json_object_get(params, "_meta"),
				    "progressToken");

	return json_is_string(t) || json_is_integer(t) ? t : NULL;
}

static void start_record(struct server *s, struct rpc_msg *msg,
			 const struct tools_args *a)
{
	char path[PATH_MAX + 32], text[PATH_MAX + 128];
	bool own = !a->save;
	int err = 0;

	if (own && !(err = session_dir(s)))
		snprintf(path, sizeof(path), "%s/record-%u.pb.gz", s->dir,
			 ++s->n_saved);
	if (!err)
		err = recording_start(&s->rec, a, own ? path : a->save, own,
				      msg->id, progress_token(msg->params));
	if (!err)
		return;
	snprintf(text, sizeof(text), "cannot start the recording: %s",
		 strerror(-err));
	send_msg(s, rpc_result(msg->id, rpc_tool_text(text, strlen(text),
						      true)));
}

static void run_view(struct server *s, struct rpc_msg *msg,
		     const struct tools_args *a)
{
	char err[PATH_MAX + 512];
	char *text = NULL;
	size_t len = 0;
	json_t *res;

	if (view_run(a, s->dir[0] ? s->dir : NULL, &text, &len, err,
		     sizeof(err)))
		res = rpc_tool_text(err, strlen(err), true);
	else
		res = rpc_tool_text(text, len, false);
	free(text);
	send_msg(s, rpc_result(msg->id, res));
}

static void call_tool(struct server *s, struct rpc_msg *msg)
{
	json_t *name = json_object_get(msg->params, "name");
	struct tools_args a;
	char err[256];
	int ret;

	if (!json_is_string(name)) {
		reply_error(s, msg->id, RPC_INVALID_PARAMS,
			    "Invalid params: name must be a string");
		return;
	}
	ret = tools_parse(json_string_value(name),
			  json_object_get(msg->params, "arguments"), &a, err,
			  sizeof(err));
	if (ret == -ENOMEM)
		reply_error(s, msg->id, RPC_INTERNAL_ERROR, "out of memory");
	else if (ret)
		send_msg(s, rpc_error(msg->id, RPC_INVALID_PARAMS,
				      "Invalid params: %s", err));
	else if (a.tool == TOOL_RECORD)
		start_record(s, msg, &a);
	else
		run_view(s, msg, &a);
	tools_args_free(&a);
}

/* A tools/call waits while a recording runs: one at a time uses the
 * sudo helper, and the BPF programs are loaded once. */
static void queue_call(struct server *s, struct rpc_msg *msg)
{
	if (s->n_queued == QUEUE_MAX) {
		reply_error(s, msg->id, RPC_INTERNAL_ERROR, "busy: a recording "
			    "runs and 16 tool calls wait for it");
		return;
	}
	s->queue[s->n_queued++] = *msg;
	memset(msg, 0, sizeof(*msg));	/* the queue owns it now */
}

static void handle_request(struct server *s, struct rpc_msg *msg)
{
	const char *m = msg->method;

	if (!strcmp(m, "initialize")) {
		if (!json_is_string(json_object_get(msg->params,
						    "protocolVersion")))
			reply_error(s, msg->id, RPC_INVALID_PARAMS,
				    "Invalid params: protocolVersion must be "
				    "a string");
		else
			send_msg(s, rpc_result(msg->id, initialize_result(
						s, msg->params)));
	} else if (!strcmp(m, "ping")) {
		send_msg(s, rpc_result(msg->id, json_object()));
	} else if (!strcmp(m, "tools/list")) {
		send_msg(s, rpc_result(msg->id, tools_list()));
	} else if (!strcmp(m, "tools/call")) {
		if (s->rec.pid > 0)
			queue_call(s, msg);
		else
			call_tool(s, msg);
	} else {
		send_msg(s, rpc_error(msg->id, RPC_METHOD_NOT_FOUND,
				      "Method not found: %.64s", m));
	}
}

/* The running recording stops and is still answered (its summary covers
 * what it recorded); a waiting call is answered as cancelled. */
static void cancel(struct server *s, json_t *params)
{
	json_t *id = json_object_get(params, "requestId");
	size_t i;

	if (!id)
		return;
	if (s->rec.pid > 0 && json_equal(id, s->rec.id)) {
		pr_debug("mcp: cancelling the recording\n");
		recording_cancel(&s->rec);
		return;
	}
	for (i = 0; i < s->n_queued; i++) {
		if (!json_equal(id, s->queue[i].id))
			continue;
		send_msg(s, rpc_result(s->queue[i].id, rpc_tool_text(
			CANCELLED, strlen(CANCELLED), true)));
		rpc_msg_free(&s->queue[i]);
		memmove(&s->queue[i], &s->queue[i + 1],
			(s->n_queued - i - 1) * sizeof(s->queue[0]));
		s->n_queued--;
		return;
	}
}

void server_handle(struct server *s, struct rpc_msg *msg)
{
	switch (msg->kind) {
	case RPC_INVALID:
		send_msg(s, json_incref(msg->reply));
		break;
	case RPC_REQUEST:
		handle_request(s, msg);
		break;
	case RPC_NOTIFICATION:
		if (!strcmp(msg->method, "notifications/cancelled"))
			cancel(s, msg->params);
		break;
	case RPC_RESPONSE:
		break;	/* this server asks nothing */
	}
}

struct server *server_new(int out_fd, const char *version)
{
	struct server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->out = out_fd;
	s->version = version;
	s->rec.fd = -1;
	return s;
}

void server_free(struct server *s)
{
	size_t i;

	if (!s)
		return;
	recording_abort(&s->rec, EXIT_GRACE_MS);
	for (i = 0; i < s->n_queued; i++)
		rpc_msg_free(&s->queue[i]);
	session_remove(s);
	free(s);
}

/* The recording's answer, then the calls that waited for it, until one
 * starts a recording again. */
static void finish_recording(struct server *s)
{
	struct rpc_msg msg;
	json_t *id = json_incref(s->rec.id);

	send_msg(s, rpc_result(id, recording_finish(&s->rec)));
	json_decref(id);
	while (s->n_queued && s->rec.pid <= 0) {
		msg = s->queue[0];
		memmove(&s->queue[0], &s->queue[1],
			--s->n_queued * sizeof(s->queue[0]));
		call_tool(s, &msg);
		rpc_msg_free(&msg);
	}
}

static void on_quit(int sig)
{
	(void)sig;
	quit = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_quit };	/* no restart */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void read_lines(struct server *s, struct rpc_reader *in)
{
	struct rpc_msg msg;
	enum rpc_line got;
	size_t len;
	char *line;

	while ((got = rpc_reader_next(in, &line, &len)) != RPC_LINE_NONE) {
		if (got == RPC_LINE_TOO_LONG) {
			send_msg(s, rpc_error(NULL, RPC_INVALID_REQUEST,
					      "Invalid Request: a message "
					      "over %u bytes", RPC_MAX_LINE));
			continue;
		}
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (!len)
			continue;
		rpc_parse(line, len, &msg);
		server_handle(s, &msg);
		rpc_msg_free(&msg);
	}
}

/* One wait for stdin, the recording's answer or its next progress
 * notification: false when the server is done. */
static bool serve_once(struct server *s, struct rpc_reader *in, bool *eof)
{
	struct pollfd pfd[2] = {
		{ .fd = *eof ? -1 : STDIN_FILENO, .events = POLLIN },
		{ .fd = s->rec.pid > 0 ? s->rec.fd : -1, .events = POLLIN },
	};
	int timeout = s->rec.pid > 0 && s->rec.token ? 250 : -1;
	json_t *note;
	long got;

	if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
		return false;
	if (quit || s->failed)
		return false;
	if (pfd[0].revents) {
		got = rpc_reader_fill(in, STDIN_FILENO);
		if (got <= 0) {
			*eof = true;
			/* the last message may lack its '\n' */
			rpc_reader_feed(in, "\n", 1);
		}
		read_lines(s, in);
	}
	if (pfd[1].revents && recording_read(&s->rec) <= 0)
		finish_recording(s);
	if (s->rec.pid > 0 && (note = recording_progress(&s->rec,
							 monotonic_ns())))
		send_msg(s, note);
	/* at the end of input, what was asked is still answered */
	return !*eof || s->rec.pid > 0;
}

int server_run(const char *version)
{
	struct server *s = server_new(STDOUT_FILENO, version);
	struct rpc_reader in;
	bool eof = false;

	if (!s)
		return 1;
	install_signals();
	rpc_reader_init(&in, RPC_MAX_LINE);
	pr_debug("mcp: serving on stdin and stdout\n");
	while (serve_once(s, &in, &eof))
		;
	rpc_reader_free(&in);
	server_free(s);
	return 0;
}
