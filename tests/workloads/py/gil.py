"""THREADS Python threads each run spin(N), a pure-Python CPU loop.

    python3 gil.py THREADS N

Only the thread holding the GIL runs Python code: with several threads,
each spends most of its life waiting for it.  Prints on stderr, measured
by the threads themselves, their CPU time (time.thread_time) and their
lives, summed: cpu_ns=... alive_ns=..."""
import sys
import threading
import time

cpu_ns = alive_ns = 0
totals = threading.Lock()


def spin(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def worker(n):
    global cpu_ns, alive_ns
    start, cpu = time.monotonic(), time.thread_time()
    spin(n)
    with totals:
        cpu_ns += int((time.thread_time() - cpu) * 1e9)
        alive_ns += int((time.monotonic() - start) * 1e9)


if __name__ == "__main__":
    k, n = int(sys.argv[1]), int(sys.argv[2])
    threads = [threading.Thread(target=worker, args=(n,)) for _ in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"cpu_ns={cpu_ns} alive_ns={alive_ns}", file=sys.stderr)
