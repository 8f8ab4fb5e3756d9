# Shared by the ikev2-* scenarios (sourced after lib.sh): gw1 runs strongSwan
# as the seed's Cisco IOS router (conf/ikev2-ios), gw2 runs ikeflowd with
# the seed's strongSwan configuration (conf/seed-ikev2), h1 and h2 are the
# protected subnets' hosts.

SEED=$SRCDIR/tests/bed/conf/seed-ikev2
IOS=$SRCDIR/tests/bed/conf/ikev2-ios
IKF=$SRCDIR/tests/bed/conf/ikev2-ikeflowd

# ikev2_ikeflowd [IPSEC_CONF [IKEFLOWD_CONF]]: ikeflowd on gw2.
ikev2_ikeflowd()
{
	# git keeps no 0600 mode: the secrets file gets it here
	install -m 0600 "$SEED/ipsec.secrets" "$W/gw2-ipsec.secrets" &&
	start_ikeflowd gw2 gw2 -c "${2:-$IKF/ikeflowd.conf}" \
	    --ipsec-conf "${1:-$SEED/ipsec.conf}" --ipsec-secrets "$W/gw2-ipsec.secrets"
}

# ikev2_ios [IPSEC_CONF [SECRETS]]: strongSwan on gw1 as the IOS router.
ikev2_ios()
{
	start_strongswan gw1 gw1 "${1:-$IOS/ipsec.conf}" "${2:-$IOS/ipsec.secrets}"
}

ikev2_swan_installed()
{
	swan gw1 gw1 status strongswan | grep -q INSTALLED
}

# ikeflowd shows an IPsec SA pair (the child is installed).
ikev2_ikf_installed()
{
	ctl gw2 gw2 show crypto ipsec sa | grep -q 'spi: 0x'
}

ikev2_sa_count()	# NS
{
	ip -n "$1" xfrm state | grep -c '^src '
}

# Packet counts of the SAs in NS's kernel, as "N M" (ip -s xfrm state order).
ikev2_kernel_pkts()
{
	ip -n "$1" -s xfrm state | awk '/lifetime current:/ { getline;
	    sub(/\(packets\).*/, ""); sub(/.*, */, ""); printf "%s%s", sep, $0; sep = " " }'
}

# "#pkts encaps: E, #pkts decaps: D" from ikeflowd's show crypto ipsec sa.
ikev2_ikf_pkts()
{
	ctl gw2 gw2 show crypto ipsec sa | awk '
	    /#pkts encaps:/ { sub(/,.*/, "", $3); e = $3 }
	    /#pkts decaps:/ { sub(/,.*/, "", $3); d = $3 }
	    END { printf "%s %s", e, d }'
}

ikev2_ikf_has_100()
{
	[ "$(ikev2_ikf_pkts)" = "100 100" ]
}

# Tunnel up, 100 pings h1 -> h2, 100 packets each way on both gateways,
# through the kernel and through both daemons' views.
ikev2_ping_and_count()
{
	check ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
	check_eq gw1-kernel-pkts "100 100" "$(ikev2_kernel_pkts gw1)"
	check_eq gw2-kernel-pkts "100 100" "$(ikev2_kernel_pkts gw2)"
	swan gw1 gw1 statusall >"$W/gw1-statusall.txt" 2>&1
	check swan-statusall-bytes grep -Eq \
	    'strongswan\{[0-9]+\}:.* bytes_i \(100 pkts.* bytes_o \(100 pkts' \
	    "$W/gw1-statusall.txt"
	# at once: the view reads the kernel's counters of now
	check_eq ikf-100-each-way "100 100" "$(ikev2_ikf_pkts)"
	ctl gw2 gw2 show crypto ipsec sa >"$W/gw2-show-ipsec-sa.txt" 2>&1
	ctl gw2 gw2 show crypto session detail >"$W/gw2-show-session.txt" 2>&1
	check ikf-encaps-100 grep -q '#pkts encaps: 100,' "$W/gw2-show-ipsec-sa.txt"
	check ikf-decaps-100 grep -q '#pkts decaps: 100,' "$W/gw2-show-ipsec-sa.txt"
	check ikf-session-up grep -q 'Session status: UP-ACTIVE' "$W/gw2-show-session.txt"
	check ikf-session-dec grep -q "#pkts dec'ed 100 " "$W/gw2-show-session.txt"
	check ikf-session-enc grep -q "#pkts enc'ed 100 " "$W/gw2-show-session.txt"
}

