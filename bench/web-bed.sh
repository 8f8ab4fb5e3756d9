# web-bed: the web server at 10,000 real tunnels, in one guest.
# gw2 runs bench/agent-bed-ikeflowd (ikeflowd's own main and modules, plus
# bench/agent-bed-rows.c, which installs N ESP SA pairs and their policies in
# gw2's kernel and enters an established IKE SA and child for each into the
# state model: see bench/agent-bed.md) with the web server on loopback.
# RUNS interleaved rounds, each: `ip -s xfrm state` of the same SAs (the
# floor), then `/` (first page), `/api/v1/tunnels` (the full list) and
# `/metrics`, each a whole client command's wall time (as the floor's);
# medians and ratios to the floor. Then the event loop's longest stall while
# they are served: big requests back to back while a cheap one
# (/static/style.css) is timed over and over (what a client waits), and
# ikeflowd's own longest loop turn over the same span (`show processes cpu`).
# Goals: /metrics <= 0.5x the floor, / under 50 ms, longest stall < 50 ms.
#
# Run (as root, from the build directory):
#   tests/bed/run -o OUTDIR bench/web-bed.sh     (SRCDIR's path if elsewhere)
# Figures: OUTDIR/web-bed/bench.txt (and on the console).
# bed-timeout: 900

. "$SRCDIR/tests/bed/conf/ikev2-common/ikev2.sh"

N=${BENCH_N:-10000}
RUNS=${BENCH_RUNS:-5}
STALL_ROUNDS=${BENCH_STALL_ROUNDS:-3}
BASE=http://127.0.0.1:8080

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }
# timed NAME CMD...: the command's wall time in ms, appended to $W/NAME.ms
timed()
{
	local name=$1 t0 rc
	shift
	t0=$(date +%s%N)
	"$@" >"$W/$name.out" 2>&1
	rc=$?
	echo $(( ($(date +%s%N) - t0) / 1000000 )) >>"$W/$name.ms"
	return $rc
}
# The clients share the guest's one CPU with ikeflowd, where deployed they
# are remote: as SCHED_BATCH they are not woken ahead of ikeflowd in the
# middle of its turn (each 64 kB ikeflowd sends woke a curl that wrote it
# to the host's file system, thousands of involuntary switches a run), so
# a loop turn measures ikeflowd's own work. BENCH_CLIENTS=normal: as before;
# BENCH_CLIENTS=batch: SCHED_BATCH alone.
# BENCH_CLIENTS=low (the default): also at nice 19, so that on the guest's one CPU the
# clients' share, while ikeflowd has work, is that of remote clients: next
# to none (as SCHED_BATCH alone, they still took four fifths of the CPU
# from ikeflowd's turns while four of them ran). The cheap request that
# measures the stall then runs at normal priority: it stands for the
# monitoring poll, and at nice 19 it would wait behind the three big
# clients for the CPU, which is no stall of ikeflowd's.
PROBE_SCHED=
case ${BENCH_CLIENTS:-low} in
batch) SCHED="chrt -b 0" PROBE_SCHED=$SCHED ;;
low) SCHED="nice -n 19 chrt -b 0" ;;
*) SCHED= ;;
esac
get() { ip netns exec gw2 $SCHED curl -sf --max-time 120 -o "$W/$1.body" -w '%{time_total}\n' "$BASE$2"; }
floor() { ip netns exec gw2 $SCHED ip -s xfrm state >"$W/floor.body"; }
metrics_tunnels() { get m /metrics >/dev/null && grep -c '^ikeflow_tunnel_up{' "$W/m.body"; }
all_in_metrics() { [ "$(metrics_tunnels)" = "$N" ]; }

printf '%s\n' 'log_level = info' "agentx_socket = unix:$W/agentx-gw2" \
    'http_listen = 127.0.0.1:8080' 'http_allow = 127.0.0.0/8' >"$W/gw2-ikeflowd.conf"

