# ikev2-seed-initiator: the seed's IKEv2 tunnel with ikeflowd initiating.
# gw2 runs ikeflowd with the seed's strongSwan configuration (auto=add, so
# `ikeflowctl up ciscoios` starts it), gw1 runs strongSwan as the IOS
# router. `ikeflowctl up` returns once the tunnel is in the kernel: 100
# pings between the protected subnets started at once all pass, then both
# sides count 100 packets each way: strongSwan in the kernel and in
# `ipsec statusall`, ikeflowd in `show crypto ipsec sa` and `show crypto
# session detail`.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd
ctl gw2 gw2 up ciscoios >"$W/up.txt" 2>&1
check_eq up-exit 0 $?
cat "$W/up.txt"
# no waiting: up returned, so the tunnel is there (the kernel counts of
# ikev2_ping_and_count prove that none of the 100 was lost)
ikev2_ping_and_count
check up-streamed-init grep -q 'Generating IKE_SA_INIT message' "$W/up.txt"
check up-streamed-auth grep -q 'Generating IKE_AUTH message' "$W/up.txt"
check up-says-installed grep -q "connection 'ciscoios' established successfully: CHILD SA installed" \
    "$W/up.txt"
check swan-installed ikev2_swan_installed
check ikf-installed ikev2_ikf_installed
check ikf-log-up grep -q 'CRYPTO-5-IKEV2_SESSION_STATUS.*is UP' "$W/gw2.log"
check_eq gw1-sa-count 2 "$(ikev2_sa_count gw1)"
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
swan gw1 gw1 statusall >"$W/gw1-statusall-up.txt" 2>&1
check ike-proposal grep -q 'IKE proposal: AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536' \
    "$W/gw1-statusall-up.txt"
check swan-responder grep -q 'ESTABLISHED.*192.0.2.1\[192.0.2.1\]...192.0.2.2\[192.0.2.2\]' \
    "$W/gw1-statusall-up.txt"
ctl gw2 gw2 show crypto ikev2 sa >"$W/gw2-show-ikev2-sa.txt" 2>&1
check ikf-ikev2-sa grep -q READY "$W/gw2-show-ikev2-sa.txt"
