// SPDX-License-Identifier: GPL-2.0
/* The tools' schemas and their arguments checked; see tools.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "mcp/tools.h"

/* Written once, as an assistant reads it: what each tool does and what
 * its answer holds.  tools_parse() checks what these schemas say. */
static const char tools_json[] =
"{\"tools\": ["
"{\"name\": \"record\", \"title\": \"Profile a command or a process\","
" \"description\": \"Runs a command (as the user who started the server "
"with sudo) or watches a running process, records where its wall time "
"goes (on-CPU samples, waits off the CPU, file and network I/O) and "
"returns whyslow's Markdown summary: a verdict, the hot functions and "
"paths, the waits.  The profile is saved (a private temporary .pb.gz "
"unless `save` names a file) and its path given, for the report and "
"diff tools.  A command still running when duration_s ends is stopped.\","
" \"inputSchema\": {\"type\": \"object\", \"properties\": {"
"  \"command\": {\"description\": \"The command and its arguments "
"(argv, no shell), or the PID of a running process\", \"oneOf\": ["
"   {\"type\": \"array\", \"items\": {\"type\": \"string\"}, "
"\"minItems\": 1, \"maxItems\": 4096},"
"   {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 2147483647}]},"
"  \"duration_s\": {\"type\": \"number\", \"exclusiveMinimum\": 0, "
"\"maximum\": 86400, \"description\": \"Stop after this many seconds "
"(default: when the command or process ends)\"},"
"  \"frequency_hz\": {\"type\": \"integer\", \"minimum\": 1, "
"\"maximum\": 1000000, \"description\": \"Samples per second per CPU "
"(default 999)\"},"
"  \"offcpu\": {\"type\": \"boolean\", \"description\": \"Trace waits "
"off the CPU (default true)\"},"
"  \"io\": {\"type\": \"boolean\", \"description\": \"Trace file, network "
"and exec syscalls (default true)\"},"
"  \"budget\": {\"type\": \"integer\", \"minimum\": 500, "
"\"maximum\": 10000000, \"description\": \"Size limit of the summary in "
"tokens of about 4 bytes (default 4000)\"},"
"  \"top\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10000, "
"\"description\": \"Rows per table (default 15)\"},"
"  \"format\": {\"type\": \"string\", \"enum\": [\"md\", \"json\"], "
"\"description\": \"md (default): the summary; json: every number\"},"
"  \"save\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 4096, "
"\"description\": \"Also write the profile to this file (pprof, "
"FILE.pb.gz), with the user's rights\"}},"
" \"required\": [\"command\"], \"additionalProperties\": false},"
" \"annotations\": {\"readOnlyHint\": false, \"destructiveHint\": false, "
"\"openWorldHint\": false}},"
"{\"name\": \"report\", \"title\": \"Read a saved profile\","
" \"description\": \"The summary of a saved profile (one the record tool "
"saved, or any pprof file), or with `focus` the view of the functions "
"whose name matches: their callers, callees, hot lines and waits.\","
" \"inputSchema\": {\"type\": \"object\", \"properties\": {"
"  \"profile\": {\"type\": \"string\", \"minLength\": 1, "
"\"maxLength\": 4096, \"description\": \"Path of the profile (.pb.gz)\"},"
"  \"focus\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 4096, "
"\"description\": \"A function name: a substring or an extended "
"regex\"},"
"  \"format\": {\"type\": \"string\", \"enum\": [\"md\", \"json\"]},"
"  \"budget\": {\"type\": \"integer\", \"minimum\": 500, "
"\"maximum\": 10000000},"
"  \"top\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10000}},"
" \"required\": [\"profile\"], \"additionalProperties\": false},"
" \"annotations\": {\"readOnlyHint\": true, \"openWorldHint\": false}},"
"{\"name\": \"diff\", \"title\": \"Compare two saved profiles\","
" \"description\": \"Did a change help, and where: wall time and waits "
"before and after, the functions that got faster or slower, paths that "
"appeared or vanished, a verdict.\","
" \"inputSchema\": {\"type\": \"object\", \"properties\": {"
"  \"before\": {\"type\": \"string\", \"minLength\": 1, "
"\"maxLength\": 4096, \"description\": \"The profile before the "
"change\"},"
"  \"after\": {\"type\": \"string\", \"minLength\": 1, "
"\"maxLength\": 4096, \"description\": \"The profile after it\"},"
"  \"format\": {\"type\": \"string\", \"enum\": [\"md\", \"json\"]},"
"  \"budget\": {\"type\": \"integer\", \"minimum\": 500, "
"\"maximum\": 10000000},"
"  \"top\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10000}},"
" \"required\": [\"before\", \"after\"], \"additionalProperties\": false},"
" \"annotations\": {\"readOnlyHint\": true, \"openWorldHint\": false}}"
"]}";

