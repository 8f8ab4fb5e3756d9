# agent-bed: the flow-MIB agent benchmark on real kernel SAs, in one guest.
# snmpd on gw2 is the AgentX master of two subagents:
#  - ikeflowd's own code (bench/agent-bed-ikeflowd: daemon/ikeflowd.c with the
#    real xfrm, IKE and agent modules, plus bench/agent-bed-rows.c) serving
#    10,000 tunnels: the seed's IKEv2 tunnel negotiated with strongSwan on gw1
#    (the IOS router) and 9,999 tunnels whose SA pairs (+ in/out/fwd policies)
#    the bench module installs in gw2's kernel at start; every cipSec row is
#    backed by kernel SAs, folded by the real refresh timer (default 5 s);
#  - bench/floor-agent: a plain table_container subagent of the same shapes
#    and 10,000 rows (the AgentX round-trip floor).
# The poll (bench/agent-poll) is what NMS collectors do: row-wise GETBULK,
# max-repetitions 10, 20 columns of cipSecTunnelTable and cikeTunnelTable.
# RUNS polls of each, alternating; medians, ratio, subagent CPU per poll.
# Then one more poll of ikeflowd while strongSwan rekeys the IKE SA.
# Goals: poll < 3 s, ikeflowd / floor <= 1.2, the rekey completes normally
# (swanctl --rekey --ike on gw1; new IKE SPIs on both sides, pings pass, no error or warning in the log).
#
# Run (as root, from the build directory):
#   tests/bed/run -o OUTDIR bench/agent-bed.sh     (SRCDIR's path if elsewhere)
# Figures: OUTDIR/agent-bed/bench.txt (and on the console).
# bed-timeout: 1200

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/bench/bed-common.sh"

N=${BENCH_N:-10000}
RUNS=${BENCH_RUNS:-7}
RUNS2=${BENCH_RUNS2:-3}
ike_spis() { swan gw1 gw1 statusall strongswan | sed -n 's/.*IKEv2 SPIs: \([0-9a-f_ir*]* [0-9a-f_ir*]*\).*/\1/p' | tr -d '*' | head -1; }
# the stroke interface has no rekey: vici's, in gw1's namespaces
swan_rekey_ike() { nsenter -t "$(cat /tmp/gw1/ns.pid)" -m -n swanctl --rekey --ike strongswan; }
ike_established() { swan gw1 gw1 status strongswan | grep -c 'strongswan\[[0-9]*\]: ESTABLISHED'; }

printf '%s\n' 'log_level = info' "agentx_socket = unix:$W/agentx-gw2" \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"

check topology bed_topology
check snmpd start_snmpd gw2
check charon-ios ikev2_ios
export BENCH_TUNNELS=$((N - 1)) BENCH_LOCAL=192.0.2.2
t0=$(date +%s)
IKEFLOWD=$BUILDDIR/bench/agent-bed-ikeflowd check ikeflowd ikev2_ikeflowd "" "$W/gw2-ikeflowd.conf"
check bench-rows-installed wait_for 900 grep -q 'bench: .* tunnels installed' "$W/gw2.log"
say "$(sed -n 's/.*notice: \(bench: .*\)/\1/p' "$W/gw2.log") (ikeflowd up after $(( $(date +%s) - t0 )) s)"
check_eq kernel-sas "$((2 * (N - 1)))" "$(ikev2_sa_count gw2)"
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check ping-before ip netns exec h1 ping -q -c 5 -i 0.2 -W 2 203.0.113.10
# Installing 50,000 SAs and policies before the loop runs overflows the event
# socket once (ikeflowd resynchronises and says so): errors count from here.
LOG0=$(wc -l <"$W/gw2.log")

bench_floor_start
check agent-all-rows wait_for 30 poll_all $R
check floor-all-rows wait_for 30 poll_all $FR
IKF=$(cat /tmp/gw2/ikeflowd.pid) FLOOR=$(cat "$W/floor.pid")
bench_rounds "$RUNS" "" "$IKF" "$FLOOR"

