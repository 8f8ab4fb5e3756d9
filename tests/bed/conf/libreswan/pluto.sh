# Libreswan's pluto in the bed, sourced by monitor-libreswan. Debian's
# package conflicts with strongSwan's, so scripts/deps.sh unpacks it into
# $LSW; pluto runs from there with every path given on its command line
# (no /etc/ipsec.*, no /var/lib/ipsec): configuration, secrets and NSS
# database in /tmp/NAME, its control socket in a private /run. pluto runs
# its helpers (addconn, _updown) from the compiled-in /usr/libexec/ipsec:
# its private mount namespace sees $LSW's libexec there.

LSW=/opt/ikeflow-libreswan/usr/libexec/ipsec

# start_pluto NS NAME CONF: pluto in NS on CONF and conf/libreswan's
# secrets, log $W/NAME-pluto.log; returns once CONF's connections are
# loaded (auto=start ones initiate).
start_pluto()
{
	local ns=$1 name=$2 d=/tmp/$2

	[ -x "$LSW/pluto" ] || { echo "no $LSW/pluto: run scripts/deps.sh"; return 1; }
	mkdir -p "$d/nss" "$d/ipsec.d" && cp "$3" "$d/ipsec.conf" &&
	    install -m 0600 "$SRCDIR/tests/bed/conf/libreswan/ipsec.secrets" \
	    "$d/ipsec.secrets" || return 1
	# `ipsec initnss`: an empty NSS database (PSK only, no certificates)
	certutil -N -d "sql:$d/nss" --empty-password || return 1
	rm -f "$d/ns.pid"
	bed_bg "$name-pluto" ip netns exec "$ns" unshare -m --propagation private \
	    sh -c 'mount -t tmpfs run /run && mkdir /run/pluto &&
		mount --bind "$2/.." /usr/libexec &&
		echo $$ >"$1/ns.pid" &&
		exec "$2/pluto" --nofork --config "$1/ipsec.conf" \
		    --secretsfile "$1/ipsec.secrets" --ipsecdir "$1/ipsec.d" \
		    --nssdir "$1/nss" --rundir /run/pluto --logfile "$3"' \
	    pluto "$d" "$LSW" "$W/$name-pluto.log" >>"$W/$name-pluto.out" 2>&1
	wait_for 30 test -s "$d/ns.pid" || return 1
	# pluto loads CONF's connections itself (its own addconn --autoall;
	# another one would initiate the auto=start ones twice)
	wait_for 60 pluto_loaded "$ns" "$name" "$d/ipsec.conf"
}

# pluto_in NAME CMD...: CMD in that pluto's namespaces (bounded: a wedged
# control socket must fail a check, not hang the scenario).
pluto_in()
{
	local name=$1
	shift
	timeout 60 nsenter -t "$(cat "/tmp/$name/ns.pid")" -m -n "$@"
}

# whack NS NAME ARGS...: Libreswan's `ipsec whack ARGS` for that pluto.
whack()
{
	local name=$2
	shift 2
	pluto_in "$name" "$LSW/whack" --ctlsocket /run/pluto/pluto.ctl "$@"
}

# pluto_loaded NS NAME CONF: every connection of CONF is in pluto's status.
pluto_loaded()
{
	local status c

	status=$(whack "$1" "$2" --status) || return 1
	for c in $(sed -n 's/^conn[[:space:]]\{1,\}\([^%][^[:space:]]*\).*/\1/p' "$3"); do
		echo "$status" | grep -q "\"$c\":" || return 1
	done
}
