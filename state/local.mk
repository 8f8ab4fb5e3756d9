# state: the tunnel state model, its persistence, and the algorithm names
libikeflow_a_SOURCES += state/state.h state/state_int.h state/state.c state/counters.c \
	state/rows.c state/rows.h state/sorted.c state/sorted.h \
	state/spimap.c state/spimap.h state/hist.c \
	state/persist.c state/names.c state/names.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_state tests/unit/test_state_persist \
	tests/unit/test_state_sorted
TESTS += tests/unit/test_state tests/unit/test_state_persist \
	tests/unit/test_state_sorted
tests_unit_test_state_SOURCES = tests/unit/test_state.c
tests_unit_test_state_CFLAGS = $(unit_cflags)
tests_unit_test_state_LDADD = $(unit_ldadd)
tests_unit_test_state_persist_SOURCES = tests/unit/test_state_persist.c
tests_unit_test_state_persist_CFLAGS = $(unit_cflags)
tests_unit_test_state_persist_LDADD = $(unit_ldadd)
tests_unit_test_state_sorted_SOURCES = tests/unit/test_state_sorted.c
tests_unit_test_state_sorted_CFLAGS = $(unit_cflags)
tests_unit_test_state_sorted_LDADD = $(unit_ldadd)
endif

# The show views of the control socket render the state model only.
libikeflow_a_SOURCES += ctl/show_crypto.c ctl/show_crypto.h ctl/show_ipsec.c \
	ctl/show_statusall.c ctl/show_util.c ctl/show_util.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_show
TESTS += tests/unit/test_show
tests_unit_test_show_SOURCES = tests/unit/test_show.c
tests_unit_test_show_CFLAGS = $(unit_cflags)
tests_unit_test_show_LDADD = $(unit_ldadd)
endif
EXTRA_DIST += tests/unit/data/state/v1.state
