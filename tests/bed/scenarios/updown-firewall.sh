# updown-firewall: leftfirewall=yes and leftupdown, strongSwan's updown
# contract. gw2 drops everything in INPUT and FORWARD but IKE and ESP; h1
# behind gw1 (strongSwan as the seed's IOS router) pings h2 behind gw2.
#  - reference: strongSwan in gw2's place with the seed config
#    (leftfirewall=yes): 100 pings pass, its rules go with `ipsec down`;
#  - ikeflowd, the same config: the default updown script adds the FORWARD
#    rules (policy match on the tunnel's reqid), 100 pings pass, and
#    `ikeflowctl down` removes them;
#  - leftfirewall=no: the tunnel is up, ESP arrives and is decrypted, but
#    no ping passes the firewall;
#  - leftupdown=a custom script: it receives the documented PLUTO_*
#    environment on up and down (it dumps it into $W);
#  - ikeflowd as the responder: strongSwan's up returns with the rules in;
#  - ikeflowd stopped with the tunnel up: the down still runs.
# Pings start as soon as the tunnel is up, as a user's would: `ipsec up`
# and `ikeflowctl up` return once the up scripts ran, and ikeflowd, as
# charon, answers an initiator only after its scripts. Routes to the remote
# subnets are the topology's hand-made ones (this scenario is about the
# firewall).
# bed-timeout: 600

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

# INPUT and FORWARD drop by default; IKE, NAT-T and ESP reach the gateway
gw2_firewall()
{
	local ipt="ip netns exec gw2 iptables -w 10"

	$ipt -P INPUT DROP && $ipt -P FORWARD DROP &&
	$ipt -A INPUT -p udp --dport 500 -j ACCEPT &&
	$ipt -A INPUT -p udp --dport 4500 -j ACCEPT &&
	$ipt -A INPUT -p esp -j ACCEPT
}

# The FORWARD rules that match IPsec policies (strongSwan's or ours).
ipsec_rules()
{
	ip netns exec gw2 iptables -w 10 -S FORWARD | grep -e '--pol ipsec'
}
nrules() { ipsec_rules | grep -c .; }
rules_in() { [ "$(nrules)" = 2 ]; }
rules_gone() { [ "$(nrules)" = 0 ]; }

ping_100()
{
	ip netns exec h1 ping -q -c 100 -i 0.01 -W 2 203.0.113.10 >"$W/ping-$1.txt" 2>&1
	grep -q ' 100 received' "$W/ping-$1.txt"
}

ping_none()
{
	ip netns exec h1 ping -q -c 5 -i 0.2 -W 1 203.0.113.10 >"$W/ping-$1.txt" 2>&1
	grep -q ' 0 received' "$W/ping-$1.txt"
}

reqid()
{
	ip -n gw2 xfrm state | awk '/reqid/ { for (i = 1; i < NF; i++)
	    if ($i == "reqid") { print $(i + 1); exit } }'
}

# Packets the inbound SA of gw2 decrypted (ESP from 192.0.2.1).
gw2_in_pkts()
{
	ip -n gw2 -s xfrm state | awk '/^src 192.0.2.1 dst 192.0.2.2/ { on = 1 }
	    on && /lifetime current:/ { getline; sub(/\(packets\).*/, "");
	    sub(/.*, */, ""); print; exit }'
}

swan2_installed() { swan gw2 swan2 status ciscoios | grep -q INSTALLED; }

check topology bed_topology
check firewall gw2_firewall
check charon-ios ikev2_ios

say "reference: strongSwan on gw2 with leftfirewall=yes"
check swan2-start start_strongswan gw2 swan2 "$SEED/ipsec.conf" "$SEED/ipsec.secrets"
check swan2-up swan gw2 swan2 up ciscoios
check swan2-installed wait_for 20 swan2_installed
# charon runs the script before it reports the CHILD_SA established
check swan2-rules-when-up-returns rules_in
check swan2-ping-100 ping_100 swan2
check swan2-down swan gw2 swan2 down ciscoios
check swan2-rules-gone wait_for 10 rules_gone
swan gw2 swan2 stop >/dev/null 2>&1
check swan2-stopped wait_for 10 sh -c '! ip -n gw2 xfrm state | grep -q .'
check gw1-no-sas wait_for 10 sh -c '! ip -n gw1 xfrm state | grep -q .'

say "ikeflowd on gw2, leftfirewall=yes"
cp "$SEED/ipsec.conf" "$W/ipsec.conf"
check ikeflowd ikev2_ikeflowd "$W/ipsec.conf"
check_eq no-rules-before 0 "$(nrules)"
check up ctl gw2 gw2 up ciscoios
# as `ipsec up`, `ikeflowctl up` returns once the up scripts ran
check rules-when-up-returns rules_in
ipsec_rules >"$W/rules-up.txt" 2>&1
R=$(reqid)
check rule-in grep -qxe "-A FORWARD -s 198.51.100.0/24 -d 203.0.113.0/24 -i v2 -m policy --dir in --pol ipsec --reqid $R --proto esp -j ACCEPT" \
    "$W/rules-up.txt"
