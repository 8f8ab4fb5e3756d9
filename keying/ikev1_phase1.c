/* What the two phase-1 exchanges of RFC 2409 with pre-shared keys, Main
 * Mode (ikev1_main.c) and Aggressive Mode (ikev1_aggressive.c), share:
 * transform attributes, the keys from g^xy and the key, HASH_I / HASH_R,
 * the peer's ID, INITIAL-CONTACT, and the end of phase 1 (QM_IDLE, the
 * state row, DPD, keepalives, the rekey, adoption of older SAs' IPsec
 * SAs, the first Quick Mode). Nothing here calls Main or Aggressive
 * Mode: the phase-1 rekey goes through the engine's reauth hook. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"
#include "keying/ikev2_proposal.h"

void
ikev1_p1_suite(const struct ikev1_xform *xf, struct ikev1_p1_suite *s)
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
	if (s->encr == IKEV1_ENCR_AES && s->keylen == 0)
		s->keylen = 128;
}

int
ikev1_p1_suite_same(const struct ikev1_p1_suite *a,
    const struct ikev1_p1_suite *b)
{
	return a->encr == b->encr && a->keylen == b->keylen &&
	    a->hash == b->hash && a->group == b->group && a->auth == b->auth;
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

void
ikev1_p1_theirs(const struct ikev1_prop *pr, struct ikev2_prop_list *l)
{
	struct ikev1_p1_suite s;
	struct ikev2_prop *p;
	size_t i;

	l->n = 0;
	for (i = 0; i < pr->nxf && l->n < IKEV2_PROP_MAX; i++) {
		if (pr->xf[i].id != IKEV1_KEY_IKE)
			continue;
		ikev1_p1_suite(&pr->xf[i], &s);
		if (s.bad || s.auth != IKEV1_AUTH_PSK ||
		    ikev1_encr_of(s.encr) == 0 || ikev1_prf_of(s.hash) == 0 ||
		    s.group == 0)
			continue;
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

int
ikev1_p1_use(struct isakmp_sa *sa, const struct ikev1_p1_suite *s)
{
	if (ikev1_keys_init(&sa->k, ikev1_prf_of(s->hash),
	    ikev1_encr_of(s->encr), s->encr == IKEV1_ENCR_AES ? s->keylen :
	    0) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "transform not supported");
		return -1;
	}
	sa->algs.encr = ikev1_encr_of(s->encr);
	sa->algs.encr_keylen = sa->k.keylen;
	sa->algs.prf = ikev1_prf_of(s->hash);
	sa->algs.integ = integ_of_hash(s->hash);
	sa->algs.dh = s->group;
	return 0;
}

void
ikev1_p1_ids(struct isakmp_sa *sa)
{
	if (sa->conn->left.id.type != CFG_ID_ANY)
		sa->lid = sa->conn->left.id;
	else
		config_id_from_addr(&sa->local, &sa->lid);
	if (sa->conn->right.id.type != CFG_ID_ANY)
		sa->rid = sa->conn->right.id;
	else
		config_id_from_addr(&sa->remote, &sa->rid);
}

/* The start of phase 1 in either role: our random cookie, the IDs, the
 * state row (role, the cookies so far). 0, or -1 (the SA failed). */
static int
p1_begin(struct isakmp_sa *sa, int initiator, int aggressive)
{
	uint64_t *ours = initiator ? &sa->icookie : &sa->rcookie;
	struct st_ike *st;

	sa->initiator = initiator;
	sa->aggressive = aggressive;
	while (*ours == 0)
		if (crypto_random(ours, sizeof(*ours)) == -1) {
			ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "no random cookie");
			return -1;
		}
	ikev1_p1_ids(sa);
	ikev1_p1_state(sa, ST_MM_NO_STATE);
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->initiator = initiator;
		st->spi_i = sa->icookie;
		st->spi_r = sa->rcookie;
	}
	return 0;
}

