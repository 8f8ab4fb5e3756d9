# agent: the AgentX subagent for CISCO-IPSEC-FLOW-MONITOR-MIB and its show views
libikeflow_a_SOURCES += agent/flowmib.c agent/flowmib.h agent/agent.c agent/agent.h \
	agent/agent_int.h agent/agent_trap.c
