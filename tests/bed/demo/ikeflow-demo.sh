# ikeflow demo, narrated on the console (scripts/demo.sh shows it live).
# Grows with the project: each new capability adds a short section here.
# The guest's eth0 reaches the host (tests/bed/hostside): the dashboard is
# shown by a headless Chromium there and its screenshot kept beside the
# bundle, in the work directory (build/tests/bed/demo with scripts/demo.sh).
# bed-timeout: 300
# bed-hostside: yes

CONF=$SRCDIR/tests/bed/conf/seed-ikev2
install -m 0600 "$CONF/ipsec.secrets" "$W/gw2-ipsec.secrets"

say "1. Topology: two IPsec gateways in network namespaces of a UML guest"
# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check hostside-link hostside_link gw2
cat <<'TOPO'
     h1 198.51.100.10         gw1                      gw2          h2 203.0.113.10
        +---------------- 198.51.100.1 | 192.0.2.1 == 192.0.2.2 | 203.0.113.1 ----------------+
TOPO
for ns in gw1 gw2; do
	echo "-- $ns"
	ip -n $ns -br addr show | grep -v '^lo '
done

say "2. gw1 plays the seed's Cisco IOS router (strongSwan: aes128-sha1-modp1536 / esp-aes esp-sha-hmac)"
IOS=$SRCDIR/tests/bed/conf/ikev2-ios
grep -E '^ *(conn |left|right|ike|esp|keylife|lifebytes)' "$IOS/ipsec.conf" | sed 's/^/   gw1 ipsec.conf: /'
check charon-gw1 start_strongswan gw1 gw1 "$IOS/ipsec.conf" "$IOS/ipsec.secrets"

say "3. ikeflowd on gw2 with the seed's strongSwan configuration (IKEv2, PSK)"
sed 's/PSK ".*"/PSK "<hidden>"/' "$CONF/ipsec.secrets" | sed 's/^/   ipsec.secrets: /'
sed 's/^/   ipsec.conf: /' "$CONF/ipsec.conf"
# snmpd on gw2 is the AgentX master; ikeflowd serves the flow MIB through it
check snmpd-gw2 start_snmpd gw2
printf '%s\n' 'log_level = info' 'refresh_interval = 1000' 'http_listen = *:8080' \
    'http_allow = 198.18.0.0/24, 127.0.0.0/8' \
    "agentx_socket = unix:$W/agentx-gw2" >"$W/gw2-ikeflowd.conf"
check ikeflowd-starts start_ikeflowd gw2 gw2 \
    -c "$W/gw2-ikeflowd.conf" \
    --ipsec-conf "$CONF/ipsec.conf" --ipsec-secrets "$W/gw2-ipsec.secrets"

say "4. gw2# ikeflowctl status"
show ctl-status ctl gw2 gw2 status

say "5. gw2# ikeflowctl up ciscoios   (the seed has auto=add)"
show ctl-up ctl gw2 gw2 up ciscoios
tunnel_up()
{
	ctl gw2 gw2 show crypto ipsec sa | grep -q 'spi: 0x'
}
check tunnel-up wait_for 20 tunnel_up
grep -E 'IKEv2|CRYPTO' "$W/gw2.log" | sed 's/^/   gw2 log: /'

say "6. h1# ping -c 100 203.0.113.10   (198.51.100.0/24 -> 203.0.113.0/24 through the tunnel)"
show ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
counted()
{
	ctl gw2 gw2 show crypto ipsec sa | grep -q '#pkts decaps: 100,'
}
check counters-refreshed wait_for 5 counted

say "7. gw2# ikeflowctl show crypto session detail"
show ctl-session ctl gw2 gw2 show crypto session detail

say "8. gw2# ikeflowctl show crypto ipsec sa"
show ctl-ipsec-sa ctl gw2 gw2 show crypto ipsec sa
check encaps-100 sh -c "ip netns exec gw2 '$IKEFLOWCTL' -s /tmp/gw2/ctl.sock show crypto ipsec sa | grep -q '#pkts encaps: 100,'"

say "9. gw1# ipsec statusall   (the peer counts the same 100 packets each way)"
swan gw1 gw1 statusall | sed -n '/^Security Associations/,$p'

say "10. gw2# ikeflowctl show crypto ikev2 sa"
show ctl-ikev2-sa ctl gw2 gw2 show crypto ikev2 sa

say "11. NMS# snmpget cipSecTunInPkts / OutPkts / HcInOctets / HcOutOctets (CISCO-IPSEC-FLOW-MONITOR-MIB, via snmpd on gw2)"
R=1.3.6.1.4.1.9.9.171
tun=$(ip netns exec gw2 snmpgetnext -v2c -c public -On 127.0.0.1 $R.1.3.2.1.2 2>/dev/null |
    sed -n "s/^\.$R\.1\.3\.2\.1\.2\.\([0-9]*\) .*/\1/p")
snmp_tun() { ip netns exec gw2 snmpget -v2c -c public -On 127.0.0.1 \
    $R.1.3.2.1.32.$tun $R.1.3.2.1.45.$tun $R.1.3.2.1.27.$tun $R.1.3.2.1.40.$tun 2>&1; }
show snmp-tunnel snmp_tun
check snmp-in-pkts-100 sh -c "ip netns exec gw2 snmpget -v2c -c public -On -Ov 127.0.0.1 $R.1.3.2.1.32.$tun | grep -qx 'Counter32: 100'"

URL=http://198.18.0.2:8080
say "12. The web dashboard: $URL/   (gw2's eth0, reached from the host in netns ${BED_HOSTSIDE:-?} while the demo runs)"
web_100()
{
	ip netns exec gw2 curl -sf http://127.0.0.1:8080/api/v1/tunnels |
	    grep -q '"in":{"bytes":[0-9]*,"packets":100,'
}
check web-api-100 wait_for 10 web_100
show web-summary ip netns exec gw2 curl -sf http://127.0.0.1:8080/api/v1/summary
echo
check web-screenshot hostside shot "$URL/" dashboard.png 1280x800
echo "   screenshot of the dashboard (headless Chromium on the host): dashboard.png in the work directory"
show web-metrics sh -c "ip netns exec gw2 curl -sf http://127.0.0.1:8080/metrics |
    grep -E '^ikeflow_tunnel_(up|in_packets_total|out_packets_total)'"

say "13. gw2# ikeflowctl tech-support bundle   (one file for a support case, secrets masked)"
B=$W/ikeflow-techsupport.tar.gz
show bundle ctl gw2 gw2 tech-support bundle -o "$B"
show bundle-list tar -tvzf "$B"
bundle_file()	# the bundle's file named */NAME, to stdout
{
	tar -xzOf "$B" --wildcards "*/$1"
}
show bundle-secrets-masked bundle_file config/ipsec.secrets
bundle_psk_gone()
{
	bundle_file config/ipsec.secrets | grep -q 'PSK <redacted>' &&
	! tar -xzOf "$B" | grep -qa '"cisco"'
}
check bundle-psk-redacted bundle_psk_gone
bundle_counts()
{
	bundle_file tech-support.txt | grep -q '#pkts encaps: 100,'
}
check bundle-100-pkts bundle_counts
echo "   the bundle: ikeflow-techsupport.tar.gz in the work directory"
echo "   (the dashboard offers the same to local clients: GET /tech-support.tar.gz)"

# the host side stops talking to the guest before it halts
check hostside-stop hostside stop
check link-down ip -n gw2 link set eth0 down

say "demo finished; the dashboard's screenshot, the bundle and the logs are in the work directory (build/tests/bed/demo/ikeflow-demo/ with scripts/demo.sh)"
