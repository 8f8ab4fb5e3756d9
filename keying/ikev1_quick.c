/* Quick Mode, both roles (RFC 2409 §5.5):
 *   1 HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]  ->
 *                     2 HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
 *   3 HDR*, HASH(3)  -> both SAs and the policies installed.
 * The ESP proposal is chosen with the IKEv2 engine's rules over the
 * connection's esp= (strongSwan's defaults appended unless '!'); the ID
 * payloads are the selectors and must lie within left/rightsubnet. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"
#include "keying/ikev2_proposal.h"
#include "keying/ikev2_ts.h"

struct p2_suite {
	uint16_t	encr, keylen, integ, group, encap;
	uint32_t	life_sec;
	uint64_t	life_kb;
	int		bad;
};

static void
p2_suite(const struct ikev1_xform *xf, struct p2_suite *s)
{
	const uint8_t *p = xf->attrs;
	size_t left = xf->attrs_len;
	struct ikev1_attr a;
	uint16_t life_type = 0;

	memset(s, 0, sizeof(*s));
	switch (xf->id) {
	case IKEV1_ESP_AES:	s->encr = IKEV2_ENCR_AES_CBC; break;
	case IKEV1_ESP_3DES:	s->encr = IKEV2_ENCR_3DES; break;
	default:		s->bad = 1;
	}
	while (ikev1_attr_next(&p, &left, &a) == 1) {
		if (a.big) {
			s->bad = 1;
			continue;
		}
		switch (a.type) {
		case IKEV1_A2_LIFE_TYPE:	life_type = (uint16_t)a.val; break;
		case IKEV1_A2_LIFE_DURATION:
			if (life_type == IKEV1_LIFE_SECONDS)
				s->life_sec = a.val;
			else if (life_type == IKEV1_LIFE_KILOBYTES)
				s->life_kb = a.val;
			break;
		case IKEV1_A2_GROUP:		s->group = (uint16_t)a.val; break;
		case IKEV1_A2_ENCAP:		s->encap = (uint16_t)a.val; break;
		case IKEV1_A2_KEY_LENGTH:	s->keylen = (uint16_t)a.val; break;
		case IKEV1_A2_AUTH:
			switch (a.val) {
			case IKEV1_AUTH_HMAC_MD5:
				s->integ = IKEV2_INTEG_HMAC_MD5_96; break;
			case IKEV1_AUTH_HMAC_SHA1:
				s->integ = IKEV2_INTEG_HMAC_SHA1_96; break;
			case IKEV1_AUTH_HMAC_SHA2_256:
				s->integ = IKEV2_INTEG_HMAC_SHA2_256_128; break;
			case IKEV1_AUTH_HMAC_SHA2_384:
				s->integ = IKEV2_INTEG_HMAC_SHA2_384_192; break;
			case IKEV1_AUTH_HMAC_SHA2_512:
				s->integ = IKEV2_INTEG_HMAC_SHA2_512_256; break;
			default:
				s->bad = 1;
			}
			break;
		default:
			s->bad = 1;
		}
	}
	if (s->encr == IKEV2_ENCR_AES_CBC && s->keylen == 0)
		s->keylen = 128;
	if (s->encr == IKEV2_ENCR_3DES)
		s->keylen = 0;
}

static void
p2_theirs(const struct ikev1_prop *pr, struct ikev2_prop_list *l)
{
	struct p2_suite s;
	struct ikev2_prop *p;
	size_t i;

	l->n = 0;
	for (i = 0; i < pr->nxf && l->n < IKEV2_PROP_MAX; i++) {
		p2_suite(&pr->xf[i], &s);
		if (s.bad || s.integ == 0)
			continue;
		p = &l->p[l->n++];
		memset(p, 0, sizeof(*p));
		p->num = (uint8_t)(i + 1);
		p->proto = IKEV2_PROTO_ESP;
		p->xf[0] = (struct ikev2_xform){ IKEV2_XFORM_ENCR, s.encr,
		    s.keylen };
		p->xf[1] = (struct ikev2_xform){ IKEV2_XFORM_INTEG, s.integ, 0 };
		p->xf[2] = (struct ikev2_xform){ IKEV2_XFORM_ESN, IKEV2_ESN_NO,
		    0 };
		p->nxf = 3;
		if (s.group)
			p->xf[p->nxf++] = (struct ikev2_xform){ IKEV2_XFORM_DH,
			    s.group, 0 };
	}
}

/* An ID payload as a selector (RFC 2407 §4.6.2). 0 / -1. */
static int
id_to_ts(const struct ikev1_id *id, struct ikev2_ts *ts)
{
	struct ifl_subnet n;
	size_t alen, i;
	int plen;

	memset(ts, 0, sizeof(*ts));
	ts->proto = id->proto;
	ts->sport = id->port;
	ts->eport = id->port ? id->port : 0xffff;
	switch (id->type) {
	case IKEV1_ID_IPV4_ADDR:
	case IKEV1_ID_IPV4_ADDR_SUBNET:
	case IKEV1_ID_IPV4_ADDR_RANGE:
		ts->type = IKEV2_TS_IPV4_ADDR_RANGE;
		ts->start.family = ts->end.family = AF_INET;
		alen = 4;
		break;
	case IKEV1_ID_IPV6_ADDR:
	case IKEV1_ID_IPV6_ADDR_SUBNET:
	case IKEV1_ID_IPV6_ADDR_RANGE:
		ts->type = IKEV2_TS_IPV6_ADDR_RANGE;
		ts->start.family = ts->end.family = AF_INET6;
		alen = 16;
		break;
	default:
		return -1;
	}
	memcpy(ts->start.u.raw, id->data, alen);
	switch (id->type) {
	case IKEV1_ID_IPV4_ADDR:
	case IKEV1_ID_IPV6_ADDR:
		ts->end = ts->start;
		break;
	case IKEV1_ID_IPV4_ADDR_RANGE:
	case IKEV1_ID_IPV6_ADDR_RANGE:
		ts->end.family = ts->start.family;
		memcpy(ts->end.u.raw, id->data + alen, alen);
		break;
	default:
		/* a subnet: the mask must be contiguous */
		for (plen = 0, i = 0; i < alen * 8; i++) {
			if (id->data[alen + i / 8] & (0x80 >> (i % 8))) {
				if (plen != (int)i)
					return -1;
				plen++;
			}
		}
		n.addr = ts->start;
		n.plen = (uint8_t)plen;
		subnet_range(&n, &ts->start, &ts->end);
	}
	return 0;
}

