// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of python/offsets.c, detect.c and code.c.  Ground truth
 * comes from the interpreters themselves, at run time: each CPython found
 * runs a script that prints, for a set of functions, CPython's own line for
 * every instruction offset (co_lines()), the names as UTF-8, and what the
 * BPF side would copy of the code objects (read with ctypes at the
 * offsets python_detect() gave); it also walks its own thread's frames at
 * those offsets the way the BPF walker does, and prints its mappings of
 * the file defining _PyRuntime.
 * A version that is not installed is skipped, by name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "python/code.h"
#include "python/detect.h"
#include "tmpdir.h"

#define PYENV		"/root/.pyenv/versions/"

/* One CPython to test: the interpreter to run, the file defining
 * _PyRuntime (the executable when linked statically), and what
 * detection must find. */
struct interp {
	const char *label;
	const char *exe;
	const char *runtime_file;
	int minor;
	int micro;		/* -1: not checked */
	bool present;
	int detect_err;
	struct python_info info;
	char runtime_real[PATH_MAX];
	struct truth *truth;
};

struct pystr {
	int kind;		/* as the copier sets it; -1: version lacks it */
	uint8_t *raw;		/* the copy: WS_PY_NAME_LEN or _FILE_LEN bytes */
	size_t raw_len;
	char *utf8;		/* what CPython says */
};

struct code_dump {
	char *tag;
	int first_mem, first_attr;
	size_t units;
	uint8_t *lt_mem, *lt_attr;
	size_t lt_mem_len, lt_attr_len;
	struct pystr name, qualname, filename;
	int *lines;		/* CPython's line per code unit, 0 none */
	size_t n_lines;
};

struct walk_frame {
	char *tag;		/* of its code_dump */
	long instr;
	int line;		/* frame.f_lineno */
	int same_code;		/* the walker's code pointer is f_code */
};

struct live_map {
	uint64_t start, end, pgoff;
};

struct truth {
	struct code_dump *codes;
	size_t n_codes;
	struct walk_frame *walk;
	size_t n_walk;
	struct live_map *maps;
	size_t n_maps;
	uint64_t runtime, code_type;
	size_t n_errors;
	bool done;
};

#define INTERP(lbl, ex, rt, mi, mc) \
	{ .label = lbl, .exe = ex, .runtime_file = rt, .minor = mi, .micro = mc }

/* Debian's python3.11 is linked statically: its executable is the
 * runtime; its micro version follows the distribution's updates. */
static struct interp interps[] = {
	INTERP("3.11 (Debian)", "/usr/bin/python3.11", "/usr/bin/python3.11",
	       11, -1),
	INTERP("3.10.13", PYENV "3.10.13/bin/python3",
	       PYENV "3.10.13/lib/libpython3.10.so.1.0", 10, -1),
	INTERP("3.11.7", PYENV "3.11.7/bin/python3",
	       PYENV "3.11.7/lib/libpython3.11.so.1.0", 11, 7),
	INTERP("3.12.1", PYENV "3.12.1/bin/python3",
	       PYENV "3.12.1/lib/libpython3.12.so.1.0", 12, 1),
	INTERP("3.13.0", PYENV "3.13.0/bin/python3",
	       PYENV "3.13.0/lib/libpython3.13.so.1.0", 13, 0),
};
#define N_INTERPS	(ARRAY_SIZE(interps))

static char dir[] = "/tmp/whyslow-pytest-XXXXXX";
static char script[PATH_MAX];

static const char script_head[] =
	"# Ground truth for tests/unit/test_python.c, printed by the interpreter under\n"
	"# test.  argv: offsets (name=value,...), the file defining _PyRuntime, the\n"
	"# copy sizes of names and file names.  \"str\" and \"lt\" records are what the\n"
	"# BPF copier would copy, read with ctypes at the offsets given; \"lines\" is\n"
	"# CPython's own line for every code unit, from co_lines().\n"
	"import ctypes, os, sys, threading, types\n"
	"\n"
	"OFF = {}\n"
	"for kv in sys.argv[1].split(\",\"):\n"
	"    k, v = kv.split(\"=\")\n"
	"    OFF[k] = int(v)\n"
	"RUNTIME_FILE = sys.argv[2]\n"
	"NAME_LEN = int(sys.argv[3])\n"
	"FILE_LEN = int(sys.argv[4])\n"
	"NONE = 0xFFFF\n"
	"MINOR = sys.version_info[1]\n"
	"P = ctypes.c_void_p.from_address\n"
	"I32 = ctypes.c_int32.from_address\n"
	"I64 = ctypes.c_int64.from_address\n"
	"U32 = ctypes.c_uint32.from_address\n"
	"U64 = ctypes.c_uint64.from_address\n"
	"U8 = ctypes.c_uint8.from_address\n"
	"\n"
	"\n"
	"def out(*words):\n"
	"    print(*words)\n"
	"\n"
	"\n"
	"def hexs(b):\n"
	"    return b.hex() if b else \"-\"\n"
	"\n"
	"\n"
	"def ptr(addr):\n"
	"    return P(addr).value or 0\n"
	"\n"
	"\n"
	"def copy_str(obj, field, room):\n"
	"    \"\"\"A str as BPF copies it: data and NUL, cut at room, then junk.\"\"\"\n"
	"    a = ptr(field)\n"
	"    if a != id(obj):\n"
	"        out(\"error\", \"str-pointer\", hex(field))\n"
	"        return 0, b\"\"\n"
	"    state = U32(a + OFF[\"unicode_state\"]).value\n"
	"    kind, compact, ascii = (state >> 2) & 7, (state >> 5) & 1, (state >> 6) & 1\n"
	"    if not compact:\n"
	"        out(\"error\", \"non-compact-str\")\n"
	"    data = a + (OFF[\"unicode_ascii_data\"] if ascii else OFF[\"unicode_compact_data\"])\n"
	"    raw = ctypes.string_at(data, min(room, (len(obj) + 1) * kind))\n"
	"    return (0 if ascii else kind), raw + b\"\\xaa\" * (room - len(raw))\n"
	"\n"
	"\n"
	"def dump(tag, code):\n"
	"    a = id(code)\n"
	"    if ptr(a + OFF[\"type_of_object\"]) != id(types.CodeType):\n"
	"        out(\"error\", \"code-type\", tag)\n"
	"    first = I32(a + OFF[\"code_firstlineno\"]).value\n"
	"    lt = ptr(a + OFF[\"code_linetable\"])\n"
	"    n = I64(lt + OFF[\"bytes_size\"]).value\n"
	"    lt_mem = ctypes.string_at(lt + OFF[\"bytes_data\"], n) if 0 <= n < 1 << 20 else b\"\"\n"
	"    units = len(code.co_code) // 2\n"
	"    out(\"code\", tag, first, code.co_firstlineno, units)\n"
	"    out(\"lt\", hexs(lt_mem), hexs(code.co_linetable))\n"
	"    for label, obj, off, room in (\n"
	"            (\"name\", code.co_name, OFF[\"code_name\"], NAME_LEN),\n"
	"            (\"qualname\", getattr(code, \"co_qualname\", None), OFF[\"code_qualname\"], NAME_LEN),\n"
	"            (\"filename\", code.co_filename, OFF[\"code_filename\"], FILE_LEN)):\n"
	"        if obj is None:\n"
	"            out(\"str\", label, -1, \"-\", \"-\")\n"
	"            continue\n"
	"        kind, raw = copy_str(obj, a + off, room)\n"
	"        out(\"str\", label, kind, hexs(raw), hexs(obj.encode(\"utf-8\", \"surrogatepass\")))\n"
	"    lines = [0] * units\n"
	"    for start, end, line in code.co_lines():\n"
	"        for b in range(start, end, 2):\n"
	"            if 0 <= b // 2 < units:\n"
	"                lines[b // 2] = line or 0\n"
	"    out(\"lines\", *lines)\n"
	"\n"
	"\n"
	"def walk():\n"
	"    \"\"\"The BPF walker's view of this thread: (code, instruction) per frame.\"\"\"\n"
	"    rt = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, \"_PyRuntime\"))\n"
	"    interp = P(rt + OFF[\"runtime_interpreters_head\"]).value\n"
	"    ts = P(interp + OFF[\"interp_threads_head\"]).value\n"
	"    me = threading.get_ident()\n"
	"    for _ in range(64):\n"
	"        if not ts or U64(ts + OFF[\"tstate_thread_id\"]).value == me:\n"
	"            break\n"
	"        ts = P(ts + OFF[\"tstate_next\"]).value\n"
	"    if not ts:\n"
	"        out(\"error\", \"no-thread-state\")\n"
	"        return [], []\n"
	"    if OFF[\"tstate_native_thread_id\"] != NONE and \\\n"
	"            U64(ts + OFF[\"tstate_native_thread_id\"]).value != threading.get_native_id():\n"
	"        out(\"error\", \"native-thread-id\")\n"
	"    if OFF[\"tstate_cframe\"] != NONE:\n"
	"        fr = P(P(ts + OFF[\"tstate_cframe\"]).value + OFF[\"cframe_current_frame\"]).value\n"
	"    else:\n"
	"        fr = P(ts + OFF[\"tstate_frame\"]).value\n"
	"    raw = []\n"
	"    for _ in range(64):\n"
	"        if not fr:\n"
	"            break\n"
	"        if OFF[\"frame_owner\"] != NONE and U8(fr + OFF[\"frame_owner\"]).value == 3:\n"
	"            fr = P(fr + OFF[\"frame_previous\"]).value\n"
	"            continue\n"
	"        code = P(fr + OFF[\"frame_code\"]).value or 0\n"
	"        if P(code + OFF[\"type_of_object\"]).value != id(types.CodeType):\n"
	"            fr = P(fr + OFF[\"frame_previous\"]).value\n"
	"            continue\n"
	"        if MINOR == 10:\n"
	"            instr = I32(fr + OFF[\"frame_instr\"]).value\n"
	"        else:\n"
	"            instr = ((P(fr + OFF[\"frame_instr\"]).value or 0) -\n"
	"                     (code + OFF[\"code_first_instr\"])) // 2\n"
	"        raw.append((code, instr))\n"
	"        fr = P(fr + OFF[\"frame_previous\"]).value\n"
	"    f = sys._getframe(1)\n"
	"    expected = []\n"
	"    while f is not None:\n"
	"        expected.append((f.f_code, f.f_lineno))\n"
	"        f = f.f_back\n"
	"    return raw, expected\n"
	"\n"
	"\n"
	"def report_walk():\n"
	"    raw, expected = walk()\n"
	"    frames = raw[1:]\n"
	"    if len(frames) != len(expected):\n"
	"        out(\"error\", \"walk-depth\", len(frames), len(expected))\n"
	"    for i, ((code, instr), (f_code, f_lineno)) in enumerate(zip(frames, expected)):\n"
	"        tag = \"walk%d\" % i\n"
	"        dump(tag, f_code)\n"
	"        out(\"walk\", tag, instr, f_lineno, int(code == id(f_code)))\n"
	"    return len(frames)\n";

