/* ISAKMP header and payload chain parsing (RFC 2408 §3.1, §3.2) and the
 * typed payload parsers (§3.4 - §3.16, RFC 2407 §4.6). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keying/ikev1_msg.h"

const char *
ikev1_exchange_name(uint8_t exch)
{
	switch (exch) {
	case IKEV1_EXCH_BASE:		return "Base";
	case IKEV1_EXCH_MAIN:		return "Main Mode";
	case IKEV1_EXCH_AUTHONLY:	return "Authentication Only";
	case IKEV1_EXCH_AGGRESSIVE:	return "Aggressive Mode";
	case IKEV1_EXCH_INFO:		return "Informational";
	case IKEV1_EXCH_TRANSACTION:	return "Transaction";
	case IKEV1_EXCH_QUICK:		return "Quick Mode";
	case IKEV1_EXCH_NEW_GROUP:	return "New Group Mode";
	}
	return "unknown";
}

const char *
ikev1_payload_name(unsigned int type)
{
	switch (type) {
	case IKEV1_PL_NONE:		return "NONE";
	case IKEV1_PL_SA:		return "SA";
	case IKEV1_PL_PROPOSAL:		return "PROPOSAL";
	case IKEV1_PL_TRANSFORM:	return "TRANSFORM";
	case IKEV1_PL_KE:		return "KE";
	case IKEV1_PL_ID:		return "ID";
	case IKEV1_PL_CERT:		return "CERT";
	case IKEV1_PL_CR:		return "CERTREQ";
	case IKEV1_PL_HASH:		return "HASH";
	case IKEV1_PL_SIG:		return "SIG";
	case IKEV1_PL_NONCE:		return "NONCE";
	case IKEV1_PL_NOTIFY:		return "NOTIFY";
	case IKEV1_PL_DELETE:		return "DELETE";
	case IKEV1_PL_VENDOR:		return "VENDOR";
	case IKEV1_PL_ATTR:		return "ATTR";
	case IKEV1_PL_NATD:
	case IKEV1_PL_NATD_DRAFT:	return "NAT-D";
	case IKEV1_PL_NATOA:
	case IKEV1_PL_NATOA_DRAFT:	return "NAT-OA";
	case IKEV1_PL_FRAG:		return "FRAGMENT";
	}
	return "unknown";
}

const char *
ikev1_notify_name(uint16_t type)
{
	switch (type) {
	case IKEV1_N_INVALID_PAYLOAD_TYPE:	return "INVALID-PAYLOAD-TYPE";
	case IKEV1_N_INVALID_COOKIE:		return "INVALID-COOKIE";
	case IKEV1_N_INVALID_MAJOR_VERSION:	return "INVALID-MAJOR-VERSION";
	case IKEV1_N_INVALID_EXCHANGE_TYPE:	return "INVALID-EXCHANGE-TYPE";
	case IKEV1_N_INVALID_FLAGS:		return "INVALID-FLAGS";
	case IKEV1_N_INVALID_MESSAGE_ID:	return "INVALID-MESSAGE-ID";
	case IKEV1_N_INVALID_PROTOCOL_ID:	return "INVALID-PROTOCOL-ID";
	case IKEV1_N_INVALID_SPI:		return "INVALID-SPI";
	case IKEV1_N_INVALID_TRANSFORM_ID:	return "INVALID-TRANSFORM-ID";
	case IKEV1_N_ATTRIBUTES_NOT_SUPPORTED:	return "ATTRIBUTES-NOT-SUPPORTED";
	case IKEV1_N_NO_PROPOSAL_CHOSEN:	return "NO-PROPOSAL-CHOSEN";
	case IKEV1_N_BAD_PROPOSAL_SYNTAX:	return "BAD-PROPOSAL-SYNTAX";
	case IKEV1_N_PAYLOAD_MALFORMED:		return "PAYLOAD-MALFORMED";
	case IKEV1_N_INVALID_KEY_INFORMATION:	return "INVALID-KEY-INFORMATION";
	case IKEV1_N_INVALID_ID_INFORMATION:	return "INVALID-ID-INFORMATION";
	case IKEV1_N_INVALID_HASH_INFORMATION:	return "INVALID-HASH-INFORMATION";
	case IKEV1_N_AUTHENTICATION_FAILED:	return "AUTHENTICATION-FAILED";
	case IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE:	return "UNSUPPORTED-EXCHANGE-TYPE";
	case IKEV1_N_CONNECTED:			return "CONNECTED";
	case IKEV1_N_RESPONDER_LIFETIME:	return "RESPONDER-LIFETIME";
	case IKEV1_N_REPLAY_STATUS:		return "REPLAY-STATUS";
	case IKEV1_N_INITIAL_CONTACT:		return "INITIAL-CONTACT";
	case IKEV1_N_DPD_R_U_THERE:		return "R-U-THERE";
	case IKEV1_N_DPD_R_U_THERE_ACK:		return "R-U-THERE-ACK";
	}
	return "unknown";
}

/* What the walker's errors answer. */
static const uint16_t walk_notify[IKE_E_NCODES] = {
	[IKE_E_VERSION] = IKEV1_N_INVALID_MAJOR_VERSION,
	[IKE_E_LENGTH] = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS,
	[IKE_E_PAYLOAD_LENGTH] = IKEV1_N_PAYLOAD_MALFORMED,
	[IKE_E_TOO_MANY] = IKEV1_N_PAYLOAD_MALFORMED,
	[IKE_E_TRAILING] = IKEV1_N_PAYLOAD_MALFORMED,
};

