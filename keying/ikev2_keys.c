/* IKEv2 key derivation (RFC 7296 §2.13-2.18) and PSK AUTH (§2.15). */
#include "config.h"

#include <string.h>

#include "common/log.h"
#include "keying/ikev2_keys.h"

#define PRF_PLUS_MAX_BLOCKS	255

/* Takes the next len bytes of derived key material. */
static void
take(uint8_t *dst, const uint8_t *km, size_t *off, size_t len)
{
	memcpy(dst, km + *off, len);
	*off += len;
}

static void
put_spi(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

/* T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
int
ikev2_prf_plus(uint16_t prf, const uint8_t *key, size_t keylen,
    const uint8_t *seed, size_t seedlen, uint8_t *out, size_t outlen)
{
	uint8_t t[CRYPTO_MAX_PRF_LEN];
	struct crypto_iov iov[3];
	size_t hlen = crypto_prf_len(prf), done = 0, n;
	uint8_t ctr = 1;
	int rc = -1;

	if (hlen == 0 || outlen > hlen * PRF_PLUS_MAX_BLOCKS) {
		log_err("%s: PRF %u cannot give %zu bytes", __func__, prf, outlen);
		return -1;
	}
	while (done < outlen) {
		iov[0].p = t;
		iov[0].len = done ? hlen : 0;
		iov[1].p = seed;
		iov[1].len = seedlen;
		iov[2].p = &ctr;
		iov[2].len = 1;
		if (crypto_prf_iov(prf, key, keylen, iov, 3, t) < 0)
			goto out;
		n = outlen - done < hlen ? outlen - done : hlen;
		memcpy(out + done, t, n);
		done += n;
		ctr++;
	}
	rc = 0;
out:
	wipe(t, sizeof(t));
	if (rc < 0)
		wipe(out, outlen);
	return rc;
}

int
ikev2_skeyseed(uint16_t prf, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, const uint8_t *gir, size_t gir_len,
    uint8_t *out)
{
	uint8_t key[2 * 256];	/* nonces are at most 256 bytes (§3.9) */
	int rc;

	if (ni_len > 256 || nr_len > 256) {
		log_err("%s: nonce too long", __func__);
		return -1;
	}
	memcpy(key, ni, ni_len);
	memcpy(key + ni_len, nr, nr_len);
	rc = crypto_prf(prf, key, ni_len + nr_len, gir, gir_len, out);
	wipe(key, ni_len + nr_len);
	return rc;
}

int
ikev2_skeyseed_rekey(const struct ikev2_sa_keys *old,
    const uint8_t *gir, size_t gir_len, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, uint8_t *out)
{
	struct crypto_iov iov[3] = {
		{ gir, gir_len }, { ni, ni_len }, { nr, nr_len }
	};

	return crypto_prf_iov(old->prf, old->sk_d, old->prf_len, iov, 3, out);
}

int
ikev2_ike_keys(struct ikev2_sa_keys *k, const struct st_algs *algs,
    const uint8_t *skeyseed, size_t skeyseed_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    uint64_t spi_i, uint64_t spi_r)
{
	uint8_t seed[2 * 256 + 16];
	uint8_t km[3 * CRYPTO_MAX_PRF_LEN + 2 * CRYPTO_MAX_INTEG_KEY +
	    2 * CRYPTO_MAX_ENCR_KEYMAT];
	size_t plen, alen, elen, total, off = 0, slen = ni_len + nr_len + 16;
	int aead, rc = -1;

	memset(k, 0, sizeof(*k));
	aead = alg_encr_is_aead(algs->encr);
	plen = crypto_prf_len(algs->prf);
	elen = crypto_encr_keymat_len(algs->encr, algs->encr_keylen);
	alen = aead ? 0 : crypto_integ_keylen(algs->integ);
	if (plen == 0 || elen == 0 || (!aead && alen == 0) ||
	    (aead && algs->integ != IKEV2_INTEG_NONE)) {
		log_err("%s: unusable IKE transforms encr %u/%u prf %u integ %u",
		    __func__, algs->encr, algs->encr_keylen, algs->prf,
		    algs->integ);
		return -1;
	}
	if (ni_len > 256 || nr_len > 256) {
		log_err("%s: nonce too long", __func__);
		return -1;
	}
	memcpy(seed, ni, ni_len);
	memcpy(seed + ni_len, nr, nr_len);
	put_spi(seed + ni_len + nr_len, spi_i);
	put_spi(seed + ni_len + nr_len + 8, spi_r);
	total = 3 * plen + 2 * alen + 2 * elen;
	if (ikev2_prf_plus(algs->prf, skeyseed, skeyseed_len, seed, slen,
	    km, total) < 0)
		goto out;
	k->encr = algs->encr;
	k->encr_keylen = algs->encr_keylen;
	k->prf = algs->prf;
	k->integ = aead ? IKEV2_INTEG_NONE : algs->integ;
	k->prf_len = plen;
	k->integ_len = alen;
	k->encr_len = elen;
	take(k->sk_d, km, &off, plen);
	take(k->sk_ai, km, &off, alen);
	take(k->sk_ar, km, &off, alen);
	take(k->sk_ei, km, &off, elen);
	take(k->sk_er, km, &off, elen);
	take(k->sk_pi, km, &off, plen);
	take(k->sk_pr, km, &off, plen);
	rc = 0;
out:
	wipe(seed, sizeof(seed));
	wipe(km, sizeof(km));
	return rc;
}

