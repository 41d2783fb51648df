# SPDX-License-Identifier: GPL-2.0
"""Hints about the libraries a program's time goes to, checked on real
runs: blasmul's matrix products in Debian's reference BLAS (libblas3,
loaded by its path as numpy finds it when no optimized BLAS is
installed) get the reference_blas hint, which names dgemm_ and the line
that called it, and the verdict points to it."""
import os

import pytest

from conftest import workload
from test_critical_path import hints
from test_io import source_line

REFERENCE_BLAS = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"


@pytest.mark.skipif(not os.path.exists(REFERENCE_BLAS),
                    reason="no reference BLAS (Debian package libblas3, "
                    "which `make test` installs)")
def test_reference_blas(run, built):
    doc, res = run.record_json("--", workload("blasmul"), REFERENCE_BLAS,
                               timeout=60)
    found = hints(doc, "reference_blas")
    assert len(found) == 1, f"reference_blas hints: {found}:{res}"
    h = found[0]
    line = source_line("blasmul.c", "dgemm(\"N\"")
    assert h["function"] == "dgemm_", f"{h}:{res}"
    assert h["location"] == f"multiply (blasmul.c:{line})", f"{h}:{res}"
    assert os.path.realpath(h["library"]) == os.path.realpath(
        REFERENCE_BLAS), f"{h}:{res}"
    assert h["cpu_pct"] >= 90, f"{h}:{res}"
    assert "install libopenblas0-pthread" in h["text"], f"{h}:{res}"
    assert "see the `reference_blas` hint" in doc["verdict"], res
    # the library's function needs no hint of its own
    assert not [x for x in hints(doc, "hot_library_function")
                if x["function"] == "dgemm_"], res
