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

/* A phase-1 transform's attributes. */
struct p1_suite {
	uint16_t	encr, keylen, hash, auth, group;
	uint32_t	life_sec;
	int		bad;		/* an attribute we cannot do */
};

static void
p1_suite(const struct ikev1_xform *xf, struct p1_suite *s)
{
	const uint8_t *p = xf->attrs;
	size_t left = xf->attrs_len;
	struct ikev1_attr a;
	uint16_t life_type = 0;

	memset(s, 0, sizeof(*s));
	while (ikev1_attr_next(&p, &left, &a) == 1) {
		if (a.big) {
			s->bad = 1;
			continue;
		}
		switch (a.type) {
		case IKEV1_A_ENCR:	s->encr = (uint16_t)a.val; break;
		case IKEV1_A_KEY_LENGTH: s->keylen = (uint16_t)a.val; break;
		case IKEV1_A_HASH:	s->hash = (uint16_t)a.val; break;
		case IKEV1_A_AUTH:	s->auth = (uint16_t)a.val; break;
		case IKEV1_A_GROUP:	s->group = (uint16_t)a.val; break;
		case IKEV1_A_LIFE_TYPE:	life_type = (uint16_t)a.val; break;
		case IKEV1_A_LIFE_DURATION:
			if (life_type == IKEV1_LIFE_SECONDS)
				s->life_sec = a.val;
			break;
		default:
			s->bad = 1;	/* PRF, group types: not supported */
		}
	}
}

static uint16_t
integ_of_hash(uint16_t hash)
{
	switch (hash) {
	case IKEV1_HASH_MD5:		return IKEV2_INTEG_HMAC_MD5_96;
	case IKEV1_HASH_SHA1:		return IKEV2_INTEG_HMAC_SHA1_96;
	case IKEV1_HASH_SHA2_256:	return IKEV2_INTEG_HMAC_SHA2_256_128;
	case IKEV1_HASH_SHA2_384:	return IKEV2_INTEG_HMAC_SHA2_384_192;
	case IKEV1_HASH_SHA2_512:	return IKEV2_INTEG_HMAC_SHA2_512_256;
	}
	return 0;
}

static void
xf_add(struct ikev2_prop *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	if (p->nxf < IKEV2_PROP_XF_MAX) {
		p->xf[p->nxf].type = type;
		p->xf[p->nxf].id = id;
		p->xf[p->nxf].keylen = keylen;
		p->nxf++;
	}
}

/* The peer's ISAKMP proposal as IKEv2 proposals, one per transform
 * (numbered by transform index + 1), for ikev2_prop_select. */
static void
p1_theirs(const struct ikev1_prop *pr, struct ikev2_prop_list *l)
{
	struct p1_suite s;
	struct ikev2_prop *p;
	size_t i;

	l->n = 0;
	for (i = 0; i < pr->nxf && l->n < IKEV2_PROP_MAX; i++) {
		if (pr->xf[i].id != IKEV1_KEY_IKE)
			continue;
		p1_suite(&pr->xf[i], &s);
		if (s.bad || s.auth != IKEV1_AUTH_PSK ||
		    ikev1_encr_of(s.encr) == 0 || ikev1_prf_of(s.hash) == 0 ||
		    s.group == 0)
			continue;
		if (s.encr == IKEV1_ENCR_AES && s.keylen == 0)
			s.keylen = 128;
		p = &l->p[l->n++];
		memset(p, 0, sizeof(*p));
		p->num = (uint8_t)(i + 1);
		p->proto = IKEV2_PROTO_IKE;
		xf_add(p, IKEV2_XFORM_ENCR, ikev1_encr_of(s.encr),
		    s.encr == IKEV1_ENCR_AES ? s.keylen : 0);
		xf_add(p, IKEV2_XFORM_PRF, ikev1_prf_of(s.hash), 0);
		xf_add(p, IKEV2_XFORM_INTEG, integ_of_hash(s.hash), 0);
		xf_add(p, IKEV2_XFORM_DH, s.group, 0);
	}
}

/* Our ID: leftid, else the address in use. */
static void
local_id(struct isakmp_sa *sa)
{
	if (sa->conn->left.id.type != CFG_ID_ANY)
		sa->lid = sa->conn->left.id;
	else
		config_id_from_addr(&sa->local, &sa->lid);
}

/* IOS's name for where Main Mode stands (show crypto isakmp sa). */
static void
mm_state(struct isakmp_sa *sa, enum st_mm_state state)
{
	struct st_ike *st = st_ike_get(sa->st_index);

	if (st)
		st->mm_state = state;
}

static void
clear_notify(struct ikev1_engine *e, const struct ikev1_hdr *req,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport, uint16_t type)
{
	struct ikev1_builder bl;
	struct ikev1_notify n;
	struct ikev1_hdr h;
	struct buf *msg = buf_new(64);

	if (msg == NULL)
		return;
	memset(&h, 0, sizeof(h));
	h.icookie = req->icookie;
	h.exchange = IKEV1_EXCH_INFO;
	memset(&n, 0, sizeof(n));
	n.doi = IKEV1_DOI_IPSEC;
	n.proto = IKEV1_PROTO_ISAKMP;
	n.type = type;
	ikev1_build_msg(&bl, msg, &h);
	if (ikev1_build_notify(&bl, &n) == 0 && ikev1_build_finish(&bl) == 0) {
		e->env.send(e->env.arg, local, lport, remote, rport, msg->data,
		    msg->len);
		e->st.tx++;
	}
	buf_free(msg);
}

