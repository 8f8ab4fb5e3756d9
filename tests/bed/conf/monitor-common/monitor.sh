# Shared by the monitor-* scenarios (sourced after conf/snmp-common/snmp.sh):
# ikeflowd in monitor mode on gw2 (configuration $W/gw2-ikeflowd.conf)
# watching the seed tunnel another daemon keyed, with snmpd.

two_sas() { [ "$(ip -n gw2 xfrm state | grep -c '^src ')" = 2 ]; }
ikf_adopted() { ctl gw2 gw2 show crypto ipsec sa | grep -q 'current outbound spi: 0x[1-9A-F]'; }
# the SAD and SPD without counters, replay state (ESN SAs, Libreswan's:
# their replay bitmap too) or keys (not in files)
kernel_sad_spd()
{
	{ ip -n gw2 xfrm state; ip -n gw2 xfrm policy; } |
	    grep -v -e 'anti-replay' -e 'seq 0x' -e '^[[:space:]]*\([0-9a-f]\{8\} \)*$' |
	    sed 's/ 0x[0-9a-f]\{16,\}/ KEY/'
}
# a loaded machine may take longer than start_ikeflowd's 10 s to start it
start_monitor()
{
	start_ikeflowd gw2 gw2 -c "$W/gw2-ikeflowd.conf" ||
	    wait_for 60 test -S /tmp/gw2/ctl.sock
}
in_over() { [ "$(snmp_num $R.1.3.2.1.32.$T)" -gt "$1" ] 2>/dev/null; }

# monitor_adopt_100: ikeflowd starts and adopts the tunnel (row $T), 100
# pings from h1 are counted exactly, HC octets the kernel's ($in_bytes,
# $out_bytes: the SAs' bytes then).
monitor_adopt_100()
{
	check ikeflowd start_monitor
	check agent-registered wait_for 20 agent_up
	check adopted wait_for 20 ikf_adopted
	check no-ike-socket eval '! ip netns exec gw2 ss -lnup | grep ikeflowd'
	T=$(tunnel_index)
	check tunnel-row test -n "$T"
	check ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
	check snmp-in-pkts wait_for 10 snmp_is $R.1.3.2.1.32.$T "Counter32: 100"
	check snmp-out-pkts wait_for 10 snmp_is $R.1.3.2.1.45.$T "Counter32: 100"
	check_eq snmp-local-addr "Hex-STRING: C0 00 02 02 " "$(snmp $R.1.3.2.1.4.$T)"
	check_eq snmp-remote-addr "Hex-STRING: C0 00 02 01 " "$(snmp $R.1.3.2.1.5.$T)"
	check_eq snmp-status "INTEGER: 1" "$(snmp $R.1.3.2.1.51.$T)"
	# the algorithms from the kernel's SAs: cipSecTunInSaEspAuthAlgo hmacSha(3)
	check_eq snmp-esp-auth "INTEGER: 3" "$(snmp $R.1.3.2.1.19.$T)"
	gw2_sas >"$W/gw2-sas-100.txt"
	in_bytes=$(gw2_sa_field in 3)
	out_bytes=$(gw2_sa_field out 3)
	check_ge kernel-in-bytes 1 "$in_bytes"
	check snmp-hc-in-octets wait_for 10 snmp_is $R.1.3.2.1.27.$T "Counter64: $in_bytes"
	check snmp-hc-out-octets wait_for 10 snmp_is $R.1.3.2.1.40.$T "Counter64: $out_bytes"
}

# The session and IPsec SA views of the adopted tunnel after its 100
# pings: they say another daemon keys it (both monitor scenarios).
monitor_keyed_by_views()
{
	ctl gw2 gw2 show crypto session >"$W/session.txt" 2>&1
	ctl gw2 gw2 show crypto ipsec sa >"$W/ipsec-sa.txt" 2>&1
	check session-keyed-by grep -q 'Keyed by: another daemon' "$W/session.txt"
	check session-flow grep -q '203.0.113.0' "$W/session.txt"
	check ipsec-sa-keyed-by grep -q 'Keyed by: another daemon (observed in the kernel), reqid [1-9]' \
	    "$W/ipsec-sa.txt"
	check ipsec-sa-pkts grep -q '#pkts encaps: 100, ' "$W/ipsec-sa.txt"
}
