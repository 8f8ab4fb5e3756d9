/* What an IKEv1 connection offers and accepts, for both roles: its ike=
 * and esp= (strongSwan's defaults appended unless '!'), or Cisco IOS's
 * default ISAKMP policies and transform sets when it names none
 * (config/ios_defaults.c), and the syslog messages IOS gives when one of
 * those defaults is used. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"
#include "keying/ikev2_proposal.h"

int
ikev1_isakmp_proposals(const struct cfg_conn *c, struct ikev2_prop_list *ours)
{
	/* Without '!' strongSwan appends its defaults; for IKEv1 those of
	 * the strongSwan 5.x the seed was recorded with, which still had
	 * SHA1/MD5 with MODP-1536 and -1024 (its log shows the seed's
	 * ike=aes128-md5-modp1536 accepting IOS's AES/SHA/group 5), then
	 * today's (as IKEv2 appends them). */
	static const char legacy[] = "aes128-aes192-aes256-3des-sha256-"
	    "sha384-sha512-sha1-md5-modp2048-modp3072-modp4096-modp1536-"
	    "modp1024";
	struct cfg_proposals *cp, def;
	int r;

	if (c->ike_from == CFG_FROM_NONE) {
		memset(ours, 0, sizeof(*ours));
		return -1;
	}
	if (c->ike.strict)
		return ikev2_prop_from_cfg(&c->ike, IKEV2_PROTO_IKE, ours);
	if ((cp = malloc(sizeof(*cp))) == NULL)
		return -1;
	*cp = c->ike;
	if (config_proposals_parse(legacy, CFG_PROTO_IKE, &def, NULL, 0) == 0 &&
	    cp->n < CFG_MAX_PROPOSALS)
		cp->p[cp->n++] = def.p[0];
	r = ikev2_prop_from_cfg(cp, IKEV2_PROTO_IKE, ours);
	free(cp);
	return r;
}

int
ikev1_esp_proposals(const struct cfg_conn *c, struct ikev2_prop_list *ours)
{
	if (c->esp_from == CFG_FROM_NONE) {
		memset(ours, 0, sizeof(*ours));
		return -1;
	}
	return ikev2_prop_from_cfg(&c->esp, IKEV2_PROTO_ESP, ours);
}

/* "aes128-sha1-modp1536": one of the peer's suites in ipsec.conf words. */
static void
suite_text(const struct ikev2_prop *p, char *dst, size_t len)
{
	const char *e, *i, *d;
	uint16_t kl = 0, id;

	id = ikev2_prop_id(p, IKEV2_XFORM_ENCR, &kl);
	e = config_encr_name(id, id == IKEV2_ENCR_AES_CBC && kl == 0 ? 128 : kl);
	i = config_integ_name(ikev2_prop_id(p, IKEV2_XFORM_INTEG, NULL));
	d = config_dh_name(ikev2_prop_id(p, IKEV2_XFORM_DH, NULL));
	snprintf(dst, len, "%s%s%s%s%s", e ? e : "?", i ? "-" : "", i ? i : "",
	    d ? "-" : "", d ? d : "");
}

void
ikev1_no_proposal_why(const struct cfg_conn *c, enum cfg_proto proto,
    const struct ikev2_prop_list *theirs, char *dst, size_t len)
{
	enum cfg_prop_from from = proto == CFG_PROTO_IKE ? c->ike_from : c->esp_from;
	const char *key = proto == CFG_PROTO_IKE ? "ike" : "esp";
	char first[64] = "nothing usable";
	int strict = proto == CFG_PROTO_IKE ? c->ike.strict : c->esp.strict;

	if (theirs->n > 0)
		suite_text(&theirs->p[0], first, sizeof(first));
	snprintf(dst, len, "no acceptable proposal: peer offered %s%s (%s=%s)",
	    first, theirs->n > 1 ? ", ..." : "", key,
	    from == CFG_FROM_NONE ? (proto == CFG_PROTO_IKE ?
	    "none, isakmp_default_policy = no" :
	    "none, ipsec_default_transform_set = no") :
	    from == CFG_FROM_IOS ? "IOS defaults" :
	    strict ? "strict" : "with defaults");
}

uint16_t
ikev1_isakmp_default_used(const struct cfg_conn *c, const struct st_algs *algs)
{
	const struct cfg_isakmp_policy *p;
	struct cfg_encr_alg e = { algs->encr, algs->encr_keylen };

	if (c->ike_from != CFG_FROM_IOS ||
	    (p = config_isakmp_default_match(&e, algs->integ, algs->dh)) == NULL)
		return 0;
	log_tag("CRYPTO-6-IKMP_POLICY_DEFAULT", "Using ISAKMP Default policies");
	return p->priority;
}

int
ikev1_transform_default_used(const struct cfg_conn *c, const struct st_algs *algs)
{
	const struct cfg_transform_set *t, *sets = config_default_transform_sets();
	struct cfg_encr_alg e = { algs->encr, algs->encr_keylen };

	if (c->esp_from != CFG_FROM_IOS ||
	    (t = config_default_transform_match(&e, algs->integ)) == NULL)
		return 0;
	log_tag("CRYPTO-5-IPSEC_DEFAULT_TRANSFORM", "Using Default IPsec transform-set");
	return (int)(t - sets) + 1;
}
