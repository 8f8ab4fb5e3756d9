# ikev2-peer-silent: nothing answers on gw1. ikeflowd (gw2, the seed's
# configuration with keyingtries=1 and retransmit_timeout 0.5 s, 3 tries)
# retransmits its IKE_SA_INIT three times, then gives up and records the
# peer as lost. No SA, no larval SPI left behind.
# bed-timeout: 90

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check ikeflowd ikev2_ikeflowd "$SEED/ipsec.conf" "$IKF/silent.conf"
# up follows the retransmissions and returns when ikeflowd gives up
start=$(date +%s)
check up-fails ikev2_up_fails \
    "establishing connection 'ciscoios' failed: peer not responding: IKE_SA_INIT request not answered after 3 retransmits"
# 0.5 + 0.9 + 1.62 + 2.9 s of waits: not before the give-up, not long after
check_ge up-waited-for-give-up 5 $(($(date +%s) - start))
# the client saw the exchange as it went
check_eq up-streamed-retransmits 3 "$(grep -c 'Retransmitting packet \[To 192.0.2.1:500\]' \
    "$W/up-fails.txt")"
check ikf-fail-recorded ikev2_ikf_failure \
    'peer lost: IKE_SA_INIT request not answered after 3 retransmits'
check_eq retransmits 3 "$(grep -c 'Retransmitting packet \[To 192.0.2.1:500\]' "$W/gw2.log")"
ctl gw2 gw2 show crypto ikev2 failures >"$W/failures.txt" 2>&1
cat "$W/failures.txt"
check_eq gw2-no-sa 0 "$(ikev2_sa_count gw2)"
ctl gw2 gw2 show crypto ikev2 sa >"$W/ikev2-sa.txt" 2>&1
check no-ike-sa fails grep -q 192.0.2.1/ "$W/ikev2-sa.txt"
