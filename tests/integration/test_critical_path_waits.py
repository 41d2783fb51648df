# SPDX-License-Identifier: GPL-2.0
"""The critical path through waits (issue 13): who ended each one.

- locks: four threads serialised by one mutex held in guarded_update: a
  lock_contention hint names the holder;
- threadpool: main joins four workers: that wait is `join`, not `lock`;
- condpool: main polls two workers with timed waits that time out (no
  thread wakes it): the path runs through the workers' pool_job, not
  main's waits, and no lock is called contended;
- timeout(1) and script(1) waiting for the command they run, a process
  ended by a thread not its first, a thread made during another's wait,
  a shell waiting for both ends of a pipeline: the path is the work.

Where timing matters, against the figures the workload measured itself
(printed on stderr as name=value).  The checks every report passes are
test_critical_path.py's."""
import json
import os
import shutil

import pytest

from conftest import REPO, traced_summary, workload
from test_critical_path import (MS, TIMEOUT, check_report, function_lines,
                                hints, main_thread, near, self_measured)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

LOCKS_C = REPO / "tests" / "workloads" / "locks.c"


# --- 1. four threads on one mutex -------------------------------------------

def test_lock_contention(run):
    """Four workers take turns on one mutex, burning CPU under it in
    guarded_update: at any time one works and the others wait.  A
    lock_contention hint names guarded_update as the holder, the time
    the waiters lost as the program measured it, and the CPU the holder
    ran under the lock as the time it held it."""
    doc, res = run.record_json("--", workload("locks"), 0.2, timeout=TIMEOUT)
    cp = check_report(doc, res)
    lock_wait_ns, held_ns, held_cpu_ns = self_measured(
        res, "lock_wait_ns", "held_ns", "held_cpu_ns")
    found = hints(doc, "lock_contention")
    assert found, f"no lock_contention hint:{res}"
    h = max(found, key=lambda x: x["wait_ns"])
    for key in ("waiting_threads", "wait_ns", "holder_function",
                "holder_file", "holder_line", "holder_cpu_ns"):
        assert key in h, f"lock_contention without {key}: {h}:{res}"
    figures = (f"hint: {h['waiting_threads']} threads waited "
               f"{h['wait_ns'] / MS:.0f} ms, holder ran "
               f"{h['holder_cpu_ns'] / MS:.0f} ms; the program measured "
               f"{lock_wait_ns / MS:.0f} ms waiting, {held_ns / MS:.0f} ms "
               f"held")
    print(figures)
    assert h["holder_function"] == "guarded_update", f"{h}:{res}"
    assert (h["holder_file"] or "").endswith("locks.c"), f"{h}:{res}"
    first, last = function_lines(LOCKS_C, "guarded_update")
    assert first <= h["holder_line"] <= last, \
        f"holder_line {h['holder_line']} outside guarded_update " \
        f"(locks.c:{first}-{last}):{res}"
    assert 2 <= h["waiting_threads"] <= 4, f"{figures}:{res}"
    assert near(h["wait_ns"], lock_wait_ns, 0.25, 0), f"{figures}:{res}"
    # The CPU the holders ran under the lock (not the time a holder sat
    # preempted: the machine may be busy).
    assert 0.7 * held_cpu_ns <= h["holder_cpu_ns"] <= 1.15 * held_ns, \
        f"{figures}, {held_cpu_ns / MS:.0f} ms of it on a CPU:{res}"
    assert "guarded_update" in h["text"], f"{h['text']!r}:{res}"
    # The path runs through the holder: its CPU is the work.
    assert cp["functions"][0]["name"] == "guarded_update", \
        f"{[f['name'] for f in cp['functions'][:5]]}:{res}"
    assert "guarded_update" in doc["verdict"], f"verdict:{res}"
    # A waiter's time is the holder's work, not a wait for a CPU: unless
    # the machine is busy enough that waiting for one leads the path.
    cpu_wait = sum(c["pct"] for c in cp["categories"]
                   if c["category"] == "cpu_wait")
    if cpu_wait < 25:
        assert "waiting for a CPU" not in doc["verdict"], \
            f"verdict, CPU wait {cpu_wait}%:{res}"
    # main's pthread_join is a join, not a lock.
    _, main = main_thread(doc, res)
    assert main["categories"].get("lock", 0) <= 0.05 * doc["wall_ns"], \
        f"main's join classed lock: {main['categories']}:{res}"


# --- 2. a thread pool joined by main ----------------------------------------

