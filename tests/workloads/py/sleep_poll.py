"""A loop that polls on a timer: sleeps, then a slice of CPU work.

    python3 sleep_poll.py SLEEPS SECONDS SPIN

Each of SLEEPS rounds sleeps SECONDS (time.sleep) in poll_loop, then runs
work(SPIN).  Prints sleeps=, sleep_ns= (the sleeps' own clock) and
wall_ns= on stderr."""
import sys
import time


def work(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def poll_loop(sleeps, seconds, spin):
    slept = 0
    for _ in range(sleeps):
        t = time.monotonic_ns()
        time.sleep(seconds)
        slept += time.monotonic_ns() - t
        work(spin)
    return slept


if __name__ == "__main__":
    start = time.monotonic_ns()
    n = int(sys.argv[1])
    slept = poll_loop(n, float(sys.argv[2]), int(sys.argv[3]))
    print(f"sleeps={n} sleep_ns={slept} "
          f"wall_ns={time.monotonic_ns() - start}", file=sys.stderr)
