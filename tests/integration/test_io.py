# SPDX-License-Identifier: GPL-2.0
"""End-to-end tests of I/O tracing: files, endpoints, concurrency, spawns.

Each workload fixes its own counts, and the tests assert them exactly:

- py/reread.py reads N small files ROUNDS times each, every time with
  `open(path).read()` in read_file(): ROUNDS opens per file, and two read
  syscalls per open in every CPython 3.10-3.13 (Debian's and pyenv's, seen
  with `strace -e trace=openat,read`: read(size + 1) returns the file,
  read(1) returns 0 at the end of it).
- py/linkcheck.py checks N links on a local HTTP/1.0 server that answers
  after 50 ms: one TCP connection and one request per link, one at a time
  (WORKERS=1) or from a pool of 8 threads.
- spawn runs /bin/true 200 times (fork + execv + waitpid) from spawn_all().
- readsmall makes N 1-byte preads of one file from read_loop().
- openfiles opens, reads and closes each file of a list once, from
  open_one().
- opensites opens N files ROUNDS times, a third from open_b(), the rest
  from open_a(), both called from one call site through a pointer: only
  the innermost return address tells the two sites apart (the
  frame-pointer walk from libc's open() starts at the caller's caller).

The files are made in a directory under /tmp, readable by the sudo user
the workload runs as; files are reported by their whole paths.  Servers listen on 127.0.0.1 and are shut
down at teardown; every subprocess has a timeout."""
import os
import re
import shutil
import tempfile

import pytest

from conftest import REPO, SERVER_DELAY, WORKLOADS, workload
from test_python import no_proxy_env

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

PY = REPO / "tests" / "workloads" / "py"
DEBIAN_PYTHON = "/usr/bin/python3"
TIMEOUT = 30            # per whyslow run; the longest workload takes ~1 s

REREAD_FILES, REREAD_ROUNDS = 50, 40
READS_PER_OPEN = 2      # read(size + 1) -> size, read(1) -> 0 (measured)
SERIAL_FETCHES = 12
POOL_FETCHES, POOL_WORKERS = 32, 8
SPAWNS = 200
SMALL_READS = 20000
SHARED_TAIL_FILES = 40


# --- helpers ---------------------------------------------------------------

def script(name):
    return str(PY / name)


def source_line(path, needle):
    """Number of the one line of the workload source `path` (relative to
    tests/workloads) that holds `needle`: where a frame stands when it
    makes the call on that line."""
    lines = (WORKLOADS / path).read_text().splitlines()
    found = [i + 1 for i, t in enumerate(lines) if needle in t]
    assert len(found) == 1, f"{needle!r} on lines {found} of {path}"
    return found[0]


# Where the workloads open, connect and fork: the lines their frames show.
READ_FILE_LINE = source_line("py/reread.py", "return open(path).read()")
CHECK_LINE = source_line("py/linkcheck.py", "urlopen(url")
OPEN_LINE = source_line("readsmall.c", "fd = open(argv[1], O_RDONLY)")
OPEN_ONE_LINE = source_line("openfiles.c", "fd = open(path, O_RDONLY)")
SITE_A_LINE = source_line("opensites.c", "/* site a */")
SITE_B_LINE = source_line("opensites.c", "/* site b */")
FORK_LINE = source_line("spawn.c", "pid = fork()")


def io_of(doc, res, blocked_known=True):
    """The report's "io" object: syscalls traced, its lists present."""
    io = doc.get("io")
    assert isinstance(io, dict), f"no io object in the JSON report:{res}"
    assert io.get("traced") is True, f"io.traced is not true:{res}"
    assert io.get("blocked_known") is blocked_known, \
        f"io.blocked_known should be {blocked_known}:{res}"
    for key in ("files", "endpoints", "concurrency", "spawns"):
        assert isinstance(io.get(key), list), f"io.{key} is not a list:{res}"
    return io


def same_path(reported, path):
    """A reported path is the whole absolute path."""
    return reported == path


def file_entry(io, path, res):
    found = [f for f in io["files"] if same_path(f["path"], path)]
    assert len(found) == 1, \
        f"{path}: {len(found)} entries in io.files, expected one:{res}"
    return found[0]


def endpoint(io, name, res, protocol="tcp", inbound=False):
    found = [e for e in io["endpoints"] if e["endpoint"] == name
             and e["protocol"] == protocol and e["inbound"] == inbound]
    assert len(found) == 1, \
        (f"{name} ({protocol}, inbound {inbound}): {len(found)} entries in "
         f"io.endpoints, expected one:{res}")
    return found[0]


def concurrency(io, pid, res):
    found = [c for c in io["concurrency"] if c["pid"] == pid]
    assert len(found) == 1, \
        f"pid {pid}: {len(found)} entries in io.concurrency:{res}"
    return found[0]


def root_process(doc, res):
    pids = {p["pid"] for p in doc["processes"]}
    roots = [p for p in doc["processes"] if p["ppid"] not in pids]
    assert len(roots) == 1, f"expected one root process, got {roots}:{res}"
    return roots[0]


def hints(doc, rule):
    return [h for h in doc.get("hints") or [] if h["rule"] == rule]


