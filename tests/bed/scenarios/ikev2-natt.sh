# ikev2-natt: strongSwan (the IOS router on gw1) claims to be behind a NAT
# (forceencaps=yes fakes its NAT-D hash) and initiates; ikeflowd on gw2
# sees the NAT, installs ESP-in-UDP SAs on port 4500 and the kernel
# decapsulates through ikeflowd's UDP_ENCAP socket: 100 pings, 100 packets
# each way on both sides.
# bed-timeout: 120

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check charon-ios ikev2_ios "$IOS/forceencaps.conf"
check ikeflowd ikev2_ikeflowd
check swan-up swan gw1 gw1 up strongswan
check swan-installed wait_for 10 ikev2_swan_installed
check ikf-installed wait_for 10 ikev2_ikf_installed
check ikf-nat-detected grep -q 'NAT detected' "$W/gw2.log"
ip -n gw2 xfrm state >"$W/gw2-xfrm-state.txt"
check_eq gw2-encap-sas 2 "$(grep -c 'encap type espinudp sport 4500 dport 4500' "$W/gw2-xfrm-state.txt")"
ikev2_ping_and_count
check ikf-session-nat grep -q 'Capabilities:N ' "$W/gw2-show-session.txt"
