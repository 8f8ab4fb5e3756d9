/* CREATE_CHILD_SA (RFC 7296 §1.3): as responder, new children, child
 * rekeys (§1.3.3) and IKE SA rekeys (§1.3.2); as initiator, child rekeys.
 * Simultaneous rekeys of the same SA (§2.8.1, §2.8.2) are both answered;
 * once both are done, the SA made by the exchange with the lowest of the
 * four nonces is redundant and its initiator deletes it, while the
 * initiator of the other deletes the SA both replaced. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev2_sa.h"
#include "keying/ikev2_ts.h"

/* The lower of an exchange's two nonces. */
static void
nonce_low(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    const uint8_t **low, size_t *len)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c < 0 || (c == 0 && alen <= blen)) {
		*low = a;
		*len = alen;
	} else {
		*low = b;
		*len = blen;
	}
}

/* 1 when the lowest nonce of our exchange x (its ni, the peer's nr) is
 * below the lowest of the peer's crossing one, kept in x->coll_nonce: ours
 * made the redundant SA. */
static int
coll_ours_lowest(const struct ike_xchg *x, const uint8_t *nr, size_t nr_len)
{
	const uint8_t *low;
	size_t len, n;
	int c;

	nonce_low(x->ni, x->ni_len, nr, nr_len, &low, &len);
	n = len < x->coll_nonce_len ? len : x->coll_nonce_len;
	c = memcmp(low, x->coll_nonce, n);
	return c < 0 || (c == 0 && len < x->coll_nonce_len);
}

/* Keeps in our exchange x the lowest nonce of the peer's that crossed it. */
static void
coll_keep(struct ike_xchg *x, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len)
{
	const uint8_t *low;
	size_t len;

	nonce_low(ni, ni_len, nr, nr_len, &low, &len);
	memcpy(x->coll_nonce, low, len);
	x->coll_nonce_len = len;
}

/* Answers with one error notify (data for INVALID_KE_PAYLOAD). */
static void
cc_refuse(struct ike_sa *sa, uint32_t msgid, uint16_t notify, uint16_t group)
{
	struct st_ike *st = ike_sa_row(sa);
	uint8_t g[2] = { (uint8_t)(group >> 8), (uint8_t)group };

	if (st)
		ST_IKE_INC(st, out_p2_exchg_reject);
	ike_send_error_response(sa, IKEV2_EXCH_CREATE_CHILD_SA, msgid, notify,
	    group ? g : NULL, group ? 2 : 0);
}

/* DH for a child or IKE rekey: our key pair for the peer's KE, g^ir into
 * gir, our public value into pub. 0 / -1. */
static int
cc_dh(uint16_t group, const struct ikev2_ke *ke, struct buf *pub, struct buf *gir)
{
	struct dh *dh = dh_new(group);
	int r = -1;

	if (dh && dh_public(dh, pub) == 0 && dh_derive(dh, ke->data, ke->len, gir) == 0)
		r = 0;
	dh_free(dh);
	return r;
}

/* Picks a proposal; with a KE, one whose group is the KE's. Returns 0, or
 * the notify to refuse with (*want = the group for INVALID_KE_PAYLOAD). */