static const char script_tail[] =
	"\n"
	"\n"
	"def loops(n):\n"
	"    total = 0\n"
	"    for i in range(n):\n"
	"        if i % 2:\n"
	"            continue\n"
	"        j = 0\n"
	"        while j < i:\n"
	"            j += 1\n"
	"            if j > 10:\n"
	"                break\n"
	"        total += j\n"
	"    else:\n"
	"        total -= 1\n"
	"    return total\n"
	"\n"
	"\n"
	"def multiline(a, b):\n"
	"    value = dict(\n"
	"        first=a,\n"
	"        second=[x * 2\n"
	"                for x in range(b)\n"
	"                if x % 3],\n"
	"        third=(a +\n"
	"               b),\n"
	"    )\n"
	"    return (value[\"first\"]\n"
	"            + len(value[\"second\"])\n"
	"            - value[\"third\"])\n"
	"\n"
	"\n"
	"def gen(n):\n"
	"    try:\n"
	"        for i in range(n):\n"
	"            yield i * 2\n"
	"            if i > 100:\n"
	"                return\n"
	"    finally:\n"
	"        n = 0\n"
	"\n"
	"\n"
	"def excs(path):\n"
	"    try:\n"
	"        with open(path) as f:\n"
	"            data = f.read()\n"
	"    except OSError as e:\n"
	"        data = str(e)\n"
	"    except Exception:\n"
	"        raise\n"
	"    finally:\n"
	"        path = None\n"
	"    return data\n"
	"\n"
	"\n"
	"def café():\n"
	"    return 1\n"
	"\n"
	"\n"
	"def 名前():\n"
	"    return 2\n"
	"\n"
	"\n"
	"def 𠀀():\n"
	"    return 4\n"
	"\n"
	"\n"
	"class Κλάση:\n"
	"    def μέθοδος(self):\n"
	"        return lambda: 3\n"
	"\n"
	"\n"
	"def 名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前():\n"
	"    return 5\n"
	"\n"
	"\n"
	"def outer():\n"
	"    def inner():\n"
	"        return 6\n"
	"    return inner\n"
	"\n"
	"\n"
	"class K:\n"
	"    def method(self):\n"
	"        g = self.gen()\n"
	"        return next(g)\n"
	"\n"
	"    def gen(self):\n"
	"        def inner():\n"
	"            return report_walk(\n"
	"            )\n"
	"        yield (0 +\n"
	"               inner())\n"
	"\n"
	"\n"
	"def main():\n"
	"    for tag, fn in ((\"loops\", loops), (\"multiline\", multiline), (\"gen\", gen),\n"
	"                    (\"excs\", excs), (\"big\", big), (\"sparse\", sparse),\n"
	"                    (\"sparse_loop\", sparse_loop), (\"longline\", longline),\n"
	"                    (\"latin1\", café), (\"ucs2\", 名前), (\"ucs4\", 𠀀),\n"
	"                    (\"method\", Κλάση.μέθοδος), (\"lambda\", Κλάση().μέθοδος()),\n"
	"                    (\"longname\", 名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前),\n"
	"                    (\"closure\", outer())):\n"
	"        dump(tag, fn.__code__)\n"
	"    ns = {}\n"
	"    exec(compile(\"def virt(a):\\n    b = a\\n    return b\\n\",\n"
	"                 \"/virtual/名前/𠀀.py\", \"exec\"), ns)\n"
	"    dump(\"virtual\", ns[\"virt\"].__code__)\n"
	"    rt = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, \"_PyRuntime\"))\n"
	"    out(\"runtime\", \"%x\" % rt, \"%x\" % id(types.CodeType))\n"
	"    with open(\"/proc/self/maps\") as maps:\n"
	"        for line in maps:\n"
	"            parts = line.split()\n"
	"            if len(parts) == 6 and os.path.realpath(parts[5]) == RUNTIME_FILE:\n"
	"                start, end = parts[0].split(\"-\")\n"
	"                out(\"map\", start, end, parts[2])\n"
	"    K().method()\n"
	"    out(\"done\")\n"
	"\n"
	"\n"
	"main()\n";

/* ---- fixtures ------------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

/*
 * Functions with long line tables, written out here rather than in the
 * script: big() is 1000+ lines (its 3.11+ table outgrows the copy),
 * sparse() has line deltas beyond what one
 * byte (3.10) or one varint chunk (3.11+) holds, forwards and backwards,
 * longline() has more than 254 bytes of code on one line.
 */
static void write_generated(FILE *fp)
{
	int k, i;

	fprintf(fp, "\n\ndef helper(a, b):\n    return a - b\n");
	fprintf(fp, "\n\ndef big(n):\n    total = 0\n");
	for (k = 0; k < 120; k++)
		fprintf(fp,
			"    for i%d in range(n):\n"
			"        if i%d %% %d == 0:\n"
			"            total += i%d * %d\n"
			"        elif i%d %% %d == 1:\n"
			"            total -= helper(i%d,\n"
			"                            %d + 1)\n"
			"        else:\n"
			"            total ^= (i%d +\n"
			"                      %d)\n",
			k, k, k + 2, k, k, k, k + 3, k, k, k, k);
	fprintf(fp, "    return total\n");

	fprintf(fp, "\n\ndef sparse():\n    a = 1\n");
	for (i = 0; i < 150; i++)
		fprintf(fp, "    # padding\n");
	fprintf(fp, "    b = 2\n");
	for (i = 0; i < 300; i++)
		fprintf(fp, "\n");
	fprintf(fp, "    c = 3\n    return a + b + c\n");

	fprintf(fp, "\n\ndef sparse_loop(n):\n    y = 0\n"
		"    for i in range(n):\n        x = i\n");
	for (i = 0; i < 200; i++)
		fprintf(fp, "        # padding\n");
	fprintf(fp, "        y += x\n    return y\n");

	fprintf(fp, "\n\ndef longline(a):\n    return [a");
	for (i = 0; i < 300; i++)
		fprintf(fp, ", a");
	fprintf(fp, "]\n");
}

static int write_script(void)
{
	FILE *fp;

	/* Latin-1 letters: co_filename is a kind-1 string. */
	snprintf(script, sizeof(script), "%s/gr\xc3\xb6und_tr\xc3\xbcth.py",
		 dir);
	fp = fopen(script, "w");
	if (!fp)
		return -1;
	fputs(script_head, fp);
	write_generated(fp);
	fputs(script_tail, fp);
	return fclose(fp);
}

static size_t unhex(const char *s, uint8_t **out)
{
	size_t n = 0, len = strlen(s), i;
	uint8_t *b;

	if (!strcmp(s, "-"))
		len = 0;
	b = xrealloc(NULL, len / 2 + 1);
	for (i = 0; i + 1 < len; i += 2) {
		unsigned int v;

		if (sscanf(s + i, "%2x", &v) != 1)
			break;
		b[n++] = v;
	}
	b[n] = 0;
	*out = b;
	return n;
}

static void parse_str(struct pystr *s, char **save)
{
	const char *kind = strtok_r(NULL, " \n", save);
	const char *raw = strtok_r(NULL, " \n", save);
	const char *utf8 = strtok_r(NULL, " \n", save);
	uint8_t *text;

	if (!kind || !raw || !utf8)
		return;
	s->kind = atoi(kind);
	s->raw_len = unhex(raw, &s->raw);
	unhex(utf8, &text);
	s->utf8 = (char *)text;
}

