# harness-strongswan: the bed's strongSwan and snmpd helpers, no ikeflow
# code. strongSwan on both gateways (gw2 with the seed's IKEv2
# configuration, gw1 its mirror, initiating), tunnel up, 100 pings h1 -> h2,
# 100 packets on each SA; snmpd answers as AgentX master in gw2.
# bed-timeout: 120

CONF=$SRCDIR/tests/bed/conf

tunnel_up()
{
	swan gw1 gw1 status ciscoios | grep -q INSTALLED
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-gw2 start_strongswan gw2 gw2 "$CONF/seed-ikev2/ipsec.conf" \
    "$CONF/seed-ikev2/ipsec.secrets"
check charon-gw1 start_strongswan gw1 gw1 "$CONF/swan-gw1/ipsec.conf" \
    "$CONF/swan-gw1/ipsec.secrets"
check tunnel-up wait_for 30 tunnel_up
swan gw1 gw1 statusall >"$W/statusall-gw1.txt" 2>&1
check ike-proposal grep -q 'IKE proposal: AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536' \
    "$W/statusall-gw1.txt"
check ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
for ns in gw1 gw2; do
	ip -n $ns -s xfrm state >"$W/xfrm-$ns.txt"
	check_eq "$ns-sa-count" 2 "$(grep -c '^src ' "$W/xfrm-$ns.txt")"
	check_eq "$ns-packets" "100 100" "$(awk '/lifetime current:/ { getline;
	    sub(/\(packets\).*/, ""); sub(/.*, */, ""); printf "%s%s", sep, $0; sep = " " }' \
	    "$W/xfrm-$ns.txt")"
done

check snmpd start_snmpd gw2
check snmp-sysuptime ip netns exec gw2 snmpget -v2c -c public -On 127.0.0.1 \
    1.3.6.1.2.1.1.3.0
check agentx-socket test -S "$W/agentx-gw2"
