"""whyslow out of its own picture: the samples that ran its tracing code
are cut from the stacks (conftest checks every report for tracing frames)
and counted, with whyslow's own CPU, as "whyslow's own cost" in Data
quality, in JSON (quality.overhead) and in saved profiles."""
import resource
import sys

import pytest

from conftest import workload

PYTHON = "/usr/bin/python3"

# Opens and reads many small files: every open and read runs whyslow's
# syscall tracepoints, so some samples land in its BPF programs.
OPENS = r"""
import os, sys
d = sys.argv[1]
for i in range(int(sys.argv[2])):
    with open(os.path.join(d, "f%d" % i), "w") as f:
        f.write("x" * (i % 200))
for _ in range(3):
    for i in range(int(sys.argv[2])):
        with open(os.path.join(d, "f%d" % i)) as f:
            f.read()
"""
FILES = 3000


def children_cpu_ns():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int((ru.ru_utime + ru.ru_stime) * 1e9)


def overhead(doc, res):
    q = doc["quality"]
    assert "overhead" in q, f"no quality.overhead:{res}"
    ov = q["overhead"]
    assert set(ov) == {"tracing_samples", "tracing_ns", "whyslow_cpu_ns"}, res
    return ov


@pytest.fixture
def opens_script(tmp_path):
    path = tmp_path / "opens.py"
    path.write_text(OPENS)
    (tmp_path / "files").mkdir()
    return [PYTHON, str(path), str(tmp_path / "files"), str(FILES)]


def test_overhead_counted_and_measured(run, tmp_path, opens_script):
    """The tracing samples are counted apart (a whole number of periods,
    part of the CPU time) and whyslow's own CPU agrees with its rusage as
    this test measures it: its children's CPU, less the command's."""
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    save = tmp_path / "opens.pb.gz"
    before = children_cpu_ns()
    doc, res = run.record_json("--save", save, "--", *opens_script)
    measured = children_cpu_ns() - before - doc["cpu_ns"]
    ov = overhead(doc, res)
    print(f"overhead {ov}, measured {measured / 1e6:.0f} ms, program CPU "
          f"{doc['cpu_ns'] / 1e6:.0f} ms, samples {doc['samples']}")
    assert doc["cpu_from_rusage"], res
    assert ov["tracing_samples"] >= 1, \
        f"{FILES * 4} opens and reads, no sample in tracing code:{res}"
    assert ov["tracing_ns"] == ov["tracing_samples"] * doc["period_ns"], res
    assert ov["tracing_ns"] <= doc["cpu_ns"] + 50e6, \
        f"tracing time beyond the program's CPU time:{res}"
    assert measured > 0, res
    assert measured / 2 <= ov["whyslow_cpu_ns"] <= 2 * measured, \
        f"whyslow_cpu_ns {ov['whyslow_cpu_ns']} vs its rusage " \
        f"{measured}:{res}"
    md = md_quality_line(run.whyslow("report", save))
    assert "of the CPU time" in md and "cut from every stack" in md, md
    # the saved profile carries the same figures
    again = run.whyslow("report", "--format", "json", save)
    assert again.returncode == 0, again
    assert overhead(again.json(), again) == ov, again
    diff = run.whyslow("diff", "--format", "json", save, save)
    assert diff.returncode == 0, diff
    assert diff.json()["before"]["overhead"] == ov, diff


def md_quality_line(res):
    assert res.returncode == 0, res
    lines = [ln for ln in res.stdout.splitlines()
             if ln.startswith("- whyslow's own cost: ")]
    assert len(lines) == 1, f"one own-cost line in Data quality:{res}"
    return lines[0]


@pytest.mark.parametrize("fmt", ["folded", "json"])
def test_spawn_loop_clean(run, fmt):
    """A spawn loop maps and execs: the perf output of the side-band
    records whyslow asks for (perf_event_mmap → perf_output_end → ...) is
    cut like the BPF programs (conftest's check on the report)."""
    res = run.record("--format", fmt, "--", workload("spawn"), 300)
    assert res.returncode == 0, res
    if fmt == "folded":
        assert len(res.stdout.splitlines()) >= 20, res
        return
    doc = res.json()
    ov = overhead(doc, res)
    assert ov["whyslow_cpu_ns"] > 0, res
    assert doc["samples"] >= 50, res
