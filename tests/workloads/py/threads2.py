"""Two threads burn CPU in different functions; the main thread joins.

    python3 threads2.py N

Thread A runs spin_a(2*N), thread B spin_b(N): A does twice B's work, so
a profile that mixed up the threads' stacks would not match their
samples.  Each thread names itself (comm "spin_a" / "spin_b") and prints
its kernel tid on stderr as spin_a_tid=... / spin_b_tid=..."""
import ctypes
import os
import sys
import threading

PR_SET_NAME = 15
libc = ctypes.CDLL(None, use_errno=True)


def name_thread(name):
    libc.prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()), 0, 0, 0)
    # One write(2): the two threads' lines must not interleave.
    os.write(2, f"{name}_tid={threading.get_native_id()}\n".encode())


def loop(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def spin_a(n):
    name_thread("spin_a")
    return loop(n)


def spin_b(n):
    name_thread("spin_b")
    return loop(n)


if __name__ == "__main__":
    n = int(sys.argv[1])
    a = threading.Thread(target=spin_a, args=(2 * n,))
    b = threading.Thread(target=spin_b, args=(n,))
    a.start()
    b.start()
    a.join()
    b.join()