static uint16_t
cc_select(struct ikev2_prop_list *ours, struct ikev2_prop_list *theirs, uint8_t proto,
    const struct ikev2_ke *ke, struct ikev2_prop *chosen, uint16_t *want)
{
	*want = 0;
	if (ke == NULL) {
		/* no KE: no PFS, so a proposal of ours that requires it fails */
		return ikev2_prop_select(ours, theirs, proto, chosen) == 0 &&
		    ikev2_prop_id(chosen, IKEV2_XFORM_DH, NULL) == 0 ? 0 :
		    IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	if (ikev2_prop_select_dh(ours, theirs, proto, ke->group, chosen) == 0)
		return 0;
	if (ikev2_prop_select(ours, theirs, proto, chosen) == 0 &&
	    (*want = ikev2_prop_id(chosen, IKEV2_XFORM_DH, NULL)) != 0)
		return IKEV2_N_INVALID_KE_PAYLOAD;
	return IKEV2_N_NO_PROPOSAL_CHOSEN;
}

/* ---- responder: the IKE SA rekeyed (§1.3.2) ---- */

static void
ike_rekey_request(struct ike_sa *sa, struct ikev2_msg *m, struct ikev2_prop_list *theirs,
    const struct ikev2_nonce *ni, const struct ikev2_ke *ke)
{
	struct ikev2_engine *e = sa->eng;
	struct ikev2_prop_list *ours = calloc(1, sizeof(*ours)), *one = NULL;
	struct ikev2_prop chosen;
	struct ike_builder bl, in;
	struct buf *pub = NULL, *gir = NULL, *b = NULL, *ib = NULL;
	struct ike_sa *n = NULL;
	struct ike_xchg *x;
	uint8_t nr[IKEV2_NONCE_LEN];	/* ours, as the new SA's responder */
	struct st_ike *st;
	uint16_t err = IKEV2_N_NO_PROPOSAL_CHOSEN, want = 0;

	if (ours == NULL || ke == NULL) {
		cc_refuse(sa, m->hdr.msgid, ke ? IKEV2_N_TEMPORARY_FAILURE :
		    IKEV2_N_INVALID_SYNTAX, 0);
		goto out;
	}
	/* already replaced (ours done, or the peer's before): the peer may
	 * try again later; a rekey crossing our outstanding one is answered */
	if (sa->rekeyed) {
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
		goto out;
	}
	if (ikev2_prop_from_cfg(&sa->conn->ike, IKEV2_PROTO_IKE, ours) < 0 ||
	    (err = cc_select(ours, theirs, IKEV2_PROTO_IKE, ke, &chosen, &want)) != 0 ||
	    chosen.spi_size != 8) {
		cc_refuse(sa, m->hdr.msgid, ours->n ? err : IKEV2_N_NO_PROPOSAL_CHOSEN,
		    want);
		goto out;
	}
	if ((n = ike_sa_new(e, sa->conn, 0, &sa->local, sa->lport, &sa->remote,
	    sa->rport)) == NULL || (st = st_ike_new(sa->conn->name, 2, 0)) == NULL) {
		if (n)
			ike_sa_set_phase(n, IKE_DEAD);
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
		goto out;
	}
	n->st_index = st->index;
	n->spi_i = ikev2_spi_value(chosen.spi, 8);
	ike_sa_inherit(n, sa, &chosen);
	if ((pub = buf_new(CRYPTO_MAX_DH_PUB)) == NULL ||
	    (gir = buf_new_secret(CRYPTO_MAX_DH_PUB)) == NULL ||
	    crypto_random(nr, sizeof(nr)) < 0 ||
	    cc_dh(n->algs.dh, ke, pub, gir) < 0) {
		ike_sa_end(n, ST_TERM_LOCAL_FAIL);
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
		goto out;
	}
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
	if (ikev2_ike_keys_derive(&n->keys, &n->algs, &sa->keys, gir->data, gir->len,
	    ni->data, ni->len, nr, sizeof(nr), n->spi_i, n->spi_r) < 0) {
		ike_sa_end(n, ST_TERM_LOCAL_FAIL);
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
		goto out;
	}
	n->have_keys = 1;
	if ((one = calloc(1, sizeof(*one))) == NULL || (b = buf_new(512)) == NULL ||
	    (ib = buf_new_secret(512)) == NULL)
		goto fail;
	one->n = 1;
	one->p[0] = chosen;
	ikev2_spi_put(one->p[0].spi, 8, n->spi_r);
	ike_build_chain(&in, ib);
	ikev2_build_sa(&in, one);
	ikev2_build_nonce(&in, nr, sizeof(nr));
	ikev2_build_ke(&in, n->algs.dh, pub->data, pub->len);
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_CREATE_CHILD_SA, 1, m->hdr.msgid);
	if (ike_msg_seal(sa, &bl, ib, &in) < 0)
		goto fail;
	/* the children move over; the old SA waits for the peer's delete */
	ike_children_move(sa, n);
	ike_sa_up(n);
	ike_sa_pass_delete(n, sa);
	if ((st = ike_sa_row(sa)) != NULL)
		st->refreshes++;
	log_info("IKEv2:(SA ID = %u):IKE SA rekeyed by the peer as SA %u, SPI %016llx/%016llx",
	    sa->st_index, n->st_index, (unsigned long long)n->spi_i,
	    (unsigned long long)n->spi_r);
	if ((x = ike_xchg_active(sa, IKE_X_REKEY_IKE)) != NULL) {
		log_info("IKEv2:(SA ID = %u):the peer's IKE SA rekey crosses ours",
		    sa->st_index);
		x->coll_spi_i = n->spi_i;
		x->coll_spi_r = n->spi_r;
		coll_keep(x, ni->data, ni->len, nr, sizeof(nr));
	}
	ike_send_response(sa, b, m->hdr.msgid);
	b = NULL;
	goto out;
fail:
	ike_sa_end(n, ST_TERM_LOCAL_FAIL);
	cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
out:
	free(ours);
	free(one);
	buf_free(pub);
	buf_free(gir);
	buf_free(b);
	buf_free(ib);
}

/* ---- responder: a new or rekeyed child ---- */

