# SPDX-License-Identifier: GPL-2.0
"""Fixtures for whyslow's integration tests.

The binary under test is $WHYSLOW, by default <repo>/whyslow.  The workload
programs are built from tests/workloads once per session.  After every test,
no BPF program of whyslow may still be loaded.
"""
import contextlib
import http.server
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
import warnings
from pathlib import Path

import pytest

# Helper modules of these tests (not test files themselves): their asserts
# explain themselves as the tests' do.
pytest.register_assert_rewrite("chromium_cdp", "flame_svg")

REPO = Path(__file__).resolve().parents[2]
WHYSLOW = os.environ.get("WHYSLOW", str(REPO / "whyslow"))
WORKLOADS = REPO / "tests" / "workloads"
BIN = WORKLOADS / "bin"
DEMO = WORKLOADS / "demo"



def _bpf_prog_names():
    """whyslow's BPF programs, as `bpftool prog show` names them: the three
    the tests were written for, plus any other `SEC("...")` program in bpf/
    (names are cut to 15 characters by the kernel)."""
    names = {"sample_oncpu", "track_fork", "track_exit"}
    decl = re.compile(r'SEC\("(?!\.maps|license)[^"]+"\)\s*\n\s*[\w ]+?\s+'
                      r'(?:BPF_PROG\(\s*(\w+)|(\w+)\s*\()')
    for src in (REPO / "bpf").glob("*.bpf.[ch]"):
        for m in decl.finditer(src.read_text(errors="replace")):
            names.add((m.group(1) or m.group(2))[:15])
    return frozenset(names)


BPF_PROG_NAMES = _bpf_prog_names()

SHOW_CHARS = 40000  # of each stream, in assertion messages


# A Python frame in folded output is named as py-spy names it,
# "rec (deep.py)", a recursion "rec (deep.py) (x301)".
_PY_FILE = re.compile(r" \((?!x\d+\))[^()]*\)(?= \(x\d+\)$|$)")


def folded_frames(stack):
    """The frames of a folded stack, Python frames without their file."""
    return [_PY_FILE.sub("", f) for f in stack.split(";")]


def steal_ns():
    """The machine's steal time so far (/proc/stat, all CPUs): what the
    hypervisor took from this VM's CPUs while they had work."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[8]) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def workload(name):
    """Path of a workload binary, as a string."""
    return str(DEMO if name == "demo" else BIN / name)


def _clip(text):
    if len(text) <= SHOW_CHARS:
        return text
    return text[:SHOW_CHARS] + f"\n[... {len(text) - SHOW_CHARS} more characters]"


class Result:
    """One whyslow run.  str() shows everything, for assertion messages."""

    def __init__(self, argv, returncode, stdout, stderr, elapsed):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed

    def __str__(self):
        return (f"\n$ {' '.join(self.argv)}\n"
                f"exit status {self.returncode}, {self.elapsed:.2f} s\n"
                f"--- stderr ---\n{_clip(self.stderr)}\n"
                f"--- stdout ---\n{_clip(self.stdout)}\n--- end ---")

    __repr__ = __str__

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            pytest.fail(f"stdout is not valid JSON ({e}):{self}")


def _kill_group(proc):
    """SIGKILL proc's whole session (it was started in a new one)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# Frames of the tracing machinery and of whyslow's own BPF programs
# (README, "Data quality"): no report may name one.
TRACING_FRAME = re.compile(
    r"\b(?:bpf_prog_[0-9a-f]{16}\w*|bpf_trace_run\d+|__bpf_trace_\w+|"
    r"__traceiter_\w+|trace_call_bpf|perf_trace_\w+|bpf_probe_read\w*|"
    r"copy_from_user_nofault|copy_from_kernel_nofault\w*|"
    r"bpf_get_stack\w*|bpf_task_storage_\w+|bpf_ringbuf_\w+|"
    r"perf_event_mmap\w*|perf_output_\w+|perf_iterate_sb\w*)")
TEXT_FORMATS = ("md", "json", "folded", "svg", "html")


def _output_of(argv):
    """(format, file or None) of a whyslow record/report/diff argv."""
    fmt, out = "md", None
    if "--" in argv:
        argv = argv[:argv.index("--")]
    for i, a in enumerate(argv):
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if a == "--format" and nxt:
            fmt = nxt
        elif a.startswith("--format="):
            fmt = a.split("=", 1)[1]
        elif a in ("-o", "--output") and nxt:
            out = nxt
        elif a.startswith("--output="):
            out = a.split("=", 1)[1]
    return fmt, out


