/* INFORMATIONAL exchanges (RFC 7296 §1.4, §1.5): deletes of the IKE SA and
 * of child SAs in both directions, liveness checks, error notifies; and the
 * engine's connection bookkeeping (a connection removed or replaced). The
 * operator's entry points that start exchanges are in ikev2_queue.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev2_sa.h"

#define INFO_MAX_SPIS	64

static void
log_down(struct ike_sa *sa, const char *why)
{
	char peer[ADDR_STRLEN];

	log_info("IKEv2:(SA ID = %u):Session with IKE ID PAIR (%s, %s) is DOWN (%s)",
	    sa->st_index, sa->rid.text, sa->lid.text, why);
	log_tag("CRYPTO-5-IKEV2_SESSION_STATUS",
	    "Crypto tunnel v2 is DOWN. Peer %s:%u Id: %s",
	    addr_str(&sa->remote, peer, sizeof(peer)), sa->rport, sa->rid.text);
}

struct buf *
ike_info_build(struct ike_sa *sa, uint8_t delete_proto, const uint32_t *spis,
    uint16_t nspi)
{
	struct ike_builder bl, in;
	struct ike_delete d;
	struct buf *b = buf_new(128), *ib = buf_new_secret(64);

	if (b == NULL || ib == NULL)
		goto fail;
	ike_build_chain(&in, ib);
	if (delete_proto == IKEV2_PROTO_IKE) {
		memset(&d, 0, sizeof(d));
		d.proto = IKEV2_PROTO_IKE;
		ikev2_build_delete(&in, &d);
	} else if (delete_proto == IKEV2_PROTO_ESP)
		ikev2_build_delete_spis(&in, IKEV2_PROTO_ESP, spis, nspi);
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_INFORMATIONAL, 0, 0);
	if (ike_msg_seal(sa, &bl, ib, &in) < 0)
		goto fail;
	buf_free(ib);
	return b;
fail:
	buf_free(b);
	buf_free(ib);
	return NULL;
}

/* The SA whose outstanding IKE rekey the peer's crossing rekey (which made
 * sa) collided with, or NULL. */
static struct ike_sa *
coll_owner(struct ike_sa *sa)
{
	struct ike_sa *o;

	const struct ike_xchg *x;

	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && o->phase != IKE_DEAD &&
		    (x = ike_xchg_active(o, IKE_X_REKEY_IKE)) != NULL &&
		    x->coll_spi_i == sa->spi_i && x->coll_spi_r == sa->spi_r &&
		    (x->coll_spi_i || x->coll_spi_r))
			return o;
	return NULL;
}

