# SPDX-License-Identifier: GPL-2.0
"""Hints about how a program's I/O went, on workloads that show each
pattern, checked against the workloads' own figures:

- small_writes: an unbuffered Python (PYTHONUNBUFFERED=1) printing 400,000
  short lines, each print a few write()s; buffered, no hint;
- reread_volume: 60 queries of an SQLite table without an index, each
  reading the whole database file; with an index, no hint;
- many_files: makefiles creating 3,000 small files, one write each: the
  I/O section's totals line first, and the hint; none of repeated_opens;
- repeated_opens: openfiles opening 2,000 files, 20 of them 3 times (a
  directory walk reopening a few directories): open_one is most of the
  wall, its reopens 2% of its opens and their syscalls less: no hint;
- repeated_opens, the verdict: opentree.py rereading 5,000 files from
  read_file under a recursion 33-36 deep: its syscalls are a small part,
  read_file most of the wall: the verdict points to the hint, and the
  hot call paths show each path once whatever the recursion's depth;
- serial_network: a client making its requests one at a time to a server
  on this machine that burns CPU for each: the estimate says it is
  bounded by the server's CPU, and is within 2x of a thread pool's
  measured speed-up;
- slow_connects: four connections opened at once to a server whose accept
  queue holds one: those whose SYN it dropped wait for its retransmission,
  a second later (non-blocking connects under asyncio, blocking ones in
  threads); to a server with room for them, none.
"""
import os
import re
import sqlite3
import subprocess
import time

import pytest

from conftest import (DEBIAN_PYTHON, WHYSLOW, WORKLOADS, LocalServer,
                      assert_no_tracing_frames, workload)
from test_critical_path import hints, self_measured
from test_io import md_section, source_line

TIMEOUT = 60
MANY_FILES = 3000
WALK_FILES, WALK_REOPENED = 2000, 20
PY = str(DEBIAN_PYTHON)
LINES = 400000
QUERIES = 60
ROWS = 100000           # a 5.6 MB database: larger than SQLite's cache


def script(name):
    return str(WORKLOADS / "py" / name)


def env_with(**changes):
    """This environment with changes; None deletes a variable."""
    env = dict(os.environ)
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def record_json(run, *argv, env=None):
    res = run.whyslow("record", "--format", "json", "--", *argv,
                      timeout=TIMEOUT, env=env)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    return res.json(), res


def record_lines(run, tmp, unbuffered):
    """lines.py under whyslow, its standard output the file tmp/out.txt,
    inherited as a shell's redirection would give it; the report as
    record_json's, the output file's path."""
    out, report = tmp / "out.txt", tmp / "report.json"
    argv = [WHYSLOW, "record", "--format", "json", "-o", str(report), "--",
            PY, script("lines.py"), str(LINES)]
    env = env_with(PYTHONUNBUFFERED="1" if unbuffered else None)
    start = time.monotonic()
    with open(out, "w") as f:
        proc = run.popen(argv, stdin=subprocess.DEVNULL, stdout=f, env=env)
        res = run.finish(proc, argv, start, TIMEOUT)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    res.stdout = report.read_text()
    assert_no_tracing_frames(res)
    return res.json(), res, str(out)


def file_row(doc, path, res):
    rows = [f for f in doc["io"]["files"] if f["path"] == path]
    assert rows, f"{path} not in the I/O files:{res}"
    return rows[0]


@pytest.fixture
def tmp(tmp_path):
    os.chmod(tmp_path, 0o755)
    return tmp_path


def test_small_writes_unbuffered(run, built, tmp):
    """400,000 prints, unbuffered: one hint on the output file, with its
    writes, their mean size, the line that prints, and what to unset."""
    doc, res, out = record_lines(run, tmp, unbuffered=True)
    (lines,) = self_measured(res, "lines")
    found = hints(doc, "small_writes")
    assert len(found) == 1, f"small_writes hints: {found}:{res}"
    h = found[0]
    print(h["text"])
    row = file_row(doc, out, res)
    assert h["path"] == out, f"{h}:{res}"
    assert h["writes"] == row["writes"] >= lines, f"{h}:{res}"
    # "i xxxxxxxx\n" is 10 to 17 bytes, in more than one write
    assert h["write_bytes"] == row["write_bytes"] == os.path.getsize(out)
    assert h["mean_bytes"] < 17, f"{h}:{res}"
    assert h["time_pct"] >= 5, f"{h}:{res}"
    line = source_line("py/lines.py", 'print(i, "x" * 8)')
    assert h["location"] == f"emit (lines.py:{line})", f"{h}:{res}"
    root = [p for p in doc["processes"] if p["comm"].startswith("python")]
    assert h["unbuffered_pid"] in {p["pid"] for p in root}, f"{h}:{res}"
    assert "PYTHONUNBUFFERED" in h["text"], f"{h['text']!r}:{res}"
    assert f"{h['writes']:,} writes to {out}" in h["text"], h["text"]


