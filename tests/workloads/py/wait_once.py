"""One long wait, three Python functions deep, after some CPU.

    python3 wait_once.py N [SECONDS]

spin(N) burns CPU first (so the interpreter is up and known to the
profiler), then outer() -> middle() -> inner() sleeps SECONDS (default
0.3) once: the only event that ever sees outer, middle and inner."""
import sys
import time


def spin(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def inner(seconds):
    time.sleep(seconds)


def middle(seconds):
    inner(seconds)


def outer(seconds):
    middle(seconds)


if __name__ == "__main__":
    spin(int(sys.argv[1]))
    outer(float(sys.argv[2]) if len(sys.argv) > 2 else 0.3)
