// SPDX-License-Identifier: GPL-2.0
/* The record tool's child process and the server's side of it; see
 * recording.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "lib/output.h"
#include "mcp/recording.h"
#include "mcp/rpc.h"
#include "pprof/pprof.h"
#include "record/launch.h"
#include "record/record.h"

#define STOP_GRACE_MS	2000	/* a command outliving the recording */

/* ---- the child ---- */

/* The last "whyslow: " line written to stderr: what went wrong. */
static char last_line[512], cur_line[512];
static size_t cur_len;

static ssize_t tee_write(void *cookie, const char *buf, size_t n)
{
	size_t i, off = 0;
	ssize_t w;

	(void)cookie;
	while (off < n) {
		w = write(STDERR_FILENO, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += w;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (cur_len < sizeof(cur_line) - 1)
				cur_line[cur_len++] = buf[i];
			continue;
		}
		cur_line[cur_len] = '\0';
		if (!strncmp(cur_line, LOG_PREFIX, strlen(LOG_PREFIX)))
			strcpy(last_line, cur_line + strlen(LOG_PREFIX));
		cur_len = 0;
	}
	return n;
}

/* stderr keeps going to the server's stderr, its last line remembered. */
static void tee_stderr(void)
{
	cookie_io_functions_t io = { .write = tee_write };
	FILE *f = fopencookie(NULL, "w", io);

	if (!f)
		return;
	setvbuf(f, NULL, _IOLBF, 0);
	stderr = f;
}

static void on_stop(int sig)
{
	(void)sig;
	record_request_stop();
}

/* The protocol's pipes are not the command's: it reads nothing, and
 * what it prints goes to the server's log.  A server gone (killed) ends
 * the recording as a cancel would. */
static void child_stdio(pid_t server)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGINT);
	if (getppid() != server)
		record_request_stop();
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	dup2(STDERR_FILENO, STDOUT_FILENO);
	tee_stderr();
}

static __attribute__((noreturn)) void child_reply(int fd, json_t *reply)
{
	fflush(stderr);
	_exit(rpc_send(fd, reply) ? 1 : 0);
}

static __attribute__((noreturn)) void child_fail(int fd, const char *why)
{
	const char *text = last_line[0] ? last_line : why;

	child_reply(fd, json_pack("{s:o}", "error",
				  rpc_text(text, strlen(text))));
}

/* The command outlived the recording (duration_s, a cancel): it must not
 * outlive the call. */
static int stop_command(pid_t pid)
{
	int status, waited;

	kill(pid, SIGTERM);
	for (waited = 0; waited < STOP_GRACE_MS; waited += 50) {
		status = launch_wait(pid, WNOHANG, NULL);
		if (status >= 0)
			return status;
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	return launch_wait(pid, 0, NULL);
}

static int save_own(const char *path, const struct profile *p)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int err;

	if (!f) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	err = pprof_write(f, p);
	if (fclose(f) && !err)
		err = -EIO;
	if (err)
		unlink(path);
	return err;
}

static int save_profile(const char *path, bool own, struct output *save,
			const struct profile *p)
{
	struct report_opts o = { .format = FORMAT_PPROF };
	int err;

	if (!own)
		return report_output_write(save, p, &o) ? -EIO : 0;
	err = save_own(path, p);
	if (err)
		pr_err("cannot save the profile to %s: %s\n", path,
		       strerror(-err));
	return err;
}

static char *render(const struct profile *p, const struct report_opts *rep,
		    size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	int err;

	if (!f)
		return NULL;
	err = report_write(f, p, rep);
	if (fclose(f) || err) {
		free(text);
		return NULL;
	}
	return text;
}

static __attribute__((noreturn)) void child_main(const struct tools_args *a,
						 const char *path, bool own,
						 int fd, pid_t server)
{
	struct record_opts o = {
		.argv = a->argv, .pids = (uint32_t *)&a->pid,
		.n_pids = a->pid ? 1 : 0, .duration_s = a->duration_s,
		.freq = a->freq, .no_offcpu = a->no_offcpu, .no_io = a->no_io,
		.min_block_ns = 10000,
	};
	struct record_result res;
	struct output save;
	struct profile prof;
	int status;
	size_t len;
	char *text;

	child_stdio(server);
	if (!own && output_open(&save, path))
		child_fail(fd, "cannot open the file to save to");
	if (record_run(&o, &prof, &res)) {
		if (!own)
			output_abort(&save);
		child_fail(fd, "the recording failed");
	}
	status = res.cmd_status;
	if (res.running_pid > 0)
		status = stop_command(res.running_pid);
	if (save_profile(path, own, &save, &prof))
		child_fail(fd, "cannot save the profile");
	text = render(&prof, &a->rep, &len);
	if (!text)
		child_fail(fd, "cannot render the summary");
	child_reply(fd, json_pack("{s:o, s:i, s:b}", "text",
				  rpc_text(text, len), "status", status,
				  "stopped", res.running_pid > 0));
}

/* ---- the server's side ---- */