/* Our selector as an ID payload body: a host, else a subnet. */
static size_t
ts_to_idb(const struct ikev2_ts *ts, uint8_t *out)
{
	size_t alen = addr_len(&ts->start), i;
	int host = addr_cmp(&ts->start, &ts->end) == 0;

	out[0] = alen == 4 ? (host ? IKEV1_ID_IPV4_ADDR :
	    IKEV1_ID_IPV4_ADDR_SUBNET) : (host ? IKEV1_ID_IPV6_ADDR :
	    IKEV1_ID_IPV6_ADDR_SUBNET);
	out[1] = ts->proto;
	out[2] = (uint8_t)(ts->sport >> 8);
	out[3] = (uint8_t)ts->sport;
	memcpy(out + 4, ts->start.u.raw, alen);
	if (host)
		return 4 + alen;
	/* mask: the bits where start and end agree */
	for (i = 0; i < alen; i++)
		out[4 + alen + i] = (uint8_t)~(ts->start.u.raw[i] ^
		    ts->end.u.raw[i]);
	return 4 + 2 * alen;
}

/* Decrypts a Quick Mode message with iv and checks it starts with a HASH
 * of the SA's PRF length. 0 / -1 (dropped). */
static int
qm_open(struct isakmp_sa *sa, struct ikev1_msg *m, uint8_t *iv,
    struct ikev1_data *hash)
{
	int r = ikev1_open(sa, m, iv, hash);

	if (r < 0)
		ikev1_drop(sa->eng, &sa->remote, sa->rport, r == -1 ?
		    "Quick Mode message does not decrypt" :
		    "Quick Mode message without a valid HASH");
	return r < 0 ? -1 : 0;
}

static void
qm_fail(struct isakmp_sa *sa, enum st_ipsec_fail reason, uint16_t notify,
    const char *detail)
{
	char peer[ADDR_STRLEN + 8];
	struct st_ike *st = st_ike_get(sa->st_index);
	struct st_ipsec_failrec *f;

	log_notice("IKEv1:%s: Quick Mode with %s failed: %s", sa->conn->name,
	    ikev1_sa_peer(sa, peer, sizeof(peer)), detail);
	/* no tunnel row yet: the record names the connection itself */
	if ((f = st_ipsec_fail(reason, 0, sa->qm.ch ? sa->qm.ch->spi_in : 0,
	    &sa->remote, &sa->local, detail)) != NULL)
		snprintf(f->conn, sizeof(f->conn), "%s", sa->conn->name);
	if (st)
		ST_IKE_INC(st, in_p2_exchg_reject);
	if (notify)
		ikev1_notify_send(sa, notify);
	ikev1_qm_clear(sa);
}

/* Both roles: what the chosen transform says for the child being made
 * (pr: the chosen proposal with the peer's SPI). */
static void
qm_take(struct isakmp_sa *sa, const struct ikev1_prop *pr,
    const struct p2_suite *s)
{
	const struct cfg_conn *c = sa->conn;

	sa->qm.ch->spi_out = (uint32_t)pr->spi[0] << 24 |
	    (uint32_t)pr->spi[1] << 16 | (uint32_t)pr->spi[2] << 8 | pr->spi[3];
	sa->qm.algs.encr = s->encr;
	sa->qm.algs.encr_keylen = s->keylen;
	sa->qm.algs.integ = s->integ;
	sa->qm.algs.dh = s->group;
	/* the shorter of the lifetimes (the peer's attributes, ours) */
	sa->qm.life_sec = s->life_sec && s->life_sec < c->keylife ?
	    s->life_sec : c->keylife;
	sa->qm.life_kb = s->life_kb && (c->lifebytes == 0 ||
	    s->life_kb < c->lifebytes / 1024) ? s->life_kb :
	    c->lifebytes / 1024;
}

/* A PFS key pair of group (RFC 2409 5.5), both roles: *dh, and *pub its
 * public value for our KE. 0 / -1 (what was made is the caller's to free). */
static int
qm_pfs_keypair(uint16_t group, struct dh **dh, struct buf **pub)
{
	if ((*pub = buf_new(CRYPTO_MAX_DH_PUB)) == NULL ||
	    (*dh = dh_new(group)) == NULL || dh_public(*dh, *pub) == -1)
		return -1;
	return 0;
}

/* Message 1 or 2, by our role: HASH(1|2), SA, our nonce [, KE]
 * [, IDci, IDcr (ids[0].data NULL: none)] in chain, hashed and sealed
 * into msg. 0 / -1. */
static int
qm_seal_offer(struct isakmp_sa *sa, const struct ikev1_sa *offer,
    const struct buf *ke, const struct ikev1_data ids[2], struct buf *chain,
    struct buf *msg)
{
	struct ike_builder cb;
	uint8_t h[CRYPTO_MAX_PRF_LEN];
	const uint8_t *nonce = sa->qm.initiator ? sa->qm.ni : sa->qm.nr;
	size_t nonce_len = sa->qm.initiator ? sa->qm.ni_len : sa->qm.nr_len;
	long hoff;

	ike_build_chain(&cb, chain);
	memset(h, 0, sizeof(h));
	hoff = ikev1_build_raw(&cb, IKEV1_PL_HASH, h, sa->k.prf_len);
	if (hoff < 0 || ikev1_build_sa(&cb, offer) == -1 ||
	    ikev1_build_raw(&cb, IKEV1_PL_NONCE, nonce, nonce_len) < 0 ||
	    (ke && ikev1_build_raw(&cb, IKEV1_PL_KE, ke->data, ke->len) < 0) ||
	    (ids[0].data && (ikev1_build_raw(&cb, IKEV1_PL_ID, ids[0].data,
	    ids[0].len) < 0 || ikev1_build_raw(&cb, IKEV1_PL_ID, ids[1].data,
	    ids[1].len) < 0)))
		return -1;
	/* HASH(2) covers the initiator's nonce too */
	return ikev1_seal_hashed(sa, IKEV1_EXCH_QUICK, sa->qm.msgid, &cb, hoff,
	    sa->qm.initiator ? NULL : sa->qm.ni,
	    sa->qm.initiator ? 0 : sa->qm.ni_len, sa->qm.iv, msg);
}

