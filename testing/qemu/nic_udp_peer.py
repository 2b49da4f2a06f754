#!/usr/bin/env python3
"""The host end of nic_peer_test's wire (--net=udp): each UDP datagram is
one raw Ethernet frame. Frames with EtherType 0x88b5 carry a command in
their first payload byte: 1 echo it back, 2 send a 6-byte runt first, then
echo, 3 send 100 frames at once. Usage: nic_udp_peer.py LISTEN_PORT QEMU_PORT.
Runs until killed."""
import socket
import sys

listen_port, qemu_port = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", listen_port))
qemu = ("127.0.0.1", qemu_port)
while True:
    frame, _ = s.recvfrom(65536)
    if len(frame) < 15 or frame[12:14] != b"\x88\xb5":
        continue  # not for us (the guest sends nothing else, but be sure)
    reply = frame[6:12] + frame[6:12] + frame[12:]  # to the sender, from "it"
    command = frame[14]
    if command == 2:
        s.sendto(b"\x01\x02\x03\x04\x05\x06", qemu)
    if command == 3:
        for i in range(100):
            s.sendto(reply[:15] + bytes([i]) + reply[16:], qemu)
        continue
    s.sendto(reply, qemu)
