# ipv6-v4-in-v6: IPv4 subnets through a tunnel between IPv6 outer
# addresses, ikeflowd (gw2) against strongSwan (gw1) in both roles: 100
# pings h1 -> h2 over IPv4, 100 packets on each kernel SA, in the views
# and in the flow MIB (snmpd on gw2): 16-octet outer addresses and IPv4
# endpoints, the IKE IDs as text.
# gw2 has no hand-made route back to h1's subnet: the replies follow the
# route ikeflowd installs in table 220, through the interface towards the
# peer alone (the peer's next hop is of the other family).
# bed-timeout: 200

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

route_view()
{
	ip -n gw2 route show table 220 >"$W/$1-routes.txt" 2>&1
	check "$1/ikf-route" grep -q '^198\.51\.100\.0/24 dev v2 proto static src 203\.0\.113\.1 ' \
	    "$W/$1-routes.txt"
	check "$1/ikf-route-no-gateway" sh -c '! grep -q " via " "$0"' "$W/$1-routes.txt"
	v6_views "$1" $V6_OUT1 $V6_OUT2 198.51.100.0/24 203.0.113.0/24 100
}
V6_VIEWS=route_view

v6_snmp_conf
check topology v6_topology
check snmpd start_snmpd gw2
check no-hand-made-route ip -n gw2 route del 198.51.100.0/24
v6_confs $V6_OUT1 $V6_OUT2 198.51.100.0/24 203.0.113.0/24
check daemons v6_start
check agent-registered wait_for 20 agent_up
v6_rounds 203.0.113.10
