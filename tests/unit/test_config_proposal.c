/* Proposal strings: transform IDs, validation, printing back. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

static void
parse_ok(const char *s, enum cfg_proto proto, struct cfg_proposals *ps)
{
	char err[256] = "";

	if (config_proposals_parse(s, proto, ps, err, sizeof(err)) < 0)
		fail_msg("'%s' rejected: %s", s, err);
}

static void
parse_err(const char *s, enum cfg_proto proto, const char *want)
{
	struct cfg_proposals ps;
	char err[256] = "";

	assert_int_equal(config_proposals_parse(s, proto, &ps, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_seed_proposals(void **state)
{
	struct cfg_proposals ps;
	const struct cfg_proposal *p;

	(void)state;
	parse_ok("aes128-md5-modp1536", CFG_PROTO_IKE, &ps);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.strict, 0);
	p = &ps.p[0];
	assert_int_equal(p->nencr, 1);
	assert_int_equal(p->encr[0].id, 12);
	assert_int_equal(p->encr[0].keylen, 128);
	assert_int_equal(p->ninteg, 1);
	assert_int_equal(p->integ[0], 1);
	assert_int_equal(p->nprf, 1);
	assert_int_equal(p->prf[0], 1);
	assert_int_equal(p->ndh, 1);
	assert_int_equal(p->dh[0], 5);
	assert_int_equal(p->nesn, 0);

	parse_ok("aes128-sha1", CFG_PROTO_ESP, &ps);
	p = &ps.p[0];
	assert_int_equal(p->encr[0].id, 12);
	assert_int_equal(p->integ[0], 2);
	assert_int_equal(p->nprf, 0);
	assert_int_equal(p->ndh, 0);
	assert_int_equal(p->nesn, 1);
	assert_int_equal(p->esn[0], 0);
}

static void
test_lists_and_strict(void **state)
{
	struct cfg_proposals ps;
	const struct cfg_proposal *p;

	(void)state;
	parse_ok(" aes256-aes128-sha512-sha256-prfsha384-ecp384-modp2048 , "
	    "3des-sha1-modp1024! ", CFG_PROTO_IKE, &ps);
	assert_int_equal(ps.n, 2);
	assert_int_equal(ps.strict, 1);
	p = &ps.p[0];
	assert_int_equal(p->nencr, 2);
	assert_int_equal(p->encr[0].keylen, 256);
	assert_int_equal(p->encr[1].keylen, 128);
	assert_int_equal(p->ninteg, 2);
	assert_int_equal(p->integ[0], 14);
	assert_int_equal(p->integ[1], 12);
	assert_int_equal(p->nprf, 1);		/* explicit: not derived */
	assert_int_equal(p->prf[0], 6);
	assert_int_equal(p->ndh, 2);
	assert_int_equal(p->dh[0], 20);
	assert_int_equal(p->dh[1], 14);
	p = &ps.p[1];
	assert_int_equal(p->encr[0].id, 3);
	assert_int_equal(p->encr[0].keylen, 0);
	assert_int_equal(p->dh[0], 2);

	/* ESP: a DH group is PFS; esn/noesn in order */
	parse_ok("aes256gcm16-ecp256-esn-noesn", CFG_PROTO_ESP, &ps);
	p = &ps.p[0];
	assert_int_equal(p->encr[0].id, 20);
	assert_int_equal(p->encr[0].keylen, 256);
	assert_int_equal(p->ninteg, 0);
	assert_int_equal(p->dh[0], 19);
	assert_int_equal(p->nesn, 2);
	assert_int_equal(p->esn[0], 1);
	assert_int_equal(p->esn[1], 0);
}

static void
test_aead_ike(void **state)
{
	struct cfg_proposals ps;
	const struct cfg_proposal *p;

	(void)state;
	/* with AEAD, an integrity keyword names the PRF only */
	parse_ok("aes128gcm16-sha256-x25519", CFG_PROTO_IKE, &ps);
	p = &ps.p[0];
	assert_int_equal(p->encr[0].id, 20);
	assert_int_equal(p->ninteg, 0);
	assert_int_equal(p->nprf, 1);
	assert_int_equal(p->prf[0], 5);
	assert_int_equal(p->dh[0], 31);
}

