"""Queries one SQLite table N times by a column that may have no index.

    python3 scan.py DB N

DB must hold the table t(id, k, v) (the test makes it; this script
creates nothing).  query(db, k) selects the rows where k = ?: without an
index on k, each query reads the whole table, and with the table larger
than SQLite's page cache (2 MB by default) that is the whole file again.
Prints on stderr its own wall time for the queries: wall_ns=..."""
import sqlite3
import sys
import time


def query(db, k):
    return db.execute("select v from t where k = ?", (k,)).fetchall()


if __name__ == "__main__":
    path, n = sys.argv[1], int(sys.argv[2])
    db = sqlite3.connect(path)
    start = time.monotonic()
    for i in range(n):
        query(db, i)
    print(f"wall_ns={int((time.monotonic() - start) * 1e9)}", file=sys.stderr)
