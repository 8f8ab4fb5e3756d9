#!/bin/sh
# Builds the libFuzzer targets (clang) straight from the sources and runs
# each for SECONDS, JOBS of them at a time, each from its seed corpus in
# tests/fuzz/corpus/NAME. Exits non-zero on any finding (crash, leak,
# sanitizer report, failed check, timeout).
# Usage: tests/fuzz/run.sh [SRCDIR] [SECONDS] [TARGET...]
# FUZZ_JOBS (default 2) runs that many at once; FUZZ_WORK=dir keeps the
# binaries, corpora, logs and crash artifacts there.
set -eu
src=$(cd "${1:-.}" && pwd)
secs=${2:-60}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
targets=${*:-"fuzz_ikev2_msg fuzz_ikev2_inner fuzz_ikev1_msg fuzz_ipsec_conf fuzz_ipsec_secrets
	fuzz_daemon_conf fuzz_state_file fuzz_ctl fuzz_ikev2_engine fuzz_vici fuzz_kernel_msg
	fuzz_ikev1_engine"}
jobs=${FUZZ_JOBS:-2}
cc=${CLANG:-clang}
work=${FUZZ_WORK:-$(mktemp -d /tmp/ikeflow-fuzz.XXXXXX)}
mkdir -p "$work/include" "$work/obj"
# what configure and the Makefile would define
cat > "$work/include/config.h" <<-EOT
	#define PACKAGE_NAME "ikeflow"
	#define PACKAGE_VERSION "fuzz"
	#define SYSCONFDIR "/etc"
	#define LOCALSTATEDIR "/var"
	#define RUNSTATEDIR "/run"
	#define PKGLIBEXECDIR "/usr/libexec/ikeflow"
	#define SBINDIR "/usr/sbin"
	EOT
cflags="-g -O1 -fno-sanitize-recover=undefined -D_GNU_SOURCE -I$work/include -I$src"

# Everything but the daemon's sockets, the kernel's netlink side and the
# SNMP agent; of kernel/, the parsers of what the kernel sends.
# (whole directories where every file belongs, so a new file needs no edit here)
lib="ctl/ctl.c ctl/show_crypto.c ctl/show_ipsec.c ctl/show_statusall.c
	ctl/show_tech.c ctl/show_util.c kernel/xfrm_msg.c kernel/xfrm_algs.c
	kernel/xfrm_stat.c kernel/route_msg.c"
lib="$lib $(cd "$src" && ls common/*.c config/*.c state/*.c keying/*.c)"
objs=""
for f in $lib; do
	o="$work/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer-no-link,address,undefined -c -o "$o" "$src/$f"
	objs="$objs $o"
done
rm -f "$work/libfuzz.a"
# shellcheck disable=SC2086
ar rcs "$work/libfuzz.a" $objs

for t in $targets; do
	# shellcheck disable=SC2086
	$cc $cflags -Wall -Wextra -fsanitize=fuzzer,address,undefined -o "$work/$t" \
	    "$src/tests/fuzz/$t.c" "$work/libfuzz.a" -lcrypto -lmnl -lpthread
	corpus="$work/corpus-$t"
	mkdir -p "$corpus"
	case $t in
	fuzz_ikev2_msg)
		for f in "$src"/tests/unit/data/ikev2/*/*.bin; do
			d=$(basename "$(dirname "$f")")
			cp "$f" "$corpus/$d-$(basename "$f")"
		done;;
	fuzz_ikev2_inner)
		cp "$src"/tests/fuzz/corpus/inner/*.bin "$corpus/";;
	*)
		cp "$src/tests/fuzz/corpus/${t#fuzz_}"/* "$corpus/";;
	esac
done

run_one() {
	t=$1
	dict=""
	[ -f "$src/tests/fuzz/${t#fuzz_}.dict" ] &&
	    dict="-dict=$src/tests/fuzz/${t#fuzz_}.dict"
	# shellcheck disable=SC2086
	if ! "$work/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/$t-" $dict \
	    "$work/corpus-$t" > "$work/$t.log" 2>&1; then
		tail -50 "$work/$t.log"
		echo "$t: FINDING, see $work/$t-*" >&2
		return 1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	echo "== $t: $execs runs in $secs s ($((execs / secs))/s), corpus" \
	    "$(find "$work/corpus-$t" -type f | wc -l) files"
}

status=0
running=0
pids=""
for t in $targets; do
	run_one "$t" &
	pids="$pids $!"
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		for p in $pids; do
			wait "$p" || status=1
		done
		pids=""
		running=0
	fi
done
for p in $pids; do
	wait "$p" || status=1
done
echo "work dir: $work"
exit $status