struct isakmp_sa *
ikev1_p1_responder(struct ikev1_engine *e, const struct cfg_conn *c,
    struct ikev1_msg *m, int aggressive, const struct ifl_addr *dst,
    uint16_t dport, const struct ifl_addr *src, uint16_t sport)
{
	struct isakmp_sa *sa;

	if ((sa = ikev1_sa_new(e, c, dst, dport, src, sport)) == NULL)
		return NULL;
	sa->icookie = m->hdr.icookie;
	if (p1_begin(sa, 0, aggressive) == -1)
		return NULL;
	ikev1_sa_last_in(sa, m);
	ikev1_vendor_sa(sa, m);
	return sa;
}

void
ikev1_p1_state(struct isakmp_sa *sa, enum st_mm_state state)
{
	struct st_ike *st = st_ike_get(sa->st_index);

	if (st) {
		st->mm_state = state;
		st->aggressive = sa->aggressive;
	}
}

void
ikev1_p1_clear_notify(struct ikev1_engine *e, const struct ike_hdr *req,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport, uint16_t type)
{
	struct ike_builder bl;
	struct ikev1_notify n;
	struct ike_hdr h;
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

int
ikev1_p1_keys(struct isakmp_sa *sa, const struct ikev1_data *peer_ke)
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
	 * addresses by default), as strongSwan does; Aggressive Mode's
	 * responder has the initiator's ID in sa->rid by now */
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

int
ikev1_p1_peer_ke(struct isakmp_sa *sa, struct ikev1_msg *m,
    struct ikev1_data *ke, struct ikev1_data *nonce, const char *what)
{
	const struct ikev1_pl *kp, *np;
	struct ike_perr err;
	struct buf **gx, **n;
	char why[80];

