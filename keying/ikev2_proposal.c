#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keying/ikev2_const.h"
#include "keying/ikev2_proposal.h"
#include "keying/crypto.h"

static int
prop_add(struct ikev2_prop *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	if (p->nxf >= IKEV2_PROP_XF_MAX)
		return -1;
	p->xf[p->nxf].type = type;
	p->xf[p->nxf].id = id;
	p->xf[p->nxf].keylen = keylen;
	p->nxf++;
	return 0;
}

static int
prop_has_type(const struct ikev2_prop *p, uint8_t type)
{
	int i;

	for (i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type)
			return 1;
	return 0;
}

static int
prop_has(const struct ikev2_prop *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	int i;

	for (i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type && p->xf[i].id == id &&
		    p->xf[i].keylen == keylen)
			return 1;
	return 0;
}

static int
prop_aead_only(const struct ikev2_prop *p)
{
	int i;

	for (i = 0; i < p->nxf; i++)
		if (p->xf[i].type == IKEV2_XFORM_ENCR &&
		    !alg_encr_is_aead(p->xf[i].id))
			return 0;
	return 1;
}

/* One configured proposal, minus what this build cannot do. 0 if usable. */
static int
prop_from_cfg(const struct cfg_proposal *c, uint8_t proto, struct ikev2_prop *p)
{
	int i, r = 0;

	memset(p, 0, sizeof(*p));
	p->proto = proto;
	for (i = 0; i < c->nencr; i++)
		if (crypto_supported(CRYPTO_ENCR, c->encr[i].id, c->encr[i].keylen))
			r |= prop_add(p, IKEV2_XFORM_ENCR, c->encr[i].id, c->encr[i].keylen);
	if (proto == IKEV2_PROTO_IKE)
		for (i = 0; i < c->nprf; i++)
			if (crypto_supported(CRYPTO_PRF, c->prf[i], 0))
				r |= prop_add(p, IKEV2_XFORM_PRF, c->prf[i], 0);
	for (i = 0; i < c->ninteg; i++)
		if (crypto_supported(CRYPTO_INTEG, c->integ[i], 0))
			r |= prop_add(p, IKEV2_XFORM_INTEG, c->integ[i], 0);
	for (i = 0; i < c->ndh; i++)
		if (crypto_supported(CRYPTO_DH, c->dh[i], 0))
			r |= prop_add(p, IKEV2_XFORM_DH, c->dh[i], 0);
	if (proto == IKEV2_PROTO_ESP) {
		for (i = 0; i < c->nesn && i < 2; i++)
			r |= prop_add(p, IKEV2_XFORM_ESN, c->esn[i], 0);
		if (!prop_has_type(p, IKEV2_XFORM_ESN))
			r |= prop_add(p, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0);
	}
	if (r < 0 || !prop_has_type(p, IKEV2_XFORM_ENCR))
		return -1;
	if (!prop_aead_only(p) && !prop_has_type(p, IKEV2_XFORM_INTEG))
		return -1;
	if (proto == IKEV2_PROTO_IKE && (!prop_has_type(p, IKEV2_XFORM_PRF) ||
	    !prop_has_type(p, IKEV2_XFORM_DH)))
		return -1;
	/* A configured DH group we cannot do would silently drop PFS. */
	if (proto == IKEV2_PROTO_ESP && c->ndh > 0 &&
	    !prop_has_type(p, IKEV2_XFORM_DH))
		return -1;
	return 0;
}

static void
list_add_cfg(struct ikev2_prop_list *out, const struct cfg_proposals *cp,
    uint8_t proto)
{
	int i;

	for (i = 0; i < cp->n && out->n < IKEV2_PROP_MAX; i++) {
		struct ikev2_prop *p = &out->p[out->n];

		if (prop_from_cfg(&cp->p[i], proto, p) == 0) {
			p->num = (uint8_t)(out->n + 1);
			out->n++;
		}
	}
}

int
ikev2_prop_from_cfg(const struct cfg_proposals *cp, uint8_t proto,
    struct ikev2_prop_list *out)
{
	struct cfg_proposals defs;

