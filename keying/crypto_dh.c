/* Diffie-Hellman over OpenSSL 3 EVP_PKEY: MODP (RFC 2409/3526), ECP
 * (RFC 5903) and Curve25519 (RFC 8031). Keys are in IKEv2 KE payload form. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "common/log.h"
#include "keying/crypto.h"
#include "keying/crypto_dh_pool.h"

enum dh_kind { DH_MODP, DH_ECP, DH_X25519 };

static const struct dh_group {
	uint16_t	 id;
	enum dh_kind	 kind;
	const char	*ossl;		/* OpenSSL group name, NULL = explicit */
	size_t		 len;		/* prime / coordinate bytes */
} dh_groups[] = {
	{ IKEV2_DH_MODP1024, DH_MODP, NULL, 128 },	/* no OpenSSL name */
	{ IKEV2_DH_MODP1536, DH_MODP, "modp_1536", 192 },
	{ IKEV2_DH_MODP2048, DH_MODP, "modp_2048", 256 },
	{ IKEV2_DH_MODP3072, DH_MODP, "modp_3072", 384 },
	{ IKEV2_DH_MODP4096, DH_MODP, "modp_4096", 512 },
	{ IKEV2_DH_ECP256, DH_ECP, "P-256", 32 },
	{ IKEV2_DH_ECP384, DH_ECP, "P-384", 48 },
	{ IKEV2_DH_ECP521, DH_ECP, "P-521", 66 },
	{ IKEV2_DH_CURVE25519, DH_X25519, NULL, 32 },
};

struct dh {
	const struct dh_group	*g;
	EVP_PKEY		*key;
	BIGNUM			*p;	/* MODP prime, for the peer range check */
};

static const struct dh_group *
group_lookup(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].id == id)
			return &dh_groups[i];
	return NULL;
}

/* Domain parameters (and optionally a public value) as OSSL_PARAMs.
 * MODP-1024 (Oakley group 2) has no OpenSSL name: it is given as p and g = 2. */
static OSSL_PARAM *
group_params(const struct dh *dh, const uint8_t *pub, size_t publen)
{
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params = NULL;
	BIGNUM *g = NULL, *y = NULL;
	int ok = 0;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		return NULL;
	if (dh->g->ossl) {
		if (!OSSL_PARAM_BLD_push_utf8_string(bld,
		    OSSL_PKEY_PARAM_GROUP_NAME, dh->g->ossl, 0))
			goto out;
	} else {
		if ((g = BN_new()) == NULL || !BN_set_word(g, 2) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, dh->p) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g))
			goto out;
	}
	if (pub && dh->g->kind == DH_MODP) {
		if ((y = BN_bin2bn(pub, (int)publen, NULL)) == NULL ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
			goto out;
	} else if (pub && !OSSL_PARAM_BLD_push_octet_string(bld,
	    OSSL_PKEY_PARAM_PUB_KEY, pub, publen))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ok = params != NULL;
out:
	if (!ok)
		params = NULL;
	BN_free(g);
	BN_free(y);
	OSSL_PARAM_BLD_free(bld);
	return params;
}

static EVP_PKEY *
keygen(struct dh *dh)
{
	EVP_PKEY_CTX *ctx = NULL, *pctx = NULL;
	EVP_PKEY *key = NULL, *dom = NULL;
	OSSL_PARAM *params = NULL;

	if (dh->g->kind == DH_X25519) {
		if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL)) ==
		    NULL || EVP_PKEY_keygen_init(ctx) <= 0)
			goto out;
	} else if (dh->g->ossl) {
		if ((params = group_params(dh, NULL, 0)) == NULL ||
		    (ctx = EVP_PKEY_CTX_new_from_name(NULL,
		    dh->g->kind == DH_ECP ? "EC" : "DH", NULL)) == NULL ||
		    EVP_PKEY_keygen_init(ctx) <= 0 ||
		    EVP_PKEY_CTX_set_params(ctx, params) <= 0)
			goto out;
	} else {
		/* explicit parameters: build a domain key, generate from it */
		if ((params = group_params(dh, NULL, 0)) == NULL ||
		    (pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) == NULL ||
		    EVP_PKEY_fromdata_init(pctx) <= 0 ||
		    EVP_PKEY_fromdata(pctx, &dom, EVP_PKEY_KEY_PARAMETERS,
		    params) <= 0 ||
		    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dom, NULL)) == NULL ||
		    EVP_PKEY_keygen_init(ctx) <= 0)
			goto out;
	}
	if (EVP_PKEY_generate(ctx, &key) <= 0)
		key = NULL;
out:
	OSSL_PARAM_free(params);
	EVP_PKEY_free(dom);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* The public value for a given private one: y = g^x mod p, or x*G. */
