# ikev1-seed-initiator: the seed's IKEv1 tunnel with ikeflowd initiating.
# gw2 runs ikeflowd with the seed's IKEv1 strongSwan configuration
# (auto=add: `ikeflowctl up ciscoios` starts Main Mode and Quick Mode),
# gw1 strongSwan as the IOS router (AES-128/SHA1/MODP1536, ESP AES-128/
# SHA1, PSK cisco), neither with a hand-made route. `up` returns once the
# child is in the kernel: 100 pings started at once all cross, 100 packets
# on each of the 4 SAs, QM_IDLE in the ISAKMP views, and snmpd on gw2
# serves the counters and main mode. Then the same connection with
# auto=route and child SAs of 20 s rekeyed 12 s before their end: after a
# reload the first packet's ACQUIRE brings it up, and while 400 pings
# cross ikeflowd rekeys phase 2 with no ping lost, one tunnel index and
# cumulative counters, each old pair deleted once the new one is in; the
# ISAKMP SA (ikelifetime 30 s) is rekeyed too, by a new Main Mode that
# takes the tunnel over (new C-id, the old SA deleted and in the history).
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"
cp "$SEED1/ipsec.conf" "$W/gw2-ipsec.conf"

trap_policy()
{
	ip -n gw2 xfrm policy | grep -A3 'src 203.0.113.0/24 dst 198.51.100.0/24' |
	    grep -q 'dir out'
}

check topology bed_topology hosts gw1 gw2
check snmpd start_snmpd gw2
check charon-ios ikev1_ios
check ikeflowd ikev1_ikeflowd "$W/gw2-ipsec.conf" "$W/gw2-ikeflowd.conf"
check agent-registered wait_for 10 agent_up
ctl gw2 gw2 up ciscoios >"$W/up.txt" 2>&1
check_eq up-exit 0 $?
cat "$W/up.txt"
# no waiting: up returned, so the tunnel and its route are there
ikev2_ping_and_count
check up-streamed-mm grep -q 'initiating Main Mode with 192.0.2.1' "$W/up.txt"
check up-says-installed grep -q "connection 'ciscoios' established successfully: CHILD SA installed" \
    "$W/up.txt"
check_eq gw1-sa-count 2 "$(ikev2_sa_count gw1)"
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
ikev1_seed_views
check swan-responder grep -q 'ESTABLISHED.*192.0.2.1\[192.0.2.1\]...192.0.2.2\[192.0.2.2\]' \
    "$W/gw1-statusall-up.txt"
ikev1_snmp_seed

say "auto=route: the first packet's ACQUIRE starts Main Mode"
check down ctl gw2 gw2 down ciscoios
check ikf-all-gone wait_for 10 ikev1_ikf_no_sa
check swan-gone wait_for 20 ikev1_swan_no_sa
sed -i -e 's/^\( *\)auto=add/\1auto=route/' -e 's/^\( *\)keylife=60m/\1keylife=20s/' \
    -e 's/^\( *\)rekeymargin=3m/\1rekeymargin=12s\n\1rekeyfuzz=0%/' \
    -e 's/^\( *\)ikelifetime=1440m/\1ikelifetime=30s/' "$W/gw2-ipsec.conf"
check conf-short-life grep -q 'rekeyfuzz=0%' "$W/gw2-ipsec.conf"
check reload ctl gw2 gw2 reload
check trap-installed wait_for 5 trap_policy
# no route of the operator's: ikeflowd routes the trap's remote subnet
check trap-route wait_for 5 ikev2_ikf_route_ok
# the triggering packet is dropped while the tunnel comes up
ip netns exec h2 ping -c 1 -W 1 198.51.100.10 >/dev/null 2>&1
check acquire-logged wait_for 5 grep -q 'ciscoios: traffic 203.0.113.10 -> 198.51.100.10 triggers' \
    "$W/gw2.log"
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check ping-route ip netns exec h2 ping -q -c 5 -i 0.05 -W 2 198.51.100.10

say "our own phase-2 and phase-1 rekeys under traffic"
T0=$(tunnel_index)
SPIS0=$(ikev1_gw2_spis)
ikev1_reauth_mark
ikev1_pings_sampled own-rekey 400
ikev1_reauth_checks "$C0"
check ikf-log-rekeying grep -q 'rekeying IPsec SA' "$W/gw2.log"
check ikf-log-rekeyed grep -q 'IPsec SA rekeyed' "$W/gw2.log"
check old-pair-gone ikev1_spis_gone "$SPIS0"
check_eq same-tunnel "$T0" "$(tunnel_index)"
check ikf-cumulative wait_for 10 ikev1_ikf_counted 405
check snmp-cumulative-in wait_for 10 snmp_is "$R.1.3.2.1.32.$T0" "Counter32: 405"
check snmp-ike-index-followed wait_for 10 ikev1_snmp_followed "$I0"
check no-psk-in-log sh -c "! grep -Eqw 'cisco' '$W/gw2.log'"
