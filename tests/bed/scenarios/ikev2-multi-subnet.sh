# ikev2-multi-subnet: two subnets per side (198.51.100.0/25 and .128/25
# behind gw1, 203.0.113.0/25 and .128/25 behind gw2, a host address in
# each). ikeflowd (gw2) initiates one child with both selectors per side;
# strongSwan (gw1) agrees, both kernels get a policy per pair, and traffic
# between every pair of host addresses goes through ESP. Then strongSwan
# proposes the whole /24s to ikeflowd configured with the lower /25s only:
# ikeflowd narrows, strongSwan accepts, and both install the /25 pair.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
MS=$SRCDIR/tests/bed/conf/ikev2-multi

out_policies()	# NS: "src -> dst" of the out policies, sorted
{
	ip -n "$1" xfrm policy | awk '/^src / { s = $2; d = $4 } /dir out/ { print s " -> " d }' |
	    sort | tr '\n' ';'
}

# ESP packets out of gw2 (sum over its outbound SAs' counters)
esp_out()
{
	ip -n gw2 -s xfrm state | awk '/^src 192.0.2.2 dst/ { o = 1; next }
	    /^src / { o = 0 } o && /lifetime current:/ { getline;
	    sub(/\(packets\).*/, ""); sub(/.*, */, ""); n += $0 } END { print n + 0 }'
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
ip -n h1 addr add 198.51.100.200/24 dev e0
ip -n h2 addr add 203.0.113.200/24 dev e0
cp "$MS/ikeflowd-multi.conf" "$W/ipsec.conf"
check charon ikev2_ios "$MS/swan.conf"
check ikeflowd ikev2_ikeflowd "$W/ipsec.conf"

say "two subnets per side, ikeflowd initiating"
check up ctl gw2 gw2 up multi
multi_installed() { swan gw1 gw1 status multi | grep -q INSTALLED; }
check swan-installed wait_for 10 multi_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
swan gw1 gw1 status multi >"$W/swan-status-multi.txt" 2>&1
check swan-four-ts grep -q '198.51.100.0/25 198.51.100.128/25 === 203.0.113.0/25 203.0.113.128/25' \
    "$W/swan-status-multi.txt"
check_eq gw2-out-policies \
    "203.0.113.0/25 -> 198.51.100.0/25;203.0.113.0/25 -> 198.51.100.128/25;203.0.113.128/25 -> 198.51.100.0/25;203.0.113.128/25 -> 198.51.100.128/25;" \
    "$(out_policies gw2)"
check_eq gw1-out-policies \
    "198.51.100.0/25 -> 203.0.113.0/25;198.51.100.0/25 -> 203.0.113.128/25;198.51.100.128/25 -> 203.0.113.0/25;198.51.100.128/25 -> 203.0.113.128/25;" \
    "$(out_policies gw1)"
for s in 10 200; do
	for d in 10 200; do
		before=$(esp_out)
		check "ping-$s-$d" ip netns exec h1 ping -q -c 3 -i 0.1 -W 2 \
		    -I 198.51.100.$s 203.0.113.$d
		check_eq "esp-$s-$d" 3 $(( $(esp_out) - before ))
	done
done
ctl gw2 gw2 show crypto ipsec sa >"$W/gw2-show-ipsec-sa.txt" 2>&1
check ikf-show-ts grep -q '203.0.113.128/255.255.255.128' "$W/gw2-show-ipsec-sa.txt"
check down ctl gw2 gw2 down multi
check no-sas wait_for 10 ikev2_no_sas

say "strongSwan proposes the /24s, ikeflowd narrows to its /25s"
cp "$MS/ikeflowd-narrow.conf" "$W/ipsec.conf"
check reload ctl gw2 gw2 reload
check swan-up-wide swan gw1 gw1 up wide
check ikf-installed-narrow wait_for 10 ikev2_ikf_installed
swan gw1 gw1 status wide >"$W/swan-status-wide.txt" 2>&1
check swan-narrowed grep -q 'wide{[0-9]*}: *198.51.100.0/25 === 203.0.113.0/25' \
    "$W/swan-status-wide.txt"
check_eq gw2-narrow-policy "203.0.113.0/25 -> 198.51.100.0/25;" "$(out_policies gw2)"
check_eq gw1-narrow-policy "198.51.100.0/25 -> 203.0.113.0/25;" "$(out_policies gw1)"
before=$(esp_out)
check ping-narrow ip netns exec h1 ping -q -c 3 -i 0.1 -W 2 -I 198.51.100.10 203.0.113.10
check_eq esp-narrow 3 $(( $(esp_out) - before ))
# outside the narrowed pair: no tunnel for it (plain routing)
before=$(esp_out)
ip netns exec h1 ping -q -c 2 -i 0.1 -W 1 -I 198.51.100.200 203.0.113.200 >/dev/null 2>&1
check_eq no-esp-outside 0 $(( $(esp_out) - before ))
