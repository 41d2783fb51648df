# SPDX-License-Identifier: GPL-2.0
"""CPython's C code under Python frames, as py-spy --native shows it.

Each test runs under every interpreter the Python tests use (Debian's
static /usr/bin/python3 and the pyenv builds 3.10-3.13, see conftest):
`python -m compileall -f` over generated sources spends most of its CPU in
CPython's parser and compiler, below builtins.compile, which must show as
C frames under the Python frame that called compile; re's engine (_sre)
must show under the function that runs the pattern, whose line stays the
hot line.  Debian's binary is stripped of its static functions: there the
parser and compiler show by their exported entry points
(Py_CompileStringObject, _PyAST_Compile) and _sre as unnamed frames of
python3.11."""
import os
import re

import pytest

from conftest import REPO, folded_frames

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

SRE_SCAN = str(REPO / "tests" / "workloads" / "py" / "sre_scan.py")
TIMEOUT = 60
FILES, CLASSES = 80, 40      # ~0.5-1 s of compileall -f on these machines

# CPython's parser and compiler, by the names each build has (the static
# Debian binary exports only Py_CompileStringObject and _PyAST_Compile).
COMPILER = re.compile(r"^(builtin_compile|Py_CompileString|_PyAST_|PyAST_|"
                      r"_PyCompile|compiler_|_PyPegen_|_PyParser_|_PyCfg_|"
                      r"_PySymtable_)")
# The evaluation machinery, which the merge folds.
MACHINERY = re.compile(r"^(_PyEval_EvalFrameDefault|_PyEval_Vector|"
                       r"_PyFunction_Vectorcall|cfunction_vectorcall|"
                       r"method_vectorcall|_PyObject_MakeTpCall)\b")
SRE = re.compile(r"^(sre_|_sre_|SRE_)")


def source(i):
    """A module of CLASSES classes with comprehensions, f-strings, try."""
    out = []
    for j in range(CLASSES):
        out.append(f'''
class C{j}:
    def method_{j}(self, a, b=3, *args, **kw):
        x = [k * a + b for k in range(10) if k % 2 == {j % 2}]
        y = {{str(k): (k, k + 1) for k in x}}
        try:
            z = sum(v[0] for v in y.values()) / (a or 1)
        except ZeroDivisionError:
            z = None
        if z and z > {j + i}:
            return f"{{z:.2f}} {{a}} {{b}}"
        while a < 10:
            a += 1
        return [x, y, z, args, kw]


def func_{j}(p, q):
    return C{j}().method_{j}(p, q) or (lambda r: r + p * q)
''')
    return "".join(out)


def record(run, tmp_path, *argv):
    """Record argv (JSON, saved as pprof); (doc, on-CPU folded stacks, res)."""
    saved = tmp_path / "profile.pb.gz"
    res = run.whyslow("record", "--format", "json", "--save", saved, "--",
                      *argv, timeout=TIMEOUT)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    folded = run.whyslow("report", "--format", "folded", saved)
    assert folded.returncode == 0, f"report failed:{folded}"
    stacks = []
    for line in folded.stdout.splitlines():
        stack, value = line.rsplit(" ", 1)
        frames = [re.sub(r" \(x\d+\)$", "", f)
                  for f in folded_frames(stack)[1:]]
        if frames and not frames[-1].startswith("[wait:"):
            stacks.append((frames, int(value)))
    assert stacks, f"no on-CPU stacks:{res}"
    return res.json(), stacks, res


def python_names(doc):
    """Names of the report's Python functions (a .py or frozen file)."""
    return {f["name"] for f in doc["functions"]
            if (f.get("file") or "").endswith(".py")
            or (f.get("file") or "").startswith("<frozen")}


def func(doc, name, res):
    for f in doc["functions"]:
        if f["name"] == name:
            return f
    pytest.fail(f"no function {name!r} in the report:{res}")


