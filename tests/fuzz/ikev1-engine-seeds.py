#!/usr/bin/env python3
"""Writes the seeds of fuzz_ikev1_engine (its input format: the target's
head comment) into the directory given: Informational Deletes and DPD
notifies to either end, a peer's Quick Mode message 1 (ESP AES-128/SHA-1
with an ECP-256 KE, the fuzzing connection's subnets), records with no
hash and with a Message ID of 0."""
import os
import struct
import sys

PL = dict(SA=1, P=2, T=3, KE=4, ID=5, HASH=8, NONCE=10, N=11, D=12, VID=13)


def pl(nxt, body):
    return struct.pack('>BBH', nxt, 0, 4 + len(body)) + body


def record(flags, exch, first, chain):
    return struct.pack('>BBBH', flags, exch, first, len(chain)) + chain


def delete_esp(spi):
    return pl(0, struct.pack('>IBBH', 1, 3, 4, 1) + struct.pack('>I', spi))


def dpd(seq, ack=False):
    body = struct.pack('>IBBH', 1, 1, 16, 36137 if ack else 36136) + bytes(16)
    return pl(0, body + struct.pack('>I', seq))


def attr(t, v):
    return struct.pack('>HH', 0x8000 | t, v)


def qm1(ours, theirs):
    """From the side whose subnet is 10.<ours>.0.0/16."""
    xf = struct.pack('>BBH', 1, 12, 0) + attr(1, 1) + attr(2, 3600) + \
        attr(4, 1) + attr(5, 2) + attr(6, 128) + attr(3, 19)
    prop = struct.pack('>BBBB', 1, 3, 4, 1) + struct.pack('>I', 0xe0000001) + pl(0, xf)
    sa = struct.pack('>II', 1, 1) + pl(0, prop)
    # P-256's base point: on the curve, so the KE passes its check
    ke = bytes.fromhex('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'
                       '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5')
    ci = struct.pack('>BBH', 4, 0, 0) + bytes([10, ours, 0, 0, 255, 255, 0, 0])
    cr = struct.pack('>BBH', 4, 0, 0) + bytes([10, theirs, 0, 0, 255, 255, 0, 0])
    # SA, Nonce, KE, IDci, IDcr: each header names the next one's type
    return pl(PL['NONCE'], sa) + pl(PL['KE'], bytes(range(32))) + \
        pl(PL['ID'], ke) + pl(PL['ID'], ci) + pl(0, cr)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    seeds = {
        # to the responder (flags bit 0 clear), hashed (bit 3), a new M-ID
        'delete-esp-to-r': b'\0' + record(8, 5, PL['D'], delete_esp(0xc0000000)),
        'delete-esp-to-i': b'\1' + record(9, 5, PL['D'], delete_esp(0xd0000000)),
        'dpd-both': b'\0' + record(8, 5, PL['N'], dpd(7)) +
        record(9, 5, PL['N'], dpd(8, True)),
        'qm1-to-r': b'\0' + record(8, 32, PL['SA'], qm1(1, 2)),
        'qm1-to-i-again': b'\0' + record(9, 32, PL['SA'], qm1(2, 1)) +
        record(9 | 4, 32, PL['SA'], qm1(2, 1)),
        'unhashed-delete': b'\0' + record(0, 5, PL['D'], delete_esp(0xc0000000)),
        'msgid-zero': b'\0' + record(8 | 6, 5, PL['N'], dpd(1)),
    }
    for name, data in seeds.items():
        with open(os.path.join(d, name + '.bin'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