check rule-out grep -qxe "-A FORWARD -s 203.0.113.0/24 -d 198.51.100.0/24 -o v2 -m policy --dir out --pol ipsec --reqid $R --proto esp -j ACCEPT" \
    "$W/rules-up.txt"
check ping-100 ping_100 fw
check down ctl gw2 gw2 down ciscoios
check rules-gone wait_for 10 rules_gone
check no-sas-after-down wait_for 10 ikev2_no_sas
check no-updown-errors sh -c "! grep -q 'updown.*fail' '$W/gw2.log'"

say "ikeflowd answers: the peer's up returns after ikeflowd's rules are in"
swan gw1 gw1 up strongswan >"$W/swan-up-resp.txt" 2>&1
check peer-up grep -q "connection 'strongswan' established successfully" \
    "$W/swan-up-resp.txt"
check rules-when-peer-up-returns rules_in
check ping-100-responder ping_100 fw-responder
check down-responder ctl gw2 gw2 down ciscoios
check rules-gone-responder wait_for 10 rules_gone
check no-sas-responder wait_for 10 ikev2_no_sas

say "leftfirewall=no: nothing opens the firewall"
sed -i 's/^  leftfirewall=yes$/  leftfirewall=no/' "$W/ipsec.conf"
check reload-nofw ctl gw2 gw2 reload
check up-nofw ctl gw2 gw2 up ciscoios
check ikf-installed-nofw wait_for 20 ikev2_ikf_installed
check ping-none ping_none nofw
check_ge esp-decrypted 5 "$(gw2_in_pkts)"
check_eq no-rules-nofw 0 "$(nrules)"
check down-nofw ctl gw2 gw2 down ciscoios
check no-sas-nofw wait_for 10 ikev2_no_sas

say "leftupdown: a custom script gets the PLUTO_* environment"
cat >"$W/dump.sh" <<EOF
#!/bin/sh
env | grep '^PLUTO_' | sort >"$W/env-\$PLUTO_VERB.tmp"
mv "$W/env-\$PLUTO_VERB.tmp" "$W/env-\$PLUTO_VERB"
echo "dumped \$PLUTO_VERB"
EOF
chmod +x "$W/dump.sh"
sed -i "s|^  leftfirewall=no\$|  leftupdown=$W/dump.sh|" "$W/ipsec.conf"
check reload-custom ctl gw2 gw2 reload
check up-custom ctl gw2 gw2 up ciscoios
check ikf-installed-custom wait_for 20 ikev2_ikf_installed
check env-up wait_for 10 test -s "$W/env-up-client"
R=$(reqid)
# the IKE SA's ID as the views show it ("SA ID = N")
U=$(sed -n 's/.*IKEv2:(SA ID = \([0-9]*\)):Child SA installed.*/\1/p' "$W/gw2.log" |
    tail -1)
# every documented variable of a tunnel mode ESP child without NAT, mark
# or IPComp, and nothing else
sort >"$W/env-expected" <<EOF
PLUTO_VERSION=1.1
PLUTO_VERB=up-client
PLUTO_CONNECTION=ciscoios
PLUTO_INTERFACE=v2
PLUTO_REQID=$R
PLUTO_PROTO=esp
PLUTO_UNIQUEID=$U
PLUTO_ME=192.0.2.2
PLUTO_MY_ID=192.0.2.2
PLUTO_MY_CLIENT=203.0.113.0/24
PLUTO_MY_CLIENT_NET=203.0.113.0
PLUTO_MY_CLIENT_MASK=255.255.255.0
PLUTO_MY_PORT=0
PLUTO_MY_PROTOCOL=0
PLUTO_PEER=192.0.2.1
PLUTO_PEER_ID=192.0.2.1
PLUTO_PEER_CLIENT=198.51.100.0/24
PLUTO_PEER_CLIENT_NET=198.51.100.0
PLUTO_PEER_CLIENT_MASK=255.255.255.0
PLUTO_PEER_PORT=0
PLUTO_PEER_PROTOCOL=0
EOF
check env-up-vars diff -u "$W/env-expected" "$W/env-up-client"
check env-no-psk sh -c "! grep -qw cisco '$W/env-up-client'"
check script-output-logged grep -q 'IKE:ciscoios: updown up-client: dumped up-client' \
    "$W/gw2.log"
check down-custom ctl gw2 gw2 down ciscoios
check env-down wait_for 10 test -s "$W/env-down-client"
check env-down-same sh -c "sed 's/^PLUTO_VERB=down-/PLUTO_VERB=up-/' '$W/env-down-client' |
    cmp -s - '$W/env-up-client'"

say "shutdown with the tunnel up: the down still runs"
sed -i "s|^  leftupdown=.*\$|  leftfirewall=yes|" "$W/ipsec.conf"
check reload-fw ctl gw2 gw2 reload
check up-again ctl gw2 gw2 up ciscoios
check ikf-installed-again wait_for 20 ikev2_ikf_installed
check rules-in-again wait_for 10 rules_in
check stop kill "$(cat /tmp/gw2/ikeflowd.pid)"
check stopped wait_for 10 sh -c '! test -e /tmp/gw2/ikeflowd.pid'
check_eq rules-gone-at-stop 0 "$(nrules)"
