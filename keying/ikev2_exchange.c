/* Message dispatch and the IKE_SA_INIT exchange (RFC 7296 §1.2, §2.6-2.7,
 * §2.10, §2.23), and the engine's operator entry points. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev2_sa.h"
#include "keying/ikev2_sk.h"

/* ---- NAT detection ---- */

static int
natd_add(struct ike_sa *sa, struct ike_builder *bl)
{
	uint8_t h[IKEV2_NATD_LEN];
	int r;

	/* forceencaps: a source hash that cannot match makes the peer see a
	 * NAT in front of us, so it encapsulates too (strongSwan's way) */
	r = sa->conn->forceencaps ? crypto_random(h, sizeof(h)) :
	    ikev2_natd_hash(sa->spi_i, sa->spi_r, &sa->local, sa->lport, h);
	if (r < 0 ||
	    ikev2_build_notify_simple(bl, IKEV2_N_NAT_DETECTION_SOURCE_IP, h,
	    sizeof(h)) < 0)
		return -1;
	if (ikev2_natd_hash(sa->spi_i, sa->spi_r, &sa->remote, sa->rport, h) < 0 ||
	    ikev2_build_notify_simple(bl, IKEV2_N_NAT_DETECTION_DESTINATION_IP, h,
	    sizeof(h)) < 0)
		return -1;
	return 0;
}

/* Compares the peer's NAT-D hashes with what the addresses we see give.
 * The source hashes (one per address the peer may use) must contain the
 * peer's address as we see it, the destination hash ours. 1 when the peer
 * sent both kinds (only IKE_SA_INIT's answer asks), else 0. */
static int
natd_check(struct ike_sa *sa, const struct ikev2_msg *m)
{
	const struct ikev2_pl *p;
	struct ikev2_notify n;
	struct ike_perr err;
	uint8_t src[IKEV2_NATD_LEN], dst[IKEV2_NATD_LEN];
	int have_src = 0, have_dst = 0, src_ok = 0, dst_ok = 0;
	size_t i;

	/* hashed over the SPIs of that message: a request's SPIr is zero */
	if (ikev2_natd_hash(m->hdr.ispi, m->hdr.rspi, &sa->remote, sa->rport, src) < 0 ||
	    ikev2_natd_hash(m->hdr.ispi, m->hdr.rspi, &sa->local, sa->lport, dst) < 0)
		return 0;
	for (i = 0; (p = ikev2_msg_get(m, IKEV2_PL_NOTIFY, i)) != NULL; i++) {
		if (ikev2_pl_notify(p, &n, &err) < 0 || n.len != IKEV2_NATD_LEN)
			continue;
		if (n.type == IKEV2_N_NAT_DETECTION_SOURCE_IP) {
			have_src = 1;
			src_ok |= memcmp(n.data, src, IKEV2_NATD_LEN) == 0;
		} else if (n.type == IKEV2_N_NAT_DETECTION_DESTINATION_IP) {
			have_dst = 1;
			dst_ok |= memcmp(n.data, dst, IKEV2_NATD_LEN) == 0;
		}
	}
	if (!have_src || !have_dst)
		return 0;
	sa->nat_remote = !src_ok;
	sa->nat_local = !dst_ok;
	log_info("IKEv2:(SA ID = %u):%s", sa->st_index,
	    sa->nat_local || sa->nat_remote ? "NAT detected" : "NAT not found");
	return 1;
}

/* Counts the notifies of a received message on the SA. */
static void
count_notifies_in(struct ike_sa *sa, const struct ikev2_msg *m)
{
	size_t i, n = ikev2_msg_count(m, IKEV2_PL_NOTIFY);

	for (i = 0; i < n; i++)
		ike_count_notify(sa, 0);
}

static int
nonce_new(uint8_t *p, size_t *len)
{
	*len = IKEV2_NONCE_LEN;
	return crypto_random(p, IKEV2_NONCE_LEN);
}

static int
frag_wanted(const struct cfg_conn *c)
{
	return c->fragmentation != CFG_FRAG_NO;
}

/* ---- initiator ---- */

/* ---- the engine ---- */

/* What the version-neutral SA layer (ikev2_sa.c: timers, retries) asks of
 * IKEv2's exchanges, without calling up into them. */
static const struct ike_ops ikev2_ops = {
	.init_start = ike_init_start,
	.initiate = ikev2_initiate,
	.queue_run = ike_queue_run,
	.xchg = {
		[IKE_X_DELETE_IKE] = &ike_x_delete_ike,
		[IKE_X_REKEY_IKE] = &ike_x_rekey_ike,
		[IKE_X_DELETE_CHILD] = &ike_x_delete_child,
		[IKE_X_REKEY_CHILD] = &ike_x_rekey_child,
		[IKE_X_LIVENESS] = &ike_x_liveness,
		[IKE_X_INIT] = &ike_x_init,
		[IKE_X_AUTH] = &ike_x_auth,
	},
};

struct ikev2_engine *
ikev2_engine_new(const struct ike_env *env, const struct ike_tuning *tuning)
{
	struct ikev2_engine *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	if (ike_ho_init(&e->ho) < 0 || ike_sa_index_setup(e) < 0) {
		log_err("%s: out of memory", __func__);
		ike_ho_free(&e->ho);
		free(e);
		return NULL;
	}
	e->env = *env;
	ike_tuning_set(&e->tun, tuning);
	e->next_reqid = 1;
	e->ops = &ikev2_ops;
	return e;
}

