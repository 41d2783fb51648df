// SPDX-License-Identifier: GPL-2.0
/* whyslow: the command line; record, report and diff do the work. */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/output.h"
#include "lib/sudo.h"
#include "lib/util.h"
#include "mcp/server.h"
#include "pprof/pprof.h"
#include "record/launch.h"
#include "record/record.h"
#include "report/report.h"

#define WHYSLOW_VERSION "0.1"

/* argp's -V, --version of every command */
const char *argp_program_version = "whyslow " WHYSLOW_VERSION;

/* -o, --format, --top, --budget: what every command writes, and where. */
struct cli_output {
	struct report_opts rep;
	const char *path;	/* -o; NULL: stdout */
	bool format_given;	/* --format, over -o's extension */
};

struct cli_record_env {
	struct record_opts rec;
	struct cli_output out;
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
	OPT_PER_THREAD,
};

static const char cli_record_doc[] =
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

static const struct argp_option cli_record_options[] = {
	{ "pid", 'p', "PID[,PID...]", 0, "Profile running processes, all their "
	  "threads, the processes they started (a server's workers) and "
	  "those they start later", 0 },
	{ "all", 'a', NULL, 0, "Profile every process on the machine", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop recording after SECONDS", 0 },
	{ "frequency", 'F', "HZ", 0, "Samples per second per CPU (default 999)", 0 },
	{ "output", 'o', "FILE", 0, "Write the report to FILE, atomically "
	  "(default: stdout); its extension names the format: .md, .json, "
	  ".folded, .svg, .html, .pb.gz or .pprof", 0 },
	{ "format", OPT_FORMAT, "md|json|folded|pprof|svg|html", 0, "Report "
	  "format (default md, or -o's extension; pprof: gzip'd "
	  "profile.proto; svg, html: flame graphs)", 0 },
	{ "save", OPT_SAVE, "FILE", 0, "Also save the profile to FILE as "
	  "gzip'd pprof (name it FILE.pb.gz), for whyslow report, whyslow "
	  "diff and pprof tools", 0 },
	{ "top", OPT_TOP, "N", 0, "Rows per table (default 15)", 0 },
	{ "budget", OPT_BUDGET, "TOKENS", 0, "Size limit of the Markdown "
	  "summary, in tokens of about 4 bytes (default 4000)", 0 },
	{ "per-thread", OPT_PER_THREAD, NULL, 0, "Flame graphs (svg, html): "
	  "a level per thread below each process's", 0 },
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

static long cli_parse_long(const char *s, long min, long max,
			   struct argp_state *st, const char *what)
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

static void cli_parse_pids(struct cli_record_env *env, char *arg,
			   struct argp_state *st)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (env->rec.n_pids == ARRAY_SIZE(env->pids))
			argp_error(st, "too many PIDs (at most 64)");
		env->pids[env->rec.n_pids++] =
			cli_parse_long(tok, 1, INT_MAX, st, "PID");
	}
	env->rec.pids = env->pids;
}

static double cli_parse_seconds(const char *s, struct argp_state *st)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400 * 365)
		argp_error(st, "invalid duration '%s' (seconds, > 0)", s);
	return v;
}

/* diff writes md, json, svg or html only. */
static bool cli_diff_format(int fmt)
{
	return fmt == FORMAT_MD || fmt == FORMAT_JSON || fmt == FORMAT_SVG ||
	       fmt == FORMAT_HTML;
}

/*
 * The format -o's extension names, unless --format named one: then a
 * mismatch warns.  A name with no known extension leaves Markdown, said
 * only of a ".gz" (not gzip'd, as pprof would be).  --per-thread needs
 * a flame graph.
 */
static void cli_output_format(struct cli_output *out, bool diff,
			      struct argp_state *st)
{
	int ext = report_format_of_path(out->path);

	if (!out->path || !strcmp(out->path, "-"))
		goto check;
	if (ext == REPORT_FORMAT_AMBIGUOUS) {
		if (!out->format_given)
			pr_warn("%s: writing Markdown, not gzip'd; for a pprof "
				"profile name it .pb.gz or give --format "
				"pprof\n", out->path);
		goto check;
	}
	if (ext < 0)
		goto check;
	if (!out->format_given) {
		if (diff && !cli_diff_format(ext))
			argp_error(st, "diff writes md, json, svg or html, not %s "
				   "(-o %s); give --format", report_format_name(ext),
				   out->path);
		out->rep.format = ext;
	} else if ((int)out->rep.format != ext) {
		pr_warn("writing %s to %s (--format), though its extension "
			"says %s\n", report_format_name(out->rep.format),
			out->path, report_format_name(ext));
	}
check:
	if (out->rep.per_thread && out->rep.format != FORMAT_SVG &&
	    out->rep.format != FORMAT_HTML)
		argp_error(st, "--per-thread draws flame graphs: svg or html");
}