static void parse_lines(struct code_dump *d, char **save)
{
	const char *tok;

	while ((tok = strtok_r(NULL, " \n", save))) {
		d->lines = xrealloc(d->lines, (d->n_lines + 1) * sizeof(int));
		d->lines[d->n_lines++] = atoi(tok);
	}
}

static void parse_code(struct truth *t, char **save)
{
	const char *tag = strtok_r(NULL, " \n", save);
	const char *fm = strtok_r(NULL, " \n", save);
	const char *fa = strtok_r(NULL, " \n", save);
	const char *units = strtok_r(NULL, " \n", save);
	struct code_dump *d;

	if (!tag || !fm || !fa || !units)
		return;
	t->codes = xrealloc(t->codes, (t->n_codes + 1) * sizeof(*t->codes));
	d = &t->codes[t->n_codes++];
	memset(d, 0, sizeof(*d));
	d->tag = xstrdup(tag);
	d->first_mem = atoi(fm);
	d->first_attr = atoi(fa);
	d->units = strtoul(units, NULL, 10);
}

static void parse_walk(struct truth *t, char **save)
{
	const char *tag = strtok_r(NULL, " \n", save);
	const char *instr = strtok_r(NULL, " \n", save);
	const char *line = strtok_r(NULL, " \n", save);
	const char *same = strtok_r(NULL, " \n", save);
	struct walk_frame *w;

	if (!tag || !instr || !line || !same)
		return;
	t->walk = xrealloc(t->walk, (t->n_walk + 1) * sizeof(*t->walk));
	w = &t->walk[t->n_walk++];
	w->tag = xstrdup(tag);
	w->instr = strtol(instr, NULL, 10);
	w->line = atoi(line);
	w->same_code = atoi(same);
}

static void parse_map(struct truth *t, char **save)
{
	const char *start = strtok_r(NULL, " \n", save);
	const char *end = strtok_r(NULL, " \n", save);
	const char *pgoff = strtok_r(NULL, " \n", save);
	struct live_map *m;

	if (!start || !end || !pgoff)
		return;
	t->maps = xrealloc(t->maps, (t->n_maps + 1) * sizeof(*t->maps));
	m = &t->maps[t->n_maps++];
	m->start = strtoull(start, NULL, 16);
	m->end = strtoull(end, NULL, 16);
	m->pgoff = strtoull(pgoff, NULL, 16);
}

static void parse_truth_line(struct truth *t, char *line)
{
	struct code_dump *d = t->n_codes ? &t->codes[t->n_codes - 1] : NULL;
	char *save = NULL;
	const char *word = strtok_r(line, " \n", &save);
	const char *a, *b;

	if (!word)
		return;
	if (!strcmp(word, "code")) {
		parse_code(t, &save);
	} else if (!strcmp(word, "lt") && d) {
		a = strtok_r(NULL, " \n", &save);
		b = strtok_r(NULL, " \n", &save);
		if (a && b) {
			d->lt_mem_len = unhex(a, &d->lt_mem);
			d->lt_attr_len = unhex(b, &d->lt_attr);
		}
	} else if (!strcmp(word, "str") && d) {
		a = strtok_r(NULL, " \n", &save);
		if (a && !strcmp(a, "name"))
			parse_str(&d->name, &save);
		else if (a && !strcmp(a, "qualname"))
			parse_str(&d->qualname, &save);
		else if (a && !strcmp(a, "filename"))
			parse_str(&d->filename, &save);
	} else if (!strcmp(word, "lines") && d) {
		parse_lines(d, &save);
	} else if (!strcmp(word, "walk")) {
		parse_walk(t, &save);
	} else if (!strcmp(word, "map")) {
		parse_map(t, &save);
	} else if (!strcmp(word, "runtime")) {
		a = strtok_r(NULL, " \n", &save);
		b = strtok_r(NULL, " \n", &save);
		if (a && b) {
			t->runtime = strtoull(a, NULL, 16);
			t->code_type = strtoull(b, NULL, 16);
		}
	} else if (!strcmp(word, "done")) {
		t->done = true;
	} else {
		fprintf(stderr, "ground truth: %s %s", word, save ? save : "\n");
		t->n_errors++;
	}
}

/* The offsets under test, as the script takes them. */
static void offsets_arg(const struct ws_py_offsets *o, char *buf, size_t size)
{
	snprintf(buf, size,
		 "runtime_interpreters_head=%u,interp_threads_head=%u,"
		 "tstate_next=%u,tstate_thread_id=%u,"
		 "tstate_native_thread_id=%u,tstate_frame=%u,"
		 "tstate_cframe=%u,cframe_current_frame=%u,frame_code=%u,"
		 "frame_previous=%u,frame_instr=%u,frame_owner=%u,"
		 "frame_is_entry=%u,code_first_instr=%u,code_name=%u,"
		 "code_qualname=%u,code_filename=%u,code_firstlineno=%u,"
		 "code_linetable=%u,unicode_state=%u,unicode_ascii_data=%u,"
		 "unicode_compact_data=%u,bytes_size=%u,bytes_data=%u,"
		 "type_of_object=%u",
		 o->runtime_interpreters_head, o->interp_threads_head,
		 o->tstate_next, o->tstate_thread_id,
		 o->tstate_native_thread_id, o->tstate_frame, o->tstate_cframe,
		 o->cframe_current_frame, o->frame_code, o->frame_previous,
		 o->frame_instr, o->frame_owner, o->frame_is_entry,
		 o->code_first_instr, o->code_name, o->code_qualname,
		 o->code_filename, o->code_firstlineno, o->code_linetable,
		 o->unicode_state, o->unicode_ascii_data,
		 o->unicode_compact_data, o->bytes_size, o->bytes_data,
		 o->type_of_object);
}

static struct truth *run_truth(struct interp *in)
{
	char offsets[2048], cmd[2 * PATH_MAX + 2400];
	struct truth *t = xrealloc(NULL, sizeof(*t));
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int rc;

	memset(t, 0, sizeof(*t));
	offsets_arg(&in->info.off, offsets, sizeof(offsets));
	snprintf(cmd, sizeof(cmd), "'%s' -I '%s' '%s' '%s' %d %d 2>&1",
		 in->exe, script, offsets, in->runtime_real, WS_PY_NAME_LEN,
		 WS_PY_FILE_LEN);
	fp = popen(cmd, "r");
	if (!fp) {
		t->n_errors++;
		return t;
	}
	while (getline(&line, &cap, fp) > 0)
		parse_truth_line(t, line);
	free(line);
	rc = pclose(fp);
	if (rc) {
		fprintf(stderr, "%s: ground truth script exited %d\n",
			in->label, rc);
		t->n_errors++;
	}
	return t;
}

static void free_str(struct pystr *s)
{
	free(s->raw);
	free(s->utf8);
}

static void free_truth(struct truth *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n_codes; i++) {
		struct code_dump *d = &t->codes[i];

		free(d->tag);
		free(d->lt_mem);
		free(d->lt_attr);
		free_str(&d->name);
		free_str(&d->qualname);
		free_str(&d->filename);
		free(d->lines);
	}
	for (i = 0; i < t->n_walk; i++)
		free(t->walk[i].tag);
	free(t->codes);
	free(t->walk);
	free(t->maps);
	free(t);
}

static int setup_all(void **state)
{
	size_t i;

	(void)state;
	if (!mkdtemp(dir) || write_script())
		return -1;
	for (i = 0; i < N_INTERPS; i++) {
		struct interp *in = &interps[i];

		in->present = !access(in->exe, X_OK) &&
			      realpath(in->runtime_file, in->runtime_real);
		if (!in->present)
			continue;
		in->detect_err = python_detect(in->runtime_file, &in->info);
		if (!in->detect_err)
			in->truth = run_truth(in);
	}
	return 0;
}

static int teardown_all(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_INTERPS; i++) {
		free_truth(interps[i].truth);
		interps[i].truth = NULL;
	}
	return tmpdir_remove(dir);
}

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static int copy_file(const char *from, const char *to)
{
	static char buf[1 << 16];
	int in = open(from, O_RDONLY), out = -1, err = -1;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			goto out;
	err = n < 0 ? -1 : 0;
out:
	if (out >= 0)
		close(out);
	close(in);
	return err;
}

/* The interpreter, checked to be present and detected, or the test is
 * skipped naming the missing version. */
static struct interp *need_interp(void **state)
{
	struct interp *in = *state;

	if (!in->present) {
		print_message("[ SKIPPED  ] CPython %s: %s or %s not installed\n",
			      in->label, in->exe, in->runtime_file);
		skip();
	}
	if (in->detect_err)
		fail_msg("%s: python_detect(%s) = %d", in->label,
			 in->runtime_file, in->detect_err);
	return in;
}

static struct truth *need_truth(struct interp *in)
{
	struct truth *t = in->truth;

	assert_non_null(t);
	if (t->n_errors || !t->done)
		fail_msg("%s: ground truth script: %zu errors, %s", in->label,
			 t->n_errors, t->done ? "finished" : "did not finish");
	return t;
}

static const struct code_dump *find_dump(const struct truth *t,
					 const char *tag)
{
	size_t i;

	for (i = 0; i < t->n_codes; i++)
		if (!strcmp(t->codes[i].tag, tag))
			return &t->codes[i];
	fail_msg("no code dump %s", tag);
	return NULL;
}

