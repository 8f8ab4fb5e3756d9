# Test-bed library, sourced in the guest before every scenario.
#
# Address plan (documentation ranges only, all inside the guest's netns):
#
#   h1 ---- gw1 ======== gw2 ---- h2
#
#   "outside" link (veth v1 <-> v2):   gw1 v1 192.0.2.1/24    gw2 v2 192.0.2.2/24
#   protected subnet behind gw1:      198.51.100.0/24
#       gw1 l1 198.51.100.1/24  <->  h1 e0 198.51.100.10/24 (default via .1)
#   protected subnet behind gw2:      203.0.113.0/24
#       gw2 l2 203.0.113.1/24   <->  h2 e0 203.0.113.10/24 (default via .1)
#   gw1 routes 203.0.113.0/24 via 192.0.2.2, gw2 routes 198.51.100.0/24 via
#   192.0.2.1 (hand-made covering routes, unless the gateway is named after
#   the mode: `bed_topology hosts gw2` leaves gw2 without one, to its
#   daemon's own routes); both forward. `bed_topology lo` instead puts 198.51.100.1/24
#   and 203.0.113.1/24 on the gateways' lo and creates no hosts (the seed's
#   style: ping -I 198.51.100.1 203.0.113.1 from gw1).
#
# Scenario variables: $W (work directory, kept on the host), $SRCDIR,
# $BUILDDIR, $IKEFLOWD, $IKEFLOWCTL, $BED_NAME. Per-daemon run-time files
# live under /tmp/NAME (guest tmpfs); logs go to $W.

BED_PIDS=/tmp/bed.pids
BED_SWANS=/tmp/bed.swans

say()
{
	echo "== $*"
}

# Records one check result. Output of failed checks goes to checks.log.
bed_record()
{
	local name=$1 ok=$2 out=$3

	if [ "$ok" = 0 ]; then
		echo "PASS $name" >>"$W/result"
		echo "  ok   $name"
	else
		echo "FAIL $name" >>"$W/result"
		{
			echo "--- FAIL $name"
			printf '%s\n' "$out" | tail -n 60
		} >>"$W/checks.log"
		echo "  FAIL $name"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/       /'
	fi
	return "$ok"
}

# check NAME CMD...: runs CMD, passes when it exits 0.
check()
{
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ $rc = 0 ] || out="command: $*
exit status: $rc
$out"
	bed_record "$name" $((rc != 0)) "$out"
}

# show NAME CMD...: like check, but prints CMD's output whatever happens
# (narrated scenarios such as the demo).
show()
{
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ $rc = 0 ] || out="command: $*
exit status: $rc
$out"
	bed_record "$name" $((rc != 0)) "$out" >/dev/null
	[ $rc = 0 ] || echo "  FAIL $name (exit status $rc)"
	return $rc
}

check_eq()
{
	local name=$1 exp=$2 act=$3

	[ "$exp" = "$act" ]
	bed_record "$name" $? "expected: '$exp'
actual:   '$act'"
}

# check_ge NAME MIN ACTUAL: integers.
check_ge()
{
	local name=$1 min=$2 act=$3

	[[ "$act" =~ ^[0-9]+$ ]] && [ "$act" -ge "$min" ]
	bed_record "$name" $? "expected: >= $min
actual:   '$act'"
}

# bed_samples_ok FILE: lines "INDEX ENCAPS DECAPS" sampled from a tunnel
# while traffic crossed it (rekeys included): one tunnel index throughout,
# counters never going back, at least 3 samples.
bed_samples_ok()
{
	awk 'NF != 3 || $1 == "" { print "bad sample: " $0; bad = 1; exit }
	    NR == 1 { id = $1 }
	    $1 != id { print "tunnel index changed: " id " -> " $1; bad = 1 }
	    $2 < e || $3 < d { print "counter went back at sample " NR ": " $0; bad = 1 }
	    { e = $2; d = $3 }
	    END { if (NR < 3) { print "only " NR " samples"; bad = 1 }; exit bad }' "$1"
}

