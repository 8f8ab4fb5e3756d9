/* Building IKEv2 messages and payloads, over the builder both versions
 * share (keying/ike_wire.c), which links each payload into the chain. */
#include "config.h"

#include <string.h>

#include "keying/ikev2_msg.h"

void
ikev2_build_msg(struct ike_builder *bl, struct buf *b, const struct ike_hdr *h)
{
	ike_build_msg(bl, b, h, IKEV2_VERSION);
}

int
ikev2_build_finish(struct ike_builder *bl)
{
	return ike_build_finish(bl, IKEV2_MAX_MSG);
}

static int
fail(struct ike_builder *bl)
{
	bl->failed = 1;
	return -1;
}

int
ikev2_build_raw(struct ike_builder *bl, uint8_t type, int critical,
    const void *body, size_t len)
{
	return ike_build_raw(bl, type, critical ? IKEV2_CRITICAL : 0, body,
	    len) < 0 ? -1 : 0;
}

static void
put_sa_body(struct buf *b, const struct ikev2_prop_list *sa)
{
	const struct ikev2_prop *p;
	const struct ikev2_xform *x;
	long poff;
	int i, j;

	for (i = 0; i < sa->n; i++) {
		p = &sa->p[i];
		poff = (long)b->len;
		buf_put_u8(b, i == sa->n - 1 ? 0 : 2);
		buf_put_u8(b, 0);
		buf_put_u16(b, 0);
		buf_put_u8(b, p->num ? p->num : (uint8_t)(i + 1));
		buf_put_u8(b, p->proto);
		buf_put_u8(b, p->spi_size);
		buf_put_u8(b, (uint8_t)p->nxf);
		buf_put(b, p->spi, p->spi_size);
		for (j = 0; j < p->nxf; j++) {
			x = &p->xf[j];
			buf_put_u8(b, j == p->nxf - 1 ? 0 : 3);
			buf_put_u8(b, 0);
			buf_put_u16(b, x->keylen ? 12 : 8);
			buf_put_u8(b, x->type);
			buf_put_u8(b, 0);
			buf_put_u16(b, x->id);
			if (x->keylen) {
				buf_put_u16(b, IKEV2_ATTR_TV | IKEV2_ATTR_KEY_LENGTH);
				buf_put_u16(b, x->keylen);
			}
		}
		buf_set_u16(b, (size_t)poff + 2, (uint16_t)(b->len - (size_t)poff));
	}
}

int
ikev2_build_sa(struct ike_builder *bl, const struct ikev2_prop_list *sa)
{
	long off;
	int i;

	if (sa->n <= 0 || sa->n > IKEV2_PROP_MAX)
		return fail(bl);
	for (i = 0; i < sa->n; i++)
		if (sa->p[i].nxf <= 0 || sa->p[i].nxf > IKEV2_PROP_XF_MAX ||
		    (sa->p[i].spi_size != 0 && sa->p[i].spi_size != 4 &&
		    sa->p[i].spi_size != 8))
			return fail(bl);
	if ((off = ike_pl_begin(bl, IKEV2_PL_SA, 0)) < 0)
		return -1;
	put_sa_body(bl->b, sa);
	return ike_pl_end(bl, off);
}

/* Payloads made of a 4-byte lead (first byte / u16 + reserved) and data. */
static int
lead_and_data(struct ike_builder *bl, uint8_t type, const uint8_t lead[4],
    const void *data, size_t len)
{
	long off = ike_pl_begin(bl, type, 0);

	if (off < 0 || buf_put(bl->b, lead, 4) < 0 || buf_put(bl->b, data, len) < 0)
		return fail(bl);
	return ike_pl_end(bl, off);
}

int
ikev2_build_ke(struct ike_builder *bl, uint16_t group, const void *data, size_t len)
{
	uint8_t lead[4] = { group >> 8, group & 0xff, 0, 0 };

	if (len == 0)
		return fail(bl);
	return lead_and_data(bl, IKEV2_PL_KE, lead, data, len);
}

int
ikev2_build_id(struct ike_builder *bl, uint8_t type, const struct ikev2_id *id)
{
	uint8_t lead[4] = { id->type, 0, 0, 0 };

	if (type != IKEV2_PL_IDI && type != IKEV2_PL_IDR)
		return fail(bl);
	return lead_and_data(bl, type, lead, id->data, id->len);
}

int
ikev2_build_auth(struct ike_builder *bl, uint8_t method, const void *data, size_t len)
{
	uint8_t lead[4] = { method, 0, 0, 0 };

	return lead_and_data(bl, IKEV2_PL_AUTH, lead, data, len);
}

int
ikev2_build_nonce(struct ike_builder *bl, const void *data, size_t len)
{
	if (len < IKEV2_NONCE_MIN || len > IKEV2_NONCE_MAX)
		return fail(bl);
	return ikev2_build_raw(bl, IKEV2_PL_NONCE, 0, data, len);
}

int
ikev2_build_notify(struct ike_builder *bl, const struct ikev2_notify *n)
{
	long off;

	if (n->spi_size > 8)
		return fail(bl);
	if ((off = ike_pl_begin(bl, IKEV2_PL_NOTIFY, 0)) < 0)
		return -1;
	buf_put_u8(bl->b, n->proto);
	buf_put_u8(bl->b, n->spi_size);
	buf_put_u16(bl->b, n->type);
	buf_put(bl->b, n->spi, n->spi_size);
	buf_put(bl->b, n->data, n->len);
	return ike_pl_end(bl, off);
}

