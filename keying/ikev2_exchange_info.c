/* INFORMATIONAL exchanges (RFC 7296 §1.4, §1.5): deletes of the IKE SA and
 * of child SAs in both directions, liveness checks, error notifies; and the
 * operator's entry points that start them. */
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

/* Builds an INFORMATIONAL request; delete_proto 0 = no Delete payload. */
static struct buf *
info_build(struct ike_sa *sa, uint8_t delete_proto, const uint32_t *spis,
    uint16_t nspi)
{
	struct ikev2_builder bl, in;
	struct ikev2_delete d;
	struct buf *b = buf_new(128), *ib = buf_new_secret(64);

	if (b == NULL || ib == NULL)
		goto fail;
	ikev2_build_chain(&in, ib);
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

void
ike_queue_run(struct ike_sa *sa)
{
	struct ike_child *ch;
	struct st_ike *st = ike_sa_row(sa);
	struct buf *b;

	if (sa->req != NULL || sa->phase != IKE_UP)
		return;
	if (sa->queue_delete) {
		sa->queue_delete = 0;
		if ((b = info_build(sa, IKEV2_PROTO_IKE, NULL, 0)) == NULL) {
			ike_sa_end(sa, sa->delete_reason);
			return;
		}
		ike_sa_set_phase(sa, IKE_DELETING);
		log_info("IKEv2:(SA ID = %u):Sending delete for the %sIKE SA", sa->st_index,
		    sa->rekeyed ? "rekeyed " : "");
		ike_send_request(sa, b, IKE_REQ_DELETE_IKE);
		return;
	}
	if (sa->queue_ike_rekey && !sa->rekeyed) {
		sa->queue_ike_rekey = 0;
		if (ike_rekey_start(sa) == 0)
			return;
	}
	for (ch = sa->children; ch; ch = ch->next) {
		if (!ch->delete_queued)
			continue;
		ch->delete_queued = 0;
		if ((b = info_build(sa, IKEV2_PROTO_ESP, &ch->spi_in, 1)) == NULL)
			continue;
		ch->deleting = 1;
		sa->req_child = ch->spi_in;
		if (st)
			st->c.out_p2_sa_del++;
		log_info("IKEv2:(SA ID = %u):Sending delete for child SA 0x%08x",
		    sa->st_index, ch->spi_in);
		ike_send_request(sa, b, IKE_REQ_DELETE_CHILD);
		return;
	}
	for (ch = sa->children; ch; ch = ch->next) {
		if (!ch->rekey_queued)
			continue;
		ch->rekey_queued = 0;
		if (!ch->rekeyed && !ch->deleting && ike_child_rekey_start(sa, ch) == 0)
			return;
	}
	if (sa->queue_liveness) {
		sa->queue_liveness = 0;
		if ((b = info_build(sa, 0, NULL, 0)) != NULL)
			ike_send_request(sa, b, IKE_REQ_LIVENESS);
	}
}

/* The SA whose outstanding IKE rekey the peer's crossing rekey (which made
 * sa) collided with, or NULL. */
static struct ike_sa *
coll_owner(struct ike_sa *sa)
{
	struct ike_sa *o;

	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && o->phase != IKE_DEAD && o->coll_spi_i == sa->spi_i &&
		    o->coll_spi_r == sa->spi_r && (o->coll_spi_i || o->coll_spi_r))
			return o;
	return NULL;
}

void
ike_info_request(struct ike_sa *sa, struct ikev2_msg *m)
{
	struct ike_sa *owner = NULL;
	const struct ikev2_pl *p;
	struct ikev2_builder bl, in;
	struct ikev2_delete d;
	struct ikev2_notify n;
	struct ikev2_perr err;
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
			if ((ch = ike_child_by_spi_out(sa, ikev2_delete_spi(&d, j))) == NULL)
				continue;
			/* crossing deletes: ours is out, so its SPIs are not echoed */
			if (!ch->deleting && nours < INFO_MAX_SPIS)
				ours[nours++] = ch->spi_in;
			if (st)
				st->c.in_p2_sa_del++;
			log_info("IKEv2:(SA ID = %u):Peer deleted child SA 0x%08x/0x%08x",
			    sa->st_index, ch->spi_in, ch->spi_out);
			if (sa->req_kind == IKE_REQ_DELETE_CHILD && sa->req_child == ch->spi_in)
				sa->req_child = 0;
			/* the redundant pair of a rekey collision, deleted
			 * before our own answer came: the row goes on */
			if (sa->coll_child && sa->coll_child == ch->spi_in) {
				ch->rekeyed = 1;
				sa->coll_child = 0;
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
	if ((b = buf_new(128)) == NULL || (ib = buf_new_secret(64)) == NULL)
		goto out;
	ikev2_build_chain(&in, ib);
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
		owner->coll_spi_i = owner->coll_spi_r = 0;
		ike_sa_end(sa, ST_TERM_NORMAL);
	} else if (delete_ike) {
		log_down(sa, "deleted by peer");
		ike_sa_end(sa, ST_TERM_PEER_DEL);
	}
	buf_free(b);
	buf_free(ib);
}