/* -o, --format, --top, --budget: the options every command shares. */
static error_t cli_parse_output_opt(int key, char *arg, struct argp_state *st,
				    struct cli_output *out, bool diff)
{
	struct report_opts *rep = &out->rep;
	int fmt;

	switch (key) {
	case 'o':
		out->path = arg;
		break;
	case OPT_FORMAT:
		fmt = report_format_parse(arg);
		if (fmt < 0 || (diff && !cli_diff_format(fmt)))
			argp_error(st, "unknown format '%s' (%s)", arg, diff ?
				   "md, json, svg or html" :
				   "md, json, folded, pprof, svg or html");
		rep->format = fmt;
		out->format_given = true;
		break;
	case OPT_TOP:
		rep->top = cli_parse_long(arg, 1, 10000, st, "--top");
		break;
	case OPT_BUDGET:
		rep->budget_tokens = cli_parse_long(arg, 500, 10000000, st,
						    "--budget");
		break;
	case OPT_PER_THREAD:
		rep->per_thread = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --save writes pprof whatever the name; say so when the name says
 * otherwise. */
static void cli_save_warn(const char *save)
{
	int ext = report_format_of_path(save);

	if (ext >= 0 && ext != FORMAT_PPROF)
		pr_warn("--save %s: writing a pprof profile (gzip'd "
			"profile.proto), though its extension says %s\n", save,
			report_format_name(ext));
}

static error_t cli_parse_record_opt(int key, char *arg, struct argp_state *st)
{
	struct cli_record_env *env = st->input;

	switch (key) {
	case 'p':
		cli_parse_pids(env, arg, st);
		break;
	case 'a':
		env->rec.all = true;
		break;
	case 'd':
		env->rec.duration_s = cli_parse_seconds(arg, st);
		break;
	case 'F':
		env->rec.freq = cli_parse_long(arg, 1, 1000000, st,
					       "frequency");
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
			cli_parse_long(arg, 0, 3600000000L, st,
				       "--min-block-us");
		break;
	case 'v':
		env->rec.verbose = true;
		log_verbose = true;
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
		cli_output_format(&env->out, false, st);
		cli_save_warn(env->save);
		break;
	default:
		return cli_parse_output_opt(key, arg, st, &env->out, false);
	}
	return 0;
}

static const struct argp cli_record_argp = {
	.options = cli_record_options,
	.parser = cli_parse_record_opt,
	.args_doc = "[-- CMD [ARGS...]]",
	.doc = cli_record_doc,
};

/* pprof bytes are not for a terminal, as gzip says. */
static bool cli_binary_to_terminal(const struct cli_output *out)
{
	if (out->rep.format != FORMAT_PPROF ||
	    (out->path && strcmp(out->path, "-")) || !isatty(STDOUT_FILENO))
		return false;
	pr_err("not writing pprof data to a terminal; use -o FILE\n");
	return true;
}

static int cli_save_pprof(struct output *save, const struct profile *p)
{
	struct report_opts o = { .format = FORMAT_PPROF };

	return report_output_write(save, p, &o);
}

/* -o and --save, opened before anything is recorded: a bad path costs
 * nothing but its error.  0, or 2 (a usage error) with it printed. */
static int cli_open_outputs(const struct cli_record_env *env,
			    struct output *out, struct output *save)
{
	if (output_open(out, env->out.path))
		return 2;
	if (env->save && output_open(save, env->save)) {
		output_abort(out);
		return 2;
	}
	return 0;
}

static int cli_record(int argc, char **argv)
{
	struct cli_record_env env = {
		.rec = { .freq = 999, .min_block_ns = 10000 },
		.out.rep = { .format = FORMAT_MD, .top = REPORT_DEFAULT_TOP,
			     .budget_tokens = REPORT_DEFAULT_BUDGET },
	};
	struct output out, save;
	struct record_result res;
	struct profile prof;
	int ret;

	argv[0] = "whyslow record";	/* how argp names us in messages */
	argp_parse(&cli_record_argp, argc, argv, ARGP_IN_ORDER, NULL, &env);
	if (cli_binary_to_terminal(&env.out))
		return 2;
	ret = cli_open_outputs(&env, &out, &save);
	if (ret)
		return ret;
	ret = record_run(&env.rec, &prof, &res);
	if (ret) {
		output_abort(&out);
		if (env.save)
			output_abort(&save);
		return ret;
	}
	ret = report_output_write(&out, &prof, &env.out.rep);
	if (env.save)
		ret |= cli_save_pprof(&save, &prof);
	profile_free(&prof);
	if (res.running_pid > 0)
		res.cmd_status = launch_wait(res.running_pid, 0, NULL);
	if (ret)
		return ret;
	return res.cmd_status >= 0 ? res.cmd_status : 0;
}

/* ---- whyslow report, whyslow diff ---- */

struct cli_view_env {
	struct cli_output out;
	const char *files[2];
	size_t n_files, want_files;
};

static const struct argp_option cli_report_options[] = {
	{ "output", 'o', "FILE", 0, "Write to FILE, atomically (default: "
	  "stdout); its extension names the format", 0 },
	{ "format", OPT_FORMAT, "md|json|folded|pprof|svg|html", 0, "Format "
	  "(default md, or -o's extension)", 0 },
	{ "top", OPT_TOP, "N", 0, "Rows per table (default 15)", 0 },
	{ "budget", OPT_BUDGET, "TOKENS", 0, "Size limit of Markdown, in "
	  "tokens of about 4 bytes (default 4000)", 0 },
	{ "per-thread", OPT_PER_THREAD, NULL, 0, "Flame graphs (svg, html): "
	  "a level per thread below each process's", 0 },
	{ "focus", OPT_FOCUS, "NAME", 0, "Only the functions whose name "
	  "matches NAME (a substring or extended regex): their callers, "
	  "callees, hot lines and waits", 0 },
	{ 0 },
};

static error_t cli_parse_view_opt(int key, char *arg, struct argp_state *st)
{
	struct cli_view_env *env = st->input;

	switch (key) {
	case OPT_FOCUS:
		if (!*arg)
			argp_error(st, "--focus needs a function name");
		env->out.rep.focus = arg;
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
		cli_output_format(&env->out, env->want_files == 2, st);
		if (env->out.rep.focus && env->out.rep.format != FORMAT_MD &&
		    env->out.rep.format != FORMAT_JSON)
			argp_error(st, "--focus writes md or json");
		break;
	default:
		return cli_parse_output_opt(key, arg, st, &env->out,
					    env->want_files == 2);
	}
	return 0;
}

static const struct argp cli_report_argp = {
	.options = cli_report_options,
	.parser = cli_parse_view_opt,
	.args_doc = "FILE",
	.doc = "Render a saved profile (whyslow record --save, a pprof "
	       "profile of another tool, or folded stacks) as record would.",
};

/* diff has no --focus: its options are report's but the last. */
static const struct argp_option cli_diff_options[] = {
	{ "output", 'o', "FILE", 0, "Write to FILE, atomically (default: "
	  "stdout); its extension names the format", 0 },
	{ "format", OPT_FORMAT, "md|json|svg|html", 0, "Format (default md, "
	  "or -o's extension; svg: a differential flame graph; html: a page "
	  "of both)", 0 },
	{ "top", OPT_TOP, "N", 0, "Rows per table (default 15)", 0 },
	{ "budget", OPT_BUDGET, "TOKENS", 0, "Size limit of Markdown, in "
	  "tokens of about 4 bytes (default 4000)", 0 },
	{ 0 },
};

static const struct argp cli_diff_argp = {
	.options = cli_diff_options,
	.parser = cli_parse_view_opt,
	.args_doc = "BEFORE.pb.gz AFTER.pb.gz",
	.doc = "Compare two saved profiles: did the change help, and where.",
};

/* Reads a profile; 0, or 1 with the reason printed. */
static int cli_load_profile(const char *path, struct profile *p)
{
	char err[256];

	if (!pprof_load(path, p, err, sizeof(err)))
		return 0;
	pr_err("%s: %s\n", path, err);
	profile_free(p);
	return 1;
}

struct cli_text {
	char *data;
	size_t len;
};

static int cli_text_to(FILE *f, void *arg)
{
	const struct cli_text *t = arg;

	return fwrite(t->data, 1, t->len, f) == t->len ? 0 : -EIO;
}

/* The focus view: rendered first, so that "no such function" is an error
 * of its own and the output file is left as it was. */
static int cli_write_focus(struct output *out, const struct profile *p,
			   const struct report_opts *rep)
{
	struct cli_text t = { 0 };
	FILE *mem = open_memstream(&t.data, &t.len);
	int err, ret = 1;

	if (!mem) {
		output_abort(out);
		return 1;
	}
	err = report_write(mem, p, rep);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (err == -ENOENT)
		pr_err("no function matches '%s'\n", rep->focus);
	else if (err)
		pr_err("cannot render the focus view: %s\n", strerror(-err));
	if (err)
		output_abort(out);
	else
		ret = output_write(out, cli_text_to, &t);
	free(t.data);
	return ret;
}

static int cli_report(int argc, char **argv)
{
	struct cli_view_env env = {
		.out.rep = { .format = FORMAT_MD, .top = REPORT_DEFAULT_TOP,
			     .budget_tokens = REPORT_DEFAULT_BUDGET },
		.want_files = 1,
	};
	struct output out;
	struct profile prof;
	int ret;

	argv[0] = "whyslow report";
	argp_parse(&cli_report_argp, argc, argv, 0, NULL, &env);
	if (cli_binary_to_terminal(&env.out))
		return 2;
	/* A bad -o fails before the profile is read. */
	if (output_open(&out, env.out.path))
		return 2;
	if (cli_load_profile(env.files[0], &prof)) {
		output_abort(&out);
		return 1;
	}
	ret = env.out.rep.focus ?
		cli_write_focus(&out, &prof, &env.out.rep) :
		report_output_write(&out, &prof, &env.out.rep);
	profile_free(&prof);
	return ret;
}

struct cli_diff_job {
	const struct profile *before, *after;
	const struct report_opts *opts;
};

static int cli_diff_to(FILE *f, void *arg)
{
	const struct cli_diff_job *job = arg;

	return report_write_diff(f, job->before, job->after, job->opts);
}

static int cli_diff(int argc, char **argv)
{
	struct cli_view_env env = {
		.out.rep = { .format = FORMAT_MD, .top = REPORT_DEFAULT_TOP,
			     .budget_tokens = REPORT_DEFAULT_BUDGET },
		.want_files = 2,
	};
	struct profile before, after;
	struct cli_diff_job job = { .before = &before, .after = &after,
				    .opts = &env.out.rep };
	struct output out;
	int ret;

	argv[0] = "whyslow diff";
	argp_parse(&cli_diff_argp, argc, argv, 0, NULL, &env);
	if (output_open(&out, env.out.path))
		return 2;
	if (cli_load_profile(env.files[0], &before)) {
		output_abort(&out);
		return 1;
	}
	if (cli_load_profile(env.files[1], &after)) {
		output_abort(&out);
		profile_free(&before);
		return 1;
	}
	ret = output_write(&out, cli_diff_to, &job);
	profile_free(&before);
	profile_free(&after);
	return ret;
}

/* whyslow mcp takes no options: the client's calls carry them. */
static int cli_mcp(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: sudo whyslow mcp\n"
		       "Serve record, report and diff as tools over the Model "
		       "Context Protocol\n(JSON-RPC on stdin and stdout, logs on "
		       "stderr) for an AI assistant.\nCommands run as the user "
		       "who invoked sudo; see README, \"AI assistants\".\n");
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "--version") ||
			 !strcmp(argv[1], "-V"))) {
		printf("%s\n", argp_program_version);
		return 0;
	}
	if (argc > 1) {
		pr_err("mcp takes no arguments ('%s')\n", argv[1]);
		return 2;
	}
	return server_run(WHYSLOW_VERSION);
}

