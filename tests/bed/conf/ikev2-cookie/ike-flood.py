#!/usr/bin/python3
# IKE_SA_INIT flood for the ikev2-cookie-flood scenario: well-formed
# requests (aes128-sha1-modp1536, a KE and a nonce, fresh SPIs) from
# spoofed sources in one /24 of a documentation range, through a raw
# socket. Bounded: COUNT datagrams at RATE per second at most, and it stops
# early once STOPFILE (when given) exists.
#   ike-flood.py DST PREFIX FIRST LAST COUNT RATE [STOPFILE]
import os
import socket
import struct
import sys
import time


def payload(nxt, body):
    return struct.pack("!BBH", nxt, 0, 4 + len(body)) + body


def transform(last, ttype, tid, attrs=b""):
    body = struct.pack("!BBH", ttype, 0, tid) + attrs
    return struct.pack("!BBH", 0 if last else 3, 0, 4 + len(body)) + body


def ike_sa_init():
    xf = (transform(0, 1, 12, struct.pack("!HH", 0x800E, 128)) +
          transform(0, 2, 2) + transform(0, 3, 2) + transform(1, 4, 5))
    prop = struct.pack("!BBBB", 1, 1, 0, 4) + xf
    prop = struct.pack("!BBH", 0, 0, 4 + len(prop)) + prop
    ke = struct.pack("!HH", 5, 0) + b"\x7f" + os.urandom(191)
    body = payload(34, prop) + payload(40, ke) + payload(0, os.urandom(32))
    hdr = os.urandom(8) + bytes(8) + struct.pack("!BBBBII", 33, 0x20, 34, 0x08, 0,
                                                 28 + len(body))
    return hdr + body


def main():
    dst, prefix = sys.argv[1], sys.argv[2]
    first, last, count, rate = (int(a) for a in sys.argv[3:7])
    stop = sys.argv[7] if len(sys.argv) > 7 else None
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    start = time.monotonic()
    sent = 0
    for n in range(count):
        if stop is not None and n % 100 == 0 and os.path.exists(stop):
            break
        src = "%s.%d" % (prefix, first + n % (last - first + 1))
        ike = ike_sa_init()
        udp = struct.pack("!HHHH", 500, 500, 8 + len(ike), 0) + ike
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
        s.sendto(ip + udp, (dst, 0))
        sent += 1
        ahead = (n + 1) / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    print("sent %d IKE_SA_INIT requests in %.1f s" % (sent, time.monotonic() - start))


main()