static void
child_request(struct ike_sa *sa, struct ikev2_msg *m, struct ikev2_prop_list *theirs,
    const struct ikev2_nonce *ni, const struct ikev2_ke *ke)
{
	const struct cfg_conn *c = sa->conn;
	struct ike_env *env = &sa->eng->env;
	const struct ikev2_pl *pi, *pr;
	struct ikev2_prop_list *ours = calloc(1, sizeof(*ours)), *one = NULL;
	struct ikev2_tsp *tsi = calloc(1, sizeof(*tsi)), *tsr = calloc(1, sizeof(*tsr));
	struct ikev2_ts ts_l[ST_MAX_TS], ts_r[ST_MAX_TS];
	struct ikev2_prop chosen;
	struct ikev2_notify n;
	struct ike_perr perr;
	struct ike_builder bl, in;
	struct ike_child *old = NULL, *ch = NULL;
	struct ike_xchg *ours_x;
	struct buf *pub = NULL, *gir = NULL, *b = NULL, *ib = NULL;
	uint8_t nr[IKEV2_NONCE_LEN];
	uint16_t err, want = 0;
	size_t nl, nrr;
	char detail[96];

	if (ours == NULL || tsi == NULL || tsr == NULL) {
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
		goto out;
	}
	if (ikev2_msg_notify(m, IKEV2_N_REKEY_SA, &n) == 1) {
		if (n.proto != IKEV2_PROTO_ESP || n.spi_size != 4 ||
		    (old = ike_child_by_spi_out(sa, (uint32_t)ikev2_spi_value(n.spi, 4))) == NULL ||
		    old->deleting) {
			cc_refuse(sa, m->hdr.msgid, IKEV2_N_CHILD_SA_NOT_FOUND, 0);
			goto out;
		}
		/* already replaced: by our rekey (its delete follows) or by
		 * an earlier one of the peer's; a rekey crossing our
		 * outstanding one is answered (§2.8.1) */
		if (old->rekeyed) {
			cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
			goto out;
		}
	}
	if ((pi = ikev2_msg_get(m, IKEV2_PL_TSI, 0)) == NULL ||
	    (pr = ikev2_msg_get(m, IKEV2_PL_TSR, 0)) == NULL ||
	    ikev2_pl_ts(pi, tsi, &perr) < 0 || ikev2_pl_ts(pr, tsr, &perr) < 0) {
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_INVALID_SYNTAX, 0);
		goto out;
	}
	if (ikev2_prop_from_cfg(&c->esp, IKEV2_PROTO_ESP, ours) < 0 ||
	    (err = cc_select(ours, theirs, IKEV2_PROTO_ESP, ke, &chosen, &want)) != 0 ||
	    chosen.spi_size != 4) {
		err = ours->n && want ? IKEV2_N_INVALID_KE_PAYLOAD : IKEV2_N_NO_PROPOSAL_CHOSEN;
		snprintf(detail, sizeof(detail), "%s sent in CREATE_CHILD_SA",
		    ikev2_notify_name(err));
		if (err != IKEV2_N_INVALID_KE_PAYLOAD)
			ike_child_fail(sa, NULL, ST_IPF_PROPOSAL, detail);
		cc_refuse(sa, m->hdr.msgid, err, want);
		goto out;
	}
	if ((ch = ike_child_new(sa)) == NULL) {
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
		goto out;
	}
	if (old)
		ch->reqid = old->reqid;
	nrr = ikev2_ts_from_end(&c->right, &sa->remote, ts_r, ST_MAX_TS);
	nl = ikev2_ts_from_end(&c->left, &sa->local, ts_l, ST_MAX_TS);
	ch->nts_r = ikev2_ts_narrow(tsi->ts, tsi->n, ts_r, nrr, ch->ts_r, ST_MAX_TS);
	ch->nts_l = ikev2_ts_narrow(tsr->ts, tsr->n, ts_l, nl, ch->ts_l, ST_MAX_TS);
	if (ch->nts_r == 0 || ch->nts_l == 0) {
		ike_child_fail(sa, ch, ST_IPF_PROPOSAL, "TS_UNACCEPTABLE sent in CREATE_CHILD_SA");
		ch = NULL;
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TS_UNACCEPTABLE, 0);
		goto out;
	}
	ch->transport = c->mode == CFG_MODE_TRANSPORT &&
	    ikev2_msg_notify(m, IKEV2_N_USE_TRANSPORT_MODE, &n) == 1;
	ikev2_prop_algs(&chosen, &ch->algs);
	ch->spi_out = (uint32_t)ikev2_spi_value(chosen.spi, 4);
	if (env->alloc_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP, ch->reqid,
	    &ch->spi_in) < 0 || crypto_random(nr, sizeof(nr)) < 0 ||
	    (pub = buf_new(CRYPTO_MAX_DH_PUB)) == NULL ||
	    (gir = buf_new_secret(CRYPTO_MAX_DH_PUB)) == NULL ||
	    (ke && cc_dh(ch->algs.dh, ke, pub, gir) < 0)) {
		ike_child_fail(sa, ch, ST_IPF_INTERNAL, "cannot set up the child");
		ch = NULL;
		cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
		goto out;
	}
	{
		struct ike_child_ctx x = { 0, ni->data, nr, ni->len, sizeof(nr),
		    ke ? gir->data : NULL, ke ? gir->len : 0, old ? old->st_index : 0 };
		struct ike_child *done = ch;

		ch = NULL;
		x.defer_out = old != NULL;
		if (ike_child_install(sa, done, &x) < 0) {
			cc_refuse(sa, m->hdr.msgid, IKEV2_N_TEMPORARY_FAILURE, 0);
			goto out;
		}
		if (old && (ours_x = ike_xchg_active(sa, IKE_X_REKEY_CHILD)) != NULL &&
		    ours_x->child == old->spi_in) {
			log_info("IKEv2:(SA ID = %u):the peer's rekey of child SA "
			    "0x%08x crosses ours", sa->st_index, old->spi_in);
			ours_x->coll_child = done->spi_in;
			coll_keep(ours_x, ni->data, ni->len, nr, sizeof(nr));
		}
		if (old)
			old->rekeyed = 1;
		if ((one = calloc(1, sizeof(*one))) == NULL || (b = buf_new(512)) == NULL ||
		    (ib = buf_new_secret(512)) == NULL)
			goto out;
		one->n = 1;
		one->p[0] = chosen;
		ikev2_spi_put(one->p[0].spi, 4, done->spi_in);
		ike_build_chain(&in, ib);
		if (done->transport) {
			ikev2_build_notify_simple(&in, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
			ike_count_notify(sa, 1);
		}
		ikev2_build_sa(&in, one);
		ikev2_build_nonce(&in, nr, sizeof(nr));
		if (ke)
			ikev2_build_ke(&in, done->algs.dh, pub->data, pub->len);
		ike_build_ts(&in, IKEV2_PL_TSI, done->ts_r, done->nts_r);
		ike_build_ts(&in, IKEV2_PL_TSR, done->ts_l, done->nts_l);
		ike_msg_start(sa, &bl, b, IKEV2_EXCH_CREATE_CHILD_SA, 1, m->hdr.msgid);
		if (ike_msg_seal(sa, &bl, ib, &in) == 0) {
			ike_send_response(sa, b, m->hdr.msgid);
			b = NULL;
		}
	}
out:
	wipe(nr, sizeof(nr));
	if (ch)
		ike_child_free(sa, ch, 1);
	free(ours);
	free(one);
	free(tsi);
	free(tsr);
	buf_free(pub);
	buf_free(gir);
	buf_free(b);
	buf_free(ib);
}

