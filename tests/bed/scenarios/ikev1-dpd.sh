# ikev1-dpd: IKEv1 dead peer detection (RFC 3706) and vendor IDs against
# strongSwan (gw1, the IOS router, dpddelay=3s). ikeflowd (gw2, the seed's
# IKEv1 configuration with dpddelay=2s dpdtimeout=8s) initiates: each side
# saw the other's DPD vendor ID (`show crypto isakmp sa detail` lists
# them, Cap. D). A side that hears from the other within its dpddelay
# never asks, so each direction has its part: with ikeflowd's 2 s it asks
# and charon answers; with 5 s (the second tunnel) charon asks and
# ikeflowd answers. Then gw1 is silenced (iptables DROP in its namespace):
# with dpdaction=clear ikeflowd records the peer dead, naming it, the
# history says "peer lost" and nothing is left in gw2's kernel; with
# dpdaction=restart, gw1 back, ikeflowd negotiates again at once and a new
# tunnel carries traffic.
# bed-timeout: 180

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"

# gw1 drops everything from and to gw2 (IKE and ESP alike)
silence()	# -I | -D
{
	ip netns exec gw1 iptables -w 10 "$1" INPUT -s 192.0.2.2 -j DROP &&
	ip netns exec gw1 iptables -w 10 "$1" OUTPUT -d 192.0.2.2 -j DROP
}

# ikeflowd's history has N IKE SA records ended "peer lost"
ikf_lost()
{
	[ "$(ctl gw2 gw2 show crypto ikev2 history |
	    grep -c 'ciscoios: IKE SA .*ended: peer lost')" -ge "$1" ]
}

# ikeflowd's failure table has N records of the peer found dead
ikf_dead()
{
	[ "$(ctl gw2 gw2 show crypto ikev2 failures | grep -c \
	    'peer 192\.0\.2\.1\[500\] dead: no answer to R-U-THERE [0-9]* within dpdtimeout (8 s)')" = "$1" ]
}

sed 's/^\( *\)keyingtries=1/&\n\1dpddelay=3s\n\1dpdtimeout=60s\n\1dpdaction=clear/' \
    "$IOS1/ipsec.conf" >"$W/gw1-ipsec.conf"
sed 's/^\( *\)auto=add/&\n\1dpddelay=2s\n\1dpdtimeout=8s\n\1dpdaction=clear/' \
    "$SEED1/ipsec.conf" >"$W/gw2-ipsec.conf"
check conf-gw1-dpd grep -q 'dpddelay=3s' "$W/gw1-ipsec.conf"
check conf-gw2-dpd grep -q 'dpdaction=clear' "$W/gw2-ipsec.conf"

check topology bed_topology hosts gw1 gw2
check charon-ios ikev1_ios "$W/gw1-ipsec.conf"
check ikeflowd ikev1_ikeflowd "$W/gw2-ipsec.conf"
check up ctl gw2 gw2 up ciscoios
check ping-10 ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10

say "vendor IDs"
check ikf-log-vid-dpd grep -q 'vendor ID is DPD' "$W/gw2.log"
check swan-vid-dpd grep -q 'received DPD vendor ID' "$W/gw1-charon.log"
ctl gw2 gw2 show crypto isakmp sa detail >"$W/isakmp-detail.txt" 2>&1
cat "$W/isakmp-detail.txt"
check detail-cap-d grep -Eq '^[0-9]+ +192\.0\.2\.2 +192\.0\.2\.1 +ACTIVE .* D$' \
    "$W/isakmp-detail.txt"
check detail-vids grep -Eq '^ +Vendor IDs seen: DPD, NAT-T RFC 3947, XAUTH$' \
    "$W/isakmp-detail.txt"

say "R-U-THERE from ikeflowd (dpddelay 2 s, charon's 3 s), answered by charon"
# charon hears our R-U-THERE every 2 s, so it never asks itself here
check swan-got-dpd wait_for 15 grep -Eq 'parsed INFORMATIONAL_V1 request [0-9]+ \[ HASH N\(DPD\) \]' \
    "$W/gw1-charon.log"
check ikf-got-ack wait_for 15 grep -q 'R-U-THERE-ACK notify from 192.0.2.1' "$W/gw2.log"
check ikf-still-up ikev1_session_up

say "dpdaction=clear: gw1 silenced"
check silence silence -I
check ikf-peer-dead wait_for 30 ikf_dead 1
check ikf-history-lost wait_for 5 ikf_lost 1
check ikf-no-sa wait_for 5 ikev1_ikf_no_sa
check unsilence silence -D
check swan-down swan gw1 gw1 down strongswan
check swan-no-sa wait_for 20 ikev1_swan_no_sa

say "dpdaction=restart: gw1 silenced, then back"
# dpddelay 5 s: charon (3 s) asks first now, and keeps ikeflowd from
# asking while gw1 can be heard
sed -i -e 's/dpdaction=clear/dpdaction=restart/' -e 's/dpddelay=2s/dpddelay=5s/' \
    "$W/gw2-ipsec.conf"
check conf-gw2-delay-5 grep -q 'dpddelay=5s' "$W/gw2-ipsec.conf"
check reload ctl gw2 gw2 reload
check up-2 ctl gw2 gw2 up ciscoios
check ping-10-2 ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10
say "R-U-THERE from charon, answered by ikeflowd"
check swan-got-ack wait_for 15 grep -Eq 'parsed INFORMATIONAL_V1 request [0-9]+ \[ HASH N\(DPD_ACK\) \]' \
    "$W/gw1-charon.log"
SPIS0=$(ikev1_gw2_spis)
check silence-2 silence -I
check ikf-peer-dead-2 wait_for 30 ikf_dead 2
check ikf-restarting grep -q 'ciscoios: peer 192.0.2.1\[500\] dead, restarting' "$W/gw2.log"
check unsilence-2 silence -D
check ikf-reinstalled wait_for 40 ikev2_ikf_installed
check new-spis ikev1_spis_gone "$SPIS0"
check ping-10-3 ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10
check no-psk-in-log sh -c "! grep -Eqw 'cisco' '$W/gw2.log'"
