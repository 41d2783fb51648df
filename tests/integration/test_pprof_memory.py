# SPDX-License-Identifier: GPL-2.0
"""Memory of `report` and `diff` on hostile pprof files (issue 11, item 3).

Small gzip files that expand into structures many times their size: a
string table of empty strings, many tiny samples, many locations with many
lines, and deep stacks of a location with many lines.  Each is 32 MiB once
decompressed.  `whyslow report` of it must exit 0, or 1 with one line, and
its peak RSS (/usr/bin/time %M) stay within 3x the decompressed size plus
a fixed base: the reader's allowance (PPROF_BUDGET_BASE, 64 MiB) plus the
RSS of reporting a tiny valid profile."""
import gzip
import subprocess
from pathlib import Path

import pytest

from conftest import WHYSLOW
from test_pprof import (no_crash, one_error_line, pb_bytes, pb_packed,
                        pb_uint)

SIZE = 32 << 20
ALLOWANCE = 64 << 20
TIME = "/usr/bin/time"

STRINGS = ["", "samples", "count", "hot", "hot.c"]


def head():
    """One sample type, one function `hot` in hot.c, the string table."""
    out = pb_bytes(1, pb_uint(1, 1) + pb_uint(2, 2))
    out += pb_bytes(5, pb_uint(1, 1) + pb_uint(2, 3) + pb_uint(4, 4))
    return out + b"".join(pb_bytes(6, s.encode()) for s in STRINGS)


def loc(lid, n_lines):
    line = pb_bytes(4, pb_uint(1, 1) + pb_uint(2, 1))
    return pb_bytes(4, pb_uint(1, lid) + line * n_lines)


def sample(locs):
    return pb_bytes(2, pb_packed(1, locs) + pb_packed(2, [1]))


def hostile(kind, size=SIZE):
    h = head()
    if kind == "empty_strings":
        return h + loc(1, 1) + sample([1]) + b"\x32\x00" * ((size - len(h)) // 2)
    if kind == "tiny_samples":
        s = sample([1])
        return h + loc(1, 1) + s * ((size - len(h)) // len(s))
    if kind == "many_lines":
        n = (size - len(h)) // len(loc(2, 64))
        return h + b"".join(loc(i, 64) for i in range(1, n + 1)) + sample([1])
    if kind == "deep_stacks":
        big, s = loc(1, 1000), sample([1] * 4096)
        return h + big + s * ((size - len(h) - len(big)) // len(s))
    raise ValueError(kind)


def peak_rss(args):
    """(result, peak RSS in bytes) of whyslow args."""
    res = subprocess.run([TIME, "-q", "-f", "%M", WHYSLOW, *args],
                         capture_output=True, text=True, timeout=120)
    lines = res.stderr.splitlines()
    res.stderr = "".join(l + "\n" for l in lines[:-1])
    return res, int(lines[-1]) * 1024


@pytest.fixture(scope="module")
def base_rss(tmp_path_factory):
    if not Path(TIME).exists():
        pytest.skip(f"{TIME} is missing")
    path = tmp_path_factory.mktemp("pm") / "tiny.pb.gz"
    path.write_bytes(gzip.compress(hostile("tiny_samples", 4096)))
    res, rss = peak_rss(["report", str(path), "-o", "/dev/null"])
    assert res.returncode == 0, res
    return rss


@pytest.mark.parametrize("size", [1 << 20, 4 << 20, SIZE])
@pytest.mark.parametrize("kind", ["empty_strings", "tiny_samples",
                                  "many_lines", "deep_stacks"])
def test_report_memory_bounded(tmp_path, base_rss, kind, size):
    """Small ones read (but deep stacks), large ones are refused; both
    within the bound."""
    data = hostile(kind, size)
    path = tmp_path / f"{kind}.pb.gz"
    path.write_bytes(gzip.compress(data, 6))
    res, rss = peak_rss(["report", str(path), "-o", "/dev/null"])
    no_crash(res)
    assert res.returncode in (0, 1), res
    if res.returncode:
        assert "memory" in one_error_line(res, path), res
    bound = 3 * len(data) + ALLOWANCE + base_rss
    assert rss <= bound, \
        f"{kind}: {rss >> 20} MiB RSS for {len(data) >> 20} MiB of " \
        f"protobuf (bound {bound >> 20} MiB)"


def test_diff_memory_bounded(tmp_path, base_rss):
    data = hostile("deep_stacks")
    path = tmp_path / "deep.pb.gz"
    path.write_bytes(gzip.compress(data, 6))
    res, rss = peak_rss(["diff", str(path), str(path), "-o", "/dev/null"])
    no_crash(res)
    assert res.returncode in (0, 1), res
    bound = 2 * (3 * len(data) + ALLOWANCE) + base_rss
    assert rss <= bound, f"diff: {rss >> 20} MiB RSS (bound {bound >> 20})"


def test_small_hostile_file_still_reads(tmp_path, base_rss):
    """Within the allowance the same shapes read and report: the budget
    refuses by size, not by shape."""
    for kind in ("empty_strings", "tiny_samples", "many_lines"):
        path = tmp_path / f"{kind}.pb.gz"
        path.write_bytes(gzip.compress(hostile(kind, 1 << 20)))
        res, _ = peak_rss(["report", str(path), "-o", "/dev/null"])
        assert res.returncode == 0, res
