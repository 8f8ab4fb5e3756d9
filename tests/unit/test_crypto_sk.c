/* Encrypted payload (keying/ikev2_sk.c): round trips for every cipher and
 * integrity combination, the wire layout checked with raw OpenSSL calls,
 * tamper detection, bad padding behind a valid ICV and truncated or garbage
 * input. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "keying/ikev2_sk.h"

#define NP_SK		46
#define NP_SKF		53
#define NP_NOTIFY	41

static const struct {
	uint16_t	encr, keylen;
} encrs[] = {
	{ IKEV2_ENCR_3DES, 0 },
	{ IKEV2_ENCR_AES_CBC, 128 },
	{ IKEV2_ENCR_AES_CBC, 192 },
	{ IKEV2_ENCR_AES_CBC, 256 },
	{ IKEV2_ENCR_AES_GCM_16, 128 },
	{ IKEV2_ENCR_AES_GCM_16, 256 },
};

static const uint16_t integs[] = {
	IKEV2_INTEG_HMAC_MD5_96, IKEV2_INTEG_HMAC_SHA1_96,
	IKEV2_INTEG_HMAC_SHA2_256_128, IKEV2_INTEG_HMAC_SHA2_384_192,
	IKEV2_INTEG_HMAC_SHA2_512_256,
};

static void
make_keys(struct ikev2_sa_keys *k, uint16_t encr, uint16_t keylen,
    uint16_t integ)
{
	struct st_algs a = {
		.encr = encr, .encr_keylen = keylen,
		.prf = IKEV2_PRF_HMAC_SHA2_256, .integ = integ,
	};
	uint8_t ni[32], nr[32], gir[256];

	memset(ni, 0x01, sizeof(ni));
	memset(nr, 0x02, sizeof(nr));
	memset(gir, 0x03, sizeof(gir));
	assert_int_equal(ikev2_ike_keys_derive(k, &a, NULL, gir, sizeof(gir),
	    ni, sizeof(ni), nr, sizeof(nr), 0x1122334455667788ULL,
	    0x99aabbccddeeff00ULL), 0);
}

/* IKE header (IKE_AUTH request) and the Encrypted payload's header; returns
 * the SK payload's offset. */
static size_t
start_msg(struct buf *m, int frag)
{
	size_t sk_off;

	buf_put_u64(m, 0x1122334455667788ULL);
	buf_put_u64(m, 0x99aabbccddeeff00ULL);
	buf_put_u8(m, frag ? NP_SKF : NP_SK);
	buf_put_u8(m, 0x20);
	buf_put_u8(m, 35);
	buf_put_u8(m, 0x08);
	buf_put_u32(m, 1);
	buf_put_u32(m, 0);
	sk_off = m->len;
	buf_put_u8(m, NP_NOTIFY);
	buf_put_u8(m, 0);
	buf_put_u16(m, 0);
	if (frag) {
		buf_put_u16(m, 1);
		buf_put_u16(m, 2);
	}
	assert_false(m->failed);
	return sk_off;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
}

static void
fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 31);
}

static void
roundtrip(uint16_t encr, uint16_t keylen, uint16_t integ, int frag)
{
	static const size_t lens[] = { 0, 1, 7, 8, 15, 16, 17, 100, 1000 };
	size_t hl = frag ? IKEV2_SKF_HDR_LEN : IKEV2_SK_HDR_LEN;
	struct ikev2_sa_keys k;
	uint8_t plain[1000];
	struct buf *m, *p;
	size_t i, sk_off, body, bs = crypto_encr_blocksize(encr);
	size_t icv = integ ? crypto_integ_icvlen(integ) : 16;
	int dir;

	make_keys(&k, encr, keylen, integ);
	for (dir = 0; dir < 2; dir++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			fill(plain, lens[i], (unsigned int)i);
			m = buf_new(0);
			p = buf_new_secret(0);
			sk_off = start_msg(m, frag);
			assert_int_equal(ikev2_sk_encrypt(&k, dir, m, sk_off,
			    plain, lens[i]), 0);
			/* lengths patched; body = IV | blocks | ICV */
			assert_int_equal(get32(m->data + 24), m->len);
			assert_int_equal(m->data[sk_off + 2] << 8 |
			    m->data[sk_off + 3], m->len - sk_off);
			body = m->len - sk_off - hl;
			assert_int_equal(body, ikev2_sk_overhead(&k, lens[i]));
			assert_int_equal((body - crypto_encr_ivlen(encr) - icv) %
			    bs, 0);
			assert_true(body - crypto_encr_ivlen(encr) - icv >
			    lens[i]);
			if (lens[i] >= 16)	/* the payloads do not show */
				assert_null(memmem(m->data, m->len, plain, 16));

			assert_int_equal(ikev2_sk_decrypt(&k, dir, m->data,
			    m->len, sk_off, hl, p), 0);
			assert_int_equal(p->len, lens[i]);
			if (lens[i])
				assert_memory_equal(p->data, plain, lens[i]);
			/* the other direction's keys do not open it */
			buf_reset(p);
			assert_int_equal(ikev2_sk_decrypt(&k, !dir, m->data,
			    m->len, sk_off, hl, p), IKEV2_SK_EINTEG);
			assert_int_equal(p->len, 0);
			buf_free(m);
			buf_free(p);
		}
	}
	ikev2_sa_keys_wipe(&k);
}

