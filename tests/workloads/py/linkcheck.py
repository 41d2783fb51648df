"""Checks N links with urllib, one after another or from a thread pool.

    python3 linkcheck.py URL_FILE|BASE N WORKERS

The links are the lines of URL_FILE, or BASE/0 .. BASE/N-1 when the first
argument is not a file (N links either way: URL_FILE's lines are reused in
turn if there are fewer).  check(url) fetches one with
urllib.request.urlopen, which opens a new TCP connection for every request.
WORKERS=1 is a plain serial loop; more runs the checks in a
concurrent.futures.ThreadPoolExecutor(WORKERS).  Prints "ok=K of N" on
stderr; exits 1 if any check failed."""
import concurrent.futures
import os
import sys
import urllib.request


def check(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        resp.read()
        return resp.status == 200


def links(source, n):
    if os.path.isfile(source):
        with open(source) as f:
            urls = [line.strip() for line in f if line.strip()]
        return [urls[i % len(urls)] for i in range(n)]
    return [f"{source.rstrip('/')}/{i}" for i in range(n)]


def check_all(urls, workers):
    if workers <= 1:
        return [check(url) for url in urls]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(check, urls))


if __name__ == "__main__":
    urls = links(sys.argv[1], int(sys.argv[2]))
    ok = sum(check_all(urls, int(sys.argv[3])))
    print(f"ok={ok} of {len(urls)}", file=sys.stderr)
    sys.exit(0 if ok == len(urls) else 1)
