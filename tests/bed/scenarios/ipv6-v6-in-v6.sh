# ipv6-v6-in-v6: IPv6 outer addresses and IPv6 subnets, ikeflowd (gw2)
# against strongSwan (gw1) in both roles: the tunnel comes up, 100 pings
# h1 -> h2 cross it, 100 packets on each of the four kernel SAs and in
# ikeflowd's views, which print the IPv6 peer and prefixes; snmpd on gw2
# serves the tunnel with 16-octet addresses, IPv6 endpoints and the IKE
# IDs as text, and snmptable decodes the rows with the project's MIB.
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

views()
{
	v6_views "$1" $V6_OUT1 $V6_OUT2 $V6_NET1 $V6_NET2 100
}
V6_VIEWS=views

v6_snmp_conf

check topology v6_topology
check snmpd start_snmpd gw2
v6_confs $V6_OUT1 $V6_OUT2 $V6_NET1 $V6_NET2
check daemons v6_start
check agent-registered wait_for 20 agent_up
v6_rounds $V6_H2
