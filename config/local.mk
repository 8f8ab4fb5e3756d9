# config: ipsec.conf, ipsec.secrets, ikeflowd.conf
libikeflow_a_SOURCES += config/config.h config/internal.h config/config.c \
	config/values.c config/proposal.c config/id.c config/ipsec_conf.c \
	config/secrets.c config/daemon_conf.c config/render.c config/redact.c \
	config/ios_defaults.c

EXTRA_DIST += tests/unit/data/config/seed-ikev1.conf tests/unit/data/config/seed-ikev1.secrets \
	tests/unit/data/config/seed-ikev2.conf tests/unit/data/config/seed-ikev2.secrets
