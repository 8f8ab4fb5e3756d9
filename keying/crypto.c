/* Transform properties, random bytes, HMAC PRF/integrity and the ciphers
 * (CBC and GCM) over OpenSSL 3 EVP. */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "keying/crypto.h"

#define GCM_SALT_LEN	4
#define GCM_IV_LEN	8
#define GCM_ICV_LEN	16

/* HMAC digest per PRF / integrity transform. */
struct mac_alg {
	uint16_t	 id;
	const char	*digest;	/* OpenSSL name */
	size_t		 outlen;	/* full HMAC output = key length */
	size_t		 icvlen;	/* truncation (integrity only) */
	const char	*name;
};

static const struct mac_alg prf_algs[] = {
	{ IKEV2_PRF_HMAC_MD5, "MD5", 16, 0, "hmac-md5" },
	{ IKEV2_PRF_HMAC_SHA1, "SHA1", 20, 0, "hmac-sha1" },
	{ IKEV2_PRF_HMAC_SHA2_256, "SHA2-256", 32, 0, "hmac-sha256" },
	{ IKEV2_PRF_HMAC_SHA2_384, "SHA2-384", 48, 0, "hmac-sha384" },
	{ IKEV2_PRF_HMAC_SHA2_512, "SHA2-512", 64, 0, "hmac-sha512" },
};

static const struct mac_alg integ_algs[] = {
	{ IKEV2_INTEG_HMAC_MD5_96, "MD5", 16, 12, "hmac-md5-96" },
	{ IKEV2_INTEG_HMAC_SHA1_96, "SHA1", 20, 12, "hmac-sha1-96" },
	{ IKEV2_INTEG_HMAC_SHA2_256_128, "SHA2-256", 32, 16, "hmac-sha256-128" },
	{ IKEV2_INTEG_HMAC_SHA2_384_192, "SHA2-384", 48, 24, "hmac-sha384-192" },
	{ IKEV2_INTEG_HMAC_SHA2_512_256, "SHA2-512", 64, 32, "hmac-sha512-256" },
};

static const struct dh_name {
	uint16_t	 id;
	size_t		 publen;
	const char	*name;
} dh_names[] = {
	{ IKEV2_DH_MODP1024, 128, "modp1024" },
	{ IKEV2_DH_MODP1536, 192, "modp1536" },
	{ IKEV2_DH_MODP2048, 256, "modp2048" },
	{ IKEV2_DH_MODP3072, 384, "modp3072" },
	{ IKEV2_DH_MODP4096, 512, "modp4096" },
	{ IKEV2_DH_ECP256, 64, "ecp256" },
	{ IKEV2_DH_ECP384, 96, "ecp384" },
	{ IKEV2_DH_ECP521, 132, "ecp521" },
	{ IKEV2_DH_CURVE25519, 32, "curve25519" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct mac_alg *
mac_lookup(const struct mac_alg *tab, size_t n, uint16_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].id == id)
			return &tab[i];
	return NULL;
}

static const struct mac_alg *
prf_alg(uint16_t id)
{
	return mac_lookup(prf_algs, NELEM(prf_algs), id);
}

static const struct mac_alg *
integ_alg(uint16_t id)
{
	return mac_lookup(integ_algs, NELEM(integ_algs), id);
}

static const struct dh_name *
dh_lookup(uint16_t id)
{
	size_t i;

	for (i = 0; i < NELEM(dh_names); i++)
		if (dh_names[i].id == id)
			return &dh_names[i];
	return NULL;
}

size_t
crypto_encr_keylen(uint16_t encr, uint16_t keylen)
{
	switch (encr) {
	case IKEV2_ENCR_3DES:
		return keylen == 0 || keylen == 192 ? 24 : 0;
	case IKEV2_ENCR_AES_CBC:
		return keylen == 128 || keylen == 192 || keylen == 256 ?
		    keylen / 8 : 0;
	case IKEV2_ENCR_AES_GCM_16:
		return keylen == 128 || keylen == 256 ? keylen / 8 : 0;
	}
	return 0;
}