def one_hint(doc, rule, res):
    found = hints(doc, rule)
    rules = [h["rule"] for h in doc.get("hints") or []]
    assert len(found) == 1, \
        f"{len(found)} '{rule}' hints, expected one (hints: {rules}):{res}"
    h = found[0]
    assert isinstance(h.get("text"), str) and h["text"], \
        f"the {rule} hint has no text: {h}:{res}"
    return h


def md_section(text, title):
    m = re.search(rf"^## {re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text,
                  re.M | re.S)
    return m.group(1) if m else None


def check_site(site, name, path, res, what, line=None):
    """An opened_from / connected_from / spawned_from object: function
    name, source file (the whole path, or a tail of it) and line."""
    assert isinstance(site, dict), f"{what}: no site ({site!r}):{res}"
    assert site.get("name") == name, \
        f"{what}: from {site.get('name')!r}, expected {name!r}:{res}"
    if path is not None:
        assert site.get("file") and (site["file"] == path or
                                     path.endswith("/" + site["file"])), \
            f"{what}: file {site.get('file')!r}, expected {path}:{res}"
    if line is not None:
        assert site.get("line") == line, \
            f"{what}: line {site.get('line')!r}, expected {line}:{res}"


def check_repeated_flags(io, res):
    """repeated: a process opened it more than once (what the
    repeated_opens hint counts)."""
    wrong = [(f["path"], f["opens"], f["processes"], f["repeated"])
             for f in io["files"]
             if f["repeated"] != (f["opens"] >= 2 and
                                  f["opens"] > f["processes"])]
    assert not wrong, f"repeated is not opens >= 2 in a process: {wrong}:{res}"


def check_blocked(entry, io, res, what):
    """blocked_ns: a part of the entry's time when blocked time is known,
    null when it is not (--no-offcpu)."""
    if io["blocked_known"]:
        assert isinstance(entry["blocked_ns"], int) and \
            entry["blocked_ns"] >= 0, f"{what}: blocked_ns:{res}"
    else:
        assert entry["blocked_ns"] is None, \
            f"{what}: blocked_ns must be null without off-CPU tracing:{res}"


@pytest.fixture
def short_dir():
    """A directory /tmp/wsio-XXXXXXXX the sudo user can read."""
    d = tempfile.mkdtemp(prefix="wsio-", dir="/tmp")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def make_file(path, data):
    with open(path, "w") as f:
        f.write(data)
    os.chmod(path, 0o644)


# --- 1. the same files read over and over ----------------------------------

def reread_files(d):
    """REREAD_FILES files of different sizes (28 to 280 bytes) in d:
    {path: size}."""
    sizes = {}
    for i in range(REREAD_FILES):
        path = os.path.join(d, f"{i}.txt")
        make_file(path, f"line of file {i:3d}\n" * (1 + i % 10))
        sizes[path] = os.path.getsize(path)
    return sizes


def test_reread(run, python, short_dir):
    """Every file: ROUNDS opens, all from read_file(); 2 reads per open;
    ROUNDS x its size read; nothing written.  The repeated_opens hint
    counts exactly these opens and files and names read_file."""
    sizes = reread_files(short_dir)
    res = run.whyslow("record", "--format", "json", "--", python,
                      script("reread.py"), short_dir, REREAD_FILES,
                      REREAD_ROUNDS, timeout=TIMEOUT)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    doc = res.json()
    io = io_of(doc, res)
    for path, size in sizes.items():
        f = file_entry(io, path, res)
        got = {k: f[k] for k in ("opens", "failed_opens", "reads",
                                 "read_bytes", "writes", "write_bytes",
                                 "opened_from_count", "repeated")}
        want = {"opens": REREAD_ROUNDS, "failed_opens": 0,
                "reads": READS_PER_OPEN * REREAD_ROUNDS,
                "read_bytes": REREAD_ROUNDS * size, "writes": 0,
                "write_bytes": 0, "opened_from_count": REREAD_ROUNDS,
                "repeated": True}
        assert got == want, f"{path}: got {got}, expected {want}:{res}"
        check_site(f["opened_from"], "read_file", script("reread.py"), res,
                   f"{path} opened_from", READ_FILE_LINE)
        assert f["time_ns"] > 0, f"{path}: no time in its syscalls:{res}"
        check_blocked(f, io, res, path)
        assert f["blocked_ns"] <= f["time_ns"], \
            f"{path}: blocked longer than its syscalls took:{res}"
    check_repeated_flags(io, res)
    # The hint counts every file opened more than once and read: these,
    # and the few the interpreter itself reads twice at start-up (the
    # script); not the site-packages directories it lists twice (nothing
    # read), nor what the dynamic loader opens, once a process (3.11.7
    # reads /etc/ld.so.cache 4 times).
    others = [f for f in io["files"] if f["repeated"] and f["read_bytes"]
              and f["path"] != "/etc/ld.so.cache"
              and not any(same_path(f["path"], p) for p in sizes)]
    want = {"opens": REREAD_FILES * REREAD_ROUNDS +
            sum(f["opens"] for f in others),
            "files": REREAD_FILES + len(others),
            "location": f"read_file (reread.py:{READ_FILE_LINE})"}
    h = one_hint(doc, "repeated_opens", res)
    got = {k: h.get(k) for k in want}
    assert got == want, \
        (f"repeated_opens hint: got {got}, expected {want} (other "
         f"repeated files: {[(f['path'], f['opens']) for f in others]}):{res}")
    assert len(others) <= 4 and sum(f["opens"] for f in others) <= 12, \
        f"more repeated opens than the interpreter's own: {others}:{res}"
    assert "read_file" in h["text"], \
        f"the repeated_opens hint should name read_file: {h['text']!r}:{res}"