check topology bed_topology
check snmpd start_snmpd gw2
export BENCH_TUNNELS=$N BENCH_LOCAL=192.0.2.2
t0=$(date +%s)
IKEFLOWD=$BUILDDIR/bench/agent-bed-ikeflowd check ikeflowd ikev2_ikeflowd "" "$W/gw2-ikeflowd.conf"
check bench-rows-installed wait_for 900 grep -q 'bench: .* tunnels installed' "$W/gw2.log"
say "$(sed -n 's/.*notice: \(bench: .*\)/\1/p' "$W/gw2.log") (ikeflowd up after $(( $(date +%s) - t0 )) s)"
check_eq kernel-sas "$((2 * N))" "$(ikev2_sa_count gw2)"
check web-all-tunnels wait_for 60 all_in_metrics
LOG0=$(wc -l <"$W/gw2.log")

# Interleaved rounds: anything else the guest does hits all alike.
for r in $(seq "$RUNS"); do
	timed floor floor || { check "floor-$r" false; break; }
	timed page get p / || { check "page-$r" false; break; }
	cat "$W/page.out" >>"$W/page-curl.s"
	timed tunnels get t /api/v1/tunnels || { check "tunnels-$r" false; break; }
	timed metrics get m /metrics || { check "metrics-$r" false; break; }
done
check_eq rounds-complete "$RUNS" "$(wc -l <"$W/metrics.ms")"
# each answer whole and about all the tunnels
check_eq floor-sas "$((2 * N))" "$(grep -c '^src ' "$W/floor.body")"
check page-whole grep -q '</html>' "$W/p.body"
# (the seed's configured connection, with no tunnel, is a row too)
check page-count grep -q "<p id=\"count\">$((N + 1)) of $((N + 1)) rows" "$W/p.body"
check_eq tunnels-listed "$N" "$(grep -o '"index":' "$W/t.body" | wc -l)"
check_eq metrics-tunnels "$N" "$(grep -c '^ikeflow_tunnel_up{' "$W/m.body")"

# ikeflowd's longest loop turn since the last look, in ms; the whole view
# (which handler took the most of each long turn) kept in cpu-NAME.txt
peak_ms()
{
	ctl gw2 gw2 show processes cpu >"$W/cpu-${1:-look}.txt"
	sed -n 's/.*Longest turn since the last look: \([0-9]*\) us.*/\1/p' \
	    "$W/cpu-${1:-look}.txt" | awk '{ printf "%d", $1 / 1000 }'
}
# stall NAME: STALL_ROUNDS of the three big requests at once, back to back,
# while the cheap request is made over and over by bench/web-probe (one
# process: a curl a request cost the guest's one CPU a fork and two execs
# each, at normal priority, in the middle of ikeflowd's turns). Prints "PROBES MAX_MS MEDIAN_MS
# PEAK_MS" (the cheap request's waits, ikeflowd's longest turn meanwhile).
stall()
{
	local f=$W/probe-$1.s load probe
	peak_ms >/dev/null	# a new window for the peak
	cp "$W/cpu-look.txt" "$W/cpu-$1-start.txt"
	( for r in $(seq "$STALL_ROUNDS"); do
		get sp1 / >/dev/null & get sp2 /api/v1/tunnels >/dev/null &
		get sp3 /metrics >/dev/null & wait
	done ) &
	load=$!
	ip netns exec gw2 $PROBE_SCHED "$BUILDDIR/bench/web-probe" 127.0.0.1 8080 \
	    /static/style.css >"$f" &
	probe=$!
	wait $load
	kill -TERM $probe
	wait $probe
	echo "$(wc -l <"$f") $(sort -n "$f" | tail -1 | awk '{ printf "%d", $1 * 1000 }')" \
	    "$(median <"$f" | awk '{ printf "%d", $1 * 1000 }') $(peak_ms "$1")"
}
# The refresh alone: one refresh interval (5 s) with no request (a
# measurement window, not a wait for a condition).
peak_ms >/dev/null
sleep 6
idle_peak=$(peak_ms idle)
# As deployed: the refresh timer folds 20,000 SAs every 5 s meanwhile.
set -- $(stall refresh)
probes=$1 probe_max=$2 probe_med=$3 peak=$4
check_ge probes 5 "$probes"
# The web server alone: the refresh timer stopped by a reload, and the
# counters folded (on demand, by a first request) before the window opens.
cp "$W/gw2-ikeflowd.conf" "$W/gw2-ikeflowd.conf.default"
echo 'refresh_interval = 3600000' >>"$W/gw2-ikeflowd.conf"
check reload-no-refresh ctl gw2 gw2 reload
check summary-folds get s /api/v1/summary
set -- $(stall web)
probes2=$1 probe_max2=$2 probe_med2=$3 peak2=$4
check_ge probes-web 5 "$probes2"
check ikf-no-errors sh -c "! tail -n +$((LOG0 + 1)) '$W/gw2.log' | grep -E ' (error|warning): '"