	if ((kp = ikev1_msg_get(m, IKEV1_PL_KE, 0)) == NULL ||
	    (np = ikev1_msg_get(m, IKEV1_PL_NONCE, 0)) == NULL ||
	    ikev1_pl_ke(kp, ke, &err) == -1 ||
	    ikev1_pl_nonce(np, nonce, &err) == -1) {
		snprintf(why, sizeof(why), "%s without KE and nonce", what);
		ikev1_drop(sa->eng, &sa->remote, sa->rport, why);
		return -1;
	}
	if (ke->len != crypto_dh_publen(sa->algs.dh)) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING, "KE of %zu bytes for %s",
		    ke->len, crypto_name(CRYPTO_DH, sa->algs.dh));
		return -1;
	}
	ikev1_natt_check(sa, m);
	/* the peer's half of what the keys and hashes of phase 1 cover */
	gx = sa->initiator ? &sa->gxr : &sa->gxi;
	n = sa->initiator ? &sa->nr : &sa->ni;
	buf_free(*gx);
	buf_free(*n);
	if ((*gx = buf_from(ke->data, ke->len)) == NULL ||
	    (*n = buf_from(nonce->data, nonce->len)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

struct buf *
ikev1_p1_auth_msg(struct isakmp_sa *sa, uint8_t exch, int msgno)
{
	struct ike_builder cb;
	struct buf *chain = NULL, *msg = NULL;
	uint8_t hash[CRYPTO_MAX_PRF_LEN], idb[4 + CFG_ID_MAX];
	uint8_t nb[IKEV1_NOTIFY_MAX];
	size_t idlen = ikev1_p1_id_body(&sa->lid, idb);

	if (ikev1_p1_our_hash(sa, idb, idlen, hash) == -1 ||
	    (chain = buf_new_secret(512)) == NULL ||
	    (msg = buf_new(512)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot make %s",
		    sa->initiator ? "HASH_I" : "HASH_R");
		goto fail;
	}
	/* Aggressive Mode sent our ID in the clear, Main Mode its NAT-D in
	 * messages 3 and 4. */
	ike_build_chain(&cb, chain);
	if ((exch == IKEV1_EXCH_MAIN &&
	    ikev1_build_raw(&cb, IKEV1_PL_ID, idb, idlen) < 0) ||
	    ikev1_build_raw(&cb, IKEV1_PL_HASH, hash, sa->k.prf_len) < 0 ||
	    (ikev1_p1_initial_contact(sa) && ikev1_build_raw(&cb,
	    IKEV1_PL_NOTIFY, nb, ikev1_notify_body(sa,
	    IKEV1_N_INITIAL_CONTACT, 1, nb)) < 0) ||
	    (exch == IKEV1_EXCH_AGGRESSIVE && ikev1_natt_add(sa, &cb) == -1) ||
	    ikev1_seal(sa, exch, 0, &cb, sa->k.iv, msg) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message %d",
		    msgno);
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

size_t
ikev1_p1_id_body(const struct cfg_id *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = 0;
	out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

int
ikev1_p1_dh_nonce(struct isakmp_sa *sa, struct buf **gx, struct buf **nonce)
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

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b),
 * HASH_R the same from the responder's side: the hash of the side that
 * sends ID idb. */
static int
p1_hash(const struct isakmp_sa *sa, int of_initiator, const uint8_t *idb,
    size_t idlen, uint8_t *out)
{
	if (of_initiator)
		return ikev1_hash_p1(&sa->k, sa->gxi->data, sa->gxi->len,
		    sa->gxr->data, sa->gxr->len, sa->icookie, sa->rcookie,
		    sa->sai_b->data, sa->sai_b->len, idb, idlen, out);
	return ikev1_hash_p1(&sa->k, sa->gxr->data, sa->gxr->len,
	    sa->gxi->data, sa->gxi->len, sa->rcookie, sa->icookie,
	    sa->sai_b->data, sa->sai_b->len, idb, idlen, out);
}

int
ikev1_p1_our_hash(const struct isakmp_sa *sa, const uint8_t *idb,
    size_t idlen, uint8_t *out)
{
	return p1_hash(sa, sa->initiator, idb, idlen, out);
}

int
ikev1_p1_peer_hash_ok(const struct isakmp_sa *sa, const uint8_t *idb,
    size_t idlen, const struct ikev1_data *hash)
{
	uint8_t want[CRYPTO_MAX_PRF_LEN];
	int r;

	r = hash->len == sa->k.prf_len &&
	    p1_hash(sa, !sa->initiator, idb, idlen, want) == 0 &&
	    ct_memcmp(want, hash->data, sa->k.prf_len) == 0 ? 0 : -1;
	wipe(want, sizeof(want));
	return r;
}

int
ikev1_p1_peer_id(struct isakmp_sa *sa, const struct ikev1_pl *ip,
    struct cfg_id *peer)
{
	struct ike_perr err;
	struct ikev1_id id;

	if (ikev1_pl_id(ip, &id, &err) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_ENCODING, "ID payload: %s", err.text);
		return -1;
	}
	if (config_id_from_payload(id.type, id.data, id.len, peer) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_AUTH, "ID type %u not supported",
		    id.type);
		return -1;
	}
	if (sa->conn->right.id.type != CFG_ID_ANY &&
	    !config_id_equal(&sa->conn->right.id, peer)) {
		ikev1_sa_fail(sa, ST_IKEF_AUTH, "peer ID %s is not rightid %s",
		    peer->text, sa->conn->right.id.text);
		return -1;
	}
	return 0;
}

/* Our other ISAKMP SAs with sa's peer (live, or expired with IPsec SAs
 * left): none, and the initiator's last message says INITIAL-CONTACT
 * (RFC 2407 4.6.3.3), so that a peer which lost us clears what it has. */
int
ikev1_p1_initial_contact(const struct isakmp_sa *sa)
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

void
ikev1_p1_contact_in(struct isakmp_sa *sa, const struct ikev1_msg *m)
{
	const struct ikev1_pl *pl;
	struct ikev1_notify n;
	struct ike_perr err;
	struct isakmp_sa *o;
	char a[ADDR_STRLEN + 8];
	size_t i;

	for (i = 0; (pl = ikev1_msg_get(m, IKEV1_PL_NOTIFY, i)) != NULL; i++)
		if (ikev1_pl_notify(pl, &n, &err) == 0 &&
		    n.type == IKEV1_N_INITIAL_CONTACT)
			sa->initial_contact = 1;
	if (!sa->initial_contact)
		return;
	/* the peer has no other SA with us (it restarted), so ours with it
	 * are stale: gone at once, unannounced, before this one could adopt
	 * their IPsec SAs */
	ikev1_sa_peer(sa, a, sizeof(a));
	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && (o->phase == IKEV1_UP ||
		    o->phase == IKEV1_EXPIRED) && o->conn == sa->conn &&
		    addr_cmp(&o->remote, &sa->remote) == 0 &&
		    config_id_equal(&o->rid, &sa->rid)) {
			log_info("IKEv1:(SA ID = %u):INITIAL-CONTACT from %s: "
			    "ISAKMP SA %u and its IPsec SAs are stale",
			    sa->st_index, a, o->st_index);
			ikev1_sa_end(o, ST_TERM_PEER_LOST);
		}
}