int
ikev1_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h,
    struct ike_perr *err)
{
	return ike_hdr_parse(p, len, 1, "ISAKMP", walk_notify, h, err);
}

/* Proposal and transform payloads live only inside an SA payload. */
static int
toplevel_ok(uint8_t type)
{
	return type != IKEV1_PL_PROPOSAL && type != IKEV1_PL_TRANSFORM;
}

int
ikev1_chain_parse(const uint8_t *p, size_t len, uint8_t first, int padded,
    struct ikev1_pl *pl, size_t max, size_t *n, size_t *used,
    struct ike_perr *err)
{
	struct ike_walk w;
	struct ike_walk_pl wp;
	int r;

	ike_perr_clear(err);
	*n = 0;
	*used = 0;
	ike_walk_init(&w, p, len, 0, first, max, ikev1_payload_name, NULL,
	    walk_notify);
	for (;;) {
		if (w.type != IKEV1_PL_NONE && !toplevel_ok(w.type)) {
			ike_perr_set(err, IKE_E_TYPE, w.type,
			    IKEV1_N_INVALID_PAYLOAD_TYPE,
			    "%s payload outside an SA at offset %zu",
			    ikev1_payload_name(w.type), w.off);
			if (err)
				err->off = w.off;
			return -1;
		}
		if ((r = ike_walk_next(&w, &wp, err)) == 0)
			break;
		if (r == -1)
			return -1;
		pl[*n].type = wp.type;
		pl[*n].next = wp.next;
		pl[*n].body = wp.body;
		pl[*n].len = wp.len;
		pl[*n].off = wp.off;
		if (ikev1_pl_check(&pl[*n], err) == -1)
			return ike_walk_fail(&wp, err);
		(*n)++;
	}
	if (ike_walk_end(&w, padded, err) == -1)
		return -1;
	*used = w.off;
	return 0;
}