def test_reread_markdown(run, short_dir):
    reread_files(short_dir)
    res = run.whyslow("record", "--", DEBIAN_PYTHON, script("reread.py"),
                      short_dir, REREAD_FILES, REREAD_ROUNDS,
                      timeout=TIMEOUT)
    assert res.returncode == 0, res
    hint_md = md_section(res.stdout, "Hints")
    assert hint_md is not None, f"no ## Hints section:{res}"
    assert "read_file" in hint_md, f"the hints do not name read_file:{res}"
    io_md = md_section(res.stdout, "I/O")
    assert io_md is not None, f"no ## I/O section:{res}"
    assert short_dir in io_md or "0.txt" in io_md, \
        f"the I/O section does not list the files read:{res}"


def test_small_reads(run, short_dir):
    """readsmall opens its file once and makes SMALL_READS 1-byte reads
    of it: exactly that many reads and bytes, the file not repeated (no
    repeated_opens hint about it), and a small_reads hint."""
    path = os.path.join(short_dir, "one.txt")
    make_file(path, "x\n")
    doc, res = run.record_json("--", workload("readsmall"), path,
                               SMALL_READS, timeout=TIMEOUT)
    io = io_of(doc, res)
    f = file_entry(io, path, res)
    got = {k: f[k] for k in ("opens", "failed_opens", "reads", "read_bytes",
                             "writes", "write_bytes", "repeated")}
    want = {"opens": 1, "failed_opens": 0, "reads": SMALL_READS,
            "read_bytes": SMALL_READS, "writes": 0, "write_bytes": 0,
            "repeated": False}
    assert got == want, f"{path}: got {got}, expected {want}:{res}"
    check_site(f["opened_from"], "main", str(WORKLOADS / "readsmall.c"), res,
               f"{path} opened_from", OPEN_LINE)
    check_blocked(f, io, res, path)
    check_repeated_flags(io, res)
    h = one_hint(doc, "small_reads", res)
    got = {k: h.get(k) for k in ("reads", "read_bytes", "mean_bytes",
                                 "location")}
    want = {"reads": SMALL_READS, "read_bytes": SMALL_READS,
            "mean_bytes": 1, "location": f"main (readsmall.c:{OPEN_LINE})"}
    assert got == want and same_path(h.get("path") or "", path), \
        f"small_reads hint: got {got}, path {h.get('path')!r}; expected " \
        f"{want}, {path}:{res}"
    print(f"small_reads: {h['text']}")


QUICK_ROUNDS = 20000


def test_untimed_calls_exact(run, short_dir):
    """quickfd: 4 threads each make QUICK_ROUNDS 1-byte preads, of a
    shared descriptor two rounds in three and of their own the third,
    and as many 3-byte writes to their own file; three close their
    descriptors, the last leaves them to the process's exit.  whyslow
    times one in several of such calls, but every count and byte is
    exact, nothing is lost, the untimed calls are stated in Data quality,
    and each file's syscall time is there."""
    d = os.path.join(short_dir, "quick")
    os.mkdir(d)
    os.chmod(d, 0o777)
    doc, res = run.record_json("--", workload("quickfd"), d,
                               str(QUICK_ROUNDS), timeout=TIMEOUT)
    io = io_of(doc, res)
    alt = sum(1 for k in range(QUICK_ROUNDS) if k % 3 == 2)
    want = {"in": (4 * (QUICK_ROUNDS - alt), 4 * (QUICK_ROUNDS - alt), 1,
                   4096)}
    for i in range(4):
        want[f"alt{i}"] = (alt, alt, 1, 1)
        want[f"out{i}"] = (0, 0, QUICK_ROUNDS, 3 * QUICK_ROUNDS)
    calls = 0
    for name, w in want.items():
        f = file_entry(io, os.path.join(d, name), res)
        got = (f["reads"], f["read_bytes"], f["writes"], f["write_bytes"])
        assert got == w, f"{name}: reads, bytes, writes, bytes {got}, " \
            f"expected {w}:{res}"
        assert f["time_ns"] > 0, f"{name}: no syscall time:{res}"
        calls += f["reads"] + f["writes"]
    q = doc["quality"]
    assert q["io_dropped"] == 0, f"I/O events lost:{res}"
    # at least one in io_timed_every of a thread's calls on a descriptor
    # is timed, and here most writes are not
    every = q["io_timed_every"]
    assert every > 1 and calls / every <= calls - q["io_untimed"] < \
        calls - 4 * QUICK_ROUNDS / 2, \
        f"{q['io_untimed']} untimed of {calls}:{res}"
    md = run.record("--", workload("quickfd"), d, str(QUICK_ROUNDS),
                    timeout=TIMEOUT).stdout
    assert f"are timed 1 in {every}:" in md, f"no Data quality line:{md}"


