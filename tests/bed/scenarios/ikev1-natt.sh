# ikev1-natt: IKEv1 NAT traversal (RFC 3947) through the real NAT box of
# ikev2-natt-real: strongSwan (gw1, 192.0.2.130, the IOS router with
# keyexchange=ikev1) is behind the NAT (192.0.2.1), ikeflowd (gw2) runs
# the seed's IKEv1 configuration. First strongSwan initiates, then (the
# NAT forwarding UDP 500 and 4500 to gw1) ikeflowd does. Each time both
# sent the RFC 3947 vendor ID, the NAT-D payloads of Main Mode messages
# 3/4 show the NAT, IKE moves to port 4500 from message 5, the kernels
# carry ESP in UDP (espinudp, to the NAT's port on gw2), 100 pings count
# exactly, strongSwan's keepalives cross the NAT, and the views say
# UDP-Encaps, Cap. N and the NAT's port. Between the two, the NAT gives
# strongSwan a new mapping (new SNAT ports, conntrack flushed): its next
# authentic message (a phase-2 rekey) moves ikeflowd's ISAKMP SA and its
# kernel SAs' ESP-in-UDP port there, and pings cross again. Last, with
# ikeflowd initiating, the interop matrix's other proposals (3DES/SHA1/
# MODP1024, AES-256/SHA-256/MODP2048 + PFS, AES-256/SHA-384/ECP-384 +
# PFS) one after the other: each up through the NAT in ESP in UDP, 100
# pings counted exactly, the views showing that proposal with DPD and
# NAT-T (Cap. DN); then the NAT drops everything and ikeflowd's DPD
# (dpdaction=clear) finds the peer dead and clears the tunnel; charon's
# leftover goes at the next round's INITIAL-CONTACT.
# bed-timeout: 180

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"
NR=$SRCDIR/tests/bed/conf/ikev2-natt-real
. "$NR/nat.sh"

sed -e 's/keyexchange=ikev2/keyexchange=ikev1/' -e '/dpd/d' \
    "$NR/swan.conf" >"$W/gw1-ipsec.conf"
check conf-ikev1 grep -q 'keyexchange=ikev1' "$W/gw1-ipsec.conf"
cp "$SEED1/ipsec.conf" "$W/gw2-ipsec.conf"

# espinudp_pair NS: one pair of ESP-in-UDP SAs in NS's kernel
espinudp_pair()
{
	[ "$(ip -n "$1" xfrm state | grep -c 'encap type espinudp')" = 2 ]
}

# ikf_dead_n N: ikeflowd's failure table has N records of the peer
# behind the NAT found dead
ikf_dead_n()
{
	[ "$(ctl gw2 gw2 show crypto ikev2 failures | grep -c \
	    'peer 192\.0\.2\.1\[4500\] dead: no answer to R-U-THERE [0-9]* within dpdtimeout (5 s)')" = "$1" ]
}

# natt_round NAME PORTS: the tunnel is up through the NAT; gw2's ESP in
# UDP goes to the NAT's port in PORTS (a grep -E pattern)
natt_round()
{
	local p=$1 port

	check "$p/swan-installed" wait_for 20 ikev2_swan_installed
	check "$p/ikf-installed" wait_for 10 ikev2_ikf_installed
	check "$p/ikf-nat-detected" grep -q 'NAT detected in front of the peer' "$W/gw2.log"
	check "$p/swan-behind-nat" grep -q 'local host is behind NAT, sending keep alives' \
	    "$W/gw1-charon.log"
	check "$p/swan-floated" grep -Eq 'sending packet: from 192\.0\.2\.130\[4500\] to 192\.0\.2\.2\[4500\]' \
	    "$W/gw1-charon.log"
	for ns in gw1 gw2; do
		check_eq "$p/$ns-espinudp" 2 "$(ip -n $ns xfrm state | grep -c 'encap type espinudp')"
	done
	port=$(encap_dport gw2 192.0.2.2)
	echo "ESP in UDP from gw2 to the NAT's port $port"
	check "$p/port-of-nat" sh -c "echo '$port' | grep -Eqx '$2'"
	check "$p/ping-100" ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
	check_eq "$p/gw1-kernel-pkts" "100 100" "$(ikev2_kernel_pkts gw1)"
	check_eq "$p/gw2-kernel-pkts" "100 100" "$(ikev2_kernel_pkts gw2)"
	check "$p/ikf-counted" wait_for 10 ikev1_ikf_counted 100
	ctl gw2 gw2 show crypto ipsec sa >"$W/$p-ipsec-sa.txt" 2>&1
	check "$p/view-udp-encaps" grep -q 'in use settings ={Tunnel UDP-Encaps, }' \
	    "$W/$p-ipsec-sa.txt"
	check "$p/view-nat-port" grep -Eq "current_peer 192\.0\.2\.1 port $2\$" "$W/$p-ipsec-sa.txt"
	ctl gw2 gw2 show crypto isakmp sa detail >"$W/$p-isakmp-detail.txt" 2>&1
	check "$p/view-cap-n" grep -Eq '^[0-9]+ +192\.0\.2\.2 +192\.0\.2\.1 +ACTIVE .* D?N$' \
	    "$W/$p-isakmp-detail.txt"
	check "$p/keepalives" wait_for 30 sh -c "[ \"\$($IPT -L FORWARD -v -x -n |
	    awk '/length 29/ { print \$1 }')\" -ge 1 ]"
}

