# bed-common: what the flow-MIB benchmarks in the test bed share (sourced by
# bench/agent-bed.sh and bench/monitor-bed.sh after tests/bed/lib.sh): the
# floor subagent beside ikeflowd under gw2's snmpd (start_snmpd gw2), the
# row-wise poll, the alternating poll rounds and their report.
# The caller sets N (rows each agent serves) first.

R=1.3.6.1.4.1.9.9.171
FR=1.3.6.1.4.1.8072.9999.171
POLL=$BUILDDIR/bench/agent-poll

# poll ROOT: "ROWS rows PDUS pdus SECS s"
poll() { ip netns exec gw2 "$POLL" 127.0.0.1:161 public "$1"; }
poll_all() { [ "$(poll "$1" 2>/dev/null | awk '{ print $1 }')" = "$N" ]; }
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }	# clock ticks
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# poll_secs: the seconds of a poll that saw all N rows, else nothing
poll_secs() { awk -v n="$N" '$1 == n { print $(NF - 1) }'; }

# bench_floor_start [IKE_ROWS]: bench/floor-agent registers with gw2's snmpd,
# N cipSecTunnelTable rows and IKE_ROWS (default N) cikeTunnelTable rows;
# its pid in $W/floor.pid once it runs.
bench_floor_start()
{
	bed_bg floor sh -c 'echo $$ >"$1"; shift; exec ip netns exec gw2 "$@"' floor \
	    "$W/floor.pid" "$BUILDDIR/bench/floor-agent" "unix:$W/agentx-gw2" "$N" \
	    "$FR" "${1:-$N}" >"$W/floor.log" 2>&1
}

# bench_rounds RUNS TAG IKF FLOOR: RUNS polls of ikeflowd (pid IKF) and of
# the floor (pid FLOOR), alternating, so that anything else the guest does
# hits both alike. Each poll's seconds go to $W/ikf-timesTAG.txt and
# $W/floor-timesTAG.txt, its line to $W/polls.txt. Sets BR_IKE and BR_FLOOR
# (medians), BR_RATIO, BR_IKECPU and BR_FLOORCPU (subagent CPU in clock
# ticks over the rounds), also kept in $W/roundsTAG.txt for the report.
bench_rounds()
{
	local runs=$1 tag=$2 ikf=$3 floor=$4 r c out

	: >"$W/ikf-times$tag.txt"; : >"$W/floor-times$tag.txt"
	BR_IKECPU=0 BR_FLOORCPU=0
	for r in $(seq "$runs"); do
		c=$(cpu "$ikf"); out=$(poll $R) || { check poll-ikeflowd$tag-$r false; break; }
		BR_IKECPU=$((BR_IKECPU + $(cpu "$ikf") - c))
		echo "ikeflowd $out" >>"$W/polls.txt"
		echo "$out" | poll_secs >>"$W/ikf-times$tag.txt"
		c=$(cpu "$floor"); out=$(poll $FR) || { check poll-floor$tag-$r false; break; }
		BR_FLOORCPU=$((BR_FLOORCPU + $(cpu "$floor") - c))
		echo "floor    $out" >>"$W/polls.txt"
		echo "$out" | poll_secs >>"$W/floor-times$tag.txt"
	done
	check_eq ikeflowd-polls$tag-complete "$runs" "$(wc -l <"$W/ikf-times$tag.txt")"
	check_eq floor-polls$tag-complete "$runs" "$(wc -l <"$W/floor-times$tag.txt")"
	BR_IKE=$(median <"$W/ikf-times$tag.txt")
	BR_FLOOR=$(median <"$W/floor-times$tag.txt")
	BR_RATIO=$(awk -v i="$BR_IKE" -v f="$BR_FLOOR" 'BEGIN { printf "%.2f", i / f }')
	echo "$runs $BR_IKE $BR_FLOOR $BR_RATIO $BR_IKECPU $BR_FLOORCPU" >"$W/rounds$tag.txt"
}

# bench_rounds_report: the figures of the bench_rounds without a TAG
bench_rounds_report()
{
	local runs ike floor ratio ikecpu floorcpu

	read -r runs ike floor ratio ikecpu floorcpu <"$W/rounds.txt"
	echo "  ikeflowd poll : $ike s (runs: $(tr '\n' ' ' <"$W/ikf-times.txt"))"
	echo "  floor poll    : $floor s (runs: $(tr '\n' ' ' <"$W/floor-times.txt"))"
	echo "  ratio         : $ratio (goals: poll < 3 s, ratio <= 1.20)"
	awk -v ic="$ikecpu" -v fc="$floorcpu" -v hz="$(getconf CLK_TCK)" -v r="$runs" 'BEGIN {
	    printf "  subagent CPU per poll: ikeflowd %.3f s, floor %.3f s\n", ic / hz / r, fc / hz / r }'
}

# bench_goals: the poll and ratio goals of the bench_rounds without a TAG,
# as checks
bench_goals()
{
	local runs ike floor ratio

	read -r runs ike floor ratio _ <"$W/rounds.txt"
	check poll-under-3s awk -v i="$ike" 'BEGIN { exit !(i < 3) }'
	check ratio-within-goal awk -v r="$ratio" 'BEGIN { exit !(r <= 1.2) }'
}