int
ikev2_build_notify_simple(struct ike_builder *bl, uint16_t type,
    const void *data, size_t len)
{
	struct ikev2_notify n;

	memset(&n, 0, sizeof(n));
	n.type = type;
	n.data = data;
	n.len = len;
	return ikev2_build_notify(bl, &n);
}

int
ikev2_build_delete(struct ike_builder *bl, const struct ike_delete *d)
{
	long off;

	if ((off = ike_pl_begin(bl, IKEV2_PL_DELETE, 0)) < 0)
		return -1;
	buf_put_u8(bl->b, d->proto);
	buf_put_u8(bl->b, d->spi_size);
	buf_put_u16(bl->b, d->nspi);
	buf_put(bl->b, d->spis, (size_t)d->nspi * d->spi_size);
	return ike_pl_end(bl, off);
}

int
ikev2_build_delete_spis(struct ike_builder *bl, uint8_t proto,
    const uint32_t *spis, uint16_t n)
{
	long off;
	uint16_t i;

	if ((off = ike_pl_begin(bl, IKEV2_PL_DELETE, 0)) < 0)
		return -1;
	buf_put_u8(bl->b, proto);
	buf_put_u8(bl->b, proto == IKEV2_PROTO_IKE ? 0 : 4);
	buf_put_u16(bl->b, proto == IKEV2_PROTO_IKE ? 0 : n);
	for (i = 0; proto != IKEV2_PROTO_IKE && i < n; i++)
		buf_put_u32(bl->b, spis[i]);
	return ike_pl_end(bl, off);
}

int
ikev2_build_ts(struct ike_builder *bl, uint8_t type, const struct ikev2_tsp *t)
{
	const struct ikev2_ts *ts;
	size_t i, alen;
	long off;

	if ((type != IKEV2_PL_TSI && type != IKEV2_PL_TSR) || t->n == 0 ||
	    t->n > IKEV2_MAX_TS)
		return fail(bl);
	for (i = 0; i < t->n; i++) {
		ts = &t->ts[i];
		if (!(ts->type == IKEV2_TS_IPV4_ADDR_RANGE &&
		    ts->start.family == AF_INET && ts->end.family == AF_INET) &&
		    !(ts->type == IKEV2_TS_IPV6_ADDR_RANGE &&
		    ts->start.family == AF_INET6 && ts->end.family == AF_INET6))
			return fail(bl);
	}
	if ((off = ike_pl_begin(bl, type, 0)) < 0)
		return -1;
	buf_put_u8(bl->b, (uint8_t)t->n);
	buf_put_zero(bl->b, 3);
	for (i = 0; i < t->n; i++) {
		ts = &t->ts[i];
		alen = ts->type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 : 16;
		buf_put_u8(bl->b, ts->type);
		buf_put_u8(bl->b, ts->proto);
		buf_put_u16(bl->b, (uint16_t)(8 + 2 * alen));
		buf_put_u16(bl->b, ts->sport);
		buf_put_u16(bl->b, ts->eport);
		buf_put(bl->b, ts->start.u.raw, alen);
		buf_put(bl->b, ts->end.u.raw, alen);
	}
	return ike_pl_end(bl, off);
}

int
ikev2_build_vendor(struct ike_builder *bl, const void *data, size_t len)
{
	return ikev2_build_raw(bl, IKEV2_PL_VENDOR, 0, data, len);
}

int
ikev2_build_cp(struct ike_builder *bl, const struct ikev2_cp *cp)
{
	size_t i;
	long off;

	if (cp->nattr > IKEV2_MAX_CP_ATTRS)
		return fail(bl);
	if ((off = ike_pl_begin(bl, IKEV2_PL_CP, 0)) < 0)
		return -1;
	buf_put_u8(bl->b, cp->type);
	buf_put_zero(bl->b, 3);
	for (i = 0; i < cp->nattr; i++) {
		buf_put_u16(bl->b, cp->attr[i].type & 0x7fff);
		buf_put_u16(bl->b, cp->attr[i].len);
		buf_put(bl->b, cp->attr[i].val, cp->attr[i].len);
	}
	return ike_pl_end(bl, off);
}

int
ikev2_build_cert(struct ike_builder *bl, uint8_t type, const struct ikev2_cert *c)
{
	long off;

	if (type != IKEV2_PL_CERT && type != IKEV2_PL_CERTREQ)
		return fail(bl);
	if ((off = ike_pl_begin(bl, type, 0)) < 0)
		return -1;
	buf_put_u8(bl->b, c->encoding);
	buf_put(bl->b, c->data, c->len);
	return ike_pl_end(bl, off);
}

long
ikev2_build_sk(struct ike_builder *bl, uint8_t inner_first)
{
	long off = ike_pl_begin(bl, IKEV2_PL_SK, 0);

	if (off < 0 || ike_pl_end(bl, off) < 0)
		return fail(bl);
	buf_set_u8(bl->b, (size_t)off, inner_first);
	bl->closed = 1;
	return off;
}

long
ikev2_build_skf(struct ike_builder *bl, uint8_t inner_first, uint16_t num,
    uint16_t total)
{
	long off;

	if (num == 0 || num > total)
		return fail(bl);
	if ((off = ike_pl_begin(bl, IKEV2_PL_SKF, 0)) < 0)
		return -1;
	buf_put_u16(bl->b, num);
	buf_put_u16(bl->b, total);
	if (ike_pl_end(bl, off) < 0)
		return -1;
	buf_set_u8(bl->b, (size_t)off, num == 1 ? inner_first : IKEV2_PL_NONE);
	bl->closed = 1;
	return off;
}