# Long enough that the files' paths (~110 bytes) do not fit a wait
# target's 96 bytes (each comes in a path event of its own) nor a Markdown
# cell's (each is shortened there).
LONG_DIR = ("a-directory-name-long-enough/to-push-the-paths-of-these-files/"
            "past-a-cell")


def shared_tail_files(d):
    """SHARED_TAIL_FILES files d/LONG_DIR/a/1/x/y/z/w.h ... /a/40/x/y/z/w.h
    (their last four components alike) and a list of them for openfiles:
    (paths, list path)."""
    paths = []
    for i in range(1, SHARED_TAIL_FILES + 1):
        sub = os.path.join(d, LONG_DIR, "a", str(i), "x", "y", "z")
        os.makedirs(sub)
        path = os.path.join(sub, "w.h")
        make_file(path, f"#define W {i}\n")
        paths.append(path)
    for root, dirs, _ in os.walk(d):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
    listing = os.path.join(d, "list")
    make_file(listing, "".join(p + "\n" for p in paths))
    return paths, listing


def test_distinct_paths(run, short_dir):
    """Files that share their last four components are rows of their own,
    by whole path: SHARED_TAIL_FILES rows each opened once from
    open_one(), none repeated, no repeated_opens hint; the saved profile
    keeps the paths whole, and its Markdown table names every file
    apart, each by a tail of its path."""
    paths, listing = shared_tail_files(short_dir)
    assert all(len(p) > 96 for p in paths), paths
    saved = os.path.join(short_dir, "run.pb.gz")
    doc, res = run.record_json("--save", saved, "--", workload("openfiles"),
                               listing, timeout=TIMEOUT)
    assert f"files={SHARED_TAIL_FILES} " in res.stderr, \
        f"the workload did not open its files:{res}"
    io = io_of(doc, res)
    rows = [f for f in io["files"] if f["path"].endswith("/x/y/z/w.h")]
    got = sorted(f["path"] for f in rows)
    assert got == sorted(paths), \
        f"io.files should hold the {len(paths)} whole paths, got {got}:{res}"
    for f in rows:
        want = {"opens": 1, "failed_opens": 0, "reads": 2, "repeated": False}
        have = {k: f[k] for k in want}
        assert have == want, f"{f['path']}: {have}, expected {want}:{res}"
        check_site(f["opened_from"], "open_one",
                   str(WORKLOADS / "openfiles.c"), res,
                   f"{f['path']} opened_from", OPEN_ONE_LINE)
    check_repeated_flags(io, res)
    assert not hints(doc, "repeated_opens"), \
        f"a repeated_opens hint for files each opened once:{res}"

    rep = run.whyslow("report", "--format", "json", saved, timeout=TIMEOUT)
    assert rep.returncode == 0, rep
    again = sorted(f["path"] for f in rep.json()["io"]["files"]
                   if f["path"].endswith("/x/y/z/w.h"))
    assert again == sorted(paths), \
        f"the saved profile lost whole paths: {again}:{rep}"
    md = run.whyslow("report", "--top", SHARED_TAIL_FILES + 10, "--budget",
                     20000, saved, timeout=TIMEOUT)
    assert md.returncode == 0, md
    cells = {line.split(" | ")[0][2:] for line in
             (md_section(md.stdout, "I/O") or "").splitlines()
             if line.startswith("| ") and "w.h |" in line}
    assert len(cells) == SHARED_TAIL_FILES, \
        f"the Markdown table should name {SHARED_TAIL_FILES} files apart, " \
        f"got {sorted(cells)}:{md}"
    for i, path in enumerate(paths, 1):
        mine = [c for c in cells if c.startswith("…/") and
                path.endswith(c[1:]) and f"/{i}/x/y/z/w.h" in c]
        assert len(mine) == 1 and len(mine[0].encode()) <= 96, \
            f"{path}: no cell of at most 96 bytes shows a tail of it " \
            f"with /{i}/ in {sorted(cells)}:{md}"
@pytest.mark.parametrize("prog", ["opensites", "opensites_nofp"])
def test_sites_told_apart(run, short_dir, prog):
    """A site's stacks are sent once, then its repeats name it: every open
    is counted at its file, and at the site it came from (open_a or
    open_b, told apart only by the innermost return address), with frame
    pointers or without; most opens are repeats (-v counts them).  In the
    first milliseconds, before whyslow has read a site's stacks, a burst
    of them may fill half the ring buffer: the rest go without stacks,
    counted at their file, at no site when their key fits both."""
    n, rounds = 600, 5
    for i in range(n):
        make_file(os.path.join(short_dir, f"{'a' if i % 3 else 'b'}_{i}"),
                  "x")
    res = run.whyslow("record", "-v", "--format", "json", "--",
                      workload(prog), short_dir, n, rounds, timeout=TIMEOUT)
    assert res.returncode == 0, f"unexpected exit status:{res}"
    doc = res.json()
    io = io_of(doc, res)
    assert doc["quality"]["io_dropped"] == 0, res
    src = str(WORKLOADS / "opensites.c")
    attributed = 0
    for i in range(n):
        name = f"{'a' if i % 3 else 'b'}_{i}"
        f = file_entry(io, os.path.join(short_dir, name), res)
        assert f["opens"] == rounds, f"{name}: {f['opens']} opens:{res}"
        assert f["opened_from_count"] <= rounds, res
        attributed += f["opened_from_count"]
        if f["opened_from"] is not None:
            check_site(f["opened_from"], f"open_{name[0]}", src, res,
                       f"{name} opened_from",
                       SITE_A_LINE if name[0] == "a" else SITE_B_LINE)
    m = re.search(r"I/O sites: (\d+) events with stacks, (\d+) repeats, "
                  r"(\d+) without stacks", res.stderr)
    assert m, f"no I/O sites line with -v:{res}"
    full, again, untold = map(int, m.groups())
    print(f"{prog}: {full} site events with stacks, {again} repeats, "
          f"{untold} without; {attributed} of {n * rounds} at their site")
    assert full + again + untold >= n * rounds, res
    assert again >= n * rounds // 2 and attributed >= n * rounds // 2, \
        f"{again} repeats of {n * rounds} opens: sites not told in BPF:{res}"