/* PFS (RFC 2409 5.5), both roles: the peer's KE in m with our key pair
 * dh gives g^xy in sa->qm. 0, or -1 (the Quick Mode failed). */
static int
qm_pfs(struct isakmp_sa *sa, struct dh *dh, struct ikev1_msg *m)
{
	const struct ikev1_pl *pl;
	struct ikev1_data ke;
	struct ike_perr err;
	struct buf *gxy;
	int r = -1;

	if ((pl = ikev1_msg_get(m, IKEV1_PL_KE, 0)) == NULL ||
	    ikev1_pl_ke(pl, &ke, &err) == -1) {
		qm_fail(sa, ST_IPF_ENCODING, IKEV1_N_PAYLOAD_MALFORMED,
		    "PFS group without KE");
		return -1;
	}
	if ((gxy = buf_new_secret(CRYPTO_MAX_DH_PUB)) != NULL &&
	    dh_derive(dh, ke.data, ke.len, gxy) == 0 &&
	    gxy->len <= sizeof(sa->qm.gxy)) {
		memcpy(sa->qm.gxy, gxy->data, gxy->len);
		sa->qm.gxy_len = gxy->len;
		r = 0;
	} else
		qm_fail(sa, ST_IPF_PROPOSAL, IKEV1_N_INVALID_KEY_INFORMATION,
		    "PFS key exchange failed");
	buf_free(gxy);
	return r;
}

static int	qm_install_in(struct isakmp_sa *);

/* Message 1: choose, answer with message 2. */
/* The peer's Quick Mode (msgid) crosses ours, both rekeying the pair
 * at once: ours yields, since strongSwan and IOS finish theirs whatever
 * we do and a pair from each would be one too many. The peer may have
 * answered ours already: that answer is dropped (qm_lost), and the SPI
 * we offered is deleted at the peer, whose half of our exchange would
 * otherwise wait for a message 3 (strongSwan gives the whole ISAKMP SA
 * up when it never comes). */
static void
qm_yield(struct isakmp_sa *sa, uint32_t msgid)
{
	struct ikev1_child *ch;

	log_info("IKEv1:(SA ID = %u):Quick Mode 0x%08x from %s crosses ours "
	    "(0x%08x): ours yields", sa->st_index, msgid,
	    sa->conn->name, sa->qm.msgid);
	sa->qm_lost_msgid = sa->qm.msgid;
	sa->qm_lost_spi = sa->qm.ch->spi_in;
	/* the pair ours rekeyed is the peer's to rekey now; a later soft
	 * expiry of it may start ours again */
	for (ch = sa->children; ch; ch = ch->next)
		if (ch->rekeying && !ch->rekeyed)
			ch->rekeying = 0;
}

/* An answer to our Quick Mode that yielded (qm_yield). */
static void
qm_lost(struct isakmp_sa *sa)
{
	if (sa->qm_lost_spi == 0)
		return;		/* a resend: the Delete went once */
	log_info("IKEv1:(SA ID = %u):answer to our yielded Quick Mode 0x%08x "
	    "dropped, its SPI 0x%08x deleted at the peer", sa->st_index,
	    sa->qm_lost_msgid, sa->qm_lost_spi);
	ikev1_delete_esp(sa, sa->qm_lost_spi);
	sa->qm_lost_spi = 0;
}

