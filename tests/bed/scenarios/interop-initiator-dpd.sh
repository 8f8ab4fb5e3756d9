# interop-initiator-dpd: ikeflowd (gw2) initiates to strongSwan (gw1) with
# each proposal of the interop matrix, with dpddelay=2s dpdaction=restart.
# gw1's outside link goes down: ikeflowd's liveness check goes unanswered,
# the IKE SA ends as "peer lost", and ikeflowd negotiates again at once;
# with the link back, a new tunnel (new SPIs) carries traffic, counted
# exactly, and charon keeps one IKE SA (the old one replaced).
# bed-timeout: 200

. "$SRCDIR/tests/bed/interop-lib.sh"

BED_SWAN_CHARON="retransmit_timeout = 0.5
retransmit_tries = 2"
iop_setup "$IOP_CONF/dpd.conf"
iop_each iop_dpd_round initiator restart
