# SPDX-License-Identifier: GPL-2.0
"""Hints about threads that wait for each other, checked against the
workloads' own clocks:

- gil: four Python threads in a CPU loop take turns on the GIL; their
  waits are of category `gil` (found by the interpreter's frames, in the
  Debian python3.11 whose take_gil has no symbol, and in a pyenv build),
  and the hint names the loop; one thread alone: no hint;
- lock_contention: four C threads on one mutex, burning CPU under it: the
  hint names the function and line that held it and the CPU it ran;
- lock_contention, the lock held across a sleep, in C and in Python: the
  hint names where the holder slept;
- no lock_contention: a pool of four waiting on a condition variable for
  work while two of them run, signalled by a main thread that barely runs;
  a Python consumer on a queue and a pool's workers, fed by a sleeper.
"""
import pytest

from conftest import DEBIAN_PYTHON, PYENV, WORKLOADS, workload
from test_critical_path import function_lines, hints, near, self_measured
from test_io import source_line

TIMEOUT = 60
SPIN = 1500000          # ~0.15 s of CPU a thread
MUTEX4_C = WORKLOADS / "mutex4.c"
MS = 1000000


def pythons():
    found = [DEBIAN_PYTHON, *sorted(PYENV.glob("3.12*/bin/python3"))]
    return [pytest.param(str(p), id=p.parents[1].name
                         if p != DEBIAN_PYTHON else "debian")
            for p in found]


def record_json(run, *argv):
    doc, res = run.record_json("--", *map(str, argv), timeout=TIMEOUT)
    return doc, res


@pytest.mark.parametrize("py", pythons())
def test_gil(run, built, py):
    """Four threads in spin: the GIL waits are their own category, and
    the gil hint says four threads ran spin, with their waits and CPU as
    the threads measured them."""
    doc, res = record_json(run, py, WORKLOADS / "py" / "gil.py", 4, SPIN)
    cpu_ns, alive_ns = self_measured(res, "cpu_ns", "alive_ns")
    cats = {c["name"]: c["ns"] for c in doc["categories"]}
    found = hints(doc, "gil")
    assert len(found) == 1, f"gil hints: {found}:{res}"
    h = found[0]
    print(h["text"])
    print(f"threads measured: {cpu_ns / MS:.0f} ms on CPU, "
          f"{(alive_ns - cpu_ns) / MS:.0f} ms not; gil {cats.get('gil')}, "
          f"lock {cats.get('lock')}")
    line = source_line("py/gil.py", "s += i * i")
    assert h["location"] == f"spin (gil.py:{line})", f"{h}:{res}"
    assert h["threads"] == 4, f"{h}:{res}"
    # off the CPU they waited for the GIL, or, woken, for a CPU: the
    # machine is shared, and the second may be most of it
    runq = sum(t["categories"].get("cpu_wait", 0)
               for p in doc["processes"] if p["pid"] == h["pid"]
               for t in p["threads"] if t["categories"].get("gil"))
    assert near(h["wait_ns"] + runq, alive_ns - cpu_ns, 0.25, 50 * MS), \
        f"gil {h['wait_ns']} + runnable {runq}:{res}"
    assert h["wait_ns"] >= 0.2 * (alive_ns - cpu_ns), f"{h}:{res}"
    assert near(h["cpu_ns"], cpu_ns, 0.3, 30 * MS), f"{h}:{res}"
    assert cats.get("gil", 0) >= h["wait_ns"], f"{cats}:{res}"
    # the GIL's waits are not left under lock
    assert cats.get("lock", 0) < 0.2 * cats["gil"], f"{cats}:{res}"
    assert not hints(doc, "lock_contention"), f"{doc['hints']}:{res}"
    assert "4 threads ran spin" in h["text"] and "GIL" in h["text"]
    # spin's time is on the CPU, and the verdict names it: what it does
    # not say, that its threads take turns, the hint does
    assert "see the `gil` hint: 4 threads ran spin" in doc["verdict"], \
        f"{doc['verdict']}:{res}"


def test_gil_one_thread(run, built):
    """One thread has no one to take turns with: no hint."""
    doc, res = record_json(run, DEBIAN_PYTHON, WORKLOADS / "py" / "gil.py",
                           1, SPIN)
    assert not hints(doc, "gil"), f"{doc['hints']}:{res}"


def test_lock_contention_mutex4(run, built):
    """Four C threads take turns on one mutex: the hint names
    critical_work at its line, the waiters' time as they measured it, and
    the CPU run under the lock."""
    doc, res = record_json(run, workload("mutex4"), 0.5)
    lock_wait_ns, alive_ns = self_measured(res, "lock_wait_ns", "alive_ns")
    found = hints(doc, "lock_contention")
    assert found, f"no lock_contention hint:{res}"
    h = max(found, key=lambda x: x["wait_ns"])
    print(h["text"])
    assert h["holder_function"] == "critical_work", f"{h}:{res}"
    assert (h["holder_file"] or "").endswith("mutex4.c"), f"{h}:{res}"
    first, last = function_lines(MUTEX4_C, "worker")
    burn = source_line("mutex4.c", "DEFINE_BURN(critical_work")
    assert h["holder_line"] == burn or first <= h["holder_line"] <= last, \
        f"{h}:{res}"
    assert 3 <= h["waiting_threads"] <= 4, f"{h}:{res}"
    assert near(h["wait_ns"], lock_wait_ns, 0.25, 0), \
        f"hint {h['wait_ns']}, measured {lock_wait_ns}:{res}"
    # 0.5 s of critical sections in all, at most the threads' lives
    assert 0.3e9 <= h["holder_cpu_ns"] <= alive_ns, f"{h}:{res}"
    assert f"{h['waiting_threads']} threads waited" in h["text"]
    assert "critical_work (mutex4.c:" in h["text"], h["text"]