/* ---- helpers over code.c ----------------------------------------------- */

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; *p; p += n)
		if (!(n = utf8_len(p)))
			return false;
	return true;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += !utf8_continuation(*s);
	return n;
}

static void set_str(char *dst, size_t room, __u8 *kind, const struct pystr *s)
{
	memset(dst, 0, room);
	*kind = s->kind < 0 ? 0 : s->kind;
	if (s->kind >= 0)
		memcpy(dst, s->raw, s->raw_len < room ? s->raw_len : room);
}

/* A ws_py_code as BPF fills it, from a dump: the memory copy (mem) or
 * the Python attributes (the line table only; names always as copied). */
static void code_from_dump(const struct code_dump *d, bool mem,
			   struct ws_py_code *c)
{
	const uint8_t *lt = mem ? d->lt_mem : d->lt_attr;
	size_t len = mem ? d->lt_mem_len : d->lt_attr_len;

	memset(c, 0, sizeof(*c));
	c->firstlineno = mem ? d->first_mem : d->first_attr;
	c->linetable_full = len > UINT16_MAX ? UINT16_MAX : len;
	c->linetable_len = len < WS_PY_LINETABLE_LEN ? len :
			   WS_PY_LINETABLE_LEN;
	memcpy(c->linetable, lt, c->linetable_len);
	set_str(c->name, sizeof(c->name), &c->name_kind, &d->name);
	set_str(c->qualname, sizeof(c->qualname), &c->qualname_kind,
		&d->qualname);
	set_str(c->filename, sizeof(c->filename), &c->filename_kind,
		&d->filename);
}

static int resolve_line(const struct ws_py_code *c, int minor, int instr)
{
	struct python_frame f;

	assert_int_equal(python_code_resolve(c, minor, instr, &f), 0);
	assert_true(f.line >= 0);
	return f.line;
}

/* ---- per interpreter --------------------------------------------------- */

static void test_detect(void **state)
{
	struct interp *in = need_interp(state);
	const struct python_info *info = &in->info;
	struct ws_py_offsets table;
	struct python_info exe;

	assert_int_equal(info->major, 3);
	assert_int_equal(info->minor, in->minor);
	if (in->micro >= 0)
		assert_int_equal(info->micro, in->micro);
	if (in->minor >= 11)
		assert_int_equal(info->version_hex >> 16, 0x300 | in->minor);
	else
		assert_int_equal(info->version_hex, 0);	/* from the name */
	assert_true(info->runtime_vaddr != 0);
	assert_true(info->code_type_vaddr != 0);
	assert_true(info->runtime_vaddr - info->runtime_seg.vaddr <
		    info->runtime_seg.filesz);
	assert_false(info->free_threaded || info->debug_build ||
		     info->wrong_machine);
	assert_int_equal(info->source, in->minor == 13 ? PYTHON_OFFSETS_DEBUG :
							 PYTHON_OFFSETS_TABLE);
	assert_int_equal(python_table_offsets(in->minor, &table), 0);
	assert_memory_equal(&info->off, &table, sizeof(table));
	assert_int_equal(info->off.minor, in->minor);

	/* pyenv's interpreter links libpython: the executable is no runtime. */
	if (strcmp(in->exe, in->runtime_file))
		assert_int_equal(python_detect(in->exe, &exe),
				 PYTHON_E_NOT_PYTHON);
}

/*
 * Every code unit (and a few past the end) of every dumped function
 * decodes to CPython's line.  A table longer than the copy decodes
 * exactly up to where the copy ends and to 0 (unknown) after it.
 */
static void check_code_lines(const struct interp *in,
			     const struct code_dump *d, size_t *n_cut)
{
	bool cut;
	size_t u, boundary = SIZE_MAX;
	struct ws_py_code c;

	assert_int_equal(d->n_lines, d->units);
	code_from_dump(d, false, &c);
	cut = c.linetable_len < c.linetable_full;
	for (u = 0; u < d->units + 8; u++) {
		int want = u < d->n_lines ? d->lines[u] : 0;
		int got = resolve_line(&c, in->minor, u);

		if (got && boundary != SIZE_MAX)
			fail_msg("%s %s: unit %zu: line %d past the end of "
				 "the copied table (unit %zu)", in->label,
				 d->tag, u, got, boundary);
		if (got == want)
			continue;
		if (cut && !got) {
			if (boundary == SIZE_MAX)
				boundary = u;
			continue;
		}
		fail_msg("%s %s: unit %zu: decoded line %d, CPython says %d",
			 in->label, d->tag, u, got, want);
	}
	if (cut) {
		(*n_cut)++;
		print_message("  %s %s: %u-byte table cut to %u: lines of units "
			      "0..%zu of %zu\n", in->label, d->tag,
			      c.linetable_full, c.linetable_len,
			      boundary == SIZE_MAX ? d->units : boundary,
			      d->units);
		/* The copied part is used, not dropped. */
		assert_true(boundary != SIZE_MAX && boundary > d->units / 8);
	}
}

static void test_lines(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct code_dump *big = find_dump(t, "big");
	size_t i, n_cut = 0;

	for (i = 0; i < t->n_codes; i++)
		check_code_lines(in, &t->codes[i], &n_cut);
	assert_true(t->n_codes >= 16);
	/* big() is long enough to be cut in the copy, at least from 3.11 on
	 * (3.10's table has one pair per line change). */
	assert_true(big->n_lines > 1000);
	assert_true(big->lt_attr_len > (in->minor >= 11 ?
					WS_PY_LINETABLE_LEN : 512));
	if (in->minor >= 11)
		assert_true(n_cut >= 1);
}

static void check_decoded(const struct interp *in, const char *tag,
			  const char *what, const struct pystr *s, size_t room,
			  const char *got, bool truncated)
{
	size_t unit = s->kind == 0 ? 1 : (size_t)s->kind;

	if (!utf8_valid(got))
		fail_msg("%s %s %s: not valid UTF-8", in->label, tag, what);
	if (!strcmp(got, s->utf8))
		return;
	/* Cut: whole characters, as many as the copy had room for. */
	if (!truncated || strncmp(got, s->utf8, strlen(got)) ||
	    utf8_chars(got) != room / unit)
		fail_msg("%s %s %s: decoded \"%s\", CPython says \"%s\"",
			 in->label, tag, what, got, s->utf8);
}

static void check_code_names(const struct interp *in,
			     const struct code_dump *d)
{
	struct ws_py_code c;
	struct python_frame f;

	code_from_dump(d, true, &c);
	/* co_name: with an empty qualname, or any qualname on 3.10. */
	memset(c.qualname, 0, sizeof(c.qualname));
	assert_int_equal(python_code_resolve(&c, in->minor, 0, &f), 0);
	check_decoded(in, d->tag, "co_name", &d->name, WS_PY_NAME_LEN,
		      f.name, f.name_truncated);
	check_decoded(in, d->tag, "co_filename", &d->filename, WS_PY_FILE_LEN,
		      f.file, f.file_truncated);
	assert_int_equal(f.firstlineno, d->first_attr);
	if (in->minor == 10) {
		assert_int_equal(d->qualname.kind, -1);
		return;
	}
	code_from_dump(d, true, &c);
	assert_int_equal(python_code_resolve(&c, in->minor, 0, &f), 0);
	check_decoded(in, d->tag, "co_qualname", &d->qualname, WS_PY_NAME_LEN,
		      f.name, f.name_truncated);
}

static void test_names(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct code_dump *d;
	size_t i;

	for (i = 0; i < t->n_codes; i++)
		check_code_names(in, &t->codes[i]);

	/* The script covers every kind of string. */
	d = find_dump(t, "loops");
	assert_int_equal(d->name.kind, 0);
	assert_int_equal(d->filename.kind, 1);	/* "gröund_trüth.py" */
	d = find_dump(t, "latin1");
	assert_int_equal(d->name.kind, 1);
	assert_string_equal(d->name.utf8, "caf\xc3\xa9");
	d = find_dump(t, "ucs2");
	assert_int_equal(d->name.kind, 2);
	assert_string_equal(d->name.utf8, "\xe5\x90\x8d\xe5\x89\x8d");
	d = find_dump(t, "ucs4");
	assert_int_equal(d->name.kind, 4);
	assert_string_equal(d->name.utf8, "\xf0\xa0\x80\x80");
	d = find_dump(t, "virtual");
	assert_int_equal(d->filename.kind, 4);
	d = find_dump(t, "longname");
	assert_true(d->name.raw_len == WS_PY_NAME_LEN);
	assert_true(2 * utf8_chars(d->name.utf8) > WS_PY_NAME_LEN);
	if (in->minor >= 11) {
		d = find_dump(t, "method");
		assert_int_equal(d->qualname.kind, 2);
	}
}

/*
 * The offsets against the live interpreter: the script copied code
 * objects and walked its own frames with them; the copies must equal what
 * Python says, and each walked frame's instruction must decode to the
 * frame's f_lineno.
 */
