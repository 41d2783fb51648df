"""Threads that wait for an event while another sleeps, holding no lock.

    python3 queuewait.py

A consumer thread waits on queue.get() for items that the main thread
makes one by one, sleeping 3 ms for each (a request); then a
ThreadPoolExecutor's four workers wait for tasks that the main thread
submits between sleeps.  Every wait is for work (threading.Condition or
the pool's queue), none for a lock held across the sleeps."""
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ITEMS = 80


def fetch(i):
    time.sleep(0.003)
    return i


def consume(q, out):
    n = 0
    while q.get() is not None:
        n += 1
    out.append(n)


def main():
    q = queue.Queue()
    out = []
    t = threading.Thread(target=consume, args=(q, out))
    t.start()
    for i in range(ITEMS):
        q.put(fetch(i))
    q.put(None)
    t.join()
    with ThreadPoolExecutor(4) as ex:
        futures = []
        for i in range(ITEMS):
            futures.append(ex.submit(abs, fetch(i)))
        total = sum(f.result() for f in futures)
    assert out == [ITEMS] and total == ITEMS * (ITEMS - 1) // 2


main()
