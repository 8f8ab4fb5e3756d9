# xfrm-delete: an SA deleted behind the module's back (`ip xfrm state del`)
# is noticed through the kernel's DELSA event; its final counters are kept
# in the state model (the tunnel's totals do not drop) and reported.
# bed-timeout: 60

P=$BUILDDIR/tests/bed/xfrm-probe
GW1="192.0.2.1 192.0.2.2 198.51.100.0/24 203.0.113.0/24"
GW2="192.0.2.2 192.0.2.1 203.0.113.0/24 198.51.100.0/24"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check install-gw2 ip netns exec gw2 "$P" install-pair $GW2 0x2001 0x1001
mkfifo "$W/shell.in"
bed_bg shell sh -c "ip netns exec gw1 '$P' shell <'$W/shell.in' >'$W/shell.out' 2>&1"
exec 3>"$W/shell.in"
mkdir -p "$W/fixtures"
bed_bg capture ip netns exec gw1 "$P" capture "$W/fixtures" 1 30 DELSA >"$W/capture.txt" 2>&1
check shell-ready wait_for 5 grep -q ready "$W/shell.out"
check capture-ready wait_for 5 grep -q ready "$W/capture.txt"
echo "pair $GW1 0x1001 0x2001" >&3
check pair-installed wait_for 5 grep -q "done pair 0" "$W/shell.out"
check ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10
echo totals >&3
check totals-1 wait_for 5 grep -q "^totals" "$W/shell.out"
check before-in-100 grep -q "^totals .* in_packets=100 " "$W/shell.out"
# behind the module's back, in a gap where the ICMP counters are settled
check ip-del ip -n gw1 xfrm state del src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2001
check delsa-noticed wait_for 5 grep -q "event DELSA spi=00002001 .* packets=100" "$W/shell.out"
echo totals >&3
check totals-2 wait_for 5 sh -c "test \$(grep -c '^totals' '$W/shell.out') -ge 2"
echo quit >&3
exec 3>&-
cat "$W/shell.out"
last=$(grep '^totals' "$W/shell.out" | tail -n 1)
check after-in-kept sh -c "echo '$last' | grep -q ' in_packets=100 '"
check after-retired sh -c "echo '$last' | grep -q ' retired_in_packets=100 '"
check delsa-captured wait_for 5 sh -c "ls '$W/fixtures' | grep -q DELSA"
