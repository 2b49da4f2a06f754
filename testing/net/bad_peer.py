#!/usr/bin/env python3
"""A hostile host on a raw Ethernet link to the guest: QEMU's
`--net=udp:QEMU_PORT:OUR_PORT` carries each frame as one UDP datagram on
127.0.0.1. netd has a static address there (etc/net-badpeer-test.conf);
this script is its only neighbour, speaking ARP, ICMP and TCP by hand:

  * bad IP, ICMP and TCP checksums: nothing may answer them;
  * a RST storm on an open connection (RFC 5961: only an exact RST resets);
  * a zero window: the guest may probe, never send more;
  * half-open connections: a SYN flood never completed, a peer vanishing
    mid-transfer; garbage frames of every length;

and after each, netd must still answer ping and a fresh TCP connection
(a SYN/SYN-ACK handshake made here) must get httpd's answer. Finally it
PUTs /done, which ends the guest's peer script.

    bad_peer.py QEMU_PORT OUR_PORT       prints PASS lines, exits 1 on a failure
    bad_peer.py --self-test              checks its own checksums and frames
"""
import os
import random
import socket
import struct
import sys
import threading
import time

OUR_MAC = bytes.fromhex("020000000001")
OUR_IP = socket.inet_aton("10.0.3.1")
GUEST_IP = socket.inet_aton("10.0.3.2")
BROADCAST = b"\xff" * 6
HTTP_PORT = 80


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(proto, payload, src=OUR_IP, dst=GUEST_IP, bad_checksum=False, ident=None):
    ident = random.getrandbits(16) if ident is None else ident
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                         src, dst)
    csum = checksum(header) ^ (0x5555 if bad_checksum else 0)
    return header[:10] + struct.pack("!H", csum) + header[12:] + payload


def icmp_echo(ident, seq, data=b"bad-peer", bad_checksum=False):
    body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    csum = checksum(body) ^ (0x1111 if bad_checksum else 0)
    return body[:2] + struct.pack("!H", csum) + body[4:]


def tcp(sport, dport, seq, ack, flags, window=65535, payload=b"", options=b"",
        bad_checksum=False, src=OUR_IP, dst=GUEST_IP):
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                         offset << 4, flags, window, 0, 0) + options
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(header) + len(payload))
    csum = checksum(pseudo + header + payload) ^ (0x2222 if bad_checksum else 0)
    return header[:16] + struct.pack("!H", csum) + header[18:] + payload


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
MSS_OPTION = struct.pack("!BBH", 2, 4, 1460)


def parse(frame):
    """The fields of an IPv4 ICMP or TCP frame, or of an ARP one; None otherwise."""
    if len(frame) < 14:
        return None
    kind = struct.unpack("!H", frame[12:14])[0]
    f = {"dst_mac": frame[:6], "src_mac": frame[6:12]}
    if kind == 0x0806 and len(frame) >= 42:
        op, sha, spa, _, tpa = struct.unpack("!6xH6s4s6s4s", frame[14:42])
        f.update(kind="arp", op=op, sha=sha, spa=spa, tpa=tpa)
        return f
    if kind != 0x0800 or len(frame) < 34:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    total, proto, src, dst = struct.unpack("!2xH5xB2x4s4s", ip[:20])
    f.update(src=src, dst=dst, ip_ok=checksum(ip[:ihl]) == 0)
    payload = ip[ihl:total]
    if proto == 1 and len(payload) >= 8:
        t, _, _, ident, seq = struct.unpack("!BBHHH", payload[:8])
        f.update(kind="icmp", type=t, ident=ident, seq=seq)
    elif proto == 6 and len(payload) >= 20:
        sport, dport, seq, ack, off, flags, window = struct.unpack("!HHIIBBH", payload[:16])
        pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(payload))
        f.update(kind="tcp", sport=sport, dport=dport, seq=seq, ack=ack, flags=flags,
                 window=window, data=payload[(off >> 4) * 4:],
                 tcp_ok=checksum(pseudo + payload) == 0)
    else:
        return None
    return f