void
ike_info_request(struct ike_sa *sa, struct ikev2_msg *m)
{
	struct ike_sa *owner = NULL;
	struct ike_xchg *x;
	const struct ikev2_pl *p;
	struct ike_builder bl, in;
	struct ike_delete d;
	struct ikev2_notify n;
	struct ike_perr err;
	struct ike_child *ch;
	struct st_ike *st = ike_sa_row(sa);
	struct buf *b = NULL, *ib = NULL;
	uint32_t ours[INFO_MAX_SPIS];
	uint16_t nours = 0, auth_failed = 0;
	int delete_ike = 0;
	size_t i, j;

	for (i = 0; (p = ikev2_msg_get(m, IKEV2_PL_DELETE, i)) != NULL; i++) {
		if (ikev2_pl_delete(p, &d, &err) < 0)
			continue;
		if (d.proto == IKEV2_PROTO_IKE) {
			delete_ike = 1;
			continue;
		}
		if (d.proto != IKEV2_PROTO_ESP || d.spi_size != 4)
			continue;
		for (j = 0; j < d.nspi; j++) {
			if ((ch = ike_child_by_spi_out(sa, ike_delete_spi(&d, j))) == NULL)
				continue;
			/* crossing deletes: ours is out, so its SPIs are not echoed */
			if (!ch->deleting && nours < INFO_MAX_SPIS)
				ours[nours++] = ch->spi_in;
			if (st)
				ST_IKE_INC(st, in_p2_sa_del);
			log_info("IKEv2:(SA ID = %u):Peer deleted child SA 0x%08x/0x%08x",
			    sa->st_index, ch->spi_in, ch->spi_out);
			if ((x = ike_xchg_active(sa, IKE_X_DELETE_CHILD)) != NULL &&
			    x->child == ch->spi_in)
				x->child = 0;
			/* the redundant pair of a rekey collision, deleted
			 * before our own answer came: the row goes on */
			if ((x = ike_xchg_active(sa, IKE_X_REKEY_CHILD)) != NULL &&
			    x->coll_child && x->coll_child == ch->spi_in) {
				ch->rekeyed = 1;
				x->coll_child = 0;
			}
			ike_child_remove(sa, ch, ST_TERM_PEER_DEL);
		}
	}
	for (i = 0; (p = ikev2_msg_get(m, IKEV2_PL_NOTIFY, i)) != NULL; i++) {
		ike_count_notify(sa, 0);
		if (ikev2_pl_notify(p, &n, &err) == 0 &&
		    n.type == IKEV2_N_AUTHENTICATION_FAILED)
			auth_failed = 1;
	}
	/* The peer drops this IKE SA's children as soon as it reads our
	 * answer: a tunnel that goes on in another IKE SA (the peer's
	 * reauthentication) sends on its new outbound SA from before then,
	 * or what we send on the old one meanwhile is lost. */
	if (delete_ike && !auth_failed && !sa->rekeyed && coll_owner(sa) == NULL)
		for (ch = sa->children; ch; ch = ch->next)
			ike_child_hand_over(sa, ch);
	if ((b = buf_new(128)) == NULL || (ib = buf_new_secret(64)) == NULL)
		goto out;
	ike_build_chain(&in, ib);
	if (!delete_ike && nours > 0)
		ikev2_build_delete_spis(&in, IKEV2_PROTO_ESP, ours, nours);
	ike_msg_start(sa, &bl, b, IKEV2_EXCH_INFORMATIONAL, 1, m->hdr.msgid);
	if (ike_msg_seal(sa, &bl, ib, &in) == 0) {
		ike_send_response(sa, b, m->hdr.msgid);
		b = NULL;
	}
out:
	if (auth_failed) {
		ike_sa_fail(sa, ST_IKEF_AUTH, 0,
		    "AUTHENTICATION_FAILED from peer: it did not accept our AUTH");
	} else if (delete_ike && sa->rekeyed) {
		log_info("IKEv2:(SA ID = %u):Rekeyed IKE SA deleted by peer", sa->st_index);
		ike_sa_end(sa, ST_TERM_NORMAL);
	} else if (delete_ike && (owner = coll_owner(sa)) != NULL) {
		/* the redundant SA of a rekey collision, deleted before our
		 * own rekey was answered: its children go back to wait for it */
		log_info("IKEv2:(SA ID = %u):Redundant IKE SA deleted by peer", sa->st_index);
		ike_children_move(sa, owner);
		x = ike_xchg_active(owner, IKE_X_REKEY_IKE);
		x->coll_spi_i = x->coll_spi_r = 0;
		ike_sa_end(sa, ST_TERM_NORMAL);
	} else if (delete_ike) {
		log_down(sa, "deleted by peer");
		ike_sa_end(sa, ST_TERM_PEER_DEL);
	}
	buf_free(b);
	buf_free(ib);
}

/* ---- our requests: the IKE SA's delete, a child's delete, liveness ---- */

static int
delete_ike_start(struct ike_sa *sa, struct ike_xchg *x)
{
	struct buf *b;

	if ((b = ike_info_build(sa, IKEV2_PROTO_IKE, NULL, 0)) == NULL) {
		ike_sa_end(sa, x->reason);
		return -1;
	}
	ike_sa_set_phase(sa, IKE_DELETING);
	log_info("IKEv2:(SA ID = %u):Sending delete for the %sIKE SA", sa->st_index,
	    sa->rekeyed ? "rekeyed " : "");
	return ike_send_request(sa, b, x);
}