json_t *tools_list(void)
{
	return json_loads(tools_json, 0, NULL);
}

struct checker {
	json_t *args;
	char *err;
	size_t errlen;
};

static int fail(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A string of 1..TOOLS_MAX_PATH bytes, copied; absent: *out stays NULL. */
static int get_string(struct checker *c, const char *key, char **out)
{
	json_t *v = json_object_get(c->args, key);
	size_t len;

	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail(c, "%s must be a string", key);
	len = json_string_length(v);
	if (!len || len > TOOLS_MAX_PATH)
		return fail(c, "%s must be 1 to %u bytes long (it is %zu)", key,
			    TOOLS_MAX_PATH, len);
	if (memchr(json_string_value(v), 0, len))
		return fail(c, "%s holds a NUL byte", key);
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

static int get_int(struct checker *c, const char *key, long long min,
		   long long max, long long *out)
{
	json_t *v = json_object_get(c->args, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return fail(c, "%s must be an integer from %lld to %lld", key,
			    min, max);
	*out = json_integer_value(v);
	return 0;
}

static int get_bool(struct checker *c, const char *key, bool *out)
{
	json_t *v = json_object_get(c->args, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return fail(c, "%s must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* format, top, budget: what every tool writes. */
static int get_output(struct checker *c, struct report_opts *rep)
{
	json_t *fmt = json_object_get(c->args, "format");
	long long top = REPORT_DEFAULT_TOP, budget = REPORT_DEFAULT_BUDGET;
	const char *f;
	int err;

	rep->format = FORMAT_MD;
	if (fmt) {
		f = json_is_string(fmt) ? json_string_value(fmt) : "";
		if (strcmp(f, "md") && strcmp(f, "json"))
			return fail(c, "format must be \"md\" or \"json\"");
		rep->format = f[0] == 'j' ? FORMAT_JSON : FORMAT_MD;
	}
	if ((err = get_int(c, "top", 1, 10000, &top)) ||
	    (err = get_int(c, "budget", 500, 10000000, &budget)))
		return err;
	rep->top = top;
	rep->budget_tokens = budget;
	return 0;
}

/* Every key is one the schema names (additionalProperties: false). */
static int only_keys(struct checker *c, const char *const *keys)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(c->args, key, v) {
		for (i = 0; keys[i] && strcmp(keys[i], key); i++)
			;
		if (!keys[i])
			return fail(c, "unknown argument '%.64s'", key);
	}
	return 0;
}

static int get_argv(struct checker *c, json_t *cmd, struct tools_args *a)
{
	size_t n = json_array_size(cmd), i, len;
	json_t *w;

	if (!n || n > TOOLS_MAX_ARGV)
		return fail(c, "command must hold 1 to %u words",
			    TOOLS_MAX_ARGV);
	a->argv = calloc(n + 1, sizeof(*a->argv));
	if (!a->argv)
		return -ENOMEM;
	json_array_foreach(cmd, i, w) {
		if (!json_is_string(w))
			return fail(c, "command[%zu] must be a string", i);
		len = json_string_length(w);
		if ((!i && !len) || memchr(json_string_value(w), 0, len))
			return fail(c, "command[%zu] must be %s", i, len ?
				    "free of NUL bytes" : "a program name");
		a->argv[i] = strdup(json_string_value(w));
		if (!a->argv[i])
			return -ENOMEM;
	}
	return 0;
}

static int get_record(struct checker *c, struct tools_args *a)
{
	static const char *const keys[] = { "command", "duration_s",
		"frequency_hz", "offcpu", "io", "budget", "top", "format",
		"save", NULL };
	json_t *cmd = json_object_get(c->args, "command");
	json_t *dur = json_object_get(c->args, "duration_s");
	long long freq = 999;
	bool offcpu = true, io = true;
	int err;

	if ((err = only_keys(c, keys)))
		return err;
	if (json_is_array(cmd))
		err = get_argv(c, cmd, a);
	else if (json_is_integer(cmd) && json_integer_value(cmd) >= 1 &&
		 json_integer_value(cmd) <= INT_MAX)
		a->pid = json_integer_value(cmd);
	else
		err = fail(c, "command must be an array of strings (argv) or "
			   "a PID");
	if (err)
		return err;
	if (dur) {
		if (!json_is_number(dur) || !(json_number_value(dur) > 0) ||
		    json_number_value(dur) > 86400)
			return fail(c, "duration_s must be a number of seconds "
				    "above 0, at most 86400");
		a->duration_s = json_number_value(dur);
	}
	if ((err = get_int(c, "frequency_hz", 1, 1000000, &freq)) ||
	    (err = get_bool(c, "offcpu", &offcpu)) ||
	    (err = get_bool(c, "io", &io)) ||
	    (err = get_string(c, "save", &a->save)) ||
	    (err = get_output(c, &a->rep)))
		return err;
	if (a->save && !strcmp(a->save, "-"))
		return fail(c, "save must name a file (stdout is the "
			    "protocol's)");
	a->freq = freq;
	a->no_offcpu = !offcpu;
	a->no_io = !io;
	return 0;
}

static int get_report(struct checker *c, struct tools_args *a)
{
	static const char *const keys[] = { "profile", "focus", "format",
		"budget", "top", NULL };
	int err;

	if ((err = only_keys(c, keys)) ||
	    (err = get_string(c, "profile", &a->profile)) ||
	    (err = get_string(c, "focus", &a->focus)) ||
	    (err = get_output(c, &a->rep)))
		return err;
	if (!a->profile)
		return fail(c, "profile is required");
	a->rep.focus = a->focus;
	return 0;
}

static int get_diff(struct checker *c, struct tools_args *a)
{
	static const char *const keys[] = { "before", "after", "format",
		"budget", "top", NULL };
	int err;

	if ((err = only_keys(c, keys)) ||
	    (err = get_string(c, "before", &a->before)) ||
	    (err = get_string(c, "after", &a->after)) ||
	    (err = get_output(c, &a->rep)))
		return err;
	if (!a->before || !a->after)
		return fail(c, "before and after are required");
	return 0;
}

int tools_parse(const char *name, json_t *args, struct tools_args *a,
		char *err, size_t errlen)
{
	json_t *none = NULL;
	struct checker c = { .args = args, .err = err, .errlen = errlen };
	int ret;

	memset(a, 0, sizeof(*a));
	if (!args)
		c.args = none = json_object();
	if (!c.args)
		return -ENOMEM;
	if (!json_is_object(c.args))
		ret = fail(&c, "arguments must be an object");
	else if (!strcmp(name, "record"))
		ret = (a->tool = TOOL_RECORD, get_record(&c, a));
	else if (!strcmp(name, "report"))
		ret = (a->tool = TOOL_REPORT, get_report(&c, a));
	else if (!strcmp(name, "diff"))
		ret = (a->tool = TOOL_DIFF, get_diff(&c, a));
	else
		ret = (snprintf(err, errlen, "unknown tool '%.64s'", name),
		       -ENOENT);
	json_decref(none);
	return ret;
}

void tools_args_free(struct tools_args *a)
{
	size_t i;

	for (i = 0; a->argv && a->argv[i]; i++)
		free(a->argv[i]);
	free(a->argv);
	free(a->save);
	free(a->profile);
	free(a->before);
	free(a->after);
	free(a->focus);
	memset(a, 0, sizeof(*a));
}
