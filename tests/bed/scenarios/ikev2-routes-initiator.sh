# ikev2-routes-initiator: the seed tunnel with ikeflowd initiating on a
# gw2 that has no route to the remote subnet 198.51.100.0/24 (nor has gw1,
# where charon installs its own): ikeflowd installs it in table 220, via
# the link towards the peer, with gw2's address inside 203.0.113.0/24 as
# source, and the rule for that table. 100 pings each way between h1 and
# h2 and from gw2 itself, started as soon as `ikeflowctl up` returns, are
# all answered through the SAs. `ikeflowctl down` takes the route away; a
# second tunnel's route and the rule go when ikeflowd stops.
# bed-timeout: 300

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

check topology bed_topology hosts gw1 gw2
check gw2-no-route sh -c '! ip -n gw2 route get 198.51.100.10'
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd
check rule-at-start wait_for 5 ikev2_ikf_rule
check no-route-before ikev2_ikf_no_route
# `ikeflowctl up` returns once the child (and so its route) is in: the
# pings start at once
check up ctl gw2 gw2 up ciscoios
ikev2_routes_ping
ctl gw2 gw2 show crypto route >"$W/show-crypto-route.txt" 2>&1
check show-crypto-route grep -Eq \
    '^RRI  198\.51\.100\.0/24 dev v2 src 203\.0\.113\.1 table 220, peer 192\.0\.2\.1, conn ciscoios' \
    "$W/show-crypto-route.txt"

say "down takes the route away"
check down ctl gw2 gw2 down ciscoios
check no-sas-after-down wait_for 10 ikev2_no_sas
check no-route-after-down wait_for 5 ikev2_ikf_no_route
check ikf-log-route-removed grep -q 'IKE:ciscoios: route removed: 198.51.100.0/24' "$W/gw2.log"
check rule-stays ikev2_ikf_rule

say "shutdown takes the route and the rule away"
check up-2 ctl gw2 gw2 up ciscoios
check route-2 ikev2_ikf_route_ok
check ping-2 ping_all h1 203.0.113.10
check stop sh -c 'kill "$(cat /tmp/gw2/ikeflowd.pid)"'
check stopped wait_for 10 sh -c '! test -e /tmp/gw2/ikeflowd.pid'
check no-route-after-stop ikev2_ikf_no_route
check no-rule-after-stop fails ikev2_ikf_rule
