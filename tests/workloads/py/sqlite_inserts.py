"""Inserts rows into an SQLite database one statement at a time, outside
any transaction: SQLite commits each one, syncing its journal, the
database and the directory at every insert.

    python3 sqlite_inserts.py DB [ROWS]

DB is created afresh (and removed at the end); ROWS defaults to 200.
Prints on stderr the time spent in the inserts, measured with
time.monotonic_ns(): insert_ns=..."""
import os
import sqlite3
import sys
import time


def save(db, i):
    db.execute("insert into t (name) values (?)", (f"row{i}",))


def main():
    path = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path, isolation_level=None)    # autocommit
    db.execute("create table t (id integer primary key, name text)")
    start = time.monotonic_ns()
    for i in range(rows):
        save(db, i)
    insert_ns = time.monotonic_ns() - start
    db.close()
    os.remove(path)
    print(f"insert_ns={insert_ns}", file=sys.stderr)


main()
