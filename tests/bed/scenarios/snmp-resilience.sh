# snmp-resilience: the flow MIB through what goes wrong or changes under a
# tunnel. A wrong pre-shared key (strongSwan on gw1 holds another one) adds
# cikeFailTable rows (authFailure, addresses as raw octets, IDs as text),
# counts in cikeGlobalAuthFails and adds no cipSecFailTable row. With the
# right key, strongSwan rekeys the child twice under a continuous ping: the
# tunnel keeps its index, its counters never go back, cipSecTunTotalRefreshes
# counts the rekeys and the SPI table follows the kernel's SAs; then ikeflowd
# rekeys it itself on its soft expiry, with the same outcome. Then snmpd is
# killed: keying and traffic go on without it, and with ikeflowd's default
# AgentX ping interval the agent is back within 5 s of snmpd's restart, on
# the configuration it first had. Last, snmpd and ikeflowd stop at the same
# moment: ikeflowd leaves the master without Net-SNMP complaining.
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

# agentx_ping_interval left at its default
printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'http_listen = no' >"$W/gw2-ikeflowd.conf"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check snmpd start_snmpd gw2
check charon-ios ikev2_ios "$IOS/ipsec.conf" "$IOS/wrong-psk.secrets"
check ikeflowd ikev2_ikeflowd "$SRCDIR/tests/bed/conf/snmp-resilience/ipsec.conf" \
    "$W/gw2-ikeflowd.conf"
check agent-registered wait_for 10 agent_up
ctl gw2 gw2 show running-config >"$W/gw2-running-config.txt" 2>&1
check ping-interval-default grep -Eq 'agentx_ping_interval = 2$' "$W/gw2-running-config.txt"
check_eq auth-fails-0 "Counter32: 0" "$(snmp $R.1.2.1.23.0)"

say "a wrong pre-shared key, each side initiating once"
swan gw1 gw1 up strongswan >"$W/swan-up-wrong-psk.txt" 2>&1
check swan-up-failed grep -q "establishing connection 'strongswan' failed" \
    "$W/swan-up-wrong-psk.txt"
check ikf-up-wrong-psk ikev2_up_fails 'failed: authentication failed'
check ikf-fail-recorded ikev2_ikf_failure 'AUTHENTICATION_FAILED from peer'
check auth-fails-2 wait_for 10 snmp_is $R.1.2.1.23.0 "Counter32: 2"
check_eq init-tunnel-fails "Counter32: 1" "$(snmp $R.1.2.1.20.0)"
check_eq resp-tunnel-fails "Counter32: 1" "$(snmp $R.1.2.1.21.0)"
snmpwalk_gw2 $R.1.5 >"$W/gw2-fail-walk.txt"
cat "$W/gw2-fail-walk.txt"
check_eq ike-fail-rows 2 "$(grep -c "^\.$R\.1\.5\.2\.1\.1\.2\." "$W/gw2-fail-walk.txt")"
for k in 1 2; do
	check_eq ike-fail-$k-reason "INTEGER: 5" "$(snmp $R.1.5.2.1.1.2.$k)"
	check_ge ike-fail-$k-time 1 "$(snmp $R.1.5.2.1.1.3.$k | sed -n 's/^Timeticks: (\([0-9]*\)).*/\1/p')"
	check_eq ike-fail-$k-local-type "INTEGER: 1" "$(snmp $R.1.5.2.1.1.4.$k)"
	check_eq ike-fail-$k-local-value 'STRING: "192.0.2.2"' "$(snmp $R.1.5.2.1.1.5.$k)"
	check_eq ike-fail-$k-remote-type "INTEGER: 1" "$(snmp $R.1.5.2.1.1.6.$k)"
	check_eq ike-fail-$k-remote-value 'STRING: "192.0.2.1"' "$(snmp $R.1.5.2.1.1.7.$k)"
	check_eq ike-fail-$k-local-addr "Hex-STRING: C0 00 02 02 " "$(snmp $R.1.5.2.1.1.8.$k)"
	check_eq ike-fail-$k-remote-addr "Hex-STRING: C0 00 02 01 " "$(snmp $R.1.5.2.1.1.9.$k)"
done
check ike-fail-no-index no_index_column 1.5.2.1.1 1
# IKE_AUTH failed: no child was ever negotiated, so no IPsec failure record
check_eq ipsec-fail-rows 0 "$(grep -c "^\.$R\.1\.5\.3\.1\." "$W/gw2-fail-walk.txt")"
check_eq ipsec-global-active "Gauge32: 0" "$(snmp $R.1.3.1.1.0)"
check_eq ike-global-active "Gauge32: 0" "$(snmp $R.1.2.1.1.0)"
check_eq no-sa-after-wrong-psk 0 "$(ikev2_sa_count gw2)"

