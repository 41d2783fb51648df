# SPDX-License-Identifier: GPL-2.0
"""End-to-end tests of `whyslow record -p PID` and `-a`: attaching to
processes already running, and to the whole machine.

A busy process; one asleep, or hung in recv() or poll() on a connection,
since before the recording (its wait, peer and stack read from /proc and
its memory, Python's and C's); a wait begun before the recording and
ended during it, and one still open as it ends; -p ends when its target
exits, reaped or not; -a names who ran on the CPUs, and who waited on the
disk.  Numbers are checked on the JSON report; every failure message
shows whyslow's output."""
import os
import re
import subprocess
import threading
import time

import pytest

from conftest import BIN
from test_record import func, procs_by_pid, top_self

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")


# --- helpers ---------------------------------------------------------------

def wait_running(proc, secs=0.3):
    time.sleep(secs)
    assert proc.poll() is None, "workload exited early"


# --- attaching: -p and -a --------------------------------------------------

def test_pid_attach(run):
    spinner = run.background(BIN / "spinner", 60)
    wait_running(spinner)
    doc, res = run.record_json("-p", spinner.pid, "-d", 2, timeout=30)
    assert 1.8 <= res.elapsed <= 6, f"-d 2 should take ~2 s:{res}"
    assert spinner.poll() is None, f"whyslow -p must not end the target:{res}"
    assert top_self(doc) == "spin_forever", res
    assert spinner.pid in procs_by_pid(doc), res
    assert doc["samples"] >= 500, f"2 s of a busy process:{res}"


def test_pid_attach_blocked_whole_time(run):
    """-p of a process asleep since before the recording and through it:
    no event reaches whyslow, but /proc shows it did not run and sleeps in
    clock_nanosleep: its wait spans the recording, with no stack, and the
    verdict says so, not that 0% of the wall time is on-CPU."""
    sleeper = run.background("sleep", 60)
    time.sleep(0.3)
    doc, res = run.record_json("-p", sleeper.pid, "-d", 1, timeout=30)
    assert doc["samples"] == 0, res
    assert doc["quality"]["blocked_before"] == 1, res
    cats = {c["category"]: c["pct"]
            for c in doc["critical_path"]["categories"]}
    assert cats.get("sleep", 0) >= 99, res
    assert doc["verdict"].startswith(
        "On the critical path, 100.0% of the wall time is sleeping"), res
    assert "A thread was blocked in a syscall since before the recording " \
        "began and through it" in doc["verdict"], res
    assert [n for n in doc["quality"]["notes"]
            if n.startswith(f"Thread {sleeper.pid} (pid {sleeper.pid}) was "
                            "blocked in clock_nanosleep since before the "
                            "recording began")], res


HANG_WAITS = {
    "recv": "    c.recv(10)\n",
    # a wakeup socketpair polled first, the connection second, as curl
    # does: the connection is what it waits for
    "poll": "    a, b = socket.socketpair()\n"
            "    p = select.poll()\n"
            "    p.register(a, select.POLLIN)\n"
            "    p.register(c, select.POLLIN)\n"
            "    p.poll()\n",
}
HANG_DEPTH = 40


