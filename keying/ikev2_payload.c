/* Typed IKEv2 payload parsers (RFC 7296 §3.3-§3.16, RFC 7383 §2.5). Each
 * checks the body strictly and never reads outside it; data pointers in the
 * results point into the payload body. */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keying/ikev2_msg.h"

#define SYNTAX(err, p, ...) \
	ike_perr_set((err), IKE_E_SYNTAX, (p)->type, IKEV2_N_INVALID_SYNTAX, \
	    __VA_ARGS__)

#define PROP_HDR_LEN	8
#define XFORM_HDR_LEN	8
#define LAST_PROP	0
#define MORE_PROPS	2
#define LAST_XFORM	0
#define MORE_XFORMS	3

/* Transforms of one proposal in b[0..len). Returns 0 and sets *usable, or -1. */
static int
parse_xforms(const struct ikev2_pl *pl, const uint8_t *b, size_t len,
    unsigned int announced, struct ikev2_prop *prop, int *usable,
    struct ike_perr *err)
{
	size_t off = 0, tlen, aoff;
	unsigned int count = 0;
	uint16_t atype, alen, keylen;
	int known;

	while (off < len) {
		if (len - off < XFORM_HDR_LEN) {
			SYNTAX(err, pl, "proposal %u: transform header truncated",
			    prop->num);
			return -1;
		}
		tlen = ike_rd16(b + off + 2);
		if (tlen < XFORM_HDR_LEN || tlen > len - off) {
			SYNTAX(err, pl, "proposal %u: transform length %zu",
			    prop->num, tlen);
			return -1;
		}
		if (b[off] != LAST_XFORM && b[off] != MORE_XFORMS) {
			SYNTAX(err, pl, "proposal %u: transform marker %u",
			    prop->num, b[off]);
			return -1;
		}
		if ((b[off] == LAST_XFORM) != (off + tlen == len)) {
			SYNTAX(err, pl, "proposal %u: last-transform marker "
			    "disagrees with the proposal length", prop->num);
			return -1;
		}
		known = b[off + 4] >= IKEV2_XFORM_ENCR &&
		    b[off + 4] <= IKEV2_XFORM_TYPE_MAX;
		keylen = 0;
		for (aoff = off + XFORM_HDR_LEN; aoff < off + tlen; ) {
			if (off + tlen - aoff < 4) {
				SYNTAX(err, pl, "proposal %u: attribute truncated",
				    prop->num);
				return -1;
			}
			atype = ike_rd16(b + aoff);
			alen = ike_rd16(b + aoff + 2);
			if (atype & IKEV2_ATTR_TV) {
				if ((atype & ~IKEV2_ATTR_TV) == IKEV2_ATTR_KEY_LENGTH &&
				    keylen == 0 && alen != 0)
					keylen = alen;
				else
					known = 0;
				aoff += 4;
				continue;
			}
			if (alen > off + tlen - aoff - 4) {
				SYNTAX(err, pl, "proposal %u: attribute length %u",
				    prop->num, alen);
				return -1;
			}
			known = 0;
			aoff += 4 + (size_t)alen;
		}
		if (known && prop->nxf < IKEV2_PROP_XF_MAX) {
			struct ikev2_xform *xf = &prop->xf[prop->nxf++];

			xf->type = b[off + 4];
			xf->id = ike_rd16(b + off + 6);
			xf->keylen = keylen;
		} else
			*usable = 0;
		count++;
		off += tlen;
	}
	if (count != announced) {
		SYNTAX(err, pl, "proposal %u announces %u transforms but has %u",
		    prop->num, announced, count);
		return -1;
	}
	return 0;
}

int
ikev2_pl_sa(const struct ikev2_pl *pl, struct ikev2_prop_list *sa,
    struct ike_perr *err)
{
	const uint8_t *b = pl->body;
	size_t off = 0, plen;
	unsigned int idx = 0;
	uint8_t num, prev = 0, spisz;
	struct ikev2_prop prop;
	int usable;

