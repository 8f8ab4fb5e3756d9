# snmp-seed: the seed tunnel (strongSwan on gw1 as the IOS router initiating,
# ikeflowd on gw2 responding) seen through snmpd on gw2 as an NMS sees a Cisco
# router: CISCO-IPSEC-FLOW-MONITOR-MIB with 100 packets each way and the
# kernel's byte counts, the IKE row the tunnel names (IDs as text, addresses
# as raw octets, lifetimes), endpoints and SPIs as the kernel has them, no
# index column served, the MIB in sysORTable, the same numbers in
# `show crypto mib ipsec flowmib tunnel`; SETs the agent or the master must
# refuse; then SET cipSecTunStatus = destroy(2) deleting the child on both
# gateways, and cikeTunStatus = destroy(2) the IKE SA, each with its
# notification at snmptrapd, and the start notifications when
# `ikeflowctl up` brings them back.
# bed-timeout: 180

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
# write community private for the refused SETs, traps to snmptrapd
check snmpd start_snmpd gw2 'rwcommunity private 127.0.0.1' \
    'trapsess -v2c -c public 127.0.0.1:162'
check snmptrapd snmptrapd_start
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "" "$W/gw2-ikeflowd.conf"
check agent-registered wait_for 10 agent_up
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
ikev2_ping_and_count

T=$(tunnel_index)
check tunnel-row test -n "$T"
# the agent answers with counters at most 1 s old (counters-live reads
# them right after the pings, with the refresh timer out of the way)
check snmp-in-pkts wait_for 10 snmp_is $R.1.3.2.1.32.$T "Counter32: 100"
check snmp-out-pkts wait_for 10 snmp_is $R.1.3.2.1.45.$T "Counter32: 100"
check_eq snmp-status "INTEGER: 1" "$(snmp $R.1.3.2.1.51.$T)"
check_eq snmp-local-addr "Hex-STRING: C0 00 02 02 " "$(snmp $R.1.3.2.1.4.$T)"
check_eq snmp-remote-addr "Hex-STRING: C0 00 02 01 " "$(snmp $R.1.3.2.1.5.$T)"
I=$(snmp $R.1.3.2.1.2.$T | sed 's/.*INTEGER: //')
check_eq snmp-ike-addr "$(snmp $R.1.3.2.1.5.$T)" "$(snmp $R.1.2.3.1.8.$I)"
check_eq snmp-ike-active "Gauge32: 1" "$(snmp $R.1.2.1.1.0)"

say "octets: the kernel's byte counts of the inbound and outbound SA"
gw2_sas >"$W/gw2-sas-after-ping.txt"
cat "$W/gw2-sas-after-ping.txt"
in_bytes=$(gw2_sa_field in 3)
out_bytes=$(gw2_sa_field out 3)
check_ge kernel-in-bytes 1 "$in_bytes"
check_ge kernel-out-bytes 1 "$out_bytes"
check snmp-hc-in-octets wait_for 10 snmp_is $R.1.3.2.1.27.$T "Counter64: $in_bytes"
check snmp-hc-out-octets wait_for 10 snmp_is $R.1.3.2.1.40.$T "Counter64: $out_bytes"
check_eq snmp-in-octets "Counter32: $((in_bytes & 0xffffffff))" "$(snmp $R.1.3.2.1.26.$T)"
check_eq snmp-out-octets "Counter32: $((out_bytes & 0xffffffff))" "$(snmp $R.1.3.2.1.39.$T)"
check_eq snmp-in-octwraps "Counter32: $((in_bytes >> 32))" "$(snmp $R.1.3.2.1.28.$T)"
check_ge snmp-global-hc-in-octets "$in_bytes" "$(snmp_num $R.1.3.1.4.0)"
check_ge snmp-global-hc-out-octets "$out_bytes" "$(snmp_num $R.1.3.1.17.0)"

