#!/bin/sh
# The agent benchmark: 10,000 tunnels in the state model (tests/agent/
# agent_fixture), polled through snmpd the way NMS collectors do (row-wise
# GETBULK, max-repetitions 10, 20 columns of cipSecTunnelTable and
# cikeTunnelTable per PDU), against the floor agent (bench/floor-agent: a
# plain table_container subagent of the same shapes) in the same snmpd.
# Goals: whole poll < 3 s, ikeflowd / floor <= 1.2. Exit 1 if missed.
#
# usage: agent-bench.sh [BUILDDIR] [TUNNELS] [RUNS]
set -u
B=${1:-.}
N=${2:-10000}
RUNS=${3:-3}
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)
W=$(mktemp -d /tmp/ikeflow-bench.XXXXXX)
PORT=$((30000 + $$ % 20000))
export MIBS= MIBDIRS=/dev/null SNMP_PERSISTENT_DIR=$W/persist

cleanup() {
	for p in fix floor snmpd; do
		[ -s "$W/$p.pid" ] && kill "$(cat "$W/$p.pid")" 2>/dev/null
	done
	sleep 0.2
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

printf 'master agentx\nagentXSocket unix:%s/agentx\nagentXTimeout 5\nrocommunity public 127.0.0.1\n' \
    "$W" >"$W/snmpd.conf"
"$SNMPD" -f -C -c "$W/snmpd.conf" -Lf "$W/snmpd.log" udp:127.0.0.1:$PORT &
echo $! >"$W/snmpd.pid"
i=0; while [ ! -S "$W/agentx" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

"$B/tests/agent/agent_fixture" unix:$W/agentx 5 "$N" 5000 >"$W/fix.out" 2>"$W/fix.err" &
echo $! >"$W/fix.pid"
"$B/bench/floor-agent" unix:$W/agentx "$N" >"$W/floor.out" 2>"$W/floor.err" &
echo $! >"$W/floor.pid"
up() { snmpget -v2c -c public -On -Ov 127.0.0.1:$PORT "$1" 2>/dev/null | grep -q "$2"; }
i=0
while ! { up 1.3.6.1.4.1.9.9.171.1.1.1.0 'INTEGER: 1' &&
    up 1.3.6.1.4.1.8072.9999.171.1.3.2.1.2.$N 'INTEGER'; } && [ $i -lt 100 ]; do
	sleep 0.2; i=$((i + 1))
done

# one poll of ROOT, in seconds
poll() {
	out=$("$B/bench/agent-poll" 127.0.0.1:$PORT public "$1") || { echo "poll failed: $out" >&2; return 1; }
	rows=${out%% rows*}
	[ "$rows" -eq "$N" ] || { echo "poll saw $rows rows, not $N" >&2; return 1; }
	echo "  $1: $out" >&2
	echo "$out" | awk '{ print $(NF - 1) }'
}
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }	# clock ticks
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
# The two alternate, so that load from elsewhere on the host hits both alike;
# the best run of each counts.
# The subagents' own CPU time is reported too: it does not depend on load.
ike= floor= ikecpu=0 floorcpu=0
FIX=$(cat "$W/fix.pid") FLOOR=$(cat "$W/floor.pid")
for r in $(seq "$RUNS"); do
	c=$(cpu "$FIX")
	s=$(poll 1.3.6.1.4.1.9.9.171) || exit 1
	ikecpu=$((ikecpu + $(cpu "$FIX") - c))
	ike=$(min "$ike" "$s")
	c=$(cpu "$FLOOR")
	s=$(poll 1.3.6.1.4.1.8072.9999.171) || exit 1
	floorcpu=$((floorcpu + $(cpu "$FLOOR") - c))
	floor=$(min "$floor" "$s")
done
hz=$(getconf CLK_TCK)
awk -v i="$ike" -v f="$floor" -v n="$N" -v ic="$ikecpu" -v fc="$floorcpu" -v hz="$hz" \
    -v runs="$RUNS" 'BEGIN {
	r = i / f
	printf "%d tunnels: ikeflowd %.3f s, floor %.3f s, ratio %.2f (goals: < 3 s, <= 1.20)\n", n, i, f, r
	printf "subagent CPU per poll: ikeflowd %.3f s, floor %.3f s\n", ic / hz / runs, fc / hz / runs
	exit !(i < 3 && r <= 1.2)
}'
