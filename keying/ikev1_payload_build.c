/* ISAKMP message building (RFC 2408 §3). */
#include "config.h"

#include <string.h>

#include "keying/ikev1_msg.h"

void
ikev1_build_msg(struct ike_builder *bl, struct buf *b,
    const struct ike_hdr *h)
{
	ike_build_msg(bl, b, h, IKEV1_VERSION);
}

int
ikev1_build_finish(struct ike_builder *bl)
{
	return ike_build_finish(bl, IKEV1_MAX_MSG);
}

long
ikev1_build_raw(struct ike_builder *bl, uint8_t type, const void *body,
    size_t len)
{
	return ike_build_raw(bl, type, 0, body, len);
}

int
ikev1_build_sa(struct ike_builder *bl, const struct ikev1_sa *sa)
{
	const struct ikev1_prop *pr;
	const struct ikev1_xform *xf;
	size_t i, j, poff, toff;
	struct buf *b = bl->b;
	long off;

	if ((off = ike_pl_begin(bl, IKEV1_PL_SA, 0)) == -1)
		return -1;
	buf_put_u32(b, sa->doi);
	buf_put_u32(b, sa->situation);
	for (i = 0; i < sa->nprop; i++) {
		pr = &sa->prop[i];
		poff = b->len;
		buf_put_u8(b, i + 1 < sa->nprop ? IKEV1_PL_PROPOSAL :
		    IKEV1_PL_NONE);
		buf_put_u8(b, 0);
		buf_put_u16(b, 0);
		buf_put_u8(b, pr->num);
		buf_put_u8(b, pr->proto);
		buf_put_u8(b, pr->spi_size);
		buf_put_u8(b, (uint8_t)pr->nxf);
		if (pr->spi_size)
			buf_put(b, pr->spi, pr->spi_size);
		for (j = 0; j < pr->nxf; j++) {
			xf = &pr->xf[j];
			toff = b->len;
			buf_put_u8(b, j + 1 < pr->nxf ? IKEV1_PL_TRANSFORM :
			    IKEV1_PL_NONE);
			buf_put_u8(b, 0);
			buf_put_u16(b, 0);
			buf_put_u8(b, xf->num);
			buf_put_u8(b, xf->id);
			buf_put_u16(b, 0);
			if (xf->attrs_len)
				buf_put(b, xf->attrs, xf->attrs_len);
			if (!b->failed)
				buf_set_u16(b, toff + 2,
				    (uint16_t)(b->len - toff));
		}
		if (!b->failed)
			buf_set_u16(b, poff + 2, (uint16_t)(b->len - poff));
	}
	return ike_pl_end(bl, off);
}

int
ikev1_build_id(struct ike_builder *bl, const struct ikev1_id *id)
{
	long off;

	if ((off = ike_pl_begin(bl, IKEV1_PL_ID, 0)) == -1)
		return -1;
	buf_put_u8(bl->b, id->type);
	buf_put_u8(bl->b, id->proto);
	buf_put_u16(bl->b, id->port);
	buf_put(bl->b, id->data, id->len);
	return ike_pl_end(bl, off);
}

int
ikev1_build_notify(struct ike_builder *bl, const struct ikev1_notify *n)
{
	long off;

	if ((off = ike_pl_begin(bl, IKEV1_PL_NOTIFY, 0)) == -1)
		return -1;
	buf_put_u32(bl->b, n->doi);
	buf_put_u8(bl->b, n->proto);
	buf_put_u8(bl->b, n->spi_size);
	buf_put_u16(bl->b, n->type);
	if (n->spi_size)
		buf_put(bl->b, n->spi, n->spi_size);
	if (n->len)
		buf_put(bl->b, n->data, n->len);
	return ike_pl_end(bl, off);
}

int
ikev1_build_delete(struct ike_builder *bl, const struct ike_delete *d)
{
	long off;

	if ((off = ike_pl_begin(bl, IKEV1_PL_DELETE, 0)) == -1)
		return -1;
	buf_put_u32(bl->b, d->doi);
	buf_put_u8(bl->b, d->proto);
	buf_put_u8(bl->b, d->spi_size);
	buf_put_u16(bl->b, d->nspi);
	buf_put(bl->b, d->spis, (size_t)d->spi_size * d->nspi);
	return ike_pl_end(bl, off);
}
