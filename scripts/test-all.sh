#!/bin/bash
# Everything the project tests, from a fresh Debian 12 checkout, as root:
# packages, build, unit tests (plain, under valgrind, ASan/UBSan build),
# fuzzers (bounded, when the build has a `fuzz` target), test-bed scenarios.
# The last line is always "N passed, N failed": cmocka test cases plus
# scenarios; a stage that fails without a test to blame (build error,
# fuzzer crash, valgrind or sanitizer report) counts as one failure.
# Exit status 0 only if nothing failed.
#
# Environment: JOBS (make -j, default 2), FUZZ_SECONDS (per fuzzer,
# default 25), SKIP_DEPS=1, SKIP_BED=1, BED_SCENARIOS="a b" (default all),
# BED_JOBS (guests at once, default 2).
#
# The test bed takes most of the time and, its guests often waiting on
# lifetimes and retransmits, leaves part of the CPUs idle: it starts as
# soon as the build is done, and the unit, valgrind, sanitizer and fuzz
# stages run beside it at a low priority, so they take only what the
# guests leave and never slow a scenario down.
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
SRC=$PWD
JOBS=${JOBS:-2}
LOGS=$SRC/build/test-all
passed=0 failed=0
summary=
t_all=$(date +%s)

# stage NAME CMD...: runs CMD with output in $LOGS/NAME.log, times it.
stage()
{
	local name=$1 t0 rc secs
	shift
	t0=$(date +%s)
	echo "== $name: $*"
	${STAGE_NICE:+nice -n "$STAGE_NICE"} "$@" >"$LOGS/$name.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - t0 ))
	if [ $rc = 0 ]; then
		echo "== $name: ok (${secs}s)"
	else
		echo "== $name: FAILED, exit $rc (${secs}s); log: $LOGS/$name.log"
		[ "${STAGE_QUIET:-0}" = 1 ] ||
		    tail -n 30 "$LOGS/$name.log" | sed 's/^/   /'
	fi
	summary="$summary$(printf '%-12s %-6s %5ss' "$name" \
	    "$([ $rc = 0 ] && echo ok || echo FAILED)" "$secs")
"
	return $rc
}

# unit_counts BUILD_DIR: prints "PASSED FAILED" over the test logs of the
# last `make check` there. cmocka's summaries give the case counts; a
# program that failed without one (crash, valgrind or sanitizer report)
# counts as one failure, a non-cmocka program that passed as one pass.
unit_counts()
{
	local trs log res p f tp=0 tf=0

	while IFS= read -r trs; do
		log=${trs%.trs}.log
		res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
		p=$(grep -a -E -o '^\[  PASSED  \] [0-9]+ test' "$log" 2>/dev/null |
		    awk '{ n += $4 } END { print n + 0 }')
		f=$(grep -a -E -o '^\[  FAILED  \] [0-9]+ test' "$log" 2>/dev/null |
		    awk '{ n += $4 } END { print n + 0 }')
		case $res in
		FAIL|ERROR|XPASS) [ "$f" = 0 ] && f=1 ;;
		PASS) [ "$p" = 0 ] && [ "$f" = 0 ] && p=1 ;;
		esac
		tp=$((tp + p))
		tf=$((tf + f))
	done < <(find "$1" -name '*.trs' 2>/dev/null | sort)
	echo "$tp $tf"
}

# unit_stage NAME DIR COUNT_PASSES MAKE_ARGS...: `make check` in DIR.
unit_stage()
{
	local name=$1 dir=$2 count_pass=$3 rc p f log
	shift 3
	find "$dir" -name '*.trs' -delete 2>/dev/null
	STAGE_QUIET=1 stage "$name" make -C "$dir" -j"$JOBS" check "$@"
	rc=$?
	if [ $rc != 0 ]; then
		# the next stage's `make check` in the same directory rewrites
		# the program's log: keep it, and say its failed checks here
		# (a script's log drops its .sh: tests/web/run-web-test.log)
		grep -E '^(FAIL|ERROR|XPASS): ' "$LOGS/$name.log" |
		    while read -r res prog; do
			log=$dir/$prog.log
			[ -f "$log" ] || log=$dir/${prog%.sh}.log
			cp "$log" "$LOGS/$name-${prog##*/}.log" 2>/dev/null
			echo "   $res $prog (log: $LOGS/$name-${prog##*/}.log)"
			grep -a -E '^\[  (ERROR|FAILED|LINE) +\]|^  log\[|ERROR: |Assertion|error:|^FAIL: ' \
			    "$log" 2>/dev/null | head -n 12 | sed 's/^/     /'
		done
		grep -q -E '^(FAIL|ERROR|XPASS): ' "$LOGS/$name.log" ||
		    tail -n 30 "$LOGS/$name.log" | sed 's/^/   /'
	fi
	read -r p f < <(unit_counts "$dir")
	[ $rc != 0 ] && [ "$f" = 0 ] && f=1
	echo "   $name: $p test cases passed, $f failed"
	[ "$count_pass" = 1 ] && passed=$((passed + p))
	failed=$((failed + f))
}

