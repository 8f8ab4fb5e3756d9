/* IKEv1 SAs below the exchanges: the SA objects, their ends and failure
 * records, sending with the answer kept for duplicates, sealing encrypted
 * messages, Informationals protected by HASH(1), and removal of IPsec
 * SAs. Main Mode, Quick Mode and the entry layer call here; nothing here
 * calls them. */
#include "config.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"

const char *
ikev1_sa_peer(const struct isakmp_sa *sa, char *dst, size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(dst, len, "%s[%u]", addr_str(&sa->remote, a, sizeof(a)),
	    sa->rport);
	return dst;
}

void
ikev1_drop(struct ikev1_engine *e, const struct ifl_addr *src, uint16_t sport,
    const char *why)
{
	char a[ADDR_STRLEN];
	uint64_t now = loop_now_ms();

	e->st.drops++;
	st_ike_global_w()->c.in_drops++;
	/* one line per 10 s: a flood must not flood the log */
	if (e->last_drop_log && now - e->last_drop_log < 10000)
		return;
	e->last_drop_log = now;
	log_notice("IKEv1: dropped a message from %s[%u]: %s",
	    addr_str(src, a, sizeof(a)), sport, why);
}

/* ---- SAs ---- */

static void
sa_timeout(void *arg)
{
	struct isakmp_sa *sa = arg;

	if (sa->phase == IKEV1_UP) {
		/* a Quick Mode the peer did not finish */
		if (sa->qm.msgid) {
			char peer[ADDR_STRLEN + 8];

			log_notice("IKEv1:%s: Quick Mode 0x%08x with %s timed "
			    "out", sa->conn->name, sa->qm.msgid,
			    ikev1_sa_peer(sa, peer, sizeof(peer)));
			st_ipsec_fail(ST_IPF_PEER_LOST, 0,
			    sa->qm.ch ? sa->qm.ch->spi_in : 0, &sa->remote,
			    &sa->local, "Quick Mode timed out");
			ikev1_qm_clear(sa);
		}
		return;
	}
	ikev1_sa_fail(sa, ST_IKEF_PEER_LOST, "%s not completed within %u s",
	    sa->aggressive ? "Aggressive Mode" : "Main Mode",
	    (unsigned)(IKEV1_HALF_OPEN_MS(sa->eng) / 1000));
	/* no datagram may come to reap it: free it now (the loop is done
	 * with a timer once it calls it) */
	ikev1_sa_free(sa);
}

/* Our request went unanswered: again, or after retrans_tries resends
 * the peer is silent (Main Mode: the SA fails; Quick Mode: the exchange
 * does, the ISAKMP SA stays). */
static void
rtx_fire(void *arg)
{
	struct isakmp_sa *sa = arg;
	struct ikev1_engine *e = sa->eng;
	char peer[ADDR_STRLEN + 8];

	if (sa->last_out == NULL || sa->phase == IKEV1_DEAD)
		return;
	ikev1_sa_peer(sa, peer, sizeof(peer));
	if (sa->rtx_tries >= e->tun.retrans_tries) {
		if (sa->phase != IKEV1_UP) {
			ikev1_sa_fail(sa, ST_IKEF_PEER_LOST, "peer %s silent: "
			    "%s message %d not answered after %u "
			    "retransmits", peer, sa->aggressive ?
			    "Aggressive Mode" : "Main Mode", sa->aggressive ?
			    1 : 2 * (int)(sa->phase - IKEV1_MM_I1) + 1,
			    sa->rtx_tries);
			ikev1_sa_free(sa);	/* as sa_timeout does */
			return;
		}
		if (sa->qm.msgid && sa->qm.initiator) {
			struct st_ipsec_failrec *f;

			log_notice("IKEv1:%s: Quick Mode with %s failed: peer "
			    "silent, message 1 not answered after %u "
			    "retransmits", sa->conn->name, peer, sa->rtx_tries);
			if ((f = st_ipsec_fail(ST_IPF_PEER_LOST, 0, sa->qm.ch ?
			    sa->qm.ch->spi_in : 0, &sa->remote, &sa->local,
			    "peer silent: Quick Mode not answered")) != NULL)
				snprintf(f->conn, sizeof(f->conn), "%s",
				    sa->conn->name);
			ikev1_qm_clear(sa);
		}
		return;
	}
	sa->rtx_tries++;
	log_info("IKEv1:(SA ID = %u):Retransmitting packet [To %s] (%u of %u)",
	    sa->st_index, peer, sa->rtx_tries, e->tun.retrans_tries);
	e->env.send(e->env.arg, &sa->local, sa->lport, &sa->remote, sa->rport,
	    sa->last_out->data, sa->last_out->len);
	e->st.tx++;
	e->st.retransmits++;
	loop_timer_set(sa->rtx, ike_tuning_rtx_delay(&e->tun, sa->rtx_tries));
}