static void
test_roundtrip_all(void **state)
{
	size_t e, i;

	(void)state;
	for (e = 0; e < sizeof(encrs) / sizeof(encrs[0]); e++) {
		if (alg_encr_is_aead(encrs[e].encr)) {
			roundtrip(encrs[e].encr, encrs[e].keylen, 0, 0);
			roundtrip(encrs[e].encr, encrs[e].keylen, 0, 1);
			continue;
		}
		for (i = 0; i < sizeof(integs) / sizeof(integs[0]); i++) {
			roundtrip(encrs[e].encr, encrs[e].keylen, integs[i], 0);
			roundtrip(encrs[e].encr, encrs[e].keylen, integs[i], 1);
		}
	}
}

/* Decode an AES-CBC-128 / HMAC-SHA-256-128 message by hand (RFC 7296 §3.14)
 * with OpenSSL's one-shot HMAC and EVP directly. */
static void
test_layout_cbc(void **state)
{
	static const uint8_t plain[20] = "0123456789abcdefghij";
	struct ikev2_sa_keys k;
	struct buf *m = buf_new(0);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t mac[32], out[64];
	unsigned int maclen;
	int outl, finl;
	size_t sk_off, ctlen;

	(void)state;
	make_keys(&k, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128);
	sk_off = start_msg(m, 0);
	assert_int_equal(ikev2_sk_encrypt(&k, 1, m, sk_off, plain, 20), 0);
	/* 20 bytes of payloads + pad length -> two blocks */
	assert_int_equal(m->len, 28 + 4 + 16 + 32 + 16);
	assert_non_null(HMAC(EVP_sha256(), k.sk_ai, 32, m->data, m->len - 16,
	    mac, &maclen));
	assert_memory_equal(mac, m->data + m->len - 16, 16);
	ctlen = 32;
	assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_128_cbc(), NULL, k.sk_ei,
	    m->data + sk_off + 4), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_DecryptUpdate(c, out, &outl,
	    m->data + sk_off + 4 + 16, (int)ctlen), 1);
	assert_int_equal(EVP_DecryptFinal_ex(c, out + outl, &finl), 1);
	assert_memory_equal(out, plain, 20);
	assert_int_equal(out[31], 11);		/* pad length */
	EVP_CIPHER_CTX_free(c);
	buf_free(m);
}

/* AES-GCM-256 (RFC 5282): nonce = salt | IV, AAD = header .. SK header. */
static void
test_layout_gcm(void **state)
{
	static const uint8_t plain[5] = "hello";
	struct ikev2_sa_keys k;
	struct buf *m = buf_new(0);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t nonce[12], out[16];
	int outl, finl;
	size_t sk_off, ct;

	(void)state;
	make_keys(&k, IKEV2_ENCR_AES_GCM_16, 256, 0);
	sk_off = start_msg(m, 0);
	assert_int_equal(ikev2_sk_encrypt(&k, 0, m, sk_off, plain, 5), 0);
	assert_int_equal(m->len, 28 + 4 + 8 + 6 + 16);
	memcpy(nonce, k.sk_er + 32, 4);
	memcpy(nonce + 4, m->data + sk_off + 4, 8);
	ct = sk_off + 4 + 8;
	assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, k.sk_er,
	    nonce), 1);
	assert_int_equal(EVP_DecryptUpdate(c, NULL, &outl, m->data,
	    (int)sk_off + 4), 1);
	assert_int_equal(EVP_DecryptUpdate(c, out, &outl, m->data + ct, 6), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16,
	    m->data + ct + 6), 1);
	assert_int_equal(EVP_DecryptFinal_ex(c, out + outl, &finl), 1);
	assert_memory_equal(out, plain, 5);
	assert_int_equal(out[5], 0);		/* no padding needed */
	EVP_CIPHER_CTX_free(c);
	buf_free(m);
}

