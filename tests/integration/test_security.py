# SPDX-License-Identifier: GPL-2.0
"""whyslow runs as root; these tests attack it as the profiled program
would.  The sudo user is `nobody` (SUDO_UID/SUDO_GID set, whyslow still
root): the command runs as nobody, and every file whyslow opens for the
user must be opened with nobody's rights, never through a link nobody
planted, and never wait on a FIFO."""
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import WHYSLOW

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not os.access("/usr/bin/setpriv", os.X_OK),
    reason="needs root (BPF) and setpriv to act as nobody")

NOBODY = 65534
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
             "--clear-groups"]
SECRET = b"root's own bytes\n"


def sudo_env():
    env = dict(os.environ)
    env.update(SUDO_UID=str(NOBODY), SUDO_GID=str(NOBODY), SUDO_USER="nobody")
    return env


class Arena:
    """A root-owned directory holding what the attacker aims at: a root
    file, a root-only FIFO and a root-only directory; and pub/, a sticky
    directory nobody can write to, where the outputs go."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="whyslow-sec-"))
        os.chmod(self.root, 0o755)
        self.pub = self.root / "pub"
        self.pub.mkdir()
        os.chmod(self.pub, 0o1777)
        self.file = self.root / "rootfile"
        self.file.write_bytes(SECRET)
        os.chmod(self.file, 0o644)
        old = time.time() - 3600   # an mtime any write would change
        os.utime(self.file, (old, old))
        self.mtime = self.file.stat().st_mtime_ns
        self.fifo = self.root / "rootfifo"
        os.mkfifo(self.fifo, 0o600)
        # Kept open so that a writer's open would not fail for want of a
        # reader: only whyslow's care keeps bytes out of it.
        self.fifo_rd = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.private = self.root / "rootonly"
        self.private.mkdir(mode=0o700)

    def plant(self, link, target):
        """A symbolic link at link to target, made by nobody."""
        subprocess.run(AS_NOBODY + ["ln", "-sfn", str(target), str(link)],
                       check=True, timeout=10)

    def check_untouched(self, res):
        assert self.file.read_bytes() == SECRET, f"root's file written:{res}"
        assert self.file.stat().st_mtime_ns == self.mtime, \
            f"root's file modified:{res}"
        assert self.file.stat().st_uid == 0, res
        assert list(self.private.iterdir()) == [], \
            f"a file was created in a root-only directory:{res}"
        try:
            got = os.read(self.fifo_rd, 65536)
        except BlockingIOError:
            got = b""
        assert got == b"", f"{len(got)} bytes written through the FIFO:{res}"

    def close(self):
        os.close(self.fifo_rd)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def arena():
    a = Arena()
    yield a
    a.close()


def check_report_or_refusal(link, res):
    """Either whyslow refused (exit 2 when opening the output, 1 when
    writing it; one line) or the report replaced the link as nobody's own
    regular file."""
    assert res.returncode in (0, 1, 2), res
    if res.returncode:
        assert res.stderr.count("\n") == 1 and str(link) in res.stderr, res
        return
    st = os.lstat(link)
    assert stat.S_ISREG(st.st_mode), f"the report did not replace the link:{res}"
    assert st.st_uid == NOBODY, f"the report belongs to the sudo user:{res}"


@pytest.mark.parametrize("option", ["-o", "--save"])
@pytest.mark.parametrize("target", ["file", "fifo", "missing"])
def test_planted_symlink(run, arena, option, target):
    """nobody plants a link at the output path before whyslow starts, and
    the command plants it again while whyslow records."""
    aim = {"file": arena.file, "fifo": arena.fifo,
           "missing": arena.private / "created"}[target]
    link = arena.pub / "out"
    arena.plant(link, aim)
    res = run.whyslow("record", option, link, "--", "ln", "-sfn", aim, link,
                      env=sudo_env(), timeout=30)
    arena.check_untouched(res)
    check_report_or_refusal(link, res)
    if target == "file":
        # Nothing stood in the way: the report is there, as nobody's.
        assert res.returncode == 0, res


def test_planted_during_recording(run, arena):
    """The link appears only after whyslow opened its outputs."""
    out, save = arena.pub / "r.md", arena.pub / "s.pb.gz"
    script = (f"ln -s {arena.file} {out}; ln -s {arena.fifo} {save}")
    res = run.whyslow("record", "-o", out, "--save", save, "--", "sh", "-c",
                      script, env=sudo_env(), timeout=30)
    arena.check_untouched(res)
    assert res.returncode == 0, res
    for path in (out, save):
        check_report_or_refusal(path, res)
    assert out.read_text().startswith("#"), res


SWAPPER = """
import os, sys
out, a, b = sys.argv[1:4]
tmp = out + ".swap"
i = 0
while True:
    i += 1
    try:
        os.symlink(a if i % 2 else b, tmp)
        os.rename(tmp, out)
    except OSError:
        pass
"""


def test_symlink_swap_race(run, arena):
    """nobody swaps the output link between /dev/null and root's file all
    through ten recordings: root's file is never written."""
    out = arena.pub / "out"
    swapper = run.background(*AS_NOBODY, "/usr/bin/python3", "-c", SWAPPER,
                             out, "/dev/null", arena.file)
    try:
        for _ in range(10):
            res = run.whyslow("record", "-o", out, "--", "true",
                              env=sudo_env(), timeout=30)
            # written (0), or refused: before the command runs (2, the
            # output is opened first) or at the end (1)
            assert res.returncode in (0, 1, 2), res
            arena.check_untouched(res)
    finally:
        os.killpg(swapper.pid, signal.SIGKILL)
    arena.check_untouched(res)


