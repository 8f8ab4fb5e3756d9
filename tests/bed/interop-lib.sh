# The IKEv2 interop matrix: ikeflowd (gw2) against strongSwan's charon (gw1).
# Sourced by tests/bed/scenarios/interop-*.sh after lib.sh. Every scenario
# boots once and runs its check over each proposal of IOP_TABLE in turn: for
# each, both ipsec.conf files are written anew with a single conn named after
# the proposal (conn names in logs and views tell which round it was) and
# both daemons reload them.
#
#   h1 198.51.100.10 -- gw1 strongSwan 192.0.2.1 == 192.0.2.2 gw2 ikeflowd -- h2 203.0.113.10
#
# Check names are "<proposal>/<check>", e.g. "gcm256/ping-100".

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

IOP_CONF=$SRCDIR/tests/bed/conf/interop-common

# name | IKE proposal | ESP proposal | charon's IKE names | charon's ESP names |
# DH group as ikeflowd shows it | the ESP transform in `ip xfrm state` (ERE)
IOP_TABLE="
seed|aes128-sha1-modp1536|aes128-sha1|AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536|AES_CBC_128/HMAC_SHA1_96|5|enc cbc\\(aes\\) 0x[0-9a-f]{32}\$
cbc256|aes256-sha256-modp2048|aes256-sha256|AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048|AES_CBC_256/HMAC_SHA2_256_128|14|enc cbc\\(aes\\) 0x[0-9a-f]{64}\$
gcm256|aes256gcm16-prfsha384-ecp384|aes256gcm16|AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384|AES_GCM_16_256|20|aead rfc4106\\(gcm\\(aes\\)\\) 0x[0-9a-f]{72} 128\$
x25519|aes128-sha256-curve25519|aes128-sha256|AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519|AES_CBC_128/HMAC_SHA2_256_128|31|auth-trunc hmac\\(sha256\\) 0x[0-9a-f]{64} 128\$
"

# known_gap NAME REASON: a check the engine cannot pass yet. Recorded as
# FAILED, never as passed, with the reason in plain sight.
known_gap()
{
	echo "  KNOWN GAP $1: $2"
	bed_record "$1" 1 "known gap: $2"
}

# iop_each FUNC [ARGS...]: FUNC ARGS for every proposal, with P (the conn
# name), P_IKE, P_ESP, P_SWAN_IKE, P_SWAN_ESP, P_DH, P_KERNEL set.
iop_each()
{
	local line rc=0

	while IFS='|' read -r P P_IKE P_ESP P_SWAN_IKE P_SWAN_ESP P_DH P_KERNEL; do
		[ -n "$P" ] || continue
		say "proposal $P: ike=$P_IKE esp=$P_ESP"
		"$@" </dev/null || rc=1
	done <<<"$IOP_TABLE"
	return $rc
}

