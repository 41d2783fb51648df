"""Fetch a URL N times with urllib, one request after another.

    python3 fetch.py URL N

fetch_all() is the loop, fetch_one() makes each request: the time waiting
for the server is spent below fetch_one."""
import sys
import urllib.request


def fetch_one(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read()


def fetch_all(url, n):
    total = 0
    for _ in range(n):
        total += len(fetch_one(url))
    return total


if __name__ == "__main__":
    got = fetch_all(sys.argv[1], int(sys.argv[2]))
    print(f"fetched={got}", file=sys.stderr)