def test_thread_join(run):
    """main starts four workers that compute 0.2 s each, nothing shared,
    and joins them: main's wait is `join`, as long as the program
    measured it, and no lock shows on the critical path."""
    doc, res = run.record_json("--", workload("threadpool"), 0.2,
                               timeout=TIMEOUT)
    cp = check_report(doc, res)
    join_ns, = self_measured(res, "join_ns")
    _, main = main_thread(doc, res)
    cats = main["categories"]
    figures = (f"main: join {cats.get('join', 0) / MS:.0f} ms, lock "
               f"{cats.get('lock', 0) / MS:.0f} ms; measured join "
               f"{join_ns / MS:.0f} ms")
    print(figures)
    assert near(cats.get("join", 0), join_ns, 0.15, 20 * MS), \
        f"{figures}:{res}"
    assert cats.get("lock", 0) <= 0.05 * doc["wall_ns"], f"{figures}:{res}"
    joins = [w for w in doc["waits"]
             if w["reason"] == "join" and w["function"] == "main"]
    assert joins, f"no join wait in main:{res}"
    assert not [w for w in doc["waits"]
                if w["reason"] == "lock" and w["ns"] > 0.05 * doc["wall_ns"]], \
        f"a lock wait in a program without locks:{res}"
    top_level = {c["name"] for c in doc["categories"]}
    assert "join" in top_level, f"no join category: {top_level}:{res}"
    lock = next((c for c in cp["categories"] if c["category"] == "lock"),
                None)
    assert lock is None or lock["pct"] <= 5, \
        f"lock {lock['pct']}% of the critical path:{res}"


# --- 3. a main thread polling its workers with timed waits --------------

def test_timed_poll_follows_workers(run):
    """main hands two jobs to a pool of four and polls for their end with
    pthread_cond_timedwait every 50 ms; no thread wakes it, its waits
    time out.  What it waited for is the workers' pool_job: the verdict
    names it, and the path is their CPU (or their wait for one), not
    main's lock waits, for as long as main polled."""
    doc, res = run.record_json("--", workload("condpool"), 0.3,
                               timeout=TIMEOUT)
    cp = check_report(doc, res)
    poll_ns, wall_ns = self_measured(res, "poll_ns", "wall_ns")
    cats = {c["category"]: c["ns"] for c in cp["categories"]}
    running = cats.get("cpu", 0) + cats.get("cpu_wait", 0)
    figures = (f"path: running {running / MS:.0f} ms, lock "
               f"{cats.get('lock', 0) / MS:.0f} ms; measured poll "
               f"{poll_ns / MS:.0f} ms of {wall_ns / MS:.0f} ms")
    print(figures)
    assert "pool_job" in doc["verdict"], f"verdict:{res}"
    assert "waiting on locks" not in doc["verdict"], f"verdict:{res}"
    assert "on a lock" not in doc["verdict"], f"verdict:{res}"
    # but main's last poll: the jobs over, it waits out its 50 ms with
    # nothing running, on its own (0 to 50 ms, 10% of wall at worst)
    assert cats.get("lock", 0) <= 50 * MS + 0.05 * doc["wall_ns"], \
        f"{figures}:{res}"
    # (77% of it in one fresh-clone CI run on a loaded host, 80% the
    # bound then; the regression it guards against, main's timed waits
    # kept as the path, leaves it near 0)
    assert running >= 0.7 * poll_ns * doc["wall_ns"] / wall_ns, \
        f"{figures}:{res}"
    assert cp["functions"][0]["name"] == "pool_job", \
        f"{[f['name'] for f in cp['functions'][:5]]}:{res}"