# iop_conn_text SIDE NAME [KEY=VALUE...]: one conn in ipsec.conf syntax for
# SIDE gw1 (strongSwan) or gw2 (ikeflowd); KEY=VALUE pairs add or replace
# settings, KEY= removes one.
iop_conn_text()
{
	local side=$1 name=$2 kv k
	local -A kv_set
	local -a order=(left leftsubnet leftid right rightsubnet rightid auto
	    keyexchange authby ike esp ikelifetime keylife rekeymargin
	    keyingtries)
	shift 2

	if [ "$side" = gw1 ]; then
		kv_set=([left]=192.0.2.1 [leftsubnet]=198.51.100.0/24
		    [leftid]=192.0.2.1 [right]=192.0.2.2
		    [rightsubnet]=203.0.113.0/24 [rightid]=192.0.2.2
		    [ike]="$P_IKE!" [esp]="$P_ESP!")
	else
		kv_set=([left]=192.0.2.2 [leftsubnet]=203.0.113.0/24
		    [leftid]=192.0.2.2 [right]=192.0.2.1
		    [rightsubnet]=198.51.100.0/24 [rightid]=192.0.2.1
		    [ike]="$P_IKE" [esp]="$P_ESP")
	fi
	kv_set+=([auto]=add [keyexchange]=ikev2 [authby]=secret
	    [ikelifetime]=86400s [keylife]=3600s [rekeymargin]=3m
	    [keyingtries]=1)
	for kv in "$@"; do
		k=${kv%%=*}
		[ -n "${kv_set[$k]+x}" ] || order+=("$k")
		kv_set[$k]=${kv#*=}
	done
	echo "conn $name"
	for k in "${order[@]}"; do
		[ -n "${kv_set[$k]}" ] && echo "  $k=${kv_set[$k]}"
	done
	return 0
}

# iop_setup [IKEFLOWD_CONF]: topology, charon on gw1 and ikeflowd on gw2,
# both without connections yet. Set BED_SWAN_CHARON first for charon
# settings (strongswan.conf).
iop_setup()
{
	printf 'config setup\n' >"$W/swan-ipsec.conf"
	printf 'config setup\n' >"$W/ikf-ipsec.conf"
	install -m 0600 "$IOP_CONF/ipsec.secrets" "$W/ikf-ipsec.secrets"
	# hand-made covering routes: the interop scenarios are about the
	# exchanges; ikev2-routes-* test the daemons' own routes without them
	check topology bed_topology
	check charon start_strongswan gw1 gw1 "$W/swan-ipsec.conf" \
	    "$IOP_CONF/ipsec.secrets"
	check ikeflowd start_ikeflowd gw2 gw2 -c "${1:-$IOP_CONF/ikeflowd.conf}" \
	    --ipsec-conf "$W/ikf-ipsec.conf" --ipsec-secrets "$W/ikf-ipsec.secrets"
}

iop_swan_knows()	# NAME
{
	swan gw1 gw1 statusall | grep -Eq "^ +$1: +192\.0\.2\.1\.\.\.192\.0\.2\.2"
}

# iop_load IKF_TEXT SWAN_TEXT: new ipsec.conf files (conn sections), reloaded
# by both daemons. The previous round's tunnel must be down.
iop_load()
{
	printf 'config setup\n\n%s\n' "$1" >"$W/ikf-ipsec.conf.new"
	mv "$W/ikf-ipsec.conf.new" "$W/ikf-ipsec.conf"
	# written in place: /etc/ipsec.conf is a bind mount of this very file
	printf 'config setup\n\n%s\n' "$2" >/tmp/gw1/ipsec.conf
	cp /tmp/gw1/ipsec.conf "$W/swan-ipsec.conf"
	swan gw1 gw1 update >>"$W/gw1-starter.log" 2>&1 &&
	    ctl gw2 gw2 reload >>"$W/gw2-ctl.log" 2>&1 &&
	    wait_for 10 iop_swan_knows "$P"
}

# iop_conns "SWAN_OPTS..." "IKF_OPTS...": this round's conn $P on both sides
# (options as KEY=VALUE words).
iop_conns()
{
	local swan_opts=$1 ikf_opts=$2

	# shellcheck disable=SC2086
	check "$P/config" iop_load "$(iop_conn_text gw2 "$P" $ikf_opts)" \
	    "$(iop_conn_text gw1 "$P" $swan_opts)"
}

iop_swan_installed()
{
	swan gw1 gw1 status "$P" | grep -q "$P{[0-9]*}: *INSTALLED"
}

# iop_only NAME: this scenario's rounds are the one proposal NAME.
iop_only()
{
	IOP_TABLE=$(echo "$IOP_TABLE" | sed -n "/^$1|/p")
}

iop_swan_one_ike()
{
	[ "$(iop_swan_established)" = 1 ]
}

iop_ikf_one_ike()
{
	[ "$(ctl gw2 gw2 show crypto ikev2 sa | grep -c READY)" = 1 ]
}

iop_swan_established()	# how many IKE SAs of $P charon has up
{
	swan gw1 gw1 status "$P" | grep -c "$P\[[0-9]*\]: ESTABLISHED"
}

iop_ikf_installed()
{
	ikev2_ikf_installed
}

# Both daemons have the round's child, with its pair in both kernels (more
# than a pair while a rekey is on: with short lifetimes the next rekey may
# come before a slow guest's first look).
iop_both_installed()
{
	iop_swan_installed && iop_ikf_installed &&
	    [ "$(ikev2_sa_count gw1)" -ge 2 ] && [ "$(ikev2_sa_count gw2)" -ge 2 ]
}

# iop_up ROLE: ROLE initiator = ikeflowd initiates, responder = charon does.
iop_up()
{
	if [ "$1" = initiator ]; then
		check "$P/up" ctl gw2 gw2 up "$P"
	else
		# `ipsec up` waits for the result and exits 0 whatever it was
		swan gw1 gw1 up "$P" >"$W/$P-swan-up.txt" 2>&1
		check "$P/swan-up" grep -q "connection '$P' established successfully" \
		    "$W/$P-swan-up.txt"
	fi
	check "$P/installed" wait_for 20 iop_both_installed
}

# iop_down: the round's tunnel goes, and no SA is left in either kernel.
iop_down()
{
	ctl gw2 gw2 down "$P" >>"$W/gw2-ctl.log" 2>&1
	check "$P/no-sas-after-down" wait_for 10 ikev2_no_sas ||
	    swan gw1 gw1 down "$P" >/dev/null 2>&1
	return 0
}

# iop_algorithms: both daemons and both kernels use this round's transforms.
iop_algorithms()
{
	local ns

	swan gw1 gw1 statusall "$P" >"$W/$P-swan-statusall.txt" 2>&1
	check "$P/swan-ike-proposal" grep -q "IKE proposal: $P_SWAN_IKE\$" \
	    "$W/$P-swan-statusall.txt"
	check "$P/swan-esp-proposal" grep -Eq "$P\{[0-9]+\}: +$P_SWAN_ESP," \
	    "$W/$P-swan-statusall.txt"
	ctl gw2 gw2 show crypto ikev2 sa detailed >"$W/$P-ikf-ikev2-sa.txt" 2>&1
	check "$P/ikf-dh-group" grep -q "DH Grp:$P_DH," "$W/$P-ikf-ikev2-sa.txt"
	for ns in gw1 gw2; do
		check_eq "$P/$ns-kernel-transform" 2 \
		    "$(ip -n $ns xfrm state | grep -Ec "^[[:space:]]*$P_KERNEL")"
	done
}

iop_ikf_counted()	# N: ikeflowd shows N packets each way
{
	[ "$(ikev2_ikf_pkts)" = "$1 $1" ]
}

# iop_count N: exactly N packets each way in both kernels, in charon's view
# and in ikeflowd's.
iop_count()
{
	local n=$1

	check_eq "$P/gw1-kernel-pkts" "$n $n" "$(ikev2_kernel_pkts gw1)"
	check_eq "$P/gw2-kernel-pkts" "$n $n" "$(ikev2_kernel_pkts gw2)"
	swan gw1 gw1 statusall "$P" >"$W/$P-swan-counted.txt" 2>&1
	check "$P/swan-counters" grep -Eq \
	    "$P\{[0-9]+\}:.* bytes_i \($n pkts.* bytes_o \($n pkts" \
	    "$W/$P-swan-counted.txt"
	check "$P/ikf-counters" wait_for 5 iop_ikf_counted "$n"
	ctl gw2 gw2 show crypto ipsec sa >"$W/$P-ikf-ipsec-sa.txt" 2>&1
}

# iop_ping_count N: N pings h1 -> h2 (none lost) and the counts of iop_count.
iop_ping_count()
{
	check "$P/ping-$1" ip netns exec h1 ping -q -c "$1" -i 0.01 -W 2 203.0.113.10
	iop_count "$1"
}

# ---- traffic across rekeys ----

# "tunnel-index encaps decaps" of ikeflowd's only tunnel.
iop_ikf_sample()
{
	ctl gw2 gw2 show crypto ipsec sa | awk '
	    /conn id:/ { sub(/,.*/, "", $3); id = $3 }
	    /#pkts encaps:/ { sub(/,.*/, "", $3); e = $3 }
	    /#pkts decaps:/ { sub(/,.*/, "", $3); d = $3 }
	    END { printf "%s %s %s\n", id, e, d }'
}

# iop_ping_bg N: starts N pings at 50 ms from h1 (output $W/$P-ping.txt);
# iop_ping_wait collects them.
iop_ping_bg()
{
	ip netns exec h1 ping -i 0.05 -c "$1" -W 2 203.0.113.10 >"$W/$P-ping.txt" 2>&1 &
	IOP_PING=$!
}

iop_ping_wait()	# N
{
	wait "$IOP_PING"
	check "$P/no-ping-lost" grep -q "^$1 packets transmitted, $1 received, 0% packet loss" \
	    "$W/$P-ping.txt"
}

# iop_sample_while_pinging: samples ikeflowd's tunnel once a second until the
# background pings end, into $W/$P-samples.txt.
iop_sample_while_pinging()
{
	: >"$W/$P-samples.txt"
	while kill -0 "$IOP_PING" 2>/dev/null; do
		iop_ikf_sample >>"$W/$P-samples.txt"
		bed_sleep 1
	done
}

# Samples: one tunnel index throughout, counters never going back.
iop_samples_ok()
{
	bed_samples_ok "$W/$P-samples.txt"
}

# The SPIs of the SAs in NS's kernel, sorted, on one line.
iop_spis()
{
	ip -n "$1" xfrm state | awk '/proto esp spi/ { print $4 }' | sort | tr '\n' ' '
}

# The IKE SPI pairs charon shows for $P.
iop_swan_ike_spis()
{
	swan gw1 gw1 statusall "$P" | sed -n 's/.*IKEv2 SPIs: \([^ ]*\) \([^ ,]*\).*/\1 \2/p' |
	    tr -d '*' | sort | tr '\n' ' '
}

# ---- dead peers ----

# iop_link gw1 up|down: the outside link of gw1 (charon's packets vanish).
iop_link()
{
	ip -n "$1" link set "$([ "$1" = gw1 ] && echo v1 || echo v2)" "$2"
}

iop_ikf_hist()	# PATTERN
{
	ctl gw2 gw2 show crypto ikev2 history | grep -q -- "$1"
}

# ---- rekeying under traffic ----

IOP_SHORT_CHILD="keylife=14s rekeymargin=9s rekeyfuzz=0%"
IOP_SHORT_IKE="ikelifetime=14s rekeymargin=9s rekeyfuzz=0% reauth=no"

iop_no_spi_of()	# NS "SPIS": none of SPIS is still in NS's kernel
{
	local now spi

	now=$(iop_spis "$1")
	for spi in $2; do
		case " $now " in *" $spi "*) return 1 ;; esac
	done
	return 0
}

