"""Prints N short lines to its standard output, one print() each.

    python3 lines.py N

emit() prints "i xxxxxxxx" N times, through sys.stdout: buffered, or not
as PYTHONUNBUFFERED and -u say.  Prints on stderr the lines printed and
its own wall time: lines=N wall_ns=..."""
import sys
import time


def emit(n):
    for i in range(n):
        print(i, "x" * 8)


if __name__ == "__main__":
    n = int(sys.argv[1])
    start = time.monotonic()
    emit(n)
    sys.stdout.flush()
    print(f"lines={n} wall_ns={int((time.monotonic() - start) * 1e9)}",
          file=sys.stderr)
