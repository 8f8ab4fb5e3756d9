/* The IKE_AUTH exchange with pre-shared keys and the first child SA
 * (RFC 7296 §1.2, §2.15, §2.17, §2.9). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev2_sa.h"
#include "keying/ikev2_ts.h"

/* ---- shared ---- */

/* Our AUTH data: our first message, the other side's nonce (both kept in
 * x, the SA's IKE_SA_INIT), our SK_p. */
static int
auth_data(struct ike_sa *sa, const struct ike_xchg *x, const struct buf *psk,
    const uint8_t *idbody, size_t idlen, uint8_t *out)
{
	int from_i = sa->initiator;
	const struct buf *msg = from_i ? x->init_i : x->init_r;

	return ikev2_psk_auth(sa->algs.prf, psk->data, psk->len, msg->data, msg->len,
	    from_i ? x->nr : x->ni, from_i ? x->nr_len : x->ni_len,
	    from_i ? sa->keys.sk_pi : sa->keys.sk_pr, sa->keys.prf_len,
	    idbody, idlen, out);
}

static int
auth_verify(struct ike_sa *sa, const struct ike_xchg *x, const struct buf *psk,
    const struct ikev2_pl *idp, const struct ikev2_auth *auth)
{
	const struct buf *msg = sa->initiator ? x->init_r : x->init_i;

	if (auth->method != IKEV2_AUTH_PSK)
		return -1;
	return ikev2_psk_verify(sa->algs.prf, psk->data, psk->len, msg->data, msg->len,
	    sa->initiator ? x->ni : x->nr, sa->initiator ? x->ni_len : x->nr_len,
	    sa->initiator ? sa->keys.sk_pr : sa->keys.sk_pi, sa->keys.prf_len,
	    idp->body, idp->len, auth->data, auth->len);
}

static struct buf *
psk_get(struct ike_sa *sa)
{
	struct ike_env *env = &sa->eng->env;
	struct buf *psk = buf_new_secret(64);

	if (psk == NULL)
		return NULL;
	if (env->psk(env->arg, &sa->lid, &sa->rid, psk) < 0 || psk->len == 0) {
		buf_free(psk);
		return NULL;
	}
	return psk;
}

static int
build_id(struct ike_builder *bl, uint8_t type, const struct cfg_id *id)
{
	struct ikev2_id i;

	i.type = id->type;
	i.data = id->data;
	i.len = id->len;
	return ikev2_build_id(bl, type, &i);
}

/* Another IKE SA of ours with the same peer (by connection and address). */
static int
peer_has_other_sa(const struct ike_sa *sa)
{
	const struct ike_sa *o;

	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && o->phase == IKE_UP && o->conn == sa->conn &&
		    addr_cmp(&o->remote, &sa->remote) == 0)
			return 1;
	return 0;
}

/* INITIAL_CONTACT (RFC 7296 §2.4): the peer has no other IKE SA with us,
 * so older ones with the same identities are stale, whatever connection
 * they came up on (a rebooted peer may reach us from a new address). */
static void
initial_contact(struct ike_sa *sa)
{
	struct ike_sa *o;

	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && (o->phase == IKE_UP || o->phase == IKE_DELETING) &&
		    config_id_equal(&o->rid, &sa->rid) &&
		    config_id_equal(&o->lid, &sa->lid)) {
			log_info("IKEv2:(SA ID = %u):INITIAL_CONTACT from %s, dropping IKE SA %u",
			    sa->st_index, sa->rid.text, o->st_index);
			ike_sa_end(o, ST_TERM_PEER_DEL);
		}
}

/* The IKE SA is authenticated: up, and the Cisco-style status line. */
static void
ike_sa_established(struct ike_sa *sa)
{
	char peer[ADDR_STRLEN];

	ike_sa_up(sa);
	log_info("IKEv2:(SA ID = %u):Session with IKE ID PAIR (%s, %s) is UP", sa->st_index,
	    sa->rid.text, sa->lid.text);
	log_tag("CRYPTO-5-IKEV2_SESSION_STATUS",
	    "Crypto tunnel v2 is UP. Peer %s:%u Id: %s",
	    addr_str(&sa->remote, peer, sizeof(peer)), sa->rport, sa->rid.text);
}

/* ---- initiator ---- */