void
ikev1_mm_first(struct ikev1_engine *e, struct ikev1_msg *m,
    const struct ifl_addr *src, uint16_t sport, const struct ifl_addr *dst,
    uint16_t dport)
{
	const struct cfg_conn *c;
	const struct ikev1_pl *pl;
	struct ikev1_sa *peer = NULL, reply;
	struct ikev2_prop_list *ours = NULL, *theirs = NULL;
	const struct ikev1_prop *pr = NULL;
	const struct ikev1_xform *xf;
	struct ikev2_prop chosen;
	struct ikev1_perr err;
	struct ikev1_builder bl;
	struct ikev1_hdr h;
	struct isakmp_sa *sa;
	struct p1_suite s;
	struct buf *msg = NULL;
	struct st_ike *st;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	size_t i;

	c = e->env.conn_by_addr_v1 ? e->env.conn_by_addr_v1(e->env.arg, dst,
	    src) : NULL;
	if (c == NULL) {
		log_notice("IKEv1: no IKEv1 connection for %s[%u] to %s",
		    addr_str(src, a, sizeof(a)), sport,
		    addr_str(dst, b, sizeof(b)));
		st_ike_fail(ST_IKEF_NO_SA, "", dst, src,
		    "no IKEv1 connection for this peer");
		clear_notify(e, &m->hdr, dst, dport, src, sport,
		    IKEV1_N_NO_PROPOSAL_CHOSEN);
		return;
	}
	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL) {
		ikev1_drop(e, src, sport, "Main Mode message 1 without SA");
		return;
	}
	if ((sa = ikev1_sa_new(e, c, dst, dport, src, sport)) == NULL)
		return;
	sa->icookie = m->hdr.icookie;
	while (sa->rcookie == 0)
		if (crypto_random(&sa->rcookie, sizeof(sa->rcookie)) == -1) {
			ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no random cookie");
			return;
		}
	local_id(sa);
	if (c->right.id.type != CFG_ID_ANY)
		sa->rid = c->right.id;
	else
		config_id_from_addr(&sa->remote, &sa->rid);
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->spi_i = sa->icookie;
		st->spi_r = sa->rcookie;
	}
	ikev1_sa_last_in(sa, m);
	ikev1_vendor_sa(sa, m);

	peer = calloc(1, sizeof(*peer));
	ours = calloc(1, sizeof(*ours));
	theirs = calloc(1, sizeof(*theirs));
	if (peer == NULL || ours == NULL || theirs == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto out;
	}
	if (ikev1_pl_sa(pl, peer, &err) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING, "SA payload: %s", err.text);
		goto out;
	}
	for (i = 0; i < peer->nprop; i++)
		if (peer->prop[i].proto == IKEV1_PROTO_ISAKMP) {
			pr = &peer->prop[i];
			break;
		}
	if (pr == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "no ISAKMP proposal");
		clear_notify(e, &m->hdr, dst, dport, src, sport,
		    IKEV1_N_NO_PROPOSAL_CHOSEN);
		goto out;
	}
	p1_theirs(pr, theirs);
	if (ikev1_isakmp_proposals(c, ours) == -1 ||
	    ikev2_prop_select(ours, theirs, IKEV2_PROTO_IKE, &chosen) == -1) {
		char why[160];

		ikev1_no_proposal_why(c, CFG_PROTO_IKE, theirs, why, sizeof(why));
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "%s", why);
		clear_notify(e, &m->hdr, dst, dport, src, sport,
		    IKEV1_N_NO_PROPOSAL_CHOSEN);
		goto out;
	}
	xf = &pr->xf[chosen.num - 1];
	p1_suite(xf, &s);
	if (s.encr == IKEV1_ENCR_AES && s.keylen == 0)
		s.keylen = 128;
	if (ikev1_keys_init(&sa->k, ikev1_prf_of(s.hash), ikev1_encr_of(s.encr),
	    s.encr == IKEV1_ENCR_AES ? s.keylen : 0) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "transform not supported");
		goto out;
	}
	sa->algs.encr = ikev1_encr_of(s.encr);
	sa->algs.encr_keylen = sa->k.keylen;
	sa->algs.prf = ikev1_prf_of(s.hash);
	sa->algs.integ = integ_of_hash(s.hash);
	sa->algs.dh = s.group;
	sa->lifetime = c->ikelifetime;
	if ((sa->sai_b = buf_from(pl->body, pl->len)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto out;
	}

	/* our answer: the chosen transform as the peer wrote it */
	memset(&reply, 0, sizeof(reply));
	reply.doi = IKEV1_DOI_IPSEC;
	reply.situation = IKEV1_SIT_IDENTITY_ONLY;
	reply.nprop = 1;
	reply.prop[0].num = pr->num;
	reply.prop[0].proto = IKEV1_PROTO_ISAKMP;
	reply.prop[0].nxf = 1;
	reply.prop[0].xf[0] = *xf;
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
	mm_state(sa, ST_MM_SA_SETUP);
	log_info("IKEv1:%s: Main Mode from %s[%u]: %s-%u/%s/%s", c->name,
	    addr_str(src, a, sizeof(a)), sport,
	    crypto_name(CRYPTO_ENCR, sa->algs.encr), sa->algs.encr_keylen,
	    crypto_name(CRYPTO_PRF, sa->algs.prf),
	    crypto_name(CRYPTO_DH, sa->algs.dh));
	ikev1_send(sa, msg, 1);
	msg = NULL;
out:
	buf_free(msg);
	free(peer);
	free(ours);
	free(theirs);
}

