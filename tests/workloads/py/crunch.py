"""CPU work in one function, for the launcher test (a pyenv-like shim
execs the interpreter on this script).

    python3 crunch.py [N]

crunch(N) runs a loop of N iterations (default 12,000,000: ~1 s with
CPython 3.11 here).  The time it took is printed on stderr as
"crunch: crunch_s=S"."""
import sys
import time


def crunch(n):
    s = 0
    for i in range(n):
        s = (s + i * i) % 1000003
    return s


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 12_000_000
    t0 = time.perf_counter()
    crunch(n)
    print(f"crunch: crunch_s={time.perf_counter() - t0:.6f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
