# keying: sources appended by this directory
libikeflow_a_SOURCES += keying/crypto.c keying/crypto.h keying/crypto_dh.c \
	keying/ikev2_keys.c keying/ikev2_keys.h keying/ikev2_sk.c keying/ikev2_sk.h