void
ike_create_child_request(struct ike_sa *sa, struct ikev2_msg *m)
{
	const struct ikev2_pl *p;
	struct ikev2_prop_list *theirs = calloc(1, sizeof(*theirs));
	struct ikev2_nonce ni;
	struct ikev2_ke ke;
	struct ike_perr err;
	struct st_ike *st = ike_sa_row(sa);
	int have_ke;

	if (st)
		ST_IKE_INC(st, in_p2_exchg);
	for (size_t i = 0; i < ikev2_msg_count(m, IKEV2_PL_NOTIFY); i++)
		ike_count_notify(sa, 0);
	if (theirs == NULL || (p = ikev2_msg_get(m, IKEV2_PL_SA, 0)) == NULL ||
	    ikev2_pl_sa(p, theirs, &err) < 0 || theirs->n == 0 ||
	    (p = ikev2_msg_get(m, IKEV2_PL_NONCE, 0)) == NULL ||
	    ikev2_pl_nonce(p, &ni, &err) < 0 || ni.len < IKEV2_NONCE_MIN ||
	    ni.len > IKEV2_NONCE_MAX) {
		if (st)
			ST_IKE_INC(st, in_p2_exchg_invalid);
		cc_refuse(sa, m->hdr.msgid, theirs && theirs->n == 0 && p ?
		    IKEV2_N_NO_PROPOSAL_CHOSEN : IKEV2_N_INVALID_SYNTAX, 0);
		goto out;
	}
	have_ke = (p = ikev2_msg_get(m, IKEV2_PL_KE, 0)) != NULL &&
	    ikev2_pl_ke(p, &ke, &err) == 0;
	if (theirs->p[0].proto == IKEV2_PROTO_IKE)
		ike_rekey_request(sa, m, theirs, &ni, have_ke ? &ke : NULL);
	else
		child_request(sa, m, theirs, &ni, have_ke ? &ke : NULL);
out:
	free(theirs);
}

/* ---- initiator: rekeying one of our children (§1.3.3) ---- */

