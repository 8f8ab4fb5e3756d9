# ipv6-v6-in-v6: IPv6 outer addresses and IPv6 subnets, ikeflowd (gw2)
# against strongSwan (gw1) in both roles: the tunnel comes up, 100 pings
# h1 -> h2 cross it, 100 packets on each of the four kernel SAs and in
# ikeflowd's views, which print the IPv6 peer and prefixes; snmpd on gw2
# serves the tunnel with 16-octet addresses, IPv6 endpoints and the IKE
# IDs as text.
# bed-timeout: 180

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

V6_HEX1="Hex-STRING: 20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 01 "
V6_HEX2="Hex-STRING: 20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 02 "
NET2_HEX="Hex-STRING: 20 01 0D B8 00 02 00 00 00 00 00 00 00 00 00 00 "
MASK64_HEX="Hex-STRING: FF FF FF FF FF FF FF FF 00 00 00 00 00 00 00 00 "

views()
{
	local T I

	check "$1/ipsec-sa-ident" grep -q \
	    'local  ident (addr/mask/prot/port): (2001:db8:2::/64/0/0)' "$W/$1-ipsec-sa.txt"
	check "$1/ipsec-sa-peer" grep -q 'current_peer 2001:db8::1 port' "$W/$1-ipsec-sa.txt"
	check "$1/session-up" grep -q 'Session status: UP-ACTIVE' "$W/$1-session.txt"
	ctl gw2 gw2 show crypto ikev2 sa >"$W/$1-ikev2-sa.txt" 2>&1
	check "$1/ikev2-sa-v6-section" grep -q 'IPv6 Crypto IKEv2' "$W/$1-ikev2-sa.txt"
	check "$1/ikev2-sa-v6-peer" grep -q '2001:db8::1/' "$W/$1-ikev2-sa.txt"
	T=$(tunnel_index)
	check "$1/snmp-tunnel-row" test -n "$T"
	check_eq "$1/snmp-in-pkts" "Counter32: 100" "$(snmp $R.1.3.2.1.32.$T)"
	check_eq "$1/snmp-out-pkts" "Counter32: 100" "$(snmp $R.1.3.2.1.45.$T)"
	check_eq "$1/snmp-local-addr" "$V6_HEX2" "$(snmp $R.1.3.2.1.4.$T)"
	check_eq "$1/snmp-remote-addr" "$V6_HEX1" "$(snmp $R.1.3.2.1.5.$T)"
	I=$(snmp $R.1.3.2.1.2.$T | sed 's/.*INTEGER: //')
	check_eq "$1/snmp-ike-local-addr" "$V6_HEX2" "$(snmp $R.1.2.3.1.4.$I)"
	check_eq "$1/snmp-ike-remote-addr" "$V6_HEX1" "$(snmp $R.1.2.3.1.8.$I)"
	check_eq "$1/snmp-ike-local-type" "INTEGER: 1" "$(snmp $R.1.2.3.1.2.$I)"
	snmp $R.1.2.3.1.3.$I >"$W/$1-ike-local-value.txt"
	check "$1/snmp-ike-local-value" grep -qix 'STRING: "2001:db8::2"' "$W/$1-ike-local-value.txt"
	# the endpoint row: an IPv6 subnet as prefix and mask, 16 octets each
	check_eq "$1/snmp-endpt-local-type" "INTEGER: 3" "$(snmp $R.1.3.3.1.3.$T.1)"
	check_eq "$1/snmp-endpt-local-addr1" "$NET2_HEX" "$(snmp $R.1.3.3.1.4.$T.1)"
	check_eq "$1/snmp-endpt-local-addr2" "$MASK64_HEX" "$(snmp $R.1.3.3.1.5.$T.1)"
	snmpwalk_gw2 $R.1.3.2 >"$W/$1-snmpwalk.txt"
}
V6_VIEWS=views

printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"
V6_IKF_CONF=$W/gw2-ikeflowd.conf

check topology v6_topology
check snmpd start_snmpd gw2
v6_confs $V6_OUT1 $V6_OUT2 $V6_NET1 $V6_NET2
check daemons v6_start
check agent-registered wait_for 20 agent_up
v6_rounds $V6_H2