def test_small_writes_pipe(run, built, tmp):
    """Unbuffered into a pipe (whyslow's standard output, read by the
    test): the hint names the pipe."""
    report = tmp / "report.json"
    res = run.whyslow("record", "--format", "json", "-o", report, "--", PY,
                      script("lines.py"), LINES // 4, timeout=TIMEOUT,
                      env=env_with(PYTHONUNBUFFERED="1"))
    assert res.returncode == 0, f"unexpected exit status:{res}"
    assert res.stdout.count("\n") == LINES // 4, "lines.py's output"
    res.stdout = report.read_text()
    doc = res.json()
    found = hints(doc, "small_writes")
    assert len(found) == 1, f"small_writes hints: {found}:{res}"
    h = found[0]
    assert h["path"].startswith("pipe:["), f"{h}:{res}"
    assert h["writes"] >= LINES // 4 and h["unbuffered_pid"], f"{h}:{res}"


def test_small_writes_buffered(run, built, tmp):
    """The same prints buffered: a few large writes, no hint."""
    doc, res, out = record_lines(run, tmp, unbuffered=False)
    row = file_row(doc, out, res)
    assert row["writes"] < LINES / 100, f"{row}:{res}"
    assert not hints(doc, "small_writes"), f"{doc['hints']}:{res}"


def make_db(path, index):
    db = sqlite3.connect(path)
    db.execute("create table t (id integer, k integer, v text)")
    db.executemany("insert into t values (?, ?, ?)",
                   ((i, i * 7919 % ROWS, "v" * 40) for i in range(ROWS)))
    if index:
        db.execute("create index t_k on t (k)")
    db.commit()
    db.close()
    os.chmod(path, 0o644)


def test_reread_volume(run, built, tmp):
    """60 queries by an unindexed column: the database file read about 60
    times its size, from the line that queries; with an index, no hint."""
    path = str(tmp / "scan.db")
    make_db(path, index=False)
    size = os.path.getsize(path)
    doc, res = record_json(run, PY, script("scan.py"), path, QUERIES)
    (scan_ns,) = self_measured(res, "wall_ns")
    found = hints(doc, "reread_volume")
    assert len(found) == 1, f"reread_volume hints: {found}:{res}"
    h = found[0]
    print(h["text"])
    row = file_row(doc, path, res)
    assert h["path"] == path and row["size_bytes"] == size, f"{h}:{res}"
    assert h["size_bytes"] == size, f"{h}:{res}"
    assert h["read_bytes"] == row["read_bytes"], f"{h}:{res}"
    # each query reads the table: the file but what SQLite keeps cached
    assert 0.5 * QUERIES <= h["times_size"] <= 1.2 * QUERIES, f"{h}:{res}"
    line = source_line("py/scan.py", "return db.execute(")
    assert h["location"] == f"query (scan.py:{line})", f"{h}:{res}"
    assert h["location_is"] == "read", f"{h}:{res}"
    assert f"was read {round(h['times_size'])}× its size" in h["text"], \
        h["text"]

    indexed = str(tmp / "indexed.db")
    make_db(indexed, index=True)
    doc, res = record_json(run, PY, script("scan.py"), indexed, QUERIES)
    (indexed_ns,) = self_measured(res, "wall_ns")
    assert not hints(doc, "reread_volume"), f"{doc['hints']}:{res}"
    row = file_row(doc, indexed, res)
    assert row["read_bytes"] < 2 * os.path.getsize(indexed), f"{row}:{res}"
    assert indexed_ns < scan_ns, f"indexed {indexed_ns} ns, {scan_ns} ns"


def client_ns(run, k):
    """cpuserve's client time with k requests at a time, not traced."""
    proc = run.popen([workload("cpuserve"), "40", str(k), "20"])
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    return int(err.split("client_ns=")[1].split()[0])


