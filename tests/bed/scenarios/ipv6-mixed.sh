# ipv6-mixed: one child protecting an IPv4 and an IPv6 subnet on each side
# (leftsubnet=203.0.113.0/24,2001:db8:2::/64) over IPv4, ikeflowd (gw2)
# against strongSwan (gw1) in both roles: the selectors are narrowed per
# family, 100 pings of each family cross the one SA pair (200 packets on
# each kernel SA) and the views list both families' selectors.
# gw2 forwards nothing by default (iptables and ip6tables): ikeflowd's
# leftfirewall=yes opens the tunnel's traffic for both families, before
# `ikeflowctl up` returns when it initiates, and takes the rules away with
# the tunnel.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"

gw2_firewall()
{
	ip netns exec gw2 iptables -w 10 -P FORWARD DROP &&
	    ip netns exec gw2 ip6tables -w 10 -P FORWARD DROP
}

# IPsec policy-matching FORWARD rules of one family (iptables, ip6tables)
nrules() { ip netns exec gw2 "$1" -w 10 -S FORWARD | grep -c -e '--pol ipsec'; }
rules_in() { [ "$(nrules iptables)" = 2 ] && [ "$(nrules ip6tables)" = 2 ]; }
rules_gone() { [ "$(nrules iptables)" = 0 ] && [ "$(nrules ip6tables)" = 0 ]; }

# as responder the scripts run after the install; `up` waits for them
after_up()
{
	if [ "$1" = initiator ]; then
		check "$1/fw-rules-when-up-returns" rules_in
	else
		check "$1/fw-rules" wait_for 10 rules_in
	fi
}
V6_AFTER_UP=after_up

check topology v6_topology
check firewall gw2_firewall
V6_IKF_EXTRA="leftfirewall=yes"
v6_confs 192.0.2.1 192.0.2.2 198.51.100.0/24,$V6_NET1 203.0.113.0/24,$V6_NET2
check daemons v6_start
v6_rounds 203.0.113.10 $V6_H2
check fw-rules-gone wait_for 20 rules_gone