static void test_live(void **state)
{
	static const char *const names[] = {
		"report_walk", "inner", "gen", "method", "main", "<module>",
	};
	static const char *const qualnames[] = {
		"report_walk", "K.gen.<locals>.inner", "K.gen", "K.method",
		"main", "<module>",
	};
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	size_t i;

	for (i = 0; i < t->n_codes; i++) {
		const struct code_dump *d = &t->codes[i];

		assert_int_equal(d->first_mem, d->first_attr);
		assert_int_equal(d->lt_mem_len, d->lt_attr_len);
		assert_memory_equal(d->lt_mem, d->lt_attr, d->lt_mem_len);
	}
	assert_int_equal(t->n_walk, 6);
	for (i = 0; i < t->n_walk; i++) {
		const struct walk_frame *w = &t->walk[i];
		const struct code_dump *d = find_dump(t, w->tag);
		struct ws_py_code c;
		struct python_frame f;

		assert_int_equal(w->same_code, 1);
		assert_true(w->instr >= 0 && w->instr < (long)d->units);
		code_from_dump(d, true, &c);
		assert_int_equal(python_code_resolve(&c, in->minor, w->instr,
						     &f), 0);
		if (f.line != w->line)
			fail_msg("%s frame %zu (%s): instruction %ld decodes to "
				 "line %d, f_lineno is %d", in->label, i,
				 f.name, w->instr, f.line, w->line);
		assert_string_equal(f.name, in->minor >= 11 ? qualnames[i] :
							       names[i]);
	}
}

static void test_runtime_address(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct python_info *info = &in->info;
	struct ws_py_proc proc = { 0 };
	size_t i, n_runtime = 0, n_code_type = 0;

	assert_true(t->n_maps >= 2);
	for (i = 0; i < t->n_maps; i++) {
		const struct live_map *m = &t->maps[i];
		uint64_t a;

		a = python_runtime_address(info, info->runtime_vaddr, m->start,
					   m->end, m->pgoff);
		if (a) {
			assert_int_equal(a, t->runtime);
			n_runtime++;
		}
		a = python_runtime_address(info, info->code_type_vaddr,
					   m->start, m->end, m->pgoff);
		if (a) {
			assert_int_equal(a, t->code_type);
			n_code_type++;
		}
		python_proc_add_mapping(info, m->start, m->end, m->pgoff,
					&proc);
	}
	/* the mapping that holds it, and the code's, which gives the load
	 * bias: the same address */
	assert_int_equal(n_runtime, 2);
	assert_int_equal(n_code_type, 2);
	assert_int_equal(proc.runtime, t->runtime);
	assert_int_equal(proc.code_type, t->code_type);
	assert_memory_equal(&proc.off, &info->off, sizeof(proc.off));
}

/* The side-band reports code mappings only: the code's mapping alone
 * finds _PyRuntime and PyCode_Type. */
static void test_runtime_from_code(void **state)
{
	struct interp *in = need_interp(state);
	struct truth *t = need_truth(in);
	const struct python_info *info = &in->info;
	const struct python_segment *x = &info->exec_seg;
	struct ws_py_proc proc = { 0 };
	size_t i, n = 0;

	assert_true(x->filesz > 0);
	for (i = 0; i < t->n_maps; i++) {
		const struct live_map *m = &t->maps[i];

		if (m->pgoff < (x->offset & ~4095ull) ||
		    m->pgoff >= x->offset + x->filesz)
			continue;
		n++;
		assert_true(python_proc_add_mapping(info, m->start, m->end,
						    m->pgoff, &proc));
	}
	assert_int_equal(n, 1);
	assert_int_equal(proc.runtime, t->runtime);
	assert_int_equal(proc.code_type, t->code_type);
}

/* ---- detection ----------------------------------------------------------- */

static const struct interp *any_interp(int minor)
{
	size_t i;

	for (i = 0; i < N_INTERPS; i++)
		if (interps[i].present && !interps[i].detect_err &&
		    (minor < 0 || interps[i].minor == minor))
			return &interps[i];
	return NULL;
}

static void test_detect_not_python(void **state)
{
	struct python_info info;
	char path[PATH_MAX];

	(void)state;
	assert_int_equal(python_detect("/bin/true", &info),
			 PYTHON_E_NOT_PYTHON);
	assert_int_equal(info.runtime_vaddr, 0);
	assert_int_equal(python_detect("/nonexistent/python3.12", &info),
			 -ENOENT);
	assert_int_equal(python_detect(dir, &info), PYTHON_E_CORRUPT);
	assert_int_equal(python_detect(script, &info), PYTHON_E_CORRUPT);
	path_of(path, sizeof(path), "empty");
	assert_int_equal(copy_file("/dev/null", path), 0);
	assert_int_equal(python_detect(path, &info), PYTHON_E_CORRUPT);
	assert_int_equal(python_detect(NULL, &info), -EINVAL);
}

/* Older CPythons: named, not walked.  2.7 and 3.6 have no _PyRuntime:
 * their file's name tells them. */
static void test_detect_unsupported(void **state)
{
	static const struct {
		const char *path;
		int err, major, minor;
	} olds[] = {
		{ PYENV "3.9.18/lib/libpython3.9.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 9 },
		{ PYENV "3.8.18/lib/libpython3.8.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 8 },
		{ PYENV "3.7.16/lib/libpython3.7m.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 7 },
		{ PYENV "3.6.15/lib/libpython3.6m.so.1.0",
		  PYTHON_E_UNSUPPORTED, 3, 6 },
		{ PYENV "2.7.18/lib/libpython2.7.so.1.0",
		  PYTHON_E_UNSUPPORTED, 2, 7 },
	};
	struct python_info info;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(olds); i++) {
		if (access(olds[i].path, R_OK)) {
			print_message("  skipping %s: not installed\n",
				      olds[i].path);
			continue;
		}
		n++;
		assert_int_equal(python_detect(olds[i].path, &info),
				 olds[i].err);
		assert_int_equal(info.minor, olds[i].minor);
		assert_int_equal(info.major, olds[i].major);
		/* _PyRuntime from 3.7 */
		assert_true((info.runtime_vaddr != 0) ==
			    (info.major == 3 && info.minor >= 7));
	}
	if (!n)
		skip();
}

/* The name is all a 3.10 runtime says of its version, and it flags
 * builds the offsets do not fit. */
static void test_detect_by_name(void **state)
{
	const struct interp *i10 = any_interp(10), *i13 = any_interp(13);
	struct python_info info;
	char path[PATH_MAX];

	(void)state;
	if (!i10 && !i13)
		skip();
	if (i10) {
		path_of(path, sizeof(path), "libpython3.10d.so");
		assert_int_equal(symlink(i10->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info),
				 PYTHON_E_UNSUPPORTED);
		assert_true(info.debug_build);
		assert_int_equal(info.minor, 10);

		path_of(path, sizeof(path), "runtime.so");
		assert_int_equal(symlink(i10->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info),
				 PYTHON_E_UNSUPPORTED);
		assert_int_equal(info.minor, 0);	/* unknown */
		assert_true(info.runtime_vaddr != 0);
	}
	if (i13) {
		/* Py_Version is read, but the name says free-threaded. */
		path_of(path, sizeof(path), "libpython3.13t.so.1.0");
		assert_int_equal(symlink(i13->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info),
				 PYTHON_E_UNSUPPORTED);
		assert_true(info.free_threaded);
		assert_int_equal(info.minor, 13);

		/* 3.13 needs no name: Py_Version and _Py_DebugOffsets. */
		path_of(path, sizeof(path), "anything.so");
		assert_int_equal(symlink(i13->runtime_file, path), 0);
		assert_int_equal(python_detect(path, &info), 0);
		assert_int_equal(info.minor, 13);
	}
}

/* 3.13's _Py_DebugOffsets against the offsets gdb measured (PYTHON.md). */
/* The walker loads fields as whole words (bpf/pystate.bpf.h PY_LOAD). */
static void check_aligned(const struct ws_py_offsets *o)
{
	const __u16 words[] = {
		o->runtime_interpreters_head, o->interp_threads_head,
		o->tstate_next, o->tstate_thread_id, o->tstate_native_thread_id,
		o->tstate_frame, o->tstate_cframe, o->cframe_current_frame,
		o->frame_code, o->frame_previous, o->code_first_instr,
		o->code_name, o->code_qualname, o->code_filename,
		o->code_linetable, o->type_of_object,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		assert_true(words[i] == WS_PY_NONE || words[i] % 8 == 0);
	/* f_lasti is an int on 3.10, instr_ptr a pointer after */
	assert_int_equal(o->frame_instr % (o->minor == 10 ? 4 : 8), 0);
	assert_int_equal(o->code_firstlineno % 4, 0);
	assert_int_equal(o->unicode_state % 4, 0);
}

static void test_debug_offsets_313(void **state)
{
	const struct interp *in = any_interp(13);
	const struct ws_py_offsets *o;

	(void)state;
	if (!in) {
		print_message("[ SKIPPED  ] CPython 3.13 not installed\n");
		skip();
	}
	o = &in->info.off;
	assert_int_equal(in->info.source, PYTHON_OFFSETS_DEBUG);
	assert_int_equal(o->runtime_interpreters_head, 632);
	assert_int_equal(o->interp_threads_head, 7344);
	assert_int_equal(o->tstate_next, 8);
	assert_int_equal(o->tstate_thread_id, 152);
	assert_int_equal(o->tstate_native_thread_id, 160);
	assert_int_equal(o->tstate_frame, 72);
	assert_int_equal(o->tstate_cframe, WS_PY_NONE);
	assert_int_equal(o->cframe_current_frame, WS_PY_NONE);
	assert_int_equal(o->frame_code, 0);
	assert_int_equal(o->frame_previous, 8);
	assert_int_equal(o->frame_instr, 56);
	assert_int_equal(o->frame_owner, 70);
	assert_int_equal(o->frame_is_entry, WS_PY_NONE);
	assert_int_equal(o->code_first_instr, 200);
	assert_int_equal(o->code_filename, 112);
	assert_int_equal(o->code_name, 120);
	assert_int_equal(o->code_qualname, 128);
	assert_int_equal(o->code_firstlineno, 68);
	assert_int_equal(o->code_linetable, 136);
	assert_int_equal(o->unicode_state, 32);
	assert_int_equal(o->unicode_ascii_data, 40);
	assert_int_equal(o->unicode_compact_data, 56);
	assert_int_equal(o->bytes_size, 16);
	assert_int_equal(o->bytes_data, 32);
	assert_int_equal(o->type_of_object, 8);
	assert_int_equal(o->minor, 13);
	check_aligned(o);
}

static void patch(const char *path, uint64_t off, const void *bytes,
		  size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, len, off), (ssize_t)len);
	close(fd);
}

/* Damaged _Py_DebugOffsets: the table, or a refusal, never its values. */
static void test_debug_offsets_damaged(void **state)
{
	const struct interp *in = any_interp(13);
	const uint64_t big = 0x10000, v314 = 0x030e00f0, one = 1;
	const uint64_t twelve = 12, seventy = 70;
	struct ws_py_offsets table;
	struct python_info info;
	char path[PATH_MAX];
	uint8_t orig[320];
	uint64_t at;
	int fd;

	(void)state;
	if (!in) {
		print_message("[ SKIPPED  ] CPython 3.13 not installed\n");
		skip();
	}
	path_of(path, sizeof(path), "libpython3.13.so.1.0");
	assert_int_equal(copy_file(in->runtime_file, path), 0);
	at = in->info.runtime_seg.offset +
	     (in->info.runtime_vaddr - in->info.runtime_seg.vaddr);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, orig, sizeof(orig), at), sizeof(orig));
	close(fd);
	assert_memory_equal(orig, "xdebugpy", 8);
	assert_int_equal(python_table_offsets(13, &table), 0);

	patch(path, at, "xdebugpX", 8);			/* cookie */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	assert_memory_equal(&info.off, &table, sizeof(table));
	patch(path, at, orig, 8);

	patch(path, at + 72, &big, 8);	/* interpreter threads_head */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 72, orig + 72, 8);

	/* a field the walker could not load as a whole word */
	patch(path, at + 168, &twelve, 8);	/* thread state's next */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 168, orig + 168, 8);
	patch(path, at + 312, &seventy, 8);	/* code's first line (int) */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 312, orig + 312, 8);

	patch(path, at + 8, &v314, 8);	/* another version's layout */
	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_TABLE);
	patch(path, at + 8, orig + 8, 8);

	patch(path, at + 16, &one, 8);	/* free-threaded build */
	assert_int_equal(python_detect(path, &info), PYTHON_E_UNSUPPORTED);
	assert_true(info.free_threaded);
	patch(path, at + 16, orig + 16, 8);

	assert_int_equal(python_detect(path, &info), 0);
	assert_int_equal(info.source, PYTHON_OFFSETS_DEBUG);
	unlink(path);
}