int
ike_auth_start(struct ike_sa *sa, struct ike_xchg *x)
{
	struct ike_env *env = &sa->eng->env;
	const struct cfg_conn *c = sa->conn;
	struct ike_builder bl, in;
	struct buf *b = NULL, *ib = NULL, *psk = NULL;
	struct ike_child *ch = NULL;
	uint8_t idb[4 + CFG_ID_MAX], auth[CRYPTO_MAX_PRF_LEN];
	size_t idlen;
	int r = -1;
	char peer[ADDR_STRLEN + 8];

	/* IKE_SA_INIT is done: its IKE proposals go, the ESP ones come */
	x->kind = IKE_X_AUTH;
	x->ops = sa->eng->ops->xchg[IKE_X_AUTH];
	free(x->offer);
	x->offer = NULL;
	if ((psk = psk_get(sa)) == NULL) {
		ike_sa_fail(sa, ST_IKEF_AUTH, 0, "no pre-shared key for %s - %s",
		    sa->lid.text, sa->rid.text);
		return 0;
	}
	if ((idlen = ike_id_body(&sa->lid, idb, sizeof(idb))) == 0 ||
	    auth_data(sa, x, psk, idb, idlen, auth) < 0)
		goto out;
	if ((ch = ike_child_new(sa)) == NULL)
		goto out;
	x->made = ch;
	if (env->alloc_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP, ch->reqid,
	    &ch->spi_in) < 0) {
		ike_sa_fail(sa, ST_IKEF_SYSCAP, 0, "no inbound SPI from the kernel");
		r = 0;
		goto out;
	}
	if ((x->offer = ike_offer_new(c, 0)) == NULL) {
		ike_sa_fail(sa, ST_IKEF_PROPOSAL, 0, "no usable ESP proposal configured");
		r = 0;
		goto out;
	}
	ikev2_prop_strip_dh(x->offer);
	ikev2_prop_set_spi(x->offer, ch->spi_in, 4);
	ch->nts_l = ikev2_ts_from_end(&c->left, &sa->local, ch->ts_l, ST_MAX_TS);
	ch->nts_r = ikev2_ts_from_end(&c->right, &sa->remote, ch->ts_r, ST_MAX_TS);

	if ((b = buf_new(1024)) == NULL || (ib = buf_new_secret(1024)) == NULL)
		goto out;
	ike_build_chain(&in, ib);
	build_id(&in, IKEV2_PL_IDI, &sa->lid);
	if (sa->eng->tun.initial_contact && !peer_has_other_sa(sa)) {
		ikev2_build_notify_simple(&in, IKEV2_N_INITIAL_CONTACT, NULL, 0);
		ike_count_notify(sa, 1);
	}
	if (c->right.id_configured && c->right.id.type != CFG_ID_ANY)
		build_id(&in, IKEV2_PL_IDR, &sa->rid);
	ikev2_build_auth(&in, IKEV2_AUTH_PSK, auth, sa->keys.prf_len);
	if (ch->transport) {
		ikev2_build_notify_simple(&in, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
		ike_count_notify(sa, 1);
	}
	ikev2_build_sa(&in, x->offer);
	ike_build_ts(&in, IKEV2_PL_TSI, ch->ts_l, ch->nts_l);
	ike_build_ts(&in, IKEV2_PL_TSR, ch->ts_r, ch->nts_r);
	sa->next_msgid = 1;
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_IKE_AUTH, 0, 0);
	if (ike_msg_seal(sa, &bl, ib, &in) < 0)
		goto out;
	ike_sa_set_phase(sa, IKE_AUTH_I);
	log_info("IKEv2:(SA ID = %u):Generating IKE_AUTH message [To %s], ID %s",
	    sa->st_index, ike_sa_peer(sa, peer, sizeof(peer)), sa->lid.text);
	ike_send_request(sa, b, x);
	b = NULL;
	r = 0;
out:
	wipe(auth, sizeof(auth));
	buf_free(psk);
	buf_free(ib);
	buf_free(b);
	return r;
}

/* Sends an INFORMATIONAL request carrying one error notify, without waiting
 * for the answer (the SA is going away). */
