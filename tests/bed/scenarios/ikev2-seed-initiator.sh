# ikev2-seed-initiator: the seed's IKEv2 tunnel with ikeflowd initiating.
# gw2 runs ikeflowd with the seed's strongSwan configuration (auto=add, so
# `ikeflowctl up ciscoios` starts it), gw1 runs strongSwan as the IOS
# router. `ikeflowctl up` returns once the tunnel is in the kernel: 100
# pings between the protected subnets started at once all pass, then both
# sides count 100 packets each way: strongSwan in the kernel and in
# `ipsec statusall`, ikeflowd in `show crypto ipsec sa` and `show crypto
# session detail`, and over SNMP (snmpd on gw2): the tunnel row's 100
# packets each way and its IPv4 addresses as 4 raw octets, in a get and in
# a walk.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check snmpd start_snmpd gw2
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "" "$W/gw2-ikeflowd.conf"
check agent-registered wait_for 10 agent_up
ctl gw2 gw2 up ciscoios >"$W/up.txt" 2>&1
check_eq up-exit 0 $?
cat "$W/up.txt"
# no waiting: up returned, so the tunnel is there (the kernel counts of
# ikev2_ping_and_count prove that none of the 100 was lost)
ikev2_ping_and_count
check up-streamed-init grep -q 'Generating IKE_SA_INIT message' "$W/up.txt"
check up-streamed-auth grep -q 'Generating IKE_AUTH message' "$W/up.txt"
check up-says-installed grep -q "connection 'ciscoios' established successfully: CHILD SA installed" \
    "$W/up.txt"
check swan-installed ikev2_swan_installed
check ikf-installed ikev2_ikf_installed
check ikf-log-up grep -q 'CRYPTO-5-IKEV2_SESSION_STATUS.*is UP' "$W/gw2.log"
check_eq gw1-sa-count 2 "$(ikev2_sa_count gw1)"
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
swan gw1 gw1 statusall >"$W/gw1-statusall-up.txt" 2>&1
check ike-proposal grep -q 'IKE proposal: AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536' \
    "$W/gw1-statusall-up.txt"
check swan-responder grep -q 'ESTABLISHED.*192.0.2.1\[192.0.2.1\]...192.0.2.2\[192.0.2.2\]' \
    "$W/gw1-statusall-up.txt"
ctl gw2 gw2 show crypto ikev2 sa >"$W/gw2-show-ikev2-sa.txt" 2>&1
check ikf-ikev2-sa grep -q READY "$W/gw2-show-ikev2-sa.txt"

# the flow MIB at once, as an NMS polling right after the pings
T=$(tunnel_index)
check snmp-tunnel-row test -n "$T"
check_eq snmp-in-pkts "Counter32: 100" "$(snmp $R.1.3.2.1.32.$T)"
check_eq snmp-out-pkts "Counter32: 100" "$(snmp $R.1.3.2.1.45.$T)"
check_eq snmp-local-addr "Hex-STRING: C0 00 02 02 " "$(snmp $R.1.3.2.1.4.$T)"
check_eq snmp-remote-addr "Hex-STRING: C0 00 02 01 " "$(snmp $R.1.3.2.1.5.$T)"
I=$(snmp $R.1.3.2.1.2.$T | sed 's/.*INTEGER: //')
check_eq snmp-ike-remote-addr "Hex-STRING: C0 00 02 01 " "$(snmp $R.1.2.3.1.8.$I)"
ip netns exec gw2 snmpwalk -v2c -c public -On 127.0.0.1 $R.1.3.2.1.5 \
    >"$W/snmpwalk-remote-addr.txt" 2>&1
check snmpwalk-remote-addr grep -qF ".$R.1.3.2.1.5.$T = Hex-STRING: C0 00 02 01" \
    "$W/snmpwalk-remote-addr.txt"
