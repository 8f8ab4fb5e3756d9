# ikev2-delete: deleting the seed tunnel from either side removes the SAs
# on both (no SA left in either kernel), and ikeflowd keeps a history record
# with the tunnel's final counters and the reason.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd

say "ikeflowd deletes"
check up ctl gw2 gw2 up ciscoios
check swan-installed wait_for 20 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check ping-10 ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10
ctl gw2 gw2 down ciscoios >"$W/down.txt" 2>&1
check_eq down-exit 0 $?
cat "$W/down.txt"
# down returned: the SAs are gone already, on both sides
check no-sas-after-down ikev2_no_sas
check down-says-deleted grep -q "connection 'ciscoios' closed: its SAs are deleted" \
    "$W/down.txt"
swan gw1 gw1 status strongswan >"$W/swan-status-down.txt" 2>&1
check swan-no-ike-sa fails grep -q ESTABLISHED "$W/swan-status-down.txt"
check swan-log-deleted grep -q 'received DELETE for IKE_SA' "$W/gw1-charon.log"
check ikf-log-down grep -q 'CRYPTO-5-IKEV2_SESSION_STATUS.*is DOWN' "$W/gw2.log"
ctl gw2 gw2 show crypto ikev2 history >"$W/history-1.txt" 2>&1
cat "$W/history-1.txt"
check hist-ike-operator grep -q 'ciscoios: IKE SA .*ended: operator request' "$W/history-1.txt"
check hist-child-operator grep -q 'ciscoios: tunnel .*ended: operator request' "$W/history-1.txt"
check hist-counters grep -q '#pkts encaps: 10, #pkts decaps: 10,' "$W/history-1.txt"
ctl gw2 gw2 show crypto session >"$W/session-down.txt" 2>&1
check ikf-no-session fails grep -q UP-ACTIVE "$W/session-down.txt"

say "strongSwan deletes"
check swan-up swan gw1 gw1 up strongswan
check ikf-installed-2 wait_for 10 ikev2_ikf_installed
check ping-5 ip netns exec h1 ping -q -c 5 -i 0.05 -W 2 203.0.113.10
check swan-down swan gw1 gw1 down strongswan
check no-sas-after-swan-down wait_for 10 ikev2_no_sas
ctl gw2 gw2 show crypto ikev2 history >"$W/history-2.txt" 2>&1
cat "$W/history-2.txt"
check hist-ike-peer grep -q 'ciscoios: IKE SA .*ended: peer delete' "$W/history-2.txt"
check hist-child-peer grep -q 'ciscoios: tunnel .*ended: peer delete' "$W/history-2.txt"
check hist-counters-2 grep -q '#pkts encaps: 5, #pkts decaps: 5,' "$W/history-2.txt"
ctl gw2 gw2 statusall >"$W/statusall.txt" 2>&1
check ikf-statusall-no-sa fails grep -q ESTABLISHED "$W/statusall.txt"
# the history survives a restart: the state file has it
check stop sh -c 'kill "$(cat /tmp/gw2/ikeflowd.pid)"'
check stopped wait_for 10 sh -c '! test -e /tmp/gw2/ikeflowd.pid'
check restart ikev2_ikeflowd
hist_persisted()
{
	ctl gw2 gw2 show crypto ikev2 history | grep -q 'ended: peer delete'
}
check hist-persisted wait_for 5 hist_persisted
