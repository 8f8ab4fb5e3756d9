# kernel: the XFRM netlink interface (libmnl)
libikeflow_a_SOURCES += kernel/xfrm.h kernel/xfrm_priv.h kernel/xfrm_algs.c \
	kernel/xfrm_algs.h kernel/xfrm_msg.c kernel/xfrm_msg.h kernel/xfrm_nl.c \
	kernel/xfrm_events.c kernel/xfrm_sa.c kernel/xfrm_policy.c \
	kernel/xfrm_counters.c kernel/xfrm_reg.c kernel/xfrm_show.c kernel/nl.c kernel/nl.h \
	kernel/route.c kernel/route.h

# The test bed's hand driver of this module (and fixture capture).
noinst_PROGRAMS += tests/bed/xfrm-probe
tests_bed_xfrm_probe_SOURCES = tests/bed/xfrm-probe.c
tests_bed_xfrm_probe_LDADD = libikeflow.a $(IKEFLOW_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_xfrm_msg
TESTS += tests/unit/test_xfrm_msg
tests_unit_test_xfrm_msg_SOURCES = tests/unit/test_xfrm_msg.c
tests_unit_test_xfrm_msg_CFLAGS = $(unit_cflags)
tests_unit_test_xfrm_msg_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_xfrm_events tests/unit/test_xfrm_netns
TESTS += tests/unit/test_xfrm_events tests/unit/test_xfrm_netns
tests_unit_test_xfrm_events_SOURCES = tests/unit/test_xfrm_events.c
tests_unit_test_xfrm_events_CFLAGS = $(unit_cflags)
tests_unit_test_xfrm_events_LDADD = $(unit_ldadd)
tests_unit_test_xfrm_netns_SOURCES = tests/unit/test_xfrm_netns.c
tests_unit_test_xfrm_netns_CFLAGS = $(unit_cflags)
tests_unit_test_xfrm_netns_LDADD = $(unit_ldadd)
endif
EXTRA_DIST += tests/unit/data/xfrm

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_route_netns
TESTS += tests/unit/test_route_netns
tests_unit_test_route_netns_SOURCES = tests/unit/test_route_netns.c
tests_unit_test_route_netns_CFLAGS = $(unit_cflags)
tests_unit_test_route_netns_LDADD = $(unit_ldadd)
endif
