# snmp-seed: the seed tunnel (strongSwan on gw1 as the IOS router initiating,
# ikeflowd on gw2 responding) seen through snmpd on gw2 as an NMS sees a Cisco
# router: CISCO-IPSEC-FLOW-MONITOR-MIB with 100 packets each way, the IKE row
# the tunnel names, the MIB in sysORTable, and the same numbers in
# `show crypto mib ipsec flowmib tunnel`.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

R=1.3.6.1.4.1.9.9.171
snmp() { ip netns exec gw2 snmpget -v2c -c public -On -Ov 127.0.0.1 "$@" 2>&1; }
snmpnext() { ip netns exec gw2 snmpgetnext -v2c -c public -On 127.0.0.1 "$@" 2>&1; }
agent_up() { snmp $R.1.1.1.0 | grep -q 'INTEGER: 1'; }
tunnel_index() { snmpnext $R.1.3.2.1.32 | sed -n "s/^\.$R\.1\.3\.2\.1\.32\.\([0-9]*\) .*/\1/p"; }

cat >"$W/gw2-ikeflowd.conf" <<EOF
log_level = info
refresh_interval = 1000
agentx_socket = unix:$W/agentx-gw2
agentx_ping_interval = 1
http_listen = no
