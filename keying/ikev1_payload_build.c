/* ISAKMP message building (RFC 2408 §3) and the vendor IDs the engine
 * knows. */
#include "config.h"

#include <string.h>

#include "keying/ikev1_msg.h"

void
ikev1_build_msg(struct ikev1_builder *bl, struct buf *b,
    const struct ikev1_hdr *h)
{
	memset(bl, 0, sizeof(*bl));
	bl->b = b;
	bl->start = b->len;
	bl->has_hdr = 1;
	buf_put_u64(b, h->icookie);
	buf_put_u64(b, h->rcookie);
	bl->next_off = (long)b->len;
	buf_put_u8(b, IKEV1_PL_NONE);
	buf_put_u8(b, h->version ? h->version : IKEV1_VERSION);
	buf_put_u8(b, h->exchange);
	buf_put_u8(b, h->flags);
	buf_put_u32(b, h->msgid);
	buf_put_u32(b, 0);		/* patched by finish */
	bl->failed = b->failed;
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

/* ---- vendor IDs ---- */

static const struct vid {
	enum ikev1_vendor kind;
	size_t		 len;		/* bytes to send */
	size_t		 match;		/* prefix that identifies it */
	uint8_t		 bytes[20];
} vids[] = {
	/* RFC 3706 */
	{ IKEV1_VID_DPD, 16, 14, { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1,
	    0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 } },
	/* MD5("RFC 3947") */
	{ IKEV1_VID_NATT_RFC, 16, 16, { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03,
	    0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f } },
	/* MD5("draft-ietf-ipsec-nat-t-ike-02\n") */
	{ IKEV1_VID_NATT_DRAFT_02, 16, 16, { 0x90, 0xcb, 0x80, 0x91, 0x3e,
	    0xbb, 0x69, 0x6e, 0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b,
	    0x1f } },
	/* MD5("draft-ietf-ipsec-nat-t-ike-02") */
	{ IKEV1_VID_NATT_DRAFT_02, 16, 16, { 0xcd, 0x60, 0x46, 0x43, 0x35,
	    0xdf, 0x21, 0xf8, 0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4,
	    0x48 } },
	/* MD5("draft-ietf-ipsec-nat-t-ike-03") */
	{ IKEV1_VID_NATT_DRAFT_03, 16, 16, { 0x7d, 0x94, 0x19, 0xa6, 0x53,
	    0x10, 0xca, 0x6f, 0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d,
	    0x56 } },
	/* MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"), first 8 bytes */
	{ IKEV1_VID_XAUTH, 8, 8, { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7,
	    0x12 } },
	/* MD5("CISCO-UNITY") with major 1, minor 0 in the last two bytes */
	{ IKEV1_VID_CISCO_UNITY, 16, 14, { 0x12, 0xf5, 0xf2, 0x8c, 0x45,
	    0x71, 0x68, 0xa9, 0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01,
	    0x00 } },
	/* MD5("FRAGMENTATION"), Cisco appends 4 bytes of flags */
	{ IKEV1_VID_FRAGMENTATION, 16, 16, { 0x40, 0x48, 0xb7, 0xd5, 0x6e,
	    0xbc, 0xe8, 0x85, 0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2,
	    0xd3 } },
};

enum ikev1_vendor
ikev1_vendor_kind(const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(vids) / sizeof(vids[0]); i++) {
		if (len < vids[i].match || len > 20)
			continue;
		/* an exact ID, or a known prefix with version bytes after it */
		if ((len == vids[i].len || len > vids[i].match) &&
		    memcmp(data, vids[i].bytes, vids[i].match) == 0)
			return vids[i].kind;
	}
	return IKEV1_VID_UNKNOWN;
}

const uint8_t *
ikev1_vendor_bytes(enum ikev1_vendor v, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof(vids) / sizeof(vids[0]); i++)
		if (vids[i].kind == v) {
			*len = vids[i].len;
			return vids[i].bytes;
		}
	*len = 0;
	return NULL;
}
