# SPDX-License-Identifier: GPL-2.0
"""Names people can read, and classes by what code is.

- C++ demangled: tests/workloads/cxx_geo (a namespace, a class template,
  std::sort; -O2 without frame pointers) reads `geo::Index<int>::
  rebuild(int)`, never `_ZN3geo...`, in Markdown, JSON and folded; the
  saved pprof keeps the mangled symbol as Function.system_name, and JSON
  lists it with the clone suffix under `symbols` and `clones`.
- GCC clones fold into their function: bin/cxx_geo has
  `_ZL6crunchmm.constprop.0` and an `.isra.0` std::__introsort_loop,
  bin/noclone/cxx_geo (built without IPA-CP and IPA-SRA) has neither, and
  `whyslow diff` of the two matches each function with itself.
- A pyenv CPython's standard library (lib/python3.x/json/encoder.py) is
  class runtime, the script's own code app."""
import gzip
import os
import re

import pytest

from conftest import BIN, PYENV, REPO
from test_pprof import pb_fields        # the protobuf walker

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

TIMEOUT = 30
ROUNDS = "6"            # ~0.3 s of cxx_geo
CXX_GEO = str(BIN / "cxx_geo")
CXX_GEO_NOCLONE = str(BIN / "noclone" / "cxx_geo")
REBUILD = "geo::Index<int>::rebuild(int)"
CRUNCH = "crunch(unsigned long, unsigned long)"
INTROSORT = "void std::__introsort_loop<"
MANGLED = re.compile(r"(?<![\w.])_Z[A-Z0-9]")


@pytest.fixture
def workdir(tmp_path):
    os.chmod(tmp_path, 0o755)
    return tmp_path


def record_saved(run, workdir, binary, name):
    """Record binary ROUNDS with --save; (JSON report, saved file)."""
    saved = workdir / f"{name}.pb.gz"
    doc, res = run.record_json("--save", saved, "--", binary, ROUNDS,
                               timeout=TIMEOUT)
    assert saved.exists(), res
    return doc, saved


def report(run, saved, fmt):
    res = run.whyslow("report", "--format", fmt, saved, timeout=TIMEOUT)
    assert res.returncode == 0, res
    return res


def func(doc, name):
    found = [f for f in doc["functions"] if f["name"] == name]
    assert len(found) == 1, \
        f"{name}: {len(found)} functions of that name in " \
        f"{[f['name'] for f in doc['functions']]}"
    return found[0]


def string_table(pb):
    """The string table of an uncompressed profile.proto."""
    return [v.decode("utf-8", "replace")
            for num, _, v, _ in pb_fields(pb) if num == 6]


def pprof_functions(path):
    """{name: system_name} of a saved profile's functions."""
    pb = gzip.decompress(path.read_bytes())
    strs = string_table(pb)
    out = {}
    for num, _, msg, _ in pb_fields(pb):
        if num != 5:
            continue
        f = {n: v for n, _, v, _ in pb_fields(msg)}
        out[strs[f.get(2, 0)]] = strs[f.get(3, 0)]
    return out


def table_rows(md, heading):
    """The cells of each row of the table under ## heading (none without
    the section: a CPU-bound run may have no wait at all)."""
    if f"\n## {heading}\n" not in md:
        return []
    part = md.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip("|").split(" | ")]
            for line in part.splitlines()
            if line.startswith("| ") and not line.startswith("| share |")
            and not line.startswith("| reason |")]


def assert_rows_read_apart(md):
    """No two rows of Hot call paths read alike but for a fold's count
    (std::sort's recursion) or a recursion's depth, none of Top waits
    alike in what it shows."""
    paths = [re.sub(r" \(×[\d–]+\)", " (×)",
                    re.sub(r"…\([\d–]+\)…", "…", r[2]))
             for r in table_rows(md, "Hot call paths")]
    assert paths and len(paths) == len(set(paths)), md
    waits = [tuple(r[:3]) for r in table_rows(md, "Top waits")]
    assert len(waits) == len(set(waits)), md