int
ikev1_send_request(struct isakmp_sa *sa, struct buf *msg)
{
	sa->rtx_tries = 0;
	loop_timer_set(sa->rtx, ike_tuning_rtx_delay(&sa->eng->tun, 0));
	return ikev1_send(sa, msg, 1);
}

void
ikev1_rtx_stop(struct isakmp_sa *sa)
{
	loop_timer_stop(sa->rtx);
	sa->rtx_tries = 0;
}

/* ikelifetime is over: the ISAKMP SA goes (the peer is told), its IPsec
 * SAs stay until their own end or until a new Main Mode with the peer
 * adopts them. */
static void
expire_fire(void *arg)
{
	struct isakmp_sa *sa = arg;

	if (sa->phase != IKEV1_UP)
		return;
	log_info("IKEv1:(SA ID = %u):ISAKMP SA reached its lifetime (%u s): "
	    "deleted, its IPsec SAs kept", sa->st_index, sa->lifetime);
	ikev1_delete_isakmp(sa);
	ikev1_sa_expire(sa);
}

int
ikev1_mm_pending(const struct isakmp_sa *sa)
{
	const struct isakmp_sa *o;

	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && o->conn == sa->conn && o->phase >= IKEV1_MM_R1 &&
		    o->phase < IKEV1_UP &&
		    addr_cmp(&o->remote, &sa->remote) == 0)
			return 1;
	return 0;
}

void
ikev1_sa_expire(struct isakmp_sa *sa)
{
	struct ikev1_child *ch;
	struct st_child *st;

	ikev1_qm_clear(sa);
	/* the children's rows outlive the IKE row */
	for (ch = sa->children; ch; ch = ch->next)
		if ((st = st_child_get(ch->st_index)) != NULL)
			st_child_reparent(st, 0);
	if (sa->st_index)
		st_ike_end(sa->st_index, ST_TERM_NORMAL);
	sa->st_index = 0;
	loop_timer_stop(sa->timer);
	loop_timer_stop(sa->rtx);
	loop_timer_stop(sa->rekey);
	ikev1_keys_wipe(&sa->k);
	buf_free(sa->last_in);
	buf_free(sa->last_out);
	sa->last_in = sa->last_out = NULL;
	sa->phase = IKEV1_EXPIRED;
	if (sa->children == NULL)
		ikev1_sa_free(sa);
}

uint32_t
ikev1_rekey_after(const struct cfg_conn *c, uint32_t life)
{
	uint32_t fuzz = 0;

	if (c->rekeymargin && c->rekeyfuzz &&
	    crypto_random(&fuzz, sizeof(fuzz)) == 0)
		fuzz %= c->rekeymargin * c->rekeyfuzz / 100 + 1;
	return c->rekey && life > c->rekeymargin + fuzz ?
	    life - c->rekeymargin - fuzz : 0;
}

uint64_t
ikev1_rekey_bytes(const struct cfg_conn *c, uint64_t life)
{
	/* from the end agreed (the peer may have asked for fewer
	 * kilobytes than our lifebytes), not from lifebytes */
	return c->rekey && c->marginbytes && life > c->marginbytes ?
	    life - c->marginbytes : 0;
}

void
ikev1_delete_isakmp(struct isakmp_sa *sa)
{
	uint8_t b[16];
	int i;

	for (i = 0; i < 8; i++) {
		b[i] = (uint8_t)(sa->icookie >> (56 - 8 * i));
		b[8 + i] = (uint8_t)(sa->rcookie >> (56 - 8 * i));
	}
	ikev1_delete_send(sa, IKEV1_PROTO_ISAKMP, b, 16);
}

