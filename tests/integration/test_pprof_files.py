# SPDX-License-Identifier: GPL-2.0
"""Saved profiles one file a test: `record --format pprof`, `report
--format pprof` to a pipe, files that are not profiles or are missing,
usage errors of report and diff, `diff` of tests/workloads/diff_speedup
before and after halving slow_part's work, and the fuzzer's seeds.

The tests on the module's recordings (round trip, an independent reader,
hostile input) are test_pprof.py's, as are the helpers."""
import gzip
import os
import re
import subprocess

import pytest

from conftest import WHYSLOW, WORKLOADS, workload
from test_pprof import (TIMEOUT, func, md_section, mini_profile,
                        one_error_line, pb_fields, write)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")


# --- 1. writing profile.proto ----------------------------------------------

def test_record_format_pprof(run, workdir):
    """record --format pprof -o F writes gzip'd profile.proto, the same
    bytes as --save; report of it gives the same Markdown either way."""
    out = workdir / "fmt.pb.gz"
    save = workdir / "fmt-save.pb.gz"
    res = run.whyslow("record", "--format", "pprof", "-o", out, "--save",
                      save, "--", workload("hot7030"), "0.2",
                      timeout=TIMEOUT)
    assert res.returncode == 0, res
    data = out.read_bytes()
    assert data[:2] == b"\x1f\x8b", f"{out} is not gzip data:{res}"
    raw = gzip.decompress(data)
    nums = {f[0] for f in pb_fields(raw)}
    assert {1, 2, 4, 5, 6} <= nums, \
        f"profile.proto fields missing: has {sorted(nums)}"
    assert data == save.read_bytes(), "--format pprof and --save differ"
    again = workdir / "fmt-again.pb.gz"
    res = run.whyslow("report", "--format", "pprof", "-o", again, out)
    assert res.returncode == 0, res
    assert again.read_bytes() == data, "re-encoding changed the bytes"
    a = run.whyslow("report", out)
    b = run.whyslow("report", save)
    assert a.returncode == 0 and a.stdout == b.stdout and \
        a.stdout.startswith("# whyslow: "), f"{a}{b}"
    # plain (not gzip'd) profile.proto reads the same
    plain = write(workdir / "fmt.pb", raw)
    c = run.whyslow("report", plain)
    assert c.returncode == 0 and c.stdout == a.stdout, c


def test_report_pprof_to_pipe(workdir):
    """report --format pprof writes to a pipe (only a terminal is refused)."""
    profile = write(workdir / "mini-pipe.pb", mini_profile())
    res = subprocess.run([WHYSLOW, "report", "--format", "pprof",
                          str(profile)], capture_output=True, timeout=30)
    assert res.returncode == 0 and res.stdout[:2] == b"\x1f\x8b", res


# --- 2. files that are not profiles ----------------------------------------

def test_not_a_file(run, workdir):
    d = workdir / "a-directory.pb.gz"
    d.mkdir(exist_ok=True)
    res = run.whyslow("report", d)
    assert res.returncode == 1, res
    why = one_error_line(res, d)
    assert re.search(r"regular file|directory", why, re.I), res
    res = run.whyslow("report", "/dev/null")
    assert res.returncode == 1, res
    one_error_line(res, "/dev/null")


def test_missing_file(run, workdir):
    path = workdir / "no-such.pb.gz"
    res = run.whyslow("report", path)
    assert res.returncode == 1, res
    assert "No such file" in one_error_line(res, path), res
    profile = write(workdir / "mini-ok.pb", mini_profile())
    for args in ((path, profile), (profile, path)):
        res = run.whyslow("diff", *args)
        assert res.returncode == 1, res
        assert "No such file" in one_error_line(res, path), res


@pytest.mark.parametrize("args", [
    ["report"], ["report", "a.pb.gz", "b.pb.gz"], ["diff"],
    ["diff", "a.pb.gz"], ["diff", "a.pb.gz", "b.pb.gz", "c.pb.gz"],
    ["report", "--format", "bogus", "a.pb.gz"],
    ["diff", "--format", "folded", "a.pb.gz", "b.pb.gz"],
    ["diff", "--focus", "x", "a.pb.gz", "b.pb.gz"],
    ["report", "--focus", "x", "--format", "folded", "a.pb.gz"],
], ids=lambda a: " ".join(a))
def test_usage_errors(run, args):
    res = run.whyslow(*args)
    assert res.returncode == 2, f"usage errors exit 2:{res}"
    assert res.stdout == "" and res.stderr, res


