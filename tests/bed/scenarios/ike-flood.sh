# ike-flood: IKE_SA_INIT floods that answer cookies (tests/bed/ike-flood,
# on gw1, from addresses gw1 owns) against ikeflowd on gw2 (half_open_max
# 64, cookies from 10 half-open SAs, 5 per source at most), in both
# families, while strongSwan on gw1, a configured peer (exact right=),
# brings its tunnels up:
# - 200 IPv4 addresses to 192.0.2.3, where no connection is: they count
#   towards cookies, their log lines and failure records are rate-limited
#   (a summary says how many more), the real peer's failure record stays;
# - 200 IPv4 addresses to a connection open to any peer: they fill
#   half_open_max but for the tenth kept for configured peers, and
#   strongSwan's IPv4 tunnel comes up and carries 100 pings meanwhile;
# - random addresses of one IPv6 /64 to the same in IPv6: the /64 is one
#   source, held to block_threshold, and the IPv6 tunnel comes up.
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"
FC=$SRCDIR/tests/bed/conf/ike-flood
FLOOD=$BUILDDIR/tests/bed/ike-flood
V6_FLOOD_NET=2001:db8:ff::/64

stat_of()	# FIELD: a number from show crypto ikev2 stats
{
	ctl gw2 gw2 show crypto ikev2 stats | sed -n "s/.*$1: \([0-9]*\).*/\1/p"
}