static void cli_usage(FILE *f)
{
	fprintf(f,
"Usage: whyslow record [OPTIONS] -- CMD [ARGS...]\n"
"  or:  whyslow record [OPTIONS] -p PID[,PID...]\n"
"  or:  whyslow record [OPTIONS] -a\n"
"  or:  whyslow report [OPTIONS] FILE\n"
"  or:  whyslow diff [OPTIONS] BEFORE AFTER\n"
"  or:  whyslow mcp\n"
"  or:  whyslow help [COMMAND]\n"
"Why is this slow?  A profiler that says where the wall time went.\n"
"\n"
"Commands:\n"
"  record    profile a command (-- CMD), running processes (-p) or all (-a)\n"
"  report    render a saved profile (FILE.pb.gz, or folded stacks);\n"
"            --focus NAME drills in\n"
"  diff      compare two saved profiles: BEFORE.pb.gz AFTER.pb.gz\n"
"  mcp       serve record, report and diff to an AI assistant (Model\n"
"            Context Protocol on stdin/stdout; see README)\n"
"  help      this text, or a command's options (whyslow help record)\n"
"\n"
"Run 'whyslow COMMAND --help' for the options of a command.\n");
}

/* A command's options as argp lists them, less the note on mandatory
 * arguments that cli_help_all prints once. */
