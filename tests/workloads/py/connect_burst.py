"""Opens N connections at once to 127.0.0.1:PORT, each sending a line and
reading the answer: with asyncio (non-blocking connect), or with
--threads a thread each (blocking connect).  Prints its wall time on
stderr.  Usage: connect_burst.py PORT N [--threads]"""
import asyncio, socket, sys, threading, time


async def one(port):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(b"hi")
    await w.drain()
    await r.read()
    w.close()


async def all_at_once(port, n):
    await asyncio.gather(*(one(port) for _ in range(n)))


def blocking(port):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"hi")
        s.recv(100)


port, n = int(sys.argv[1]), int(sys.argv[2])
t = time.monotonic()
if "--threads" in sys.argv:
    ts = [threading.Thread(target=blocking, args=(port,)) for _ in range(n)]
    for x in ts:
        x.start()
    for x in ts:
        x.join()
else:
    asyncio.run(all_at_once(port, n))
print(f"wall_ns={int((time.monotonic() - t) * 1e9)}", file=sys.stderr)
