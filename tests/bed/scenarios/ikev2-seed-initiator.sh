# ikev2-seed-initiator: the seed's IKEv2 tunnel with ikeflowd initiating.
# gw2 runs ikeflowd with the seed's strongSwan configuration (auto=add, so
# `ikeflowctl up ciscoios` starts it), gw1 runs strongSwan as the IOS
# router. Tunnel up, 100 pings between the protected subnets, then both
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
check up ctl gw2 gw2 up ciscoios
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check ikf-log-up grep -q 'CRYPTO-5-IKEV2_SESSION_STATUS.*is UP' "$W/gw2.log"
check_eq gw1-sa-count 2 "$(ikev2_sa_count gw1)"
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
swan gw1 gw1 statusall >"$W/gw1-statusall-up.txt" 2>&1
check ike-proposal grep -q 'IKE proposal: AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536' \
    "$W/gw1-statusall-up.txt"
check swan-responder grep -q 'ESTABLISHED.*192.0.2.1\[192.0.2.1\]...192.0.2.2\[192.0.2.2\]' \
    "$W/gw1-statusall-up.txt"
ikev2_ping_and_count
ctl gw2 gw2 show crypto ikev2 sa >"$W/gw2-show-ikev2-sa.txt" 2>&1
check ikf-ikev2-sa grep -q READY "$W/gw2-show-ikev2-sa.txt"
