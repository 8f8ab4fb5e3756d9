# tech-support-bundle: the seed tunnel (strongSwan as the IOS router on gw1,
# ikeflowd on gw2) up with canary PSKs and 100 pings, then `ikeflowctl
# tech-support bundle` on gw2. The bundle, unpacked with tar, holds the
# tunnel, its 100-packet counters and its SPIs, and none of the secrets:
# the PSKs (quoted, 0x and 0s forms in ipsec.secrets) and the tunnel's real
# ESP keys read from the kernel, in plain, hex and base64 forms. Then
# ikeflowd is killed (a daemon that does not answer) and the bundle made
# again: what the client gathers alone, the same secrets absent, and what
# is missing said in MANIFEST and on stderr.
# bed-timeout: 240

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

PSK='Zq7-CANARY-psk-9xK'
PSK_HEX='Zq7-CANARY-hex-11'	# written 0x... in ipsec.secrets
PSK_B64='Zq7-CANARY-b64-22'	# written 0s... in ipsec.secrets

printf '192.0.2.1 192.0.2.2 : PSK "%s"\n' "$PSK" >"$W/gw1-ipsec.secrets"
{
	echo "# canaries: none of these may reach the bundle"
	printf '192.0.2.1 : PSK "%s"\n' "$PSK"
	printf '198.51.100.77 : PSK 0x%s\n' "$(printf %s "$PSK_HEX" | od -An -tx1 | tr -d ' \n')"
	printf '198.51.100.78 : PSK 0s%s\n' "$(printf %s "$PSK_B64" | base64)"
} >"$W/gw2-ipsec.secrets"
chmod 600 "$W/gw2-ipsec.secrets"
{
	cat "$IKF/ikeflowd.conf"
	echo "ipsec_conf = $SEED/ipsec.conf"
	echo "ipsec_secrets = $W/gw2-ipsec.secrets"
} >"$W/gw2-ikeflowd.conf"

check topology bed_topology
check charon-ios ikev2_ios "$IOS/ipsec.conf" "$W/gw1-ipsec.secrets"
check ikeflowd start_ikeflowd gw2 gw2 -c "$W/gw2-ikeflowd.conf"
check swan-up swan gw1 gw1 up strongswan
check ikf-installed wait_for 10 ikev2_ikf_installed
ikev2_ping_and_count

# The secrets: the PSKs, and the ESP keys the kernel holds (ip shows them).
ip -n gw2 xfrm state >"$W/gw2-xfrm-keys.txt"
KEYS=$(grep -Eo '0x[0-9a-f]{16,}' "$W/gw2-xfrm-keys.txt" | sort -u)
check_eq esp-keys-read 4 "$(printf '%s\n' "$KEYS" | grep -c .)"
set -- text:"$PSK" text:"$PSK_HEX" text:"$PSK_B64"
for k in $KEYS; do
	set -- "$@" hex:"$k"
done
check secret-forms sh -c 'f=$1; shift; python3 "$0/tests/bed/secret-forms.py" "$@" >"$f"' \
    "$SRCDIR" "$W/forms.txt" "$@"
# the search finds a secret where there is one: the secrets file, and a
# copy of the key in the kernel's words
check forms-find-psk grep -qaF -f "$W/forms.txt" "$W/gw2-ipsec.secrets"
check forms-find-keys grep -qaF -f "$W/forms.txt" "$W/gw2-xfrm-keys.txt"

SPI_IN=$(ip -n gw2 xfrm state | awk '$1 == "proto" && prev ~ /dst 192.0.2.2/ { print $4 } { prev = $0 }')
SPI_OUT=$(ip -n gw2 xfrm state | awk '$1 == "proto" && prev ~ /dst 192.0.2.1/ { print $4 } { prev = $0 }')

# none_found GREP_ARGS...: grep ran and found nothing (not an error).
none_found()
{
	LC_ALL=C grep "$@"
	[ $? = 1 ]
}

