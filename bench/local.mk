# bench: benchmarks run in the UML test bed (tests/bed/run -o OUT bench/NAME.sh)
EXTRA_DIST += bench/xfrm-dump.sh

# The agent benchmark (bench/agent-bench.sh): a row-wise GETBULK poller and the
# floor subagent it is compared with.
noinst_PROGRAMS += bench/agent-poll bench/floor-agent
bench_agent_poll_SOURCES = bench/agent-poll.c
bench_agent_poll_LDADD = $(NETSNMP_LIBS)
bench_floor_agent_SOURCES = bench/floor-agent.c
bench_floor_agent_LDADD = $(NETSNMP_LIBS)
EXTRA_DIST += bench/agent-bench.sh

# The agent benchmark in the test bed (bench/agent-bed.sh): ikeflowd's own
# main and modules plus one that installs the other tunnels' SAs.
noinst_PROGRAMS += bench/agent-bed-ikeflowd
bench_agent_bed_ikeflowd_SOURCES = daemon/ikeflowd.c bench/agent-bed-rows.c
bench_agent_bed_ikeflowd_LDADD = libikeflow.a $(IKEFLOW_LIBS)
EXTRA_DIST += bench/agent-bed.sh bench/agent-bed.md bench/web-bed.sh bench/web-bed.md
EXTRA_DIST += bench/bed-common.sh bench/monitor-bed.sh bench/monitor-bed.md
# web-bed's cheap request, one process making it over and over
noinst_PROGRAMS += bench/web-probe
bench_web_probe_SOURCES = bench/web-probe.c

# IKEv2 setup rate and memory per tunnel against charon (test bed, root)
EXTRA_DIST += bench/ike-setup-rate.sh bench/ike-setup-rate.bed bench/README-ike.md

# The soak: tunnels rekeying for a long time under faults (test bed, root);
# its CI size is tests/bed/scenarios/soak-rekey.sh
EXTRA_DIST += bench/soak.sh bench/soak.md

# DH on the event loop with and without the DH pool (host, not the test bed)
noinst_PROGRAMS += bench/dh-pool
bench_dh_pool_SOURCES = bench/dh-pool.c
bench_dh_pool_LDADD = libikeflow.a $(IKEFLOW_LIBS)
EXTRA_DIST += bench/dh-pool.md
EXTRA_DIST += bench/web-bench.sh

# The cost of an IKE packet that matches no SA, by number of SAs (host)
noinst_PROGRAMS += bench/ike-lookup
bench_ike_lookup_SOURCES = bench/ike-lookup.c
bench_ike_lookup_LDADD = libikeflow.a $(IKEFLOW_LIBS)

# The flow MIB's rebuild in steps: the longest step at N tunnels (host)
noinst_PROGRAMS += bench/flowmib-steps
bench_flowmib_steps_SOURCES = bench/flowmib-steps.c
bench_flowmib_steps_LDADD = libikeflow.a $(IKEFLOW_LIBS)
