# ikev1-interop-matrix: IKEv1 against strongSwan (gw1, keyexchange=ikev1)
# for the proposals of the interop matrix, ikeflowd (gw2) in both roles:
# 3DES/SHA1/MODP1024 (esp 3des-sha1), AES-256/SHA-256/MODP2048 with PFS
# MODP2048, AES-256/SHA-384/ECP-384 with PFS ECP-384. Six cells, one
# connection each (conf/ikev1-interop-matrix), all at once in one boot.
# Each cell establishes with exactly its proposal (both daemons' views,
# PFS group), carries 100 pings counted exactly in the flow MIB's tunnel
# view, then while 300 more pings cross it rekeys phase 2 (ikeflowd for
# its i* cells by lifetime, strongSwan for the r* cells on request; the
# MODP2048 cells by kilobytes instead: ikeflowd's lifebytes/marginbytes
# for imodp2048, strongSwan's for rmodp2048 (40000 bytes, 20000 margin:
# 39 KB offered by ikeflowd, 40 KB by strongSwan), both SAs of a pair
# with the kilobytes agreed as hard byte limit in gw2's kernel,
# ikeflowd's with its soft limit 20000 bytes before that) and phase 1
# (ikeflowd by ikelifetime: a new Main Mode that adopts the tunnel): no
# ping lost, one tunnel index, counters cumulative (400 each way at the
# end), the old SAs gone, one pair a cell left. The seed proposal, DPD
# and NAT-T have their own ikev1-* scenarios.
# bed-timeout: 180

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"
. "$SRCDIR/tests/bed/conf/ikev1-common/ikev1.sh"

MX=$SRCDIR/tests/bed/conf/ikev1-interop-matrix
# CELL:NAME:statusall's IKE proposal:its ESP proposal:ikeflowd's
# isakmp sa detail (encr hash auth DH):its ipsec sa transform:PFS group
CELLS="
1:i3des:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024:3DES_CBC/HMAC_SHA1_96:3des +sha +psk +2:esp-3des esp-sha-hmac:
2:r3des:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024:3DES_CBC/HMAC_SHA1_96:3des +sha +psk +2:esp-3des esp-sha-hmac:
3:imodp2048:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048:aes256 +sha256 +psk +14:esp-256-aes esp-sha256-hmac:group14
4:rmodp2048:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048:aes256 +sha256 +psk +14:esp-256-aes esp-sha256-hmac:group14
5:iecp384:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_384:AES_CBC_256/HMAC_SHA2_384_192/ECP_384:aes256 +sha384 +psk +20:esp-256-aes esp-sha384-hmac:group20
6:recp384:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_384:AES_CBC_256/HMAC_SHA2_384_192/ECP_384:aes256 +sha384 +psk +20:esp-256-aes esp-sha384-hmac:group20
"

# mx_cells: "N NAME" for every cell.
mx_cells()
{
	local IFS=:
	local n name rest

	while read -r n name rest; do
		[ -n "$n" ] && echo "$n $name"
	done <<<"$CELLS"
}

# mx_samples: "N INDEX OUT IN" for every cell with a tunnel, from the flow
# MIB's tunnel view on gw2 (its remote address names the cell).
mx_samples()
{
	ctl gw2 gw2 show crypto mib ipsec flowmib tunnel | awk '
	    /^ *Index:/ { i = $2 }
	    /^ *Remote address:/ { r = $3; sub(/^192\.0\.2\.1/, "", r) }
	    /^ *In packets:/ { p = $3 }
	    /^ *Out packets:/ { print r, i, $3, p }'
}

# mx_counted N: every cell's tunnel counts N packets each way.
mx_counted()
{
	[ "$(mx_samples | awk -v n="$1" '$3 == n && $4 == n' | wc -l)" = 6 ]
}

# mx_installed: a child of every cell in gw2's view.
mx_installed()
{
	[ "$(ctl gw2 gw2 show crypto ipsec sa | grep -c '^interface: ')" = 6 ]
}

# mx_cids N: C-ids of gw2's ISAKMP SAs with cell N's peer, one line.
mx_cids()
{
	ctl gw2 gw2 show crypto isakmp sa detail |
	    awk -v p="192.0.2.1$1" '$1 ~ /^[0-9]+$/ && $3 == p { print $1 }' | tr '\n' ' '
}

# mx_reauthed N C-ID: cell N has one ISAKMP SA on gw2, not C-ID.
mx_reauthed()
{
	local c

	c=$(mx_cids "$1")
	[ -n "$c" ] && [ "$c" = "${c%% *} " ] && [ "$c" != "$2 " ]
}