class Link:
    """The UDP socket QEMU's frames come through; ARP answered on its own."""

    def __init__(self, qemu_port, our_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", our_port))
        self.qemu = ("127.0.0.1", qemu_port)
        self.guest_mac = None
        self.frames = []
        self.cond = threading.Condition()
        threading.Thread(target=self._receive, daemon=True).start()

    def send_frame(self, dst_mac, kind, payload):
        self.sock.sendto(dst_mac + OUR_MAC + struct.pack("!H", kind) + payload, self.qemu)

    def send_ip(self, packet):
        self.send_frame(self.guest_mac or BROADCAST, 0x0800, packet)

    def arp(self, op, target_mac, target_ip):
        self.send_frame(target_mac if op == 2 else BROADCAST, 0x0806,
                        struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, OUR_MAC, OUR_IP,
                                    target_mac, target_ip))

    def _receive(self):
        while True:
            frame, _ = self.sock.recvfrom(65536)
            f = parse(frame)
            if f is None:
                continue
            if f["kind"] == "arp":
                if f["spa"] == GUEST_IP:
                    self.guest_mac = f["sha"]
                if f["op"] == 1 and f["tpa"] == OUR_IP:
                    self.arp(2, f["sha"], f["spa"])
                continue
            with self.cond:
                self.frames.append(f)
                self.cond.notify_all()

    def expect(self, match, timeout):
        """The first frame `match` accepts within `timeout` seconds, taken off the queue."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for i, f in enumerate(self.frames):
                    if match(f):
                        return self.frames.pop(i)
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def drain(self):
        with self.cond:
            self.frames.clear()


class Conn:
    """One TCP connection to the guest, made and driven by hand."""

    def __init__(self, link, port=HTTP_PORT):
        self.link = link
        self.sport = random.randint(20000, 60000)
        self.dport = port
        self.snd = random.getrandbits(32)
        self.rcv = 0
        self.data = b""
        self.fin = False
        self.why = ""  # why receive() gave up
        self.unacked = b""

    def segment(self, flags, payload=b"", window=65535, seq=None, **kw):
        self.link.send_ip(ipv4(6, tcp(self.sport, self.dport, self.snd if seq is None else seq,
                                      self.rcv, flags, window, payload, **kw)))

    def ours(self, f):
        return f["kind"] == "tcp" and f["sport"] == self.dport and f["dport"] == self.sport

    def handshake(self, timeout=3):
        self.link.send_ip(ipv4(6, tcp(self.sport, self.dport, self.snd, 0, SYN,
                                      options=MSS_OPTION)))
        f = self.link.expect(lambda f: self.ours(f) and f["flags"] & (SYN | RST), timeout)
        if f is None or f["flags"] & RST or f["ack"] != (self.snd + 1) & 0xFFFFFFFF:
            return False
        self.snd += 1
        self.rcv = (f["seq"] + 1) & 0xFFFFFFFF
        self.segment(ACK)
        return True

    def send(self, payload, window=65535):
        self.segment(ACK | PSH, payload, window)
        self.snd += len(payload)
        self.unacked = payload  # sent again until the guest answers: frames get lost

    def receive(self, timeout, until_fin=True, window=65535, limit=None):
        """Takes in-order data (ACKing it) until FIN, `limit` bytes or `timeout`."""
        deadline = time.time() + timeout
        while not self.fin and (limit is None or len(self.data) < limit):
            f = self.link.expect(self.ours, max(0, min(1, deadline - time.time())))
            if f is None and time.time() < deadline:
                # A whole second of silence: our request may have been lost
                # (the NIC drops what a burst leaves no room for); again.
                if self.unacked and not self.data:
                    self.segment(ACK | PSH, self.unacked, window,
                                 seq=self.snd - len(self.unacked))
                continue
            if f is None:
                self.why = "no FIN within %d s (%d bytes)" % (timeout, len(self.data))
                return not until_fin
            if f["flags"] & RST:
                self.why = "reset by the guest (seq %d, we expected %d)" % (f["seq"], self.rcv)
                return False
            if f["seq"] == self.rcv and f["data"]:
                self.data += f["data"]
                self.rcv = (self.rcv + len(f["data"])) & 0xFFFFFFFF
            if f["seq"] == self.rcv and f["flags"] & FIN:
                self.rcv = (self.rcv + 1) & 0xFFFFFFFF
                self.fin = True
            self.segment(ACK, window=window)
        return True

    def reset(self):
        self.segment(RST | ACK)


def check(condition, what):
    if not condition:
        print("FAIL: " + what, flush=True)
        sys.exit(1)
    print("PASS: " + what, flush=True)


def ping(link, seq, timeout=2):
    ident = 0xBAD
    link.send_ip(ipv4(1, icmp_echo(ident, seq)))
    return link.expect(lambda f: f["kind"] == "icmp" and f["type"] == 0 and f["seq"] == seq,
                       timeout) is not None


def http_get(link, path="/hello.txt", tries=1):
    for _ in range(tries):
        c = Conn(link)
        if c.handshake():
            c.send(b"GET %s HTTP/1.0\r\n\r\n" % path.encode())
            if c.receive(10) and c.data.startswith(b"HTTP/1.1 200 OK"):
                c.segment(FIN | ACK)
                return c.data
        time.sleep(2)
    return None


def still_serving(link, after):
    check(ping(link, random.randint(1, 60000)), "after %s: ping answered" % after)
    check(http_get(link, tries=10) is not None, "after %s: a fresh connection gets 200" % after)


def run(qemu_port, our_port):
    link = Link(qemu_port, our_port)
    deadline = time.time() + 180  # the guest boots, fsd mounts, netd starts
    while link.guest_mac is None and time.time() < deadline:
        link.arp(1, b"\0" * 6, GUEST_IP)
        time.sleep(1)
    check(link.guest_mac is not None, "the guest answers ARP")
    up = False
    while not up and time.time() < deadline:
        up = ping(link, 1, timeout=1) and http_get(link) is not None
    check(up, "ping and an HTTP GET over a hand-made TCP connection")

    for what, bad_ip, bad_icmp in (("IP", True, False), ("ICMP", False, True)):
        link.send_ip(ipv4(1, icmp_echo(7, 4242, bad_checksum=bad_icmp), bad_checksum=bad_ip))
        check(link.expect(lambda f: f["kind"] == "icmp" and f["seq"] == 4242, 1.5) is None,
              "an echo request with a bad %s checksum is not answered" % what)
    c = Conn(link)
    link.send_ip(ipv4(6, tcp(c.sport, HTTP_PORT, 1, 0, SYN, bad_checksum=True)))
    check(link.expect(c.ours, 1.5) is None, "a SYN with a bad TCP checksum is not answered")
    check(all(f.get("ip_ok", True) and f.get("tcp_ok", True) for f in link.frames),
          "every frame the guest sent has good checksums")
    still_serving(link, "bad checksums")

    c = Conn(link)
    check(c.handshake(), "a connection for the RST storm")
    for i in range(500):
        seq = c.snd + random.randint(1, 1 << 31)  # never exactly RCV.NXT
        c.segment(RST, seq=seq)
        c.segment(RST | ACK, seq=c.snd + 1 + i % 60000)
    c.send(b"GET /hello.txt HTTP/1.0\r\n\r\n")
    check(c.receive(10) and c.data.startswith(b"HTTP/1.1 200"),
          "the connection survives 1000 blind RSTs and answers " + c.why)
    link.drain()
    still_serving(link, "the RST storm")

    c = Conn(link)
    check(c.handshake(), "a connection for the zero window")
    c.send(b"GET /big.bin HTTP/1.0\r\n\r\n", window=0)
    start = time.time()
    biggest = 0
    while time.time() - start < 4:
        f = link.expect(c.ours, 0.5)
        if f is not None:
            biggest = max(biggest, len(f["data"]))
            c.segment(ACK, window=0)  # no byte taken: the window stays shut
    check(biggest <= 1, "a zero window: nothing but probes in 4 s (largest %d bytes)" % biggest)
    c.segment(ACK, window=65535)
    check(c.receive(20, until_fin=False, limit=1 << 20) and len(c.data) >= 1 << 20,
          "the window reopened: 1 MiB flows")
    # Half-open the other way: we vanish mid-transfer, never ACK or RST.
    link.drain()
    still_serving(link, "a zero window and a peer that vanished")

    for i in range(200):
        sport = 10000 + i
        link.send_ip(ipv4(6, tcp(sport, HTTP_PORT, random.getrandbits(32), 0, SYN,
                                 options=MSS_OPTION)))
    time.sleep(1)
    link.drain()
    still_serving(link, "200 half-open connections (a SYN flood)")

    for _ in range(300):
        n = random.choice([0, 1, 13, 14, 20, 34, 54, 60, random.randint(0, 1514)])
        kind = random.choice([0x0800, 0x0806, 0x86DD, random.getrandbits(16)])
        link.send_frame(link.guest_mac, kind, os.urandom(n))
        link.send_ip(ipv4(6, os.urandom(random.randint(0, 60))))
    time.sleep(1)
    link.drain()
    still_serving(link, "600 garbage frames")

    c = Conn(link)
    check(c.handshake(), "a connection for PUT /done")
    c.send(b"PUT /done HTTP/1.1\r\nHost: guest\r\nContent-Length: 0\r\n\r\n")
    # The guest powers off once /done exists, which may beat our 201:
    # the harness's verdict (a clean power-off) is the judge of the end.
    c.receive(10)
    print("PASS: PUT /done sent", flush=True)


def self_test():
    # RFC 1071's example sums to 0xddf2, so its checksum is ~0xddf2.
    check(checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0x220D, "RFC 1071's checksum example")
    packet = ipv4(6, tcp(1234, 80, 7, 0, SYN, options=MSS_OPTION))
    f = parse(BROADCAST + OUR_MAC + b"\x08\x00" + packet)
    check(f["ip_ok"] and f["tcp_ok"] and f["flags"] == SYN and f["seq"] == 7,
          "a SYN built here parses back with good checksums")
    bad = parse(BROADCAST + OUR_MAC + b"\x08\x00" + ipv4(6, tcp(1, 2, 3, 0, SYN, bad_checksum=True),
                                                         bad_checksum=True))
    check(not bad["ip_ok"] and not bad["tcp_ok"], "bad checksums are bad")
    echo = parse(BROADCAST + OUR_MAC + b"\x08\x00" + ipv4(1, icmp_echo(5, 6)))
    check(echo["kind"] == "icmp" and echo["type"] == 8 and echo["seq"] == 6, "an echo request")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    else:
        run(int(sys.argv[1]), int(sys.argv[2]))
