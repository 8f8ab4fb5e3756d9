#!/bin/sh
# The subagent against a real snmpd master on this host (no root, no kernel
# ESP needed): snmpd on 127.0.0.1:<random high port> with its AgentX socket in
# a temporary directory, snmptrapd for the notifications, and the fixture
# subagent (tests/agent/agent_fixture) serving three tunnels of 100 packets
# each way. Exit 0 = pass, 77 = skipped (no snmpd), 1 = failure.
#
# usage: run-snmp-test.sh [BUILDDIR]   (default: the current directory)
set -u

. "$(dirname "$0")/snmp-lib.sh"

start_snmpd
if "$TRAPD" -v >/dev/null 2>&1 || [ -x "$TRAPD" ]; then
	"$TRAPD" -f -C -c "$W/snmptrapd.conf" -On -Lf "$W/traps.log" -p "$W/trapd.pid" \
	    udp:127.0.0.1:$TPORT &
	echo $! >"$W/trapd.pid"
	have_trapd=1
else
	echo "note: no snmptrapd, notification checks skipped"
	have_trapd=0
fi
wait_for 5 test -S "$W/agentx" || { bad "snmpd did not open its AgentX socket"; exit 1; }

"$FIX" unix:$W/agentx 1 3 >"$W/fix.out" 2>"$W/fix.err" &
echo $! >"$W/fix.pid"
wait_for 5 agent_up || { bad "subagent did not register"; cat "$W/fix.err"; exit 1; }
ok "subagent registered (cipSecMibLevel = 1)"

# Phase-2 counters: 100 packets each way; tunnel 1 carried 5,000,000,000 octets in.
expect $R.1.3.2.1.32.1 "Counter32: 100" "cipSecTunInPkts.1"
expect $R.1.3.2.1.45.1 "Counter32: 100" "cipSecTunOutPkts.1"
expect $R.1.3.2.1.27.1 "Counter64: 5000000000" "cipSecTunHcInOctets.1"
expect $R.1.3.2.1.26.1 "Counter32: 705032704" "cipSecTunInOctets.1 = low 32 bits"
expect $R.1.3.2.1.28.1 "Counter32: 1" "cipSecTunInOctWraps.1 = value >> 32"
expect $R.1.3.2.1.4.1 "Hex-STRING: AC 10 0B 01" "cipSecTunLocalAddr.1 = 4 raw octets"
expect $R.1.3.3.1.5.1.1 "Hex-STRING: FF FF FF 00" "cipSecEndPtLocalAddr2 = netmask"
expect $R.1.3.3.1.3.1.1 "INTEGER: 3" "cipSecEndPtLocalType = ipSubnet"
expect $R.1.3.1.1.0 "Gauge32: 3" "cipSecGlobalActiveTunnels"
expect $R.1.2.3.1.7.2 'STRING: "gw.example.net"' "cikeTunRemoteValue.2 (FQDN ID)"
expect $R.1.2.3.1.3.1 'STRING: "172.16.11.1"' "cikeTunLocalValue.1 (address ID as text)"

# Index columns are not served.
for o in $R.1.3.2.1.1.1 $R.1.2.3.1.1.1 $R.1.3.3.1.1.1.1 $R.1.3.4.1.1.1.1; do
	v=$(get $o)
	case "$v" in *"No Such"*) ok "index column $o absent";; *) bad "index column $o served: $v";; esac
done
first=$(snmpgetnext -v2c -c public -On 127.0.0.1:$PORT $R.1.3.2 2>&1)
case "$first" in "$R.1.3.2.1.2.1 "*|".$R.1.3.2.1.2.1 "*) ok "GETNEXT on the table starts at column 2";;
	*) bad "GETNEXT on the table: $first";; esac

# cipSecTunIkeTunnelIndex names an existing cikeTunnelTable row, same addresses.
for t in 1 2 3; do
	ike=$(get $R.1.3.2.1.2.$t | sed 's/.*INTEGER: //')
	la=$(get $R.1.3.2.1.4.$t); ila=$(get $R.1.2.3.1.4.$ike)
	[ "$la" = "$ila" ] && ok "tunnel $t -> IKE $ike, same local address" ||
	    bad "tunnel $t -> IKE $ike: '$la' vs '$ila'"
done

# A whole-MIB walk and a row-wise GETBULK work.
n=$(snmpwalk -v2c -c public -On 127.0.0.1:$PORT $R 2>/dev/null | wc -l)
[ "$n" -gt 300 ] && ok "walk of the MIB: $n varbinds" || bad "walk of the MIB: $n varbinds"
n=$(snmpbulkget -v2c -c public -On -Cn0 -Cr10 127.0.0.1:$PORT $R.1.3.2.1.32 $R.1.3.2.1.45 2>/dev/null |
    grep -c "$R.1.3.2.1.32\.\|$R.1.3.2.1.45\.")
[ "$n" -eq 6 ] && ok "GETBULK max-rep 10 over two columns: 6 rows' values" || bad "GETBULK: $n"

