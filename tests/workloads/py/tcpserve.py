"""A one-thread TCP server (socketserver.TCPServer): each request, a
line, costs ~10 ms of CPU in work(); between requests it waits in
serve_forever's poll on its listening socket.  Writes its port to the
file argv[1] once listening."""
import socketserver
import sys


def work(n):
    return sum(i * i for i in range(n))


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self.rfile.readline()
        self.wfile.write(b"%d\n" % work(150000))


srv = socketserver.TCPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
