// SPDX-License-Identifier: GPL-2.0
/* whyslow: command line, and the glue from record to the writers. */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/launch.h"
#include "lib/output.h"
#include "pprof/pprof.h"
#include "record/record.h"
#include "report/report.h"
#include "lib/sudo.h"

#define WHYSLOW_VERSION "0.1"

struct record_env {
	struct record_opts rec;
	struct report_opts rep;
	const char *output;
	const char *save;	/* --save: the profile, as pprof */
	uint32_t pids[64];
};

enum {
	OPT_FORMAT = 0x100,
	OPT_TOP,
	OPT_BUDGET,
	OPT_AS_ROOT,
	OPT_NO_OFFCPU,
	OPT_NO_IO,
	OPT_MIN_BLOCK,
	OPT_SAVE,
	OPT_FOCUS,
	OPT_FP_ONLY,
};

static const char record_doc[] =
"Profile a command, running processes, or the whole machine, and print why\n"
"it is slow: where the wall time went, which functions and call paths.\n"
"\n"
"EXAMPLES:\n"
"  sudo whyslow record -- python3 linkcheck.py links.md\n"
"  sudo whyslow record -F 99 -o report.md -- make -j2\n"
"  sudo whyslow record --format json -p 1234 -d 10\n"
"  sudo whyslow record -a -d 5 --format folded > all.folded"
"\v"
"The command starts held before exec until every BPF program is attached,\n"
"and is followed into every process it forks; whyslow exits with its exit\n"
"status.  Under sudo the command runs as the invoking user (use --as-root\n"
"to keep root).  SIGINT or SIGTERM end the recording; the report is still\n"
"written.  -F above kernel.perf_event_max_sample_rate is lowered to it.";

static const struct argp_option record_options[] = {
	{ "pid", 'p', "PID[,PID...]", 0, "Profile running processes, all their "
	  "threads, and children they fork later", 0 },
	{ "all", 'a', NULL, 0, "Profile every process on the machine", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop recording after SECONDS", 0 },
	{ "frequency", 'F', "HZ", 0, "Samples per second per CPU (default 999)", 0 },
	{ "output", 'o', "FILE", 0, "Write the report to FILE, atomically "
	  "(default: stdout)", 0 },
	{ "format", OPT_FORMAT, "md|json|folded|pprof|svg|html", 0, "Report "
	  "format (default md; pprof: gzip'd profile.proto; svg, html: flame "
	  "graphs)", 0 },
	{ "save", OPT_SAVE, "FILE", 0, "Also save the profile as pprof "
	  "(FILE.pb.gz), for whyslow report, whyslow diff and pprof tools",
	  0 },
	{ "top", OPT_TOP, "N", 0, "Rows per table (default 15)", 0 },
	{ "budget", OPT_BUDGET, "TOKENS", 0, "Size limit of the Markdown "
	  "summary, in tokens of about 4 bytes (default 4000)", 0 },
	{ "no-offcpu", OPT_NO_OFFCPU, NULL, 0, "Sample on-CPU time only; do "
	  "not trace waits", 0 },
	{ "no-io", OPT_NO_IO, NULL, 0, "Do not trace file, network and exec "
	  "syscalls (no I/O section, no hints drawn from it)", 0 },
	{ "fp-only", OPT_FP_ONLY, NULL, 0, "Unwind samples by frame pointers "
	  "alone (no 8 KiB stack copy per sample; code built without them "
	  "loses callers)", 0 },
	{ "min-block-us", OPT_MIN_BLOCK, "N", 0, "Keep no kernel stack for "
	  "waits shorter than N microseconds; their time, user stack and "
	  "target still count (default 10)", 0 },
	{ "as-root", OPT_AS_ROOT, NULL, 0, "Under sudo, run the command as root "
	  "instead of the invoking user", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 0 },
	{ 0 },
};

static long parse_long(const char *s, long min, long max, struct argp_state *st,
		       const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		argp_error(st, "invalid %s '%s' (expected %ld..%ld)", what, s,
			   min, max);
	return v;
}

static void parse_pids(struct record_env *env, char *arg, struct argp_state *st)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (env->rec.n_pids == sizeof(env->pids) / sizeof(env->pids[0]))
			argp_error(st, "too many PIDs (at most 64)");
		env->pids[env->rec.n_pids++] =
			parse_long(tok, 1, INT_MAX, st, "PID");
	}
	env->rec.pids = env->pids;
}