static int
public_from_private(const struct dh *dh, const BIGNUM *x, uint8_t *pub,
    size_t *publen)
{
	BN_CTX *bnctx = NULL;
	BIGNUM *g = NULL, *y = NULL;
	EC_GROUP *grp = NULL;
	EC_POINT *pt = NULL;
	int ok = 0;

	if ((bnctx = BN_CTX_new()) == NULL)
		goto out;
	if (dh->g->kind == DH_MODP) {
		if ((g = BN_new()) == NULL || !BN_set_word(g, 2) ||
		    (y = BN_new()) == NULL ||
		    !BN_mod_exp(y, g, x, dh->p, bnctx) ||
		    BN_bn2binpad(y, pub, (int)dh->g->len) != (int)dh->g->len)
			goto out;
		*publen = dh->g->len;
	} else {
		if ((grp = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(dh->g->ossl))) ==
		    NULL || (pt = EC_POINT_new(grp)) == NULL ||
		    !EC_POINT_mul(grp, pt, x, NULL, NULL, bnctx) ||
		    (*publen = EC_POINT_point2oct(grp, pt,
		    POINT_CONVERSION_UNCOMPRESSED, pub, *publen, bnctx)) == 0)
			goto out;
	}
	ok = 1;
out:
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_free(g);
	BN_free(y);
	BN_CTX_free(bnctx);
	return ok ? 0 : -1;
}

static EVP_PKEY *
import_private(struct dh *dh, const uint8_t *priv, size_t len)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	OSSL_PARAM *params = NULL, *pp = NULL, *all = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *x = NULL;
	uint8_t pub[1 + 2 * 66];
	size_t publen = sizeof(pub);

	if (dh->g->kind == DH_X25519)
		return EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL,
		    priv, len);
	if ((x = BN_secure_new()) == NULL || !BN_bin2bn(priv, (int)len, x) ||
	    public_from_private(dh, x, pub, &publen) < 0)
		goto out;
	/* MODP public values go in as numbers, EC points as octets */
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
	    (pp = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (params = group_params(dh, pub, publen)) == NULL ||
	    (all = OSSL_PARAM_merge(params, pp)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL,
	    dh->g->kind == DH_ECP ? "EC" : "DH", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, all) <= 0)
		key = NULL;
out:
	OSSL_PARAM_free(all);
	OSSL_PARAM_free(params);
	OSSL_PARAM_free(pp);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(x);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static struct dh *
dh_alloc(uint16_t group, int quiet)
{
	const struct dh_group *g = group_lookup(group);
	struct dh *dh;

	if (g == NULL) {
		if (!quiet)
			log_err("%s: unsupported DH group %u", __func__, group);
		return NULL;
	}
	if ((dh = calloc(1, sizeof(*dh))) == NULL)
		return NULL;
	dh->g = g;
	if (g->kind == DH_MODP) {
		switch (group) {
		case IKEV2_DH_MODP1024:
			dh->p = BN_get_rfc2409_prime_1024(NULL);
			break;
		case IKEV2_DH_MODP1536:
			dh->p = BN_get_rfc3526_prime_1536(NULL);
			break;
		case IKEV2_DH_MODP2048:
			dh->p = BN_get_rfc3526_prime_2048(NULL);
			break;
		case IKEV2_DH_MODP3072:
			dh->p = BN_get_rfc3526_prime_3072(NULL);
			break;
		case IKEV2_DH_MODP4096:
			dh->p = BN_get_rfc3526_prime_4096(NULL);
			break;
		}
		if (dh->p == NULL) {
			dh_free(dh);
			return NULL;
		}
	}
	return dh;
}

struct dh *
dh_generate(uint16_t group)
{
	struct dh *dh;

	if ((dh = dh_alloc(group, 1)) == NULL)
		return NULL;
	if ((dh->key = keygen(dh)) == NULL) {
		dh_free(dh);
		return NULL;
	}
	return dh;
}

int
dh_group_known(uint16_t group)
{
	return group_lookup(group) != NULL;
}

struct dh *
dh_new_private(uint16_t group, const uint8_t *priv, size_t len)
{
	struct dh *dh;

	if ((dh = dh_alloc(group, 0)) == NULL)
		return NULL;
	if (len == 0 || len > CRYPTO_MAX_DH_PUB ||
	    (dh->key = import_private(dh, priv, len)) == NULL) {
		log_err("%s: cannot import a DH group %u private key", __func__,
		    group);
		dh_free(dh);
		return NULL;
	}
	return dh;
}

uint16_t
dh_group(const struct dh *dh)
{
	return dh->g->id;
}

static int
put_bn(struct buf *out, const BIGNUM *bn, size_t len)
{
	uint8_t tmp[CRYPTO_MAX_DH_PUB];

	if (len > sizeof(tmp) || BN_bn2binpad(bn, tmp, (int)len) != (int)len)
		return -1;
	return buf_put(out, tmp, len);
}