void
ikev1_sa_adopt(struct isakmp_sa *sa)
{
	struct isakmp_sa *o, *n;
	struct ikev1_child *ch;
	struct st_child *st;
	int pending = 0;

	if (sa->lifetime)
		loop_timer_set(sa->expire, (uint64_t)sa->lifetime * 1000);
	for (o = sa->eng->sas; o; o = n) {
		n = o->next;
		if (o == sa || (o->phase != IKEV1_EXPIRED &&
		    o->phase != IKEV1_UP) || o->conn != sa->conn ||
		    addr_cmp(&o->remote, &sa->remote) != 0)
			continue;
		while ((ch = o->children) != NULL) {
			o->children = ch->next;
			ch->next = sa->children;
			sa->children = ch;
			if ((st = st_child_get(ch->st_index)) != NULL)
				st_child_reparent(st, sa->st_index);
			/* the old SA's Quick Mode goes with it: one here */
			if (ch->rekeying && !ch->rekeyed) {
				ch->rekeying = 0;
				sa->qm_again = 1;
			}
			/* a rekey's grace the old SA had running */
			if (ch->out_keys || ch->drop)
				pending = 1;
			log_info("IKEv1:(SA ID = %u):IPsec SA 0x%08x/0x%08x "
			    "of %s ISAKMP SA %u adopted", sa->st_index,
			    ch->spi_in, ch->spi_out, o->phase == IKEV1_UP ?
			    "the reauthenticated" : "the expired", o->st_index);
		}
		if (o->phase == IKEV1_UP) {
			log_info("IKEv1:(SA ID = %u):reauthenticated by SA ID "
			    "= %u: deleted", o->st_index, sa->st_index);
			ikev1_delete_isakmp(o);
			ikev1_sa_end(o, ST_TERM_NORMAL);
		}
		ikev1_sa_free(o);
	}
	if (pending)
		ikev1_rekey_grace(sa);
}

static void grace_fire(void *arg);

