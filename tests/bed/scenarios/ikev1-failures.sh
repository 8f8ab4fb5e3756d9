# ikev1-failures: strongSwan (the IOS router on gw1, keyexchange=ikev1)
# initiates Main Mode to ikeflowd (gw2, the seed's IKEv1 configuration)
# with the wrong pre-shared key, then with an ISAKMP policy gw2 does not
# accept. Each attempt fails on both ends, ikeflowd records why naming
# the peer, and nothing reaches either kernel. Last, ikeflowd initiates to
# the router once it is gone: the peer-silent record after ikeflowd's
# retransmits (short ones here), and nothing in the kernel.
# bed-timeout: 180

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"

check topology bed_topology
check charon-ios ikev1_ios "$IOS1/ipsec.conf" "$IOS1/wrong-psk.secrets"
grep -v '^#' "$IKF/ikeflowd.conf" >"$W/gw2-ikeflowd.conf"
printf '%s\n' 'retransmit_timeout = 0.5' 'retransmit_base = 1.0' \
    'retransmit_tries = 3' >>"$W/gw2-ikeflowd.conf"
check ikeflowd ikev1_ikeflowd "" "$W/gw2-ikeflowd.conf"

say "wrong pre-shared key: message 5 does not decrypt on gw2"
# strongSwan ignores our unprotected AUTHENTICATION-FAILED and would
# retransmit message 5 for minutes: up in the background, down once
# ikeflowd has given up
swan gw1 gw1 up strongswan >"$W/swan-up.txt" 2>&1 &
check ikf-fail-psk wait_for 60 ikev1_ikf_failure \
    'message 5 does not decrypt: the pre-shared keys differ'
check ikf-log-psk grep -q 'IKEv1:ciscoios: negotiation with 192.0.2.1\[500\] failed: message 5 does not decrypt' \
    "$W/gw2.log"
check swan-auth-failed-sent wait_for 10 grep -q 'N(AUTH_FAILED)' "$W/gw1-charon.log"
check swan-down swan gw1 gw1 down strongswan
wait
check_eq gw1-no-sa 0 "$(ikev2_sa_count gw1)"
check_eq gw2-no-sa 0 "$(ikev2_sa_count gw2)"

say "no acceptable ISAKMP proposal"
swan gw1 gw1 up mismatch >"$W/swan-up-mismatch.txt" 2>&1
cat "$W/swan-up-mismatch.txt"
check swan-mismatch-failed grep -q "establishing connection 'mismatch' failed" \
    "$W/swan-up-mismatch.txt"
check swan-npc grep -q 'NO_PROPOSAL_CHOSEN' "$W/gw1-charon.log"
check ikf-fail-proposal wait_for 10 ikev1_ikf_failure 'no acceptable proposal'
check_eq gw1-no-sa-2 0 "$(ikev2_sa_count gw1)"
check_eq gw2-no-sa-2 0 "$(ikev2_sa_count gw2)"
check no-psk-in-log sh -c "! grep -Eqw 'cisco|not-the-seed-key' '$W/gw2.log'"

say "peer silent: ikeflowd initiates Main Mode to a router that is gone"
check swan-stop swan gw1 gw1 stop
ctl gw2 gw2 up ciscoios >"$W/up-silent.txt" 2>&1
echo "up: $?"
cat "$W/up-silent.txt"
check ikf-fail-silent wait_for 60 ikev1_ikf_failure \
    'peer 192.0.2.1\[500\] silent: Main Mode message 1 not answered after 3'
check_eq gw2-no-sa-3 0 "$(ikev2_sa_count gw2)"
ctl gw2 gw2 show crypto isakmp sa >"$W/isakmp-sa-silent.txt" 2>&1
check isakmp-no-sa sh -c "! grep -q '^192\.0\.2\.1 ' '$W/isakmp-sa-silent.txt'"
