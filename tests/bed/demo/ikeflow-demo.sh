# ikeflow demo, narrated on the console (scripts/demo.sh shows it live).
# Grows with the project: each new capability adds a short section here.
# bed-timeout: 120

CONF=$SRCDIR/tests/bed/conf/seed-ikev2
install -m 0600 "$CONF/ipsec.secrets" "$W/gw2-ipsec.secrets"

say "1. Topology: two IPsec gateways in network namespaces of a UML guest"
check topology bed_topology
cat <<'TOPO'
     h1 198.51.100.10         gw1                      gw2          h2 203.0.113.10
        +---------------- 198.51.100.1 | 192.0.2.1 == 192.0.2.2 | 203.0.113.1 ----------------+
TOPO
for ns in gw1 gw2; do
	echo "-- $ns"
	ip -n $ns -br addr show | grep -v '^lo '
done

say "2. ikeflowd on gw2 with the seed's strongSwan configuration (IKEv2, PSK)"
sed 's/PSK ".*"/PSK "<hidden>"/' "$CONF/ipsec.secrets" | sed 's/^/   ipsec.secrets: /'
sed 's/^/   ipsec.conf: /' "$CONF/ipsec.conf"
check ikeflowd-starts start_ikeflowd gw2 gw2 \
    --ipsec-conf "$CONF/ipsec.conf" --ipsec-secrets "$W/gw2-ipsec.secrets"

say "3. gw2# ikeflowctl status"
show ctl-status ctl gw2 gw2 status

say "4. gw2# ikeflowctl show running-config"
show ctl-running-config ctl gw2 gw2 show running-config

say "demo finished; logs are in the work directory on the host"
