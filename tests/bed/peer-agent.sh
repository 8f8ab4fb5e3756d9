# The peer guest of a scenario marked "# bed-peer: yes" (started by
# tests/bed/run beside the scenario's guest, each on a CPU of its own):
# runs the scenario's requests (lib.sh: peer) one after the other until
# W/rq/stop. W here is the scenario's W/peer (W/peer2 ... for the others:
# BED_PEER_SELF); the same directory is shown at the scenario's path of it
# too (/tmp/w/peer ...), so that a path a request names is the same file
# in both guests.
me=/tmp/w/${BED_PEER_SELF:-peer}
mkdir -p "$me" && mount --bind "$W" "$me" || echo "peer agent: $W not at $me"
echo "PASS peer-agent" >>"$W/result"
say "peer agent: ready"

# (patterns: they list the directory on the host each time, where a
# lookup of one name may answer from the guest's cache)
peer_stopped() { local f; for f in "$W"/rq/sto[p]; do [ -e "$f" ] && return 0; done; return 1; }

# A request usually follows another soon (a wait polling its condition):
# the agent looks again at once after one, then less often while none
# comes (each look is a directory listing through hostfs, taken from the
# peer's CPU).
done_n=() done_t=() idle=0
while ! peer_stopped; do
	busy=0
	for r in "$W"/rq/req.*; do
		[ -e "$r" ] || continue
		n=${r##*/req.}
		cmd=$(<"$r")
		# written whole yet?
		[ "${cmd##*$'\n'}" = "#end" ] || continue
		# the request, and the answers read long ago: one process
		old=()
		while [ ${#done_n[@]} -gt 0 ] && [ $((EPOCHSECONDS - done_t[0])) -gt 60 ]; do
			old+=("$W/rq/out.${done_n[0]}" "$W/rq/res.${done_n[0]}")
			done_n=("${done_n[@]:1}") done_t=("${done_t[@]:1}")
		done
		rm -f "$r" "${old[@]}"
		( eval "${cmd%$'\n'#end}" ) >"$W/rq/out.$n" 2>&1 </dev/null
		echo $? >"$W/rq/res.$n"
		done_n+=("$n") done_t+=("$EPOCHSECONDS")
		busy=1
	done
	if [ $busy = 1 ]; then
		idle=0
	else
		idle=$((idle + 1))
		t=0.05
		[ $idle -lt 20 ] || t=0.2
		bed_sleep $t
	fi
done
say "peer agent: stopped"
echo "PASS peer-agent-stopped" >>"$W/result"
