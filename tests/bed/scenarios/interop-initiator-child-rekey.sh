# interop-initiator-child-rekey: ikeflowd (gw2) initiates to strongSwan (gw1)
# with each proposal of the interop matrix; strongSwan's children live 14 s
# and it rekeys them 5 s after each install (rekeyfuzz=0%), so ikeflowd
# answers CREATE_CHILD_SA rekeys as the IKE initiator while 240 pings at
# 50 ms cross two of them: no ping lost, the old SAs deleted on both sides,
# and ikeflowd's tunnel keeps its index with cumulative counters that never
# go back and end at exactly 240 packets each way.
# bed-timeout: 200

. "$SRCDIR/tests/bed/interop-lib.sh"

iop_setup
iop_each iop_child_rekey_round initiator "$IOP_SHORT_CHILD" ""
