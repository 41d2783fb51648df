"""Opens many small files from deep in a recursion, as a template expander
that includes files would.

    python3 opentree.py DIR [FILES [ROUNDS [DEPTH]]]

DIR holds FILES small files 0.txt .. FILES-1.txt (created first if the
last one is missing: run it once before timing it).  expand() recurses
DEPTH levels (default 36); from each of the last 4 levels read_file(path)
does `open(path).read()` on its share of the files, and expand counts
their words, ROUNDS times over (default FILES 10000, ROUNDS 2: 20,000
opens, each file opened exactly ROUNDS times, each from read_file at one
of 4 depths).  Prints "opens=O words=W elapsed_ms=T" on stderr (T:
the rounds' time)."""
import os
import sys
import time


def read_file(path):
    return open(path).read()


def expand(level, depth, paths):
    if level < depth:
        return expand(level + 1, depth, paths)
    words = 0
    for path in paths:
        words += len(read_file(path).split())
    return words


def make_files(d, n):
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        with open(os.path.join(d, f"{i}.txt"), "w") as f:
            f.write(f"file {i} " + "word " * (i % 50) + "\n")


def main():
    d = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    depth = int(sys.argv[4]) if len(sys.argv) > 4 else 36
    if not os.path.exists(os.path.join(d, f"{n - 1}.txt")):
        make_files(d, n)
    paths = [os.path.join(d, f"{i}.txt") for i in range(n)]
    sys.setrecursionlimit(depth + 100)
    words = opens = 0
    start = time.monotonic()
    for _ in range(rounds):
        for k in range(4):
            share = paths[k::4]
            words += expand(0, depth - 3 + k, share)
            opens += len(share)
    elapsed = (time.monotonic() - start) * 1000
    print(f"opens={opens} words={words} elapsed_ms={elapsed:.1f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
