# ctl: the control socket (daemon side), its client, and ikeflowctl
libikeflow_a_SOURCES += ctl/ctl.c ctl/ctl.h ctl/ctl_client.c ctl/ctl_client.h \
	ctl/bundle.c ctl/bundle.h
ikeflowctl_SOURCES += ctl/ikeflowctl.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ctl
TESTS += tests/unit/test_ctl
tests_unit_test_ctl_SOURCES = tests/unit/test_ctl.c
tests_unit_test_ctl_CFLAGS = $(unit_cflags)
tests_unit_test_ctl_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_bundle
TESTS += tests/unit/test_bundle
tests_unit_test_bundle_SOURCES = tests/unit/test_bundle.c
tests_unit_test_bundle_CFLAGS = $(unit_cflags)
tests_unit_test_bundle_LDADD = $(unit_ldadd)
endif