static void
qm_request(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct cfg_conn *c = sa->conn;
	struct ike_env *env = &sa->eng->env;
	struct ikev1_sa *peer = NULL, reply;
	struct ikev2_prop_list *ours = NULL, *theirs = NULL;
	const struct ikev1_prop *pr = NULL;
	const struct ikev1_pl *pl, *idp[2];
	struct ikev2_ts ours_l[CFG_MAX_TS], ours_r[CFG_MAX_TS];
	struct ikev1_data hash, nonce;
	struct ikev2_prop chosen;
	struct ike_perr err;
	struct ikev1_data ids[2];
	struct ikev1_id id;
	struct p2_suite s;
	struct ikev1_child *ch;
	struct buf *chain = NULL, *msg = NULL, *gxr = NULL;
	struct dh *dh = NULL;
	uint8_t spi[4], iv[CRYPTO_MAX_BLOCK];
	const uint8_t *rest;
	size_t rest_len, nl, nr_, i;
	struct st_ike *st = st_ike_get(sa->st_index);

	/* authentic before it touches a Quick Mode of ours under way */
	if (ikev1_iv_exchange(&sa->k, m->hdr.msgid, iv) == -1 ||
	    qm_open(sa, m, iv, &hash) == -1)
		return;
	rest = ikev1_msg_after(m, &m->pl[0], &rest_len);
	if (ikev1_hash_qm_verify(&sa->k, 1, m->hdr.msgid, NULL, 0, NULL, 0,
	    rest, rest_len, hash.data) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode HASH(1) does not verify");
		return;
	}
	if (sa->qm.msgid && sa->qm.initiator && sa->qm.ch)
		qm_yield(sa, m->hdr.msgid);
	ikev1_qm_clear(sa);
	sa->qm.msgid = m->hdr.msgid;
	memcpy(sa->qm.iv, iv, sizeof(sa->qm.iv));
	ikev1_natt_follow(sa);
	/* (the globals add the SA's counters up: not counted there too) */
	if (st)
		ST_IKE_INC(st, in_p2_exchg);
	ikev1_sa_last_in(sa, m);
	if ((sa->qm.ch = ch = calloc(1, sizeof(*ch))) == NULL ||
	    (peer = calloc(1, sizeof(*peer))) == NULL ||
	    (ours = calloc(1, sizeof(*ours))) == NULL ||
	    (theirs = calloc(1, sizeof(*theirs))) == NULL) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "out of memory");
		goto out;
	}
	ch->reqid = c->reqid ? c->reqid : sa->eng->next_reqid++;
	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL ||
	    ikev1_pl_sa(pl, peer, &err) == -1 ||
	    (pl = ikev1_msg_get(m, IKEV1_PL_NONCE, 0)) == NULL ||
	    ikev1_pl_nonce(pl, &nonce, &err) == -1) {
		qm_fail(sa, ST_IPF_ENCODING, IKEV1_N_PAYLOAD_MALFORMED,
		    "message 1 without a valid SA and nonce");
		goto out;
	}
	memcpy(sa->qm.ni, nonce.data, nonce.len);
	sa->qm.ni_len = nonce.len;
	for (i = 0; i < peer->nprop; i++)
		if (peer->prop[i].proto == IKEV1_PROTO_ESP &&
		    peer->prop[i].spi_size == 4) {
			pr = &peer->prop[i];
			break;
		}
	if (pr != NULL)
		p2_theirs(pr, theirs);
	if (pr == NULL ||
	    ikev1_esp_proposals(c, ours) == -1 ||
	    ikev2_prop_select(ours, theirs, IKEV2_PROTO_ESP, &chosen) == -1) {
		char why[160];

		ikev1_no_proposal_why(c, CFG_PROTO_ESP, theirs, why, sizeof(why));
		qm_fail(sa, ST_IPF_PROPOSAL, IKEV1_N_NO_PROPOSAL_CHOSEN, why);
		goto out;
	}
	p2_suite(&pr->xf[chosen.num - 1], &s);
	if (ikev1_natt_transport(s.encap) !=
	    (c->mode == CFG_MODE_TRANSPORT)) {
		qm_fail(sa, ST_IPF_PROPOSAL, IKEV1_N_NO_PROPOSAL_CHOSEN,
		    "encapsulation mode differs from the connection's");
		goto out;
	}
	qm_take(sa, pr, &s);

	/* selectors: the IDs, else the hosts */
	nl = ikev2_ts_from_end(&c->left, &sa->local, ours_l, CFG_MAX_TS);
	nr_ = ikev2_ts_from_end(&c->right, &sa->remote, ours_r, CFG_MAX_TS);
	idp[0] = ikev1_msg_get(m, IKEV1_PL_ID, 0);
	idp[1] = ikev1_msg_get(m, IKEV1_PL_ID, 1);
	if ((idp[0] == NULL) != (idp[1] == NULL)) {
		qm_fail(sa, ST_IPF_ENCODING, IKEV1_N_INVALID_ID_INFORMATION,
		    "one ID payload instead of two");
		goto out;
	}
	if (idp[0]) {
		if (ikev1_pl_id(idp[0], &id, &err) == -1 ||
		    id_to_ts(&id, &ch->ts_r) == -1 ||
		    ikev1_pl_id(idp[1], &id, &err) == -1 ||
		    id_to_ts(&id, &ch->ts_l) == -1) {
			qm_fail(sa, ST_IPF_ENCODING,
			    IKEV1_N_INVALID_ID_INFORMATION,
			    "ID payloads are not addresses or subnets");
			goto out;
		}
	} else {
		memset(&id, 0, sizeof(id));
		id.type = sa->remote.family == AF_INET ? IKEV1_ID_IPV4_ADDR :
		    IKEV1_ID_IPV6_ADDR;
		id.data = sa->remote.u.raw;
		id.len = addr_len(&sa->remote);
		id_to_ts(&id, &ch->ts_r);
		id.data = sa->local.u.raw;
		id_to_ts(&id, &ch->ts_l);
	}
	if (!ikev2_ts_inside(&ch->ts_l, 1, ours_l, nl) ||
	    !ikev2_ts_inside(&ch->ts_r, 1, ours_r, nr_)) {
		char l[64], r[64];

		ikev2_ts_str(&ch->ts_l, l, sizeof(l));
		ikev2_ts_str(&ch->ts_r, r, sizeof(r));
		log_notice("IKEv1:%s: proposed selectors %s === %s are not "
		    "within the connection's", c->name, l, r);
		qm_fail(sa, ST_IPF_PROPOSAL, IKEV1_N_INVALID_ID_INFORMATION,
		    "selectors outside left/rightsubnet");
		goto out;
	}

	/* PFS */
	if (s.group) {
		if (qm_pfs_keypair(s.group, &dh, &gxr) == -1) {
			qm_fail(sa, ST_IPF_PROPOSAL,
			    IKEV1_N_INVALID_KEY_INFORMATION,
			    "PFS key exchange failed");
			goto out;
		}
		if (qm_pfs(sa, dh, m) == -1)
			goto out;
	}

	if (env->alloc_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP,
	    ch->reqid, &ch->spi_in) == -1) {
		ch->spi_in = 0;
		qm_fail(sa, ST_IPF_SYSCAP, IKEV1_N_NO_PROPOSAL_CHOSEN,
		    "no SPI from the kernel");
		goto out;
	}
	sa->qm.nr_len = IKEV1_NONCE_LEN;
	if (crypto_random(sa->qm.nr, sa->qm.nr_len) == -1)
		goto internal;

	/* message 2 */
	memset(&reply, 0, sizeof(reply));
	reply.doi = IKEV1_DOI_IPSEC;
	reply.situation = IKEV1_SIT_IDENTITY_ONLY;
	reply.nprop = 1;
	reply.prop[0].num = pr->num;
	reply.prop[0].proto = IKEV1_PROTO_ESP;
	reply.prop[0].spi_size = 4;
	spi[0] = (uint8_t)(ch->spi_in >> 24);
	spi[1] = (uint8_t)(ch->spi_in >> 16);
	spi[2] = (uint8_t)(ch->spi_in >> 8);
	spi[3] = (uint8_t)ch->spi_in;
	reply.prop[0].spi = spi;
	reply.prop[0].nxf = 1;
	reply.prop[0].xf[0] = pr->xf[chosen.num - 1];
	if ((chain = buf_new_secret(512)) == NULL ||
	    (msg = buf_new(512)) == NULL)
		goto internal;
	for (i = 0; i < 2; i++)
		ids[i] = idp[0] ? (struct ikev1_data){ idp[i]->body,
		    idp[i]->len } : (struct ikev1_data){ NULL, 0 };
	if (qm_seal_offer(sa, &reply, gxr, ids, chain, msg) == -1)
		goto internal;
	if (qm_install_in(sa) == -1) {
		qm_fail(sa, ST_IPF_SYSCAP, IKEV1_N_NO_PROPOSAL_CHOSEN,
		    "the kernel refused the inbound SA");
		goto out;
	}
	loop_timer_set(sa->timer, IKEV1_HALF_OPEN_MS(sa->eng));
	ikev1_send(sa, msg, 1);
	msg = NULL;
	goto out;