mkdir -p "$LOGS" || exit 1
echo "== ikeflow test-all in $SRC ($(date -u '+%F %T') UTC, $(nproc) CPUs)"

if [ "${SKIP_DEPS:-0}" != 1 ]; then
	stage deps bash scripts/deps.sh || failed=$((failed + 1))
fi

built=0
if stage autoreconf autoreconf -fi &&
    stage configure sh -c 'cd build && ../configure' &&
    stage build make -C build -j"$JOBS"; then
	built=1
else
	failed=$((failed + 1))
fi

# bed_start / bed_finish: the scenarios in the background from here on
bedpid=
bed_start()
{
	[ "${SKIP_BED:-0}" = 1 ] && return
	t_bed=$(date +%s)
	echo "== bed: tests/bed/run ${BED_SCENARIOS:-(all scenarios)} (in the background)"
	# shellcheck disable=SC2086
	BUILDDIR=$SRC/build tests/bed/run -j "${BED_JOBS:-2}" \
	    -o "$SRC/build/tests/bed/out" \
	    ${BED_SCENARIOS:-} >"$LOGS/bed.log" 2>&1 &
	bedpid=$!
	STAGE_NICE=15
}

bed_finish()
{
	local bp bf secs

	[ "${SKIP_BED:-0}" = 1 ] && return
	[ -n "$bedpid" ] && wait "$bedpid"
	echo "== bed: results"
	cat "$LOGS/bed.log"
	bp=$(grep -c -E '^PASS [^ ]+ \(' "$LOGS/bed.log")
	bf=$(grep -c -E '^FAIL [^ :]+:' "$LOGS/bed.log")
	# the runner refused to start (not root, UML missing): one failure
	[ "$bp" = 0 ] && [ "$bf" = 0 ] && bf=1
	passed=$((passed + bp))
	failed=$((failed + bf))
	secs=$(( $(date +%s) - t_bed ))
	echo "== bed: $bp scenarios passed, $bf failed (${secs}s)"
	summary="$summary$(printf '%-12s %-6s %5ss' bed \
	    "$([ "$bf" = 0 ] && echo ok || echo FAILED)" "$secs")
"
}

if [ $built = 1 ]; then
	bed_start
	# keying/ and kernel/ files must not call each other in circles
	stage module-cycles scripts/module-cycles.sh build keying kernel ||
	    failed=$((failed + 1))
	unit_stage unit build 1
	unit_stage valgrind build 0 VALGRIND=valgrind
	mkdir -p build-asan
	if stage asan-config sh -c 'cd build-asan && ../configure --enable-sanitizers'; then
		unit_stage asan build-asan 0
	else
		failed=$((failed + 1))
	fi
fi

# Fuzzers: a `fuzz` target (built with --enable-fuzzers and clang) runs
# every fuzzer for FUZZ_SECONDS seconds and fails on a crash. 25 s each
# here (twelve targets: the five minutes of CPU ten took at 30 s): beside
# the bed, any busy host CPU slows the UML guests by a third
# or more (measured: two pinned guests' 25 s of work took 31-43 s next
# to two nice 15 loops, and as long under SCHED_IDLE), so the stages
# beside it are kept short; a longer campaign is `make fuzz
# FUZZ_SECONDS=N` in build-fuzz.
if grep -q -E '^(@ENABLE_FUZZERS_TRUE@)?fuzz:' Makefile.in 2>/dev/null; then
	mkdir -p build-fuzz
	if ! stage fuzz-config sh -c 'cd build-fuzz && ../configure CC=clang --enable-fuzzers' ||
	    ! stage fuzz make -C build-fuzz -j"$JOBS" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-25}"; then
		failed=$((failed + 1))
	fi
fi

# without a build there is nothing to run in the guests
if [ $built = 1 ]; then
	bed_finish
elif [ "${SKIP_BED:-0}" != 1 ]; then
	echo "== bed: not run, the build failed"
fi

echo "== stages"
printf '%s' "$summary" | sed 's/^/   /'
echo "   total $(( $(date +%s) - t_all ))s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
