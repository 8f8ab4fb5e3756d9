/* IKEv2 header and payload chain parsing (RFC 7296 §3.1, §3.2). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keying/ikev2_msg.h"
#include "keying/ikev2_msg_priv.h"

static void
perr_clear(struct ikev2_perr *err)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		err->code = IKEV2_E_OK;
	}
}

/* Payload types we can at least check the syntax of; an unknown type with
 * the critical bit makes the whole message unacceptable (§2.5). */
static int
payload_known(uint8_t type)
{
	return (type >= IKEV2_PL_SA && type <= IKEV2_PL_EAP) ||
	    type == IKEV2_PL_SKF;
}

/* What the walker's errors answer (INVALID_MAJOR_VERSION only to
 * IKE_SA_INIT: the engine's call). */
static const uint16_t walk_notify[IKE_WALK_NCODES] = {
	[IKE_WALK_VERSION] = IKEV2_N_INVALID_MAJOR_VERSION,
	[IKE_WALK_PL_LENGTH] = IKEV2_N_INVALID_SYNTAX,
	[IKE_WALK_CRITICAL] = IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD,
	[IKE_WALK_TOO_MANY] = IKEV2_N_INVALID_SYNTAX,
	[IKE_WALK_TRAILING] = IKEV2_N_INVALID_SYNTAX,
};

/* The walker's result r; on failure its error becomes err, whose codes
 * begin with the walker's. */
static int
perr_walk(struct ikev2_perr *err, int r, const struct ike_walk_err *we)
{
	if (r >= 0)
		return r;
	ikev2_perr_set(err, (enum ikev2_perr_code)we->code, we->payload,
	    we->notify, "%s", we->text);
	return -1;
}

int
ikev2_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h,
    struct ikev2_perr *err)
{
	struct ike_walk_err we;

	perr_clear(err);
	return perr_walk(err, ike_hdr_parse(p, len, 2, "IKE", walk_notify, h,
	    &we), &we);
}

/* Walks a chain in p[0..len); offsets recorded relative to p plus base. */
static int
chain_walk(const uint8_t *p, size_t len, size_t base, uint8_t first,
    int allow_sk, struct ikev2_chain *c, struct ikev2_perr *err)
{
	struct ike_walk w;
	struct ike_walk_pl wp;
	struct ike_walk_err we;
	struct ikev2_pl *pl;
	int r;

	c->n = 0;
	ike_walk_init(&w, p, len, base, first, IKEV2_MAX_PAYLOADS,
	    ikev2_payload_name, payload_known, walk_notify);
	while ((r = ike_walk_next(&w, &wp, &we)) == 1) {
		pl = &c->pl[c->n];
		pl->type = wp.type;
		pl->next = wp.next;
		pl->critical = (wp.flags & IKEV2_CRITICAL) != 0;
		pl->body = wp.body;
		pl->len = wp.len;
		pl->off = wp.off;
		if (pl->type == IKEV2_PL_SK || pl->type == IKEV2_PL_SKF) {
			/* Its next-payload names the first inner payload: it
			 * must end the message and cannot nest. */
			if (!allow_sk || w.off != len) {
				ikev2_perr_set(err, IKEV2_E_SK_NOT_LAST, pl->type,
				    IKEV2_N_INVALID_SYNTAX, "%s payload %s",
				    ikev2_payload_name(pl->type), allow_sk ?
				    "is not the last one" : "inside encrypted data");
				return -1;
			}
		}
		if (ikev2_pl_check(pl, err) < 0)
			return -1;
		c->n++;
		if (pl->type == IKEV2_PL_SK || pl->type == IKEV2_PL_SKF)
			return 0;
	}
	if (r == 0)
		r = ike_walk_end(&w, 0, &we);
	return perr_walk(err, r, &we);
}

int
ikev2_chain_parse(const uint8_t *p, size_t len, uint8_t first,
    struct ikev2_chain *c, struct ikev2_perr *err)
{
	perr_clear(err);
	if (p == NULL && len) {
		ikev2_perr_set(err, IKEV2_E_SHORT, 0, 0, "no data");
		return -1;
	}
	return chain_walk(p, len, 0, first, 0, c, err);
}

struct ikev2_msg *
ikev2_msg_parse(const uint8_t *p, size_t len, struct ikev2_perr *err)
{
	struct ikev2_msg *m = NULL;
	struct ike_hdr h;

	if (ikev2_hdr_parse(p, len, &h, err) < 0)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->raw = buf_from(p, len)) == NULL) {
		ikev2_perr_set(err, IKEV2_E_NOMEM, 0, 0, "out of memory");
		goto fail;
	}
	m->hdr = h;
	if (chain_walk(m->raw->data + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN,
	    IKEV2_HDR_LEN, h.next, 1, &m->outer, err) < 0)
		goto fail;
	if (m->outer.n) {
		const struct ikev2_pl *last = &m->outer.pl[m->outer.n - 1];

		if (last->type == IKEV2_PL_SK || last->type == IKEV2_PL_SKF)
			m->sk = last;
	}
	return m;
fail:
	ikev2_msg_free(m);
	return NULL;
}

void
ikev2_msg_free(struct ikev2_msg *m)
{
	if (m == NULL)
		return;
	buf_free(m->raw);
	buf_free(m->plain);
	free(m);
}

int
ikev2_msg_set_inner(struct ikev2_msg *m, struct buf *plain, uint8_t first,
    struct ikev2_perr *err)
{
	perr_clear(err);
	buf_free(m->plain);
	m->plain = plain;
	m->inner.n = 0;
	if (plain == NULL) {
		ikev2_perr_set(err, IKEV2_E_NOMEM, 0, 0, "no decrypted data");
		return -1;
	}
	if (chain_walk(plain->data, plain->len, 0, first, 0, &m->inner, err) < 0) {
		m->inner.n = 0;
		return -1;
	}
	return 0;
}

const struct ikev2_pl *
ikev2_msg_get(const struct ikev2_msg *m, uint8_t type, size_t idx)
{
	const struct ikev2_chain *chains[2] = { &m->outer, &m->inner };
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < chains[k]->n; i++)
			if (chains[k]->pl[i].type == type && idx-- == 0)
				return &chains[k]->pl[i];
	return NULL;
}

size_t
ikev2_msg_count(const struct ikev2_msg *m, uint8_t type)
{
	size_t n = 0;

	while (ikev2_msg_get(m, type, n))
		n++;
	return n;
}

int
ikev2_msg_notify(const struct ikev2_msg *m, uint16_t type, struct ikev2_notify *n)
{
	const struct ikev2_pl *pl;
	struct ikev2_notify tmp;
	size_t i;

	for (i = 0; (pl = ikev2_msg_get(m, IKEV2_PL_NOTIFY, i)) != NULL; i++) {
		if (ikev2_pl_notify(pl, &tmp, NULL) < 0 || tmp.type != type)
			continue;
		if (n)
			*n = tmp;
		return 1;
	}
	return 0;
}

uint16_t
ikev2_msg_error_notify(const struct ikev2_msg *m)
{
	const struct ikev2_pl *pl;
	struct ikev2_notify n;
	size_t i;

	for (i = 0; (pl = ikev2_msg_get(m, IKEV2_PL_NOTIFY, i)) != NULL; i++)
		if (ikev2_pl_notify(pl, &n, NULL) == 0 && n.type != 0 &&
		    n.type <= IKEV2_N_ERROR_MAX)
			return n.type;
	return 0;
}
