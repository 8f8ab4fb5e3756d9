/* Aggressive Mode with pre-shared keys, both roles (RFC 2409 §5, §5.4),
 * only for connections with aggressive=yes (strongSwan's keyword):
 *   1 HDR, SA, KE, Ni, IDii          ->
 *                                    <-  2 HDR, SA, KE, Nr, IDir, HASH_R
 *   3 HDR*, HASH_I                   ->
 * (vendor IDs in 1 and 2, NAT-D in 2 and 3 as RFC 3947 places them). The
 * KE of message 1 fixes the DH group: our offer has one group, and as
 * responder only the peer's transforms of its first one's group count.
 * The responder has the initiator's ID before it answers, so the
 * pre-shared key is that of IDii. Message 3 goes encrypted, as strongSwan
 * and IOS send it; a clear one is taken too. Keys, hashes and the end of
 * phase 1 are Main Mode's (ikev1_phase1.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"

/* Our offer: Main Mode's, less the transforms of other groups than the
 * first one's (that of our KE). 0 / -1. */
static int
ag_offer(const struct cfg_conn *c, struct ikev1_sa *offer, struct buf *attrs)
{
	struct ikev1_p1_suite s;
	uint16_t group = 0;
	size_t i, n = 0;

	if (ikev1_conn_offer(c, offer, attrs) == -1)
		return -1;
	for (i = 0; i < offer->prop[0].nxf; i++) {
		ikev1_p1_suite(&offer->prop[0].xf[i], &s);
		if (i == 0)
			group = s.group;
		if (s.group != group)
			continue;
		offer->prop[0].xf[n] = offer->prop[0].xf[i];
		offer->prop[0].xf[n].num = (uint8_t)(n + 1);
		n++;
	}
	offer->prop[0].nxf = n;
	return n ? 0 : -1;
}

/* g^x of sa->algs.dh into *gx and a nonce into *nonce. 0, or -1 (the SA
 * failed). */
static int
ag_dh_nonce(struct isakmp_sa *sa, struct buf **gx, struct buf **nonce)
{
	uint8_t n[IKEV1_NONCE_LEN];
	int r = -1;

	if ((*gx = buf_new(CRYPTO_MAX_DH_PUB)) != NULL &&
	    crypto_random(n, sizeof(n)) == 0 &&
	    (*nonce = buf_from(n, sizeof(n))) != NULL &&
	    (sa->dh = dh_new(sa->algs.dh)) != NULL &&
	    dh_public(sa->dh, *gx) == 0)
		r = 0;
	else
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no DH key pair or nonce");
	wipe(n, sizeof(n));
	return r;
}

/* ---- initiator ---- */

int
ikev1_ag_start(struct ikev1_engine *e, const struct cfg_conn *c)
{
	uint16_t port = e->tun.ike_port ? e->tun.ike_port : IKE_PORT;

	if (c->left.addr.family == 0 || c->right.addr.family == 0) {
		log_warnx("IKEv1:%s: cannot initiate without both addresses",
		    c->name);
		return -1;
	}
	return ikev1_ag_start_at(e, c, &c->left.addr, port, &c->right.addr,
	    port);
}