const char *
ikev1_p1_mode(const struct isakmp_sa *sa)
{
	return sa->aggressive ? "Aggressive Mode" : "Main Mode";
}

/* rekeymargin before ikelifetime: IKEv1 cannot rekey an ISAKMP SA, so
 * a new Main (Aggressive) Mode with the peer (charon and IOS do the
 * same); when it is up it takes over this SA's children and deletes it
 * (ikev1_sa_adopt). */
static void
p1_rekey_fire(void *arg)
{
	struct isakmp_sa *sa = arg;
	char a[ADDR_STRLEN + 8];

	if (sa->phase != IKEV1_UP || sa->reauth)
		return;
	/* a Quick Mode under way on this SA (either side's) ends first: the
	 * peer moves this SA's children to the new one when it sees our
	 * Main Mode message 5, and a pair that Quick Mode installs at the
	 * peer after that stays with this SA and goes with its Delete
	 * (strongSwan: the new pair gone at the peer while ours carries on,
	 * traffic lost until the next rekey). ikev1_qm_clear calls again. */
	if (sa->qm.msgid) {
		if (!sa->reauth_wait)
			log_info("IKEv1:(SA ID = %u):reauthentication waits "
			    "for Quick Mode 0x%08x", sa->st_index,
			    sa->qm.msgid);
		sa->reauth_wait = 1;
		return;
	}
	sa->reauth_wait = 0;
	sa->reauth = 1;
	log_info("IKEv1:(SA ID = %u):reauthenticating with %s: a new %s "
	    "before the lifetime (%u s) ends", sa->st_index,
	    ikev1_sa_peer(sa, a, sizeof(a)), ikev1_p1_mode(sa), sa->lifetime);
	if (sa->eng->reauth == NULL || sa->eng->reauth(sa) == -1)
		log_warnx("IKEv1:(SA ID = %u):no new %s: the SA ends with its "
		    "lifetime", sa->st_index, ikev1_p1_mode(sa));
}

void
ikev1_p1_established(struct isakmp_sa *sa)
{
	struct st_ike *st;
	char a[ADDR_STRLEN + 8];
	uint32_t after = ikev1_rekey_after(sa->conn, sa->lifetime);

	sa->phase = IKEV1_UP;
	loop_timer_stop(sa->timer);
	ikev1_rtx_stop(sa);
	ikev1_mm_free(sa);
	if (after && (sa->rekey != NULL ||
	    (sa->rekey = loop_timer_new(p1_rekey_fire, sa)) != NULL))
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
		st->aggressive = sa->aggressive;
		st_ike_established(st);
	}
	/* liveness and keepalives here, not in ikev1_sa.c: DPD's restart
	 * runs a new Main Mode, and the lower layer never calls up */
	ikev1_dpd_start(sa);
	ikev1_natt_start(sa);
	ikev1_sa_adopt(sa);
	log_info("IKEv1:(SA ID = %u):ISAKMP SA with %s (%s) established in "
	    "%s", sa->st_index, ikev1_sa_peer(sa, a, sizeof(a)), sa->rid.text,
	    ikev1_p1_mode(sa));
	/* the initiator's Quick Mode, unless a reauthentication took the
	 * children over; either side's when it adopted one whose rekey was
	 * under way */
	if ((sa->initiator && sa->children == NULL) || sa->qm_again)
		ikev1_qm_start(sa);
}

/* Responder: the peer's SA payload pl of first message m: its ISAKMP
 * proposal against ours, one transform chosen and taken (keys, algs,
 * SAi_b kept), reply the answer's SA (the transform as the peer wrote
 * it, pointing into m). Aggressive Mode's KE in the same message is of
 * the first transform's group: only transforms of that group count. On
 * failure the SA has failed naming why, the peer told
 * NO-PROPOSAL-CHOSEN. 0 / -1. */
