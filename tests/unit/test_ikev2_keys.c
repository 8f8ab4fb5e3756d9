/* IKEv2 key derivation and PSK AUTH (keying/ikev2_keys.c).
 *
 * Sources of the expected values:
 *   data/crypto/ikev2_kdf_sha1.rsp ... NIST CAVP SP 800-135 IKEv2 KDF vector
 *       (SKEYSEED, DKM, child DKM with and without PFS, rekeyed SKEYSEED)
 *   prf+ with SHA-2 PRFs ............. an independent prf+ in this file built
 *       on OpenSSL's one-shot HMAC() (not the EVP_MAC path under test)
 *   PSK AUTH ......................... computed independently with Python's
 *       hmac module from the RFC 7296 §2.15 formula (no published vector) */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "keying/ikev2_keys.h"

#define MAXV	256

struct kdf_vec {
	uint8_t	ni[MAXV], nr[MAXV], gir[MAXV], gir_new[MAXV];
	uint8_t	spi_i[8], spi_r[8], skeyseed[64], dkm[MAXV];
	uint8_t	dkm_child[MAXV], dkm_child_dh[MAXV], skeyseed_rekey[64];
	size_t	ni_len, nr_len, gir_len, gir_new_len, skeyseed_len, dkm_len;
	size_t	dkm_child_len, dkm_child_dh_len, skeyseed_rekey_len;
};

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (s[0] && s[1] && s[0] != '\n') {
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
load_cavp(struct kdf_vec *v)
{
	char line[1024], *eq;
	FILE *f;
	int seen = 0;

	memset(v, 0, sizeof(*v));
	f = fopen(TEST_SRCDIR "/unit/data/crypto/ikev2_kdf_sha1.rsp", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '[' ||
		    (eq = strstr(line, " = ")) == NULL)
			continue;
		*eq = '\0';
		eq += 3;
#define FIELD(name, buf, len)						\
		if (strcmp(line, name) == 0) {				\
			len = unhex(eq, buf, sizeof(buf));		\
			seen++;						\
			continue;					\
		}
		FIELD("Ni", v->ni, v->ni_len);
		FIELD("Nr", v->nr, v->nr_len);
		FIELD("g^ir", v->gir, v->gir_len);
		FIELD("g^ir (new)", v->gir_new, v->gir_new_len);
		FIELD("SKEYSEED", v->skeyseed, v->skeyseed_len);
		FIELD("DKM", v->dkm, v->dkm_len);
		FIELD("DKM(Child SA)", v->dkm_child, v->dkm_child_len);
		FIELD("DKM(Child SA D-H)", v->dkm_child_dh, v->dkm_child_dh_len);
		FIELD("SKEYSEED(Rekey)", v->skeyseed_rekey,
		    v->skeyseed_rekey_len);
#undef FIELD
		if (strcmp(line, "SPIi") == 0 && unhex(eq, v->spi_i, 8) == 8)
			seen++;
		if (strcmp(line, "SPIr") == 0 && unhex(eq, v->spi_r, 8) == 8)
			seen++;
	}
	fclose(f);
	assert_int_equal(seen, 11);
	assert_int_equal(v->gir_len, 128);
	assert_int_equal(v->dkm_len, 132);
}

/* SHA-1 PRF with AES-CBC-128 and HMAC-SHA1-96 needs 3*20 + 2*20 + 2*16 =
 * 132 bytes: exactly the CAVP DKM, so every key is checked. */
static const struct st_algs cavp_algs = {
	.encr = IKEV2_ENCR_AES_CBC, .encr_keylen = 128,
	.prf = IKEV2_PRF_HMAC_SHA1, .integ = IKEV2_INTEG_HMAC_SHA1_96,
};

static void
keys_concat(const struct ikev2_sa_keys *k, uint8_t *out, size_t *len)
{
	size_t o = 0;

	memcpy(out + o, k->sk_d, k->prf_len), o += k->prf_len;
	memcpy(out + o, k->sk_ai, k->integ_len), o += k->integ_len;
	memcpy(out + o, k->sk_ar, k->integ_len), o += k->integ_len;
	memcpy(out + o, k->sk_ei, k->encr_len), o += k->encr_len;
	memcpy(out + o, k->sk_er, k->encr_len), o += k->encr_len;
	memcpy(out + o, k->sk_pi, k->prf_len), o += k->prf_len;
	memcpy(out + o, k->sk_pr, k->prf_len), o += k->prf_len;
	*len = o;
}