# wait_for TIMEOUT_S CMD...: polls CMD every 0.2 s until it succeeds, for
# TIMEOUT_S seconds of wall time (a slow guest makes each poll slower: a
# count of polls would stretch the wait far beyond its figure), times
# BED_TIMEOUT_SCALE as the scenario's own timeout: the figures are what an
# idle machine needs, and a guest on a busy host gets a fraction of a CPU.
# No scenario waits for something expected not to happen, so the scale
# costs nothing when things work.
#
# A poll costs no process of its own (bed_ms, bed_sleep): under UML
# a process costs a fraction of a second, taken from the daemons under test.
wait_for()
{
	local _wf_end _wf_start _wf_gap

	bed_ms
	_wf_start=$BED_MS
	_wf_end=$(( BED_MS + $1 * 1000 * ${BED_TIMEOUT_SCALE:-3} ))
	shift
	while ! "$@" >/dev/null 2>&1; do
		bed_ms
		[ $BED_MS -ge $_wf_end ] && return 1
		# every 0.2 s for the first 2 s, then every 0.5 s: a
		# condition is mostly a process or two, and in the guest
		# each one costs the host's CPU (UML traps its system
		# calls) that the other guests of the run need
		_wf_gap=0.2
		[ $((BED_MS - _wf_start)) -ge 2000 ] && _wf_gap=0.5
		bed_sleep $_wf_gap
	done
	return 0
}

# bed_ms: BED_MS is the wall clock in milliseconds (no process, no subshell)
bed_ms()
{
	local t=${EPOCHREALTIME/[.,]/}

	BED_MS=$(( 10#$t / 1000 ))
}

# bed_sleep SECONDS: sleeps without a process: a read that times out on a
# FIFO nobody writes (opened read-write, it never sees an end of file).
BED_SLEEP_FIFO=/tmp/bed.sleep
[ -p "$BED_SLEEP_FIFO" ] || mkfifo "$BED_SLEEP_FIFO" 2>/dev/null
bed_sleep()
{
	if [ -p "$BED_SLEEP_FIFO" ]; then
		read -r -t "$1" _ <>"$BED_SLEEP_FIFO"
		return 0
	fi
	sleep "$1"
}

# The guest must not be able to write to the host: the root is read-only.
bed_check_root_readonly()
{
	local probe=/.bed-write-probe-$$ out

	if out=$( (echo x >"$probe") 2>&1); then
		rm -f "$probe"
		bed_record root-readonly 1 "writing $probe in the guest succeeded"
	else
		case $out in
		*"Read-only file system"*) bed_record root-readonly 0 "" ;;
		*) bed_record root-readonly 1 "unexpected error: $out" ;;
		esac
	fi
}

bed_netns()
{
	ip netns add "$1" && ip -n "$1" link set lo up
}

# bed_topology [hosts|lo [GW...]]: see the address plan above; each GW
# (gw1, gw2) gets no hand-made route to the far subnet. One ip -batch per
# namespace: a process costs a fraction of a second under UML.
bed_topology()
{
	local mode=${1:-hosts} bare n a b far via

	shift
	bare=" $* "
	{
		echo "netns add gw1"
		echo "netns add gw2"
		echo "link add v1 netns gw1 type veth peer name v2 netns gw2"
		if [ "$mode" != lo ]; then
			echo "netns add h1"
			echo "netns add h2"
			echo "link add l1 netns gw1 type veth peer name e0 netns h1"
			echo "link add l2 netns gw2 type veth peer name e0 netns h2"
		fi
	} | ip -batch - || return 1
	for n in gw1 gw2; do
		if [ $n = gw1 ]; then
			a=192.0.2.1 b=198.51.100 far=203.0.113.0/24 via=192.0.2.2
		else
			a=192.0.2.2 b=203.0.113 far=198.51.100.0/24 via=192.0.2.1
		fi
		{
			echo "link set lo up"
			echo "addr add $a/24 dev v${n#gw}"
			echo "link set v${n#gw} up"
			if [ "$mode" = lo ]; then
				echo "addr add $b.1/24 dev lo"
			else
				echo "addr add $b.1/24 dev l${n#gw}"
				echo "link set l${n#gw} up"
			fi
			[[ "$bare" == *" $n "* ]] || echo "route add $far via $via"
		} | ip -n $n -batch - || return 1
		ip netns exec $n sysctl -qw net.ipv4.ip_forward=1 || return 1
	done
	[ "$mode" = lo ] && return 0
	for n in h1:198.51.100 h2:203.0.113; do
		printf '%s\n' "link set lo up" "addr add ${n#*:}.10/24 dev e0" \
		    "link set e0 up" "route add default via ${n#*:}.1" |
		    ip -n ${n%:*} -batch - || return 1
	done
}

