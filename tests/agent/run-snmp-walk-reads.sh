#!/bin/sh
# A walk of cipSecTunnelTable with old counters reads the kernel in a few
# steps, never all at once in one turn: the rows it goes to are read alone,
# READ_AHEAD (32) at a time once it is seen walking, and after 256 rows a
# fold in steps takes over (agent/agent.c fresh_for_rows). The fixture
# stands in for the kernel's readings and counts them (FIXTURE_COUNTERS):
# a walk of 600 rows through a real snmpd must make no fold at once, at
# least one fold in steps, and some 20 readings (each of up to 32 tunnels),
# not one a row (600, as before the read-ahead); every row is answered.
#
# usage: run-snmp-walk-reads.sh [BUILDDIR]   Exit 0 pass, 77 skip, 1 fail.
set -u

. "$(dirname "$0")/snmp-lib.sh"

N=600

start_snmpd
wait_for 5 test -S "$W/agentx" || { bad "snmpd did not open its AgentX socket"; exit 1; }
# (the rebuild timer at an hour: the table stays as built)
FIXTURE_COUNTERS=1 "$FIX" unix:$W/agentx 1 $N 3600000 >"$W/fix.out" 2>"$W/fix.err" &
echo $! >"$W/fix.pid"
wait_for 30 agent_up || { bad "subagent did not register"; cat "$W/fix.err"; exit 1; }

# one GET of a row, counters never read: that row alone
expect $R.1.3.2.1.32.7 "Counter32: 100" "GET of tunnel 7's InPkts"
snmpbulkwalk -v2c -c public -On -t 10 -r 1 -Cr10 127.0.0.1:$PORT $R.1.3.2.1.32 >"$W/walk" 2>&1
rows=$(grep -c 'Counter32: 100' "$W/walk")
[ "$rows" = $N ] && ok "walk: every row ($rows)" || bad "walk: $rows rows, want $N"

kill "$(cat "$W/fix.pid")"
wait_for 30 grep -q '^counters' "$W/fix.out" ||
    { bad "no counts from the fixture"; kill -9 "$(cat "$W/fix.pid")"; exit 1; }
rm -f "$W/fix.pid"
set -- $(sed -n 's/^counters now \([0-9]*\) steps \([0-9]*\) reads \([0-9]*\) tunnels \([0-9]*\)$/\1 \2 \3 \4/p' "$W/fix.out")
[ $# = 4 ] || { bad "counts: $(cat "$W/fix.out")"; exit 1; }
echo "folds at once $1, folds in steps $2, readings $3 of $4 tunnels"
[ "$1" = 0 ] && ok "no fold at once" || bad "$1 folds at once"
[ "$2" -ge 1 ] && ok "a fold in steps took over ($2)" || bad "no fold in steps"
# the GET's one, the walk's first row, then 32 at a time (a window is
# good for a second) until the fold in steps has ended: about 20, 40 at
# most on a loaded machine (one a row: 600)
[ "$3" -ge 2 ] && [ "$3" -le 40 ] && ok "readings: $3 (of $4 tunnels)" ||
    bad "readings: $3 (of $4 tunnels), want 2-40"

[ $fails -eq 0 ] && echo "PASS" || { echo "FAIL ($fails)"; exit 1; }
