# ikev1-seed-responder: the seed's IKEv1 tunnel with strongSwan (as the
# IOS router on gw1, keyexchange=ikev1, AES-128/SHA1/MODP1536, PSK cisco)
# initiating Main Mode and Quick Mode with `ipsec up`, and ikeflowd on gw2
# (the seed's IKEv1 strongSwan configuration, auto=add) responding. 100
# pings between the protected subnets, 100 packets on each of the 4 kernel
# SAs; then strongSwan's `ipsec down` deletes everything on both sides,
# and after a second `ipsec up` so does `ikeflowctl down` on gw2.
# bed-timeout: 180

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"

check topology bed_topology
check charon-ios ikev1_ios
check ikeflowd ikev1_ikeflowd
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check_eq gw1-sa-count 2 "$(ikev2_sa_count gw1)"
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
swan gw1 gw1 statusall >"$W/gw1-statusall-up.txt" 2>&1
check swan-ikev1 grep -q 'IKEv1 SPIs:' "$W/gw1-statusall-up.txt"
check ike-proposal grep -q 'IKE proposal: AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536' \
    "$W/gw1-statusall-up.txt"
check ikf-log-mm grep -q 'IKEv1:(SA ID = [0-9]*):ISAKMP SA with 192.0.2.1\[500\] (192.0.2.1) established in Main Mode' "$W/gw2.log"
ikev2_ping_and_count
ctl gw2 gw2 show crypto session >"$W/gw2-show-session-brief.txt" 2>&1
# the seed's views of the ISAKMP SA: QM_IDLE, and AES/SHA/PSK/group 5
ctl gw2 gw2 show crypto isakmp sa >"$W/gw2-isakmp-sa.txt" 2>&1
check isakmp-qm-idle grep -Eq '^192\.0\.2\.1 +192\.0\.2\.2 +QM_IDLE +[0-9]+ ACTIVE$' \
    "$W/gw2-isakmp-sa.txt"
ctl gw2 gw2 show crypto isakmp sa detail >"$W/gw2-isakmp-sa-detail.txt" 2>&1
check isakmp-detail grep -Eq \
    '^[0-9]+ +192\.0\.2\.2 +192\.0\.2\.1 +ACTIVE +aes +sha +psk +5 +[0-9]+:[0-9]{2}:[0-9]{2}' \
    "$W/gw2-isakmp-sa-detail.txt"

# strongSwan's down: its Deletes take everything out of gw2's kernel
check swan-down swan gw1 gw1 down strongswan
check ikf-all-gone wait_for 10 ikev1_ikf_no_sa
check ikf-log-del grep -q 'deleted the ISAKMP SA' "$W/gw2.log"
check ikf-no-session fails ikev1_session_up

# and ikeflowd's down: its Deletes (IPsec SA, then ISAKMP SA, under
# HASH(1)) take everything out of strongSwan's kernel too
check swan-up-again swan gw1 gw1 up strongswan
check ikf-installed-again wait_for 10 ikev2_ikf_installed
check ikf-down ctl gw2 gw2 down ciscoios
check ikf-down-gone wait_for 10 ikev1_ikf_no_sa
check swan-gone wait_for 20 ikev1_swan_no_sa
check swan-log-del grep -q 'received DELETE for' "$W/gw1-charon.log"