say "cikeTunnelTable row $I: IDs as text, addresses as raw octets, lifetimes"
check_eq snmp-ike-local-type "INTEGER: 1" "$(snmp $R.1.2.3.1.2.$I)"
check_eq snmp-ike-local-value 'STRING: "192.0.2.2"' "$(snmp $R.1.2.3.1.3.$I)"
check_eq snmp-ike-local-addr "Hex-STRING: C0 00 02 02 " "$(snmp $R.1.2.3.1.4.$I)"
check_eq snmp-ike-remote-type "INTEGER: 1" "$(snmp $R.1.2.3.1.6.$I)"
check_eq snmp-ike-remote-value 'STRING: "192.0.2.1"' "$(snmp $R.1.2.3.1.7.$I)"
check_eq snmp-ike-remote-addr "Hex-STRING: C0 00 02 01 " "$(snmp $R.1.2.3.1.8.$I)"
# conf/seed-ikev2: ikelifetime=1440m, keylife=60m
check_eq snmp-ike-lifetime "INTEGER: 86400" "$(snmp $R.1.2.3.1.15.$I)"
check_eq snmp-ipsec-lifetime "INTEGER: 3600" "$(snmp $R.1.3.2.1.9.$T)"
ike_active=$(snmp_num $R.1.2.3.1.16.$I)
ipsec_active=$(snmp_num $R.1.3.2.1.10.$T)
check_ge snmp-ike-active-time 1 "$ike_active"
check_ge snmp-ipsec-active-time 1 "$ipsec_active"
grown() { [ "$(snmp_num "$1")" -gt "$2" ]; }
check snmp-ike-active-grows wait_for 10 grown $R.1.2.3.1.16.$I "$ike_active"
check snmp-ipsec-active-grows wait_for 10 grown $R.1.3.2.1.10.$T "$ipsec_active"

say "index columns (not-accessible) are not served"
check snmp-no-index-ike-tun no_index_column 1.2.3.1 $I
check snmp-no-index-ipsec-tun no_index_column 1.3.2.1 $T
check snmp-no-index-endpt no_index_column 1.3.3.1 $T.1
check snmp-no-index-spi no_index_column 1.3.4.1 $T.1
# cikePeerTable: five index columns (local type and ID, remote type and ID,
# connection), the IDs as length-prefixed strings in the instance
P=$(snmpnext $R.1.2.2.1.6 | sed -n "s/^\.$R\.1\.2\.2\.1\.6\.\([0-9.]*\) .*/\1/p")
check_eq snmp-peer-instance "1.9.49.57.50.46.48.46.50.46.50.1.9.49.57.50.46.48.46.50.46.49.1" "$P"
check snmp-no-index-peer no_index_column 1.2.2.1 "$P" 5
check snmp-no-index-peer-corr no_index_column 1.2.4.1 "$P.1" 6
check_eq snmp-peer-corr-tunnel "INTEGER: $I" "$(snmp $R.1.2.4.1.7.$P.1)"
check_eq snmp-peer-active-tunnel "INTEGER: $I" "$(snmp $R.1.2.2.1.9.$P)"

say "cipSecEndPtTable: the subnets, Addr2 the netmask"
check_eq snmp-endpt-local-type "INTEGER: 3" "$(snmp $R.1.3.3.1.3.$T.1)"
check_eq snmp-endpt-local-addr1 "Hex-STRING: CB 00 71 00 " "$(snmp $R.1.3.3.1.4.$T.1)"
check_eq snmp-endpt-local-addr2 "Hex-STRING: FF FF FF 00 " "$(snmp $R.1.3.3.1.5.$T.1)"
check_eq snmp-endpt-remote-type "INTEGER: 3" "$(snmp $R.1.3.3.1.9.$T.1)"
check_eq snmp-endpt-remote-addr1 "Hex-STRING: C6 33 64 00 " "$(snmp $R.1.3.3.1.10.$T.1)"
check_eq snmp-endpt-remote-addr2 "Hex-STRING: FF FF FF 00 " "$(snmp $R.1.3.3.1.11.$T.1)"
check_eq snmp-endpt-one-row "" "$(snmp $R.1.3.3.1.3.$T.2 | grep -v 'No Such')"

