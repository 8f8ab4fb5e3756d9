# soak-rekey: 200 tunnels to ikeflowd rekeying for 3 minutes under faults
# (issue 18's CI size of bench/soak.sh; conf/soak/soak.sh says what is
# checked). What kept a guest's CPU busy at this size was the poller's
# processes (five snmpbulkwalk and an awk a cycle) and the wait for the
# first IKE rekey before the SIGKILL: one tests/bed/soak-poll a cycle and a
# rekey asked of the peer now. The rest of the run is bounded by its
# fixed times: the peer finding the killed responder gone, netem's period,
# the dead daemon's SAs reaching their hard lifetime.
# bed-timeout: 600

SOAK_N=${SOAK_N:-200}
. "$SRCDIR/tests/bed/conf/soak/soak.sh"
