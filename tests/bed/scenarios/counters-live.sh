# counters-live: the counters an operator reads right after traffic are the
# kernel's of that moment, not those of the last timer fold. The seed tunnel
# (strongSwan on gw1 as the IOS router, ikeflowd on gw2) with the refresh
# timer set to an hour, so only the readers' own folds can bring the pings
# in: 100 pings, then at once (no waiting) `show crypto ipsec sa`, `show
# crypto session detail`, `statusall`, `show crypto mib ipsec flowmib
# tunnel` and snmpget of cipSecTunInPkts/OutPkts all say 100 each way;
# 50 more pings, and at once every view says 150. The web server's tunnel
# document, dashboard page and a page of the tunnels' list, asked first,
# say 100 by reading their own tunnel's SAs from the kernel alone (page
# reads), with no whole fold; so does an SNMP GET of the tunnel's row, and
# an SNMP walk of the columns (50 more pings: 200) reads the rows it walks
# alone.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

printf '%s\n' 'log_level = info' 'refresh_interval = 3600000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = 127.0.0.1:8080' >"$W/gw2-ikeflowd.conf"

check topology bed_topology
check snmpd start_snmpd gw2
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "" "$W/gw2-ikeflowd.conf"
check agent-registered wait_for 10 agent_up
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
new_row() { [ -n "$(tunnel_index)" ]; }
check tunnel-row wait_for 10 new_row
T=$(tunnel_index)
check_eq snmp-in-pkts-0 "Counter32: 0" "$(snmp $R.1.3.2.1.32.$T)"

# views: SNMP and the control socket each fold at most once a second, and
# -i 0.02 makes the pings last longer than that: only a fold made after
# them can show them all.
views()	# N: every view shows N packets each way, read at once
{
	check_eq "ikf-pkts-$1" "$1 $1" "$(ikev2_ikf_pkts)"
	check_eq "snmp-in-pkts-$1" "Counter32: $1" "$(snmp $R.1.3.2.1.32.$T)"
	check_eq "snmp-out-pkts-$1" "Counter32: $1" "$(snmp $R.1.3.2.1.45.$T)"
	ctl gw2 gw2 show crypto session detail >"$W/gw2-session-$1.txt" 2>&1
	check "session-dec-$1" grep -q "#pkts dec'ed $1 " "$W/gw2-session-$1.txt"
	check "session-enc-$1" grep -q "#pkts enc'ed $1 " "$W/gw2-session-$1.txt"
	ctl gw2 gw2 statusall >"$W/gw2-statusall-$1.txt" 2>&1
	check "statusall-$1" grep -Eq "bytes_i \($1 pkts.* bytes_o \($1 pkts" \
	    "$W/gw2-statusall-$1.txt"
	ctl gw2 gw2 show crypto mib ipsec flowmib tunnel >"$W/gw2-mib-tunnel-$1.txt" 2>&1
	check "show-mib-in-pkts-$1" grep -q "^  In packets: *$1\$" "$W/gw2-mib-tunnel-$1.txt"
	check "show-mib-out-pkts-$1" grep -q "^  Out packets: *$1\$" "$W/gw2-mib-tunnel-$1.txt"
}

check ping-100 ip netns exec h1 ping -q -c 100 -i 0.02 -W 2 203.0.113.10
check_eq gw2-kernel-100 "100 100" "$(ikev2_kernel_pkts gw2)"
# The web first: a tunnel's document and the dashboard's page read their
# tunnel's two SAs alone; `show processes cpu` counts whole folds and page
# reads, and only the page reads may have moved.
api() { ip netns exec gw2 curl -sf "http://127.0.0.1:8080$1"; }
reads() {
	ctl gw2 gw2 show processes cpu | sed -n \
	    's/.*SA counters read: \([0-9]*\) whole folds; \([0-9]*\) page reads (\([0-9]*\) tunnels, \([0-9]*\) SAs.*/\1 \2 \3 \4/p'
}
set -- $(reads)
check_eq reads-known 4 "$#"
r0="$1 $(($2 + 3)) $(($3 + 3)) $(($4 + 6))"
api "/api/v1/tunnels/$T" >"$W/web-tunnel-100.json"
check web-tunnel-in-100 grep -q '"in":{"bytes":[0-9]*,"packets":100,' "$W/web-tunnel-100.json"
check web-tunnel-out-100 grep -q '"out":{"bytes":[0-9]*,"packets":100,' "$W/web-tunnel-100.json"
api / >"$W/web-dashboard-100.html"
check web-page-in-100 grep -q '<span class="in-pkts">100</span>' "$W/web-dashboard-100.html"
check web-page-out-100 grep -q '<span class="out-pkts">100</span>' "$W/web-dashboard-100.html"
api "/api/v1/tunnels?limit=10" >"$W/web-tunnels-100.json"
check web-list-in-100 grep -q '"in":{"bytes":[0-9]*,"packets":100,' "$W/web-tunnels-100.json"
check_eq web-page-reads-alone "$r0" "$(reads)"
views 100
check ping-50 ip netns exec h1 ping -q -c 50 -i 0.03 -W 2 203.0.113.10
# SNMP first this time: its read is its own, not one the views made; a
# GET of a tunnel's row reads that tunnel's SAs alone, as the web does
set -- $(reads)
r1="$1 $(($2 + 1)) $(($3 + 1)) $(($4 + 2))"
check_eq snmp-in-pkts-150-first "Counter32: 150" "$(snmp $R.1.3.2.1.32.$T)"
check_eq snmp-get-reads-alone "$r1" "$(reads)"
views 150
check_eq gw2-kernel-150 "150 150" "$(ikev2_kernel_pkts gw2)"
# A walk first (an NMS's GETBULK of the columns): it does not fold every SA
# in one turn but reads the rows it goes to alone (the pings outlast the
# agent's second of freshness); what it says is the kernel's of this moment.
check ping-50-more ip netns exec h1 ping -q -c 50 -i 0.03 -W 2 203.0.113.10
set -- $(reads)
p0=$2
bulk_col() { ip netns exec gw2 snmpbulkwalk -v2c -c public -On -Oqv -Cr10 127.0.0.1 "$1" 2>&1; }
check_eq snmp-walk-in-200-first "200" "$(bulk_col $R.1.3.2.1.32)"
set -- $(reads)
check_ge snmp-walk-page-reads "$((p0 + 1))" "$2"
check_eq snmp-walk-out-200 "200" "$(bulk_col $R.1.3.2.1.45)"
views 200
check no-dump-errors fails grep -q 'SA dump' "$W/gw2.log"
