# ikev2-wrong-psk: the IOS router (strongSwan on gw1) holds another
# pre-shared key than ikeflowd (gw2). Whichever side initiates, the
# authentication fails, both ends record it, and no SA is installed.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios "$IOS/ipsec.conf" "$IOS/wrong-psk.secrets"
check ikeflowd ikev2_ikeflowd

say "ikeflowd initiates: strongSwan rejects our AUTH"
# up waits for the attempt and says why it failed
check up-fails ikev2_up_fails \
    "establishing connection 'ciscoios' failed: authentication failed: AUTHENTICATION_FAILED from peer in IKE_AUTH"
check ikf-fail-recorded ikev2_ikf_failure \
    'authentication failed: AUTHENTICATION_FAILED from peer in IKE_AUTH'
check swan-log-mac grep -Eq 'MAC mismatched|authentication of .* failed' "$W/gw1-charon.log"
check_eq gw1-no-sa 0 "$(ikev2_sa_count gw1)"
check_eq gw2-no-sa 0 "$(ikev2_sa_count gw2)"

say "strongSwan initiates: ikeflowd rejects its AUTH"
# ipsec up exits 0 whatever happened: its output tells
swan gw1 gw1 up strongswan >"$W/swan-up.txt" 2>&1
check swan-up-failed grep -q "establishing connection 'strongswan' failed" "$W/swan-up.txt"
check swan-log-authfailed grep -q 'received AUTHENTICATION_FAILED' "$W/gw1-charon.log"
ctl gw2 gw2 show crypto ikev2 failures >"$W/failures.txt" 2>&1
cat "$W/failures.txt"
check ikf-fail-verify grep -q 'authentication failed: AUTH payload of 192.0.2.1 does not verify' \
    "$W/failures.txt"
check_eq gw1-no-sa-2 0 "$(ikev2_sa_count gw1)"
check_eq gw2-no-sa-2 0 "$(ikev2_sa_count gw2)"
check no-psk-in-log sh -c "! grep -Eqw 'cisco|not-the-seed-key' '$W/gw2.log'"
