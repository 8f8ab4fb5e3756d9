# Shared by the ikev1-* scenarios (sourced after lib.sh and
# ikev2-common/ikev2.sh, whose kernel and view helpers they reuse): gw1
# runs strongSwan with keyexchange=ikev1 as the seed's Cisco IOS router
# (conf/ikev1-ios), gw2 runs ikeflowd with the seed's IKEv1 strongSwan
# configuration (conf/seed-ikev1).

SEED1=$SRCDIR/tests/bed/conf/seed-ikev1
IOS1=$SRCDIR/tests/bed/conf/ikev1-ios

# ikev1_ikeflowd [IPSEC_CONF [IKEFLOWD_CONF]]: ikeflowd on gw2.
ikev1_ikeflowd()
{
	install -m 0600 "$SEED1/ipsec.secrets" "$W/gw2-ipsec.secrets" &&
	start_ikeflowd gw2 gw2 -c "${2:-$IKF/ikeflowd.conf}" \
	    --ipsec-conf "${1:-$SEED1/ipsec.conf}" --ipsec-secrets "$W/gw2-ipsec.secrets"
}

# ikev1_ios [IPSEC_CONF [SECRETS]]: strongSwan on gw1 as the IOS router.
ikev1_ios()
{
	start_strongswan gw1 gw1 "${1:-$IOS1/ipsec.conf}" "${2:-$IOS1/ipsec.secrets}"
}

ikev1_ikf_no_sa()
{
	[ "$(ikev2_sa_count gw2)" = 0 ] && [ -z "$(ip -n gw2 xfrm policy | grep '^src 203')" ]
}

ikev1_session_up()
{
	ctl gw2 gw2 show crypto session | grep -q 'Session status: UP'
}

# ikev1_ikf_failure PATTERN: ikeflowd's failure table has a matching line.
ikev1_ikf_failure()
{
	ctl gw2 gw2 show crypto ikev2 failures | grep -q -- "$1"
}

ikev1_swan_no_sa()
{
	[ "$(ikev2_sa_count gw1)" = 0 ] && ! swan gw1 gw1 status strongswan | grep -q ESTABLISHED
}

# ikev1_seed_views: strongSwan's statusall (kept in gw1-statusall-up.txt)
# and ikeflowd's ISAKMP views show the seed's phase 1: IKEv1, AES-128/
# SHA1/MODP1536 with PSK, in QM_IDLE.
ikev1_seed_views()
{
	swan gw1 gw1 statusall >"$W/gw1-statusall-up.txt" 2>&1
	check swan-ikev1 grep -q 'IKEv1 SPIs:' "$W/gw1-statusall-up.txt"
	check ike-proposal grep -q 'IKE proposal: AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536' \
	    "$W/gw1-statusall-up.txt"
	ctl gw2 gw2 show crypto isakmp sa >"$W/gw2-isakmp-sa.txt" 2>&1
	check isakmp-qm-idle grep -Eq '^192\.0\.2\.1 +192\.0\.2\.2 +QM_IDLE +[0-9]+ ACTIVE$' \
	    "$W/gw2-isakmp-sa.txt"
	ctl gw2 gw2 show crypto isakmp sa detail >"$W/gw2-isakmp-sa-detail.txt" 2>&1
	check isakmp-detail grep -Eq \
	    '^[0-9]+ +192\.0\.2\.2 +192\.0\.2\.1 +ACTIVE +aes +sha +psk +5 +[0-9]+:[0-9]{2}:[0-9]{2}' \
	    "$W/gw2-isakmp-sa-detail.txt"
}

# ikev1_snmp_seed: snmpd on gw2 (started with the snmp-common helpers)
# sees the one tunnel as the seed's NMS would: 100 packets each way in
# cipSecTunnelTable, and its cikeTunnelTable row negotiated in main mode.
ikev1_snmp_seed()
{
	local t i

	t=$(tunnel_index)
	check snmp-tunnel-row test -n "$t"
	check snmp-in-pkts wait_for 10 snmp_is "$R.1.3.2.1.32.$t" "Counter32: 100"
	check snmp-out-pkts wait_for 10 snmp_is "$R.1.3.2.1.45.$t" "Counter32: 100"
	i=$(snmp "$R.1.3.2.1.2.$t" | sed 's/.*INTEGER: //')
	check snmp-ike-row test -n "$i"
	# the IKE index and the row read together: ikeflowd's own phase-1
	# reauthentication (30 s after set-up) may come between two GETs on a
	# slow machine, and the tunnel then names the new ISAKMP SA
	check snmp-nego-mode-main wait_for 10 ikev1_snmp_nego_main "$t"
}

# ikev1_snmp_nego_main T: tunnel T's ISAKMP SA, as cipSecTunIkeTunnelIndex
# names it now, has cikeTunNegoMode main(1).
ikev1_snmp_nego_main()
{
	local i

	i=$(snmp "$R.1.3.2.1.2.$1" | sed 's/.*INTEGER: //')
	[ -n "$i" ] && [ "$(snmp "$R.1.2.3.1.10.$i")" = "INTEGER: 1" ]
}

