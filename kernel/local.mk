# kernel: the XFRM netlink interface (libmnl)
libikeflow_a_SOURCES += kernel/xfrm.h kernel/xfrm_priv.h kernel/xfrm_algs.c \
	kernel/xfrm_algs.h kernel/xfrm_msg.c kernel/xfrm_msg.h kernel/xfrm_nl.c \
	kernel/xfrm_events.c kernel/xfrm_sa.c kernel/xfrm_policy.c \
	kernel/xfrm_counters.c kernel/xfrm_stat.c kernel/xfrm_dump.c kernel/xfrm_query.c kernel/xfrm_usetime.c \
	kernel/xfrm_reg.c kernel/xfrm_init.c kernel/xfrm_show.c kernel/nl.c kernel/nl.h \
	kernel/route.c kernel/route.h \
	kernel/route_msg.c kernel/route_msg.h

# The test bed's hand driver of this module (and fixture capture).
noinst_PROGRAMS += tests/bed/xfrm-probe
tests_bed_xfrm_probe_SOURCES = tests/bed/xfrm-probe.c
tests_bed_xfrm_probe_LDADD = libikeflow.a $(IKEFLOW_LIBS)

EXTRA_DIST += tests/unit/data/xfrm tests/unit/data/route
