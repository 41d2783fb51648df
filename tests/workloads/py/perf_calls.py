"""Many calls of a small Python function from C (map), for the perf-map
test: under `python3.12 -X perf` each call enters the interpreter through
a trampoline of its own in anonymous memory, named in /tmp/perf-PID.map
("py::tiny:/path/perf_calls.py").

    python3 -X perf perf_calls.py [SECONDS]

Runs for SECONDS (default 1.5) by its own clock and prints on stderr
"perf_calls: calls=N"."""
import sys
import time


def tiny(x):
    return x


def main():
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 1.5
    t0, calls = time.monotonic(), 0
    while time.monotonic() - t0 < secs:
        calls += len(list(map(tiny, range(100_000))))
    print(f"perf_calls: calls={calls}", file=sys.stderr)


if __name__ == "__main__":
    main()
