#!/bin/sh
# Builds the IKEv2 codec fuzz targets with libFuzzer (clang) straight from
# the sources and runs each for SECONDS. Exits non-zero on any finding.
# Usage: tests/fuzz/run.sh [SRCDIR] [SECONDS]
# FUZZ_WORK=dir keeps the binaries, corpora and crash artifacts there.
set -eu
src=$(cd "${1:-.}" && pwd)
secs=${2:-60}
cc=${CLANG:-clang}
work=${FUZZ_WORK:-$(mktemp -d /tmp/ikeflow-fuzz.XXXXXX)}
mkdir -p "$work/include"
: > "$work/include/config.h"

sources="common/buf.c common/addr.c common/log.c keying/ikev2_msg.c
	keying/ikev2_msg_names.c keying/ikev2_msg_natd.c keying/ikev2_msg_frag.c
	keying/ikev2_payload.c keying/ikev2_payload_build.c"
srcs=""
for f in $sources; do srcs="$srcs $src/$f"; done

status=0
for t in fuzz_ikev2_msg fuzz_ikev2_inner; do
	# shellcheck disable=SC2086
	$cc -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -D_GNU_SOURCE \
	    -I"$work/include" -I"$src" -o "$work/$t" "$src/tests/fuzz/$t.c" \
	    $srcs -lcrypto
	corpus="$work/corpus-$t"
	mkdir -p "$corpus"
	if [ $t = fuzz_ikev2_msg ]; then
		for f in "$src"/tests/unit/data/ikev2/*/*.bin; do
			d=$(basename "$(dirname "$f")")
			cp "$f" "$corpus/$d-$(basename "$f")"
		done
	else
		cp "$src"/tests/fuzz/corpus/inner/*.bin "$corpus/"
	fi
	echo "== $t: $secs s, work dir $work"
	if ! "$work/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/$t-" "$corpus" \
	    > "$work/$t.log" 2>&1; then
		tail -50 "$work/$t.log"
		echo "$t: FINDING, see $work/$t-*" >&2
		status=1
	else
		grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units)" "$work/$t.log" || true
	fi
done
exit $status