	memset(out, 0, sizeof(*out));
	list_add_cfg(out, cp, proto);
	if (!cp->strict || cp->n == 0) {
		config_proposals_default(proto == IKEV2_PROTO_IKE ? CFG_PROTO_IKE :
		    CFG_PROTO_ESP, &defs);
		list_add_cfg(out, &defs, proto);
	}
	return out->n > 0 ? 0 : -1;
}

/* "No such transform" may be said as the type's NONE value. */
static int
none_ok(uint8_t type)
{
	return type == IKEV2_XFORM_INTEG || type == IKEV2_XFORM_DH ||
	    type == IKEV2_XFORM_ESN;
}

/* Our proposal o against their proposal t: one transform per type, ours
 * picked in our order. 0 on a match. */
static int
prop_match(const struct ikev2_prop *o, const struct ikev2_prop *t,
    struct ikev2_prop *c)
{
	uint8_t type;
	int i;

	memset(c, 0, sizeof(*c));
	c->num = t->num;
	c->proto = t->proto;
	c->spi_size = t->spi_size;
	memcpy(c->spi, t->spi, sizeof(c->spi));
	for (type = 1; type <= IKEV2_XFORM_TYPE_MAX; type++) {
		int oh = prop_has_type(o, type), th = prop_has_type(t, type);
		int found = 0;

		if (!oh && !th)
			continue;
		if (oh && th) {
			for (i = 0; i < o->nxf && !found; i++) {
				const struct ikev2_xform *x = &o->xf[i];

				if (x->type == type && prop_has(t, type, x->id, x->keylen)) {
					prop_add(c, type, x->id, x->keylen);
					found = 1;
				}
			}
		} else if (oh) {
			/* A peer leaving out ESN means none (RFC 7296 §3.3.2). */
			found = type == IKEV2_XFORM_ESN &&
			    prop_has(o, type, IKEV2_ESN_NO, 0);
		} else if (none_ok(type) && prop_has(t, type, 0, 0)) {
			prop_add(c, type, 0, 0);
			found = 1;
		}
		if (!found)
			return -1;
	}
	return 0;
}

int
ikev2_prop_select(const struct ikev2_prop_list *ours,
    const struct ikev2_prop_list *theirs, uint8_t proto, struct ikev2_prop *chosen)
{
	int i, j;

	for (i = 0; i < ours->n; i++) {
		if (ours->p[i].proto != proto)
			continue;
		for (j = 0; j < theirs->n; j++) {
			if (theirs->p[j].proto != proto)
				continue;
			if (prop_match(&ours->p[i], &theirs->p[j], chosen) == 0)
				return 0;
		}
	}
	return -1;
}

int
ikev2_prop_select_dh(const struct ikev2_prop_list *ours,
    const struct ikev2_prop_list *theirs, uint8_t proto, uint16_t group,
    struct ikev2_prop *chosen)
{
	struct ikev2_prop_list *tmp = calloc(1, sizeof(*tmp));
	int i, j, k, r;

	if (tmp == NULL)
		return -1;
	for (i = 0; i < ours->n; i++) {
		struct ikev2_prop *p = &tmp->p[tmp->n];

		if (!prop_has(&ours->p[i], IKEV2_XFORM_DH, group, 0))
			continue;
		*p = ours->p[i];
		for (j = k = 0; j < p->nxf; j++)
			if (p->xf[j].type != IKEV2_XFORM_DH || p->xf[j].id == group)
				p->xf[k++] = p->xf[j];
		p->nxf = k;
		tmp->n++;
	}
	r = ikev2_prop_select(tmp, theirs, proto, chosen);
	free(tmp);
	return r;
}

int
ikev2_prop_accept(const struct ikev2_prop_list *ours,
    const struct ikev2_prop_list *reply, uint8_t proto, struct ikev2_prop *chosen)
{
	const struct ikev2_prop *r, *o = NULL;
	uint8_t type;
	int i, seen[IKEV2_XFORM_TYPE_MAX + 1] = { 0 };

	if (reply->n != 1 || reply->p[0].proto != proto)
		return -1;
	r = &reply->p[0];
	for (i = 0; i < ours->n; i++)
		if (ours->p[i].num == r->num)
			o = &ours->p[i];
	if (o == NULL)
		return -1;
	for (i = 0; i < r->nxf; i++) {
		const struct ikev2_xform *x = &r->xf[i];

		if (x->type < 1 || x->type > IKEV2_XFORM_TYPE_MAX || seen[x->type]++)
			return -1;
		if (!prop_has(o, x->type, x->id, x->keylen) &&
		    !(x->id == 0 && none_ok(x->type) && !prop_has_type(o, x->type)))
			return -1;
	}
	for (type = 1; type <= IKEV2_XFORM_TYPE_MAX; type++)
		if (prop_has_type(o, type) && !seen[type] &&
		    !(type == IKEV2_XFORM_ESN && prop_has(o, type, IKEV2_ESN_NO, 0)))
			return -1;
	*chosen = *r;
	return 0;
}