def test_no_offcpu(run, short_dir):
    """Without off-CPU tracing the syscalls are still counted, exactly; the
    time blocked is unknown (null), not zero; every call is timed (one
    that blocked could not stand for others)."""
    path = os.path.join(short_dir, "one.txt")
    make_file(path, "x\n")
    doc, res = run.record_json("--no-offcpu", "--", workload("readsmall"),
                               path, SMALL_READS, timeout=TIMEOUT)
    io = io_of(doc, res, blocked_known=False)
    f = file_entry(io, path, res)
    assert (f["opens"], f["reads"], f["read_bytes"]) == \
        (1, SMALL_READS, SMALL_READS), f"{path}: {f}:{res}"
    assert f["time_ns"] > 0, res
    assert doc["quality"]["io_untimed"] == 0, res
    for entry in io["files"] + io["endpoints"]:
        check_blocked(entry, io, res, entry.get("path") or entry["endpoint"])


def test_directories(run, short_dir):
    """`find` walks a tree of 30 directories, `cat` reads its 60 files:
    each directory's row says it is one (opened to list it, never read),
    each file's that it is not."""
    dirs, files = [], []
    for i in range(30):
        d = os.path.join(short_dir, f"d{i}")
        os.mkdir(d)
        os.chmod(d, 0o755)
        dirs.append(d)
        for k in range(2):
            files.append(os.path.join(d, f"f{k}.txt"))
            make_file(files[-1], f"{i} {k}\n")
    walk = f"find {short_dir} -type f | xargs cat >/dev/null"
    doc, res = run.record_json("--", "sh", "-c", walk, timeout=TIMEOUT)
    io = io_of(doc, res)
    for d in dirs:
        assert file_entry(io, d, res)["directory"] is True, f"{d}:{res}"
    for f in files:
        entry = file_entry(io, f, res)
        assert entry["reads"] and entry["directory"] is False, \
            f"{f}: {entry}:{res}"


def test_opened_by_each_process(run, short_dir):
    """A shell loop runs `cat` 30 times, each opening a file once, its own
    /proc/self/maps once and another file twice: the first two are opened
    by 30 processes once each (start-up work, not rereads), in one row
    each; the third is reread."""
    once, twice = (os.path.join(short_dir, n) for n in ("once", "twice"))
    make_file(once, "a\n")
    make_file(twice, "b\n")
    loop = (f"for i in $(seq 30); do cat {once} /proc/self/maps {twice} "
            f"{twice} >/dev/null; done")
    doc, res = run.record_json("--", "sh", "-c", loop, timeout=TIMEOUT)
    io = io_of(doc, res)
    for path, opens, repeated in ((once, 30, False),
                                  ("/proc/self/maps", 30, False),
                                  (twice, 60, True)):
        entry = file_entry(io, path, res)
        assert (entry["opens"], entry["processes"], entry["repeated"]) == \
            (opens, 30, repeated), f"{path}: {entry}:{res}"
    own = [f["path"] for f in io["files"]
           if re.fullmatch(r"/proc/\d+/maps", f["path"])]
    assert not own, f"a process's own maps under its number: {own}:{res}"
    check_repeated_flags(io, res)
    for h in hints(doc, "repeated_opens"):
        assert h["most_opened"] != once, f"{h}:{res}"


# --- 2. HTTP requests, one at a time or from a pool ------------------------

def linkcheck(run, srv, n, workers):
    base = f"http://127.0.0.1:{srv.port}"
    res = run.whyslow("record", "--format", "json", "--", DEBIAN_PYTHON,
                      script("linkcheck.py"), base, n, workers,
                      timeout=TIMEOUT, env=no_proxy_env())
    assert res.returncode == 0, f"unexpected exit status:{res}"
    assert srv.served == n, f"served {srv.served} of {n}:{res}"
    return res.json(), res


def check_endpoint_counts(ep, srv, n, res):
    got = {k: ep[k] for k in ("connections", "requests", "bytes_sent",
                              "bytes_received")}
    want = {"connections": n, "requests": n, "bytes_sent": srv.bytes_in,
            "bytes_received": srv.bytes_out}
    assert got == want, \
        f"127.0.0.1:{srv.port}: got {got}, expected {want}:{res}"
    assert ep["sends"] >= n and ep["receives"] >= n, f"{ep}:{res}"
    assert ep["request_ns"] >= 0.8 * n * SERVER_DELAY * 1e9, \
        f"requests took {ep['request_ns']} ns, less than the server's " \
        f"delays:{res}"


