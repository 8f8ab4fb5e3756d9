# The real NAT box of the NAT-T scenarios (ikev2-natt-real, ikev1-natt):
# namespace nat between gw1 (inside, 192.0.2.130) and gw2, iptables-legacy
# SNAT of gw1's UDP to 192.0.2.1 ports 40000-40099 and masquerade for the
# rest (the UML kernel has no nftables NAT).

IPT="ip netns exec nat iptables-legacy"

#   h1 198.51.100.10 -- gw1 192.0.2.130 -- .129 nat 192.0.2.1 -- 192.0.2.2 gw2 -- 203.0.113.10 h2
nat_topology()
{
	local n

	for n in gw1 gw2 nat h1 h2; do
		bed_netns $n || return 1
	done
	ip link add i1 type veth peer name i0 netns nat &&
	ip link set i1 netns gw1 &&
	ip link add o1 type veth peer name v2 netns gw2 &&
	ip link set o1 netns nat &&
	ip link add l1 type veth peer name e0 netns h1 &&
	ip link set l1 netns gw1 &&
	ip link add l2 type veth peer name e0 netns h2 &&
	ip link set l2 netns gw2 || return 1
	ip -n gw1 addr add 192.0.2.130/25 dev i1
	ip -n nat addr add 192.0.2.129/25 dev i0
	ip -n nat addr add 192.0.2.1/25 dev o1
	ip -n gw2 addr add 192.0.2.2/25 dev v2
	ip -n gw1 addr add 198.51.100.1/24 dev l1
	ip -n gw2 addr add 203.0.113.1/24 dev l2
	ip -n h1 addr add 198.51.100.10/24 dev e0
	ip -n h2 addr add 203.0.113.10/24 dev e0
	for n in gw1:i1 gw1:l1 nat:i0 nat:o1 gw2:v2 gw2:l2 h1:e0 h2:e0; do
		ip -n ${n%:*} link set ${n#*:} up
	done
	for n in gw1 gw2 nat; do
		ip netns exec $n sysctl -qw net.ipv4.ip_forward=1
	done
	ip -n h1 route add default via 198.51.100.1
	ip -n h2 route add default via 203.0.113.1
	ip -n gw1 route add default via 192.0.2.129
	# no route to 198.51.100.0/24 on gw2: ikeflowd installs its own
	# gw2 sees only 192.0.2.1; inside addresses stay inside
	$IPT -t nat -A POSTROUTING -o o1 -p udp -j SNAT --to-source 192.0.2.1:40000-40099 &&
	$IPT -t nat -A POSTROUTING -o o1 -j MASQUERADE &&
	# counts NAT-T keepalives (one byte of UDP) crossing the NAT
	$IPT -A FORWARD -i i0 -p udp --dport 4500 -m length --length 29 -j ACCEPT
}

keepalives_through()
{
	$IPT -L FORWARD -v -x -n | awk '/length 29/ { print $1 }'
}

encap_dport()	# NS: the dport of its outbound SA's ESP-in-UDP
{
	ip -n "$1" xfrm state | awk -v src="$2" '$1 == "src" { o = ($2 == src) }
	    o && /encap type espinudp/ { print $7; exit }'
}
