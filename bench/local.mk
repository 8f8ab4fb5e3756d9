# bench: benchmarks run in the UML test bed (tests/bed/run -o OUT bench/NAME.sh)
EXTRA_DIST += bench/xfrm-dump.sh
