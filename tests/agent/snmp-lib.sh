# Shared by the tests/agent scripts: a real snmpd master on 127.0.0.1 at a
# port of this process's own, its AgentX socket in a temporary directory
# ($W), the fixture subagent's path ($FIX) and the check helpers.  Sourced
# with the build directory as $1.
B=${1:-.}
FIX=$B/tests/agent/agent_fixture
SNMPD=$(command -v snmpd || echo /usr/sbin/snmpd)
TRAPD=$(command -v snmptrapd || echo /usr/sbin/snmptrapd)
[ -x "$SNMPD" ] && command -v snmpget >/dev/null || { echo "SKIP: snmpd/snmp not installed"; exit 77; }
[ -x "$FIX" ] || { echo "FAIL: $FIX not built (make tests/agent/agent_fixture)"; exit 1; }

W=$(mktemp -d /tmp/ikeflow-snmp.XXXXXX)
# two ports per process (agent, traps): scripts that make check runs side by
# side have neighbouring PIDs, and PID + 1 must not be a neighbour's port
PORT=$((20000 + $$ % 10000 * 2))
TPORT=$((PORT + 1))
R=1.3.6.1.4.1.9.9.171
fails=0
export MIBS= MIBDIRS=/dev/null SNMP_PERSISTENT_DIR=$W/persist

cleanup() {
	for p in fix snmpd trapd; do
		[ -s "$W/$p.pid" ] && kill "$(cat "$W/$p.pid")" 2>/dev/null
	done
	sleep 0.2
	if [ $fails -eq 0 ]; then rm -rf "$W"; else echo "kept $W"; fi
}
trap cleanup EXIT INT TERM

cat >"$W/snmpd.conf" <<EOF
master agentx
agentXSocket unix:$W/agentx
agentXTimeout 3
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:$TPORT public
EOF
echo "disableAuthorization yes" >"$W/snmptrapd.conf"

start_snmpd() {
	"$SNMPD" -f -C -c "$W/snmpd.conf" -Lf "$W/snmpd.log" -p "$W/snmpd.pid" \
	    udp:127.0.0.1:$PORT &
	echo $! >"$W/snmpd.pid"
}

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# value OID: the value part of one snmpget answer
get() { snmpget -v2c -c public -On -Ov -t 1 -r 1 127.0.0.1:$PORT "$@" 2>&1; }
set_() { snmpset -v2c -c private -On -t 2 -r 0 127.0.0.1:$PORT "$@" 2>&1; }
expect() {	# OID expected-value-substring description
	v=$(get "$1")
	case "$v" in *"$2"*) ok "$3 ($v)";; *) bad "$3: $1 = '$v', want '$2'";; esac
}
wait_for() {	# seconds command...
	n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
agent_up() { get $R.1.1.1.0 | grep -q 'INTEGER: 1'; }