@pytest.mark.parametrize("syscall", ["recv", "poll"])
def test_pid_attach_blocked_in_recv(run, tmp_path, syscall, python):
    """A process hung in recv() on a connection since before -p, or in a
    poll() on it and a socketpair: the verdict names the network and the
    peer, from /proc (its syscall, the descriptor's socket — poll's read
    from its memory —, the socket's peer in /proc/PID/net/tcp), and where
    in the Python code, its stack read from its memory (wait_reply, 40
    calls deep, down to <module>), the C code under it unwound; a thread
    that ran meanwhile is not given such a wait."""
    script = tmp_path / "hang.py"
    script.write_text(
        "import select, socket, threading, time\n"
        "srv = socket.socket()\n"
        "srv.bind(('127.0.0.1', 0))\n"
        "srv.listen()\n"
        "c = socket.create_connection(srv.getsockname())\n"
        "def spin():\n"
        "    while True:\n"
        "        time.sleep(0.01)\n"
        "def wait_reply(n):\n"
        "    if n:\n"
        "        return wait_reply(n - 1)\n" + HANG_WAITS[syscall] +
        "threading.Thread(target=spin, daemon=True).start()\n"
        "print(srv.getsockname()[1], flush=True)\n"
        f"wait_reply({HANG_DEPTH})\n")
    proc = run.popen([python, str(script)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
    port = int(proc.stdout.readline())
    time.sleep(0.3)
    doc, res = run.record_json("-p", proc.pid, "-d", 1, timeout=30)
    quality = doc["quality"]
    assert quality["blocked_before"] == 1, res
    target = f"{'poll to' if syscall == 'poll' else 'recv from'} " \
        f"127.0.0.1:{port}"
    waits = [w for w in doc["waits"] if w["target"] == target]
    assert waits and waits[0]["reason"] == "network", res
    assert waits[0]["ns"] >= 0.95 * doc["wall_ns"], res
    assert f"waiting on the network ({target} in `wait_reply`)" in \
        doc["verdict"], res
    assert quality["blocked_stacks"] == 1 and "its stack was read from " \
        "the process's memory" in doc["verdict"], res
    # the Python frames, then the C code under them, unwound from the
    # syscall's registers: libc's recv or poll at the end
    frames, repeats = waits[0]["frames"], waits[0]["repeats"]
    assert frames[:2] == ["<module>", "wait_reply"] and \
        repeats[:2] == [1, HANG_DEPTH + 1] and \
        frames[-1] in ("recv", "__libc_recv", "poll", "__poll"), \
        f"{waits[0]}:{res}"
    # the sleeping thread began its waits during the recording: stacks
    # (3.10 sleeps in select(), a poll)
    assert [w for w in doc["waits"] if "spin" in w["frames"]
            and w["ns"] > 0], res


def test_pid_attach_wait_begun_before(run, tmp_path):
    """A script blocked reading its stdin since before -p, sent a line 0.4
    s into a 1.2 s recording: its first wait, begun before the recording
    and ended during it, is counted from the start (no event saw it
    begin: whyslow gives it one as it starts), with its reason and the
    stack read from memory then, not as time the thread spent unseen."""
    script = tmp_path / "lines.py"
    script.write_text(
        "import sys\n"
        "def wait_line():\n"
        "    return sys.stdin.readline()\n"
        "print('ready', flush=True)\n"
        "while wait_line():\n"
        "    pass\n")
    proc = run.popen(["/usr/bin/python3", str(script)],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
    proc.stdout.readline()
    time.sleep(0.2)
    feeder = threading.Timer(0.4 + 0.3, lambda: (
        proc.stdin.write("x\n"), proc.stdin.flush()))
    feeder.start()
    try:
        doc, res = run.record_json("-p", proc.pid, "-d", 1.2, timeout=30)
    finally:
        feeder.join()
    cp = doc["critical_path"]
    unseen = [f for f in cp["functions"] if "unseen" in f["name"]]
    assert not unseen, f"{unseen}:{res}"
    pipe = [w for w in doc["waits"] if w["reason"] == "pipe"]
    assert pipe and sum(w["ns"] for w in pipe) >= 0.9 * doc["wall_ns"], \
        f"{pipe}:{res}"
    assert all(w["function"] == "wait_line" for w in pipe), f"{pipe}:{res}"
    # the first wait ended during the recording, the second is open
    assert sum(w["count"] for w in pipe) >= 2, f"{pipe}:{res}"


@pytest.mark.parametrize("syscall", ["poll", "pselect6"])
def test_pid_attach_open_wait_target(run, tmp_path, syscall):
    """A server polling its listening socket every 0.3 s, with poll() or
    select() (glibc's is pselect6), recorded for 1 s: the waits the BPF
    side saw name the socket (a select's by its read set), and the one
    still open as the recording ends, which the BPF side never saw end,
    has its descriptor told from /proc as the others are: every wait
    names the listening socket."""
    waits = {
        "poll": "p = select.poll()\n"
                "p.register(srv, select.POLLIN)\n"
                "def wait():\n"
                "    p.poll(300)\n",
        "pselect6": "def wait():\n"
                    "    select.select([srv], [], [], 0.3)\n",
    }
    script = tmp_path / "serve.py"
    script.write_text(
        "import select, socket\n"
        "srv = socket.socket()\n"
        "srv.bind(('127.0.0.1', 0))\n"
        "srv.listen()\n" + waits[syscall] +
        "print(srv.getsockname()[1], flush=True)\n"
        "while True:\n"
        "    wait()\n")
    proc = run.popen(["/usr/bin/python3", str(script)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
    proc.stdout.readline()
    time.sleep(0.2)
    doc, res = run.record_json("-p", proc.pid, "-d", 1, timeout=30)
    polls = [w for w in doc["waits"] if w["reason"] in ("network", "poll")]
    assert polls and sum(w["count"] for w in polls) >= 3, res
    assert all(w["target"] == f"{syscall} for connections on a listening "
               "TCP socket" for w in polls), f"{polls}:{res}"


@pytest.mark.parametrize("wait", ["select", "epoll"])
def test_pid_attach_prefork_server(run, tmp_path, wait):
    """-p of a pre-forking server (postgres's postmaster, gunicorn's
    master): the workers it forked before the recording are traced too,
    and its own wait, begun before, in select() or epoll_wait() on its
    listening socket, is told from /proc (the read set in its memory, the
    epoll's descriptors in fdinfo): the verdict says it is idle, waiting
    for connections, and names what its worker ran."""
    waits = {
        "select": "    select.select([srv], [], [])\n",
        "epoll": "    ep = select.epoll()\n"
                 "    ep.register(srv.fileno(), select.EPOLLIN)\n"
                 "    ep.poll()\n",
    }
    script = tmp_path / "prefork.py"
    script.write_text(
        "import os, select, socket, time\n"
        "srv = socket.socket()\n"
        "srv.bind(('127.0.0.1', 0))\n"
        "srv.listen()\n"
        "def crunch():\n"
        "    n = 0\n"
        "    while True:\n"
        "        n = (n * 31 + 7) % 1000003\n"
        "if os.fork() == 0:\n"
        "    crunch()\n"
        "print('ready', flush=True)\n"
        "def serve():\n" + waits[wait] + "serve()\n")
    proc = run.popen(["/usr/bin/python3", str(script)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
    proc.stdout.readline()
    time.sleep(0.3)
    try:
        doc, res = run.record_json("-p", proc.pid, "-d", 1, timeout=30)
    finally:
        subprocess.run(["pkill", "-P", str(proc.pid)], check=False)
    assert len(procs_by_pid(doc)) >= 2, f"the worker is traced:{res}"
    assert doc["samples"] >= 500, f"1 s of the worker's work:{res}"
    assert top_self(doc) == "crunch", res
    assert doc["verdict"].startswith(
        "On the critical path, 100.0% of the wall time is idle, waiting "
        "for new connections ("), res
    assert "for connections on a listening TCP socket in `serve`" in \
        doc["verdict"], res
    assert re.search(r"while it ran \(.* on the CPU, \d+ threads in 2 "
                     r"processes\), most (in|of it under) `crunch`",
                     doc["verdict"]), res


def test_pid_attach_own_shell(run):
    """-p $$ from a shell: the job it runs in the background is traced,
    whyslow itself, the shell's child too, is not."""
    script = (f"{BIN / 'spinner'} 60 & SPIN=$!; sleep 0.3; "
              '"$0" record --format json -p $$ -d 1; r=$?; '
              "kill $SPIN; exit $r")
    res = run.whyslow(prefix=("bash", "-c", script), timeout=30)
    assert res.returncode == 0, res
    doc = res.json()
    comms = {p["comm"] for p in doc["processes"]}
    assert "spinner" in comms and "whyslow" not in comms, f"{comms}:{res}"
    assert top_self(doc) == "spin_forever", res


def test_open_wait_at_end_stacks(run, tmp_path):
    """A script that works, then sleeps in nap() past the end of a -d 1
    recording: no event carries the stacks of a wait still open as the
    recording ends (one does as a wait ends), so its thread's stacks are
    read from its memory then: the sleep is nap's, with the line, and the
    verdict says so, not `clock_nanosleep`."""
    script = tmp_path / "nap.py"
    script.write_text(
        "import time\n"
        "def work():\n"
        "    return sum(range(2_000_000))\n"
        "def nap():\n"
        "    time.sleep(2.5)\n"
        "work()\n"
        "nap()\n")
    doc, res = run.record_json("-d", 1, "--", "/usr/bin/python3", script,
                               timeout=30)
    sleeps = [w for w in doc["waits"] if w["reason"] == "sleep"]
    assert sleeps, res
    top = max(sleeps, key=lambda w: w["ns"])
    assert top["function"] == "nap" and \
        top["frames"][:2] == ["<module>", "nap"], f"{top}:{res}"
    assert "sleeping (in `nap`)" in doc["verdict"] and \
        "nap.py:5)" in doc["verdict"], res


HANG_C = r"""
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

static __attribute__((noinline)) int read_reply(int fd)
{
	char b[10];

	return recv(fd, b, sizeof(b), 0);
}

static __attribute__((noinline)) int talk(int fd)
{
	return read_reply(fd) + 1;
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int srv = socket(AF_INET, SOCK_STREAM, 0), c;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	bind(srv, (void *)&a, sizeof(a));
	listen(srv, 1);
	getsockname(srv, (void *)&a, &l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	return talk(c);
}
"""


def test_pid_attach_blocked_native_stack(run, tmp_path):
    """A C program (-O2, no frame pointers, as distributions build) hung
    in recv() since before -p: its user stack, read from its memory from
    the stack and instruction pointers /proc shows in the syscall, is
    unwound with CFI down to _start: the verdict names read_reply."""
    src = tmp_path / "hang.c"
    src.write_text(HANG_C)
    exe = tmp_path / "hang"
    subprocess.run(["gcc", "-O2", "-g", "-fomit-frame-pointer", "-o", exe,
                    src], check=True)
    proc = run.popen([str(exe)], stdin=subprocess.DEVNULL,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    port = int(proc.stdout.readline())
    time.sleep(0.2)
    doc, res = run.record_json("-p", proc.pid, "-d", 1, timeout=30)
    assert doc["quality"]["blocked_stacks"] == 1, res
    target = f"recv from 127.0.0.1:{port}"
    waits = [w for w in doc["waits"] if w["target"] == target]
    assert waits and waits[0]["ns"] >= 0.95 * doc["wall_ns"], res
    frames = waits[0]["frames"]
    assert frames[:1] == ["_start"] and \
        frames[-4:-1] == ["main", "talk", "read_reply"], f"{frames}:{res}"
    assert f"waiting on the network ({target} in `read_reply`)" in \
        doc["verdict"], res
    assert "its user stack unwound from the process's memory" in \
        doc["quality"]["notes"][0], res


@pytest.mark.parametrize("reap", [True, False], ids=["reaped", "zombie"])
def test_pid_attach_stops_when_target_exits(run, reap):
    """-p ends when the process exits; whether its parent has reaped it yet
    (zombie) or not makes no difference: it has exited."""
    spinner = run.background(BIN / "spinner", 1, reap=reap)  # SIGALRM at 1 s
    wait_running(spinner, 0.1)
    doc, res = run.record_json("-p", spinner.pid, "-d", 10, timeout=30)
    assert res.elapsed < 6, f"should stop when the process exits (~1 s):{res}"
    func(doc, "spin_forever", res)


def test_all_processes(run):
    spinner = run.background(BIN / "spinner", 60)
    wait_running(spinner)
    doc, res = run.record_json("-a", "-d", 2, timeout=30)
    assert 1.8 <= res.elapsed <= 6, f"-a -d 2 should take ~2 s:{res}"
    func(doc, "spin_forever", res)
    procs = procs_by_pid(doc)
    assert spinner.pid in procs, res
    assert procs[spinner.pid]["samples"] >= 500, res
    # the verdict: who ran on the CPUs, not the idle threads' waits
    assert re.search(rf"the most: `spinner` \(pid {spinner.pid}\) "
                     r"[\d.]+%", doc["verdict"]), res
    assert "is waiting" not in doc["verdict"], res


def test_all_processes_disk(run):
    """-a while a program fsyncs in a loop: the verdict says the machine
    waited on the disk, and names that program as the one that waited
    most (its own measure: the fsync loop, no idle thread's wait)."""
    path = f"/var/tmp/whyslow-test-all-{os.getpid()}"
    writer = run.background(BIN / "fsync_writer", path, 100000)
    try:
        time.sleep(0.3)
        doc, res = run.record_json("-a", "-d", 2, timeout=30)
    finally:
        writer.kill()
        writer.wait()
        if os.path.exists(path):
            os.unlink(path)
    m = re.search(r"Waiting on the disk: [\d.]+ m?s in all threads, the "
                  r"most `(\S+)` \(pid (\d+)\)", doc["verdict"])
    assert m, f"verdict:{res}"
    assert m.group(1) == "fsync_writer", f"verdict:{res}"
    assert "Other waits are not weighed here" in doc["verdict"], res
