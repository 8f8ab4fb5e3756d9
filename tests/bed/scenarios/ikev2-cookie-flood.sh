# ikev2-cookie-flood: well-formed IKE_SA_INIT requests (800/s) from 150
# spoofed addresses of 198.51.100.0/24 hit ikeflowd (gw2, cookie_threshold
# 10, cookie_threshold_ip 3, block_threshold 5, half_open_max 100,
# half_open_timeout 5 s) while strongSwan (gw1) initiates the seed tunnel.
# ikeflowd answers the flood with stateless COOKIEs once 10 SAs are
# half-open, so its half-open SAs and its memory stay bounded; strongSwan
# answers the COOKIE and gets its tunnel, pings pass, and the flood's
# half-open SAs time out.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
CK=$SRCDIR/tests/bed/conf/ikev2-cookie

stat_of()	# FIELD: a number from show crypto ikev2 stats
{
	ctl gw2 gw2 show crypto ikev2 stats | sed -n "s/.*$1: \([0-9]*\).*/\1/p"
}

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$(cat /tmp/gw2/ikeflowd.pid)/status"
}

half_open_zero()
{
	[ "$(stat_of half-open)" = 0 ]
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "$CK/ipsec.conf" "$CK/ikeflowd.conf"
rss0=$(rss_kb)

say "flood from 198.51.100.100-249, strongSwan initiating meanwhile"
# The flood goes on (at most 30 s) until strongSwan's tunnel is checked:
# on a slow guest a fixed count could end before strongSwan's IKE_SA_INIT.
bed_bg flood ip netns exec gw1 python3 "$CK/ike-flood.py" 192.0.2.2 198.51.100 \
    100 249 24000 800 "$W/flood.stop" >"$W/flood.log" 2>&1
check flooding wait_for 30 sh -c "[ \"\$(ip netns exec gw2 '$IKEFLOWCTL' \
    -s /tmp/gw2/ctl.sock show crypto ikev2 stats | sed -n 's/.*cookies sent: \([0-9]*\).*/\1/p')\" -gt 100 ]"
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 30 ikev2_swan_installed
check ikf-installed wait_for 30 ikev2_ikf_installed
check swan-answered-cookie grep -q 'received COOKIE notify' "$W/gw1-charon.log"
check ping ip netns exec h1 ping -q -c 5 -i 0.2 -W 2 203.0.113.10
ho=$(stat_of half-open)
echo "half-open during the flood: $ho"
check_ge half-open-bounded "$ho" 12
touch "$W/flood.stop"
check flood-done wait_for 40 grep -q 'sent [0-9]* IKE_SA_INIT' "$W/flood.log"
ctl gw2 gw2 show crypto ikev2 stats >"$W/stats-flood.txt" 2>&1
cat "$W/stats-flood.txt" "$W/flood.log"
sent=$(sed -n 's/^sent \([0-9]*\) .*/\1/p' "$W/flood.log")
flood_s=$(sed -n 's/.* in \([0-9]*\)\..*/\1/p' "$W/flood.log")
cookies=$(stat_of 'cookies sent')
# all but the half-open SAs under the threshold got a COOKIE
check_ge cookies-sent $(( ${sent:-0} * 3 / 4 )) "$cookies"
rss1=$(rss_kb)
echo "ikeflowd VmRSS: $rss0 kB before, $rss1 kB after"
check_ge rss-bounded "$rss1" $((rss0 + 8192))
# the flood's half-open SAs time out (5 s); the tunnel stays
check half-open-expire wait_for 10 half_open_zero
check_eq ikev2-sas 1 "$(stat_of 'IKEv2 SAs')"
check ping-after ip netns exec h1 ping -q -c 3 -i 0.2 -W 2 203.0.113.10
# failure records only for the flood's half-open SAs that timed out (a
# round of at most 10 per 5 s of flood, and the last round), none for the
# COOKIE answers
check_ge few-failures "$(ctl gw2 gw2 show crypto ikev2 failures | grep -c 198.51.100.)" \
    $(( (${flood_s:-5} / 5 + 3) * 10 ))
