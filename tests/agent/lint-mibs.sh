#!/bin/sh
# The project's MIB modules pass `smilint -l 3` without a message, and
# Net-SNMP's parser resolves them (with the lint-only IETF stand-ins where the
# real modules are not installed). 77 = skipped (no smilint).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v smilint >/dev/null || { echo "SKIP: smilint not installed"; exit 77; }
path="$top/tests/agent/lint-mibs:$top/mibs"
out=$(SMIPATH=$path smilint -l 3 -s "$top/mibs/CISCO-SMI.my" \
    "$top/mibs/CISCO-IPSEC-FLOW-MONITOR-MIB.my" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: smilint -l 3 (rc $rc):"
	echo "$out"
	exit 1
fi
echo "ok: smilint -l 3 is silent"
if command -v snmptranslate >/dev/null; then
	o=$(snmptranslate -M "$path" -m CISCO-IPSEC-FLOW-MONITOR-MIB -On \
	    CISCO-IPSEC-FLOW-MONITOR-MIB::cipSecTunHcInOctets 2>&1)
	[ "$o" = ".1.3.6.1.4.1.9.9.171.1.3.2.1.27" ] ||
	    { echo "FAIL: snmptranslate cipSecTunHcInOctets: $o"; exit 1; }
	echo "ok: Net-SNMP resolves cipSecTunHcInOctets"
fi
exit 0