def test_wrapper_runs_command(run, tmp_path):
    """timeout(1) runs a command and waits for a signal: the command's
    SIGCHLD as it ends, or the alarm that ends it.  script(1) runs it on
    a pty and polls the master, whose data comes through the kernel's
    tty worker, through $SHELL -c: bash execs the command, dash forks it
    and waits.  Each way the command's work is the path, not the
    wrapper's wait ("98.7% sleeping in [timeout+0x24d0]", "88.4% waiting
    in poll /dev/ptmx in [script+0x8020]" before, and still with dash
    until the wait looked past script's children)."""
    bench = f"{workload('bench_cpu')} 0.3"
    for argv, func, status, shell in (
            (["timeout", "30", workload("bench_cpu"), 0.3],
             "bench_main_loop", 0, "/bin/sh"),
            (["timeout", "0.5", workload("spinner")], "spin_forever", 124,
             "/bin/sh"),
            (["script", "-qec", bench, "/dev/null"], "bench_main_loop", 0,
             "/bin/bash"),
            (["script", "-qec", bench, "/dev/null"], "bench_main_loop", 0,
             "/bin/sh")):
        # (script's output is the command's: the report goes to a file)
        report = tmp_path / "report.json"
        res = run.whyslow("record", "--format", "json", "-o", report, "--",
                          *argv, timeout=TIMEOUT,
                          env={**os.environ, "SHELL": shell})
        assert res.returncode == status, f"unexpected exit status:{res}"
        doc = json.loads(report.read_text())
        cp = doc["critical_path"]
        assert cp, f"no critical path:{res}"
        cats = {c["category"]: c["ns"] for c in cp["categories"]}
        print(argv[0], argv[1], shell, cats)
        assert cats.get("cpu", 0) + cats.get("cpu_wait", 0) >= \
            0.8 * doc["wall_ns"], f"{cats}:{res}{traced_summary(doc)}"
        assert cats.get("sleep", 0) <= 0.1 * doc["wall_ns"], \
            f"{cats}:{res}{traced_summary(doc)}"
        assert doc["verdict_function"]["name"] == func, \
            f"{doc['verdict']}:{res}"


# --- 4. a process ended by a thread not its first ------------------------

def test_path_ends_with_exit_thread(run):
    """A worker thread computes 0.4 s in crunch() and calls exit(0), the
    first thread idle in epoll_wait 20 ms at a time meanwhile (a Go
    program's main goroutine on another thread than its first, which
    waits in the netpoller): the path ends where the process did, in the
    worker, and is its CPU, not the first thread's timed-out polls (93%
    "waiting in poll" before)."""
    doc, res = run.record_json("--", workload("exit_worker"),
                               timeout=TIMEOUT)
    cp = check_report(doc, res)
    cats = {c["category"]: c["ns"] for c in cp["categories"]}
    print(cats)
    assert cats.get("cpu", 0) + cats.get("cpu_wait", 0) >= \
        0.8 * doc["wall_ns"], f"{cats}:{res}"
    assert cats.get("poll", 0) <= 0.1 * doc["wall_ns"], f"{cats}:{res}"
    assert doc["verdict_function"]["name"] == "crunch", \
        f"{doc['verdict']}:{res}"
    assert "waiting in poll" not in doc["verdict"], f"verdict:{res}"


def test_thread_made_during_wait(run):
    """The first thread waits on a condition variable; a worker burns
    ~0.2 s in prepare(), then makes a thread that burns as long in
    finish() and signals it: the path is prepare() then finish(), about
    half each, not the new thread's finish() for the whole run (99% of
    the path before whyslow knew when threads were made: the time
    before a thread existed went to it)."""
    doc, res = run.record_json("--", workload("thread_made"),
                               timeout=TIMEOUT)
    cp = check_report(doc, res)
    share = {f["name"]: f["pct"] for f in cp["functions"]}
    print(share)
    for name in ("prepare", "finish"):
        assert 30 <= share.get(name, 0) <= 70, \
            f"{name}: {share}:{res}{traced_summary(doc)}"
    cats = {c["category"]: c["ns"] for c in cp["categories"]}
    assert cats.get("other", 0) <= 0.05 * doc["wall_ns"], \
        f"{cats}:{res}{traced_summary(doc)}"


def test_shell_pipeline_last_stage(run):
    """`sh -c "seq 1 3000000 | gzip -6 > /dev/null"`: gzip computes the
    whole run, seq feeds it and blocks on the full pipe.  The shell waits
    for both; seq's exit (first, or at once with gzip's) ends its wait,
    and the path is still gzip's, not seq's own 30-50 ms of CPU beside
    it (12-30% to seq or tar before: `tar cf - | gzip`)."""
    if not shutil.which("gzip") or not shutil.which("seq"):
        pytest.skip("gzip and seq are needed")
    doc, res = run.record_json("--", "sh", "-c",
                               "seq 1 3000000 | gzip -6 > /dev/null",
                               timeout=TIMEOUT)
    cp = check_report(doc, res)
    share = {p["name"]: p["pct"] for p in cp["programs"]}
    print(share)
    assert share.get("gzip", 0) >= 95, f"{share}:{res}{traced_summary(doc)}"
    assert share.get("seq", 0) <= 3, f"{share}:{res}{traced_summary(doc)}"