struct isakmp_sa *
ikev1_sa_new(struct ikev1_engine *e, const struct cfg_conn *conn,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct isakmp_sa *sa = calloc(1, sizeof(*sa));
	struct st_ike *st;

	if (sa == NULL || (sa->timer = loop_timer_new(sa_timeout, sa)) == NULL ||
	    (sa->rtx = loop_timer_new(rtx_fire, sa)) == NULL ||
	    (sa->expire = loop_timer_new(expire_fire, sa)) == NULL ||
	    (sa->grace = loop_timer_new(grace_fire, sa)) == NULL) {
		if (sa) {
			loop_timer_free(sa->timer);
			loop_timer_free(sa->rtx);
			loop_timer_free(sa->expire);
		}
		free(sa);
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	sa->eng = e;
	sa->conn = conn;
	sa->local = *local;
	sa->remote = *remote;
	sa->lport = lport;
	sa->rport = rport;
	if ((st = st_ike_new(conn->name, 1, 0)) != NULL) {
		sa->st_index = st->index;
		st->local = *local;
		st->remote = *remote;
		st->local_port = lport;
		st->remote_port = rport;
		st->auth_method = 2;	/* preSharedKey */
		st->lifetime = conn->ikelifetime;
	}
	sa->next = e->sas;
	e->sas = sa;
	e->st.sas++;
	loop_timer_set(sa->timer, IKEV1_HALF_OPEN_MS(e));
	return sa;
}

void
ikev1_sa_free(struct isakmp_sa *sa)
{
	struct isakmp_sa **pp;

	for (pp = &sa->eng->sas; *pp; pp = &(*pp)->next)
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	sa->eng->st.sas--;
	ikev1_mm_free(sa);
	ikev1_qm_clear(sa);
	buf_free(sa->last_in);
	buf_free(sa->last_out);
	loop_timer_free(sa->timer);
	loop_timer_free(sa->rtx);
	loop_timer_free(sa->expire);
	loop_timer_free(sa->grace);
	loop_timer_free(sa->rekey);
	loop_timer_free(sa->dpd);
	loop_timer_free(sa->keepalive);
	ikev1_keys_wipe(&sa->k);
	free(sa);
}

void
ikev1_child_desc(const struct isakmp_sa *sa, const struct ikev1_child *ch,
    struct ike_child_sa *d)
{
	ike_child_desc_fill(d, &(struct ike_child_src){
	    .conn = sa->conn, .st_index = ch->st_index,
	    .local = &sa->local, .lport = sa->lport,
	    .remote = &sa->remote, .rport = sa->rport,
	    .encap = sa->nat_local || sa->nat_remote,
	    .reqid = ch->reqid, .spi_in = ch->spi_in, .spi_out = ch->spi_out,
	    .algs = &ch->algs,
	    .encr_len = crypto_encr_keylen(ch->algs.encr, ch->algs.encr_keylen),
	    .integ_len = crypto_integ_keylen(ch->algs.integ),
	    .transport = sa->conn->mode == CFG_MODE_TRANSPORT,
	    .life = &ch->life,
	    .nts_local = 1, .ts_local = &ch->ts_l,
	    .nts_remote = 1, .ts_remote = &ch->ts_r,
	    .in_only = ch->out_keys != NULL });
}

/* The grace after our rekey is over: the new pairs' outbound SAs go in;
 * one grace later (the peer's traffic has moved to the new pair too) the
 * pairs they replace go, the peer told. */
static void
grace_fire(void *arg)
{
	struct isakmp_sa *sa = arg;
	struct ike_env *env = &sa->eng->env;
	struct ikev1_child *ch, *n;
	struct ike_child_sa d;
	size_t ek;
	int moved = 0;

	if (sa->phase != IKEV1_UP)
		return;
	for (ch = sa->children; ch; ch = ch->next) {
		if (ch->out_keys == NULL)
			continue;
		ikev1_child_desc(sa, ch, &d);
		ek = crypto_encr_keylen(ch->algs.encr, ch->algs.encr_keylen);
		d.in_only = 0;
		d.encr_out = ch->out_keys->data;
		d.integ_out = ch->out_keys->data + ek;
		d.encr_len = ek;
		d.integ_len = ch->out_keys->len - ek;
		if (env->install_out(env->arg, &d) == -1)
			log_warnx("IKEv1:(SA ID = %u):outbound SA 0x%08x of the "
			    "rekeyed child not installed", sa->st_index,
			    ch->spi_out);
		buf_free(ch->out_keys);
		ch->out_keys = NULL;
		moved = 1;
	}
	if (moved) {
		loop_timer_set(sa->grace, IKEV1_REKEY_GRACE_MS);
		return;
	}
	for (ch = sa->children; ch; ch = n) {
		n = ch->next;
		if (ch->drop) {
			ikev1_delete_esp(sa, ch->spi_in);
			ikev1_child_remove(sa, ch, ST_TERM_NORMAL);
		}
	}
}

void
ikev1_rekey_grace(struct isakmp_sa *sa)
{
	loop_timer_set(sa->grace, IKEV1_REKEY_GRACE_MS);
}

void
ikev1_child_remove(struct isakmp_sa *sa, struct ikev1_child *ch,
    enum st_term reason)
{
	struct ike_env *env = &sa->eng->env;
	struct ikev1_child **pp;
	struct ike_child_sa d;

	ikev1_child_desc(sa, ch, &d);
	/* a rekeyed pair: its successor goes on with the policies and the
	 * tunnel's row */
	if (ch->rekeyed) {
		d.superseded = 1;
		d.nts_local = d.nts_remote = 0;
	}
	env->remove_child(env->arg, &d);
	if (ch->st_index && !ch->rekeyed)
		st_child_end(ch->st_index, reason);
	else if (ch->rekeyed) {
		/* out of the row at once (its final counters are folded):
		 * were the successor removed before the kernel's delete
		 * events arrive, the row would still seem to share the
		 * policies */
		st_sa_gone(ch->spi_in, ST_SA_IN, NULL);
		st_sa_gone(ch->spi_out, ST_SA_OUT, NULL);
	}
	for (pp = &sa->children; *pp; pp = &(*pp)->next)
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	log_info("IKEv1:(SA ID = %u):IPsec SA 0x%08x/0x%08x removed",
	    sa->st_index, ch->spi_in, ch->spi_out);
	buf_free(ch->out_keys);
	free(ch);
}

void
ikev1_sa_end(struct isakmp_sa *sa, enum st_term reason)
{
	if (sa->phase == IKEV1_DEAD)
		return;
	while (sa->children)
		ikev1_child_remove(sa, sa->children, reason == ST_TERM_OPER ?
		    ST_TERM_OPER : reason);
	ikev1_qm_clear(sa);
	if (sa->st_index)
		st_ike_end(sa->st_index, reason);
	sa->st_index = 0;
	sa->phase = IKEV1_DEAD;
	loop_timer_stop(sa->timer);
	loop_timer_stop(sa->rtx);
	loop_timer_stop(sa->expire);
	loop_timer_stop(sa->grace);
	loop_timer_stop(sa->rekey);
	loop_timer_stop(sa->dpd);
	loop_timer_stop(sa->keepalive);
}

void
ikev1_sa_fail(struct isakmp_sa *sa, enum st_ike_fail reason,
    const char *fmt, ...)
{
	struct st_ike_failrec *fr;
	char detail[160], peer[ADDR_STRLEN + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	log_notice("IKEv1:%s: negotiation with %s failed: %s", sa->conn->name,
	    ikev1_sa_peer(sa, peer, sizeof(peer)), detail);
	if ((fr = st_ike_fail(reason, sa->conn->name, &sa->local, &sa->remote,
	    detail)) != NULL) {
		fr->local_id_type = sa->lid.type == CFG_ID_IPV4_ADDR ||
		    sa->lid.type == CFG_ID_IPV6_ADDR ? ST_ID_ADDR : ST_ID_NAME;
		fr->remote_id_type = sa->rid.type == CFG_ID_IPV4_ADDR ||
		    sa->rid.type == CFG_ID_IPV6_ADDR ? ST_ID_ADDR : ST_ID_NAME;
		snprintf(fr->local_id, sizeof(fr->local_id), "%s",
		    sa->lid.text);
		snprintf(fr->remote_id, sizeof(fr->remote_id), "%s",
		    sa->rid.text);
	}
	ikev1_sa_end(sa, reason == ST_IKEF_PEER_LOST && sa->phase ==
	    IKEV1_UP ? ST_TERM_PEER_LOST : ST_TERM_LOCAL_FAIL);
}

void
ikev1_sa_last_in(struct isakmp_sa *sa, const struct ikev1_msg *m)
{
	buf_free(sa->last_in);
	sa->last_in = buf_from(m->bufs.raw->data, m->bufs.raw->len);
}

void
ikev1_sa_last_in_final(struct isakmp_sa *sa, const struct ikev1_msg *m)
{
	ikev1_sa_last_in(sa, m);
	buf_free(sa->last_out);
	sa->last_out = NULL;
}

void
ikev1_mm_free(struct isakmp_sa *sa)
{
	dh_free(sa->dh);
	sa->dh = NULL;
	buf_free(sa->sai_b);
	buf_free(sa->gxi);
	buf_free(sa->gxr);
	buf_free(sa->ni);
	buf_free(sa->nr);
	buf_free(sa->idi_b);
	sa->sai_b = sa->gxi = sa->gxr = sa->ni = sa->nr = sa->idi_b = NULL;
}

void
ikev1_qm_clear(struct isakmp_sa *sa)
{
	struct ike_env *env = &sa->eng->env;

	if (sa->qm.ch) {
		if (sa->qm.ch->spi_in && env->release_spi)
			env->release_spi(env->arg, &sa->remote, &sa->local,
			    IPPROTO_ESP, sa->qm.ch->spi_in);
		buf_free(sa->qm.ch->out_keys);
		free(sa->qm.ch);
	}
	if (sa->qm.initiator && sa->qm.msgid)
		loop_timer_stop(sa->rtx);
	dh_free(sa->qm.dh);
	wipe(&sa->qm, sizeof(sa->qm));
	/* the reauthentication that waited for this Quick Mode: from the
	 * loop, not from inside the exchange that ends here */
	if (sa->reauth_wait && sa->rekey)
		loop_timer_set(sa->rekey, 0);
}

/* ---- sending ---- */

int
ikev1_send(struct isakmp_sa *sa, struct buf *msg, int answer)
{
	struct ikev1_engine *e = sa->eng;
	int r;

	r = e->env.send(e->env.arg, &sa->local, sa->lport, &sa->remote,
	    sa->rport, msg->data, msg->len);
	e->st.tx++;
	st_ike_count_out(sa->st_index ? st_ike_get(sa->st_index) : NULL,
	    msg->len);
	if (answer) {
		buf_free(sa->last_out);
		sa->last_out = msg;
	} else
		buf_free(msg);
	return r;
}

int
ikev1_seal(struct isakmp_sa *sa, uint8_t exch, uint32_t msgid,
    struct ike_builder *chain, uint8_t *iv, struct buf *msg)
{
	struct ike_builder bl;
	struct ike_hdr h;

	if (ikev1_build_finish(chain) == -1)
		return -1;
	memset(&h, 0, sizeof(h));
	h.icookie = sa->icookie;
	h.rcookie = sa->rcookie;
	h.exchange = exch;
	h.flags = IKEV1_FLAG_ENC;
	h.msgid = msgid;
	ikev1_build_msg(&bl, msg, &h);
	buf_set_u8(msg, 16, chain->first);
	if (ikev1_encrypt(&sa->k, iv, chain->b->data, chain->b->len, msg) == -1)
		return -1;
	return ikev1_build_finish(&bl);
}

int
ikev1_open(struct isakmp_sa *sa, struct ikev1_msg *m, uint8_t *iv,
    struct ikev1_data *hash)
{
	const struct buf *raw = m->bufs.raw;
	struct buf *plain = buf_new_secret(raw->len);
	struct ike_perr err;

	if (plain == NULL || ikev1_decrypt(&sa->k, iv, raw->data +
	    IKEV1_HDR_LEN, raw->len - IKEV1_HDR_LEN, plain) == -1) {
		buf_free(plain);
		return -1;
	}
	if (ikev1_msg_set_plain(m, plain, &err) == -1)
		return -2;
	if (hash && (m->n == 0 || m->pl[0].type != IKEV1_PL_HASH ||
	    ikev1_pl_data(&m->pl[0], hash, &err) == -1 ||
	    hash->len != sa->k.prf_len))
		return -2;
	return 0;
}

/* A fresh non-zero message ID for an exchange we start. */
static uint32_t
msgid_new(void)
{
	uint32_t id = 0;

	while (id == 0)
		if (crypto_random(&id, sizeof(id)) == -1)
			return 0x1;
	return id;
}

int
ikev1_seal_hashed(struct isakmp_sa *sa, uint8_t exch, uint32_t msgid,
    struct ike_builder *cb, long hoff, const uint8_t *ni, size_t ni_len,
    uint8_t *iv, struct buf *msg)
{
	struct buf *chain = cb->b;
	uint8_t *h;
	const uint8_t *rest;

	if (hoff < 0 || ikev1_build_finish(cb) == -1)
		return -1;
	h = chain->data + hoff + IKEV1_PL_HDR_LEN;
	rest = h + sa->k.prf_len;
	if (ikev1_hash_qm(&sa->k, ni ? 2 : 1, msgid, ni, ni_len, NULL, 0,
	    rest, chain->len - (size_t)(rest - chain->data), h) == -1)
		return -1;
	return ikev1_seal(sa, exch, msgid, cb, iv, msg);
}

/* An Informational protected by HASH(1) with the given payload (a NOTIFY
 * or DELETE body built by fn's caller). */
int
ikev1_info_send(struct isakmp_sa *sa, uint8_t type, const void *body, size_t len)
{
	struct ike_builder cb;
	struct buf *chain, *msg;
	uint8_t iv[CRYPTO_MAX_BLOCK], h[CRYPTO_MAX_PRF_LEN];
	uint32_t msgid = msgid_new();
	long hoff;
	int r = -1;

	chain = buf_new_secret(128);
	msg = buf_new(256);
	if (chain == NULL || msg == NULL)
		goto out;
	ike_build_chain(&cb, chain);
	memset(h, 0, sizeof(h));
	hoff = ikev1_build_raw(&cb, IKEV1_PL_HASH, h, sa->k.prf_len);
	if (hoff < 0 || ikev1_build_raw(&cb, type, body, len) < 0 ||
	    ikev1_iv_exchange(&sa->k, msgid, iv) == -1 ||
	    ikev1_seal_hashed(sa, IKEV1_EXCH_INFO, msgid, &cb, hoff, NULL, 0,
	    iv, msg) == -1)
		goto out;
	r = ikev1_send(sa, msg, 0);
	msg = NULL;
out:
	buf_free(chain);
	buf_free(msg);
	return r;
}

int
ikev1_delete_send(struct isakmp_sa *sa, uint8_t proto, const void *spis,
    uint8_t spi_size)
{
	uint8_t body[8 + 16];

	body[0] = body[1] = body[2] = 0;
	body[3] = IKEV1_DOI_IPSEC;
	body[4] = proto;
	body[5] = spi_size;
	body[6] = 0;
	body[7] = 1;
	memcpy(body + 8, spis, spi_size);
	return ikev1_info_send(sa, IKEV1_PL_DELETE, body, 8 + (size_t)spi_size);
}

int
ikev1_delete_esp(struct isakmp_sa *sa, uint32_t spi)
{
	uint8_t b[4];

	b[0] = (uint8_t)(spi >> 24);
	b[1] = (uint8_t)(spi >> 16);
	b[2] = (uint8_t)(spi >> 8);
	b[3] = (uint8_t)spi;
	return ikev1_delete_send(sa, IKEV1_PROTO_ESP, b, 4);
}

size_t
ikev1_notify_body(const struct isakmp_sa *sa, uint16_t type, int cookies,
    uint8_t *body)
{
	int i;

	/* DOI, protocol ISAKMP, SPI size, type [, the cookies] */
	body[0] = body[1] = body[2] = 0;
	body[3] = IKEV1_DOI_IPSEC;
	body[4] = IKEV1_PROTO_ISAKMP;
	body[5] = cookies ? 16 : 0;
	body[6] = (uint8_t)(type >> 8);
	body[7] = (uint8_t)type;
	if (!cookies)
		return 8;
	for (i = 0; i < 8; i++) {
		body[8 + i] = (uint8_t)(sa->icookie >> (56 - 8 * i));
		body[16 + i] = (uint8_t)(sa->rcookie >> (56 - 8 * i));
	}
	return IKEV1_NOTIFY_MAX;
}

void
ikev1_notify_send(struct isakmp_sa *sa, uint16_t type)
{
	ikev1_notify_send_data(sa, type, NULL, 0);
}

void
ikev1_notify_send_data(struct isakmp_sa *sa, uint16_t type, const void *data,
    size_t dlen)
{
	uint8_t body[IKEV1_NOTIFY_MAX + IKEV1_NOTIFY_DATA_MAX];
	size_t len;

	if (dlen > IKEV1_NOTIFY_DATA_MAX)
		return;
	if (sa->phase == IKEV1_UP) {
		len = ikev1_notify_body(sa, type, 1, body);
		if (dlen)
			memcpy(body + len, data, dlen);
		ikev1_info_send(sa, IKEV1_PL_NOTIFY, body, len + dlen);
	} else {
		/* before the keys: a clear Informational (RFC 2408 §4.8) */
		struct ike_builder bl;
		struct ike_hdr h;
		struct buf *msg = buf_new(64);

		if (msg == NULL)
			return;
		len = ikev1_notify_body(sa, type, 0, body);
		memset(&h, 0, sizeof(h));
		h.icookie = sa->icookie;
		h.rcookie = sa->rcookie;
		h.exchange = IKEV1_EXCH_INFO;
		ikev1_build_msg(&bl, msg, &h);
		if (ikev1_build_raw(&bl, IKEV1_PL_NOTIFY, body, len) < 0 ||
		    ikev1_build_finish(&bl) == -1) {
			buf_free(msg);
			return;
		}
		ikev1_send(sa, msg, 0);
	}
}

