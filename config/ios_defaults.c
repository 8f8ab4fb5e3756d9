/* Cisco IOS's intelligent defaults for IKEv1 ("IPsec Usability
 * Enhancements"): the eight default ISAKMP policies of priority
 * 65507..65514 and the two default transform sets, used by a connection
 * that names no ike= / esp= unless ikeflowd.conf switches them off
 * (isakmp_default_policy, ipsec_default_transform_set = no, IOS's
 * "no crypto isakmp default policy" / "no crypto ipsec default
 * transform-set"). The RSA-signature policies are listed (the views show
 * IOS's whole table) but never used: ikeflow has no certificates. */
#include <config.h>

#include <string.h>

#include "config/config.h"

static const struct cfg_isakmp_policy policies[CFG_ISAKMP_DEFAULT_N] = {
	{ 65507, CFG_ISAKMP_RSA_SIG, { IKEV2_ENCR_AES_CBC, 128 }, IKEV2_INTEG_HMAC_SHA1_96,
	    IKEV2_DH_MODP1536, 86400 },
	{ 65508, CFG_ISAKMP_PSK, { IKEV2_ENCR_AES_CBC, 128 }, IKEV2_INTEG_HMAC_SHA1_96,
	    IKEV2_DH_MODP1536, 86400 },
	{ 65509, CFG_ISAKMP_RSA_SIG, { IKEV2_ENCR_AES_CBC, 128 }, IKEV2_INTEG_HMAC_MD5_96,
	    IKEV2_DH_MODP1536, 86400 },
	{ 65510, CFG_ISAKMP_PSK, { IKEV2_ENCR_AES_CBC, 128 }, IKEV2_INTEG_HMAC_MD5_96,
	    IKEV2_DH_MODP1536, 86400 },
	{ 65511, CFG_ISAKMP_RSA_SIG, { IKEV2_ENCR_3DES, 0 }, IKEV2_INTEG_HMAC_SHA1_96,
	    IKEV2_DH_MODP1024, 86400 },
	{ 65512, CFG_ISAKMP_PSK, { IKEV2_ENCR_3DES, 0 }, IKEV2_INTEG_HMAC_SHA1_96,
	    IKEV2_DH_MODP1024, 86400 },
	{ 65513, CFG_ISAKMP_RSA_SIG, { IKEV2_ENCR_3DES, 0 }, IKEV2_INTEG_HMAC_MD5_96,
	    IKEV2_DH_MODP1024, 86400 },
	{ 65514, CFG_ISAKMP_PSK, { IKEV2_ENCR_3DES, 0 }, IKEV2_INTEG_HMAC_MD5_96,
	    IKEV2_DH_MODP1024, 86400 },
};

static const struct cfg_transform_set sets[CFG_XFORM_DEFAULT_N] = {
	{ "#$!default_transform_set_1", { IKEV2_ENCR_AES_CBC, 128 },
	    IKEV2_INTEG_HMAC_SHA1_96 },
	{ "#$!default_transform_set_0", { IKEV2_ENCR_3DES, 0 }, IKEV2_INTEG_HMAC_SHA1_96 },
};

const struct cfg_isakmp_policy *
config_isakmp_default_policies(void)
{
	return policies;
}

const struct cfg_transform_set *
config_default_transform_sets(void)
{
	return sets;
}

static int
encr_eq(const struct cfg_encr_alg *a, const struct cfg_encr_alg *b)
{
	return a->id == b->id && (a->id != IKEV2_ENCR_AES_CBC || a->keylen == b->keylen);
}

const struct cfg_isakmp_policy *
config_isakmp_default_match(const struct cfg_encr_alg *encr, uint16_t integ,
    uint16_t dh)
{
	for (size_t i = 0; i < CFG_ISAKMP_DEFAULT_N; i++)
		if (policies[i].auth == CFG_ISAKMP_PSK &&
		    encr_eq(&policies[i].encr, encr) && policies[i].integ == integ &&
		    policies[i].dh == dh)
			return &policies[i];
	return NULL;
}

const struct cfg_transform_set *
config_default_transform_match(const struct cfg_encr_alg *encr, uint16_t integ)
{
	for (size_t i = 0; i < CFG_XFORM_DEFAULT_N; i++)
		if (encr_eq(&sets[i].encr, encr) && sets[i].integ == integ)
			return &sets[i];
	return NULL;
}

/* One single-suite proposal. */
static void
suite(struct cfg_proposal *p, const struct cfg_encr_alg *encr, uint16_t integ,
    int ike, uint16_t dh)
{
	memset(p, 0, sizeof(*p));
	p->encr[p->nencr++] = *encr;
	p->integ[p->ninteg++] = integ;
	if (ike) {
		/* IKEv1's hash is both PRF and integrity */
		p->prf[p->nprf++] = integ == IKEV2_INTEG_HMAC_MD5_96 ?
		    IKEV2_PRF_HMAC_MD5 : IKEV2_PRF_HMAC_SHA1;
		p->dh[p->ndh++] = dh;
	} else
		p->esn[p->nesn++] = IKEV2_ESN_NO;
}

void
config_ios_defaults_apply(struct ifl_config *cfg)
{
	const struct cfg_daemon *d = &cfg->daemon;

	for (struct cfg_conn *c = cfg->conns; c; c = c->next) {
		if (c->ike_version != 1)
			continue;
		if (c->ike_from == CFG_FROM_SWAN) {
			memset(&c->ike, 0, sizeof(c->ike));
			c->ike.strict = 1;
			c->ike_from = d->isakmp_default_policy ? CFG_FROM_IOS :
			    CFG_FROM_NONE;
			for (size_t i = 0; d->isakmp_default_policy &&
			    i < CFG_ISAKMP_DEFAULT_N; i++)
				if (policies[i].auth == CFG_ISAKMP_PSK)
					suite(&c->ike.p[c->ike.n++], &policies[i].encr,
					    policies[i].integ, 1, policies[i].dh);
		}
		if (c->esp_from == CFG_FROM_SWAN) {
			memset(&c->esp, 0, sizeof(c->esp));
			c->esp.strict = 1;
			c->esp_from = d->ipsec_default_transform_set ? CFG_FROM_IOS :
			    CFG_FROM_NONE;
			for (size_t i = 0; d->ipsec_default_transform_set &&
			    i < CFG_XFORM_DEFAULT_N; i++)
				suite(&c->esp.p[c->esp.n++], &sets[i].encr,
				    sets[i].integ, 0, 0);
		}
	}
}
