/* Known-answer tests for keying/crypto.c and crypto_dh.c.
 *
 * Sources of the expected values:
 *   HMAC-MD5 / HMAC-SHA1 ........ RFC 2202 test cases 1 and 2
 *   HMAC-SHA-256/384/512 ........ RFC 4231 test cases 1, 2, 5 (truncated) and 6
 *   AES-CBC ..................... RFC 3602 §4 cases 1 and 2
 *   AES-GCM ..................... McGrew & Viega, "The Galois/Counter Mode of
 *                                 Operation", test cases 2, 3, 4 and 16
 *   3DES ........................ NIST SP 800-67 Rev. 1 Appendix B example
 *                                 (three single-block encryptions = ECB)
 *   ECP-256 DH .................. RFC 5903 §8.1
 *   ECP-384 / ECP-521 DH ........ RFC 5114 Appendix A.7 / A.8
 *   X25519 ...................... RFC 7748 §6.1
 * Every value was also re-computed with Python's hmac module and the
 * "cryptography" package before being written here. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>

#include "common/buf.h"
#include "keying/crypto.h"

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (s[0] && s[1]) {
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
assert_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t w[1024];
	size_t n = unhex(want, w, sizeof(w));

	assert_int_equal(len, n);
	assert_memory_equal(got, w, n);
}

struct hmac_kat {
	uint16_t	 prf;
	const char	*key;	/* hex */
	const char	*data;	/* text */
	const char	*mac;
};

