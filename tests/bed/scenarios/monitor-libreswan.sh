# monitor-libreswan: Libreswan's pluto keys the seed tunnel on both
# gateways (IKEv2, PSK) and ikeflowd on gw2 only watches (mode = monitor,
# no vici), with snmpd. ikeflowd adopts the SAs pluto installed; after 100
# pings cipSecTunInPkts/OutPkts = 100 and the HC octets are the kernel's.
# Without vici the phase-1 tables are empty and cipSecTunIkeTunnelAlive is
# false; the views say another daemon keys the tunnel. A child rekey forced
# with whack in the middle of 400 pings keeps the cipSecTunnelTable index
# and its counters go on (>= 500 each way, less pluto's own losses) while
# pluto's own traffic status shows the new child's smaller numbers.
# ikeflowd never writes to the kernel's SAD/SPD: `ip xfrm state/policy`
# without counters are the same before and after its run.
# bed-timeout: 300

. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"
. "$SRCDIR/tests/bed/conf/monitor-common/monitor.sh"
. "$SRCDIR/tests/bed/conf/libreswan/pluto.sh"

CONF=$SRCDIR/tests/bed/conf/libreswan

printf '%s\n' 'mode = monitor' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'vici_socket = no' >"$W/gw2-ikeflowd.conf"

# no row under the table OID
table_empty() { ! snmpwalk_gw2 "$1" | grep -q "^\.$1\."; }
# inBytes of the current child in gw2's pluto (Libreswan's own view)
pluto_in_bytes() { whack gw2 gw2 --trafficstatus | sed -n 's/.*inBytes=\([0-9]*\).*/\1/p' | tail -n 1; }

check topology bed_topology
check snmpd start_snmpd gw2
check pluto-gw2 start_pluto gw2 gw2 "$CONF/gw2.conf"
check pluto-gw1 start_pluto gw1 gw1 "$CONF/gw1.conf"
check two-sas wait_for 60 two_sas
whack gw2 gw2 --trafficstatus >"$W/pluto-traffic-up.txt" 2>&1
check pluto-established grep -q '"seed"' "$W/pluto-traffic-up.txt"
kernel_sad_spd >"$W/kernel-before.txt"

say "ikeflowd in monitor mode adopts the tunnel Libreswan keyed"
monitor_adopt_100

say "no vici: empty phase-1 tables, the views say another daemon keys it"
check_eq ike-active-tunnels "Gauge32: 0" "$(snmp $R.1.2.1.1.0)"
check ike-peer-table-empty table_empty $R.1.2.2
check ike-tunnel-table-empty table_empty $R.1.2.3
check_eq ike-alive-false "INTEGER: 2" "$(snmp $R.1.3.2.1.3.$T)"
monitor_keyed_by_views
ctl gw2 gw2 show crypto isakmp sa >"$W/isakmp-sa.txt" 2>&1
check isakmp-sa-none eval '! grep -q "192.0.2.1" "$W/isakmp-sa.txt"'
kernel_sad_spd >"$W/kernel-after.txt"
check sad-spd-unchanged diff "$W/kernel-before.txt" "$W/kernel-after.txt"

say "a child rekey (whack) in the middle of 400 pings: same row, counters go on"
ip netns exec h1 ping -i 0.02 -c 400 -W 2 203.0.113.10 >"$W/ping-400.txt" 2>&1 &
PING=$!
check traffic-before-rekey wait_for 30 in_over 150
old_spi=$(gw2_sa_field in 2)
check pluto-rekey whack gw1 gw1 --rekey-ipsec --name seed
wait "$PING"
# every ping went out; pluto's own rekey may lose a reply or two (it did
# once here: gw1 dropped its old inbound SA before the last packet on
# it): that is Libreswan's behaviour, not what ikeflowd reports. Every
# reply h1 received was a request gw2 let in and a reply it sent out.
check ping-400 grep -q '^400 packets transmitted' "$W/ping-400.txt"
grep 'packet loss' "$W/ping-400.txt"
got=$(sed -n 's/^400 packets transmitted, \([0-9]*\) received.*/\1/p' "$W/ping-400.txt")
check_ge ping-400-replies 390 "${got:-0}"
check old-sas-gone wait_for 30 eval 'two_sas && [ "$(gw2_sa_field in 2)" != "$old_spi" ]'
check rekey-counted wait_for 20 snmp_is $R.1.3.2.1.13.$T "Counter32: 1"
check_eq same-index "$T" "$(tunnel_index)"
check snmp-in-pkts-500 wait_for 10 in_over $((100 + ${got:-400} - 1))
check_ge snmp-out-pkts-500 $((100 + ${got:-400})) "$(snmp_num $R.1.3.2.1.45.$T)"
whack gw2 gw2 --trafficstatus >"$W/pluto-traffic-rekeyed.txt" 2>&1
pb=$(pluto_in_bytes)
check pluto-in-bytes test -n "$pb"
say "pluto's child shows $pb bytes in; ikeflowd's row $(snmp_num $R.1.3.2.1.27.$T)"
check pluto-shows-fewer test "${pb:-999999999}" -lt "$(snmp_num $R.1.3.2.1.27.$T)"
gw2_sas >"$W/gw2-sas-rekeyed.txt"
check_ge snmp-hc-in-over-kernel "$(( $(gw2_sa_field in 3) + in_bytes ))" \
    "$(snmp_num $R.1.3.2.1.27.$T)"
check no-refused-write eval '! grep -q "read-only (mode = monitor)" "$W/gw2.log"'