say "the right key: strongSwan brings the tunnel up"
# the same inode: /etc/ipsec.secrets in gw1's mount namespace is bound to it
check right-psk sh -c "cat '$IOS/ipsec.secrets' >/tmp/gw1/ipsec.secrets"
check swan-rereadsecrets swan gw1 gw1 rereadsecrets
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check tunnel-row wait_for 10 eval '[ -n "$(tunnel_index)" ]'
T=$(tunnel_index)
check spis-before wait_for 10 spis_match "$T"
mib_spis "$T" >"$W/spis-0.txt"
# no rekey yet, unless ikeflowd's own (every 15 s) came first on a slow
# guest: the column counts exactly the rekeys its log shows
rekeys_counted()
{
	[ "$(snmp $R.1.3.2.1.13.$T)" = "Counter32: $(grep -c 'Child SA rekeyed' "$W/gw2.log")" ]
}
check refreshes-0 wait_for 10 rekeys_counted

say "two child rekeys by strongSwan under a continuous ping"
bed_bg ping ip netns exec h1 ping -i 0.05 203.0.113.10 >"$W/ping-rekey.txt" 2>&1
# one line per sample: first row's index, InPkts, HcInOctets, OutPkts,
# HcOutOctets, TotalRefreshes of row T
sample()
{
	local v=() c

	for c in 32 27 45 40 13; do
		v+=("$(snmp_num $R.1.3.2.1.$c.$T)")
	done
	echo "$(tunnel_index) ${v[*]}" >>"$W/rekey-samples.txt"
}
# sample_until SECS CMD...: samples (at least once) until CMD succeeds
sample_until()
{
	local end=$(( EPOCHSECONDS + $1 * ${BED_TIMEOUT_SCALE:-3} ))
	shift
	while sample; ! "$@" >/dev/null 2>&1; do
		if [ "$EPOCHSECONDS" -ge "$end" ]; then
			tail -n 3 "$W/old-gone.txt" 2>/dev/null
			return 1
		fi
		bed_sleep 0.3
	done
	sample
}
counting() { [ "$(snmp_num $R.1.3.2.1.32.$T)" -gt 0 ] 2>/dev/null; }
check traffic-counted sample_until 15 counting
# the rekeyed SAs gone from the kernel and the SPI table showing the kernel's
# SAs, read just before or just after it (ikeflowd's own rekeys every 15 s
# may fall between the reads on a slow guest); each miss is kept with its
# time in old-gone.txt to tell a slow agent from SAs left behind
old_gone()
{
	local n k1 k2 m

	n=$(ikev2_sa_count gw2)
	k1=$(kernel_spis | tr '\n' ' ')
	m=$(mib_spis "$T" | tr '\n' ' ')
	k2=$(kernel_spis | tr '\n' ' ')
	[ "$n" = 2 ] && [ -n "$m" ] && { [ "$k1" = "$m" ] || [ "$k2" = "$m" ]; } && return 0
	echo "$(date +%T.%N) sas=$n kernel=[$k1] mib=[$m] kernel=[$k2]" >>"$W/old-gone.txt"
	return 1
}
refreshes() { snmp_num $R.1.3.2.1.13.$T; }
more_refreshes() { [ "$(refreshes)" -gt "$1" ] 2>/dev/null; }
moved() { [ "$(snmp_num $R.1.3.2.1.32.$T)" -gt "$1" ] 2>/dev/null; }
# ikeflowd's own rekeys (every 15 s) may come in between: each step counts
# at least one more refresh, the total is checked against the log below
rekey_step()	# N CMD...
{
	local n=$1 r before
	shift
	r=$(refreshes)
	before=$(snmp_num $R.1.3.2.1.32.$T)
	check rekey-$n "$@"
	check refreshes-$n sample_until 30 more_refreshes "$r"
	check spis-after-$n sample_until 40 old_gone
	mib_spis "$T" >"$W/spis-$n.txt"
	check spis-new-$n sh -c "! grep -qxF -f '$W/spis-$((n - 1)).txt' '$W/spis-$n.txt'"
	check counting-after-$n sample_until 15 moved "$before"
}
rekey_step 1 swan_rekey
rekey_step 2 swan_rekey

