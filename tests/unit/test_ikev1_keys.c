/* IKEv1 key schedule and hashes (RFC 2409 §5, appendix B) against
 * vectors computed independently with Python's hmac/hashlib and
 * pyca/cryptography (a one-off script that follows the RFC's formulas
 * literally; its output is pasted below). The inputs are byte patterns
 * (make_inputs) and the pre-shared key "cisco" of the seed. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keying/ikev1_const.h"
#include "keying/ikev1_keys.h"

enum { V_SKEYID, V_D, V_A, V_E, V_KA, V_IV, V_HASH_I, V_HASH_R, V_QM1,
    V_QM2, V_QM3, V_IV_QM, V_KEYMAT, V_KEYMAT_PFS, V_CIPHER, V_N };

static const struct vector {
	uint16_t	 prf;
	uint16_t	 keylen;
	const char	*hex[V_N];
} vectors[] = {
	/* SHA1, AES-128 */
	{ IKEV2_PRF_HMAC_SHA1, 128, {
		"50e6e9dd50c4c6886200a9f38e92fc22c5b8e7fd", /* skeyid */
		"69af47cdadac1be16db1000a7afcc31a4f424774", /* skeyid_d */
		"26449cb3ee9001461818b69101cd37970477d3e5", /* skeyid_a */
		"0a6e42fd5aa50c8763d87921a1a493d61a61cdab", /* skeyid_e */
		"0a6e42fd5aa50c8763d87921a1a493d6", /* ka */
		"58cd5e23e2143182968341416dad5720", /* iv */
		"b744cb275dd1f7b614204d2c6854b25932206f47", /* hash_i */
		"b64dd74641d20131796f07c3d93f60dfd05f71a1", /* hash_r */
		"0bafda0f94deb2b1b2c6e58e55a644ed1d5cb7e4", /* qm1 */
		"1dddc1316897fd6cf9b721d2119373c186114c4c", /* qm2 */
		"4abb116782ea5dfb30fa19bb7f2f8fbde4549d2f", /* qm3 */
		"a698aac8d9413eeda16f8588735a361d", /* iv_qm */
		"3f12f2c0ece5f152f5f938f5649faf71e130bb774e228c6a1ef30febffa540158275899d", /* keymat */
		"2abfbc32e68340f614d6b7b590d5b2d5ca6adb866f2198b7a14a7454b181a15d1eec7f95", /* keymat_pfs */
		"a77c68ba144c2985c91563b831d8bacf90bbc0cbecec3e3da6bfeff347990732", /* cipher */
	} },
	/* SHA1, AES-256 (key expanded) */
	{ IKEV2_PRF_HMAC_SHA1, 256, {
		"50e6e9dd50c4c6886200a9f38e92fc22c5b8e7fd", /* skeyid */
		"69af47cdadac1be16db1000a7afcc31a4f424774", /* skeyid_d */
		"26449cb3ee9001461818b69101cd37970477d3e5", /* skeyid_a */
		"0a6e42fd5aa50c8763d87921a1a493d61a61cdab", /* skeyid_e */
		"a2194362d8110ed0b5dd71adb06754c1ed4a8532ba0561ab6f39c73979e37319", /* ka */
		"58cd5e23e2143182968341416dad5720", /* iv */
		"b744cb275dd1f7b614204d2c6854b25932206f47", /* hash_i */
		"b64dd74641d20131796f07c3d93f60dfd05f71a1", /* hash_r */
		"0bafda0f94deb2b1b2c6e58e55a644ed1d5cb7e4", /* qm1 */
		"1dddc1316897fd6cf9b721d2119373c186114c4c", /* qm2 */
		"4abb116782ea5dfb30fa19bb7f2f8fbde4549d2f", /* qm3 */
		"a698aac8d9413eeda16f8588735a361d", /* iv_qm */
		"3f12f2c0ece5f152f5f938f5649faf71e130bb774e228c6a1ef30febffa540158275899d", /* keymat */
		"2abfbc32e68340f614d6b7b590d5b2d5ca6adb866f2198b7a14a7454b181a15d1eec7f95", /* keymat_pfs */
		"3cdf8e7e62e950807bf9a49eb5ef7760bf941638848f69367b2d2c707c31d6f6", /* cipher */
	} },
	/* MD5, AES-128 (the seed ike=aes128-md5) */
	{ IKEV2_PRF_HMAC_MD5, 128, {
		"b638c41ecfabebb80cd5fef090ac73ac", /* skeyid */
		"77545903250a679330c9312e0ec9d7be", /* skeyid_d */
		"51be228bc6c34773d21d03f04c0d14fe", /* skeyid_a */
		"a4fe821e2f339bdecbfa70d53fb18b3c", /* skeyid_e */
		"a4fe821e2f339bdecbfa70d53fb18b3c", /* ka */
		"c106992767a3c037a6ac7b8ec250d286", /* iv */
		"1ac675932d2e63cc42f9deec9ae555a4", /* hash_i */
		"feee12ebe7fc124b39f63ed09944d4c9", /* hash_r */
		"60a948ecf65a8850d36187e639f7d0f1", /* qm1 */
		"9509901aae63c537979a0448b29b0aaa", /* qm2 */
		"f611d4411423f9c78ac7727064487909", /* qm3 */
		"5633a5724199c41331209da7311081c9", /* iv_qm */
		"443438a7a5217be09379f6db2426c5a3fc46cef0e0c9cf4b31353115f8d4076386198b29", /* keymat */
		"56b3dbfa3b2bdf1d152f95759198521bbf404de8142323adbfaa3726060d38584d1f8cca", /* keymat_pfs */
		"49f43e384b06789747bea0ae24dba6e1e7494c0d3e99e9519e4203938384eddb", /* cipher */
	} },
};