size_t
crypto_encr_saltlen(uint16_t encr)
{
	return encr == IKEV2_ENCR_AES_GCM_16 ? GCM_SALT_LEN : 0;
}

size_t
crypto_encr_keymat_len(uint16_t encr, uint16_t keylen)
{
	size_t k = crypto_encr_keylen(encr, keylen);

	return k ? k + crypto_encr_saltlen(encr) : 0;
}

size_t
crypto_encr_blocksize(uint16_t encr)
{
	switch (encr) {
	case IKEV2_ENCR_3DES:
		return 8;
	case IKEV2_ENCR_AES_CBC:
		return 16;
	case IKEV2_ENCR_AES_GCM_16:
	case IKEV2_ENCR_NULL:
		return 1;
	}
	return 0;
}

size_t
crypto_encr_ivlen(uint16_t encr)
{
	switch (encr) {
	case IKEV2_ENCR_3DES:
		return 8;
	case IKEV2_ENCR_AES_CBC:
		return 16;
	case IKEV2_ENCR_AES_GCM_16:
		return GCM_IV_LEN;
	}
	return 0;
}

size_t
crypto_encr_icvlen(uint16_t encr)
{
	return encr == IKEV2_ENCR_AES_GCM_16 ? GCM_ICV_LEN : 0;
}

size_t
crypto_prf_len(uint16_t prf)
{
	const struct mac_alg *a = prf_alg(prf);

	return a ? a->outlen : 0;
}

size_t
crypto_integ_keylen(uint16_t integ)
{
	const struct mac_alg *a = integ_alg(integ);

	return a ? a->outlen : 0;
}

size_t
crypto_integ_icvlen(uint16_t integ)
{
	const struct mac_alg *a = integ_alg(integ);

	return a ? a->icvlen : 0;
}

size_t
crypto_dh_publen(uint16_t group)
{
	const struct dh_name *d = dh_lookup(group);

	return d ? d->publen : 0;
}

int
crypto_supported(int kind, uint16_t id, uint16_t keylen)
{
	switch (kind) {
	case CRYPTO_ENCR:
		if (id == IKEV2_ENCR_NULL)
			return keylen == 0;
		return crypto_encr_keylen(id, keylen) != 0;
	case CRYPTO_PRF:
		return keylen == 0 && prf_alg(id) != NULL;
	case CRYPTO_INTEG:
		return keylen == 0 && integ_alg(id) != NULL;
	case CRYPTO_DH:
		return keylen == 0 && dh_lookup(id) != NULL;
	}
	return 0;
}

const char *
crypto_name(int kind, uint16_t id)
{
	const struct mac_alg *m = NULL;
	const struct dh_name *d;

	switch (kind) {
	case CRYPTO_ENCR:
		switch (id) {
		case IKEV2_ENCR_3DES:
			return "3des";
		case IKEV2_ENCR_NULL:
			return "null";
		case IKEV2_ENCR_AES_CBC:
			return "aes-cbc";
		case IKEV2_ENCR_AES_GCM_16:
			return "aes-gcm-16";
		}
		break;
	case CRYPTO_PRF:
		m = prf_alg(id);
		break;
	case CRYPTO_INTEG:
		m = integ_alg(id);
		break;
	case CRYPTO_DH:
		if ((d = dh_lookup(id)) != NULL)
			return d->name;
		break;
	}
	return m ? m->name : "unknown";
}

int
crypto_random(void *p, size_t len)
{
	if (len > INT32_MAX || RAND_bytes(p, (int)len) != 1) {
		log_err("%s: RAND_bytes failed", __func__);
		return -1;
	}
	return 0;
}

/* One HMAC over the scatter list; out gets the full digest (a->outlen). */
static int
hmac_iov(const struct mac_alg *a, const void *key, size_t keylen,
    const struct crypto_iov *iov, int niov, uint8_t *out)
{
	static const uint8_t nokey;
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen = 0;
	int i, rc = -1;

	/* HMAC with an empty key is legitimate; OpenSSL wants a non-NULL pointer */
	if (key == NULL || keylen == 0) {
		key = &nokey;
		keylen = 0;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)a->digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(ctx, key, keylen, params))
		goto out;
	for (i = 0; i < niov; i++)
		if (iov[i].len && !EVP_MAC_update(ctx, iov[i].p, iov[i].len))
			goto out;
	if (!EVP_MAC_final(ctx, out, &outlen, a->outlen) || outlen != a->outlen)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		log_err("%s: HMAC-%s failed", __func__, a->digest);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int
