/* Quick Mode, responder side (RFC 2409 §5.5):
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
	struct ikev1_perr err;
	struct buf *plain = buf_new_secret(m->raw->len);

	if (plain == NULL || ikev1_decrypt(&sa->k, iv, m->raw->data +
	    IKEV1_HDR_LEN, m->raw->len - IKEV1_HDR_LEN, plain) == -1) {
		buf_free(plain);
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode message does not decrypt");
		return -1;
	}
	if (ikev1_msg_set_plain(m, plain, &err) == -1 || m->n == 0 ||
	    m->pl[0].type != IKEV1_PL_HASH ||
	    ikev1_pl_data(&m->pl[0], hash, &err) == -1 ||
	    hash->len != sa->k.prf_len) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode message without a valid HASH");
		return -1;
	}
	return 0;
}

static void
qm_fail(struct isakmp_sa *sa, enum st_ipsec_fail reason, uint16_t notify,
    const char *detail)
{
	char peer[ADDR_STRLEN + 8];
	struct st_ike *st = st_ike_get(sa->st_index);

	log_notice("IKEv1:%s: Quick Mode with %s failed: %s", sa->conn->name,
	    ikev1_sa_peer(sa, peer, sizeof(peer)), detail);
	st_ipsec_fail(reason, 0, sa->qm.ch ? sa->qm.ch->spi_in : 0,
	    &sa->remote, &sa->local, detail);
	if (st)
		st->c.in_p2_exchg_reject++;
	if (notify)
		ikev1_notify_send(sa, notify);
	ikev1_qm_clear(sa);
}

/* Message 1: choose, answer with message 2. */
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
	struct ikev1_data hash, nonce, ke;
	struct ikev2_prop chosen;
	struct ikev1_perr err;
	struct ikev1_builder cb;
	struct ikev1_id id;
	struct p2_suite s;
	struct ikev1_child *ch;
	struct buf *chain = NULL, *msg = NULL, *gxr = NULL, *gxy = NULL;
	struct dh *dh = NULL;
	uint8_t want[CRYPTO_MAX_PRF_LEN], spi[4];
	const uint8_t *rest;
	size_t rest_len, nl, nr_, i;
	long hoff;
	struct st_ike *st = st_ike_get(sa->st_index);

	ikev1_qm_clear(sa);
	sa->qm.msgid = m->hdr.msgid;
	if (ikev1_iv_exchange(&sa->k, m->hdr.msgid, sa->qm.iv) == -1 ||
	    qm_open(sa, m, sa->qm.iv, &hash) == -1) {
		sa->qm.msgid = 0;
		return;
	}
	rest = ikev1_msg_after(m, &m->pl[0], &rest_len);
	if (ikev1_hash_qm(&sa->k, 1, m->hdr.msgid, NULL, 0, NULL, 0, rest,
	    rest_len, want) == -1 ||
	    ct_memcmp(want, hash.data, sa->k.prf_len) != 0) {
		sa->qm.msgid = 0;
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode HASH(1) does not verify");
		return;
	}
	if (st) {
		st->c.in_p2_exchg++;
		st_ike_global_w()->c.in_p2_exchg++;
	}
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
	if ((s.encap == IKEV1_ENCAP_TRANSPORT) !=
	    (c->mode == CFG_MODE_TRANSPORT)) {
		qm_fail(sa, ST_IPF_PROPOSAL, IKEV1_N_NO_PROPOSAL_CHOSEN,
		    "encapsulation mode differs from the connection's");
		goto out;
	}
	ch->spi_out = (uint32_t)pr->spi[0] << 24 | (uint32_t)pr->spi[1] << 16 |
	    (uint32_t)pr->spi[2] << 8 | pr->spi[3];
	sa->qm.algs.encr = s.encr;
	sa->qm.algs.encr_keylen = s.keylen;
	sa->qm.algs.integ = s.integ;
	sa->qm.algs.dh = s.group;
	sa->qm.life_sec = s.life_sec && s.life_sec < c->keylife ? s.life_sec :
	    c->keylife;
	sa->qm.life_kb = s.life_kb;

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
		if ((pl = ikev1_msg_get(m, IKEV1_PL_KE, 0)) == NULL ||
		    ikev1_pl_ke(pl, &ke, &err) == -1) {
			qm_fail(sa, ST_IPF_ENCODING, IKEV1_N_PAYLOAD_MALFORMED,
			    "PFS group without KE");
			goto out;
		}
		gxy = buf_new_secret(CRYPTO_MAX_DH_PUB);
		gxr = buf_new(CRYPTO_MAX_DH_PUB);
		if (gxy == NULL || gxr == NULL ||
		    (dh = dh_new(s.group)) == NULL ||
		    dh_public(dh, gxr) == -1 ||
		    dh_derive(dh, ke.data, ke.len, gxy) == -1 ||
		    gxy->len > sizeof(sa->qm.gxy)) {
			qm_fail(sa, ST_IPF_PROPOSAL,
			    IKEV1_N_INVALID_KEY_INFORMATION,
			    "PFS key exchange failed");
			goto out;
		}
		memcpy(sa->qm.gxy, gxy->data, gxy->len);
		sa->qm.gxy_len = gxy->len;
	}

	if (env->alloc_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP,
	    ch->reqid, &ch->spi_in) == -1) {
		ch->spi_in = 0;
		qm_fail(sa, ST_IPF_SYSCAP, IKEV1_N_NO_PROPOSAL_CHOSEN,
		    "no SPI from the kernel");
		goto out;
	}
	if (crypto_random(sa->qm.nr, sizeof(sa->qm.nr)) == -1)
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
	ikev1_build_chain(&cb, chain);
	memset(want, 0, sizeof(want));
	hoff = ikev1_build_raw(&cb, IKEV1_PL_HASH, want, sa->k.prf_len);
	if (hoff < 0 || ikev1_build_sa(&cb, &reply) == -1 ||
	    ikev1_build_raw(&cb, IKEV1_PL_NONCE, sa->qm.nr,
	    sizeof(sa->qm.nr)) < 0 ||
	    (gxr && ikev1_build_raw(&cb, IKEV1_PL_KE, gxr->data,
	    gxr->len) < 0) ||
	    (idp[0] && (ikev1_build_raw(&cb, IKEV1_PL_ID, idp[0]->body,
	    idp[0]->len) < 0 || ikev1_build_raw(&cb, IKEV1_PL_ID,
	    idp[1]->body, idp[1]->len) < 0)) ||
	    ikev1_build_finish(&cb) == -1)
		goto internal;
	rest = chain->data + hoff + IKEV1_PL_HDR_LEN + sa->k.prf_len;
	rest_len = chain->len - (size_t)(rest - chain->data);
	if (ikev1_hash_qm(&sa->k, 2, m->hdr.msgid, sa->qm.ni, sa->qm.ni_len,
	    NULL, 0, rest, rest_len, want) == -1)
		goto internal;
	memcpy(chain->data + hoff + IKEV1_PL_HDR_LEN, want, sa->k.prf_len);
	if (ikev1_seal(sa, IKEV1_EXCH_QUICK, m->hdr.msgid, &cb, sa->qm.iv,
	    msg) == -1)
		goto internal;
	(void)ts_to_idb;
	loop_timer_set(sa->timer, IKEV1_HALF_OPEN_MS(sa->eng));
	ikev1_send(sa, msg, 1);
	msg = NULL;
	goto out;