/* Messages 3 and 4: the peer's KE (of the chosen group's size) and
 * nonce. 0, or -1 (dropped, or the SA failed). */
/* Main Mode message 3 or 4 (NUM): our KE payload GX and nonce, in the
 * clear. NULL when it cannot be built (the SA has failed, naming it). */
static struct buf *
mm_ke_nonce(struct isakmp_sa *sa, const struct buf *gx,
    const struct buf *nonce, int num)
{
	struct ikev1_builder bl;
	struct ikev1_hdr h;
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

static int
mm_peer_ke(struct isakmp_sa *sa, struct ikev1_msg *m, struct ikev1_data *ke,
    struct ikev1_data *nonce)
{
	const struct ikev1_pl *kp, *np;
	struct ikev1_perr err;

	if ((kp = ikev1_msg_get(m, IKEV1_PL_KE, 0)) == NULL ||
	    (np = ikev1_msg_get(m, IKEV1_PL_NONCE, 0)) == NULL ||
	    ikev1_pl_ke(kp, ke, &err) == -1 ||
	    ikev1_pl_nonce(np, nonce, &err) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport, sa->initiator ?
		    "Main Mode message 4 without KE and nonce" :
		    "Main Mode message 3 without KE and nonce");
		return -1;
	}
	if (ke->len != crypto_dh_publen(sa->algs.dh)) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING, "KE of %zu bytes for %s",
		    ke->len, crypto_name(CRYPTO_DH, sa->algs.dh));
		return -1;
	}
	ikev1_natt_check(sa, m);
	return 0;
}

/* Both roles, with both sides' g^x, nonces and cookies kept: g^xy from
 * the peer's KE, then SKEYID and the keys from the pre-shared key.
 * 0, or -1 (the SA failed). */
static int
mm_keys(struct isakmp_sa *sa, const struct ikev1_data *peer_ke)
{
	struct ike_env *env = &sa->eng->env;
	struct buf *gxy = buf_new_secret(CRYPTO_MAX_DH_PUB);
	struct buf *psk = buf_new_secret(64);
	int r = -1;

	if (gxy == NULL || psk == NULL)
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
	else if (dh_derive(sa->dh, peer_ke->data, peer_ke->len, gxy) == -1)
		ikev1_sa_fail(sa, ST_IKEF_ENCODING, "the peer's KE is invalid");
	/* Main Mode with PSK: the IDs come encrypted with keys made from
	 * the key, so the key is that of the configured identities (the
	 * addresses by default), as strongSwan does */
	else if (env->psk(env->arg, &sa->lid, &sa->rid, psk) == -1)
		ikev1_sa_fail(sa, ST_IKEF_AUTH, "no pre-shared key for %s - %s",
		    sa->lid.text, sa->rid.text);
	else if (ikev1_keys_psk(&sa->k, psk->data, psk->len, sa->ni->data,
	    sa->ni->len, sa->nr->data, sa->nr->len, gxy->data, gxy->len,
	    sa->gxi->data, sa->gxi->len, sa->gxr->data, sa->gxr->len,
	    sa->icookie, sa->rcookie) == -1)
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "key derivation failed");
	else
		r = 0;
	buf_free(gxy);
	buf_free(psk);
	return r;
}

/* Message 3: KE, Ni -> keys; answer KE, Nr. */
static void
mm_key_exchange(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	struct ikev1_data ke, nonce;
	struct buf *msg = NULL;
	uint8_t nr[IKEV1_NONCE_LEN];

	if (mm_peer_ke(sa, m, &ke, &nonce) == -1)
		return;
	ikev1_sa_last_in(sa, m);
	sa->gxi = buf_from(ke.data, ke.len);
	sa->ni = buf_from(nonce.data, nonce.len);
	sa->gxr = buf_new(CRYPTO_MAX_DH_PUB);
	if (sa->gxi == NULL || sa->ni == NULL ||
	    sa->gxr == NULL || crypto_random(nr, sizeof(nr)) == -1 ||
	    (sa->nr = buf_from(nr, sizeof(nr))) == NULL ||
	    (sa->dh = dh_new(sa->algs.dh)) == NULL ||
	    dh_public(sa->dh, sa->gxr) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no DH key pair or nonce");
		goto out;
	}
	if (mm_keys(sa, &ke) == -1 ||
	    (msg = mm_ke_nonce(sa, sa->gxr, sa->nr, 4)) == NULL)
		goto out;
	sa->phase = IKEV1_MM_R2;
	mm_state(sa, ST_MM_KEY_EXCH);
	ikev1_send(sa, msg, 1);
	msg = NULL;
out:
	buf_free(msg);
	wipe(nr, sizeof(nr));
}