# --- 3. diff ---------------------------------------------------------------

def measured(res, name):
    m = re.search(rf"{name}_ns=(\d+)", res.stderr)
    assert m, f"diff_speedup's timing line is missing:{res}"
    return int(m.group(1))


def test_diff_speedup(run, workdir):
    """slow_part's work halved: the diff says it is ~2x faster (within 15%
    of what the workload measured), fast_part unchanged, and the verdict
    names slow_part."""
    before, after = workdir / "before.pb.gz", workdir / "after.pb.gz"
    rb = run.whyslow("record", "-o", "/dev/null", "--save", before, "--",
                     workload("diff_speedup"), timeout=TIMEOUT)
    ra = run.whyslow("record", "-o", "/dev/null", "--save", after, "--",
                     workload("diff_speedup"), "0.5", timeout=TIMEOUT)
    assert rb.returncode == 0 and ra.returncode == 0, f"{rb}{ra}"
    res = run.whyslow("diff", "--format", "json", before, after)
    if res.returncode != 0 and re.search(r"not implemented|ENOSYS|"
                                         r"Function not", res.stderr):
        pytest.skip(f"whyslow diff is not implemented yet:{res}")
    assert res.returncode == 0, res
    doc = res.json()
    why = f"{rb}{ra}{res}"
    slow = func(doc, "slow_part", res)
    fast = func(doc, "fast_part", res)
    slow_want = measured(ra, "slow_part") / measured(rb, "slow_part")
    fast_want = measured(ra, "fast_part") / measured(rb, "fast_part")
    # The comparison is with what the workload measured, so noise only
    # matters when it hides the halving altogether.
    if slow_want > 0.85:
        pytest.skip(f"too noisy here: the halved slow_part measured "
                    f"{slow_want:.2f}x of its time before")
    assert slow["status"] == "faster", why
    assert abs(slow["ratio"] / slow_want - 1) <= 0.15, \
        (f"slow_part after/before {slow['ratio']}, measured "
         f"{slow_want:.3f}:{why}")
    assert abs(1 / slow["ratio"] - 2) <= 0.3 or \
        abs(slow_want - 0.5) > 0.05, f"slow_part not ~2x faster:{why}"
    if abs(fast_want - 1) <= 0.1:
        assert fast["status"] == "unchanged", \
            f"fast_part measured {fast_want:.3f}x:{why}"
    else:
        assert abs(fast["ratio"] / fast_want - 1) <= 0.15, why
    assert "slow_part" in doc["verdict"], why
    assert "fast_part" not in doc["verdict"] or fast["status"] != "unchanged",\
        why
    assert doc["wall"]["after_ns"] < doc["wall"]["before_ns"], why
    md = run.whyslow("diff", before, after)
    assert md.returncode == 0, md
    verdict = md_section(md.stdout, "Verdict")
    assert verdict and "slow_part" in verdict and "faster" in verdict, md


# --- 4. the fuzzer's seeds -------------------------------------------------

def test_fuzz_seeds_read(run):
    """Every seed of tests/fuzz/corpus/pprof reads: a seed the reader refuses
    (the saved format changed) only teaches the fuzzer error paths.
    tests/fuzz/make-corpus.sh remakes them."""
    seeds = sorted((WORKLOADS.parent / "fuzz" / "corpus" / "pprof").iterdir())
    assert seeds, "no seeds in tests/fuzz/corpus/pprof"
    bad = []
    for seed in seeds:
        assert seed.stat().st_size < 20000, f"{seed}: seeds stay < 20 KB"
        res = run.whyslow("report", seed)
        if res.returncode != 0:
            bad.append(f"{seed.name}: {res.stderr.strip()}")
    assert not bad, ("seeds whyslow no longer reads (run "
                     "tests/fuzz/make-corpus.sh as root):\n" + "\n".join(bad))