@pytest.mark.parametrize("sudo", [False, True], ids=["root", "sudo"])
def test_fifo_output_fails_at_once(run, arena, sudo):
    fifo = arena.pub / "fifo"
    os.mkfifo(fifo, 0o666)
    os.chmod(fifo, 0o666)
    marker = arena.pub / "marker"
    res = run.whyslow("record", "-o", fifo, "--", "touch", marker,
                      env=sudo_env() if sudo else None, timeout=30)
    assert res.returncode == 2, res
    assert res.elapsed < 1, f"a FIFO without a reader hangs whyslow:{res}"
    assert "No such device or address" in res.stderr, res
    assert not marker.exists(), f"the command ran:{res}"


@pytest.mark.parametrize("sudo", [False, True], ids=["root", "sudo"])
def test_fifo_input_fails_at_once(run, arena, sudo):
    fifo = arena.pub / "fifo"
    os.mkfifo(fifo, 0o666)
    os.chmod(fifo, 0o666)
    res = run.whyslow("report", fifo, env=sudo_env() if sudo else None,
                      timeout=30)
    assert res.returncode == 1, res
    assert res.elapsed < 1, f"a FIFO hangs whyslow report:{res}"
    assert res.stderr == f"whyslow: {fifo}: not a regular file\n", res
    res = run.whyslow("diff", fifo, fifo, env=sudo_env() if sudo else None,
                      timeout=30)
    assert res.returncode == 1 and res.elapsed < 1, res


def test_bad_output_dir_fails_before_the_command(run, arena):
    marker = arena.pub / "marker"
    res = run.whyslow("record", "-o", "/nonexistent/x.md", "--save",
                      arena.pub / "s.pb.gz", "--", "touch", marker,
                      timeout=30)
    assert res.returncode == 2, res
    assert "/nonexistent/x.md: directory /nonexistent: No such file or " \
        "directory" in res.stderr, res
    assert not marker.exists(), f"the command ran:{res}"
    assert list(arena.pub.iterdir()) == [], res
    res = run.whyslow("record", "--save", arena.private / "x" / "s.pb.gz",
                      "--", "touch", marker, timeout=30, env=sudo_env())
    assert res.returncode == 2 and not marker.exists(), res


def test_private_output_dir_refused(run, arena):
    """A directory root can write and nobody cannot gets no report."""
    res = run.whyslow("record", "-o", arena.private / "r.md", "--", "true",
                      env=sudo_env(), timeout=30)
    assert res.returncode == 2, res
    assert "Permission denied" in res.stderr, res
    arena.check_untouched(res)


def helper_of(pid):
    """PIDs of pid's children named whyslow-sudo."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            comm = (d / "comm").read_text().strip()
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if comm == "whyslow-sudo" and ppid == pid:
            found.append(int(d.name))
    return found


def test_sigkill_leaves_no_file(run, arena):
    started = arena.pub / "started"
    out = arena.pub / "r.md"
    argv = [WHYSLOW, "record", "-o", str(out), "--save",
            str(arena.pub / "s.pb.gz"), "--", "sh", "-c",
            f"touch {started}; exec sleep 30"]
    proc = run.popen(argv, stdin=subprocess.DEVNULL, env=sudo_env())
    deadline = time.monotonic() + 20
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), "the command never started"
    helpers = helper_of(proc.pid)
    assert len(helpers) == 1, f"whyslow's sudo helper: {helpers}"
    proc.kill()
    proc.wait(timeout=10)
    assert sorted(p.name for p in arena.pub.iterdir()) == ["started"], \
        "a killed whyslow left files behind"
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{helpers[0]}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{helpers[0]}"), \
        "the sudo helper outlived whyslow"


QUOTED = "/* wsq-mark */"
BURN_C = f"""
int main(void)
{{
	volatile unsigned long acc = 0;
	unsigned long i;

	for (i = 0; i < 150000000ul; i++) acc += i % 7; {QUOTED}
	return 0;
}}
"""


@pytest.fixture
def burner():
    d = Path(tempfile.mkdtemp(prefix="whyslow-src-"))
    os.chmod(d, 0o755)
    (d / "burn.c").write_text(BURN_C)
    subprocess.run(["cc", "-g", "-O0", "-o", str(d / "burn"),
                    str(d / "burn.c")], check=True, timeout=60)
    os.chmod(d / "burn", 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_source_read_with_users_groups(run, burner, mode):
    """Under sudo, root keeps group 0: a root:root 0640 source file is not
    quoted in Hot lines; a world-readable one is."""
    src = burner / "burn.c"
    os.chown(src, 0, 0)
    os.chmod(src, mode)
    res = run.whyslow("record", "--", burner / "burn", env=sudo_env(),
                      prefix=["setpriv", "--groups", "0"], timeout=60)
    assert res.returncode == 0, res
    assert "## Hot lines" in res.stdout, res
    assert f"{src}:" in res.stdout, f"the hot line is not shown:{res}"
    if mode & 0o004:
        assert QUOTED in res.stdout, f"a readable source is not quoted:{res}"
    else:
        assert QUOTED not in res.stdout, \
            f"a source nobody cannot read is quoted:{res}"


def test_dev_stdout_is_whyslows_stdout(run, arena):
    """-o /dev/stdout writes to whyslow's stdout, even redirected to a
    root-owned file, and never replaces the /dev/stdout link."""
    save = arena.pub / "s.pb.gz"
    res = run.whyslow("record", "--save", save, "--", "true",
                      env=sudo_env(), timeout=30)
    assert res.returncode == 0, res
    out = arena.root / "stdout.md"
    with open(out, "w") as f:
        proc = subprocess.run([WHYSLOW, "report", str(save), "-o",
                               "/dev/stdout"], stdout=f, stderr=subprocess.PIPE,
                              text=True, env=sudo_env(), timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("# whyslow: true"), proc.stderr
    assert os.path.islink("/dev/stdout")