	memset(sa, 0, sizeof(*sa));
	while (off < pl->len) {
		if (pl->len - off < PROP_HDR_LEN) {
			SYNTAX(err, pl, "proposal header truncated");
			return -1;
		}
		plen = ike_rd16(b + off + 2);
		num = b[off + 4];
		spisz = b[off + 6];
		if (b[off] != LAST_PROP && b[off] != MORE_PROPS) {
			SYNTAX(err, pl, "proposal marker %u", b[off]);
			return -1;
		}
		if (plen < PROP_HDR_LEN + (size_t)spisz || plen > pl->len - off) {
			SYNTAX(err, pl, "proposal %u length %zu", num, plen);
			return -1;
		}
		if ((b[off] == LAST_PROP) != (off + plen == pl->len)) {
			SYNTAX(err, pl, "last-proposal marker disagrees with "
			    "the payload length");
			return -1;
		}
		/* 1, 2, 3...; a reply's single proposal keeps the number
		 * it had in the request. */
		if (num == 0 || (idx > 0 && num != prev + 1) ||
		    (idx == 1 && prev != 1)) {
			SYNTAX(err, pl, "proposal number %u after %u", num, prev);
			return -1;
		}
		if (spisz != 0 && spisz != 4 && spisz != 8) {
			SYNTAX(err, pl, "proposal %u: SPI size %u", num, spisz);
			return -1;
		}
		if (b[off + 7] == 0) {
			SYNTAX(err, pl, "proposal %u without transforms", num);
			return -1;
		}
		memset(&prop, 0, sizeof(prop));
		prop.num = num;
		prop.proto = b[off + 5];
		prop.spi_size = spisz;
		memcpy(prop.spi, b + off + PROP_HDR_LEN, spisz);
		usable = prop.proto >= IKEV2_PROTO_IKE && prop.proto <= IKEV2_PROTO_ESP;
		if (parse_xforms(pl, b + off + PROP_HDR_LEN + spisz,
		    plen - PROP_HDR_LEN - spisz, b[off + 7], &prop, &usable, err) < 0)
			return -1;
		if (usable && sa->n < IKEV2_PROP_MAX)
			sa->p[sa->n++] = prop;
		prev = num;
		idx++;
		off += plen;
	}
	if (idx == 0) {
		SYNTAX(err, pl, "SA payload without proposals");
		return -1;
	}
	return 0;
}

int
ikev2_pl_ke(const struct ikev2_pl *pl, struct ikev2_ke *ke, struct ike_perr *err)
{
	if (pl->len <= 4) {
		SYNTAX(err, pl, "KE payload of %zu bytes", pl->len);
		return -1;
	}
	ke->group = ike_rd16(pl->body);
	ke->data = pl->body + 4;
	ke->len = pl->len - 4;
	return 0;
}

int
ikev2_pl_id(const struct ikev2_pl *pl, struct ikev2_id *id, struct ike_perr *err)
{
	if (pl->len < 4) {
		SYNTAX(err, pl, "ID payload of %zu bytes", pl->len);
		return -1;
	}
	id->type = pl->body[0];
	id->data = pl->body + 4;
	id->len = pl->len - 4;
	if ((id->type == IKEV2_ID_IPV4_ADDR && id->len != 4) ||
	    (id->type == IKEV2_ID_IPV6_ADDR && id->len != 16) ||
	    (id->type != IKEV2_ID_NULL && id->len == 0)) {
		SYNTAX(err, pl, "%s identity of %zu bytes",
		    ikev2_id_type_name(id->type), id->len);
		return -1;
	}
	return 0;
}

int
ikev2_pl_auth(const struct ikev2_pl *pl, struct ikev2_auth *a, struct ike_perr *err)
{
	if (pl->len <= 4) {
		SYNTAX(err, pl, "AUTH payload of %zu bytes", pl->len);
		return -1;
	}
	a->method = pl->body[0];
	a->data = pl->body + 4;
	a->len = pl->len - 4;
	return 0;
}

int
ikev2_pl_nonce(const struct ikev2_pl *pl, struct ikev2_nonce *n, struct ike_perr *err)
{
	if (pl->len < IKEV2_NONCE_MIN || pl->len > IKEV2_NONCE_MAX) {
		SYNTAX(err, pl, "nonce of %zu bytes (allowed %d..%d)", pl->len,
		    IKEV2_NONCE_MIN, IKEV2_NONCE_MAX);
		return -1;
	}
	n->data = pl->body;
	n->len = pl->len;
	return 0;
}

int
ikev2_pl_notify(const struct ikev2_pl *pl, struct ikev2_notify *n,
    struct ike_perr *err)
{
	size_t want = 0;

