# interop-reauth-bbm: strongSwan (gw1) reauthenticates its IKE SA to
# ikeflowd (gw2) the way charon does by default (reauth=yes, break before
# make): it deletes the old IKE SA with its child, then sets up a new one.
# The IKE SA lives 14 s and is replaced 5 s after each setup, under 12 s of
# pings. For ikeflowd each replacement is the end of a tunnel (history:
# peer delete) and a new one: what must hold is that nothing of the old one
# is left (one IKE SA, one SA pair, three policies) and the traffic comes
# back.
# bed-timeout: 200

. "$SRCDIR/tests/bed/interop-lib.sh"

iop_only seed

iop_ikf_policies()	# gw2's policies, in, out and forward
{
	ip -n gw2 xfrm policy count | awk '/SPD IN/ { print $3 + $5 + $7 }'
}

# one IKE SA, one SA pair and three policies on gw2, read together; what
# was read last is kept in $W/$P-settled.txt
iop_bbm_settled()
{
	local ike sas pol

	ike=$(ctl gw2 gw2 show crypto ikev2 sa | grep -c READY)
	sas=$(ikev2_sa_count gw2)
	pol=$(iop_ikf_policies)
	echo "  gw2: $ike IKE SA(s) READY, $sas SA(s), $pol policies" >"$W/$P-settled.txt"
	[ "$ike" = 1 ] && [ "$sas" = 2 ] && [ "$pol" = 3 ]
}

iop_bbm_round()
{
	local n0 n lost

	iop_conns "ikelifetime=14s rekeymargin=9s rekeyfuzz=0% reauth=yes" ""
	iop_up responder
	n0=$(grep -c "reauthenticating IKE_SA $P\[" "$W/gw1-charon.log")
	iop_ping_bg 240
	wait "$IOP_PING"
	n=$(grep -c "reauthenticating IKE_SA $P\[" "$W/gw1-charon.log")
	check_ge "$P/reauthentications" 2 "$((n - n0))"
	# ping prints a fraction (0.833333%) when the count does not divide
	lost=$(sed -n 's/.* \([0-9]*\)[.0-9]*% packet loss.*/\1/p' "$W/$P-ping.txt")
	echo "  pings lost across the reauthentications: ${lost:-?}%"
	check "$P/traffic-came-back" test "${lost:-100}" -le 20
	# the reauthentications go on every 5 s and each one, break before
	# make, takes the tunnel down for a moment: what is checked is the
	# settled state between two of them, all of it read at one time
	check "$P/swan-one-ike-sa" wait_for 10 iop_swan_one_ike
	check "$P/ikf-settled" wait_for 20 iop_bbm_settled
	cat "$W/$P-settled.txt"
	check "$P/ike-history-deleted-by-peer" iop_ikf_ended "IKE SA" "peer delete"
	check "$P/tunnel-history-deleted-by-peer" iop_ikf_ended tunnel "peer delete"
	check "$P/ping-after" ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10
	iop_down
}

iop_setup
iop_each iop_bbm_round