internal:
	qm_fail(sa, ST_IPF_INTERNAL, 0, "cannot build message 2");
out:
	dh_free(dh);
	buf_free(gxr);
	buf_free(chain);
	buf_free(msg);
	free(peer);
	free(ours);
	free(theirs);
}

/* The live pair a new one for the same selectors replaces, under this
 * ISAKMP SA or another with the same connection and peer (an older or
 * expired one): moved under this one. NULL if none. */
static struct ikev1_child *
qm_predecessor(struct isakmp_sa *sa, const struct ikev1_child *ch)
{
	struct isakmp_sa *o;
	struct ikev1_child **pp, *p;
	struct st_child *st;

	for (o = sa->eng->sas; o; o = o->next) {
		if (o != sa && (o->conn != sa->conn || (o->phase != IKEV1_UP &&
		    o->phase != IKEV1_EXPIRED) ||
		    addr_cmp(&o->remote, &sa->remote) != 0))
			continue;
		for (pp = &o->children; (p = *pp) != NULL; pp = &p->next) {
			if (p->rekeyed || !ikev2_ts_same(&p->ts_l, 1, &ch->ts_l,
			    1) || !ikev2_ts_same(&p->ts_r, 1, &ch->ts_r, 1))
				continue;
			if (o != sa) {
				*pp = p->next;
				p->next = sa->children;
				sa->children = p;
				if ((st = st_child_get(p->st_index)) != NULL)
					st_child_reparent(st, sa->st_index);
				if (o->phase == IKEV1_EXPIRED &&
				    o->children == NULL)
					ikev1_sa_free(o);
			}
			return p;
		}
	}
	return NULL;
}

/* Both roles, the exchange done: KEYMAT, both SAs and the policies into
 * the kernel, the child row. */
#define QM_KEYS_MAX	(2 * CRYPTO_MAX_PRF_LEN)

/* The child's KEYMAT both ways (RFC 2409 5.5): kin/kout receive the
 * encryption key then the integrity key, *ek and *ik their lengths.
 * 0 / -1. */
static int
qm_keymat(struct isakmp_sa *sa, const struct ikev1_child *ch, uint8_t *kin,
    uint8_t *kout, size_t *ek, size_t *ik)
{
	const uint8_t *gxy = sa->qm.gxy_len ? sa->qm.gxy : NULL;

	*ek = crypto_encr_keylen(sa->qm.algs.encr, sa->qm.algs.encr_keylen);
	*ik = crypto_integ_keylen(sa->qm.algs.integ);
	if (*ek + *ik > QM_KEYS_MAX ||
	    ikev1_keymat(&sa->k, gxy, sa->qm.gxy_len, IKEV1_PROTO_ESP,
	    ch->spi_in, sa->qm.ni, sa->qm.ni_len, sa->qm.nr, sa->qm.nr_len,
	    kin, *ek + *ik) == -1 ||
	    ikev1_keymat(&sa->k, gxy, sa->qm.gxy_len, IKEV1_PROTO_ESP,
	    ch->spi_out, sa->qm.ni, sa->qm.ni_len, sa->qm.nr,
	    sa->qm.nr_len, kout, *ek + *ik) == -1)
		return -1;
	return 0;
}

/* Responder, as message 2 leaves: the new inbound SA goes in now. The
 * initiator sends on the new pair once it has message 2, and its first
 * packets may reach the kernel before message 3 reaches us (during a
 * rekey under traffic they did, and were dropped). qm_install takes the
 * SA over at message 3; a Quick Mode that ends before releases its SPI,
 * and the SA with it. The initiator likewise before message 3 leaves
 * (qm_reply). 0 / -1. */
static int
qm_install_in(struct isakmp_sa *sa)
{
	struct ike_env *env = &sa->eng->env;
	struct ikev1_child *ch = sa->qm.ch;
	struct ike_child_sa d;
	uint8_t kin[QM_KEYS_MAX], kout[QM_KEYS_MAX];
	size_t ek, ik;
	int rc = -1;

	if (env->install_in == NULL)
		return 0;
	if (qm_keymat(sa, ch, kin, kout, &ek, &ik) == 0) {
		ch->algs = sa->qm.algs;
		ikev1_child_desc(sa, ch, &d);
		d.encr_in = kin;
		d.integ_in = kin + ek;
		d.encr_len = ek;
		d.integ_len = ik;
		d.life.hard_sec = sa->qm.life_sec;
		d.life.hard_bytes = sa->qm.life_kb * 1024;
		rc = env->install_in(env->arg, &d);
	}
	wipe(kin, sizeof(kin));
	wipe(kout, sizeof(kout));
	return rc;
}

