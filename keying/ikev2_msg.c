/* IKEv2 header and payload chain parsing (RFC 7296 §3.1, §3.2). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keying/ikev2_msg.h"

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
static const uint16_t walk_notify[IKE_E_NCODES] = {
	[IKE_E_VERSION] = IKEV2_N_INVALID_MAJOR_VERSION,
	[IKE_E_PAYLOAD_LENGTH] = IKEV2_N_INVALID_SYNTAX,
	[IKE_E_CRITICAL] = IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD,
	[IKE_E_TOO_MANY] = IKEV2_N_INVALID_SYNTAX,
	[IKE_E_TRAILING] = IKEV2_N_INVALID_SYNTAX,
};

int
ikev2_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h,
    struct ike_perr *err)
{
	return ike_hdr_parse(p, len, 2, "IKE", walk_notify, h, err);
}

/* Walks a chain in p[0..len); offsets recorded relative to p plus base. */
static int
chain_walk(const uint8_t *p, size_t len, size_t base, uint8_t first,
    int allow_sk, struct ikev2_chain *c, struct ike_perr *err)
{
	struct ike_walk w;
	struct ike_walk_pl wp;
	struct ikev2_pl *pl;
	int r;

	c->n = 0;
	ike_walk_init(&w, p, len, base, first, IKEV2_MAX_PAYLOADS,
	    ikev2_payload_name, payload_known, walk_notify);
	while ((r = ike_walk_next(&w, &wp, err)) == 1) {
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
				ike_perr_set(err, IKE_E_SK_NOT_LAST, pl->type,
				    IKEV2_N_INVALID_SYNTAX, "%s payload %s",
				    ikev2_payload_name(pl->type), allow_sk ?
				    "is not the last one" : "inside encrypted data");
				return ike_walk_fail(&wp, err);
			}
		}
		if (ikev2_pl_check(pl, err) < 0)
			return ike_walk_fail(&wp, err);
		c->n++;
		if (pl->type == IKEV2_PL_SK || pl->type == IKEV2_PL_SKF)
			return 0;
	}
	if (r == 0)
		r = ike_walk_end(&w, 0, err);
	return r;
}

int
ikev2_chain_parse(const uint8_t *p, size_t len, uint8_t first,
    struct ikev2_chain *c, struct ike_perr *err)
{
	ike_perr_clear(err);
	if (p == NULL && len) {
		ike_perr_set(err, IKE_E_SHORT, 0, 0, "no data");
		return -1;
	}
	return chain_walk(p, len, 0, first, 0, c, err);
}

struct ikev2_msg *
ikev2_msg_parse(const uint8_t *p, size_t len, struct ike_perr *err)
{
	struct ikev2_msg *m = NULL;
	struct ike_hdr h;

	if (ikev2_hdr_parse(p, len, &h, err) < 0)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    ike_msg_bufs_copy(&m->bufs, p, len) == -1) {
		ike_perr_set(err, IKE_E_NOMEM, 0, 0, "out of memory");
		goto fail;
	}
	m->hdr = h;
	if (chain_walk(m->bufs.raw->data + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN,
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
	ike_msg_bufs_free(&m->bufs);
	free(m);
}

int
ikev2_msg_set_inner(struct ikev2_msg *m, struct buf *plain, uint8_t first,
    struct ike_perr *err)
{
	ike_perr_clear(err);
	ike_msg_bufs_plain(&m->bufs, plain);
	m->inner.n = 0;
	if (plain == NULL) {
		ike_perr_set(err, IKE_E_NOMEM, 0, 0, "no decrypted data");
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
