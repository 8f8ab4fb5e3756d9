# ipv6-child-rekey: an IPv6-over-IPv6 tunnel that ikeflowd (gw2, the IKE
# responder) rekeys twice while 240 pings at 50 ms cross it: its child SAs
# live 14 s and are replaced 5 s after each install (rekeyfuzz=0%). No
# ping is lost, the tunnel keeps its index, its counters never go back and
# end at exactly 240 each way in the views, in SNMP (16-octet addresses),
# in the JSON API, in /metrics and in the tech-support bundle, which all
# print the IPv6 peer and prefixes.
# bed-timeout: 200

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"
. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"

N=240

# one sample: tunnel index, encaps, decaps as ikeflowd shows them
sample()
{
	local t

	t=$(tunnel_index)
	ctl gw2 gw2 show crypto ipsec sa | awk -v t="$t" '
	    /#pkts encaps:/ { sub(/,.*/, "", $3); e = $3 }
	    /#pkts decaps:/ { sub(/,.*/, "", $3); d = $3 }
	    END { print t, e, d }'
}

spis()
{
	ip -n gw2 xfrm state | awk '/proto esp spi/ { print $4 }' | sort | tr '\n' ' '
}

no_spi_of()	# SPIS: none of these SAs is left in gw2's kernel
{
	local s now

	now=$(spis)
	for s in $1; do
		case " $now " in *" $s "*) return 1 ;; esac
	done
}

counted()
{
	[ "$(ctl gw2 gw2 show crypto ipsec sa | awk '
	    /#pkts encaps:/ { sub(/,.*/, "", $3); e = $3 }
	    /#pkts decaps:/ { sub(/,.*/, "", $3); d = $3 }
	    END { printf "%s %s", e, d }')" = "$N $N" ]
}

api() { ip netns exec gw2 curl -sf "http://127.0.0.1:8080$1"; }

printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    "agentx_socket = unix:$W/agentx-gw2" 'agentx_ping_interval = 1' \
    'http_listen = 127.0.0.1:8080' >"$W/gw2-ikeflowd.conf"
V6_IKF_CONF=$W/gw2-ikeflowd.conf
V6_IKF_EXTRA="lifetime=14s
	  rekeymargin=9s
	  rekeyfuzz=0%"

check topology v6_topology
check snmpd start_snmpd gw2
v6_confs $V6_OUT1 $V6_OUT2 $V6_NET1 $V6_NET2
check daemons v6_start
check agent-registered wait_for 20 agent_up
v6_up responder
T0=$(tunnel_index)
check tunnel-row test -n "$T0"
SPIS0=$(spis)
RK0=$(grep -c 'CHILD_SA v6{[0-9]*} established' "$W/gw1-charon.log")

ip netns exec h1 ping -i 0.05 -c $N -W 2 $V6_H2 >"$W/ping.txt" 2>&1 &
PING=$!
: >"$W/samples.txt"
while kill -0 $PING 2>/dev/null; do
	sample >>"$W/samples.txt"
	sleep 1
done
wait $PING
cat "$W/samples.txt"
check no-ping-lost grep -q "^$N packets transmitted, $N received, 0% packet loss" "$W/ping.txt"
check samples bed_samples_ok "$W/samples.txt"
check old-sas-gone wait_for 20 no_spi_of "$SPIS0"
RK=$(grep -c 'CHILD_SA v6{[0-9]*} established' "$W/gw1-charon.log")
check_ge child-rekeys 2 "$((RK - RK0))"
check rekeyed-by-ikeflowd grep -q 'parsed CREATE_CHILD_SA request .*N(REKEY_SA)' "$W/gw1-charon.log"
check ikf-cumulative wait_for 10 counted
check_eq same-tunnel "$T0" "$(tunnel_index)"

# SNMP: the cumulative counters and the 16-octet addresses of the rekeyed tunnel
check_eq snmp-in-pkts "Counter32: $N" "$(snmp $R.1.3.2.1.32.$T0)"
check_eq snmp-out-pkts "Counter32: $N" "$(snmp $R.1.3.2.1.45.$T0)"
check_eq snmp-remote-addr "Hex-STRING: 20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 01 " \
    "$(snmp $R.1.3.2.1.5.$T0)"

# JSON, metrics and the bundle print the IPv6 peer and prefixes
api "/api/v1/tunnels/$T0" >"$W/api-tunnel.json"
check json-peer jq -e '.. | strings | select(. == "2001:db8::1")' "$W/api-tunnel.json"
check json-remote-net jq -e '.. | strings | select(test("^2001:db8:1::/64"))' "$W/api-tunnel.json"
check json-packets jq -e ".in.packets == $N and .out.packets == $N" "$W/api-tunnel.json"
api /metrics >"$W/metrics.txt"
check metrics-v6-peer grep -Eq "^ikeflow_tunnel_in_packets_total\{.*peer=\"2001:db8::1\".*\} $N\$" \
    "$W/metrics.txt"
api / >"$W/dashboard.html"
check html-v6-peer grep -q '2001:db8::1' "$W/dashboard.html"
check bundle ctl gw2 gw2 tech-support bundle -o "$W/bundle.tar.gz"
mkdir -p "$W/bundle" && tar -xzf "$W/bundle.tar.gz" -C "$W/bundle"
check bundle-v6-peer grep -rqF 'current_peer 2001:db8::1 port' "$W/bundle"
check bundle-v6-net grep -rqF '2001:db8:1::/64' "$W/bundle"
check bundle-v6-counts grep -rqF "#pkts encaps: $N," "$W/bundle"

ctl gw2 gw2 down v6 >/dev/null 2>&1
check no-sas wait_for 20 sh -c "[ \$(ip -n gw2 xfrm state | grep -c '^src ') = 0 ]"
