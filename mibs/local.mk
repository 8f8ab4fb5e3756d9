# mibs: the MIB modules the agent implements, where Net-SNMP looks for them
mibdir = $(datadir)/snmp/mibs
dist_mib_DATA = mibs/CISCO-SMI.my mibs/CISCO-IPSEC-FLOW-MONITOR-MIB.my

# smilint -l 3 over them (the IETF stand-ins are for the lint only)
TESTS += tests/agent/lint-mibs.sh
EXTRA_DIST += tests/agent/lint-mibs.sh tests/agent/lint-mibs/SNMPv2-SMI \
	tests/agent/lint-mibs/SNMPv2-TC tests/agent/lint-mibs/SNMPv2-CONF