static int	mm_start(struct ikev1_engine *, const struct cfg_conn *,
		    const struct ifl_addr *, uint16_t, const struct ifl_addr *,
		    uint16_t);

/* rekeymargin before ikelifetime: IKEv1 cannot rekey an ISAKMP SA, so
 * a new Main Mode with the peer (charon and IOS do the same); when it is
 * up it takes over this SA's children and deletes it (ikev1_sa_adopt). */
static void
mm_rekey_fire(void *arg)
{
	struct isakmp_sa *sa = arg;
	char a[ADDR_STRLEN + 8];

	if (sa->phase != IKEV1_UP || sa->reauth)
		return;
	sa->reauth = 1;
	log_info("IKEv1:(SA ID = %u):reauthenticating with %s: a new Main "
	    "Mode before the lifetime (%u s) ends", sa->st_index,
	    ikev1_sa_peer(sa, a, sizeof(a)), sa->lifetime);
	if (mm_start(sa->eng, sa->conn, &sa->local, sa->lport, &sa->remote,
	    sa->rport) == -1)
		log_warnx("IKEv1:(SA ID = %u):no new Main Mode: the SA ends "
		    "with its lifetime", sa->st_index);
}

/* Main Mode done, both roles: QM_IDLE, the row established. */
static void
mm_established(struct isakmp_sa *sa)
{
	struct st_ike *st;
	char a[ADDR_STRLEN + 8];
	uint32_t after = ikev1_rekey_after(sa->conn, sa->lifetime);

	sa->phase = IKEV1_UP;
	loop_timer_stop(sa->timer);
	ikev1_rtx_stop(sa);
	ikev1_mm_free(sa);
	if (after && (sa->rekey != NULL ||
	    (sa->rekey = loop_timer_new(mm_rekey_fire, sa)) != NULL))
		loop_timer_set(sa->rekey, (uint64_t)after * 1000);
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->local_id_type = sa->lid.type == CFG_ID_IPV4_ADDR ||
		    sa->lid.type == CFG_ID_IPV6_ADDR ? ST_ID_ADDR : ST_ID_NAME;
		st->remote_id_type = sa->rid.type == CFG_ID_IPV4_ADDR ||
		    sa->rid.type == CFG_ID_IPV6_ADDR ? ST_ID_ADDR : ST_ID_NAME;
		snprintf(st->local_id, sizeof(st->local_id), "%s", sa->lid.text);
		snprintf(st->remote_id, sizeof(st->remote_id), "%s",
		    sa->rid.text);
		st->algs = sa->algs;
		st->default_policy = ikev1_isakmp_default_used(sa->conn,
		    &sa->algs);
		st->lifetime = sa->lifetime;
		st->rekey_after = after ? after : sa->lifetime;
		st->mm_state = ST_MM_KEY_AUTH;
		st_ike_established(st);
	}
	/* liveness and keepalives here, not in ikev1_sa.c: DPD's restart
	 * runs a new Main Mode, and the lower layer never calls up */
	ikev1_dpd_start(sa);
	ikev1_natt_start(sa);
	ikev1_sa_adopt(sa);
	log_info("IKEv1:(SA ID = %u):ISAKMP SA with %s (%s) established in "
	    "Main Mode", sa->st_index, ikev1_sa_peer(sa, a, sizeof(a)),
	    sa->rid.text);
}