# The peer table: string indexes as length + octets.
v=$(snmpgetnext -v2c -c public -On 127.0.0.1:$PORT $R.1.2.2.1.6 2>&1)
case "$v" in *"$R.1.2.2.1.6.1.11.49.55.50.46.49.54.46.49.49.46.49.1.11.49.55.50.46.49.54.46.49.49.46.50.1 = Hex-STRING: AC 10 0B 01"*)
	ok "cikePeerLocalAddr instance = type.len.\"172.16.11.1\".type.len.\"172.16.11.2\".1";;
	*) bad "cikePeerTable index: $v";; esac

# SETs: sizes, checkpoint, trap controls, status.
case "$(set_ $R.1.4.1.1.1.0 i 0)" in *wrongValue*) ok "cipSecHistTableSize = 0 -> wrongValue";; *) bad "HistTableSize 0 accepted";; esac
case "$(set_ $R.1.5.1.1.1.0 i 100001)" in *wrongValue*) ok "cipSecFailTableSize = 100001 -> wrongValue";; *) bad "FailTableSize 100001 accepted";; esac
case "$(set_ $R.1.4.1.1.1.0 s big)" in *wrongType*) ok "cipSecHistTableSize = string -> wrongType";; *) bad "wrong type accepted";; esac
case "$(set_ $R.1.4.1.1.1.0 i 50)" in *"INTEGER: 50"*) ok "cipSecHistTableSize = 50";; *) bad "HistTableSize 50 refused";; esac
expect $R.1.4.1.1.1.0 "INTEGER: 50" "cipSecHistTableSize reads back 50"
case "$(set_ $R.1.6.8.0 i 3)" in *wrongValue*) ok "trap control = 3 -> wrongValue";; *) bad "trap control 3 accepted";; esac
case "$(set_ $R.1.3.2.1.51.99 i 2)" in *noCreation*) ok "cipSecTunStatus.99 -> noCreation";; *) bad "status of a missing row";; esac
case "$(set_ $R.1.3.2.1.51.2 i 3)" in *wrongValue*) ok "cipSecTunStatus = 3 -> wrongValue";; *) bad "status 3 accepted";; esac
case "$(set_ $R.1.3.2.1.32.2 i 1)" in *notWritable*) ok "cipSecTunInPkts not writable";; *) bad "counter writable";; esac
case "$(set_ $R.1.3.2.1.51.2 i 1)" in *"INTEGER: 1"*) ok "cipSecTunStatus = active(1) is a no-op";; *) bad "active(1) refused";; esac
grep -q "destroy" "$W/fix.out" && bad "active(1) destroyed a tunnel"

set_ $R.1.6.8.0 i 1 >/dev/null
expect $R.1.6.8.0 "INTEGER: 1" "cipSecTrapCntlIpSecTunnelStop enabled"
case "$(set_ $R.1.3.2.1.51.2 i 2)" in *"INTEGER: 2"*) ok "cipSecTunStatus.2 = destroy(2)";; *) bad "destroy refused";; esac
grep -q "destroy child 2" "$W/fix.out" && ok "the destroy handler ran for tunnel 2" || bad "destroy handler not called"
gone() { get $R.1.3.2.1.51.2 | grep -q "No Such"; }
wait_for 3 gone && ok "tunnel 2's row is gone" || bad "tunnel 2 still listed"
expect $R.1.3.1.2.0 "Counter32: 1" "cipSecGlobalPreviousTunnels"
expect $R.1.3.1.9.0 "Counter32: 300" "cipSecGlobalInPkts keeps the ended tunnel's packets"
expect $R.1.4.3.1.1.2.1 "INTEGER: 3" "cipSecTunHistTermReason = operRequest"
if [ $have_trapd -eq 1 ]; then
	got() { grep -q "$R.2.0.8" "$W/traps.log" 2>/dev/null; }
	if wait_for 5 got; then
		ok "snmptrapd received cipSecTunnelStop"
		grep "$R.2.0.8" "$W/traps.log" | grep -q "$R.1.3.2.1.10.2 = INTEGER" &&
		    ok "cipSecTunnelStop carries cipSecTunActiveTime.2" || bad "cipSecTunnelStop varbinds"
	else
		bad "no cipSecTunnelStop trap"
	fi
fi

