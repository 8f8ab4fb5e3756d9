# Shared by the ikev1-* scenarios (sourced after lib.sh and
# ikev2-common/ikev2.sh, whose kernel and view helpers they reuse): gw1
# runs strongSwan with keyexchange=ikev1 as the seed's Cisco IOS router
# (conf/ikev1-ios), gw2 runs ikeflowd with the seed's IKEv1 strongSwan
# configuration (conf/seed-ikev1).

SEED1=$SRCDIR/tests/bed/conf/seed-ikev1
IOS1=$SRCDIR/tests/bed/conf/ikev1-ios

# ikev1_ikeflowd [IPSEC_CONF [IKEFLOWD_CONF]]: ikeflowd on gw2.
ikev1_ikeflowd()
{
	install -m 0600 "$SEED1/ipsec.secrets" "$W/gw2-ipsec.secrets" &&
	start_ikeflowd gw2 gw2 -c "${2:-$IKF/ikeflowd.conf}" \
	    --ipsec-conf "${1:-$SEED1/ipsec.conf}" --ipsec-secrets "$W/gw2-ipsec.secrets"
}

# ikev1_ios [IPSEC_CONF [SECRETS]]: strongSwan on gw1 as the IOS router.
ikev1_ios()
{
	start_strongswan gw1 gw1 "${1:-$IOS1/ipsec.conf}" "${2:-$IOS1/ipsec.secrets}"
}

ikev1_ikf_no_sa()
{
	[ "$(ikev2_sa_count gw2)" = 0 ] && [ -z "$(ip -n gw2 xfrm policy | grep '^src 203')" ]
}

ikev1_session_up()
{
	ctl gw2 gw2 show crypto session | grep -q 'Session status: UP'
}

# ikev1_ikf_failure PATTERN: ikeflowd's failure table has a matching line.
ikev1_ikf_failure()
{
	ctl gw2 gw2 show crypto ikev2 failures | grep -q -- "$1"
}

ikev1_swan_no_sa()
{
	[ "$(ikev2_sa_count gw1)" = 0 ] && ! swan gw1 gw1 status strongswan | grep -q ESTABLISHED
}

# ikev1_snmp_seed: snmpd on gw2 (started with the snmp-common helpers)
# sees the one tunnel as the seed's NMS would: 100 packets each way in
# cipSecTunnelTable, and its cikeTunnelTable row negotiated in main mode.
ikev1_snmp_seed()
{
	local t i

	t=$(tunnel_index)
	check snmp-tunnel-row test -n "$t"
	check snmp-in-pkts wait_for 10 snmp_is "$R.1.3.2.1.32.$t" "Counter32: 100"
	check snmp-out-pkts wait_for 10 snmp_is "$R.1.3.2.1.45.$t" "Counter32: 100"
	i=$(snmp "$R.1.3.2.1.2.$t" | sed 's/.*INTEGER: //')
	check snmp-ike-row test -n "$i"
	check_eq snmp-nego-mode-main "INTEGER: 1" "$(snmp "$R.1.2.3.1.10.$i")"
}
