#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""dnsq: one DNS query over UDP, its answer printed as JSON (xbr's tests).

Usage: dnsq.py SERVER NAME [TYPE] [--class N] [--raw HEX] [--timeout S]
  TYPE: A (default), AAAA, PTR, ANY, MX, TXT, or a number.
  --raw HEX sends those bytes as the message instead (hostile queries).
Prints {"rcode": N, "aa": bool, "qr": bool, "id_ok": bool, "question": "...",
"answers": [{"name":..., "type":..., "ttl":..., "data":...}]} or
{"timeout": true}; exit 0 either way, 2 on bad usage.
"""
import json
import socket
import struct
import sys

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "ANY": 255}
NAMES = {v: k for k, v in TYPES.items()}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(msg, off, depth=0):
    labels = []
    while True:
        if depth > 20 or off >= len(msg):
            raise ValueError("bad name")
        n = msg[off]
        if n == 0:
            return ".".join(labels), off + 1
        if n & 0xC0 == 0xC0:
            ptr = ((n & 0x3F) << 8) | msg[off + 1]
            name, _ = read_name(msg, ptr, depth + 1)
            labels.append(name)
            return ".".join(x for x in labels if x), off + 2
        labels.append(msg[off + 1:off + 1 + n].decode("latin-1"))
        off += 1 + n


def main(argv):
    args, opts = [], {"class": 1, "raw": None, "timeout": 2.0}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--class", "--raw", "--timeout"):
            opts[a[2:]] = argv[i + 1]
            i += 2
            continue
        args.append(a)
        i += 1
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    server, name = args[0], args[1]
    qtype = args[2] if len(args) > 2 else "A"
    qtype = TYPES[qtype.upper()] if qtype.upper() in TYPES else int(qtype)
    qid = 0x5A5A
    if opts["raw"] is not None:
        msg = bytes.fromhex(opts["raw"])
        qid = struct.unpack("!H", msg[:2])[0] if len(msg) >= 2 else -1
    else:
        msg = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
        msg += encode_name(name) + struct.pack("!HH", qtype, int(opts["class"]))
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(float(opts["timeout"]))
    s.sendto(msg, (server, 53))
    try:
        resp, _ = s.recvfrom(4096)
    except socket.timeout:
        print(json.dumps({"timeout": True}))
        return 0
    rid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", resp[:12])
    off = 12
    out = {"rcode": flags & 0xF, "aa": bool(flags & 0x400), "qr": bool(flags & 0x8000),
           "id_ok": rid == qid, "len": len(resp), "counts": [qd, an, ns, ar], "answers": []}
    try:
        if qd:
            q, off = read_name(resp, off)
            out["question"] = q
            off += 4
        for _ in range(an):
            rname, off = read_name(resp, off)
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", resp[off:off + 10])
            off += 10
            rdata = resp[off:off + rdlen]
            if rtype == 1:
                data = socket.inet_ntop(socket.AF_INET, rdata)
            elif rtype == 28:
                data = socket.inet_ntop(socket.AF_INET6, rdata)
            elif rtype == 12:
                data, _ = read_name(resp, off)
            else:
                data = rdata.hex()
            off += rdlen
            out["answers"].append({"name": rname, "type": NAMES.get(rtype, rtype),
                                   "class": rclass, "ttl": ttl, "data": data})
    except (ValueError, struct.error, IndexError) as e:
        out["malformed"] = str(e)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