/* Builds and sends IKE_SA_INIT from x: again, with the same nonce, after a
 * COOKIE or INVALID_KE. -1 when nothing was sent (the SA failed). */
static int
init_send(struct ike_sa *sa, struct ike_xchg *x)
{
	struct ike_builder bl;
	struct buf *b = NULL, *pub = NULL;
	uint16_t group;
	char peer[ADDR_STRLEN + 8];

	if (x->offer == NULL && (x->offer = ike_offer_new(sa->conn, 1)) == NULL) {
		ike_sa_fail(sa, ST_IKEF_PROPOSAL, 0, "no usable IKE proposal configured");
		return -1;
	}
	group = ikev2_prop_first_dh(x->offer);
	dh_free(x->dh);
	if ((x->dh = dh_new(group)) == NULL)
		goto fail;
	if (x->ni_len == 0 && nonce_new(x->ni, &x->ni_len) < 0)
		goto fail;
	if ((b = buf_new(512)) == NULL || (pub = buf_new(CRYPTO_MAX_DH_PUB)) == NULL ||
	    dh_public(x->dh, pub) < 0)
		goto fail;
	sa->next_msgid = 0;
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_IKE_SA_INIT, 0, 0);
	if (x->cookie_len)
		ikev2_build_notify_simple(&bl, IKEV2_N_COOKIE, x->cookie, x->cookie_len);
	ikev2_build_sa(&bl, x->offer);
	ikev2_build_ke(&bl, group, pub->data, pub->len);
	ikev2_build_nonce(&bl, x->ni, x->ni_len);
	if (natd_add(sa, &bl) < 0)
		goto fail;
	if (frag_wanted(sa->conn))
		ikev2_build_notify_simple(&bl, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED,
		    NULL, 0);
	if (ikev2_build_finish(&bl) < 0)
		goto fail;
	buf_free(x->init_i);
	if ((x->init_i = buf_from(b->data, b->len)) == NULL)
		goto fail;
	ike_sa_set_phase(sa, IKE_INIT_I);
	log_info("IKEv2:(SA ID = %u):Generating IKE_SA_INIT message [To %s], DH group %u",
	    sa->st_index, ike_sa_peer(sa, peer, sizeof(peer)), group);
	ike_count_notify(sa, 1);
	ike_count_notify(sa, 1);
	buf_free(pub);
	return ike_send_request(sa, b, x);
fail:
	buf_free(b);
	buf_free(pub);
	ike_sa_fail(sa, ST_IKEF_INTERNAL, 0, "cannot build IKE_SA_INIT");
	return -1;
}

int
ike_init_start(struct ike_sa *sa)
{
	struct st_ike *st;
	struct ike_xchg *x;

	if (sa->st_index == 0) {
		if ((st = st_ike_new(sa->conn->name, 2, 1)) == NULL)
			return -1;
		sa->st_index = st->index;
		if (sa->attempt == 0)
			sa->attempt = 1;
	}
	ike_sa_st_sync(sa);
	if ((x = ike_xchg_new(sa, IKE_X_INIT, 0)) == NULL) {
		ike_sa_fail(sa, ST_IKEF_INTERNAL, 0, "cannot build IKE_SA_INIT");
		return 0;
	}
	if (x->ops->start(sa, x) < 0)
		ike_xchg_free(sa, x);
	return 0;
}

int
ikev2_initiate(struct ikev2_engine *e, const struct cfg_conn *conn)
{
	struct ike_sa *sa;
	int r;

	if (conn->left.addr.family == 0 || conn->right.addr.family == 0) {
		log_warnx("IKEv2:%s: cannot initiate without both addresses", conn->name);
		return -1;
	}
	e->busy++;
	sa = ike_sa_new(e, conn, 1, &conn->left.addr, e->tun.ike_port,
	    &conn->right.addr, e->tun.ike_port);
	r = sa ? ike_init_start(sa) : -1;
	e->busy--;
	ike_sa_reap(e);
	return r;
}

/* Reads the peer's KE, derives g^ir and the IKE SA keys from x's DH and
 * nonces. */
static int
init_derive(struct ike_sa *sa, struct ike_xchg *x, const struct ikev2_ke *ke)
{
	struct buf *gir = buf_new_secret(CRYPTO_MAX_DH_PUB);
	int r = -1;

	if (gir == NULL || dh_derive(x->dh, ke->data, ke->len, gir) < 0)
		goto out;
	if (ikev2_ike_keys_derive(&sa->keys, &sa->algs, NULL, gir->data, gir->len,
	    x->ni, x->ni_len, x->nr, x->nr_len, sa->spi_i, sa->spi_r) < 0)
		goto out;
	sa->have_keys = 1;
	r = 0;
out:
	buf_free(gir);
	/* the private value is no longer needed */
	dh_free(x->dh);
	x->dh = NULL;
	return r;
}

static int
get_one(const struct ikev2_msg *m, uint8_t type, const struct ikev2_pl **p)
{
	return (*p = ikev2_msg_get(m, type, 0)) != NULL ? 0 : -1;
}

/* The answer to IKE_SA_INIT: x is sent again (COOKIE, INVALID_KE) or turns
 * into IKE_AUTH. */
