# xfrm-acquire: a "trap" policy (out policy with a template, no SA) installed
# through kernel/xfrm.c; a packet from h1 to h2 makes the kernel send ACQUIRE,
# which reaches the module's on_acquire handler with the policy's selector,
# the packet's addresses, the template's endpoints and its reqid.
# bed-timeout: 60

P=$BUILDDIR/tests/bed/xfrm-probe

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check trap-policy ip netns exec gw1 "$P" trap 192.0.2.1 192.0.2.2 \
    198.51.100.0/24 203.0.113.0/24 42
mkdir -p "$W/fixtures"
bed_bg events ip netns exec gw1 "$P" events 1 20 >"$W/events.txt" 2>&1
bed_bg capture ip netns exec gw1 "$P" capture "$W/fixtures" 1 20 >"$W/capture.txt" 2>&1
check events-ready wait_for 5 grep -q ready "$W/events.txt"
check capture-ready wait_for 5 grep -q ready "$W/capture.txt"
# no SA: the ping itself fails
ip netns exec h1 ping -c 1 -W 1 203.0.113.10 >/dev/null 2>&1
check acquire-seen wait_for 10 grep -q "event ACQUIRE" "$W/events.txt"
cat "$W/events.txt"
check acquire-fields grep -q \
    "event ACQUIRE sel=198.51.100.0/24===203.0.113.0/24 pkt=198.51.100.10->203.0.113.10 proto=0 tmpl=192.0.2.1->192.0.2.2 reqid=42" \
    "$W/events.txt"
check acquire-captured wait_for 10 sh -c "ls '$W/fixtures' | grep -q ACQUIRE"
