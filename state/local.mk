# state: the tunnel state model, its persistence, and the algorithm names
libikeflow_a_SOURCES += state/state.h state/state_int.h state/state.c \
	state/rows.c state/rows.h state/spimap.c state/spimap.h state/hist.c \
	state/persist.c state/names.c state/names.h
