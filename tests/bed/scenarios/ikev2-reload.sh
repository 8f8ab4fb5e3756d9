# ikev2-reload: `ikeflowctl reload` with the seed tunnel up. Unchanged or
# changed, the connection's tunnel stays; removed from ipsec.conf, its
# tunnel is deleted with the peer; added back with auto=route, its trap
# policy is installed.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

trap_policy()
{
	ip -n gw2 xfrm policy | grep -A3 'src 203.0.113.0/24 dst 198.51.100.0/24' |
	    grep -q 'dir out'
}

# the daemon reads this copy, which the scenario edits
cp "$SEED/ipsec.conf" "$W/ipsec.conf"
# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "$W/ipsec.conf"
check up ctl gw2 gw2 up ciscoios
check ikf-installed wait_for 20 ikev2_ikf_installed

check reload-same ctl gw2 gw2 reload
check_eq same-sas 2 "$(ikev2_sa_count gw2)"
check ping-same ip netns exec h1 ping -q -c 3 -i 0.05 -W 2 203.0.113.10

sed -i 's/^  keylife=60m$/  keylife=50m/' "$W/ipsec.conf"
check reload-changed ctl gw2 gw2 reload
check changed-logged grep -q 'ciscoios: changed; its SAs keep the old settings' "$W/gw2.log"
check_eq changed-sas 2 "$(ikev2_sa_count gw2)"
check ping-changed ip netns exec h1 ping -q -c 3 -i 0.05 -W 2 203.0.113.10

sed -i '/^conn ciscoios/,$d' "$W/ipsec.conf"
check reload-removed ctl gw2 gw2 reload
check no-sas-after-remove wait_for 10 ikev2_no_sas
check swan-got-delete grep -q 'received DELETE for IKE_SA' "$W/gw1-charon.log"
check removed-history wait_for 5 sh -c "ip netns exec gw2 '$IKEFLOWCTL' -s /tmp/gw2/ctl.sock \
    show crypto ikev2 history | grep -q 'ended: operator request'"

sed -e 's/^  auto=add$/  auto=route/' "$SEED/ipsec.conf" >"$W/ipsec.conf"
check reload-route ctl gw2 gw2 reload
check trap-installed wait_for 5 trap_policy
ip netns exec h2 ping -c 1 -W 1 198.51.100.10 >/dev/null 2>&1
check routed-up wait_for 20 ikev2_ikf_installed
check ping-routed ip netns exec h2 ping -q -c 3 -i 0.05 -W 2 198.51.100.10
