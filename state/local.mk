# state: the tunnel state model, its persistence, and the algorithm names
libikeflow_a_SOURCES += state/state.h state/state_int.h state/state.c state/counters.c \
	state/rows.c state/rows.h state/sorted.c state/sorted.h \
	state/spimap.c state/spimap.h state/hist.c \
	state/persist.c state/names.c state/names.h

# The show views of the control socket render the state model only.
libikeflow_a_SOURCES += ctl/show_crypto.c ctl/show_crypto.h ctl/show_ipsec.c \
	ctl/show_statusall.c ctl/show_tech.c ctl/show_util.c ctl/show_util.h \
	ctl/show_config.c

EXTRA_DIST += tests/unit/data/state/v1.state
