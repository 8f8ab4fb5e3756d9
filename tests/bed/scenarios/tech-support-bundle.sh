# tech-support-bundle: the seed tunnel (strongSwan as the IOS router on gw1,
# ikeflowd on gw2) up with canary PSKs and 100 pings, then `ikeflowctl
# tech-support bundle` on gw2. The bundle, unpacked with tar, holds the
# tunnel, its 100-packet counters and its SPIs, and none of the secrets:
# the PSKs (quoted, 0x and 0s forms in ipsec.secrets) and the tunnel's real
# ESP keys read from the kernel and the IKE keys (SK_d, SK_a, SK_e, SK_p)
# charon logged on gw1 (ikeflowd has no hook that shows them; the IKE SA's
# keys are the same on both ends), in plain, hex and base64 forms. The
# same bundle is downloaded from ikeflowd's web server by curl on gw2's
# loopback (GET /tech-support.tar.gz, made by ikeflowctl in a child) and
# goes through the same checks; gw1, not local and without http_auth_file,
# is refused (403) and its dashboard has no link to it. Then
# ikeflowd is killed (a daemon that does not answer) and the bundle made
# again: what the client gathers alone, the same secrets absent, and what
# is missing said in MANIFEST and on stderr.
# bed-timeout: 480

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
	echo "http_listen = *:8080"
	echo "http_allow = 192.0.2.0/24, 127.0.0.0/8"
} >"$W/gw2-ikeflowd.conf"

# charon on gw1 logs the IKE SA's keys (level 4) to a file of their own
BED_SWAN_CHARON="filelog {
	keys {
		path = $W/gw1-ike-keys.log
		default = 0
		ike = 4
		flush_line = yes
	}
}"
check topology bed_topology
check charon-ios ikev2_ios "$IOS/ipsec.conf" "$W/gw1-ipsec.secrets"
check ikeflowd start_ikeflowd gw2 gw2 -c "$W/gw2-ikeflowd.conf"
check swan-up swan gw1 gw1 up strongswan
check ikf-installed wait_for 10 ikev2_ikf_installed
ikev2_ping_and_count

# The secrets: the PSKs, the ESP keys the kernel holds (ip shows them)
# and the IKE keys.
ip -n gw2 xfrm state >"$W/gw2-xfrm-keys.txt"
KEYS=$(grep -Eo '0x[0-9a-f]{16,}' "$W/gw2-xfrm-keys.txt" | sort -u)
check_eq esp-keys-read 4 "$(printf '%s\n' "$KEYS" | grep -c .)"
IKE_KEYS=$(python3 "$SRCDIR/tests/bed/secret-forms.py" --swan-keys "$W/gw1-ike-keys.log")
check_eq ike-keys-read 7 "$(printf '%s\n' "$IKE_KEYS" | grep -c .)"
set -- text:"$PSK" text:"$PSK_HEX" text:"$PSK_B64"
for k in $KEYS $IKE_KEYS; do
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

# no_secret FILE DIR: no form of any secret in the archive's bytes (gunzipped)
# nor in any file it holds.
no_secret()
{
	gzip -dc "$1" >"$1.tar" &&
	none_found -qaiF -f "$W/forms.txt" "$1.tar" &&
	none_found -raiF -f "$W/forms.txt" "$2"
}

# sums_and_mode FILE DIR [any]: 0600 (unless any: a download's mode is
# the client's), and MANIFEST's SHA-256 sums check out.
sums_and_mode()
{
	{ [ "${3:-}" = any ] || [ "$(stat -c %a "$1")" = 600 ]; } &&
	(cd "$2" && grep -E '^[0-9a-f]{64} ' MANIFEST |
	    awk '{ print $1 "  " $3 }' | sha256sum -c --quiet)
}

# masked DIR: the secrets lines are there, their secrets are not; the
# rest of the configuration is kept.
masked()
{
	grep -q '^192.0.2.1 : PSK <redacted>$' "$1/config/ipsec.secrets" &&
	grep -q '^198.51.100.77 : PSK <redacted>$' "$1/config/ipsec.secrets" &&
	grep -q '^198.51.100.78 : PSK <redacted>$' "$1/config/ipsec.secrets" &&
	grep -q 'rightsubnet=198.51.100.0/24' "$1/config/ipsec.conf" &&
	grep -q 'configuration OK' "$1/check-config.txt"
}

# kernel_tables DIR: both SPIs in the kernel's SA table, no key line,
# xfrm_stat.
kernel_tables()
{
	grep -q "spi $SPI_IN(" "$1/kernel/xfrm-state.txt" &&
	grep -q "spi $SPI_OUT(" "$1/kernel/xfrm-state.txt" &&
	none_found -Eq 'enc |auth|aead' "$1/kernel/xfrm-state.txt" &&
	grep -q XfrmInNoStates "$1/kernel/xfrm_stat"
}

