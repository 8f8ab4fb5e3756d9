#!/bin/sh
# SETs on the two writable status columns (cikeTunStatus, cipSecTunStatus)
# while the fixture rebuilds the flow MIB's tables every millisecond (its
# rebuilds not paced by their cost, share 0): a
# SET's phases are separate AgentX PDUs, so rebuilds fall between them.
# The subagent once kept the row Net-SNMP found in the first phase and read
# it in the later ones, from memory a rebuild had freed (and took the tunnel
# to destroy from there).  Built with --enable-sanitizers, the fixture
# aborts on such a read.  Valid (active, destroy), refused (noCreation,
# wrongValue, wrongType, notWritable) and mixed PDUs, several thousand
# varbinds in all; each answer is checked, and so is what was destroyed.
#
# usage: run-snmp-set-stress.sh [BUILDDIR]   Exit 0 pass, 77 skip, 1 fail.
set -u

. "$(dirname "$0")/snmp-lib.sh"

N=40		# tunnels 1..30 stay, 31..40 are destroyed on the way
ROUNDS=${SET_STRESS_ROUNDS:-150}
IKE_ST=$R.1.2.3.1.35
TUN_ST=$R.1.3.2.1.51

start_snmpd
wait_for 5 test -S "$W/agentx" || { bad "snmpd did not open its AgentX socket"; exit 1; }
"$FIX" unix:$W/agentx 1 $N 1 0 >"$W/fix.out" 2>"$W/fix.err" &
echo $! >"$W/fix.pid"
wait_for 10 agent_up || { bad "subagent did not register"; cat "$W/fix.err"; exit 1; }
ok "subagent registered, tables rebuilt every 1 ms"

sets=0 wrong=0 i=0
# expect_set WANT VARBINDS...: one PDU, its answer must contain WANT
expect_set() {
	want=$1
	shift
	out=$(set_ "$@")
	sets=$((sets + $# / 3))
	case "$out" in
	*"$want"*) ;;
	*) wrong=$((wrong + 1)); [ $wrong -le 5 ] && echo "unexpected answer (want $want): $out" ;;
	esac
}
while [ $i -lt "$ROUNDS" ]; do
	# active(1) on ten live tunnels in both tables: all phases run
	vbs=
	for k in 0 1 2 3 4 5 6 7 8 9; do
		t=$(( (i * 10 + k) % 30 + 1 ))
		vbs="$vbs $TUN_ST.$t i 1 $IKE_ST.$t i 1"
	done
	# shellcheck disable=SC2086
	expect_set "INTEGER: 1" $vbs
	case $((i % 5)) in
	0) expect_set noCreation $TUN_ST.$((9000 + i)) i 1 ;;
	1) expect_set wrongValue $IKE_ST.$((i % 30 + 1)) i 3 ;;
	2) expect_set wrongType $TUN_ST.$((i % 30 + 1)) s x ;;
	3) expect_set notWritable $R.1.3.2.1.32.$((i % 30 + 1)) i 5 ;;
	4) expect_set noCreation $TUN_ST.$((i % 30 + 1)) i 1 $TUN_ST.0 i 1 ;;
	esac
	# one destroy every 15 rounds: children 31..35, then IKE SAs 36..40
	if [ $((i % 15)) = 14 ] && [ $((i / 15)) -lt 10 ]; then
		d=$((31 + i / 15))
		if [ $d -le 35 ]; then
			expect_set "INTEGER: 2" $TUN_ST.$d i 2 $TUN_ST.$((d % 30 + 1)) i 1
		else
			expect_set "INTEGER: 2" $IKE_ST.$d i 2
		fi
	fi
	kill -0 "$(cat "$W/fix.pid")" 2>/dev/null || break
	i=$((i + 1))
done

if kill -0 "$(cat "$W/fix.pid")" 2>/dev/null; then
	ok "the subagent survived $sets SET varbinds in $i rounds"
else
	bad "the subagent died after round $i"
	grep -A 12 "ERROR: AddressSanitizer" "$W/fix.err" | head -n 30
fi
[ $wrong -eq 0 ] && ok "every SET answered as expected" || bad "$wrong SET PDUs answered wrongly"
n=$(grep -c "^destroy child" "$W/fix.out")
m=$(grep -c "^destroy ike" "$W/fix.out")
if [ "$ROUNDS" -ge 150 ]; then
	[ "$n" -eq 5 ] && [ "$m" -eq 5 ] && ok "5 child and 5 IKE destroys, each once" ||
	    bad "destroys: $n child, $m IKE (want 5 and 5)"
	gone() { get $TUN_ST.31 $TUN_ST.35 $IKE_ST.40 $TUN_ST.40 | grep -c "No Such" | grep -qx 4; }
	wait_for 5 gone && ok "destroyed rows are gone" || bad "destroyed rows still listed"
	expect $TUN_ST.30 "INTEGER: 1" "a live tunnel is still active"
fi
if grep -q -E "AddressSanitizer|runtime error:" "$W/fix.err"; then
	bad "sanitizer report in the subagent's stderr"
	grep -E -A 12 "AddressSanitizer|runtime error:" "$W/fix.err" | head -n 30
fi
fpid=$(cat "$W/fix.pid")
kill "$fpid" 2>/dev/null
wait "$fpid"; rc=$?
[ $rc -eq 0 ] && ok "the subagent exited 0" || bad "the subagent exited $rc"

echo "$fails failure(s)"
[ $fails -eq 0 ]