# ikeflowd's kernel holds just the current pair (charon keeps a rekeyed
# inbound SA 5 s longer for late packets: delete_rekeyed_delay).
iop_ikf_two_sas()
{
	[ "$(ikev2_sa_count gw2)" = 2 ]
}

# iop_traffic_across N [GAP]: N pings at 50 ms (none may be lost) while
# ikeflowd's tunnel is sampled every second: one tunnel index throughout,
# counters never going back and, at the end, exactly N packets each way in
# total (or, given GAP, that check is the known gap GAP).
iop_traffic_across()
{
	iop_ping_bg "$1"
	iop_sample_while_pinging
	iop_ping_wait "$1"
	check "$P/ikf-samples" iop_samples_ok
	cat "$W/$P-samples.txt"
	if [ -n "${2:-}" ]; then
		known_gap "$P/ikf-cumulative-$1" "$2"
		echo "  (ikeflowd counted: $(ikev2_ikf_pkts))"
	else
		check "$P/ikf-cumulative-$1" wait_for 5 iop_ikf_counted "$1"
	fi
}

# ---- ikeflowd's route of the tunnel (install_routes, table 220) ----

iop_ikf_route()
{
	ip -n gw2 route show table 220 2>/dev/null |
	    grep -q '^198\.51\.100\.0/24 dev v2 proto static src 203\.0\.113\.1 '
}

