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

/* ---- initiator ---- */

int
ikev1_ag_start_at(struct ikev1_engine *e, const struct cfg_conn *c,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct isakmp_sa *sa;
	struct buf *msg = NULL;
	uint8_t idb[4 + CFG_ID_MAX];
	size_t idlen;
	char a[ADDR_STRLEN];

	if ((sa = ikev1_p1_initiator(e, c, local, lport, remote, rport,
	    1)) == NULL)
		return -1;
	if (ikev1_p1_dh_nonce(sa, &sa->gxi, &sa->ni) == -1)
		goto fail;
	idlen = ikev1_p1_id_body(&sa->lid, idb);
	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.exchange = IKEV1_EXCH_AGGRESSIVE;
	if ((msg = buf_new(1024)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto fail;
	}
	ikev1_build_msg(&bl, msg, &h);
	if (ikev1_build_raw(&bl, IKEV1_PL_SA, sa->sai_b->data,
	    sa->sai_b->len) < 0 || ikev1_build_raw(&bl, IKEV1_PL_KE,
	    sa->gxi->data, sa->gxi->len) < 0 || ikev1_build_raw(&bl,
	    IKEV1_PL_NONCE, sa->ni->data, sa->ni->len) < 0 ||
	    ikev1_build_raw(&bl, IKEV1_PL_ID, idb, idlen) < 0 ||
	    ikev1_vendor_add(&bl) == -1 || ikev1_build_finish(&bl) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 1");
		goto fail;
	}
	sa->phase = IKEV1_AG_I1;
	ikev1_p1_state(sa, ST_MM_SA_SETUP);
	log_info("IKEv1:%s: initiating Aggressive Mode with %s[%u] (%s)",
	    c->name, addr_str(&sa->remote, a, sizeof(a)), sa->rport,
	    crypto_name(CRYPTO_DH, sa->algs.dh));
	ikev1_send_request(sa, msg);
	return 0;
fail:
	buf_free(msg);
	ikev1_sa_free(sa);	/* failed and ended above */
	return -1;
}

/* Message 2: the responder's choice, KE, Nr, IDir, HASH_R -> keys,
 * HASH_R verified, message 3; established, Quick Mode next. */
static void
ag_i_reply(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *pl, *ip, *hp;
	struct ikev1_data ke, nonce, hash;
	struct ike_perr err;
	struct cfg_id peer;
	struct buf *msg;
	char a[ADDR_STRLEN + 8];

	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL ||
	    (ip = ikev1_msg_get(m, IKEV1_PL_ID, 0)) == NULL ||
	    (hp = ikev1_msg_get(m, IKEV1_PL_HASH, 0)) == NULL ||
	    ikev1_pl_data(hp, &hash, &err) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Aggressive Mode message 2 without SA, ID and HASH");
		return;
	}
	if (ikev1_p1_chosen(sa, m, pl) == -1 ||
	    ikev1_p1_peer_ke(sa, m, &ke, &nonce,
	    "Aggressive Mode message 2") == -1)
		return;
	if (ikev1_p1_keys(sa, &ke) == -1)
		return;
	if (ikev1_p1_peer_hash_ok(sa, ip->body, ip->len, &hash) == -1) {
		/* with the responder's KE and nonce, only the key can make
		 * its HASH_R differ from ours */
		ikev1_notify_send(sa, IKEV1_N_INVALID_HASH_INFORMATION);
		ikev1_sa_fail(sa, ST_IKEF_HASH, "HASH_R does not verify: the "
		    "pre-shared keys differ");
		return;
	}
	if (ikev1_p1_peer_id(sa, ip, &peer) == -1)
		return;
	sa->rid = peer;
	ikev1_sa_last_in(sa, m);
	/* behind a NAT message 3 goes from the NAT-T port already */
	ikev1_natt_float(sa);
	if ((msg = ikev1_p1_auth_msg(sa, IKEV1_EXCH_AGGRESSIVE, 3)) == NULL)
		return;
	ikev1_p1_state(sa, ST_MM_KEY_AUTH);
	ikev1_send(sa, msg, 1);
	log_info("IKEv1:%s: Aggressive Mode with %s: %s-%u/%s/%s",
	    sa->conn->name, ikev1_sa_peer(sa, a, sizeof(a)),
	    crypto_name(CRYPTO_ENCR, sa->algs.encr), sa->algs.encr_keylen,
	    crypto_name(CRYPTO_PRF, sa->algs.prf),
	    crypto_name(CRYPTO_DH, sa->algs.dh));
	ikev1_p1_established(sa);
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
	struct ike_builder bl;
	struct ike_hdr h;
	struct isakmp_sa *sa;
	struct cfg_id peer;
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
	if ((sa = ikev1_p1_responder(e, c, m, 1, dst, dport, src,
	    sport)) == NULL)
		return;
	if (ikev1_p1_choose(sa, m, pl, &reply) == -1 ||
	    ikev1_p1_peer_ke(sa, m, &ke, &nonce,
	    "Aggressive Mode message 1") == -1)
		return;
	/* the initiator's ID, before the key: the key is that of IDii */
	if (ikev1_p1_peer_id(sa, ip, &peer) == -1)
		return;
	sa->rid = peer;
	if ((sa->idi_b = buf_from(ip->body, ip->len)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		return;
	}
	if (ikev1_p1_dh_nonce(sa, &sa->gxr, &sa->nr) == -1 ||
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
	struct ike_perr err;
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
	ikev1_sa_last_in_final(sa, m);	/* message 3 has no answer */
	ikev1_p1_state(sa, ST_MM_KEY_AUTH);
	ikev1_p1_contact_in(sa, m);
	ikev1_p1_established(sa);
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