static void
init_response(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	const struct ikev2_pl *p;
	struct ikev2_prop_list *reply = NULL;
	struct ikev2_notify n;
	struct ikev2_nonce nonce;
	struct ikev2_ke ke;
	struct ike_perr err;
	uint16_t notify, group;
	int peer_natd;

	ike_request_done(sa);
	count_notifies_in(sa, m);
	if (ikev2_msg_notify(m, IKEV2_N_COOKIE, &n) == 1) {
		/* the responder is under load: the same request again, with the
		 * cookie in front (RFC 7296 §2.6). A new cookie replaces ours (the
		 * peer's secret may have changed meanwhile), a few times only. */
		if (n.len == 0 || n.len > sizeof(x->cookie) ||
		    x->cookie_tries >= IKEV2_COOKIE_TRIES) {
			ike_sa_fail(sa, ST_IKEF_OTHER, 1, "unusable COOKIE from peer");
			return;
		}
		memcpy(x->cookie, n.data, n.len);
		x->cookie_len = n.len;
		x->cookie_tries++;
		log_info("IKEv2:(SA ID = %u):peer asks for a cookie, resending IKE_SA_INIT",
		    sa->st_index);
		init_send(sa, x);
		return;
	}
	if (ikev2_msg_notify(m, IKEV2_N_INVALID_KE_PAYLOAD, &n) == 1) {
		group = n.len == 2 ? (uint16_t)(n.data[0] << 8 | n.data[1]) : 0;
		if (group == 0 || x->offer == NULL || !ikev2_prop_has_dh(x->offer, group) ||
		    ++x->invalid_ke > IKEV2_INVALID_KE_MAX) {
			ike_sa_fail(sa, ST_IKEF_PROPOSAL, 0,
			    "INVALID_KE_PAYLOAD from peer asks for DH group %u", group);
			return;
		}
		log_info("IKEv2:(SA ID = %u):peer wants DH group %u, retrying", sa->st_index,
		    group);
		ikev2_prop_prefer_dh(x->offer, group);
		init_send(sa, x);
		return;
	}
	if ((notify = ikev2_msg_error_notify(m)) != 0) {
		ike_sa_fail(sa, notify == IKEV2_N_NO_PROPOSAL_CHOSEN ? ST_IKEF_PROPOSAL :
		    ST_IKEF_OTHER, 0, "%s from peer in IKE_SA_INIT",
		    ikev2_notify_name(notify));
		return;
	}
	if (m->hdr.rspi == 0 || (reply = calloc(1, sizeof(*reply))) == NULL ||
	    get_one(m, IKEV2_PL_SA, &p) < 0 || ikev2_pl_sa(p, reply, &err) < 0 ||
	    get_one(m, IKEV2_PL_KE, &p) < 0 || ikev2_pl_ke(p, &ke, &err) < 0 ||
	    get_one(m, IKEV2_PL_NONCE, &p) < 0 || ikev2_pl_nonce(p, &nonce, &err) < 0) {
		free(reply);
		ike_sa_fail(sa, ST_IKEF_ENCODING, 1,
		    "IKE_SA_INIT response lacks SA, KE or Nonce");
		return;
	}
	if (x->offer == NULL ||
	    ikev2_prop_accept(x->offer, reply, IKEV2_PROTO_IKE, &sa->chosen) < 0) {
		free(reply);
		ike_sa_fail(sa, ST_IKEF_PROPOSAL, 0,
		    "peer chose an IKE proposal we did not offer");
		return;
	}
	free(reply);
	ikev2_prop_algs(&sa->chosen, &sa->algs);
	if (ke.group != sa->algs.dh || dh_group(x->dh) != ke.group ||
	    nonce.len < IKEV2_NONCE_MIN || nonce.len > IKEV2_NONCE_MAX) {
		ike_sa_fail(sa, ST_IKEF_PROPOSAL, 0,
		    "IKE_SA_INIT response with KE group %u / nonce of %zu bytes",
		    ke.group, nonce.len);
		return;
	}
	memcpy(x->nr, nonce.data, nonce.len);
	x->nr_len = nonce.len;
	ike_sa_set_spi_r(sa, m->hdr.rspi);
	if ((x->init_r = buf_from(m->bufs.raw->data, m->bufs.raw->len)) == NULL ||
	    init_derive(sa, x, &ke) < 0) {
		ike_sa_fail(sa, ST_IKEF_INTERNAL, 0, "IKE key derivation failed");
		return;
	}
	peer_natd = natd_check(sa, m);
	sa->frag = frag_wanted(sa->conn) &&
	    ikev2_msg_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, &n) == 1;
	/* strongSwan floats to 4500 whenever the peer sent NAT-D and MOBIKE is
	 * on, NAT or not; with a NAT it must. */
	if (peer_natd && (sa->nat_local || sa->nat_remote || sa->conn->mobike ||
	    sa->conn->forceencaps)) {
		sa->lport = sa->eng->tun.natt_port;
		sa->rport = sa->eng->tun.natt_port;
	}
	ike_sa_st_sync(sa);
	if (ike_auth_start(sa, x) < 0)
		ike_sa_fail(sa, ST_IKEF_INTERNAL, 0, "cannot build IKE_AUTH");
}