def test_cxx_names(run, workdir):
    doc, saved = record_saved(run, workdir, CXX_GEO, "geo")
    names = [f["name"] for f in doc["functions"]]
    mangled = [n for n in names if MANGLED.search(n)]
    assert not mangled, f"mangled names in JSON: {mangled}"
    for path in doc["paths"]:
        assert not any(MANGLED.search(n) for n in path["frames"]), path
    # the three functions doing the work, by their C++ names
    rebuild, crunch = func(doc, REBUILD), func(doc, CRUNCH)
    sort = [f for f in doc["functions"] if f["name"].startswith(INTROSORT)]
    assert len(sort) == 1, names
    assert rebuild["symbols"] == ["_ZN3geo5IndexIiE7rebuildEi"], rebuild
    assert rebuild["clones"] == [], rebuild
    assert crunch["symbols"] == ["_ZL6crunchmm.constprop.0"], crunch
    assert crunch["clones"] == [".constprop.0"], crunch
    assert sort[0]["clones"] == [".isra.0"], sort[0]
    # crunch runs 20M steps a round, rebuild sorts 200k ints: both show
    # (the sort's own time is mostly in what it inlines: its total)
    assert crunch["self_samples"] > 0 and sort[0]["total_samples"] > 0, doc

    md = report(run, saved, "md").stdout
    assert not MANGLED.search(md), f"a mangled name in Markdown:\n{md}"
    assert f"`{REBUILD}`" in md and f"`{CRUNCH}`" in md, md
    # std::sort's functions are too long for a cell: their template
    # arguments go (which of them shows depends on where samples fell)
    assert re.search(r"`[^`|]*std::__[a-z_]+<…>\(…\)`", md), md
    assert_rows_read_apart(md)
    # a library's function in the verdict says whose call it is
    vf = doc["verdict_function"]
    if vf and vf["class"] != "app":
        assert vf["called_from"]["name"] in (REBUILD, CRUNCH, "main"), vf
        assert f" called from `{vf['called_from']['name']}`" in md, md
    folded = report(run, saved, "folded").stdout
    frames = {fr for line in folded.splitlines()
              for fr in line.rsplit(" ", 1)[0].split(";")}
    assert not [f for f in frames if MANGLED.search(f)], folded
    assert "geo::Index<int>::rebuild(int)" in frames, folded
    assert "crunch(unsigned_long,unsigned_long)" in frames, folded

    # pprof: readable name, the symbol as system_name; read back the same
    fns = pprof_functions(saved)
    assert fns.get(REBUILD) == "_ZN3geo5IndexIiE7rebuildEi", fns
    assert fns.get(CRUNCH) == "_ZL6crunchmm.constprop.0", fns
    assert fns.get("main") == "main", fns
    again = report(run, saved, "json").json()
    assert func(again, CRUNCH)["symbols"] == crunch["symbols"], again


def test_clones_match_in_diff(run, workdir):
    _, before = record_saved(run, workdir, CXX_GEO, "clones")
    nodoc, after = record_saved(run, workdir, CXX_GEO_NOCLONE, "noclone")
    assert func(nodoc, CRUNCH)["symbols"] == ["_ZL6crunchmm"], \
        "bin/noclone/cxx_geo was built with the clone after all"
    res = run.whyslow("diff", "--format", "json", before, after,
                      timeout=TIMEOUT)
    assert res.returncode == 0, res
    funcs = res.json()["functions"]
    for want in (CRUNCH, INTROSORT):
        rows = [f for f in funcs if f["name"].startswith(want)]
        assert len(rows) == 1, f"{want}: {rows}{res}"
        assert rows[0]["status"] not in ("appeared", "vanished"), rows[0]
        # the sort's own time is mostly in what it inlines: its total
        assert rows[0]["total_before_ns"] > 0 and \
            rows[0]["total_after_ns"] > 0, rows[0]


def pyenv_python():
    found = sorted(PYENV.glob("3.1[0-3]*/bin/python3"))
    return str(found[-1]) if found else None


@pytest.mark.skipif(not pyenv_python(), reason=f"no pyenv CPython 3.10-3.13 "
                    f"under {PYENV}")
def test_pyenv_stdlib_is_runtime(run):
    python = pyenv_python()
    script = REPO / "tests" / "workloads" / "py" / "stdlib_json.py"
    doc, res = run.record_json("--", python, script, timeout=TIMEOUT)
    stdlib = [f for f in doc["functions"]
              if f["file"] and "/lib/python3." in f["file"]
              and f["file"].endswith(".py")]
    assert stdlib, f"no standard-library frame:{res}"
    wrong = [(f["name"], f["file"], f["class"]) for f in stdlib
             if f["class"] != "runtime"]
    assert not wrong, f"stdlib frames not runtime: {wrong}"
    encoder = [f for f in stdlib if f["file"].endswith("/json/encoder.py")]
    assert encoder and max(f["total_samples"] for f in encoder) > 0, stdlib
    own = func(doc, "encode_all")
    assert own["class"] == "app" and own["file"] == str(script), own