iop_ikf_no_route()
{
	[ -z "$(ip -n gw2 route show table 220 2>/dev/null)" ]
}

# iop_route_gone SECONDS: the route goes within SECONDS; if not, what gw2
# holds and what its log says of routes and SAs, for the report.
iop_route_gone()
{
	wait_for "$1" iop_ikf_no_route && return 0
	echo "table 220:"; ip -n gw2 route show table 220
	echo "SAs:"; ip -n gw2 xfrm state | grep '^src'
	echo "ikeflowd's routes:"; ctl gw2 gw2 show crypto route
	echo "ikeflowd's IKE SAs:"; ctl gw2 gw2 show crypto ikev2 sa
	echo "log:"; grep -E 'route|DOWN|UP|continues|delete' "$W/gw2.log" | tail -n 25
	return 1
}

# iop_route_mark: remembers where gw2's log is, before the round's tunnel.
iop_route_mark()
{
	IOP_ROUTE_L0=$(wc -l <"$W/gw2.log")
}

# iop_route_kept: since iop_route_mark, the route was installed once and
# never removed (rekeys and reauthentications keep it), and it is there.
iop_route_kept()
{
	local log

	log=$(tail -n +$((IOP_ROUTE_L0 + 1)) "$W/gw2.log")
	check "$P/route-there" iop_ikf_route
	check_eq "$P/route-installed-once" "1 0" \
	    "$(grep -c "IKE:$P: route installed" <<<"$log") $(grep -c "IKE:$P: route removed" <<<"$log")"
}