struct ikev1_msg *
ikev1_msg_parse(const uint8_t *p, size_t len, struct ike_perr *err)
{
	struct ikev1_msg *m;
	struct ike_hdr h;

	if (ikev1_hdr_parse(p, len, &h, err) == -1)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    ike_msg_bufs_copy(&m->bufs, p, len) == -1) {
		ike_perr_set(err, IKE_E_NOMEM, 0, 0, "out of memory");
		ikev1_msg_free(m);
		return NULL;
	}
	m->hdr = h;
	if (h.flags & IKEV1_FLAG_ENC)
		return m;
	m->chain = m->bufs.raw->data + IKEV1_HDR_LEN;
	if (ikev1_chain_parse(m->chain, len - IKEV1_HDR_LEN, h.next, 0, m->pl,
	    IKEV1_MAX_PAYLOADS, &m->n, &m->chain_len, err) == -1) {
		ikev1_msg_free(m);
		return NULL;
	}
	m->parsed = 1;
	return m;
}

void
ikev1_msg_free(struct ikev1_msg *m)
{
	if (m == NULL)
		return;
	ike_msg_bufs_free(&m->bufs);
	free(m);
}

int
ikev1_msg_set_plain(struct ikev1_msg *m, struct buf *plain,
    struct ike_perr *err)
{
	ike_perr_clear(err);
	if (m->parsed || !(m->hdr.flags & IKEV1_FLAG_ENC)) {
		buf_free(plain);
		ike_perr_set(err, IKE_E_NOT_ENCRYPTED, 0, 0,
		    "message is not encrypted or already parsed");
		return -1;
	}
	ike_msg_bufs_plain(&m->bufs, plain);
	m->chain = plain->data;
	if (ikev1_chain_parse(plain->data, plain->len, m->hdr.next, 1, m->pl,
	    IKEV1_MAX_PAYLOADS, &m->n, &m->chain_len, err) == -1) {
		m->n = 0;
		return -1;
	}
	m->parsed = 1;
	return 0;
}

const struct ikev1_pl *
ikev1_msg_get(const struct ikev1_msg *m, uint8_t type, size_t idx)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->pl[i].type == type && idx-- == 0)
			return &m->pl[i];
	return NULL;
}

size_t
ikev1_msg_count(const struct ikev1_msg *m, uint8_t type)
{
	size_t i, c = 0;

	for (i = 0; i < m->n; i++)
		if (m->pl[i].type == type)
			c++;
	return c;
}

const uint8_t *
ikev1_msg_after(const struct ikev1_msg *m, const struct ikev1_pl *pl,
    size_t *len)
{
	size_t end = pl->off + IKEV1_PL_HDR_LEN + pl->len;

	*len = m->chain_len - end;
	return m->chain + end;
}

/* ---- attributes ---- */

int
ikev1_attr_next(const uint8_t **p, size_t *left, struct ikev1_attr *a)
{
	const uint8_t *q = *p;
	size_t i, alen;

	if (*left == 0)
		return 0;
	if (*left < 4)
		return -1;
	memset(a, 0, sizeof(*a));
	a->type = ike_rd16(q) & 0x7fff;
	if (q[0] & 0x80) {
		a->tv = 1;
		a->val = ike_rd16(q + 2);
		*p += 4;
		*left -= 4;
		return 1;
	}
	alen = ike_rd16(q + 2);
	if (alen > *left - 4)
		return -1;
	a->data = q + 4;
	a->len = alen;
	/* Leading zeros do not make a value big. */
	for (i = 0; i < alen && a->data[i] == 0; i++)
		;
	if (alen - i > 4)
		a->big = 1;
	else
		for (; i < alen; i++)
			a->val = a->val << 8 | a->data[i];
	*p += 4 + alen;
	*left -= 4 + alen;
	return 1;
}

int
ikev1_attr_put(struct buf *b, uint16_t type, uint32_t val, int variable)
{
	if (val <= 0xffff) {
		buf_put_u16(b, (uint16_t)(0x8000 | type));
		return buf_put_u16(b, (uint16_t)val);
	}
	if (!variable)		/* a basic class cannot hold it */
		return -1;
	buf_put_u16(b, type & 0x7fff);
	buf_put_u16(b, 4);
	return buf_put_u32(b, val);
}

