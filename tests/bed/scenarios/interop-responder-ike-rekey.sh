# interop-responder-ike-rekey: strongSwan (gw1) initiates to ikeflowd (gw2)
# with each proposal of the interop matrix; ikeflowd's IKE SA lives 14 s
# and it rekeys it 5 s after each setup (rekeyfuzz=0%), so ikeflowd starts
# IKE SA rekeys as the original responder while 240 pings at 50 ms cross two
# of them: no ping lost, new IKE SPIs, one IKE SA left on each side, the
# child SAs untouched, and ikeflowd's tunnel keeps its index with cumulative
# counters that never go back and end at exactly 240.
# bed-timeout: 200

. "$SRCDIR/tests/bed/interop-lib.sh"

iop_setup
iop_each iop_ike_rekey_round responder "" "$IOP_SHORT_IKE"