check topology nat_topology
BED_SWAN_CHARON="keep_alive = 2s" check charon ikev1_ios "$W/gw1-ipsec.conf"
check ikeflowd ikev1_ikeflowd "$W/gw2-ipsec.conf"

say "strongSwan, behind the NAT, initiates"
check swan-up swan gw1 gw1 up strongswan
natt_round swan-init '400[0-9][0-9]'

say "the NAT gives strongSwan a new mapping: ikeflowd follows it"
check snat-new-ports $IPT -t nat -R POSTROUTING 1 -o o1 -p udp -j SNAT \
    --to-source 192.0.2.1:41000-41099
check conntrack-flush-mapping ip netns exec nat conntrack -F
# strongSwan's next authentic word (a phase-2 rekey) comes from the new port
check swan-rekey-new-port nsenter -t "$(cat /tmp/gw1/ns.pid)" -m -n \
    swanctl --rekey --child strongswan
check ikf-followed wait_for 20 grep -Eq \
    'peer moved to 192\.0\.2\.1\[410[0-9][0-9]\] \(NAT mapping changed\), its SAs follow' \
    "$W/gw2.log"
check ikf-old-pair-moved grep -Eq \
    'IKE:ciscoios: SAs 0x[0-9a-f]{8}/0x[0-9a-f]{8}: ESP in UDP now to port 410[0-9][0-9]' \
    "$W/gw2.log"
check ikf-installed-moved wait_for 20 ikev2_ikf_installed
port=$(encap_dport gw2 192.0.2.2)
echo "ESP in UDP from gw2 to the NAT's new port $port"
check new-port-in-kernel sh -c "echo '$port' | grep -Eqx '410[0-9][0-9]'"
check ping-new-mapping ip netns exec h1 ping -q -c 20 -i 0.05 -W 2 203.0.113.10
ctl gw2 gw2 show crypto ipsec sa >"$W/ipsec-sa-moved.txt" 2>&1
check view-new-port grep -Eq 'current_peer 192\.0\.2\.1 port 410[0-9][0-9]$' \
    "$W/ipsec-sa-moved.txt"
check swan-down swan gw1 gw1 down strongswan
check ikf-no-sa wait_for 20 ikev1_ikf_no_sa
check swan-no-sa wait_for 20 ikev1_swan_no_sa

say "ikeflowd initiates to the NAT, which forwards IKE to gw1"
check dnat-500 $IPT -t nat -A PREROUTING -i o1 -p udp --dport 500 -j DNAT --to-destination 192.0.2.130:500
check dnat-4500 $IPT -t nat -A PREROUTING -i o1 -p udp --dport 4500 -j DNAT --to-destination 192.0.2.130:4500
check conntrack-flush ip netns exec nat conntrack -F
$IPT -Z FORWARD
check ikf-up ctl gw2 gw2 up ciscoios
natt_round ikf-init '4500'
check ikf-floated grep -q 'ISAKMP SA with 192.0.2.1\[4500\]' "$W/gw2.log"

say "the matrix's other proposals through the NAT, then the peer gone (DPD)"
# charon, only responding now, restarted to accept them all; ikeflowd
# with DPD (dpdaction=clear; short times keep the rounds short)
check down-seed ctl gw2 gw2 down ciscoios
check down-seed-ikf-gone wait_for 10 ikev1_ikf_no_sa
check down-seed-swan-gone wait_for 20 ikev1_swan_no_sa
check swan-any-proposal ikev1_swan_any_proposal /tmp/gw1/ipsec.conf
check swan-restart swan gw1 gw1 restart
check swan-reloaded wait_for 30 ikev1_swan_conn_loaded strongswan
sed -i 's/^\( *\)auto=add/&\n\1dpddelay=1s\n\1dpdtimeout=5s\n\1dpdaction=clear/' \
    "$W/gw2-ipsec.conf"
check conf-gw2-dpd grep -q 'dpdtimeout=5s' "$W/gw2-ipsec.conf"
dead=0
while IFS=: read -r p ike esp isakmp xform; do
	[ -n "$p" ] || continue
	ikev1_proposal_up "$p" "$W/gw2-ipsec.conf" "$ike" "$esp"
	# charon's SA of the round before (the peer that went away) goes
	# with our Main Mode's INITIAL-CONTACT
	for ns in gw1 gw2; do
		check "$p/$ns-espinudp" wait_for 10 espinudp_pair "$ns"
	done
	check "$p/ping-100" ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
	check_eq "$p/gw2-kernel-pkts" "100 100" "$(ikev2_kernel_pkts gw2)"
	ikev1_proposal_views "$p" "$isakmp" "$xform"
	check "$p/view-udp-encaps" grep -q 'in use settings ={Tunnel UDP-Encaps, }' \
	    "$W/$p-ipsec-sa.txt"
	check "$p/view-cap-d" grep -Eq '^[0-9]+ +192\.0\.2\.2 +192\.0\.2\.1 +ACTIVE .* DN$' \
	    "$W/$p-isakmp-detail.txt"
	# the NAT stops forwarding: R-U-THERE unanswered, the peer dead
	check "$p/nat-drops" $IPT -I FORWARD 1 -j DROP
	dead=$((dead + 1))
	check "$p/ikf-peer-dead" wait_for 20 ikf_dead_n "$dead"
	check "$p/ikf-no-sa" wait_for 5 ikev1_ikf_no_sa
	check "$p/nat-forwards" $IPT -D FORWARD 1
done <<<"$IKEV1_MX_PROPOSALS"
check no-psk-in-log sh -c "! grep -Eqw 'cisco' '$W/gw2.log'"
