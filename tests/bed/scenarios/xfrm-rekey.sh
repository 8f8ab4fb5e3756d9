# xfrm-rekey: a tunnel's SA pair replaced (rekeyed) through kernel/xfrm.c
# while `ping -i 0.01` runs through it. The tunnel's cumulative counters in
# the state model, sampled again and again, never go back, and end equal to
# the old SAs' final counters (from their DELSA) plus the new SAs' counters
# (from `ip -s xfrm state`).
# bed-timeout: 120

P=$BUILDDIR/tests/bed/xfrm-probe
GW1="192.0.2.1 192.0.2.2 198.51.100.0/24 203.0.113.0/24"
GW2="192.0.2.2 192.0.2.1 203.0.113.0/24 198.51.100.0/24"

# kernel_sa NS SPI: "BYTES PACKETS" of that SA, from ip -s xfrm state.
kernel_sa()
{
	ip -n "$1" -s xfrm state | awk -v want="$(printf '0x%08x' "$2")" '
		/proto esp spi/ {
			for (i = 1; i <= NF; i++) if ($i == "spi") spi = $(i + 1)
			sub(/\(.*/, "", spi)
		}
		/lifetime current:/ { cur = 1; next }
		cur {
			cur = 0
			if (spi != want) next
			gsub(/\(bytes\),|\(packets\)/, "")
			print $1, $2
		}'
}

field()
{
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

nsamples=0
sample()
{
	nsamples=$((nsamples + 1))
	echo totals >&3
	wait_for 5 sh -c "test \$(grep -c '^totals' '$W/shell.out') -ge $nsamples"
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check install-gw2 ip netns exec gw2 "$P" install-pair $GW2 0x2001 0x1001
mkfifo "$W/shell.in"
bed_bg shell sh -c "ip netns exec gw1 '$P' shell <'$W/shell.in' >'$W/shell.out' 2>&1"
exec 3>"$W/shell.in"
check shell-ready wait_for 5 grep -q ready "$W/shell.out"
echo "pair $GW1 0x1001 0x2001" >&3
check pair-installed wait_for 5 grep -q "done pair 0" "$W/shell.out"

bed_bg ping sh -c "ip netns exec h1 ping -q -i 0.01 -c 600 -W 1 203.0.113.10 >'$W/ping.txt' 2>&1"
sleep 0.5
for i in 1 2 3; do sample; sleep 0.3; done

say "rekey: new SAs 0x1002 (gw1 -> gw2) and 0x2002 (gw2 -> gw1)"
echo "rekey 0x1002 0x2002" >&3
check rekey-gw1 wait_for 5 grep -q "done rekey 0" "$W/shell.out"
check rekey-gw2 ip netns exec gw2 "$P" install-pair $GW2 0x2002 0x1002 --no-policy
for i in 1 2; do sleep 0.3; sample; done

say "old SAs deleted"
echo "del 192.0.2.1 192.0.2.2 0x1001" >&3
echo "del 192.0.2.2 192.0.2.1 0x2001" >&3
ip -n gw2 xfrm state del src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2001
ip -n gw2 xfrm state del src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001
check old-out-gone wait_for 5 grep -q "event DELSA spi=00001001" "$W/shell.out"
check old-in-gone wait_for 5 grep -q "event DELSA spi=00002001" "$W/shell.out"
for i in 1 2; do sleep 0.3; sample; done
check ping-done wait_for 30 grep -q "packets transmitted" "$W/ping.txt"
sample
echo quit >&3
exec 3>&-
cat "$W/ping.txt"
grep -E '^(totals|event DELSA)' "$W/shell.out"

# monotonic, field by field, over all samples
for f in in_packets in_octets out_packets out_octets; do
	seq=$(grep '^totals' "$W/shell.out" | while read -r line; do field "$line" $f; done | tr '\n' ' ')
	echo "$f: $seq"
	check "$f-monotonic" sh -c "echo '$seq' | tr ' ' '\n' | sed '/^$/d' | sort -n -c"
	check "$f-samples" test "$(echo $seq | wc -w)" -ge 8
done

last=$(grep '^totals' "$W/shell.out" | tail -n 1)
old_out=$(sed -n 's/^event DELSA spi=00001001 bytes=\([0-9]*\) packets=\([0-9]*\)$/\1 \2/p' "$W/shell.out")
old_in=$(sed -n 's/^event DELSA spi=00002001 bytes=\([0-9]*\) packets=\([0-9]*\)$/\1 \2/p' "$W/shell.out")
read -r ob op <<<"$old_out"
read -r ib ip_ <<<"$old_in"
read -r nob nop <<<"$(kernel_sa gw1 0x1002)"
read -r nib nip <<<"$(kernel_sa gw1 0x2002)"
echo "old out $ob/$op new out $nob/$nop; old in $ib/$ip_ new in $nib/$nip"
check new-out-carried-traffic test "${nop:-0}" -gt 0
check old-out-carried-traffic test "${op:-0}" -gt 0
check_eq out-packets-sum "$((op + nop))" "$(field "$last" out_packets)"
check_eq out-octets-sum "$((ob + nob))" "$(field "$last" out_octets)"
check_eq in-packets-sum "$((ip_ + nip))" "$(field "$last" in_packets)"
check_eq in-octets-sum "$((ib + nib))" "$(field "$last" in_octets)"
check_eq retired-out "$op" "$(field "$last" retired_out_packets)"
