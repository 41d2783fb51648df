"""Whole native stacks without frame pointers (CFI unwinding of samples).

tests/workloads/bin/nofp_tree and its libnofp.so are built -O2
-fomit-frame-pointer: main -> a -> b -> lib_leaf (60 % of the work) and
main -> c -> lib_leaf (40 %), then main -> sorter -> qsort -> cmp.  Frame
pointers alone lose the callers of every frame there; the samples carry
the top of the user stack, unwound with .eh_frame."""
import re

from conftest import workload

FOLDED = re.compile(r"^(\S+) (\d+)$")


def folded_samples(res):
    """(frames, count) of the on-CPU stacks of the folded output."""
    out = []
    for line in res.stdout.splitlines():
        m = FOLDED.match(line)
        assert m, f"malformed folded line {line!r}:{res}"
        frames = m.group(1).split(";")
        if not any(f.startswith("[wait:") for f in frames):
            out.append((frames, int(m.group(2))))
    return out


def measured_ab(res):
    m = re.search(r"nofp_tree: ab_ns=(\d+) c_ns=(\d+)", res.stderr)
    assert m, f"nofp_tree's timing line is missing:{res}"
    ab, c = int(m.group(1)), int(m.group(2))
    return 100 * ab / (ab + c)


def test_call_tree_without_frame_pointers(run):
    """At least 95 % of the samples in lib_leaf have their whole path, from
    _start through main and a -> b or c, and the split is the measured one
    within 5 points."""
    res = run.record("--format", "folded", "--", workload("nofp_tree"))
    assert res.returncode == 0, res
    leaf = [(f, n) for f, n in folded_samples(res) if f[-1] == "lib_leaf"]
    total = sum(n for _, n in leaf)
    assert total >= 200, f"~0.33 s in lib_leaf:{res}"
    ab = sum(n for f, n in leaf if f[-5:] == ["__libc_start_call_main",
                                               "main", "a", "b", "lib_leaf"])
    c = sum(n for f, n in leaf if f[-4:] == ["__libc_start_call_main",
                                              "main", "c", "lib_leaf"])
    whole = sum(n for f, n in leaf if f[1] == "_start")
    assert ab + c >= 0.95 * total, \
        f"whole paths {ab + c} of {total} lib_leaf samples:{res}"
    assert whole >= 0.95 * total, f"from _start: {whole} of {total}:{res}"
    want = measured_ab(res)
    assert abs(100 * ab / (ab + c) - want) <= 5, \
        f"a->b share {100 * ab / (ab + c):.1f}%, measured {want:.1f}%:{res}"


def test_qsort_callers(run):
    """Samples in the comparison function show qsort and its caller above
    it: cmp <- msort... <- qsort_r <- sorter <- main."""
    res = run.record("--format", "folded", "--", workload("nofp_tree"), "1")
    assert res.returncode == 0, res
    cmp = [(f, n) for f, n in folded_samples(res) if f[-1] == "cmp"]
    total = sum(n for _, n in cmp)
    assert total >= 5, f"no samples in cmp:{res}"
    full = sum(n for f, n in cmp
               if "main" in f and "sorter" in f and "qsort_r" in f and
               f.index("main") < f.index("sorter") < f.index("qsort_r"))
    assert full >= 0.9 * total, f"{full} of {total} cmp samples whole:{res}"


def test_truncated_share_reported(run):
    """Data quality counts stacks that stop short; here almost none do."""
    doc, res = run.record_json("--", workload("nofp_tree"))
    assert doc["quality"]["truncated_samples"] <= 0.05 * doc["samples"], res


def test_fp_only_loses_callers(run):
    """--fp-only is frame pointers alone: lib_leaf, built without them,
    shows no callers — what the stack copy is for."""
    res = run.record("--fp-only", "--format", "folded", "--",
                     workload("nofp_tree"))
    assert res.returncode == 0, res
    leaf = [(f, n) for f, n in folded_samples(res) if f[-1] == "lib_leaf"]
    total = sum(n for _, n in leaf)
    with_main = sum(n for f, n in leaf if "main" in f)
    assert total >= 200 and with_main <= 0.5 * total, \
        f"{with_main} of {total} with main under --fp-only:{res}"