# bundle_check TAG FILE [any]: unpacks FILE into $W/TAG and checks the
# above.
bundle_check()
{
	say "$(date +%T) checking the $1 bundle"
	rm -rf "$W/$1" && mkdir "$W/$1" &&
	check "$1-untar" tar -C "$W/$1" -xzf "$2"
	D=$(ls -d "$W/$1"/ikeflow-techsupport-*)
	check "$1-no-secret" no_secret "$2" "$W/$1"
	check "$1-sha256-0600" sums_and_mode "$2" "$D" "${3:-}"
	check "$1-config-masked" masked "$D"
	check "$1-kernel-tables" kernel_tables "$D"
}

# the tunnel, its 100 packets each way and its SPIs, in the IOS views
tech_text()
{
	local t=$1/tech-support.txt

	grep -q '^------------------ show crypto ipsec sa detail ------------------$' "$t" &&
	grep -q 'Session status: UP-ACTIVE' "$t" &&
	grep -q '#pkts encaps: 100,' "$t" && grep -q '#pkts decaps: 100,' "$t" &&
	grep -qi "spi: $SPI_IN(" "$t" && grep -qi "spi: $SPI_OUT(" "$t" &&
	grep -q '<hidden>' "$t"
}

# the flow MIB as JSON (valid, with the SPI) and as text; the kernel's
# 100 packets; the policies ikeflowd owns; the log
other_files()
{
	python3 -m json.tool "$1/mib/flowmib.json" >/dev/null &&
	grep -qi "\"$SPI_IN\"" "$1/mib/flowmib.json" &&
	grep -q 'Remote address' "$1/mib/show-crypto-mib-ipsec-flowmib-tunnel.txt" &&
	grep -q '100(packets)' "$1/kernel/xfrm-state.txt" &&
	grep -q 'tmpl src 192.0.2.2 dst 192.0.2.1' "$1/views/show-crypto-ruleset-detail.txt" &&
	grep -q 'ikeflowd .* ready' "$1/log/ikeflowd.log" &&
	grep -q '^# nothing missing' "$1/MANIFEST"
}

say "$(date +%T) making the bundle"
check bundle-cli ctl gw2 gw2 tech-support bundle -o "$W/bundle.tar.gz" \
    -c "$W/gw2-ikeflowd.conf"
bundle_check up "$W/bundle.tar.gz"
check up-tech-support tech_text "$D"
check up-other-files other_files "$D"

# The same from the web server, to a local client (curl on gw2's loopback).
say "$(date +%T) downloading the bundle over HTTP"
check bundle-web ip netns exec gw2 curl -sf --max-time 120 -D "$W/web-headers.txt" \
    -o "$W/bundle-web.tar.gz" http://127.0.0.1:8080/tech-support.tar.gz
check web-attachment grep -Eqi \
    '^Content-Disposition: attachment; filename=ikeflow-techsupport-[A-Za-z0-9._-]+-[0-9]{8}-[0-9]{6}\.tar\.gz' \
    "$W/web-headers.txt"
check web-no-store grep -qi '^Cache-Control: no-store' "$W/web-headers.txt"
bundle_check web "$W/bundle-web.tar.gz" any
check web-tech-support tech_text "$D"
check web-other-files other_files "$D"
check web-child-logged grep -q 'web: tech-support bundle for 127.0.0.1: [0-9]* bytes sent' \
    "$W/gw2.log"
# gw1 may see the dashboard (http_allow) but, not local and with no
# http_auth_file, not the bundle, nor a link to it
check_eq web-remote-403 403 "$(ip netns exec gw1 curl -s -o "$W/web-403.html" \
    -w '%{http_code}' --max-time 30 http://192.0.2.2:8080/tech-support.tar.gz)"
check web-remote-page ip netns exec gw1 curl -sf --max-time 30 -o "$W/web-remote.html" \
    http://192.0.2.2:8080/
check web-remote-no-link none_found -q 'tech-support.tar.gz' "$W/web-remote.html"
check web-refusal-logged grep -q 'web: 192.0.2.1: tech-support bundle refused' "$W/gw2.log"

# A daemon that does not answer: killed, its SAs left in the kernel.
kill -9 "$(cat /tmp/gw2/ikeflowd.pid)"
check ikf-dead wait_for 5 fails ctl gw2 gw2 status
check bundle-alone sh -c 'ip netns exec gw2 "$0" -s /tmp/gw2/ctl.sock tech-support \
    bundle -o "$1" -c "$2" -d /tmp/gw2/state 2>"$3"' "$IKEFLOWCTL" \
    "$W/bundle-alone.tar.gz" "$W/gw2-ikeflowd.conf" "$W/bundle-alone.err"
check alone-stderr grep -q 'ikeflowd did not answer' "$W/bundle-alone.err"
bundle_check alone "$W/bundle-alone.tar.gz"
# what is missing and why; the XFRM tables read by the client itself; the
# records ikeflowd saved, or why there are none (it saves every 5 min)
check alone-manifest grep -q '^MISSING tech-support.txt: .*ikeflowd did not answer' \
    "$D/MANIFEST"
check alone-read-itself grep -q 'read by ikeflowctl over netlink' "$D/kernel/xfrm-state.txt"
check alone-state-records grep -Eq \
    '^(MISSING state/: /tmp/gw2/state holds no saved records|[0-9a-f]{64} +[0-9]+  state/)' \
    "$D/MANIFEST"
