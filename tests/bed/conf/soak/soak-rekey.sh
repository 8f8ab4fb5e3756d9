# soak-rekey: 200 tunnels to ikeflowd rekeying for 3 minutes under faults
# (the CI size of bench/soak.sh; conf/soak/soak.sh says what is checked).
# Not yet in scenarios/: it has not passed a run (see bench/soak.md);
# run it as tests/bed/run ../tests/bed/conf/soak/soak-rekey.sh
# bed-timeout: 480

. "$SRCDIR/tests/bed/conf/soak/soak.sh"