static void cli_help_options(const struct argp *argp)
{
	char *text = NULL, *note;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return;
	argp_help(argp, mem, ARGP_HELP_LONG, "whyslow");
	if (!fclose(mem)) {
		note = strstr(text, "\nMandatory or optional");
		if (note)
			note[1] = '\0';
		fputs(text, stdout);
	}
	free(text);
}

/* The whole manual in one text, as help2man makes whyslow(1) of it
 * (tools/whyslow.h2m adds the sections --help has no place for). */
static void cli_help_all(void)
{
	const struct {
		const char *head;
		const struct argp *argp;
	} cmds[] = {
		{ "Record options:\n", &cli_record_argp },
		{ "Report options:\n", &cli_report_argp },
		{ "Diff options:\n", &cli_diff_argp },
	};
	size_t i;

	cli_usage(stdout);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		printf("\n%s", cmds[i].head);
		cli_help_options(cmds[i].argp);
	}
	printf("\nOther options:\n"
"  -h, --help                 Give this help list (of a command, after it)\n"
"  -V, --version              Print the program version\n"
"\n"
"Mandatory or optional arguments to long options are also mandatory or\n"
"optional for any corresponding short options.\n"
"\n"
"Examples:\n"
"  sudo whyslow record -- python3 linkcheck.py links.md\n"
"  sudo whyslow record -F 99 -o report.md -- make -j2\n"
"  sudo whyslow record -o profile.svg --save run.pb.gz -p 1234 -d 10\n"
"  sudo whyslow record -a -d 5 --format folded > all.folded\n"
"  whyslow report run.pb.gz --focus parse_line\n"
"  whyslow report all.folded -o all.html\n"
"  whyslow diff before.pb.gz after.pb.gz\n");
}

