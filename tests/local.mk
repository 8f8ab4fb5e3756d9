# tests: the UML test bed and the scripts that run everything. Scenarios need
# root and User-Mode Linux: scripts/test-all.sh runs them, `make check` does not.
# Whole directories, so that a new scenario or configuration ships by itself.
EXTRA_DIST += tests/bed/README.md tests/bed/run tests/bed/guest-init tests/bed/hostside \
	tests/bed/durations tests/bed/lib.sh tests/bed/interop-lib.sh tests/bed/uml-xstate.c \
	tests/bed/secret-forms.py tests/bed/syslog-sink.py \
	tests/bed/scenarios tests/bed/conf tests/bed/demo \
	scripts/deps.sh scripts/test-all.sh scripts/demo.sh \
	scripts/module-cycles.sh

# libFuzzer targets beyond the IKEv2 codec's (keying/local.mk); the corpora
# ship with tests/fuzz/corpus, engine-seeds.py rewrites the engine's.
EXTRA_DIST += tests/fuzz/fuzz_files.h tests/fuzz/fuzz_engine_sides.h tests/fuzz/fuzz_ipsec_conf.c \
	tests/fuzz/fuzz_ipsec_secrets.c tests/fuzz/fuzz_daemon_conf.c \
	tests/fuzz/fuzz_state_file.c tests/fuzz/fuzz_ctl.c \
	tests/fuzz/fuzz_ikev2_engine.c tests/fuzz/fuzz_vici.c tests/fuzz/fuzz_kernel_msg.c \
	tests/fuzz/fuzz_ikev1_engine.c tests/fuzz/ikev1-engine-seeds.py \
	tests/fuzz/engine-seeds.py \
	tests/fuzz/ipsec_conf.dict tests/fuzz/ipsec_secrets.dict \
	tests/fuzz/daemon_conf.dict tests/fuzz/README.md

# The test bed's IKE_SA_INIT flood that answers cookies (scenario ike-flood).
noinst_PROGRAMS += tests/bed/ike-flood
tests_bed_ike_flood_SOURCES = tests/bed/ike-flood.c
tests_bed_ike_flood_LDADD = libikeflow.a $(IKEFLOW_LIBS)

# The soak's SNMP poller, a cycle in one process (tests/bed/conf/soak).
noinst_PROGRAMS += tests/bed/soak-poll
tests_bed_soak_poll_SOURCES = tests/bed/soak-poll.c
tests_bed_soak_poll_LDADD = $(NETSNMP_LIBS)
