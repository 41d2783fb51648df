# SPDX-License-Identifier: GPL-2.0
"""Profiles of other tools, read by `report FILE`: a Go-like CPU profile
with an inlined frame and a @datadog/pprof-like wall profile, built with
npm's pprof-format encoder (through pprof_check.js), read with the shares
their values give, gzip'd or not.

The npm packages come from conftest's `npm` fixture: these tests are
skipped only when node or npm is missing (tools/install-deps.sh installs
them).  tests/fuzz/make-corpus.sh seeds the fuzzer with these profiles."""
import gzip
import os

import pytest

from test_pprof import func, md_section, pprof_encode, top_self, write

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")


def md_row(text, name):
    """The Top functions row of function `name`."""
    body = md_section(text, "Top functions") or ""
    rows = [line for line in body.splitlines()
            if line.startswith(f"| `{name}` |")]
    return rows[0] if rows else None


GO_PERIOD = 10_000_000
# (stack root first, samples): main.parse calls strings.Index, inlined
# (one location, two lines); main.hash; runtime.mallocgc from main.parse.
GO_STACKS = [
    (["main.main", "main.hash"], 47),
    (["main.main", "main.parse", "strings.Index"], 23),
    (["main.main", "main.parse"], 11),
    (["main.main", "main.parse", "runtime.mallocgc"], 9),
    (["main.main"], 3),
    (["runtime.goexit", "runtime.gcBgMarkWorker"], 6),
]


def go_spec():
    names = ["main.main", "main.hash", "main.parse", "strings.Index",
             "runtime.mallocgc", "runtime.goexit", "runtime.gcBgMarkWorker"]
    files = {"main.main": "/src/app/main.go", "main.hash": "/src/app/hash.go",
             "main.parse": "/src/app/parse.go",
             "strings.Index": "/usr/lib/go/src/strings/strings.go"}
    fid = {n: i + 1 for i, n in enumerate(names)}
    functions = [{"id": fid[n], "name": n,
                  "filename": files.get(n, "/usr/lib/go/src/runtime/x.go"),
                  "start_line": 10 * fid[n]} for n in names]
    # location per function, but parse+Index share one: lines innermost first
    locations = [
        {"id": 1, "mapping_id": 1, "address": 0x401000, "line": [[1, 12]]},
        {"id": 2, "mapping_id": 1, "address": 0x402000, "line": [[2, 33]]},
        {"id": 3, "mapping_id": 1, "address": 0x403000,
         "line": [[4, 1180], [3, 57]]},          # strings.Index in parse
        {"id": 4, "mapping_id": 1, "address": 0x404000, "line": [[3, 61]]},
        {"id": 5, "mapping_id": 1, "address": 0x405000, "line": [[5, 900]]},
        {"id": 6, "mapping_id": 1, "address": 0x406000, "line": [[6, 1650]]},
        {"id": 7, "mapping_id": 1, "address": 0x407000, "line": [[7, 1300]]},
    ]
    stack_locs = {
        ("main.main", "main.hash"): [2, 1],
        ("main.main", "main.parse", "strings.Index"): [3, 1],
        ("main.main", "main.parse"): [4, 1],
        ("main.main", "main.parse", "runtime.mallocgc"): [5, 4, 1],
        ("main.main",): [1],
        ("runtime.goexit", "runtime.gcBgMarkWorker"): [7, 6],
    }
    samples = [{"location_id": stack_locs[tuple(st)],
                "value": [n, n * GO_PERIOD]} for st, n in GO_STACKS]
    return {
        "sample_type": [["samples", "count"], ["cpu", "nanoseconds"]],
        "period_type": ["cpu", "nanoseconds"], "period": GO_PERIOD,
        "duration_nanos": 2_000_000_000, "time_nanos": 1_700_000_000 * 10**9,
        "mapping": [{"id": 1, "start": 0x400000, "limit": 0x800000,
                     "filename": "/src/app/server",
                     "build_id": "4c5a3c2a1b0e9d8f"}],
        "function": functions, "location": locations, "sample": samples,
    }