# iop_child_rekey_round ROLE SWAN_OPTS IKF_OPTS: one side's children live
# 14 s and rekey after 5 s (rekeyfuzz 0), so 12 s of pings cross two rekeys.
iop_child_rekey_round()
{
	local spis0 n0 n

	iop_conns "$2" "$3"
	iop_up "$1"
	spis0=$(iop_spis gw2)
	n0=$(grep -c "CHILD_SA $P{[0-9]*} established" "$W/gw1-charon.log")
	iop_traffic_across 240
	check "$P/old-sas-gone" wait_for 10 iop_no_spi_of gw2 "$spis0"
	check "$P/ikf-two-sas" wait_for 10 iop_ikf_two_sas
	n=$(grep -c "CHILD_SA $P{[0-9]*} established" "$W/gw1-charon.log")
	check_ge "$P/child-rekeys" 2 "$((n - n0))"
	# strongSwan rekeys every 5 s here: between a new child's install and
	# the old one's delete it lists two, so one is waited for (a child
	# left behind would keep the count at two)
	check "$P/swan-one-child" wait_for 10 iop_swan_count_is INSTALLED 1
	iop_down
}

# iop_ike_rekey_round ROLE SWAN_OPTS IKF_OPTS: one side's IKE SA lives 14 s
# and is rekeyed after 5 s; the child moves to the new IKE SA untouched.
iop_ike_rekey_round()
{
	local ike0 spis0 n0 n

	iop_conns "$2" "$3"
	iop_up "$1"
	ike0=$(iop_swan_ike_spis)
	spis0=$(iop_spis gw2)
	n0=$(grep -c "IKE_SA $P\[[0-9]*\] rekeyed between" "$W/gw1-charon.log")
	iop_traffic_across 240
	check_eq "$P/child-unchanged" "$spis0" "$(iop_spis gw2)"
	# a rekey may have just made a new IKE SA: the old one goes once its
	# delete is answered
	check "$P/swan-one-ike-sa" wait_for 10 iop_swan_one_ike
	check "$P/ike-spis-changed" test "$ike0" != "$(iop_swan_ike_spis)"
	check "$P/ikf-one-ike-sa" wait_for 10 iop_ikf_one_ike_sa
	ctl gw2 gw2 show crypto ikev2 sa >"$W/$P-ikf-ikev2-sa.txt" 2>&1
	n=$(grep -c "IKE_SA $P\[[0-9]*\] rekeyed between" "$W/gw1-charon.log")
	check_ge "$P/ike-rekeys" 2 "$((n - n0))"
	iop_down
}

# ---- dead peers ----

# iop_ikf_failed PATTERN: a failure record of this round's conn matches.
iop_ikf_failed()
{
	ctl gw2 gw2 show crypto ikev2 failures | grep -q -- " $P local .*$1"
}

iop_ikf_ended()	# WHAT (IKE SA|tunnel) REASON: a history record of this round
{
	ctl gw2 gw2 show crypto ikev2 history | grep -q -- "^ *[0-9]* $P: $1 .*ended: $2"
}

