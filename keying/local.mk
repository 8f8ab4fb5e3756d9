# keying: sources appended by this directory
libikeflow_a_SOURCES += keying/crypto.c keying/crypto.h keying/crypto_dh.c \
	keying/ikev2_keys.c keying/ikev2_keys.h keying/ikev2_sk.c keying/ikev2_sk.h
libikeflow_a_SOURCES += keying/ikev2_const.h keying/ikev2_msg.h \
	keying/ikev2_msg_priv.h keying/ikev2_msg.c keying/ikev2_msg_names.c \
	keying/ikev2_msg_natd.c keying/ikev2_msg_frag.c \
	keying/ikev2_payload.c keying/ikev2_payload_build.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_crypto
TESTS += tests/unit/test_crypto
tests_unit_test_crypto_SOURCES = tests/unit/test_crypto.c
tests_unit_test_crypto_CFLAGS = $(unit_cflags)
tests_unit_test_crypto_LDADD = $(unit_ldadd)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_msg
TESTS += tests/unit/test_ikev2_msg
tests_unit_test_ikev2_msg_SOURCES = tests/unit/test_ikev2_msg.c
tests_unit_test_ikev2_msg_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_msg_LDADD = $(unit_ldadd)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_msg_errors
TESTS += tests/unit/test_ikev2_msg_errors
tests_unit_test_ikev2_msg_errors_SOURCES = tests/unit/test_ikev2_msg_errors.c
tests_unit_test_ikev2_msg_errors_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_msg_errors_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_keys
TESTS += tests/unit/test_ikev2_keys
tests_unit_test_ikev2_keys_SOURCES = tests/unit/test_ikev2_keys.c
tests_unit_test_ikev2_keys_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_keys_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_crypto_sk
TESTS += tests/unit/test_crypto_sk
tests_unit_test_crypto_sk_SOURCES = tests/unit/test_crypto_sk.c
tests_unit_test_crypto_sk_CFLAGS = $(unit_cflags)
tests_unit_test_crypto_sk_LDADD = $(unit_ldadd)
endif

# keying: IKEv2 exchange engine (proposals, traffic selectors, IKE SAs, exchanges)
libikeflow_a_SOURCES += keying/ike_env.h keying/ikev2_proposal.c keying/ikev2_proposal.h \
	keying/ikev2_ts.c keying/ikev2_ts.h keying/ikev2_sa.c keying/ikev2_sa.h \
	keying/ikev2_exchange.c keying/ikev2_exchange.h keying/ikev2_exchange_auth.c \
	keying/ikev2_exchange_info.c
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_msg_build
TESTS += tests/unit/test_ikev2_msg_build
tests_unit_test_ikev2_msg_build_SOURCES = tests/unit/test_ikev2_msg_build.c
tests_unit_test_ikev2_msg_build_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_msg_build_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_proposal tests/unit/test_ikev2_engine
TESTS += tests/unit/test_ikev2_proposal tests/unit/test_ikev2_engine
tests_unit_test_ikev2_proposal_SOURCES = tests/unit/test_ikev2_proposal.c
tests_unit_test_ikev2_proposal_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_proposal_LDADD = $(unit_ldadd)
tests_unit_test_ikev2_engine_SOURCES = tests/unit/test_ikev2_engine.c \
	tests/unit/test_ikev2_engine_env.h
tests_unit_test_ikev2_engine_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_engine_LDADD = $(unit_ldadd)
endif

EXTRA_DIST += tests/unit/data/crypto/ikev2_kdf_sha1.rsp tests/unit/data/crypto/openssl.supp
VALGRIND_FLAGS += --suppressions=$(abs_top_srcdir)/tests/unit/data/crypto/openssl.supp
EXTRA_DIST += tests/unit/data/ikev2 tests/fuzz/run.sh tests/fuzz/fuzz_ikev2_common.h \
	tests/fuzz/fuzz_ikev2_msg.c tests/fuzz/fuzz_ikev2_inner.c tests/fuzz/corpus

# libFuzzer runs of the IKEv2 codec (clang): make fuzz FUZZ_SECONDS=300
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz:
	$(SHELL) $(srcdir)/tests/fuzz/run.sh $(srcdir) $(FUZZ_SECONDS)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_msg_corpus
TESTS += tests/unit/test_ikev2_msg_corpus
tests_unit_test_ikev2_msg_corpus_SOURCES = tests/unit/test_ikev2_msg_corpus.c
tests_unit_test_ikev2_msg_corpus_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_msg_corpus_LDADD = $(unit_ldadd)
endif

# Against a real strongSwan in two network namespaces (root; skipped otherwise).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_engine_interop
TESTS += tests/unit/test_ikev2_engine_interop
tests_unit_test_ikev2_engine_interop_SOURCES = tests/unit/test_ikev2_engine_interop.c \
	tests/unit/test_ikev2_engine_env.h
tests_unit_test_ikev2_engine_interop_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_engine_interop_LDADD = $(unit_ldadd)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_ikev2_engine_flood
TESTS += tests/unit/test_ikev2_engine_flood
tests_unit_test_ikev2_engine_flood_SOURCES = tests/unit/test_ikev2_engine_flood.c \
	tests/unit/test_ikev2_engine_env.h
tests_unit_test_ikev2_engine_flood_CFLAGS = $(unit_cflags)
tests_unit_test_ikev2_engine_flood_LDADD = $(unit_ldadd)
endif
libikeflow_a_SOURCES += keying/ikev2_exchange_child.c

# DH key pairs made ahead of time on worker threads (dh_workers)
libikeflow_a_SOURCES += keying/crypto_dh_pool.c keying/crypto_dh_pool.h
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_crypto_dh_pool
TESTS += tests/unit/test_crypto_dh_pool
tests_unit_test_crypto_dh_pool_SOURCES = tests/unit/test_crypto_dh_pool.c
tests_unit_test_crypto_dh_pool_CFLAGS = $(unit_cflags)
tests_unit_test_crypto_dh_pool_LDADD = $(unit_ldadd)
endif
