# ikev1-failures: strongSwan (the IOS router on gw1, keyexchange=ikev1)
# initiates Main Mode to ikeflowd (gw2, the seed's IKEv1 configuration)
# with the wrong pre-shared key, then with an ISAKMP policy gw2 does not
# accept, then in Aggressive Mode, which gw2 refuses without
# aggressive=yes. Each attempt fails on both ends, ikeflowd records why
# naming the peer, and nothing reaches either kernel.
# With aggressive=yes on gw2 (reloaded) Aggressive Mode comes up in both
# roles, strongSwan initiating then ikeflowd: 100 pings counted on gw2's
# kernel SAs, in its views (QM_IDLE, the detail saying aggressive) and in
# snmpd (cikeTunNegoMode aggressive(2)). Then charon dies (SIGKILL) and,
# restarted, brings the tunnel up again in Main Mode with INITIAL-CONTACT:
# ikeflowd drops its stale ISAKMP and IPsec SAs at once, its history says
# why, and the tunnel has a flow MIB row again.
# Last, ikeflowd initiates to the router once it is gone: the peer-silent
# record after ikeflowd's retransmits (short ones here), and nothing in
# the kernel.
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

# gw1: the router's connections, and one in Aggressive Mode, which
# charon answers only when told it does not care about security
{
	cat "$IOS1/ipsec.conf"
	printf '%s\n' '' 'conn aggr' '  also=strongswan' '  aggressive=yes' \
	    '  auto=add'
} >"$W/gw1-ipsec.conf"
BED_SWAN_CHARON='i_dont_care_about_security_and_use_aggressive_mode_psk = yes'
install -m 0644 "$SEED1/ipsec.conf" "$W/gw2-ipsec.conf"

check topology bed_topology
check snmpd start_snmpd gw2
check charon-ios ikev1_ios "$W/gw1-ipsec.conf" "$IOS1/wrong-psk.secrets"
grep -v -e '^#' -e '^agentx_enable' "$IKF/ikeflowd.conf" >"$W/gw2-ikeflowd.conf"
printf '%s\n' 'retransmit_timeout = 0.5' 'retransmit_base = 1.0' \
    'retransmit_tries = 3' 'agentx_enable = yes' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    >>"$W/gw2-ikeflowd.conf"
check ikeflowd ikev1_ikeflowd "$W/gw2-ipsec.conf" "$W/gw2-ikeflowd.conf"

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

say "Aggressive Mode without aggressive=yes on gw2: refused"
# the right key from here on
cp "$IOS1/ipsec.secrets" /tmp/gw1/ipsec.secrets
check swan-rereadsecrets swan gw1 gw1 rereadsecrets
swan gw1 gw1 up aggr >"$W/swan-up-aggr-refused.txt" 2>&1 &
check ikf-fail-aggr wait_for 30 ikev1_ikf_failure \
    'Aggressive Mode refused'
check ikf-fail-aggr-peer ikev1_ikf_failure \
    '192\.0\.2\.1.*Aggressive Mode refused'
check ikf-log-aggr grep -q \
    'IKEv1:ciscoios: Aggressive Mode from 192.0.2.1\[500\] refused (aggressive=no)' \
    "$W/gw2.log"
check swan-down-aggr swan gw1 gw1 down aggr
wait
check_eq gw1-no-sa-aggr 0 "$(ikev2_sa_count gw1)"
check_eq gw2-no-sa-aggr 0 "$(ikev2_sa_count gw2)"

# strongSwan has a pair of SAs installed, whichever connection.
swan_installed_any()
{
	swan gw1 gw1 status | grep -q INSTALLED
}

# aggr_tunnel NAME: the Aggressive Mode tunnel is up on gw2 and carries
# 100 pings, counted on gw2's kernel SAs and in ikeflowd's views; the
# ISAKMP SA is in QM_IDLE, the detail view says aggressive, and snmpd's
# cikeTunNegoMode aggressive(2).
aggr_tunnel()
{
	local n=$1 t i

	check "ikf-log-am-$n" wait_for 10 grep -q \
	    'ISAKMP SA with 192.0.2.1\[500\] (192.0.2.1) established in Aggressive Mode' \
	    "$W/gw2.log"
	check "ikf-installed-$n" wait_for 10 ikev2_ikf_installed
	check "swan-installed-$n" wait_for 10 swan_installed_any
	check_eq "gw2-sa-count-$n" 2 "$(ikev2_sa_count gw2)"
	check "ping-$n" ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
	check_eq "gw2-kernel-pkts-$n" "100 100" "$(ikev2_kernel_pkts gw2)"
	check_eq "ikf-pkts-$n" "100 100" "$(ikev2_ikf_pkts)"
	ctl gw2 gw2 show crypto isakmp sa >"$W/isakmp-sa-$n.txt" 2>&1
	check "isakmp-qm-idle-$n" grep -Eq \
	    '^192\.0\.2\.1 +192\.0\.2\.2 +QM_IDLE +[0-9]+ ACTIVE$' \
	    "$W/isakmp-sa-$n.txt"
	ctl gw2 gw2 show crypto isakmp sa detail >"$W/isakmp-detail-$n.txt" 2>&1
	check "isakmp-detail-aggressive-$n" grep -q \
	    '^ *Negotiation mode: Aggressive$' "$W/isakmp-detail-$n.txt"
	check "agent-up-$n" wait_for 10 agent_up
	t=$(tunnel_index)
	check "snmp-tunnel-$n" test -n "$t"
	check "snmp-in-pkts-$n" wait_for 10 snmp_is "$R.1.3.2.1.32.$t" "Counter32: 100"
	check "snmp-out-pkts-$n" wait_for 10 snmp_is "$R.1.3.2.1.45.$t" "Counter32: 100"
	i=$(snmp "$R.1.3.2.1.2.$t" | sed 's/.*INTEGER: //')
	check_eq "snmp-nego-mode-aggressive-$n" "INTEGER: 2" \
	    "$(snmp "$R.1.2.3.1.10.$i")"
}