crypto_prf_iov(uint16_t prf, const void *key, size_t keylen,
    const struct crypto_iov *iov, int niov, uint8_t *out)
{
	const struct mac_alg *a = prf_alg(prf);

	if (a == NULL) {
		log_err("%s: unsupported PRF %u", __func__, prf);
		return -1;
	}
	return hmac_iov(a, key, keylen, iov, niov, out);
}

int
crypto_prf(uint16_t prf, const void *key, size_t keylen,
    const void *data, size_t len, uint8_t *out)
{
	struct crypto_iov iov = { data, len };

	return crypto_prf_iov(prf, key, keylen, &iov, 1, out);
}

int
crypto_hash_iov(uint16_t prf, const struct crypto_iov *iov, int niov,
    uint8_t *out)
{
	const struct mac_alg *a = prf_alg(prf);
	EVP_MD_CTX *ctx = NULL;
	EVP_MD *md = NULL;
	unsigned int outlen = 0;
	int i, rc = -1;

	if (a == NULL) {
		log_err("%s: unsupported PRF %u", __func__, prf);
		return -1;
	}
	if ((md = EVP_MD_fetch(NULL, a->digest, NULL)) == NULL ||
	    (ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(ctx, md, NULL))
		goto out;
	for (i = 0; i < niov; i++)
		if (iov[i].len && !EVP_DigestUpdate(ctx, iov[i].p, iov[i].len))
			goto out;
	if (!EVP_DigestFinal_ex(ctx, out, &outlen) || outlen != a->outlen)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		log_err("%s: %s failed", __func__, a->digest);
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

int
crypto_integ(uint16_t integ, const void *key, size_t keylen,
    const struct crypto_iov *iov, int niov, uint8_t *out)
{
	const struct mac_alg *a = integ_alg(integ);
	uint8_t full[CRYPTO_MAX_PRF_LEN];

	if (a == NULL) {
		log_err("%s: unsupported integrity algorithm %u", __func__, integ);
		return -1;
	}
	if (hmac_iov(a, key, keylen, iov, niov, full) < 0)
		return -1;
	memcpy(out, full, a->icvlen);
	wipe(full, sizeof(full));
	return 0;
}

int
crypto_integ_verify(uint16_t integ, const void *key, size_t keylen,
    const struct crypto_iov *iov, int niov, const uint8_t *icv)
{
	uint8_t calc[CRYPTO_MAX_ICV];
	size_t len = crypto_integ_icvlen(integ);
	int rc;

	if (crypto_integ(integ, key, keylen, iov, niov, calc) < 0)
		return -1;
	rc = ct_memcmp(calc, icv, len) == 0 ? 0 : -1;
	wipe(calc, sizeof(calc));
	return rc;
}

static const char *
cipher_name(uint16_t encr, size_t keylen)
{
	switch (encr) {
	case IKEV2_ENCR_3DES:
		return keylen == 24 ? "DES-EDE3-CBC" : NULL;
	case IKEV2_ENCR_AES_CBC:
		return keylen == 16 ? "AES-128-CBC" : keylen == 24 ?
		    "AES-192-CBC" : keylen == 32 ? "AES-256-CBC" : NULL;
	case IKEV2_ENCR_AES_GCM_16:
		return keylen == 16 ? "AES-128-GCM" : keylen == 32 ?
		    "AES-256-GCM" : NULL;
	}
	return NULL;
}

int
crypto_cbc(uint16_t encr, int enc, const uint8_t *key, size_t keylen,
    const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	const char *name = cipher_name(encr, keylen);
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t bs = crypto_encr_blocksize(encr);
	int outl = 0, fin = 0, rc = -1;

	if (name == NULL || alg_encr_is_aead(encr) || bs < 2 ||
	    len % bs || len > INT32_MAX) {
		log_err("%s: bad cipher %u / key %zu / length %zu", __func__,
		    encr, keylen, len);
		return -1;
	}
	if ((c = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_CipherInit_ex2(ctx, c, key, iv, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, out, &outl, in, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, out + outl, &fin) ||
	    (size_t)(outl + fin) != len) {
		log_err("%s: %s failed", __func__, name);
		goto out;
	}
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rc;
}

/* Shared setup of both GCM directions: cipher, key and 12-byte nonce. */
static EVP_CIPHER_CTX *
gcm_ctx(uint16_t encr, int enc, const uint8_t *keymat, size_t keymat_len,
    const uint8_t *iv, const uint8_t *aad, size_t aad_len)
{
	const char *name;
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t nonce[GCM_SALT_LEN + GCM_IV_LEN];
	size_t keylen;
	int outl, ok = 0;

	if (encr != IKEV2_ENCR_AES_GCM_16 || keymat_len <= GCM_SALT_LEN ||
	    aad_len > INT32_MAX)
		goto out;
	keylen = keymat_len - GCM_SALT_LEN;
	if ((name = cipher_name(encr, keylen)) == NULL)
		goto out;
	memcpy(nonce, keymat + keylen, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, GCM_IV_LEN);
	/* 12 bytes is GCM's default IV length in OpenSSL */
	if ((c = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_CipherInit_ex2(ctx, c, keymat, nonce, enc, NULL))
		goto out;
	if (aad_len && !EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aad_len))
		goto out;
	ok = 1;
out:
	EVP_CIPHER_free(c);
	if (!ok) {
		log_err("%s: AES-GCM setup failed (key material %zu)", __func__,
		    keymat_len);
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

int
crypto_aead_seal(uint16_t encr, const uint8_t *keymat, size_t keymat_len,
    const uint8_t *iv, const uint8_t *aad, size_t aad_len,
    const uint8_t *in, size_t len, uint8_t *out, uint8_t *icv)
{
	EVP_CIPHER_CTX *ctx;
	OSSL_PARAM params[2];
	int outl = 0, fin = 0, rc = -1;

	if (len > INT32_MAX)
		return -1;
	if ((ctx = gcm_ctx(encr, 1, keymat, keymat_len, iv, aad, aad_len)) == NULL)
		return -1;
	if ((len && !EVP_CipherUpdate(ctx, out, &outl, in, (int)len)) ||
	    !EVP_CipherFinal_ex(ctx, out + outl, &fin) ||
	    (size_t)(outl + fin) != len)
		goto out;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    icv, GCM_ICV_LEN);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_CIPHER_CTX_get_params(ctx, params))
		goto out;
	rc = 0;
out:
	if (rc < 0)
		log_err("%s: AES-GCM encryption failed", __func__);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
crypto_aead_open(uint16_t encr, const uint8_t *keymat, size_t keymat_len,
    const uint8_t *iv, const uint8_t *aad, size_t aad_len,
    const uint8_t *in, size_t len, const uint8_t *icv, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	OSSL_PARAM params[2];
	uint8_t tag[GCM_ICV_LEN];
	int outl = 0, fin = 0, rc = -1;

	if (len > INT32_MAX)
		return -1;
	if ((ctx = gcm_ctx(encr, 0, keymat, keymat_len, iv, aad, aad_len)) == NULL)
		return -1;
	memcpy(tag, icv, sizeof(tag));
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    tag, sizeof(tag));
	params[1] = OSSL_PARAM_construct_end();
	if ((len && !EVP_CipherUpdate(ctx, out, &outl, in, (int)len)) ||
	    !EVP_CIPHER_CTX_set_params(ctx, params))
		goto out;
	/* Final is where OpenSSL compares the tag (in constant time) */
	if (!EVP_CipherFinal_ex(ctx, out + outl, &fin) ||
	    (size_t)(outl + fin) != len)
		goto out;
	rc = 0;
out:
	if (rc < 0 && len)
		wipe(out, len);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}
