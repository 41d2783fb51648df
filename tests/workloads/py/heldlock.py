"""Four threads take turns on a threading.Lock held across a sleep.

    python3 heldlock.py [ROUNDS]

Each of four threads calls save(i) ROUNDS times (default 60): it takes
the lock with `with lock:` and, holding it, slow_call() sleeps 2 ms (a
request made under the lock), so the sleeps run one at a time while
three threads wait.  Prints on stderr, summed over the threads and
measured with time.monotonic_ns(): lock_wait_ns (waiting to take the
lock) and held_ns (holding it)."""
import sys
import threading
import time

lock = threading.Lock()
totals = {"wait": 0, "held": 0}
totals_lock = threading.Lock()


def slow_call():
    time.sleep(0.002)


def save(rounds):
    wait = held = 0
    for _ in range(rounds):
        t0 = time.monotonic_ns()
        with lock:
            t1 = time.monotonic_ns()
            slow_call()
            held += time.monotonic_ns() - t1
        wait += t1 - t0
    with totals_lock:
        totals["wait"] += wait
        totals["held"] += held


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    threads = [threading.Thread(target=save, args=(rounds,))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"lock_wait_ns={totals['wait']} held_ns={totals['held']}",
          file=sys.stderr)


main()
