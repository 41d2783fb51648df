# SPDX-License-Identifier: GPL-2.0
"""The critical path through a launcher (issue 13): a pyenv-like bash shim.

The shim runs 16 processes, then execs python3 on a script: the script's
crunch() is the verdict, the shim a launcher whose cost is its own
measured time (printed on stderr as name=value).  Run from a shims
directory, a short script's shim gets the `shim` hint, and its own runs
no `spawns` hint.  The checks every report passes are
test_critical_path.py's."""
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from conftest import REPO
from test_critical_path import (MS, TIMEOUT, check_report, hints, near,
                                self_measured)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

PYTHON = Path("/usr/bin/python3")
CRUNCH = REPO / "tests" / "workloads" / "py" / "crunch.py"


# --- a pyenv-like shim ------------------------------------------------------

# 16 processes before the exec (bash 5.2): basename, dirname, cd && pwd,
# uname, command -v (the last two subshells of builtins), cat, echo | tr
# (3: the subshell and both sides), grep || true (2), readlink, basename,
# date, and tr <<< (2); and a `while read` loop over 3000 lines (bash's
# own CPU, ~40 ms alone: pyenv parses its version files so).  Its start
# and exec times ($EPOCHREALTIME: no process to read them) go to stderr.
SHIM = r"""#!/bin/bash
# A pyenv-like shim: find the version, the interpreter, then exec it.
start=${EPOCHREALTIME/./}
set -e
program=$(basename "$0")
here=$(dirname "$0")
root=$(cd "$here" && pwd)
os=$(uname -s)
self=$(command -v "$program" || true)
version=$(cat "$root/version")
version=$(echo "$version" | tr -d '[:space:]')
count=0
while IFS= read -r line; do
	case $line in
	"#"*) ;;
	*) count=$((count + 1)) ;;
	esac
done <"$root/versions.list"
found=$(grep -c "^$version" "$root/versions.list" || true)
target=$(readlink -f /usr/bin/python3)
name=$(basename "$target")
stamp=$(date +%s)
upper=$(tr a-z A-Z <<<"$os")
[ -n "$self$found$name$stamp$count$upper" ]
echo "shim: start_us=$start exec_us=${EPOCHREALTIME/./}" >&2
exec /usr/bin/python3 "$@"
"""
SHIM_PROCESSES = 16


def write_shim(d):
    shim = d / "python3"
    shim.write_text(SHIM)
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP
               | stat.S_IXOTH)
    (d / "version").write_text("3.11.2\n")
    (d / "versions.list").write_text("".join(
        f"3.{i % 14}.{i % 7} # build {i} {'x' * 40}\n" for i in range(3000)))
    return shim


@pytest.mark.skipif(not os.access(PYTHON, os.X_OK) or not shutil.which("bash"),
                    reason=f"needs bash and {PYTHON}")
