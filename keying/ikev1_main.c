/* Main Mode with pre-shared keys, both roles (RFC 2409 §5, §5.4):
 *   1 HDR, SA            ->    2 HDR, SA
 *   3 HDR, KE, Ni        ->    4 HDR, KE, Nr
 *   5 HDR*, IDii, HASH_I ->    6 HDR*, IDir, HASH_R
 * The proposal is chosen with the IKEv2 engine's rules over the
 * connection's ike= (strongSwan's defaults appended unless it ends in
 * '!'): each IKEv1 transform is one complete suite. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"
#include "keying/ikev2_proposal.h"

void
ikev1_mm_first(struct ikev1_engine *e, struct ikev1_msg *m,
    const struct ifl_addr *src, uint16_t sport, const struct ifl_addr *dst,
    uint16_t dport)
{
	const struct cfg_conn *c;
	const struct ikev1_pl *pl;
	struct ikev1_sa reply;
	struct ike_builder bl;
	struct ike_hdr h;
	struct isakmp_sa *sa;
	struct buf *msg = NULL;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	c = e->env.conn_by_addr_v1 ? e->env.conn_by_addr_v1(e->env.arg, dst,
	    src) : NULL;
	if (c == NULL) {
		log_notice("IKEv1: no IKEv1 connection for %s[%u] to %s",
		    addr_str(src, a, sizeof(a)), sport,
		    addr_str(dst, b, sizeof(b)));
		st_ike_fail(ST_IKEF_NO_SA, "", dst, src,
		    "no IKEv1 connection for this peer");
		ikev1_p1_clear_notify(e, &m->hdr, dst, dport, src, sport,
		    IKEV1_N_NO_PROPOSAL_CHOSEN);
		return;
	}
	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL) {
		ikev1_drop(e, src, sport, "Main Mode message 1 without SA");
		return;
	}
	if ((sa = ikev1_p1_responder(e, c, m, 0, dst, dport, src,
	    sport)) == NULL)
		return;

	if (ikev1_p1_choose(sa, m, pl, &reply) == -1)
		goto out;

	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.rcookie = sa->rcookie;
	h.exchange = IKEV1_EXCH_MAIN;
	if ((msg = buf_new(256)) == NULL)
		goto out;
	ikev1_build_msg(&bl, msg, &h);
	if (ikev1_build_sa(&bl, &reply) == -1 || ikev1_vendor_add(&bl) == -1 ||
	    ikev1_build_finish(&bl) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 2");
		goto out;
	}
	sa->phase = IKEV1_MM_R1;
	ikev1_p1_state(sa, ST_MM_SA_SETUP);
	log_info("IKEv1:%s: Main Mode from %s[%u]: %s-%u/%s/%s", c->name,
	    addr_str(src, a, sizeof(a)), sport,
	    crypto_name(CRYPTO_ENCR, sa->algs.encr), sa->algs.encr_keylen,
	    crypto_name(CRYPTO_PRF, sa->algs.prf),
	    crypto_name(CRYPTO_DH, sa->algs.dh));
	ikev1_send(sa, msg, 1);
	msg = NULL;
out:
	buf_free(msg);
}

/* Messages 3 and 4: the peer's KE (of the chosen group's size) and
 * nonce. 0, or -1 (dropped, or the SA failed). */
/* Main Mode message 3 or 4 (NUM): our KE payload GX and nonce, in the
 * clear. NULL when it cannot be built (the SA has failed, naming it). */
static struct buf *
mm_ke_nonce(struct isakmp_sa *sa, const struct buf *gx,
    const struct buf *nonce, int num)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct buf *msg;

	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.rcookie = sa->rcookie;
	h.exchange = IKEV1_EXCH_MAIN;
	if ((msg = buf_new(512)) != NULL) {
		ikev1_build_msg(&bl, msg, &h);
		if (ikev1_build_raw(&bl, IKEV1_PL_KE, gx->data, gx->len) >= 0 &&
		    ikev1_build_raw(&bl, IKEV1_PL_NONCE, nonce->data,
		    nonce->len) >= 0 && ikev1_natt_add(sa, &bl) == 0 &&
		    ikev1_build_finish(&bl) == 0)
			return msg;
	}
	buf_free(msg);
	ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message %d", num);
	return NULL;
}

/* Message 3: KE, Ni -> keys; answer KE, Nr. */
static void
mm_key_exchange(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	struct ikev1_data ke, nonce;
	struct buf *msg;

	if (ikev1_p1_peer_ke(sa, m, &ke, &nonce, "Main Mode message 3") == -1)
		return;
	ikev1_sa_last_in(sa, m);
	if (ikev1_p1_dh_nonce(sa, &sa->gxr, &sa->nr) == -1 ||
	    ikev1_p1_keys(sa, &ke) == -1 ||
	    (msg = mm_ke_nonce(sa, sa->gxr, sa->nr, 4)) == NULL)
		return;
	sa->phase = IKEV1_MM_R2;
	ikev1_p1_state(sa, ST_MM_KEY_EXCH);
	ikev1_send(sa, msg, 1);
}

/* Messages 5 (responder) and 6 (initiator): decrypted on a copy of the
 * phase-1 IV (kept only when it verifies: a forged message must not move
 * it), the peer's HASH_I / HASH_R verified over its ID payload, the ID
 * checked against rightid and kept in sa->rid. The responder tells the
 * peer what failed. 0, or -1 (dropped, or the SA failed). */
