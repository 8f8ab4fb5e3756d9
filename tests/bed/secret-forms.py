#!/usr/bin/env python3
"""Writes, one a line, every form in which a secret could leak into a file:
as it is (text secrets), as hex (lower and upper case, bare or with ':' or
' ' between the bytes) and as base64 at each of the three alignments it can
have inside a longer encoded stream.

usage: secret-forms.py [text:STRING | hex:HEXBYTES]...
       secret-forms.py --swan-keys CHARON_LOG
The second form prints, in hex one a line, the IKE keys (SK_d, SK_ai ...)
that charon logged with "ike = 4" (its hex dumps after "Sk_xx secret").
"""
import base64
import re
import sys


def swan_keys(path):
    keys, want, cur = [], 0, b""
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"Sk_[a-z]+ secret => (\d+) bytes", line)
            if m:
                want, cur = int(m.group(1)), b""
                continue
            m = re.search(r"\]\s+(\d+): (.*)$", line)
            if want and m:
                hexpart = m.group(2).split("  ")[0].split()
                cur += bytes(int(t, 16) for t in hexpart
                             if re.fullmatch(r"[0-9A-Fa-f]{2}", t))
                if len(cur) >= want:
                    keys.append(cur[:want])
                    want = 0
    for k in keys:
        print(k.hex())
    return 0


def forms(b):
    out = set()
    h = b.hex()
    for s in (h, h.upper()):
        out.add(s)
        for sep in (":", " "):
            out.add(sep.join(s[i:i + 2] for i in range(0, len(s), 2)))
    for shift in range(3):
        whole = (len(b) - shift) // 3 * 3
        if whole >= 9:
            out.add(base64.b64encode(b[shift:shift + whole]).decode())
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--swan-keys":
        return swan_keys(sys.argv[2])
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    seen = set()
    for arg in sys.argv[1:]:
        kind, _, val = arg.partition(":")
        if kind == "text":
            b = val.encode()
            seen.add(val)
        elif kind == "hex":
            b = bytes.fromhex(val[2:] if val.startswith("0x") else val)
        else:
            print("bad argument: " + arg, file=sys.stderr)
            return 2
        if len(b) < 8:
            print("secret too short to look for safely: " + arg, file=sys.stderr)
            return 2
        seen |= forms(b)
    for f in sorted(seen):
        print(f)
    return 0


sys.exit(main())