uint16_t
ikev2_prop_first_dh(const struct ikev2_prop_list *l)
{
	return l->n > 0 ? ikev2_prop_id(&l->p[0], IKEV2_XFORM_DH, NULL) : 0;
}

int
ikev2_prop_has_dh(const struct ikev2_prop_list *l, uint16_t group)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (prop_has(&l->p[i], IKEV2_XFORM_DH, group, 0))
			return 1;
	return 0;
}

void
ikev2_prop_prefer_dh(struct ikev2_prop_list *l, uint16_t group)
{
	struct ikev2_prop_list *tmp;
	int i, pass;

	/* The list is big; this runs once per INVALID_KE, so heap is fine. */
	if ((tmp = calloc(1, sizeof(*tmp))) == NULL)
		return;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < l->n; i++)
			if (prop_has(&l->p[i], IKEV2_XFORM_DH, group, 0) == !pass)
				tmp->p[tmp->n++] = l->p[i];
	for (i = 0; i < tmp->n; i++) {
		uint16_t keep = 0;
		int j;

		/* Within the proposal, the group moves first as well: the KE
		 * we send must be for the group the responder will pick. */
		for (j = 0; j < tmp->p[i].nxf; j++) {
			struct ikev2_xform *x = &tmp->p[i].xf[j];

			if (x->type == IKEV2_XFORM_DH && x->id == group && keep == 0) {
				struct ikev2_xform g = *x;
				int k;

				for (k = j; k > 0 &&
				    tmp->p[i].xf[k - 1].type == IKEV2_XFORM_DH; k--)
					tmp->p[i].xf[k] = tmp->p[i].xf[k - 1];
				tmp->p[i].xf[k] = g;
				keep = 1;
			}
		}
	}
	memcpy(l, tmp, sizeof(*l));
	free(tmp);
}

void
ikev2_prop_strip_dh(struct ikev2_prop_list *l)
{
	int i, j, k;

	for (i = 0; i < l->n; i++) {
		struct ikev2_prop *p = &l->p[i];

		for (j = k = 0; j < p->nxf; j++)
			if (p->xf[j].type != IKEV2_XFORM_DH)
				p->xf[k++] = p->xf[j];
		p->nxf = k;
	}
}

void
ikev2_prop_set_spi(struct ikev2_prop_list *l, uint64_t spi, uint8_t size)
{
	int i, b;

	for (i = 0; i < l->n; i++) {
		l->p[i].spi_size = size;
		memset(l->p[i].spi, 0, sizeof(l->p[i].spi));
		for (b = 0; b < size && b < 8; b++)
			l->p[i].spi[b] = (uint8_t)(spi >> (8 * (size - 1 - b)));
	}
}

uint16_t
ikev2_prop_id(const struct ikev2_prop *p, uint8_t type, uint16_t *keylen)
{
	int i;

	for (i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type) {
			if (keylen)
				*keylen = p->xf[i].keylen;
			return p->xf[i].id;
		}
	if (keylen)
		*keylen = 0;
	return 0;
}

void
ikev2_prop_algs(const struct ikev2_prop *c, struct st_algs *algs)
{
	memset(algs, 0, sizeof(*algs));
	algs->encr = ikev2_prop_id(c, IKEV2_XFORM_ENCR, &algs->encr_keylen);
	algs->prf = ikev2_prop_id(c, IKEV2_XFORM_PRF, NULL);
	algs->integ = ikev2_prop_id(c, IKEV2_XFORM_INTEG, NULL);
	algs->dh = ikev2_prop_id(c, IKEV2_XFORM_DH, NULL);
	algs->esn = ikev2_prop_id(c, IKEV2_XFORM_ESN, NULL) == IKEV2_ESN_YES;
}