static void
info_notify_oneway(struct ike_sa *sa, uint16_t notify)
{
	struct ike_builder bl, in;
	struct buf *b = buf_new(128), *ib = buf_new_secret(32);

	if (b && ib) {
		ike_build_chain(&in, ib);
		ikev2_build_notify_simple(&in, notify, NULL, 0);
		ike_msg_start(sa, &bl, b, IKEV2_EXCH_INFORMATIONAL, 0, 0);
		if (ike_msg_seal(sa, &bl, ib, &in) == 0) {
			sa->next_msgid++;
			ike_count_notify(sa, 1);
			ike_send_raw(sa->eng, sa, &sa->local, sa->lport, &sa->remote,
			    sa->rport, b->data, b->len);
		}
	}
	buf_free(b);
	buf_free(ib);
}

/* The child part of the IKE_AUTH response (the IKE SA is up by now). */
static void
auth_response_child(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	struct ike_child *ch = x->made;
	const struct ikev2_pl *p, *pi, *pr;
	struct ikev2_prop_list *reply = NULL;
	struct ikev2_prop chosen;
	struct ikev2_tsp *tsi = NULL, *tsr = NULL;
	struct ikev2_notify n;
	struct ike_perr err;
	struct ike_child_ctx cx = { 1, x->ni, x->nr, x->ni_len, x->nr_len, NULL, 0, 0 };
	uint16_t notify;
	char detail[96];

	if (ch == NULL)
		return;
	/* installed or failed below: no longer the exchange's */
	x->made = NULL;
	if ((notify = ikev2_msg_error_notify(m)) != 0) {
		snprintf(detail, sizeof(detail), "%s from peer", ikev2_notify_name(notify));
		ike_child_fail(sa, ch, ST_IPF_PROPOSAL, detail);
		return;
	}
	reply = calloc(1, sizeof(*reply));
	tsi = calloc(1, sizeof(*tsi));
	tsr = calloc(1, sizeof(*tsr));
	if (reply == NULL || tsi == NULL || tsr == NULL ||
	    (p = ikev2_msg_get(m, IKEV2_PL_SA, 0)) == NULL ||
	    (pi = ikev2_msg_get(m, IKEV2_PL_TSI, 0)) == NULL ||
	    (pr = ikev2_msg_get(m, IKEV2_PL_TSR, 0)) == NULL ||
	    ikev2_pl_sa(p, reply, &err) < 0 || ikev2_pl_ts(pi, tsi, &err) < 0 ||
	    ikev2_pl_ts(pr, tsr, &err) < 0) {
		ike_child_fail(sa, ch, ST_IPF_ENCODING, "IKE_AUTH response lacks SA or TS");
		goto out;
	}
	if (x->offer == NULL ||
	    ikev2_prop_accept(x->offer, reply, IKEV2_PROTO_ESP, &chosen) < 0 ||
	    chosen.spi_size != 4) {
		ike_child_fail(sa, ch, ST_IPF_PROPOSAL,
		    "peer chose an ESP proposal we did not offer");
		goto out;
	}
	if (!ikev2_ts_inside(tsi->ts, tsi->n, ch->ts_l, ch->nts_l) ||
	    !ikev2_ts_inside(tsr->ts, tsr->n, ch->ts_r, ch->nts_r)) {
		ike_child_fail(sa, ch, ST_IPF_PROPOSAL, "peer's traffic selectors exceed ours");
		goto out;
	}
	if (ch->transport &&
	    ikev2_msg_notify(m, IKEV2_N_USE_TRANSPORT_MODE, &n) != 1) {
		ike_child_fail(sa, ch, ST_IPF_PROPOSAL, "peer refused transport mode");
		goto out;
	}
	ch->spi_out = (uint32_t)ikev2_spi_value(chosen.spi, chosen.spi_size);
	ikev2_prop_algs(&chosen, &ch->algs);
	ch->nts_l = tsi->n < ST_MAX_TS ? tsi->n : ST_MAX_TS;
	memcpy(ch->ts_l, tsi->ts, ch->nts_l * sizeof(ch->ts_l[0]));
	ch->nts_r = tsr->n < ST_MAX_TS ? tsr->n : ST_MAX_TS;
	memcpy(ch->ts_r, tsr->ts, ch->nts_r * sizeof(ch->ts_r[0]));
	ike_child_install(sa, ch, &cx);
out:
	free(reply);
	free(tsi);
	free(tsr);
}

