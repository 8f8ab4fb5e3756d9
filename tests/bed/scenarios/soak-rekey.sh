# soak-rekey: 200 tunnels to ikeflowd rekeying for 3 minutes under faults
# (issue 18's CI size of bench/soak.sh; conf/soak/soak.sh says what is
# checked). The guest's one CPU is 80-90 % busy at this size (ikeflowd a
# third, charon and snmpd most of the rest: soak.txt's last line); the
# poller's own processes, a quarter of it when they were five
# snmpbulkwalk and an awk a cycle, are one tests/bed/soak-poll now. The
# wall time is the waits': the peer finding the killed responder gone and
# setting every tunnel up again, netem's period, the end's checks. The
# faults come once here (SOAK_ROUNDS): a second round took ~550 s more of
# the suite's 45 minutes on a busy host; bench/soak.sh runs them twice.
# bed-timeout: 1200

SOAK_N=${SOAK_N:-200}
SOAK_ROUNDS=${SOAK_ROUNDS:-1}
. "$SRCDIR/tests/bed/conf/soak/soak.sh"
