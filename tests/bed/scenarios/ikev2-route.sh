# ikev2-route: the seed's configuration with auto=route on ikeflowd's side
# (gw2): a trap policy waits for traffic; the first ping from h2 to h1 makes
# the kernel ACQUIRE, ikeflowd initiates to strongSwan (the IOS router on
# gw1), and the pings after it pass through the tunnel. After `down` the
# trap is back and traffic brings the tunnel up again. Neither gateway has
# a hand-made route to the other's subnet: ikeflowd routes the remote
# subnet (table 220) as soon as the trap is in, or the first packet would
# never reach the trap; charon on gw1 routes its side with its child.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

trap_policy()
{
	ip -n gw2 xfrm policy | grep -A3 'src 203.0.113.0/24 dst 198.51.100.0/24' |
	    grep -q 'dir out'
}

check topology bed_topology hosts gw1 gw2
check gw2-no-route sh -c '! ip -n gw2 route get 198.51.100.10'
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "$IKF/route.conf"
check trap-installed wait_for 5 trap_policy
check trap-route wait_for 5 ikev2_ikf_route_ok
check trap-route-logged grep -q 'IKE:ciscoios: route installed: 198.51.100.0/24 dev v2 src 203.0.113.1 table 220' "$W/gw2.log"
check_eq no-sa-before 0 "$(ikev2_sa_count gw2)"
# the triggering packet is dropped while the tunnel comes up
ip netns exec h2 ping -c 1 -W 1 198.51.100.10 >/dev/null 2>&1
check acquire-logged wait_for 5 grep -q 'ciscoios: traffic 203.0.113.10 -> 198.51.100.10 triggers' \
    "$W/gw2.log"
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
ikev2_ping_and_count

# down: the SAs go, the trap stays, and the next packet raises the tunnel again
check down ctl gw2 gw2 down ciscoios
check sas-gone wait_for 10 ikev2_no_sas
check trap-back trap_policy
# the trap still needs its route once the child's is released
check trap-route-stays ikev2_ikf_route_ok
ip -n gw2 xfrm policy >"$W/gw2-policies-after-down.txt"
check_eq no-in-policy-after-down 0 "$(grep -c 'dir in' "$W/gw2-policies-after-down.txt")"
ip netns exec h2 ping -c 1 -W 1 198.51.100.10 >/dev/null 2>&1
check swan-reinstalled wait_for 20 ikev2_swan_installed
check ikf-reinstalled wait_for 10 ikev2_ikf_installed
check ping-again ip netns exec h2 ping -q -c 5 -i 0.05 -W 2 198.51.100.10
# gw2 itself reaches the remote subnet from inside its own (the route's src)
check ping-from-gw2 ip netns exec gw2 ping -q -c 3 -i 0.05 -W 2 198.51.100.10
