#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Tiny TCP/UDP peers for the NAT tests (t_nat*.sh).

serve PROTO PORT... [--ready FILE] [--log FILE] [--timeout S]
    Listen on every PORT (IPv4 and IPv6) and answer each connection or
    datagram with one line "PEER PORT": the address it came from (so the
    test sees whether it was translated) and the port it reached (so a
    range shows which one). Each answer is also appended to the log.
    Exits after --timeout seconds (default 60).
ask PROTO HOST PORT [--timeout S]
    Connect (TCP) or send one datagram (UDP) and print the answer; exit 1
    when none comes within --timeout seconds (default 3).
"""
import argparse
import ipaddress
import selectors
import socket
import sys
import time


def norm(addr):
    ip = ipaddress.ip_address(addr.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)


def serve(a):
    kind = socket.SOCK_STREAM if a.proto == "tcp" else socket.SOCK_DGRAM
    sel = selectors.DefaultSelector()
    for port in a.ports:
        s = socket.socket(socket.AF_INET6, kind)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::", port))
        if kind == socket.SOCK_STREAM:
            s.listen(128)
        sel.register(s, selectors.EVENT_READ, port)
    if a.ready:
        open(a.ready, "w").close()
    end = time.monotonic() + a.timeout
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.5):
            s, port = key.fileobj, key.data
            try:
                if kind == socket.SOCK_STREAM:
                    c, peer = s.accept()
                    line = f"{norm(peer[0])} {port}\n"
                    c.sendall(line.encode())
                    c.close()
                else:
                    _, peer = s.recvfrom(2048)
                    line = f"{norm(peer[0])} {port}\n"
                    s.sendto(line.encode(), peer)
            except OSError:
                continue
            if a.log:
                with open(a.log, "a") as f:
                    f.write(line)


def ask(a):
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    kind = socket.SOCK_STREAM if a.proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(fam, kind)
    s.settimeout(a.timeout)
    try:
        if kind == socket.SOCK_STREAM:
            s.connect((a.host, a.port))
        else:
            s.sendto(b"x", (a.host, a.port))
        data = s.recv(256)
    except OSError as e:
        print(f"no answer: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(data.decode())
    return 0 if data else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("proto", choices=["tcp", "udp"])
    s.add_argument("ports", type=int, nargs="+")
    s.add_argument("--ready")
    s.add_argument("--log")
    s.add_argument("--timeout", type=float, default=60)
    c = sub.add_parser("ask")
    c.add_argument("proto", choices=["tcp", "udp"])
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("--timeout", type=float, default=3)
    a = p.parse_args()
    return serve(a) if a.cmd == "serve" else ask(a)


if __name__ == "__main__":
    sys.exit(main() or 0)