# bed_bg NAME CMD... >LOG: starts CMD in the background, remembered for
# shutdown. Redirect its output: inside a check's capture, a background
# process holding the capture's pipe makes the check wait for it forever.
bed_bg()
{
	local name=$1
	shift
	"$@" &
	echo "$! $name" >>"$BED_PIDS"
}

# The daemon reads its secrets as the user it runs as (ikeflow, or --user):
# a secrets file named by ARGS (--ipsec-secrets, or ipsec_secrets in the
# ikeflowd.conf of -c) becomes that user's, as an install would have it.
bed_secrets_owner()
{
	local user=ikeflow conf= f
	local -a files=()

	while [ $# -gt 0 ]; do
		case $1 in
		--ipsec-secrets) files+=("$2"); shift ;;
		--user) user=$2; shift ;;
		-c|--config) conf=$2; shift ;;
		esac
		shift
	done
	if [ -n "$conf" ] && [ -r "$conf" ]; then
		f=$(sed -n 's/^[[:space:]]*ipsec_secrets[[:space:]]*=[[:space:]]*//p' "$conf")
		[ -n "$f" ] && files+=("$f")
		f=$(sed -n 's/^[[:space:]]*user[[:space:]]*=[[:space:]]*//p' "$conf")
		[ -n "$f" ] && user=$f
	fi
	for f in "${files[@]}"; do
		[ -f "$f" ] && [ "$(stat -c %U "$f")" = root ] && [ "$user" != root ] &&
		    chown "$user" "$f"
	done
	return 0
}

# start_ikeflowd NS NAME [ARGS...]: ikeflowd in netns NS and a private mount
# namespace (own /run); control socket, pid file and state under /tmp/NAME,
# log in $W/NAME.log, the source tree's default updown script (the build is
# not installed). Returns once the control socket exists.
start_ikeflowd()
{
	local ns=$1 name=$2 d=/tmp/$2
	shift 2

	mkdir -p -m 700 "$d/state"	# as ikeflowd wants it: its own, closed
	bed_secrets_owner "$@"
	bed_bg "$name" ip netns exec "$ns" unshare -m --propagation private \
	    sh -c 'mount -t tmpfs run /run && exec "$@"' ikeflowd \
	    "$IKEFLOWD" -f --control "$d/ctl.sock" --state-dir "$d/state" \
	    --pid-file "$d/ikeflowd.pid" --updown-script "$SRCDIR/dist/updown" \
	    "$@" >>"$W/$name.log" 2>&1
	wait_for 10 test -S "$d/ctl.sock"
}

# start_syslog: a syslog daemon on the guest's /dev/log (every namespace
# shares it) writing what it receives, one message a line with its <PRI>,
# to $W/syslog.log; start it before the daemons (ikeflowd --syslog).
start_syslog()
{
	bed_bg syslog python3 "$SRCDIR/tests/bed/syslog-sink.py" /dev/log \
	    "$W/syslog.log" >>"$W/syslog-sink.log" 2>&1
	wait_for 10 test -S /dev/log
}

