# ipv6-fragments: IKEv2 fragmentation (RFC 7383) over IPv6. Both daemons
# split IKE messages above 576 bytes (fragment_size), and the tunnel's
# traffic selectors (four IPv6 subnets a side) make an IKE_AUTH request
# larger than that: with strongSwan initiating, ikeflowd reassembles its
# fragments; with ikeflowd initiating, strongSwan reassembles ikeflowd's.
# Each time the tunnel comes up and 100 pings cross it.
# bed-timeout: 150

. "$SRCDIR/tests/bed/conf/ipv6/ipv6.sh"

BED_SWAN_CHARON="fragment_size = 576"
printf '%s\n' 'log_level = info' 'refresh_interval = 1000' 'agentx_enable = no' \
    'http_listen = no' 'fragment_size = 576' >"$W/gw2-ikeflowd.conf"
V6_IKF_CONF=$W/gw2-ikeflowd.conf

frag_view()
{
	if [ "$1" = responder ]; then
		check "$1/swan-split" grep -q \
		    'splitting IKE message .* into [0-9]* fragments' "$W/gw1-charon.log"
	else
		check "$1/swan-reassembled" grep -q \
		    'reassembled fragmented IKE message' "$W/gw1-charon.log"
	fi
}
V6_VIEWS=frag_view

check topology v6_topology
v6_confs $V6_OUT1 $V6_OUT2 \
    "$V6_NET1,2001:db8:11::/64,2001:db8:12::/64,2001:db8:13::/64" \
    "$V6_NET2,2001:db8:21::/64,2001:db8:22::/64,2001:db8:23::/64" \
    "fragmentation=yes"
check daemons v6_start
v6_rounds $V6_H2
