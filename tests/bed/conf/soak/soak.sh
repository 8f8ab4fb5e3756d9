# The soak, shared by the scenario soak-rekey.sh (the CI size) and bench/soak.sh
# (any size): sourced after lib.sh. strongSwan on gw1 opens SOAK_N tunnels
# to ikeflowd on gw2 (conns sK, identities @iK, selectors 10.1.x.y/32 ===
# 10.2.x.y/32, IKE aes128-sha256-ecp256, ESP aes128-sha256, PSK; the load
# of bench/ike-setup-rate.bed, over vici) and rekeys their children every
# SOAK_CHILD_REKEY s and their IKE SAs every SOAK_IKE_REKEY s (less up to
# 20 %, so the rekeys spread out; the SAs live twice that and longer than
# strongSwan's retransmissions: a busy guest's rekey may take a while, and
# an SA that expires first is a lost tunnel),
# while pings cross the first SOAK_PINGS
# tunnels and a poller walks every tunnel's HC counters and index each
# cycle. The faults come one after the other, each checked before the
# next: bursts of SIGHUPs (unchanged, then conns added and removed), snmpd
# killed, the peer restarted, ikeflowd killed, netem, the state directory
# full; the whole turn SOAK_ROUNDS times, then rekeys alone until
# SOAK_SECS have passed since all tunnels were up; then the
# checks of the whole run: every tunnel still there, no counter ever back,
# no index ever changed, ikeflowd's RSS and fds flat, history rows =
# rekeys. Results in $W/soak.txt.

N=${SOAK_N:-50}
SOAK_SECS=${SOAK_SECS:-180}
SOAK_CHILD_REKEY=${SOAK_CHILD_REKEY:-45}
SOAK_IKE_REKEY=${SOAK_IKE_REKEY:-150}
SOAK_PINGS=${SOAK_PINGS:-10}
SOAK_ROUNDS=${SOAK_ROUNDS:-2}	# the faults, each in turn, this many times
SOAK_HUPS=${SOAK_HUPS:-5}	# SIGHUPs of each burst
SOAK_PSK=soak-rekey-benchmark
R=1.3.6.1.4.1.9.9.171
POLL=$W/soak-poll

# gw1 (strongSwan) in this guest, or with bench/soak.sh SOAK_PEER_GUEST=P in
# P peer guests of their own (BED_PEERS: the scenario marked "# bed-peer:
# P"), each with its own CPU: peer K's gw1 is 192.0.2.(2K-1) and opens the
# tunnels I with (I - 1) % P = K - 1. gp K CMD runs CMD where peer K's gw1
# is, gall CMD on every one; PWS[K] is the directory of files both guests
# see; G1_IF and G2_IF the gateways' links.
P=${BED_PEERS:-1}
PWS=("" "$W")
if [ -n "${BED_PEER:-}" ]; then
	for k in $(seq 1 "$P"); do
		PWS[k]=$W/peer$k
	done
	PWS[1]=$W/peer
	gp() { peer_at "$@"; }
	G1_IF=eth0 G2_IF=eth0
else
	P=1
	gp() { shift; "$@"; }
	G1_IF=v1 G2_IF=v2
fi
PW=${PWS[1]}
g1() { gp 1 "$@"; }
gall() { local k; for k in $(seq 1 "$P"); do gp "$k" "$@" || return 1; done; }
peer_addr() { echo "192.0.2.$((2 * $1 - 1))"; }

soak_sub()	# SIDE(1|2) I: tunnel I's selector on that side
{
	echo "10.$1.$(($2 / 256)).$(($2 % 256))"
}

# Child lifetimes outlast a rekey's retransmissions (48 s, below) from the
# rekey time on, or a rekey slowed by the netem fault ends the tunnel for
# real (the child gone, a new one under a new index): strongSwan's twice
# the rekey time, ikeflowd's three times, each at least that much longer.
max() { [ "$1" -ge "$2" ] && echo "$1" || echo "$2"; }
SOAK_LIFE_I=$(max $((SOAK_CHILD_REKEY * 2)) $((SOAK_CHILD_REKEY + 50)))
SOAK_LIFE_R=$(max $((SOAK_CHILD_REKEY * 3)) $((SOAK_CHILD_REKEY + 60)))

# ikeflowd's conns: it only answers; its own lifetimes are longer than the
# initiator's so that every rekey is strongSwan's (no collisions to judge),
# the child's SOAK_LIFE_R: the kernel's hard expiry of an SA a killed
# ikeflowd left behind.
# (awk: a fork per tunnel takes minutes in a busy guest)
soak_resp_conf()	# N
{
	awk -v n="$1" -v cl="$SOAK_LIFE_R" -v il=$((SOAK_IKE_REKEY * 4)) -v np="$P" 'BEGIN {
	    printf "config setup\n  uniqueids=no\n\nconn %%default\n"
	    printf "  keyexchange=ikev2\n  authby=secret\n  ike=aes128-sha256-ecp256!\n"
	    printf "  esp=aes128-sha256!\n  mobike=no\n  left=192.0.2.2\n  right=192.0.2.1\n"
	    printf "  leftid=@r\n  auto=add\n  lifetime=%ds\n  ikelifetime=%ds\n", cl, il
	    printf "  margintime=%ds\n", cl / 5
	    for (i = 1; i <= n; i++)
		printf "\nconn s%d\n  rightid=@i%d\n  leftsubnet=10.2.%d.%d/32\n  rightsubnet=10.1.%d.%d/32\n%s",
		    i, i, int(i / 256), i % 256, int(i / 256), i % 256,
		    (np > 1 ? sprintf("  right=192.0.2.%d\n", 2 * ((i - 1) % np) + 1) : "") }'
}