say "cipSecSpiTable: the kernel's SPIs"
kernel_spis >"$W/gw2-kernel-spis.txt"
mib_spis "$T" >"$W/gw2-mib-spis.txt"
check_eq kernel-spi-count 2 "$(grep -c . "$W/gw2-kernel-spis.txt")"
check_eq snmp-spis "$(cat "$W/gw2-kernel-spis.txt")" "$(cat "$W/gw2-mib-spis.txt")"
check_eq snmp-spi-status "INTEGER: 1" "$(snmp $R.1.3.4.1.5.$T.1)"
check_eq snmp-spi-protocol "INTEGER: 2" "$(snmp $R.1.3.4.1.4.$T.1)"

check snmp-sysor sh -c "ip netns exec gw2 snmpwalk -v2c -c public -On 127.0.0.1 \
    1.3.6.1.2.1.1.9.1.2 | grep -q 'OID: .$R\$'"
ctl gw2 gw2 show crypto mib ipsec flowmib tunnel >"$W/gw2-show-mib-tunnel.txt" 2>&1
check show-mib-in-pkts grep -q '^  In packets: *100$' "$W/gw2-show-mib-tunnel.txt"
snmpwalk_gw2 $R >"$W/gw2-flowmib-walk.txt"

say "SETs that must fail, and change nothing"
a=$(snmpset_gw2 private $R.1.4.1.1.1.0 i 0)
check_eq set-hist-size-0 wrongValue "$(echo "$a" | snmp_error)"
check_eq hist-size-kept "INTEGER: 200" "$(snmp $R.1.4.1.1.1.0)"
a=$(snmpset_gw2 private $R.1.5.1.1.1.0 i 0)
check_eq set-fail-size-0 wrongValue "$(echo "$a" | snmp_error)"
a=$(snmpset_gw2 private $R.1.6.8.0 i 3)
check_eq set-trap-cntl-3 wrongValue "$(echo "$a" | snmp_error)"
check_eq trap-cntl-kept "INTEGER: 2" "$(snmp $R.1.6.8.0)"
a=$(snmpset_gw2 private $R.1.6.8.0 s x)
check_eq set-trap-cntl-string wrongType "$(echo "$a" | snmp_error)"
a=$(snmpset_gw2 private $R.1.3.2.1.51.$T i 3)
check_eq set-status-3 wrongValue "$(echo "$a" | snmp_error)"
a=$(snmpset_gw2 private $R.1.3.2.1.51.$((T + 1000)) i 2)
check_eq set-status-no-row noCreation "$(echo "$a" | snmp_error)"
a=$(snmpset_gw2 private $R.1.2.3.1.35.$((I + 1000)) i 2)
check_eq set-ike-status-no-row noCreation "$(echo "$a" | snmp_error)"
a=$(snmpset_gw2 private $R.1.3.2.1.32.$T u 5)
check_eq set-read-only-column notWritable "$(echo "$a" | snmp_error)"
a=$(snmpset_gw2 private $R.1.3.1.9.0 u 5)
check_eq set-read-only-scalar notWritable "$(echo "$a" | snmp_error)"
# the master's access control: public is rocommunity
a=$(snmpset_gw2 public $R.1.3.2.1.51.$T i 2)
check_eq set-ro-community noAccess "$(echo "$a" | snmp_error)"
a=$(snmpset_gw2 public $R.1.6.8.0 i 1)
check_eq set-ro-community-cntl noAccess "$(echo "$a" | snmp_error)"
check_eq ro-set-changed-nothing "INTEGER: 1" "$(snmp $R.1.3.2.1.51.$T)"
check_eq ro-set-cntl-kept "INTEGER: 2" "$(snmp $R.1.6.8.0)"

