# Shared by the ipv6-* scenarios (sourced after lib.sh): the standard
# topology with IPv6 beside IPv4 on every link, strongSwan on gw1 and
# ikeflowd on gw2 keying one tunnel of a given outer and inner family.
#
#   h1 198.51.100.10      gw1 192.0.2.1      192.0.2.2 gw2      203.0.113.10 h2
#      2001:db8:1::10         2001:db8::1 == 2001:db8::2        2001:db8:2::10
#
# Only the documentation prefixes (2001:db8::/32 and the IPv4 ranges).

V6_OUT1=2001:db8::1 V6_OUT2=2001:db8::2
V6_NET1=2001:db8:1::/64 V6_NET2=2001:db8:2::/64
V6_H1=2001:db8:1::10 V6_H2=2001:db8:2::10

# v6_topology: bed_topology, then the IPv6 addresses (no duplicate address
# detection: an address must work at once) and forwarding on the gateways.
# The covering routes on the gateways are made by hand here, as
# bed_topology does for IPv4: these scenarios are about the families.
v6_topology()
{
	local n

	/tmp/m/modprobe ipv6 && /tmp/m/modprobe esp6 || return 1
	bed_topology || return 1
	for n in gw1 gw2 h1 h2; do
		ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=0
	done
	for n in gw1 gw2; do
		ip netns exec $n sysctl -qw net.ipv6.conf.all.forwarding=1
	done
	ip -n gw1 addr add $V6_OUT1/64 dev v1 nodad &&
	ip -n gw2 addr add $V6_OUT2/64 dev v2 nodad &&
	ip -n gw1 addr add 2001:db8:1::1/64 dev l1 nodad &&
	ip -n gw2 addr add 2001:db8:2::1/64 dev l2 nodad &&
	ip -n h1 addr add $V6_H1/64 dev e0 nodad &&
	ip -n h2 addr add $V6_H2/64 dev e0 nodad &&
	ip -n h1 route add default via 2001:db8:1::1 &&
	ip -n h2 route add default via 2001:db8:2::1 &&
	ip -n gw1 route add $V6_NET2 via $V6_OUT2 &&
	ip -n gw2 route add $V6_NET1 via $V6_OUT1
}

# v6_confs OUT1 OUT2 NET1 NET2 [EXTRA]: writes $W/swan.conf (gw1) and
# $W/ikf.conf (gw2) for one tunnel between OUT1 and OUT2 protecting NET1
# (behind gw1) and NET2 (behind gw2), and the secrets of both. EXTRA goes
# in both connections, $V6_IKF_EXTRA in ikeflowd's only.
v6_confs()
{
	local o1=$1 o2=$2 n1=$3 n2=$4 extra=${5:-}

	cat >"$W/swan.conf" <<-C
	conn %default
	  keyexchange=ikev2
	  authby=secret
	  ike=aes128-sha256-modp2048!
	  esp=aes128-sha256!
	conn v6
	  left=$o1
	  leftsubnet=$n1
	  right=$o2
	  rightsubnet=$n2
	  auto=add
	  $extra
	C
	cat >"$W/ikf.conf" <<-C
	conn v6
	  keyexchange=ikev2
	  authby=secret
	  ike=aes128-sha256-modp2048
	  esp=aes128-sha256
	  left=$o2
	  leftsubnet=$n2
	  right=$o1
	  rightsubnet=$n1
	  auto=add
	  $extra
	  ${V6_IKF_EXTRA:-}
	C
	printf '%s %s : PSK "v6-tunnel-psk"\n' "$o1" "$o2" >"$W/swan.secrets"
	install -m 0600 "$W/swan.secrets" "$W/ikf.secrets"
}

v6_start()
{
	start_strongswan gw1 gw1 "$W/swan.conf" "$W/swan.secrets" &&
	start_ikeflowd gw2 gw2 -c "${V6_IKF_CONF:-$SRCDIR/tests/bed/conf/ikev2-ikeflowd/ikeflowd.conf}" \
	    --ipsec-conf "$W/ikf.conf" --ipsec-secrets "$W/ikf.secrets"
}

v6_sa_count()	# NS: the ESP SAs in its kernel
{
	ip -n "$1" xfrm state | grep -c '^src '
}

v6_installed()
{
	swan gw1 gw1 status v6 | grep -q 'v6{[0-9]*}: *INSTALLED' &&
	    ctl gw2 gw2 show crypto ipsec sa | grep -q 'spi: 0x' &&
	    [ "$(v6_sa_count gw1)" -ge 2 ] && [ "$(v6_sa_count gw2)" -ge 2 ]
}

# v6_up ROLE: initiator = ikeflowd initiates, responder = strongSwan does.
v6_up()
{
	if [ "$1" = initiator ]; then
		check up ctl gw2 gw2 up v6
	else
		swan gw1 gw1 up v6 >"$W/swan-up.txt" 2>&1
		check swan-up grep -q "connection 'v6' established successfully" "$W/swan-up.txt"
	fi
	check installed wait_for 30 v6_installed
}

