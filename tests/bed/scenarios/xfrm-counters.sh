# xfrm-counters: an SA pair and tunnel policies installed on both gateways
# through kernel/xfrm.c (tests/bed/xfrm-probe, no IKE); 100 pings h1 -> h2;
# the module's dump-and-fold into the state model reports exactly 100
# packets each way and the kernel's own byte counts (`ip -s xfrm state`).
# Also captures the raw SA dump as a unit-test fixture ($W/fixtures).
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

# field LINE NAME: the value of NAME=... in a probe output line.
field()
{
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check probe-binary test -x "$P"
check install-gw1 ip netns exec gw1 "$P" install-pair $GW1 0x1001 0x2001 --reqid 1
check install-gw2 ip netns exec gw2 "$P" install-pair $GW2 0x2001 0x1001 --reqid 1
check policies-gw1 sh -c "ip netns exec gw1 '$P' policies | grep -c 'reqid=1 ' | grep -qx 3"
ip -n gw1 xfrm policy >"$W/gw1-policies.txt"

check ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10

for ns in gw1 gw2; do
	if [ $ns = gw1 ]; then in=0x2001 out=0x1001; else in=0x1001 out=0x2001; fi
	line=$(ip netns exec $ns "$P" totals $in $out)
	echo "$ns: $line"
	echo "$line" >"$W/totals-$ns.txt"
	check_eq "$ns-in-packets" 100 "$(field "$line" in_packets)"
	check_eq "$ns-out-packets" 100 "$(field "$line" out_packets)"
	read -r kb kp <<<"$(kernel_sa $ns $in)"
	check_eq "$ns-in-octets-match-kernel" "$kb" "$(field "$line" in_octets)"
	read -r kb kp <<<"$(kernel_sa $ns $out)"
	check_eq "$ns-out-octets-match-kernel" "$kb" "$(field "$line" out_octets)"
done

line=$(ip netns exec gw1 "$P" policy-use 1)
echo "$line"
use=$(field "$line" use) now=$(field "$line" now)
check policy-used-recently test "$use" -gt 0 -a $((now - use)) -le 60
line=$(ip netns exec gw1 "$P" policy-use 2)
check_eq policy-unknown-reqid 0 "$(field "$line" use)"

# shutdown cleanup removes exactly what that process installed
check flush-installed ip netns exec gw1 "$P" flush-test 192.0.2.1 192.0.2.2 \
    10.1.0.0/16 10.2.0.0/16 0x8001 0x8002 --reqid 8
check_eq flush-kept-other-sas 2 "$(ip -n gw1 xfrm state | grep -c '^src')"
check_eq flush-kept-other-policies 3 "$(ip -n gw1 xfrm policy | grep -c '^src')"
check flush-removed-its-own sh -c "! ip -n gw1 xfrm state | grep -q 0x00008001"

mkdir -p "$W/fixtures"
check capture-dump ip netns exec gw1 "$P" capture-dump "$W/fixtures/dump-gw1.bin"
ip -n gw1 -s xfrm state >"$W/fixtures/dump-gw1.txt"