say "notifications: IPsec and IKE tunnel start and stop enabled"
for n in 1 2 7 8; do
	check set-trap-cntl-$n sh -c "ip netns exec gw2 snmpset -v2c -c private -On 127.0.0.1 \
	    $R.1.6.$n.0 i 1 | grep -q 'INTEGER: 1'"
done
check_eq trap-cntl-enabled "INTEGER: 1" "$(snmp $R.1.6.8.0)"

# destroy(2): the child is deleted with the peer, its row goes, history has it
check snmp-destroy snmpset_gw2 private $R.1.3.2.1.51.$T i 2
row_gone() { snmp "$1" | grep -q 'No Such'; }
check snmp-row-gone wait_for 10 row_gone $R.1.3.2.1.51.$T
swan_child_gone() { ! swan gw1 gw1 status strongswan | grep -q INSTALLED; }
check swan-child-deleted wait_for 10 swan_child_gone
check_eq snmp-previous-tunnels "Counter32: 1" "$(snmp $R.1.3.1.2.0)"
check_eq snmp-hist-reason "INTEGER: 3" "$(snmp $R.1.4.3.1.1.2.1)"
check trap-ipsec-stop wait_for 10 trap_seen 8 "\.$R\.1\.3\.2\.1\.10\.$T = INTEGER: [0-9]+"
check_eq trap-no-ike-stop-yet 0 "$(trap_count 2)"

say "cikeTunStatus = destroy(2): the IKE SA the child left goes"
check snmp-ike-row-kept snmp_is $R.1.2.3.1.35.$I "INTEGER: 1"
check snmp-ike-destroy snmpset_gw2 private $R.1.2.3.1.35.$I i 2
check snmp-ike-row-gone wait_for 10 row_gone $R.1.2.3.1.35.$I
check trap-ike-stop wait_for 10 trap_seen 2 \
    "C0 00 02 02 .*C0 00 02 01 .*\.$R\.1\.2\.3\.1\.16\.$I = INTEGER: [0-9]+"
swan_ike_gone() { ! swan gw1 gw1 status strongswan | grep -q ESTABLISHED; }
check swan-ike-deleted wait_for 10 swan_ike_gone
check_eq snmp-ike-previous "Counter32: 1" "$(snmp $R.1.2.1.2.0)"
check_eq snmp-ike-hist-reason "INTEGER: 3" "$(snmp $R.1.4.2.1.1.2.1)"
# history rows exist now: their index columns are not served either
check snmp-no-index-ike-hist no_index_column 1.4.2.1.1 1
check snmp-no-index-ipsec-hist no_index_column 1.4.3.1.1 1
check snmp-no-index-endpt-hist no_index_column 1.4.3.2.1 1

say "ikeflowctl up: IKE SA and child back, with cikeTunnelStart and cipSecTunnelStart"
check up-again ctl gw2 gw2 up ciscoios
check swan-installed-again wait_for 15 ikev2_swan_installed
new_row() { [ -n "$(tunnel_index)" ]; }
check new-tunnel-row wait_for 10 new_row
T2=$(tunnel_index)
I2=$(snmp $R.1.3.2.1.2.$T2 | sed 's/.*INTEGER: //')
check_ge new-tunnel-index $((T + 1)) "$T2"
check_ge new-ike-index $((I + 1)) "$I2"
check trap-ike-start wait_for 10 trap_seen 1 \
    "C0 00 02 02 .*C0 00 02 01 .*\.$R\.1\.2\.3\.1\.15\.$I2 = INTEGER: 86400"
check trap-ipsec-start wait_for 10 trap_seen 7 \
    "\.$R\.1\.3\.2\.1\.9\.$T2 = INTEGER: 3600.*\.$R\.1\.3\.2\.1\.8\.$T2 = INTEGER: [0-9]+"
check ping-again ip netns exec h1 ping -q -c 3 -i 0.1 -W 2 203.0.113.10
check_eq trap-stops-once "1 1" "$(trap_count 2) $(trap_count 8)"
check_eq trap-starts-once "1 1" "$(trap_count 1) $(trap_count 7)"