/* Started by ike_init_start, never queued; its answer comes before the SA
 * has keys, found by the initiator's SPI alone. */
const struct ike_xchg_ops ike_x_init = {
	IKEV2_EXCH_IKE_SA_INIT, init_send, init_response, ike_setup_timeout,
};

/* ---- responder ---- */

static int
init_reply(struct ike_sa *sa, struct ike_xchg *x, const struct buf *pub, int frag)
{
	struct ikev2_prop_list *one = calloc(1, sizeof(*one));
	struct ike_builder bl;
	struct buf *b = NULL;
	int r = -1;

	if (one == NULL || (b = buf_new(512)) == NULL)
		goto out;
	one->n = 1;
	one->p[0] = sa->chosen;
	one->p[0].spi_size = 0;
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_IKE_SA_INIT, 1, 0);
	ikev2_build_sa(&bl, one);
	ikev2_build_ke(&bl, sa->algs.dh, pub->data, pub->len);
	ikev2_build_nonce(&bl, x->nr, x->nr_len);
	if (natd_add(sa, &bl) < 0)
		goto out;
	ike_count_notify(sa, 1);
	ike_count_notify(sa, 1);
	if (frag) {
		ikev2_build_notify_simple(&bl, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED,
		    NULL, 0);
		ike_count_notify(sa, 1);
	}
	if (ikev2_build_finish(&bl) < 0 ||
	    (x->init_r = buf_from(b->data, b->len)) == NULL)
		goto out;
	ike_send_response(sa, b, 0);
	b = NULL;
	r = 0;
out:
	free(one);
	buf_free(b);
	return r;
}

/* ---- stateless cookies (§2.6) ---- */

#define COOKIE_LEN	(4 + CRYPTO_MAX_PRF_LEN / 2)	/* version | 32 bytes of HMAC */

/* Of half_open_max, the part only configured peers (an exact right=
 * address) may take: an attacker who answers cookies from many sources
 * fills the rest, and a real tunnel still comes up. */
#define HALF_OPEN_RESERVE(max)	((max) / 10 ? (max) / 10 : 1)

/* Cookie = VersionIDofSecret | HMAC-SHA256(secret, Ni | IPi | SPIi). */
static int
cookie_make(struct ikev2_engine *e, int which, const struct ikev2_nonce *ni,
    const struct ifl_addr *ipi, uint64_t spi_i, uint8_t out[COOKIE_LEN])
{
	uint8_t mac[CRYPTO_MAX_PRF_LEN], spi[8];
	uint32_t version = e->cookie_version - (uint32_t)which;
	struct crypto_iov iov[3] = {
		{ ni->data, ni->len }, { ipi->u.raw, addr_len(ipi) }, { spi, 8 },
	};
	int i;

	for (i = 0; i < 8; i++)
		spi[i] = (uint8_t)(spi_i >> (56 - 8 * i));
	if (crypto_prf_iov(IKEV2_PRF_HMAC_SHA2_256, e->cookie_secret[which],
	    IKEV2_COOKIE_SECRET_LEN, iov, 3, mac) < 0)
		return -1;
	out[0] = (uint8_t)(version >> 24);
	out[1] = (uint8_t)(version >> 16);
	out[2] = (uint8_t)(version >> 8);
	out[3] = (uint8_t)version;
	memcpy(out + 4, mac, COOKIE_LEN - 4);
	wipe(mac, sizeof(mac));
	return 0;
}

/* IKE_SA_INITs of no configured connection: stray, or a spoofed flood.
 * Each would cost a log line and a failure record; past NOCONN_LOG_PER_S
 * a second they cost neither (a summary says how many), and they count
 * towards the cookie threshold as half-open SAs do, so a flood of them is
 * soon met with stateless cookies that spoofed sources cannot return. */
#define NOCONN_LOG_PER_S	10

static void
noconn_tick(struct ikev2_engine *e, uint64_t now)
{
	if (now - e->noconn.win_start < 1000)
		return;
	if (e->noconn.suppressed)
		log_notice("IKEv2: %llu more IKE_SA_INITs for no configured "
		    "connection refused without a log line or failure record",
		    (unsigned long long)e->noconn.suppressed);
	e->noconn.prev = now - e->noconn.win_start < 2000 ? e->noconn.cur : 0;
	e->noconn.cur = e->noconn.logged = 0;
	e->noconn.suppressed = 0;
	e->noconn.win_start = now;
}

/* Refused in the last one to two seconds. */
static uint32_t
noconn_recent(struct ikev2_engine *e, uint64_t now)
{
	noconn_tick(e, now);
	return e->noconn.cur + e->noconn.prev;
}

/* One more refusal; 1 when it may be logged and recorded. */
static int
noconn_count(struct ikev2_engine *e)
{
	noconn_tick(e, loop_now_ms());
	e->noconn.cur++;
	if (e->noconn.logged >= NOCONN_LOG_PER_S) {
		e->noconn.suppressed++;
		e->st.noconn_quiet++;
		return 0;
	}
	e->noconn.logged++;
	return 1;
}

/* 1 when the request may go on (no cookie needed, or a valid one), 0 when
 * a COOKIE was sent instead. */