internal:
	qm_fail(sa, ST_IPF_INTERNAL, 0, "cannot build message 2");
out:
	dh_free(dh);
	buf_free(gxy);
	buf_free(gxr);
	buf_free(chain);
	buf_free(msg);
	free(peer);
	free(ours);
	free(theirs);
}

/* Message 3: HASH(3) -> install. */
static void
qm_finish(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	const struct cfg_conn *c = sa->conn;
	struct ike_env *env = &sa->eng->env;
	struct ikev1_child *ch = sa->qm.ch;
	struct ikev1_data hash;
	struct ike_child_sa d;
	struct st_child *st;
	uint8_t want[CRYPTO_MAX_PRF_LEN];
	uint8_t kin[2 * CRYPTO_MAX_PRF_LEN], kout[2 * CRYPTO_MAX_PRF_LEN];
	size_t ek, ik;
	const uint8_t *gxy = sa->qm.gxy_len ? sa->qm.gxy : NULL;

	if (qm_open(sa, m, sa->qm.iv, &hash) == -1)
		return;
	if (ikev1_hash_qm(&sa->k, 3, m->hdr.msgid, sa->qm.ni, sa->qm.ni_len,
	    sa->qm.nr, sizeof(sa->qm.nr), NULL, 0, want) == -1 ||
	    ct_memcmp(want, hash.data, sa->k.prf_len) != 0) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode HASH(3) does not verify");
		return;
	}
	loop_timer_stop(sa->timer);
	ikev1_sa_last_in(sa, m);
	buf_free(sa->last_out);
	sa->last_out = NULL;	/* message 3 has no answer */
	ek = crypto_encr_keylen(sa->qm.algs.encr, sa->qm.algs.encr_keylen);
	ik = crypto_integ_keylen(sa->qm.algs.integ);
	if (ek + ik > sizeof(kin) ||
	    ikev1_keymat(&sa->k, gxy, sa->qm.gxy_len, IKEV1_PROTO_ESP,
	    ch->spi_in, sa->qm.ni, sa->qm.ni_len, sa->qm.nr, sizeof(sa->qm.nr),
	    kin, ek + ik) == -1 ||
	    ikev1_keymat(&sa->k, gxy, sa->qm.gxy_len, IKEV1_PROTO_ESP,
	    ch->spi_out, sa->qm.ni, sa->qm.ni_len, sa->qm.nr,
	    sizeof(sa->qm.nr), kout, ek + ik) == -1) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "KEYMAT derivation failed");
		goto out;
	}
	if ((st = st_child_new(sa->st_index, c->name)) == NULL) {
		qm_fail(sa, ST_IPF_INTERNAL, 0, "no state row for the child");
		goto out;
	}
	ch->st_index = st->index;
	memset(&d, 0, sizeof(d));
	d.conn = c->name;
	d.child_index = st->index;
	d.local = sa->local;
	d.remote = sa->remote;
	d.local_port = sa->lport;
	d.remote_port = sa->rport;
	d.proto = IPPROTO_ESP;
	d.transport = c->mode == CFG_MODE_TRANSPORT;
	d.reqid = ch->reqid;
	d.spi_in = ch->spi_in;
	d.spi_out = ch->spi_out;
	d.encr = sa->qm.algs.encr;
	d.encr_keylen = sa->qm.algs.encr_keylen;
	d.integ = sa->qm.algs.integ;
	d.encr_in = kin;
	d.integ_in = kin + ek;
	d.encr_out = kout;
	d.integ_out = kout + ek;
	d.encr_len = ek;
	d.integ_len = ik;
	/* the initiator rekeys (strongSwan, IOS); we only enforce the end */
	d.life.hard_sec = sa->qm.life_sec;
	d.life.hard_bytes = sa->qm.life_kb * 1024;
	d.nts_local = d.nts_remote = 1;
	d.ts_local = &ch->ts_l;
	d.ts_remote = &ch->ts_r;
	if (env->install_child(env->arg, &d) == -1) {
		st_child_end(st->index, ST_TERM_LOCAL_FAIL);
		ch->st_index = 0;
		qm_fail(sa, ST_IPF_SYSCAP, 0, "the kernel refused the SAs");
		goto out;
	}
	st->transport = d.transport;
	st->reqid = ch->reqid;
	st->algs = sa->qm.algs;
	st->default_xform = ikev1_transform_default_used(c, &sa->qm.algs);
	st->life_sec = sa->qm.life_sec;
	st->life_kb = (uint32_t)sa->qm.life_kb;
	st->nts_local = st->nts_remote = 1;
	ikev2_ts_to_st(&ch->ts_l, &st->ts_local[0]);
	ikev2_ts_to_st(&ch->ts_r, &st->ts_remote[0]);
	st_child_add_sa(st, ST_SA_IN, ch->spi_in, IPPROTO_ESP);
	st_child_add_sa(st, ST_SA_OUT, ch->spi_out, IPPROTO_ESP);
	ch->next = sa->children;
	sa->children = ch;
	sa->qm.ch = NULL;
	log_info("IKEv1:(SA ID = %u):IPsec SA installed, SPI in 0x%08x out "
	    "0x%08x, reqid %u", sa->st_index, ch->spi_in, ch->spi_out,
	    ch->reqid);
	ikev1_qm_clear(sa);
out:
	wipe(kin, sizeof(kin));
	wipe(kout, sizeof(kout));
}

void
ikev1_qm_input(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	if (!(m->hdr.flags & IKEV1_FLAG_ENC)) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Quick Mode message not encrypted");
		return;
	}
	if (sa->qm.msgid == m->hdr.msgid && sa->qm.ch)
		qm_finish(sa, m);
	else
		qm_request(sa, m);
}