static int
child_rekey_start(struct ike_sa *sa, struct ike_xchg *x)
{
	struct ike_env *env = &sa->eng->env;
	struct ike_child *old = ike_child_by_spi_in(sa, x->child);
	struct ike_builder bl, in;
	struct ikev2_notify n;
	struct ike_child *ch;
	struct buf *b = NULL, *ib = NULL, *pub = NULL;
	struct st_ike *st = ike_sa_row(sa);
	uint16_t group;
	int r = -1;

	/* gone, replaced or going since it was asked for */
	if (old == NULL || old->rekeyed || old->deleting)
		return -1;
	if ((ch = ike_child_new(sa)) == NULL)
		return -1;
	x->made = ch;
	ch->reqid = old->reqid;
	ch->transport = old->transport;
	ch->nts_l = old->nts_l;
	ch->nts_r = old->nts_r;
	memcpy(ch->ts_l, old->ts_l, sizeof(ch->ts_l));
	memcpy(ch->ts_r, old->ts_r, sizeof(ch->ts_r));
	if (env->alloc_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP, ch->reqid,
	    &ch->spi_in) < 0 || (x->offer = ike_offer_new(sa->conn, 0)) == NULL)
		goto out;
	ikev2_prop_set_spi(x->offer, ch->spi_in, 4);
	if (x->group)
		ikev2_prop_prefer_dh(x->offer, x->group);
	if (crypto_random(x->ni, IKEV2_NONCE_LEN) < 0)
		goto out;
	x->ni_len = IKEV2_NONCE_LEN;
	/* esp= with a DH group asks for PFS */
	if ((group = ikev2_prop_first_dh(x->offer)) != 0 &&
	    ((x->dh = dh_new(group)) == NULL || (pub = buf_new(CRYPTO_MAX_DH_PUB)) == NULL ||
	    dh_public(x->dh, pub) < 0))
		goto out;
	if ((b = buf_new(512)) == NULL || (ib = buf_new_secret(512)) == NULL)
		goto out;
	memset(&n, 0, sizeof(n));
	n.proto = IKEV2_PROTO_ESP;
	n.spi_size = 4;
	ikev2_spi_put(n.spi, 4, old->spi_in);
	n.type = IKEV2_N_REKEY_SA;
	ike_build_chain(&in, ib);
	ikev2_build_notify(&in, &n);
	if (ch->transport)
		ikev2_build_notify_simple(&in, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
	ikev2_build_sa(&in, x->offer);
	ikev2_build_nonce(&in, x->ni, x->ni_len);
	if (group)
		ikev2_build_ke(&in, group, pub->data, pub->len);
	ike_build_ts(&in, IKEV2_PL_TSI, ch->ts_l, ch->nts_l);
	ike_build_ts(&in, IKEV2_PL_TSR, ch->ts_r, ch->nts_r);
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_CREATE_CHILD_SA, 0, 0);
	if (ike_msg_seal(sa, &bl, ib, &in) < 0)
		goto out;
	ike_count_notify(sa, 1);
	if (st)
		ST_IKE_INC(st, out_p2_exchg);
	log_info("IKEv2:(SA ID = %u):Rekeying child SA 0x%08x/0x%08x", sa->st_index,
	    old->spi_in, old->spi_out);
	ike_send_request(sa, b, x);
	b = NULL;
	r = 0;
out:
	if (r < 0)
		ike_child_fail(sa, NULL, ST_IPF_INTERNAL, "cannot start the child rekey");
	buf_free(b);
	buf_free(ib);
	buf_free(pub);
	return r;
}

