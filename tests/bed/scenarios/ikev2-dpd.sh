# ikev2-dpd: dead peer detection in ikeflowd (gw2, the seed's connection
# with dpddelay=2s, dpdtimeout=6s) against strongSwan (gw1, the IOS router).
# gw1's outside link goes down with the tunnel up: with dpdaction=clear,
# ikeflowd ends the tunnel within dpddelay + dpdtimeout (history: peer
# lost) and leaves no SA and no policy behind. With dpdaction=hold the SAs
# go the same way but a trap policy stays, and once gw1 is back, traffic
# from h2 brings the tunnel up again (strongSwan's stale SAs go on our
# INITIAL_CONTACT).
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

trap_policy()
{
	ip -n gw2 xfrm policy | grep -A3 'src 203.0.113.0/24 dst 198.51.100.0/24' |
	    grep -q 'dir out'
}

gw2_no_sa()
{
	[ "$(ikev2_sa_count gw2)" = 0 ]
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# lost_after T0 N: milliseconds from T0 (now_ms) to ikeflowd's N-th "peer
# silent" verdict, from its log's own timestamps: a slow guest slows the
# scenario's looks, not the daemon's clock.
lost_after()
{
	local stamp

	stamp=$(grep 'silent for dpdtimeout' "$W/gw2.log" | sed -n "${2}p" | cut -c1-19)
	[ -n "$stamp" ] || { echo 99999; return; }
	echo $(( $(date -d "$stamp" +%s%N) / 1000000 - $1 ))
}

sed -e 's/^  auto=add$/  auto=add\n  dpdaction=clear\n  dpddelay=2s\n  dpdtimeout=6s/' \
    "$SEED/ipsec.conf" >"$W/ipsec.conf"
# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "$W/ipsec.conf"

say "dpdaction=clear: gw1 disappears"
check up ctl gw2 gw2 up ciscoios
check ikf-installed wait_for 20 ikev2_ikf_installed
check ping ip netns exec h1 ping -q -c 3 -i 0.1 -W 2 203.0.113.10
t0=$(now_ms)
check gw1-link-down ip -n gw1 link set v1 down
check cleared wait_for 30 gw2_no_sa
ms=$(lost_after "$t0" 1)
echo "peer declared lost ${ms} ms after the link went down"
# dpdtimeout 6 s after the peer's last word, which the liveness checks
# every dpddelay (2 s) kept recent: within dpddelay + dpdtimeout (and a
# late timer on a slow guest), not before the retransmits had a chance
check_ge cleared-in-time "$ms" 11000
check_ge not-too-early 3000 "$ms"
check clear-log grep -q 'silent for dpdtimeout (6s), INFORMATIONAL request' "$W/gw2.log"
check clear-history wait_for 5 sh -c "ip netns exec gw2 '$IKEFLOWCTL' -s /tmp/gw2/ctl.sock \
    show crypto ikev2 history | grep -q 'ended: peer lost'"
check clear-no-trap fails trap_policy
check_eq clear-no-policy 0 "$(ip -n gw2 xfrm policy | grep -c '^src 203.0.113.0/24')"
check no-restart fails grep -q 'peer lost, restarting' "$W/gw2.log"
check gw1-link-up ip -n gw1 link set v1 up

say "dpdaction=hold: gw1 disappears again, then traffic brings the tunnel back"
sed -i 's/^  dpdaction=clear$/  dpdaction=hold/' "$W/ipsec.conf"
check reload ctl gw2 gw2 reload
check up-2 ctl gw2 gw2 up ciscoios
check ikf-installed-2 wait_for 20 ikev2_ikf_installed
check ping-2 ip netns exec h1 ping -q -c 3 -i 0.1 -W 2 203.0.113.10
t0=$(now_ms)
check gw1-link-down-2 ip -n gw1 link set v1 down
check held wait_for 30 gw2_no_sa
ms=$(lost_after "$t0" 2)
echo "peer declared lost ${ms} ms after the link went down"
check_ge held-in-time "$ms" 11000
check_ge held-not-too-early 3000 "$ms"
check hold-log grep -q 'ciscoios: peer lost, traffic held' "$W/gw2.log"
check hold-trap trap_policy
check gw1-link-up-2 ip -n gw1 link set v1 up
# the triggering packet is dropped while the tunnel comes up
ip netns exec h2 ping -c 1 -W 1 198.51.100.10 >/dev/null 2>&1
check hold-acquire wait_for 5 grep -q 'ciscoios: traffic 203.0.113.10 -> 198.51.100.10 triggers' \
    "$W/gw2.log"
check hold-back-up wait_for 20 ikev2_ikf_installed
check ping-after-hold ip netns exec h2 ping -q -c 3 -i 0.1 -W 2 198.51.100.10
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
# strongSwan dropped its stale SAs on our INITIAL_CONTACT: one pair left
check gw1-one-pair wait_for 10 sh -c '[ "$(ip -n gw1 xfrm state | grep -c "^src ")" = 2 ]'