/* ---- SA / proposal / transform ---- */

static int
parse_xform(const uint8_t *p, size_t len, struct ikev1_xform *xf,
    struct ike_perr *err)
{
	struct ikev1_attr a;
	const uint8_t *q;
	size_t left;
	int r;

	/* the transform body: number, ID, 2 reserved, attributes */
	if (len < 4) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_BAD_PROPOSAL_SYNTAX, "transform of %zu bytes", len);
		return -1;
	}
	xf->num = p[0];
	xf->id = p[1];
	xf->attrs = q = p + 4;
	xf->attrs_len = left = len - 4;
	while ((r = ikev1_attr_next(&q, &left, &a)) == 1)
		;
	if (r == -1) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_BAD_PROPOSAL_SYNTAX,
		    "transform %u: attribute runs past the transform", xf->num);
		return -1;
	}
	return 0;
}

static int
parse_prop(const uint8_t *p, size_t len, struct ikev1_prop *pr,
    struct ike_perr *err)
{
	size_t off, tlen, ntrans;

	/* number, protocol, SPI size, #transforms, SPI, transforms */
	if (len < 4 || len - 4 < p[2]) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_BAD_PROPOSAL_SYNTAX, "proposal of %zu bytes", len);
		return -1;
	}
	pr->num = p[0];
	pr->proto = p[1];
	pr->spi_size = p[2];
	ntrans = p[3];
	pr->spi = pr->spi_size ? p + 4 : NULL;
	off = 4 + pr->spi_size;
	pr->nxf = 0;
	while (off < len) {
		if (len - off < IKEV1_PL_HDR_LEN ||
		    (p[off] != IKEV1_PL_TRANSFORM && p[off] != IKEV1_PL_NONE)) {
			ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "proposal %u: bad transform header", pr->num);
			return -1;
		}
		tlen = ike_rd16(p + off + 2);
		if (tlen < IKEV1_PL_HDR_LEN || tlen > len - off) {
			ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "proposal %u: transform length %zu", pr->num, tlen);
			return -1;
		}
		if (pr->nxf == IKEV1_MAX_XFORMS) {
			ike_perr_set(err, IKE_E_TOO_MANY, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "proposal %u: more than %d transforms", pr->num,
			    IKEV1_MAX_XFORMS);
			return -1;
		}
		if (parse_xform(p + off + 4, tlen - 4, &pr->xf[pr->nxf],
		    err) == -1)
			return -1;
		pr->nxf++;
		off += tlen;
		/* the last transform says NONE and ends the proposal */
		if (p[off - tlen] == IKEV1_PL_NONE && off != len) {
			ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "proposal %u: data after the last transform",
			    pr->num);
			return -1;
		}
	}
	if (pr->nxf != ntrans || ntrans == 0) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_BAD_PROPOSAL_SYNTAX,
		    "proposal %u: %zu transforms, header says %zu", pr->num,
		    pr->nxf, ntrans);
		return -1;
	}
	return 0;
}

int
ikev1_pl_sa(const struct ikev1_pl *pl, struct ikev1_sa *sa,
    struct ike_perr *err)
{
	const uint8_t *p = pl->body;
	size_t len = pl->len, off, plen;
	uint8_t next = IKEV1_PL_PROPOSAL;