static void
test_cavp_ike_sa(void **state)
{
	struct kdf_vec v;
	struct ikev2_sa_keys k, k2;
	uint8_t ss[64], seed[64], dkm[MAXV], cat[MAXV];
	size_t n;

	(void)state;
	load_cavp(&v);
	assert_int_equal(ikev2_skeyseed(IKEV2_PRF_HMAC_SHA1, v.ni, v.ni_len,
	    v.nr, v.nr_len, v.gir, v.gir_len, ss), 0);
	assert_memory_equal(ss, v.skeyseed, 20);

	memcpy(seed, v.ni, 8);
	memcpy(seed + 8, v.nr, 8);
	memcpy(seed + 16, v.spi_i, 8);
	memcpy(seed + 24, v.spi_r, 8);
	assert_int_equal(ikev2_prf_plus(IKEV2_PRF_HMAC_SHA1, ss, 20, seed, 32,
	    dkm, v.dkm_len), 0);
	assert_memory_equal(dkm, v.dkm, v.dkm_len);

	assert_int_equal(ikev2_ike_keys(&k, &cavp_algs, ss, 20, v.ni, v.ni_len,
	    v.nr, v.nr_len, be64(v.spi_i), be64(v.spi_r)), 0);
	assert_int_equal(k.prf_len, 20);
	assert_int_equal(k.integ_len, 20);
	assert_int_equal(k.encr_len, 16);
	keys_concat(&k, cat, &n);
	assert_int_equal(n, v.dkm_len);
	assert_memory_equal(cat, v.dkm, n);

	/* both steps at once give the same */
	assert_int_equal(ikev2_ike_keys_derive(&k2, &cavp_algs, NULL, v.gir,
	    v.gir_len, v.ni, v.ni_len, v.nr, v.nr_len, be64(v.spi_i),
	    be64(v.spi_r)), 0);
	assert_memory_equal(&k, &k2, sizeof(k));
	ikev2_sa_keys_wipe(&k2);
	assert_int_equal(k2.prf_len, 0);
	assert_int_equal(k2.sk_d[0] | k2.sk_pr[19], 0);
}