def traced_summary(doc):
    """What a JSON report saw of each process, and what it may have
    missed: for assertion messages cut before the processes."""
    lines = ["--- processes (pid ppid comm: samples, on/off-CPU ms, "
             "categories) ---"]
    for p in doc.get("processes", ()):
        cats = {k: round(v / 1e6, 1)
                for k, v in p.get("categories", {}).items()}
        lines.append(f"{p['pid']} {p['ppid']} {p['comm']}: "
                     f"{p['samples']}, {p['oncpu_ns'] / 1e6:.1f}/"
                     f"{p['offcpu_ns'] / 1e6:.1f}, {cats}")
    cp = doc.get("critical_path") or {}
    lines.append(f"critical path programs: {cp.get('programs')}")
    q = doc.get("quality", {})
    lines.append("quality: " + ", ".join(
        f"{k} {q.get(k)}" for k in ("lost_samples", "lost_sideband",
                                    "offcpu_dropped", "untraced_forks",
                                    "bpf_missed_runs", "waits_end_unseen",
                                    "steal_ns")))
    return "\n" + "\n".join(lines)


def _json_strings(node, key=None):
    """Every string in a parsed JSON document, but the command line."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _json_strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _json_strings(v, key)
    elif isinstance(node, str) and key != "command":
        yield node


def tracing_frames_in(text, fmt):
    """Tracing frame names in a report's text, as a sorted list.  A JSON
    report with data quality must say what whyslow cost."""
    if fmt == "json":
        try:
            doc = json.loads(text)
        except ValueError:
            return []   # the test's own .json() says what is wrong
        if isinstance(doc, dict) and isinstance(doc.get("quality"), dict):
            assert set(doc["quality"].get("overhead", ())) == {
                "tracing_samples", "tracing_ns", "whyslow_cpu_ns"}, \
                "no quality.overhead in a JSON report"
        strings = _json_strings(doc)
    else:
        # the title repeats the command line, which is the test's
        strings = [re.sub(r"\A# whyslow[^\n]*\n", "", text)]
    return sorted({m.group(0) for s in strings
                   for m in TRACING_FRAME.finditer(s)})


def assert_no_tracing_frames(res):
    """Every text report whyslow writes, to stdout or -o, is free of the
    tracing machinery's frames: checked on every run, not asked for."""
    argv = [str(a) for a in res.argv]
    # whatever the exit status: record passes the command's on
    if not any(c in argv for c in ("record", "report", "diff")):
        return
    fmt, out = _output_of(argv)
    if fmt not in TEXT_FORMATS:
        return
    text = res.stdout
    if out and out != "-":
        # a regular file only: /dev/null, a FIFO (test_security), a
        # file the test removed are not reports to read back
        try:
            if not stat.S_ISREG(os.lstat(out).st_mode):
                return
            text = Path(out).read_text(errors="replace")
        except OSError:
            return
    found = tracing_frames_in(text, fmt)
    assert not found, f"tracing frames in the {fmt} report: {found}:{res}"