static const struct hmac_kat hmac_kats[] = {
	/* RFC 2202 */
	{ IKEV2_PRF_HMAC_MD5, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
	  "9294727a3638bb1c13f48ef8158bfc9d" },
	{ IKEV2_PRF_HMAC_MD5, "4a656665", "what do ya want for nothing?",
	  "750c783e6ab0b503eaa86e310a5db738" },
	{ IKEV2_PRF_HMAC_SHA1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ IKEV2_PRF_HMAC_SHA1, "4a656665", "what do ya want for nothing?",
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	/* RFC 4231 */
	{ IKEV2_PRF_HMAC_SHA2_256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "Hi There",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ IKEV2_PRF_HMAC_SHA2_384, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "Hi There",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6" },
	{ IKEV2_PRF_HMAC_SHA2_512, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "Hi There",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ IKEV2_PRF_HMAC_SHA2_256, "4a656665", "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ IKEV2_PRF_HMAC_SHA2_384, "4a656665", "what do ya want for nothing?",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649" },
	{ IKEV2_PRF_HMAC_SHA2_512, "4a656665", "what do ya want for nothing?",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
};

static void
test_hmac_prf(void **state)
{
	uint8_t key[256], out[CRYPTO_MAX_PRF_LEN];
	size_t i, klen;

	(void)state;
	for (i = 0; i < sizeof(hmac_kats) / sizeof(hmac_kats[0]); i++) {
		const struct hmac_kat *t = &hmac_kats[i];

		klen = unhex(t->key, key, sizeof(key));
		memset(out, 0, sizeof(out));
		assert_int_equal(crypto_prf(t->prf, key, klen, t->data,
		    strlen(t->data), out), 0);
		assert_hex(out, crypto_prf_len(t->prf), t->mac);
	}
}

/* RFC 4231 test case 6: a key longer than the hash block is hashed first. */
static void
test_hmac_long_key(void **state)
{
	static const char data[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t key[131], out[32];

	(void)state;
	memset(key, 0xaa, sizeof(key));
	assert_int_equal(crypto_prf(IKEV2_PRF_HMAC_SHA2_256, key, sizeof(key),
	    data, strlen(data), out), 0);
	assert_hex(out, 32,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* Integrity transforms truncate; RFC 4231 case 5 gives the 128-bit value;
 * the others are the leading bytes of the RFC 2202/4231 case 1 and 2 MACs.
 * The scatter list must give the same result as one contiguous buffer. */
static void
test_integ(void **state)
{
	static const char d5[] = "Test With Truncation";
	uint8_t k5[20], k1[20], icv[CRYPTO_MAX_ICV];
	struct crypto_iov iov[3] = {
		{ "Hi", 2 }, { "", 0 }, { " There", 6 }
	};
	struct crypto_iov one = { d5, strlen(d5) };

	(void)state;
	memset(k5, 0x0c, sizeof(k5));
	memset(k1, 0x0b, sizeof(k1));
	assert_int_equal(crypto_integ(IKEV2_INTEG_HMAC_SHA2_256_128, k5, 20,
	    &one, 1, icv), 0);
	assert_hex(icv, crypto_integ_icvlen(IKEV2_INTEG_HMAC_SHA2_256_128),
	    "a3b6167473100ee06e0c796c2955552b");
	assert_int_equal(crypto_integ_verify(IKEV2_INTEG_HMAC_SHA2_256_128, k5,
	    20, &one, 1, icv), 0);
	icv[15] ^= 1;
	assert_int_equal(crypto_integ_verify(IKEV2_INTEG_HMAC_SHA2_256_128, k5,
	    20, &one, 1, icv), -1);

	assert_int_equal(crypto_integ(IKEV2_INTEG_HMAC_SHA1_96, k1, 20, iov, 3,
	    icv), 0);
	assert_hex(icv, 12, "b617318655057264e28bc0b6");
	assert_int_equal(crypto_integ(IKEV2_INTEG_HMAC_MD5_96, k1, 16, iov, 3,
	    icv), 0);
	assert_hex(icv, 12, "9294727a3638bb1c13f48ef8");
	assert_int_equal(crypto_integ(IKEV2_INTEG_HMAC_SHA2_384_192, k1, 20,
	    iov, 3, icv), 0);
	assert_hex(icv, 24, "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec6");
	assert_int_equal(crypto_integ(IKEV2_INTEG_HMAC_SHA2_512_256, k1, 20,
	    iov, 3, icv), 0);
	assert_hex(icv, 32,
	    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde");
	assert_int_equal(crypto_integ(99, k1, 20, iov, 3, icv), -1);
}

static void
test_properties(void **state)
{
	(void)state;
	assert_true(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_CBC, 128));
	assert_true(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_CBC, 192));
	assert_true(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_CBC, 256));
	assert_false(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_CBC, 0));
	assert_false(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_CBC, 512));
	assert_true(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_GCM_16, 128));
	assert_true(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_GCM_16, 256));
	assert_false(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_AES_GCM_16, 192));
	assert_true(crypto_supported(CRYPTO_ENCR, IKEV2_ENCR_3DES, 0));
	assert_false(crypto_supported(CRYPTO_ENCR, 2 /* DES */, 0));
	assert_true(crypto_supported(CRYPTO_PRF, IKEV2_PRF_HMAC_SHA2_512, 0));
	assert_false(crypto_supported(CRYPTO_PRF, 4 /* AES128-XCBC */, 0));
	assert_true(crypto_supported(CRYPTO_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0));
	assert_false(crypto_supported(CRYPTO_INTEG, 5 /* AES-XCBC-96 */, 0));
	assert_true(crypto_supported(CRYPTO_DH, IKEV2_DH_CURVE25519, 0));
	assert_false(crypto_supported(CRYPTO_DH, 22, 0));
	assert_false(crypto_supported(9, 1, 0));

	assert_int_equal(crypto_encr_keylen(IKEV2_ENCR_3DES, 0), 24);
	assert_int_equal(crypto_encr_keymat_len(IKEV2_ENCR_AES_GCM_16, 256), 36);
	assert_int_equal(crypto_encr_keymat_len(IKEV2_ENCR_AES_CBC, 192), 24);
	assert_int_equal(crypto_encr_blocksize(IKEV2_ENCR_3DES), 8);
	assert_int_equal(crypto_encr_blocksize(IKEV2_ENCR_AES_CBC), 16);
	assert_int_equal(crypto_encr_ivlen(IKEV2_ENCR_AES_GCM_16), 8);
	assert_int_equal(crypto_encr_icvlen(IKEV2_ENCR_AES_GCM_16), 16);
	assert_int_equal(crypto_encr_icvlen(IKEV2_ENCR_AES_CBC), 0);
	assert_int_equal(crypto_prf_len(IKEV2_PRF_HMAC_SHA2_384), 48);
	assert_int_equal(crypto_integ_keylen(IKEV2_INTEG_HMAC_SHA2_256_128), 32);
	assert_int_equal(crypto_integ_icvlen(IKEV2_INTEG_HMAC_SHA2_512_256), 32);
	assert_int_equal(crypto_dh_publen(IKEV2_DH_ECP521), 132);
	assert_int_equal(crypto_dh_publen(IKEV2_DH_MODP1536), 192);
	assert_string_equal(crypto_name(CRYPTO_DH, IKEV2_DH_MODP2048),
	    "modp2048");
	assert_string_equal(crypto_name(CRYPTO_ENCR, 77), "unknown");
}