static void
test_cavp_child_and_rekey(void **state)
{
	struct kdf_vec v;
	struct ikev2_sa_keys ike, nike;
	struct ikev2_child_keys ck;
	struct st_algs esp = {
		.encr = IKEV2_ENCR_3DES, .integ = IKEV2_INTEG_HMAC_SHA1_96
	};
	struct st_algs gcm = {
		.encr = IKEV2_ENCR_AES_GCM_16, .encr_keylen = 256
	};
	uint8_t ss[64], seed[64], dkm[MAXV];

	(void)state;
	load_cavp(&v);
	assert_int_equal(ikev2_ike_keys_derive(&ike, &cavp_algs, NULL, v.gir,
	    v.gir_len, v.ni, v.ni_len, v.nr, v.nr_len, be64(v.spi_i),
	    be64(v.spi_r)), 0);

	/* KEYMAT = prf+(SK_d, Ni | Nr): encr_i | integ_i | encr_r | integ_r */
	assert_int_equal(ikev2_child_keys(&ck, &esp, &ike, NULL, 0, v.ni,
	    v.ni_len, v.nr, v.nr_len), 0);
	assert_int_equal(ck.encr_len, 24);
	assert_int_equal(ck.integ_len, 20);
	assert_memory_equal(ck.encr_i, v.dkm_child, 24);
	assert_memory_equal(ck.integ_i, v.dkm_child + 24, 20);
	assert_memory_equal(ck.encr_r, v.dkm_child + 44, 24);
	assert_memory_equal(ck.integ_r, v.dkm_child + 68, 20);

	/* with PFS: prf+(SK_d, g^ir (new) | Ni | Nr) */
	assert_int_equal(ikev2_child_keys(&ck, &esp, &ike, v.gir_new,
	    v.gir_new_len, v.ni, v.ni_len, v.nr, v.nr_len), 0);
	assert_memory_equal(ck.encr_i, v.dkm_child_dh, 24);
	assert_memory_equal(ck.integ_r, v.dkm_child_dh + 68, 20);

	/* AEAD: key | salt per direction, no integrity keys */
	assert_int_equal(ikev2_child_keys(&ck, &gcm, &ike, NULL, 0, v.ni,
	    v.ni_len, v.nr, v.nr_len), 0);
	assert_int_equal(ck.encr_len, 36);
	assert_int_equal(ck.integ_len, 0);
	assert_memory_equal(ck.encr_i, v.dkm_child, 36);
	assert_memory_equal(ck.encr_r, v.dkm_child + 36, 36);
	ikev2_child_keys_wipe(&ck);

	/* IKE SA rekey: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
	assert_int_equal(ikev2_skeyseed_rekey(&ike, v.gir_new, v.gir_new_len,
	    v.ni, v.ni_len, v.nr, v.nr_len, ss), 0);
	assert_memory_equal(ss, v.skeyseed_rekey, 20);
	assert_int_equal(ikev2_ike_keys_derive(&nike, &cavp_algs, &ike,
	    v.gir_new, v.gir_new_len, v.ni, v.ni_len, v.nr, v.nr_len,
	    be64(v.spi_r), be64(v.spi_i)), 0);
	memcpy(seed, v.ni, 8);
	memcpy(seed + 8, v.nr, 8);
	memcpy(seed + 16, v.spi_r, 8);
	memcpy(seed + 24, v.spi_i, 8);
	assert_int_equal(ikev2_prf_plus(IKEV2_PRF_HMAC_SHA1, ss, 20, seed, 32,
	    dkm, 20), 0);
	assert_memory_equal(nike.sk_d, dkm, 20);
	assert_memory_not_equal(nike.sk_d, ike.sk_d, 20);
}

/* prf+ written out with the one-shot HMAC() for comparison. */
static void
ref_prf_plus(const EVP_MD *md, const uint8_t *k, size_t klen,
    const uint8_t *s, size_t slen, uint8_t *out, size_t outlen)
{
	uint8_t t[64], in[64 + 512 + 1];
	unsigned int tlen = 0, hlen = (unsigned int)EVP_MD_get_size(md);
	size_t done = 0, inlen;
	int n = 1;

	while (done < outlen) {
		memcpy(in, t, tlen);
		memcpy(in + tlen, s, slen);
		in[tlen + slen] = (uint8_t)n++;
		inlen = tlen + slen + 1;
		assert_non_null(HMAC(md, k, (int)klen, in, inlen, t, &tlen));
		assert_int_equal(tlen, hlen);
		memcpy(out + done, t, outlen - done < hlen ? outlen - done : hlen);
		done += outlen - done < hlen ? outlen - done : hlen;
	}
}

static void
test_prf_plus_sha2(void **state)
{
	static const struct {
		uint16_t	prf;
		const char	*md;
	} prfs[] = {
		{ IKEV2_PRF_HMAC_MD5, "MD5" },
		{ IKEV2_PRF_HMAC_SHA2_256, "SHA256" },
		{ IKEV2_PRF_HMAC_SHA2_384, "SHA384" },
		{ IKEV2_PRF_HMAC_SHA2_512, "SHA512" },
	};
	static const size_t lens[] = { 1, 31, 32, 33, 200, 457 };
	uint8_t key[48], seed[300], got[512], want[512];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(255 - i);
	for (i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++) {
		const EVP_MD *md = EVP_get_digestbyname(prfs[i].md);

		assert_non_null(md);
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			memset(got, 0, sizeof(got));
			ref_prf_plus(md, key, sizeof(key), seed, sizeof(seed),
			    want, lens[j]);
			assert_int_equal(ikev2_prf_plus(prfs[i].prf, key,
			    sizeof(key), seed, sizeof(seed), got, lens[j]), 0);
			assert_memory_equal(got, want, lens[j]);
		}
	}
}

