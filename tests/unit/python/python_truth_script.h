/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ground truth script each CPython runs (python_truth.h), written
 * to the scratch directory: its fixed part, and functions with long
 * line tables generated in between.
 */
#ifndef WHYSLOW_PYTHON_TRUTH_SCRIPT_H
#define WHYSLOW_PYTHON_TRUTH_SCRIPT_H

#include "python_interps.h"

static char script[PATH_MAX];

static const char script_head[] =
	"# Ground truth for tests/unit/python/, printed by the interpreter under\n"
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

/*
 * Functions with long line tables, written out here rather than in the
 * script: big() is 1000+ lines (its 3.11+ table outgrows the copy),
 * sparse() has line deltas beyond what one
 * byte (3.10) or one varint chunk (3.11+) holds, forwards and backwards,
 * longline() has more than 254 bytes of code on one line.
 */
static inline void write_generated(FILE *fp)
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

static inline int write_script(void)
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

#endif