static int
cookie_check(struct ikev2_engine *e, const struct ikev2_msg *m,
    const struct ikev2_nonce *ni, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, int configured)
{
	struct ikev2_notify n;
	uint8_t c[COOKIE_LEN];
	uint64_t now = loop_now_ms();
	uint32_t v, all, ip, stray;
	int which;

	all = e->ho.all;
	ip = ike_ho_of(&e->ho, src);
	stray = noconn_recent(e, now);
	/* a hard cap bounds what any flood can take, with a part of it kept
	 * for configured peers, and one source may only hold so many; all
	 * drop silently (an answer costs as much) */
	if (e->tun.block_threshold && ip >= e->tun.block_threshold) {
		e->st.init_refused++;
		ike_drop(e, NULL, src, sport, &m->hdr, src->family == AF_INET6 ?
		    "IKE_SA_INIT over block_threshold for this peer's /64" :
		    "IKE_SA_INIT over block_threshold for this peer");
		return 0;
	}
	if (e->tun.half_open_max && (all >= e->tun.half_open_max || (!configured &&
	    all >= e->tun.half_open_max - HALF_OPEN_RESERVE(e->tun.half_open_max)))) {
		e->st.init_refused++;
		ike_drop(e, NULL, src, sport, &m->hdr, all >= e->tun.half_open_max ?
		    "IKE_SA_INIT over half_open_max" : "IKE_SA_INIT over half_open_max "
		    "less the part kept for configured peers");
		return 0;
	}
	if ((e->tun.cookie_threshold == 0 || all + stray < e->tun.cookie_threshold) &&
	    (e->tun.cookie_threshold_ip == 0 || ip < e->tun.cookie_threshold_ip))
		return 1;
	if (e->cookie_since == 0 || now - e->cookie_since >= IKEV2_COOKIE_SWITCH_MS) {
		memcpy(e->cookie_secret[1], e->cookie_secret[0], IKEV2_COOKIE_SECRET_LEN);
		if (crypto_random(e->cookie_secret[0], IKEV2_COOKIE_SECRET_LEN) < 0)
			return 0;
		e->cookie_version++;
		e->cookie_since = now;
	}
	if (ikev2_msg_notify(m, IKEV2_N_COOKIE, &n) == 1 && n.len == COOKIE_LEN) {
		v = (uint32_t)n.data[0] << 24 | (uint32_t)n.data[1] << 16 |
		    (uint32_t)n.data[2] << 8 | n.data[3];
		which = v == e->cookie_version ? 0 : v == e->cookie_version - 1 ? 1 : -1;
		if (which >= 0 && cookie_make(e, which, ni, src, m->hdr.ispi, c) == 0 &&
		    ct_memcmp(c, n.data, COOKIE_LEN) == 0)
			return 1;
	}
	if (cookie_make(e, 0, ni, src, m->hdr.ispi, c) == 0) {
		e->st.cookies++;
		ike_send_init_error(e, &m->hdr, dst, dport, src, sport, IKEV2_N_COOKIE,
		    c, sizeof(c));
	}
	return 0;
}

/* A failure before any state exists: record it for the connection that
 * would have applied. */
static void
init_refuse(struct ikev2_engine *e, const struct cfg_conn *conn,
    const struct ike_hdr *h, const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport, uint16_t notify,
    enum st_ike_fail reason, const char *detail)
{
	char a[ADDR_STRLEN];

	st_ike_global_w()->resp_tunnel_fails++;
	if (conn == NULL && !noconn_count(e)) {
		ike_send_init_error(e, h, local, lport, remote, rport, notify, NULL, 0);
		return;
	}
	log_notice("IKEv2:%s: IKE_SA_INIT from %s:%u refused, %s sent: %s",
	    conn ? conn->name : "(none)", addr_str(remote, a, sizeof(a)), rport,
	    ikev2_notify_name(notify), detail);
	st_ike_fail(reason, conn ? conn->name : "", local, remote, detail);
	ike_send_init_error(e, h, local, lport, remote, rport, notify, NULL, 0);
}