static void
auth_response(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	const struct ikev2_pl *idp, *ap;
	struct ikev2_id id;
	struct ikev2_auth auth;
	struct ike_perr err;
	struct cfg_id rid;
	struct buf *psk = NULL;
	uint16_t notify;

	ike_request_done(sa);
	if ((notify = ikev2_msg_error_notify(m)) != 0 &&
	    (notify == IKEV2_N_AUTHENTICATION_FAILED ||
	    ikev2_msg_get(m, IKEV2_PL_AUTH, 0) == NULL)) {
		ike_sa_fail(sa, notify == IKEV2_N_AUTHENTICATION_FAILED ? ST_IKEF_AUTH :
		    ST_IKEF_OTHER, 0, "%s from peer in IKE_AUTH", ikev2_notify_name(notify));
		return;
	}
	if ((idp = ikev2_msg_get(m, IKEV2_PL_IDR, 0)) == NULL ||
	    (ap = ikev2_msg_get(m, IKEV2_PL_AUTH, 0)) == NULL ||
	    ikev2_pl_id(idp, &id, &err) < 0 || ikev2_pl_auth(ap, &auth, &err) < 0 ||
	    config_id_from_payload(id.type, id.data, id.len, &rid) < 0) {
		ike_sa_fail(sa, ST_IKEF_ENCODING, 0, "IKE_AUTH response lacks IDr or AUTH");
		return;
	}
	if (sa->conn->right.id.type != CFG_ID_ANY && !config_id_equal(&rid, &sa->rid)) {
		info_notify_oneway(sa, IKEV2_N_AUTHENTICATION_FAILED);
		ike_sa_fail(sa, ST_IKEF_AUTH, 0, "peer identifies as %s, expected %s",
		    rid.text, sa->rid.text);
		return;
	}
	sa->rid = rid;
	if ((psk = psk_get(sa)) == NULL || auth_verify(sa, x, psk, idp, &auth) < 0) {
		buf_free(psk);
		info_notify_oneway(sa, IKEV2_N_AUTHENTICATION_FAILED);
		ike_sa_fail(sa, ST_IKEF_AUTH, 0,
		    "AUTH payload of %s does not verify (pre-shared key mismatch?)",
		    rid.text);
		return;
	}
	buf_free(psk);
	ike_sa_established(sa);
	auth_response_child(sa, x, m);
}

void
ike_setup_timeout(struct ike_sa *sa, struct ike_xchg *x)
{
	ike_sa_fail(sa, ST_IKEF_PEER_LOST, 1, "%s request not answered after %u retransmits",
	    ikev2_exchange_name(x->ops->exchange), sa->req_tries);
}

/* IKE_SA_INIT's object, turned into IKE_AUTH by its answer */
const struct ike_xchg_ops ike_x_auth = {
	IKEV2_EXCH_IKE_AUTH, ike_auth_start, auth_response, ike_setup_timeout,
};

/* ---- responder ---- */

/* Negotiates the child of an IKE_AUTH request; on success ch is filled and
 * 0 returned, else the error notify to send. */
static uint16_t
auth_request_child(struct ike_sa *sa, struct ikev2_msg *m, struct ike_child *ch,
    struct ikev2_prop *chosen)
{
	const struct cfg_conn *c = sa->conn;
	struct ike_env *env = &sa->eng->env;
	const struct ikev2_pl *p, *pi, *pr;
	struct ikev2_prop_list *theirs, *ours;
	struct ikev2_tsp *tsi, *tsr;
	struct ikev2_ts ts_l[ST_MAX_TS], ts_r[ST_MAX_TS];
	struct ikev2_notify n;
	struct ike_perr err;
	size_t nl, nr;
	uint16_t ret = IKEV2_N_INVALID_SYNTAX;

