# SPDX-License-Identifier: GPL-2.0
"""JIT code named through perf maps (issue 15): anonymous executable memory
is looked up in /tmp/perf-PID.map, which the runtime writes: Node.js with
--perf-basic-prof, CPython 3.12+ with -X perf.

Node.js is Debian's nodejs (tools/install-deps.sh installs it); the
CPython interpreters are pyenv's (skipped when absent)."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, folded_frames

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

WORKLOADS = REPO / "tests" / "workloads"
PYENV = Path("/root/.pyenv/versions")


@pytest.fixture
def perf_maps():
    """Removes the perf maps the test's runtimes leave in /tmp: those that
    appeared during the test and name the script run (given as the
    fixture's value, a list the test appends to)."""
    before = set(Path("/tmp").glob("perf-*.map"))
    scripts = []
    yield scripts
    for m in set(Path("/tmp").glob("perf-*.map")) - before:
        try:
            if any(str(s) in m.read_text(errors="replace") for s in scripts):
                m.unlink()
        except OSError:
            pass


def rows_naming(doc, word):
    """The report's functions from the perf map whose name holds word."""
    return [f for f in doc["functions"]
            if f["module"] == "[jit]" and re.search(rf"\b{word}\b", f["name"])]


def node_measured(res):
    m = re.search(r"crunch\.js: crunchA_ms=([\d.]+) crunchB_ms=([\d.]+)",
                  res.stderr)
    assert m, f"the script's own timing line is missing:{res}"
    a, b = float(m.group(1)), float(m.group(2))
    return 100 * a / (a + b)


def test_node_perf_basic_prof(run, perf_maps, tmp_path):
    """node --perf-basic-prof: crunchA and crunchB are named from the perf
    map (V8's "JS:*crunchA /path:line:col", one row per compiled version),
    with the split the script measured (within 10 points), and almost
    nothing of the run stays unnamed."""
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        pytest.skip("node is not installed (tools/install-deps.sh "
                    "installs Debian's nodejs)")
    script = WORKLOADS / "js" / "crunch.js"
    perf_maps.append(script)
    # V8 also writes a log of its own, by default into the current directory
    doc, res = run.record_json("-F", 999, "--", node, "--perf-basic-prof",
                               "--no-logfile-per-isolate",
                               f"--logfile={tmp_path / 'v8.log'}", script)
    a = sum(f["self_pct"] for f in rows_naming(doc, "crunchA"))
    b = sum(f["self_pct"] for f in rows_naming(doc, "crunchB"))
    assert a > 0 and b > 0, f"crunchA and crunchB are not named:{res}"
    assert all(str(script) in f["name"]
               for f in rows_naming(doc, "crunch[AB]")), res
    assert a + b >= 60, f"the two functions are most of the run:{res}"
    want = node_measured(res)
    assert abs(100 * a / (a + b) - want) <= 10, \
        f"crunchA's share of the two, measured {want:.1f}%:{res}"
    unknown = sum(f["self_pct"] for f in doc["functions"]
                  if f["name"] == "[unknown]")
    assert unknown <= 5, f"JIT code left unnamed:{res}"
    assert doc["quality"]["perfmap_refused"] == 0, res
    assert "perf-basic-prof" not in doc["verdict"], res


def test_node_without_perf_map(run, tmp_path):
    """node without --perf-basic-prof: its JIT code is "[unknown]", and
    the verdict says how to name it, with the share of samples that have
    such code on their stack: the "[unknown]" row's total (within 1
    point), most of the run for a script that is all JavaScript.  With
    the flag, test_node_perf_basic_prof's run, the advice is gone."""
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        pytest.skip("node is not installed (tools/install-deps.sh "
                    "installs Debian's nodejs)")
    script = WORKLOADS / "js" / "crunch.js"
    doc, res = run.record_json("-F", 999, "--", node, script)
    m = re.search(r" ([\d.]+)% of samples ran in or under JIT code without "
                  r"names \(`\[unknown\]`\): run node with "
                  r"--perf-basic-prof --interpreted-frames-native-stack "
                  r"\(in NODE_OPTIONS for a node a script starts: npm, "
                  r"npx\) so whyslow can name it\.",
                  doc["verdict"])
    assert m, f"no --perf-basic-prof advice after the verdict:{res}"
    unknown = [f for f in doc["functions"] if f["name"] == "[unknown]"]
    assert unknown, f"JIT code is not [unknown] without a perf map:{res}"
    assert abs(float(m.group(1)) - unknown[0]["total_pct"]) <= 1, res
    assert float(m.group(1)) >= 50, res


def perf_pythons():
    params = []
    for minor in (12, 13):
        found = sorted(PYENV.glob(f"3.{minor}*/bin/python3"))
        if found:
            params.append(pytest.param(str(found[0]), id=f"py3.{minor}"))
        else:
            params.append(pytest.param(None, id=f"py3.{minor}",
                                       marks=pytest.mark.skip(
                                           reason=f"no pyenv CPython 3.{minor}")))
    return params


@pytest.mark.parametrize("python", perf_pythons())
def test_python_perf_trampolines(run, python, perf_maps):
    """python -X perf: each call from C into the interpreter runs through
    a trampoline of its own in anonymous memory.  Samples that land in one
    (about 0.3% of them; at 2999 Hz for 1.5 s, 13-27 seen) are named
    "py::tiny:<script>" from the perf map; whyslow's own CPython walker
    names the Python frames above them."""
    script = WORKLOADS / "py" / "perf_calls.py"
    perf_maps.append(script)
    res = run.record("-F", 2999, "--format", "folded", "--",
                     python, "-X", "perf", script, "1.5")
    assert res.returncode == 0, res
    jit = under_main = 0
    for line in res.stdout.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = folded_frames(stack)
        if f"py::tiny:{script}" in frames:
            jit += int(count)
            if frames[1:3] == ["<module>", "main"]:
                under_main += int(count)
    assert jit >= 3, f"no trampoline named from the perf map:{res}"
    # A sample can land in a trampoline before the interpreter links the
    # call's frame: then no Python stack is read.
    assert under_main >= 0.7 * jit, \
        f"{under_main} of {jit} trampoline samples under main:{res}"
    assert "[anon+" not in res.stdout, res


def java_run(run, tmp_path, perf_maps, *flags):
    """WhyslowHot.java compiled into tmp_path and run 1.5 s under whyslow
    with a perf map (HotSpot writes it at exit), and flags."""
    javac = shutil.which("javac")
    if not javac:
        pytest.skip("no JDK (tools/install-deps.sh installs "
                    "openjdk-17-jdk-headless)")
    src = WORKLOADS / "java" / "WhyslowHot.java"
    subprocess.run([javac, "-d", str(tmp_path), str(src)], check=True,
                   timeout=120)
    perf_maps.append("WhyslowHot")
    return run.record_json("--", "java", "-XX:+UnlockDiagnosticVMOptions",
                           "-XX:+DumpPerfMapAtExit", *flags, "-cp",
                           str(tmp_path), "WhyslowHot", "1.5", timeout=120)


def test_java_perf_map(run, tmp_path, perf_maps):
    """java with its perf map: the program's method is the app's, the
    JDK's HashMap.merge the runtime's.  Compiled code keeps no frame
    pointer, so most samples start in it, their callers lost: the verdict
    says -XX:+PreserveFramePointer; with it, the samples reach the thread's
    start, the advice is gone, and merge is called from work."""
    doc, res = java_run(run, tmp_path, perf_maps)
    jit = {f["name"]: f["class"] for f in doc["functions"]
           if f["module"] == "[jit]"}
    work = [c for n, c in jit.items() if "WhyslowHot.work(" in n]
    merge = [c for n, c in jit.items() if "java.util.HashMap.merge(" in n]
    assert work and set(work) == {"app"}, f"{jit}:{res}"
    assert merge and set(merge) == {"runtime"}, f"{jit}:{res}"
    assert "-XX:+PreserveFramePointer as well" in doc["verdict"], res
    doc, res = java_run(run, tmp_path, perf_maps, "-XX:+PreserveFramePointer")
    assert "PreserveFramePointer" not in doc["verdict"], res
    if "java.util.HashMap.merge(" in doc["verdict"]:
        assert re.search(r"called from `long WhyslowHot\.work\(int\)`",
                         doc["verdict"]), res
