# SPDX-License-Identifier: GPL-2.0
"""Stripped programs by function (issue 15): code without symbols is
grouped by the function its .eh_frame FDE gives, one row per function named
`[module+0xSTART]` (START: the function's first byte as a file offset), the
ELF entry point is `_start`, and stacks that reach it are whole.

The truth comes from elsewhere: the workload's unstripped copy
(bin/stripped.full) for where its functions start, binutils' readelf for
the FDEs of Debian's gzip."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BIN, workload

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

STRIPPED_FUNCS = ("alpha", "beta", "kappa", "delta", "epsilon")
NAME = re.compile(r"^\[(?P<module>[^\]+]+)\+0x(?P<off>[0-9a-f]+)\]$")


def readelf(*args):
    res = subprocess.run(["readelf", *args], capture_output=True, text=True,
                         timeout=60, check=True)
    return res.stdout


def load_segments(path):
    """[(vaddr, offset, filesz)] of path's PT_LOAD segments."""
    segs = []
    for line in readelf("-lW", path).splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            segs.append((int(f[2], 16), int(f[1], 16), int(f[4], 16)))
    assert segs, f"no LOAD segment in {path}"
    return segs


def file_offset(segs, vaddr):
    for va, off, size in segs:
        if va <= vaddr < va + size:
            return off + vaddr - va
    return None


def symbol_offsets(path):
    """{function: file offset of its start} from path's .symtab."""
    segs = load_segments(path)
    out = {}
    for line in readelf("-sW", path).splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == "FUNC" and f[6] != "UND":
            off = file_offset(segs, int(f[1], 16))
            if off is not None:
                out[f[7]] = off
    return out


def fde_ranges(path):
    """File offsets [start, end) of path's FDEs, as binutils reads them."""
    segs = load_segments(path)
    ranges = []
    for m in re.finditer(r"FDE cie=\w+ pc=([0-9a-f]+)\.\.([0-9a-f]+)",
                         readelf("--debug-dump=frames", path)):
        off = file_offset(segs, int(m.group(1), 16))
        if off is not None:
            ranges.append((off, off + int(m.group(2), 16) -
                           int(m.group(1), 16)))
    return ranges


def fde_offsets(path):
    """File offsets of the starts of path's FDEs."""
    return {start for start, _ in fde_ranges(path)}


def stripped_rows(doc, module):
    """{start offset: row} of the report's unnamed functions of module."""
    rows = {}
    for f in doc["functions"]:
        m = NAME.match(f["name"])
        if m and m.group("module") == module:
            off = int(m.group("off"), 16)
            assert off not in rows, f"two rows for {f['name']}"
            rows[off] = f
    return rows


def measured_shares(res):
    """Each function's share (%) of the time the workload measured in the
    five: a noisy machine slows some phases more than others."""
    m = re.search(r"stripped: alpha_ns=(\d+) beta_ns=(\d+) kappa_ns=(\d+) "
                  r"delta_ns=(\d+) epsilon_ns=(\d+)", res.stderr)
    assert m, f"the workload's own timing line is missing:{res}"
    ns = [int(x) for x in m.groups()]
    return {f: 100 * n / sum(ns) for f, n in zip(STRIPPED_FUNCS, ns)}


def test_stripped_by_function(run):
    """Five functions of an -O2 binary without frame pointers, stripped:
    one row each, named by its start, with the share the workload measured
    (within 5 points); every other row of the program is a function start
    too; `_start` roots the paths and at most 5% of stacks are cut."""
    truth = symbol_offsets(str(BIN / "stripped.full"))
    doc, res = run.record_json("-F", 999, "--", workload("stripped"))
    rows = stripped_rows(doc, "stripped")
    starts = set(truth.values())
    # Code no FDE covers has no start to find: crt's
    # __do_global_dtors_aux calling __cxa_finalize as it exits (one sample
    # in a CI run) is named by its address, and is a sliver.
    fdes = fde_ranges(str(BIN / "stripped"))
    stray = {hex(o): r["name"] for o, r in rows.items() if o not in starts
             and (any(a <= o < b for a, b in fdes) or r["total_pct"] > 1)}
    assert not stray, f"rows not at a function's start: {stray}:{res}"
    want = measured_shares(res)
    for func in STRIPPED_FUNCS:
        row = rows.get(truth[func])
        assert row, f"{func} (+{truth[func]:#x}) has no row:{res}"
        assert abs(row["self_pct"] - want[func]) <= 5, \
            f"{func} self_pct, measured {want[func]:.1f}%:{res}"
    assert sum(rows[truth[f]]["self_pct"] for f in STRIPPED_FUNCS) >= 90, res
    q = doc["quality"]
    assert q["truncated_samples"] <= 0.05 * doc["samples"], \
        f"stacks of a stripped program reaching _start are whole:{res}"
    main = f"[stripped+{truth['main']:#x}]"
    top = max(doc["paths"], key=lambda p: p["samples"])
    assert top["frames"][0] == "_start" and main in top["frames"], \
        f"the hottest path runs _start → … → main:{res}"
    named = re.findall(r"\[stripped\+0x([0-9a-f]+)\]", doc["verdict"])
    assert named and all(int(o, 16) in starts for o in named), \
        f"the verdict names a function, not an instruction:{res}"
    assert "`stripped` is stripped: a build with symbols would name its " \
        "code" in doc["verdict"], f"no advice on getting names:{res}"


GZIP = "/usr/bin/gzip"


def has_symbols(path):
    return ".symtab" in readelf("-SW", path)


@pytest.mark.skipif(not shutil.which("readelf") or not os.access(GZIP, os.X_OK),
                    reason=f"needs binutils' readelf and {GZIP}")
def test_debian_gzip(run, tmp_path):
    """Debian's stripped gzip compressing 11 MB of text: each row of gzip
    starts where an FDE starts (binutils' own reading of .eh_frame), the
    hottest function has a row of its own (not one per instruction), and
    at most 5% of stacks are cut."""
    if has_symbols(GZIP):
        pytest.skip(f"{GZIP} is not stripped here")
    data = tmp_path / "words.txt"
    words = [b"alpha", b"beta", b"kappa", b"delta", b"epsilon", b"omega"]
    chunk, x = [], 12345
    for _ in range(100_000):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        chunk.append(words[x % 6] + b"%d " % (x % 1000))
    data.write_bytes(b"".join(chunk) * 12)   # repeats beyond gzip's window
    starts = fde_offsets(GZIP)
    doc, res = run.record_json("-F", 999, "--", "sh", "-c",
                               f"gzip -6 < {data} > /dev/null")
    rows = stripped_rows(doc, "gzip")
    assert rows, f"no unnamed gzip function in the report:{res}"
    stray = {hex(o): r["name"] for o, r in rows.items() if o not in starts}
    assert not stray, f"rows not at an FDE's start: {stray}:{res}"
    top = max(rows.values(), key=lambda r: r["self_pct"])
    assert top["self_pct"] >= 20, \
        f"deflate's hot loop is one row, not one per instruction:{res}"
    gzip_samples = sum(p["samples"] for p in doc["processes"]
                       if p["comm"] == "gzip")
    assert doc["quality"]["truncated_samples"] <= 0.05 * gzip_samples, res
