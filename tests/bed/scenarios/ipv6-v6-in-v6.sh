# ipv6-v6-in-v6: IPv6 outer addresses and IPv6 subnets, ikeflowd (gw2)
# against strongSwan (gw1) in both roles: the tunnel comes up, 100 pings
# h1 -> h2 cross it, 100 packets on each of the four kernel SAs and in
# ikeflowd's views, which print the IPv6 peer and prefixes.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"

views()
{
	check "$1/ipsec-sa-ident" grep -q 'local  ident (addr/mask/prot/port): (2001:db8:2::/64/0/0)' \
	    "$W/$1-ipsec-sa.txt"
	check "$1/ipsec-sa-peer" grep -q 'current_peer 2001:db8::1 port' "$W/$1-ipsec-sa.txt"
	check "$1/session-peer" grep -q 'Session status: UP-ACTIVE' "$W/$1-session.txt"
}
V6_VIEWS=views

check topology v6_topology
v6_confs $V6_OUT1 $V6_OUT2 $V6_NET1 $V6_NET2
check daemons v6_start
v6_rounds $V6_H2