# mx_spis N: gw2's ESP SPIs of cell N, one line.
mx_spis()
{
	ip -n gw2 xfrm state | awk -v a="192.0.2.1$1" -v b="192.0.2.2$1" '
	    /^src / { c = ($2 == a || $2 == b) }
	    c && /proto esp spi/ { print $4 }' | sort | tr '\n' ' '
}

# mx_spis_gone N SPIS: none of SPIS is left in gw2's kernel for cell N.
mx_spis_gone()
{
	local s now

	now=" $(mx_spis "$1")"
	for s in $2; do
		[[ "$now" == *" $s "* ]] && return 1
	done
	return 0
}

# mx_one_pair N: cell N has one pair of ESP SAs in gw2's kernel.
mx_one_pair()
{
	[ "$(mx_spis "$1" | wc -w)" = 2 ]
}

# mx_byte_limits N: "SOFT HARD" byte limits of gw2's ESP SAs of cell N.
mx_byte_limits()
{
	ip -s -n gw2 xfrm state | awk -v a="192.0.2.1$1" -v b="192.0.2.2$1" '
	    /^src / { c = ($2 == a || $2 == b) }
	    c && /limit: soft .*\(bytes\)/ {
		sub(/\(bytes\),/, "", $3); sub(/\(bytes\)/, "", $5); print $3, $5 }'
}

# strongSwan keeps an IKEv1 pair it rekeyed until it expires unless told
# to delete it (as IOS does)
BED_SWAN_CHARON='delete_rekeyed = yes'

check topology bed_topology
# cell_addresses NS DEV PREFIX: PREFIX1 to PREFIX6 on DEV in NS
cell_addresses()
{
	local n

	for n in 1 2 3 4 5 6; do
		echo "addr add $3$n/24 dev $2"
	done | ip -n "$1" -batch -
}
check addresses-gw1 cell_addresses gw1 v1 192.0.2.1
check addresses-gw2 cell_addresses gw2 v2 192.0.2.2
check addresses-h1 cell_addresses h1 e0 198.51.100.1
check addresses-h2 cell_addresses h2 e0 203.0.113.1
install -m 0600 "$MX/ipsec.secrets" "$W/gw2-ipsec.secrets"
check charon start_strongswan gw1 gw1 "$MX/swan.conf" "$MX/swan.secrets"
check ikeflowd start_ikeflowd gw2 gw2 -c "$IKF/ikeflowd.conf" \
    --ipsec-conf "$MX/ipsec.conf" --ipsec-secrets "$W/gw2-ipsec.secrets"

say "all six cells come up at once"
while read -r n name; do
	if [ "${name:0:1}" = i ]; then
		ctl gw2 gw2 up "$name" >"$W/up-$name.txt" 2>&1 &
	else
		swan gw1 gw1 up "$name" >"$W/up-$name.txt" 2>&1 &
	fi
done <<<"$(mx_cells)"
wait
check all-installed wait_for 20 mx_installed
# the kilobyte cells' byte limits in gw2's kernel: the kilobytes the
# initiator offered, and ikeflowd's soft limit where it rekeys
# (imodp2048), none where strongSwan does (rmodp2048)
check_eq imodp2048/kernel-bytes 2 "$(mx_byte_limits 3 | grep -c '^19936 39936$')"
check_eq rmodp2048/kernel-bytes 2 "$(mx_byte_limits 4 | grep -c '^(INF) 40960$')"
swan gw1 gw1 statusall >"$W/gw1-statusall.txt" 2>&1
ctl gw2 gw2 show crypto isakmp sa detail >"$W/gw2-isakmp-sa-detail.txt" 2>&1
ctl gw2 gw2 show crypto ipsec sa >"$W/gw2-ipsec-sa.txt" 2>&1
while IFS=: read -r n name ike esp isakmp xform pfs; do
	[ -n "$n" ] || continue
	check "$name/up" grep -Eq "established|CHILD SA installed" "$W/up-$name.txt"
	check "$name/swan-ike" grep -Eq "^ *$name\[[0-9]+\]: IKE proposal: $ike\$" \
	    "$W/gw1-statusall.txt"
	check "$name/swan-esp" grep -Eq "^ *$name\{[0-9]+\}: +$esp," "$W/gw1-statusall.txt"
	check "$name/ikf-isakmp" grep -Eq \
	    "^[0-9]+ +192\.0\.2\.2$n +192\.0\.2\.1$n +ACTIVE +$isakmp " \
	    "$W/gw2-isakmp-sa-detail.txt"
	awk -v c="^interface: $name\$" '$0 ~ c { p = 1; next } /^interface: / { p = 0 } p' \
	    "$W/gw2-ipsec-sa.txt" >"$W/gw2-ipsec-sa-$name.txt"
	check "$name/ikf-transform" grep -q "transform: $xform ," "$W/gw2-ipsec-sa-$name.txt"
	if [ -n "$pfs" ]; then
		check "$name/ikf-pfs" grep -q "PFS (Y/N): Y, DH group: $pfs" "$W/gw2-ipsec-sa-$name.txt"
	else
		check "$name/ikf-no-pfs" grep -q "PFS (Y/N): N" "$W/gw2-ipsec-sa-$name.txt"
	fi