# ikev2_up_fails REASON: `ikeflowctl up ciscoios` on gw2 waits for the
# attempt, exits non-zero, and its output (also in $W/up-fails.txt) names
# REASON.
ikev2_up_fails()
{
	local rc

	ctl gw2 gw2 up ciscoios >"$W/up-fails.txt" 2>&1
	rc=$?
	echo "exit $rc"
	cat "$W/up-fails.txt"
	[ "$rc" -ne 0 ] && grep -q -- "$1" "$W/up-fails.txt"
}

# fails CMD...: passes when CMD fails (shell functions work, unlike sh -c).
fails()
{
	! "$@"
}

# ikev2_ikf_failure PATTERN: ikeflowd's failure table has a matching line.
ikev2_ikf_failure()
{
	ctl gw2 gw2 show crypto ikev2 failures | grep -q -- "$1"
}

ikev2_no_sas()
{
	[ "$(ikev2_sa_count gw1)" = 0 ] && [ "$(ikev2_sa_count gw2)" = 0 ]
}

# ---- routes (ikeflowd's install_routes; bed_topology hosts gw1 gw2) ----

# gw2's table 220, as ip(8) prints it ("" when empty or absent).
ikev2_ikf_routes()
{
	ip -n gw2 route show table 220 2>/dev/null
}

# ikeflowd's route of the seed tunnel: the peer 192.0.2.1 is on v2's link,
# the source gw2's address inside its protected subnet.
ikev2_ikf_route_ok()
{
	ikev2_ikf_routes | grep -q '^198\.51\.100\.0/24 dev v2 proto static src 203\.0\.113\.1 '
}

ikev2_ikf_no_route()
{
	[ -z "$(ikev2_ikf_routes)" ]
}

ikev2_ikf_rule()
{
	ip -n gw2 rule | grep -q '^220:[[:space:]]*from all lookup 220'
}

# ping_all NS DST [ARGS...]: 100 pings from NS, every one answered.
ping_all()
{
	local ns=$1 dst=$2 out
	shift 2
	out=$(ip netns exec "$ns" ping -q -c 100 -i 0.01 -W 2 "$@" "$dst" 2>&1)
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q ' 100 received'
}

# The seed tunnel without hand-made routes: right after the tunnel is up,
# 100 pings each way between h1 and h2 and 100 from gw2 itself to h1, all
# answered and all through the SAs (N*100 packets each way on both
# gateways); gw2's own traffic leaves from 203.0.113.1, its route's source.
ikev2_routes_ping()
{
	check ping-h1-h2 ping_all h1 203.0.113.10
	check ping-h2-h1 ping_all h2 198.51.100.10
	check gw2-route-src sh -c 'ip -n gw2 route get 198.51.100.10 |
	    grep -q "dev v2 table 220 src 203.0.113.1 "'
	check ping-gw2-h1 ping_all gw2 198.51.100.10
	check_eq gw1-kernel-pkts "300 300" "$(ikev2_kernel_pkts gw1)"
	check_eq gw2-kernel-pkts "300 300" "$(ikev2_kernel_pkts gw2)"
	check ikf-route ikev2_ikf_route_ok
	check ikf-rule ikev2_ikf_rule
	check ikf-log-route grep -q 'IKE:ciscoios: route installed: 198.51.100.0/24 dev v2 src 203.0.113.1 table 220' "$W/gw2.log"
	# strongSwan on gw1 routes its side the same way, by itself
	check swan-route sh -c 'ip -n gw1 route show table 220 | grep -q "^203.0.113.0/24 .*src 198.51.100.1"'
}
