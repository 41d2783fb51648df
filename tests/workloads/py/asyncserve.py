"""An asyncio TCP server: each request, a line, costs ~10 ms of CPU in
work(); between requests its event loop waits in epoll.  Writes its port
to the file argv[1] once listening."""
import asyncio
import os
import sys


def work(n):
    return sum(i * i for i in range(n))


async def handle(reader, writer):
    await reader.readline()
    writer.write(b"%d\n" % work(150000))
    await writer.drain()
    writer.close()


async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    async with srv:
        await srv.serve_forever()


asyncio.run(main())