# Where the subagents' time goes. UML has no vDSO: every clock_gettime is a
# real system call in the guest, where it costs what it does not on hardware.
# strace -c counts (not timed): ikeflowd idle for 10 s (two refreshes: dump-
# and-fold of 20,000 SAs, table rebuild), then, with the refresh timer
# stopped by a reload (so no refresh falls into the polls), RUNS2 more timed
# polls of each and one poll of each under strace.
trace()		# NAME PID CMD...: strace -c of PID while CMD runs
{
	local name=$1 pid=$2 sp rc
	shift 2
	strace -c -f -p "$pid" -o "$W/$name-syscalls.txt" 2>/dev/null &
	sp=$!
	sleep 1
	"$@" >"$W/$name-out.txt" 2>&1
	rc=$?
	kill -INT $sp
	wait $sp
	return $rc
}
syscalls() { awk -v s="$2" '$NF == s { print $4 }' "$W/$1-syscalls.txt"; }
check trace-idle trace idle "$IKF" sleep 10
cp "$W/gw2-ikeflowd.conf" "$W/gw2-ikeflowd.conf.default"
echo 'refresh_interval = 3600000' >>"$W/gw2-ikeflowd.conf"
check reload-no-refresh ctl gw2 gw2 reload
bench_rounds "$RUNS2" -norefresh "$IKF" "$FLOOR"
ike2=$BR_IKE floor2=$BR_FLOOR ratio2=$BR_RATIO
check trace-ikeflowd trace ikeflowd "$IKF" poll $R
check trace-floor trace floor "$FLOOR" poll $FR
cp "$W/gw2-ikeflowd.conf.default" "$W/gw2-ikeflowd.conf"
check reload-default ctl gw2 gw2 reload

# The IKE SA rekeyed by strongSwan while ikeflowd is being polled.
old=$(ike_spis)
check spis-before test -n "$old"
poll $R >"$W/rekey-poll.txt" 2>&1 &
pollpid=$!
sleep 0.3
rs=$(date +%s%N)
check rekey-issued swan_rekey_ike
check rekey-during-poll kill -0 $pollpid
rekeyed() { s=$(ike_spis); [ -n "$s" ] && [ "$s" != "$old" ] && [ "$(ike_established)" = 1 ]; }
check rekey-done wait_for 30 rekeyed
re=$(date +%s%N)
check rekey-within-poll kill -0 $pollpid
wait $pollpid
check rekey-poll-ok grep -q "^$N rows" "$W/rekey-poll.txt"
new=$(ike_spis)
check ikf-rekey-logged grep -q 'IKE SA rekeyed by the peer' "$W/gw2.log"
ikf_new_spi() { ctl gw2 gw2 show crypto ikev2 sa detailed | grep -qi "${new%%_i *}"; }
check ikf-new-spis wait_for 5 ikf_new_spi
check ping-after ip netns exec h1 ping -q -c 5 -i 0.2 -W 2 203.0.113.10
check ikf-no-errors sh -c "! tail -n +$((LOG0 + 1)) '$W/gw2.log' | grep -E ' (error|warning): '"
check swan-no-errors sh -c "! grep -E 'retransmit|failed|error' '$W/gw1-charon.log'"
ctl gw2 gw2 show crypto ikev2 sa detailed >"$W/gw2-show-ikev2-sa.txt" 2>&1

{
	echo "agent-bed: $N tunnels ($((N - 1)) bench + 1 negotiated), real kernel SAs, $RUNS polls each, medians"
	bench_rounds_report
	echo "  without refresh ($RUNS2 polls each): ikeflowd $ike2 s, floor $floor2 s, ratio $ratio2"
	echo "    (runs: ikeflowd $(tr '\n' ' ' <"$W/ikf-times-norefresh.txt")/ floor $(tr '\n' ' ' <"$W/floor-times-norefresh.txt"))"
	for a in ikeflowd floor; do
		echo "  $a, one poll under strace -c: $(syscalls $a total) system calls," \
		    "$(syscalls $a clock_gettime) of them clock_gettime ($(cat "$W/$a-out.txt"))"
	done
	echo "  ikeflowd idle 10 s (2 refreshes) under strace -c: $(syscalls idle total) system calls," \
	    "$(syscalls idle clock_gettime) of them clock_gettime"
	echo "  rekey during poll: poll $(cat "$W/rekey-poll.txt"); IKE SPIs $old -> $new," \
	    "done $(( (re - rs) / 1000000 )) ms after ipsec rekey (0.2 s polling)"
} | tee "$W/bench.txt"
bench_goals
