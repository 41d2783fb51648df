"""Reads the same small files over and over: N files, ROUNDS times each.

    python3 reread.py DIR N ROUNDS

DIR must hold the files 0.txt .. N-1.txt (the test creates them; this
script creates nothing).  amalgamate() reads every file once per round, in
order, through read_file(path), which does `open(path).read()`: each call
opens the file once and closes it (the last reference goes) before the
next, so every file is opened exactly ROUNDS times, all from read_file.
Prints the total of characters read on stderr as "chars=C".

It sleeps 0.2 s before reading anything, so that a profiler that
recognizes the interpreter asynchronously (whyslow) knows it by then:
without the pause, about 1 run in 6 had its first few rounds of opens
recorded without Python frames (not from read_file).  Without the pause,
50 files x 40 rounds take 40-60 ms in all on the CI VM."""
import os
import sys
import time


def read_file(path):
    return open(path).read()


def amalgamate(paths, rounds):
    total = 0
    for _ in range(rounds):
        for path in paths:
            total += len(read_file(path))
    return total


if __name__ == "__main__":
    d, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    paths = [os.path.join(d, f"{i}.txt") for i in range(n)]
    time.sleep(0.2)
    print(f"chars={amalgamate(paths, rounds)}", file=sys.stderr)
