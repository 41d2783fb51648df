"""CPU burnt at the bottom of a deep Python recursion.

    python3 deep.py DEPTH N

rec(DEPTH) recurses DEPTH times, then busy(N) loops N times: nearly every
sample has DEPTH + 1 rec frames above busy, more than a profiler keeps."""
import sys


def busy(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def rec(n, work):
    return busy(work) if n == 0 else rec(n - 1, work)


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    rec(int(sys.argv[1]), int(sys.argv[2]))