static void
delete_ike_response(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	(void)m;
	ike_request_done(sa);
	if (!sa->rekeyed)
		log_down(sa, "deleted by us");
	ike_sa_end(sa, x->reason);
}

static void
delete_ike_timeout(struct ike_sa *sa, struct ike_xchg *x)
{
	char peer[ADDR_STRLEN + 8];

	(void)x;
	log_info("IKEv2:%s: no answer to our delete from %s, SA gone",
	    sa->conn->name, ike_sa_peer(sa, peer, sizeof(peer)));
	ike_sa_end(sa, ST_TERM_PEER_LOST);
}

static int
delete_child_start(struct ike_sa *sa, struct ike_xchg *x)
{
	struct ike_child *ch = ike_child_by_spi_in(sa, x->child);
	struct st_ike *st = ike_sa_row(sa);
	struct buf *b;

	if (ch == NULL || (b = ike_info_build(sa, IKEV2_PROTO_ESP, &ch->spi_in, 1)) == NULL)
		return -1;
	ch->deleting = 1;
	if (st)
		ST_IKE_INC(st, out_p2_sa_del);
	log_info("IKEv2:(SA ID = %u):Sending delete for child SA 0x%08x",
	    sa->st_index, ch->spi_in);
	return ike_send_request(sa, b, x);
}

static void
delete_child_response(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	struct ike_child *ch;

	(void)m;
	ike_request_done(sa);
	/* 0 when the peer deleted it meanwhile */
	if (x->child && (ch = ike_child_by_spi_in(sa, x->child)) != NULL)
		ike_child_remove(sa, ch, ST_TERM_OPER);
}

static int
liveness_start(struct ike_sa *sa, struct ike_xchg *x)
{
	struct buf *b;

	if ((b = ike_info_build(sa, 0, NULL, 0)) == NULL)
		return -1;
	return ike_send_request(sa, b, x);
}

static void
liveness_response(struct ike_sa *sa, struct ike_xchg *x, struct ikev2_msg *m)
{
	(void)x;
	(void)m;
	ike_request_done(sa);
}

const struct ike_xchg_ops ike_x_delete_ike = {
	IKEV2_EXCH_INFORMATIONAL, delete_ike_start, delete_ike_response,
	delete_ike_timeout,
};
const struct ike_xchg_ops ike_x_delete_child = {
	IKEV2_EXCH_INFORMATIONAL, delete_child_start, delete_child_response,
	ike_sa_peer_lost,
};
const struct ike_xchg_ops ike_x_liveness = {
	IKEV2_EXCH_INFORMATIONAL, liveness_start, liveness_response, ike_sa_peer_lost,
};

/* ---- connections removed or replaced ---- */

void
ikev2_conn_gone(struct ikev2_engine *e, const struct cfg_conn *conn)
{
	struct ike_sa *sa;
	struct buf *b;

	e->busy++;
	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->phase == IKE_DEAD || sa->conn != conn)
			continue;
		/* the connection's memory goes away: tell the peer once, without
		 * waiting for its answer */
		if ((sa->phase == IKE_UP || sa->phase == IKE_DELETING) &&
		    (b = ike_info_build(sa, IKEV2_PROTO_IKE, NULL, 0)) != NULL) {
			ike_send_raw(e, sa, &sa->local, sa->lport, &sa->remote, sa->rport,
			    b->data, b->len);
			buf_free(b);
			log_down(sa, "connection removed");
		}
		ike_sa_end(sa, ST_TERM_OPER);
	}
	e->busy--;
	ike_sa_reap(e);
}

void
ikev2_conn_update(struct ikev2_engine *e, const struct cfg_conn *old,
    const struct cfg_conn *conn)
{
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->conn == old)
			sa->conn = conn;
}

int
ikev2_conn_active(const struct ikev2_engine *e, const struct cfg_conn *conn)
{
	const struct ike_sa *sa;
	int n = 0;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->phase != IKE_DEAD && sa->conn == conn)
			n++;
	return n;
}
