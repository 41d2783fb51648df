"""Fetches BASE/0 .. BASE/N-1 over HTTP/1.0 with asyncio streams, one after
another, each answer awaited in the event loop (epoll).

    python3 fetch_async.py BASE N
"""
import asyncio
import sys
import urllib.parse


async def get(url):
    u = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(u.hostname, u.port)
    writer.write(f"GET {u.path} HTTP/1.0\r\nHost: {u.netloc}\r\n\r\n"
                 .encode())
    await writer.drain()
    body = await reader.read()
    writer.close()
    await writer.wait_closed()
    return len(body)


async def main(base, n):
    total = 0
    for i in range(n):
        total += await get(f"{base.rstrip('/')}/{i}")
    print(f"fetched {n}, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
