# harness-xfrm-manual: the bed's own dataplane check, no ikeflow code.
# Two gateways with hand-made XFRM SAs and policies (ESP tunnel mode,
# aes-cbc-128 + hmac-sha1-96, constant test keys), 100 pings from h1
# (198.51.100.10) to h2 (203.0.113.10); each of the 4 SAs must count
# exactly 100 packets.
# bed-timeout: 120

ENC_12=0x0123456789abcdef0123456789abcdef
AUTH_12=0x0123456789abcdef0123456789abcdef01234567
ENC_21=0xfedcba9876543210fedcba9876543210
AUTH_21=0xfedcba9876543210fedcba9876543210fedcba98

# xfrm_sa NS SRC DST SPI ENC AUTH
xfrm_sa()
{
	ip -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" \
	    reqid 1 mode tunnel enc 'cbc(aes)' "$5" auth-trunc 'hmac(sha1)' "$6" 96
}

# xfrm_pol NS LOCAL_NET REMOTE_NET LOCAL_GW REMOTE_GW
xfrm_pol()
{
	local ns=$1 l=$2 r=$3 lg=$4 rg=$5 dir

	ip -n "$ns" xfrm policy add src "$l" dst "$r" dir out \
	    tmpl src "$lg" dst "$rg" proto esp reqid 1 mode tunnel || return 1
	for dir in in fwd; do
		ip -n "$ns" xfrm policy add src "$r" dst "$l" dir $dir \
		    tmpl src "$rg" dst "$lg" proto esp reqid 1 mode tunnel || return 1
	done
}

# Prints "SPI PACKETS" for every SA of NS, from the "lifetime current" lines.
xfrm_packets()
{
	ip -n "$1" -s xfrm state | awk '
		/^src / { spi = "" }
		/proto esp spi/ {
			for (i = 1; i <= NF; i++) if ($i == "spi") spi = $(i + 1)
			sub(/\(.*/, "", spi)
		}
		/lifetime current:/ { cur = 1; next }
		cur { sub(/\(packets\).*/, ""); sub(/.*, */, ""); print spi, $0; cur = 0 }'
}

say "topology: h1 - gw1 == gw2 - h2"
# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
say "manual SAs and policies"
check sa-gw1-out xfrm_sa gw1 192.0.2.1 192.0.2.2 0x1001 $ENC_12 $AUTH_12
check sa-gw1-in  xfrm_sa gw1 192.0.2.2 192.0.2.1 0x2001 $ENC_21 $AUTH_21
check sa-gw2-in  xfrm_sa gw2 192.0.2.1 192.0.2.2 0x1001 $ENC_12 $AUTH_12
check sa-gw2-out xfrm_sa gw2 192.0.2.2 192.0.2.1 0x2001 $ENC_21 $AUTH_21
check policies-gw1 xfrm_pol gw1 198.51.100.0/24 203.0.113.0/24 192.0.2.1 192.0.2.2
check policies-gw2 xfrm_pol gw2 203.0.113.0/24 198.51.100.0/24 192.0.2.2 192.0.2.1

say "100 pings h1 -> h2 through the tunnel"
check ping-100 ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10

for ns in gw1 gw2; do
	xfrm_packets $ns >"$W/packets-$ns.txt"
	sed "s/^/$ns spi /" "$W/packets-$ns.txt"
done
check_eq gw1-sa-count 2 "$(wc -l <"$W/packets-gw1.txt")"
check_eq gw2-sa-count 2 "$(wc -l <"$W/packets-gw2.txt")"
for ns in gw1 gw2; do
	for spi in 0x00001001 0x00002001; do
		check_eq "$ns-$spi-packets" 100 \
		    "$(awk -v s=$spi '$1 == s { print $2 }' "$W/packets-$ns.txt")"
	done
done
