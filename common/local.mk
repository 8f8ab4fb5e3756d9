libikeflow_a_SOURCES += common/log.c common/log.h common/loop.c common/loop.h \
	common/buf.c common/buf.h common/addr.c common/addr.h \
	common/alg.c common/alg.h common/vici.c common/vici.h \
	common/xform_ids.h