/* The counter is one octet: 255 blocks at most (RFC 7296 §2.13). */
static void
test_prf_plus_limit(void **state)
{
	uint8_t key[20] = { 1 }, *out = malloc(255 * 20 + 1);

	(void)state;
	assert_non_null(out);
	assert_int_equal(ikev2_prf_plus(IKEV2_PRF_HMAC_SHA1, key, 20,
	    (const uint8_t *)"s", 1, out, 255 * 20), 0);
	assert_int_equal(ikev2_prf_plus(IKEV2_PRF_HMAC_SHA1, key, 20,
	    (const uint8_t *)"s", 1, out, 255 * 20 + 1), -1);
	assert_int_equal(ikev2_prf_plus(42, key, 20,
	    (const uint8_t *)"s", 1, out, 20), -1);
	free(out);
}

static void
test_key_lengths(void **state)
{
	static const uint8_t n[32] = { 1 }, gir[256] = { 2 };
	struct ikev2_sa_keys k;
	struct ikev2_child_keys ck;
	struct st_algs a = {
		.encr = IKEV2_ENCR_AES_GCM_16, .encr_keylen = 256,
		.prf = IKEV2_PRF_HMAC_SHA2_512,
	};

	(void)state;
	/* AEAD: no SK_a*, SK_e* with the 4-byte salt */
	assert_int_equal(ikev2_ike_keys_derive(&k, &a, NULL, gir, sizeof(gir),
	    n, 32, n, 32, 1, 2), 0);
	assert_int_equal(k.prf_len, 64);
	assert_int_equal(k.integ_len, 0);
	assert_int_equal(k.encr_len, 36);
	assert_int_equal(k.integ, IKEV2_INTEG_NONE);
	assert_memory_not_equal(k.sk_ei, k.sk_er, 36);

	a.integ = IKEV2_INTEG_HMAC_SHA1_96;	/* AEAD plus integrity: refused */
	assert_int_equal(ikev2_ike_keys_derive(&k, &a, NULL, gir, sizeof(gir),
	    n, 32, n, 32, 1, 2), -1);
	a.encr = IKEV2_ENCR_AES_CBC;
	a.encr_keylen = 0;			/* AES without key length */
	assert_int_equal(ikev2_ike_keys_derive(&k, &a, NULL, gir, sizeof(gir),
	    n, 32, n, 32, 1, 2), -1);
	a.encr_keylen = 256;
	a.integ = IKEV2_INTEG_NONE;		/* CBC without integrity */
	assert_int_equal(ikev2_ike_keys_derive(&k, &a, NULL, gir, sizeof(gir),
	    n, 32, n, 32, 1, 2), -1);
	a.integ = IKEV2_INTEG_HMAC_SHA2_384_192;
	a.prf = 0;
	assert_int_equal(ikev2_ike_keys_derive(&k, &a, NULL, gir, sizeof(gir),
	    n, 32, n, 32, 1, 2), -1);
	a.prf = IKEV2_PRF_HMAC_SHA2_256;
	assert_int_equal(ikev2_ike_keys_derive(&k, &a, NULL, gir, sizeof(gir),
	    n, 32, n, 32, 1, 2), 0);
	assert_int_equal(k.integ_len, 48);
	assert_int_equal(k.encr_len, 32);
	assert_int_equal(k.prf_len, 32);
	/* nonces longer than RFC 7296 allows */
	assert_int_equal(ikev2_ike_keys_derive(&k, &a, NULL, gir, sizeof(gir),
	    gir, 257, n, 32, 1, 2), -1);

	/* ESP with NULL encryption has integrity keys only */
	a.encr = IKEV2_ENCR_NULL;
	a.encr_keylen = 0;
	assert_int_equal(ikev2_child_keys(&ck, &a, &k, NULL, 0, n, 32, n, 32),
	    0);
	assert_int_equal(ck.encr_len, 0);
	assert_int_equal(ck.integ_len, 48);
	a.integ = IKEV2_INTEG_NONE;
	a.encr = IKEV2_ENCR_AES_CBC;
	a.encr_keylen = 128;
	assert_int_equal(ikev2_child_keys(&ck, &a, &k, NULL, 0, n, 32, n, 32),
	    -1);
}

struct psk_kat {
	uint16_t	 prf;
	size_t		 sk_p_len;
	const char	*auth;
};

