# ipv6-v4-in-v6: IPv4 subnets through a tunnel between IPv6 outer
# addresses, ikeflowd (gw2) against strongSwan (gw1) in both roles: 100
# pings h1 -> h2 over IPv4, 100 packets on each kernel SA and in the views.
# gw2 has no hand-made route back to h1's subnet: the replies follow the
# route ikeflowd installs in table 220, through the interface towards the
# peer alone (the peer's next hop is of the other family).
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"

route_view()
{
	ip -n gw2 route show table 220 >"$W/$1-routes.txt" 2>&1
	check "$1/ikf-route" grep -q '^198\.51\.100\.0/24 dev v2 proto static src 203\.0\.113\.1 ' \
	    "$W/$1-routes.txt"
	check "$1/ikf-route-no-gateway" sh -c '! grep -q " via " "$0"' "$W/$1-routes.txt"
}
V6_VIEWS=route_view

check topology v6_topology
check no-hand-made-route ip -n gw2 route del 198.51.100.0/24
v6_confs $V6_OUT1 $V6_OUT2 198.51.100.0/24 203.0.113.0/24
check daemons v6_start
v6_rounds 203.0.113.10