int
ikev1_ag_start_at(struct ikev1_engine *e, const struct cfg_conn *c,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct ikev1_builder bl, cb;
	struct ikev1_sa *offer = NULL;
	struct ikev1_p1_suite s;
	struct ikev1_hdr h;
	struct isakmp_sa *sa;
	struct st_ike *st;
	struct buf *attrs = NULL, *body = NULL, *msg = NULL;
	uint8_t idb[4 + CFG_ID_MAX];
	size_t idlen;
	char a[ADDR_STRLEN];
	int r = -1;

	if ((sa = ikev1_sa_new(e, c, local, lport, remote, rport)) == NULL)
		return -1;
	/* retransmissions decide when the peer is silent */
	loop_timer_stop(sa->timer);
	sa->initiator = 1;
	sa->aggressive = 1;
	sa->lifetime = c->ikelifetime;
	while (sa->icookie == 0)
		if (crypto_random(&sa->icookie, sizeof(sa->icookie)) == -1) {
			ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no random cookie");
			goto out;
		}
	ikev1_p1_ids(sa);
	ikev1_p1_state(sa, ST_MM_NO_STATE);
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->initiator = 1;
		st->spi_i = sa->icookie;
	}
	offer = calloc(1, sizeof(*offer));
	attrs = buf_new(512);
	body = buf_new(1024);
	msg = buf_new(1024);
	if (offer == NULL || attrs == NULL || body == NULL || msg == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto out;
	}
	if (ag_offer(c, offer, attrs) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "no ISAKMP transform to "
		    "offer from ike=");
		goto out;
	}
	/* the group of our KE: that of every transform offered */
	ikev1_p1_suite(&offer->prop[0].xf[0], &s);
	sa->algs.dh = s.group;
	ikev1_build_chain(&cb, body);
	if (ikev1_build_sa(&cb, offer) == -1 || ikev1_build_finish(&cb) == -1 ||
	    (sa->sai_b = buf_from(body->data + IKEV1_PL_HDR_LEN,
	    body->len - IKEV1_PL_HDR_LEN)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 1");
		goto out;
	}
	if (ag_dh_nonce(sa, &sa->gxi, &sa->ni) == -1)
		goto out;
	idlen = ikev1_p1_id_body(&sa->lid, idb);
	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.exchange = IKEV1_EXCH_AGGRESSIVE;
	ikev1_build_msg(&bl, msg, &h);
	if (ikev1_build_raw(&bl, IKEV1_PL_SA, sa->sai_b->data,
	    sa->sai_b->len) < 0 || ikev1_build_raw(&bl, IKEV1_PL_KE,
	    sa->gxi->data, sa->gxi->len) < 0 || ikev1_build_raw(&bl,
	    IKEV1_PL_NONCE, sa->ni->data, sa->ni->len) < 0 ||
	    ikev1_build_raw(&bl, IKEV1_PL_ID, idb, idlen) < 0 ||
	    ikev1_vendor_add(&bl) == -1 || ikev1_build_finish(&bl) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 1");
		goto out;
	}
	sa->phase = IKEV1_AG_I1;
	ikev1_p1_state(sa, ST_MM_SA_SETUP);
	log_info("IKEv1:%s: initiating Aggressive Mode with %s[%u] (%s)",
	    c->name, addr_str(&sa->remote, a, sizeof(a)), sa->rport,
	    crypto_name(CRYPTO_DH, sa->algs.dh));
	ikev1_send_request(sa, msg);
	msg = NULL;
	r = 0;
out:
	if (r == -1)
		ikev1_sa_free(sa);	/* failed and ended above */
	free(offer);
	buf_free(attrs);
	buf_free(body);
	buf_free(msg);
	return r;
}

/* Message 3: HASH_I (with INITIAL-CONTACT when it applies, NAT-D when
 * both sides do NAT-T), encrypted. NULL when it cannot be built (the SA
 * failed). */
static struct buf *
ag_hash_i(struct isakmp_sa *sa)
{
	struct ikev1_builder cb;
	struct buf *chain = NULL, *msg = NULL;
	uint8_t hash[CRYPTO_MAX_PRF_LEN], idb[4 + CFG_ID_MAX];
	uint8_t nb[IKEV1_NOTIFY_MAX];
	size_t idlen = ikev1_p1_id_body(&sa->lid, idb);

	if (ikev1_p1_our_hash(sa, idb, idlen, hash) == -1 ||
	    (chain = buf_new_secret(512)) == NULL ||
	    (msg = buf_new(512)) == NULL)
		goto fail;
	ikev1_build_chain(&cb, chain);
	if (ikev1_build_raw(&cb, IKEV1_PL_HASH, hash, sa->k.prf_len) < 0 ||
	    (ikev1_p1_initial_contact(sa) && ikev1_build_raw(&cb,
	    IKEV1_PL_NOTIFY, nb, ikev1_notify_body(sa,
	    IKEV1_N_INITIAL_CONTACT, 1, nb)) < 0) ||
	    ikev1_natt_add(sa, &cb) == -1 ||
	    ikev1_seal(sa, IKEV1_EXCH_AGGRESSIVE, 0, &cb, sa->k.iv, msg) == -1)
		goto fail;
	buf_free(chain);
	wipe(hash, sizeof(hash));
	return msg;
fail:
	ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 3");
	buf_free(chain);
	buf_free(msg);
	wipe(hash, sizeof(hash));
	return NULL;
}

/* Message 2: the responder's choice, KE, Nr, IDir, HASH_R -> keys,
 * HASH_R verified, message 3; established, Quick Mode next. */
