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
TESTS += tests/agent/run-snmp-test.sh tests/agent/run-snmp-set-stress.sh
EXTRA_DIST += tests/agent/run-snmp-test.sh tests/agent/run-snmp-set-stress.sh \
	tests/agent/snmp-lib.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_agent
TESTS += tests/unit/test_agent
tests_unit_test_agent_SOURCES = tests/unit/test_agent.c
tests_unit_test_agent_CFLAGS = $(unit_cflags)
tests_unit_test_agent_LDADD = $(unit_ldadd)
endif
EXTRA_DIST += doc/flowmib-mapping.md

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_flowmib_show
TESTS += tests/unit/test_flowmib_show
tests_unit_test_flowmib_show_SOURCES = tests/unit/test_flowmib_show.c
tests_unit_test_flowmib_show_CFLAGS = $(unit_cflags)
tests_unit_test_flowmib_show_LDADD = $(unit_ldadd)
endif
EXTRA_DIST += tests/unit/data/show