	theirs = calloc(1, sizeof(*theirs));
	ours = calloc(1, sizeof(*ours));
	tsi = calloc(1, sizeof(*tsi));
	tsr = calloc(1, sizeof(*tsr));
	if (theirs == NULL || ours == NULL || tsi == NULL || tsr == NULL) {
		ret = IKEV2_N_TEMPORARY_FAILURE;
		goto out;
	}
	if ((p = ikev2_msg_get(m, IKEV2_PL_SA, 0)) == NULL ||
	    (pi = ikev2_msg_get(m, IKEV2_PL_TSI, 0)) == NULL ||
	    (pr = ikev2_msg_get(m, IKEV2_PL_TSR, 0)) == NULL ||
	    ikev2_pl_sa(p, theirs, &err) < 0 || ikev2_pl_ts(pi, tsi, &err) < 0 ||
	    ikev2_pl_ts(pr, tsr, &err) < 0)
		goto out;
	if (ikev2_prop_from_cfg(&c->esp, IKEV2_PROTO_ESP, ours) < 0) {
		ret = IKEV2_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	ikev2_prop_strip_dh(ours);
	ikev2_prop_strip_dh(theirs);
	if (ikev2_prop_select(ours, theirs, IKEV2_PROTO_ESP, chosen) < 0 ||
	    chosen->spi_size != 4) {
		ret = IKEV2_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	/* TSi is the peer's side: our right end; TSr is ours: left */
	nr = ikev2_ts_from_end(&c->right, &sa->remote, ts_r, ST_MAX_TS);
	nl = ikev2_ts_from_end(&c->left, &sa->local, ts_l, ST_MAX_TS);
	ch->nts_r = ikev2_ts_narrow(tsi->ts, tsi->n, ts_r, nr, ch->ts_r, ST_MAX_TS);
	ch->nts_l = ikev2_ts_narrow(tsr->ts, tsr->n, ts_l, nl, ch->ts_l, ST_MAX_TS);
	if (ch->nts_r == 0 || ch->nts_l == 0) {
		ret = IKEV2_N_TS_UNACCEPTABLE;
		goto out;
	}
	/* transport only when both ask for it; else tunnel, as strongSwan */
	ch->transport = c->mode == CFG_MODE_TRANSPORT &&
	    ikev2_msg_notify(m, IKEV2_N_USE_TRANSPORT_MODE, &n) == 1;
	ikev2_prop_algs(chosen, &ch->algs);
	ch->spi_out = (uint32_t)ikev2_spi_value(chosen->spi, chosen->spi_size);
	if (env->alloc_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP, ch->reqid,
	    &ch->spi_in) < 0) {
		ret = IKEV2_N_TEMPORARY_FAILURE;
		goto out;
	}
	ikev2_spi_put(chosen->spi, 4, ch->spi_in);
	ret = 0;
out:
	free(theirs);
	free(ours);
	free(tsi);
	free(tsr);
	return ret;
}

/* Answers an IKE_AUTH request with just an error notify and ends the SA. */
static void
auth_refuse(struct ike_sa *sa, uint32_t msgid, uint16_t notify,
    enum st_ike_fail reason, const char *detail)
{
	ike_send_error_response(sa, IKEV2_EXCH_IKE_AUTH, msgid, notify, NULL, 0);
	ike_sa_fail(sa, reason, 0, "%s", detail);
}

void
ike_auth_request(struct ike_sa *sa, struct ikev2_msg *m)
{
	struct ike_env *env = &sa->eng->env;
	const struct cfg_conn *conn;
	const struct ikev2_pl *idp, *ap, *rp;
	struct ikev2_id id;
	struct ikev2_auth auth;
	struct ikev2_notify n;
	struct ike_perr err;
	struct ikev2_prop_list *one = NULL;
	struct ike_builder bl, in;
	struct cfg_id peer, us;
	struct buf *psk = NULL, *b = NULL, *ib = NULL;
	struct ike_child *ch = NULL, *done = NULL;
	struct ike_xchg *x = sa->xr;	/* the peer's IKE_SA_INIT */
	uint32_t msgid = m->hdr.msgid;
	uint8_t idb[4 + CFG_ID_MAX], mine[CRYPTO_MAX_PRF_LEN];
	uint16_t child_err;
	size_t idlen;
	char detail[128];

	if (x == NULL) {
		auth_refuse(sa, msgid, IKEV2_N_TEMPORARY_FAILURE, ST_IKEF_INTERNAL,
		    "IKE_AUTH request without the IKE_SA_INIT state");
		return;
	}
	if ((idp = ikev2_msg_get(m, IKEV2_PL_IDI, 0)) == NULL ||
	    (ap = ikev2_msg_get(m, IKEV2_PL_AUTH, 0)) == NULL ||
	    ikev2_pl_id(idp, &id, &err) < 0 || ikev2_pl_auth(ap, &auth, &err) < 0 ||
	    config_id_from_payload(id.type, id.data, id.len, &peer) < 0) {
		auth_refuse(sa, msgid, IKEV2_N_INVALID_SYNTAX, ST_IKEF_ENCODING,
		    "IKE_AUTH request without a usable IDi or AUTH");
		return;
	}
	if ((rp = ikev2_msg_get(m, IKEV2_PL_IDR, 0)) != NULL &&
	    (ikev2_pl_id(rp, &id, &err) < 0 ||
	    config_id_from_payload(id.type, id.data, id.len, &us) < 0))
		rp = NULL;
	conn = env->conn_by_id ? env->conn_by_id(env->arg, sa->conn, &sa->local,
	    &sa->remote, &peer, rp ? &us : NULL) : sa->conn;
	if (conn == NULL) {
		sa->rid = peer;
		snprintf(detail, sizeof(detail), "no connection for peer ID %.80s",
		    peer.text);
		auth_refuse(sa, msgid, IKEV2_N_AUTHENTICATION_FAILED, ST_IKEF_AUTH, detail);
		return;
	}
	if (conn != sa->conn) {
		struct st_ike *st = st_ike_get(sa->st_index);

		sa->conn = conn;
		if (st)
			snprintf(st->conn, sizeof(st->conn), "%s", conn->name);
		if (conn->left.id.type != CFG_ID_ANY)
			sa->lid = conn->left.id;
	}
	sa->rid = peer;
	if ((psk = psk_get(sa)) == NULL || auth_verify(sa, x, psk, idp, &auth) < 0) {
		buf_free(psk);
		snprintf(detail, sizeof(detail),
		    "AUTH payload of %.64s does not verify (pre-shared key mismatch?)",
		    peer.text);
		auth_refuse(sa, msgid, IKEV2_N_AUTHENTICATION_FAILED, ST_IKEF_AUTH, detail);
		return;
	}
	ike_sa_established(sa);
	if (ikev2_msg_notify(m, IKEV2_N_INITIAL_CONTACT, &n) == 1)
		initial_contact(sa);

	if ((one = calloc(1, sizeof(*one))) == NULL || (ch = ike_child_new(sa)) == NULL ||
	    (b = buf_new(1024)) == NULL || (ib = buf_new_secret(1024)) == NULL)
		goto fail;
	child_err = auth_request_child(sa, m, ch, &one->p[0]);
	one->n = 1;
	if (child_err) {
		snprintf(detail, sizeof(detail), "%s sent in IKE_AUTH",
		    ikev2_notify_name(child_err));
		ike_child_fail(sa, ch, child_err == IKEV2_N_TS_UNACCEPTABLE ||
		    child_err == IKEV2_N_NO_PROPOSAL_CHOSEN ? ST_IPF_PROPOSAL :
		    ST_IPF_OTHER, detail);
		ch = NULL;
	} else {
		/* installed before the answer goes out, so the peer's first
		 * packets find the SAs */
		struct ike_child_ctx cx = { 0, x->ni, x->nr, x->ni_len, x->nr_len,
		    NULL, 0, 0 };

		done = ch;
		ch = NULL;
		if (ike_child_install(sa, done, &cx) < 0) {
			done = NULL;
			child_err = IKEV2_N_TEMPORARY_FAILURE;
		}
	}
	if ((idlen = ike_id_body(&sa->lid, idb, sizeof(idb))) == 0 ||
	    auth_data(sa, x, psk, idb, idlen, mine) < 0)
		goto fail;
	ike_build_chain(&in, ib);
	build_id(&in, IKEV2_PL_IDR, &sa->lid);
	ikev2_build_auth(&in, IKEV2_AUTH_PSK, mine, sa->keys.prf_len);
	if (child_err) {
		ikev2_build_notify_simple(&in, child_err, NULL, 0);
		ike_count_notify(sa, 1);
	} else {
		if (done->transport) {
			ikev2_build_notify_simple(&in, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
			ike_count_notify(sa, 1);
		}
		ikev2_build_sa(&in, one);
		ike_build_ts(&in, IKEV2_PL_TSI, done->ts_r, done->nts_r);
		ike_build_ts(&in, IKEV2_PL_TSR, done->ts_l, done->nts_l);
	}
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_IKE_AUTH, 1, msgid);
	if (ike_msg_seal(sa, &bl, ib, &in) < 0)
		goto fail;
	ike_send_response(sa, b, msgid);
	b = NULL;
	ike_sa_wipe_exchange(sa);
	goto out;
fail:
	ike_sa_fail(sa, ST_IKEF_INTERNAL, 0, "cannot answer IKE_AUTH");
out:
	wipe(mine, sizeof(mine));
	if (ch)
		ike_child_free(sa, ch, 1);
	free(one);
	buf_free(psk);
	buf_free(b);
	buf_free(ib);
}
