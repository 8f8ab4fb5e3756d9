# daemon-start: ikeflowd starts in gw2 with the seed's IKEv2 strongSwan
# configuration (conf/seed-ikev2, addresses moved to the bed) and answers
# `ikeflowctl status` with the connection "ciscoios".
# bed-timeout: 60

CONF=$SRCDIR/tests/bed/conf/seed-ikev2
# git keeps no 0600 mode: the secrets file gets it here
install -m 0600 "$CONF/ipsec.secrets" "$W/gw2-ipsec.secrets"

# hand-made covering routes (bed_topology): this scenario is not about
# routing; ikev2-routes-* test the daemons' own routes without them
check topology bed_topology
check ikeflowd-binary test -x "$IKEFLOWD"
check ikeflowd-starts start_ikeflowd gw2 gw2 \
    --ipsec-conf "$CONF/ipsec.conf" --ipsec-secrets "$W/gw2-ipsec.secrets"
check ikeflowd-pidfile wait_for 5 test -s /tmp/gw2/ikeflowd.pid
check ikeflowd-running sh -c 'kill -0 "$(cat /tmp/gw2/ikeflowd.pid)"'

out=$(ctl gw2 gw2 status 2>&1)
rc=$?
printf '%s\n' "$out" >"$W/status.txt"
printf '%s\n' "$out"
check_eq status-exit 0 $rc
check status-lists-ciscoios grep -qw ciscoios "$W/status.txt"
# the PSK ("cisco") never shows: not in answers, not in the log
check no-psk-in-status sh -c "! grep -qw cisco '$W/status.txt'"
check no-psk-in-log sh -c "! grep -qw cisco '$W/gw2.log'"