int
ikev1_p1_choose(struct isakmp_sa *sa, const struct ikev1_msg *m,
    const struct ikev1_pl *pl, struct ikev1_sa *reply)
{
	struct ikev1_engine *e = sa->eng;
	const struct cfg_conn *c = sa->conn;
	struct ikev1_sa *peer;
	struct ikev2_prop_list *ours, *theirs;
	const struct ikev1_prop *pr = NULL;
	struct ikev2_prop chosen;
	struct ike_perr err;
	struct ikev1_p1_suite s;
	char why[160];
	uint16_t group = 0;
	int i, n, r = -1;

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
	for (i = 0; i < (int)peer->nprop; i++)
		if (peer->prop[i].proto == IKEV1_PROTO_ISAKMP) {
			pr = &peer->prop[i];
			break;
		}
	if (pr == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "no ISAKMP proposal");
		goto refuse;
	}
	ikev1_p1_theirs(pr, theirs);
	if (sa->aggressive && pr->nxf > 0) {
		ikev1_p1_suite(&pr->xf[0], &s);
		group = s.group;
		for (i = n = 0; i < theirs->n; i++)
			if (theirs->p[i].xf[3].id == group)
				theirs->p[n++] = theirs->p[i];
		if (n == 0 && theirs->n > 0) {
			ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "Aggressive Mode "
			    "with DH group %u, which no transform we can do "
			    "has", group);
			goto refuse;
		}
		theirs->n = n;
	}
	if (ikev1_isakmp_proposals(c, ours) == -1 ||
	    ikev2_prop_select(ours, theirs, IKEV2_PROTO_IKE, &chosen) == -1) {
		ikev1_no_proposal_why(c, CFG_PROTO_IKE, theirs, why, sizeof(why));
		if (group)
			ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "Aggressive Mode "
			    "(DH group %u only): %s", group, why);
		else
			ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "%s", why);
		goto refuse;
	}
	ikev1_p1_suite(&pr->xf[chosen.num - 1], &s);
	if (ikev1_p1_use(sa, &s) == -1)
		goto out;
	sa->lifetime = c->ikelifetime;
	if ((sa->sai_b = buf_from(pl->body, pl->len)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto out;
	}
	memset(reply, 0, sizeof(*reply));
	reply->doi = IKEV1_DOI_IPSEC;
	reply->situation = IKEV1_SIT_IDENTITY_ONLY;
	reply->nprop = 1;
	reply->prop[0].num = pr->num;
	reply->prop[0].proto = IKEV1_PROTO_ISAKMP;
	reply->prop[0].nxf = 1;
	reply->prop[0].xf[0] = pr->xf[chosen.num - 1];
	r = 0;
	goto out;
refuse:
	ikev1_p1_clear_notify(e, &m->hdr, &sa->local, sa->lport, &sa->remote,
	    sa->rport, IKEV1_N_NO_PROPOSAL_CHOSEN);
out:
	free(peer);
	free(ours);
	free(theirs);
	return r;
}

int
ikev1_p1_open(struct isakmp_sa *sa, struct ikev1_msg *m, int msgno,
    uint8_t *iv)
{
	memcpy(iv, sa->k.iv, CRYPTO_MAX_BLOCK);
	if (ikev1_open(sa, m, iv, NULL) < 0) {
		/* garbage after decryption: the keys differ, and only the
		 * pre-shared key can make them differ. The peer hears of it
		 * in the clear: we share no key */
		if (!sa->initiator)
			ikev1_notify_send(sa, IKEV1_N_AUTHENTICATION_FAILED);
		ikev1_sa_fail(sa, ST_IKEF_AUTH, "message %d does not decrypt: "
		    "the pre-shared keys differ", msgno);
		return -1;
	}
	return 0;
}