	if (pl->len < 4) {
		SYNTAX(err, pl, "notify payload of %zu bytes", pl->len);
		return -1;
	}
	memset(n, 0, sizeof(*n));
	n->proto = pl->body[0];
	n->spi_size = pl->body[1];
	n->type = ike_rd16(pl->body + 2);
	if ((n->spi_size != 0 && n->spi_size != 4 && n->spi_size != 8) ||
	    n->spi_size > pl->len - 4) {
		SYNTAX(err, pl, "%s: SPI size %u", ikev2_notify_name(n->type),
		    n->spi_size);
		return -1;
	}
	memcpy(n->spi, pl->body + 4, n->spi_size);
	n->data = pl->body + 4 + n->spi_size;
	n->len = pl->len - 4 - n->spi_size;
	switch (n->type) {
	case IKEV2_N_NAT_DETECTION_SOURCE_IP:
	case IKEV2_N_NAT_DETECTION_DESTINATION_IP:
		want = IKEV2_NATD_LEN;
		break;
	case IKEV2_N_INVALID_KE_PAYLOAD:
		want = 2;
		break;
	case IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD:
		want = 1;
		break;
	case IKEV2_N_COOKIE:
		if (n->len < 1 || n->len > 64) {
			SYNTAX(err, pl, "COOKIE of %zu bytes", n->len);
			return -1;
		}
		break;
	}
	if (want && n->len != want) {
		SYNTAX(err, pl, "%s with %zu bytes of data",
		    ikev2_notify_name(n->type), n->len);
		return -1;
	}
	return 0;
}

int
ikev2_pl_delete(const struct ikev2_pl *pl, struct ike_delete *d,
    struct ike_perr *err)
{
	if (pl->len < 4) {
		SYNTAX(err, pl, "delete payload of %zu bytes", pl->len);
		return -1;
	}
	d->doi = 0;
	d->proto = pl->body[0];
	d->spi_size = pl->body[1];
	d->nspi = ike_rd16(pl->body + 2);
	d->spis = pl->body + 4;
	if (d->proto == IKEV2_PROTO_IKE) {
		if (d->spi_size != 0 || d->nspi != 0) {
			SYNTAX(err, pl, "IKE SA delete with SPI size %u, %u SPIs",
			    d->spi_size, d->nspi);
			return -1;
		}
	} else if (d->proto == IKEV2_PROTO_ESP || d->proto == IKEV2_PROTO_AH) {
		if (d->spi_size != 4 || d->nspi == 0) {
			SYNTAX(err, pl, "%s delete with SPI size %u, %u SPIs",
			    ikev2_proto_name(d->proto), d->spi_size, d->nspi);
			return -1;
		}
	} else {
		SYNTAX(err, pl, "delete for protocol %u", d->proto);
		return -1;
	}
	if ((size_t)d->nspi * d->spi_size != pl->len - 4) {
		SYNTAX(err, pl, "delete: %u SPIs of %u bytes in %zu bytes",
		    d->nspi, d->spi_size, pl->len - 4);
		return -1;
	}
	return 0;
}

int
ikev2_pl_ts(const struct ikev2_pl *pl, struct ikev2_tsp *t, struct ike_perr *err)
{
	const uint8_t *b = pl->body;
	size_t off = 4, slen, alen;
	unsigned int i, num;
	struct ikev2_ts *ts;

	if (pl->len < 4) {
		SYNTAX(err, pl, "TS payload of %zu bytes", pl->len);
		return -1;
	}
	num = b[0];
	if (num == 0) {
		SYNTAX(err, pl, "TS payload without selectors");
		return -1;
	}
	if (num > IKEV2_MAX_TS) {
		ike_perr_set(err, IKE_E_TOO_MANY, pl->type, IKEV2_N_INVALID_SYNTAX,
		    "%u traffic selectors (at most %d)", num, IKEV2_MAX_TS);
		return -1;
	}
	memset(t, 0, sizeof(*t));
	for (i = 0; i < num; i++) {
		if (pl->len - off < 8) {
			SYNTAX(err, pl, "selector %u truncated", i + 1);
			return -1;
		}
		ts = &t->ts[i];
		ts->type = b[off];
		ts->proto = b[off + 1];
		slen = ike_rd16(b + off + 2);
		if (ts->type == IKEV2_TS_IPV4_ADDR_RANGE) {
			alen = 4;
			ts->start.family = ts->end.family = AF_INET;
		} else if (ts->type == IKEV2_TS_IPV6_ADDR_RANGE) {
			alen = 16;
			ts->start.family = ts->end.family = AF_INET6;
		} else {
			SYNTAX(err, pl, "selector %u of type %u", i + 1, ts->type);
			return -1;
		}
		if (slen != 8 + 2 * alen || slen > pl->len - off) {
			SYNTAX(err, pl, "%s selector of %zu bytes",
			    ikev2_ts_type_name(ts->type), slen);
			return -1;
		}
		ts->sport = ike_rd16(b + off + 4);
		ts->eport = ike_rd16(b + off + 6);
		memcpy(ts->start.u.raw, b + off + 8, alen);
		memcpy(ts->end.u.raw, b + off + 8 + alen, alen);
		off += slen;
	}
	if (off != pl->len) {
		SYNTAX(err, pl, "%zu bytes after %u selectors", pl->len - off, num);
		return -1;
	}
	t->n = num;
	return 0;
}

