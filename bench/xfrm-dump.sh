# xfrm-dump: one full SA dump-and-fold by kernel/xfrm.c (xfrm-probe bench,
# state model holding 10,000 children) against `ip -s xfrm state >/dev/null`
# over the same 10,000 SA pairs (+ 20,000 policies), medians of several runs
# in one guest. Goal: ratio <= 1.0. Also the on-demand counters fold
# (xfrm_fold_now, what st_counters_fresh runs) against one GETSA per SA.
# Run: tests/bed/run -o OUTDIR bench/xfrm-dump.sh   (BUILDDIR = the build)
# bed-timeout: 900

P=$BUILDDIR/tests/bed/xfrm-probe
N=10000
REPS=7
BASE=0x10000000
ENC=0x0123456789abcdef0123456789abcdef
AUTH=0x0123456789abcdef0123456789abcdef01234567

check topology bed_topology

# SPIs as xfrm-probe bench expects: out BASE+i, in BASE+0x100000+i
awk -v n="$N" -v base=$((BASE)) -v enc=$ENC -v auth=$AUTH 'BEGIN {
	for (i = 0; i < n; i++) {
		a = sprintf("10.%d.%d.%d", 1 + int(i / 65536), int(i / 256) % 256, i % 256)
		b = sprintf("10.%d.%d.%d", 101 + int(i / 65536), int(i / 256) % 256, i % 256)
		printf "xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi %d reqid %d mode tunnel enc cbc(aes) %s auth-trunc hmac(sha1) %s 96\n", base + i, i + 1, enc, auth
		printf "xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi %d reqid %d mode tunnel enc cbc(aes) %s auth-trunc hmac(sha1) %s 96\n", base + 1048576 + i, i + 1, enc, auth
		printf "xfrm policy add src %s/32 dst %s/32 dir out tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid %d mode tunnel\n", a, b, i + 1
		printf "xfrm policy add src %s/32 dst %s/32 dir in tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid %d mode tunnel\n", b, a, i + 1
	}
}' >/tmp/xfrm-bench.batch
t0=$(date +%s)
check install-batch ip -n gw1 -batch /tmp/xfrm-bench.batch
say "installed $N SA pairs and $((2 * N)) policies in $(( $(date +%s) - t0 )) s"
check sa-count test "$(ip -n gw1 xfrm state count 2>/dev/null | awk '{print $NF}')" = "$((2 * N))" -o \
    "$(ip -n gw1 xfrm state | grep -c '^src')" = "$((2 * N))"

# ip: wall time of each run in ms
: >"$W/ip-times.txt"
for r in $(seq "$REPS"); do
	s=$(date +%s%N)
	ip -n gw1 -s xfrm state >/dev/null
	e=$(date +%s%N)
	echo $(( (e - s) / 1000 )) >>"$W/ip-times.txt"
done
ip_med_us=$(sort -n "$W/ip-times.txt" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')

ip netns exec gw1 "$P" bench "$N" "$REPS" "$BASE" | tee "$W/module.txt"
mod_med=$(sed -n 's/^bench .*median_ms=\([0-9.]*\).*/\1/p' "$W/module.txt")
check module-ran test -n "$mod_med"
check module-folded-all grep -q "children=$N .* kernel_sas=$((2 * N)) folded=$((2 * N)) " "$W/module.txt"

ratio=$(awk -v m="$mod_med" -v i="$ip_med_us" 'BEGIN { printf "%.3f", m / (i / 1000) }')
{
	echo "xfrm-dump: $N SA pairs, $REPS runs each, medians"
	echo "  ip -s xfrm state >/dev/null : $(awk -v i="$ip_med_us" 'BEGIN { printf "%.1f", i / 1000 }') ms (runs: $(tr '\n' ' ' <"$W/ip-times.txt")us)"
	echo "  module dump-and-fold        : $mod_med ms"
	echo "  ratio module / ip           : $ratio (goal <= 1.0)"
	# st_counters_fresh's fold against a GETSA per SA (issue #11)
	echo "  counters fold vs GETSA      : $(grep '^fold ' "$W/module.txt")"
} | tee "$W/bench.txt"
check ratio-within-goal awk -v r="$ratio" 'BEGIN { exit !(r <= 1.0) }'
