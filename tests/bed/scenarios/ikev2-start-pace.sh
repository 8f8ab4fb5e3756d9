# ikev2-start-pace: initiate_max paces auto=start. ikeflowd on gw2 initiates
# 24 auto=start connections to strongSwan on gw1 with initiate_max = 3: at
# no point of its log are more than 3 of its IKE SAs negotiating, every
# tunnel comes up, and traffic passes at once. A reload that adds 12 more
# paces them the same way.
# bed-timeout: 240

N=24 MAX=3
PSK=start-pace-scenario-key

# pace_conns SIDE COUNT: ipsec.conf of conns p1..pCOUNT; gw2 initiates
pace_conns()
{
	local i

	printf 'config setup\n  uniqueids=no\n\nconn %%default\n'
	printf '  keyexchange=ikev2\n  authby=secret\n  ike=aes128-sha256-ecp256!\n'
	printf '  esp=aes128-sha256!\n  mobike=no\n'
	if [ "$1" = gw2 ]; then
		printf '  left=192.0.2.2\n  right=192.0.2.1\n  rightid=@r\n  auto=start\n'
	else
		printf '  left=192.0.2.1\n  right=192.0.2.2\n  leftid=@r\n  auto=add\n'
	fi
	for i in $(seq 1 "$2"); do
		if [ "$1" = gw2 ]; then
			printf '\nconn p%d\n  leftid=@i%d\n  leftsubnet=10.2.0.%d/32\n  rightsubnet=10.1.0.%d/32\n' \
			    "$i" "$i" "$i" "$i"
		else
			printf '\nconn p%d\n  rightid=@i%d\n  leftsubnet=10.1.0.%d/32\n  rightsubnet=10.2.0.%d/32\n' \
			    "$i" "$i" "$i" "$i"
		fi
	done
}

# the most of ikeflowd's own IKE SAs negotiating at once, from its log: an
# SA counts from its IKE_SA_INIT until it is UP or gone
most_in_flight()
{
	awk '/Generating IKE_SA_INIT message/ { id = $0; sub(/.*SA ID = /, "", id); sub(/\).*/, "", id)
		if (!(id in f)) { f[id] = 1; n++; if (n > m) m = n } }
	    /is UP|is DOWN|failed|given up/ { id = $0; if (id !~ /SA ID = /) next
		sub(/.*SA ID = /, "", id); sub(/\).*/, "", id)
		if (f[id] == 1) { f[id] = 2; n-- } }
	    END { print m + 0 }' "$W/gw2.log"
}
sas() { ip -n "$1" xfrm state count | awk '{ print $NF }'; }
ups() { grep -c 'Session with IKE ID PAIR .* is UP' "$W/gw2.log"; }

check topology bed_topology lo
for i in 1 $N; do
	ip -n gw1 addr add "10.1.0.$i/32" dev lo
	ip -n gw2 addr add "10.2.0.$i/32" dev lo
done
printf ': PSK "%s"\n' "$PSK" >"$W/psk.secrets"
install -m 0600 "$W/psk.secrets" "$W/psk-ikf.secrets"
pace_conns gw1 $((N + 12)) >"$W/gw1.conf"
pace_conns gw2 "$N" >"$W/gw2.conf"
printf 'log_level = info\nagentx_enable = no\nhttp_listen = no\ninitiate_max = %d\n' \
    "$MAX" >"$W/ikeflowd.conf"
check charon start_strongswan gw1 gw1 "$W/gw1.conf" "$W/psk.secrets"
check conns-loaded wait_for 30 eval '[ "$(swan gw1 gw1 statusall | grep -c "^ *p[0-9]*: .*IKEv2")" -ge '$((N + 12))' ]'
check ikeflowd start_ikeflowd gw2 gw2 -c "$W/ikeflowd.conf" \
    --ipsec-conf "$W/gw2.conf" --ipsec-secrets "$W/psk-ikf.secrets"
check queued-logged wait_for 10 grep -q "auto=start connections initiated $MAX at a time" "$W/gw2.log"
check all-up wait_for 120 eval '[ "$(sas gw2)" -ge '$((2 * N))' ]'
check pings ip netns exec gw2 ping -c 3 -i 0.3 -W 2 -I 10.2.0.$N 10.1.0.$N
check_eq ike-sas "$N" "$(ups)"
check drained wait_for 10 grep -q "the $N queued auto=start connections are initiated" "$W/gw2.log"
most_in_flight >"$W/most-in-flight"
check_eq most-in-flight "$MAX" "$(cat "$W/most-in-flight")"
check stats-view sh -c "ip netns exec gw2 '$IKEFLOWCTL' -s /tmp/gw2/ctl.sock show crypto ikev2 stats |
    grep -q 'auto=start: initiated $MAX at a time, 0 waiting'"

# a reload adds 12: only they are initiated, paced alike
pace_conns gw2 $((N + 12)) >"$W/gw2.conf"
check reload kill -HUP "$(cat /tmp/gw2/ikeflowd.pid)"
check reload-up wait_for 120 eval '[ "$(sas gw2)" -ge '$((2 * (N + 12)))' ]'
check_eq reload-ike-sas $((N + 12)) "$(ups)"
check reload-drained wait_for 10 grep -q "the 12 queued auto=start connections are initiated" "$W/gw2.log"
most_in_flight >"$W/most-in-flight"
check_eq reload-most-in-flight "$MAX" "$(cat "$W/most-in-flight")"
check no-failures sh -c "! grep -Ei 'error|failed' '$W/gw2.log'"