say "Aggressive Mode with aggressive=yes on gw2: strongSwan initiating"
sed -i 's/^\( *\)auto=add.*/&\n\1aggressive=yes/' "$W/gw2-ipsec.conf"
check reload-aggressive ctl gw2 gw2 reload
check swan-up-aggr swan gw1 gw1 up aggr
aggr_tunnel swan
check swan-down-aggr-2 swan gw1 gw1 down aggr
check ikf-gone-aggr wait_for 10 ikev1_ikf_no_sa

say "Aggressive Mode with aggressive=yes on gw2: ikeflowd initiating"
check ikf-up-aggr ctl gw2 gw2 up ciscoios
aggr_tunnel ikf
check swan-aggr-log grep -q 'AGGRESSIVE' "$W/gw1-charon.log"

say "charon killed and restarted: INITIAL-CONTACT clears gw2's stale SAs"
SPIS0=$(ikev1_gw2_spis)
C0=$(ikev1_cids)
C0=${C0%% *}
check isakmp-cid-before test -n "$C0"
charon_pid()
{
	nsenter -t "$(cat /tmp/gw1/ns.pid)" -m cat /run/charon.pid 2>/dev/null
}
charon_other()	# PID: another charon than PID runs
{
	local p

	p=$(charon_pid)
	[ -n "$p" ] && [ "$p" != "$1" ]
}
swan_conn_loaded()
{
	swan gw1 gw1 statusall | grep -q '^ *strongswan:'
}
CPID=$(charon_pid)
check charon-pid test -n "$CPID"
check charon-kill kill -9 "$CPID"
# the starter starts a new charon, which has forgotten the tunnel
check charon-restarted wait_for 30 charon_other "$CPID"
check charon-answers wait_for 30 swan_conn_loaded
check swan-up-restarted swan gw1 gw1 up strongswan
check ikf-log-initial-contact wait_for 10 grep -q \
    "INITIAL-CONTACT from 192.0.2.1\[500\]: ISAKMP SA $C0 and its IPsec SAs are stale" \
    "$W/gw2.log"
check stale-spis-gone wait_for 10 ikev1_spis_gone "$SPIS0"
check ikf-installed-restarted wait_for 10 ikev2_ikf_installed
check_eq gw2-sa-count-restarted 2 "$(ikev2_sa_count gw2)"
check_eq gw2-one-isakmp-sa 1 "$(ikev1_cids | wc -w)"
ctl gw2 gw2 show crypto ikev2 history >"$W/history-initial-contact.txt" 2>&1
cat "$W/history-initial-contact.txt"
check hist-stale-isakmp-sa grep -q "ciscoios: IKE SA $C0 .*ended: peer lost" \
    "$W/history-initial-contact.txt"
check ping-restarted ip netns exec h1 ping -q -c 10 -i 0.01 -W 2 203.0.113.10
snmp_tunnel_counts()	# N: the tunnel's row has N packets in
{
	local t

	t=$(tunnel_index)
	[ -n "$t" ] && snmp_is "$R.1.3.2.1.32.$t" "Counter32: $1"
}
check snmp-tunnel-restarted wait_for 10 snmp_tunnel_counts 10
check_eq snmp-nego-mode-main-restarted "INTEGER: 1" \
    "$(snmp "$R.1.2.3.1.10.$(ikev1_snmp_ike_index)")"

check swan-down-restarted swan gw1 gw1 down strongswan
check ikf-gone-restarted wait_for 10 ikev1_ikf_no_sa
# Main Mode again for what follows
install -m 0644 "$SEED1/ipsec.conf" "$W/gw2-ipsec.conf"
check reload-main ctl gw2 gw2 reload

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
