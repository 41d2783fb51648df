"""CPU-bound Python for tools/bench.sh: nested calls, no I/O.

    python3 bench_cpu.py [N]

N rounds (default 150) of work 4 Python frames deep; about 1.5 s with
Debian's python3 3.11 on the CI VM.  Prints the checksum on stderr."""
import sys


def leaf(i):
    return (i * i) % 7


def inner(n):
    s = 0
    for i in range(n):
        s += leaf(i)
    return s


def middle(n):
    return inner(n) + inner(n // 2)


def outer(rounds, n):
    return sum(middle(n) for _ in range(rounds))


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    print(outer(rounds, 100000), file=sys.stderr)