# ctl NS NAME WORDS...: ikeflowctl on that daemon's control socket.
ctl()
{
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "$IKEFLOWCTL" -s "/tmp/$name/ctl.sock" "$@"
}

# start_strongswan NS NAME IPSEC_CONF IPSEC_SECRETS: starter + charon in
# netns NS, in a mount namespace kept alive by a holder process, with
# /etc/ipsec.conf, /etc/ipsec.secrets and /etc/strongswan.conf bind-mounted
# from /tmp/NAME and a private /run. Charon logs to $W/NAME-charon.log.
# BED_SWAN_CHARON: extra "key = value" settings of charon { } (e.g. cookie_threshold).
start_strongswan()
{
	local ns=$1 name=$2 conf=$3 secrets=$4 d=/tmp/$2

	mkdir -p "$d"
	cp "$conf" "$d/ipsec.conf" && cp "$secrets" "$d/ipsec.secrets" || return 1
	chmod 600 "$d/ipsec.secrets"
	cat >"$d/strongswan.conf" <<-SWAN
	charon {
		load_modular = yes
		install_routes = yes
		plugins {
			include /etc/strongswan.d/charon/*.conf
		}
		filelog {
			bed {
				path = $W/$name-charon.log
				time_format = %b %e %T
				default = 1
				ike = 2
				knl = 2
				flush_line = yes
			}
		}
		${BED_SWAN_CHARON:-}
	}
	include /etc/strongswan.d/*.conf
	SWAN
	rm -f "$d/ns.pid"
	bed_bg "$name-ns" ip netns exec "$ns" unshare -m --propagation private \
	    sh -c 'mount -t tmpfs run /run &&
		mount --bind "$1/ipsec.conf" /etc/ipsec.conf &&
		mount --bind "$1/ipsec.secrets" /etc/ipsec.secrets &&
		mount --bind "$1/strongswan.conf" /etc/strongswan.conf &&
		echo $$ >"$1/ns.pid" && exec sleep infinity' holder "$d" \
	    >>"$W/$name-starter.log" 2>&1
	wait_for 30 test -s "$d/ns.pid" || return 1
	echo "$ns $name" >>"$BED_SWANS"
	swan "$ns" "$name" start >>"$W/$name-starter.log" 2>&1
	wait_for 60 swan "$ns" "$name" statusall
}

# swan NS NAME ARGS...: `ipsec ARGS` in that gateway's namespaces.
swan()
{
	local name=$2
	shift 2
	# status and statusall straight from stroke: the ipsec script costs
	# four more processes a call (dear under UML, and polled often), and
	# stroke fails while charon does not answer where the script, whose
	# status is the starter's, would not
	case $1 in
	status|statusall) set -- /usr/lib/ipsec/stroke "$@" ;;
	*) set -- ipsec "$@" ;;
	esac
	# bounded: a wedged stroke socket must fail a check, not hang the scenario
	timeout 60 nsenter -t "$(<"/tmp/$name/ns.pid")" -m -n "$@"
}

# start_snmpd NS [LINE...]: AgentX master in NS, socket $W/agentx-NS (mode
# 0660, group ikeflow), community public on 127.0.0.1:161, the LINEs added to its configuration;
# returns once it answers. The configuration is $W/snmpd-NS.conf, apart from
# the persistent directory $W/snmpd-NS/: snmpd saves its state there as
# snmpd.conf when it stops, so a configuration kept in it would not survive
# a restart.
start_snmpd()
{
	local ns=$1
	shift

	mkdir -p "$W/snmpd-$ns" &&
	# the socket open to ikeflowd's group: it reconnects as user ikeflow
	printf '%s\n' 'master agentx' "agentXSocket unix:$W/agentx-$ns" \
	    'agentXPerms 0660 0755 root ikeflow' \
	    'rocommunity public 127.0.0.1' "$@" >"$W/snmpd-$ns.conf" &&
	launch_snmpd "$ns" &&
	wait_for 10 ip netns exec "$ns" snmpget -v2c -c public -On 127.0.0.1 \
	    1.3.6.1.2.1.1.3.0
}

# launch_snmpd NS: (re)starts NS's snmpd on what start_snmpd wrote, at once;
# its pid in $W/snmpd-NS/snmpd.pid.
launch_snmpd()
{
	bed_bg "snmpd-$1" ip netns exec "$1" \
	    env SNMP_PERSISTENT_DIR="$W/snmpd-$1" MIBS= \
	    snmpd -f -C -c "$W/snmpd-$1.conf" -Lf "$W/snmpd-$1.log" \
	    -p "$W/snmpd-$1/snmpd.pid" udp:127.0.0.1:161 >>"$W/snmpd-$1.out" 2>&1
}

# Copies the kernel's view of every namespace into the work directory:
# addresses, routes, ip -s xfrm state and policy, in that order (one ip a
# namespace: a process costs a fraction of a second under UML). When a
# check failed, also each namespace's /proc/net/xfrm_stat: which of the
# kernel's IPsec drop counters moved (no state in or out, template
# mismatch, replay...) tells where packets a check missed were lost.
collect_logs()
{
	local ns failed=0

	grep -q '^FAIL' "$W/result" 2>/dev/null && failed=1
	for ns in /run/netns/*; do
		ns=${ns##*/}
		[ "$ns" = "*" ] && break
		printf '%s\n' "addr" "route" "xfrm state" "xfrm policy" |
		    ip -s -n "$ns" -force -batch - >"$W/netns-$ns.txt" 2>&1
		[ $failed = 1 ] &&
		    ip netns exec "$ns" cat /proc/net/xfrm_stat >"$W/xfrm-stat-$ns.txt" 2>&1
	done
	dmesg >"$W/dmesg.log" 2>&1
}

bed_alive()	# PID: running, not a zombie awaiting its parent (PID 1)
{
	local st

	kill -0 "$1" 2>/dev/null || return 1
	read -r _ _ st _ <"/proc/$1/stat" 2>/dev/null || return 1
	[ "$st" != Z ]
}

# Stops what the scenario started so logs are complete before power-off:
# every strongSwan starter (it stops its charon; its pid file is in its
# own /run, seen through its holder) and every daemon at once, then waits
# for them all, and kills what is left. Builtins only (kill, read,
# bed_sleep): `ipsec stop` took five processes and more a tenth of a
# second while it waited, dear under UML.
bed_stop_all()
{
	local ns name pid holder end
	local -a pids=()

	if [ -f "$BED_SWANS" ]; then
		while read -r ns name; do
			read -r holder <"/tmp/$name/ns.pid" &&
			    read -r pid <"/proc/$holder/root/run/starter.charon.pid" &&
			    pids+=("$pid")
		done <"$BED_SWANS" 2>/dev/null
	fi
	if [ -f "$BED_PIDS" ]; then
		while read -r pid name; do
			# the holders keep the starters' /run until the end
			[[ "$name" == *-ns ]] || pids+=("$pid")
		done <"$BED_PIDS"
	fi
	[ ${#pids[@]} = 0 ] || kill "${pids[@]}" 2>/dev/null
	bed_ms
	end=$(( BED_MS + 10000 ))
	for pid in "${pids[@]}"; do
		while bed_alive "$pid"; do
			bed_ms
			[ $BED_MS -ge $end ] && break 2
			bed_sleep 0.1
		done
	done
	[ ${#pids[@]} = 0 ] || kill -9 "${pids[@]}" 2>/dev/null
	[ -f "$BED_PIDS" ] || return 0
	while read -r pid name; do
		kill -9 "$pid" 2>/dev/null
	done <"$BED_PIDS"
	return 0
}

# ---- the host side (scenarios marked "# bed-hostside: yes"; tests/bed/hostside) ----

# hostside_link NS: the guest's eth0 (a TAP on the host) into netns NS as
# 198.18.0.2/24; the host side is 198.18.0.1.
hostside_link()
{
	[ -n "${BED_HOSTSIDE:-}" ] || { echo "not a bed-hostside scenario"; return 1; }
	ip link set eth0 netns "$1" &&
	ip -n "$1" addr add 198.18.0.2/24 dev eth0 &&
	ip -n "$1" link set eth0 up
}

# hostside VERB ARGS...: runs a request of tests/bed/hostside on the host
# and returns its status (124 if no answer within BED_HOSTSIDE_WAIT s).
hostside()
{
	local n t=$(( ${BED_HOSTSIDE_WAIT:-120} * 5 ))

	# unique without a counter (check and wait_for run in subshells)
	n=$(date +%s%N)
	mkdir -p "$W/hs"
	echo "$*" >"$W/hs/req.$n.tmp" && mv "$W/hs/req.$n.tmp" "$W/hs/req.$n"
	while [ $t -gt 0 ]; do
		# a directory listing reaches the host every time (no cached lookup)
		if ls "$W/hs" | grep -qx "res.$n"; then
			return "$(cat "$W/hs/res.$n")"
		fi
		sleep 0.2
		t=$((t - 1))
	done
	echo "hostside: no answer to: $*"
	return 124
}

# ---- peer guests (scenarios marked "# bed-peer: yes" or N; tests/bed/peer-agent.sh) ----

# peer CMD [ARG...]: CMD (a command, a lib.sh function included) run in the
# peer guest, its output here and its exit status returned (124 if none
# within BED_PEER_WAIT s). The arguments arrive as given (quoted here);
# paths under $W/peer name the same files in both guests. A request is a
# file the peer's agent reads (ended by "#end": it may see a file half
# written); no process here but the wait's builtins.
peer() { peer_at 1 "$@"; }

# peer_at K CMD [ARG...]: the same in peer K (of "# bed-peer: N"), whose
# files are under $W/peerK ($W/peer for the first)
peer_at()
{
	local d=$W/peer$1/rq n f t=$(( ${BED_PEER_WAIT:-600} * 20 ))

	[ "$1" = 1 ] && d=$W/peer/rq
	shift

	n=${EPOCHREALTIME/[.,]/}.$BASHPID
	printf '%s\n#end\n' "$(printf '%q ' "$@")" >"$d/req.$n"
	while [ $t -gt 0 ]; do
		# a pattern lists the directory on the host each time (a
		# lookup of one name may answer from the guest's cache)
		for f in "$d"/res."$n"*; do
			local rc=
			[ -e "$f" ] && rc=$(<"$f")
			# (created, not yet written: the next look)
			if [ -n "$rc" ]; then
				[ -s "$d/out.$n" ] && printf '%s\n' "$(<"$d/out.$n")"
				return "$rc"
			fi
		done
		bed_sleep 0.05
		t=$((t - 1))
	done
	echo "peer: no answer to: $*"
	return 124
}

# bed_with VAR VALUE CMD...: CMD (a function too) with VAR set to VALUE
bed_with()
{
	local "$1=$2"
	shift 2
	"$@"
}

# swanctl_in NAME ARGS...: swanctl in the namespaces of strongSwan NAME
swanctl_in()
{
	local name=$1
	shift
	nsenter -t "$(<"/tmp/$name/ns.pid")" -m -n swanctl "$@"
}

# bed_link_gw NS ADDR/LEN: the guest's eth0 (its link to the other guest)
# into a new netns NS as ADDR/LEN, forwarding on
bed_link_gw()
{
	bed_netns "$1" &&
	ip link set eth0 netns "$1" &&
	ip -n "$1" addr add "$2" dev eth0 &&
	ip -n "$1" link set eth0 up &&
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
}
