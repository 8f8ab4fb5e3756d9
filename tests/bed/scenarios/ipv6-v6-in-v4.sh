# ipv6-v6-in-v4: IPv6 subnets through a tunnel between IPv4 outer
# addresses, ikeflowd (gw2) against strongSwan (gw1) in both roles: 100
# pings h1 -> h2 over IPv6, 100 packets on each kernel SA, in the views
# and in the flow MIB (snmpd on gw2): 4-octet outer addresses and IPv6
# endpoints, the IKE IDs as text.
# gw2 has no hand-made route back to h1's subnet: the replies follow the
# route ikeflowd installs in table 220, through the interface towards the
# peer alone (the peer's next hop is of the other family).
# bed-timeout: 200

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

route_view()
{
	ip -n gw2 -6 route show table 220 >"$W/$1-routes.txt" 2>&1
	check "$1/ikf-route" grep -q '^2001:db8:1::/64 dev v2 proto static src 2001:db8:2::1 ' \
	    "$W/$1-routes.txt"
	check "$1/ikf-route-no-gateway" sh -c '! grep -q " via " "$0"' "$W/$1-routes.txt"
	v6_views "$1" 192.0.2.1 192.0.2.2 $V6_NET1 $V6_NET2 100
}
V6_VIEWS=route_view

v6_snmp_conf
check topology v6_topology
check snmpd start_snmpd gw2
check no-hand-made-route ip -n gw2 -6 route del 2001:db8:1::/64
v6_confs 192.0.2.1 192.0.2.2 $V6_NET1 $V6_NET2
check daemons v6_start
check agent-registered wait_for 20 agent_up
v6_rounds $V6_H2