static void
qm_install(struct isakmp_sa *sa)
{
	const struct cfg_conn *c = sa->conn;
	struct ike_env *env = &sa->eng->env;
	struct ikev1_child *ch = sa->qm.ch, *pred;
	struct ike_child_sa d;
	struct st_child *st;
	uint8_t kin[QM_KEYS_MAX], kout[QM_KEYS_MAX];
	size_t ek, ik;

	if (qm_keymat(sa, ch, kin, kout, &ek, &ik) == -1) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "KEYMAT derivation failed");
		goto out;
	}
	/* a new pair for the selectors of a live one is a rekey (either
	 * side's): it continues that tunnel's row, index and counters */
	if ((pred = qm_predecessor(sa, ch)) != NULL &&
	    (st = st_child_get(pred->st_index)) != NULL)
		ch->reqid = pred->reqid;
	else if ((st = st_child_new(sa->st_index, c->name)) == NULL) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "no state row for the child");
		goto out;
	} else
		pred = NULL;
	ch->st_index = st->index;
	ch->initiator = sa->qm.initiator;
	ch->algs = sa->qm.algs;
	ikev1_child_desc(sa, ch, &d);
	d.encr_in = kin;
	d.integ_in = kin + ek;
	d.encr_out = kout;
	d.integ_out = kout + ek;
	d.encr_len = ek;
	d.integ_len = ik;
	/* our rekey: the new outbound SA waits for the grace */
	if (pred && ch->initiator && env->install_out) {
		if ((ch->out_keys = buf_new_secret(ek + ik)) == NULL ||
		    buf_put(ch->out_keys, kout, ek + ik) == -1) {
			qm_fail(sa, ST_IPF_INTERNAL, 0, "out of memory");
			goto out;
		}
		d.in_only = 1;
	}
	if (ch->initiator) {
		/* ours to rekey, rekeymargin (less up to rekeyfuzz percent
		 * of it) before the end the responder agreed to */
		ike_child_lifetimes(c, &d.life);
		d.life.hard_sec = sa->qm.life_sec;
		d.life.hard_bytes = sa->qm.life_kb * 1024;
		d.life.soft_sec = ikev1_rekey_after(c, sa->qm.life_sec);
		d.life.soft_bytes = ikev1_rekey_bytes(c, d.life.hard_bytes);
	} else {
		/* the initiator rekeys (strongSwan, IOS); we only enforce
		 * the end */
		d.life.hard_sec = sa->qm.life_sec;
		d.life.hard_bytes = sa->qm.life_kb * 1024;
	}
	d.nts_local = d.nts_remote = 1;
	d.ts_local = &ch->ts_l;
	d.ts_remote = &ch->ts_r;
	ch->life = d.life;
	if (env->install_child(env->arg, &d) == -1) {
		buf_free(ch->out_keys);
		ch->out_keys = NULL;
		if (pred == NULL)
			st_child_end(st->index, ST_TERM_LOCAL_FAIL);
		ch->st_index = 0;
		qm_fail(sa, ST_IPF_SYSCAP, 0, "the kernel refused the SAs");
		goto out;
	}
	st->transport = d.transport;
	st->encap = d.encap;
	st->reqid = ch->reqid;
	st->algs = sa->qm.algs;
	st->default_xform = ikev1_transform_default_used(c, &sa->qm.algs);
	st->life_sec = sa->qm.life_sec;
	st->life_kb = (uint32_t)sa->qm.life_kb;
	st->rekey_sec = (uint32_t)d.life.soft_sec;
	st->rekey_kb = (uint32_t)(d.life.soft_bytes / 1024);
	st->nts_local = st->nts_remote = 1;
	ikev2_ts_to_st(&ch->ts_l, &st->ts_local[0]);
	ikev2_ts_to_st(&ch->ts_r, &st->ts_remote[0]);
	st_child_add_sa(st, ST_SA_IN, ch->spi_in, IPPROTO_ESP);
	st_child_add_sa(st, ST_SA_OUT, ch->spi_out, IPPROTO_ESP);
	ch->next = sa->children;
	sa->children = ch;
	sa->qm.ch = NULL;
	log_info("IKEv1:(SA ID = %u):IPsec SA %s, SPI in 0x%08x out "
	    "0x%08x, reqid %u", sa->st_index, pred ? "rekeyed" : "installed",
	    ch->spi_in, ch->spi_out, ch->reqid);
	ikev1_qm_clear(sa);
	if (pred) {
		pred->rekeyed = 1;
		/* our rekey: the old pair goes after the grace (the peer's:
		 * when it deletes it, or it expires); a pair of ours the
		 * peer rekeyed (crossing rekeys, or its shorter lifetime):
		 * ours to delete too, strongSwan keeping a rekeyed IKEv1
		 * pair until it expires */
		if (ch->initiator || pred->initiator) {
			pred->drop = 1;
			ikev1_rekey_grace(sa);
		}
	}
out:
	wipe(kin, sizeof(kin));
	wipe(kout, sizeof(kout));
}

/* Message 3: HASH(3) -> install. */
static void
qm_finish(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	struct ikev1_data hash;

	if (qm_open(sa, m, sa->qm.iv, &hash) == -1)
		return;
	if (ikev1_hash_qm_verify(&sa->k, 3, m->hdr.msgid, sa->qm.ni,
	    sa->qm.ni_len, sa->qm.nr, sa->qm.nr_len, NULL, 0,
	    hash.data) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode HASH(3) does not verify");
		return;
	}
	ikev1_natt_follow(sa);
	loop_timer_stop(sa->timer);
	ikev1_sa_last_in_final(sa, m);	/* message 3 has no answer */
	qm_install(sa);
}

/* ---- initiator ---- */

static uint16_t
esp_auth_from(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_MD5_96:		return IKEV1_AUTH_HMAC_MD5;
	case IKEV2_INTEG_HMAC_SHA1_96:		return IKEV1_AUTH_HMAC_SHA1;
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return IKEV1_AUTH_HMAC_SHA2_256;
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return IKEV1_AUTH_HMAC_SHA2_384;
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return IKEV1_AUTH_HMAC_SHA2_512;
	}
	return 0;
}

/* Our phase-2 offer from esp=: one ESP proposal with our SPI, each
 * encryption x integrity a transform, with the connection's lifetimes,
 * mode (encap: plain or UDP-encapsulated) and (PFS) the first group
 * configured. *group receives it (0 = no PFS). 0 / -1. */
static int
qm_offer(const struct cfg_conn *c, const uint8_t *spi, struct ikev1_sa *sa,
    struct buf *attrs, uint16_t *group, uint16_t encap)
{
	struct ikev2_prop_list *ours = calloc(1, sizeof(*ours));
	size_t off[IKEV1_MAX_XFORMS], n = 0, i;
	int p, x, y;

