#!/usr/bin/python3
# syslog-sink SOCKET FILE: the test bed's syslog daemon. Binds the datagram
# socket syslog(3) writes to (/dev/log in the guest), open to every user
# (ikeflowd runs as ikeflow), and appends each message, as received
# ("<PRI>Mmm dd hh:mm:ss ident[pid]: text"), as one line to FILE.
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, 'ab', buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b'\0\n') + b'\n')
