/* strongSwan proposal strings ("aes128-sha1-modp1536,aes256gcm16-prfsha256-ecp256!")
 * to lists of IKEv2 transform IDs, and back. */
#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/alg.h"
#include "config/config.h"

enum kw_type { KW_ENCR = 1, KW_INTEG, KW_PRF, KW_DH, KW_ESN };

struct keyword {
	const char	*name;
	enum kw_type	 type;
	uint16_t	 id;
	uint16_t	 keylen;
	int		 unsupported;
};

/* The first entry of an (type, id, keylen) triple is the name printed back. */
static const struct keyword keywords[] = {
	{ "aes128", KW_ENCR, IKEV2_ENCR_AES_CBC, 128, 0 },
	{ "aes192", KW_ENCR, IKEV2_ENCR_AES_CBC, 192, 0 },
	{ "aes256", KW_ENCR, IKEV2_ENCR_AES_CBC, 256, 0 },
	{ "aes", KW_ENCR, IKEV2_ENCR_AES_CBC, 128, 0 },
	{ "3des", KW_ENCR, IKEV2_ENCR_3DES, 0, 0 },
	{ "aes128gcm16", KW_ENCR, IKEV2_ENCR_AES_GCM_16, 128, 0 },
	{ "aes192gcm16", KW_ENCR, IKEV2_ENCR_AES_GCM_16, 192, 0 },
	{ "aes256gcm16", KW_ENCR, IKEV2_ENCR_AES_GCM_16, 256, 0 },
	{ "aes128gcm", KW_ENCR, IKEV2_ENCR_AES_GCM_16, 128, 0 },
	{ "aes192gcm", KW_ENCR, IKEV2_ENCR_AES_GCM_16, 192, 0 },
	{ "aes256gcm", KW_ENCR, IKEV2_ENCR_AES_GCM_16, 256, 0 },
	{ "aes128gcm8", KW_ENCR, IKEV2_ENCR_AES_GCM_8, 128, 1 },
	{ "aes192gcm8", KW_ENCR, IKEV2_ENCR_AES_GCM_8, 192, 1 },
	{ "aes256gcm8", KW_ENCR, IKEV2_ENCR_AES_GCM_8, 256, 1 },
	{ "aes128gcm12", KW_ENCR, IKEV2_ENCR_AES_GCM_12, 128, 1 },
	{ "aes192gcm12", KW_ENCR, IKEV2_ENCR_AES_GCM_12, 192, 1 },
	{ "aes256gcm12", KW_ENCR, IKEV2_ENCR_AES_GCM_12, 256, 1 },
	{ "md5", KW_INTEG, IKEV2_INTEG_HMAC_MD5_96, 0, 0 },
	{ "sha1", KW_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0, 0 },
	{ "sha", KW_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0, 0 },
	{ "sha256", KW_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0, 0 },
	{ "sha2_256", KW_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0, 0 },
	{ "sha384", KW_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0, 0 },
	{ "sha2_384", KW_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0, 0 },
	{ "sha512", KW_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0, 0 },
	{ "sha2_512", KW_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0, 0 },
	{ "prfmd5", KW_PRF, IKEV2_PRF_HMAC_MD5, 0, 0 },
	{ "prfsha1", KW_PRF, IKEV2_PRF_HMAC_SHA1, 0, 0 },
	{ "prfsha256", KW_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, 0 },
	{ "prfsha384", KW_PRF, IKEV2_PRF_HMAC_SHA2_384, 0, 0 },
	{ "prfsha512", KW_PRF, IKEV2_PRF_HMAC_SHA2_512, 0, 0 },
	{ "modp1024", KW_DH, IKEV2_DH_MODP1024, 0, 0 },
	{ "modp1536", KW_DH, IKEV2_DH_MODP1536, 0, 0 },
	{ "modp2048", KW_DH, IKEV2_DH_MODP2048, 0, 0 },
	{ "modp3072", KW_DH, IKEV2_DH_MODP3072, 0, 0 },
	{ "modp4096", KW_DH, IKEV2_DH_MODP4096, 0, 0 },
	{ "ecp256", KW_DH, IKEV2_DH_ECP256, 0, 0 },
	{ "ecp384", KW_DH, IKEV2_DH_ECP384, 0, 0 },
	{ "ecp521", KW_DH, IKEV2_DH_ECP521, 0, 0 },
	{ "curve25519", KW_DH, IKEV2_DH_CURVE25519, 0, 0 },
	{ "x25519", KW_DH, IKEV2_DH_CURVE25519, 0, 0 },
	{ "noesn", KW_ESN, IKEV2_ESN_NO, 0, 0 },
	{ "esn", KW_ESN, IKEV2_ESN_YES, 0, 0 },
};
#define NKEYWORDS	(sizeof(keywords) / sizeof(keywords[0]))

static const char *
kw_name(enum kw_type type, uint16_t id, uint16_t keylen)
{
	for (size_t i = 0; i < NKEYWORDS; i++)
		if (keywords[i].type == type && keywords[i].id == id &&
		    keywords[i].keylen == keylen)
			return keywords[i].name;
	return NULL;
}