# destroy(2) on an IKE SA takes its tunnel with it; both notifications arrive.
set_ $R.1.6.2.0 i 1 >/dev/null
case "$(set_ $R.1.2.3.1.35.3 i 2)" in *"INTEGER: 2"*) ok "cikeTunStatus.3 = destroy(2)";; *) bad "IKE destroy refused";; esac
grep -q "destroy ike 3" "$W/fix.out" && ok "the destroy handler ran for IKE SA 3" || bad "IKE destroy handler not called"
ikegone() { get $R.1.2.3.1.35.3 | grep -q "No Such" && get $R.1.3.2.1.51.3 | grep -q "No Such"; }
wait_for 3 ikegone && ok "IKE SA 3 and its tunnel 3 are gone" || bad "IKE SA 3 still listed"
if [ $have_trapd -eq 1 ]; then
	got2() { grep -q "$R.2.0.2" "$W/traps.log" 2>/dev/null; }
	wait_for 5 got2 && ok "snmptrapd received cikeTunnelStop" || bad "no cikeTunnelStop trap"
	grep "$R.2.0.2" "$W/traps.log" | grep -q "$R.1.2.2.1.6.1.11.49.55.50.46.49.54.46.49.51.46.49.1.11.49.55.50.46.49.54.46.49.51.46.50.3 = Hex-STRING: AC 10 0D 01" &&
	    ok "cikeTunnelStop carries cikePeerLocalAddr with the peer index" || bad "cikeTunnelStop varbinds"
	[ "$(grep -c "$R.2.0.8" "$W/traps.log")" -eq 2 ] && ok "a cipSecTunnelStop for tunnel 3 too" ||
	    bad "cipSecTunnelStop count: $(grep -c "$R.2.0.8" "$W/traps.log")"
fi
expect $R.1.2.1.2.0 "Counter32: 1" "cikeGlobalPreviousTunnels"

# checkPoint(2): a history record per active tunnel, reads back ready(1).
case "$(set_ $R.1.4.1.1.2.0 i 2)" in *"INTEGER: 2"*) ok "cipSecHistCheckPoint = checkPoint";; *) bad "checkpoint refused";; esac
expect $R.1.4.1.1.2.0 "INTEGER: 1" "cipSecHistCheckPoint reads ready(1)"
wait_for 3 sh -c "snmpwalk -v2c -c public -On 127.0.0.1:$PORT $R.1.4.3.1.1.2 | grep -q 'INTEGER: 7'" &&
    ok "checkpoint history rows (checkPointReq)" || bad "no checkpoint history rows"

# sysORTable lists the module.
snmpwalk -v2c -c public -On 127.0.0.1:$PORT 1.3.6.1.2.1.1.9.1.2 2>/dev/null | grep -q "OID: .$R\$" &&
    ok "sysORTable lists ciscoIpSecFlowMonitorMIB" || bad "not in sysORTable"

# snmpd restarts: the subagent is back within 5 s.
kill "$(cat "$W/snmpd.pid")"; wait "$(cat "$W/snmpd.pid")" 2>/dev/null
rm -f "$W/agentx"
start_snmpd
t0=$(date +%s%N)
if wait_for 8 agent_up; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $ms -le 5000 ] && ok "subagent back $ms ms after the snmpd restart" ||
	    bad "subagent back only after $ms ms"
	expect $R.1.3.2.1.32.1 "Counter32: 100" "values served after the reconnect"
else
	bad "subagent not back after the snmpd restart"
fi
kill -0 "$(cat "$W/fix.pid")" 2>/dev/null && ok "the fixture daemon survived" || bad "the fixture died"

# Net-SNMP's own complaints on the way out: a callback list's lock held too
# long, or a failed internal assertion.
clean_exit() {	# stderr-file description
	if grep -E "_callback_lock|netsnmp_assert" "$1"; then
		bad "$2: Net-SNMP warnings at shutdown"
	else
		ok "$2: no Net-SNMP warnings at shutdown"
	fi
}

# snmpd and the subagent stop at the same moment.
fpid=$(cat "$W/fix.pid") spid=$(cat "$W/snmpd.pid")
kill "$spid" "$fpid"
wait "$fpid"; rc=$?
wait "$spid" 2>/dev/null
[ $rc -eq 0 ] && ok "the fixture exited 0 with snmpd stopping" || bad "the fixture exited $rc"
clean_exit "$W/fix.err" "both stopped at once"

# The subagent stops alone: the master forgets its registrations.
rm -f "$W/agentx"
start_snmpd
wait_for 5 test -S "$W/agentx" || { bad "snmpd did not open its AgentX socket again"; exit 1; }
"$FIX" unix:$W/agentx 1 3 >"$W/fix2.out" 2>"$W/fix2.err" &
echo $! >"$W/fix.pid"
wait_for 5 agent_up || bad "subagent did not register again"
sysor() { snmpwalk -v2c -c public -On 127.0.0.1:$PORT 1.3.6.1.2.1.1.9.1.2 2>/dev/null | grep -q "OID: .$R\$"; }
sysor && ok "sysORTable lists the module again" || bad "not in sysORTable after the new start"
fpid=$(cat "$W/fix.pid")
kill "$fpid"
wait "$fpid"; rc=$?
[ $rc -eq 0 ] && ok "the fixture exited 0" || bad "the fixture exited $rc"
clean_exit "$W/fix2.err" "the subagent stopped alone"
expect $R.1.1.1.0 "No Such Object" "the flow MIB left the master"
sysor && bad "sysORTable still lists the module" || ok "sysORTable no longer lists the module"

echo "$fails failure(s)"
[ $fails -eq 0 ]
