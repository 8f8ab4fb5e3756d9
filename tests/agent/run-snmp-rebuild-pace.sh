#!/bin/sh
# The flow MIB's table rebuilds take at most 1/AGENT_REBUILD_SHARE of the
# time whatever asks for them. Under constant rekeys the daemon asks after
# every fold and every state change, and each rebuild reads every row: at
# 2,000 tunnels in the soak's one-CPU guest the rebuilds alone would take
# the CPU. The fixture asks for one every millisecond with 3,000 tunnels
# while the table is walked through a real snmpd, three walks at a time,
# until it has served five rebuilds (as many walks as that takes, however
# loaded the machine); at exit it says what the rebuilds took. Each rebuild is followed
# by a gap of at least 20 times its cost, so paced (share 20) they take at
# most a twentieth of the time plus two: the first two (at start-up,
# and the first asked for, with no gap before it). The same fixture
# unpaced (share 0), up only until it answers, shows that without the
# pacing they take far more, so the check can fail. The walks prove the
# tables whole and the agent answering meanwhile.
#
# usage: run-snmp-rebuild-pace.sh [BUILDDIR]   Exit 0 pass, 77 skip, 1 fail.
set -u

. "$(dirname "$0")/snmp-lib.sh"

N=3000
SHARE=20

start_snmpd
wait_for 5 test -S "$W/agentx" || { bad "snmpd did not open its AgentX socket"; exit 1; }

# run SHARE REBUILDS: one fixture; rounds of three walks of cipSecTunStatus
# at once until it has served REBUILDS rebuilds (60 rounds at most); its
# figures "REBUILDS COST_US UP_US" in $W/figures-SHARE
run() {
	"$FIX" unix:$W/agentx 1 $N 1 "$1" >"$W/fix-$1.out" 2>"$W/fix-$1.err" &
	echo $! >"$W/fix.pid"
	wait_for 30 agent_up || { bad "share $1: subagent did not register"; cat "$W/fix-$1.err"; return 1; }
	k=0
	while [ "$(grep -c '^rebuilt' "$W/fix-$1.out")" -lt "$2" ] && [ $k -lt 60 ]; do
		k=$((k + 1))
		# three walks at once: the subagent reads what is ready after
		# each PDU in the same turn, and one walk's PDU must not make it
		# read another's descriptor that is no longer ready (it hung so)
		pids=
		for j in 1 2 3; do
			snmpbulkwalk -v2c -c public -On -t 10 -r 1 -Cr50 127.0.0.1:$PORT \
			    $R.1.3.2.1.51 >"$W/walk-$j" 2>&1 &
			pids="$pids $!"
		done
		# shellcheck disable=SC2086
		wait $pids
		short=0
		for j in 1 2 3; do
			rows=$(grep -c 'INTEGER: 1' "$W/walk-$j")
			[ "$rows" = $N ] ||
			    { bad "share $1: walk $k.$j: $rows rows, want $N"; short=1; }
		done
		[ $short = 0 ] || break		# (a stuck subagent: no more rounds)
	done
	[ $k -gt 0 ] && ok "share $1: $k rounds of three walks, every row each time"
	kill "$(cat "$W/fix.pid")"
	# (a subagent stuck in a read never takes its SIGTERM)
	wait_for 30 grep -q '^rebuilds' "$W/fix-$1.out" ||
	    { bad "share $1: no summary"; kill -9 "$(cat "$W/fix.pid")"; return 1; }
	rm -f "$W/fix.pid"
	sed -n 's/^rebuilds \([0-9]*\) cost_us \([0-9]*\) up_us \([0-9]*\)$/\1 \2 \3/p' \
	    "$W/fix-$1.out" >"$W/figures-$1"
}

run $SHARE 5
set -- $(cat "$W/figures-$SHARE" 2>/dev/null)
[ $# = 3 ] || { bad "paced run gave no figures"; exit 1; }
n=$1 cost=$2 up=$3
echo "paced: $n rebuilds, $((cost / 1000)) ms of $((up / 1000)) ms"
[ "$n" -ge 5 ] && ok "paced: still rebuilds ($n)" || bad "paced: $n rebuilds, want 5 or more"
# At most 1/SHARE of the time, but for the rebuilds no gap follows within
# the run: the start-up one (the first asked for comes without a gap) and
# the last; and one that took longer than the one before (the machine
# busier: costs are wall time) followed a gap sized by the one before, so
# the longest counts once more. Each taken as it was, not as the average:
# a CI run with the suite's other half beside it failed on the average.
costs=$(sed -n 's/^rebuilt [0-9]* cost_us \([0-9]*\)$/\1/p' "$W/fix-$SHARE.out")
first=$(echo "$costs" | head -n 1) last=$(echo "$costs" | tail -n 1)
most=$(echo "$costs" | sort -n | tail -n 1)
echo "paced: rebuild costs (us): $(echo $costs)"
[ $((cost * SHARE)) -le $((up + SHARE * (first + last + most))) ] &&
    ok "paced: rebuilds took $((cost * 100 / up)) % of the time (at most $((100 / SHARE)) %)" ||
    bad "paced: rebuilds took $((cost * 100 / up)) % of the time, over 1/$SHARE"

run 0 0
set -- $(cat "$W/figures-0" 2>/dev/null)
[ $# = 3 ] || { bad "unpaced run gave no figures"; exit 1; }
echo "unpaced: $1 rebuilds, $(($2 / 1000)) ms of $(($3 / 1000)) ms"
[ $(($2 * SHARE)) -gt "$3" ] &&
    ok "unpaced: rebuilds took $(($2 * 100 / $3)) % (the pacing is what holds them)" ||
    bad "unpaced: rebuilds took only $(($2 * 100 / $3)) %: the check above proves nothing"

[ $fails -eq 0 ] && echo "PASS" || { echo "FAIL ($fails)"; exit 1; }