static uint8_t ni[16], nr[16], gxy[192], gxi[192], gxr[192], sai[56];
static const uint8_t idi[] = { 1, 0, 0, 0, 192, 0, 2, 1 };
static const uint8_t idr[] = { 1, 0, 0, 0, 192, 0, 2, 2 };
#define ICOOKIE	0x0102030405060708ULL
#define RCOOKIE	0xa1a2a3a4a5a6a7a8ULL
#define MSGID	0x1234abcdU
#define SPI	0xc0ffee01U

static int
make_inputs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 16; i++) {
		ni[i] = (uint8_t)i;
		nr[i] = (uint8_t)(0x10 + i);
	}
	for (i = 0; i < 192; i++) {
		gxy[i] = (uint8_t)(i * 7);
		gxi[i] = (uint8_t)(i * 3 + 1);
		gxr[i] = (uint8_t)(i * 5 + 2);
	}
	for (i = 0; i < sizeof(sai); i++)
		sai[i] = (uint8_t)(i * 11);
	return 0;
}

static void
expect(const char *hex, const uint8_t *p, size_t len)
{
	char got[2 * 64 + 1];
	size_t i;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++)
		snprintf(got + 2 * i, 3, "%02x", p[i]);
	assert_string_equal(got, hex);
}

static void
check_vector(const struct vector *v)
{
	uint8_t out[64], rest[40], iv[16], plain[20];
	struct ikev1_keys k;
	struct buf *b, *back;
	size_t i;

	assert_int_equal(ikev1_keys_init(&k, v->prf, IKEV2_ENCR_AES_CBC,
	    v->keylen), 0);
	assert_int_equal(ikev1_keys_psk(&k, "cisco", 5, ni, 16, nr, 16, gxy,
	    192, gxi, 192, gxr, 192, ICOOKIE, RCOOKIE), 0);
	expect(v->hex[V_SKEYID], k.skeyid, k.prf_len);
	expect(v->hex[V_D], k.skeyid_d, k.prf_len);
	expect(v->hex[V_A], k.skeyid_a, k.prf_len);
	expect(v->hex[V_E], k.skeyid_e, k.prf_len);
	expect(v->hex[V_KA], k.ka, k.ka_len);
	expect(v->hex[V_IV], k.iv, k.block);

	assert_int_equal(ikev1_hash_p1(&k, gxi, 192, gxr, 192, ICOOKIE,
	    RCOOKIE, sai, sizeof(sai), idi, sizeof(idi), out), 0);
	expect(v->hex[V_HASH_I], out, k.prf_len);
	assert_int_equal(ikev1_hash_p1(&k, gxr, 192, gxi, 192, RCOOKIE,
	    ICOOKIE, sai, sizeof(sai), idr, sizeof(idr), out), 0);
	expect(v->hex[V_HASH_R], out, k.prf_len);

	for (i = 0; i < sizeof(rest); i++)
		rest[i] = (uint8_t)i;
	assert_int_equal(ikev1_hash_qm(&k, 1, MSGID, ni, 16, nr, 16, rest,
	    sizeof(rest), out), 0);
	expect(v->hex[V_QM1], out, k.prf_len);
	assert_int_equal(ikev1_hash_qm(&k, 2, MSGID, ni, 16, nr, 16, rest,
	    sizeof(rest), out), 0);
	expect(v->hex[V_QM2], out, k.prf_len);
	assert_int_equal(ikev1_hash_qm(&k, 3, MSGID, ni, 16, nr, 16, NULL, 0,
	    out), 0);
	expect(v->hex[V_QM3], out, k.prf_len);
	/* the receivers' check: this hash passes, one bit off does not */
	assert_int_equal(ikev1_hash_qm_verify(&k, 3, MSGID, ni, 16, nr, 16,
	    NULL, 0, out), 0);
	out[k.prf_len - 1] ^= 1;
	assert_int_equal(ikev1_hash_qm_verify(&k, 3, MSGID, ni, 16, nr, 16,
	    NULL, 0, out), -1);
	assert_int_equal(ikev1_hash_qm_verify(&k, 4, MSGID, ni, 16, nr, 16,
	    NULL, 0, out), -1);
	assert_int_equal(ikev1_hash_qm(&k, 4, MSGID, ni, 16, nr, 16, NULL, 0,
	    out), -1);
	assert_int_equal(ikev1_iv_exchange(&k, MSGID, iv), 0);
	expect(v->hex[V_IV_QM], iv, k.block);

	/* ESP aes128-sha1: 16 + 20 bytes, without and with PFS */
	assert_int_equal(ikev1_keymat(&k, NULL, 0, IKEV1_PROTO_ESP, SPI, ni,
	    16, nr, 16, out, 36), 0);
	expect(v->hex[V_KEYMAT], out, 36);
	assert_int_equal(ikev1_keymat(&k, gxy, 192, IKEV1_PROTO_ESP, SPI, ni,
	    16, nr, 16, out, 36), 0);
	expect(v->hex[V_KEYMAT_PFS], out, 36);

	/* 20 bytes padded to 32 (pad length 11 in the last byte), with the
	 * phase-1 IV; both sides' IVs then chain to the last block */
	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)i;
	memcpy(iv, k.iv, k.block);
	b = buf_new_secret(0);
	assert_int_equal(ikev1_encrypt(&k, iv, plain, sizeof(plain), b), 0);
	expect(v->hex[V_CIPHER], b->data, b->len);
	assert_memory_equal(iv, b->data + b->len - 16, 16);
	back = buf_new_secret(0);
	memcpy(out, k.iv, k.block);
	assert_int_equal(ikev1_decrypt(&k, out, b->data, b->len, back), 0);
	assert_int_equal(back->len, 32);
	assert_memory_equal(back->data, plain, sizeof(plain));
	assert_int_equal(back->data[31], 11);
	assert_memory_equal(out, iv, 16);
	/* not whole blocks */
	assert_int_equal(ikev1_decrypt(&k, out, b->data, 31, back), -1);
	assert_int_equal(ikev1_decrypt(&k, out, b->data, 0, back), -1);
	buf_free(b);
	buf_free(back);
	ikev1_keys_wipe(&k);
}