static void
test_errors(void **state)
{
	(void)state;
	parse_err("aes128-foo-modp1536", CFG_PROTO_IKE, "unknown algorithm 'foo'");
	parse_err("aes128gcm8-modp2048", CFG_PROTO_ESP,
	    "algorithm 'aes128gcm8' is not supported");
	parse_err("aes256gcm12", CFG_PROTO_ESP, "algorithm 'aes256gcm12' is not supported");
	parse_err("aes128-sha1", CFG_PROTO_IKE, "no DH group in IKE proposal 'aes128-sha1'");
	parse_err("aes128-modp2048", CFG_PROTO_ESP,
	    "no integrity algorithm in proposal 'aes128-modp2048'");
	parse_err("aes128gcm16-modp2048", CFG_PROTO_IKE,
	    "no PRF in proposal 'aes128gcm16-modp2048' (add e.g. prfsha256)");
	parse_err("sha1-modp2048", CFG_PROTO_IKE,
	    "no encryption algorithm in proposal 'sha1-modp2048'");
	parse_err("aes128-aes128gcm16-sha1", CFG_PROTO_ESP, "'aes128gcm16': AEAD and "
	    "non-AEAD encryption cannot be combined in one proposal");
	parse_err("aes128-sha1-esn-modp2048", CFG_PROTO_IKE,
	    "'esn' is only valid in ESP proposals");
	parse_err("aes128-sha1-prfsha1", CFG_PROTO_ESP,
	    "'prfsha1' is only valid in IKE proposals");
	parse_err("aes128--sha1", CFG_PROTO_ESP, "empty algorithm in proposal 'aes128--sha1'");
	parse_err("aes128-sha1,,3des-md5", CFG_PROTO_ESP, "empty proposal in list");
	parse_err("!", CFG_PROTO_ESP, "empty proposal");
	parse_err("", CFG_PROTO_IKE, "empty proposal");
}

static void
roundtrip(const char *in, enum cfg_proto proto, const char *canonical)
{
	struct cfg_proposals a, b;
	char out[1024];

	parse_ok(in, proto, &a);
	assert_int_equal(config_proposals_str(&a, proto, out, sizeof(out)), 0);
	assert_string_equal(out, canonical);
	parse_ok(out, proto, &b);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
test_roundtrip(void **state)
{
	struct cfg_proposals ps;
	char small[8];

	(void)state;
	roundtrip("aes128-md5-modp1536", CFG_PROTO_IKE, "aes128-md5-modp1536");
	roundtrip("aes128-sha1-modp1536", CFG_PROTO_IKE, "aes128-sha1-modp1536");
	roundtrip("aes128-sha1", CFG_PROTO_ESP, "aes128-sha1");
	roundtrip("aes-sha-modp2048", CFG_PROTO_IKE, "aes128-sha1-modp2048");
	roundtrip("aes128-md5-prfsha1-modp1536,aes256gcm16-prfsha384-ecp384!",
	    CFG_PROTO_IKE, "aes128-md5-prfsha1-modp1536,aes256gcm16-prfsha384-ecp384!");
	roundtrip("aes128gcm16-sha256-curve25519", CFG_PROTO_IKE,
	    "aes128gcm16-prfsha256-curve25519");
	roundtrip("aes256-sha256-sha1-sha256-modp4096-ecp521", CFG_PROTO_IKE,
	    "aes256-sha256-sha1-modp4096-ecp521");
	roundtrip("aes192-sha384-modp3072-esn", CFG_PROTO_ESP, "aes192-sha384-modp3072-esn");
	roundtrip("aes128gcm16-noesn", CFG_PROTO_ESP, "aes128gcm16");
	roundtrip("3des-sha512-noesn-esn", CFG_PROTO_ESP, "3des-sha512-noesn-esn");

	/* the defaults are valid and print as strongSwan's core list */
	config_proposals_default(CFG_PROTO_IKE, &ps);
	assert_int_equal(ps.n, 1);
	assert_int_equal(config_proposals_str(&ps, CFG_PROTO_IKE, small, sizeof(small)), -1);
	{
		char out[512];

		config_proposals_str(&ps, CFG_PROTO_IKE, out, sizeof(out));
		assert_string_equal(out, "aes128-aes192-aes256-sha256-sha384-sha512-sha1-"
		    "modp3072-modp2048-ecp256-curve25519");
		config_proposals_default(CFG_PROTO_ESP, &ps);
		config_proposals_str(&ps, CFG_PROTO_ESP, out, sizeof(out));
		assert_string_equal(out, "aes128gcm16,aes128-sha256");
		assert_int_equal(ps.p[0].ndh, 0);
	}
	assert_string_equal(config_dh_name(IKEV2_DH_MODP1536), "modp1536");
	assert_string_equal(config_encr_name(IKEV2_ENCR_AES_GCM_16, 256), "aes256gcm16");
	assert_string_equal(config_prf_name(IKEV2_PRF_HMAC_SHA2_512), "prfsha512");
	assert_string_equal(config_integ_name(IKEV2_INTEG_HMAC_SHA2_384_192), "sha384");
	assert_null(config_dh_name(1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_proposals),
		cmocka_unit_test(test_lists_and_strict),
		cmocka_unit_test(test_aead_ike),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
