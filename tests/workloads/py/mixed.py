"""Python doing many things at once for SECONDS: what a stack walker must
never turn into made-up frames.

    python3 mixed.py SECONDS DIR

- recursion of changing depth (1 to 400), direct and mutual;
- threads that come and go, each recursing and sleeping;
- imports of modules written on the fly into DIR (new code objects,
  module bodies freed after they ran), reloads, exec() and eval() of new
  code, lambdas, generators, a coroutine;
- a deep recursion that raises and unwinds.
Prints `mixed: rounds=N threads=N imports=N` to stderr."""
import asyncio
import importlib
import os
import sys
import threading
import time


def down(n):
    if n <= 0:
        return sum(i * i for i in range(300))
    return down(n - 1) + 1


def ping(n):
    return pong(n - 1) if n > 0 else down(3)


def pong(n):
    return ping(n - 1) if n > 0 else down(5)


def fail_deep(n):
    if n == 0:
        raise ValueError("bottom")
    return fail_deep(n - 1)


def worker(seed, stop):
    k = seed
    while not stop.is_set():
        k = (k * 1103515245 + 12345) % 2**31
        down(k % 300)
        time.sleep(0.001)


def gen(n):
    for i in range(n):
        yield down(i % 50)


async def coro(n):
    total = 0
    for i in range(n):
        total += down(i % 80)
        await asyncio.sleep(0)
    return total


def make_module(path, name, i):
    with open(os.path.join(path, name + ".py"), "w") as f:
        f.write(f"VALUE = {i}\n"
                f"def f_{i}(n):\n"
                f"    return n if n < 2 else f_{i}(n - 1) + f_{i}(n - 2)\n"
                f"class C_{i}:\n"
                f"    def m(self):\n"
                f"        return sum(range({1000 + i}))\n"
                f"RESULT = f_{i}(12) + C_{i}().m()\n")


def one_round(path, r, stats):
    down(r % 400)
    ping(r % 200)
    try:
        fail_deep(r % 150)
    except ValueError:
        pass
    name = f"gen_mod_{r}"
    make_module(path, name, r)
    importlib.invalidate_caches()
    mod = importlib.import_module(name)
    if r % 5 == 0:
        importlib.reload(mod)
    del sys.modules[name]
    stats["imports"] += 1
    src = f"def e_{r}(n):\n    return sum(x * {r} for x in range(n))\n"
    ns = {}
    exec(compile(src, f"<exec {r}>", "exec"), ns)
    ns[f"e_{r}"](2000)
    eval(compile(f"sum(map(lambda x: x + {r}, range(500)))", "<eval>",
                 "eval"))
    sum(gen(60))
    asyncio.run(coro(30))


def main():
    seconds, path = float(sys.argv[1]), sys.argv[2]
    sys.setrecursionlimit(5000)
    sys.path.insert(0, path)
    stats = {"imports": 0}
    stop = threading.Event()
    threads = []
    end = time.monotonic() + seconds
    r = 0
    while time.monotonic() < end:
        if r % 10 == 0:
            for t in threads:
                t.join()
            stop = threading.Event()
            threads = [threading.Thread(target=worker, args=(r + i, stop))
                       for i in range(3)]
            for t in threads:
                t.start()
        one_round(path, r, stats)
        if r % 10 == 9:
            stop.set()
        r += 1
    stop.set()
    for t in threads:
        t.join()
    print(f"mixed: rounds={r} threads={3 * ((r + 9) // 10)} "
          f"imports={stats['imports']}", file=sys.stderr)


if __name__ == "__main__":
    main()