# Packets of each SA in NS's kernel, one per line.
v6_kernel_pkts()
{
	ip -n "$1" -s xfrm state | awk '/lifetime current:/ { getline;
	    sub(/\(packets\).*/, ""); sub(/.*, */, ""); print }'
}


# v6_rounds PING-DESTINATION...: the tunnel in both roles: up ($V6_AFTER_UP
# ROLE runs then, $V6_VIEWS ROLE after the counts), 100 pings
# from h1 to each destination (all through the one tunnel, 100 each), the
# counts in both kernels and in ikeflowd's view, then down with nothing
# left in ikeflowd's kernel.
v6_rounds()
{
	local role dst n

	for role in responder initiator; do
		say "role: ikeflowd as the IKE $role"
		v6_up $role
		"${V6_AFTER_UP:-:}" "$role"
		n=0
		for dst in "$@"; do
			check "$role/ping-$dst" ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 "$dst"
			n=$((n + 100))
		done
		v6_counts "$role" "$n"
		ip -n gw2 xfrm state >"$W/$role-gw2-xfrm-state.txt" 2>&1
		ip -n gw2 xfrm policy >"$W/$role-gw2-xfrm-policy.txt" 2>&1
		ctl gw2 gw2 show crypto ipsec sa >"$W/$role-ipsec-sa.txt" 2>&1
		ctl gw2 gw2 show crypto session detail >"$W/$role-session.txt" 2>&1
		ctl gw2 gw2 statusall >"$W/$role-statusall.txt" 2>&1
		check "$role/ikf-encaps" grep -q "#pkts encaps: $n," "$W/$role-ipsec-sa.txt"
		check "$role/ikf-decaps" grep -q "#pkts decaps: $n," "$W/$role-ipsec-sa.txt"
		"${V6_VIEWS:-:}" "$role"
		ctl gw2 gw2 down v6 >/dev/null 2>&1
		check "$role/no-sas" wait_for 20 sh -c "[ \$(ip -n gw2 xfrm state | grep -c '^src ') = 0 ]"
	done
}

# v6_counts ROLE N: N packets on each SA of both kernels (one pair each).
v6_counts()
{
	local ns

	for ns in gw1 gw2; do
		check_eq "$1/$ns-kernel-pkts" "$2 $2" \
		    "$(v6_kernel_pkts $ns | tr '\n' ' ' | sed 's/ $//')"
	done
}

# ---- views and the flow MIB of a round (with conf/snmp-common/snmp.sh) ----

# v6_hex ADDR|PREFIX...: one line per argument, the address (for a
# prefix, then its mask on the next line) as snmpget prints an
# IPSIpAddress: 4 or 16 raw octets, never text. One python3 for all: a
# start costs the guest dearly.
v6_hex()
{
	python3 - "$@" <<-'P'
	import ipaddress, sys
	for a in sys.argv[1:]:
	    n = ipaddress.ip_network(a, strict=False)
	    for x in [n.network_address] + ([n.netmask] if "/" in a else []):
	        print("Hex-STRING: " + "".join("%02X " % b for b in x.packed))
	P
}

# ikeflowd's conf for SNMP: AgentX to snmpd on gw2 (start_snmpd gw2).
v6_snmp_conf()
{
	printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
	    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
	    'http_listen = no' >"$W/gw2-ikeflowd.conf"
	V6_IKF_CONF=$W/gw2-ikeflowd.conf
}