static void
test_random(void **state)
{
	uint8_t a[32], b[32], zero[32] = { 0 };

	(void)state;
	assert_int_equal(crypto_random(a, sizeof(a)), 0);
	assert_int_equal(crypto_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
}

static void
test_aes_cbc(void **state)
{
	uint8_t key[16], iv[16], pt[32], ct[32], out[32];

	(void)state;
	/* RFC 3602 case 1 */
	unhex("06a9214036b8a15b512e03d534120006", key, 16);
	unhex("3dafba429d9eb430b422da802c9fac41", iv, 16);
	memcpy(pt, "Single block msg", 16);
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 1, key, 16, iv, pt, 16,
	    ct), 0);
	assert_hex(ct, 16, "e353779c1079aeb82708942dbe77181a");
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 0, key, 16, iv, ct, 16,
	    out), 0);
	assert_memory_equal(out, pt, 16);

	/* RFC 3602 case 2, in place */
	unhex("c286696d887c9aa0611bbb3e2025a45a", key, 16);
	unhex("562e17996d093d28ddb3ba695a2e6f58", iv, 16);
	unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    pt, 32);
	memcpy(out, pt, 32);
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 1, key, 16, iv, out, 32,
	    out), 0);
	assert_hex(out, 32, "d296cd94c2cccf8a3a863028b5e1dc0a"
	    "7586602d253cfff91b8266bea6d61ab1");
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 0, key, 16, iv, out, 32,
	    out), 0);
	assert_memory_equal(out, pt, 32);

	/* not a block multiple, wrong key size, AEAD cipher */
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 1, key, 16, iv, pt, 15,
	    out), -1);
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_CBC, 1, key, 17, iv, pt, 16,
	    out), -1);
	assert_int_equal(crypto_cbc(IKEV2_ENCR_AES_GCM_16, 1, key, 16, iv, pt,
	    16, out), -1);
}

static void
test_3des(void **state)
{
	uint8_t key[24], iv[8] = { 0 }, pt[24], ct[24];
	int i;

	(void)state;
	unhex("0123456789abcdef23456789abcdef01456789abcdef0123", key, 24);
	memcpy(pt, "The qufck brown fox jump", 24);
	/* CBC with a zero IV over one block is the plain block cipher */
	for (i = 0; i < 3; i++)
		assert_int_equal(crypto_cbc(IKEV2_ENCR_3DES, 1, key, 24, iv,
		    pt + 8 * i, 8, ct + 8 * i), 0);
	assert_hex(ct, 24, "a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900");
	for (i = 0; i < 3; i++)
		assert_int_equal(crypto_cbc(IKEV2_ENCR_3DES, 0, key, 24, iv,
		    ct + 8 * i, 8, ct + 8 * i), 0);
	assert_memory_equal(ct, pt, 24);
}