static int
mm_peer_auth(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *ip, *hp;
	struct ikev1_data hash;
	struct ike_perr err;
	struct cfg_id peer;
	uint8_t iv[CRYPTO_MAX_BLOCK];
	int msgno = sa->initiator ? 6 : 5;

	if (!(m->hdr.flags & IKEV1_FLAG_ENC)) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport, sa->initiator ?
		    "Main Mode message 6 not encrypted" :
		    "Main Mode message 5 not encrypted");
		return -1;
	}
	if (ikev1_p1_open(sa, m, msgno, iv) == -1)
		return -1;
	if ((ip = ikev1_msg_get(m, IKEV1_PL_ID, 0)) == NULL ||
	    (hp = ikev1_msg_get(m, IKEV1_PL_HASH, 0)) == NULL ||
	    ikev1_pl_data(hp, &hash, &err) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING,
		    "message %d without ID and HASH", msgno);
		return -1;
	}
	if (ikev1_p1_peer_hash_ok(sa, ip->body, ip->len, &hash) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_HASH, "%s does not verify",
		    sa->initiator ? "HASH_R" : "HASH_I");
		if (!sa->initiator)
			ikev1_notify_send(sa, IKEV1_N_INVALID_HASH_INFORMATION);
		return -1;
	}
	if (ikev1_p1_peer_id(sa, ip, &peer) == -1)
		return -1;
	memcpy(sa->k.iv, iv, sizeof(iv));
	sa->rid = peer;
	return 0;
}

/* Message 5: IDii, HASH_I (encrypted) -> verify, answer IDir, HASH_R. */
static void
mm_auth(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	struct buf *msg;

	if (mm_peer_auth(sa, m) == -1)
		return;
	ikev1_sa_last_in(sa, m);

	/* message 6 */
	if ((msg = ikev1_p1_auth_msg(sa, IKEV1_EXCH_MAIN, 6)) == NULL)
		return;
	ikev1_p1_contact_in(sa, m);
	/* message 6 before the old SA's Delete that adopting sends */
	ikev1_send(sa, msg, 1);
	msg = NULL;
	ikev1_p1_established(sa);
}

/* ---- initiator ---- */

int
ikev1_mm_start_at(struct ikev1_engine *e, const struct cfg_conn *c,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct isakmp_sa *sa;
	struct buf *msg;
	char a[ADDR_STRLEN];

	if ((sa = ikev1_p1_initiator(e, c, local, lport, remote, rport,
	    0)) == NULL)
		return -1;
	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.exchange = IKEV1_EXCH_MAIN;
	if ((msg = buf_new(1024)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		ikev1_sa_free(sa);
		return -1;
	}
	ikev1_build_msg(&bl, msg, &h);
	if (ikev1_build_raw(&bl, IKEV1_PL_SA, sa->sai_b->data,
	    sa->sai_b->len) < 0 || ikev1_vendor_add(&bl) == -1 ||
	    ikev1_build_finish(&bl) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 1");
		buf_free(msg);
		ikev1_sa_free(sa);
		return -1;
	}
	sa->phase = IKEV1_MM_I1;
	log_info("IKEv1:%s: initiating Main Mode with %s[%u]", c->name,
	    addr_str(&sa->remote, a, sizeof(a)), sa->rport);
	ikev1_send_request(sa, msg);
	return 0;
}

/* Message 2: the responder's choice, one of our transforms -> message 3
 * (KE, Ni). */
static void
mm_i_setup(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *pl;
	struct buf *msg;

	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Main Mode message 2 without SA");
		return;
	}
	if (ikev1_p1_chosen(sa, m, pl) == -1)
		return;
	ikev1_sa_last_in(sa, m);

	/* message 3 */
	if (ikev1_p1_dh_nonce(sa, &sa->gxi, &sa->ni) == -1 ||
	    (msg = mm_ke_nonce(sa, sa->gxi, sa->ni, 3)) == NULL)
		return;
	sa->phase = IKEV1_MM_I2;
	ikev1_p1_state(sa, ST_MM_SA_SETUP);
	ikev1_send_request(sa, msg);
}

/* Message 4: KE, Nr -> keys; message 5 (IDii, HASH_I, encrypted). */
static void
mm_i_keys(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	struct ikev1_data ke, nonce;
	struct buf *msg;

	if (ikev1_p1_peer_ke(sa, m, &ke, &nonce, "Main Mode message 4") == -1)
		return;
	ikev1_rtx_stop(sa);
	ikev1_sa_last_in(sa, m);
	if (ikev1_p1_keys(sa, &ke) == -1 ||
	    (msg = ikev1_p1_auth_msg(sa, IKEV1_EXCH_MAIN, 5)) == NULL)
		return;
	sa->phase = IKEV1_MM_I3;
	ikev1_p1_state(sa, ST_MM_KEY_EXCH);
	ikev1_natt_float(sa);
	ikev1_send_request(sa, msg);
}

/* Message 6: IDir, HASH_R -> established; Quick Mode next. */
static void
mm_i_auth(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	if (mm_peer_auth(sa, m) == -1)
		return;
	ikev1_sa_last_in_final(sa, m);	/* message 6 has no answer */
	ikev1_p1_established(sa);
}

void
ikev1_mm_input(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	ikev1_vendor_sa(sa, m);
	switch (sa->phase) {
	case IKEV1_MM_I1:
		mm_i_setup(sa, m);
		break;
	case IKEV1_MM_I2:
		mm_i_keys(sa, m);
		break;
	case IKEV1_MM_I3:
		mm_i_auth(sa, m);
		break;
	case IKEV1_MM_R1:
		mm_key_exchange(sa, m);
		break;
	case IKEV1_MM_R2:
		mm_auth(sa, m);
		break;
	default:
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Main Mode message out of order");
	}
}