def test_python_shim(run, tmp_path):
    """`python3 crunch.py` where python3 is the shim: crunch() (~1 s) is
    the work and the verdict; the shim is one launcher, named python3,
    run by bash, whose cost on the path is what it measured itself from
    its first line to its exec (its own start-up, ~2 ms, comes on top)."""
    shim = write_shim(tmp_path)
    doc, res = run.record_json("--", shim, CRUNCH, timeout=TIMEOUT)
    cp = check_report(doc, res)
    start_us, exec_us = self_measured(res, "start_us", "exec_us")
    measured = (exec_us - start_us) * 1000
    interp = PYTHON.resolve().name              # python3.11
    launchers = [la for la in doc["launchers"] if la["name"] == "python3"]
    assert len(launchers) == 1, \
        f"expected one launcher python3: {doc['launchers']}:{res}"
    shim_row = launchers[0]
    figures = (f"shim measured {measured / MS:.1f} ms, reported "
               f"{shim_row['ns'] / MS:.1f} ms ({shim_row['pct']}%) in "
               f"{shim_row['processes']} processes")
    print(figures)
    assert near(shim_row["ns"], measured, 0.20, 15 * MS), f"{figures}:{res}"
    assert shim_row["interpreter"] == "bash", f"{shim_row}:{res}"
    assert shim_row["started"] == interp, f"{shim_row}:{res}"
    assert shim_row["kind"] == "exec_chain", f"{shim_row}:{res}"
    # Processes it ran: the 16 it forked, maybe counting itself; whyslow
    # may miss one that ended before it was seen.
    assert SHIM_PROCESSES - 1 <= shim_row["processes"] <= SHIM_PROCESSES + 1, \
        f"{figures}; the shim runs {SHIM_PROCESSES}:{res}"
    # The script leads; the shim is a fair finding, not the first one.
    top = cp["programs"][0]
    assert top["name"] == interp, f"{cp['programs'][:4]}:{res}"
    assert shim_row["pct"] < top["pct"], f"{figures}:{res}"
    first = cp["functions"][0]
    assert first["name"] == "crunch" and \
        (first["file"] or "").endswith("crunch.py"), \
        f"crunch should lead the path's functions: " \
        f"{[f['name'] for f in cp['functions'][:5]]}:{res}"
    # Top functions: led by the script (crunch, or its callers there),
    # crunch most of the path, and no function of bash's worth more than
    # the shim it runs (zread was once first, at 45.8% of wall).
    tops = [(f["name"], f["module"], f["wall_pct"])
            for f in doc["functions"][:6]]
    assert (doc["functions"][0]["file"] or "").endswith("crunch.py"), \
        f"the script should lead Top functions: {tops}:{res}"
    crunch = next((f for f in doc["functions"] if f["name"] == "crunch"),
                  None)
    # Waits for a CPU (a busy machine) stay out of functions' path time.
    cpu_wait = sum(c["pct"] for c in cp["categories"]
                   if c["category"] == "cpu_wait")
    assert crunch and crunch["wall_pct"] >= 0.5 * (100 - cpu_wait), \
        f"{tops}, CPU wait {cpu_wait}%:{res}"
    bash = [(f["name"], f["wall_pct"]) for f in doc["functions"]
            if f["module"] == "bash" and f["wall_pct"] > shim_row["pct"] + 1]
    assert not bash, f"bash's functions over the shim's {shim_row['pct']}%: " \
        f"{bash}:{res}"
    assert "crunch" in doc["verdict"], f"the verdict misses crunch:{res}"
    assert "zread" not in doc["verdict"], f"the verdict blames bash:{res}"


@pytest.mark.skipif(not os.access(PYTHON, os.X_OK) or not shutil.which("bash"),
                    reason=f"needs bash and {PYTHON}")