# v6_views ROLE OUT1 OUT2 NET1 NET2 N: after a round of v6_rounds (its
# files in $W), ikeflowd's views and the flow MIB show the tunnel with
# gw2's outer address OUT2 and subnet NET2, the peer's OUT1 and NET1, N
# packets each way: every IPSIpAddress as raw octets of its family, the
# endpoint rows as prefix and mask, the IKE IDs (addresses) as text; and
# snmptable with the project's MIB module decodes the rows.
v6_views()
{
	local r=$1 o1=$2 o2=$3 n1=$4 n2=$5 n=$6 T I lid h
	local -a x

	# x: o1, o2, n1 and its mask, n2 and its mask, as the MIB has them
	mapfile -t x <<<"$(v6_hex $o1 $o2 $n1 $n2)"
	check "$r/ipsec-sa-peer" grep -q "current_peer $o1 port" "$W/$r-ipsec-sa.txt"
	case $n2 in
	*:*)	lid="${n2}/0/0" ;;
	*)	h=$(( 0xffffffff << (32 - ${n2#*/}) & 0xffffffff ))
		lid="${n2%/*}/$((h >> 24)).$((h >> 16 & 255)).$((h >> 8 & 255)).$((h & 255))/0/0" ;;
	esac
	check "$r/ipsec-sa-ident" grep -qF "local  ident (addr/mask/prot/port): ($lid)" \
	    "$W/$r-ipsec-sa.txt"
	check "$r/session-up" grep -q 'Session status: UP-ACTIVE' "$W/$r-session.txt"
	# statusall as strongSwan prints it: the outer addresses, the subnets
	check "$r/statusall-ike" grep -qF "ESTABLISHED" "$W/$r-statusall.txt"
	check "$r/statusall-addrs" grep -qF "$o2[" "$W/$r-statusall.txt"
	check "$r/statusall-peer" grep -qF "]...$o1[" "$W/$r-statusall.txt"
	check "$r/statusall-child" grep -qE "\{[0-9]+\}: +$n2 === $n1\$" \
	    "$W/$r-statusall.txt"
	check "$r/statusall-pkts" grep -qF "($n pkts)" "$W/$r-statusall.txt"
	ctl gw2 gw2 show crypto ikev2 sa >"$W/$r-ikev2-sa.txt" 2>&1
	# the SA under its family's header (both are printed, as IOS does)
	case $o1 in *:*) h=IPv6 ;; *) h=IPv4 ;; esac
	check "$r/ikev2-sa-$h-section" awk -v s="$h Crypto IKEv2" -v p=" $o1/" '
	    /Crypto IKEv2/ { on = index($0, s) > 0 } on && index($0, p) { f = 1 }
	    END { exit !f }' "$W/$r-ikev2-sa.txt"
	T=$(tunnel_index)
	check "$r/snmp-tunnel-row" test -n "$T"
	check_eq "$r/snmp-in-pkts" "Counter32: $n" "$(snmp $R.1.3.2.1.32.$T)"
	check_eq "$r/snmp-out-pkts" "Counter32: $n" "$(snmp $R.1.3.2.1.45.$T)"
	check_eq "$r/snmp-local-addr" "${x[1]}" "$(snmp $R.1.3.2.1.4.$T)"
	check_eq "$r/snmp-remote-addr" "${x[0]}" "$(snmp $R.1.3.2.1.5.$T)"
	I=$(snmp $R.1.3.2.1.2.$T | sed 's/.*INTEGER: //')
	check_eq "$r/snmp-ike-local-addr" "${x[1]}" "$(snmp $R.1.2.3.1.4.$I)"
	check_eq "$r/snmp-ike-remote-addr" "${x[0]}" "$(snmp $R.1.2.3.1.8.$I)"
	check_eq "$r/snmp-ike-local-type" "INTEGER: 1" "$(snmp $R.1.2.3.1.2.$I)"
	snmp $R.1.2.3.1.3.$I >"$W/$r-ike-local-value.txt"
	check "$r/snmp-ike-local-value" grep -qix "STRING: \"$o2\"" "$W/$r-ike-local-value.txt"
	snmp $R.1.2.3.1.7.$I >"$W/$r-ike-remote-value.txt"
	check "$r/snmp-ike-remote-value" grep -qix "STRING: \"$o1\"" "$W/$r-ike-remote-value.txt"
	# the endpoint row: each subnet as prefix and mask (ipSubnet), in its family
	check_eq "$r/snmp-endpt-local-type" "INTEGER: 3" "$(snmp $R.1.3.3.1.3.$T.1)"
	check_eq "$r/snmp-endpt-local-addr1" "${x[4]}" "$(snmp $R.1.3.3.1.4.$T.1)"
	check_eq "$r/snmp-endpt-local-addr2" "${x[5]}" "$(snmp $R.1.3.3.1.5.$T.1)"
	check_eq "$r/snmp-endpt-remote-type" "INTEGER: 3" "$(snmp $R.1.3.3.1.9.$T.1)"
	check_eq "$r/snmp-endpt-remote-addr1" "${x[2]}" "$(snmp $R.1.3.3.1.10.$T.1)"
	check_eq "$r/snmp-endpt-remote-addr2" "${x[3]}" "$(snmp $R.1.3.3.1.11.$T.1)"
	snmpwalk_gw2 $R.1.3.2 >"$W/$r-snmpwalk.txt"
	check "$r/snmpwalk-remote-addr" grep -qF "${x[0]}" "$W/$r-snmpwalk.txt"
	h=${x[0]#Hex-STRING: }
	v6_snmptable "$r" cipSecTunnelTable "${h% }"
	v6_snmptable "$r" cikeTunnelTable "${h% }"
}

# v6_snmptable ROLE TABLE OCTETS: snmptable, with the project's MIB module
# (and the IETF stand-ins of tests/agent/lint-mibs), names TABLE's columns
# and prints a row with the address OCTETS ("C0 00 02 01").
v6_snmptable()
{
	ip netns exec gw2 snmptable -v2c -c public \
	    -M "$SRCDIR/tests/agent/lint-mibs:$SRCDIR/mibs" -m CISCO-IPSEC-FLOW-MONITOR-MIB \
	    -Cf '|' 127.0.0.1 "CISCO-IPSEC-FLOW-MONITOR-MIB::$2" >"$W/$1-$2.txt" 2>&1
	check "$1/snmptable-$2" sh -c 'grep -q "LocalAddr" "$0" &&
	    grep -qiF "$1" "$0"' "$W/$1-$2.txt" "$3"
}