static void
child_rekey_response(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	struct ike_child *ch = x->made, *old = ike_child_by_spi_in(sa, x->child);
	const struct ikev2_pl *p, *pi, *pr;
	struct ikev2_prop_list *reply = calloc(1, sizeof(*reply));
	struct ikev2_tsp *tsi = calloc(1, sizeof(*tsi)), *tsr = calloc(1, sizeof(*tsr));
	struct ikev2_prop chosen;
	struct ikev2_nonce nr;
	struct ikev2_ke ke;
	struct ikev2_notify n;
	struct ike_perr err;
	struct ike_xchg *again;
	struct buf *gir = NULL;
	struct st_ike *st = ike_sa_row(sa);
	uint16_t notify, dh;
	char detail[96];

	ike_request_done(sa);
	for (size_t i = 0; i < ikev2_msg_count(m, IKEV2_PL_NOTIFY); i++)
		ike_count_notify(sa, 0);
	if (ch == NULL || reply == NULL || tsi == NULL || tsr == NULL)
		goto out;
	if ((notify = ikev2_msg_error_notify(m)) != 0) {
		if (st)
			ST_IKE_INC(st, in_p2_exchg_reject);
		/* INVALID_KE_PAYLOAD: once more, with the group asked for */
		if (notify == IKEV2_N_INVALID_KE_PAYLOAD && old && !x->group &&
		    ikev2_msg_notify(m, notify, &n) == 1 && n.len == 2 &&
		    x->offer != NULL &&
		    ikev2_prop_has_dh(x->offer, (uint16_t)(n.data[0] << 8 | n.data[1]))) {
			uint16_t group = (uint16_t)(n.data[0] << 8 | n.data[1]);

			log_info("IKEv2:(SA ID = %u):peer wants DH group %u for the child",
			    sa->st_index, group);
			/* this attempt's larval SA goes before the next one's */
			ike_child_free(sa, ch, 1);
			x->made = NULL;
			if ((again = ike_xchg_new(sa, IKE_X_REKEY_CHILD, x->child)) != NULL) {
				again->group = group;
				/* a crossing rekey of the peer's stays on record */
				again->coll_child = x->coll_child;
				memcpy(again->coll_nonce, x->coll_nonce, x->coll_nonce_len);
				again->coll_nonce_len = x->coll_nonce_len;
				if (child_rekey_start(sa, again) < 0)
					ike_xchg_free(sa, again);
			}
			goto out;
		}
		snprintf(detail, sizeof(detail), "%s from peer in CREATE_CHILD_SA",
		    ikev2_notify_name(notify));
		goto fail;
	}
	if ((p = ikev2_msg_get(m, IKEV2_PL_SA, 0)) == NULL ||
	    (pi = ikev2_msg_get(m, IKEV2_PL_TSI, 0)) == NULL ||
	    (pr = ikev2_msg_get(m, IKEV2_PL_TSR, 0)) == NULL ||
	    ikev2_pl_sa(p, reply, &err) < 0 || ikev2_pl_ts(pi, tsi, &err) < 0 ||
	    ikev2_pl_ts(pr, tsr, &err) < 0 ||
	    (p = ikev2_msg_get(m, IKEV2_PL_NONCE, 0)) == NULL ||
	    ikev2_pl_nonce(p, &nr, &err) < 0 || nr.len < IKEV2_NONCE_MIN ||
	    nr.len > IKEV2_NONCE_MAX) {
		if (st)
			ST_IKE_INC(st, in_p2_exchg_invalid);
		snprintf(detail, sizeof(detail), "malformed CREATE_CHILD_SA response");
		goto fail;
	}
	if (x->offer == NULL ||
	    ikev2_prop_accept(x->offer, reply, IKEV2_PROTO_ESP, &chosen) < 0 ||
	    chosen.spi_size != 4 ||
	    !ikev2_ts_inside(tsi->ts, tsi->n, ch->ts_l, ch->nts_l) ||
	    !ikev2_ts_inside(tsr->ts, tsr->n, ch->ts_r, ch->nts_r)) {
		snprintf(detail, sizeof(detail), "peer's CREATE_CHILD_SA answer exceeds our offer");
		goto fail;
	}
	dh = ikev2_prop_id(&chosen, IKEV2_XFORM_DH, NULL);
	if (dh) {
		if ((p = ikev2_msg_get(m, IKEV2_PL_KE, 0)) == NULL ||
		    ikev2_pl_ke(p, &ke, &err) < 0 || ke.group != dh || x->dh == NULL ||
		    dh_group(x->dh) != dh ||
		    (gir = buf_new_secret(CRYPTO_MAX_DH_PUB)) == NULL ||
		    dh_derive(x->dh, ke.data, ke.len, gir) < 0) {
			snprintf(detail, sizeof(detail), "no usable KE in CREATE_CHILD_SA answer");
			goto fail;
		}
	}
	if (ch->transport && ikev2_msg_notify(m, IKEV2_N_USE_TRANSPORT_MODE, &n) != 1) {
		snprintf(detail, sizeof(detail), "peer refused transport mode");
		goto fail;
	}
	ch->spi_out = (uint32_t)ikev2_spi_value(chosen.spi, 4);
	ikev2_prop_algs(&chosen, &ch->algs);
	ch->nts_l = tsi->n < ST_MAX_TS ? tsi->n : ST_MAX_TS;
	memcpy(ch->ts_l, tsi->ts, ch->nts_l * sizeof(ch->ts_l[0]));
	ch->nts_r = tsr->n < ST_MAX_TS ? tsr->n : ST_MAX_TS;
	memcpy(ch->ts_r, tsr->ts, ch->nts_r * sizeof(ch->ts_r[0]));
	{
		struct ike_child_ctx cx = { 1, x->ni, nr.data, x->ni_len, nr.len,
		    gir ? gir->data : NULL, gir ? gir->len : 0, old ? old->st_index : 0, 0 };
		struct ike_child *peer = x->coll_child ?
		    ike_child_by_spi_in(sa, x->coll_child) : NULL;

		cx.redundant = peer && old && coll_ours_lowest(x, nr.data, nr.len);
		x->made = NULL;
		if (ike_child_install(sa, ch, &cx) < 0 || old == NULL)
			goto out;
		if (cx.redundant) {
			/* ours is the redundant pair: we delete it, the peer
			 * deletes the old one */
			log_info("IKEv2:(SA ID = %u):rekey collision: our child SA "
			    "0x%08x is redundant, deleting it", sa->st_index, ch->spi_in);
			ch->rekeyed = 1;
			ike_xchg_queue(sa, IKE_X_DELETE_CHILD, ch->spi_in);
			goto out;
		}
		if (peer) {
			/* the peer's is redundant: it deletes that one */
			log_info("IKEv2:(SA ID = %u):rekey collision: the peer's child SA "
			    "0x%08x is redundant", sa->st_index, peer->spi_in);
			peer->rekeyed = 1;
			peer->peer_redundant = 1;
			ike_redundant_arm(sa);
		}
		/* the old pair goes once the window is free; its inbound SA
		 * stays until the peer answered the delete */
		old->rekeyed = 1;
		ike_xchg_queue(sa, IKE_X_DELETE_CHILD, old->spi_in);
	}
	goto out;
fail:
	ike_child_fail(sa, ch, ST_IPF_PROPOSAL, detail);
	x->made = NULL;
out:
	free(reply);
	free(tsi);
	free(tsr);
	buf_free(gir);
}