# The IKE SA's over_time (the hard lifetime after the rekey time) outlasts
# charon's retransmissions (4 + 7 + 13 + 23 s, below): an IKE SA whose rekey,
# DPD or child rekey is still unanswered at its hard lifetime gets a delete
# queued, and charon 5.9 does not re-establish an IKE SA with a delete queued
# when the retransmissions then time out (ike_sa.c reestablish()): the
# tunnel would stay down for good after ikeflowd restarts. strongSwan's
# default (a tenth of 4 h) is far above its default 165 s of retransmissions.
soak_init_swanctl()	# [M [K]]: the conns of tunnels 1..M (N) of peer K (1)
{
	awk -v n="${1:-$N}" -v ir="$SOAK_IKE_REKEY" -v cr="$SOAK_CHILD_REKEY" -v psk="$SOAK_PSK" \
	    -v ot=$((SOAK_IKE_REKEY > 60 ? SOAK_IKE_REKEY : 60)) -v cl="$SOAK_LIFE_I" \
	    -v dpd="${SOAK_DPD:-30}" -v np="$P" -v k="${2:-1}" 'BEGIN {
	    print "connections {"
	    for (i = 1; i <= n; i++) {
		if ((i - 1) % np != k - 1)
			continue
		a = int(i / 256) "." i % 256
		printf "  s%d {\n    version = 2\n    local_addrs = 192.0.2.%d\n    remote_addrs = 192.0.2.2\n", i, 2 * k - 1
		printf "    proposals = aes128-sha256-ecp256\n    keyingtries = 0\n    mobike = no\n    unique = never\n"
		printf "    rekey_time = %ds\n    rand_time = %ds\n    over_time = %ds\n    dpd_delay = %ds\n", ir, int(ir / 5), ot, dpd
		printf "    local { auth = psk\n      id = @i%d\n    }\n    remote { auth = psk\n      id = @r\n    }\n", i
		printf "    children { s%d { local_ts = 10.1.%s/32\n      remote_ts = 10.2.%s/32\n", i, a, a
		printf "      esp_proposals = aes128-sha256\n      start_action = start\n"
		printf "      dpd_action = restart\n      close_action = start\n"
		printf "      rekey_time = %ds\n      rand_time = %ds\n      life_time = %ds\n    } }\n  }\n", cr, int(cr / 5), cl
	    }
	    print "}"
	    printf "secrets { ike-soak { secret = \"%s\" } }\n", psk }'
}

# The initiator: quiet, no DoS protection (one address opens everything),
# three retransmissions (4, 7 and 13 s: a busy guest answers late, but a
# dead responder is given up in under a minute, not strongSwan's 165 s).
# (a request's last retransmission given up after 4 + 7.2 + 13 + 23.3 s)
SOAK_RETX_S=48
SOAK_CHARON="dos_protection = no
retransmit_timeout = 4.0
retransmit_tries = 3
filelog {
	bed {
		default = 0
		ike = ${SOAK_IKE_LOG:-1}
		knl = 0
		cfg = 0
	}
}"

soak_init_start()	# NAME
{
	local k

	echo "$1" >"$POLL/init"	# the poller's CPU account follows it
	for k in $(seq 1 "$P"); do
		gp "$k" bed_with BED_SWAN_CHARON "$SOAK_CHARON" start_strongswan gw1 "$1" \
		    "${PWS[k]}/empty.conf" "${PWS[k]}/psk.secrets" || return 1
	done
}

# The set-up, paced: charon starts every conn it loads at once, and 2,000
# IKE_SA_INITs in one guest CPU starved its own IKE_AUTHs past their
# retransmissions and the responder's half-open timeout: it restarted
# them with new keys, over and over, and set-up stalled at 752 (a
# livelock). So the conns come in batches, each loaded once the tunnels of
# the one before are installed on both sides; the batch grows while a
# batch comes up within SOAK_BATCH_SECS and shrinks to what came up in
# that time when it is slower. Each load is of all the conns so far (an
# unchanged conn is left alone; --load-all unloads the ones a file
# lacks), the last one of the whole configuration.
: "${SOAK_BATCH:=100}" "${SOAK_BATCH_SECS:=10}"
soak_sas_min() { local a b; a=$(soak_sas gw1) b=$(soak_sas gw2); echo $((a < b ? a : b)); }
batch_up() { [ "$(soak_sas_min)" -ge $((2 * $1)) ]; }
soak_setup_paced()
{
	local m=0 b=$SOAK_BATCH t took k

	while [ "$m" -lt "$N" ]; do
		m=$((m + b > N ? N : m + b))
		t=$EPOCHSECONDS
		for k in $(seq 1 "$P"); do
			soak_init_swanctl "$m" "$k" >"${PWS[k]}/init-swanctl.conf"
			gp "$k" swanctl_in "$SOAK_INIT" --load-all --noprompt \
			    --file "${PWS[k]}/init-swanctl.conf" \
			    >>"$W/$SOAK_INIT-swanctl.log" 2>&1 || return 1
		done
		# a batch's tunnels come up in its time, or in a minute (a wait
		# bounds a stall, never paces)
		wait_for $((SOAK_BATCH_SECS + 60)) soak_every 1 batch_up "$m" ||
		    { echo "set-up stalled at $(soak_sas_min) SAs for $m tunnels"; return 1; }
		took=$((EPOCHSECONDS - t))
		if [ "$took" -le $((SOAK_BATCH_SECS / 2)) ]; then
			b=$((b * 2))
		elif [ "$took" -gt "$SOAK_BATCH_SECS" ]; then
			b=$((b * SOAK_BATCH_SECS / took))
		fi
		b=$((b < 10 ? 10 : b))
		echo "$EPOCHSECONDS $m tunnels loaded, up in $took s; next batch $b" >>"$W/setup-batches"
	done
}

soak_ikf_start()
{
	start_ikeflowd gw2 gw2 -c "$W/ikeflowd.conf" \
	    --ipsec-conf "$W/resp.conf" --ipsec-secrets "$W/psk-ikf.secrets"
}

# soak_every S CMD...: CMD, at most once in S seconds (else false): the
# waits below poll their condition every 0.2 s, and a condition that walks
# the MIB, lists the SAs or greps a log of megabytes costs processes (a
# fraction of a second each under UML) taken from the daemons under test:
# polled that often, they made the scenario several times slower.
soak_every()
{
	local s=$1
	shift
	[ $((EPOCHSECONDS - ${SOAK_LAST:-0})) -ge "$s" ] || return 1
	SOAK_LAST=$EPOCHSECONDS
	"$@"
}