DD_PERIOD = 10_101_000      # @datadog/pprof's default wall interval, 99 Hz
DD_STACKS = [
    (["(root)", "processTicksAndRejections", "handleRequest", "JSON.parse"],
     40),
    (["(root)", "processTicksAndRejections", "handleRequest"], 15),
    (["(root)", "processTicksAndRejections", "handleRequest", "render",
      "(anonymous)"], 25),
    (["(root)", "(garbage collector)"], 8),
    (["(root)", "(idle)"], 12),
]


def dd_spec():
    names = sorted({n for st, _ in DD_STACKS for n in st})
    fid = {n: i + 1 for i, n in enumerate(names)}
    functions = [{"id": fid[n], "name": n, "system_name": n,
                  "filename": "" if n.startswith("(") else
                  "/app/server.js"} for n in names]
    # Node profiles: no mappings, a location per (function, line)
    locations = [{"id": fid[n], "line": [[fid[n], 5 + fid[n]]]}
                 for n in names]
    samples = [{"location_id": [fid[n] for n in reversed(st)],
                "value": [k, k * DD_PERIOD],
                "label": [{"key": "thread name", "str": "Main Event Loop"},
                          {"key": "thread id", "str": "0"}]}
               for st, k in DD_STACKS]
    return {
        "sample_type": [["sample", "count"], ["wall", "nanoseconds"]],
        "period_type": ["wall", "nanoseconds"], "period": DD_PERIOD,
        "duration_nanos": 1_000_000_000, "time_nanos": 1_700_000_000 * 10**9,
        "function": functions, "location": locations, "sample": samples,
    }


def self_shares(stacks):
    """{function: self share %} of (stack, count) lists."""
    total = sum(k for _, k in stacks)
    out = {}
    for st, k in stacks:
        out[st[-1]] = out.get(st[-1], 0) + k
    return {n: 100 * k / total for n, k in out.items()}, total


@pytest.mark.parametrize("which", ["go_cpu", "datadog_wall"])
def test_foreign_profile(npm, run, workdir, which):
    spec, stacks, period = (go_spec(), GO_STACKS, GO_PERIOD) \
        if which == "go_cpu" else (dd_spec(), DD_STACKS, DD_PERIOD)
    path = pprof_encode(npm, spec, workdir / f"{which}.pb.gz")
    shares, total = self_shares(stacks)
    heavy = max(shares, key=shares.get)
    pct = f"{shares[heavy]:.1f}%"

    md = run.whyslow("report", path)
    assert md.returncode == 0, md
    verdict = md_section(md.stdout, "Verdict")
    assert verdict and f"`{heavy}`" in verdict and pct in verdict, \
        f"the verdict should name {heavy} with {pct}:{md}"
    row = md_row(md.stdout, heavy)
    assert row and pct in row, f"{heavy}'s row should show {pct}:{md}"

    js = run.whyslow("report", "--format", "json", path)
    assert js.returncode == 0, js
    doc = js.json()
    assert doc["samples"] == total, f"samples: the counts' sum {total}:{js}"
    assert doc["sampled_ns"] == total * period, js
    assert doc["period_ns"] == period, js
    assert top_self(doc)["name"] == heavy, js
    for name, share in shares.items():
        f = func(doc, name, js)
        assert abs(f["self_pct"] - share) < 0.01, \
            f"{name}: self_pct {f['self_pct']}, expected {share:.2f}:{js}"
        assert f["self_samples"] == round(share * total / 100), js
    if which == "go_cpu":
        # the inlined frame: strings.Index inside main.parse, root first
        paths = [p["frames"] for p in doc["paths"]]
        assert ["main.main", "main.parse", "strings.Index"] in paths, \
            f"the inlined call path is missing:{js}"
        parse = func(doc, "main.parse", js)
        assert parse["total_samples"] == 23 + 11 + 9, js
        assert parse["line"] == 57 or parse["line"] == 61, js
        assert func(doc, "strings.Index", js)["line"] == 1180, js
    # the same profile, not gzip'd
    raw = write(workdir / f"{which}.pb", gzip.decompress(path.read_bytes()))
    again = run.whyslow("report", raw)
    assert again.returncode == 0 and again.stdout == md.stdout, again
