#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A stand-in for the host's upstream resolver in t_dns (run inside the
test's "outside" namespace): answers A for each NAME=ADDR given, NXDOMAIN for
any other name, FORMERR for a message it cannot parse, and appends each
question's name (or "?") to LOG, one per line.

Usage: dns_upstream.py ADDR LOG [NAME=ADDR]...
"""
import socket
import struct
import sys


def parse_name(msg, off):
    labels = []
    while True:
        n = msg[off]
        if n == 0:
            return ".".join(labels), off + 1
        if n & 0xC0:
            raise ValueError("pointer")
        labels.append(msg[off + 1:off + 1 + n].decode("latin-1"))
        off += 1 + n


def main():
    addr, log = sys.argv[1], sys.argv[2]
    table = dict(a.split("=", 1) for a in sys.argv[3:])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    while True:
        msg, peer = s.recvfrom(4096)
        if len(msg) < 12:
            continue
        qid, flags = struct.unpack("!HH", msg[:4])
        try:
            name, off = parse_name(msg, 12)
            qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
            question = msg[12:off + 4]
        except (ValueError, IndexError, struct.error):
            with open(log, "a") as f:
                f.write("?\n")
            s.sendto(struct.pack("!HHHHHH", qid, 0x8001, 0, 0, 0, 0), peer)
            continue
        with open(log, "a") as f:
            f.write(name.lower() + "\n")
        ans = b""
        rcode = 3
        if name.lower() in table:
            rcode = 0
            if qtype in (1, 255):
                ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 30, 4) + \
                    socket.inet_aton(table[name.lower()])
        hdr = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 1 if ans else 0, 0, 0)
        s.sendto(hdr + question + ans, peer)


if __name__ == "__main__":
    main()