ikf_pid() { local p; read -r p </tmp/gw2/ikeflowd.pid && echo "$p"; }
soak_sas()	# gw1 (every peer's) or gw2
{
	if [ "$1" = gw1 ]; then
		gall ip -n gw1 xfrm state count
	else
		ip -n "$1" xfrm state count
	fi | awk '{ s += $NF } END { print s + 0 }'
}
# every tunnel up on both sides: 2N SAs in each kernel (more during a
# rekey), N children installed for strongSwan and as rows in the flow MIB
# (a rekey lists a child twice for a moment: names are counted once; a
# child whose rekey is under way is REKEYING, its SAs still installed: with
# N children rekeying every few tens of seconds one nearly always is)
soak_children() { swanctl_i --list-sas 2>/dev/null | awk '/(INSTALLED|REKEYING), TUNNEL/ { u[$1] = 1 } END { print length(u) }'; }
# (on every peer, one after the other)
swanctl_i() { gall swanctl_in "$SOAK_INIT" "$@"; }
soak_rows() { snmpbulk $R.1.3.2.1.2 | grep -c "^\.$R\.1\.3\.2\.1\.2\."; }
all_up()
{
	[ "$(soak_sas gw2)" -ge $((2 * N)) ] && [ "$(soak_sas gw1)" -ge $((2 * N)) ] &&
	[ "$(soak_children)" = "$N" ]
}
all_rows() { [ "$(soak_rows)" = "$N" ]; }
# Tunnels (selectors) with a row: a peer may set one up twice (strongSwan
# 5.9, re-establishing an IKE SA whose child delete was unanswered, restarts
# the deleting child as well as its replacement: two rows of one tunnel)
soak_tunnels()
{
	snmpbulk $R.1.3.3.1.4 | awk -v r=".$R.1.3.3.1.4." '{ o = $1; sub(r, "", o); split(o, x, ".") }
	    x[2] == 1 { $1 = ""; s[$0] = 1 } END { print length(s) }'
}
all_tunnels() { [ "$(soak_tunnels)" = "$N" ]; }

snmpbulk() { ip netns exec gw2 snmpbulkwalk -v2c -c public -On -Oq -Cr60 -t 5 -r 1 127.0.0.1 "$@" 2>/dev/null; }
agent_up() { ip netns exec gw2 snmpget -v2c -c public -On -Oqv 127.0.0.1 $R.1.1.1.0 2>/dev/null | grep -qx 1; }

