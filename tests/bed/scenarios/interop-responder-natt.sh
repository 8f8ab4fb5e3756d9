# interop-responder-natt: strongSwan (gw1) initiates to ikeflowd (gw2) with
# each proposal of the interop matrix and forceencaps=yes on its side (its
# NAT-D hash claims a NAT): ikeflowd detects it, both kernels hold
# ESP-in-UDP SAs (port 4500 both ways), 100 pings pass and count exactly on
# both sides.
# bed-timeout: 150

. "$SRCDIR/tests/bed/interop-lib.sh"

iop_setup
iop_each iop_natt_round responder "forceencaps=yes" ""