done <<<"$CELLS"

say "100 pings in each cell, counted exactly"
while read -r n name; do
	ping_all h1 "203.0.113.1$n" -I "198.51.100.1$n" >"$W/ping-$name.txt" 2>&1 &
	echo "$! $name" >>"$W/pings"
done <<<"$(mx_cells)"
while read -r p name; do
	wait "$p"
	check "$name/ping-100" test $? = 0
done <"$W/pings"
mx_samples >"$W/samples-100.txt"
cat "$W/samples-100.txt"
check counted-100 wait_for 10 mx_counted 100

say "phase-2 and phase-1 rekeys under traffic in every cell"
while read -r n name; do
	eval "SPIS$n=\$(mx_spis $n)"
	c=$(mx_cids "$n")
	eval "C$n=${c%% *}"
	check "$name/isakmp-cid" test -n "${c%% *}"
done <<<"$(mx_cells)"
mx_samples >"$W/samples.txt"
while read -r n name; do
	ip netns exec h1 ping -i 0.05 -c 300 -W 2 -I "198.51.100.1$n" "203.0.113.1$n" \
	    >"$W/ping-rekey-$name.txt" 2>&1 &
	echo "$!" >>"$W/pings-rekey"
done <<<"$(mx_cells)"
# strongSwan rekeys the r* cells' phase 2 (one swanctl at a time: each
# is a heavy process in the guest), rmodp2048's by itself at its soft
# byte limit
for name in r3des recp384; do
	nsenter -t "$(cat /tmp/gw1/ns.pid)" -m -n swanctl --rekey --child "$name"
done >"$W/swan-rekey.txt" 2>&1 &
swan_rekey=$!
while read -r p; do
	while kill -0 "$p" 2>/dev/null; do
		mx_samples >>"$W/samples.txt"
		bed_sleep 1
	done
done <"$W/pings-rekey"
wait "$swan_rekey"
check_eq swan-rekeys 2 "$(grep -c '^rekey completed successfully' "$W/swan-rekey.txt")"
mx_samples >>"$W/samples.txt"
check counted-400 wait_for 10 mx_counted 400
while read -r n name; do
	# the r* cells' phase 2 is rekeyed by strongSwan, which deletes the
	# old pair at once: see IKEV1_PEER_REKEY_LOSS
	case $name in
	r*) max=$IKEV1_PEER_REKEY_LOSS ;;
	*) max=0 ;;
	esac
	check "$name/no-ping-lost" ikev1_pings_lost "$W/ping-rekey-$name.txt" 300 "$max"
	awk -v n="$n" '$1 == n { print $2, $3, $4 }' "$W/samples.txt" >"$W/samples-$name.txt"
	check "$name/samples" bed_samples_ok "$W/samples-$name.txt"
	eval "spis=\$SPIS$n c0=\$C$n"
	# in the MODP2048 cells only a rekey at the soft byte limit takes
	# the old pair away (keylife is an hour; a phase-1 rekey adopts it)
	check "$name/old-pair-gone" wait_for 10 mx_spis_gone "$n" "$spis"
	check "$name/reauthed" wait_for 10 mx_reauthed "$n" "$c0"
	check "$name/ikf-log-reauth" grep -q "reauthenticating with 192\.0\.2\.1$n\[500\]:" "$W/gw2.log"
done <<<"$(mx_cells)"
ctl gw2 gw2 show crypto ikev2 history >"$W/gw2-history.txt" 2>&1
while read -r n name; do
	eval "c0=\$C$n"
	check "$name/hist-old-isakmp-sa" grep -q "$name: IKE SA $c0 .*ended" "$W/gw2-history.txt"
done <<<"$(mx_cells)"
# one pair a cell once the old ones went
while read -r n name; do
	check "$name/one-pair" wait_for 20 mx_one_pair "$n"
done <<<"$(mx_cells)"
# at least one phase-2 rekey a cell (the i* cells' every 8 s)
check_ge ikf-rekeyed 6 "$(grep -c 'IPsec SA rekeyed' "$W/gw2.log")"
check no-psk-in-log sh -c "! grep -q 'matrix-cell' '$W/gw2.log'"
