#!/bin/sh
# The soak: SOAK_N tunnels to ikeflowd rekeying for SOAK_SECS under faults,
# in one test-bed guest. It runs the very scenario CI runs at 200 tunnels
# for 3 minutes (tests/bed/scenarios/soak-rekey.sh, whose code is
# tests/bed/conf/soak/soak.sh), at the size asked. Needs root (UML test bed).
#
# usage: bench/soak.sh [BUILDDIR]
# environment (defaults: the full soak of issue 18):
#   SOAK_N            tunnels (2000)
#   SOAK_SECS         seconds of rekeying after all are up (1800)
#   SOAK_CHILD_REKEY  child rekey time, s (60; strongSwan rekeys up to 20 % earlier)
#   SOAK_IKE_REKEY    IKE rekey time, s (300)
#   SOAK_PINGS        tunnels with pings across them (20)
#   SOAK_POLL_EVERY   pause between two SNMP poll cycles, s (2)
#   SOAK_MEM          the guest's memory (2048M)
#   SOAK_IKE_LOG      charon's ike log level (1; 2 shows its decisions)
#   SOAK_BATCH        tunnels of the set-up's first batch (100)
#   SOAK_BATCH_SECS   the time a batch should take to come up, s (10): the
#                     batch doubles when it takes half of it, shrinks when
#                     it takes longer
#   SOAK_DPD          charon's dpd_delay, s (30): it probes an IKE SA that
#                     received nothing for that long; a child rekey is
#                     traffic, so at a delay above the rekey time only a
#                     tunnel whose rekeys stall is probed
#   SOAK_PEER_GUEST   P: strongSwan in P guests of its own (each a CPU,
#                     each opening every P-th tunnel), ikeflowd's guest
#                     beside them (0: both ends in one guest, as in CI)
#   SOAK_PEER_MEM     each such guest's memory (1024M)
#   SOAK_ROUNDS       the faults, each in turn, this many times (2)
#   SOAK_HUPS         SIGHUPs of each burst (5)
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-.}" && pwd) || exit 2
: "${SOAK_N:=2000}" "${SOAK_SECS:=1800}" "${SOAK_CHILD_REKEY:=60}"
: "${SOAK_IKE_REKEY:=300}" "${SOAK_PINGS:=20}" "${SOAK_POLL_EVERY:=2}" "${SOAK_IKE_LOG:=1}"
: "${SOAK_BATCH:=100}" "${SOAK_BATCH_SECS:=10}" "${SOAK_ROUNDS:=2}" "${SOAK_HUPS:=5}"
: "${SOAK_DPD:=30}" "${SOAK_PEER_GUEST:=0}"
VARS="SOAK_N SOAK_SECS SOAK_CHILD_REKEY SOAK_IKE_REKEY SOAK_PINGS SOAK_POLL_EVERY SOAK_IKE_LOG SOAK_BATCH SOAK_BATCH_SECS SOAK_ROUNDS SOAK_HUPS SOAK_DPD SOAK_PEER_GUEST"
for v in $VARS; do
	v=$(eval "printf %s \"\$$v\"")
	case $v in ''|*[!0-9]*) echo "soak: SOAK_* must be numbers" >&2; exit 2 ;; esac
done
OUT=$B/bench/soak.out
mkdir -p "$OUT" || exit 2
NAME=soak-$SOAK_N-$SOAK_SECS
S=$OUT/$NAME.sh
{
	# the guest's own timeout: set-up, the soak, the faults' recoveries
	echo "# bed-timeout: $((SOAK_SECS * 2 + SOAK_N * (SOAK_ROUNDS + 1) / 2 + 600 * SOAK_ROUNDS))"
	[ "$SOAK_PEER_GUEST" -gt 0 ] && echo "# bed-peer: $SOAK_PEER_GUEST"
	for v in $VARS; do
		printf "%s='%s'\n" "$v" "$(eval "printf %s \"\$$v\"")"
	done
	echo ". \"\$SRCDIR/tests/bed/conf/soak/soak.sh\""
} >"$S"
BED_MEM=${SOAK_MEM:-2048M} BED_PEER_MEM=${SOAK_PEER_MEM:-1024M} BUILDDIR=$B "$SRC/tests/bed/run" -k -o "$OUT" "$S"
rc=$?
cat "$OUT/$NAME/soak.txt" 2>/dev/null || rc=1
exit $rc