	memset(sa, 0, sizeof(*sa));
	*group = 0;
	if (ours == NULL || ikev1_esp_proposals(c, ours) == -1) {
		free(ours);
		return -1;
	}
	for (p = 0; p < ours->n && *group == 0; p++)
		for (x = 0; x < ours->p[p].nxf; x++)
			if (ours->p[p].xf[x].type == IKEV2_XFORM_DH &&
			    ours->p[p].xf[x].id != 0) {
				*group = ours->p[p].xf[x].id;
				break;
			}
	for (p = 0; p < ours->n; p++) {
		const struct ikev2_prop *pr = &ours->p[p];

		for (x = 0; x < pr->nxf; x++)
		for (y = 0; y < pr->nxf; y++) {
			uint16_t auth = esp_auth_from(pr->xf[y].id);
			uint8_t id = pr->xf[x].id == IKEV2_ENCR_AES_CBC ?
			    IKEV1_ESP_AES : pr->xf[x].id == IKEV2_ENCR_3DES ?
			    IKEV1_ESP_3DES : 0;

			if (pr->xf[x].type != IKEV2_XFORM_ENCR ||
			    pr->xf[y].type != IKEV2_XFORM_INTEG ||
			    auth == 0 || id == 0 || n == IKEV1_MAX_XFORMS)
				continue;
			off[n] = attrs->len;
			ikev1_attr_put(attrs, IKEV1_A2_LIFE_TYPE,
			    IKEV1_LIFE_SECONDS, 0);
			ikev1_attr_put(attrs, IKEV1_A2_LIFE_DURATION, c->keylife,
			    1);
			if (c->lifebytes / 1024 > 0 &&
			    c->lifebytes / 1024 <= UINT32_MAX) {
				ikev1_attr_put(attrs, IKEV1_A2_LIFE_TYPE,
				    IKEV1_LIFE_KILOBYTES, 0);
				ikev1_attr_put(attrs, IKEV1_A2_LIFE_DURATION,
				    (uint32_t)(c->lifebytes / 1024), 1);
			}
			if (*group)
				ikev1_attr_put(attrs, IKEV1_A2_GROUP, *group, 0);
			ikev1_attr_put(attrs, IKEV1_A2_ENCAP, encap, 0);
			ikev1_attr_put(attrs, IKEV1_A2_AUTH, auth, 0);
			if (id == IKEV1_ESP_AES)
				ikev1_attr_put(attrs, IKEV1_A2_KEY_LENGTH,
				    pr->xf[x].keylen ? pr->xf[x].keylen : 128,
				    0);
			sa->prop[0].xf[n].num = (uint8_t)(n + 1);
			sa->prop[0].xf[n].id = id;
			n++;
		}
	}
	free(ours);
	sa->doi = IKEV1_DOI_IPSEC;
	sa->situation = IKEV1_SIT_IDENTITY_ONLY;
	sa->nprop = 1;
	sa->prop[0].num = 1;
	sa->prop[0].proto = IKEV1_PROTO_ESP;
	sa->prop[0].spi_size = 4;
	sa->prop[0].spi = spi;
	sa->prop[0].nxf = n;
	for (i = 0; i < n; i++) {
		sa->prop[0].xf[i].attrs = attrs->data + off[i];
		sa->prop[0].xf[i].attrs_len = (i + 1 < n ? off[i + 1] :
		    attrs->len) - off[i];
	}
	return n && !attrs->failed ? 0 : -1;
}

static void
spi_bytes(uint32_t spi, uint8_t *b)
{
	b[0] = (uint8_t)(spi >> 24);
	b[1] = (uint8_t)(spi >> 16);
	b[2] = (uint8_t)(spi >> 8);
	b[3] = (uint8_t)spi;
}

int
ikev1_qm_start(struct isakmp_sa *sa)
{
	const struct cfg_conn *c = sa->conn;
	struct ike_env *env = &sa->eng->env;
	struct ikev2_ts ts_l[CFG_MAX_TS], ts_r[CFG_MAX_TS];
	struct ikev1_sa *offer = NULL;
	struct ikev1_child *ch;
	struct buf *attrs = NULL, *chain = NULL, *msg = NULL, *gxi = NULL;
	uint8_t spi[4], idb[2][4 + 32];
	struct ikev1_data ids[2];
	uint16_t group;
	uint32_t msgid = 0;
	char peer[ADDR_STRLEN + 8];

	ikev1_qm_clear(sa);
	if (ikev2_ts_from_end(&c->left, &sa->local, ts_l, CFG_MAX_TS) == 0 ||
	    ikev2_ts_from_end(&c->right, &sa->remote, ts_r, CFG_MAX_TS) == 0)
		return -1;
	while (msgid == 0)
		if (crypto_random(&msgid, sizeof(msgid)) == -1)
			return -1;
	if ((sa->qm.ch = ch = calloc(1, sizeof(*ch))) == NULL)
		goto internal;
	sa->qm.msgid = msgid;
	sa->qm.initiator = 1;
	/* one pair of selectors per Quick Mode: the first subnets */
	ch->ts_l = ts_l[0];
	ch->ts_r = ts_r[0];
	ch->reqid = c->reqid ? c->reqid : sa->eng->next_reqid++;
	if (env->alloc_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP,
	    ch->reqid, &ch->spi_in) == -1) {
		ch->spi_in = 0;
		qm_fail(sa, ST_IPF_SYSCAP, 0, "no SPI from the kernel");
		return -1;
	}
	spi_bytes(ch->spi_in, spi);
	offer = calloc(1, sizeof(*offer));
	attrs = buf_new(256);
	chain = buf_new_secret(1024);
	msg = buf_new(1024);
	if (offer == NULL || attrs == NULL || chain == NULL || msg == NULL ||
	    ikev1_iv_exchange(&sa->k, msgid, sa->qm.iv) == -1)
		goto internal;
	if (qm_offer(c, spi, offer, attrs, &group, ikev1_natt_encap(sa,
	    c->mode == CFG_MODE_TRANSPORT)) == -1) {
		qm_fail(sa, ST_IPF_PROPOSAL, 0, "no ESP transform to offer "
		    "from esp=");
		goto out;
	}
	sa->qm.algs.dh = group;
	sa->qm.ni_len = IKEV1_NONCE_LEN;
	if (crypto_random(sa->qm.ni, sa->qm.ni_len) == -1)
		goto internal;
	if (group && qm_pfs_keypair(group, &sa->qm.dh, &gxi) == -1)
		goto internal;
	ids[0] = (struct ikev1_data){ idb[0], ts_to_idb(&ch->ts_l, idb[0]) };
	ids[1] = (struct ikev1_data){ idb[1], ts_to_idb(&ch->ts_r, idb[1]) };
	if (qm_seal_offer(sa, offer, gxi, ids, chain, msg) == -1)
		goto internal;
	log_info("IKEv1:%s: initiating Quick Mode 0x%08x with %s, SPI 0x%08x",
	    c->name, msgid, ikev1_sa_peer(sa, peer, sizeof(peer)), ch->spi_in);
	ikev1_send_request(sa, msg);
	msg = NULL;
	buf_free(attrs);
	buf_free(chain);
	buf_free(gxi);
	free(offer);
	return 0;