const struct ike_xchg_ops ike_x_rekey_child = {
	IKEV2_EXCH_CREATE_CHILD_SA, child_rekey_start, child_rekey_response,
	ike_sa_peer_lost,
};

/* ---- the IKE SA rekeyed, by us (§1.3.2) ---- */

static int
ike_rekey_start(struct ike_sa *sa, struct ike_xchg *x)
{
	struct ike_builder bl, in;
	struct buf *b = NULL, *ib = NULL, *pub = NULL;
	uint16_t group;
	int r = -1;

	/* the peer's rekey replaced it meanwhile */
	if (sa->rekeyed)
		return -1;
	if ((x->offer = ike_offer_new(sa->conn, 1)) == NULL)
		goto out;
	/* the group that works with this peer goes first */
	ikev2_prop_prefer_dh(x->offer, sa->algs.dh);
	group = ikev2_prop_first_dh(x->offer);
	if (crypto_random(&x->ike_spi, sizeof(x->ike_spi)) < 0 ||
	    x->ike_spi == 0 || crypto_random(x->ni, IKEV2_NONCE_LEN) < 0 ||
	    (x->dh = dh_new(group)) == NULL ||
	    (pub = buf_new(CRYPTO_MAX_DH_PUB)) == NULL || dh_public(x->dh, pub) < 0 ||
	    (b = buf_new(512)) == NULL || (ib = buf_new_secret(512)) == NULL)
		goto out;
	x->ni_len = IKEV2_NONCE_LEN;
	ikev2_prop_set_spi(x->offer, x->ike_spi, 8);
	ike_build_chain(&in, ib);
	ikev2_build_sa(&in, x->offer);
	ikev2_build_nonce(&in, x->ni, x->ni_len);
	ikev2_build_ke(&in, group, pub->data, pub->len);
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_CREATE_CHILD_SA, 0, 0);
	if (ike_msg_seal(sa, &bl, ib, &in) < 0)
		goto out;
	log_info("IKEv2:(SA ID = %u):Rekeying the IKE SA", sa->st_index);
	ike_send_request(sa, b, x);
	b = NULL;
	r = 0;
out:
	if (r < 0)
		log_warnx("IKEv2:(SA ID = %u):cannot start the IKE SA rekey", sa->st_index);
	buf_free(b);
	buf_free(ib);
	buf_free(pub);
	return r;
}

