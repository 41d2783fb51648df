# SPDX-License-Identifier: GPL-2.0
"""Where reports go and how a perf, py-spy or pprof user finds them (issue 17).

- `-o FILE` takes the format from the extension (.md .json .folded .svg
  .html .pb.gz .pprof) in record and report; `--format` wins with a
  warning; `.gz` alone warns; diff refuses an extension it cannot write.
- A bad `-o` or `--save` (no such directory, a directory the sudo user
  cannot write) fails with exit 2 before the command runs (a marker file
  the command would create stays absent) or the profile is read.
- The SVG of `-o x.svg` is well-formed (xmllint) and zooms in headless
  Chromium: the clicked frame fills the width (±1 px), its children scale
  by the same factor (±1 px), its ancestors span the width, the rest is
  hidden; Reset restores every width (±0.01 px); Search's matched share is
  the matched frames' time over the root's (±0.1 point); with scripts
  disabled the frames still draw and no control shows.
- Flame graphs of two processes have a root frame per process,
  "comm (pid)", pids those of the JSON report; --per-thread adds threads.
- Folded output names Python frames "name (file.py)"; `report` reads
  folded stacks back: folded → report → folded is the same lines, the
  JSON's self samples are the file's, Data quality invents no counter,
  bad input names its line.
- `make install DESTDIR=...` installs the binary, whyslow(1) (gzip'd, `man
  -l` renders it) and bash completion; -V, --version, `help`, `help
  record`, `record --version` work.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from chromium_cdp import (VIEW_H, Chromium, chromium_binary, click_frame,
                          frames_by, poll)
from conftest import REPO, WHYSLOW, WORKLOADS, Runner, workload
from flame_svg import svg_frames, xmllint

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

PY = WORKLOADS / "py"
PYTHON = "/usr/bin/python3"
TIMEOUT = 30
PX = 1.0                # zoomed widths within 1 px of the expected
NOBODY = 65534


@pytest.fixture(scope="module")
def workdir():
    d = tempfile.mkdtemp(prefix="wsout-", dir="/tmp")
    os.chmod(d, 0o755)
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def mrun(built):
    r = Runner()
    yield r
    r.cleanup()


@pytest.fixture(scope="module")
def hot(mrun, workdir):
    """hot7030 recorded to x.svg (format by extension) and saved."""
    res = mrun.whyslow("record", "-o", workdir / "hot.svg", "--save",
                       workdir / "hot.pb.gz", "--", workload("hot7030"),
                       "0.5", timeout=TIMEOUT)
    assert res.returncode == 0 and "whyslow:" not in res.stderr, res
    return res


def looks_like(path):
    """The format of a file, by its content."""
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        gzip.decompress(data)
        return "pprof"
    text = data.decode()
    if text.startswith("<?xml") and "<svg" in text[:300]:
        return "svg"
    if text.startswith("<!DOCTYPE html>"):
        return "html"
    if text.startswith("# whyslow"):
        return "md"
    if text.startswith("{"):
        json.loads(text)
        return "json"
    if all(re.fullmatch(r"\S.* \d+", ln) for ln in text.splitlines()):
        return "folded"
    return "?"


# --- 1. the format from -o's extension --------------------------------------

EXTS = {"md": "md", "json": "json", "folded": "folded", "svg": "svg",
        "html": "html", "pb.gz": "pprof", "pprof": "pprof", "MD": "md",
        "txt": "md"}


def test_record_format_by_extension(hot, workdir):
    assert looks_like(workdir / "hot.svg") == "svg", hot
    xmllint(workdir / "hot.svg", hot)
    assert looks_like(workdir / "hot.pb.gz") == "pprof", hot


@pytest.mark.parametrize("ext", sorted(EXTS))
def test_report_format_by_extension(hot, mrun, workdir, ext):
    out = workdir / f"rep.{ext}"
    res = mrun.whyslow("report", "-o", out, workdir / "hot.pb.gz")
    assert res.returncode == 0 and res.stderr == "", res
    assert looks_like(out) == EXTS[ext], f"{out}:{res}"


def test_format_option_wins(hot, mrun, workdir):
    out = workdir / "said.svg"
    res = mrun.whyslow("report", "--format", "json", "-o", out,
                       workdir / "hot.pb.gz")
    assert res.returncode == 0, res
    assert looks_like(out) == "json", res
    assert re.search(r"writing json to .*said\.svg \(--format\), though "
                     r"its extension says svg", res.stderr), res
    res = mrun.whyslow("report", "-o", workdir / "r.gz", workdir / "hot.pb.gz")
    assert res.returncode == 0 and "not gzip'd" in res.stderr, res
    assert looks_like(workdir / "r.gz") == "md", res


def test_diff_extension(hot, mrun, workdir):
    pb = workdir / "hot.pb.gz"
    res = mrun.whyslow("diff", "-o", workdir / "d.json", pb, pb)
    assert res.returncode == 0, res
    assert "functions" in json.loads((workdir / "d.json").read_text()), res
    res = mrun.whyslow("diff", "-o", workdir / "d.folded", pb, pb)
    assert res.returncode == 2 and "diff writes" in res.stderr, res
    assert not (workdir / "d.folded").exists()


# --- 2. bad output paths fail before anything runs ----------------------------

def marker_cmd(marker):
    return ["--", "/bin/sh", "-c", f"echo ran > {marker}"]


@pytest.mark.parametrize("opt", ["-o", "--save"])
def test_missing_directory_fails_first(mrun, workdir, opt):
    marker = workdir / f"ran-{opt.strip('-')}"
    bad = "/nonexistent-wsout/sub/x.md"
    res = mrun.whyslow("record", opt, bad, *marker_cmd(marker))
    assert res.returncode == 2, res
    assert f"cannot write {bad}: directory /nonexistent-wsout/sub: No " \
        "such file" in res.stderr, res
    assert not marker.exists(), f"the command ran:{res}"
    assert res.elapsed < 5, res


def test_unwritable_directory_fails_first(mrun, workdir):
    """Root could write there; the sudo user (nobody) cannot."""
    locked = workdir / "locked"
    locked.mkdir(mode=0o755, exist_ok=True)
    marker = workdir / "ran-locked"
    env = dict(os.environ, SUDO_UID=str(NOBODY), SUDO_GID=str(NOBODY))
    for opt in ("-o", "--save"):
        res = mrun.whyslow("record", opt, locked / "x.pb.gz",
                           *marker_cmd(marker), env=env)
        assert res.returncode == 2, res
        assert "Permission denied (whyslow writes as the user who ran " \
               "sudo)" in res.stderr, res
        assert not marker.exists(), f"the command ran:{res}"
    assert not list(locked.iterdir())


def test_report_and_diff_check_output_first(hot, mrun, workdir):
    bad = "/nonexistent-wsout/x.md"
    # the profile does not exist either: the output is checked first
    for argv in (["report", "-o", bad, workdir / "none.pb.gz"],
                 ["diff", "-o", bad, workdir / "none.pb.gz",
                  workdir / "none.pb.gz"]):
        res = mrun.whyslow(*argv)
        assert res.returncode == 2, res
        assert "cannot write" in res.stderr and "none.pb.gz" not in \
            res.stderr, res


# --- 3. the SVG zooms and searches in Chromium -------------------------------

@pytest.fixture(scope="module")
def browser():
    exe = chromium_binary()
    if not exe:
        pytest.skip("chromium is not installed: tools/install-deps.sh "
                    "installs it (`sudo make deps`)")
    b = Chromium(exe)
    try:
        yield b
    finally:
        b.close()


def script_errors(b):
    b.drain()
    return [e for e in b.events if e["method"] == "Runtime.exceptionThrown"]


def test_svg_zoom_in_browser(hot, workdir, browser):
    svg = workdir / "hot.svg"
    b = browser
    b.open(svg.as_uri())
    before = poll(b, lambda d: d and max(f["vis"] for f in d) > 1000,
                  "the SVG's frames are not drawn")
    root = next(f for f in before if f["depth"] == 0)
    warm = frames_by(before, "warm_thirty")
    hot_f = frames_by(before, "hot_seventy")
    kids = [f for f in before if f["depth"] == warm["depth"] + 1 and
            f["vis"] > 0 and warm["x"] - 0.5 <= f["x"] < warm["x"] +
            warm["w"] - 0.5]
    click_frame(b, before, "warm_thirty")
    after = poll(b, lambda d: abs(frames_by(d, "warm_thirty")["w"] -
                                  root["w"]) < PX,
                 "warm_thirty does not fill the width once clicked")
    scale = root["w"] / warm["w"]
    zw = frames_by(after, "warm_thirty")
    assert abs(zw["x"] - root["x"]) < PX, zw
    assert frames_by(after, "hot_seventy")["vis"] == 0, "not hidden"
    assert frames_by(after, "main")["vis"] >= root["w"] - PX, \
        "an ancestor does not span the width"
    for k in kids:
        z = next(f for f in after if f["name"] == k["name"] and
                 f["depth"] == k["depth"] and f["ns"] == k["ns"])
        assert abs(z["w"] - k["w"] * scale) < PX, (k, z, scale)
        assert abs(z["x"] - (root["x"] + (k["x"] - warm["x"]) * scale)) \
            < PX, (k, z)
    # Reset zoom, a control that shows once zoomed
    pos = b.eval("(() => { const r = document.getElementById('reset')"
                 ".getBoundingClientRect(); return [r.left + r.width / 2, "
                 "r.top + r.height / 2, r.width]; })()")
    assert pos[2] > 10, f"no Reset zoom control drawn: {pos}"
    b.eval("window.scrollTo(0, 0)")
    b.click(pos[0], pos[1] - b.eval("window.scrollY"))
    back = poll(b, lambda d: abs(frames_by(d, "hot_seventy")["vis"] -
                                 hot_f["w"]) < 0.01, "Reset did not unzoom")
    assert sorted((f["name"], round(f["w"], 2)) for f in back) == \
        sorted((f["name"], round(f["w"], 2)) for f in before)
    # Search (its prompt answered): matches and the matched share
    b.eval("window.prompt = () => 'hot_'")
    b.eval("document.getElementById('search').dispatchEvent("
           "new MouseEvent('click', {bubbles: true}))")
    share = b.eval("document.getElementById('search-share').textContent")
    m = re.fullmatch(r"Matched: ([\d.]+)% \(.+\)", share or "")
    assert m, f"no matched share: {share!r}"
    frames = svg_frames(svg)
    total = next(f.ns for f in frames if f.depth == 0)
    want = 100 * sum(f.ns for f in frames if f.name == "hot_seventy") / total
    assert abs(float(m.group(1)) - want) <= 0.1, (share, want)
    marked = b.eval("document.querySelectorAll('g.frame.match').length")
    assert marked == sum(1 for f in frames if "hot_" in f.name), marked
    assert not script_errors(b), script_errors(b)


def test_svg_without_script(hot, workdir, browser):
    """As an image viewer shows it: frames drawn, no control."""
    b = browser
    b.open("about:blank")
    b.call("Emulation.setScriptExecutionDisabled", {"value": True})
    b.call("Page.navigate", {"url": (workdir / "hot.svg").as_uri()})
    b.wait_event("Page.loadEventFired")
    shown = b.eval("['reset', 'search', 'search-share'].map(i => "
                   "document.getElementById(i).getBoundingClientRect()"
                   ".width)")
    assert shown == [0, 0, 0], f"controls drawn without the script: {shown}"
    b.call("Emulation.setScriptExecutionDisabled", {"value": False})


# --- 4. a process level -------------------------------------------------------

def test_process_level(mrun, workdir):
    svg, js = workdir / "forker.svg", workdir / "forker.json"
    res = mrun.whyslow("record", "-o", svg, "--save", workdir / "f.pb.gz",
                       "--", workload("forker"), "0.3", timeout=TIMEOUT)
    assert res.returncode == 0, res
    xmllint(svg, res)
    rj = mrun.whyslow("report", "-o", js, workdir / "f.pb.gz")
    assert rj.returncode == 0, rj
    pids = {p["pid"] for p in json.loads(js.read_text())["processes"]
            if p["comm"] == "forker"}
    assert len(pids) == 2, rj
    frames = svg_frames(svg)
    root = next(f for f in frames if f.depth == 0)
    procs = [f for f in frames if "process" in f.cls]
    assert {f.name for f in procs} >= {f"forker ({p})" for p in pids}, \
        [f.name for f in procs]
    assert all(f.depth == 1 for f in procs)
    assert sum(f.ns for f in procs) == root.ns, "processes do not add up"
    # each burn function below its own process only
    for name in ("parent_burn", "child_burn"):
        owners = {list(f.ancestors())[-2].name for f in frames
                  if f.name == name}
        assert len(owners) == 1, (name, owners)
    page = workdir / "forker.html"
    res = mrun.whyslow("report", "--per-thread", "-o", page,
                       workdir / "f.pb.gz")
    assert res.returncode == 0, res
    data = re.search(r'<script type="application/json" id="flame-data">'
                     r'(.*?)</script>', page.read_text(), re.S)
    nodes = json.loads(data.group(1))["nodes"]
    # [name, module, parent, ns, oncpu_ns, classes, fill, depth]
    procs = {n[0] for n in nodes if n[5] == "process" and n[7] == 1}
    threads = {n[0] for n in nodes if n[5] == "thread" and n[7] == 2}
    assert procs == {f"forker ({p})" for p in pids}, procs
    # single-threaded: each process's one thread has its pid
    assert threads == procs, threads


def test_per_thread_levels(mrun, workdir):
    """threadpool's workers: one process frame, a frame per thread under
    it (their tids the JSON report's), times adding up."""
    page = workdir / "tp.html"
    res = mrun.whyslow("record", "--per-thread", "-o", page, "--save",
                       workdir / "tp.pb.gz", "--", workload("threadpool"),
                       timeout=TIMEOUT)
    assert res.returncode == 0, res
    doc = mrun.whyslow("report", "--format", "json", workdir / "tp.pb.gz")
    proc = next(p for p in doc.json()["processes"]
                if p["comm"] == "threadpool")
    tids = {t["tid"] for t in proc["threads"] if t["ns"]}
    data = re.search(r'<script type="application/json" id="flame-data">'
                     r'(.*?)</script>', page.read_text(), re.S)
    nodes = json.loads(data.group(1))["nodes"]
    procs = [i for i, n in enumerate(nodes) if n[5] == "process"]
    assert [nodes[i][0] for i in procs] == \
        [f"threadpool ({proc['pid']})"], procs
    threads = [n for n in nodes if n[5] == "thread"]
    assert all(n[2] == procs[0] and n[7] == 2 for n in threads), threads
    got = {int(re.fullmatch(r".* \((\d+)\)", n[0]).group(1))
           for n in threads}
    # every thread with time has its frame; one whose time rounds to 0 ns
    # in JSON (the main thread, joining) may have one too
    every = {t["tid"] for t in proc["threads"]}
    assert tids <= got <= every and len(got) >= 3, (got, tids, every)
    assert sum(n[3] for n in threads) == nodes[procs[0]][3]


def test_per_thread_needs_flame_graph(mrun, workdir):
    res = mrun.whyslow("report", "--per-thread", "-o", workdir / "x.md",
                       workdir / "none.pb.gz")
    assert res.returncode == 2 and "--per-thread" in res.stderr, res


# --- 5. folded stacks: Python frames, read back -------------------------------

def folded_lines(path):
    return Counter(dict(ln.rsplit(" ", 1) for ln in
                        Path(path).read_text().splitlines()))


def test_folded_round_trip(mrun, workdir):
    folded = workdir / "py.folded"
    res = mrun.whyslow("record", "-o", folded, "--", PYTHON,
                       PY / "crunch.py", "3000000", timeout=TIMEOUT)
    assert res.returncode == 0, res
    lines = folded_lines(folded)
    crunch = [s for s in lines if s.endswith(";crunch (crunch.py)")]
    assert crunch, f"no 'crunch (crunch.py)' leaf:\n{folded.read_text()}"
    assert any(";<module> (crunch.py);" in s for s in lines)
    # read back: the same lines, the same samples per function
    again = workdir / "again.folded"
    res = mrun.whyslow("report", "-o", again, folded)
    assert res.returncode == 0 and res.stderr == "", res
    assert folded_lines(again) == lines
    res = mrun.whyslow("report", "--format", "json", folded)
    assert res.returncode == 0, res
    doc = res.json()
    fn = next(f for f in doc["functions"] if f["name"] == "crunch")
    on_cpu = sum(int(v) for s, v in lines.items() if "[wait:" not in s)
    assert fn["self_samples"] == sum(int(lines[s]) for s in crunch), fn
    md = mrun.whyslow("report", folded)
    assert md.returncode == 0, md
    head = md.stdout.splitlines()[2]
    assert re.fullmatch(rf"Wall time .*, CPU time .*, {on_cpu} samples of "
                        r"10\.0 ms each\.", head), md
    quality = md.stdout.split("## Data quality", 1)[1]
    assert f"Samples: {on_cpu} in the file" in quality, md
    assert "ring buffer" not in quality and "--fp-only" not in quality \
        and "Frequency" not in quality, md
    assert "read from folded stacks" in quality, md
    # a flame graph of it
    res = mrun.whyslow("report", "-o", workdir / "py.svg", folded)
    assert res.returncode == 0, res
    xmllint(workdir / "py.svg", res)


def test_folded_bad_input(mrun, workdir):
    bad = workdir / "bad.folded"
    bad.write_text("main;work 3\nmain;idle many\n")
    res = mrun.whyslow("report", bad)
    assert res.returncode == 1, res
    assert "line 2: bad count 'many'" in res.stderr, res
    bad.write_text("a;" * (600 * 1024) + "b 1\n")
    res = mrun.whyslow("report", bad)
    assert res.returncode == 1 and "line 1: longer than" in res.stderr, res


# --- 6. install, man page, completion, version -------------------------------

def test_make_install(workdir):
    dest = workdir / "dest"
    res = subprocess.run(["make", "-s", "-C", str(REPO), "install",
                          f"DESTDIR={dest}", "PREFIX=/usr"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    binary = dest / "usr/bin/whyslow"
    page = dest / "usr/share/man/man1/whyslow.1.gz"
    comp = dest / "usr/share/bash-completion/completions/whyslow"
    assert os.access(binary, os.X_OK) and page.exists() and comp.exists()
    man = subprocess.run(["man", "-l", str(page)], capture_output=True,
                         text=True, timeout=60,
                         env=dict(os.environ, MANWIDTH="100", MANPAGER="cat",
                                  PAGER="cat"))
    assert man.returncode == 0, man.stderr
    text = re.sub(r".\x08", "", man.stdout)
    for want in ("WHYSLOW(1)", "NAME", "SYNOPSIS", "whyslow record",
                 "--per-thread", "--save=FILE", "EXIT STATUS", "EXAMPLES",
                 "whyslow report all.folded -o all.html"):
        assert want in text, f"{want!r} not in the man page:\n{text[:3000]}"
    # found by name, as `man whyslow` finds it under the prefix
    man = subprocess.run(["man", "-M", str(dest / "usr/share/man"),
                          "whyslow"], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, MANPAGER="cat",
                                              PAGER="cat"))
    assert man.returncode == 0 and "WHYSLOW(1)" in man.stdout, man.stderr
    out = subprocess.run(
        ["bash", "-c", f"source {comp}; complete -p whyslow; "
         "COMP_WORDS=(whyslow record --for); COMP_CWORD=2; _whyslow; "
         "echo \"${COMPREPLY[*]}\"; "
         "COMP_WORDS=(whyslow report --format ''); COMP_CWORD=3; _whyslow; "
         "echo \"${COMPREPLY[*]}\""],
        capture_output=True, text=True, timeout=30)
    assert out.stdout.splitlines() == [
        "complete -F _whyslow whyslow", "--format",
        "md json folded pprof svg html"], out


@pytest.mark.parametrize("args", [["--version"], ["-V"],
                                  ["record", "--version"],
                                  ["report", "-V"]])
def test_version(mrun, args):
    res = mrun.whyslow(*args)
    assert res.returncode == 0 and res.stdout == "whyslow 0.1\n", res


def test_help(mrun):
    res = mrun.whyslow("help")
    assert res.returncode == 0 and "Record options:" in res.stdout and \
        "Diff options:" in res.stdout, res
    res = mrun.whyslow("help", "record")
    assert res.returncode == 0, res
    assert res.stdout.startswith("Usage: whyslow record"), res
    assert "--min-block-us" in res.stdout, res
    res = mrun.whyslow("help", "nosuch")
    assert res.returncode == 2 and "no command 'nosuch'" in res.stderr, res