class Runner:
    """Starts whyslow and workloads; kills whatever is left at teardown.
    Every whyslow run's report is checked for tracing frames."""

    def __init__(self):
        self.procs = []

    def popen(self, argv, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        kw.setdefault("text", True)
        proc = subprocess.Popen(argv, start_new_session=True, **kw)
        self.procs.append(proc)
        return proc

    def finish(self, proc, argv, start, timeout):
        """Wait for a whyslow started by popen(); a Result."""
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = proc.communicate()
            res = Result(argv, proc.returncode, out, err,
                         time.monotonic() - start)
            pytest.fail(f"whyslow did not finish within {timeout} s "
                        f"(killed):{res}")
        res = Result(argv, proc.returncode, out, err, time.monotonic() - start)
        assert_no_tracing_frames(res)
        return res

    def whyslow(self, *args, timeout=60, prefix=(), env=None):
        """Run `[prefix...] whyslow args...` to completion; a Result."""
        argv = [*prefix, WHYSLOW, *map(str, args)]
        start = time.monotonic()
        proc = self.popen(argv, stdin=subprocess.DEVNULL, env=env)
        return self.finish(proc, argv, start, timeout)

    def record(self, *args, timeout=60):
        return self.whyslow("record", *args, timeout=timeout)

    def record_json(self, *args, timeout=60, status=0):
        """`whyslow record --format json args...`; the parsed report."""
        res = self.record("--format", "json", *args, timeout=timeout)
        assert res.returncode == status, f"unexpected exit status:{res}"
        return res.json(), res

    def background(self, *argv, reap=True):
        """Start a workload in the background (killed at teardown).

        reap: wait for it in a thread, as a shell would, so that it does not
        linger as a zombie once it exits."""
        proc = self.popen([str(a) for a in argv], stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if reap:
            threading.Thread(target=proc.wait, daemon=True).start()
        return proc

    def cleanup(self):
        for proc in self.procs:
            if proc.poll() is None:
                _kill_group(proc)
            try:
                proc.communicate(timeout=10)
            except (subprocess.TimeoutExpired, ValueError):
                pass


class LocalServer:
    """Listens on 127.0.0.1 with an accept queue of `backlog` and serves
    one connection at a time: reads the request, answers after `delay` s
    and closes, then waits `gap` s before it accepts the next."""

    def __init__(self, delay=0.0, backlog=16, gap=0.0):
        self.delay, self.gap = delay, gap
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.served = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(256)
                    time.sleep(self.delay)
                    conn.sendall(b"OK\n")
                    self.served += 1
                except OSError:
                    pass
            time.sleep(self.gap)

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def run():
    r = Runner()
    yield r
    r.cleanup()


@pytest.fixture(scope="session")
def built():
    """Build the workloads once; check the binary is there."""
    res = subprocess.run(["make", "-s", "-C", str(WORKLOADS)],
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, \
        f"building tests/workloads failed:\n{res.stdout}\n{res.stderr}"
    assert os.access(WHYSLOW, os.X_OK), \
        f"no whyslow binary at {WHYSLOW}: run `make` first (or set $WHYSLOW)"
    return True


@pytest.fixture(scope="module")
def workdir(request):
    """A directory under /tmp the sudo user can read (the workloads run as
    that user), shared by a module's tests, removed after them.  A module
    may define its own."""
    name = request.module.__name__.removeprefix("test_")
    with tempfile.TemporaryDirectory(prefix=f"ws{name}-", dir="/tmp",
                                     ignore_cleanup_errors=True) as d:
        os.chmod(d, 0o755)
        yield Path(d)


def _whyslow_progs():
    """{id: name} of loaded BPF programs bearing whyslow's names."""
    res = subprocess.run(["bpftool", "-j", "prog", "show"],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, f"bpftool prog show failed: {res.stderr}"
    return {p["id"]: p.get("name", "") for p in json.loads(res.stdout or "[]")
            if p.get("name") in BPF_PROG_NAMES}


def _foreign_whyslows():
    """PIDs of whyslow processes running now (not started by this test)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().strip() == "whyslow":
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


@pytest.fixture(autouse=True)
def no_bpf_left_behind(request, built):
    """After each test, whyslow's BPF programs must all be unloaded.

    Programs loaded before the test (another whyslow on the machine) are
    ignored.  Freeing is asynchronous in the kernel, so wait a little."""
    before = set(_whyslow_progs())
    yield
    deadline = time.monotonic() + 5
    while True:
        left = {i: n for i, n in _whyslow_progs().items() if i not in before}
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if not left:
        return
    others = _foreign_whyslows()
    msg = (f"BPF programs still loaded after {request.node.name}: "
           + ", ".join(f"{n} (id {i})" for i, n in sorted(left.items())))
    if others:
        warnings.warn(f"{msg}; not failing: other whyslow processes are "
                      f"running ({others}) and may own them")
    else:
        pytest.fail(msg)


# --- a local HTTP server that answers slowly --------------------------------

SERVER_DELAY = 0.05     # the test HTTP server answers after 50 ms


class _CountingReader:
    """A request handler's rfile that counts the bytes read from it."""

    def __init__(self, f, server):
        self.f, self.server = f, server

    def _count(self, data):
        with self.server.lock:
            self.server.bytes_in += len(data)
        return data

    def readline(self, *args):
        return self._count(self.f.readline(*args))

    def read(self, *args):
        return self._count(self.f.read(*args))

    def __getattr__(self, name):
        return getattr(self.f, name)


class DelayHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.0: one request per connection, closed after the answer.
    Every GET is answered "ok" after SERVER_DELAY seconds, the whole
    response in one write; the server counts the bytes both ways."""
    protocol_version = "HTTP/1.0"

    def setup(self):
        super().setup()
        self.rfile = _CountingReader(self.rfile, self.server)

    def do_GET(self):
        threading.Event().wait(SERVER_DELAY)
        body = b"ok\n"
        response = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.wfile.write(response)
        self.wfile.flush()
        with self.server.lock:
            self.server.served += 1
            self.server.bytes_out += len(response)

    def log_message(self, fmt, *args):
        pass


@contextlib.contextmanager
def slow_http_server():
    """A local HTTP/1.0 server answering after SERVER_DELAY, counting."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DelayHandler)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    srv.served = srv.bytes_in = srv.bytes_out = 0
    srv.port = srv.server_address[1]
    thread = threading.Thread(target=srv.serve_forever,
                              kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.fixture
def http_server():
    with slow_http_server() as srv:
        yield srv


# --- npm's pprof-format and pprof-to-md, for the pprof tests ---------------

NPM_DIR = Path(os.environ.get("WHYSLOW_NPM_DIR", "/tmp/whyslow-test-npm"))
NPM_PACKAGES = ["pprof-format@^2.1.0", "pprof-to-md@^0.2.0"]


@pytest.fixture(scope="session")
def npm():
    """The node_modules directory holding pprof-format and pprof-to-md."""
    node, npm_bin = shutil.which("node") or shutil.which("nodejs"), \
        shutil.which("npm")
    if not node or not npm_bin:
        pytest.skip("node or npm is not installed (tools/install-deps.sh "
                    "installs Debian's nodejs and npm): no independent "
                    "pprof reader")
    modules = NPM_DIR / "node_modules"
    if not all((modules / p / "package.json").exists()
               for p in ("pprof-format", "pprof-to-md")):
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        res = subprocess.run(
            [npm_bin, "install", "--prefix", str(NPM_DIR), "--no-audit",
             "--no-fund", "--loglevel=error", *NPM_PACKAGES],
            capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, \
            (f"npm install {' '.join(NPM_PACKAGES)} into {NPM_DIR} failed "
             f"(status {res.returncode}):\n{res.stdout}\n{res.stderr}")
    return {"node": node, "modules": modules,
            "to_md": modules / "pprof-to-md" / "dist" / "cli.js"}


# --- the CPython interpreters the Python tests run under ---------------------

PYENV = Path("/root/.pyenv/versions")
DEBIAN_PYTHON = Path("/usr/bin/python3")


def _interpreters():
    """pytest params: (path of python3), id naming its version."""
    params = []
    if os.access(DEBIAN_PYTHON, os.X_OK):
        ver = DEBIAN_PYTHON.resolve().name.removeprefix("python")
        params.append(pytest.param(str(DEBIAN_PYTHON), id=f"debian-{ver}"))
    else:
        params.append(pytest.param(
            None, id="debian", marks=pytest.mark.skip(
                reason=f"no Debian interpreter at {DEBIAN_PYTHON}")))
    for minor in (10, 11, 12, 13):
        found = [p for p in sorted(PYENV.glob(f"3.{minor}*/bin/python3"))
                 if os.access(p, os.X_OK)]
        for p in found:
            params.append(pytest.param(str(p), id=f"py{p.parents[1].name}"))
        if not found:
            params.append(pytest.param(
                None, id=f"py3.{minor}", marks=pytest.mark.skip(
                    reason=f"no pyenv CPython 3.{minor}: nothing matches "
                           f"{PYENV}/3.{minor}*/bin/python3")))
    return params


INTERPRETERS = _interpreters()
_warmed = set()


@pytest.fixture(params=INTERPRETERS)
def python(request):
    """The interpreter under test, its files in the page cache: a cold
    cache shows as a large `disk` wait at start-up (seen once: 0.3 s of
    3.13's libpython read from disk), which is not what these tests are
    about."""
    path = request.param
    if path not in _warmed:
        subprocess.run([path, "-c", "import urllib.request, asyncio, "
                        "ctypes, threading, concurrent.futures"],
                       capture_output=True,
                       timeout=60, check=False)
        _warmed.add(path)
    return path
