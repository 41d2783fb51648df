# SPDX-License-Identifier: GPL-2.0
"""whyslow mcp: the Model Context Protocol server on stdio.

Driven two ways:
- by the official TypeScript SDK client (npm's @modelcontextprotocol/sdk,
  Client + StdioClientTransport, through tests/mcp/drive.mjs), one session
  for the module: the three tools listed; hot7030 recorded, the verdict
  naming the function hot7030's own clock says was hotter; the saved
  profile re-read with focus; two recordings of diff_speedup compared, the
  change in slow_part against diff_speedup's own clock; isError results for
  a missing command, a missing profile, a corrupt one; a long recording
  cancelled, answered all the same, the next call served and no BPF
  program of whyslow left loaded;
- by raw JSON-RPC lines (Python, pipes): truncated JSON, wrong types, a
  10 MB string, a line over 16 MiB, unknown methods, each answered as
  JSON-RPC says and the next request still served; version negotiation;
  cancel and duration_s stop the command; the session directory goes at
  exit.

The server runs under "sudo" with nobody as the user (SUDO_UID/SUDO_GID),
so commands run as nobody.  The SDK is installed from npm into
tests/mcp/node_modules (package.json there) when missing; the SDK tests are
skipped only when node or npm is not installed."""
import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import pytest

from conftest import BPF_PROG_NAMES, REPO, WHYSLOW, workload

MCP_DIR = REPO / "tests" / "mcp"
NOBODY = 65534
SUDO_ENV = {"SUDO_UID": str(NOBODY), "SUDO_GID": str(NOBODY),
            "SUDO_USER": "nobody"}
CANCEL_AFTER = 1.5      # seconds into a recording of a 30 s spinner
CANCEL_ANSWER = 10.0    # the answer comes within this of the cancel
SPLIT_MARGIN = 0.05     # the hotter function leads by this share, measured
SAID = "whyslow-mcp-test-says-hello"


def profile_of(result):
    """The profile path a record result names."""
    for c in result["content"]:
        m = re.search(r"Profile saved to (.+?) \(the report", c["text"])
        if m:
            return m.group(1)
    return None


def text_of(result):
    return "\n".join(c["text"] for c in result["content"])


def verdict_of(md):
    m = re.search(r"^## Verdict\n\n(.+?)\n", md, re.M)
    assert m, f"no Verdict paragraph:\n{md[:3000]}"
    return m.group(1)


def whyslow_progs():
    """{id: name} of the loaded BPF programs bearing whyslow's names."""
    out = subprocess.run(["bpftool", "-j", "prog", "show"], check=True,
                         capture_output=True, text=True, timeout=30).stdout
    return {p["id"]: p.get("name") for p in json.loads(out or "[]")
            if p.get("name") in BPF_PROG_NAMES}


def processes():
    """{pid: (ppid, comm)} of every process."""
    procs = {}
    for d in Path("/proc").iterdir():
        try:
            stat = (d / "stat").read_text() if d.name.isdigit() else ""
        except OSError:
            continue
        m = re.match(r"\d+ \((.*)\) \S+ (\d+)", stat, re.S)
        if m:
            procs[int(d.name)] = (int(m.group(2)), m.group(1))
    return procs