@pytest.mark.parametrize("lang", ["c", "cxx", "python"])
def test_lock_held_across_sleep(run, built, lang):
    """Four threads take turns on a lock held across a sleep (a request
    made under it), in C on a pthread mutex, in C++ built without frame
    pointers on a std::mutex held across 500 us sleeps (their waits
    unwound by CFI), and in Python with `with lock:`; the threads barely
    run.  The hint names the function that slept holding it, the
    waiters' time as they measured it and the sleep; the verdict says
    the threads take turns on it."""
    if lang == "c":
        argv = [workload("heldwait"), 0.4]
        holder, src = "save_record", "heldwait.c"
        line = source_line(src, "nanosleep(&ms, NULL)")
    elif lang == "cxx":
        argv = [workload("sinklock"), 400]
        holder, src = "log_line(int)", "sinklock.cpp"
        line = source_line(src, "std::this_thread::sleep_for")
        # or where the lock_guard is: its destructor's unlock, the
        # release, has that line (1 run in 10, with the old build too)
        guard = source_line(src, "std::lock_guard<std::mutex> g(log_mu)")
    else:
        argv = [DEBIAN_PYTHON, WORKLOADS / "py" / "heldlock.py", 60]
        holder, src = "slow_call", "heldlock.py"
        line = source_line("py/heldlock.py", "time.sleep(0.002)")
    doc, res = record_json(run, *argv)
    lock_wait_ns, held_ns = self_measured(res, "lock_wait_ns", "held_ns")
    found = hints(doc, "lock_contention")
    assert len(found) == 1, f"lock_contention hints: {found}:{res}"
    h = found[0]
    print(h["text"])
    print(doc["verdict"])
    assert h["location"] == f"{holder} ({src}:{line})" or (
        lang == "cxx" and h["location"] == f"{holder} ({src}:{guard})"), \
        f"{h}:{res}"
    assert 3 <= h["waiting_threads"] <= 4, f"{h}:{res}"
    assert near(h["wait_ns"], lock_wait_ns, 0.15, 20 * MS), \
        f"hint {h['wait_ns']}, measured {lock_wait_ns}:{res}"
    # the sleeps someone waited through: not the first ones, before the
    # others queued, nor more than all of them
    assert h["holder_wait"] == "sleep", f"{h}:{res}"
    assert 0.5 * held_ns <= h["holder_wait_ns"] <= held_ns * 1.05, \
        f"held {held_ns}:{h}:{res}"
    assert h["holder_cpu_ns"] < 0.2 * h["holder_wait_ns"], f"{h}:{res}"
    assert f"which slept" in h["text"] and "holding it" in h["text"]
    assert f"on a lock held in `{holder}`, which slept" in doc["verdict"], \
        f"verdict:{res}"


def test_lock_inlined_from_headers(run, built):
    """Four threads take turns on a std::mutex around a std::map update,
    its lock and unlock inlined from libstdc++'s headers (gthr-default.h,
    under /usr/include/x86_64-linux-gnu/c++/): one lock_contention hint,
    naming the program's function that holds it, not the header's
    inlined wrappers (three hints, one per wrapper, before)."""
    doc, res = record_json(run, workload("mapmutex"), 300000)
    found = hints(doc, "lock_contention")
    print(doc["verdict"])
    assert len(found) == 1, f"lock_contention hints: {found}:{res}"
    h = found[0]
    assert h["location"].startswith("count_into(int, long) (mapmutex.cpp:"), \
        f"{h}:{res}"
    assert 3 <= h["waiting_threads"] <= 4, f"{h}:{res}"
    assert "gthr" not in doc["verdict"], f"verdict:{res}"


def test_queue_waits_no_contention(run, built):
    """A consumer waits on queue.get() while the producer sleeps (a
    request per item), and a pool's workers wait for tasks: waits for an
    event (Condition.wait), not a lock the sleeper holds."""
    doc, res = record_json(run, DEBIAN_PYTHON, WORKLOADS / "py" /
                           "queuewait.py")
    cats = {c["name"]: c["ns"] for c in doc["categories"]}
    print(doc["verdict"])
    assert cats.get("sleep", 0) > 0.5 * doc["wall_ns"], f"{cats}:{res}"
    assert not hints(doc, "lock_contention"), f"{doc['hints']}:{res}"
    assert "on a lock" not in doc["verdict"], f"verdict:{res}"


def test_idle_pool_no_contention(run, built):
    """Four threads wait on a condition variable for work; two get a job
    and run side by side, the others idle until main, which ran nothing
    meanwhile, tells them to quit.  Nothing was serialized: no
    lock_contention hint, no lock sentence in the verdict."""
    doc, res = record_json(run, workload("condpool"), 0.3)
    job_ns, wall_ns = self_measured(res, "job_ns", "wall_ns")
    print(doc["verdict"])
    assert job_ns > 0.2 * wall_ns, f"the jobs did not run:{res}"
    assert not hints(doc, "lock_contention"), f"{doc['hints']}:{res}"
    assert "on a lock" not in doc["verdict"], f"verdict:{res}"
