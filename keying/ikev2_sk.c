/* Encrypted (SK) and Encrypted Fragment (SKF) payloads: RFC 7296 §3.14,
 * RFC 5282 (AES-GCM in IKEv2), RFC 7383 §2.5. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev2_sk.h"

#define IKEV2_LEN_OFF	24	/* Length field of the IKE header */
#define SK_MAX_PAYLOAD	65535

/* Keys a message from this sender uses. */
struct sk_dir {
	const uint8_t	*ek, *ak;
	size_t		 elen, alen;
	size_t		 bs, ivlen, icvlen;
	int		 aead;
};

static int
sk_dir(const struct ikev2_sa_keys *k, int from_initiator, struct sk_dir *d)
{
	d->aead = alg_encr_is_aead(k->encr);
	d->ek = from_initiator ? k->sk_ei : k->sk_er;
	d->ak = from_initiator ? k->sk_ai : k->sk_ar;
	d->elen = k->encr_len;
	d->alen = k->integ_len;
	d->bs = crypto_encr_blocksize(k->encr);
	d->ivlen = crypto_encr_ivlen(k->encr);
	d->icvlen = d->aead ? crypto_encr_icvlen(k->encr) :
	    crypto_integ_icvlen(k->integ);
	if (d->bs == 0 || d->ivlen == 0 || d->icvlen == 0 || d->elen == 0 ||
	    (!d->aead && d->alen == 0))
		return -1;
	return 0;
}

/* Payloads, padding and the Pad Length byte, rounded up to the block. */
static size_t
padded_len(size_t plain_len, size_t bs)
{
	return (plain_len + 1 + bs - 1) / bs * bs;
}

size_t
ikev2_sk_overhead(const struct ikev2_sa_keys *k, size_t plain_len)
{
	struct sk_dir d;

	if (sk_dir(k, 1, &d) < 0)
		return 0;
	return d.ivlen + padded_len(plain_len, d.bs) + d.icvlen;
}

int
ikev2_sk_encrypt(const struct ikev2_sa_keys *k, int from_initiator,
    struct buf *msg, size_t sk_off, const uint8_t *plain, size_t plain_len)
{
	struct sk_dir d;
	struct crypto_iov iov;
	size_t hdr_end = msg->len, ct_len, body, iv_off, ct_off, icv_off;
	uint8_t *ct = NULL;
	int rc = -1;

	if (sk_dir(k, from_initiator, &d) < 0) {
		log_err("%s: no usable keys (encr %u, integ %u)", __func__,
		    k->encr, k->integ);
		return -1;
	}
	if (sk_off < IKEV2_HDR_LEN || hdr_end < sk_off + IKEV2_SK_HDR_LEN ||
	    plain_len > SK_MAX_PAYLOAD) {
		log_err("%s: bad message layout", __func__);
		return -1;
	}
	ct_len = padded_len(plain_len, d.bs);
	body = d.ivlen + ct_len + d.icvlen;
	if (hdr_end - sk_off + body > SK_MAX_PAYLOAD) {
		log_err("%s: %zu bytes do not fit an Encrypted payload",
		    __func__, plain_len);
		return -1;
	}
	/* the cleartext is assembled in a secret scratch area first */
	if ((ct = calloc(1, ct_len)) == NULL)
		return -1;
	if (plain_len)
		memcpy(ct, plain, plain_len);
	ct[ct_len - 1] = (uint8_t)(ct_len - plain_len - 1);

	iv_off = hdr_end;
	ct_off = iv_off + d.ivlen;
	icv_off = ct_off + ct_len;
	if (buf_put_zero(msg, body) < 0)
		goto out;
	if (crypto_random(msg->data + iv_off, d.ivlen) < 0)
		goto out;
	/* lengths first: both are covered by the ICV / AAD */
	buf_set_u16(msg, sk_off + 2, (uint16_t)(msg->len - sk_off));
	buf_set_u32(msg, IKEV2_LEN_OFF, (uint32_t)msg->len);
	if (d.aead) {
		if (crypto_aead_seal(k->encr, d.ek, d.elen, msg->data + iv_off,
		    msg->data, hdr_end, ct, ct_len, msg->data + ct_off,
		    msg->data + icv_off) < 0)
			goto out;
	} else {
		if (crypto_cbc(k->encr, 1, d.ek, d.elen, msg->data + iv_off, ct,
		    ct_len, msg->data + ct_off) < 0)
			goto out;
		iov.p = msg->data;
		iov.len = icv_off;
		if (crypto_integ(k->integ, d.ak, d.alen, &iov, 1,
		    msg->data + icv_off) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0 && msg->len >= hdr_end + body)
		msg->len = hdr_end;	/* leave the caller's header untouched */
	wipe(ct, ct_len);
	free(ct);
	return rc;
}

int
ikev2_sk_decrypt(const struct ikev2_sa_keys *k, int from_initiator,
    const uint8_t *msg, size_t msg_len, size_t sk_off, size_t hdr_len,
    struct buf *plain)
{
	struct sk_dir d;
	struct crypto_iov iov;
	const uint8_t *iv, *ct, *icv;
	size_t body_off, body_len, ct_len, plen, padlen;
	uint8_t *out;

	if (sk_dir(k, from_initiator, &d) < 0) {
		log_err("%s: no usable keys (encr %u, integ %u)", __func__,
		    k->encr, k->integ);
		return IKEV2_SK_EMALFORMED;
	}
	if ((hdr_len != IKEV2_SK_HDR_LEN && hdr_len != IKEV2_SKF_HDR_LEN) ||
	    sk_off < IKEV2_HDR_LEN || msg_len < sk_off ||
	    msg_len - sk_off < hdr_len)
		return IKEV2_SK_EMALFORMED;
	plen = (size_t)msg[sk_off + 2] << 8 | msg[sk_off + 3];
	if (plen != msg_len - sk_off)
		return IKEV2_SK_EMALFORMED;
	body_off = sk_off + hdr_len;
	body_len = msg_len - body_off;
	if (body_len < d.ivlen + d.icvlen + 1)
		return IKEV2_SK_EMALFORMED;
	ct_len = body_len - d.ivlen - d.icvlen;
	if (ct_len % d.bs)
		return IKEV2_SK_EMALFORMED;
	iv = msg + body_off;
	ct = iv + d.ivlen;
	icv = ct + ct_len;
	if (buf_reserve(plain, ct_len) < 0)
		return IKEV2_SK_EMALFORMED;
	out = plain->data + plain->len;

	if (d.aead) {
		if (crypto_aead_open(k->encr, d.ek, d.elen, iv, msg, body_off,
		    ct, ct_len, icv, out) < 0)
			return IKEV2_SK_EINTEG;
	} else {
		/* integrity before any decryption (no padding oracle) */
		iov.p = msg;
		iov.len = msg_len - d.icvlen;
		if (crypto_integ_verify(k->integ, d.ak, d.alen, &iov, 1, icv) < 0)
			return IKEV2_SK_EINTEG;
		if (crypto_cbc(k->encr, 0, d.ek, d.elen, iv, ct, ct_len, out) < 0) {
			wipe(out, ct_len);
			return IKEV2_SK_EMALFORMED;
		}
	}
	padlen = out[ct_len - 1];
	if (padlen + 1 > ct_len) {
		wipe(out, ct_len);
		return IKEV2_SK_EMALFORMED;
	}
	/* the padding bytes stay beyond len; wipe them there */
	wipe(out + ct_len - padlen - 1, padlen + 1);
	plain->len += ct_len - padlen - 1;
	return 0;
}