/* The smallest runtime file installed, to damage copies of. */
static const struct interp *smallest_runtime(void)
{
	const struct interp *best = NULL;
	off_t best_size = 0;
	size_t i;

	for (i = 0; i < N_INTERPS; i++) {
		struct stat st;

		if (!interps[i].present || interps[i].detect_err ||
		    stat(interps[i].runtime_file, &st))
			continue;
		if (!best || st.st_size < best_size) {
			best = &interps[i];
			best_size = st.st_size;
		}
	}
	return best;
}

static void check_sane(int err, const struct python_info *info)
{
	assert_true(err <= 0);
	if (err)
		return;
	assert_true(info->minor >= PYTHON_MIN_MINOR &&
		    info->minor <= PYTHON_MAX_MINOR);
	assert_true(info->runtime_vaddr != 0);
	assert_true(info->runtime_vaddr - info->runtime_seg.vaddr <
		    info->runtime_seg.filesz);
}

static void test_detect_truncated(void **state)
{
	const struct interp *in = smallest_runtime();
	struct python_info info;
	char path[PATH_MAX];
	struct stat st;
	off_t sizes[16];
	size_t i, n = 0;
	int err;

	(void)state;
	if (!in)
		skip();
	path_of(path, sizeof(path), "truncated-python3.so");
	assert_int_equal(copy_file(in->runtime_file, path), 0);
	assert_int_equal(stat(path, &st), 0);
	/* Largest first: one copy, cut shorter each time. */
	sizes[n++] = st.st_size - 1;
	sizes[n++] = st.st_size - 4096;
	sizes[n++] = st.st_size / 2;
	sizes[n++] = st.st_size / 3;
	sizes[n++] = 65536;
	sizes[n++] = 4096;
	sizes[n++] = 65;
	sizes[n++] = 64;
	sizes[n++] = 63;
	sizes[n++] = 16;
	sizes[n++] = 4;
	sizes[n++] = 1;
	sizes[n++] = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(truncate(path, sizes[i]), 0);
		err = python_detect(path, &info);
		check_sane(err, &info);
		if (sizes[i] < st.st_size / 2)
			assert_true(err == PYTHON_E_CORRUPT ||
				    err == PYTHON_E_NOT_PYTHON);
	}
	unlink(path);
}

struct region {
	uint64_t start, len;
};

/* Where damage matters: headers, the dynamic symbols and their names,
 * and the bytes detection reads. */
static size_t mutation_regions(const char *path, const struct python_info *pi,
			       struct region *r, size_t max)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	size_t n = 0, i;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &eh, sizeof(eh), 0), sizeof(eh));
	r[n++] = (struct region){ 0, sizeof(eh) };
	r[n++] = (struct region){ eh.e_phoff,
				  (uint64_t)eh.e_phnum * eh.e_phentsize };
	r[n++] = (struct region){ eh.e_shoff,
				  (uint64_t)eh.e_shnum * eh.e_shentsize };
	r[n++] = (struct region){ pi->runtime_seg.offset + (pi->runtime_vaddr -
				  pi->runtime_seg.vaddr), 600 };
	for (i = 0; i < eh.e_shnum && n + 2 <= max; i++) {
		Elf64_Shdr link;

		if (pread(fd, &sh, sizeof(sh), eh.e_shoff + i * sizeof(sh)) !=
		    sizeof(sh) || sh.sh_type != SHT_DYNSYM)
			continue;
		r[n++] = (struct region){ sh.sh_offset, sh.sh_size };
		if (pread(fd, &link, sizeof(link),
			  eh.e_shoff + sh.sh_link * sizeof(sh)) == sizeof(link))
			r[n++] = (struct region){ link.sh_offset,
						  link.sh_size };
	}
	close(fd);
	return n;
}

/* Random damage to a runtime's headers and symbols: no crash, and any
 * success is a sane one. */
static void test_detect_mutated(void **state)
{
	static const uint8_t specials[] = { 0x00, 0xff, 0x7f, 0x80, 0x01 };
	const struct interp *in = smallest_runtime();
	struct python_info info;
	struct region regions[16];
	char path[PATH_MAX];
	size_t n_regions, iter, n_ok = 0;
	int fd;

	(void)state;
	if (!in)
		skip();
	path_of(path, sizeof(path), "mutated-python3.so");
	assert_int_equal(copy_file(in->runtime_file, path), 0);
	n_regions = mutation_regions(path, &in->info, regions, 16);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	srand(2024);
	for (iter = 0; iter < 400; iter++) {
		uint64_t at[4];
		uint8_t saved[4], b;
		int k, n = 1 + rand() % 4, err;

		for (k = 0; k < n; k++) {
			const struct region *r = &regions[rand() % n_regions];

			at[k] = r->start + (r->len ? (uint64_t)rand() % r->len : 0);
			assert_int_equal(pread(fd, &saved[k], 1, at[k]), 1);
			b = rand() % 2 ? specials[rand() % sizeof(specials)] :
					 (uint8_t)rand();
			assert_int_equal(pwrite(fd, &b, 1, at[k]), 1);
		}
		err = python_detect(path, &info);
		check_sane(err, &info);
		n_ok += !err;
		for (k = n - 1; k >= 0; k--)
			assert_int_equal(pwrite(fd, &saved[k], 1, at[k]), 1);
	}
	close(fd);
	assert_int_equal(python_detect(path, &info), 0);
	print_message("  %zu of 400 damaged copies of %s still detected\n",
		      n_ok, in->runtime_file);
	unlink(path);
}

/* ---- addresses ----------------------------------------------------------- */

/* libpython 3.12's layout: the RW segment starts mid-page, in the page
 * where the R segment ends, so that page is mapped twice. */
