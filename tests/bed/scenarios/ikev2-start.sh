# ikev2-start: the seed's configuration with auto=start on ikeflowd's side
# (gw2): the tunnel to strongSwan (the IOS router on gw1) comes up with no
# command, and traffic passes.
# bed-timeout: 90

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "$IKF/start.conf"
check ikf-log-start grep -q 'ciscoios: initiating IKEv2 with 192.0.2.1 (auto=start)' "$W/gw2.log"
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
# up on a connection already up starts no second IKE SA
check up-again ctl gw2 gw2 up ciscoios
ctl gw2 gw2 up ciscoios >"$W/up-again.txt" 2>&1
check up-again-says grep -q 'already up' "$W/up-again.txt"
check ping-10 ip netns exec h2 ping -q -c 10 -i 0.05 -W 2 198.51.100.10
check_eq one-ike-sa 1 "$(ctl gw2 gw2 show crypto ikev2 sa | grep -c READY)"