# One poll: every tunnel as "cycle epoch selector index InPkts HcInOctets
# OutPkts HcOutOctets" appended to $POLL/samples, by tests/bed/soak-poll
# (one process, a GETBULK walk a column; the selector from
# cipSecEndPtLocalAddr1 of its first endpoint); a walk that fails (snmpd
# down) makes the cycle a gap. Then ikeflowd's RSS (kB) and fd count.
soak_poll_once()	# CYCLE
{
	local c=$1 p e2 rss= l fds

	ip netns exec gw2 "$BUILDDIR/tests/bed/soak-poll" 127.0.0.1 public "$c" \
	    "$POLL/epoch" >>"$POLL/samples" 2>>"$POLL/poll.err" ||
	    { echo "$c gap" >>"$POLL/gaps"; return 0; }
	read -r e2 <"$POLL/epoch"
	# (builtins only: a process per figure would cost more than the walks)
	read -r p 2>/dev/null </tmp/gw2/ikeflowd.pid
	if [ -n "$p" ] && [ -d "/proc/$p" ]; then
		while read -r l; do
			case $l in VmRSS:*) set -- $l; rss=$2 ;; esac
		done <"/proc/$p/status"
		fds=("/proc/$p/fd"/*)
		[ -n "$rss" ] && echo "$EPOCHSECONDS $rss ${#fds[@]} $e2" >>"$POLL/resources"
	fi
	echo "$c" >"$POLL/cycle"
}

# Where the guest's one CPU goes: per poll cycle, the clock ticks of the
# guest (busy, idle), of ikeflowd, charon and snmpd, and of what the
# poller ran (its walks), each summed since it started; soak_cpu_report
# prints the shares (the rest of busy: the guest's kernel, the pings and
# the scenario's own waits).
# (builtins only: this must not cost what it measures)
soak_ticks()	# PID [CHILDREN]: TICKS += its utime + stime (+ cutime + cstime)
{
	local -a f
	read -r -a f 2>/dev/null <"/proc/$1/stat" || { TICKS="$TICKS 0"; return 0; }
	TICKS="$TICKS $((f[13] + f[14] + ${2:+f[15] + f[16] +} 0))"
}
soak_cpu_sample()
{
	local -a a
	local ip=0 cp=0 sp=0 h TICKS=

	read -r -a a </proc/stat
	read -r ip 2>/dev/null </tmp/gw2/ikeflowd.pid
	[ -z "${BED_PEER:-}" ] && read -r h 2>/dev/null <"$POLL/init" &&
	    read -r h 2>/dev/null <"/tmp/$h/ns.pid" &&
	    read -r cp 2>/dev/null <"/proc/$h/root/run/charon.pid"
	read -r sp 2>/dev/null <"$W/snmpd-gw2/snmpd.pid"
	soak_ticks "$ip"; soak_ticks "$cp"; soak_ticks "$sp"
	soak_ticks "$BASHPID" c
	echo "$EPOCHSECONDS $((a[1] + a[2] + a[3] + a[6] + a[7])) $((a[4] + a[5]))$TICKS" >>"$POLL/cpu"
}
# The shares of the guest's CPU from the first sample to the last (a
# process restarted counts from 0 again)
soak_cpu_report()
{
	awk 'n++ { for (i = 2; i <= 7; i++) { d = $i - p[i]; s[i] += d < 0 ? $i : d } } { t1 = $1; if (n == 1) t0 = $1
		for (i = 2; i <= 7; i++) p[i] = $i }
	    END { t = s[2] + s[3]; if (n < 2 || t <= 0) { print "cpu: too few samples"; exit }
		printf "guest cpu over %d s: busy %d%%: ikeflowd %d%%, charon %d%%, snmpd %d%%, poller (walks) %d%%, other %d%%\n",
		    t1 - t0, 100 * s[2] / t, 100 * s[4] / t, 100 * s[5] / t, 100 * s[6] / t, 100 * s[7] / t,
		    100 * (s[2] - s[4] - s[5] - s[6] - s[7]) / t }' "$POLL/cpu"
}

soak_poller()
{
	local c=0

	while [ ! -e "$POLL/stop" ]; do
		c=$((c + 1))
		soak_cpu_sample
		soak_poll_once "$c"
		sleep "${SOAK_POLL_EVERY:-2}"
	done
}

cycle() { local c=0; read -r c 2>/dev/null <"$POLL/cycle"; echo "${c:-0}"; }
# more_cycles N: the poller completed N cycles more than when this began
cycles_past() { local c=0; read -r c 2>/dev/null <"$POLL/cycle"; [ "${c:-0}" -ge "$1" ]; }
poll_more() { local t=$(( $(cycle) + $1 )); wait_for $((30 * $1)) cycles_past "$t"; }
# The complete cycles since the last gap: rows of every tunnel.
full_cycle() { awk -v n="$N" '{ c[$1]++ } END { for (k in c) if (c[k] == n) f++; exit !(f > 0) }' "$POLL/samples"; }

# The run's verdict on the samples: within one epoch (one ikeflowd, with
# all its tunnels up), each selector keeps its indexes (one, or more when
# the peer set the tunnel up twice), no row's counters ever go back
# within one ikeflowd run, and every cycle without a gap has a row for
# every tunnel. Cycles of a transition (epoch T: ikeflowd killed or the
# peer restarted, tunnels coming back) are counted, not judged. Under
# netem (epoch RUNn) charon
# gives an IKE SA up now and then (10 % loss each way against its four
# sends of a request: about one exchange in a thousand, a few a run at
# 200 tunnels) and sets the tunnel up again, a new tunnel under a new
# index, while ikeflowd keeps the old one until its child expires: there
# indexes may come and go; after it (RUNb) one may only go. After the
# peer's restart (RUNrn) they may come and go too: see soak_round.
soak_samples_ok()
{
	sort -k1,1n -k3,3 -k4,4n "$POLL/samples" | awk -v n="$N" '
	    function within(a, b,	x, i, m) { m = split(a, x, " ")
		for (i = 1; i <= m; i++) if (!index(b " ", " " x[i] " ")) return 0; return 1 }
	    function may_change(k,	e) { e = substr(k, 1, index(k, SUBSEP) - 1)
		return e ~ /n$/ || (e ~ /b$/ && within(cur[k], idx[k])) }
	    function flush() { for (k in cur) { if ((k in idx) && idx[k] != cur[k] && !may_change(k)) {
		    split(k, y, SUBSEP); printf "indexes of %s changed in cycle %d: %s -> %s\n", y[2], c, idx[k], cur[k]; bad = 1 }
		idx[k] = cur[k] }
		if (c != "") { if (tun != n) { printf "cycle %d: %d tunnels, not %d\n", c, tun, n; short++ } total++ }
		split("", cur); tun = 0 }
	    $2 == "T" { tcyc[$1] = 1; next }
	    $1 != c { flush(); c = $1 }
	    { k = $2 SUBSEP $3; if (!(k in cur)) tun++; cur[k] = cur[k] " " $4; r = ($2 + 0) SUBSEP $4 }
	    (r in p) { for (i = 5; i <= 8; i++) if ($i + 0 < p[r, i]) {
		printf "%s (index %s) column %d went back in cycle %d: %s -> %s\n", $3, $4, i, $1, p[r, i], $i; bad = 1 } }
	    { p[r] = 1; for (i = 5; i <= 8; i++) p[r, i] = $i + 0 }
	    END { flush(); for (x in tcyc) tn++
		printf "%d cycles judged, %d with a missing tunnel; %d in transition\n", total, short, tn
		exit bad || short || total < 3 }'
}

# The slope of ikeflowd's RSS (kB/min) and fds (per min) in one epoch, from
# its first full child rekey cycle on (least squares), and the spread.
soak_slope()	# EPOCH
{
	awk -v e="$1" -v skip="$SOAK_CHILD_REKEY" '
	    $4 + 0 != e { next }
	    !t0 { t0 = $1 }
	    $1 - t0 < skip { next }
	    { x = ($1 - t0) / 60; n++; sx += x; sy += $2; sxx += x * x; sxy += x * $2; sf += $3; sxf += x * $3
	      if (!lo || $2 < lo) lo = $2; if ($2 > hi) hi = $2
	      if (flo == "" || $3 < flo) flo = $3; if ($3 > fhi) fhi = $3 }
	    END { d = n * sxx - sx * sx; if (n < 3 || d == 0) { print "too few samples"; exit 1 }
		printf "samples %d rss %d..%d kB slope %.1f kB/min fds %d..%d slope %.2f /min\n", n, lo, hi,
		    (n * sxy - sx * sy) / d, flo, fhi, (n * sxf - sx * sf) / d }' "$POLL/resources"
}

resource_samples()	# EPOCH: 5 samples of it past its first child rekey cycle
{
	awk -v e="$1" -v skip="$SOAK_CHILD_REKEY" '$4 + 0 != e { next } !t0 { t0 = $1 }
	    $1 - t0 >= skip { n++ } END { exit !(n >= 5) }' "$POLL/resources"
}

# The bounds: RSS within 10 % (and 4 MB) of its lowest, fds within 2.
# Flat, apart from the history the run keeps: the soak keeps every IKE
# rekey's row (history_size 100000, so that rows can be counted against
# rekeys), about 2 kB each with its MIB row: 4,000 rekeys of a 30-minute
# run at 1,000 tunnels grew RSS 8 MB, past a bound made for 200 tunnels.
# Allowed: a tenth of the first sample (4 MB at least) and 3 kB a row.
soak_flat()	# EPOCH
{
	local s h

	s=$(soak_slope "$1") || { echo "$s"; return 1; }
	h=$(log_ike_rekeys "$1")
	echo "$s; history rows added: ${h:-0}"
	echo "$s" | awk -v h="${h:-0}" '{ split($4, r, /\.\./); split($10, f, /\.\./)
	    g = r[2] - r[1]; lim = r[1] / 10; if (lim < 4096) lim = 4096
	    lim += 3 * h
	    exit !(g <= lim && f[2] - f[1] <= 2) }'
}

# IKE rekeys in ikeflowd's log (by the peer: strongSwan does them all),
# from its RUNth start on (1: all)
log_ike_rekeys()	# [RUN]
{
	awk -v r="${1:-1}" '/ikeflowd .* ready/ { n++ } n >= r && /IKE SA rekeyed/ { c++ }
	    END { print c + 0 }' "$W/gw2.log"
}
log_child_rekeys() { grep -c 'Child SA rekeyed' "$W/gw2.log"; }
# cikeTunnelHistTable rows of reason normal(2) (IKE SAs a rekey replaced)
# of IKE SAs numbered above MIN_SA (cikeTunHistActiveIndex): those one
# ikeflowd run set up, not the rows its state file brought along
hist_normal_of()	# MIN_SA
{
	{ snmpbulk $R.1.4.2.1.1.2; snmpbulk $R.1.4.2.1.1.3; } | awk -v m="$1" '
	    { n = split($1, o, "."); c = o[n - 1]; r = o[n] }
	    c == 2 { reason[r] = $2 } c == 3 && $2 > m { mine[r] = 1 }
	    END { for (r in mine) if (reason[r] == 2) k++; print k + 0 }'
}
# The lowest IKE SA number the RUNth ikeflowd logged
log_first_sa()	# RUN
{
	awk -v r="$1" '/ikeflowd .* ready/ { n++ }
	    n >= r && match($0, /SA ID = [0-9]+/) { v = substr($0, RSTART + 8, RLENGTH - 8) + 0
		if (!m || v < m) m = v } END { print m + 0 }' "$W/gw2.log"
}

# (from gw1's side, or from gw2's when gw1 is in the peer guest: the
# same tunnel, both ways)
ping_start()	# K
{
	local a=1 b=2
	[ -n "${BED_PEER:-}" ] && a=2 b=1
	bed_bg "ping$1" ip netns exec gw$a ping -i 0.5 -W 1 -I "$(soak_sub $a "$1")" \
	    "$(soak_sub $b "$1")" >>"$W/ping-$1.txt" 2>&1
}

# A pinged tunnel answers now (the next 3 pings, one may be lost)
ping_ok()	# K
{
	local a=1 b=2
	[ -n "${BED_PEER:-}" ] && a=2 b=1
	ip netns exec gw$a ping -c 3 -i 0.3 -W 2 -I "$(soak_sub $a "$1")" "$(soak_sub $b "$1")" |
	    grep -q ' [1-9][0-9]* received'
}
pings_ok() { local k; for k in $(seq 1 "$SOAK_PINGS"); do ping_ok "$k" || return 1; done; }

# The cipSecTunnelTable rows' indexes, one a line: a tunnel torn down and
# set up again would come back under another.
tun_set() { snmpbulk $R.1.3.2.1.2 | sed -n "s/^\.$R\.1\.3\.2\.1\.2\.\([0-9]*\) .*/\1/p" | sort -n; }
# Nothing torn down since FILE's snapshot: no new row (a tunnel set up
# again), and every tunnel still has one. A row that went is then a
# second row of its tunnel: one ikeflowd keeps until its child expires
# after the peer set that tunnel up again (netem, the peer's restart),
# which may end at any time in a later round.
same_tunnels()	# FILE
{
	tun_set >"$1.after" || return 1
	if [ -n "$(comm -13 "$1" "$1.after")" ]; then
		echo "new rows:"; comm -13 "$1" "$1.after"; return 1
	fi
	all_tunnels || { echo "$(soak_tunnels) tunnels with a row, not $N"; return 1; }
	[ "$(grep -c . "$1")" = "$N" ] || [ "$(grep -c . "$1.after")" -lt "$(grep -c . "$1")" ] ||
	    diff "$1" "$1.after"
}
reloads() { grep -c 'configuration reloaded' "$W/gw2.log"; }
reloaded_since() { [ "$(reloads)" -gt "$1" ]; }
# charon's retransmissions and give-ups so far, in every peer's log
charon_retx()
{
	local k
	for k in $(seq 1 "$P"); do
		cat "${PWS[k]}/$SOAK_INIT-charon.log" 2>/dev/null
	done | grep -c -E 'retransmit [0-9]+ of request|giving up after'
}

elapsed() { echo $((EPOCHSECONDS - T0)); }

hist_all() { snmpbulk $R.1.4.2.1.1.2 | grep -c "^\.$R\.1\.4\.2\.1\.1\.2\."; }
state_saved_after()	# UNIX_TIME
{
	[ "$(stat -c %Y /tmp/gw2/state/ikeflowd.state 2>/dev/null || echo 0)" -gt "$1" ]
}
# The SPIs of gw2's kernel that ikeflowd does not know (its cipSecSpiTable);
# none once what a killed daemon left behind has expired.
stale_spis()
{
	snmpbulk $R.1.3.4.1.3 | awk '{ printf "%08x\n", $2 }' | sort -u >"$W/spis-mib"
	ip -n gw2 xfrm state | awk '/^\tproto esp spi/ { sub(/^0x/, "", $4); printf "%08s\n", $4 }' |
	    tr ' ' 0 | sort -u >"$W/spis-kernel"
	comm -23 "$W/spis-kernel" "$W/spis-mib"
}
# None for 15 s: an SPI of the kernel that the MIB has not shown for 15 s,
# after watching for 15 s (the MIB's cache is 5 s old at most, and a rekey
# puts a new SA in the kernel every moment: one absent from a single look
# is not stale, only one that stays so)
no_stale()
{
	local now=$(date +%s)

	stale_spis >"$W/stale.now"
	[ -e "$W/stale.since" ] || echo "$now" >"$W/stale.since"
	touch "$W/stale.seen"
	awk -v now="$now" -v seen="$W/stale.seen" 'BEGIN { while ((getline l < seen) > 0) { split(l, a, " "); t[a[1]] = a[2] } }
	    { print $1, ($1 in t) ? t[$1] : now }' "$W/stale.now" >"$W/stale.seen.new" &&
	    mv "$W/stale.seen.new" "$W/stale.seen"
	[ $((now - $(cat "$W/stale.since"))) -ge 15 ] &&
	    awk -v now="$now" '$2 <= now - 15 { f = 1 } END { exit f }' "$W/stale.seen"
}
min_tunnel() { tun_set | head -n 1; }


# ---- set-up ----
mkdir -p "$POLL"
echo 1 >"$POLL/epoch"
for k in $(seq 1 "$P"); do
	printf ': PSK "%s"\n' "$SOAK_PSK" >"${PWS[k]}/psk.secrets"
	printf 'config setup\n  uniqueids=no\n' >"${PWS[k]}/empty.conf"
done
install -m 0600 "$PW/psk.secrets" "$W/psk-ikf.secrets"
soak_resp_conf "$N" >"$W/resp.conf"
# The peer opens all N tunnels at once (and again after the SIGKILL): in
# one busy guest CPU the last IKE_AUTH of 2,000 comes minutes after its
# IKE_SA_INIT, past the default 30 s half-open timeout, and the half-open
# SAs timed out over and over (bench/ike-setup-rate.bed: the same)
printf '%s\n' 'log_level = info' 'refresh_interval = 5000' "agentx_socket = unix:$W/agentx-gw2" \
    'http_listen = no' 'cookie_threshold = 0' 'cookie_threshold_ip = 0' \
    'block_threshold = 0' 'history_size = 100000' \
    "half_open_timeout = $(max 30 $((N / 10)))" >"$W/ikeflowd.conf"
if [ -n "${BED_PEER:-}" ]; then
	for k in $(seq 1 "$P"); do
		check "topology-peer$k" gp "$k" bed_link_gw gw1 "$(peer_addr "$k")/24"
	done
	check topology bed_link_gw gw2 192.0.2.2/24
else
	check topology bed_topology lo
fi
gall ip -n gw1 route add 10.2.0.0/16 via 192.0.2.2
# (a tunnel's packets go out by its SA, whichever peer's: any route will do)
ip -n gw2 route add 10.1.0.0/16 via 192.0.2.1
# (one process where gw1 is: a peer request each would cost more; every
# peer has every pinged address, only the tunnel's owner sees traffic)
gall bash -c 'for k in $(seq 1 "$1"); do ip -n gw1 addr add "10.1.$((k / 256)).$((k % 256))/32" dev lo; done' \
    _ "$SOAK_PINGS"
for k in $(seq 1 "$SOAK_PINGS"); do
	ip -n gw2 addr add "$(soak_sub 2 "$k")/32" dev lo
done
# the state directory on its own small tmpfs, to fill it later. Sized
# for the state file (about 0.5 kB a history row or tunnel, twice while a
# save replaces it): 4 MB at 200 tunnels; at 2,000 the file outgrew 4 MB
# after 30 minutes of rekeys and the SIGKILL lost the history of the
# saves that failed (bench/soak.md)
mkdir -p -m 700 /tmp/gw2/state
mount -t tmpfs -o "size=$(max 4 $((N * 16 / 1000)))m,mode=700" soakstate /tmp/gw2/state
chown ikeflow /tmp/gw2/state
check snmpd start_snmpd gw2
check ikeflowd soak_ikf_start
check agent-registered wait_for 10 agent_up
SOAK_INIT=i1
t_up0=$(date +%s)
check initiator soak_init_start $SOAK_INIT
check setup-paced soak_setup_paced
up_counts() { echo "SAs gw1 $(soak_sas gw1) gw2 $(soak_sas gw2), children $(soak_children), rows $(soak_rows)"; }
wait_for $((N / 4 + 30)) soak_every 2 all_up
up_report() { up_counts; all_up; }
check all-up up_report
T0=$(date +%s)
say "$N tunnels up in $((T0 - t_up0)) s"
# the peer guest's CPU (charon's, mostly), from here to the end
peer_cpu() { gall head -n 1 /proc/stat; }
[ -n "${BED_PEER:-}" ] && PEER_CPU0=$(peer_cpu)
check all-rows wait_for 30 soak_every 2 all_rows
for k in $(seq 1 "$SOAK_PINGS"); do ping_start "$k"; done
bed_bg poller soak_poller >>"$W/poller.log" 2>&1
check first-poll wait_for 60 soak_every 2 full_cycle

# ---- faults, in turn, while the rekeys go on; the whole turn SOAK_ROUNDS times ----
# RUN counts ikeflowd's starts (a SIGKILL ends one); the poller's epoch is
# RUN, then a suffix: n under netem, b when a selector's indexes may only
# go (after netem), rn after the peer's restart (indexes may come and go
# until the kill), T in a transition (not judged).
RUN=1 EPOCH=1
set_epoch() { EPOCH=$1; echo "$1" >"$POLL/epoch"; }
# check_r NAME CMD...: check, its name prefixed with the round after the first
check_r() { local n=$1; shift; check "${ROUND_P}$n" "$@"; }
check_ge_r() { check_ge "${ROUND_P}$1" "$2" "$3"; }

# soak_hups COUNT [CONNS...]: COUNT SIGHUPs, each as soon as the one before
# was reloaded (a burst harder than "every few seconds": a reload never
# has the time to settle), the configuration written with the next CONNS
# count before each (none: unchanged). Fails on the first reload missed.
soak_hups()
{
	local k=0 n=$1 r0
	shift
	while [ "$k" -lt "$n" ]; do
		k=$((k + 1))
		if [ $# -gt 0 ]; then
			soak_resp_conf "$1" >"$W/resp.conf"
			set -- "${@:2}" "$1"
		fi
		r0=$(reloads)
		kill -HUP "$(ikf_pid)" || return 1
		wait_for 30 soak_every 1 reloaded_since "$r0" ||
		    { echo "SIGHUP $k of $n: no reload"; return 1; }
	done
}

soak_round()
{
	local h0 imax ts ipid spid g0 ck0 e0 tn r0 conns cpid rx trx

	say "${ROUND_P}SIGHUP x$SOAK_HUPS, the configuration unchanged ($(elapsed) s)"
	tun_set >"$W/tunnels-0"
	check_r hup-unchanged soak_hups "$SOAK_HUPS"
	check_r hup-nothing-down same_tunnels "$W/tunnels-0"

	say "${ROUND_P}SIGHUP x$SOAK_HUPS, connections added and removed ($(elapsed) s)"
	# N + 1, N + 2, N + 1, ...: the last is N + 1 for an odd count
	conns=$((N + 1 + (SOAK_HUPS + 1) % 2))
	check_r hup-changed soak_hups "$SOAK_HUPS" $((N + 1)) $((N + 2))
	check_r hup-changed-conns eval "tail -n 1000 '$W/gw2.log' | grep 'configuration reloaded' |
	    tail -n 1 | grep -q 'configuration reloaded: $conns connections'"
	# whole poll cycles after the reloads (one wait for all: a cycle under
	# UML on a busy host takes a minute; the samples' verdict judges every
	# cycle's rows, and the walk above each burst's)
	check_r hup-changed-polls poll_more 2
	check_r hup-changed-nothing-down same_tunnels "$W/tunnels-0"

	say "${ROUND_P}snmpd killed and restarted ($(elapsed) s)"
	spid=$(cat "$W/snmpd-gw2/snmpd.pid")
	check_r snmpd-kill kill -9 "$spid"
	check_r snmpd-gone wait_for 10 eval '! kill -0 '"$spid"
	g0=$(grep -c gap "$POLL/gaps" 2>/dev/null)
	check_r snmpd-gap wait_for 30 soak_every 1 eval '[ "$(grep -c gap "$POLL/gaps" 2>/dev/null)" -gt "'"${g0:-0}"'" ]'
	launch_snmpd gw2
	check_r snmpd-back wait_for 30 agent_up
	# one cycle: a walk of a cycle under way while snmpd was down failed and
	# made it a gap, not a cycle, so the next count is of walks of the new snmpd
	check_r snmpd-polls-resume poll_more 1

	say "${ROUND_P}the peer (strongSwan) restarted ($(elapsed) s)"
	# As an operator restarts it: charon stops (deleting the IKE SAs it
	# can), a new one loads the conns and sets every tunnel up again. A
	# tunnel whose old IKE SA was deleted comes back as a new row; one
	# whose old IKE SA the old charon left (stopped in the middle of a
	# rekey) goes on in its row, as after a reauthentication; a second
	# row of a tunnel ends at its child's lifetime. So until the kill
	# ends this ikeflowd run, a tunnel's indexes may come and go (epoch
	# RUNrn); its counters are judged as ever. The set-up is paced as the
	# first.
	set_epoch T
	cpid=()
	for k in $(seq 1 "$P"); do
		cpid[k]=$(gp "$k" bash -c 'nsenter -t "$(cat "/tmp/$1/ns.pid")" -m cat /var/run/charon.pid' _ "$SOAK_INIT")
	done
	check_r peer-stop gall swan gw1 "$SOAK_INIT" stop
	# (its port free for the next one)
	peers_gone() { local k; for k in $(seq 1 "$P"); do gp "$k" bash -c '! kill -0 "$1" 2>/dev/null' _ "${cpid[k]:-1}" || return 1; done; }
	check_r peer-stopped wait_for 30 peers_gone
	SOAK_INIT=i$((${SOAK_INIT#i} + 1))
	check_r peer-start soak_init_start "$SOAK_INIT"
	check_r peer-setup soak_setup_paced
	check_r peer-reestablished wait_for $((N / 4 + 60)) soak_every 3 all_up
	check_r peer-all-tunnels wait_for 60 soak_every 2 all_tunnels
	set_epoch "${RUN}rn"
	check_r peer-pings wait_for 30 pings_ok

	say "${ROUND_P}ikeflowd killed with SIGKILL and restarted ($(elapsed) s)"
	# rekeys so far left history rows (IKE SAs a rekey replaced): the kill
	# must keep them. On a machine with CPU to spare the faults above take
	# less than the first IKE rekey (a minute or two of waiting, the longest
	# of the run): the peer rekeys one IKE SA now if none has been.
	hist_some() { [ "$(hist_all)" -ge 1 ]; }
	hist_some || gp 1 swanctl_in "$SOAK_INIT" --rekey --ike s1 >>"$W/$SOAK_INIT-swanctl.log" 2>&1
	check_r history-before-kill wait_for "$SOAK_IKE_REKEY" soak_every 2 hist_some
	h0=$(hist_all)
	imax=$(tun_set | tail -n 1)
	ts=$(date +%s)
	# what ikeflowd knew a moment ago is in the state file
	check_r kill-state-saved wait_for 30 state_saved_after "$ts"
	set_epoch T
	# where ikeflowd's time went (handler by handler) up to now: the kill
	# starts the account again
	procs_cpu "$RUN"
	ipid=$(ikf_pid)
	check_r kill-9 kill -9 "$ipid"
	check_r kill-gone wait_for 10 eval '! kill -0 '"$ipid"
	# the kernel keeps the dead daemon's SAs (traffic goes on through them)
	check_ge_r kill-sas-kept $((2 * N)) "$(soak_sas gw2)"
	rm -f /tmp/gw2/ctl.sock
	RUN=$((RUN + 1))
	check_r kill-restart soak_ikf_start
	check_r kill-agent wait_for 30 agent_up
	check_ge_r kill-history-kept "$h0" "$(hist_all)"
	# strongSwan's requests on the IKE SAs the restart forgot are answered with
	# INVALID_IKE_SPI (charon 5.9 ignores the hint: unprotected)
	check_r kill-invalid-spi-sent wait_for 60 soak_every 2 invspi_sent
	# strongSwan finds the responder gone (DPD, or a rekey without an answer)
	# and sets every tunnel up again: new rows, under new indexes
	check_r kill-reestablished wait_for $((SOAK_CHILD_REKEY * 3 + 60)) soak_every 3 all_tunnels
	check_ge_r kill-indexes-new $((imax + 1)) "$(min_tunnel)"
	check_r kill-all-up wait_for 60 soak_every 2 all_up
	set_epoch "$RUN"
	check_r kill-pings wait_for 30 pings_ok

	say "${ROUND_P}10% loss and 200 ms delay on the link for $((SOAK_CHILD_REKEY)) s ($(elapsed) s)"
	ck0=$(log_child_rekeys)
	set_epoch "${RUN}n"
	check_r netem-on gall ip netns exec gw1 tc qdisc add dev $G1_IF root netem loss 10% delay 200ms
	check_r netem-on-gw2 ip netns exec gw2 tc qdisc add dev $G2_IF root netem loss 10% delay 200ms
	tn=$(date +%s)
	rekeys_through() { [ "$(log_child_rekeys)" -ge $((ck0 + N / 2)) ] && [ $(( $(date +%s) - tn )) -ge "$SOAK_CHILD_REKEY" ]; }
	check_r netem-rekeys wait_for $((SOAK_CHILD_REKEY * 3)) soak_every 3 rekeys_through
	gall ip netns exec gw1 tc qdisc del dev $G1_IF root
	ip netns exec gw2 tc qdisc del dev $G2_IF root
	tn=$EPOCHSECONDS
	check_r netem-all-up wait_for 60 soak_every 2 all_up
	check_r netem-pings wait_for 30 pings_ok
	# A request charon sent under netem is retransmitted for up to
	# SOAK_RETX_S after it, and then given up: the tunnel set up again
	# under a new index after netem has ended (a CI run saw one in the
	# next round). The epoch where indexes may come and go lasts until
	# every such request has run its course and its tunnel, set up again,
	# is in the MIB (15 s more: the set-up, the MIB's 5 s cache). On a
	# busy host charon's requests run late: a suite run saw a tunnel set
	# up again after that window. So the window also starts again at
	# charon's last retransmission or give-up in any peer's log: once none
	# has come for that long, no request of the netem is left in flight.
	rx=$(charon_retx) trx=$EPOCHSECONDS
	netem_settled()
	{
		local r
		r=$(charon_retx)
		[ "$r" = "$rx" ] || { rx=$r; trx=$EPOCHSECONDS; }
		[ $((EPOCHSECONDS - tn)) -ge $((SOAK_RETX_S + 15)) ] &&
		[ $((EPOCHSECONDS - trx)) -ge $((SOAK_RETX_S + 15)) ] && all_up
	}
	check_r netem-settled wait_for $((SOAK_RETX_S * 3 + 75)) soak_every 2 netem_settled
	set_epoch "${RUN}b"

	say "${ROUND_P}the state directory full ($(elapsed) s)"
	# counted before the filling: the save 2 s after the next rekey fails at once
	e0=$(grep -c 'state file' "$W/gw2.log")
	dd if=/dev/zero of=/tmp/gw2/state/filler bs=64k >/dev/null 2>&1
	ck0=$(log_child_rekeys)
	check_r full-logged wait_for 60 soak_every 1 eval '[ "$(grep -c "state file" "$W/gw2.log")" -gt '"$e0"' ]'
	keying_on() { [ "$(log_child_rekeys)" -ge $((ck0 + 20)) ]; }
	check_r full-keying-on wait_for $((SOAK_CHILD_REKEY * 2)) soak_every 2 keying_on
	check_r full-logged-once test "$(grep -c 'state file' "$W/gw2.log")" = $((e0 + 1))
	check_r full-in-views sh -c "ip netns exec gw2 '$IKEFLOWCTL' -s /tmp/gw2/ctl.sock show crypto ikev2 history | grep -qi 'not saved'"
	r0=$(grep -c 'saved again' "$W/gw2.log")
	rm -f /tmp/gw2/state/filler
	check_r full-saved-again wait_for 30 soak_every 1 eval '[ "$(grep -c "saved again" "$W/gw2.log")" -gt '"$r0"' ]'
	check_r full-view-clear sh -c "! ip netns exec gw2 '$IKEFLOWCTL' -s /tmp/gw2/ctl.sock show crypto ikev2 history | grep -qi 'not saved'"
}

# strongSwan's requests on the IKE SAs the restart forgot are answered with
# INVALID_IKE_SPI: the count of this ikeflowd run rises
invspi_sent() { ip netns exec gw2 "$IKEFLOWCTL" -s /tmp/gw2/ctl.sock show crypto ikev2 stats |
    sed -n 's/.*answered INVALID_IKE_SPI: \([0-9]*\).*/\1/p' | grep -q '^[1-9]'; }
procs_cpu() { ip netns exec gw2 "$IKEFLOWCTL" -s /tmp/gw2/ctl.sock show processes cpu \
    >"$W/processes-cpu-$1.txt" 2>&1; }

for ROUND in $(seq 1 "$SOAK_ROUNDS"); do
	ROUND_P=
	[ "$ROUND" -gt 1 ] && ROUND_P="r$ROUND-"
	soak_round
done

say "the rest of the ${SOAK_SECS} s ($(elapsed) s)"
soak_done() { [ "$(elapsed)" -ge "$SOAK_SECS" ]; }
check soak-time wait_for $((SOAK_SECS * 2)) soak_done
say "the end's checks ($(elapsed) s)"
# the faults may have taken the time: the last run's RSS and fds need
# samples past its first child rekey cycle (one a poll cycle)
check end-resource-samples wait_for $((SOAK_CHILD_REKEY * 10)) soak_every 2 resource_samples "$RUN"
check end-all-up wait_for 60 soak_every 2 all_up
check end-polls poll_more 1
touch "$POLL/stop"
check end-pings pings_ok
check samples soak_samples_ok
check rss-fds-flat soak_flat "$RUN"
# what the killed daemon left in the kernel expired (its hard lifetime)
check no-stale-sas wait_for "$SOAK_LIFE_R" soak_every 2 no_stale
no_stale || sed 's/^/  unknown to ikeflowd since (unix time): /' "$W/stale.seen"
check_ge child-rekeys $((N * (SOAK_SECS / SOAK_CHILD_REKEY - 1))) "$(log_child_rekeys)"
# The peer stops (every tunnel deleted, peerDelRequest(4) in history): the
# history is still, and the restarted ikeflowd's rows of rekeyed IKE SAs
# are as many as the IKE rekeys it logged. Its conns are unloaded first:
# vici closes each tunnel by an exchange, after the task under way.
# Stopped at once, charon exits within a second, and the IKE SAs it was
# rekeying were never deleted: their children stayed in gw2's kernel
# until their hard lifetime (144 s of a 9-minute CI run).
rows_end=$(soak_rows)
procs_cpu end
say "the peer stopped ($(elapsed) s)"
peers_unload()
{
	local k
	for k in $(seq 1 "$P"); do
		printf 'connections {\n}\n' >"${PWS[k]}/no-conns.conf"
		gp "$k" swanctl_in "$SOAK_INIT" --load-conns --file "${PWS[k]}/no-conns.conf" || return 1
	done
}
check peer-unload peers_unload
# A tunnel the peer set up twice (under netem) and then forgot has no one
# to close it: its child SAs in gw2 end at their hard lifetime, ikeflowd's
# delete for them then goes unanswered (the 2,000-tunnel soak: 3 of them)
check peer-gone wait_for "$(max 120 $((SOAK_LIFE_R + 30)))" soak_every 1 eval '[ "$(soak_sas gw2)" = 0 ]'
check peer-stop gall swan gw1 "$SOAK_INIT" stop
# (counted by the SAs' numbers: rekeys just before the kill came back
# from the state file as rows, but their log lines are the first run's)
# (the last run's: a kill loses the rows of rekeys not yet saved, which
# the run before logged)
sa2=$(( $(log_first_sa "$RUN") - 1 ))
check_eq history-rows-rekeys "$(log_ike_rekeys "$RUN")" "$(hist_normal_of "$sa2")"
{
	echo "tunnels $N, child rekey ${SOAK_CHILD_REKEY} s, IKE rekey ${SOAK_IKE_REKEY} s, ${SOAK_SECS} s"
	echo "tunnel rows at the end: $rows_end for $N tunnels"
	echo "faults: $SOAK_ROUNDS rounds, SIGHUP bursts of $SOAK_HUPS, ikeflowd started $RUN times, the peer's charon $(( ${SOAK_INIT#i} )) times"
	echo "set-up $((T0 - t_up0)) s; child rekeys $(log_child_rekeys), IKE rekeys $(log_ike_rekeys) ($(log_ike_rekeys "$RUN") after the last restart, history rows of them $(hist_normal_of "$sa2"))"
	soak_samples_ok
	for r in $(seq 1 "$RUN"); do
		echo "ikeflowd run $r: $(soak_slope "$r")"
	done
	grep -c . "$POLL/gaps" 2>/dev/null | sed 's/^/poll gaps (snmpd down): /'
	awk 'NR == 1 { t0 = $1 } { t = $1 } END { if (NR > 1) printf "poll cycles: %d, %.1f s each\n", NR, (t - t0) / (NR - 1) }' "$POLL/resources"
	soak_cpu_report
	if [ -n "${BED_PEER:-}" ]; then
		printf '%s\n%s\n' "$PEER_CPU0" "$(peer_cpu)" | awk -v np="$P" '{ k = (NR - 1) % np + 1
			b = $2 + $3 + $4 + $7 + $8; i = $5 + $6 }
		    NR <= np { b0[k] = b; i0[k] = i; next }
		    b + i > b0[k] + i0[k] { printf "peer guest %d (strongSwan) cpu: busy %d%%\n", k,
			100 * (b - b0[k]) / (b + i - b0[k] - i0[k]) }'
	fi
	# ikeflowd's own account since the restart: its busiest handlers
	sed -n '/Handlers since the start/,$p' "$W/processes-cpu-end.txt" | head -n 8
	echo "scenario time after set-up: $(elapsed) s"
} >"$W/soak.txt"
cat "$W/soak.txt"