static void test_runtime_address_shared_page(void **state)
{
	const uint64_t bias = 0x7f0000000000ull;
	struct python_info info = { .major = 3, .minor = 13 };
	struct ws_py_proc proc = { 0 };

	(void)state;
	info.runtime_vaddr = 0x4cd6e0;	/* in the shared page */
	info.runtime_seg = (struct python_segment){ 0x4cd6d0, 0x4cc6d0,
						    0x1e6118 };
	info.code_type_vaddr = 0x549e80;
	info.code_type_seg = info.runtime_seg;

	/* The R segment's mapping holds the page, at the wrong address. */
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x379000,
						bias + 0x4cd000, 0x379000), 0);
	/* The RW one (RELRO part), and the rest after mprotect split it. */
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x4cd000,
						bias + 0x544000, 0x4cc000),
			 bias + info.runtime_vaddr);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x544000,
						bias + 0x6b4000, 0x543000), 0);
	assert_int_equal(python_runtime_address(&info, info.code_type_vaddr,
						bias + 0x544000,
						bias + 0x6b4000, 0x543000),
			 bias + info.code_type_vaddr);
	/* Not a symbol of info; empty and wrapping mappings. */
	assert_int_equal(python_runtime_address(&info, 0x4cd6e8,
						bias + 0x4cd000,
						bias + 0x544000, 0x4cc000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias, bias, 0x4cc000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						UINT64_MAX - 10, 5,
						0x4cc000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						UINT64_MAX - 4095, UINT64_MAX,
						UINT64_MAX - 4095), 0);
	assert_int_equal(python_runtime_address(NULL, 1, 2, 3, 4), 0);

	assert_false(python_proc_add_mapping(&info, bias + 0x379000,
					     bias + 0x4cd000, 0x379000, &proc));
	assert_true(python_proc_add_mapping(&info, bias + 0x4cd000,
					    bias + 0x544000, 0x4cc000, &proc));
	assert_int_equal(proc.code_type, 0);
	assert_true(python_proc_add_mapping(&info, bias + 0x544000,
					    bias + 0x6b4000, 0x543000, &proc));
	assert_int_equal(proc.runtime, bias + info.runtime_vaddr);
	assert_int_equal(proc.code_type, bias + info.code_type_vaddr);
	assert_false(python_proc_add_mapping(NULL, 0, 0, 0, &proc));

	/* The code's mapping gives the load bias (the side-band reports no
	 * other); not a mapping of it, or one below its file address. */
	info.exec_seg = (struct python_segment){ 0x1b000, 0x1b000, 0x2f0000 };
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x1b000,
						bias + 0x30b000, 0x1b000),
			 bias + info.runtime_vaddr);
	assert_int_equal(python_runtime_address(&info, info.code_type_vaddr,
						bias + 0x1c000,
						bias + 0x30b000, 0x1c000),
			 bias + info.code_type_vaddr);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						bias + 0x30b000,
						bias + 0x379000, 0x30b000), 0);
	assert_int_equal(python_runtime_address(&info, info.runtime_vaddr,
						0x1000, 0x2000, 0x1b000), 0);
	memset(&info.exec_seg, 0, sizeof(info.exec_seg));

	/* Every version: the walker validates code objects with it. */
	info.minor = 12;
	memset(&proc, 0, sizeof(proc));
	assert_true(python_proc_add_mapping(&info, bias + 0x4cd000,
					    bias + 0x6b4000, 0x4cc000, &proc));
	assert_int_equal(proc.runtime, bias + info.runtime_vaddr);
	assert_int_equal(proc.code_type, bias + info.code_type_vaddr);
}

/* ---- strings -------------------------------------------------------------- */

static void name_of(int minor, int kind, const void *raw, size_t len,
		    struct python_frame *f)
{
	struct ws_py_code c;

	memset(&c, 0, sizeof(c));
	c.name_kind = kind;
	memcpy(c.name, raw, len);
	assert_int_equal(python_code_resolve(&c, minor, 0, f), 0);
	assert_true(utf8_valid(f->name));
}

static void test_string_kinds(void **state)
{
	const uint16_t namae[] = { 0x540d, 0x524d, 0 };
	const uint32_t astral[] = { 0x20000, 0x41, 0 };
	const uint16_t surrogate[] = { 0xd800, 0x41, 0 };
	const uint32_t junk[] = { 0x110000, 0xffffffff, 0xdfff, 0 };
	uint16_t ucs2[WS_PY_NAME_LEN / 2];
	uint32_t ucs4[WS_PY_NAME_LEN / 4];
	uint8_t latin1[WS_PY_NAME_LEN];
	struct python_frame f;
	size_t i;

	(void)state;
	name_of(12, 1, "caf\xe9", 4, &f);
	assert_string_equal(f.name, "caf\xc3\xa9");
	assert_false(f.name_truncated);
	name_of(12, 0, "ab\0\xff\xff", 5, &f);		/* junk after NUL */
	assert_string_equal(f.name, "ab");
	name_of(12, 2, namae, sizeof(namae), &f);
	assert_string_equal(f.name, "\xe5\x90\x8d\xe5\x89\x8d");
	name_of(12, 4, astral, sizeof(astral), &f);
	assert_string_equal(f.name, "\xf0\xa0\x80\x80" "A");
	name_of(12, 2, surrogate, sizeof(surrogate), &f);
	assert_string_equal(f.name, "\xef\xbf\xbd" "A");
	name_of(12, 4, junk, sizeof(junk), &f);
	assert_string_equal(f.name, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	name_of(12, 3, "abc", 3, &f);			/* no such kind */
	assert_string_equal(f.name, "");
	name_of(12, 0, "\xe9t\xe9", 3, &f);	/* "ASCII" with high bytes */
	assert_string_equal(f.name, "\xc3\xa9t\xc3\xa9");

	/* Cut at the copy: whole characters, flagged. */
	for (i = 0; i < WS_PY_NAME_LEN / 2; i++)
		ucs2[i] = 0x540d;
	name_of(12, 2, ucs2, sizeof(ucs2), &f);
	assert_true(f.name_truncated);
	assert_int_equal(strlen(f.name), 3 * WS_PY_NAME_LEN / 2);
	for (i = 0; i < WS_PY_NAME_LEN; i++)
		latin1[i] = 0xe9;
	name_of(12, 1, latin1, sizeof(latin1), &f);
	assert_true(f.name_truncated);
	assert_int_equal(strlen(f.name), 2 * WS_PY_NAME_LEN);
	for (i = 0; i < WS_PY_NAME_LEN / 4; i++)
		ucs4[i] = 0x10ffff;
	name_of(12, 4, ucs4, sizeof(ucs4), &f);
	assert_true(f.name_truncated);
	assert_int_equal(strlen(f.name), WS_PY_NAME_LEN);
}

static void test_qualname_choice(void **state)
{
	struct ws_py_code c;
	struct python_frame f;

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "method");
	strcpy(c.qualname, "K.method");
	strcpy(c.filename, "/srv/app.py");
	c.firstlineno = 42;
	assert_int_equal(python_code_resolve(&c, 12, -1, &f), 0);
	assert_string_equal(f.name, "K.method");
	assert_string_equal(f.file, "/srv/app.py");
	assert_int_equal(f.firstlineno, 42);
	assert_int_equal(f.line, 0);			/* instr unknown */
	assert_int_equal(python_code_resolve(&c, 10, 0, &f), 0);
	assert_string_equal(f.name, "method");		/* 3.10: no qualname */
	memset(c.qualname, 0, sizeof(c.qualname));
	assert_int_equal(python_code_resolve(&c, 13, 0, &f), 0);
	assert_string_equal(f.name, "method");

	assert_int_equal(python_code_resolve(NULL, 12, 0, &f), -EINVAL);
	assert_int_equal(python_code_resolve(&c, 12, 0, NULL), -EINVAL);
	assert_int_equal(python_code_resolve(&c, 9, 0, &f),
			 PYTHON_E_UNSUPPORTED);
	assert_int_equal(python_code_resolve(&c, 14, 0, &f),
			 PYTHON_E_UNSUPPORTED);
}

/* Random copies: always valid, terminated UTF-8. */
static void test_string_fuzz(void **state)
{
	static const int kinds[] = { 0, 1, 2, 4, 3, 8, 255 };
	struct ws_py_code c;
	struct python_frame f;
	int iter;
	size_t i;

	(void)state;
	srand(7);
	for (iter = 0; iter < 20000; iter++) {
		int density = 1 + rand() % 64;
		uint8_t *bytes = (uint8_t *)&c;

		for (i = 0; i < sizeof(c); i++)
			bytes[i] = rand() % density ? rand() : 0;
		c.name_kind = kinds[rand() % 7];
		c.qualname_kind = kinds[rand() % 7];
		c.filename_kind = kinds[rand() % 7];
		assert_int_equal(python_code_resolve(&c, 10 + rand() % 4,
						     rand() % 2048 - 8, &f), 0);
		assert_true(utf8_valid(f.name));
		assert_true(utf8_valid(f.file));
		assert_true(strlen(f.name) < sizeof(f.name));
		assert_true(strlen(f.file) < sizeof(f.file));
		assert_true(f.line >= 0);
	}
}

/* ---- line tables ------------------------------------------------------------ */