def test_shim_hint(run, tmp_path):
    """A short script through the shim, from a shims directory as pyenv's:
    the shim is a fair share, and the hint says so, names the interpreter
    it chose to run directly and the manager to ask for it; what it ran
    choosing (bash subshells, uname, tr, ...) counts in its prelude and
    gets no spawns hint.  Its runs are those of the spawns table."""
    shims = tmp_path / ".fakeenv" / "shims"
    shims.mkdir(parents=True)
    shim = write_shim(shims)
    # and 20 bash runs, as pyenv's scripts: a spawns hint's worth
    shim.write_text(SHIM.replace(
        "\nexec ", "\nfor i in $(seq 20); do v=$(/usr/bin/bash -c 'echo "
        "$0' $i); done\nexec "))
    doc, res = run.record_json("--", shim, "-c",
                               "sum(i * i for i in range(1500000))",
                               timeout=TIMEOUT)
    check_report(doc, res)
    found = hints(doc, "shim")
    assert len(found) == 1, f"expected one shim hint: {found}:{res}"
    h = found[0]
    interp = PYTHON.resolve()
    assert h["shim"] == str(shim), f"{h}:{res}"
    assert h["started"] == interp.name, f"{h}:{res}"
    assert h["executable"] == str(interp), f"{h}:{res}"
    assert h["manager"] == "fakeenv", f"{h}:{res}"
    assert h["interpreter"] == "bash", f"{h}:{res}"
    shim_processes = SHIM_PROCESSES + 1 + 20      # seq, 20 bash
    assert shim_processes - 1 <= h["processes"] <= shim_processes + 1, \
        f"{h}:{res}"
    assert 5 <= h["wall_pct"] < 80, f"{h}:{res}"
    assert f"running {interp} directly (\"fakeenv which python3\" " \
        "prints its path)" in h["text"], f"{h['text']}:{res}"
    spawns = {s["program"]: s for s in doc["io"]["spawns"]}
    assert spawns["/usr/bin/bash"]["count"] == 20, f"{spawns}:{res}"
    for prog in ("/usr/bin/bash", "/usr/bin/uname", "/usr/bin/tr",
                 "/usr/bin/date"):
        s = spawns.get(prog) or spawns.get("/bin/" + prog.split("/")[-1])
        assert s and s["prelude_count"] == s["count"] >= 1, \
            f"{prog}: {s}:{res}"
    assert spawns[str(PYTHON)]["prelude_count"] == 0, f"{spawns}:{res}"
    assert not hints(doc, "spawns"), \
        f"a spawns hint about the shim's own runs: {hints(doc, 'spawns')}:{res}"


@pytest.mark.skipif(not os.access(PYTHON, os.X_OK) or not shutil.which("bash"),
                    reason=f"needs bash and {PYTHON}")
def test_script_runs_shim(run, tmp_path):
    """A script that runs python3 through the shim 3 times, one after the
    other: one launcher row for the 3 shims, each run's cost its own (what
    it measured itself, not what ran before it in the earlier runs), the
    shim hint, and no spawns hint about what the shims ran choosing."""
    shims = tmp_path / ".fakeenv" / "shims"
    shims.mkdir(parents=True)
    shim = write_shim(shims)
    script = tmp_path / "three.sh"
    script.write_text("#!/bin/sh\n" + "".join(
        f"{shim} -c 'sum(i * i for i in range(2000000))'\n"
        for _ in range(3)))
    script.chmod(0o755)
    doc, res = run.record_json("--", script, timeout=TIMEOUT)
    check_report(doc, res)
    spans = re.findall(r"start_us=(\d+) exec_us=(\d+)", res.stderr)
    assert len(spans) == 3, f"the shim ran {len(spans)} times:{res}"
    measured = sum(int(e) - int(s) for s, e in spans) * 1000
    rows = [la for la in doc["launchers"] if la["name"] == "python3"]
    assert len(rows) == 1, f"one row for the 3 shims: {doc['launchers']}:{res}"
    row = rows[0]
    figures = (f"shims measured {measured / MS:.1f} ms, reported "
               f"{row['ns'] / MS:.1f} ms ({row['pct']}%) in "
               f"{row['processes']} processes")
    print(figures)
    assert row["kind"] == "exec_chain", f"{row}:{res}"
    assert near(row["ns"], measured, 0.20, 30 * MS), f"{figures}:{res}"
    assert 3 * (SHIM_PROCESSES - 1) <= row["processes"] <= \
        3 * (SHIM_PROCESSES + 1), f"{figures}:{res}"
    found = hints(doc, "shim")
    assert len(found) == 1, f"expected one shim hint: {found}:{res}"
    assert found[0]["shim"] == str(shim) and found[0]["runs"] == 3, \
        f"{found[0]}:{res}"
    assert found[0]["executable"] == str(PYTHON.resolve()), \
        f"{found[0]}:{res}"
    shim_runs = {str(shim), "/usr/bin/uname", "/usr/bin/tr", "/usr/bin/date"}
    about = [h["text"] for h in hints(doc, "spawns")
             if any(p in h["text"] for p in shim_runs)]
    assert not about, f"spawns hints about the shims' own runs: {about}:{res}"