/* An ID payload body for our identity: 4 + its length bytes in out. */
static size_t
id_body(const struct cfg_id *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = 0;
	out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
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
	struct ikev1_perr err;
	struct ikev1_id id;
	struct cfg_id peer;
	struct buf *plain;
	uint8_t want[CRYPTO_MAX_PRF_LEN], iv[CRYPTO_MAX_BLOCK];
	int msgno = sa->initiator ? 6 : 5, r = -1;

	if (!(m->hdr.flags & IKEV1_FLAG_ENC)) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport, sa->initiator ?
		    "Main Mode message 6 not encrypted" :
		    "Main Mode message 5 not encrypted");
		return -1;
	}
	memcpy(iv, sa->k.iv, sizeof(iv));
	plain = buf_new_secret(m->raw->len);
	if (plain == NULL || ikev1_decrypt(&sa->k, iv, m->raw->data +
	    IKEV1_HDR_LEN, m->raw->len - IKEV1_HDR_LEN, plain) == -1) {
		buf_free(plain);
		plain = NULL;
	}
	if (plain == NULL || ikev1_msg_set_plain(m, plain, &err) == -1) {
		/* garbage after decryption: the keys differ, and only the
		 * pre-shared key can make them differ. The peer hears of it
		 * in the clear: we share no key */
		if (!sa->initiator)
			ikev1_notify_send(sa, IKEV1_N_AUTHENTICATION_FAILED);
		ikev1_sa_fail(sa, ST_IKEF_AUTH, "message %d does not decrypt: "
		    "the pre-shared keys differ", msgno);
		return -1;
	}
	if ((ip = ikev1_msg_get(m, IKEV1_PL_ID, 0)) == NULL ||
	    (hp = ikev1_msg_get(m, IKEV1_PL_HASH, 0)) == NULL ||
	    ikev1_pl_id(ip, &id, &err) == -1 ||
	    ikev1_pl_data(hp, &hash, &err) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING,
		    "message %d without ID and HASH", msgno);
		return -1;
	}
	/* the peer's view: HASH_I starts with g^xi and CKY-I, HASH_R with
	 * g^xr and CKY-R */
	if (hash.len != sa->k.prf_len || (sa->initiator ?
	    ikev1_hash_p1(&sa->k, sa->gxr->data, sa->gxr->len, sa->gxi->data,
	    sa->gxi->len, sa->rcookie, sa->icookie, sa->sai_b->data,
	    sa->sai_b->len, ip->body, ip->len, want) :
	    ikev1_hash_p1(&sa->k, sa->gxi->data, sa->gxi->len, sa->gxr->data,
	    sa->gxr->len, sa->icookie, sa->rcookie, sa->sai_b->data,
	    sa->sai_b->len, ip->body, ip->len, want)) == -1 ||
	    ct_memcmp(want, hash.data, sa->k.prf_len) != 0) {
		ikev1_sa_fail(sa, ST_IKEF_HASH, "%s does not verify",
		    sa->initiator ? "HASH_R" : "HASH_I");
		if (!sa->initiator)
			ikev1_notify_send(sa, IKEV1_N_INVALID_HASH_INFORMATION);
		goto out;
	}
	if (config_id_from_payload(id.type, id.data, id.len, &peer) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_AUTH, "ID type %u not supported",
		    id.type);
		goto out;
	}
	if (sa->conn->right.id.type != CFG_ID_ANY &&
	    !config_id_equal(&sa->conn->right.id, &peer)) {
		ikev1_sa_fail(sa, ST_IKEF_AUTH, "peer ID %s is not rightid %s",
		    peer.text, sa->conn->right.id.text);
		goto out;
	}
	memcpy(sa->k.iv, iv, sizeof(iv));
	sa->rid = peer;
	r = 0;
out:
	wipe(want, sizeof(want));
	return r;
}

/* Our other ISAKMP SAs with sa's peer (live, or expired with IPsec SAs
 * left): none, and the initiator's message 5 says INITIAL-CONTACT (RFC
 * 2407 4.6.3.3), so that a peer which lost us clears what it has. */
static int
initial_contact(const struct isakmp_sa *sa)
{
	const struct isakmp_sa *o;

	if (!sa->initiator || !sa->eng->tun.initial_contact)
		return 0;
	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && (o->phase == IKEV1_UP ||
		    o->phase == IKEV1_EXPIRED) &&
		    addr_cmp(&o->remote, &sa->remote) == 0)
			return 0;
	return 1;
}

/* Messages 5 (initiator) and 6 (responder): our ID and HASH_I / HASH_R,
 * encrypted (the initiator's with INITIAL-CONTACT when it applies). The
 * datagram, or NULL (the SA failed). */
static struct buf *
mm_our_auth(struct isakmp_sa *sa)
{
	struct ikev1_builder cb;
	struct buf *chain = NULL, *msg = NULL;
	uint8_t hash[CRYPTO_MAX_PRF_LEN], idb[4 + CFG_ID_MAX];
	uint8_t nb[IKEV1_NOTIFY_MAX];
	size_t idlen = id_body(&sa->lid, idb);
	int r;

	if (sa->initiator)
		r = ikev1_hash_p1(&sa->k, sa->gxi->data, sa->gxi->len,
		    sa->gxr->data, sa->gxr->len, sa->icookie, sa->rcookie,
		    sa->sai_b->data, sa->sai_b->len, idb, idlen, hash);
	else
		r = ikev1_hash_p1(&sa->k, sa->gxr->data, sa->gxr->len,
		    sa->gxi->data, sa->gxi->len, sa->rcookie, sa->icookie,
		    sa->sai_b->data, sa->sai_b->len, idb, idlen, hash);
	if (r == -1 || (chain = buf_new_secret(512)) == NULL ||
	    (msg = buf_new(512)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot make %s",
		    sa->initiator ? "HASH_I" : "HASH_R");
		goto fail;
	}
	ikev1_build_chain(&cb, chain);
	if (ikev1_build_raw(&cb, IKEV1_PL_ID, idb, idlen) < 0 ||
	    ikev1_build_raw(&cb, IKEV1_PL_HASH, hash, sa->k.prf_len) < 0 ||
	    (initial_contact(sa) && ikev1_build_raw(&cb, IKEV1_PL_NOTIFY, nb,
	    ikev1_notify_body(sa, IKEV1_N_INITIAL_CONTACT, 1, nb)) < 0) ||
	    ikev1_seal(sa, IKEV1_EXCH_MAIN, 0, &cb, sa->k.iv, msg) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message %d",
		    sa->initiator ? 5 : 6);
		goto fail;
	}
	buf_free(chain);
	wipe(hash, sizeof(hash));
	return msg;