	ike_perr_clear(err);
	memset(sa, 0, offsetof(struct ikev1_sa, prop));
	if (len < 8) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_PAYLOAD_MALFORMED, "SA payload of %zu bytes", len);
		return -1;
	}
	sa->doi = ike_rd32(p);
	sa->situation = ike_rd32(p + 4);
	if (sa->doi != IKEV1_DOI_IPSEC) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_DOI_NOT_SUPPORTED, "DOI %u is not IPsec", sa->doi);
		return -1;
	}
	if (sa->situation != IKEV1_SIT_IDENTITY_ONLY) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_SITUATION_NOT_SUPPORTED,
		    "situation 0x%x is not identity-only", sa->situation);
		return -1;
	}
	off = 8;
	while (next == IKEV1_PL_PROPOSAL) {
		if (len - off < IKEV1_PL_HDR_LEN) {
			ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "proposal header truncated");
			return -1;
		}
		next = p[off];
		if (next != IKEV1_PL_PROPOSAL && next != IKEV1_PL_NONE) {
			ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "%s payload inside an SA",
			    ikev1_payload_name(next));
			return -1;
		}
		plen = ike_rd16(p + off + 2);
		if (plen < IKEV1_PL_HDR_LEN || plen > len - off) {
			ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "proposal length %zu at %zu", plen, off);
			return -1;
		}
		if (sa->nprop == IKEV1_MAX_PROPS) {
			ike_perr_set(err, IKE_E_TOO_MANY, IKEV1_PL_SA,
			    IKEV1_N_BAD_PROPOSAL_SYNTAX,
			    "more than %d proposals", IKEV1_MAX_PROPS);
			return -1;
		}
		if (parse_prop(p + off + 4, plen - 4, &sa->prop[sa->nprop],
		    err) == -1)
			return -1;
		sa->nprop++;
		off += plen;
	}
	if (off != len) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_SA,
		    IKEV1_N_BAD_PROPOSAL_SYNTAX,
		    "%zu bytes after the last proposal", len - off);
		return -1;
	}
	return 0;
}

int
ikev1_pl_id(const struct ikev1_pl *pl, struct ikev1_id *id,
    struct ike_perr *err)
{
	static const struct { uint8_t type; size_t len; } fixed[] = {
		{ IKEV1_ID_IPV4_ADDR, 4 }, { IKEV1_ID_IPV4_ADDR_SUBNET, 8 },
		{ IKEV1_ID_IPV4_ADDR_RANGE, 8 }, { IKEV1_ID_IPV6_ADDR, 16 },
		{ IKEV1_ID_IPV6_ADDR_SUBNET, 32 },
		{ IKEV1_ID_IPV6_ADDR_RANGE, 32 },
	};
	size_t i;

	ike_perr_clear(err);
	if (pl->len < 4) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_ID,
		    IKEV1_N_INVALID_ID_INFORMATION, "ID payload of %zu bytes",
		    pl->len);
		return -1;
	}
	id->type = pl->body[0];
	id->proto = pl->body[1];
	id->port = ike_rd16(pl->body + 2);
	id->data = pl->body + 4;
	id->len = pl->len - 4;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i].type == id->type && fixed[i].len != id->len) {
			ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_ID,
			    IKEV1_N_INVALID_ID_INFORMATION,
			    "ID type %u with %zu bytes of data", id->type,
			    id->len);
			return -1;
		}
	if (id->len == 0) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_ID,
		    IKEV1_N_INVALID_ID_INFORMATION, "empty ID of type %u",
		    id->type);
		return -1;
	}
	return 0;
}

int
ikev1_pl_data(const struct ikev1_pl *pl, struct ikev1_data *d,
    struct ike_perr *err)
{
	ike_perr_clear(err);
	if (pl->len == 0) {
		ike_perr_set(err, IKE_E_SYNTAX, pl->type,
		    IKEV1_N_PAYLOAD_MALFORMED, "empty %s payload",
		    ikev1_payload_name(pl->type));
		return -1;
	}
	d->data = pl->body;
	d->len = pl->len;
	return 0;
}

int
ikev1_pl_ke(const struct ikev1_pl *pl, struct ikev1_data *d,
    struct ike_perr *err)
{
	if (ikev1_pl_data(pl, d, err) == -1)
		return -1;
	if (d->len > 1024) {	/* beyond MODP-8192 */
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_KE,
		    IKEV1_N_INVALID_KEY_INFORMATION, "KE of %zu bytes", d->len);
		return -1;
	}
	return 0;
}