int
ikev2_pl_vendor(const struct ikev2_pl *pl, struct ikev2_nonce *v,
    struct ike_perr *err)
{
	(void)err;
	v->data = pl->body;
	v->len = pl->len;
	return 0;
}

int
ikev2_pl_cp(const struct ikev2_pl *pl, struct ikev2_cp *cp, struct ike_perr *err)
{
	size_t off = 4, alen;

	if (pl->len < 4) {
		SYNTAX(err, pl, "CP payload of %zu bytes", pl->len);
		return -1;
	}
	memset(cp, 0, sizeof(*cp));
	cp->type = pl->body[0];
	if (cp->type < IKEV2_CFG_REQUEST || cp->type > IKEV2_CFG_ACK) {
		SYNTAX(err, pl, "CP type %u", cp->type);
		return -1;
	}
	while (off < pl->len) {
		if (pl->len - off < 4) {
			SYNTAX(err, pl, "CP attribute truncated");
			return -1;
		}
		alen = ike_rd16(pl->body + off + 2);
		if (alen > pl->len - off - 4) {
			SYNTAX(err, pl, "CP attribute length %zu", alen);
			return -1;
		}
		if (cp->nattr >= IKEV2_MAX_CP_ATTRS) {
			ike_perr_set(err, IKE_E_TOO_MANY, pl->type,
			    IKEV2_N_INVALID_SYNTAX, "more than %d CP attributes",
			    IKEV2_MAX_CP_ATTRS);
			return -1;
		}
		cp->attr[cp->nattr].type = ike_rd16(pl->body + off) & 0x7fff;
		cp->attr[cp->nattr].len = (uint16_t)alen;
		cp->attr[cp->nattr].val = pl->body + off + 4;
		cp->nattr++;
		off += 4 + alen;
	}
	return 0;
}

int
ikev2_pl_cert(const struct ikev2_pl *pl, struct ikev2_cert *c, struct ike_perr *err)
{
	if (pl->len < 1 || (pl->type == IKEV2_PL_CERT && pl->len < 2)) {
		SYNTAX(err, pl, "%s payload of %zu bytes",
		    ikev2_payload_name(pl->type), pl->len);
		return -1;
	}
	c->encoding = pl->body[0];
	c->data = pl->body + 1;
	c->len = pl->len - 1;
	return 0;
}

int
ikev2_pl_skf(const struct ikev2_pl *pl, struct ikev2_skf *f, struct ike_perr *err)
{
	if (pl->len < 4) {
		SYNTAX(err, pl, "SKF payload of %zu bytes", pl->len);
		return -1;
	}
	f->num = ike_rd16(pl->body);
	f->total = ike_rd16(pl->body + 2);
	if (f->num == 0 || f->total == 0 || f->num > f->total) {
		SYNTAX(err, pl, "fragment %u of %u", f->num, f->total);
		return -1;
	}
	/* Only the first fragment names the inner payload type (§2.5). */
	if (f->num != 1 && pl->next != IKEV2_PL_NONE) {
		SYNTAX(err, pl, "fragment %u with next payload %u", f->num, pl->next);
		return -1;
	}
	f->data = pl->body + 4;
	f->len = pl->len - 4;
	return 0;
}

int
ikev2_pl_check(const struct ikev2_pl *pl, struct ike_perr *err)
{
	union ikev2_pl_any u;

	switch (pl->type) {
	case IKEV2_PL_SA:
		return ikev2_pl_sa(pl, &u.sa, err);
	case IKEV2_PL_KE:
		return ikev2_pl_ke(pl, &u.ke, err);
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		return ikev2_pl_id(pl, &u.id, err);
	case IKEV2_PL_AUTH:
		return ikev2_pl_auth(pl, &u.auth, err);
	case IKEV2_PL_NONCE:
		return ikev2_pl_nonce(pl, &u.nonce, err);
	case IKEV2_PL_NOTIFY:
		return ikev2_pl_notify(pl, &u.n, err);
	case IKEV2_PL_DELETE:
		return ikev2_pl_delete(pl, &u.d, err);
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
		return ikev2_pl_ts(pl, &u.ts, err);
	case IKEV2_PL_CP:
		return ikev2_pl_cp(pl, &u.cp, err);
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		return ikev2_pl_cert(pl, &u.cert, err);
	case IKEV2_PL_SKF:
		return ikev2_pl_skf(pl, &u.skf, err);
	}
	return 0;
}

