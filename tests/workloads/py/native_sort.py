"""Time spent in C called from Python: work() compresses a large buffer.

    python3 native_sort.py [SECONDS]

work() calls zlib.compress over and over on 4 MiB of pseudo-random text
for about SECONDS (default 0.5): nearly all of its samples are in
zlib's C code (deflate in libz) under CPython's zlib_compress, below the
Python frame of work().  Debian's python3 is built without frame
pointers, so those native frames, and the link from them to the
interpreter, are found by CFI unwinding of the stack copy."""
import random
import sys
import time
import zlib


def make_data():
    rnd = random.Random(8)
    words = [bytes(rnd.choices(b"abcdefghijklmnop", k=rnd.randint(2, 9)))
             for _ in range(4096)]
    return b" ".join(rnd.choice(words) for _ in range(600_000))[:4 << 20]


def work(data, seconds):
    n = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        n += len(zlib.compress(data, 6))
    return n


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    data = make_data()
    print(f"native_sort: compressed {work(data, seconds)} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