void
ike_init_request(struct ikev2_engine *e, struct ikev2_msg *m,
    const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport)
{
	const struct cfg_conn *conn;
	const struct ikev2_pl *p;
	struct ikev2_prop_list *theirs = NULL, *ours = NULL;
	struct ikev2_prop chosen, alt;
	struct ikev2_notify n;
	struct ikev2_nonce nonce;
	struct ikev2_ke ke;
	struct ike_perr err;
	struct ike_sa *sa;
	struct ike_xchg *x;
	struct st_ike *st;
	struct buf *pub = NULL;
	uint8_t gbuf[2];
	int counted = 0, frag;
	char a[ADDR_STRLEN];

	if ((theirs = calloc(1, sizeof(*theirs))) == NULL ||
	    (ours = calloc(1, sizeof(*ours))) == NULL)
		goto out;
	if (get_one(m, IKEV2_PL_SA, &p) < 0 || ikev2_pl_sa(p, theirs, &err) < 0 ||
	    get_one(m, IKEV2_PL_KE, &p) < 0 || ikev2_pl_ke(p, &ke, &err) < 0 ||
	    get_one(m, IKEV2_PL_NONCE, &p) < 0 || ikev2_pl_nonce(p, &nonce, &err) < 0 ||
	    nonce.len < IKEV2_NONCE_MIN || nonce.len > IKEV2_NONCE_MAX) {
		ike_drop(e, NULL, src, sport, &m->hdr,
		    "IKE_SA_INIT without a valid SA, KE or Nonce payload");
		goto out;
	}
	conn = e->env.conn_by_addr(e->env.arg, dst, src);
	/* under load, only a peer that proves its address gets state, or
	 * even a failure record (spoofed sources would fill that table) */
	if (!cookie_check(e, m, &nonce, src, sport, dst, dport, conn != NULL &&
	    conn->right.host_kind == CFG_HOST_ADDR &&
	    addr_cmp(&conn->right.addr, src) == 0))
		goto out;
	if (conn == NULL) {
		init_refuse(e, NULL, &m->hdr, dst, dport, src, sport,
		    IKEV2_N_NO_PROPOSAL_CHOSEN, ST_IKEF_PROPOSAL,
		    "no connection configured for this peer");
		goto out;
	}
	if (ikev2_prop_from_cfg(&conn->ike, IKEV2_PROTO_IKE, ours) < 0 ||
	    ikev2_prop_select(ours, theirs, IKEV2_PROTO_IKE, &chosen) < 0) {
		init_refuse(e, conn, &m->hdr, dst, dport, src, sport,
		    IKEV2_N_NO_PROPOSAL_CHOSEN, ST_IKEF_PROPOSAL,
		    "NO_PROPOSAL_CHOSEN sent: no IKE proposal of the peer matches");
		goto out;
	}
	if (ke.group != ikev2_prop_id(&chosen, IKEV2_XFORM_DH, NULL) &&
	    ikev2_prop_select_dh(ours, theirs, IKEV2_PROTO_IKE, ke.group,
	    &alt) == 0)
		chosen = alt;
	if (ke.group != ikev2_prop_id(&chosen, IKEV2_XFORM_DH, NULL)) {
		uint16_t want = ikev2_prop_id(&chosen, IKEV2_XFORM_DH, NULL);

		log_info("IKEv2:%s: peer %s:%u sent KE for DH group %u, asking for %u",
		    conn->name, addr_str(src, a, sizeof(a)), sport, ke.group, want);
		gbuf[0] = (uint8_t)(want >> 8);
		gbuf[1] = (uint8_t)want;
		ike_send_init_error(e, &m->hdr, dst, dport, src, sport,
		    IKEV2_N_INVALID_KE_PAYLOAD, gbuf, sizeof(gbuf));
		goto out;
	}
	if ((sa = ike_sa_new(e, conn, 0, dst, dport, src, sport)) == NULL)
		goto out;
	sa->spi_i = m->hdr.ispi;
	ike_sa_index_init(sa);
	sa->chosen = chosen;
	sa->chosen.spi_size = 0;
	ikev2_prop_algs(&sa->chosen, &sa->algs);
	if ((st = st_ike_new(conn->name, 2, 0)) == NULL) {
		ike_sa_set_phase(sa, IKE_DEAD);
		goto out;
	}
	sa->st_index = st->index;
	st_ike_count_in(st, m->bufs.raw->len);
	counted = 1;
	ike_sa_set_phase(sa, IKE_INIT_R);
	count_notifies_in(sa, m);
	if ((x = sa->xr = ike_xchg_new(sa, IKE_X_INIT, 0)) == NULL) {
		ike_sa_fail(sa, ST_IKEF_INTERNAL, 0, "cannot set up the IKE SA");
		goto out;
	}
	memcpy(x->ni, nonce.data, nonce.len);
	x->ni_len = nonce.len;
	natd_check(sa, m);
	ike_sa_st_sync(sa);
	frag = frag_wanted(conn) &&
	    ikev2_msg_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, &n) == 1;
	/* the public value first: deriving the keys frees the private one */
	if ((x->init_i = buf_from(m->bufs.raw->data, m->bufs.raw->len)) == NULL ||
	    nonce_new(x->nr, &x->nr_len) < 0 ||
	    (x->dh = dh_new(sa->algs.dh)) == NULL ||
	    (pub = buf_new(CRYPTO_MAX_DH_PUB)) == NULL || dh_public(x->dh, pub) < 0 ||
	    init_derive(sa, x, &ke) < 0 || init_reply(sa, x, pub, frag) < 0) {
		ike_sa_fail(sa, ST_IKEF_INTERNAL, 0, "cannot set up the IKE SA");
		goto out;
	}
	sa->frag = frag;
	log_info("IKEv2:(SA ID = %u):%s: IKE_SA_INIT from %s:%u answered, SPI %016llx/%016llx",
	    sa->st_index, conn->name, addr_str(src, a, sizeof(a)), sport,
	    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r);
	loop_timer_set(sa->timer, (uint64_t)e->tun.half_open_timeout * 1000);
out:
	if (!counted)
		st_ike_count_in(NULL, m->bufs.raw->len);
	buf_free(pub);
	free(theirs);
	free(ours);
}

/* ---- dispatch ---- */

#define REASM_MAX_SIZE	(64 * 1024)

/* Verifies and decrypts the SK payload; the inner payloads become
 * reachable through ikev2_msg_get(). A fragment (SKF, RFC 7383) is
 * verified and kept until the set is complete. 0 = the whole message is
 * open, 1 = a fragment was kept, -1 = bad. With frag_only, a fragment is
 * only verified (a retransmission); *num gets its number (0 for SK). */