def test_serial_fetch(run, http_server):
    """12 requests one after another: 12 connections and requests, never
    two at once; the process is busy with a request for nearly all of
    the 12 x 50 ms; a serial_network hint names check()."""
    n = SERIAL_FETCHES
    doc, res = linkcheck(run, http_server, n, 1)
    io = io_of(doc, res)
    ep = endpoint(io, f"127.0.0.1:{http_server.port}", res)
    check_endpoint_counts(ep, http_server, n, res)
    assert ep["max_in_flight"] == 1, f"max_in_flight {ep['max_in_flight']}:{res}"
    check_site(ep["connected_from"], "check", script("linkcheck.py"), res,
               "connected_from", CHECK_LINE)
    check_blocked(ep, io, res, "endpoint")
    root = root_process(doc, res)
    c = concurrency(io, root["pid"], res)
    assert c["comm"] == root["comm"], f"{c}:{res}"
    assert c["requests"] == n and c["max_in_flight"] == 1, f"{c}:{res}"
    assert 0.8 * n * SERVER_DELAY * 1e9 <= c["busy_ns"] <= doc["wall_ns"], \
        f"busy_ns {c['busy_ns']}, wall {doc['wall_ns']}:{res}"
    assert abs(c["avg_in_flight"] - 1) <= 0.01, f"{c}:{res}"
    h = one_hint(doc, "serial_network", res)
    where = f"check (linkcheck.py:{CHECK_LINE})"
    got = {k: h.get(k) for k in ("pid", "requests", "max_in_flight",
                                 "endpoint", "location")}
    want = {"pid": root["pid"], "requests": n, "max_in_flight": 1,
            "endpoint": ep["endpoint"], "location": where}
    assert got == want, f"serial_network hint: got {got}, expected {want}:{res}"
    assert where in h["text"], \
        f"the serial_network hint should name {where}: {h['text']!r}:{res}"
    print(f"serial_network: {h['text']}")


def test_pooled_fetch(run, http_server):
    """32 requests from 8 threads: 32 connections and requests, several in
    flight at once, and no serial_network hint."""
    n = POOL_FETCHES
    doc, res = linkcheck(run, http_server, n, POOL_WORKERS)
    io = io_of(doc, res)
    ep = endpoint(io, f"127.0.0.1:{http_server.port}", res)
    check_endpoint_counts(ep, http_server, n, res)
    assert 4 <= ep["max_in_flight"] <= POOL_WORKERS, \
        f"max_in_flight {ep['max_in_flight']}:{res}"
    root = root_process(doc, res)
    c = concurrency(io, root["pid"], res)
    assert c["requests"] == n, f"{c}:{res}"
    assert 4 <= c["max_in_flight"] <= POOL_WORKERS, f"{c}:{res}"
    assert c["avg_in_flight"] >= 2, f"{c}:{res}"
    assert c["busy_ns"] < c["request_ns"], f"{c}:{res}"
    assert not hints(doc, "serial_network"), \
        f"serial_network hint on requests made 8 at a time:{res}"


def test_pool_too_small(run, http_server):
    """16 requests from a pool of 2 threads: each worker waits on the
    network nearly all its life while the main thread waits for their
    results.  The pool hint says so, names check(), and what to raise;
    the verdict points at it."""
    n = 16
    doc, res = linkcheck(run, http_server, n, 2)
    h = one_hint(doc, "pool", res)
    print(h["text"])
    print(doc["verdict"])
    root = root_process(doc, res)
    assert h["pid"] == root["pid"] and h["workers"] == 2, f"{h}:{res}"
    where = f"check (linkcheck.py:{CHECK_LINE})"
    assert h["location"] == where, f"{h}:{res}"
    assert h["busy_of_life_pct"] >= 85, f"{h}:{res}"
    # each request waits SERVER_DELAY in one of the two workers
    assert 0.8 * n * SERVER_DELAY * 1e9 <= h["wait_ns"] <= \
        2 * doc["wall_ns"], f"{h}:{res}"
    assert 50 <= h["wall_pct"] <= 100, f"{h}:{res}"
    assert "ThreadPoolExecutor(max_workers=…)" in h["text"], h["text"]
    assert "see the `pool` hint" in doc["verdict"], doc["verdict"]