const char *
config_encr_name(uint16_t id, uint16_t keylen)
{
	return kw_name(KW_ENCR, id, keylen);
}

const char *
config_integ_name(uint16_t id)
{
	return kw_name(KW_INTEG, id, 0);
}

const char *
config_prf_name(uint16_t id)
{
	return kw_name(KW_PRF, id, 0);
}

const char *
config_dh_name(uint16_t id)
{
	return kw_name(KW_DH, id, 0);
}

/* strongSwan uses an integrity keyword as the PRF of the same hash too. */
static uint16_t
integ_to_prf(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_MD5_96:		return IKEV2_PRF_HMAC_MD5;
	case IKEV2_INTEG_HMAC_SHA1_96:		return IKEV2_PRF_HMAC_SHA1;
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return IKEV2_PRF_HMAC_SHA2_256;
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return IKEV2_PRF_HMAC_SHA2_384;
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return IKEV2_PRF_HMAC_SHA2_512;
	}
	return 0;
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Appends v to a list unless present; -1 when full. */
static int
add_u16(uint16_t *list, int *n, int max, uint16_t v)
{
	for (int i = 0; i < *n; i++)
		if (list[i] == v)
			return 0;
	if (*n >= max)
		return -1;
	list[(*n)++] = v;
	return 0;
}

static int
add_encr(struct cfg_proposal *p, uint16_t id, uint16_t keylen)
{
	for (int i = 0; i < p->nencr; i++)
		if (p->encr[i].id == id && p->encr[i].keylen == keylen)
			return 0;
	if (p->nencr >= CFG_MAX_XFORMS)
		return -1;
	p->encr[p->nencr].id = id;
	p->encr[p->nencr].keylen = keylen;
	p->nencr++;
	return 0;
}

static int
proposal_parse_one(const char *s, size_t slen, enum cfg_proto proto,
    struct cfg_proposal *p, char *err, size_t errlen)
{
	char tok[32];
	const char *q = s, *end = s + slen, *dash;
	int aead = -1, rc;

	memset(p, 0, sizeof(*p));
	while (q <= end) {
		const struct keyword *kw = NULL;
		size_t n;

		dash = memchr(q, '-', (size_t)(end - q));
		if (dash == NULL)
			dash = end;
		n = (size_t)(dash - q);
		if (n == 0) {
			seterr(err, errlen, "empty algorithm in proposal '%.*s'",
			    (int)slen, s);
			return -1;
		}
		if (n >= sizeof(tok)) {
			seterr(err, errlen, "unknown algorithm '%.*s'", (int)n, q);
			return -1;
		}
		memcpy(tok, q, n);
		tok[n] = '\0';
		for (size_t i = 0; i < NKEYWORDS; i++)
			if (strcasecmp(keywords[i].name, tok) == 0) {
				kw = &keywords[i];
				break;
			}
		if (kw == NULL) {
			seterr(err, errlen, "unknown algorithm '%s'", tok);
			return -1;
		}
		if (kw->unsupported) {
			seterr(err, errlen, "algorithm '%s' is not supported", tok);
			return -1;
		}
		rc = 0;
		switch (kw->type) {
		case KW_ENCR:
			if (aead != -1 && aead != alg_encr_is_aead(kw->id)) {
				seterr(err, errlen, "'%s': AEAD and non-AEAD "
				    "encryption cannot be combined in one proposal", tok);
				return -1;
			}
			aead = alg_encr_is_aead(kw->id);
			rc = add_encr(p, kw->id, kw->keylen);
			break;
		case KW_INTEG:
			rc = add_u16(p->integ, &p->ninteg, CFG_MAX_XFORMS, kw->id);
			break;
		case KW_PRF:
			if (proto != CFG_PROTO_IKE) {
				seterr(err, errlen, "'%s' is only valid in IKE proposals", tok);
				return -1;
			}
			rc = add_u16(p->prf, &p->nprf, CFG_MAX_XFORMS, kw->id);
			break;
		case KW_DH:
			rc = add_u16(p->dh, &p->ndh, CFG_MAX_XFORMS, kw->id);
			break;
		case KW_ESN:
			if (proto != CFG_PROTO_ESP) {
				seterr(err, errlen, "'%s' is only valid in ESP proposals", tok);
				return -1;
			}
			rc = add_u16(p->esn, &p->nesn, 2, kw->id);
			break;
		}
		if (rc < 0) {
			seterr(err, errlen, "too many algorithms at '%s'", tok);
			return -1;
		}
		q = dash + 1;
	}

