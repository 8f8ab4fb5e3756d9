# xfrm-expire: SAs installed through kernel/xfrm.c with short lifetimes
# (soft 3 s, hard 6 s) on gw1, 10 pings through them: the soft EXPIRE
# reaches the module's handler before the hard one, each at its time, for
# both SAs of the pair, and the hard one carries the final counters.
# bed-timeout: 60

P=$BUILDDIR/tests/bed/xfrm-probe

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
mkdir -p "$W/fixtures"
bed_bg events ip netns exec gw1 "$P" events 7 25 >"$W/events.txt" 2>&1
bed_bg capture ip netns exec gw1 "$P" capture "$W/fixtures" 4 20 EXPIRE >"$W/capture.txt" 2>&1
check events-ready wait_for 5 grep -q ready "$W/events.txt"
check capture-ready wait_for 5 grep -q ready "$W/capture.txt"
t0=$(date +%s)
check install ip netns exec gw1 "$P" install-pair 192.0.2.1 192.0.2.2 \
    198.51.100.0/24 203.0.113.0/24 0x3001 0x3002 --soft-sec 3 --hard-sec 6
check install-gw2 ip netns exec gw2 "$P" install-pair 192.0.2.2 192.0.2.1 \
    203.0.113.0/24 198.51.100.0/24 0x3002 0x3001
# lifetimes run from each SA's add time in the kernel, not from when the
# install command started: a guest's first SA install can take seconds
# (the crypto modules load on demand), and the pair's two SAs then differ
add_time()	# SRC DST SPI: seconds since the epoch, or the t0 fallback
{
	local a

	a=$(ip -n gw1 -s xfrm state get src "$1" dst "$2" proto esp spi "$3" |
	    sed -n 's/.*add \([0-9-]* [0-9:]*\).*/\1/p' | head -n 1)
	if [ -n "$a" ]; then date -d "$a" +%s; else echo "$t0"; fi
}
t0_00003001=$(add_time 192.0.2.1 192.0.2.2 0x3001)
t0_00003002=$(add_time 192.0.2.2 192.0.2.1 0x3002)
check ping-10 ip netns exec h1 ping -q -c 10 -i 0.1 -W 1 203.0.113.10
check four-expires wait_for 15 sh -c "test \$(grep -c 'event EXPIRE' '$W/events.txt') -ge 4"
cat "$W/events.txt"
for spi in 00003001 00003002; do
	order=$(awk -v s="spi=$spi" '$4 == s { printf "%s ", $3 }' "$W/events.txt")
	check_eq "$spi-soft-then-hard" "soft hard " "$order"
	ts=$(awk -v s="spi=$spi" '$4 == s && $3 == "soft" { sub("t=", "", $7); print $7 }' "$W/events.txt")
	th=$(awk -v s="spi=$spi" '$4 == s && $3 == "hard" { sub("t=", "", $7); print $7 }' "$W/events.txt")
	eval "t0=\$t0_$spi"
	check "$spi-soft-after-3s" test $((ts - t0)) -ge 2 -a $((ts - t0)) -le 5
	check "$spi-hard-after-6s" test $((th - t0)) -ge 5 -a $((th - t0)) -le 9
done
check hard-final-counters grep -q "event EXPIRE hard spi=00003001 bytes=840 packets=10 " "$W/events.txt"
check sas-gone sh -c "! ip -n gw1 xfrm state | grep -q spi"
