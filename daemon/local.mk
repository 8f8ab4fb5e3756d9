# daemon: ikeflowd's skeleton (ikeflowd.c holds main; the rest is in the library
# so that unit tests reach it)
libikeflow_a_SOURCES += daemon/daemon.h daemon/daemon_int.h daemon/modules.c \
	daemon/options.c daemon/pidfile.c daemon/detach.c daemon/reload.c \
	daemon/commands.c daemon/tech.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_daemon_options
TESTS += tests/unit/test_daemon_options
tests_unit_test_daemon_options_SOURCES = tests/unit/test_daemon_options.c
tests_unit_test_daemon_options_CFLAGS = $(unit_cflags)
tests_unit_test_daemon_options_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_daemon_run
TESTS += tests/unit/test_daemon_run
tests_unit_test_daemon_run_SOURCES = tests/unit/test_daemon_run.c
tests_unit_test_daemon_run_CFLAGS = $(unit_cflags)
tests_unit_test_daemon_run_LDADD = $(unit_ldadd)
endif

EXTRA_DIST += tests/unit/data/daemon/ipsec.conf tests/unit/data/daemon/ipsec.secrets \
	tests/unit/data/daemon/bad-ipsec.conf tests/unit/data/daemon/reload-ipsec.conf

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_daemon_reload
TESTS += tests/unit/test_daemon_reload
tests_unit_test_daemon_reload_SOURCES = tests/unit/test_daemon_reload.c
tests_unit_test_daemon_reload_CFLAGS = $(unit_cflags)
tests_unit_test_daemon_reload_LDADD = $(unit_ldadd)
endif
libikeflow_a_SOURCES += daemon/xfrm_module.c daemon/route_module.c daemon/ike_daemon.h daemon/ike_socket.c daemon/ike_env.c daemon/ike_conns.c daemon/ike_module.c daemon/ike_ctl.c
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ike_glue
TESTS += tests/unit/test_ike_glue
tests_unit_test_ike_glue_SOURCES = tests/unit/test_ike_glue.c
tests_unit_test_ike_glue_CFLAGS = $(unit_cflags)
tests_unit_test_ike_glue_LDADD = $(unit_ldadd)
endif
EXTRA_DIST += tests/unit/data/ike_glue/ipsec.conf tests/unit/data/ike_glue/ipsec.secrets
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ike_glue_socket
TESTS += tests/unit/test_ike_glue_socket
tests_unit_test_ike_glue_socket_SOURCES = tests/unit/test_ike_glue_socket.c
tests_unit_test_ike_glue_socket_CFLAGS = $(unit_cflags)
tests_unit_test_ike_glue_socket_LDADD = $(unit_ldadd)
endif

# leftupdown / leftfirewall: the updown scripts (updown.c), and the default
# script, installed as $(pkglibexecdir)/updown
libikeflow_a_SOURCES += daemon/updown.h daemon/updown.c
dist_pkglibexec_SCRIPTS = dist/updown
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_updown
TESTS += tests/unit/test_updown
tests_unit_test_updown_SOURCES = tests/unit/test_updown.c
tests_unit_test_updown_CFLAGS = $(unit_cflags)
tests_unit_test_updown_LDADD = $(unit_ldadd)
endif