internal:
	qm_fail(sa, ST_IPF_INTERNAL, 0, "cannot build Quick Mode message 1");
out:
	buf_free(attrs);
	buf_free(chain);
	buf_free(msg);
	buf_free(gxi);
	free(offer);
	return -1;
}

/* Message 2: HASH(2), the responder's transform and SPI, Nr [, KE]
 * [, IDs] -> the inbound SA, message 3, then the rest. */
static void
qm_reply(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct cfg_conn *c = sa->conn;
	struct ikev1_sa *reply = NULL;
	struct ikev2_prop_list *ours = NULL, *theirs = NULL;
	const struct ikev1_pl *pl;
	struct ikev1_data hash, nonce;
	struct ikev2_prop chosen;
	struct ike_perr err;
	struct ike_builder cb;
	struct p2_suite s;
	struct buf *chain = NULL, *msg = NULL;
	uint8_t want[CRYPTO_MAX_PRF_LEN], iv[CRYPTO_MAX_BLOCK];
	const uint8_t *rest;
	size_t rest_len;
	const struct ikev1_prop *pr;

	memcpy(iv, sa->qm.iv, sizeof(iv));
	if (qm_open(sa, m, iv, &hash) == -1)
		return;
	rest = ikev1_msg_after(m, &m->pl[0], &rest_len);
	if (ikev1_hash_qm_verify(&sa->k, 2, m->hdr.msgid, sa->qm.ni,
	    sa->qm.ni_len, NULL, 0, rest, rest_len, hash.data) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode HASH(2) does not verify");
		return;
	}
	ikev1_natt_follow(sa);
	memcpy(sa->qm.iv, iv, sizeof(iv));
	ikev1_rtx_stop(sa);
	ikev1_sa_last_in(sa, m);
	if ((reply = calloc(1, sizeof(*reply))) == NULL ||
	    (ours = calloc(1, sizeof(*ours))) == NULL ||
	    (theirs = calloc(1, sizeof(*theirs))) == NULL) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "out of memory");
		goto out;
	}
	if ((pl = ikev1_msg_get(m, IKEV1_PL_SA, 0)) == NULL ||
	    ikev1_pl_sa(pl, reply, &err) == -1 || reply->nprop != 1 ||
	    reply->prop[0].proto != IKEV1_PROTO_ESP ||
	    reply->prop[0].spi_size != 4 || reply->prop[0].nxf != 1 ||
	    (pl = ikev1_msg_get(m, IKEV1_PL_NONCE, 0)) == NULL ||
	    ikev1_pl_nonce(pl, &nonce, &err) == -1 ||
	    nonce.len > sizeof(sa->qm.nr)) {
		qm_fail(sa, ST_IPF_ENCODING, IKEV1_N_PAYLOAD_MALFORMED,
		    "message 2 without one ESP transform and a nonce");
		goto out;
	}
	pr = &reply->prop[0];
	/* the answer must be one of our transforms, as the responder
	 * would choose it */
	p2_theirs(pr, theirs);
	p2_suite(&pr->xf[0], &s);
	if (theirs->n != 1 ||
	    ikev2_prop_from_cfg(&c->esp, IKEV2_PROTO_ESP, ours) == -1 ||
	    ikev2_prop_select(ours, theirs, IKEV2_PROTO_ESP, &chosen) == -1 ||
	    s.group != sa->qm.algs.dh ||
	    ikev1_natt_transport(s.encap) !=
	    (c->mode == CFG_MODE_TRANSPORT)) {
		qm_fail(sa, ST_IPF_PROPOSAL, IKEV1_N_NO_PROPOSAL_CHOSEN,
		    "the responder chose an ESP transform we did not offer");
		goto out;
	}
	qm_take(sa, pr, &s);
	memcpy(sa->qm.nr, nonce.data, nonce.len);
	sa->qm.nr_len = nonce.len;
	if (sa->qm.dh && qm_pfs(sa, sa->qm.dh, m) == -1)
		goto out;

	/* message 3 */
	if ((chain = buf_new_secret(128)) == NULL ||
	    (msg = buf_new(128)) == NULL ||
	    ikev1_hash_qm(&sa->k, 3, m->hdr.msgid, sa->qm.ni, sa->qm.ni_len,
	    sa->qm.nr, sa->qm.nr_len, NULL, 0, want) == -1) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "cannot build message 3");
		goto out;
	}
	ike_build_chain(&cb, chain);
	if (ikev1_build_raw(&cb, IKEV1_PL_HASH, want, sa->k.prf_len) < 0 ||
	    ikev1_seal(sa, IKEV1_EXCH_QUICK, m->hdr.msgid, &cb, sa->qm.iv,
	    msg) == -1) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "cannot build message 3");
		goto out;
	}
	/* the new inbound SA goes in before message 3 leaves: the peer
	 * sends on the pair as soon as it has message 3, and a packet
	 * reaching our kernel first would be lost. The rest (outbound SA,
	 * policies, up scripts, whose run holds what we send the peer)
	 * after it. */
	if (qm_install_in(sa) == -1) {
		qm_fail(sa, ST_IPF_SYSCAP, 0,
		    "the kernel refused the inbound SA");
		buf_free(sa->last_out);
		sa->last_out = NULL;
		goto out;
	}
	/* kept as the answer to message 2: sent again if it comes again */
	ikev1_send(sa, msg, 1);
	msg = NULL;
	qm_install(sa);
out:
	buf_free(chain);
	buf_free(msg);
	free(reply);
	free(ours);
	free(theirs);
	wipe(want, sizeof(want));
}

void
ikev1_qm_input(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	if (!(m->hdr.flags & IKEV1_FLAG_ENC)) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode message not encrypted");
		return;
	}
	if (sa->qm.msgid == m->hdr.msgid && sa->qm.ch && sa->qm.initiator)
		qm_reply(sa, m);
	else if (sa->qm.msgid == m->hdr.msgid && sa->qm.ch)
		qm_finish(sa, m);
	else if (sa->qm_lost_msgid && sa->qm_lost_msgid == m->hdr.msgid)
		qm_lost(sa);
	else
		qm_request(sa, m);
}
