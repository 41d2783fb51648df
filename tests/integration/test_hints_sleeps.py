# SPDX-License-Identifier: GPL-2.0
"""The sleeps hint and the verdict's sleeping clause, on a Python loop
that sleeps 10 ms 60 times between slices of CPU work (~0.6 s): the
verdict says how much of the path is sleeping and where, and the hint
counts the sleeps and their time as the workload's own clock measured
them."""
from conftest import DEBIAN_PYTHON, WORKLOADS
from test_critical_path import hints, self_measured

TIMEOUT = 60
SLEEPS = 60
SPIN = 100000           # ~10 ms of CPU a round


def test_sleeps(run, built):
    doc, res = run.record_json(
        "--", str(DEBIAN_PYTHON), str(WORKLOADS / "py" / "sleep_poll.py"),
        str(SLEEPS), "0.01", str(SPIN), timeout=TIMEOUT)
    sleeps, sleep_ns, wall_ns = self_measured(res, "sleeps", "sleep_ns",
                                              "wall_ns")
    print(doc["verdict"])
    assert "% is sleeping" in doc["verdict"] or \
        "% of the wall time is sleeping" in doc["verdict"], \
        f"the verdict does not mention sleeping:{res}"
    assert "poll_loop" in doc["verdict"], f"where it sleeps:{res}"
    found = hints(doc, "sleeps")
    assert len(found) == 1, f"sleeps hints: {found}:{res}"
    h = found[0]
    print(h["text"])
    print(f"workload: {sleeps} sleeps, {sleep_ns / 1e6:.0f} ms, "
          f"wall {wall_ns / 1e6:.0f} ms")
    assert abs(h["count"] - sleeps) <= 5, f"{h}:{res}"
    # what the sleeps held up, against their own clock: on a loaded
    # machine a wakeup can be late, never early
    assert 0.8 * sleep_ns <= h["sleep_ns"] <= 1.1 * sleep_ns, f"{h}:{res}"
    assert h["location"].startswith("poll_loop (sleep_poll.py:"), h
    assert h["text"].startswith(f"{h['count']} sleeps of "), h
