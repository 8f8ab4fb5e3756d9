# ikev2-proposal-mismatch: the IOS router (strongSwan on gw1) allows only
# 3DES/MD5/MODP-1024 for IKE, which the seed's configuration on ikeflowd's
# side (gw2) neither offers nor accepts: NO_PROPOSAL_CHOSEN, recorded by
# both ends whichever initiates, and no SA.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios "$IOS/mismatch.conf"
check ikeflowd ikev2_ikeflowd

say "ikeflowd initiates"
# up waits for the attempt and says why it failed
check up-fails ikev2_up_fails \
    "establishing connection 'ciscoios' failed: no proposal chosen: NO_PROPOSAL_CHOSEN from peer in IKE_SA_INIT"
check ikf-fail-recorded ikev2_ikf_failure \
    'no proposal chosen: NO_PROPOSAL_CHOSEN from peer in IKE_SA_INIT'
check swan-log-noprop grep -q 'received proposals unacceptable' "$W/gw1-charon.log"

say "strongSwan initiates"
# ipsec up exits 0 whatever happened: its output tells
swan gw1 gw1 up strongswan >"$W/swan-up.txt" 2>&1
check swan-up-failed grep -q "establishing connection 'strongswan' failed" "$W/swan-up.txt"
check swan-log-received grep -q 'received NO_PROPOSAL_CHOSEN' "$W/swan-up.txt"
ctl gw2 gw2 show crypto ikev2 failures >"$W/failures.txt" 2>&1
cat "$W/failures.txt"
check ikf-fail-sent grep -q 'no proposal chosen: NO_PROPOSAL_CHOSEN sent' "$W/failures.txt"
check_eq gw1-no-sa 0 "$(ikev2_sa_count gw1)"
check_eq gw2-no-sa 0 "$(ikev2_sa_count gw2)"
