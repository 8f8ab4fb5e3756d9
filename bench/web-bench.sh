#!/bin/bash
# The web server at N tunnels (default 10000): the real server and renderers
# (tests/web/web_fixture, the real event loop) over a state model of N
# tunnels. For /, /api/v1/tunnels (the full list) and /metrics: the wall
# time of a request and the CPU the server spent on it (from
# /proc/PID/stat, so a busy machine does not inflate it), and the longest
# a cheap request (/static/style.css) waited while the big ones were being
# served: the event loop's longest stall as a client sees it.
# No kernel here: the floor (`ip -s xfrm state` of the same SAs) needs the
# test bed (bench/agent-bed.sh builds 10,000 real tunnels).
#
#   bench/web-bench.sh [N [REPEAT]]      (from the build directory)
set -u
n=${1:-10000} rep=${2:-5}
fixture=./tests/web/web_fixture
port=$(( 20000 + $$ % 30000 ))
out=$(mktemp)
"$fixture" "127.0.0.1:$port" 127.0.0.0/8 "$n" >"$out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for i in $(seq 300); do grep -q ready "$out" && break; sleep 0.1; done
grep -q ready "$out" || { echo "fixture did not start"; exit 1; }
base=http://127.0.0.1:$port
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$pid/stat; }

echo "tunnels: $n, $rep requests each, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
for u in / /api/v1/tunnels /metrics; do
	t0=$(cpu_ticks)
	best=999 sum=0 size=0
	for i in $(seq "$rep"); do
		r=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "$base$u")
		w=${r% *} size=${r#* }
		best=$(echo "$w $best" | awk '{ print ($1 < $2) ? $1 : $2 }')
		sum=$(echo "$w $sum" | awk '{ print $1 + $2 }')
	done
	t1=$(cpu_ticks)
	printf '%-18s %9d bytes  wall best %6.1f ms, mean %6.1f ms  server CPU %6.1f ms\n' \
	    "$u" "$size" "$(echo "$best" | awk '{ print $1 * 1000 }')" \
	    "$(echo "$sum $rep" | awk '{ print $1 * 1000 / $2 }')" \
	    "$(echo "$t0 $t1 $hz $rep" | awk '{ print ($2 - $1) * 1000 / $3 / $4 }')"
done

# the loop's longest stall: probes while the big documents are served
( for i in $(seq "$rep"); do
	curl -s -o /dev/null "$base/api/v1/tunnels" &
	curl -s -o /dev/null "$base/metrics" &
	curl -s -o /dev/null "$base/" &
	wait
done ) &
load=$!
max=0
while kill -0 $load 2>/dev/null; do
	w=$(curl -s -o /dev/null -w '%{time_total}' "$base/static/style.css")
	max=$(echo "$w $max" | awk '{ print ($1 > $2) ? $1 : $2 }')
	sleep 0.01
done
printf 'longest wait of a small request while they were served: %.1f ms\n' \
    "$(echo "$max" | awk '{ print $1 * 1000 }')"
# the fixture's longest loop turns (wall and CPU) and the server's account
# of each: what it printed when told to stop
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
echo "the fixture's longest loop turns:"
sed -n 's/^turn /  turn /p' "$out"
