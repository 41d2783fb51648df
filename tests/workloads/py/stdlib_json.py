"""CPU in the standard library: json.dumps with indent, which runs the
pure-Python encoder (json/encoder.py; the C one is used only without an
indent), called from encode_all() here.

    python3 stdlib_json.py [ROUNDS]

Each round encodes 3000 small records (default 8 rounds: ~0.4 s with
CPython 3.12 here)."""
import json
import sys


def records():
    return [{"id": i, "name": "item%d" % i, "tags": ["a", "b", str(i)],
             "pos": [i * 0.5, i * 1.5]} for i in range(3000)]


def encode_all(rounds):
    data = records()
    size = 0
    for _ in range(rounds):
        size += len(json.dumps(data, indent=1))
    return size


if __name__ == "__main__":
    print(encode_all(int(sys.argv[1]) if len(sys.argv) > 1 else 8),
          file=sys.stderr)
