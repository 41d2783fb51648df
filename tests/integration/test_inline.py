# SPDX-License-Identifier: GPL-2.0
"""Inlined functions as frames of their own, from DWARF's inline scopes.

tests/workloads/inline_hot (-O2 -g) spends its time in mix_step, an
always_inline helper called from spin_outer: every output shows
`spin_outer → mix_step`, the helper on its own lines (MIX_LINE's loop)
and spin_outer at the call (CALL_LINE), the helper with the self time;
the saved pprof has one Location for both, its Lines innermost first
(pprof's convention), and reading it back gives the same frames."""
import gzip
import json
import os

import pytest

from conftest import BIN, WORKLOADS
from test_pprof import pb_fields        # the protobuf walker

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

TIMEOUT = 30
CPU_MS = 300
SOURCE = WORKLOADS / "inline_hot.c"


def marker_line(marker):
    for i, text in enumerate(SOURCE.read_text().splitlines(), 1):
        if marker in text:
            return i
    raise AssertionError(f"{marker} not in {SOURCE}")


MIX_LINE = marker_line("MIX_LINE")      # in the helper's loop
CALL_LINE = marker_line("CALL_LINE")    # spin_outer's call of it
HELPER_LINES = range(MIX_LINE - 2, MIX_LINE + 4)


def pprof_tables(path):
    """(functions {id: (name, line of the function)}, locations
    [[(function id, line), ...] innermost first]) of a saved profile."""
    pb = gzip.decompress(path.read_bytes())
    fields = pb_fields(pb)
    strs = [v.decode("utf-8", "replace") for n, _, v, _ in fields if n == 6]
    funcs, locs = {}, []
    for num, _, msg, _ in fields:
        if num == 5:
            f = {n: v for n, _, v, _ in pb_fields(msg)}
            funcs[f[1]] = strs[f.get(2, 0)]
        elif num == 4:
            lines = []
            for n, _, v, _ in pb_fields(msg):
                if n == 4:
                    ln = {k: x for k, _, x, _ in pb_fields(v)}
                    lines.append((ln.get(1, 0), ln.get(2, 0)))
            locs.append(lines)
    return funcs, locs


def test_inlined_helper(run, tmp_path):
    os.chmod(tmp_path, 0o755)
    saved, out = tmp_path / "inl.pb.gz", tmp_path / "inl.json"
    res = run.record("--format", "json", "-o", out, "--save", saved, "--",
                     BIN / "inline_hot", str(CPU_MS), timeout=TIMEOUT)
    assert res.returncode == 0, res
    cpu_ns = int(res.stdout.split()[0])     # the workload's own clock
    doc = json.loads(out.read_text())

    funcs = {f["name"]: f for f in doc["functions"]}
    assert "mix_step" in funcs, f"no inlined frame: {list(funcs)}"
    helper, outer = funcs["mix_step"], funcs["spin_outer"]
    # the helper on its own lines, and with the work: the loop is all of
    # spin_outer but for its few instructions around the call
    assert helper["file"].endswith("/inline_hot.c"), helper
    assert helper["line"] in HELPER_LINES, helper
    assert helper["self_samples"] >= 0.8 * outer["total_samples"], doc
    assert outer["self_samples"] <= 0.2 * outer["total_samples"], doc
    assert helper["self_ns"] >= 0.6 * cpu_ns, (helper, cpu_ns)
    hot = doc["paths"][0]["frames"]
    assert hot[-2:] == ["spin_outer", "mix_step"], doc["paths"][0]
    lines = {(ln["function"], ln["line"]) for ln in doc["hot_lines"]}
    assert ("mix_step", MIX_LINE) in lines, doc["hot_lines"]

    # pprof: one Location, mix_step's line first, spin_outer's call last
    fns, locs = pprof_tables(saved)
    inl = [loc for loc in locs if len(loc) >= 2]
    assert inl, f"no Location with inlined Lines: {locs}"
    named = [[(fns[f], ln) for f, ln in loc] for loc in inl]
    hits = [loc for loc in named if loc[0][0] == "mix_step" and
            loc[-1] == ("spin_outer", CALL_LINE)]
    assert hits, named
    assert all(ln in HELPER_LINES for loc in hits for _, ln in loc[:1]), hits

    # read back: the same frames in every output
    back = run.whyslow("report", "--format", "json", saved, timeout=TIMEOUT)
    assert back.returncode == 0, back
    bdoc = back.json()
    bfuncs = {f["name"]: f for f in bdoc["functions"]}
    assert bfuncs["mix_step"]["self_samples"] == helper["self_samples"]
    assert bfuncs["mix_step"]["line"] == helper["line"]
    assert bdoc["paths"][0]["frames"] == hot
    md = run.whyslow("report", saved, timeout=TIMEOUT)
    assert md.returncode == 0, md
    assert "spin_outer → mix_step`" in md.stdout, md
    assert f"inline_hot.c:{helper['line']}" in md.stdout, md
    folded = run.whyslow("report", "--format", "folded", saved,
                         timeout=TIMEOUT)
    assert ";spin_outer;mix_step " in folded.stdout, folded