static void
ike_rekey_response(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	struct ikev2_prop_list *reply = calloc(1, sizeof(*reply));
	const struct ikev2_pl *p;
	struct ikev2_prop chosen;
	struct ikev2_nonce nr;
	struct ikev2_ke ke;
	struct ike_perr err;
	struct buf *gir = NULL;
	struct ike_sa *n = NULL, *peer = NULL;
	struct st_ike *st = NULL;
	uint16_t notify;
	uint32_t r;
	int redundant;

	ike_request_done(sa);
	if (reply == NULL)
		goto out;
	if ((notify = ikev2_msg_error_notify(m)) != 0) {
		/* the peer's rekey crossing ours is the one that stands */
		if (sa->rekeyed) {
			log_info("IKEv2:(SA ID = %u):IKE SA rekey refused (%s); the "
			    "peer's rekey replaced it", sa->st_index,
			    ikev2_notify_name(notify));
			goto out;
		}
		/* TEMPORARY_FAILURE: the peer was busy; try again a bit later */
		if (crypto_random(&r, sizeof(r)) < 0)
			r = 0;
		log_info("IKEv2:(SA ID = %u):IKE SA rekey refused (%s), retrying", sa->st_index,
		    ikev2_notify_name(notify));
		loop_timer_set(sa->rekey_timer, 2000 + r % 8000);
		goto out;
	}
	if ((p = ikev2_msg_get(m, IKEV2_PL_SA, 0)) == NULL ||
	    ikev2_pl_sa(p, reply, &err) < 0 ||
	    x->offer == NULL ||
	    ikev2_prop_accept(x->offer, reply, IKEV2_PROTO_IKE, &chosen) < 0 ||
	    chosen.spi_size != 8 || ikev2_spi_value(chosen.spi, 8) == 0 ||
	    (p = ikev2_msg_get(m, IKEV2_PL_NONCE, 0)) == NULL ||
	    ikev2_pl_nonce(p, &nr, &err) < 0 || nr.len < IKEV2_NONCE_MIN ||
	    nr.len > IKEV2_NONCE_MAX ||
	    (p = ikev2_msg_get(m, IKEV2_PL_KE, 0)) == NULL || ikev2_pl_ke(p, &ke, &err) < 0 ||
	    ke.group != ikev2_prop_id(&chosen, IKEV2_XFORM_DH, NULL) ||
	    ke.group != dh_group(x->dh) ||
	    (gir = buf_new_secret(CRYPTO_MAX_DH_PUB)) == NULL ||
	    dh_derive(x->dh, ke.data, ke.len, gir) < 0) {
		log_warnx("IKEv2:(SA ID = %u):unusable answer to our IKE SA rekey", sa->st_index);
		goto out;
	}
	if (x->coll_spi_i && (peer = ike_sa_find(sa->eng, x->coll_spi_i,
	    x->coll_spi_r)) != NULL && peer->phase != IKE_UP)
		peer = NULL;
	redundant = peer && coll_ours_lowest(x, nr.data, nr.len);
	/* a redundant SA only lives to be deleted: no state row */
	if ((n = ike_sa_new(sa->eng, sa->conn, 1, &sa->local, sa->lport, &sa->remote,
	    sa->rport)) == NULL ||
	    (!redundant && (st = st_ike_new(sa->conn->name, 2, 1)) == NULL)) {
		if (n)
			ike_sa_set_phase(n, IKE_DEAD);
		goto out;
	}
	n->st_index = st ? st->index : 0;
	ike_sa_set_own_spi(n, x->ike_spi);
	n->spi_r = ikev2_spi_value(chosen.spi, 8);
	ike_sa_inherit(n, sa, &chosen);
	if (ikev2_ike_keys_derive(&n->keys, &n->algs, &sa->keys, gir->data, gir->len,
	    x->ni, x->ni_len, nr.data, nr.len, n->spi_i, n->spi_r) < 0) {
		ike_sa_end(n, ST_TERM_LOCAL_FAIL);
		goto out;
	}
	n->have_keys = 1;
	if (redundant) {
		/* ours is redundant: we delete it, the peer deletes the old one */
		log_info("IKEv2:(SA ID = %u):rekey collision: our new IKE SA "
		    "%016llx/%016llx is redundant, deleting it", sa->st_index,
		    (unsigned long long)n->spi_i, (unsigned long long)n->spi_r);
		ike_sa_set_phase(n, IKE_UP);	/* up only to be deleted */
		n->rekeyed = 1;
		ike_sa_delete_later(n, ST_TERM_NORMAL);
		ike_sa_kick(n);
		goto out;
	}
	if (peer) {
		/* the peer's is redundant (it deletes it): the children that
		 * went there come over to ours */
		log_info("IKEv2:(SA ID = %u):rekey collision: the peer's IKE SA "
		    "%u is redundant", sa->st_index, peer->st_index);
		ike_children_move(peer, n);
		/* replaced, not to be rekeyed: the peer's to delete */
		peer->rekeyed = 1;
		peer->redundant = 1;
		ike_redundant_arm(peer);
	}
	ike_children_move(sa, n);
	ike_sa_up(n);
	ike_sa_pass_delete(n, sa);
	if ((st = ike_sa_row(sa)) != NULL)
		st->refreshes++;
	log_info("IKEv2:(SA ID = %u):IKE SA rekeyed as SA %u, SPI %016llx/%016llx",
	    sa->st_index, n->st_index, (unsigned long long)n->spi_i,
	    (unsigned long long)n->spi_r);
	/* the old one goes, quietly */
	ike_sa_delete_later(sa, ST_TERM_NORMAL);
out:
	free(reply);
	buf_free(gir);
}

const struct ike_xchg_ops ike_x_rekey_ike = {
	IKEV2_EXCH_CREATE_CHILD_SA, ike_rekey_start, ike_rekey_response,
	ike_sa_peer_lost,
};
