# ikev1-defaults: Cisco IOS's intelligent defaults. ikeflowd on gw2 has
# the seed's IKEv1 connection without ike= and esp=; strongSwan on gw1
# (keyexchange=ikev1) initiates offering only IOS's default PSK policy
# 65508 (AES-128/SHA/group 5, esp aes128-sha1), then only 65512's
# 3DES/SHA/group 2 (esp 3des-sha1). Each tunnel comes up with those
# parameters and carries pings; each use logs %CRYPTO-6-IKMP_POLICY_DEFAULT
# and %CRYPTO-5-IPSEC_DEFAULT_TRANSFORM once, to the daemon's log and to
# syslog with their severities; the views say default. Then, after a
# reload with isakmp_default_policy = no, the same 65508 offer is refused
# with a failure record naming the peer and its proposal.
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"

DEF=$SRCDIR/tests/bed/conf/ikev1-defaults
GOLD=$SRCDIR/tests/unit/data/show

# lines NEEDLE FILE: how many lines of FILE hold NEEDLE.
lines()
{
	grep -cF -- "$1" "$2"
}

# defaults_logged N WHEN: each IOS message N times in gw2's log and in
# syslog (from ikeflowd, daemon facility: <30> severity 6, <29> 5).
defaults_logged()
{
	local n=$1 t=$2

	check_eq "log-ikmp-$t" "$n" "$(lines '%CRYPTO-6-IKMP_POLICY_DEFAULT: Using ISAKMP Default policies' "$W/gw2.log")"
	check_eq "log-xform-$t" "$n" "$(lines '%CRYPTO-5-IPSEC_DEFAULT_TRANSFORM: Using Default IPsec transform-set' "$W/gw2.log")"
	check_eq "syslog-ikmp-$t" "$n" "$(grep -Ec '^<30>.* ikeflowd\[[0-9]+\]: %CRYPTO-6-IKMP_POLICY_DEFAULT: Using ISAKMP Default policies$' "$W/syslog.log")"
	check_eq "syslog-xform-$t" "$n" "$(grep -Ec '^<29>.* ikeflowd\[[0-9]+\]: %CRYPTO-5-IPSEC_DEFAULT_TRANSFORM: Using Default IPsec transform-set$' "$W/syslog.log")"
}

install -m 0644 "$IKF/ikeflowd.conf" "$W/ikeflowd.conf"
install -m 0600 "$SEED1/ipsec.secrets" "$W/gw2-ipsec.secrets"
check topology bed_topology
check syslog start_syslog
check charon-ios start_strongswan gw1 gw1 "$DEF/ios.conf" "$IOS1/ipsec.secrets"
check ikeflowd start_ikeflowd gw2 gw2 --syslog -c "$W/ikeflowd.conf" \
    --ipsec-conf "$DEF/ipsec.conf" --ipsec-secrets "$W/gw2-ipsec.secrets"

# the configuration views, before any tunnel: IOS's tables as the seed
# prints them (the golden files of the unit tests)
ctl gw2 gw2 show crypto isakmp default policy >"$W/gw2-isakmp-default-policy.txt" 2>&1
check default-policy-view diff -u "$GOLD/isakmp-default-policy.txt" \
    "$W/gw2-isakmp-default-policy.txt"
ctl gw2 gw2 show crypto ipsec default transform-set >"$W/gw2-default-xform.txt" 2>&1
check default-xform-view diff -u "$GOLD/ipsec-default-transform-set.txt" \
    "$W/gw2-default-xform.txt"