# iop_dpd_round ROLE ACTION: ikeflowd checks liveness after 2 s of silence
# (dpdaction=ACTION, retransmissions of conf/interop-common/dpd.conf); gw1's
# outside link goes down and ikeflowd finds the peer lost. clear: the tunnel
# ends with "peer lost" and its SAs go. restart: once the link is back,
# ikeflowd negotiates again and traffic flows through a new tunnel.
iop_dpd_round()
{
	local role=$1 action=$2 spis0 tries=

	# a restart keeps trying until the peer is back (as strongSwan's
	# documentation advises for dpdaction=restart): with one try, its
	# IKE_SA_INIT gave up after its 6 s of retransmits whenever a slow
	# guest took longer than that to bring the link back
	[ "$action" = restart ] && tries=keyingtries=%forever
	iop_conns "" "dpddelay=2s dpdtimeout=10s dpdaction=$action $tries"
	iop_up "$role"
	check "$P/ping-10" ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10
	spis0=$(iop_spis gw2)
	check "$P/link-down" iop_link gw1 down
	check "$P/liveness-lost" wait_for 25 iop_ikf_failed \
	    'peer lost: INFORMATIONAL request (message [0-9]*) not answered after 3 retransmits'
	check "$P/ike-ended-peer-lost" wait_for 5 iop_ikf_ended "IKE SA" "peer lost"
	if [ "$action" = restart ]; then
		check "$P/link-up" iop_link gw1 up
		check "$P/restarted" wait_for 20 iop_both_installed
		check "$P/new-child" iop_no_spi_of gw2 "$spis0"
		check "$P/swan-one-ike-sa" wait_for 10 \
		    sh -c "test \"\$(nsenter -t $(cat /tmp/gw1/ns.pid) -m -n ipsec status $P |
		    grep -c ESTABLISHED)\" = 1"
		iop_ping_count 10
		iop_down
		return 0
	fi
	check "$P/tunnel-ended-peer-lost" wait_for 5 iop_ikf_ended tunnel "peer lost"
	check_eq "$P/ikf-no-sa" 0 "$(ikev2_sa_count gw2)"
	ctl gw2 gw2 show crypto session >"$W/$P-session-after.txt" 2>&1
	check "$P/ikf-no-session" fails grep -q UP-ACTIVE "$W/$P-session-after.txt"
	# charon never noticed: it ends its side of the dead tunnel itself
	check "$P/link-up" iop_link gw1 up
	swan gw1 gw1 down "$P" >"$W/$P-swan-down.txt" 2>&1
	check "$P/no-sas-after-down" wait_for 15 ikev2_no_sas
}

# ---- NAT traversal ----

# iop_natt_round ROLE SWAN_OPTS IKF_OPTS: one side forces UDP encapsulation;
# both kernels carry ESP in UDP 4500 and 100 pings count exactly.
iop_natt_round()
{
	local ns

	iop_conns "$2" "$3"
	iop_up "$1"
	for ns in gw1 gw2; do
		check_eq "$P/$ns-espinudp" 2 "$(ip -n $ns xfrm state |
		    grep -c 'encap type espinudp sport 4500 dport 4500')"
	done
	iop_ping_count 100
	check "$P/ikf-udp-encaps" grep -q 'in use settings ={Tunnel UDP-Encaps, }' \
	    "$W/$P-ikf-ipsec-sa.txt"
	iop_down
}

# ---- rekey collisions ----

# iop_delay_ike on|off: gw1's IKE messages (UDP; ESP is not UDP here) leave
# 3 s late, so requests started up to 3 s apart cross on the wire. ESP goes
# undelayed (prio band 2), IKE through netem (band 3).
iop_delay_ike()
{
	if [ "$1" = on ]; then
		ip netns exec gw1 tc qdisc add dev v1 root handle 1: prio &&
		    ip netns exec gw1 tc qdisc add dev v1 parent 1:3 handle 30: \
		    netem delay 3000ms &&
		    ip netns exec gw1 tc filter add dev v1 parent 1: protocol ip \
		    prio 1 u32 match ip protocol 17 0xff flowid 1:3
	else
		ip netns exec gw1 tc qdisc del dev v1 root
	fi
}

iop_swan_count()	# WHAT: charon's lines of $P matching WHAT (INSTALLED, ESTABLISHED)
{
	swan gw1 gw1 status "$P" | grep -c "$1"
}

iop_swan_count_is()	# WHAT N
{
	[ "$(iop_swan_count "$1")" = "$2" ]
}

iop_ikf_one_ike_sa()
{
	[ "$(ctl gw2 gw2 show crypto ikev2 sa | grep -c READY)" = 1 ]
}