def test_serial_network_local_server(run, built):
    """A client makes 40 requests one at a time to a local server that
    burns 20 ms of CPU for each: the hint bounds its estimate by the
    server's CPU on this machine's CPUs, as busy as they are, and it is
    within 2x of the speed-up a pool of 8 client threads measures (one
    at a time, then 8 at a time, side by side, untraced)."""
    # "up to": the pool's best of two runs, on a machine others share
    measured = client_ns(run, 1) / min(client_ns(run, 8), client_ns(run, 8))
    doc, res = record_json(run, workload("cpuserve"), 40, 1, 20)
    found = hints(doc, "serial_network")
    assert len(found) == 1, f"serial_network hints: {found}:{res}"
    h = found[0]
    print(h["text"])
    print(f"estimate {h['speedup']:.2f}x (if the server keeps up "
          f"{h['speedup_if_server_keeps_up']:.2f}x), measured with 8 "
          f"threads {measured:.2f}x")
    assert h["server_pid"] is not None and h["server_cpu_ns"] > 0, \
        f"{h}:{res}"
    assert h["speedup"] < h["speedup_if_server_keeps_up"], f"{h}:{res}"
    assert "traced here" in h["text"], f"{h['text']!r}:{res}"
    assert measured / 2 <= h["speedup"] <= 2 * measured, \
        f"estimate {h['speedup']}, measured {measured:.2f}:{res}"


def test_many_files(run, built, tmp):
    """3,000 files created, 100 bytes each: the totals line counts them
    and their syscall time, which the workload's own clock bounds; the
    many_files hint says the same and names make_one; no
    repeated_opens."""
    d = tmp / "objs"
    d.mkdir()
    os.chmod(d, 0o777)
    saved = tmp / "run.pb.gz"
    res = run.whyslow("record", "--format", "json", "--save", saved, "--",
                      workload("makefiles"), d, MANY_FILES, timeout=TIMEOUT)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    files, loop_ns = self_measured(res, "files", "ns")
    assert files == MANY_FILES, res
    doc = res.json()
    found = hints(doc, "many_files")
    assert len(found) == 1, f"many_files hints: {doc['hints']}:{res}"
    h = found[0]
    print(h["text"])
    # the workload's files, and the few the loader opens at its start
    assert MANY_FILES <= h["files"] <= MANY_FILES + 10, f"{h}:{res}"
    assert h["written_files"] == MANY_FILES, f"{h}:{res}"
    # syscalls inside the loop, but for the loader's few
    assert 0 < h["syscall_ns"] <= loop_ns + 5_000_000, f"{h}:{res}"
    line = source_line("makefiles.c", "fd = open(path, O_WRONLY")
    assert h["location"] == f"make_one (makefiles.c:{line})", f"{h}:{res}"
    assert f"{h['files']:,} files opened" in h["text"], h["text"]
    assert not hints(doc, "repeated_opens"), f"{doc['hints']}:{res}"

    md = run.whyslow("report", saved, timeout=TIMEOUT)
    assert md.returncode == 0, md
    io = md_section(md.stdout, "I/O") or ""
    m = re.search(r"^Files opened: (\d+) \((\d+) opens\), (\d+) of them "
                  r"written; their open, read and write syscalls took "
                  r"[^,]+, ([\d.]+)% of wall time\.$", io, re.M)
    assert m, f"no totals line first in the I/O section:{md}"
    assert io.lstrip().startswith("Files opened:"), md
    assert int(m.group(1)) == h["files"] and \
        int(m.group(3)) == MANY_FILES, f"{m.group(0)}:{md}"
    assert abs(float(m.group(4)) - h["syscall_pct"]) < 0.1, m.group(0)


def test_walk_reopens_few(run, built, tmp):
    """A walk that reopens a few of the many files it opens (find
    reopening directories): open_one opens 2,000 files, 20 of them 3
    times, and is nearly all the wall time; its reopens are 40 of its
    2,040 opens, their syscalls a sliver: no repeated_opens hint (one
    would fire on open_one's wall time alone)."""
    paths = []
    for i in range(WALK_FILES):
        p = tmp / f"d{i % 20}" / f"{i}.h"
        p.parent.mkdir(exist_ok=True)
        p.write_text("x" * 100)
        paths.append(str(p))
    for sub in tmp.iterdir():
        os.chmod(sub, 0o755)
    listing = tmp / "list"
    listing.write_text("".join(p + "\n" for p in
                               paths + paths[:WALK_REOPENED] * 2))
    doc = None
    res = run.whyslow("record", "--format", "json", "--",
                      workload("openfiles"), listing, timeout=TIMEOUT)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    doc = res.json()
    rows = [f for f in doc["io"]["files"] if f["path"] in set(paths)]
    reopened = [f for f in rows if f["opens"] == 3]
    assert len(rows) == WALK_FILES and \
        len(reopened) == WALK_REOPENED, f"{len(rows)}, {len(reopened)}:{res}"
    assert not hints(doc, "repeated_opens"), f"{doc['hints']}:{res}"