static const struct psk_kat psk_kats[] = {
	{ IKEV2_PRF_HMAC_SHA1, 20, "f0cbaa46be17c114ca46fa2fa2a07600ed54a34c" },
	{ IKEV2_PRF_HMAC_SHA2_256, 32,
	  "d5196b17ebae171762a36528c34bfa7d2d1f72db927bbb80a1a620f08184fa48" },
	{ IKEV2_PRF_HMAC_SHA2_512, 64,
	  "82b69bf3a6605ef28041204211a5b9846b8294a31fdcad1176f4066c658571d7"
	  "aaa43d9e3b8454090930fb970c98a3e75d8d6a402fc45cbd3047324c9eda2eb1" },
};

/* Inputs: PSK "ikeflow-test-psk", RealMessage = bytes 0..99, peer nonce =
 * 32 x 0xa5, SK_p = prf-length x 0x11, ID payload body = ID_IPV4_ADDR
 * 192.0.2.1 (01 000000 c0000201). */
static void
test_psk_auth(void **state)
{
	static const char psk[] = "ikeflow-test-psk";
	static const uint8_t id[] = { 1, 0, 0, 0, 192, 0, 2, 1 };
	uint8_t msg[100], nonce[32], skp[64], out[64], want[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	memset(nonce, 0xa5, sizeof(nonce));
	memset(skp, 0x11, sizeof(skp));
	for (i = 0; i < sizeof(psk_kats) / sizeof(psk_kats[0]); i++) {
		const struct psk_kat *t = &psk_kats[i];

		n = unhex(t->auth, want, sizeof(want));
		assert_int_equal(ikev2_psk_auth(t->prf, (const uint8_t *)psk,
		    strlen(psk), msg, sizeof(msg), nonce, sizeof(nonce), skp,
		    t->sk_p_len, id, sizeof(id), out), 0);
		assert_memory_equal(out, want, n);
		assert_int_equal(ikev2_psk_verify(t->prf, (const uint8_t *)psk,
		    strlen(psk), msg, sizeof(msg), nonce, sizeof(nonce), skp,
		    t->sk_p_len, id, sizeof(id), want, n), 0);

		/* a changed bit anywhere, a short AUTH or another PSK fails */
		want[n - 1] ^= 1;
		assert_int_equal(ikev2_psk_verify(t->prf, (const uint8_t *)psk,
		    strlen(psk), msg, sizeof(msg), nonce, sizeof(nonce), skp,
		    t->sk_p_len, id, sizeof(id), want, n), -1);
		want[n - 1] ^= 1;
		assert_int_equal(ikev2_psk_verify(t->prf, (const uint8_t *)psk,
		    strlen(psk), msg, sizeof(msg), nonce, sizeof(nonce), skp,
		    t->sk_p_len, id, sizeof(id), want, n - 1), -1);
		assert_int_equal(ikev2_psk_verify(t->prf, (const uint8_t *)psk,
		    strlen(psk) - 1, msg, sizeof(msg), nonce, sizeof(nonce),
		    skp, t->sk_p_len, id, sizeof(id), want, n), -1);
		msg[50] ^= 1;
		assert_int_equal(ikev2_psk_verify(t->prf, (const uint8_t *)psk,
		    strlen(psk), msg, sizeof(msg), nonce, sizeof(nonce), skp,
		    t->sk_p_len, id, sizeof(id), want, n), -1);
		msg[50] ^= 1;
		assert_int_equal(ikev2_psk_verify(t->prf, (const uint8_t *)psk,
		    strlen(psk), msg, sizeof(msg), nonce, sizeof(nonce), skp,
		    t->sk_p_len, id, sizeof(id) - 1, want, n), -1);
	}
	assert_int_equal(ikev2_psk_auth(3, (const uint8_t *)psk, 4, msg, 1,
	    nonce, 1, skp, 1, id, 1, out), -1);
	assert_int_equal(ikev2_psk_verify(3, (const uint8_t *)psk, 4, msg, 1,
	    nonce, 1, skp, 1, id, 1, out, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cavp_ike_sa),
		cmocka_unit_test(test_cavp_child_and_rekey),
		cmocka_unit_test(test_prf_plus_sha2),
		cmocka_unit_test(test_prf_plus_limit),
		cmocka_unit_test(test_key_lengths),
		cmocka_unit_test(test_psk_auth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
