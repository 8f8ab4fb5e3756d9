# ikev2-expire: the kernel ends a child and ikeflowd follows. First an SA
# deleted behind ikeflowd's back (ip xfrm state delete), then a hard expiry
# (conf/ikev2-ikeflowd/expire.conf: SAs live 15 s, soft expiry at 10 s).
# Each time ikeflowd deletes the child with strongSwan too, no SA is left in
# either kernel, and the history record has the tunnel's counters (counted
# once).
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

hist_has()
{
	ctl gw2 gw2 show crypto ikev2 history | grep -q -- "$1"
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "$IKF/expire.conf"

say "an SA deleted behind ikeflowd's back"
check up ctl gw2 gw2 up ciscoios
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check ping-10 ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10
spi=$(ip -n gw2 xfrm state | awk '/^src 192.0.2.1 dst 192.0.2.2/ { getline; print $4; exit }')
check inbound-spi test -n "$spi"
check xfrm-delete ip -n gw2 xfrm state delete src 192.0.2.1 dst 192.0.2.2 proto esp spi "$spi"
check no-sas-after-delete wait_for 10 ikev2_no_sas
check ikf-log-other grep -q 'deleted from the kernel by another process' "$W/gw2.log"
check swan-child-deleted grep -q 'received DELETE for ESP CHILD_SA' "$W/gw1-charon.log"
check hist-10 wait_for 5 hist_has '#pkts encaps: 10, #pkts decaps: 10,'

say "a hard expiry"
check down ctl gw2 gw2 down ciscoios
check up-2 ctl gw2 gw2 up ciscoios
check ikf-installed-2 wait_for 20 ikev2_ikf_installed
check ping-5 ip netns exec h1 ping -q -c 5 -i 0.05 -W 2 203.0.113.10
check soft-expiry wait_for 15 grep -q 'reached its soft lifetime' "$W/gw2.log"
check hard-expiry wait_for 15 grep -q 'expired: deleting the child' "$W/gw2.log"
check no-sas-after-expiry wait_for 10 ikev2_no_sas
ctl gw2 gw2 show crypto ikev2 history >"$W/history.txt" 2>&1
cat "$W/history.txt"
check hist-5 grep -q '#pkts encaps: 5, #pkts decaps: 5,' "$W/history.txt"
