# ikev2-slow-answer: the peer's answer comes after the kernel dropped the
# inbound SPI ikeflowd reserved for the child. ikeflowd (gw2) initiates the
# seed's tunnel to strongSwan (gw1), whose IKE messages leave 3 s late,
# while gw2's kernel keeps an SPI reservation (ALLOCSPI's larval SA) for
# 1 s (net.core.xfrm_acq_expires; 30 s by default, which a peer slow to
# answer or a few retransmissions exceed). The update of the reserved SA
# finds none: ikeflowd adds the SA anew with the SPI it offered, says so,
# and the tunnel carries 100 pings each way counted by both kernels.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

printf '%s\n' 'log_level = info' 'refresh_interval = 1000' \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"

# no hand-made routes: both daemons install their own
check topology bed_topology hosts gw1 gw2
check acq-expires ip netns exec gw2 sysctl -q -w net.core.xfrm_acq_expires=1
check charon-ios ikev2_ios
check ikeflowd ikev2_ikeflowd "" "$W/gw2-ikeflowd.conf"
# gw1's UDP (IKE) through a 3 s netem band; its ESP goes undelayed
check delay-ike sh -c 'ip netns exec gw1 tc qdisc add dev v1 root handle 1: prio &&
    ip netns exec gw1 tc qdisc add dev v1 parent 1:3 handle 30: netem delay 3000ms &&
    ip netns exec gw1 tc filter add dev v1 parent 1: protocol ip prio 1 u32 \
    match ip protocol 17 0xff flowid 1:3'
ctl gw2 gw2 up ciscoios >"$W/up.txt" 2>&1
check_eq up-exit 0 $?
cat "$W/up.txt"
check spi-readded grep -q 'reservation expired in the kernel.*adding the SA with it anew' \
    "$W/gw2.log"
check no-update-error sh -c "! grep -q 'update SA.*No such process' '$W/gw2.log'"
ikev2_ping_and_count
check_eq gw2-sa-count 2 "$(ikev2_sa_count gw2)"
check ikf-installed ikev2_ikf_installed
