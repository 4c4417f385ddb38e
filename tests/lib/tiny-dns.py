#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/tiny-dns.py ADDR PORT IPV4: a DNS server for tests that answers every A query with IPV4
# (TTL 5) and every other query with an empty answer. Prints "ready" once bound. Loopback only.
import socket
import struct
import sys

addr, port, answer = sys.argv[1], int(sys.argv[2]), socket.inet_aton(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
print("ready", flush=True)
while True:
    q, peer = s.recvfrom(512)
    if len(q) < 12:
        continue
    qid, _flags, qd = struct.unpack("!HHH", q[:6])
    # The question: labels up to the zero byte, then QTYPE and QCLASS.
    end = 12
    while end < len(q) and q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    qtype = struct.unpack("!H", q[end + 1:end + 3])[0] if end + 3 <= len(q) else 0
    name = []
    i = 12
    while i < end:
        name.append(q[i + 1:i + 1 + q[i]].decode(errors="replace"))
        i += q[i] + 1
    print("query", ".".join(name), qtype, flush=True)
    an = 1 if qtype == 1 else 0
    r = struct.pack("!HHHHHH", qid, 0x8180, 1, an, 0, 0) + question
    if an:
        r += struct.pack("!HHHIH", 0xC00C, 1, 1, 5, 4) + answer
    s.sendto(r, peer)