def test_compileall(run, python, tmp_path):
    """compileall -f: the compiler's C frames under _call_with_frames_removed
    (importlib's frame that calls builtins.compile), not its self time."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(FILES):
        (src / f"mod{i}.py").write_text(source(i))
    doc, stacks, res = record(run, tmp_path, python, "-m", "compileall",
                              "-q", "-f", src)
    total = sum(n for _, n in stacks)
    pynames = python_names(doc)
    comp = callers = machinery = 0
    for frames, n in stacks:
        first = next((i for i, f in enumerate(frames) if COMPILER.match(f)),
                     None)
        machinery += n * any(MACHINERY.match(f) for f in frames)
        if first is None:
            continue
        comp += n
        above = [f for f in frames[:first] if f in pynames]
        callers += n * bool(above and above[-1] == "_call_with_frames_removed")
    mismatch = doc["quality"].get("py_native_mismatch_samples")
    cwfr = func(doc, "_call_with_frames_removed", res)
    figures = (f"{python}: {comp} of {total} on-CPU samples "
               f"({100 * comp / total:.1f}%) under the compiler, "
               f"{callers} of them called from _call_with_frames_removed; "
               f"its self {cwfr['self_pct']}%, total {cwfr['total_pct']}%; "
               f"machinery in {machinery}; eval calls unmatched in "
               f"{mismatch} of {doc['samples']}")
    print(figures)
    assert comp >= 0.30 * total, f"{figures}:{res}"
    assert callers >= 0.9 * comp, f"{figures}:{res}"
    assert cwfr["self_pct"] <= 10, f"{figures}:{res}"
    assert machinery <= 0.02 * total, f"{figures}:{res}"
    assert mismatch is not None and mismatch <= 0.05 * doc["samples"], \
        f"{figures}:{res}"
    # Debian's stripped static code is told by the exported function of
    # python3.11 it runs inside (_PyAST_Compile, PyDict_SetDefault) when
    # one holds half its time (a dict lookup's under both may have none)
    vf = doc["verdict_function"]
    inside = vf and vf["inside"]
    if inside:
        assert vf["name"].startswith("[") and \
            not inside["name"].startswith("[") and \
            inside["module"] == vf["module"], f"{vf}:{res}"
        md = run.whyslow("report", tmp_path / "profile.pb.gz")
        # "most in `[…]` (runtime, python3.11), inside `…`", or when no
        # function has 5% of the path, "(the most, `[…]` in python3.11,
        # inside `…`, 4.7%)"
        named = (f"`{vf['name']}` (runtime, {vf['module']}), inside "
                 f"`{inside['name']}`",
                 f"`{vf['name']}` in {vf['module']}, inside "
                 f"`{inside['name']}`, ")
        assert any(s in md.stdout for s in named), f"{vf}:{md}"


def test_re_engine_under_its_caller(run, python, tmp_path):
    """scan() runs a pattern for 0.8 s of CPU: its time is _sre's C code
    under scan, and the hot line is the line of scan that calls it."""
    doc, stacks, res = record(run, tmp_path, python, SRE_SCAN, 0.8)
    m = re.search(r"sre_scan: line=(\d+) cpu_s=([\d.]+)", res.stderr)
    assert m, f"the script's own line is missing:{res}"
    line, cpu_s = int(m.group(1)), float(m.group(2))
    scan = under = named = 0
    for frames, n in stacks:
        if "scan" not in frames:
            continue
        i = frames.index("scan")
        scan += n
        under += n * (len(frames) > i + 1 and not frames[i + 1].endswith("_[k]"))
        named += n * any(SRE.match(f) for f in frames[i + 1:])
    scan_s = scan * doc["period_ns"] / 1e9
    figures = (f"{python}: scan {scan} samples ({scan_s:.2f} s, measured "
               f"{cpu_s:.2f} s of CPU), {under} in C code under it, {named} "
               f"in _sre functions by name")
    print(figures)
    assert scan_s >= 0.7 * cpu_s, f"{figures}:{res}"
    assert under >= 0.8 * scan, f"{figures}:{res}"
    if not python.startswith("/usr/bin/"):   # Debian's _sre has no names
        assert named >= 0.8 * scan, f"{figures}:{res}"
    hot = doc["hot_lines"][0]
    assert hot["function"] == "scan" and hot["line"] == line and \
        hot["file"] == SRE_SCAN, f"hot line {hot}, expected line {line}:{res}"
