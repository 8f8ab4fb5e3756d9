# monitor-bed: ikeflowd in monitor mode (mode = monitor, issue #17) on
# 10,000 tunnels another daemon keyed, in one guest. There is no other
# daemon: `ip -batch` installs 10,000 ESP SA pairs (AES-CBC-128/HMAC-SHA1,
# tunnel mode, one reqid per pair) with their out/in/fwd policies in gw2's
# kernel, as a keying daemon would have. Then ikeflowd starts in monitor
# mode under gw2's snmpd and adopts them: the adoption time is from its start
# to cipSecGlobalActiveTunnels = 10,000, and its RSS then. Then the poll
# rounds of agent-bed.sh against bench/floor-agent (10,000
# cipSecTunnelTable rows, no cikeTunnelTable rows: without vici, ikeflowd
# has no IKE SAs): row-wise GETBULK, RUNS polls of each, alternating;
# medians, ratio, subagent CPU per poll. No traffic crosses the SAs (no
# peer): the counters the refresh folds are all zero.
# Checked: the SAD and SPD hold what the batch installed, before and after
# (monitor mode writes nothing), every poll sees 10,000 rows, no error or
# warning in ikeflowd's log.
#
# Run (as root, from the build directory):
#   nice -n 15 tests/bed/run -o OUTDIR bench/monitor-bed.sh   (SRCDIR's path if elsewhere)
# Figures: OUTDIR/monitor-bed/bench.txt (and on the console).
# bed-timeout: 1500

. "$SRCDIR/tests/bed/conf/snmp-common/snmp.sh"
. "$SRCDIR/tests/bed/conf/monitor-common/monitor.sh"
. "$SRCDIR/bench/bed-common.sh"

N=${BENCH_N:-10000}
RUNS=${BENCH_RUNS:-5}
# The batch holds the SAs' keys: the guest's own tmpfs, never $W (kept).
BATCH=/tmp/monitor-bed.batch

# gen_batch: the `ip -batch` lines of N SA pairs and their policies. Tunnel
# i: gw2 192.0.2.2 === 198.18.0.0/15 (RFC 2544 benchmarking range, the
# peers), 10.a.b.0/24 (ours) <=> 10.128+a.b.0/24; SPIs, reqids as
# bench/agent-bed-rows.c (distinct, out of the ranges daemons allocate).
# Keys: 72 random bytes a pair (16 + 20 each way).
gen_batch()
{
	head -c $((N * 72)) /dev/urandom | od -An -v -tx1 | tr -d ' \n' |
	    fold -w 144 | awk -v n="$N" '
	NR > n { exit }
	{
		i = NR - 1
		l = "192.0.2.2"
		r = sprintf("198.%d.%d.%d", 18 + int(i / 65536), int(i / 256) % 256, i % 256)
		ln = sprintf("10.%d.%d.0/24", int(i / 256), i % 256)
		rn = sprintf("10.%d.%d.0/24", 128 + int(i / 256), i % 256)
		rq = 1048576 + i
		sa = "proto esp spi 0x%s reqid %d mode tunnel enc cbc(aes) 0x%s " \
		    "auth-trunc hmac(sha1) 0x%s 96\n"
		printf "xfrm state add src %s dst %s " sa, r, l, "d" sprintf("%07x", i), rq,
		    substr($0, 1, 32), substr($0, 33, 40)
		printf "xfrm state add src %s dst %s " sa, l, r, "d8" sprintf("%06x", i), rq,
		    substr($0, 73, 32), substr($0, 105, 40)
		tm = "proto esp reqid %d mode tunnel\n"
		printf "xfrm policy add src %s dst %s dir out tmpl src %s dst %s " tm,
		    ln, rn, l, r, rq
		printf "xfrm policy add src %s dst %s dir in tmpl src %s dst %s " tm,
		    rn, ln, r, l, rq
		printf "xfrm policy add src %s dst %s dir fwd tmpl src %s dst %s " tm,
		    rn, ln, r, l, rq
	}
	END { if (NR < n) exit 1 }' >"$BATCH"
}
sad_count() { ip -n gw2 xfrm state count | awk '{ print $3 }'; }
spd_count() { ip -n gw2 xfrm policy count | awk '{ print $3 + $5 + $7 }'; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
active() { snmp_num $R.1.3.1.1.0; }
adopted() { [ "$(active)" = "$N" ]; }
same_sad_spd() { [ "$(kernel_sad_spd | md5sum)" = "$(cat "$W/kernel-before.md5")" ]; }

printf '%s\n' 'mode = monitor' 'vici_socket = no' "agentx_socket = unix:$W/agentx-gw2" \
    'http_listen = no' >"$W/gw2-ikeflowd.conf"

check topology bed_topology
check snmpd start_snmpd gw2
check batch-written gen_batch
check_eq batch-lines "$((5 * N))" "$(wc -l <"$BATCH")"
t=$(ms)
check ip-batch ip -n gw2 -batch "$BATCH"
batch_ms=$(( $(ms) - t ))
rm -f "$BATCH"
check_eq kernel-sas "$((2 * N))" "$(sad_count)"
check_eq kernel-policies "$((3 * N))" "$(spd_count)"
kernel_sad_spd | md5sum >"$W/kernel-before.md5"

t=$(ms)
check ikeflowd start_monitor
up_ms=$(( $(ms) - t ))
IKF=$(cat /tmp/gw2/ikeflowd.pid)
check adopted wait_for 400 adopted
adopt_ms=$(( $(ms) - t ))
rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$IKF/status")
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$IKF/status")
ctl gw2 gw2 show crypto ipsec sa count >"$W/ipsec-sa-count.txt" 2>&1
# the figures so far, at once: on a busy host the polls take long
{
	echo "monitor-bed: $N tunnels keyed by no daemon (ip -batch), ikeflowd mode = monitor, $RUNS polls each, medians"
	echo "  ip -batch of $((2 * N)) SAs + $((3 * N)) policies: $batch_ms ms"
	echo "  adoption: control socket after $up_ms ms, cipSecGlobalActiveTunnels = $N after $adopt_ms ms (0.2 s polling)"
	echo "  ikeflowd RSS after adoption: $rss kB (peak $hwm kB)"
} | tee "$W/bench.txt"

# Each round's poll must see all N rows (bench_rounds counts only those):
# no separate full poll first, the floor only has to answer.
bench_floor_start 0
check floor-registered wait_for 30 snmp_is $FR.1.3.2.1.51.$N "INTEGER: 1"
FLOOR=$(cat "$W/floor.pid")
bench_rounds "$RUNS" "" "$IKF" "$FLOOR"

check_eq active-after-polls "$N" "$(active)"
check sad-spd-unchanged same_sad_spd
check ikf-no-errors sh -c "! grep -E ' (error|warning): ' '$W/gw2.log'"

{
	echo "  ikeflowd RSS after the polls: $(awk '$1 == "VmRSS:" { print $2 }' "/proc/$IKF/status") kB"
	bench_rounds_report
} | tee -a "$W/bench.txt"
bench_goals
