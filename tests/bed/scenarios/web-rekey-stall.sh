# web-rekey-stall: ikeflowd's web server under abuse never holds up keying.
# ikeflowd (gw2) brings the seed tunnel up to strongSwan (gw1) with children
# that live 14 s and that ikeflowd rekeys 5 s after each install. While 240
# pings at 50 ms cross two of its rekeys, a client on gw1 sends half a
# request and stops, and waves of 200 concurrent clients (10 loopback
# addresses of gw2, 20 at a time each) load the dashboard, the JSON API and
# /metrics without pause. The rekeys complete on time (no ping lost: a late
# rekey lets the SAs expire), the old SAs go, the tunnel keeps its index and
# counters; every client of every wave gets its whole answer; the stalled
# client is dropped at the server's timeout with nothing answered.
# bed-timeout: 300

. "$SRCDIR/tests/bed/interop-lib.sh"

iop_only seed
{
	cat "$IOP_CONF/ikeflowd.conf"
	echo "http_listen = *:8080"
	echo "http_allow = 192.0.2.0/24, 127.0.0.0/8"
} >"$W/ikeflowd-web.conf"
iop_setup "$W/ikeflowd-web.conf"
check web-listening grep -q 'web: dashboard on http://\*:8080/' "$W/gw2.log"

# wave N: 200 clients at once on gw2, their status codes in $W/wave-N.codes
# and a line per incomplete body in $W/wave-N.bad
wave()
{
	local n=$1 a i path

	mkdir -p "$W/wave-$n"
	for a in 2 3 4 5 6 7 8 9 10 11; do
		for i in $(seq 20); do
			case $((i % 3)) in
			0) path=/ ;;
			1) path=/api/v1/summary ;;
			2) path=/metrics ;;
			esac
			echo "url = \"http://127.0.0.$a:8080$path\""
			echo "output = \"$W/wave-$n/$a-$i\""
		done >"$W/wave-$n/urls.$a"
		ip netns exec gw2 curl -s --parallel --parallel-immediate --parallel-max 20 \
		    --max-time 60 --interface 127.0.0.$a -K "$W/wave-$n/urls.$a" \
		    -w '%{http_code}\n' >"$W/wave-$n/codes.$a" 2>/dev/null &
	done
	wait	# (a subshell: its children are these clients)
	cat "$W/wave-$n"/codes.* >"$W/wave-$n.codes"
	# each answer whole: the page's end, the summary's last key, the
	# metrics' build info
	for f in "$W/wave-$n"/*-*; do
		grep -qE '</html>|"uptime_s"|^ikeflow_build_info' "$f" || echo "$f"
	done >"$W/wave-$n.bad"
}

# waves until the pings end; how many in $W/waves
waves()
{
	local n=0

	echo 0 >"$W/waves"
	while kill -0 "$IOP_PING" 2>/dev/null; do
		n=$((n + 1))
		wave $n
		echo $n >"$W/waves"
	done
}

all_waves_ok()
{
	local n

	for n in $(seq "$(cat "$W/waves")"); do
		[ "$(grep -c '^200$' "$W/wave-$n.codes")" = 200 ] &&
		[ ! -s "$W/wave-$n.bad" ] || { echo "wave $n: $(grep -c '^200$' \
		    "$W/wave-$n.codes") of 200 answered 200, $(wc -l <"$W/wave-$n.bad") \
		    incomplete"; return 1; }
	done
}

# ikeflowd's tunnel sampled while the pings ran: one index, counters never
# going back. (A sample is a control request; the guest's one CPU is shared
# with 200 clients, so there may be as few as two.)
samples_ok()
{
	awk 'NF != 3 || $1 == "" { print "bad sample: " $0; bad = 1; exit }
	    NR == 1 { id = $1 }
	    $1 != id { print "tunnel index changed: " id " -> " $1; bad = 1 }
	    $2 < e || $3 < d { print "counter went back at sample " NR ": " $0; bad = 1 }
	    { e = $2; d = $3 }
	    END { if (NR < 2) { print "only " NR " samples"; bad = 1 }; exit bad }' \
	    "$W/$P-samples.txt"
}

stalled_dropped() { ! kill -0 "$STALL" 2>/dev/null; }
# show processes cpu names the handler of each long turn: a table, and no
# descriptor the loop could only call by its number
turns_named()
{
	grep -q 'Longest turns since the last look, by the handler' "$1" &&
	    ! sed -n '/Longest turns since/,$p' "$1" | grep -Eq ' fd [0-9]+$'
}

iop_each_round()
{
	local spis0 n0 n

	iop_conns "" "$IOP_SHORT_CHILD"
	iop_up initiator
	spis0=$(iop_spis gw2)
	n0=$(grep -c "CHILD_SA $P{[0-9]*} established" "$W/gw1-charon.log")

	# the half request, from gw1: headers never finished; whatever comes
	# back (nothing, or a 408) is kept
	ip netns exec gw1 bash -c 'exec 3<>/dev/tcp/192.0.2.2/8080 || exit 9
	    date +%s >"$2"
	    printf "GET / HTTP/1.1\r\nHost: gw2\r\nX-Half: " >&3
	    cat <&3 >"$1"
	    date +%s >>"$2"' stall "$W/stalled-answer.txt" "$W/stalled-times" &
	STALL=$!

	iop_ping_bg 240
	waves &
	WAVES=$!
	iop_sample_while_pinging
	iop_ping_wait 240
	wait "$WAVES"
	check "$P/ikf-samples" samples_ok
	# the loop's figures under that load, for the record
	ctl gw2 gw2 show processes cpu >"$W/ikf-cpu.txt" 2>&1
	say "$(grep 'Event loop:' "$W/ikf-cpu.txt")"
	say "$(sed -n '/Longest turns since/,$p' "$W/ikf-cpu.txt")"
	check "$P/long-turns-named" turns_named "$W/ikf-cpu.txt"
	check "$P/ikf-cumulative" wait_for 5 iop_ikf_counted 240
	check "$P/old-sas-gone" wait_for 10 iop_no_spi_of gw2 "$spis0"
	check "$P/ikf-two-sas" wait_for 10 iop_ikf_two_sas
	n=$(grep -c "CHILD_SA $P{[0-9]*} established" "$W/gw1-charon.log")
	check_ge "$P/child-rekeys" 2 "$((n - n0))"
	check_ge "$P/waves" 1 "$(cat "$W/waves")"
	say "$(cat "$W/waves") waves of 200 clients while the tunnel rekeyed"
	check "$P/every-client-answered" all_waves_ok

	# the stalled client: held from the tunnel's install through the
	# first rekey (5 s later), dropped at the server's timeout (15 s)
	# with nothing but a 408
	check "$P/stalled-dropped" wait_for 40 stalled_dropped
	check_ge "$P/stalled-held-14s" 14 "$(awk 'NR == 1 { t = $1 } NR == 2 { print $1 - t }' \
	    "$W/stalled-times")"
	check "$P/stalled-no-answer" sh -c '[ ! -s "$1" ] || grep -q "^HTTP/1.1 408" "$1"' \
	    sh "$W/stalled-answer.txt"
	iop_down
}

iop_each iop_each_round
