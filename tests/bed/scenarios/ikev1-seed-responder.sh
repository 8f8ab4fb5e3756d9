# ikev1-seed-responder: the seed's IKEv1 tunnel with strongSwan (as the
# IOS router on gw1, keyexchange=ikev1, AES-128/SHA1/MODP1536, PSK cisco)
# initiating Main Mode and Quick Mode with `ipsec up`, and ikeflowd on gw2
# (the seed's IKEv1 strongSwan configuration, auto=add) responding. 100
# pings between the protected subnets, 100 packets on each of the 4 kernel
# SAs, and in snmpd on gw2 (counters, main mode). strongSwan rekeys phase
# 2 while 240 more pings cross: none is lost, the new pair continues the
# tunnel's row (one index, counters cumulative) and the old pair goes
# when strongSwan deletes it. ikeflowd's ISAKMP SA (ikelifetime 45 s here,
# rekeyed 15 s before its end) is then rekeyed by ikeflowd, a new Main Mode
# as initiator, while 240 more pings cross: none lost, strongSwan adopts
# the tunnel as ikeflowd does (no new Quick Mode, one tunnel index, the
# counters cumulative, cipSecTunIkeTunnelIndex following the new C-id),
# the old ISAKMP SA deleted. Then strongSwan reauthenticates (`swanctl
# --rekey --ike --reauth`, as at the end of a shorter ikelifetime: a new
# Main Mode while the old ISAKMP SA is up) under 160 pings: none lost,
# ikeflowd's new responder SA adopts the pair (same SPIs, one tunnel
# index, counters cumulative) and the old ISAKMP SA ends. Then strongSwan's `ipsec down` deletes
# everything on both sides, and after a second `ipsec up` so does
# `ikeflowctl down` on gw2.
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

sed -e 's/^\( *\)ikelifetime=1440m/\1ikelifetime=45s/' \
    -e 's/^\( *\)rekeymargin=3m/\1rekeymargin=15s\n\1rekeyfuzz=0%/' \
    "$SEED1/ipsec.conf" >"$W/gw2-ipsec.conf"
printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"

swan_reauth()
{
	nsenter -t "$(cat /tmp/gw1/ns.pid)" -m -n swanctl --rekey --ike strongswan --reauth
}

# strongSwan keeps an IKEv1 pair it rekeyed until it expires unless told
# to delete it (as IOS does)
BED_SWAN_CHARON='delete_rekeyed = yes'

check topology bed_topology
check snmpd start_snmpd gw2
check charon-ios ikev1_ios
check ikeflowd ikev1_ikeflowd "$W/gw2-ipsec.conf" "$W/gw2-ikeflowd.conf"
check agent-registered wait_for 10 agent_up
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check_eq gw1-sa-count 2 "$(ikev2_sa_count gw1)"
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
check ikf-log-mm grep -q 'IKEv1:(SA ID = [0-9]*):ISAKMP SA with 192.0.2.1\[500\] (192.0.2.1) established in Main Mode' "$W/gw2.log"
ikev2_ping_and_count
ctl gw2 gw2 show crypto session >"$W/gw2-show-session-brief.txt" 2>&1
ikev1_seed_views
ikev1_snmp_seed

say "strongSwan rekeys phase 2 under traffic"
T0=$(tunnel_index)
SPIS0=$(ikev1_gw2_spis)
# strongSwan deletes the old pair at once (delete_rekeyed): see
# IKEV1_PEER_REKEY_LOSS
IKEV1_LOSS_MAX=$IKEV1_PEER_REKEY_LOSS
ikev1_pings_sampled peer-rekey 240 swan_rekey
IKEV1_LOSS_MAX=0
check ikf-log-rekeyed grep -q 'IPsec SA rekeyed' "$W/gw2.log"
check old-pair-gone wait_for 20 ikev1_spis_gone "$SPIS0"
check_eq gw2-sa-count-rekeyed 2 "$(ikev2_sa_count gw2)"
check_eq same-tunnel "$T0" "$(tunnel_index)"
check ikf-cumulative wait_for 10 ikev1_ikf_counted 340
check snmp-cumulative-in wait_for 10 snmp_is "$R.1.3.2.1.32.$T0" "Counter32: 340"
check snmp-cumulative-out wait_for 10 snmp_is "$R.1.3.2.1.45.$T0" "Counter32: 340"

say "ikeflowd rekeys phase 1 (a new Main Mode) under traffic"
ikev1_reauth_mark
ikev1_pings_sampled own-reauth 240
ikev1_reauth_checks "$C0"
check_eq same-tunnel-reauth "$T0" "$(tunnel_index)"
check_eq gw2-sa-count-reauth 2 "$(ikev2_sa_count gw2)"
check ikf-cumulative-reauth wait_for 10 ikev1_ikf_counted 580
check snmp-cumulative-reauth wait_for 10 snmp_is "$R.1.3.2.1.32.$T0" "Counter32: 580"
check snmp-ike-index-followed wait_for 10 ikev1_snmp_followed "$I0"

say "strongSwan rekeys phase 1 (reauth: a new Main Mode) under traffic"
ikev1_reauth_mark
SPIS1=$(ikev1_gw2_spis)
ikev1_pings_sampled peer-reauth 160 swan_reauth
check peer-reauth-one-isakmp-sa wait_for 20 ikev1_reauthed "$C0"
check ikf-log-peer-adopted grep -q "of the reauthenticated ISAKMP SA $C0 adopted" "$W/gw2.log"
# the pair re-parented, not renegotiated
check_eq peer-reauth-same-spis "$SPIS1" "$(ikev1_gw2_spis)"
check_eq same-tunnel-peer-reauth "$T0" "$(tunnel_index)"
check ikf-cumulative-peer-reauth wait_for 10 ikev1_ikf_counted 740
check snmp-cumulative-peer-reauth wait_for 10 snmp_is "$R.1.3.2.1.32.$T0" "Counter32: 740"
check snmp-ike-index-peer-reauth wait_for 10 ikev1_snmp_followed "$I0"
ctl gw2 gw2 show crypto ikev2 history >"$W/history-peer-reauth.txt" 2>&1
check hist-peer-old-isakmp-sa grep -q "ciscoios: IKE SA $C0 .*ended" \
    "$W/history-peer-reauth.txt"

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