int
ikev2_ike_keys_derive(struct ikev2_sa_keys *k, const struct st_algs *algs,
    const struct ikev2_sa_keys *old, const uint8_t *gir, size_t gir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    uint64_t spi_i, uint64_t spi_r)
{
	uint8_t skeyseed[CRYPTO_MAX_PRF_LEN];
	size_t slen;
	int rc = -1;

	if (old) {
		slen = old->prf_len;
		if (ikev2_skeyseed_rekey(old, gir, gir_len, ni, ni_len, nr,
		    nr_len, skeyseed) < 0)
			goto out;
	} else {
		slen = crypto_prf_len(algs->prf);
		if (ikev2_skeyseed(algs->prf, ni, ni_len, nr, nr_len, gir,
		    gir_len, skeyseed) < 0)
			goto out;
	}
	rc = ikev2_ike_keys(k, algs, skeyseed, slen, ni, ni_len, nr, nr_len,
	    spi_i, spi_r);
out:
	wipe(skeyseed, sizeof(skeyseed));
	return rc;
}

void
ikev2_sa_keys_wipe(struct ikev2_sa_keys *k)
{
	wipe(k, sizeof(*k));
}

int
ikev2_child_keys(struct ikev2_child_keys *ck, const struct st_algs *algs,
    const struct ikev2_sa_keys *ike, const uint8_t *gir, size_t gir_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len)
{
	uint8_t seed[CRYPTO_MAX_DH_PUB + 2 * 256];
	uint8_t km[2 * (CRYPTO_MAX_ENCR_KEYMAT + CRYPTO_MAX_INTEG_KEY)];
	size_t elen, alen, slen, off = 0;
	int aead, rc = -1;

	memset(ck, 0, sizeof(*ck));
	aead = alg_encr_is_aead(algs->encr);
	elen = crypto_encr_keymat_len(algs->encr, algs->encr_keylen);
	alen = crypto_integ_keylen(algs->integ);
	if ((elen == 0 && algs->encr != IKEV2_ENCR_NULL) ||
	    !crypto_supported(CRYPTO_ENCR, algs->encr, algs->encr_keylen) ||
	    (aead && algs->integ != IKEV2_INTEG_NONE) ||
	    (!aead && alen == 0)) {
		log_err("%s: unusable ESP transforms encr %u/%u integ %u",
		    __func__, algs->encr, algs->encr_keylen, algs->integ);
		return -1;
	}
	if (gir_len > CRYPTO_MAX_DH_PUB || ni_len > 256 || nr_len > 256) {
		log_err("%s: DH secret or nonce too long", __func__);
		return -1;
	}
	slen = gir_len + ni_len + nr_len;
	if (gir_len)
		memcpy(seed, gir, gir_len);
	memcpy(seed + gir_len, ni, ni_len);
	memcpy(seed + gir_len + ni_len, nr, nr_len);
	if (ikev2_prf_plus(ike->prf, ike->sk_d, ike->prf_len, seed, slen, km,
	    2 * (elen + alen)) < 0)
		goto out;
	ck->encr = algs->encr;
	ck->encr_keylen = algs->encr_keylen;
	ck->integ = algs->integ;
	ck->encr_len = elen;
	ck->integ_len = alen;
	take(ck->encr_i, km, &off, elen);
	take(ck->integ_i, km, &off, alen);
	take(ck->encr_r, km, &off, elen);
	take(ck->integ_r, km, &off, alen);
	rc = 0;
out:
	wipe(seed, sizeof(seed));
	wipe(km, sizeof(km));
	return rc;
}

void
ikev2_child_keys_wipe(struct ikev2_child_keys *ck)
{
	wipe(ck, sizeof(*ck));
}

int
ikev2_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len,
    const uint8_t *msg, size_t msg_len, const uint8_t *nonce, size_t nonce_len,
    const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id, size_t id_len,
    uint8_t *out)
{
	static const char pad[] = "Key Pad for IKEv2";	/* 17 octets, no NUL */
	uint8_t macid[CRYPTO_MAX_PRF_LEN], kpad[CRYPTO_MAX_PRF_LEN];
	size_t plen = crypto_prf_len(prf);
	struct crypto_iov iov[3] = {
		{ msg, msg_len }, { nonce, nonce_len }, { macid, plen }
	};
	int rc = -1;

	if (plen == 0) {
		log_err("%s: unsupported PRF %u", __func__, prf);
		return -1;
	}
	if (crypto_prf(prf, sk_p, sk_p_len, id, id_len, macid) < 0 ||
	    crypto_prf(prf, psk, psk_len, pad, sizeof(pad) - 1, kpad) < 0 ||
	    crypto_prf_iov(prf, kpad, plen, iov, 3, out) < 0)
		goto out;
	rc = 0;
out:
	wipe(macid, sizeof(macid));
	wipe(kpad, sizeof(kpad));
	return rc;
}

int
ikev2_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len,
    const uint8_t *msg, size_t msg_len, const uint8_t *nonce, size_t nonce_len,
    const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id, size_t id_len,
    const uint8_t *auth, size_t auth_len)
{
	uint8_t calc[CRYPTO_MAX_PRF_LEN];
	int rc = -1;

	/* the length is public (it follows from the negotiated PRF) */
	if (auth_len != crypto_prf_len(prf) || auth_len == 0)
		return -1;
	if (ikev2_psk_auth(prf, psk, psk_len, msg, msg_len, nonce, nonce_len,
	    sk_p, sk_p_len, id, id_len, calc) < 0)
		goto out;
	rc = ct_memcmp(calc, auth, auth_len) == 0 ? 0 : -1;
out:
	wipe(calc, sizeof(calc));
	return rc;
}
