#!/bin/sh
# Captures the IKEv2 exchanges between two strongSwan charon daemons in two
# network namespaces joined by a veth pair (UDP only: the CHILD_SA install
# may fail on a kernel without ESP, which happens after IKE_AUTH).
# Usage (root): capture.sh OUTDIR "INITIATOR PROPOSALS" "RESPONDER PROPOSALS"
set -eu
out=$(realpath -m "$1"); iprop=$2; rprop=$3
here=$(cd "$(dirname "$0")" && pwd)
w=$(mktemp -d /tmp/ikecap.XXXXXX)
mkdir -p "$out"
cleanup() {
	for n in 1 2; do
		[ -f $w/gw$n.pid ] && kill "$(cat $w/gw$n.pid)" 2>/dev/null || true
	done
	[ -f $w/sniff.pid ] && kill "$(cat $w/sniff.pid)" 2>/dev/null || true
	ip netns del ikecap1 2>/dev/null || true
	ip netns del ikecap2 2>/dev/null || true
	rm -rf "$w"
}
trap cleanup EXIT
ip netns add ikecap1; ip netns add ikecap2
ip link add cap1 type veth peer name cap2
ip link set cap1 netns ikecap1; ip link set cap2 netns ikecap2
ip -n ikecap1 addr add 192.0.2.1/24 dev cap1
ip -n ikecap2 addr add 192.0.2.2/24 dev cap2
for n in 1 2; do
	ip -n ikecap$n link set lo up; ip -n ikecap$n link set cap$n up
done

for n in 1 2; do
	if [ $n = 1 ]; then
		me=192.0.2.1 peer=192.0.2.2 myid=gw1.example.net peerid=192.0.2.2
		props=$iprop lts=198.51.100.0/24 rts=203.0.113.0/24
	else
		me=192.0.2.2 peer=192.0.2.1 myid=192.0.2.2 peerid=gw1.example.net
		props=$rprop lts=203.0.113.0/24 rts=198.51.100.0/24
	fi
	cat > $w/gw$n.conf <<C
charon {
	load_modular = yes
	install_routes = no
	retransmit_tries = 1
	plugins {
		include /etc/strongswan.d/charon/*.conf
		vici { socket = unix://$w/gw$n.vici }
	}
	filelog { f { path = $w/gw$n.log
		default = 1
		ike = 4
	} }
}
C
	cat > $w/gw$n.swanctl <<C
connections { c {
	local_addrs = $me
	remote_addrs = $peer
	version = 2
	mobike = no
	proposals = $props
	local { auth = psk
		id = $myid }
	remote { auth = psk
		id = $peerid }
	children { net {
		local_ts = $lts
		remote_ts = $rts
		esp_proposals = aes128-sha1
	} }
} }
secrets { ike-1 { id-1 = gw1.example.net
	id-2 = 192.0.2.2
	secret = "fixture-only-psk" } }
C
	ip netns exec ikecap$n unshare -m sh -c "mount --make-rprivate /; \
	    mount -t tmpfs r /run; STRONGSWAN_CONF=$w/gw$n.conf \
	    exec /usr/lib/ipsec/charon" >/dev/null 2>&1 &
	echo $! > $w/gw$n.pid
done
ip netns exec ikecap1 python3 "$here/sniff.py" cap1 "$out" &
echo $! > $w/sniff.pid
for n in 1 2; do
	i=0; while [ ! -S $w/gw$n.vici ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	swanctl --load-all --file $w/gw$n.swanctl --uri unix://$w/gw$n.vici >/dev/null 2>&1
done
swanctl --initiate --ike c --child net --timeout 10 --uri unix://$w/gw1.vici >/dev/null 2>&1 || true
sleep 1
# The initiator's view: exchanges, the chosen proposal and its IKE SA keys
# (level 4 hex dumps), so tests can open the encrypted fixtures.
grep -E "selected proposal|generating|parsed" $w/gw1.log | sed 's/^[0-9]*\[/[/' > "$out/exchanges.txt" || true
awk '/Sk_[a-z]+ secret =>/ { if (k != "") print k, h; k = tolower($2); h = ""; next }
	k != "" && /^[0-9]+\[IKE\] +[0-9]+: / {
		for (i = 3; i <= NF && $i ~ /^[0-9A-F][0-9A-F]$/; i++) h = h tolower($i); next }
	k != "" { print k, h; k = "" }
	END { if (k != "") print k, h }' $w/gw1.log | head -7 > "$out/keys.txt"