@pytest.mark.parametrize("runtime", ["node", "asyncio"])
def test_event_loop_fetch(run, http_server, runtime):
    """An event loop fetching 12 URLs one after another waits for each
    answer in epoll, over all its descriptors: node's http.get, Python's
    asyncio streams.  Those waits are on the network, named by the server
    they awaited, on the path and in the verdict ("88.4% waiting in poll,
    select or epoll" before, the server named only in a hint)."""
    n = SERIAL_FETCHES
    base = f"http://127.0.0.1:{http_server.port}"
    if runtime == "node":
        node = shutil.which("node") or shutil.which("nodejs")
        if not node:
            pytest.skip("node is not installed (tools/install-deps.sh "
                        "installs Debian's nodejs)")
        argv = [node, WORKLOADS / "js" / "fetch_serial.js", base, n]
    else:
        argv = [DEBIAN_PYTHON, script("fetch_async.py"), base, n]
    res = run.whyslow("record", "--format", "json", "--", *argv,
                      timeout=TIMEOUT, env=no_proxy_env())
    assert res.returncode == 0, f"unexpected exit status:{res}"
    assert http_server.served == n, f"served {http_server.served}:{res}"
    doc = res.json()
    cats = {c["category"]: c["ns"] for c in doc["critical_path"]["categories"]}
    waited = n * SERVER_DELAY * 1e9
    print(runtime, {k: round(v / 1e6) for k, v in cats.items()})
    assert cats.get("network", 0) >= 0.8 * waited, f"{cats}:{res}"
    assert cats.get("poll", 0) <= 0.2 * waited, f"{cats}:{res}"
    peer = f"127.0.0.1:{http_server.port}"
    assert f"waiting on the network (epoll_wait for a response from " \
        f"{peer}" in doc["verdict"] or \
        f"waiting on the network (epoll_pwait for a response from " \
        f"{peer}" in doc["verdict"], doc["verdict"]
    net = [w for w in doc["waits"] if w["reason"] == "network"]
    assert net and sum(w["count"] for w in net) >= n * 0.8, f"{net}:{res}"
    assert all(peer in w["target"] for w in net), f"{net}:{res}"


# --- 3. spawned programs ---------------------------------------------------

def test_spawns(run):
    """spawn_all() runs /bin/true 200 times: one spawns entry, count 200,
    forked from spawn_all; the spawns hint says 200."""
    doc, res = run.record_json("--", workload("spawn"), SPAWNS,
                               timeout=TIMEOUT)
    io = io_of(doc, res)
    found = [s for s in io["spawns"] if s["program"] == "/bin/true"]
    assert len(found) == 1, f"/bin/true: {len(found)} io.spawns entries:{res}"
    s = found[0]
    assert s["count"] == SPAWNS, f"count {s['count']}:{res}"
    assert 0 < s["wall_ns"] <= doc["wall_ns"], f"{s}:{res}"
    assert abs(s["mean_ns"] - s["wall_ns"] / SPAWNS) <= 1, f"{s}:{res}"
    check_site(s["spawned_from"], "spawn_all", str(WORKLOADS / "spawn.c"), res,
               "spawned_from", FORK_LINE)
    assert s["spawned_from_count"] == SPAWNS, f"{s}:{res}"
    share = 100 * s["wall_ns"] / doc["wall_ns"]
    print(f"/bin/true x {SPAWNS}: {s['wall_ns'] / 1e6:.1f} ms, "
          f"{share:.1f}% of wall")
    h = one_hint(doc, "spawns", res)
    got = {k: h.get(k) for k in ("program", "count", "wall_ns", "location")}
    want = {"program": "/bin/true", "count": SPAWNS, "wall_ns": s["wall_ns"],
            "location": f"spawn_all (spawn.c:{FORK_LINE})"}
    assert got == want, f"spawns hint: got {got}, expected {want}:{res}"
    assert "/bin/true" in h["text"], f"spawns hint: {h['text']!r}:{res}"
    # one at a time, never nested: the union is the sum; /bin/true is all
    # start-up: starting it is the cost
    assert s["max_parallel"] == 1, f"{s}:{res}"
    assert s["union_wall_ns"] == s["wall_ns"], f"{s}:{res}"
    assert h["advice"] == "in_process", f"spawns hint: {h}:{res}"
    # their CPU, fork to exit, as the workload's getrusage counts it
    m = re.search(r"spawn: children CPU (\d+) ns", res.stderr)
    assert m, f"the workload did not say its children's CPU time:{res}"
    rusage = int(m.group(1))
    print(f"/bin/true CPU: {s['cpu_ns'] / 1e6:.1f} ms, getrusage "
          f"{rusage / 1e6:.1f} ms")
    assert abs(s["cpu_ns"] - rusage) <= 0.05 * rusage + 1_000_000, \
        f"cpu_ns {s['cpu_ns']}, getrusage {rusage}:{res}"


NESTED_ROUNDS, NESTED_LEVELS, NESTED_SLEEP = 4, 3, 0.05