# ikev1_sample: "TUNNEL-INDEX ENCAPS DECAPS" as snmpd and ikeflowd on gw2
# show the one tunnel.
ikev1_sample()
{
	local t

	t=$(tunnel_index)
	ctl gw2 gw2 show crypto ipsec sa | awk -v t="$t" '
	    /#pkts encaps:/ { sub(/,.*/, "", $3); e = $3 }
	    /#pkts decaps:/ { sub(/,.*/, "", $3); d = $3 }
	    END { print t, e, d }'
}

# ikev1_pings_sampled NAME N [CMD...]: N pings at 50 ms from h1 to h2
# while the tunnel is sampled (before, each second during, after; CMD
# runs once as the pings start): none lost, one tunnel index, counters
# never back.
# ikev1_pings_lost FILE N MAX: ping's summary in FILE says N sent and at
# most MAX of them lost.
ikev1_pings_lost()
{
	local got

	got=$(sed -n "s/^$2 packets transmitted, \([0-9]*\) received.*/\1/p" "$1")
	[ -n "$got" ] && [ "$got" -ge $(($2 - $3)) ] || { tail -n 2 "$1"; return 1; }
}

# A phase-2 rekey the peer starts, when the peer deletes the old pair as
# soon as its Quick Mode ends (strongSwan's delete_rekeyed, IOS): IKEv1
# has the responder install its new outbound SA only on message 3, and
# the peer deletes the old inbound one as it sends message 3, so a packet
# we send in between is lost whatever the responder does (strongSwan's
# documentation warns of it). One ping of such a rekey may be lost, never
# more; ikeflowd's counters still count every packet (the lost one is
# counted out by gw2). Rekeys ikeflowd starts lose none.
IKEV1_PEER_REKEY_LOSS=1