void
ike_info_response(struct ike_sa *sa, struct ikev2_msg *m)
{
	enum ike_req_kind kind = sa->req_kind;
	struct ike_child *ch;
	uint32_t spi = sa->req_child;

	(void)m;
	ike_request_done(sa);
	switch (kind) {
	case IKE_REQ_DELETE_IKE:
		if (!sa->rekeyed)
			log_down(sa, "deleted by us");
		ike_sa_end(sa, sa->delete_reason);
		break;
	case IKE_REQ_DELETE_CHILD:
		if (spi && (ch = ike_child_by_spi_in(sa, spi)) != NULL)
			ike_child_remove(sa, ch, ST_TERM_OPER);
		break;
	default:
		break;
	}
}

/* ---- operator entry points ---- */

/* An established SA is deleted with the peer; one still negotiating just ends. */
static void
ike_sa_terminate(struct ike_sa *sa)
{
	if (sa->phase == IKE_UP) {
		sa->queue_delete = 1;
		sa->delete_reason = ST_TERM_OPER;
		ike_queue_run(sa);
	} else if (sa->phase != IKE_DELETING)
		ike_sa_end(sa, ST_TERM_OPER);
}

int
ikev2_terminate(struct ikev2_engine *e, const char *conn)
{
	struct ike_sa *sa;
	int n = 0;

	e->busy++;
	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->phase == IKE_DEAD || strcmp(sa->conn->name, conn) != 0)
			continue;
		n++;
		ike_sa_terminate(sa);
	}
	e->busy--;
	ike_sa_reap(e);
	return n;
}

int
ikev2_terminate_index(struct ikev2_engine *e, uint32_t ike_index)
{
	struct ike_sa *sa;
	int n = 0;

	e->busy++;
	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->phase == IKE_DEAD || sa->st_index != ike_index)
			continue;
		n++;
		ike_sa_terminate(sa);
	}
	e->busy--;
	ike_sa_reap(e);
	return n;
}

int
ikev2_child_delete(struct ikev2_engine *e, uint32_t child_index)
{
	struct ike_sa *sa;
	struct ike_child *ch;
	int found = 0;

	/* every pair of the tunnel: during a rekey there are two */
	for (sa = e->sas; sa && !found; sa = sa->next) {
		if (sa->phase != IKE_UP)
			continue;
		for (ch = sa->children; ch; ch = ch->next)
			if (ch->st_index == child_index && !ch->deleting) {
				ch->delete_queued = 1;
				found = 1;
			}
		if (found) {
			e->busy++;
			ike_queue_run(sa);
			e->busy--;
			ike_sa_reap(e);
		}
	}
	return found ? 0 : -1;
}

int
ikev2_child_rekey(struct ikev2_engine *e, uint32_t child_index)
{
	struct ike_sa *sa;
	struct ike_child *ch;

	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->phase != IKE_UP)
			continue;
		for (ch = sa->children; ch; ch = ch->next)
			if (ch->st_index == child_index && !ch->deleting && !ch->rekeyed) {
				e->busy++;
				ch->rekey_queued = 1;
				ike_queue_run(sa);
				e->busy--;
				ike_sa_reap(e);
				return 0;
			}
	}
	return -1;
}

int
ikev2_ike_rekey(struct ikev2_engine *e, uint32_t ike_index)
{
	struct ike_sa *sa = ike_sa_by_index(e, ike_index);

	if (sa == NULL || sa->phase != IKE_UP || sa->rekeyed)
		return -1;
	e->busy++;
	sa->queue_ike_rekey = 1;
	ike_queue_run(sa);
	e->busy--;
	ike_sa_reap(e);
	return 0;
}

int
ikev2_liveness(struct ikev2_engine *e, uint32_t ike_index)
{
	struct ike_sa *sa = ike_sa_by_index(e, ike_index);

	if (sa == NULL || sa->phase != IKE_UP)
		return -1;
	e->busy++;
	sa->queue_liveness = 1;
	ike_queue_run(sa);
	e->busy--;
	ike_sa_reap(e);
	return 0;
}

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
		    (b = info_build(sa, IKEV2_PROTO_IKE, NULL, 0)) != NULL) {
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

int
ikev2_child_expired(struct ikev2_engine *e, uint32_t spi, int hard)
{
	struct ike_sa *sa;
	struct ike_child *ch;

	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->phase == IKE_DEAD)
			continue;
		if ((ch = ike_child_by_spi_in(sa, spi)) == NULL &&
		    (ch = ike_child_by_spi_out(sa, spi)) == NULL)
			continue;
		if (!hard) {
			/* soft: time for a fresh pair */
			if (sa->phase == IKE_UP && !ch->rekeyed && !ch->deleting)
				return ikev2_child_rekey(e, ch->st_index);
			return 0;
		}
		log_info("IKEv2:(SA ID = %u):Child SA 0x%08x/0x%08x expired in the kernel",
		    sa->st_index, ch->spi_in, ch->spi_out);
		/* this pair only: a rekeyed tunnel's successor stays */
		if (sa->phase == IKE_UP && !ch->deleting) {
			e->busy++;
			ch->delete_queued = 1;
			ike_queue_run(sa);
			e->busy--;
			ike_sa_reap(e);
		}
		return 0;
	}
	return -1;
}
