/* ISAKMP message building (RFC 2408 §3). */
#include "config.h"

#include <string.h>

#include "keying/ikev1_msg.h"

void
ikev1_build_msg(struct ikev1_builder *bl, struct buf *b,
    const struct ike_hdr *h)
{
	memset(bl, 0, sizeof(*bl));
	bl->b = b;
	bl->start = b->len;
	bl->has_hdr = 1;
	/* the header's next-payload byte is patched as the first link */
	bl->next_off = (long)(b->len + 16);
	bl->failed = ike_hdr_put(b, h, IKEV1_VERSION) == -1;
}

void
ikev1_build_chain(struct ikev1_builder *bl, struct buf *b)
{
	memset(bl, 0, sizeof(*bl));
	bl->b = b;
	bl->start = b->len;
	bl->next_off = -1;
}

int
ikev1_build_finish(struct ikev1_builder *bl)
{
	if (bl->b->failed)
		bl->failed = 1;
	if (bl->failed)
		return -1;
	if (bl->has_hdr) {
		if (bl->b->len - bl->start > IKEV1_MAX_MSG) {
			bl->failed = 1;
			return -1;
		}
		buf_set_u32(bl->b, bl->start + 24,
		    (uint32_t)(bl->b->len - bl->start));
	}
	return 0;
}

/* Starts a payload: links it from the previous one, writes its generic
 * header with a length patched by pl_end. Returns its offset, or -1. */
static long
pl_begin(struct ikev1_builder *bl, uint8_t type)
{
	long off;

	if (bl->failed)
		return -1;
	if (bl->next_off >= 0)
		buf_set_u8(bl->b, (size_t)bl->next_off, type);
	else
		bl->first = type;
	if (bl->first == 0)
		bl->first = type;
	off = (long)bl->b->len;
	bl->next_off = off;
	buf_put_u8(bl->b, IKEV1_PL_NONE);
	buf_put_u8(bl->b, 0);
	buf_put_u16(bl->b, 0);
	if (bl->b->failed) {
		bl->failed = 1;
		return -1;
	}
	return off;
}

static int
pl_end(struct ikev1_builder *bl, long off)
{
	size_t len;

	if (bl->b->failed || off < 0) {
		bl->failed = 1;
		return -1;
	}
	len = bl->b->len - (size_t)off;
	if (len > 0xffff) {
		bl->failed = 1;
		return -1;
	}
	buf_set_u16(bl->b, (size_t)off + 2, (uint16_t)len);
	return 0;
}

long
ikev1_build_raw(struct ikev1_builder *bl, uint8_t type, const void *body,
    size_t len)
{
	long off;

	if ((off = pl_begin(bl, type)) == -1)
		return -1;
	if (len)
		buf_put(bl->b, body, len);
	return pl_end(bl, off) == 0 ? off : -1;
}

int
ikev1_build_sa(struct ikev1_builder *bl, const struct ikev1_sa *sa)
{
	const struct ikev1_prop *pr;
	const struct ikev1_xform *xf;
	size_t i, j, poff, toff;
	struct buf *b = bl->b;
	long off;

	if ((off = pl_begin(bl, IKEV1_PL_SA)) == -1)
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
	return pl_end(bl, off);
}

int
ikev1_build_id(struct ikev1_builder *bl, const struct ikev1_id *id)
{
	long off;

	if ((off = pl_begin(bl, IKEV1_PL_ID)) == -1)
		return -1;
	buf_put_u8(bl->b, id->type);
	buf_put_u8(bl->b, id->proto);
	buf_put_u16(bl->b, id->port);
	buf_put(bl->b, id->data, id->len);
	return pl_end(bl, off);
}

int
ikev1_build_notify(struct ikev1_builder *bl, const struct ikev1_notify *n)
{
	long off;

	if ((off = pl_begin(bl, IKEV1_PL_NOTIFY)) == -1)
		return -1;
	buf_put_u32(bl->b, n->doi);
	buf_put_u8(bl->b, n->proto);
	buf_put_u8(bl->b, n->spi_size);
	buf_put_u16(bl->b, n->type);
	if (n->spi_size)
		buf_put(bl->b, n->spi, n->spi_size);
	if (n->len)
		buf_put(bl->b, n->data, n->len);
	return pl_end(bl, off);
}

int
ikev1_build_delete(struct ikev1_builder *bl, const struct ikev1_delete *d)
{
	long off;

	if ((off = pl_begin(bl, IKEV1_PL_DELETE)) == -1)
		return -1;
	buf_put_u32(bl->b, d->doi);
	buf_put_u8(bl->b, d->proto);
	buf_put_u8(bl->b, d->spi_size);
	buf_put_u16(bl->b, d->nspi);
	buf_put(bl->b, d->spis, (size_t)d->spi_size * d->nspi);
	return pl_end(bl, off);
}