static void
ag_i_reply(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *pl, *ip, *hp;
	struct ikev1_sa *offer = NULL;
	struct ikev1_data ke, nonce, hash;
	struct ikev1_perr err;
	struct cfg_id peer;
	struct st_ike *st;
	struct buf *attrs = NULL, *msg;
	char a[ADDR_STRLEN + 8];

	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL ||
	    (ip = ikev1_msg_get(m, IKEV1_PL_ID, 0)) == NULL ||
	    (hp = ikev1_msg_get(m, IKEV1_PL_HASH, 0)) == NULL ||
	    ikev1_pl_data(hp, &hash, &err) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Aggressive Mode message 2 without SA, ID and HASH");
		return;
	}
	offer = calloc(1, sizeof(*offer));
	attrs = buf_new(512);
	if (offer == NULL || attrs == NULL ||
	    ag_offer(sa->conn, offer, attrs) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto out;
	}
	if (ikev1_p1_chosen(sa, pl, offer) == -1)
		goto out;
	ikev1_rtx_stop(sa);
	sa->rcookie = m->hdr.rcookie;
	if ((st = st_ike_get(sa->st_index)) != NULL)
		st->spi_r = sa->rcookie;
	if (ikev1_p1_peer_ke(sa, m, &ke, &nonce,
	    "Aggressive Mode message 2") == -1)
		goto out;
	if ((sa->gxr = buf_from(ke.data, ke.len)) == NULL ||
	    (sa->nr = buf_from(nonce.data, nonce.len)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto out;
	}
	if (ikev1_p1_keys(sa, &ke) == -1)
		goto out;
	if (ikev1_p1_peer_hash_ok(sa, ip->body, ip->len, &hash) == -1) {
		/* with the responder's KE and nonce, only the key can make
		 * its HASH_R differ from ours */
		ikev1_notify_send(sa, IKEV1_N_INVALID_HASH_INFORMATION);
		ikev1_sa_fail(sa, ST_IKEF_HASH, "HASH_R does not verify: the "
		    "pre-shared keys differ");
		goto out;
	}
	if (ikev1_p1_peer_id(sa, ip, &peer) == -1)
		goto out;
	sa->rid = peer;
	ikev1_sa_last_in(sa, m);
	/* behind a NAT message 3 goes from the NAT-T port already */
	ikev1_natt_float(sa);
	if ((msg = ag_hash_i(sa)) == NULL)
		goto out;
	ikev1_p1_state(sa, ST_MM_KEY_AUTH);
	ikev1_send(sa, msg, 1);
	log_info("IKEv1:%s: Aggressive Mode with %s: %s-%u/%s/%s", sa->conn->name,
	    ikev1_sa_peer(sa, a, sizeof(a)),
	    crypto_name(CRYPTO_ENCR, sa->algs.encr), sa->algs.encr_keylen,
	    crypto_name(CRYPTO_PRF, sa->algs.prf),
	    crypto_name(CRYPTO_DH, sa->algs.dh));
	ikev1_p1_established(sa);
	/* a reauthentication took the children over: no Quick Mode needed
	 * unless one of them was being rekeyed */
	if (sa->children == NULL || sa->qm_again)
		ikev1_qm_start(sa);
out:
	free(offer);
	buf_free(attrs);
}

/* ---- responder ---- */