	if (p->nencr == 0) {
		seterr(err, errlen, "no encryption algorithm in proposal '%.*s'",
		    (int)slen, s);
		return -1;
	}
	if (proto == CFG_PROTO_IKE && p->nprf == 0)
		for (int i = 0; i < p->ninteg; i++)
			add_u16(p->prf, &p->nprf, CFG_MAX_XFORMS, integ_to_prf(p->integ[i]));
	/* with AEAD an integrity keyword only names the PRF (strongSwan drops it) */
	if (aead == 1) {
		p->ninteg = 0;
		memset(p->integ, 0, sizeof(p->integ));
	}
	else if (p->ninteg == 0) {
		seterr(err, errlen, "no integrity algorithm in proposal '%.*s'",
		    (int)slen, s);
		return -1;
	}
	if (proto == CFG_PROTO_IKE) {
		if (p->nprf == 0) {
			seterr(err, errlen, "no PRF in proposal '%.*s' (add e.g. prfsha256)",
			    (int)slen, s);
			return -1;
		}
		if (p->ndh == 0) {
			seterr(err, errlen, "no DH group in IKE proposal '%.*s'",
			    (int)slen, s);
			return -1;
		}
	} else if (p->nesn == 0)
		p->esn[p->nesn++] = IKEV2_ESN_NO;
	return 0;
}

int
config_proposals_parse(const char *s, enum cfg_proto proto,
    struct cfg_proposals *out, char *err, size_t errlen)
{
	const char *q, *end, *comma;

	memset(out, 0, sizeof(*out));
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (end > s && end[-1] == '!') {
		out->strict = 1;
		end--;
	}
	if (end == s) {
		seterr(err, errlen, "empty proposal");
		return -1;
	}
	for (q = s; q <= end; q = comma + 1) {
		const char *a, *b;

		comma = memchr(q, ',', (size_t)(end - q));
		if (comma == NULL)
			comma = end;
		a = q;
		b = comma;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (a == b) {
			seterr(err, errlen, "empty proposal in list");
			return -1;
		}
		if (out->n >= CFG_MAX_PROPOSALS) {
			seterr(err, errlen, "more than %d proposals", CFG_MAX_PROPOSALS);
			return -1;
		}
		if (proposal_parse_one(a, (size_t)(b - a), proto, &out->p[out->n],
		    err, errlen) < 0)
			return -1;
		out->n++;
	}
	return 0;
}

struct strout {
	char	*dst;
	size_t	 len, pos;
	int	 trunc;
};

static void
so_add(struct strout *so, const char *s)
{
	size_t n = strlen(s);

	if (so->pos + n >= so->len) {
		so->trunc = 1;
		n = so->len > so->pos + 1 ? so->len - so->pos - 1 : 0;
	}
	memcpy(so->dst + so->pos, s, n);
	so->pos += n;
	so->dst[so->pos] = '\0';
}

static void
so_word(struct strout *so, const char *s)
{
	if (so->pos > 0 && so->dst[so->pos - 1] != ',')
		so_add(so, "-");
	so_add(so, s ? s : "?");
}

static void
proposal_print(struct strout *so, const struct cfg_proposal *p, enum cfg_proto proto)
{
	uint16_t implied[CFG_MAX_XFORMS];
	int nimplied = 0;

	for (int i = 0; i < p->nencr; i++)
		so_word(so, config_encr_name(p->encr[i].id, p->encr[i].keylen));
	for (int i = 0; i < p->ninteg; i++)
		so_word(so, config_integ_name(p->integ[i]));
	if (proto == CFG_PROTO_IKE) {
		/* PRFs stay implicit when the integrity keywords give them anyway */
		for (int i = 0; i < p->ninteg; i++)
			add_u16(implied, &nimplied, CFG_MAX_XFORMS, integ_to_prf(p->integ[i]));
		if (nimplied == 0 || nimplied != p->nprf ||
		    memcmp(implied, p->prf, (size_t)nimplied * sizeof(implied[0])) != 0)
			for (int i = 0; i < p->nprf; i++)
				so_word(so, config_prf_name(p->prf[i]));
	}
	for (int i = 0; i < p->ndh; i++)
		so_word(so, config_dh_name(p->dh[i]));
	if (proto == CFG_PROTO_ESP && !(p->nesn == 1 && p->esn[0] == IKEV2_ESN_NO))
		for (int i = 0; i < p->nesn; i++)
			so_word(so, p->esn[i] ? "esn" : "noesn");
}

int
config_proposals_str(const struct cfg_proposals *ps, enum cfg_proto proto,
    char *dst, size_t len)
{
	struct strout so = { dst, len, 0, 0 };

	if (len == 0)
		return -1;
	dst[0] = '\0';
	for (int i = 0; i < ps->n; i++) {
		if (i > 0)
			so_add(&so, ",");
		proposal_print(&so, &ps->p[i], proto);
	}
	if (ps->strict)
		so_add(&so, "!");
	return so.trunc ? -1 : 0;
}

void
config_proposals_default(enum cfg_proto proto, struct cfg_proposals *out)
{
	/* the core of strongSwan 5.9's default proposals */
	const char *def = proto == CFG_PROTO_IKE ?
	    "aes128-aes192-aes256-sha256-sha384-sha512-sha1-"
	    "modp3072-modp2048-ecp256-curve25519" :
	    "aes128gcm16,aes128-sha256";

	if (config_proposals_parse(def, proto, out, NULL, 0) < 0)
		memset(out, 0, sizeof(*out));
}