static void
test_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(&vectors[i]);
}

static void
test_algorithms(void **state)
{
	struct ikev1_keys k;

	(void)state;
	assert_int_equal(ikev1_prf_of(IKEV1_HASH_SHA1), IKEV2_PRF_HMAC_SHA1);
	assert_int_equal(ikev1_prf_of(IKEV1_HASH_SHA2_512),
	    IKEV2_PRF_HMAC_SHA2_512);
	assert_int_equal(ikev1_prf_of(3), 0);		/* Tiger */
	assert_int_equal(ikev1_encr_of(IKEV1_ENCR_AES), IKEV2_ENCR_AES_CBC);
	assert_int_equal(ikev1_encr_of(IKEV1_ENCR_3DES), IKEV2_ENCR_3DES);
	assert_int_equal(ikev1_encr_of(IKEV1_ENCR_DES), 0);
	/* AES without a key length is AES-128 */
	assert_int_equal(ikev1_keys_init(&k, IKEV2_PRF_HMAC_SHA1,
	    IKEV2_ENCR_AES_CBC, 0), 0);
	assert_int_equal(k.ka_len, 16);
	assert_int_equal(ikev1_keys_init(&k, IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_ENCR_3DES, 0), 0);
	assert_int_equal(k.ka_len, 24);
	assert_int_equal(k.block, 8);
	assert_int_equal(ikev1_keys_init(&k, IKEV2_PRF_HMAC_SHA1,
	    IKEV2_ENCR_AES_CBC, 100), -1);
	assert_int_equal(ikev1_keys_init(&k, IKEV2_PRF_HMAC_SHA1,
	    IKEV2_ENCR_AES_GCM_16, 128), -1);
	assert_int_equal(ikev1_keys_init(&k, 99, IKEV2_ENCR_AES_CBC, 128), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_algorithms),
	};

	return cmocka_run_group_tests(tests, make_inputs, NULL);
}