def test_reread_verdict_and_depths(run, built, tmp):
    """opentree.py opens each of 5,000 small files twice from read_file,
    under expand recursing 33 to 36 deep (the template expander of the
    README's first example).  Python's open() costs far more than its
    syscalls: the hint fires on read_file's time, and the verdict, whose
    function is some C function under it, points to it.  Hot call paths:
    rows that differ only in expand's depth are one, with the range."""
    d = tmp / "tree"
    subprocess.run([PY, script("opentree.py"), d, "5000", "1"], check=True,
                   capture_output=True, timeout=TIMEOUT)
    os.chmod(tmp, 0o755)
    for sub in (d, *d.iterdir()):
        os.chmod(sub, 0o755)
    res = run.whyslow("record", "--", PY, script("opentree.py"), d, "5000",
                      "2", timeout=TIMEOUT)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    md = res.stdout
    verdict = md_section(md, "Verdict") or ""
    assert re.search(r"; see the `repeated_opens` hint: 10,\d{3} opens "
                     r"of 5,\d{3} distinct files, each opened more than "
                     r"once", verdict), md
    line = source_line("py/opentree.py", "return open(path).read()")
    assert f"read_file (opentree.py:{line})" in verdict, md
    part = md_section(md, "Hot call paths") or ""
    rows = [line.split(" | ")[2] for line in part.splitlines()
            if line.startswith("| ") and not line.startswith("| share")]
    keys = [re.sub(r" \(×[\d–]+\)", " (×)",
                   re.sub(r"…\([\d–]+\)…", "…", r)) for r in rows]
    assert rows and len(keys) == len(set(keys)), md
    assert any(re.search(r"expand \(×3[3-6]–3[4-7]\)", r) for r in rows), md


@pytest.fixture
def paced_server(request):
    """A LocalServer with an accept queue of param[0], accepting one
    connection every param[1] s."""
    backlog, gap = request.param
    srv = LocalServer(backlog=backlog, gap=gap)
    yield srv
    srv.close()


MS = 1000000
SLOW_NS = 900 * MS


@pytest.mark.parametrize("paced_server", [(0, 0.2)], indirect=True)
@pytest.mark.parametrize("mode", [[], ["--threads"]],
                         ids=["asyncio", "threads"])
def test_slow_connects(run, built, paced_server, mode):
    """Four connections at once, an accept queue of one: one or more wait
    for a retransmitted SYN, a second; the endpoint counts them, the wall
    time with one in the making is within the client's own, and the hint
    names the endpoint and the line that connected."""
    doc, res = record_json(run, PY, WORKLOADS / "py" / "connect_burst.py",
                           paced_server.port, 4, *mode)
    wall_ns, = self_measured(res, "wall_ns")
    ends = [e for e in doc["io"]["endpoints"]
            if e["endpoint"] == f"127.0.0.1:{paced_server.port}"]
    assert len(ends) == 1, f"endpoints {doc['io']['endpoints']}:{res}"
    e = ends[0]
    print(f"slow {e['slow_connects']} of {e['connections']}, "
          f"{e['slow_connect_ns'] / MS:.0f} ms of the client's "
          f"{wall_ns / MS:.0f} ms; connecting {e['connect_ns'] / MS:.0f} ms")
    assert e["connections"] == 4, f"{e}:{res}"
    assert 1 <= e["slow_connects"] <= 3, f"{e}:{res}"
    assert SLOW_NS <= e["slow_connect_ns"] <= wall_ns, f"{e}:{res}"
    assert e["connect_ns"] >= e["slow_connects"] * SLOW_NS, f"{e}:{res}"
    found = hints(doc, "slow_connects")
    assert len(found) == 1, f"slow_connects hints: {found}:{res}"
    h = found[0]
    print(h["text"])
    assert h["endpoint"] == e["endpoint"], f"{h}:{res}"
    assert h["slow_connects"] == e["slow_connects"], f"{h}:{res}"
    line = source_line("py/connect_burst.py",
                       "socket.create_connection" if mode else
                       "asyncio.open_connection")
    assert h["location"].endswith(f"(connect_burst.py:{line})"), \
        f"{h}:{res}"


@pytest.mark.parametrize("paced_server", [(64, 0)], indirect=True)
def test_no_slow_connects(run, built, paced_server):
    """The same four connections to a server with room for them: none is
    slow, no hint."""
    doc, res = record_json(run, PY, WORKLOADS / "py" / "connect_burst.py",
                           paced_server.port, 4)
    e = [e for e in doc["io"]["endpoints"]
         if e["endpoint"] == f"127.0.0.1:{paced_server.port}"][0]
    assert e["connections"] == 4 and e["slow_connects"] == 0, f"{e}:{res}"
    assert e["slow_connect_ns"] == 0, f"{e}:{res}"
    assert not hints(doc, "slow_connects"), res
