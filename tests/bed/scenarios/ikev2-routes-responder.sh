# ikev2-routes-responder: the seed tunnel with strongSwan (gw1, as the IOS
# router) initiating with `ipsec up` and ikeflowd responding on a gw2 with
# no route to 198.51.100.0/24 (gw1 has none either: charon installs its
# own). ikeflowd installs the route (table 220, source 203.0.113.1): 100
# pings each way between h1 and h2 and from gw2, started as soon as `ipsec
# up` returns, are all answered through the SAs; strongSwan's delete takes
# the route away. With install_routes = no, ikeflowd adds no route and no
# rule, and h2's replies cannot leave gw2: the topology needs the routes.
# bed-timeout: 300

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

check topology bed_topology hosts gw1 gw2
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd
check rule-at-start wait_for 5 ikev2_ikf_rule
check swan-up swan gw1 gw1 up strongswan
ikev2_routes_ping
check ikf-installed ikev2_ikf_installed

say "strongSwan deletes: the route goes"
check swan-down swan gw1 gw1 down strongswan
check no-sas-after-down wait_for 10 ikev2_no_sas
check no-route-after-down wait_for 5 ikev2_ikf_no_route

say "install_routes = no"
check stop sh -c 'kill "$(cat /tmp/gw2/ikeflowd.pid)"'
check stopped wait_for 10 sh -c '! test -e /tmp/gw2/ikeflowd.pid'
check no-rule-after-stop fails ikev2_ikf_rule
{ cat "$IKF/ikeflowd.conf"; echo "install_routes = no"; } >"$W/noroutes.conf"
logged=$(wc -l <"$W/gw2.log")
check ikeflowd-noroutes ikev2_ikeflowd "$SEED/ipsec.conf" "$W/noroutes.conf"
check swan-up-2 swan gw1 gw1 up strongswan
check ikf-installed-2 wait_for 10 ikev2_ikf_installed
check no-rule fails ikev2_ikf_rule
check no-route ikev2_ikf_no_route
tail -n +$((logged + 1)) "$W/gw2.log" >"$W/gw2-noroutes.log"
check no-route-logged fails grep -q 'route installed' "$W/gw2-noroutes.log"
# h1's pings reach h2 through the tunnel; h2's replies find no route on gw2
check ping-fails fails ip netns exec h1 ping -q -c 3 -i 0.2 -W 1 203.0.113.10