/* "whyslow help [COMMAND]": a command's --help, or the whole text. */
static int cli_help(int argc, char **argv)
{
	char help[] = "--help";
	char *args[3] = { argv[1], help, NULL };

	if (argc < 2) {
		cli_help_all();
		return 0;
	}
	if (!strcmp(argv[1], "record"))
		return cli_record(2, args);
	if (!strcmp(argv[1], "report"))
		return cli_report(2, args);
	if (!strcmp(argv[1], "diff"))
		return cli_diff(2, args);
	if (!strcmp(argv[1], "mcp"))
		return cli_mcp(2, args);
	if (!strcmp(argv[1], "help")) {
		cli_help_all();
		return 0;
	}
	pr_err("no command '%s' (record, report, diff, mcp)\n", argv[1]);
	return 2;
}

/* Files are opened with the sudo user's rights from here on. */
static int cli_start_sudo(void)
{
	int err = sudo_init();

	if (err == -EINVAL)
		pr_err("SUDO_UID and SUDO_GID must both be user and group "
		       "ids\n");
	else if (err)
		pr_err("cannot act as the sudo user: %s\n", strerror(-err));
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	argp_err_exit_status = 2;
	if (argc < 2) {
		cli_usage(stderr);
		return 2;
	}
	if ((!strcmp(argv[1], "record") || !strcmp(argv[1], "report") ||
	     !strcmp(argv[1], "diff") || !strcmp(argv[1], "mcp")) &&
	    cli_start_sudo())
		return 1;
	if (!strcmp(argv[1], "record"))
		return cli_record(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return cli_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return cli_diff(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help"))
		return cli_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "mcp"))
		return cli_mcp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_help_all();
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("%s\n", argp_program_version);
		return 0;
	}
	pr_err("unknown command '%s'\n", argv[1]);
	cli_usage(stderr);
	return 2;
}
