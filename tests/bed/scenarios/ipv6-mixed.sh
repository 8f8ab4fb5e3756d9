# ipv6-mixed: one child protecting an IPv4 and an IPv6 subnet on each side
# (leftsubnet=203.0.113.0/24,2001:db8:2::/64) over IPv4, ikeflowd (gw2)
# against strongSwan (gw1) in both roles: the selectors are narrowed per
# family, 100 pings of each family cross the one SA pair (200 packets on
# each kernel SA) and the views list both families' selectors.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"

check topology v6_topology
v6_confs 192.0.2.1 192.0.2.2 198.51.100.0/24,$V6_NET1 203.0.113.0/24,$V6_NET2
check daemons v6_start
v6_rounds 203.0.113.10 $V6_H2