# default_case P N SWAN_IKE SWAN_ESP ENCR DH XFORM SET: strongSwan's conn
# pP offers only IOS's default policy P (its proposal SWAN_IKE and ESP
# SWAN_ESP in statusall); the tunnel comes up, carries pings, is the Nth
# to log IOS's messages, and gw2's views show ENCR/sha/psk/DH, policy P,
# transform XFORM from default set SET; then strongSwan takes it down.
default_case()
{
	local p=$1 n=$2 ike=$3 esp=$4 encr=$5 dh=$6 xform=$7 set=$8

	check "swan-up-$p" swan gw1 gw1 up "p$p"
	check "ikf-installed-$p" wait_for 10 ikev2_ikf_installed
	check_eq "gw1-sa-count-$p" 2 "$(ikev2_sa_count gw1)"
	check_eq "gw2-sa-count-$p" 2 "$(ikev2_sa_count gw2)"
	swan gw1 gw1 statusall >"$W/gw1-statusall-$p.txt" 2>&1
	check "ike-$p" grep -q "IKE proposal: $ike" "$W/gw1-statusall-$p.txt"
	check "esp-$p" grep -Eq "p$p\{[0-9]+\}: +$esp," "$W/gw1-statusall-$p.txt"
	check "ping-$p" ping_all h1 203.0.113.10
	check_eq "gw2-kernel-pkts-$p" "100 100" "$(ikev2_kernel_pkts gw2)"
	defaults_logged "$n" "$p"
	ctl gw2 gw2 show crypto isakmp sa detail >"$W/gw2-isakmp-sa-$p.txt" 2>&1
	check "isakmp-detail-$p" grep -Eq \
	    "^[0-9]+ +192\.0\.2\.2 +192\.0\.2\.1 +ACTIVE +$encr +sha +psk +$dh " \
	    "$W/gw2-isakmp-sa-$p.txt"
	check "isakmp-default-$p" grep -q \
	    "ISAKMP policy: Default protection suite of priority $p\$" \
	    "$W/gw2-isakmp-sa-$p.txt"
	ctl gw2 gw2 show crypto ipsec sa >"$W/gw2-ipsec-sa-$p.txt" 2>&1
	check "ipsec-xform-$p" grep -q "transform: $xform ," "$W/gw2-ipsec-sa-$p.txt"
	check_eq "ipsec-default-set-$p" 2 \
	    "$(lines "transform set: #\$!default_transform_set_$set" "$W/gw2-ipsec-sa-$p.txt")"
	ctl gw2 gw2 show crypto map >"$W/gw2-crypto-map-$p.txt" 2>&1
	check "crypto-map-peer-$p" grep -qx 'Current peer: 192.0.2.1' "$W/gw2-crypto-map-$p.txt"
	check "crypto-map-sets-$p" grep -qxF \
	    "  #\$!default_transform_set_$set: { $xform }," "$W/gw2-crypto-map-$p.txt"
	check "swan-down-$p" swan gw1 gw1 down "p$p"
	check "ikf-gone-$p" wait_for 10 ikev1_ikf_no_sa
}

say "65508: AES-128/SHA/group 5, esp-aes esp-sha-hmac"
default_case 65508 1 AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536 \
    AES_CBC_128/HMAC_SHA1_96 aes 5 'esp-aes esp-sha-hmac' 1
check crypto-map-acl grep -qx \
    '    access-list ciscoios permit ip 203.0.113.0 0.0.0.255 198.51.100.0 0.0.0.255' \
    "$W/gw2-crypto-map-65508.txt"

say "65512: 3DES/SHA/group 2, esp-3des esp-sha-hmac"
default_case 65512 2 3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024 \
    3DES_CBC/HMAC_SHA1_96 3des 2 'esp-3des esp-sha-hmac' 0

say "isakmp_default_policy = no: the 65508 offer is refused"
cp "$DEF/ikeflowd-no-default.conf" "$W/ikeflowd.conf"
check reload ctl gw2 gw2 reload
swan gw1 gw1 up p65508 >"$W/swan-up-refused.txt" 2>&1
check swan-refused grep -q "establishing connection 'p65508' failed" \
    "$W/swan-up-refused.txt"
check ikf-fail-refused wait_for 10 ikev1_ikf_failure \
    'peer offered aes128-sha1-modp1536 (ike=none, isakmp_default_policy = no)'
ctl gw2 gw2 show crypto ikev2 failures >"$W/gw2-failures.txt" 2>&1
check failure-peer grep -q '192\.0\.2\.1' "$W/gw2-failures.txt"
check ikf-log-refused grep -q 'IKEv1:ciscoios: negotiation with 192.0.2.1\[500\] failed: no acceptable proposal: peer offered aes128-sha1-modp1536' \
    "$W/gw2.log"
check_eq no-sa-refused 0 "$(ikev2_sa_count gw2)"
ctl gw2 gw2 show crypto isakmp default policy >"$W/gw2-isakmp-default-off.txt" 2>&1
check_eq default-policy-off-empty 0 "$(wc -c <"$W/gw2-isakmp-default-off.txt")"
defaults_logged 2 refused
check no-psk-in-log sh -c "! grep -Eqw 'cisco' '$W/gw2.log' '$W/syslog.log'"