/* Flipping any bit of any byte of the message is caught. */
static void
tamper(uint16_t encr, uint16_t keylen, uint16_t integ)
{
	static const uint8_t plain[40] = "some payloads to protect from change";
	struct ikev2_sa_keys k;
	struct buf *m = buf_new(0), *p = buf_new_secret(0);
	size_t sk_off, i;
	int rc;

	make_keys(&k, encr, keylen, integ);
	sk_off = start_msg(m, 0);
	assert_int_equal(ikev2_sk_encrypt(&k, 1, m, sk_off, plain,
	    sizeof(plain)), 0);
	for (i = 0; i < m->len; i++) {
		m->data[i] ^= 0x01;
		rc = ikev2_sk_decrypt(&k, 1, m->data, m->len, sk_off,
		    IKEV2_SK_HDR_LEN, p);
		/* the SK length bytes make it malformed; all else fails ICV */
		if (i == sk_off + 2 || i == sk_off + 3)
			assert_int_equal(rc, IKEV2_SK_EMALFORMED);
		else
			assert_int_equal(rc, IKEV2_SK_EINTEG);
		assert_int_equal(p->len, 0);
		m->data[i] ^= 0x81;		/* and the top bit */
		assert_int_not_equal(ikev2_sk_decrypt(&k, 1, m->data, m->len,
		    sk_off, IKEV2_SK_HDR_LEN, p), 0);
		m->data[i] ^= 0x80;
	}
	assert_int_equal(ikev2_sk_decrypt(&k, 1, m->data, m->len, sk_off,
	    IKEV2_SK_HDR_LEN, p), 0);
	assert_int_equal(p->len, sizeof(plain));
	buf_free(m);
	buf_free(p);
}

static void
test_tamper(void **state)
{
	(void)state;
	tamper(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96);
	tamper(IKEV2_ENCR_3DES, 0, IKEV2_INTEG_HMAC_SHA2_512_256);
	tamper(IKEV2_ENCR_AES_GCM_16, 128, 0);
	tamper(IKEV2_ENCR_AES_GCM_16, 256, 0);
}

/* Every truncation, a moved SK offset and random bodies are refused without
 * reading out of bounds (valgrind / ASan watch this test). */
static void
test_truncated_garbage(void **state)
{
	static const uint8_t plain[64] = { 1, 2, 3 };
	struct ikev2_sa_keys k;
	struct buf *m, *p = buf_new_secret(0);
	uint8_t *copy;
	size_t sk_off, len, e;
	int round;

	(void)state;
	for (e = 0; e < sizeof(encrs) / sizeof(encrs[0]); e++) {
		make_keys(&k, encrs[e].encr, encrs[e].keylen,
		    alg_encr_is_aead(encrs[e].encr) ? 0 :
		    IKEV2_INTEG_HMAC_SHA2_256_128);
		m = buf_new(0);
		sk_off = start_msg(m, 0);
		assert_int_equal(ikev2_sk_encrypt(&k, 0, m, sk_off, plain,
		    sizeof(plain)), 0);
		for (len = 0; len < m->len; len++) {
			/* an exact-size copy so overreads are visible */
			copy = malloc(len ? len : 1);
			memcpy(copy, m->data, len);
			assert_int_not_equal(ikev2_sk_decrypt(&k, 0, copy, len,
			    sk_off, IKEV2_SK_HDR_LEN, p), 0);
			/* and with the SK length patched to match */
			if (len >= sk_off + 4) {
				copy[sk_off + 2] = (uint8_t)((len - sk_off) >> 8);
				copy[sk_off + 3] = (uint8_t)(len - sk_off);
				assert_int_not_equal(ikev2_sk_decrypt(&k, 0,
				    copy, len, sk_off, IKEV2_SK_HDR_LEN, p), 0);
			}
			free(copy);
			assert_int_equal(p->len, 0);
		}
		assert_int_equal(ikev2_sk_decrypt(&k, 0, m->data, m->len,
		    m->len, IKEV2_SK_HDR_LEN, p), IKEV2_SK_EMALFORMED);
		assert_int_equal(ikev2_sk_decrypt(&k, 0, m->data, m->len,
		    m->len + 10, IKEV2_SK_HDR_LEN, p), IKEV2_SK_EMALFORMED);
		assert_int_equal(ikev2_sk_decrypt(&k, 0, m->data, m->len, 4,
		    IKEV2_SK_HDR_LEN, p), IKEV2_SK_EMALFORMED);
		assert_int_equal(ikev2_sk_decrypt(&k, 0, m->data, m->len,
		    sk_off, 5, p), IKEV2_SK_EMALFORMED);
		for (round = 0; round < 20; round++) {
			assert_int_equal(crypto_random(m->data + sk_off + 4,
			    m->len - sk_off - 4), 0);
			assert_int_equal(ikev2_sk_decrypt(&k, 0, m->data,
			    m->len, sk_off, IKEV2_SK_HDR_LEN, p),
			    IKEV2_SK_EINTEG);
		}
		assert_int_equal(p->len, 0);
		buf_free(m);
	}
	buf_free(p);
}

