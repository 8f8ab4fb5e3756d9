#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_ikev2_engine (see its input format):
INFORMATIONAL liveness, Deletes, Notifies, a new child, a child rekey and an
IKE SA rekey (with a valid ECP-256 public value), each way, for both
proposal variants. SPIs are those the harness allocates (0xc0000000 on the
initiator, 0xd0000000 on the responder). Usage: engine-seeds.py OUTDIR"""
import os
import struct
import sys

from cryptography.hazmat.primitives.asymmetric import ec

SA, KE, NONCE, NOTIFY, DELETE, TSI, TSR = 33, 34, 40, 41, 42, 44, 45
INFO, CCSA, AUTH = 37, 36, 35
SPI_I, SPI_R = 0xC0000000, 0xD0000000


def chain(*pls):
    """(type, body) pairs into a chain; returns (first type, bytes)."""
    out = b""
    for i, (t, body) in enumerate(pls):
        nxt = pls[i + 1][0] if i + 1 < len(pls) else 0
        out += struct.pack("!BBH", nxt, 0, 4 + len(body)) + body
    return (pls[0][0] if pls else 0), out


def xform(ttype, tid, keylen=None, last=False):
    attr = struct.pack("!HH", 0x800E, keylen) if keylen else b""
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attr), ttype, 0, tid) + attr


def proposal(proto, spi, xforms):
    """One proposal (number 1, last) as an SA payload body."""
    xs = b""
    for i, x in enumerate(xforms):
        xs += xform(x[0], x[1], x[2] if len(x) > 2 else None,
                    last=(i == len(xforms) - 1))
    body = struct.pack("!BBB", 1, proto, len(spi)) + bytes([len(xforms)]) + spi + xs
    return struct.pack("!BBH", 0, 0, 4 + len(body)) + body


def sa_esp(variant, spi):
    if variant == 0:
        xf = [(1, 20, 128), (5, 0)]
    else:
        xf = [(1, 12, 128), (3, 2), (5, 0)]
    p = proposal(3, struct.pack("!I", spi), xf)
    return (SA, p)


def sa_ike(variant, spi):
    if variant == 0:
        xf = [(1, 20, 128), (2, 5), (4, 19)]
    else:
        xf = [(1, 12, 128), (2, 5), (3, 12), (4, 19)]
    return (SA, proposal(1, struct.pack("!Q", spi), xf))


def ts(lo, hi):
    a = bytes(int(x) for x in lo.split("."))
    b = bytes(int(x) for x in hi.split("."))
    one = struct.pack("!BBHHH", 7, 0, 16, 0, 65535) + a + b
    return b"\x01\x00\x00\x00" + one


def ke():
    pub = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    return (KE, struct.pack("!HH", 19, 0) + pub.x.to_bytes(32, "big") +
            pub.y.to_bytes(32, "big"))


def notify(ntype, proto=0, spi=b"", data=b""):
    return (NOTIFY, struct.pack("!BBH", proto, len(spi), ntype) + spi + data)


def delete(proto, spis):
    size = 4 if spis else 0
    return (DELETE, struct.pack("!BBH", proto, size, len(spis)) +
            b"".join(struct.pack("!I", s) for s in spis))


def record(to_initiator, exch, pls, response=False, msgid=0):
    first, body = chain(*pls) if pls else (0, b"")
    flags = (1 if to_initiator else 0) | (2 if response else 0) | (msgid << 2)
    return struct.pack("!BBBH", flags, exch, first, len(body)) + body


def seeds():
    nonce = (NONCE, bytes(range(32)))
    for v in (0, 1):
        for to_i in (0, 1):
            mine = SPI_R if to_i else SPI_I      # the sender's inbound SPI
            lnet = ("10.2.0.0", "10.2.255.255") if to_i else ("10.1.0.0", "10.1.255.255")
            rnet = ("10.1.0.0", "10.1.255.255") if to_i else ("10.2.0.0", "10.2.255.255")
            tsi, tsr = (TSI, ts(*lnet)), (TSR, ts(*rnet))
            tag = "v%d-%s" % (v, "toi" if to_i else "tor")
            yield tag + "-liveness", [record(to_i, INFO, [])]
            yield tag + "-delete-child", [record(to_i, INFO, [delete(3, [mine])])]
            yield tag + "-delete-ike", [record(to_i, INFO, [delete(1, [])])]
            yield tag + "-notify", [record(to_i, INFO, [notify(16384), notify(
                16404, data=b"\x00" * 20)])]
            yield tag + "-new-child", [record(to_i, CCSA, [sa_esp(v, 0x11110000 + to_i),
                                                          nonce, tsi, tsr])]
            yield tag + "-rekey-child", [record(to_i, CCSA, [
                notify(16393, 3, struct.pack("!I", mine)),
                sa_esp(v, 0x22220000 + to_i), nonce, tsi, tsr])]
            yield tag + "-rekey-ike", [record(to_i, CCSA, [
                sa_ike(v, 0x3333333300000000 + to_i), nonce, ke()])]
            yield tag + "-stray-auth", [record(to_i, AUTH, [notify(16384)])]
            yield tag + "-sequence", [
                record(to_i, INFO, []),
                record(to_i, INFO, [], msgid=1),
                record(to_i, CCSA, [sa_esp(v, 0x44440000), nonce, tsi, tsr]),
                record(not to_i, INFO, [delete(3, [SPI_I if to_i else SPI_R])]),
                record(to_i, INFO, [delete(1, [])])]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, recs in seeds():
        v = 0 if name.startswith("v0") else 1
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([v]) + b"".join(recs))


if __name__ == "__main__":
    main()
