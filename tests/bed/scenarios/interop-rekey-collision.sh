# interop-rekey-collision: ikeflowd (gw2) and strongSwan (gw1) rekey the same
# child, then the same IKE SA, at the same time (rekeyfuzz=0% on both, charon
# one second ahead and its IKE messages delayed 3 s on the wire so that the
# requests cross), with each proposal of the interop matrix, under 300 pings
# at 50 ms: charon logs the collision, no ping is lost, one child and one
# IKE SA are left on each side, and ikeflowd's tunnel keeps one index with
# exact cumulative counters.
# bed-timeout: 420

. "$SRCDIR/tests/bed/interop-lib.sh"

iop_setup
say "child SA rekeys collide"
iop_each iop_collision_round child
say "IKE SA rekeys collide"
IOP_TABLE=$(echo "$IOP_TABLE" | sed -n '/^[a-z]/s/^\([a-z0-9]*\)|/\1ike|/p')
iop_each iop_collision_round ike