int
ikev1_p1_chosen(struct isakmp_sa *sa, const struct ikev1_msg *m,
    const struct ikev1_pl *pl)
{
	struct ikev1_sa *reply = calloc(1, sizeof(*reply));
	struct ikev1_sa *offer = calloc(1, sizeof(*offer));
	struct buf *attrs = buf_new(512);
	struct ikev1_p1_suite s, o;
	struct ike_perr err;
	struct st_ike *st;
	size_t i;
	int r = -1;

	if (reply == NULL || offer == NULL || attrs == NULL ||
	    ikev1_conn_offer(sa->conn, offer, attrs, sa->aggressive) == -1) {
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
	ikev1_p1_suite(&reply->prop[0].xf[0], &s);
	for (i = 0; i < offer->prop[0].nxf; i++) {
		ikev1_p1_suite(&offer->prop[0].xf[i], &o);
		if (ikev1_p1_suite_same(&s, &o))
			break;
	}
	if (s.bad || i == offer->prop[0].nxf) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "the responder chose a "
		    "transform we did not offer");
		goto out;
	}
	if ((r = ikev1_p1_use(sa, &s)) == -1)
		goto out;
	ikev1_rtx_stop(sa);
	sa->rcookie = m->hdr.rcookie;
	if ((st = st_ike_get(sa->st_index)) != NULL)
		st->spi_r = sa->rcookie;
out:
	free(reply);
	free(offer);
	buf_free(attrs);
	return r;
}

/* ---- initiator ---- */

/* Suites a and b differ in how many of encryption, hash and group. */
static int
suite_distance(const struct ikev1_p1_suite *a, const struct ikev1_p1_suite *b)
{
	return (a->encr != b->encr || a->keylen != b->keylen) +
	    (a->hash != b->hash) + (a->group != b->group);
}

#define OFFER_CANDIDATES	256

int
ikev1_conn_offer(const struct cfg_conn *c, struct ikev1_sa *sa,
    struct buf *attrs, int one_group)
{
	struct ikev2_prop_list *ours;
	struct ikev1_p1_suite *cand, t;
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
			for (i = 0; i < nc && !ikev1_p1_suite_same(&cand[i], &t); i++)
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
	/* Aggressive Mode's KE is of one group: the first suite's */
	for (i = j = 0; one_group && i < nc; i++)
		if (cand[i].group == cand[0].group)
			cand[j++] = cand[i];
	if (one_group)
		nc = j;
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

struct isakmp_sa *
ikev1_p1_initiator(struct ikev1_engine *e, const struct cfg_conn *c,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport, int aggressive)
{
	struct ike_builder cb;
	struct ikev1_sa *offer = NULL;
	struct ikev1_p1_suite s;
	struct isakmp_sa *sa;
	struct buf *attrs = NULL, *body = NULL;

	if ((sa = ikev1_sa_new(e, c, local, lport, remote, rport)) == NULL)
		return NULL;
	/* retransmissions decide when the peer is silent */
	loop_timer_stop(sa->timer);
	sa->lifetime = c->ikelifetime;
	if (p1_begin(sa, 1, aggressive) == -1)
		goto fail;
	offer = calloc(1, sizeof(*offer));
	attrs = buf_new(512);
	body = buf_new(1024);
	if (offer == NULL || attrs == NULL || body == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "out of memory");
		goto fail;
	}
	if (ikev1_conn_offer(c, offer, attrs, aggressive) == -1) {
		ikev1_sa_fail(sa, ST_IKEF_PROPOSAL, "no ISAKMP transform to "
		    "offer from ike=");
		goto fail;
	}
	/* the group of an Aggressive Mode KE: that of every transform */
	ikev1_p1_suite(&offer->prop[0].xf[0], &s);
	sa->algs.dh = s.group;
	/* the SA payload's body is part of HASH_I and HASH_R: kept */
	ike_build_chain(&cb, body);
	if (ikev1_build_sa(&cb, offer) == -1 || ikev1_build_finish(&cb) == -1 ||
	    (sa->sai_b = buf_from(body->data + IKEV1_PL_HDR_LEN,
	    body->len - IKEV1_PL_HDR_LEN)) == NULL) {
		ikev1_sa_fail(sa, ST_IKEF_INTERNAL, "cannot build message 1");
		goto fail;
	}
	free(offer);
	buf_free(attrs);
	buf_free(body);
	return sa;
fail:
	ikev1_sa_free(sa);	/* failed and ended above */
	free(offer);
	buf_free(attrs);
	buf_free(body);
	return NULL;
}
