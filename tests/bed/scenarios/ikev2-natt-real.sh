# ikev2-natt-real: strongSwan (gw1, 192.0.2.130) behind a real NAT box
# (namespace nat: iptables SNAT of gw1's UDP to 192.0.2.1 ports
# 40000-40099, masquerade for the rest) initiates to ikeflowd (gw2, the
# seed's configuration). Both detect the NAT, IKE floats to 4500, the
# kernels carry ESP in UDP (espinudp, to the NAT's port on gw2), pings
# pass and strongSwan's NAT-T keepalives cross the NAT. Then the NAT
# forgets its mappings and uses ports 41000-41099: strongSwan's next
# liveness check comes from the new port, ikeflowd moves its SAs' UDP
# encapsulation there (RFC 7296 §2.23) and pings pass again. Last the NAT
# moves to another public address (192.0.2.3): ikeflowd moves its SAs and
# policies there (XFRM_MSG_MIGRATE), SPIs and counters kept.
# (The UML kernel has no nftables NAT, so the NAT is iptables-legacy.)
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
NR=$SRCDIR/tests/bed/conf/ikev2-natt-real

. "$NR/nat.sh"

check topology nat_topology
BED_SWAN_CHARON="keep_alive = 2s" check charon ikev2_ios "$NR/swan.conf"
check ikeflowd ikev2_ikeflowd
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check ikf-nat-detected grep -q 'NAT detected' "$W/gw2.log"
check swan-behind-nat grep -q 'local host is behind NAT, sending keep alives' \
    "$W/gw1-charon.log"
ctl gw2 gw2 show crypto ikev2 sa detailed >"$W/gw2-ikev2-sa.txt" 2>&1
ip -n gw2 xfrm state >"$W/gw2-xfrm-state-1.txt"
check_eq gw2-espinudp 2 "$(grep -c 'encap type espinudp' "$W/gw2-xfrm-state-1.txt")"
port1=$(encap_dport gw2 192.0.2.2)
echo "ESP in UDP from gw2 to the NAT's port $port1"
check port-from-nat-range test "${port1:-0}" -ge 40000 -a "${port1:-0}" -le 40099
check ping ip netns exec h1 ping -q -c 5 -i 0.2 -W 2 203.0.113.10
check keepalives wait_for 6 sh -c "[ \"\$($IPT -L FORWARD -v -x -n | awk '/length 29/ { print \$1 }')\" -ge 1 ]"
echo "keepalives through the NAT: $(keepalives_through)"

say "the NAT forgets its mappings and picks other ports"
$IPT -t nat -R POSTROUTING 1 -o o1 -p udp -j SNAT --to-source 192.0.2.1:41000-41099
check conntrack-flush ip netns exec nat conntrack -F
# pings until strongSwan's liveness check (3 s without inbound traffic)
# came from the new port and ikeflowd followed
check ping-after-move wait_for 30 ip netns exec h1 ping -q -c 1 -W 1 203.0.113.10
check ikf-followed grep -q 'peer moved to 192.0.2.1:410[0-9][0-9] (NAT mapping changed)' \
    "$W/gw2.log"
check ikf-sas-moved grep -q 'ESP in UDP now to port 410' "$W/gw2.log"
port2=$(encap_dport gw2 192.0.2.2)
echo "ESP in UDP from gw2 now to port $port2"
check port-moved test "${port2:-0}" -ge 41000 -a "${port2:-0}" -le 41099
check ping-steady ip netns exec h1 ping -q -c 10 -i 0.1 -W 2 203.0.113.10
# the same SAs carried on: SPIs unchanged, no new child
ip -n gw2 xfrm state >"$W/gw2-xfrm-state-2.txt"
check_eq same-spis "$(grep -o 'spi 0x[0-9a-f]*' "$W/gw2-xfrm-state-1.txt" | sort | tr '\n' ' ')" \
    "$(grep -o 'spi 0x[0-9a-f]*' "$W/gw2-xfrm-state-2.txt" | sort | tr '\n' ' ')"

say "the NAT moves to another public address"
ip -n gw2 -s xfrm state >"$W/gw2-xfrm-state-before-readdress.txt"
ip -n nat addr add 192.0.2.3/25 dev o1
$IPT -t nat -R POSTROUTING 1 -o o1 -p udp -j SNAT --to-source 192.0.2.3:42000-42099
check conntrack-flush-2 ip netns exec nat conntrack -F
check ping-after-readdress wait_for 30 ip netns exec h1 ping -q -c 1 -W 1 203.0.113.10
check ikf-followed-address grep -q 'peer moved to 192.0.2.3:420[0-9][0-9] (NAT mapping changed)' \
    "$W/gw2.log"
check ikf-sas-migrated grep -Eq 'xfrm: SAs [0-9a-f]+/[0-9a-f]+ and their policies moved from peer 192\.0\.2\.1 to 192\.0\.2\.3' \
    "$W/gw2.log"
port3=$(encap_dport gw2 192.0.2.2)
echo "ESP in UDP from gw2 now to 192.0.2.3 port $port3"
check port-readdressed test "${port3:-0}" -ge 42000 -a "${port3:-0}" -le 42099
ip -n gw2 -s xfrm state >"$W/gw2-xfrm-state-3.txt"
ip -n gw2 xfrm policy >"$W/gw2-xfrm-policy-3.txt"
check out-sa-to-new-address grep -q 'src 192.0.2.2 dst 192.0.2.3' "$W/gw2-xfrm-state-3.txt"
check in-sa-from-new-address grep -q 'src 192.0.2.3 dst 192.0.2.2' "$W/gw2-xfrm-state-3.txt"
check_eq policies-to-new-address 3 "$(grep -Ec 'tmpl src 192\.0\.2\.(2 dst 192\.0\.2\.3|3 dst 192\.0\.2\.2)' \
    "$W/gw2-xfrm-policy-3.txt")"
check_eq no-policy-to-old-address 0 "$(grep -c '192\.0\.2\.1 ' "$W/gw2-xfrm-policy-3.txt")"
check_eq same-spis-readdressed "$(grep -o 'spi 0x[0-9a-f]*' "$W/gw2-xfrm-state-1.txt" | sort | tr '\n' ' ')" \
    "$(grep -o 'spi 0x[0-9a-f]*' "$W/gw2-xfrm-state-3.txt" | sort | tr '\n' ' ')"
check ping-steady-readdressed ip netns exec h1 ping -q -c 10 -i 0.1 -W 2 203.0.113.10
ctl gw2 gw2 show crypto ipsec sa >"$W/gw2-show-ipsec-sa-3.txt" 2>&1
# the moved SAs kept their counters: ikeflowd's equal the kernel's, which
# count every packet since the tunnel came up
ikf_matches_kernel()
{
	local k

	k=$(ikev2_kernel_pkts gw2)
	[ "$(ikev2_ikf_pkts)" = "${k#* } ${k% *}" ] || [ "$(ikev2_ikf_pkts)" = "$k" ]
}
check ikf-counts-kernel wait_for 5 ikf_matches_kernel
check kernel-kept-counts test "$(ikev2_kernel_pkts gw2 | awk '{ print $1 }')" -ge 27
# the views (and so the MIB's tunnel rows) show the peer where it is now
check show-new-peer grep -q 'current_peer 192.0.2.3' "$W/gw2-show-ipsec-sa-3.txt"
ctl gw2 gw2 show crypto mib ipsec flowmib tunnel >"$W/gw2-flowmib-tunnel-3.txt" 2>&1
check flowmib-new-peer grep -q '192.0.2.3' "$W/gw2-flowmib-tunnel-3.txt"