struct gcm_kat {
	const char *key, *iv, *aad, *pt, *ct, *tag;
};

static const char gcm_k3[] = "feffe9928665731c6d6a8f9467308308";
static const char gcm_iv3[] = "cafebabefacedbaddecaf888";
static const char gcm_p3[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
static const char gcm_p4[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";

static const struct gcm_kat gcm_kats[] = {
	{ "00000000000000000000000000000000", "000000000000000000000000", "",
	  "00000000000000000000000000000000",
	  "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf" },
	{ gcm_k3, gcm_iv3, "", gcm_p3,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ gcm_k3, gcm_iv3, "feedfacedeadbeeffeedfacedeadbeefabaddad2", gcm_p4,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  gcm_iv3, "feedfacedeadbeeffeedfacedeadbeefabaddad2", gcm_p4,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

/* The GCM spec's 12-byte IV is split the IKEv2/ESP way: its first 4 bytes
 * are the salt at the end of the key material, the last 8 the wire IV. */
static void
test_aes_gcm(void **state)
{
	uint8_t keymat[36], iv12[12], aad[32], pt[64], ct[64], tag[16], out[64];
	size_t i, klen, alen, plen;

	(void)state;
	for (i = 0; i < sizeof(gcm_kats) / sizeof(gcm_kats[0]); i++) {
		const struct gcm_kat *t = &gcm_kats[i];

		klen = unhex(t->key, keymat, sizeof(keymat));
		unhex(t->iv, iv12, sizeof(iv12));
		memcpy(keymat + klen, iv12, 4);
		alen = unhex(t->aad, aad, sizeof(aad));
		plen = unhex(t->pt, pt, sizeof(pt));
		assert_int_equal(crypto_aead_seal(IKEV2_ENCR_AES_GCM_16, keymat,
		    klen + 4, iv12 + 4, aad, alen, pt, plen, ct, tag), 0);
		assert_hex(ct, plen, t->ct);
		assert_hex(tag, 16, t->tag);
		assert_int_equal(crypto_aead_open(IKEV2_ENCR_AES_GCM_16, keymat,
		    klen + 4, iv12 + 4, aad, alen, ct, plen, tag, out), 0);
		assert_memory_equal(out, pt, plen);

		/* any change to tag, ciphertext, AAD or IV is caught */
		tag[0] ^= 0x80;
		assert_int_equal(crypto_aead_open(IKEV2_ENCR_AES_GCM_16, keymat,
		    klen + 4, iv12 + 4, aad, alen, ct, plen, tag, out), -1);
		tag[0] ^= 0x80;
		ct[plen - 1] ^= 1;
		assert_int_equal(crypto_aead_open(IKEV2_ENCR_AES_GCM_16, keymat,
		    klen + 4, iv12 + 4, aad, alen, ct, plen, tag, out), -1);
		ct[plen - 1] ^= 1;
		if (alen) {
			aad[0] ^= 1;
			assert_int_equal(crypto_aead_open(IKEV2_ENCR_AES_GCM_16,
			    keymat, klen + 4, iv12 + 4, aad, alen, ct, plen,
			    tag, out), -1);
			aad[0] ^= 1;
		}
		iv12[11] ^= 1;
		assert_int_equal(crypto_aead_open(IKEV2_ENCR_AES_GCM_16, keymat,
		    klen + 4, iv12 + 4, aad, alen, ct, plen, tag, out), -1);
	}
	/* 192-bit GCM is not an IKEv2 ENCR_AES_GCM_16 key size here */
	assert_int_equal(crypto_aead_seal(IKEV2_ENCR_AES_GCM_16, keymat, 28,
	    iv12, NULL, 0, pt, 16, ct, tag), -1);
}

/* ---- Diffie-Hellman ---- */

struct dh_kat {
	uint16_t	 group;
	const char	*i, *gi, *r, *gr, *gir;
};

static const struct dh_kat dh_kats[] = {
	/* RFC 5903 §8.1 */
	{ IKEV2_DH_ECP256,
	  "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
	  "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
	  "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
	  "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
	  "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
	  "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
	  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
	/* RFC 5114 A.7 */
	{ IKEV2_DH_ECP384,
	  "d27335ea71664af244dd14e9fd1260715dfd8a7965571c48d709ee7a7962a156"
	  "d706a90cbcb5df2986f05feadb9376f1",
	  "793148f1787634d5da4c6d9074417d05e057ab62f82054d10ee6b0403d627954"
	  "7e6a8ea9d1fd77427d016fe27a8b8c66c6c41294331d23e6f480f4fb4cd40504"
	  "c947392e94f4c3f06b8f398bb29e42368f7a685923de3b67baced214a1a1d128",
	  "52d1791fdb4b70f89c0f00d456c2f7023b6125262c36a7df1f80231121cce3d3"
	  "9be52e00c194a4132c4a6c768bcd94d2",
	  "5cd42ab9c41b5347f74b8d4efb708b3d5b36db65915359b44abc17647b6b9999"
	  "789d72a84865ae2f223f12b5a1abc120e171458feaa939aaa3a8bfac46b404bd"
	  "8f6d5b348c0fa4d80ceca16356ca933240bde8723415a8ece035b0edf36755de",
	  "5ea1fc4af7256d2055981b110575e0a8cae53160137d904c59d926eb1b8456e4"
	  "27aa8a4540884c37de159a58028abc0e" },
	/* RFC 5114 A.8 */
	{ IKEV2_DH_ECP521,
	  "0113f82da825735e3d97276683b2b74277bad27335ea71664af2430cc4f33459"
	  "b9669ee78b3ffb9b8683015d344dcbfef6fb9af4c6c470be254516cd3c1a1fb4"
	  "7362",
	  "01ebb34dd75721abf8adc9dbed17889cbb9765d90a7c60f2cef007bb0f2b26e1"
	  "4881fd4442e689d61cb2dd046ee30e3ffd20f9a45bbdf6413d583a2dbf59924f"
	  "d35c00f6b632d194c0388e22d8437e558c552ae195adfd153f92d74908351b2f"
	  "8c4eda94edb0916d1b53c020b5eecaed1a5fc38a233e4830587bb2ee3489b3b4"
	  "2a5a86a4",
	  "00cee3480d8645a17d249f2776d28bae616952d1791fdb4b70f7c3378732aa1b"
	  "22928448bcd1dc2496d435b01048066ebe4f72903c361b1a9dc1193dc2c9d089"
	  "1b96",
	  "010ebfafc6e85e08d24bfffcc1a4511db0e634beeb1b6dec8c5939ae44766201"
	  "af6200430ba97c8ac6a0e9f08b33ce7e9feeb5ba4ee5e0d81510c24295b8a08d"
	  "023500a4a6ec300df9e257b0372b5e7abfef093436719a77887ebb0b18cf8099"
	  "b9f4212b6e30a1419c18e029d36863cc9d448f4dba4d2a0e60711be572915fbd"
	  "4fef2695",
	  "00cdea89621cfa46b132f9e4cfe2261cde2d4368eb5656634c7cc98c7a00cde5"
	  "4ed1866a0dd3e6126c9d2f845daff82ceb1da08f5d87521bb0ebeca77911169c"
	  "20cc" },
	/* RFC 7748 §6.1 */
	{ IKEV2_DH_CURVE25519,
	  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
};

static void
test_dh_known_answers(void **state)
{
	uint8_t priv[80], peer[CRYPTO_MAX_DH_PUB];
	struct buf *pub, *sec;
	struct dh *di, *dr;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(dh_kats) / sizeof(dh_kats[0]); i++) {
		const struct dh_kat *t = &dh_kats[i];

		n = unhex(t->i, priv, sizeof(priv));
		assert_non_null(di = dh_new_private(t->group, priv, n));
		n = unhex(t->r, priv, sizeof(priv));
		assert_non_null(dr = dh_new_private(t->group, priv, n));
		assert_int_equal(dh_group(di), t->group);

		pub = buf_new(0);
		assert_int_equal(dh_public(di, pub), 0);
		assert_hex(pub->data, pub->len, t->gi);
		buf_reset(pub);
		assert_int_equal(dh_public(dr, pub), 0);
		assert_hex(pub->data, pub->len, t->gr);
		buf_free(pub);

		/* each side derives g^ir from the other's published value */
		sec = buf_new_secret(0);
		n = unhex(t->gr, peer, sizeof(peer));
		assert_int_equal(dh_derive(di, peer, n, sec), 0);
		assert_hex(sec->data, sec->len, t->gir);
		buf_reset(sec);
		n = unhex(t->gi, peer, sizeof(peer));
		assert_int_equal(dh_derive(dr, peer, n, sec), 0);
		assert_hex(sec->data, sec->len, t->gir);
		buf_free(sec);
		dh_free(di);
		dh_free(dr);
	}
}

static const uint16_t all_groups[] = {
	IKEV2_DH_MODP1024, IKEV2_DH_MODP1536, IKEV2_DH_MODP2048,
	IKEV2_DH_MODP3072, IKEV2_DH_MODP4096, IKEV2_DH_ECP256,
	IKEV2_DH_ECP384, IKEV2_DH_ECP521, IKEV2_DH_CURVE25519,
};

static void
test_dh_agreement(void **state)
{
	struct buf *pa, *pb, *sa, *sb;
	struct dh *a, *b, *c;
	size_t i, plen;

	(void)state;
	for (i = 0; i < sizeof(all_groups) / sizeof(all_groups[0]); i++) {
		plen = crypto_dh_publen(all_groups[i]);
		assert_non_null(a = dh_new(all_groups[i]));
		assert_non_null(b = dh_new(all_groups[i]));
		assert_non_null(c = dh_new(all_groups[i]));
		pa = buf_new(0);
		pb = buf_new(0);
		sa = buf_new_secret(0);
		sb = buf_new_secret(0);
		assert_int_equal(dh_public(a, pa), 0);
		assert_int_equal(dh_public(b, pb), 0);
		assert_int_equal(pa->len, plen);
		assert_int_equal(pb->len, plen);
		assert_memory_not_equal(pa->data, pb->data, plen);
		assert_int_equal(dh_derive(a, pb->data, pb->len, sa), 0);
		assert_int_equal(dh_derive(b, pa->data, pa->len, sb), 0);
		/* MODP secrets keep the prime's length; ECP is x only */
		assert_int_equal(sa->len, all_groups[i] >= IKEV2_DH_ECP256 &&
		    all_groups[i] <= IKEV2_DH_ECP521 ? plen / 2 : plen);
		assert_int_equal(sa->len, sb->len);
		assert_memory_equal(sa->data, sb->data, sa->len);
		/* a third party's key gives a different secret */
		buf_reset(sb);
		assert_int_equal(dh_derive(c, pb->data, pb->len, sb), 0);
		assert_memory_not_equal(sa->data, sb->data, sa->len);
		buf_free(pa);
		buf_free(pb);
		buf_free(sa);
		buf_free(sb);
		dh_free(a);
		dh_free(b);
		dh_free(c);
	}
	assert_null(dh_new(22));
	assert_null(dh_new(0));
	dh_free(NULL);
}

/* 1 < y < p-1 and the exact length are enforced for every MODP group. */
static void
test_dh_modp_validation(void **state)
{
	static const struct {
		uint16_t	 group;
		BIGNUM		*(*prime)(BIGNUM *);
	} modp[] = {
		{ IKEV2_DH_MODP1024, BN_get_rfc2409_prime_1024 },
		{ IKEV2_DH_MODP1536, BN_get_rfc3526_prime_1536 },
		{ IKEV2_DH_MODP2048, BN_get_rfc3526_prime_2048 },
		{ IKEV2_DH_MODP3072, BN_get_rfc3526_prime_3072 },
		{ IKEV2_DH_MODP4096, BN_get_rfc3526_prime_4096 },
	};
	uint8_t y[CRYPTO_MAX_DH_PUB + 1];
	struct buf *pub, *sec;
	struct dh *dh;
	BIGNUM *p;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(modp) / sizeof(modp[0]); i++) {
		len = crypto_dh_publen(modp[i].group);
		assert_non_null(dh = dh_new(modp[i].group));
		assert_non_null(p = modp[i].prime(NULL));
		assert_int_equal(BN_num_bytes(p), (int)len);
		sec = buf_new_secret(0);
		pub = buf_new(0);
		assert_int_equal(dh_public(dh, pub), 0);

		memset(y, 0, len);			/* 0 */
		assert_int_equal(dh_derive(dh, y, len, sec), -1);
		y[len - 1] = 1;				/* 1 */
		assert_int_equal(dh_derive(dh, y, len, sec), -1);
		y[len - 1] = 2;				/* 2 = g: fine */
		assert_int_equal(dh_derive(dh, y, len, sec), 0);
		assert_int_equal(sec->len, len);
		buf_reset(sec);
		BN_bn2binpad(p, y, (int)len);		/* p */
		assert_int_equal(dh_derive(dh, y, len, sec), -1);
		BN_sub_word(p, 1);			/* p - 1 */
		BN_bn2binpad(p, y, (int)len);
		assert_int_equal(dh_derive(dh, y, len, sec), -1);
		memset(y, 0xff, len);			/* > p */
		assert_int_equal(dh_derive(dh, y, len, sec), -1);
		/* a genuine value of the wrong length */
		assert_int_equal(dh_derive(dh, pub->data + 1, len - 1, sec), -1);
		y[0] = 0;
		memcpy(y + 1, pub->data, len);
		assert_int_equal(dh_derive(dh, y, len + 1, sec), -1);
		assert_int_equal(dh_derive(dh, pub->data, len, sec), 0);
		assert_int_equal(sec->len, len);
		BN_free(p);
		buf_free(pub);
		buf_free(sec);
		dh_free(dh);
	}
}

/* Points off the curve, at infinity or with coordinates >= p are refused. */
static void
test_dh_ecp_validation(void **state)
{
	static const uint16_t ecp[] = {
		IKEV2_DH_ECP256, IKEV2_DH_ECP384, IKEV2_DH_ECP521,
	};
	uint8_t v[CRYPTO_MAX_DH_PUB];
	struct buf *pub, *sec;
	struct dh *dh;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(ecp) / sizeof(ecp[0]); i++) {
		len = crypto_dh_publen(ecp[i]);
		assert_non_null(dh = dh_new(ecp[i]));
		pub = buf_new(0);
		sec = buf_new_secret(0);
		assert_non_null(dh);
		assert_int_equal(dh_public(dh, pub), 0);
		memcpy(v, pub->data, len);
		v[len - 1] ^= 1;			/* y off by one bit */
		assert_int_equal(dh_derive(dh, v, len, sec), -1);
		memset(v, 0, len);			/* (0, 0): infinity */
		assert_int_equal(dh_derive(dh, v, len, sec), -1);
		memset(v, 0xff, len);			/* coordinates >= p */
		assert_int_equal(dh_derive(dh, v, len, sec), -1);
		assert_int_equal(dh_derive(dh, pub->data, len - 1, sec), -1);
		v[0] = 0x04;				/* with the SEC1 marker */
		memcpy(v + 1, pub->data, len);
		assert_int_equal(dh_derive(dh, v, len + 1, sec), -1);
		assert_int_equal(sec->len, 0);
		assert_int_equal(dh_derive(dh, pub->data, len, sec), 0);
		assert_int_equal(sec->len, len / 2);
		buf_free(pub);
		buf_free(sec);
		dh_free(dh);
	}
}

/* RFC 7748 §6.1: low-order points yield the all-zero secret: refused. */
static void
test_dh_x25519_validation(void **state)
{
	uint8_t u[33] = { 0 };
	struct buf *sec = buf_new_secret(0);
	struct dh *dh;

	(void)state;
	assert_non_null(dh = dh_new(IKEV2_DH_CURVE25519));
	assert_int_equal(dh_derive(dh, u, 32, sec), -1);	/* u = 0 */
	u[0] = 1;						/* u = 1 */
	assert_int_equal(dh_derive(dh, u, 32, sec), -1);
	u[0] = 9;						/* base point */
	assert_int_equal(dh_derive(dh, u, 31, sec), -1);
	assert_int_equal(dh_derive(dh, u, 33, sec), -1);
	assert_int_equal(sec->len, 0);
	assert_int_equal(dh_derive(dh, u, 32, sec), 0);
	assert_int_equal(sec->len, 32);
	buf_free(sec);
	dh_free(dh);
}

/* Key pairs made on worker threads (as the daemon precomputes them) are
 * usable on another thread. */
struct keygen_job {
	uint16_t	 group;
	struct dh	*dh;
};

static void *
keygen_thread(void *arg)
{
	struct keygen_job *j = arg;

	j->dh = dh_new(j->group);
	return NULL;
}

static void
test_dh_threads(void **state)
{
	static const uint16_t groups[] = {
		IKEV2_DH_MODP3072, IKEV2_DH_MODP3072, IKEV2_DH_ECP384,
		IKEV2_DH_ECP384, IKEV2_DH_CURVE25519, IKEV2_DH_CURVE25519,
	};
	struct keygen_job jobs[6];
	pthread_t tid[6];
	struct buf *pa, *pb, *sa, *sb;
	int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		jobs[i].group = groups[i];
		assert_int_equal(pthread_create(&tid[i], NULL, keygen_thread,
		    &jobs[i]), 0);
	}
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	for (i = 0; i < 6; i += 2) {
		assert_non_null(jobs[i].dh);
		assert_non_null(jobs[i + 1].dh);
		pa = buf_new(0);
		pb = buf_new(0);
		sa = buf_new_secret(0);
		sb = buf_new_secret(0);
		assert_int_equal(dh_public(jobs[i].dh, pa), 0);
		assert_int_equal(dh_public(jobs[i + 1].dh, pb), 0);
		assert_int_equal(dh_derive(jobs[i].dh, pb->data, pb->len, sa), 0);
		assert_int_equal(dh_derive(jobs[i + 1].dh, pa->data, pa->len,
		    sb), 0);
		assert_int_equal(sa->len, sb->len);
		assert_memory_equal(sa->data, sb->data, sa->len);
		buf_free(pa);
		buf_free(pb);
		buf_free(sa);
		buf_free(sb);
		dh_free(jobs[i].dh);
		dh_free(jobs[i + 1].dh);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_prf),
		cmocka_unit_test(test_hmac_long_key),
		cmocka_unit_test(test_integ),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_aes_cbc),
		cmocka_unit_test(test_3des),
		cmocka_unit_test(test_aes_gcm),
		cmocka_unit_test(test_dh_known_answers),
		cmocka_unit_test(test_dh_agreement),
		cmocka_unit_test(test_dh_modp_validation),
		cmocka_unit_test(test_dh_ecp_validation),
		cmocka_unit_test(test_dh_x25519_validation),
		cmocka_unit_test(test_dh_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