int recording_start(struct recording *r, const struct tools_args *a,
		    const char *profile, bool own, json_t *id, json_t *token)
{
	pid_t pid, server = getpid();
	int fds[2], err;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->profile = strdup(profile);
	if (!r->profile || pipe2(fds, O_CLOEXEC)) {
		err = r->profile ? -errno : -ENOMEM;
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(a, profile, own, fds[1], server);
	}
	close(fds[1]);
	r->pid = pid;
	r->fd = fds[0];
	r->id = json_incref(id);
	r->token = json_incref(token);
	r->duration_s = a->duration_s;
	r->start_ns = r->last_tick_ns = monotonic_ns();
	return 0;
fail:
	free(r->profile);
	r->profile = NULL;
	return err;
}

int recording_read(struct recording *r)
{
	ssize_t got;
	char *buf;

	if (r->cap - r->len < 65536) {
		if (r->cap >= RECORDING_MAX_REPLY)
			return 0;
		buf = realloc(r->buf, r->cap ? r->cap * 2 : 65536 * 2);
		if (!buf)
			return -ENOMEM;
		r->buf = buf;
		r->cap = r->cap ? r->cap * 2 : 65536 * 2;
	}
	got = read(r->fd, r->buf + r->len, r->cap - r->len);
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	r->len += got;
	return got > 0;
}

static void reset(struct recording *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->profile);
	json_decref(r->id);
	json_decref(r->token);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* The child's exit, as a sentence, when it sent nothing useful. */
static json_t *died(int wstatus)
{
	char text[160];

	if (WIFSIGNALED(wstatus))
		snprintf(text, sizeof(text), "the recording process was killed "
			 "by signal %d", WTERMSIG(wstatus));
	else
		snprintf(text, sizeof(text), "the recording process exited "
			 "with status %d and no answer", WEXITSTATUS(wstatus));
	return rpc_tool_text(text, strlen(text), true);
}

static json_t *success(struct recording *r, json_t *reply)
{
	json_t *text = json_object_get(reply, "text");
	json_int_t status = json_integer_value(json_object_get(reply,
							       "status"));
	char *info = NULL, exited[64] = "";
	json_t *res;

	if (status > 0)
		snprintf(exited, sizeof(exited), " The command exited with "
			 "status %lld.", (long long)status);
	if (asprintf(&info, "Profile saved to %s (the report and diff tools "
		     "read it).%s%s%s", r->profile,
		     r->cancelled ? " The recording was cancelled: the summary "
		     "covers what was recorded until then." : "",
		     json_is_true(json_object_get(reply, "stopped")) ?
		     " The command was still running when the recording "
		     "ended and was stopped." : "", exited) < 0)
		return NULL;
	res = json_pack("{s:[{s:s, s:O}, {s:s, s:o}], s:b}", "content",
			"type", "text", "text", text, "type", "text", "text",
			rpc_text(info, strlen(info)), "isError", false);
	free(info);
	return res;
}

json_t *recording_finish(struct recording *r)
{
	json_t *reply = NULL, *res, *err;
	int wstatus = 0;

	/* a child whose answer was too long must not block writing it */
	close(r->fd);
	r->fd = -1;
	while (waitpid(r->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (r->len)
		reply = json_loadb(r->buf, r->len, 0, NULL);
	err = json_object_get(reply, "error");
	if (json_is_string(err))
		res = rpc_tool_text(json_string_value(err),
				    json_string_length(err), true);
	else if (json_is_string(json_object_get(reply, "text")))
		res = success(r, reply);
	else
		res = died(wstatus);
	json_decref(reply);
	reset(r);
	return res;
}

void recording_cancel(struct recording *r)
{
	if (r->pid > 0 && !r->cancelled) {
		kill(r->pid, SIGINT);
		r->cancelled = true;
	}
}

void recording_abort(struct recording *r, int grace_ms)
{
	int waited;

	if (r->pid <= 0)
		return;
	recording_cancel(r);
	for (waited = 0; waited < grace_ms; waited += 50) {
		if (waitpid(r->pid, NULL, WNOHANG) == r->pid)
			goto out;
		usleep(50 * 1000);
	}
	kill(r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0);
out:
	reset(r);
}

json_t *recording_progress(struct recording *r, uint64_t now_ns)
{
	double elapsed = (now_ns - r->start_ns) / 1e9;
	char msg[64];
	json_t *p;

	if (!r->token || now_ns - r->last_tick_ns < NSEC_PER_SEC)
		return NULL;
	r->last_tick_ns = now_ns;
	if (r->duration_s > 0 && elapsed >= r->duration_s)
		snprintf(msg, sizeof(msg), "writing the summary");
	else
		snprintf(msg, sizeof(msg), "recording: %.0f s", elapsed);
	p = json_pack("{s:O, s:f, s:s}", "progressToken", r->token,
		      "progress", elapsed, "message", msg);
	/* a total only while it is ahead: progress never passes it */
	if (p && r->duration_s > elapsed)
		json_object_set_new(p, "total", json_real(r->duration_s));
	return json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method",
			 "notifications/progress", "params", p);
}