fail:
	buf_free(chain);
	buf_free(msg);
	wipe(hash, sizeof(hash));
	return NULL;
}

/* Message 5: IDii, HASH_I (encrypted) -> verify, answer IDir, HASH_R. */
static void
mm_auth(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *pl;
	struct ikev1_notify n;
	struct ikev1_perr err;
	struct buf *msg;
	char a[ADDR_STRLEN + 8];
	size_t i;

	if (mm_peer_auth(sa, m) == -1)
		return;
	for (i = 0; (pl = ikev1_msg_get(m, IKEV1_PL_NOTIFY, i)) != NULL; i++)
		if (ikev1_pl_notify(pl, &n, &err) == 0 &&
		    n.type == IKEV1_N_INITIAL_CONTACT)
			sa->initial_contact = 1;
	ikev1_sa_last_in(sa, m);

	/* message 6 */
	if ((msg = mm_our_auth(sa)) == NULL)
		return;
	ikev1_sa_peer(sa, a, sizeof(a));
	if (sa->initial_contact) {
		struct isakmp_sa *o;

		/* INITIAL-CONTACT: the peer has no other SA with us (it
		 * restarted), so ours with it are stale: gone at once,
		 * unannounced, before this one could adopt their IPsec SAs */
		for (o = sa->eng->sas; o; o = o->next)
			if (o != sa && (o->phase == IKEV1_UP ||
			    o->phase == IKEV1_EXPIRED) &&
			    o->conn == sa->conn &&
			    addr_cmp(&o->remote, &sa->remote) == 0 &&
			    config_id_equal(&o->rid, &sa->rid)) {
				log_info("IKEv1:(SA ID = %u):INITIAL-CONTACT from "
				    "%s: ISAKMP SA %u and its IPsec SAs are "
				    "stale", sa->st_index, a, o->st_index);
				ikev1_sa_end(o, ST_TERM_PEER_LOST);
			}
	}
	/* message 6 before the old SA's Delete that adopting sends */
	ikev1_send(sa, msg, 1);
	msg = NULL;
	mm_established(sa);
	if (sa->qm_again)
		ikev1_qm_start(sa);
}

/* ---- initiator ---- */

/* Suites a and b differ in how many of encryption, hash and group. */
static int
suite_distance(const struct p1_suite *a, const struct p1_suite *b)
{
	return (a->encr != b->encr || a->keylen != b->keylen) +
	    (a->hash != b->hash) + (a->group != b->group);
}

static int
suite_same(const struct p1_suite *a, const struct p1_suite *b)
{
	return suite_distance(a, b) == 0 && a->auth == b->auth;
}

#define OFFER_CANDIDATES	256

int
ikev1_conn_offer(const struct cfg_conn *c, struct ikev1_sa *sa,
    struct buf *attrs)
{
	struct ikev2_prop_list *ours;
	struct p1_suite *cand, t;
	size_t off[IKEV1_MAX_XFORMS], n = 0, nc = 0, nconf = 0, i, j;
	int p, x, y, z, d;