def bpf_held(root):
    """(BPF objects held open by root and its descendants, PIDs of the
    other whyslow processes)."""
    procs, tree = processes(), {root}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    held = []
    for pid in tree:
        try:
            fds = list(Path(f"/proc/{pid}/fdinfo").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                m = re.search(r"^(prog|link|map)_id:\s*(\d+)",
                              fd.read_text(), re.M)
            except OSError:
                continue
            if m:
                held.append(f"{m.group(1)} {m.group(2)} (pid {pid})")
    foreign = [pid for pid, (_, comm) in procs.items()
               if comm == "whyslow" and pid not in tree]
    return held, foreign


def spinners(tag):
    """PIDs of spinner processes started with the argument tag."""
    pids = []
    for d in Path("/proc").iterdir():
        try:
            argv = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if len(argv) > 1 and argv[0].endswith(b"spinner") and \
                argv[1] == tag.encode():
            pids.append(int(d.name))
    return pids


@pytest.fixture(scope="module")
def workdir():
    """A directory nobody can write (profiles saved as the user)."""
    d = Path(tempfile.mkdtemp(prefix="wsmcp-", dir="/tmp"))
    os.chmod(d, 0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)


# --- the SDK client ---------------------------------------------------------

@pytest.fixture(scope="module")
def sdk():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node or npm is not installed (tools/install-deps.sh "
                    "installs Debian's): no MCP SDK client")
    if not (MCP_DIR / "node_modules" / "@modelcontextprotocol" / "sdk" /
            "package.json").exists():
        res = subprocess.run([npm, "install", "--no-audit", "--no-fund",
                              "--loglevel=error"], cwd=MCP_DIR,
                             capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, \
            f"npm install in {MCP_DIR} failed:\n{res.stdout}\n{res.stderr}"
    return node


def drive(node, steps, workdir, timeout=120):
    """Runs drive.mjs with steps; (its parsed output, its stderr)."""
    spec = workdir / "spec.json"
    spec.write_text(json.dumps({"command": WHYSLOW, "args": ["mcp"],
                                "env": SUDO_ENV, "steps": steps}))
    res = subprocess.run([node, str(MCP_DIR / "drive.mjs"), str(spec)],
                         cwd=MCP_DIR, capture_output=True, text=True,
                         timeout=timeout)
    assert res.returncode == 0, \
        f"drive.mjs failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
    return json.loads(res.stdout), res.stderr


@pytest.fixture(scope="module")
def session(sdk, workdir):
    """One SDK session through every tool; {name: step result}."""
    corrupt = workdir / "corrupt.pb.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00garbage, not a profile" * 10)
    os.chmod(corrupt, 0o644)
    names = sorted(BPF_PROG_NAMES)
    before, after = workdir / "before.pb.gz", workdir / "after.pb.gz"
    steps = [
        ("bpf_before", {"op": "bpf_progs", "names": names}),
        ("list", {"op": "list"}),
        ("hot", {"op": "call", "name": "record", "progress": True,
                 "arguments": {"command": [workload("hot7030")]}}),
        ("focus", {"op": "call", "name": "report",
                   "arguments": {"profile": "{{profile:2}}",
                                 "focus": "warm_thirty"}}),
        ("before", {"op": "call", "name": "record", "arguments": {
            "command": [workload("diff_speedup")], "save": str(before)}}),
        ("after", {"op": "call", "name": "record", "arguments": {
            "command": [workload("diff_speedup"), "0.5"],
            "save": str(after)}}),
        ("diff", {"op": "call", "name": "diff", "arguments": {
            "before": str(before), "after": str(after),
            "format": "json"}}),
        ("no_command", {"op": "call", "name": "record", "arguments": {
            "command": ["/nonexistent/whyslow-test-cmd"]}}),
        ("no_profile", {"op": "call", "name": "report", "arguments": {
            "profile": str(workdir / "missing.pb.gz")}}),
        ("corrupt", {"op": "call", "name": "report", "arguments": {
            "profile": str(corrupt)}}),
        ("no_match", {"op": "call", "name": "report", "arguments": {
            "profile": "{{profile:2}}", "focus": "no_such_function_xyz"}}),
        ("bpf_between", {"op": "bpf_progs", "names": names, "wait_s": 5,
                         "ignore": 0}),
        ("cancelled", {"op": "call", "name": "record",
                       "cancel_after_s": CANCEL_AFTER, "arguments": {
                           "command": [workload("spinner"), "31"]}}),
        # waits for the cancelled recording's end: its answer says the
        # server serves again
        ("after_cancel", {"op": "call", "name": "report", "arguments": {
            "profile": str(workdir / "missing.pb.gz")}}),
        ("bpf_after", {"op": "bpf_progs", "names": names, "wait_s": 5,
                       "ignore": 0}),
    ]
    out, stderr = drive(sdk, [s for _, s in steps], workdir)
    byname = {name: r for (name, _), r in zip(steps, out["steps"])}
    byname["_out"], byname["_stderr"] = out, stderr
    return byname


def ok(session, name):
    r = session[name]
    assert r["ok"], f"{name} failed: {r}\n{session['_stderr'][-3000:]}"
    return r["result"]


def test_lists_three_tools(session):
    tools = {t["name"]: t for t in ok(session, "list")["tools"]}
    assert set(tools) == {"record", "report", "diff"}
    for t in tools.values():
        schema = t["inputSchema"]
        assert schema["type"] == "object" and schema["properties"], t
        assert t["description"]
    assert tools["record"]["inputSchema"]["required"] == ["command"]
    assert set(tools["diff"]["inputSchema"]["required"]) == \
        {"before", "after"}
    assert session["_out"]["server"]["name"] == "whyslow"


def test_record_names_the_hotter(session):
    res = ok(session, "hot")
    assert not res.get("isError"), res
    md = res["content"][0]["text"]
    m = re.search(r"hot7030: hot_seventy_ns=(\d+) warm_thirty_ns=(\d+)",
                  session["_stderr"])
    assert m, f"hot7030's timing line is missing:\n{session['_stderr']}"
    hot, warm = int(m.group(1)), int(m.group(2))
    share = hot / (hot + warm)
    assert abs(share - 0.5) >= SPLIT_MARGIN, \
        f"hot7030 measured no clear winner ({share:.2f}): machine too noisy"
    hotter, colder = ("hot_seventy", "warm_thirty") if hot > warm else \
        ("warm_thirty", "hot_seventy")
    verdict = verdict_of(md)
    at = verdict.find(f"`{hotter}`")
    assert at >= 0, f"the verdict does not name {hotter}:\n{md[:3000]}"
    assert f"`{colder}`" not in verdict[:at], verdict
    # progress each second of a recording over a second long
    assert session["hot"]["elapsed_s"] > 1
    notes = session["hot"]["progress"]
    assert notes and all(n["progress"] > 0 for n in notes), session["hot"]
    assert [n["progress"] for n in notes] == \
        sorted(n["progress"] for n in notes)


def test_saved_profile_is_private_and_readable_again(session):
    path = profile_of(ok(session, "hot"))
    assert path and path.endswith(".pb.gz"), path
    # the server is gone: its directory went with it
    assert not os.path.exists(os.path.dirname(path)), \
        f"{os.path.dirname(path)} outlived the server"
    md = text_of(ok(session, "focus"))
    assert not ok(session, "focus").get("isError"), md
    assert md.startswith("# whyslow focus: `warm_thirty`"), md[:500]


def test_diff_of_two_saved_profiles(session, workdir):
    for name in ("before", "after"):
        res = ok(session, name)
        assert not res.get("isError"), res
        saved = workdir / f"{name}.pb.gz"
        assert profile_of(res) == str(saved), res
        assert os.stat(saved).st_uid == NOBODY, "not saved as the user"
    times = re.findall(r"diff_speedup: fast_part_ns=(\d+) slow_part_ns=(\d+)",
                       session["_stderr"])
    assert len(times) == 2, session["_stderr"]
    slow_delta_measured = int(times[1][1]) - int(times[0][1])
    res = ok(session, "diff")
    assert not res.get("isError"), res
    doc = json.loads(res["content"][0]["text"])
    slow = [f for f in doc["functions"] if f["name"] == "slow_part"]
    assert slow, doc["functions"]
    delta = slow[0]["after_ns"] - slow[0]["before_ns"] \
        if "after_ns" in slow[0] else None
    assert delta is not None and delta < 0, slow[0]
    # the profiles' change against diff_speedup's own clocks (±50%: a
    # shared machine's noise on two short runs)
    assert slow_delta_measured < 0
    assert 0.5 <= delta / slow_delta_measured <= 1.5, \
        (delta, slow_delta_measured, slow[0])


@pytest.mark.parametrize("name,says", [
    ("no_command", "command not found"),
    ("no_profile", "no such profile"),
    ("corrupt", "cannot read the profile"),
    ("no_match", "no function matches 'no_such_function_xyz'"),
])
def test_errors_are_tool_results(session, name, says):
    res = ok(session, name)
    assert res.get("isError") is True, res
    text = text_of(res)
    assert says in text and "\n" not in text, text


def test_cancel(session):
    r = session["cancelled"]
    assert not r["ok"] and r["aborted"], r
    assert r["elapsed_s"] < CANCEL_AFTER + 1, r
    # the server answered the cancelled call all the same (the SDK drops
    # it, telling onerror), with the summary of what it recorded
    late = [e for e in session["_out"]["client_errors"]
            if "unknown message ID" in e and "recording was cancelled" in e]
    assert late, session["_out"]["client_errors"]
    nxt = session["after_cancel"]
    assert nxt["ok"] and nxt["result"]["isError"], nxt
    assert nxt["elapsed_s"] < CANCEL_ANSWER, nxt
    assert not spinners("31"), "the cancelled command is still running"


def check_no_bpf_left(what, progs, held, foreign):
    """None of whyslow's BPF objects is held by the server's processes, and
    no program of whyslow's that was not loaded before is left; unless
    other whyslow processes run (other tests on the machine), which may
    own those: then a warning, as conftest.no_bpf_left_behind does."""
    assert not held, f"{what}: the server's processes hold {held}"
    if progs and foreign:
        warnings.warn(f"{what}: BPF programs loaded since the start: "
                      f"{progs}; other whyslow processes run ({foreign})")
    else:
        assert not progs, f"{what}: still loaded: {progs}"


def test_no_bpf_left_loaded(session):
    for name in ("bpf_between", "bpf_after"):
        r = ok(session, name)
        check_no_bpf_left(name, r["progs"], r["held"], r["foreign"])


# --- raw JSON-RPC -----------------------------------------------------------

class Raw:
    """whyslow mcp on pipes, one JSON message a line."""

    def __init__(self, env=None):
        self.proc = subprocess.Popen(
            [WHYSLOW, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env={**os.environ, **SUDO_ENV,
                                         **(env or {})},
            start_new_session=True)
        self.buf = b""
        self.next_id = 100

    def send(self, obj_or_bytes):
        data = obj_or_bytes if isinstance(obj_or_bytes, bytes) else \
            json.dumps(obj_or_bytes).encode()
        self.proc.stdin.write(data + b"\n")
        self.proc.stdin.flush()

    def recv(self, timeout=30):
        """The next message, parsed: every line must be JSON."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            assert left > 0, f"no answer within {timeout} s"
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
                assert chunk, f"the server closed stdout:{self.stderr()}"
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def request(self, method, params=None, timeout=30):
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        ans = self.recv(timeout)
        assert ans.get("id") == self.next_id, ans
        return ans

    def served(self):
        """The server still answers a ping, and that answer comes next."""
        ans = self.request("ping")
        assert ans["result"] == {}, ans

    def stderr(self):
        return self.proc.stderr.read1().decode(errors="replace") \
            if self.proc.poll() is not None else ""

    def close(self, timeout=20):
        if self.proc.stdin.closed:
            return self.proc.wait(timeout=timeout)
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def raw():
    """A server; at the end its input closes and it must exit 0."""
    r = Raw()
    yield r
    if not r.proc.stdin.closed:
        assert r.close() == 0, r.stderr()


def error_code(ans):
    assert "error" in ans and "result" not in ans, ans
    return ans["error"]["code"]


def test_negotiation(raw):
    for want, got in (("2025-06-18", "2025-06-18"),
                      ("2025-03-26", "2025-03-26"),
                      ("2024-11-05", "2024-11-05"),
                      ("2031-01-01", "2025-06-18")):
        ans = raw.request("initialize", {
            "protocolVersion": want, "capabilities": {},
            "clientInfo": {"name": "raw", "version": "0"}})
        assert ans["result"]["protocolVersion"] == got, ans
        assert ans["result"]["capabilities"]["tools"] is not None
    raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    raw.served()
    assert raw.close() == 0


def test_malformed_input_is_answered(raw):
    cases = [
        (b'{"jsonrpc":"2.0","id":1,"method":"ping"', -32700),
        (b'{"jsonrpc":"2.0","id":1,"method":}', -32700),
        (b'\xff\xfe{}', -32700),
        (b'[{"jsonrpc":"2.0","id":1,"method":"ping"}]', -32600),
        (b'"ping"', -32600),
        (b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', -32600),
        (b'{"jsonrpc":"2.0","id":1,"method":42}', -32600),
        (b'{"id":1,"method":"ping"}', -32600),
        (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"resources/list"}', -32601),
        (b'{"jsonrpc":"2.0","id":1,"method":"tools/call",'
         b'"params":{"name":5}}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"tools/call",'
         b'"params":{"name":"flamegraph"}}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":'
         b'{"name":"record","arguments":{"command":"sleep 1"}}}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":'
         b'{"name":"record","arguments":{"command":["true"],'
         b'"duration_s":"1"}}}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":'
         b'{"name":"report","arguments":{"profile":7}}}', -32602),
        (b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":'
         b'{"name":"diff","arguments":{"before":"a"}}}', -32602),
    ]
    for line, code in cases:
        raw.send(line)
        ans = raw.recv()
        assert error_code(ans) == code, (line, ans)
        assert ans["error"]["message"], ans
        raw.served()
    # notifications, known or not, and responses get no answer
    raw.send({"jsonrpc": "2.0", "method": "notifications/whatever"})
    raw.send({"jsonrpc": "2.0", "id": 5, "result": {}})
    raw.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
              "params": {"requestId": 12345}})
    raw.served()


def test_huge_input(raw):
    ten_mb = "x" * (10 << 20)
    start = time.monotonic()
    ans = raw.request("tools/call", {"name": "report",
                                     "arguments": {"profile": ten_mb}})
    assert error_code(ans) == -32602 and "4096" in ans["error"]["message"]
    ans = raw.request(ten_mb)
    assert error_code(ans) == -32601 and len(json.dumps(ans)) < 1000, \
        json.dumps(ans)[:300]
    raw.served()
    # over the 16 MiB bound: dropped, told, and the next line is read
    raw.send(b'{"jsonrpc":"2.0","id":1,"method":"' + b"y" * (17 << 20) +
             b'"}')
    ans = raw.recv()
    assert error_code(ans) == -32600 and ans["id"] is None, ans
    raw.served()
    assert time.monotonic() - start < 20
    assert raw.proc.poll() is None


def call_record(raw, arguments, token=None):
    raw.next_id += 1
    params = {"name": "record", "arguments": arguments}
    if token is not None:
        params["_meta"] = {"progressToken": token}
    raw.send({"jsonrpc": "2.0", "id": raw.next_id, "method": "tools/call",
              "params": params})
    return raw.next_id


def test_cancel_raw(raw, workdir):
    """Cancelled: the answer still comes, with the summary of what was
    recorded; the command is gone; no BPF program of whyslow is left
    while the server lives on."""
    before = set(whyslow_progs())
    rid = call_record(raw, {"command": [workload("spinner"), "32"]},
                      token="t1")
    note = raw.recv(timeout=15)     # progress each second
    assert note["method"] == "notifications/progress", note
    assert note["params"]["progressToken"] == "t1", note
    # while it records, the server's child holds the programs: what the
    # checks below look for is there to be seen
    held, _ = bpf_held(raw.proc.pid)
    assert any(h.startswith("prog ") for h in held), held
    raw.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
              "params": {"requestId": rid, "reason": "test"}})
    sent = time.monotonic()
    while True:
        ans = raw.recv(timeout=CANCEL_ANSWER)
        if ans.get("id") == rid:
            break
        assert ans.get("method") == "notifications/progress", ans
    assert time.monotonic() - sent < CANCEL_ANSWER
    res = ans["result"]
    assert not res["isError"], res
    assert "spin_forever" in res["content"][0]["text"]
    assert "recording was cancelled" in text_of(res)
    assert not spinners("32"), "the cancelled command is still running"
    deadline = time.monotonic() + 5
    while True:
        left = set(whyslow_progs()) - before
        held, foreign = bpf_held(raw.proc.pid)
        if (not left and not held) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    check_no_bpf_left("after the cancel", left, held, foreign)
    raw.served()


def test_duration_and_user(raw, workdir):
    """duration_s ends the recording and the command; the command runs as
    the sudo user; the session's directory is private and goes at exit."""
    out = workdir / "uid.txt"
    rid = call_record(raw, {"command": ["/bin/sh", "-c",
                                        f"id -u > {out}; echo {SAID}; "
                                        f"exec {workload('spinner')} 33"],
                            "duration_s": 1})
    start = time.monotonic()
    ans = raw.recv(timeout=30)
    took = time.monotonic() - start
    assert ans["id"] == rid and not ans["result"]["isError"], ans
    assert took < 15, took
    assert "was still running when the recording ended and was stopped" \
        in text_of(ans["result"])
    assert not spinners("33")
    assert out.read_text().strip() == str(NOBODY)
    assert os.stat(out).st_uid == NOBODY
    path = profile_of(ans["result"])
    d = os.path.dirname(path)
    st = os.stat(d)
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == 0, oct(
        st.st_mode)
    assert raw.close() == 0
    assert not os.path.exists(d), f"{d} outlived the server"
    # what the command prints is the log's, never the protocol's (every
    # line recv() read was JSON)
    assert SAID in raw.proc.stderr.read().decode(errors="replace")
