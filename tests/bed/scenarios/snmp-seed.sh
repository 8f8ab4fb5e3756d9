# snmp-seed: the seed tunnel (strongSwan on gw1 as the IOS router initiating,
# ikeflowd on gw2 responding) seen through snmpd on gw2 as an NMS sees a Cisco
# router: CISCO-IPSEC-FLOW-MONITOR-MIB with 100 packets each way, the IKE row
# the tunnel names, the MIB in sysORTable, the same numbers in
# `show crypto mib ipsec flowmib tunnel`, and SET cipSecTunStatus = destroy(2)
# deleting the tunnel on both gateways.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

R=1.3.6.1.4.1.9.9.171
snmp() { ip netns exec gw2 snmpget -v2c -c public -On -Ov 127.0.0.1 "$@" 2>&1; }
snmpnext() { ip netns exec gw2 snmpgetnext -v2c -c public -On 127.0.0.1 "$@" 2>&1; }
agent_up() { snmp $R.1.1.1.0 | grep -q 'INTEGER: 1'; }
tunnel_index() { snmpnext $R.1.3.2.1.32 | sed -n "s/^\.$R\.1\.3\.2\.1\.32\.\([0-9]*\) .*/\1/p"; }

printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"

# snmpd as start_snmpd starts it, plus a write community for the destroy
snmpd_rw()
{
	mkdir -p "$W/snmpd-gw2" &&
	printf '%s\n' 'master agentx' "agentXSocket unix:$W/agentx-gw2" \
	    'rocommunity public 127.0.0.1' 'rwcommunity private 127.0.0.1' \
	    >"$W/snmpd-gw2/snmpd.conf" &&
	bed_bg snmpd-gw2 ip netns exec gw2 env SNMP_PERSISTENT_DIR="$W/snmpd-gw2" MIBS= \
	    snmpd -f -C -c "$W/snmpd-gw2/snmpd.conf" -Lf "$W/snmpd-gw2.log" \
	    -p "$W/snmpd-gw2/snmpd.pid" udp:127.0.0.1:161 >>"$W/snmpd-gw2.out" 2>&1 &&
	wait_for 10 ip netns exec gw2 snmpget -v2c -c public -On 127.0.0.1 1.3.6.1.2.1.1.3.0
}

check topology bed_topology
check snmpd snmpd_rw
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "" "$W/gw2-ikeflowd.conf"
check agent-registered wait_for 10 agent_up
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
ikev2_ping_and_count
sleep 2		# one refresh of the agent's tables after the counters

T=$(tunnel_index)
check tunnel-row test -n "$T"
check_eq snmp-in-pkts "Counter32: 100" "$(snmp $R.1.3.2.1.32.$T)"
check_eq snmp-out-pkts "Counter32: 100" "$(snmp $R.1.3.2.1.45.$T)"
check_eq snmp-status "INTEGER: 1" "$(snmp $R.1.3.2.1.51.$T)"
check_eq snmp-local-addr "Hex-STRING: C0 00 02 02 " "$(snmp $R.1.3.2.1.4.$T)"
I=$(snmp $R.1.3.2.1.2.$T | sed 's/.*INTEGER: //')
check_eq snmp-ike-addr "$(snmp $R.1.3.2.1.5.$T)" "$(snmp $R.1.2.3.1.8.$I)"
check_eq snmp-ike-active "Gauge32: 1" "$(snmp $R.1.2.1.1.0)"
check snmp-sysor sh -c "ip netns exec gw2 snmpwalk -v2c -c public -On 127.0.0.1 \
    1.3.6.1.2.1.1.9.1.2 | grep -q 'OID: .$R\$'"
ctl gw2 gw2 show crypto mib ipsec flowmib tunnel >"$W/gw2-show-mib-tunnel.txt" 2>&1
check show-mib-in-pkts grep -q '^  In packets: *100$' "$W/gw2-show-mib-tunnel.txt"
ip netns exec gw2 snmpwalk -v2c -c public -On 127.0.0.1 $R >"$W/gw2-flowmib-walk.txt" 2>&1

# destroy(2): the tunnel is deleted with the peer, its row goes, history has it
check snmp-destroy ip netns exec gw2 snmpset -v2c -c private -On 127.0.0.1 \
    $R.1.3.2.1.51.$T i 2
row_gone() { snmp $R.1.3.2.1.51.$T | grep -q 'No Such'; }
check snmp-row-gone wait_for 10 row_gone
swan_child_gone() { ! swan gw1 gw1 status strongswan | grep -q INSTALLED; }
check swan-child-deleted wait_for 10 swan_child_gone
check_eq snmp-previous-tunnels "Counter32: 1" "$(snmp $R.1.3.1.2.0)"
check_eq snmp-hist-reason "INTEGER: 3" "$(snmp $R.1.4.3.1.1.2.1)"
