/* IKEv1 key schedule and hashes (RFC 2409 §5, appendix B). */
#include "config.h"

#include <string.h>

#include "common/log.h"
#include "keying/ikev1_const.h"
#include "keying/ikev1_keys.h"

uint16_t
ikev1_prf_of(uint16_t hash)
{
	switch (hash) {
	case IKEV1_HASH_MD5:		return IKEV2_PRF_HMAC_MD5;
	case IKEV1_HASH_SHA1:		return IKEV2_PRF_HMAC_SHA1;
	case IKEV1_HASH_SHA2_256:	return IKEV2_PRF_HMAC_SHA2_256;
	case IKEV1_HASH_SHA2_384:	return IKEV2_PRF_HMAC_SHA2_384;
	case IKEV1_HASH_SHA2_512:	return IKEV2_PRF_HMAC_SHA2_512;
	}
	return 0;
}

uint16_t
ikev1_encr_of(uint16_t encr)
{
	switch (encr) {
	case IKEV1_ENCR_3DES:	return IKEV2_ENCR_3DES;
	case IKEV1_ENCR_AES:	return IKEV2_ENCR_AES_CBC;
	}
	return 0;
}

uint16_t
ikev1_hash_from_prf(uint16_t prf)
{
	static const uint16_t hashes[] = { IKEV1_HASH_MD5, IKEV1_HASH_SHA1,
	    IKEV1_HASH_SHA2_256, IKEV1_HASH_SHA2_384, IKEV1_HASH_SHA2_512 };
	size_t i;

	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (ikev1_prf_of(hashes[i]) == prf)
			return hashes[i];
	return 0;
}

uint16_t
ikev1_encr_from(uint16_t encr)
{
	switch (encr) {
	case IKEV2_ENCR_3DES:		return IKEV1_ENCR_3DES;
	case IKEV2_ENCR_AES_CBC:	return IKEV1_ENCR_AES;
	}
	return 0;
}

int
ikev1_keys_init(struct ikev1_keys *k, uint16_t prf, uint16_t encr,
    uint16_t keylen)
{
	memset(k, 0, sizeof(*k));
	if (encr == IKEV2_ENCR_AES_CBC && keylen == 0)
		keylen = 128;	/* RFC 3602 §5: AES in IKEv1 defaults to 128 */
	if (!crypto_supported(CRYPTO_PRF, prf, 0) ||
	    (encr != IKEV2_ENCR_AES_CBC && encr != IKEV2_ENCR_3DES) ||
	    !crypto_supported(CRYPTO_ENCR, encr, keylen))
		return -1;
	k->prf = prf;
	k->encr = encr;
	k->keylen = keylen;
	k->prf_len = crypto_prf_len(prf);
	k->block = crypto_encr_blocksize(encr);
	k->ka_len = crypto_encr_keylen(encr, keylen);
	return 0;
}

void
ikev1_keys_wipe(struct ikev1_keys *k)
{
	wipe(k, sizeof(*k));
}

/* prf(key, data | g^xy | CKY-I | CKY-R | n), data optional (SKEYID_a/_e
 * chain in the previous key). */
static int
skeyid_x(const struct ikev1_keys *k, const uint8_t *prev,
    const uint8_t *gxy, size_t gxy_len, const uint8_t cky[16], uint8_t n,
    uint8_t *out)
{
	struct crypto_iov iov[4] = {
		{ prev, prev ? k->prf_len : 0 }, { gxy, gxy_len },
		{ cky, 16 }, { &n, 1 },
	};

	return crypto_prf_iov(k->prf, k->skeyid, k->prf_len, iov, 4, out);
}

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int
ikev1_keys_psk(struct ikev1_keys *k, const void *psk, size_t psk_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t *gxy, size_t gxy_len, const uint8_t *gxi, size_t gxi_len,
    const uint8_t *gxr, size_t gxr_len, uint64_t icookie, uint64_t rcookie)
{
	struct crypto_iov nonces[2] = { { ni, ni_len }, { nr, nr_len } };
	struct crypto_iov gx[2] = { { gxi, gxi_len }, { gxr, gxr_len } };
	uint8_t cky[16], kn[CRYPTO_MAX_PRF_LEN], h[CRYPTO_MAX_PRF_LEN];
	size_t have, n;

	put64(cky, icookie);
	put64(cky + 8, rcookie);
	if (crypto_prf_iov(k->prf, psk, psk_len, nonces, 2, k->skeyid) == -1 ||
	    skeyid_x(k, NULL, gxy, gxy_len, cky, 0, k->skeyid_d) == -1 ||
	    skeyid_x(k, k->skeyid_d, gxy, gxy_len, cky, 1, k->skeyid_a) == -1 ||
	    skeyid_x(k, k->skeyid_a, gxy, gxy_len, cky, 2, k->skeyid_e) == -1)
		return -1;
	/* Appendix B: a key longer than SKEYID_e is K1 | K2 | ... with
	 * K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1). */
	if (k->ka_len <= k->prf_len)
		memcpy(k->ka, k->skeyid_e, k->ka_len);
	else {
		kn[0] = 0;
		n = 1;
		for (have = 0; have < k->ka_len; have += k->prf_len) {
			if (crypto_prf(k->prf, k->skeyid_e, k->prf_len, kn, n,
			    kn) == -1) {
				wipe(kn, sizeof(kn));
				return -1;
			}
			n = k->prf_len;
			memcpy(k->ka + have, kn, k->ka_len - have < n ?
			    k->ka_len - have : n);
		}
		wipe(kn, sizeof(kn));
	}
	if (crypto_hash_iov(k->prf, gx, 2, h) == -1)
		return -1;
	memcpy(k->iv, h, k->block);
	return 0;
}

