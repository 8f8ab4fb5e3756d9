# interop-responder-establish: strongSwan (gw1) initiates to ikeflowd (gw2) with each
# proposal of the interop matrix (tests/bed/interop-lib.sh): both charon and
# ikeflowd name the negotiated transforms, both kernels hold the ESP SAs with
# them, 100 pings between the protected subnets, and exactly 100 packets each
# way in both kernels, in charon's status and in ikeflowd's views.
# bed-timeout: 150

. "$SRCDIR/tests/bed/interop-lib.sh"

round()
{
	iop_conns "" ""
	iop_up responder
	iop_algorithms
	iop_ping_count 100
	iop_down
}

iop_setup
iop_each round
