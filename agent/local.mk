# agent: the AgentX subagent for CISCO-IPSEC-FLOW-MONITOR-MIB and its show views
libikeflow_a_SOURCES += agent/flowmib.c agent/flowmib.h agent/agent.c agent/agent.h \
	agent/agent_int.h agent/agent_trap.c agent/agent_module.c agent/flowmib_show.c

# A subagent over a known state model, driven by tests/agent/run-snmp-test.sh
noinst_PROGRAMS += tests/agent/agent_fixture
tests_agent_agent_fixture_SOURCES = tests/agent/agent_fixture.c
tests_agent_agent_fixture_LDADD = libikeflow.a $(IKEFLOW_LIBS)

# The real-snmpd test runs unprivileged in a few seconds: part of make check
# (skipped, exit 77, without snmpd). Shell tests are not run under valgrind.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
TESTS += tests/agent/run-snmp-test.sh tests/agent/run-snmp-set-stress.sh \
	tests/agent/run-snmp-rebuild-pace.sh tests/agent/run-snmp-walk-reads.sh
EXTRA_DIST += tests/agent/run-snmp-test.sh tests/agent/run-snmp-set-stress.sh \
	tests/agent/run-snmp-rebuild-pace.sh tests/agent/run-snmp-walk-reads.sh \
	tests/agent/snmp-lib.sh

EXTRA_DIST += doc/flowmib-mapping.md

EXTRA_DIST += tests/unit/data/show