def test_spawns_nested(run, short_dir):
    """A script runs bash in bash in bash NESTED_ROUNDS times (`; true`
    after each command: bash -c execs a lone last command in its own
    process, which would not nest): the runs' sum passes the wall time,
    their union does not, and holds every sleep; the hint's share is of
    the union; waiting for a nested run is not running beside it."""
    path = os.path.join(short_dir, "nested.sh")
    make_file(path, f"for i in $(seq {NESTED_ROUNDS}); do\n"
              f"    bash -c 'bash -c \"bash -c \\\"sleep {NESTED_SLEEP}; "
              f"true\\\"; true\"; true'\ndone\n")
    doc, res = run.record_json("--", "/bin/sh", path, timeout=TIMEOUT)
    io = io_of(doc, res)
    found = [s for s in io["spawns"] if s["program"].endswith("/bash")
             or s["program"] == "bash"]
    assert len(found) == 1, f"bash: {len(found)} io.spawns entries:{res}"
    s = found[0]
    wall = doc["wall_ns"]
    assert s["count"] == NESTED_ROUNDS * NESTED_LEVELS, f"{s}:{res}"
    assert s["wall_ns"] > wall, f"not nested, the test proves nothing: {s}:{res}"
    slept = NESTED_ROUNDS * NESTED_SLEEP * 1e9
    assert slept <= s["union_wall_ns"] <= wall, f"{s}, wall {wall}:{res}"
    assert s["max_parallel"] == 1, f"{s}:{res}"
    assert s["parent"] == "/bin/sh", f"{s}:{res}"
    assert s["cpu_ns"] < s["union_wall_ns"] / 2, f"{s}:{res}"
    print(f"bash x {s['count']}: sum {s['wall_ns'] / 1e6:.1f} ms, union "
          f"{s['union_wall_ns'] / 1e6:.1f} ms, wall {wall / 1e6:.1f} ms")
    h = one_hint(doc, "spawns", res)
    assert h["program"] == s["program"] and h["advice"] == "in_process", \
        f"spawns hint: {h}:{res}"
    assert h["union_wall_ns"] == s["union_wall_ns"], f"{h}:{res}"
    assert abs(h["wall_pct"] - 100 * s["union_wall_ns"] / wall) < 0.01 and \
        h["wall_pct"] <= 100, f"spawns hint: {h}:{res}"
    assert "counted once" in h["text"], f"spawns hint: {h['text']!r}:{res}"


GZIP_RUNS, GZIP_MB = 4, 8


def test_spawns_work_serial(run, short_dir):
    """sh compresses GZIP_MB MB of random bytes GZIP_RUNS times, one after
    another: gzip's CPU is its wall time, so it is work, and the advice is
    to run several at once, not in-process."""
    path = os.path.join(short_dir, "random.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(GZIP_MB << 20))
    os.chmod(path, 0o644)
    loop = f'for i in $(seq {GZIP_RUNS}); do gzip -c "$0" >/dev/null; done'
    doc, res = run.record_json("--", "/bin/sh", "-c", loop, path,
                               timeout=TIMEOUT)
    io = io_of(doc, res)
    found = [s for s in io["spawns"] if s["program"].endswith("gzip")]
    assert len(found) == 1, f"gzip: {len(found)} io.spawns entries:{res}"
    s = found[0]
    assert s["count"] == GZIP_RUNS and s["max_parallel"] == 1, f"{s}:{res}"
    assert s["union_wall_ns"] == s["wall_ns"] <= doc["wall_ns"], f"{s}:{res}"
    # its own CPU: most of its wall; not more but for starting it (fork
    # to exec, well under a millisecond)
    assert s["union_wall_ns"] / 2 <= s["cpu_ns"] <= \
        s["union_wall_ns"] + GZIP_RUNS * 1_000_000, f"{s}:{res}"
    print(f"gzip x {GZIP_RUNS}: wall {s['wall_ns'] / 1e6:.1f} ms, CPU "
          f"{s['cpu_ns'] / 1e6:.1f} ms of {doc['wall_ns'] / 1e6:.1f} ms")
    h = one_hint(doc, "spawns", res)
    assert h["program"] == s["program"] and h["advice"] == "parallelism", \
        f"spawns hint: {h}:{res}"
    assert "one at a time" in h["text"] and "in-process" not in h["text"], \
        f"spawns hint: {h['text']!r}:{res}"


def test_spawns_from_python_c(run):
    """`python3 -c`: the code's pseudo-file <string> is the user's own, so
    the spawns are placed at its line, not in subprocess.py nor nowhere."""
    code = "import subprocess\nfor i in range(5):\n    subprocess.run(['/bin/true'])\n"
    doc, res = run.record_json("--", DEBIAN_PYTHON, "-c", code,
                               timeout=TIMEOUT)
    io = io_of(doc, res)
    found = [s for s in io["spawns"] if s["program"] == "/bin/true"]
    assert len(found) == 1, f"/bin/true: {len(found)} io.spawns entries:{res}"
    assert found[0]["count"] == 5, f"{found[0]}:{res}"
    check_site(found[0]["spawned_from"], "<module>", "<string>", res,
               "spawned_from", 3)


def test_verdict_names_spawn_line(run, short_dir):
    """A script whose time is a child it runs: the verdict names the
    child as the work and the script's line that started it, directly
    (subprocess.run) or through a shell (os.system)."""
    path = os.path.join(short_dir, "waits.py")
    for head, call in (("import subprocess", "subprocess.run(['sleep', "
                        "'0.2'])"), ("import os", "os.system('sleep 0.2; "
                                     "true')")):
        make_file(path, f"{head}\ndef fetch_all():\n    for i in range(3):"
                  f"\n        {call}\nfetch_all()\n")
        doc, res = run.record_json("--", DEBIAN_PYTHON, path,
                                   timeout=TIMEOUT)
        v = doc["verdict"]
        assert "`sleep` holds the path" in v, f"{v}:{res}"
        assert re.search(r"spawned from `?fetch_all`? \((\S*/)?waits\.py:4\)",
                         v), f"{v}:{res}"
