# daemon: ikeflowd's skeleton (ikeflowd.c holds main; the rest is in the library
# so that unit tests reach it)
libikeflow_a_SOURCES += daemon/daemon.h daemon/daemon_int.h daemon/modules.c \
	daemon/options.c daemon/pidfile.c daemon/detach.c daemon/reload.c \
	daemon/commands.c daemon/tech.c daemon/privdrop.c daemon/seccomp.c \
	daemon/runner.c

EXTRA_DIST += tests/unit/data/daemon/ipsec.conf tests/unit/data/daemon/ipsec.secrets \
	tests/unit/data/daemon/bad-ipsec.conf tests/unit/data/daemon/reload-ipsec.conf

libikeflow_a_SOURCES += daemon/xfrm_module.c daemon/route_module.c daemon/ike_daemon.h daemon/ike_socket.c daemon/ike_env.c daemon/ike_conns.c daemon/ike_module.c daemon/ike_ctl.c \
	daemon/ike_startq.h daemon/ike_startq.c
EXTRA_DIST += tests/unit/data/ike_glue/ipsec.conf tests/unit/data/ike_glue/ipsec.secrets

# leftupdown / leftfirewall: the updown scripts (updown.c), and the default
# script, installed as $(pkglibexecdir)/updown
libikeflow_a_SOURCES += daemon/updown.h daemon/updown.c daemon/updown_hold.c

# mode = monitor: tunnels keyed by another daemon, observed in the kernel
libikeflow_a_SOURCES += daemon/monitor.h daemon/monitor.c daemon/monitor_vici.c
dist_pkglibexec_SCRIPTS = dist/updown