static double parse_seconds(const char *s, struct argp_state *st)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400 * 365)
		argp_error(st, "invalid duration '%s' (seconds, > 0)", s);
	return v;
}

/* --format, --top, --budget: the report options every command shares;
 * diff writes md, json or svg only. */
static error_t parse_report_opt(int key, char *arg, struct argp_state *st,
				struct report_opts *rep, bool diff)
{
	int fmt;

	switch (key) {
	case OPT_FORMAT:
		fmt = report_format_parse(arg);
		if (fmt < 0 || (diff && fmt != FORMAT_MD && fmt != FORMAT_JSON &&
				fmt != FORMAT_SVG))
			argp_error(st, "unknown format '%s' (%s)", arg, diff ?
				   "md, json or svg" :
				   "md, json, folded, pprof, svg or html");
		rep->format = fmt;
		break;
	case OPT_TOP:
		rep->top = parse_long(arg, 1, 10000, st, "--top");
		break;
	case OPT_BUDGET:
		rep->budget_tokens = parse_long(arg, 500, 10000000, st,
						"--budget");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static error_t parse_record_opt(int key, char *arg, struct argp_state *st)
{
	struct record_env *env = st->input;

	switch (key) {
	case 'p':
		parse_pids(env, arg, st);
		break;
	case 'a':
		env->rec.all = true;
		break;
	case 'd':
		env->rec.duration_s = parse_seconds(arg, st);
		break;
	case 'F':
		env->rec.freq = parse_long(arg, 1, 1000000, st, "frequency");
		break;
	case 'o':
		env->output = arg;
		break;

	case OPT_SAVE:
		env->save = arg;
		break;
	case OPT_AS_ROOT:
		env->rec.as_root = true;
		break;
	case OPT_NO_OFFCPU:
		env->rec.no_offcpu = true;
		break;
	case OPT_NO_IO:
		env->rec.no_io = true;
		break;
	case OPT_FP_ONLY:
		env->rec.fp_only = true;
		break;
	case OPT_MIN_BLOCK:
		env->rec.min_block_ns = 1000ull *
			parse_long(arg, 0, 3600000000L, st, "--min-block-us");
		break;
	case 'v':
		env->rec.verbose = true;
		break;
	case ARGP_KEY_ARG:
		/* The command and everything after it belong to the command. */
		env->rec.argv = &st->argv[st->next - 1];
		st->next = st->argc;
		break;
	case ARGP_KEY_END:
		if (!!env->rec.argv + !!env->rec.n_pids + env->rec.all != 1)
			argp_error(st, "give exactly one of: a command after --, "
				   "-p PID, or -a");
		break;
	default:
		return parse_report_opt(key, arg, st, &env->rep, false);
	}
	return 0;
}

static const struct argp record_argp = {
	.options = record_options,
	.parser = parse_record_opt,
	.args_doc = "[-- CMD [ARGS...]]",
	.doc = record_doc,
};

/* pprof bytes are not for a terminal, as gzip says. */
static bool binary_to_terminal(const char *output,
			       const struct report_opts *rep)
{
	if (rep->format != FORMAT_PPROF || (output && strcmp(output, "-")) ||
	    !isatty(STDOUT_FILENO))
		return false;
	fprintf(stderr, "whyslow: not writing pprof data to a terminal; use "
		"-o FILE\n");
	return true;
}

static int save_pprof(struct output *save, const struct profile *p)
{
	struct report_opts o = { .format = FORMAT_PPROF };

	return output_write_report(save, p, &o);
}

/* -o and --save, opened before anything is recorded: a bad path costs
 * nothing but its error.  0, or 1 with the error printed. */
static int open_outputs(const struct record_env *env, struct output *out,
			struct output *save)
{
	if (output_open(out, env->output))
		return 1;
	if (env->save && output_open(save, env->save)) {
		output_abort(out);
		return 1;
	}
	return 0;
}

static int cmd_record(int argc, char **argv)
{
	struct record_env env = {
		.rec = { .freq = 999, .min_block_ns = 10000 },
		.rep = { .format = FORMAT_MD, .top = REPORT_DEFAULT_TOP,
			 .budget_tokens = REPORT_DEFAULT_BUDGET },
	};
	struct output out, save;
	struct record_result res;
	struct profile prof;
	int ret;

	argv[0] = "whyslow record";	/* how argp names us in messages */
	argp_parse(&record_argp, argc, argv, ARGP_IN_ORDER, NULL, &env);
	if (binary_to_terminal(env.output, &env.rep))
		return 2;
	if (open_outputs(&env, &out, &save))
		return 1;
	ret = record_run(&env.rec, &prof, &res);
	if (ret) {
		output_abort(&out);
		if (env.save)
			output_abort(&save);
		return ret;
	}
	ret = output_write_report(&out, &prof, &env.rep);
	if (env.save)
		ret |= save_pprof(&save, &prof);
	profile_free(&prof);
	if (res.running_pid > 0)
		res.cmd_status = launch_wait(res.running_pid, 0, NULL);
	if (ret)
		return ret;
	return res.cmd_status >= 0 ? res.cmd_status : 0;
}

/* ---- whyslow report, whyslow diff ---- */

struct view_env {
	struct report_opts rep;
	const char *output;
	const char *files[2];
	size_t n_files, want_files;
};

static const struct argp_option report_options[] = {
	{ "output", 'o', "FILE", 0, "Write to FILE, atomically (default: "
	  "stdout)", 0 },
	{ "format", OPT_FORMAT, "md|json|folded|pprof|svg|html", 0, "Format "
	  "(default md)", 0 },
	{ "top", OPT_TOP, "N", 0, "Rows per table (default 15)", 0 },
	{ "budget", OPT_BUDGET, "TOKENS", 0, "Size limit of Markdown, in "
	  "tokens of about 4 bytes (default 4000)", 0 },
	{ "focus", OPT_FOCUS, "NAME", 0, "Only the functions whose name "
	  "matches NAME (a substring or extended regex): their callers, "
	  "callees, hot lines and waits", 0 },
	{ 0 },
};

static error_t parse_view_opt(int key, char *arg, struct argp_state *st)
{
	struct view_env *env = st->input;

	switch (key) {
	case 'o':
		env->output = arg;
		break;
	case OPT_FOCUS:
		if (!*arg)
			argp_error(st, "--focus needs a function name");
		env->rep.focus = arg;
		break;
	case ARGP_KEY_ARG:
		if (env->n_files == env->want_files)
			argp_error(st, "too many files");
		env->files[env->n_files++] = arg;
		break;
	case ARGP_KEY_END:
		if (env->n_files != env->want_files)
			argp_error(st, env->want_files == 1 ?
				   "give one profile file" :
				   "give two profile files: BEFORE AFTER");
		if (env->rep.focus && env->rep.format != FORMAT_MD &&
		    env->rep.format != FORMAT_JSON)
			argp_error(st, "--focus writes md or json");
		break;
	default:
		return parse_report_opt(key, arg, st, &env->rep,
					env->want_files == 2);
	}
	return 0;
}

static const struct argp report_argp = {
	.options = report_options,
	.parser = parse_view_opt,
	.args_doc = "FILE.pb.gz",
	.doc = "Render a saved profile (whyslow record --save, or a pprof "
	       "profile of another tool) as record would.",
};

/* diff has no --focus: its options are report's but the last. */
static const struct argp_option diff_options[] = {
	{ "output", 'o', "FILE", 0, "Write to FILE, atomically (default: "
	  "stdout)", 0 },
	{ "format", OPT_FORMAT, "md|json|svg", 0, "Format (default md; svg: "
	  "a differential flame graph)", 0 },
	{ "top", OPT_TOP, "N", 0, "Rows per table (default 15)", 0 },
	{ "budget", OPT_BUDGET, "TOKENS", 0, "Size limit of Markdown, in "
	  "tokens of about 4 bytes (default 4000)", 0 },
	{ 0 },
};

static const struct argp diff_argp = {
	.options = diff_options,
	.parser = parse_view_opt,
	.args_doc = "BEFORE.pb.gz AFTER.pb.gz",
	.doc = "Compare two saved profiles: did the change help, and where.",
};

/* Reads a profile; 0, or 1 with the reason printed. */
static int load_profile(const char *path, struct profile *p)
{
	char err[256];

	if (!pprof_load(path, p, err, sizeof(err)))
		return 0;
	fprintf(stderr, "whyslow: %s: %s\n", path, err);
	profile_free(p);
	return 1;
}

struct text {
	char *data;
	size_t len;
};

static int text_to(FILE *f, void *arg)
{
	const struct text *t = arg;

	return fwrite(t->data, 1, t->len, f) == t->len ? 0 : -EIO;
}

/* The focus view: rendered first, so that "no such function" is an error
 * of its own and no output file is touched. */
static int output_focus(const char *path, const struct profile *p,
			const struct report_opts *rep)
{
	struct text t = { 0 };
	FILE *mem = open_memstream(&t.data, &t.len);
	int err, ret = 1;

	if (!mem)
		return 1;
	err = write_report(mem, p, rep);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (err == -ENOENT)
		fprintf(stderr, "whyslow: no function matches '%s'\n",
			rep->focus);
	else if (err)
		fprintf(stderr, "whyslow: cannot render the focus view: %s\n",
			strerror(-err));
	else
		ret = output_to(path, text_to, &t);
	free(t.data);
	return ret;
}

static int cmd_report(int argc, char **argv)
{
	struct view_env env = {
		.rep = { .format = FORMAT_MD, .top = REPORT_DEFAULT_TOP,
			 .budget_tokens = REPORT_DEFAULT_BUDGET },
		.want_files = 1,
	};
	struct profile prof;
	int ret;

	argv[0] = "whyslow report";
	argp_parse(&report_argp, argc, argv, 0, NULL, &env);
	if (binary_to_terminal(env.output, &env.rep))
		return 2;
	if (load_profile(env.files[0], &prof))
		return 1;
	ret = env.rep.focus ? output_focus(env.output, &prof, &env.rep) :
			      output_report(env.output, &prof, &env.rep);
	profile_free(&prof);
	return ret;
}

struct diff_job {
	const struct profile *before, *after;
	const struct report_opts *opts;
};

static int diff_to(FILE *f, void *arg)
{
	const struct diff_job *job = arg;

	return write_diff(f, job->before, job->after, job->opts);
}

static int cmd_diff(int argc, char **argv)
{
	struct view_env env = {
		.rep = { .format = FORMAT_MD, .top = REPORT_DEFAULT_TOP,
			 .budget_tokens = REPORT_DEFAULT_BUDGET },
		.want_files = 2,
	};
	struct profile before, after;
	struct diff_job job = { .before = &before, .after = &after,
				.opts = &env.rep };
	int ret;

	argv[0] = "whyslow diff";
	argp_parse(&diff_argp, argc, argv, 0, NULL, &env);
	if (load_profile(env.files[0], &before))
		return 1;
	if (load_profile(env.files[1], &after)) {
		profile_free(&before);
		return 1;
	}
	ret = output_to(env.output, diff_to, &job);
	profile_free(&before);
	profile_free(&after);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: whyslow COMMAND [OPTIONS]\n"
"Why is this slow?  A profiler that says where the wall time went.\n"
"\n"
"Commands:\n"
"  record    profile a command (-- CMD), running processes (-p) or all (-a)\n"
"  report    render a saved profile (FILE.pb.gz); --focus NAME drills in\n"
"  diff      compare two saved profiles: BEFORE.pb.gz AFTER.pb.gz\n"
"\n"
"Run 'whyslow COMMAND --help' for the options of a command.\n");
}

/* Files are opened with the sudo user's rights from here on. */
static int start_sudo(void)
{
	int err = sudo_init();

	if (err == -EINVAL)
		fprintf(stderr, "whyslow: SUDO_UID and SUDO_GID must both be "
			"user and group ids\n");
	else if (err)
		fprintf(stderr, "whyslow: cannot act as the sudo user: %s\n",
			strerror(-err));
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	argp_err_exit_status = 2;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if ((!strcmp(argv[1], "record") || !strcmp(argv[1], "report") ||
	     !strcmp(argv[1], "diff")) && start_sudo())
		return 1;
	if (!strcmp(argv[1], "record"))
		return cmd_record(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		printf("\n'whyslow record' options:\n");
		argp_help(&record_argp, stdout, ARGP_HELP_LONG | ARGP_HELP_DOC,
			  "whyslow record");
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("whyslow %s\n", WHYSLOW_VERSION);
		return 0;
	}
	fprintf(stderr, "whyslow: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