int
ikev1_hash_p1(const struct ikev1_keys *k, const uint8_t *gx_a,
    size_t gx_a_len, const uint8_t *gx_b, size_t gx_b_len, uint64_t cky_a,
    uint64_t cky_b, const uint8_t *sai_b, size_t sai_len,
    const uint8_t *id_b, size_t id_len, uint8_t *out)
{
	uint8_t cky[16];
	struct crypto_iov iov[5] = {
		{ gx_a, gx_a_len }, { gx_b, gx_b_len }, { cky, 16 },
		{ sai_b, sai_len }, { id_b, id_len },
	};

	put64(cky, cky_a);
	put64(cky + 8, cky_b);
	return crypto_prf_iov(k->prf, k->skeyid, k->prf_len, iov, 5, out);
}

int
ikev1_hash_qm(const struct ikev1_keys *k, int which, uint32_t msgid,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	uint8_t zero = 0, mid[4];
	struct crypto_iov iov[5];
	int n = 0;

	mid[0] = (uint8_t)(msgid >> 24);
	mid[1] = (uint8_t)(msgid >> 16);
	mid[2] = (uint8_t)(msgid >> 8);
	mid[3] = (uint8_t)msgid;
	if (which == 3)
		iov[n++] = (struct crypto_iov){ &zero, 1 };
	iov[n++] = (struct crypto_iov){ mid, 4 };
	if (which >= 2)
		iov[n++] = (struct crypto_iov){ ni, ni_len };
	if (which == 3)
		iov[n++] = (struct crypto_iov){ nr, nr_len };
	else
		iov[n++] = (struct crypto_iov){ rest, rest_len };
	if (which < 1 || which > 3)
		return -1;
	return crypto_prf_iov(k->prf, k->skeyid_a, k->prf_len, iov, n, out);
}

int
ikev1_hash_qm_verify(const struct ikev1_keys *k, int which, uint32_t msgid,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t *rest, size_t rest_len, const uint8_t *got)
{
	uint8_t want[CRYPTO_MAX_PRF_LEN];

	if (ikev1_hash_qm(k, which, msgid, ni, ni_len, nr, nr_len, rest,
	    rest_len, want) == -1)
		return -1;
	return ct_memcmp(want, got, k->prf_len) != 0 ? -1 : 0;
}

int
ikev1_iv_exchange(const struct ikev1_keys *k, uint32_t msgid, uint8_t *iv)
{
	uint8_t h[CRYPTO_MAX_PRF_LEN], mid[4];
	struct crypto_iov iov[2] = { { k->iv, k->block }, { mid, 4 } };

	mid[0] = (uint8_t)(msgid >> 24);
	mid[1] = (uint8_t)(msgid >> 16);
	mid[2] = (uint8_t)(msgid >> 8);
	mid[3] = (uint8_t)msgid;
	if (crypto_hash_iov(k->prf, iov, 2, h) == -1)
		return -1;
	memcpy(iv, h, k->block);
	return 0;
}

int
ikev1_keymat(const struct ikev1_keys *k, const uint8_t *gxy, size_t gxy_len,
    uint8_t proto, uint32_t spi, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, uint8_t *out, size_t len)
{
	uint8_t kn[CRYPTO_MAX_PRF_LEN], sp[4];
	struct crypto_iov iov[6] = {
		{ kn, 0 }, { gxy, gxy ? gxy_len : 0 }, { &proto, 1 },
		{ sp, 4 }, { ni, ni_len }, { nr, nr_len },
	};
	size_t have;

	sp[0] = (uint8_t)(spi >> 24);
	sp[1] = (uint8_t)(spi >> 16);
	sp[2] = (uint8_t)(spi >> 8);
	sp[3] = (uint8_t)spi;
	for (have = 0; have < len; have += k->prf_len) {
		if (crypto_prf_iov(k->prf, k->skeyid_d, k->prf_len, iov, 6,
		    kn) == -1) {
			wipe(kn, sizeof(kn));
			return -1;
		}
		iov[0].len = k->prf_len;	/* Kn chains in Kn-1 */
		memcpy(out + have, kn, len - have < k->prf_len ?
		    len - have : k->prf_len);
	}
	wipe(kn, sizeof(kn));
	return 0;
}

int
ikev1_encrypt(const struct ikev1_keys *k, uint8_t *iv, const uint8_t *plain,
    size_t len, struct buf *out)
{
	size_t pad = k->block - len % k->block, start = out->len;

	/* pad with zeros; the last byte says how many were added */
	if (buf_put(out, plain, len) == -1 || buf_put_zero(out, pad) == -1)
		return -1;
	out->data[out->len - 1] = (uint8_t)(pad - 1);
	if (crypto_cbc(k->encr, 1, k->ka, k->ka_len, iv, out->data + start,
	    len + pad, out->data + start) == -1)
		return -1;
	memcpy(iv, out->data + out->len - k->block, k->block);
	return 0;
}

int
ikev1_decrypt(const struct ikev1_keys *k, uint8_t *iv, const uint8_t *cipher,
    size_t len, struct buf *out)
{
	uint8_t next[CRYPTO_MAX_BLOCK];
	size_t start = out->len;

	if (len == 0 || len % k->block != 0) {
		log_warnx("IKEv1: encrypted body of %zu bytes is not whole "
		    "%zu-byte blocks", len, k->block);
		return -1;
	}
	memcpy(next, cipher + len - k->block, k->block);
	if (buf_reserve(out, len) == -1 ||
	    crypto_cbc(k->encr, 0, k->ka, k->ka_len, iv, cipher, len,
	    out->data + start) == -1)
		return -1;
	out->len = start + len;
	memcpy(iv, next, k->block);
	return 0;
}