say "ikeflowd rekeys the child on its soft expiry (15 s)"
ikf_rekeys() { grep -c 'Rekeying child SA' "$W/gw2.log"; }
ikf_rekeyed() { [ "$(ikf_rekeys)" -gt "$1" ]; }
rekey_step 3 sample_until 30 ikf_rekeyed "$(ikf_rekeys)"
cat "$W/rekey-samples.txt"
# every rekey ikeflowd made or answered, and no other, is a refresh
log_rekeys() { grep -c 'Child SA rekeyed' "$W/gw2.log"; }
all_counted() { [ "$(refreshes)" = "$(log_rekeys)" ]; }
check refreshes-all wait_for 10 all_counted
# strongSwan's rekeys: each ends with its delete of the SA it replaced
# (counting "rekeyed" lines less ikeflowd's "Rekeying" ones would take a
# rekey of ikeflowd's still in flight for one of strongSwan's)
check_ge swan-rekeys 2 "$(grep -c 'Peer deleted child SA' "$W/gw2.log")"
check_ge ikf-rekeys 1 "$(ikf_rekeys)"
check_eq rekey-index-kept "$T" "$(awk '{ print $1 }' "$W/rekey-samples.txt" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_ge rekey-samples 6 "$(grep -c . "$W/rekey-samples.txt")"
# every column of every sample a number, and never less than the one before
monotonic()
{
	awk 'NF != 6 { print "bad sample " NR ": " $0; bad = 1 }
	    { for (i = 2; i <= 6; i++) if ($i !~ /^[0-9]+$/) { print "not a number in " NR ": " $0; bad = 1 } }
	    NR > 1 { for (i = 2; i <= 6; i++) if ($i + 0 < p[i]) {
		print "column " i " went back in sample " NR ": " p[i] " -> " $i; bad = 1 } }
	    { for (i = 2; i <= 6; i++) p[i] = $i + 0 }
	    END { exit bad }' "$W/rekey-samples.txt"
}
check rekey-monotonic monotonic
check_eq tunnel-rows-1 "Gauge32: 1" "$(snmp $R.1.3.1.1.0)"
check_eq previous-tunnels-0 "Counter32: 0" "$(snmp $R.1.3.1.2.0)"
check_ge expired-sa-instances 2 "$(snmp_num $R.1.3.2.1.14.$T)"
# the agent's total is the kernel's: retired SAs' final counts plus the live one
stop_ping() { kill "$(awk '$2 == "ping" { print $1 }' "$BED_PIDS")" 2>/dev/null; }
stop_ping
kin_total() { awk '/SA .* \(in\) .*deleted, final/ { s += $(NF - 3) } END { print s + 0 }' "$W/gw2.log"; }
settled() { [ "$(snmp_num $R.1.3.2.1.27.$T)" = "$(( $(kin_total) + $(gw2_sa_field in 3) ))" ]; }
check hc-in-octets-total wait_for 10 settled

say "snmpd killed: keying goes on without it"
spid=$(cat "$W/snmpd-gw2/snmpd.pid")
check snmpd-pid test -n "$spid"
check snmpd-kill kill "$spid"
check snmpd-gone wait_for 10 eval '! kill -0 '"$spid"
check ping-without-snmpd sh -c "ip netns exec h1 ping -q -c 20 -i 0.05 -W 2 203.0.113.10 |
    grep -q ' 0% packet loss'"
check down-without-snmpd ctl gw2 gw2 down ciscoios
check no-sas-without-snmpd wait_for 10 ikev2_no_sas
check up-without-snmpd ctl gw2 gw2 up ciscoios
check installed-without-snmpd wait_for 15 ikev2_swan_installed
check ikf-installed-without-snmpd wait_for 10 ikev2_ikf_installed
check ping-new-tunnel sh -c "ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10 |
    grep -q ' 0% packet loss'"
check master-missing-logged wait_for 10 grep -q 'Failed to connect to the agentx master' "$W/gw2.log"

say "snmpd restarted: the subagent is back within 5 s"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
t0=$(now_ms)
launch_snmpd gw2
t_master= t_agent=
for i in $(seq 1 75); do
	[ -z "$t_master" ] && snmpd_answers >/dev/null 2>&1 && t_master=$(now_ms)
	if [ -n "$t_master" ] && agent_up; then
		t_agent=$(now_ms)
		break
	fi
	sleep 0.2
done
echo "snmpd answered after $(( ${t_master:-0} - t0 )) ms, the flow MIB after $(( ${t_agent:-0} - t0 )) ms"
check_ge snmpd-back 1 "$t_master"
check_ge agent-back 1 "$t_agent"
# the subagent's own part: from snmpd answering again (its start-up is
# slow on a busy guest, and not ours) to the flow MIB answering
check agent-back-within-5s test "$(( ${t_agent:-99999999999999} - ${t_master:-0} ))" -lt 5000
T3=$(tunnel_index)
check_ge tunnel-after-restart $((T + 1)) "$T3"
check in-pkts-after-restart wait_for 10 snmp_is $R.1.3.2.1.32.$T3 "Counter32: 10"
check_eq auth-fails-kept "Counter32: 2" "$(snmp $R.1.2.1.23.0)"
# snmpd saved its state in its persistent directory, not over the configuration
check snmpd-conf-kept grep -qx 'agentXSocket unix:'"$W/agentx-gw2" "$W/snmpd-gw2.conf"
check snmpd-state-apart test -s "$W/snmpd-gw2/snmpd.conf"

say "snmpd and ikeflowd stopped at the same moment"
spid=$(cat "$W/snmpd-gw2/snmpd.pid")
ipid=$(cat /tmp/gw2/ikeflowd.pid)
check stop-both kill "$spid" "$ipid"
check ikeflowd-stopped wait_for 10 eval '! kill -0 '"$ipid"
check ikeflowd-stop-logged grep -q 'ikeflowd stopped' "$W/gw2.log"
check no-net-snmp-complaint sh -c "! grep -E '_callback_lock|netsnmp_assert' '$W/gw2.log'"
