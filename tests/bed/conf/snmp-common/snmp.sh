# Shared by the snmp-* scenarios (sourced after conf/ikev2-common/ikev2.sh):
# snmpd on gw2 as the AgentX master, snmptrapd beside it, the Net-SNMP
# command-line tools with numeric OIDs, and the kernel's view of gw2's SAs
# to compare the MIB with.

R=1.3.6.1.4.1.9.9.171

snmp() { ip netns exec gw2 snmpget -v2c -c public -On -Ov 127.0.0.1 "$@" 2>&1; }
snmpnext() { ip netns exec gw2 snmpgetnext -v2c -c public -On 127.0.0.1 "$@" 2>&1; }
snmpwalk_gw2() { ip netns exec gw2 snmpwalk -v2c -c public -On 127.0.0.1 "$@" 2>&1; }
# snmpset_gw2 COMMUNITY OID TYPE VALUE: the answer, errors included
snmpset_gw2() { ip netns exec gw2 snmpset -v2c -c "$1" -On 127.0.0.1 "$2" "$3" "$4" 2>&1; }

# The number of a Counter32/Counter64/INTEGER/Gauge32 answer, else nothing.
snmp_num() { snmp "$1" | sed -n 's/^[A-Za-z0-9]*: \([0-9][0-9]*\)$/\1/p'; }

# snmp_is OID VALUE: the GET answers exactly VALUE ("Counter32: 100").
snmp_is() { [ "$(snmp "$1")" = "$2" ]; }

# no_index_column ENTRY INSTANCE [N]: GETs of the N (default 1)
# not-accessible index columns of a row that exists answer noSuchObject;
# column N + 1 is served.
no_index_column()
{
	local n=${3:-1} c a

	for c in $(seq 1 "$n"); do
		a=$(snmp $R.$1.$c.$2)
		echo "column $c: $a"
		[ "${a#No Such Object}" != "$a" ] || return 1
	done
	a=$(snmp $R.$1.$((n + 1)).$2)
	echo "column $((n + 1)): $a"
	[ -n "$a" ] && [ "${a#No Such}" = "$a" ]
}

agent_up() { snmp $R.1.1.1.0 | grep -q 'INTEGER: 1'; }

# The first cipSecTunnelTable row's index (the only tunnel in these scenarios).
tunnel_index()
{
	snmpnext $R.1.3.2.1.32 | sed -n "s/^\.$R\.1\.3\.2\.1\.32\.\([0-9]*\) .*/\1/p"
}

snmpd_answers()
{
	ip netns exec gw2 snmpget -v2c -c public -On 127.0.0.1 1.3.6.1.2.1.1.3.0
}

# snmptrapd on gw2: every notification it receives, numeric, in $W/traps.log.
snmptrapd_start()
{
	mkdir -p "$W/snmptrapd" &&
	echo 'disableAuthorization yes' >"$W/snmptrapd/snmptrapd.conf" &&
	bed_bg snmptrapd ip netns exec gw2 env SNMP_PERSISTENT_DIR="$W/snmptrapd" MIBS= \
	    snmptrapd -f -C -c "$W/snmptrapd/snmptrapd.conf" -On -Lf "$W/traps.log" \
	    udp:127.0.0.1:162 >>"$W/snmptrapd.out" 2>&1 &&
	wait_for 10 sh -c 'ip netns exec gw2 ss -lnu | grep -q "127.0.0.1:162 "'
}

# trap_seen N PATTERN: snmptrapd logged notification 2.0.N with a varbind
# matching PATTERN (an extended regular expression) in the same notification.
trap_seen()
{
	grep -E "OID: \.$R\.2\.0\.$1([^0-9]|\$)" "$W/traps.log" 2>/dev/null | grep -Eq -- "$2"
}

# trap_count N: how many 2.0.N notifications snmptrapd logged.
trap_count()
{
	grep -cE "OID: \.$R\.2\.0\.$1([^0-9]|\$)" "$W/traps.log" 2>/dev/null
}

# swan_rekey: strongSwan on gw1 rekeys the seed child (swanctl over vici:
# stroke has no rekey command).
swan_rekey()
{
	nsenter -t "$(cat /tmp/gw1/ns.pid)" -m -n swanctl --rekey --child strongswan
}

# gw2's SAs as "direction spi bytes packets", spi in decimal; direction
# "in" for SAs to 192.0.2.2, "out" for SAs from it.
gw2_sas()
{
	ip -n gw2 -s xfrm state | awk '
	    /^src / { dir = $4 == "192.0.2.2" ? "in" : "out" }
	    /proto esp spi/ { spi = $4; sub(/\(.*/, "", spi) }
	    /lifetime current:/ { getline; b = $1; sub(/\(.*/, "", b)
		p = $2; sub(/\(.*/, "", p); print dir, spi, b, p }' |
	while read -r dir spi b p; do
		echo "$dir $((spi)) $b $p"
	done
}

# gw2_sa_field DIR FIELD: FIELD (2 spi, 3 bytes, 4 packets) of the only SA
# in that direction; nothing when there is not exactly one.
gw2_sa_field()
{
	gw2_sas | awk -v d="$1" -v f="$2" '$1 == d { n++; v = $f } END { if (n == 1) print v }'
}

# The SPIs the SPI table lists for tunnel T, as sorted "direction spi" lines
# (cipSecSpiDirection: in(1), out(2)); one walk, so that the table is read
# at one moment and not across a rekey.
mib_spis()
{
	snmpwalk_gw2 $R.1.3.4.1 | awk -v t="$1" -v p=".$R.1.3.4.1." '
	    index($1, p) == 1 && $NF ~ /^[0-9]+$/ {
		n = split(substr($1, length(p) + 1), o, ".")
		if (n != 3 || o[2] != t) next
		if (o[1] == 2) d[o[3]] = $NF
		else if (o[1] == 3) s[o[3]] = $NF
	    }
	    END { for (k in d) print (d[k] == 1 ? "in" : d[k] == 2 ? "out" : "dir" d[k]), s[k] }' | sort
}

kernel_spis()
{
	gw2_sas | awk '{ print $1, $2 }' | sort
}

spis_match()
{
	[ -n "$(kernel_spis)" ] && [ "$(mib_spis "$1")" = "$(kernel_spis)" ]
}

# The SNMP error an answer names (wrongValue, noAccess ...), else the answer.
snmp_error()
{
	sed -n 's/^Reason: \([A-Za-z]*\).*/\1/p'
}