/* Pad Length larger than the decrypted data, behind a correct ICV. */
static void
test_bad_padding(void **state)
{
	struct ikev2_sa_keys k;
	struct buf *m = buf_new(0), *p = buf_new_secret(0);
	uint8_t iv[16] = { 9 }, blk[16];
	struct crypto_iov iov;
	size_t sk_off;

	(void)state;
	make_keys(&k, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96);
	sk_off = start_msg(m, 0);
	memset(blk, 0, sizeof(blk));
	blk[15] = 16;				/* 16 + 1 > 16 */
	buf_put(m, iv, 16);
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 1, k.sk_ei, 16, iv,
	    blk, 16, blk), 0);
	buf_put(m, blk, 16);
	buf_put_zero(m, 12);
	buf_set_u16(m, sk_off + 2, (uint16_t)(m->len - sk_off));
	buf_set_u32(m, 24, (uint32_t)m->len);
	iov.p = m->data;
	iov.len = m->len - 12;
	assert_int_equal(crypto_integ(IKEV2_INTEG_HMAC_SHA1_96, k.sk_ai, 20,
	    &iov, 1, m->data + m->len - 12), 0);
	assert_int_equal(ikev2_sk_decrypt(&k, 1, m->data, m->len, sk_off,
	    IKEV2_SK_HDR_LEN, p), IKEV2_SK_EMALFORMED);
	assert_int_equal(p->len, 0);

	/* pad length 15: no payloads at all, which is fine */
	buf_free(m);
	m = buf_new(0);
	sk_off = start_msg(m, 0);
	memset(blk, 0, sizeof(blk));
	blk[15] = 15;
	buf_put(m, iv, 16);
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 1, k.sk_ei, 16, iv,
	    blk, 16, blk), 0);
	buf_put(m, blk, 16);
	buf_put_zero(m, 12);
	buf_set_u16(m, sk_off + 2, (uint16_t)(m->len - sk_off));
	buf_set_u32(m, 24, (uint32_t)m->len);
	iov.p = m->data;
	iov.len = m->len - 12;
	assert_int_equal(crypto_integ(IKEV2_INTEG_HMAC_SHA1_96, k.sk_ai, 20,
	    &iov, 1, m->data + m->len - 12), 0);
	assert_int_equal(ikev2_sk_decrypt(&k, 1, m->data, m->len, sk_off,
	    IKEV2_SK_HDR_LEN, p), 0);
	assert_int_equal(p->len, 0);
	buf_free(m);
	buf_free(p);
}

/* Bad arguments to the sender side. */
static void
test_encrypt_errors(void **state)
{
	struct ikev2_sa_keys k, none;
	struct buf *m = buf_new(0);
	uint8_t big[70000] = { 0 };
	size_t sk_off, len;

	(void)state;
	make_keys(&k, IKEV2_ENCR_AES_CBC, 256, IKEV2_INTEG_HMAC_SHA1_96);
	sk_off = start_msg(m, 0);
	len = m->len;
	assert_int_equal(ikev2_sk_encrypt(&k, 1, m, 10, big, 1), -1);
	assert_int_equal(ikev2_sk_encrypt(&k, 1, m, len, big, 1), -1);
	assert_int_equal(ikev2_sk_encrypt(&k, 1, m, sk_off, big, sizeof(big)),
	    -1);
	assert_int_equal(ikev2_sk_encrypt(&k, 1, m, sk_off, big, 65500), -1);
	assert_int_equal(m->len, len);
	memset(&none, 0, sizeof(none));
	assert_int_equal(ikev2_sk_encrypt(&none, 1, m, sk_off, big, 1), -1);
	assert_int_equal(ikev2_sk_overhead(&none, 1), 0);
	assert_int_equal(ikev2_sk_decrypt(&none, 1, m->data, m->len, sk_off,
	    IKEV2_SK_HDR_LEN, m), IKEV2_SK_EMALFORMED);
	assert_int_equal(ikev2_sk_encrypt(&k, 1, m, sk_off, big, 65000), 0);
	buf_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_layout_cbc),
		cmocka_unit_test(test_layout_gcm),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_truncated_garbage),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_encrypt_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