flood_stat()	# NAME FIELD: from the flood's latest line of counts
{
	tail -n 1 "$W/flood-$1.log" | sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

flood_ge()	# NAME FIELD MIN
{
	[ "$(flood_stat "$1" "$2")" -ge "$3" ] 2>/dev/null
}

stat_is()	# FIELD VALUE
{
	[ "$(stat_of "$1")" = "$2" ]
}

stat_ge()	# FIELD MIN
{
	[ "$(stat_of "$1")" -ge "$2" ] 2>/dev/null
}

# flood_start NAME DST SOURCES: the flood in gw1's namespace, from port
# 1500 (charon holds 500), until $W/stop-NAME exists (at most 120 s).
flood_start()
{
	bed_bg "flood-$1" ip netns exec gw1 "$FLOOD" -r 200 -t 120 -p 1500 \
	    -s "$W/stop-$1" "$2" "$3" >"$W/flood-$1.log" 2>&1
}

flood_stop()	# NAME
{
	touch "$W/stop-$1"
	check "$1/flood-done" wait_for 20 grep -q '^done:' "$W/flood-$1.log"
	tail -n 1 "$W/flood-$1.log"
}

# The flood's sources: 198.51.100.20-219 on gw1's lo, and a local route
# for the whole IPv6 /64 (every address of it is gw1's); gw2 routes the
# replies back through gw1. 192.0.2.3 is gw2's too, with no connection.
flood_addrs()
{
	local i

	for i in $(seq 20 219); do
		echo "addr add 198.51.100.$i/32 dev lo"
	done | ip -n gw1 -b - &&
	ip -n gw1 -6 route add local $V6_FLOOD_NET dev lo &&
	ip -n gw2 -6 route add $V6_FLOOD_NET via $V6_OUT1 &&
	ip -n gw2 addr add 192.0.2.3/24 dev v2
}

noconn_records()	# failure records of no connection
{
	ctl gw2 gw2 show crypto ikev2 failures | grep -c '^  [0-9]* .* - local '
}

legit_record()
{
	ctl gw2 gw2 show crypto ikev2 failures | grep -q \
	    ' peer4 local 192\.0\.2\.2 (.*) remote 192\.0\.2\.1 (.*): no proposal chosen:'
}

rw_timeouts()	# half-open SAs of rw4/rw6 timed out into failure records
{
	grep -c 'rw[46]: peer .*timed out' "$W/gw2.log"
}

rw_timeouts_ge()	# MIN
{
	[ "$(rw_timeouts)" -ge "$1" ]
}

swan_installed()	# CONN
{
	swan gw1 gw1 status "$1" | grep -q "$1{[0-9]*}: *INSTALLED"
}

check topology v6_topology
check flood-addrs flood_addrs
install -m 0600 "$FC/ipsec.secrets" "$W/ikf.secrets"
check charon start_strongswan gw1 gw1 "$FC/swan-ipsec.conf" "$FC/ipsec.secrets"
check ikeflowd start_ikeflowd gw2 gw2 -c "$FC/ikeflowd.conf" \
    --ipsec-conf "$FC/ikf-ipsec.conf" --ipsec-secrets "$W/ikf.secrets"

say "a failure of the real peer: a proposal ikeflowd refuses"
swan gw1 gw1 up bad4 >"$W/bad4.txt" 2>&1
check legit-record wait_for 10 legit_record

say "flood of no connection: 200 IPv4 addresses to 192.0.2.3"
t0=$(date +%s)
flood_start noconn 192.0.2.3 198.51.100.20+200
# refused after answering a cookie: the stray INITs turned cookies on;
# the rate limit swallowed the log lines of 200 refusals (however slow
# the guest is, the flood outruns 10 a second)
check noconn/cookies wait_for 30 flood_ge noconn cookies 50
check noconn/not-logged wait_for 60 stat_ge 'not logged' 200
flood_stop noconn
t1=$(date +%s)
lines=$(grep -c 'IKE_SA_INIT from .* refused, .*no connection configured' "$W/gw2.log")
echo "no-connection log lines: $lines in $((t1 - t0)) s; flood: $(tail -n 1 "$W/flood-noconn.log")"
# at most 10 a second, whatever the flood's rate
check_ge noconn/log-lines-limited "$lines" $(( (t1 - t0 + 2) * 10 ))
check noconn/log-summary grep -q \
    'IKEv2: [0-9]* more IKE_SA_INITs for no configured connection refused' "$W/gw2.log"
# a quarter of the 200 records at most
check_ge noconn/records-bounded "$(noconn_records)" 50
check noconn/legit-kept legit_record

say "flood of 200 IPv4 addresses answering cookies; strongSwan connects"
flood_start v4 192.0.2.2 198.51.100.20+200
# full but for the tenth kept for configured peers: further ones dropped
check v4/half-open-full wait_for 30 stat_ge half-open 58
check v4/refused wait_for 30 stat_ge 'IKE_SA_INIT refused' 100
swan gw1 gw1 up peer4 >"$W/up-peer4.txt" 2>&1
check v4/swan-up grep -q "connection 'peer4' established successfully" "$W/up-peer4.txt"
check v4/swan-installed wait_for 30 swan_installed peer4
check v4/swan-cookie grep -q 'received COOKIE notify' "$W/gw1-charon.log"
check v4/ping ping_all h1 203.0.113.10
ctl gw2 gw2 show crypto ikev2 stats >"$W/stats-v4.txt" 2>&1
cat "$W/stats-v4.txt"
check v4/still-flooding sh -c "! grep -q '^done:' '$W/flood-v4.log'"
check_ge v4/half-open-bounded "$(stat_of half-open)" 64
# 5 each at most: many sources hold them
check v4/many-sources stat_ge 'half-open sources' 12
# past cookie_threshold (10) every half-open SA answered a cookie: the 58
# of a full table took 48 at least (more once the first ones time out);
# the flood's line of counts trails by up to a second
check v4/flood-cookies wait_for 10 flood_ge v4 cookies 48
flood_stop v4
# the flood's half-open SAs time out (5 s); the tunnel stays
check v4/half-open-expire wait_for 20 stat_is half-open 0

say "flood from random addresses of one IPv6 /64; strongSwan connects over IPv6"
flood_start v6 $V6_OUT2 $V6_FLOOD_NET
# 300 addresses, each new: past cookie_threshold_ip (3) the /64 must
# answer a cookie, past block_threshold (5) it is dropped, whatever the
# address
check v6/many-addresses wait_for 30 flood_ge v6 sources 300
check v6/cookies flood_ge v6 cookies 2
# a drop with no SA is logged once in 10 s: the v4 flood's last line may
# hold this one back that long
check v6/dropped wait_for 30 grep -q "over block_threshold for this peer's /64" "$W/gw2.log"
check v6/one-source wait_for 10 stat_is 'half-open sources' 1
check_ge v6/held-to-block "$(stat_of half-open)" 5
ctl gw2 gw2 show crypto ikev2 stats >"$W/stats-v6.txt" 2>&1
cat "$W/stats-v6.txt"
swan gw1 gw1 up peer6 >"$W/up-peer6.txt" 2>&1
check v6/swan-up grep -q "connection 'peer6' established successfully" "$W/up-peer6.txt"
check v6/swan-installed wait_for 30 swan_installed peer6
check v6/ping ping_all h1 $V6_H2
check v6/still-flooding sh -c "! grep -q '^done:' '$W/flood-v6.log'"
flood_stop v6

# every half-open SA of the floods to rw4 and rw6 timed out into a failure
# record of its connection, more than the table's 200 (v4/rw-records-past-
# size): the real peer's record is still there
ctl gw2 gw2 show crypto ikev2 failures >"$W/failures-end.txt" 2>&1
check legit-kept-at-end legit_record