void
ikev1_ag_first(struct ikev1_engine *e, struct ikev1_msg *m,
    const struct ifl_addr *src, uint16_t sport, const struct ifl_addr *dst,
    uint16_t dport)
{
	const struct cfg_conn *c;
	const struct ikev1_pl *pl, *ip;
	struct ikev1_data ke, nonce;
	struct ikev1_sa reply;
	struct ikev1_builder bl;
	struct ikev1_hdr h;
	struct isakmp_sa *sa;
	struct cfg_id peer;
	struct st_ike *st;
	struct buf *msg = NULL;
	uint8_t hash[CRYPTO_MAX_PRF_LEN], idb[4 + CFG_ID_MAX];
	size_t idlen;
	char a[ADDR_STRLEN];

	c = e->env.conn_by_addr_v1 ? e->env.conn_by_addr_v1(e->env.arg, dst,
	    src) : NULL;
	if (c == NULL || !c->aggressive) {
		/* strongSwan's aggressive=no: refused, saying who tried */
		log_notice("IKEv1:%s: Aggressive Mode from %s[%u] refused%s",
		    c ? c->name : "-", addr_str(src, a, sizeof(a)), sport,
		    c ? " (aggressive=no)" : ": no IKEv1 connection");
		st_ike_fail(ST_IKEF_PROPOSAL, c ? c->name : "", dst, src,
		    "Aggressive Mode refused");
		e->st.drops++;
		return;
	}
	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL ||
	    (ip = ikev1_msg_get(m, IKEV1_PL_ID, 0)) == NULL) {
		ikev1_drop(e, src, sport,
		    "Aggressive Mode message 1 without SA and ID");
		return;
	}
	if ((sa = ikev1_sa_new(e, c, dst, dport, src, sport)) == NULL)
		return;
	sa->aggressive = 1;
	sa->icookie = m->hdr.icookie;
	while (sa->rcookie == 0)
		if (crypto_random(&sa->rcookie, sizeof(sa->rcookie)) == -1) {
			ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no random cookie");
			return;
		}
	ikev1_p1_ids(sa);
	ikev1_p1_state(sa, ST_MM_NO_STATE);
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->spi_i = sa->icookie;
		st->spi_r = sa->rcookie;
	}
	ikev1_sa_last_in(sa, m);
	ikev1_vendor_sa(sa, m);
	if (ikev1_p1_choose(sa, m, pl, &reply) == -1 ||
	    ikev1_p1_peer_ke(sa, m, &ke, &nonce,
	    "Aggressive Mode message 1") == -1)
		return;
	/* the initiator's ID, before the key: the key is that of IDii */
	if (ikev1_p1_peer_id(sa, ip, &peer) == -1)
		return;
	sa->rid = peer;
	if ((sa->idi_b = buf_from(ip->body, ip->len)) == NULL ||
	    (sa->gxi = buf_from(ke.data, ke.len)) == NULL ||
	    (sa->ni = buf_from(nonce.data, nonce.len)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		return;
	}
	if (ag_dh_nonce(sa, &sa->gxr, &sa->nr) == -1 ||
	    ikev1_p1_keys(sa, &ke) == -1)
		return;
	idlen = ikev1_p1_id_body(&sa->lid, idb);
	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.rcookie = sa->rcookie;
	h.exchange = IKEV1_EXCH_AGGRESSIVE;
	if (ikev1_p1_our_hash(sa, idb, idlen, hash) == -1 ||
	    (msg = buf_new(1024)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot make HASH_R");
		goto out;
	}
	ikev1_build_msg(&bl, msg, &h);
	if (ikev1_build_sa(&bl, &reply) == -1 || ikev1_build_raw(&bl,
	    IKEV1_PL_KE, sa->gxr->data, sa->gxr->len) < 0 ||
	    ikev1_build_raw(&bl, IKEV1_PL_NONCE, sa->nr->data,
	    sa->nr->len) < 0 || ikev1_build_raw(&bl, IKEV1_PL_ID, idb,
	    idlen) < 0 || ikev1_build_raw(&bl, IKEV1_PL_HASH, hash,
	    sa->k.prf_len) < 0 || ikev1_vendor_add(&bl) == -1 ||
	    ikev1_natt_add(sa, &bl) == -1 || ikev1_build_finish(&bl) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 2");
		goto out;
	}
	sa->phase = IKEV1_AG_R1;
	ikev1_p1_state(sa, ST_MM_SA_SETUP);
	log_info("IKEv1:%s: Aggressive Mode from %s[%u] (%s): %s-%u/%s/%s",
	    c->name, addr_str(src, a, sizeof(a)), sport, sa->rid.text,
	    crypto_name(CRYPTO_ENCR, sa->algs.encr), sa->algs.encr_keylen,
	    crypto_name(CRYPTO_PRF, sa->algs.prf),
	    crypto_name(CRYPTO_DH, sa->algs.dh));
	ikev1_send(sa, msg, 1);
	msg = NULL;
out:
	buf_free(msg);
	wipe(hash, sizeof(hash));
}

/* Message 3: HASH_I (encrypted, or not) -> established. */
static void
ag_auth(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *hp;
	struct ikev1_data hash;
	struct ikev1_perr err;
	uint8_t iv[CRYPTO_MAX_BLOCK];

	memcpy(iv, sa->k.iv, sizeof(iv));
	if ((m->hdr.flags & IKEV1_FLAG_ENC) &&
	    ikev1_p1_open(sa, m, 3, iv) == -1)
		return;
	if ((hp = ikev1_msg_get(m, IKEV1_PL_HASH, 0)) == NULL ||
	    ikev1_pl_data(hp, &hash, &err) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING, "message 3 without HASH");
		return;
	}
	if (ikev1_p1_peer_hash_ok(sa, sa->idi_b->data, sa->idi_b->len,
	    &hash) == -1) {
		ikev1_notify_send(sa, IKEV1_N_INVALID_HASH_INFORMATION);
		ikev1_sa_fail(sa, ST_IKEF_HASH, "HASH_I does not verify");
		return;
	}
	memcpy(sa->k.iv, iv, sizeof(iv));
	ikev1_natt_check(sa, m);
	ikev1_sa_last_in(sa, m);
	buf_free(sa->last_out);
	sa->last_out = NULL;	/* message 3 has no answer */
	ikev1_p1_state(sa, ST_MM_KEY_AUTH);
	ikev1_p1_contact_in(sa, m);
	ikev1_p1_established(sa);
	if (sa->qm_again)
		ikev1_qm_start(sa);
}

void
ikev1_ag_input(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	ikev1_vendor_sa(sa, m);
	switch (sa->phase) {
	case IKEV1_AG_I1:
		ag_i_reply(sa, m);
		break;
	case IKEV1_AG_R1:
		ag_auth(sa, m);
		break;
	default:
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Aggressive Mode message out of order");
	}
}
