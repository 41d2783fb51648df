"""A recursive directory walker: expand(dir) reads the files of a tree and
calls itself on each subdirectory, as a build tool or a linter does.

    python3 dirwalk.py ROOT DEPTH FILES ROUNDS

ROOT is made if absent: a chain of DEPTH nested directories holding FILES
small files each (DEPTH * FILES files).  Then every file is read ROUNDS
times, its lines counted and summed: the reads at the bottom run under
DEPTH expand() frames.  Prints `dirwalk: files=N reads=N s=SECONDS` to
stderr, SECONDS the walk's own time."""
import os
import sys
import time


def make_tree(root, depth, files):
    path = root
    for d in range(depth):
        path = os.path.join(path, f"d{d}")
        os.makedirs(path, exist_ok=True)
        for f in range(files):
            with open(os.path.join(path, f"f{f}.txt"), "w") as out:
                out.write(f"level {d} file {f}\n" * (1 + f % 7))


def read_file(path):
    with open(path) as f:
        text = f.read()
    return sum(len(line.split()) for line in text.splitlines())


def expand(path):
    words = reads = 0
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        if entry.is_dir():
            w, r = expand(entry.path)
        else:
            w, r = read_file(entry.path), 1
        words += w
        reads += r
    return words, reads


def main():
    root, depth, files, rounds = (sys.argv[1], int(sys.argv[2]),
                                  int(sys.argv[3]), int(sys.argv[4]))
    if not os.path.isdir(root):
        make_tree(root, depth, files)
    t0 = time.monotonic()
    reads = 0
    for _ in range(rounds):
        reads += expand(root)[1]
    print(f"dirwalk: files={depth * files} reads={reads} "
          f"s={time.monotonic() - t0:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
