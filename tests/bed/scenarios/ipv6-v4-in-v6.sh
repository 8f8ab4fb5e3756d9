# ipv6-v4-in-v6: IPv4 subnets through a tunnel between IPv6 outer
# addresses, ikeflowd (gw2) against strongSwan (gw1) in both roles: 100
# pings h1 -> h2 over IPv4, 100 packets on each kernel SA and in the views.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"

check topology v6_topology
v6_confs $V6_OUT1 $V6_OUT2 198.51.100.0/24 203.0.113.0/24
check daemons v6_start
v6_rounds 203.0.113.10