int
dh_public(const struct dh *dh, struct buf *out)
{
	BIGNUM *x = NULL, *y = NULL;
	uint8_t raw[32];
	size_t rawlen = sizeof(raw);
	int rc = -1;

	switch (dh->g->kind) {
	case DH_MODP:
		if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY,
		    &y) && put_bn(out, y, dh->g->len) == 0)
			rc = 0;
		break;
	case DH_ECP:
		if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
		    EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
		    put_bn(out, x, dh->g->len) == 0 &&
		    put_bn(out, y, dh->g->len) == 0)
			rc = 0;
		break;
	case DH_X25519:
		if (EVP_PKEY_get_raw_public_key(dh->key, raw, &rawlen) &&
		    rawlen == sizeof(raw) && buf_put(out, raw, rawlen) == 0)
			rc = 0;
		break;
	}
	BN_free(x);
	BN_free(y);
	if (rc < 0)
		log_err("%s: cannot export DH group %u public value", __func__,
		    dh->g->id);
	return rc;
}

/* 1 < y < p-1 (RFC 7296 §5 / SP 800-56A partial validation). */
static int
modp_range_ok(const struct dh *dh, const uint8_t *peer, size_t len)
{
	BIGNUM *y, *pm1 = NULL;
	int ok = 0;

	if ((y = BN_bin2bn(peer, (int)len, NULL)) == NULL ||
	    (pm1 = BN_dup(dh->p)) == NULL || !BN_sub_word(pm1, 1))
		goto out;
	ok = BN_cmp(y, BN_value_one()) > 0 && BN_cmp(y, pm1) < 0;
out:
	BN_free(y);
	BN_free(pm1);
	return ok;
}

static EVP_PKEY *
peer_key(const struct dh *dh, const uint8_t *peer, size_t len)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	OSSL_PARAM *params = NULL;
	uint8_t point[1 + 2 * 66];

	switch (dh->g->kind) {
	case DH_X25519:
		return EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL,
		    peer, len);
	case DH_ECP:
		/* RFC 5903 drops the uncompressed-point marker; OpenSSL wants it */
		point[0] = 0x04;
		memcpy(point + 1, peer, len);
		params = group_params(dh, point, len + 1);
		break;
	case DH_MODP:
		params = group_params(dh, peer, len);
		break;
	}
	if (params == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL,
	    dh->g->kind == DH_ECP ? "EC" : "DH", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto out;
	/* The import decodes the point and refuses one off the curve; the
	 * curves here have cofactor 1, so that is the whole validation (RFC
	 * 6989 §2.3). OpenSSL's full public check adds a scalar multiplication
	 * by the order: as costly as the agreement itself. */
out:
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

int
dh_derive(struct dh *dh, const uint8_t *peer, size_t len, struct buf *secret_out)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[2];
	unsigned int pad = 1;
	uint8_t secret[CRYPTO_MAX_DH_PUB];
	size_t slen = sizeof(secret), want;
	int rc = -1;

	want = dh->g->len;
	if (len != crypto_dh_publen(dh->g->id)) {
		log_warnx("DH group %u: peer public value has %zu bytes, "
		    "expected %zu", dh->g->id, len, crypto_dh_publen(dh->g->id));
		return -1;
	}
	if (dh->g->kind == DH_MODP && !modp_range_ok(dh, peer, len)) {
		log_warnx("DH group %u: peer public value out of range",
		    dh->g->id);
		return -1;
	}
	if ((pkey = peer_key(dh, peer, len)) == NULL) {
		log_warnx("DH group %u: invalid peer public value", dh->g->id);
		return -1;
	}
	/* g^ir keeps the prime's length (RFC 7296 §2.14): ask for padding */
	params[0] = OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) <= 0 ||
	    (dh->g->kind == DH_MODP && EVP_PKEY_CTX_set_params(ctx, params) <= 0) ||
	    /* validated above: the range check (MODP, safe primes: RFC 6989
	     * §2.1) or the point decoding (ECP); X25519 needs none */
	    EVP_PKEY_derive_set_peer_ex(ctx, pkey, 0) <= 0 ||
	    EVP_PKEY_derive(ctx, secret, &slen) <= 0) {
		/* X25519 also lands here for low-order points (all-zero result) */
		log_warnx("DH group %u: key agreement failed", dh->g->id);
		goto out;
	}
	if (slen != want) {
		log_err("%s: DH group %u secret has %zu bytes", __func__,
		    dh->g->id, slen);
		goto out;
	}
	rc = buf_put(secret_out, secret, slen);
out:
	wipe(secret, sizeof(secret));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

void
dh_free(struct dh *dh)
{
	if (dh == NULL)
		return;
	/* EVP_PKEY_free clears the private key material */
	EVP_PKEY_free(dh->key);
	BN_free(dh->p);
	wipe(dh, sizeof(*dh));
	free(dh);
}