# ikev1_pings_sampled NAME N [CMD...]: N pings across the tunnel while CMD
# runs, the tunnel sampled every second; none may be lost (or, when
# IKEV1_LOSS_MAX is set, that many).
ikev1_pings_sampled()
{
	local name=$1 n=$2 ping
	shift 2

	ikev1_sample >"$W/samples-$name.txt"
	ip netns exec h1 ping -i 0.05 -c "$n" -W 2 203.0.113.10 >"$W/ping-$name.txt" 2>&1 &
	ping=$!
	[ $# -gt 0 ] && check "$name-cmd" "$@"
	while kill -0 $ping 2>/dev/null; do
		ikev1_sample >>"$W/samples-$name.txt"
		sleep 1
	done
	wait $ping
	ikev1_sample >>"$W/samples-$name.txt"
	cat "$W/samples-$name.txt"
	check "$name-no-ping-lost" ikev1_pings_lost "$W/ping-$name.txt" "$n" "${IKEV1_LOSS_MAX:-0}"
	check "$name-samples" bed_samples_ok "$W/samples-$name.txt"
}

# ikev1_ikf_counted N: ikeflowd shows N packets each way on the tunnel.
ikev1_ikf_counted()
{
	[ "$(ikev2_ikf_pkts)" = "$1 $1" ]
}

# ikev1_gw2_spis: gw2's ESP SPIs, one line.
ikev1_gw2_spis()
{
	ip -n gw2 xfrm state | awk '/proto esp spi/ { print $4 }' | sort | tr '\n' ' '
}

# ikev1_spis_gone SPIS: none of these is left in gw2's kernel.
ikev1_spis_gone()
{
	local s

	for s in $1; do
		ip -n gw2 xfrm state | grep -q "spi $s " && return 1
	done
	return 0
}

# ikev1_snmp_ike_index: cipSecTunIkeTunnelIndex of the one tunnel.
ikev1_snmp_ike_index()
{
	snmp "$R.1.3.2.1.2.$(tunnel_index)" | sed 's/.*INTEGER: //'
}

# ikev1_snmp_followed OLD: the tunnel's row points at another
# cikeTunnelTable row than OLD, one negotiated in main mode.
ikev1_snmp_followed()
{
	local i

	i=$(ikev1_snmp_ike_index)
	[ -n "$i" ] && [ "$i" != "$1" ] && snmp_is "$R.1.2.3.1.10.$i" "INTEGER: 1"
}

# ikev1_cids: the C-ids of gw2's ISAKMP SAs, one line.
ikev1_cids()
{
	ctl gw2 gw2 show crypto isakmp sa detail |
	    awk '$1 ~ /^[0-9]+$/ && $2 ~ /^192\./ { print $1 }' | tr '\n' ' '
}

# ikev1_reauthed C-ID: gw2 has one ISAKMP SA (QM_IDLE), not C-ID, and
# strongSwan one IKE SA: the reauthentication replaced the old on both.
ikev1_reauthed()
{
	local c

	c=$(ikev1_cids)
	[ -n "$c" ] && [ "$c" = "${c%% *} " ] && [ "$c" != "$1 " ] &&
	    [ "$(swan gw1 gw1 status | grep -c 'ESTABLISHED')" = 1 ]
}

# ikev1_reauth_mark: C0 and I0 become the ISAKMP SA's C-id and the
# tunnel's cipSecTunIkeTunnelIndex before a phase-1 rekey.
ikev1_reauth_mark()
{
	C0=$(ikev1_cids)
	C0=${C0%% *}
	I0=$(ikev1_snmp_ike_index)
	check isakmp-cid test -n "$C0"
}

# ikev1_reauth_checks C-ID: after ikeflowd's phase-1 rekey (a new Main
# Mode): the old ISAKMP SA replaced and in the history, the tunnel's
# kernel SAs not renegotiated for it.
ikev1_reauth_checks()
{
	check ikf-log-reauth wait_for 30 grep -q 'reauthenticating with 192.0.2.1' "$W/gw2.log"
	check ikf-log-adopted wait_for 30 grep -q 'reauthenticated by SA ID' "$W/gw2.log"
	check reauth-one-isakmp-sa wait_for 20 ikev1_reauthed "$1"
	ctl gw2 gw2 show crypto isakmp sa detail >"$W/gw2-isakmp-sa-reauth.txt" 2>&1
	cat "$W/gw2-isakmp-sa-reauth.txt"
	ctl gw2 gw2 show crypto ikev2 history >"$W/history-reauth.txt" 2>&1
	check hist-old-isakmp-sa grep -q "ciscoios: IKE SA $1 .*ended" "$W/history-reauth.txt"
}

# The interop matrix's proposals other than the seed's, for the
# scenario that runs one tunnel at a time (ikev1-natt):
# NAME:ikeflowd's ike=:its esp=:its isakmp sa detail (encr hash auth
# DH):its ipsec sa transform
IKEV1_MX_PROPOSALS="
3des:3des-sha1-modp1024!:3des-sha1!:3des +sha +psk +2:esp-3des esp-sha-hmac
modp2048:aes256-sha256-modp2048!:aes256-sha256-modp2048!:aes256 +sha256 +psk +14:esp-256-aes esp-sha256-hmac
ecp384:aes256-sha384-ecp384!:aes256-sha384-ecp384!:aes256 +sha384 +psk +20:esp-256-aes esp-sha384-hmac
"

# ikev1_swan_any_proposal FILE: strongSwan's ike=/esp= in FILE accept the
# seed's proposal (first: what it picks for the seed) and the matrix's, so
# that only ikeflowd's configuration changes between rounds. For
# strongSwan as responder only: initiating, it would send one KE for
# proposals with and without PFS. FILE keeps its inode (a running
# charon's /etc/ipsec.conf is bound to it).
ikev1_swan_any_proposal()
{
	sed -e 's/^\( *\)ike=.*/\1ike=aes128-sha1-modp1536,3des-sha1-modp1024,aes256-sha256-modp2048,aes256-sha384-ecp384!/' \
	    -e 's/^\( *\)esp=.*/\1esp=aes128-sha1,3des-sha1,aes256-sha256-modp2048,aes256-sha384-ecp384!/' \
	    "$1" >"$1.any" && cat "$1.any" >"$1" && rm -f "$1.any"
}

# ikev1_swan_conn_loaded NAME: gw1's charon lists connection NAME.
ikev1_swan_conn_loaded()
{
	swan gw1 gw1 statusall | grep -q "^ *$1: "
}

# ikev1_proposal_up NAME FILE IKE ESP: ikeflowd's ipsec.conf FILE made
# to propose exactly IKE and ESP, reloaded, and the tunnel brought up
# (checks NAME/reload, NAME/up).
ikev1_proposal_up()
{
	sed -i -e "s/^\( *\)ike=.*/\1ike=$3/" -e "s/^\( *\)esp=.*/\1esp=$4/" "$2"
	check "$1/reload" ctl gw2 gw2 reload
	check "$1/up" ctl gw2 gw2 up ciscoios
}

# ikev1_proposal_views NAME ISAKMP XFORM: ikeflowd's views of the one
# tunnel show that ISAKMP suite and ESP transform.
ikev1_proposal_views()
{
	ctl gw2 gw2 show crypto isakmp sa detail >"$W/$1-isakmp-detail.txt" 2>&1
	check "$1/ikf-isakmp" grep -Eq "^[0-9]+ +192\.0\.2\.2 +192\.0\.2\.1 +ACTIVE +$2 " \
	    "$W/$1-isakmp-detail.txt"
	ctl gw2 gw2 show crypto ipsec sa >"$W/$1-ipsec-sa.txt" 2>&1
	check "$1/ikf-transform" grep -q "transform: $3 ," "$W/$1-ipsec-sa.txt"
}
