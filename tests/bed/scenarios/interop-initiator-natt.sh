# interop-initiator-natt: ikeflowd (gw2) initiates to strongSwan (gw1) with
# each proposal of the interop matrix and forceencaps=yes on its own side:
# both kernels hold ESP-in-UDP SAs (port 4500 both ways), 100 pings pass and
# count exactly on both sides.
# bed-timeout: 150

. "$SRCDIR/tests/bed/interop-lib.sh"

iop_setup
iop_each iop_natt_round initiator "" "forceencaps=yes"
