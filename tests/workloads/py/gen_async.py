"""CPU inside a generator and inside a coroutine.

    python3 gen_async.py N

consume() sums what the generator produce() yields, each value costing N
loop iterations inside produce(); then asyncio.run() runs the coroutine
crunch(), which does the same work between awaits."""
import asyncio
import sys


def produce(items, n):
    for _ in range(items):
        s = 0
        for i in range(n):
            s += i * i
        yield s


def consume(items, n):
    total = 0
    for value in produce(items, n):
        total += value
    return total


async def crunch(items, n):
    total = 0
    for _ in range(items):
        s = 0
        for i in range(n):
            s += i * i
        total += s
        await asyncio.sleep(0)
    return total


if __name__ == "__main__":
    n = int(sys.argv[1])
    consume(100, n)
    asyncio.run(crunch(100, n))