uint64_t
ikev2_spi_value(const uint8_t *spi, uint8_t spi_size)
{
	uint64_t v = 0;
	uint8_t i;

	for (i = 0; i < spi_size && i < 8; i++)
		v = v << 8 | spi[i];
	return v;
}

void
ikev2_spi_put(uint8_t spi[8], uint8_t spi_size, uint64_t v)
{
	int i;

	memset(spi, 0, 8);
	for (i = (spi_size > 8 ? 8 : spi_size) - 1; i >= 0; i--) {
		spi[i] = v & 0xff;
		v >>= 8;
	}
}

static void
hex_str(const uint8_t *p, size_t n, char *dst, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && o + 3 <= len; i++) {
		dst[o++] = hx[p[i] >> 4];
		dst[o++] = hx[p[i] & 0x0f];
	}
	dst[o] = '\0';
}

const char *
ikev2_id_str(const struct ikev2_id *id, char *dst, size_t len)
{
	struct ifl_addr a;
	size_t i, n;

	if (dst == NULL || len == 0)
		return "";
	dst[0] = '\0';
	memset(&a, 0, sizeof(a));
	switch (id->type) {
	case IKEV2_ID_IPV4_ADDR:
	case IKEV2_ID_IPV6_ADDR:
		if (id->len != (id->type == IKEV2_ID_IPV4_ADDR ? 4u : 16u))
			break;
		a.family = id->type == IKEV2_ID_IPV4_ADDR ? AF_INET : AF_INET6;
		memcpy(a.u.raw, id->data, id->len);
		return addr_str(&a, dst, len);
	case IKEV2_ID_FQDN:
	case IKEV2_ID_RFC822_ADDR:
		n = id->len < len - 1 ? id->len : len - 1;
		for (i = 0; i < n; i++)
			dst[i] = id->data[i] >= 0x20 && id->data[i] < 0x7f ?
			    (char)id->data[i] : '?';
		dst[n] = '\0';
		return dst;
	case IKEV2_ID_NULL:
		snprintf(dst, len, "(null)");
		return dst;
	}
	hex_str(id->data, id->len, dst, len);
	return dst;
}

/* Prefix length if [lo, hi] is exactly one CIDR block, else -1. */
static int
range_plen(const struct ifl_addr *lo, const struct ifl_addr *hi)
{
	size_t n = addr_len(lo), i;
	int plen = 0, bit;
	uint8_t x;

	/* Common leading bits; then lo must be the network, hi the broadcast. */
	for (i = 0; i < n && lo->u.raw[i] == hi->u.raw[i]; i++)
		plen += 8;
	if (i < n) {
		x = lo->u.raw[i] ^ hi->u.raw[i];
		for (bit = 7; bit >= 0 && !((x >> bit) & 1); bit--)
			plen++;
	}
	for (i = 0; i < n * 8; i++) {
		int lb = (lo->u.raw[i / 8] >> (7 - i % 8)) & 1;
		int hb = (hi->u.raw[i / 8] >> (7 - i % 8)) & 1;

		if ((int)i < plen ? lb != hb : (lb != 0 || hb != 1))
			return -1;
	}
	return plen;
}

const char *
ikev2_ts_str(const struct ikev2_ts *ts, char *dst, size_t len)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], ports[32] = "";
	int plen;

	if (ts->start.family != ts->end.family || addr_len(&ts->start) == 0) {
		snprintf(dst, len, "?");
		return dst;
	}
	if (ts->proto != 0 || ts->sport != 0 || ts->eport != 0xffff) {
		if (ts->sport == ts->eport)
			snprintf(ports, sizeof(ports), "[%u/%u]", ts->proto, ts->sport);
		else if (ts->sport == 0 && ts->eport == 0xffff)
			snprintf(ports, sizeof(ports), "[%u]", ts->proto);
		else
			snprintf(ports, sizeof(ports), "[%u/%u-%u]", ts->proto,
			    ts->sport, ts->eport);
	}
	addr_str(&ts->start, a, sizeof(a));
	if ((plen = range_plen(&ts->start, &ts->end)) >= 0)
		snprintf(dst, len, "%s/%d%s", a, plen, ports);
	else
		snprintf(dst, len, "%s..%s%s", a, addr_str(&ts->end, b, sizeof(b)),
		    ports);
	return dst;
}