int
ikev1_pl_nonce(const struct ikev1_pl *pl, struct ikev1_data *d,
    struct ike_perr *err)
{
	ike_perr_clear(err);
	if (pl->len < IKEV1_NONCE_MIN || pl->len > IKEV1_NONCE_MAX) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_NONCE,
		    IKEV1_N_PAYLOAD_MALFORMED,
		    "nonce of %zu bytes (8..256 allowed)", pl->len);
		return -1;
	}
	d->data = pl->body;
	d->len = pl->len;
	return 0;
}

int
ikev1_pl_notify(const struct ikev1_pl *pl, struct ikev1_notify *n,
    struct ike_perr *err)
{
	ike_perr_clear(err);
	/* DOI, protocol, SPI size, type, SPI, data */
	if (pl->len < 8 || pl->len - 8 < pl->body[5]) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_NOTIFY,
		    IKEV1_N_PAYLOAD_MALFORMED, "notify payload of %zu bytes",
		    pl->len);
		return -1;
	}
	n->doi = ike_rd32(pl->body);
	n->proto = pl->body[4];
	n->spi_size = pl->body[5];
	n->type = ike_rd16(pl->body + 6);
	n->spi = n->spi_size ? pl->body + 8 : NULL;
	n->data = pl->body + 8 + n->spi_size;
	n->len = pl->len - 8 - n->spi_size;
	return 0;
}

int
ikev1_pl_delete(const struct ikev1_pl *pl, struct ike_delete *d,
    struct ike_perr *err)
{
	ike_perr_clear(err);
	if (pl->len < 8) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_DELETE,
		    IKEV1_N_PAYLOAD_MALFORMED, "delete payload of %zu bytes",
		    pl->len);
		return -1;
	}
	d->doi = ike_rd32(pl->body);
	d->proto = pl->body[4];
	d->spi_size = pl->body[5];
	d->nspi = ike_rd16(pl->body + 6);
	d->spis = pl->body + 8;
	if (d->spi_size == 0 || d->nspi == 0 ||
	    (size_t)d->spi_size * d->nspi != pl->len - 8) {
		ike_perr_set(err, IKE_E_SYNTAX, IKEV1_PL_DELETE,
		    IKEV1_N_PAYLOAD_MALFORMED,
		    "delete of %u SPIs of %u bytes in %zu bytes", d->nspi,
		    d->spi_size, pl->len - 8);
		return -1;
	}
	return 0;
}

int
ikev1_pl_check(const struct ikev1_pl *pl, struct ike_perr *err)
{
	union {
		struct ikev1_id id;
		struct ikev1_data d;
		struct ikev1_notify n;
		struct ike_delete del;
	} u;
	struct ikev1_sa *sa;
	int r;

	switch (pl->type) {
	case IKEV1_PL_SA:
		/* the SA is large: check it off the stack */
		if ((sa = malloc(sizeof(*sa))) == NULL) {
			ike_perr_set(err, IKE_E_NOMEM, IKEV1_PL_SA, 0,
			    "out of memory");
			return -1;
		}
		r = ikev1_pl_sa(pl, sa, err);
		free(sa);
		return r;
	case IKEV1_PL_ID:
		return ikev1_pl_id(pl, &u.id, err);
	case IKEV1_PL_KE:
		return ikev1_pl_ke(pl, &u.d, err);
	case IKEV1_PL_NONCE:
		return ikev1_pl_nonce(pl, &u.d, err);
	case IKEV1_PL_HASH:
	case IKEV1_PL_SIG:
	case IKEV1_PL_VENDOR:
	case IKEV1_PL_NATD:
	case IKEV1_PL_NATD_DRAFT:
		return ikev1_pl_data(pl, &u.d, err);
	case IKEV1_PL_NOTIFY:
		return ikev1_pl_notify(pl, &u.n, err);
	case IKEV1_PL_DELETE:
		return ikev1_pl_delete(pl, &u.del, err);
	}
	return 0;
}
