/* The payload builder of both IKE codecs. Each payload is appended whole;
 * the previous payload's (or the header's) next-payload field is patched
 * as it goes, so callers never track chain order. */
#include "config.h"

#include <string.h>

#include "keying/ike_wire.h"

#define HDR_NEXT_OFF	16
#define HDR_LEN_OFF	24

uint32_t
ike_delete_spi(const struct ike_delete *d, size_t i)
{
	if (d->spi_size != 4 || i >= d->nspi)
		return 0;
	return ike_rd32(d->spis + 4 * i);
}

void
ike_build_msg(struct ike_builder *bl, struct buf *b, const struct ike_hdr *h,
    uint8_t version)
{
	ike_build_chain(bl, b);
	bl->has_hdr = 1;
	if (ike_hdr_put(b, h, version) < 0)
		bl->failed = 1;
}

void
ike_build_chain(struct ike_builder *bl, struct buf *b)
{
	memset(bl, 0, sizeof(*bl));
	bl->b = b;
	bl->start = b->len;
	bl->next_off = -1;
}

int
ike_build_finish(struct ike_builder *bl, size_t max)
{
	size_t len = bl->b->len - bl->start;

	if (bl->has_hdr) {
		if (len > max)
			bl->failed = 1;
		else
			buf_set_u32(bl->b, bl->start + HDR_LEN_OFF, (uint32_t)len);
	}
	if (bl->b->failed)
		bl->failed = 1;
	return bl->failed ? -1 : 0;
}

long
ike_pl_begin(struct ike_builder *bl, uint8_t type, uint8_t flags)
{
	long off;

	if (bl->failed || bl->closed) {
		bl->failed = 1;
		return -1;
	}
	if ((off = buf_skip(bl->b, IKE_PL_HDR_LEN)) < 0) {
		bl->failed = 1;
		return -1;
	}
	if (bl->next_off >= 0)
		buf_set_u8(bl->b, (size_t)bl->next_off, type);
	else {
		bl->first = type;
		if (bl->has_hdr)
			buf_set_u8(bl->b, bl->start + HDR_NEXT_OFF, type);
	}
	buf_set_u8(bl->b, (size_t)off + 1, flags);
	bl->next_off = off;
	return off;
}

int
ike_pl_end(struct ike_builder *bl, long off)
{
	size_t len;

	if (off < 0 || bl->b->failed) {
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
ike_build_raw(struct ike_builder *bl, uint8_t type, uint8_t flags,
    const void *body, size_t len)
{
	long off;

	if ((off = ike_pl_begin(bl, type, flags)) < 0)
		return -1;
	if (buf_put(bl->b, body, len) < 0) {
		bl->failed = 1;
		return -1;
	}
	return ike_pl_end(bl, off) == 0 ? off : -1;
}