fl=$(median <"$W/floor.ms")
pg=$(median <"$W/page.ms")
pgc=$(median <"$W/page-curl.s" | awk '{ printf "%d", $1 * 1000 }')
tu=$(median <"$W/tunnels.ms")
me=$(median <"$W/metrics.ms")
# preempted WINDOW: ikeflowd's involuntary context switches over a stall
# window (the guest ran something else in the middle of its turns)
involuntary() { sed -n 's/.* \([0-9]*\) involuntary.*/\1/p' "$1"; }
preempted()
{
	[ -f "$W/cpu-$1-start.txt" ] || return 0
	echo " $(( $(involuntary "$W/cpu-$1.txt") - $(involuntary "$W/cpu-$1-start.txt") ))" \
	    "involuntary context switches of ikeflowd"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
size() { stat -c %s "$W/$1.body"; }
{
	echo "web-bed: $N tunnels (real kernel SAs), $RUNS interleaved rounds, medians (ms, whole command)"
	echo "  ip -s xfrm state : $fl ms ($(size floor) bytes; runs: $(tr '\n' ' ' <"$W/floor.ms"))"
	echo "  /                : $pg ms, request alone $pgc ms ($(size p) bytes; runs: $(tr '\n' ' ' <"$W/page.ms")), ratio $(ratio "$pg" "$fl")"
	echo "  /api/v1/tunnels  : $tu ms ($(size t) bytes; runs: $(tr '\n' ' ' <"$W/tunnels.ms")), ratio $(ratio "$tu" "$fl")"
	echo "  /metrics         : $me ms ($(size m) bytes; runs: $(tr '\n' ' ' <"$W/metrics.ms")), ratio $(ratio "$me" "$fl")"
	echo "  stall: $STALL_ROUNDS rounds of /, /api/v1/tunnels and /metrics at once, a cheap request over and over meanwhile:"
	echo "    with the refresh (every 5 s): $probes cheap requests, longest $probe_max ms," \
	    "median $probe_med ms; ikeflowd's longest loop turn $peak ms"
	echo "    refresh stopped (web alone): $probes2 cheap requests, longest $probe_max2 ms," \
	    "median $probe_med2 ms; ikeflowd's longest loop turn $peak2 ms"
	echo "    no request, 6 s (one refresh): ikeflowd's longest loop turn $idle_peak ms"
	echo "  clients: ${SCHED:-normal scheduling}, the cheap request ${PROBE_SCHED:-normal scheduling} (BENCH_CLIENTS=${BENCH_CLIENTS:-low})"
	echo "  goals: /metrics <= 0.5x floor, / < 50 ms, longest stall < 50 ms"
	echo "  the longest turns of each window and their handlers (show processes cpu):"
	for w in refresh web idle; do
		echo "    $w:$(preempted "$w")"
		sed -n '/^ *Turn us/,/Longest turn since the start/p' "$W/cpu-$w.txt" |
		    grep -v 'Longest turn since the start' | sed 's/^/    /'
	done
} | tee "$W/bench.txt"
check metrics-half-floor awk -v a="$me" -v b="$fl" 'BEGIN { exit !(a <= 0.5 * b) }'
check page-under-50ms test "$pgc" -lt 50
# both windows: as deployed (the refresh folding 20,000 SAs every 5 s) and
# the web server alone; what a client waited and ikeflowd's own turns
check stall-under-50ms test "$probe_max2" -lt 50
check stall-under-50ms-refresh test "$probe_max" -lt 50
check loop-turn-under-50ms test "$peak" -lt 50 -a "$peak2" -lt 50
