#!/bin/sh
# IKEv2 tunnel setup rate and memory per tunnel: ikeflowd against strongSwan
# as the responder, in one test-bed guest (bench/ike-setup-rate.bed), with
# the same strongSwan initiator load. Needs root (UML test bed).
#
# usage: bench/ike-setup-rate.sh [BUILDDIR] [TUNNELS]   (default . and 500)
# IKE_BENCH_VERSION=1: the same in IKEv1 (TUNNELS <= 253, one address each)
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-.}" && pwd) || exit 2
N=${2:-500}
case $N in ''|*[!0-9]*) echo "TUNNELS must be a number" >&2; exit 2 ;; esac
OUT=${IKE_BENCH_OUT:-$B/bench/ike-setup-rate.out}
mkdir -p "$OUT" || exit 2
S=$OUT/ike-setup-rate-$N.sh
{
	# the scenario's timeout, for N = 500; longer for more tunnels
	t=$(sed -n 's/^# bed-timeout: *\([0-9]*\).*/\1/p' "$SRC/bench/ike-setup-rate.bed")
	echo "# bed-timeout: $(( N > 500 ? t * N / 500 : t ))"
	echo "IKE_BENCH_N=$N"
	for v in IKE_BENCH_VERSION IKE_BENCH_PROBE IKE_BENCH_PROBE_GAP IKE_BENCH_HALF_OPEN IKE_BENCH_REPEAT IKE_BENCH_LOADS IKE_BENCH_RESPS IKE_BENCH_REMOTE IKE_BENCH_IKF_LOG IKE_BENCH_INIT_CHARON IKE_BENCH_INIT_MAX; do
		eval "[ -n \"\${$v+x}\" ]" && printf "%s='%s'\n" "$v" "$(eval "printf %s \"\$$v\"")"
	done
	echo ". \"\$SRCDIR/bench/ike-setup-rate.bed\""
} >"$S"
# the guest's memory: 768 MB holds both responders' 2,000 tunnels; about
# 100 kB more per tunnel above that (2N kernel SAs and policies in each of
# gw1 and gw2, the initiator's and the responder's state)
[ -n "${BED_MEM:-}" ] || [ "$N" -le 2000 ] ||
    export BED_MEM=$(( 768 + (N - 2000) / 10 ))M
# UML maps the guest's pages into its host processes one mapping at a
# time: at 10,000 tunnels charon's memory passed the host's default
# vm.max_map_count (65,530) and the guest died ("UML ran out of memory on
# the host side"). Raised, never lowered, for the big runs.
if [ "$N" -gt 2000 ] && [ "$(cat /proc/sys/vm/max_map_count)" -lt 1048576 ]; then
	sysctl -qw vm.max_map_count=1048576 || exit 2
fi
BUILDDIR=$B "$SRC/tests/bed/run" -k -o "$OUT" "$S"
rc=$?
cat "$OUT/ike-setup-rate-$N/bench.txt" 2>/dev/null || rc=1
exit $rc