	memset(sa, 0, sizeof(*sa));
	ours = calloc(1, sizeof(*ours));
	cand = calloc(OFFER_CANDIDATES, sizeof(*cand));
	if (ours == NULL || cand == NULL || ikev1_isakmp_proposals(c, ours) == -1) {
		free(ours);
		free(cand);
		return -1;
	}
	/* every encryption x PRF (= the hash) x group of each proposal; the
	 * configured ones count first */
	for (p = 0; p < ours->n; p++) {
		const struct ikev2_prop *pr = &ours->p[p];

		for (x = 0; x < pr->nxf; x++)
		for (y = 0; y < pr->nxf; y++)
		for (z = 0; z < pr->nxf; z++) {
			if (pr->xf[x].type != IKEV2_XFORM_ENCR ||
			    pr->xf[y].type != IKEV2_XFORM_PRF ||
			    pr->xf[z].type != IKEV2_XFORM_DH ||
			    nc == OFFER_CANDIDATES)
				continue;
			memset(&t, 0, sizeof(t));
			t.encr = ikev1_encr_from(pr->xf[x].id);
			t.keylen = t.encr == IKEV1_ENCR_AES ?
			    (pr->xf[x].keylen ? pr->xf[x].keylen : 128) : 0;
			t.hash = ikev1_hash_from_prf(pr->xf[y].id);
			t.group = pr->xf[z].id;
			t.auth = IKEV1_AUTH_PSK;
			if (t.encr == 0 || t.hash == 0)
				continue;
			for (i = 0; i < nc && !suite_same(&cand[i], &t); i++)
				;
			if (i < nc)
				continue;
			cand[nc++] = t;
		}
		if (p < c->ike.n)
			nconf = nc;
	}
	/* strongSwan's defaults expand to more transforms than a message
	 * should carry: those nearest the first configured suite go first
	 * (the seed's aes128-md5-modp1536 then offers AES-128/SHA1/group 5
	 * early enough for IOS's policy) */
	for (d = 1; d <= 3 && nconf; d++)
		for (i = nconf, j = nconf; i < nc; i++)
			if (suite_distance(&cand[0], &cand[i]) == d) {
				t = cand[i];
				memmove(&cand[j + 1], &cand[j],
				    (i - j) * sizeof(*cand));
				cand[j++] = t;
				nconf = j;
			}
	sa->doi = IKEV1_DOI_IPSEC;
	sa->situation = IKEV1_SIT_IDENTITY_ONLY;
	sa->nprop = 1;
	sa->prop[0].num = 1;
	sa->prop[0].proto = IKEV1_PROTO_ISAKMP;
	for (i = 0; i < nc && n < IKEV1_MAX_XFORMS; i++, n++) {
		off[n] = attrs->len;
		ikev1_attr_put(attrs, IKEV1_A_ENCR, cand[i].encr, 0);
		if (cand[i].keylen)
			ikev1_attr_put(attrs, IKEV1_A_KEY_LENGTH, cand[i].keylen,
			    0);
		ikev1_attr_put(attrs, IKEV1_A_HASH, cand[i].hash, 0);
		ikev1_attr_put(attrs, IKEV1_A_AUTH, cand[i].auth, 0);
		ikev1_attr_put(attrs, IKEV1_A_GROUP, cand[i].group, 0);
		ikev1_attr_put(attrs, IKEV1_A_LIFE_TYPE, IKEV1_LIFE_SECONDS, 0);
		ikev1_attr_put(attrs, IKEV1_A_LIFE_DURATION, c->ikelifetime, 1);
		sa->prop[0].xf[n].num = (uint8_t)(n + 1);
		sa->prop[0].xf[n].id = IKEV1_KEY_IKE;
	}
	sa->prop[0].nxf = n;
	/* attrs may have moved while it grew */
	for (i = 0; i < n; i++) {
		sa->prop[0].xf[i].attrs = attrs->data + off[i];
		sa->prop[0].xf[i].attrs_len = (i + 1 < n ? off[i + 1] :
		    attrs->len) - off[i];
	}
	free(ours);
	free(cand);
	return n && !attrs->failed ? 0 : -1;
}

int
ikev1_mm_start(struct ikev1_engine *e, const struct cfg_conn *c)
{
	uint16_t port = e->tun.ike_port ? e->tun.ike_port : IKE_PORT;

	if (c->left.addr.family == 0 || c->right.addr.family == 0) {
		log_warnx("IKEv1:%s: cannot initiate without both addresses",
		    c->name);
		return -1;
	}
	return mm_start(e, c, &c->left.addr, port, &c->right.addr, port);
}

static int
mm_start(struct ikev1_engine *e, const struct cfg_conn *c,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct ikev1_builder bl, cb;
	struct ikev1_sa *offer;
	struct ikev1_hdr h;
	struct isakmp_sa *sa;
	struct st_ike *st;
	struct buf *attrs = NULL, *body = NULL, *msg = NULL;
	char a[ADDR_STRLEN];
	int r = -1;

	if ((sa = ikev1_sa_new(e, c, local, lport, remote, rport)) == NULL)
		return -1;
	/* retransmissions decide when the peer is silent */
	loop_timer_stop(sa->timer);
	sa->initiator = 1;
	while (sa->icookie == 0)
		if (crypto_random(&sa->icookie, sizeof(sa->icookie)) == -1) {
			ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no random cookie");
			goto out;
		}
	local_id(sa);
	if (c->right.id.type != CFG_ID_ANY)
		sa->rid = c->right.id;
	else
		config_id_from_addr(&sa->remote, &sa->rid);
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
		free(offer);
		goto out;
	}
	if (ikev1_conn_offer(c, offer, attrs) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "no ISAKMP transform to "
		    "offer from ike=");
		free(offer);
		goto out;
	}
	/* the SA payload's body is part of HASH_I and HASH_R: kept */
	ikev1_build_chain(&cb, body);
	if (ikev1_build_sa(&cb, offer) == -1 || ikev1_build_finish(&cb) == -1 ||
	    (sa->sai_b = buf_from(body->data + IKEV1_PL_HDR_LEN,
	    body->len - IKEV1_PL_HDR_LEN)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 1");
		free(offer);
		goto out;
	}
	free(offer);
	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.exchange = IKEV1_EXCH_MAIN;
	ikev1_build_msg(&bl, msg, &h);
	if (ikev1_build_raw(&bl, IKEV1_PL_SA, sa->sai_b->data,
	    sa->sai_b->len) < 0 || ikev1_vendor_add(&bl) == -1 ||
	    ikev1_build_finish(&bl) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 1");
		goto out;
	}
	sa->phase = IKEV1_MM_I1;
	sa->lifetime = c->ikelifetime;
	log_info("IKEv1:%s: initiating Main Mode with %s[%u]", c->name,
	    addr_str(&sa->remote, a, sizeof(a)), sa->rport);
	ikev1_send_request(sa, msg);
	msg = NULL;
	r = 0;
out:
	if (r == -1)
		ikev1_sa_free(sa);	/* failed and ended above */
	buf_free(attrs);
	buf_free(body);
	buf_free(msg);
	return r;
}

