"""A short script: about SECONDS (default 0.05) of CPU in quick_work().

    python3 quick.py [SECONDS]"""
import sys
import time


def quick_work(seconds):
    end = time.process_time() + seconds
    s = 0
    while time.process_time() < end:
        for i in range(1000):
            s += i * i
    return s


if __name__ == "__main__":
    quick_work(float(sys.argv[1]) if len(sys.argv) > 1 else 0.05)
