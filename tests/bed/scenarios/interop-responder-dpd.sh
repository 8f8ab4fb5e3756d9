# interop-responder-dpd: strongSwan (gw1) initiates to ikeflowd (gw2) with
# each proposal of the interop matrix; ikeflowd has dpddelay=2s
# dpdaction=clear. gw1's outside link goes down: ikeflowd's liveness check
# goes unanswered, and the IKE SA and the tunnel end in its history as
# "peer lost", with their SAs gone from the kernel and no session left.
# bed-timeout: 200

. "$SRCDIR/tests/bed/interop-lib.sh"

BED_SWAN_CHARON="retransmit_timeout = 0.5
retransmit_tries = 2"
iop_setup "$IOP_CONF/dpd.conf"
iop_each iop_dpd_round responder clear
