# config: ipsec.conf, ipsec.secrets, ikeflowd.conf
libikeflow_a_SOURCES += config/config.h config/internal.h config/config.c \
	config/values.c config/proposal.c config/id.c config/ipsec_conf.c \
	config/secrets.c config/daemon_conf.c config/render.c config/redact.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config_proposal
TESTS += tests/unit/test_config_proposal
tests_unit_test_config_proposal_SOURCES = tests/unit/test_config_proposal.c
tests_unit_test_config_proposal_CFLAGS = $(unit_cflags)
tests_unit_test_config_proposal_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config
TESTS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c tests/unit/config_testutil.h
tests_unit_test_config_CFLAGS = $(unit_cflags)
tests_unit_test_config_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config_secrets
TESTS += tests/unit/test_config_secrets
tests_unit_test_config_secrets_SOURCES = tests/unit/test_config_secrets.c tests/unit/config_testutil.h
tests_unit_test_config_secrets_CFLAGS = $(unit_cflags)
tests_unit_test_config_secrets_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config_redact
TESTS += tests/unit/test_config_redact
tests_unit_test_config_redact_SOURCES = tests/unit/test_config_redact.c
tests_unit_test_config_redact_CFLAGS = $(unit_cflags)
tests_unit_test_config_redact_LDADD = $(unit_ldadd)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config_daemon
TESTS += tests/unit/test_config_daemon
tests_unit_test_config_daemon_SOURCES = tests/unit/test_config_daemon.c tests/unit/config_testutil.h
tests_unit_test_config_daemon_CFLAGS = $(unit_cflags)
tests_unit_test_config_daemon_LDADD = $(unit_ldadd)
endif

EXTRA_DIST += tests/unit/data/config/seed-ikev1.conf tests/unit/data/config/seed-ikev1.secrets \
	tests/unit/data/config/seed-ikev2.conf tests/unit/data/config/seed-ikev2.secrets