# bundle_check TAG FILE: unpacks FILE into $W/TAG and searches every byte
# of the archive and of what it holds for every form of every secret.
bundle_check()
{
	local tag=$1 file=$2

	say "$(date +%T) checking the $tag bundle"
	rm -rf "$W/$tag" && mkdir "$W/$tag" &&
	check "$tag-untar" tar -C "$W/$tag" -xzf "$file"
	check "$tag-one-top" test "$(ls "$W/$tag" | wc -l)" = 1
	D=$(ls -d "$W/$tag"/ikeflow-techsupport-*)
	check "$tag-no-secret-files" none_found -raiF -f "$W/forms.txt" "$W/$tag"
	gzip -dc "$file" >"$W/$tag.tar"
	check "$tag-no-secret-tar" none_found -qaiF -f "$W/forms.txt" "$W/$tag.tar"
	check "$tag-mode-600" test "$(stat -c %a "$file")" = 600
	check "$tag-manifest-sha256" sh -c 'cd "$0" && grep -E "^[0-9a-f]{64} " MANIFEST |
	    awk "{ print \$1 \"  \" \$3 }" | sha256sum -c --quiet' "$D"
	check "$tag-secrets-masked" grep -q '^192.0.2.1 : PSK <redacted>$' \
	    "$D/config/ipsec.secrets"
	check "$tag-secrets-0x-masked" grep -q '^198.51.100.77 : PSK <redacted>$' \
	    "$D/config/ipsec.secrets"
	check "$tag-conf-kept" grep -q 'rightsubnet=198.51.100.0/24' "$D/config/ipsec.conf"
	check "$tag-xfrm-spis" grep -q "spi $SPI_IN(" "$D/kernel/xfrm-state.txt"
	check "$tag-xfrm-spi-out" grep -q "spi $SPI_OUT(" "$D/kernel/xfrm-state.txt"
	check "$tag-xfrm-no-keys" none_found -Eq 'enc |auth|aead' "$D/kernel/xfrm-state.txt"
	check "$tag-xfrm-stat" grep -q XfrmInNoStates "$D/kernel/xfrm_stat"
	check "$tag-check-config" grep -q 'configuration OK' "$D/check-config.txt"
}

say "$(date +%T) making the bundle"
check bundle-cli ctl gw2 gw2 tech-support bundle -o "$W/bundle.tar.gz" \
    -c "$W/gw2-ikeflowd.conf"
bundle_check up "$W/bundle.tar.gz"
UP=$(ls -d "$W/up"/ikeflow-techsupport-*)
check up-nothing-missing grep -q '^# nothing missing' "$UP/MANIFEST"
check up-tech-banner grep -q '^------------------ show crypto ipsec sa detail ------------------$' \
    "$UP/tech-support.txt"
check up-tech-encaps grep -q '#pkts encaps: 100,' "$UP/tech-support.txt"
check up-tech-decaps grep -q '#pkts decaps: 100,' "$UP/tech-support.txt"
check up-tech-spi-in grep -qi "spi: $SPI_IN(" "$UP/tech-support.txt"
check up-tech-spi-out grep -qi "spi: $SPI_OUT(" "$UP/tech-support.txt"
check up-tech-session grep -q 'Session status: UP-ACTIVE' "$UP/tech-support.txt"
check up-xfrm-100 grep -q '100(packets)' "$UP/kernel/xfrm-state.txt"
check up-mib-json python3 -m json.tool "$UP/mib/flowmib.json"
check up-mib-json-spi grep -qi "\"$SPI_IN\"" "$UP/mib/flowmib.json"
check up-mib-tunnel grep -q 'Remote address' "$UP/mib/show-crypto-mib-ipsec-flowmib-tunnel.txt"
check up-ruleset grep -q 'tmpl src 192.0.2.2 dst 192.0.2.1' \
    "$UP/views/show-crypto-ruleset-detail.txt"
check up-log grep -q 'ikeflowd .* ready' "$UP/log/ikeflowd.log"
check up-running-config grep -q '<hidden>' "$UP/views/show-running-config.txt"

# A daemon that does not answer: killed, its SAs left in the kernel.
kill -9 "$(cat /tmp/gw2/ikeflowd.pid)"
check ikf-dead wait_for 5 fails ctl gw2 gw2 status
check bundle-alone sh -c 'ip netns exec gw2 "$0" -s /tmp/gw2/ctl.sock tech-support \
    bundle -o "$1" -c "$2" -d /tmp/gw2/state 2>"$3"' "$IKEFLOWCTL" \
    "$W/bundle-alone.tar.gz" "$W/gw2-ikeflowd.conf" "$W/bundle-alone.err"
check alone-stderr grep -q 'ikeflowd did not answer' "$W/bundle-alone.err"
bundle_check alone "$W/bundle-alone.tar.gz"
AL=$(ls -d "$W/alone"/ikeflow-techsupport-*)
check alone-manifest-missing grep -q '^MISSING tech-support.txt: .*ikeflowd did not answer' \
    "$AL/MANIFEST"
check alone-read-itself grep -q 'read by ikeflowctl over netlink' "$AL/kernel/xfrm-state.txt"
# the records ikeflowd saved, or why there are none (it saves every 5 min)
check alone-state-records grep -Eq \
    '^(MISSING state/: /tmp/gw2/state holds no saved records|[0-9a-f]{64} +[0-9]+  state/)' \
    "$AL/MANIFEST"
