# keying: sources appended by this directory
libikeflow_a_SOURCES += keying/crypto.c keying/crypto.h keying/crypto_dh.c \
	keying/ikev2_keys.c keying/ikev2_keys.h keying/ikev2_sk.c keying/ikev2_sk.h
libikeflow_a_SOURCES += keying/ike_payload_walk.c keying/ike_payload_walk.h \
	keying/ike_perr.c keying/ike_perr.h keying/ike_wire.c keying/ike_wire.h
libikeflow_a_SOURCES += keying/ikev2_const.h keying/ikev2_msg.h \
	keying/ikev2_msg.c keying/ikev2_msg_names.c \
	keying/ikev2_msg_natd.c keying/ikev2_msg_frag.c \
	keying/ikev2_payload.c keying/ikev2_payload_build.c

# keying: IKEv2 exchange engine (proposals, traffic selectors, IKE SAs, exchanges)
libikeflow_a_SOURCES += keying/ike_env.h keying/ikev2_proposal.c keying/ikev2_proposal.h \
	keying/ikev2_ts.c keying/ikev2_ts.h keying/ikev2_sa.c keying/ikev2_sa.h \
	keying/ikev2_exchange.c keying/ikev2_exchange.h keying/ikev2_exchange_auth.c \
	keying/ikev2_exchange_info.c keying/ike_halfopen.c keying/ike_halfopen.h keying/ike_hash.h

EXTRA_DIST += tests/unit/data/crypto/ikev2_kdf_sha1.rsp tests/unit/data/crypto/openssl.supp
VALGRIND_FLAGS += --suppressions=$(abs_top_srcdir)/tests/unit/data/crypto/openssl.supp
EXTRA_DIST += tests/unit/data/ikev2 tests/fuzz/run.sh tests/fuzz/fuzz_ikev2_common.h \
	tests/fuzz/fuzz_ikev2_msg.c tests/fuzz/fuzz_ikev2_inner.c tests/fuzz/corpus \
	tests/fuzz/fuzz_ikev1_msg.c

# libFuzzer runs of the IKEv2 codec (clang): make fuzz FUZZ_SECONDS=300
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz:
	$(SHELL) $(srcdir)/tests/fuzz/run.sh $(srcdir) $(FUZZ_SECONDS)

# Against a real strongSwan in two network namespaces (root; skipped otherwise).
libikeflow_a_SOURCES += keying/ikev2_exchange_child.c keying/ikev2_child.c \
	keying/ikev2_queue.c

# DH key pairs made ahead of time on worker threads (dh_workers)
libikeflow_a_SOURCES += keying/crypto_dh_pool.c keying/crypto_dh_pool.h

# keying: IKEv1 (ISAKMP codec, keys, exchanges)
libikeflow_a_SOURCES += keying/ikev1_const.h keying/ikev1_msg.h \
	keying/ikev1_msg.c keying/ikev1_payload_build.c keying/ikev1_keys.c \
	keying/ikev1_keys.h keying/ikev1_exchange.h keying/ikev1_sa.h \
	keying/ikev1_sa.c keying/ikev1_exchange.c keying/ikev1_main.c keying/ikev1_quick.c \
	keying/ikev1_policy.c keying/ikev1_vendor.c keying/ikev1_vendor.h \
	keying/ikev1_dpd.c keying/ikev1_natt.c keying/ikev1_phase1.c \
	keying/ikev1_aggressive.c