static int line_of(int minor, int first, const uint8_t *t, size_t len,
		   size_t full, int instr)
{
	struct ws_py_code c;

	memset(&c, 0, sizeof(c));
	c.firstlineno = first;
	c.linetable_len = len;
	c.linetable_full = full;
	memcpy(c.linetable, t, len);
	return resolve_line(&c, minor, instr);
}

/*
 * The example of CPython 3.10's lnotab_notes.txt: ranges (bytes) 0-6
 * line 1, 6-50 line 2, 50-350 line 7 (split as 254 + 46), 350-360 no
 * line, 360-376 line 8, 376-380 line 208 (split as 127 + 73).
 */
static void test_linetable_310(void **state)
{
	static const uint8_t t[] = {
		6, 1, 44, 1, 254, 5, 46, 0, 10, 0x80, 16, 1, 0, 127, 4, 73,
	};
	static const struct {
		int instr, line;
	} want[] = {
		{ 0, 1 }, { 2, 1 }, { 3, 2 }, { 24, 2 }, { 25, 7 },
		{ 150, 7 }, { 174, 7 }, { 175, 0 }, { 179, 0 }, { 180, 8 },
		{ 187, 8 }, { 188, 208 }, { 189, 208 }, { 190, 0 },
		{ INT_MAX, 0 }, { -1, 0 },
	};
	struct ws_py_code c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(line_of(10, 0, t, sizeof(t), sizeof(t),
					 want[i].instr), want[i].line);
	/* Cut: what the copy covers decodes, nothing past it is guessed,
	 * and a half pair is not used. */
	assert_int_equal(line_of(10, 0, t, 5, sizeof(t), 24), 2);
	assert_int_equal(line_of(10, 0, t, 5, sizeof(t), 25), 0);
	assert_int_equal(line_of(10, 0, t, 7, sizeof(t), 25), 7);
	assert_int_equal(line_of(10, 0, t, 7, sizeof(t), 174), 0);
	assert_int_equal(line_of(10, 0, t, 0, sizeof(t), 0), 0);
	/* A length beyond the buffer is bounded by the buffer. */
	memset(&c, 0, sizeof(c));
	memcpy(c.linetable, t, sizeof(t));
	c.linetable_len = UINT16_MAX;
	c.linetable_full = UINT16_MAX;
	assert_int_equal(resolve_line(&c, 10, 188), 208);
	assert_int_equal(resolve_line(&c, 10, 190), 0);
}

/*
 * 3.11+ entries, first line 10:
 *   units 0      no-columns form, svarint +1        line 11
 *   units 1-3    short form                          line 11
 *   units 4-5    one-line form, +1                   line 12
 *   unit  6      no location                         none
 *   units 7-14   long form, +200 (two chunks)        line 212
 *   unit  15     no-columns form, -150               line 62
 *   unit  16     one-line form, +2                   line 64
 */
static void test_linetable_locations(void **state)
{
	static const uint8_t t[] = {
		0xe8, 0x02,
		0x82, 0x12,
		0xd9, 0x04, 0x08,
		0xf8,
		0xf7, 0x50, 0x06, 0x00, 0x05, 0x09,
		0xe8, 0x6d, 0x04,
		0xe0, 0x00, 0x01,
	};
	static const int want[] = {
		11, 11, 11, 11, 12, 12, 0, 212, 212, 212, 212, 212, 212, 212,
		212, 62, 64, 0, 0,
	};
	uint8_t bad[sizeof(t)];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(line_of(11, 10, t, sizeof(t), sizeof(t), i),
				 want[i]);
	assert_int_equal(line_of(13, 10, t, sizeof(t), sizeof(t), 16), 64);
	/* Cut inside the long form's line delta (after 0x50, which says
	 * more follows): earlier entries still decode, it does not. */
	assert_int_equal(line_of(12, 10, t, 10, sizeof(t), 5), 12);
	assert_int_equal(line_of(12, 10, t, 10, sizeof(t), 7), 0);
	assert_int_equal(line_of(12, 10, t, 10, sizeof(t), 16), 0);
	/* The -150 needs two chunks: known only with both. */
	assert_int_equal(line_of(12, 10, t, 16, sizeof(t), 15), 0);
	assert_int_equal(line_of(12, 10, t, 17, sizeof(t), 15), 62);
	/* The one-line form's columns are not needed for its line. */
	assert_int_equal(line_of(12, 10, t, 18, sizeof(t), 16), 64);
	/* Not starting at an entry. */
	memcpy(bad, t, sizeof(t));
	bad[0] = 0x68;
	assert_int_equal(line_of(12, 10, bad, sizeof(bad), sizeof(bad), 0), 0);
	/* A delta's continuation byte replaced by an entry start. */
	memcpy(bad, t, sizeof(t));
	bad[10] = 0x80;
	assert_int_equal(line_of(12, 10, bad, sizeof(bad), sizeof(bad), 7), 0);
	/* A line driven below 1 is not a line. */
	assert_int_equal(line_of(12, 1, t + 14, 3, 3, 0), 0);
}

static void test_linetable_fuzz(void **state)
{
	struct ws_py_code c;
	int iter;
	size_t i;

	(void)state;
	srand(11);
	for (iter = 0; iter < 20000; iter++) {
		memset(&c, 0, sizeof(c));
		c.linetable_len = rand() % 8 ? rand() % (WS_PY_LINETABLE_LEN + 1) :
					       UINT16_MAX;
		c.linetable_full = rand();
		c.firstlineno = rand() % 3 ? rand() % 5000 : (int)rand() - RAND_MAX / 2;
		for (i = 0; i < sizeof(c.linetable); i++)
			c.linetable[i] = rand() % 3 ? rand() : 0x80 | rand();
		resolve_line(&c, 10 + rand() % 4,
			     rand() % 4 ? rand() % 4096 : rand());
	}
}

static void test_table_shape(void **state)
{
	struct ws_py_offsets o;
	int minor;

	(void)state;
	assert_int_equal(python_table_offsets(9, &o), -ENOENT);
	assert_int_equal(python_table_offsets(14, &o), -ENOENT);
	for (minor = 10; minor <= 13; minor++) {
		assert_int_equal(python_table_offsets(minor, &o), 0);
		assert_int_equal(o.minor, minor);
		/* Frames hang off the thread state or its cframe. */
		assert_true((o.tstate_frame == WS_PY_NONE) !=
			    (o.tstate_cframe == WS_PY_NONE));
		assert_true((o.tstate_cframe == WS_PY_NONE) ==
			    (o.cframe_current_frame == WS_PY_NONE));
		assert_int_equal(o.code_qualname == WS_PY_NONE, minor == 10);
		assert_int_equal(o.code_first_instr == WS_PY_NONE, minor == 10);
		assert_int_equal(o.tstate_native_thread_id == WS_PY_NONE,
				 minor == 10);
		assert_int_equal(o.frame_is_entry != WS_PY_NONE, minor == 11);
		assert_int_equal(o.frame_owner != WS_PY_NONE, minor >= 12);
		assert_int_equal(o.pad, 0);
		check_aligned(&o);
	}
}

/* ---- main ---------------------------------------------------------------- */

static const struct {
	const char *name;
	CMUnitTestFunction fn;
} per_interp[] = {
	{ "detect", test_detect },
	{ "lines", test_lines },
	{ "names", test_names },
	{ "live", test_live },
	{ "runtime_address", test_runtime_address },
	{ "runtime_from_code", test_runtime_from_code },
};
#define N_PER_INTERP	(ARRAY_SIZE(per_interp))

int main(void)
{
	static const struct CMUnitTest common[] = {
		cmocka_unit_test(test_detect_not_python),
		cmocka_unit_test(test_detect_unsupported),
		cmocka_unit_test(test_detect_by_name),
		cmocka_unit_test(test_debug_offsets_313),
		cmocka_unit_test(test_debug_offsets_damaged),
		cmocka_unit_test(test_detect_truncated),
		cmocka_unit_test(test_detect_mutated),
		cmocka_unit_test(test_runtime_address_shared_page),
		cmocka_unit_test(test_string_kinds),
		cmocka_unit_test(test_qualname_choice),
		cmocka_unit_test(test_string_fuzz),
		cmocka_unit_test(test_linetable_310),
		cmocka_unit_test(test_linetable_locations),
		cmocka_unit_test(test_linetable_fuzz),
		cmocka_unit_test(test_table_shape),
	};
	const size_t n_common = ARRAY_SIZE(common);
	const size_t n = n_common + N_INTERPS * N_PER_INTERP;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	size_t i, j, k = 0;
	int rc;

	if (!tests)
		return 1;
	for (i = 0; i < N_INTERPS; i++) {
		for (j = 0; j < N_PER_INTERP; j++, k++) {
			char *name;

			if (asprintf(&name, "%s %s", per_interp[j].name,
				     interps[i].label) < 0)
				return 1;
			tests[k].name = name;
			tests[k].test_func = per_interp[j].fn;
			tests[k].initial_state = &interps[i];
		}
	}
	memcpy(tests + k, common, sizeof(common));
	rc = _cmocka_run_group_tests("python", tests, n, setup_all,
				     teardown_all);
	for (k = 0; k < N_INTERPS * N_PER_INTERP; k++)
		free((char *)tests[k].name);
	free(tests);
	return rc;
}
