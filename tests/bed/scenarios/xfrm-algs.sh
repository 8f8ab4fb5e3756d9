# xfrm-algs: every transform of kernel/xfrm_algs.c accepted by the real
# kernel and carrying traffic: for each, an SA pair through xfrm-probe on
# both gateways, 5 pings, 5 packets counted each way by the module. ESN and
# a 256-packet window too; an inbound SA from ALLOCSPI + UPDSA; NAT-T (ESP in UDP) is installed and shown by
# `ip xfrm state` with its ports.
# bed-timeout: 180

P=$BUILDDIR/tests/bed/xfrm-probe
GW1="192.0.2.1 192.0.2.2 198.51.100.0/24 203.0.113.0/24"
GW2="192.0.2.2 192.0.2.1 203.0.113.0/24 198.51.100.0/24"

field()
{
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology

n=0
# name: install-pair options
while read -r name opts; do
	n=$((n + 1))
	out=$((0x5000 + n)) in=$((0x6000 + n))
	for ns in gw1 gw2; do
		ip -n $ns xfrm state flush
		ip -n $ns xfrm policy flush
	done
	check "$name-gw1" ip netns exec gw1 "$P" install-pair $GW1 $out $in $opts
	check "$name-gw2" ip netns exec gw2 "$P" install-pair $GW2 $in $out $opts
	check "$name-ping" ip netns exec h1 ping -q -c 5 -i 0.05 -W 2 203.0.113.10
	line=$(ip netns exec gw1 "$P" totals $in $out)
	echo "$name: $line"
	check_eq "$name-in" 5 "$(field "$line" in_packets)"
	check_eq "$name-out" 5 "$(field "$line" out_packets)"
done <<'ALGS'
aes128-sha1 --encr 12 --keylen 128 --integ 2
aes192-sha384 --encr 12 --keylen 192 --integ 13
aes256-sha256 --encr 12 --keylen 256 --integ 12
aes256-sha512 --encr 12 --keylen 256 --integ 14
3des-md5 --encr 3 --integ 1
gcm128 --encr 20 --keylen 128 --integ 0
gcm256 --encr 20 --keylen 256 --integ 0
aes128-sha256-esn --encr 12 --keylen 128 --integ 12 --esn --replay 128
gcm128-window256 --encr 20 --keylen 128 --integ 0 --replay 256
ALGS

for ns in gw1 gw2; do
	ip -n $ns xfrm state flush
	ip -n $ns xfrm policy flush
done

say "inbound SPI allocated by the kernel (ALLOCSPI), then filled (UPDSA)"
spi=$(ip netns exec gw1 "$P" alloc-spi 192.0.2.2 192.0.2.1 9)
echo "allocated $spi"
check spi-in-range test $((spi)) -ge $((0xc0000000)) -a $((spi)) -le $((0xcfffffff))
check larval-listed sh -c "ip netns exec gw1 '$P' dump | grep -q 'spi=$(printf %08x $((spi))) .* larval'"
check update-in ip netns exec gw1 "$P" install-pair $GW1 0x5101 "$spi" --reqid 9 --update-in
check update-peer ip netns exec gw2 "$P" install-pair $GW2 "$spi" 0x5101 --reqid 9
check update-ping ip netns exec h1 ping -q -c 5 -i 0.05 -W 2 203.0.113.10
line=$(ip netns exec gw1 "$P" totals "$spi" 0x5101)
echo "updsa: $line"
check_eq updsa-in 5 "$(field "$line" in_packets)"
check not-larval-any-more sh -c "! ip netns exec gw1 '$P' dump | grep -q larval"

for ns in gw1 gw2; do
	ip -n $ns xfrm state flush
	ip -n $ns xfrm policy flush
done
check natt-install ip netns exec gw1 "$P" install-pair $GW1 0x7001 0x7002 --encap 4500 4500
ip -n gw1 xfrm state >"$W/natt.txt"
cat "$W/natt.txt"
check natt-shown grep -q "encap type espinudp sport 4500 dport 4500" "$W/natt.txt"
