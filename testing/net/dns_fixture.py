#!/usr/bin/env python3
"""A DNS server for the guest's resolver: A records from the command line,
over TCP (RFC 1035 4.2.2: a two-byte length before each message) and UDP
on the same port of 127.0.0.1. QEMU's guestfwd carries the guest's TCP
queries to it; UDP is for the host-side check of the fixture itself.

    dns_fixture.py NAME=ADDR...   prints "port N", then one line per query:
                                  "query tcp NAME TYPE -> ANSWER"

Unknown names get NXDOMAIN; a known name asked for another type gets an
empty answer; a malformed query gets FORMERR (or is dropped if too short).
"""
import socket
import struct
import sys
import threading

RECORDS = {}


def parse_name(msg, at):
    labels = []
    while True:
        if at >= len(msg):
            raise ValueError("name past the end")
        n = msg[at]
        at += 1
        if n == 0:
            return ".".join(labels).lower(), at
        if n & 0xC0:
            raise ValueError("compression in a question")
        labels.append(msg[at:at + n].decode("ascii", "replace"))
        at += n


def answer(query, transport):
    if len(query) < 12:
        return None
    ident, flags, qdcount = struct.unpack("!HHH", query[:6])
    try:
        if qdcount != 1 or flags & 0x8000:
            raise ValueError("not one question")
        name, at = parse_name(query, 12)
        qtype, qclass = struct.unpack("!HH", query[at:at + 4])
    except (ValueError, struct.error):
        return struct.pack("!HHHHHH", ident, 0x8181, 0, 0, 0, 0)  # FORMERR
    question = query[12:at + 4]
    addr = RECORDS.get(name)
    if addr is None:
        rcode, answers, said = 3, b"", "NXDOMAIN"
    elif qtype == 1 and qclass == 1:
        rcode, said = 0, addr
        answers = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
    else:
        rcode, answers, said = 0, b"", "no data"
    print("query %s %s %d -> %s" % (transport, name, qtype, said), flush=True)
    header = struct.pack("!HHHHHH", ident, 0x8180 | rcode | (flags & 0x0100), 1,
                         1 if answers else 0, 0, 0)
    return header + question + answers


def serve_tcp(server):
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve_connection, args=(conn,), daemon=True).start()


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        more = conn.recv(n - len(data))
        if not more:
            return None
        data += more
    return data


def serve_connection(conn):
    with conn:
        while True:  # several queries may share a connection (RFC 7766)
            length = read_exactly(conn, 2)
            if length is None:
                return
            query = read_exactly(conn, struct.unpack("!H", length)[0])
            if query is None:
                return
            reply = answer(query, "tcp")
            if reply is None:
                return
            conn.sendall(struct.pack("!H", len(reply)) + reply)


def main():
    for arg in sys.argv[1:]:
        name, addr = arg.split("=", 1)
        RECORDS[name.lower().rstrip(".")] = addr
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(16)
    port = tcp.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    print("port", port, flush=True)
    threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
    while True:
        query, peer = udp.recvfrom(4096)
        reply = answer(query, "udp")
        if reply is not None:
            udp.sendto(reply, peer)


if __name__ == "__main__":
    main()