# iop_collision_round child|ike: both sides rekey the same SA at once:
# rekeyfuzz=0% on both, charon a second ahead, and its IKE messages 3 s on
# the way, so each side's request reaches the other while its own is
# outstanding. When the dust settles: no ping lost, one child (and one IKE
# SA) on each side, ikeflowd's tunnel with one index and exact cumulative
# counters.
iop_collision_round()
{
	local kind=$1 life n0 n

	if [ "$kind" = child ]; then
		life=keylife
	else
		life=ikelifetime
	fi
	iop_conns "$life=20s rekeymargin=12s rekeyfuzz=0% reauth=no" \
	    "$life=20s rekeymargin=11s rekeyfuzz=0%"
	n0=$(grep -ci 'collision' "$W/gw1-charon.log")
	iop_up initiator
	check "$P/delay-ike" iop_delay_ike on
	iop_traffic_across 300
	n=$(grep -ci 'collision' "$W/gw1-charon.log")
	check_ge "$P/swan-saw-collision" 1 "$((n - n0))"
	check "$P/ikf-two-sas" wait_for 10 iop_ikf_two_sas
	check "$P/swan-one-child" wait_for 10 iop_swan_count_is INSTALLED 1
	check "$P/swan-one-ike-sa" wait_for 10 iop_swan_count_is ESTABLISHED 1
	check "$P/ikf-one-ike-sa" wait_for 10 iop_ikf_one_ike_sa
	check "$P/undelay-ike" iop_delay_ike off
	iop_down
}

# ---- COOKIE (RFC 7296 §2.6) ----

iop_uptime_over()	# SECONDS
{
	[ "$(cut -d. -f1 /proc/uptime)" -ge "$1" ]
}

# iop_cookie_round: each side in turn answers IKE_SA_INIT with a COOKIE
# while a half-open SA exists (ikeflowd: cookie.conf, charon:
# cookie_threshold = 1). The half-open SA comes from conn "halfopen", whose
# identities have no pre-shared key on the initiating side: its IKE_AUTH is
# never sent.
iop_cookie_round()
{
	local n0

	iop_conns "" ""
	check "$P/config-halfopen" iop_load \
	    "$(iop_conn_text gw2 "$P"; iop_conn_text gw2 halfopen \
	    leftid=@halfopen.example rightid=@nobody.example)" \
	    "$(iop_conn_text gw1 "$P"; iop_conn_text gw1 halfopen \
	    leftid=@nobody.example rightid=@halfopen.example)"

	say "ikeflowd answers with a COOKIE"
	swan gw1 gw1 up halfopen >"$W/$P-halfopen-swan.txt" 2>&1
	check "$P/swan-halfopen-no-psk" grep -q 'no shared key found' \
	    "$W/$P-halfopen-swan.txt"
	n0=$(grep -c 'N(COOKIE)' "$W/gw1-charon.log")
	iop_up responder
	check_ge "$P/swan-got-cookie" 1 \
	    "$(( $(grep -c 'parsed IKE_SA_INIT response 0 \[ N(COOKIE) \]' "$W/gw1-charon.log") - n0 ))"
	iop_ping_count 10
	iop_down

	say "strongSwan answers with a COOKIE"
	# charon 5.9 rejects every cookie as expired while its monotonic clock,
	# less a random offset below its start time, is under 10 s (an
	# unsigned underflow in cookie_verify()): a fresh guest must age first
	check "$P/guest-uptime-20s" wait_for 30 iop_uptime_over 20
	ctl gw2 gw2 up halfopen >>"$W/gw2-ctl.log" 2>&1
	check "$P/ikf-halfopen-no-psk" wait_for 10 grep -q \
	    'halfopen: .*no pre-shared key for halfopen.example - nobody.example' "$W/gw2.log"
	check "$P/swan-half-open" wait_for 10 \
	    sh -c "nsenter -t $(cat /tmp/gw1/ns.pid) -m -n ipsec statusall |
	    grep -q '(unnamed)\[[0-9]*\]: CONNECTING'"
	iop_up initiator
	check "$P/swan-sent-cookie" grep -q 'generating IKE_SA_INIT response 0 \[ N(COOKIE) \]' \
	    "$W/gw1-charon.log"
	check "$P/ikf-resent-with-cookie" grep -q 'peer asks for a cookie' "$W/gw2.log"
	iop_ping_count 10
	iop_down
}
