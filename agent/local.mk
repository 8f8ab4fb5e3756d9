# agent: the AgentX subagent for CISCO-IPSEC-FLOW-MONITOR-MIB and its show views
libikeflow_a_SOURCES += agent/flowmib.c agent/flowmib.h agent/agent.c agent/agent.h \
	agent/agent_int.h agent/agent_trap.c

# A subagent over a known state model, driven by tests/agent/run-snmp-test.sh
noinst_PROGRAMS += tests/agent/agent_fixture
tests_agent_agent_fixture_SOURCES = tests/agent/agent_fixture.c
tests_agent_agent_fixture_LDADD = libikeflow.a $(IKEFLOW_LIBS)