static int
msg_open(struct ike_sa *sa, struct ikev2_msg *m, int frag_only, uint16_t *num)
{
	struct ike_perr err;
	struct ikev2_skf f;
	struct buf *plain;
	uint8_t first;
	int r;

	if (num)
		*num = 0;
	if (!sa->have_keys || m->sk == NULL)
		return -1;
	if ((plain = buf_new_secret(m->bufs.raw->len)) == NULL)
		return -1;
	if (m->sk->type == IKEV2_PL_SK) {
		if (ikev2_sk_decrypt(&sa->keys, !sa->initiator, m->bufs.raw->data, m->bufs.raw->len,
		    m->sk->off, IKEV2_SK_HDR_LEN, plain) != 0) {
			buf_free(plain);
			return -1;
		}
		return ikev2_msg_set_inner(m, plain, m->sk->next, &err);
	}
	/* SKF: only if we said we take fragments */
	if (!sa->frag || ikev2_pl_skf(m->sk, &f, &err) < 0 ||
	    ikev2_sk_decrypt(&sa->keys, !sa->initiator, m->bufs.raw->data, m->bufs.raw->len,
	    m->sk->off, IKEV2_SKF_HDR_LEN, plain) != 0) {
		buf_free(plain);
		return -1;
	}
	if (num)
		*num = f.num;
	if (frag_only) {
		buf_free(plain);
		return 1;
	}
	if (sa->reasm.total == 0 || sa->reasm.msgid != m->hdr.msgid)
		ikev2_reasm_init(&sa->reasm, m->hdr.msgid, IKEV2_FRAG_MAX, REASM_MAX_SIZE);
	r = ikev2_reasm_add(&sa->reasm, f.num, f.total, m->sk->next, plain->data,
	    plain->len);
	buf_free(plain);
	if (r <= 0)
		return r < 0 ? -1 : 1;
	if ((plain = ikev2_reasm_take(&sa->reasm, &first)) == NULL)
		return -1;
	return ikev2_msg_set_inner(m, plain, first, &err);
}

/* Opens a message of the SA's: 0 when it is whole and authentic, else 1
 * (dropped, or a fragment kept until the set is complete). */
static int
input_open(struct ike_sa *sa, struct ikev2_msg *m, const struct ifl_addr *src,
    uint16_t sport)
{
	int r;

	if ((r = msg_open(sa, m, 0, NULL)) < 0) {
		ike_drop(sa->eng, sa, src, sport, &m->hdr, "integrity check failed");
		return 1;
	}
	if (r == 1)
		return 1;
	sa->last_rx = loop_now_ms();
	return 0;
}

static void
input_request(struct ike_sa *sa, struct ikev2_msg *m, const struct ifl_addr *src,
    uint16_t sport, uint16_t dport)
{
	struct ikev2_engine *e = sa->eng;
	const struct ike_hdr *h = &m->hdr;
	uint16_t num;
	int r;

	if (sa->resp && h->msgid == sa->resp_msgid) {
		/* a retransmission: the cached answer, no second processing
		 * (for a fragmented request, once: on its first fragment) */
		if ((r = msg_open(sa, m, 1, &num)) < 0) {
			ike_drop(e, sa, src, sport, h, "integrity check failed");
			return;
		}
		if (num <= 1) {
			e->st.resent_responses++;
			ike_send_msg(sa, sa->resp, sa->resp_frags);
		}
		return;
	}
	if (h->msgid != sa->peer_msgid) {
		ike_drop(e, sa, src, sport, h, "message ID outside the window");
		return;
	}
	if (input_open(sa, m, src, sport) != 0)
		return;
	/* the peer floated to 4500 or its NAT mapping changed (§2.23); to a
	 * new address only a peer behind a NAT is followed, and only by a
	 * host not behind one itself (no MOBIKE here) */
	if (addr_cmp(src, &sa->remote) != 0 && (!sa->nat_remote || sa->nat_local)) {
		char a[ADDR_STRLEN], b[ADDR_STRLEN];

		log_notice("IKEv2:(SA ID = %u):authenticated message from %s, not from "
		    "the peer's %s: not followed (%s)", sa->st_index,
		    addr_str(src, a, sizeof(a)), addr_str(&sa->remote, b, sizeof(b)),
		    sa->nat_local ? "we are behind a NAT" : "no NAT in front of the peer");
	} else if (sport != sa->rport || dport != sa->lport ||
	    addr_cmp(src, &sa->remote) != 0) {
		struct ifl_addr old_local = sa->local, old_remote = sa->remote;
		char a[ADDR_STRLEN];

		sa->remote = *src;
		sa->rport = sport;
		sa->lport = dport;
		ike_sa_st_sync(sa);
		if (sa->phase == IKE_UP || sa->phase == IKE_DELETING) {
			log_info("IKEv2:(SA ID = %u):peer moved to %s:%u (NAT mapping "
			    "changed), its SAs follow", sa->st_index,
			    addr_str(src, a, sizeof(a)), sport);
			ike_children_follow(sa, &old_local, &old_remote);
		}
	}
	switch (h->exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		if (sa->phase == IKE_INIT_R)
			ike_auth_request(sa, m);
		else
			ike_drop(e, sa, src, sport, h, "IKE_AUTH on an established SA");
		break;
	case IKEV2_EXCH_INFORMATIONAL:
		if (sa->phase == IKE_UP || sa->phase == IKE_DELETING)
			ike_info_request(sa, m);
		else
			ike_drop(e, sa, src, sport, h, "INFORMATIONAL before IKE_AUTH");
		break;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		if (sa->phase == IKE_UP)
			ike_create_child_request(sa, m);
		else
			ike_drop(e, sa, src, sport, h, "CREATE_CHILD_SA before IKE_AUTH");
		break;
	default:
		ike_drop(e, sa, src, sport, h, "unknown exchange type");
	}
}

