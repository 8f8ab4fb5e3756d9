# ikev2-dh-pool: ikeflowd (gw2) with dh_workers = 2 answers the seed tunnel
# from strongSwan (gw1) with a Diffie-Hellman key pair its workers made
# ahead (the guest has one CPU, where dh_workers = auto starts none): the
# pool fills for the seed's group, the IKE_SA_INIT takes a ready key pair,
# the tunnel carries 100 pings. A reload with dh_workers = 0 stops the
# workers, and the next tunnel makes its key pair on demand.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

{ cat "$IKF/ikeflowd.conf"; echo 'dh_workers = 2'; } >"$W/pool.conf"

ikf_stats_match()	# ERE
{
	ctl gw2 gw2 show crypto ikev2 stats | grep -Eq -- "$1"
}

no_sas()
{
	[ "$(ikev2_sa_count gw1)" = 0 ] && [ "$(ikev2_sa_count gw2)" = 0 ]
}

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "" "$W/pool.conf"
# MODP-1536 only: one group, the daemon's depth of 8
check pool-filled wait_for 30 ikf_stats_match \
    'DH key pairs: 2 workers, 1 groups x 8, 8 ready; taken ready: 0,'
check swan-up swan gw1 gw1 up strongswan
check installed wait_for 10 ikev2_ikf_installed
check pool-taken ikf_stats_match 'taken ready: 1, made on demand: 0,'
ikev2_ping_and_count
ctl gw2 gw2 show crypto ikev2 stats >"$W/gw2-stats-pool.txt" 2>&1

{ cat "$IKF/ikeflowd.conf"; echo 'dh_workers = 0'; } >"$W/pool.conf"
check reload ctl gw2 gw2 reload
check pool-stopped wait_for 5 ikf_stats_match 'DH key pairs: made on demand \(no workers\)'
check swan-down swan gw1 gw1 down strongswan
check no-sas wait_for 10 no_sas
check swan-up-again swan gw1 gw1 up strongswan
check installed-again wait_for 10 ikev2_ikf_installed
check ping-10 ip netns exec h1 ping -q -c 10 -i 0.05 -W 2 203.0.113.10
ctl gw2 gw2 show crypto ikev2 stats >"$W/gw2-stats-inline.txt" 2>&1
