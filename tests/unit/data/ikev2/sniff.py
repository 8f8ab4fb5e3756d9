#!/usr/bin/env python3
"""Write every IKE datagram (UDP 500, and 4500 without its non-ESP marker)
seen on an interface to OUTDIR/NN-<exchange>-<dir>.bin until killed."""
import os
import socket
import struct
import sys

ifname, outdir = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((ifname, 0))
n = 0
while True:
    frame = s.recv(65535)
    if len(frame) < 14 + 20 + 8 or struct.unpack('!H', frame[12:14])[0] != 0x0800:
        continue
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    if ip[9] != 17:
        continue
    udp = ip[ihl:]
    sport, dport, ulen = struct.unpack('!HHH', udp[:6])
    data = udp[8:ulen]
    if 4500 in (sport, dport):
        if data[:4] != b'\0\0\0\0':
            continue
        data = data[4:]
    elif 500 not in (sport, dport):
        continue
    if len(data) < 28:
        continue
    exch = {34: 'init', 35: 'auth', 36: 'child', 37: 'info'}.get(data[18], 'x%d' % data[18])
    role = 'resp' if data[19] & 0x20 else 'req'
    n += 1
    path = os.path.join(outdir, '%02d-%s-%s.bin' % (n, exch, role))
    with open(path, 'wb') as f:
        f.write(data)
    sys.stdout.write('%s %d bytes\n' % (path, len(data)))
    sys.stdout.flush()
