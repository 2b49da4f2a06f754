#!/usr/bin/env python3
"""HTTP responses nginx will not send, for fetch's peer test.

    http_fixture.py FILE     prints "port N", then serves until killed

/chunked    FILE chunked: random sizes, extensions, a trailer
/eof        FILE with no length, HTTP/1.0: the body ends with the connection
/truncated  Content-Length 1000, then 10 bytes and the end
/badchunk   a chunk size that is not hex
/garbage    a response that is not HTTP
/silent     reads the request and never answers
"""
import random
import socket
import socketserver
import sys
import time


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        head = b""
        while b"\r\n\r\n" not in head:
            data = sock.recv(4096)
            if not data:
                return
            head += data
        path = head.split(b" ")[1].decode()
        body = self.server.body
        if path == "/chunked":
            out = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"]
            rng = random.Random(7)
            at = 0
            while at < len(body):
                n = rng.randint(1, 9000)
                piece = body[at:at + n]
                ext = b";name=value" if rng.random() < 0.3 else b""
                out.append(b"%x%s\r\n%s\r\n" % (len(piece), ext, piece))
                at += n
            out.append(b"0\r\nX-Trailer: yes\r\n\r\n")
            sock.sendall(b"".join(out))
        elif path == "/eof":
            sock.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + body)
        elif path == "/truncated":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + body[:10])
        elif path == "/badchunk":
            sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n")
        elif path == "/garbage":
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        elif path == "/silent":
            time.sleep(30)
        else:
            sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    with open(sys.argv[1], "rb") as f:
        body = f.read()
    server = Server(("127.0.0.1", 0), Handler)
    server.body = body
    print("port", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
