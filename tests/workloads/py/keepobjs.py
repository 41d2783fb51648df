"""Builds lists of many small objects and keeps them, as a loader that
reads records into memory does: CPython's cyclic garbage collector runs a
full collection again and again over everything kept so far.

    python3 keepobjs.py [ROUNDS [N]]

ROUNDS times (default 20), build() makes N objects (default 100000) and
the run keeps them all.  Prints "kept=K" on stderr."""
import sys


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


def build(n):
    return [Point(i, [i]) for i in range(n)]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    kept = []
    for _ in range(rounds):
        kept.append(build(n))
    print(f"kept={sum(len(k) for k in kept)}", file=sys.stderr)


main()
