"""Regular expressions doing the work: CPU in re's C engine (_sre).

    python3 sre_scan.py SECONDS

scan() runs a backtracking pattern over a generated text until SECONDS of
CPU have passed; nearly all of that time is in _sre's matcher, called
from the one line of scan() marked below.  The line number and the time
spent in scan() are printed on stderr as "sre_scan: line=N cpu_s=S"."""
import re
import sys
import time

WORDS = ["alpha", "beta", "gamma", "delta", "x1", "y22", "zeta", "eta"]
PATTERN = re.compile(r"(\w+)\s*=\s*(\w+(?:\.\w+)*)\s*;|(\w+)@(\w+)\.(?:com|org)")


def text_of(n):
    return " ".join(f"{WORDS[i % 8]}{i} {'=' if i % 3 else '+'} "
                    f"{WORDS[(i * 7) % 8]}.{i % 13}{';' if i % 5 else ','}"
                    for i in range(n))


def scan(text, seconds):
    found = 0
    end = time.process_time() + seconds
    while time.process_time() < end:
        found += len(PATTERN.findall(text))  # SCAN_LINE
    return found


def main():
    seconds = float(sys.argv[1])
    text = text_of(4000)
    line = next(i for i, l in enumerate(open(__file__), 1)
                if l.rstrip().endswith("# SCAN_LINE") and "found +=" in l)
    t0 = time.process_time()
    scan(text, seconds)
    print(f"sre_scan: line={line} cpu_s={time.process_time() - t0:.6f}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
