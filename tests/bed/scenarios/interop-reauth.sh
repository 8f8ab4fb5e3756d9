# interop-reauth: strongSwan (gw1) initiates to ikeflowd (gw2) with ipsec.conf's
# default reauth=yes, so each IKE SA "rekey" is a full reauthentication: a new
# IKE SA (IKE_SA_INIT + IKE_AUTH, new child) and the old one deleted. Its IKE
# SA lives 14 s and is replaced 5 s after each setup (rekeyfuzz=0%), so 240
# pings at 50 ms cross two reauthentications. With make_before_break (the
# new SA first) no ping may be lost; ikeflowd ends with one IKE SA and one
# child, and its tunnel keeps its index with counters that never go back and
# end at exactly 240.
# bed-timeout: 200

BED_SWAN_CHARON="make_before_break = yes"
. "$SRCDIR/tests/bed/interop-lib.sh"

iop_only seed

iop_reauth_round()
{
	local ike0 n0 n

	iop_conns "ikelifetime=14s rekeymargin=9s rekeyfuzz=0% reauth=yes" ""
	iop_route_mark
	iop_up responder
	ike0=$(iop_swan_ike_spis)
	n0=$(grep -c "reauthenticating IKE_SA $P\[" "$W/gw1-charon.log")
	iop_traffic_across 240
	n=$(grep -c "reauthenticating IKE_SA $P\[" "$W/gw1-charon.log")
	check_ge "$P/reauthentications" 2 "$((n - n0))"
	check "$P/ike-spis-changed" test "$ike0" != "$(iop_swan_ike_spis)"
	check "$P/swan-one-ike-sa" wait_for 10 iop_swan_one_ike
	check "$P/ikf-one-ike-sa" wait_for 10 iop_ikf_one_ike
	ctl gw2 gw2 show crypto ikev2 sa >"$W/$P-ikf-ikev2-sa.txt" 2>&1
	check "$P/ikf-two-sas" wait_for 10 iop_ikf_two_sas
	# the new IKE SA's child took the route over from the old one
	iop_route_kept
	# strongSwan reauthenticates every 5 s, making the new IKE SA first: a
	# down from ikeflowd's side alone can meet a reauthentication under way
	# and the tunnel comes back; the initiator stops, then ikeflowd
	swan gw1 gw1 down "$P" >/dev/null 2>&1
	iop_down
	check "$P/route-gone" iop_route_gone 5
}

iop_setup
iop_each iop_reauth_round
