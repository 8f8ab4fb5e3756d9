# ipv6-v6-in-v4: IPv6 subnets through a tunnel between IPv4 outer
# addresses, ikeflowd (gw2) against strongSwan (gw1) in both roles: 100
# pings h1 -> h2 over IPv6, 100 packets on each kernel SA and in the views.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"

check topology v6_topology
v6_confs 192.0.2.1 192.0.2.2 $V6_NET1 $V6_NET2
check daemons v6_start
v6_rounds $V6_H2