/* The answer to our outstanding exchange goes to its handler, which owns
 * the exchange then: what it starts next becomes the SA's, and one it
 * sends again (IKE_SA_INIT after a COOKIE, or turned into IKE_AUTH) stays
 * the SA's outstanding one; else it is freed here. */
static void
input_answer(struct ike_sa *sa, struct ikev2_msg *m, const struct ifl_addr *src,
    uint16_t sport)
{
	struct ike_xchg *x;

	if ((x = sa->xa) == NULL || x->ops->exchange != m->hdr.exchange) {
		ike_drop(sa->eng, sa, src, sport, &m->hdr,
		    "response of the wrong exchange type");
		return;
	}
	sa->xa = NULL;
	x->ops->response(sa, x, m);
	if (sa->xa != x)
		ike_xchg_free(sa, x);
}

static void
input_response(struct ike_sa *sa, struct ikev2_msg *m, const struct ifl_addr *src,
    uint16_t sport)
{
	struct ikev2_engine *e = sa->eng;
	const struct ike_hdr *h = &m->hdr;

	if (sa->req == NULL || h->msgid != sa->req_msgid) {
		ike_drop(e, sa, src, sport, h, "response to no request of ours");
		return;
	}
	if (input_open(sa, m, src, sport) != 0)
		return;
	input_answer(sa, m, src, sport);
}

void
ikev2_input(struct ikev2_engine *e, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	struct ike_perr err;
	struct ike_hdr h;
	struct ikev2_msg *m = NULL;
	struct ike_sa *sa = NULL;
	int resp;

	e->busy++;
	e->st.rx++;
	if (ikev2_hdr_parse(pkt, len, &h, &err) < 0) {
		st_ike_count_in(NULL, len);
		ike_drop(e, NULL, src, sport, NULL, err.text);
		goto out;
	}
	resp = (h.flags & IKEV2_FLAG_RESPONSE) != 0;
	if (h.exchange == IKEV2_EXCH_IKE_SA_INIT)
		sa = resp ? ike_sa_find_half(e, h.ispi, src, sport, 1) :
		    ike_sa_find_half(e, h.ispi, src, sport, 0);
	else
		sa = ike_sa_find(e, h.ispi, h.rspi);
	if ((m = ikev2_msg_parse(pkt, len, &err)) == NULL) {
		st_ike_count_in(sa ? st_ike_get(sa->st_index) : NULL, len);
		ike_drop(e, sa, src, sport, &h, err.text);
		goto out;
	}
	if (h.exchange == IKEV2_EXCH_IKE_SA_INIT && !resp) {
		if (!(h.flags & IKEV2_FLAG_INITIATOR) || h.rspi != 0 || h.msgid != 0) {
			st_ike_count_in(NULL, len);
			ike_drop(e, NULL, src, sport, &h, "malformed IKE_SA_INIT request");
		} else if (sa == NULL) {
			ike_init_request(e, m, src, sport, dst, dport);
		} else {
			st_ike_count_in(st_ike_get(sa->st_index), len);
			if (sa->phase == IKE_INIT_R && sa->resp && sa->resp_msgid == 0) {
				e->st.resent_responses++;
				ike_send_raw(e, sa, &sa->local, sa->lport, &sa->remote,
				    sa->rport, sa->resp->data, sa->resp->len);
			} else
				ike_drop(e, sa, src, sport, &h, "IKE_SA_INIT for a known SA");
		}
		goto out;
	}
	st_ike_count_in(sa ? st_ike_get(sa->st_index) : NULL, len);
	if (sa == NULL) {
		ike_drop(e, NULL, src, sport, &h,
		    ike_send_invalid_spi(e, &h, dst, dport, src, sport) ?
		    "no IKE SA for these SPIs, INVALID_IKE_SPI sent" :
		    "no IKE SA for these SPIs");
		goto out;
	}
	if (((h.flags & IKEV2_FLAG_INITIATOR) != 0) == (sa->initiator != 0)) {
		ike_drop(e, sa, src, sport, &h, "initiator flag does not fit the SA");
		goto out;
	}
	if (h.exchange == IKEV2_EXCH_IKE_SA_INIT) {
		if (h.msgid != 0 || addr_cmp(src, &sa->remote) != 0 || sa->req == NULL)
			ike_drop(e, sa, src, sport, &h, "unexpected IKE_SA_INIT response");
		else
			input_answer(sa, m, src, sport);
	} else if (resp)
		input_response(sa, m, src, sport);
	else
		input_request(sa, m, src, sport, dport);
	if (sa->phase == IKE_UP && sa->req == NULL)
		ike_queue_run(sa);
out:
	ike_queue_kicked(e);
	ikev2_msg_free(m);
	e->busy--;
	ike_sa_reap(e);
}
