"""Prints N short lines, one print() each, to the file OUT.

    python3 lines.py N OUT

emit() prints "i xxxxxxxx" N times.  OUT becomes the process's standard
output (fd 1) before anything is printed, so that sys.stdout, buffered or
not as PYTHONUNBUFFERED and -u say, writes to a file of its own.  Prints
on stderr the lines printed and its own wall time: lines=N wall_ns=..."""
import os
import sys
import time


def emit(n):
    for i in range(n):
        print(i, "x" * 8)


if __name__ == "__main__":
    n, out = int(sys.argv[1]), sys.argv[2]
    os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
    start = time.monotonic()
    emit(n)
    sys.stdout.flush()
    print(f"lines={n} wall_ns={int((time.monotonic() - start) * 1e9)}",
          file=sys.stderr)