/* Message 2: the responder's choice, one of our transforms -> message 3
 * (KE, Ni). */
static void
mm_i_setup(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *pl;
	struct ikev1_sa *reply = NULL, *offer = NULL;
	struct ikev1_perr err;
	struct p1_suite s, o;
	struct buf *attrs = NULL, *msg = NULL;
	struct st_ike *st;
	uint8_t ni[IKEV1_NONCE_LEN];
	size_t i;

	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Main Mode message 2 without SA");
		return;
	}
	reply = calloc(1, sizeof(*reply));
	offer = calloc(1, sizeof(*offer));
	attrs = buf_new(512);
	if (reply == NULL || offer == NULL || attrs == NULL ||
	    ikev1_conn_offer(sa->conn, offer, attrs) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto out;
	}
	if (ikev1_pl_sa(pl, reply, &err) == -1 || reply->nprop != 1 ||
	    reply->prop[0].proto != IKEV1_PROTO_ISAKMP ||
	    reply->prop[0].nxf != 1 ||
	    reply->prop[0].xf[0].id != IKEV1_KEY_IKE) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING, "message 2 does not choose "
		    "one ISAKMP transform");
		goto out;
	}
	p1_suite(&reply->prop[0].xf[0], &s);
	if (s.encr == IKEV1_ENCR_AES && s.keylen == 0)
		s.keylen = 128;
	for (i = 0; i < offer->prop[0].nxf; i++) {
		p1_suite(&offer->prop[0].xf[i], &o);
		if (suite_same(&s, &o))
			break;
	}
	if (s.bad || i == offer->prop[0].nxf) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "the responder chose a "
		    "transform we did not offer");
		goto out;
	}
	if (ikev1_keys_init(&sa->k, ikev1_prf_of(s.hash), ikev1_encr_of(s.encr),
	    s.encr == IKEV1_ENCR_AES ? s.keylen : 0) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "transform not supported");
		goto out;
	}
	ikev1_rtx_stop(sa);
	sa->rcookie = m->hdr.rcookie;
	sa->algs.encr = ikev1_encr_of(s.encr);
	sa->algs.encr_keylen = sa->k.keylen;
	sa->algs.prf = ikev1_prf_of(s.hash);
	sa->algs.integ = integ_of_hash(s.hash);
	sa->algs.dh = s.group;
	if ((st = st_ike_get(sa->st_index)) != NULL)
		st->spi_r = sa->rcookie;
	ikev1_sa_last_in(sa, m);

	/* message 3 */
	sa->gxi = buf_new(CRYPTO_MAX_DH_PUB);
	if (sa->gxi == NULL || crypto_random(ni, sizeof(ni)) == -1 ||
	    (sa->ni = buf_from(ni, sizeof(ni))) == NULL ||
	    (sa->dh = dh_new(sa->algs.dh)) == NULL ||
	    dh_public(sa->dh, sa->gxi) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no DH key pair or nonce");
		goto out;
	}
	if ((msg = mm_ke_nonce(sa, sa->gxi, sa->ni, 3)) == NULL)
		goto out;
	sa->phase = IKEV1_MM_I2;
	mm_state(sa, ST_MM_SA_SETUP);
	ikev1_send_request(sa, msg);
	msg = NULL;
out:
	buf_free(attrs);
	buf_free(msg);
	free(reply);
	free(offer);
	wipe(ni, sizeof(ni));
}

/* Message 4: KE, Nr -> keys; message 5 (IDii, HASH_I, encrypted). */
static void
mm_i_keys(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	struct ikev1_data ke, nonce;
	struct buf *msg;

	if (mm_peer_ke(sa, m, &ke, &nonce) == -1)
		return;
	ikev1_rtx_stop(sa);
	ikev1_sa_last_in(sa, m);
	if ((sa->gxr = buf_from(ke.data, ke.len)) == NULL ||
	    (sa->nr = buf_from(nonce.data, nonce.len)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		return;
	}
	if (mm_keys(sa, &ke) == -1 || (msg = mm_our_auth(sa)) == NULL)
		return;
	sa->phase = IKEV1_MM_I3;
	mm_state(sa, ST_MM_KEY_EXCH);
	ikev1_natt_float(sa);
	ikev1_send_request(sa, msg);
}

/* Message 6: IDir, HASH_R -> established; Quick Mode next. */
static void
mm_i_auth(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	if (mm_peer_auth(sa, m) == -1)
		return;
	ikev1_sa_last_in(sa, m);
	buf_free(sa->last_out);
	sa->last_out = NULL;	/* message 6 has no answer */
	mm_established(sa);
	/* a reauthentication took the children over: no Quick Mode needed
	 * unless one of them was being rekeyed */
	if (sa->children == NULL || sa->qm_again)
		ikev1_qm_start(sa);
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
