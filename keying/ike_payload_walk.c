/* The IKE header and the generic payload chain of both IKE versions: one
 * set of bounds checks and one wording of their errors. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keying/ike_payload_walk.h"
#include "keying/ike_wire.h"

/* The codec's notify for code, and where. */
static void __attribute__((format(printf, 6, 7)))
walk_err(struct ike_perr *e, const uint16_t *notify,
    enum ike_perr_code code, uint8_t payload, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	ike_perr_vset(e, code, payload, notify ? notify[code] : 0, fmt, ap);
	va_end(ap);
	e->off = off;
}

int
ike_hdr_parse(const uint8_t *p, size_t len, unsigned int major,
    const char *proto, const uint16_t *notify, struct ike_hdr *h,
    struct ike_perr *e)
{
	ike_perr_clear(e);
	if (p == NULL || len < IKE_HDR_LEN) {
		walk_err(e, notify, IKE_E_SHORT, 0, 0,
		    "message of %zu bytes is shorter than the %s header", len,
		    proto);
		return -1;
	}
	h->ispi = ike_rd64(p);
	h->rspi = ike_rd64(p + 8);
	h->next = p[16];
	h->version = p[17];
	h->exchange = p[18];
	h->flags = p[19];
	h->msgid = ike_rd32(p + 20);
	h->length = ike_rd32(p + 24);
	/* Another major version may have another layout: judge it before
	 * anything else (RFC 7296 §2.5, RFC 2408 §5.1). */
	if ((h->version >> 4) != major) {
		walk_err(e, notify, IKE_E_VERSION, 0, 17,
		    "unsupported %s version %u.%u", proto, h->version >> 4,
		    h->version & 0x0f);
		return -1;
	}
	if (h->length != len) {
		walk_err(e, notify, IKE_E_LENGTH, 0, 24,
		    "header length %u differs from datagram length %zu",
		    h->length, len);
		return -1;
	}
	return 0;
}

int
ike_hdr_put(struct buf *b, const struct ike_hdr *h, uint8_t default_version)
{
	buf_put_u64(b, h->ispi);
	buf_put_u64(b, h->rspi);
	buf_put_u8(b, 0);		/* next payload: patched by the builder */
	buf_put_u8(b, h->version ? h->version : default_version);
	buf_put_u8(b, h->exchange);
	buf_put_u8(b, h->flags);
	buf_put_u32(b, h->msgid);
	buf_put_u32(b, 0);		/* length: patched by the builder */
	return b->failed ? -1 : 0;
}

int
ike_msg_bufs_copy(struct ike_msg_bufs *b, const uint8_t *p, size_t len)
{
	return (b->raw = buf_from(p, len)) == NULL ? -1 : 0;
}

void
ike_msg_bufs_plain(struct ike_msg_bufs *b, struct buf *plain)
{
	buf_free(b->plain);
	b->plain = plain;
}

void
ike_msg_bufs_free(struct ike_msg_bufs *b)
{
	buf_free(b->raw);
	buf_free(b->plain);
}

void
ike_walk_init(struct ike_walk *w, const uint8_t *p, size_t len, size_t base,
    uint8_t first, size_t max, const char *(*name)(unsigned int),
    int (*known)(uint8_t), const uint16_t *notify)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->len = p ? len : 0;
	w->base = base;
	w->type = first;
	w->max = max;
	w->name = name;
	w->known = known;
	w->notify = notify;
}

int
ike_walk_next(struct ike_walk *w, struct ike_walk_pl *pl,
    struct ike_perr *e)
{
	const uint8_t *q;
	size_t plen;

	/* Each round consumes at least a generic header: the loop ends
	 * within len / 4 rounds whatever the chain says. */
	while (w->type != 0) {
		if (w->len - w->off < IKE_PL_HDR_LEN) {
			walk_err(e, w->notify, IKE_E_PAYLOAD_LENGTH, w->type, w->base + w->off,
			    "%s payload header truncated at offset %zu",
			    w->name(w->type), w->base + w->off);
			return -1;
		}
		q = w->p + w->off;
		plen = ike_rd16(q + 2);
		if (plen < IKE_PL_HDR_LEN || plen > w->len - w->off) {
			walk_err(e, w->notify, IKE_E_PAYLOAD_LENGTH, w->type, w->base + w->off,
			    "%s payload length %zu at offset %zu (%zu bytes left)",
			    w->name(w->type), plen, w->base + w->off,
			    w->len - w->off);
			return -1;
		}
		if (w->known && !w->known(w->type)) {
			if (q[1] & IKE_PL_CRITICAL) {
				walk_err(e, w->notify, IKE_E_CRITICAL, w->type,
				    w->base + w->off, "unsupported critical "
				    "payload type %u at offset %zu", w->type,
				    w->base + w->off);
				return -1;
			}
			w->type = q[0];
			w->off += plen;
			continue;
		}
		if (w->n >= w->max) {
			walk_err(e, w->notify, IKE_E_TOO_MANY, w->type, w->base + w->off,
			    "more than %zu payloads", w->max);
			return -1;
		}
		pl->type = w->type;
		pl->next = q[0];
		pl->flags = q[1];
		pl->body = q + IKE_PL_HDR_LEN;
		pl->len = plen - IKE_PL_HDR_LEN;
		pl->off = w->base + w->off;
		w->n++;
		w->type = q[0];
		w->off += plen;
		return 1;
	}
	return 0;
}

int
ike_walk_fail(const struct ike_walk_pl *pl, struct ike_perr *e)
{
	if (e)
		e->off = pl->off;
	return -1;
}

int
ike_walk_end(const struct ike_walk *w, int padded, struct ike_perr *e)
{
	if (w->off != w->len && !padded) {
		walk_err(e, w->notify, IKE_E_TRAILING, 0, w->base + w->off,
		    "%zu bytes after the last payload", w->len - w->off);
		return -1;
	}
	return 0;
}
