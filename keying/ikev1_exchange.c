/* The IKEv1 engine's entry: datagrams dispatched by exchange (a
 * duplicate request gets the answer again), Informationals received (RFC
 * 2408 §4.8, RFC 2409 §5.7: Deletes and notifies under HASH(1)), and the
 * operator entry points. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"

static struct isakmp_sa *
sa_find(struct ikev1_engine *e, uint64_t icookie, uint64_t rcookie)
{
	struct isakmp_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->icookie == icookie && sa->rcookie == rcookie &&
		    sa->phase != IKEV1_DEAD && sa->phase != IKEV1_EXPIRED)
			return sa;
	return NULL;
}

/* Main (Aggressive) Mode message 2 to our message 1: by CKY-I, the SA
 * has no CKY-R yet. */
static struct isakmp_sa *
sa_find_ours(struct ikev1_engine *e, uint64_t icookie)
{
	struct isakmp_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->initiator && (sa->phase == IKEV1_MM_I1 ||
		    sa->phase == IKEV1_AG_I1) &&
		    sa->icookie == icookie && sa->rcookie == 0)
			return sa;
	return NULL;
}

/* Main Mode message 1 again (our answer lost): by CKY-I and peer. */
static struct isakmp_sa *
sa_find_half(struct ikev1_engine *e, uint64_t icookie,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct isakmp_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->icookie == icookie && sa->rport == rport &&
		    addr_cmp(&sa->remote, remote) == 0 &&
		    sa->phase != IKEV1_DEAD && sa->phase != IKEV1_EXPIRED)
			return sa;
	return NULL;
}

/* Deletes all of an SA, telling the peer: IPsec SAs, then the ISAKMP SA. */
static void
sa_delete(struct isakmp_sa *sa, enum st_term reason)
{
	struct ikev1_child *ch;

	if (sa->phase == IKEV1_UP) {
		for (ch = sa->children; ch; ch = ch->next)
			ikev1_delete_esp(sa, ch->spi_in);
		ikev1_delete_isakmp(sa);
	}
	ikev1_sa_end(sa, reason);
}

/* ---- Informational in ---- */

static void
info_input(struct isakmp_sa *sa, struct ikev1_msg *m)
{
	struct ike_perr err;
	struct ikev1_data hash;
	struct ike_delete d;
	struct ikev1_notify n;
	const struct ikev1_pl *pl;
	const uint8_t *rest;
	uint8_t iv[CRYPTO_MAX_BLOCK];
	char peer[ADDR_STRLEN + 8];
	size_t i, j, rest_len;
	int r;
	struct ikev1_child *ch;

	ikev1_sa_peer(sa, peer, sizeof(peer));
	if (!(m->hdr.flags & IKEV1_FLAG_ENC)) {
		/* an unprotected notify cannot be trusted: log it only */
		if ((pl = ikev1_msg_get(m, IKEV1_PL_NOTIFY, 0)) == NULL ||
		    ikev1_pl_notify(pl, &n, &err) == -1)
			return;
		log_notice("IKEv1:%s: %s sent an unprotected %s notify",
		    sa->conn->name, peer, ikev1_notify_name(n.type));
		/* our Main Mode refused before there are keys: the only
		 * way a responder can say so (a forged one costs the
		 * attempt, as it would by dropping our messages); so does
		 * an Aggressive Mode initiator whose HASH_R did not verify */
		if ((sa->initiator || sa->phase == IKEV1_AG_R1) &&
		    sa->phase != IKEV1_UP && n.type < 8192)
			ikev1_sa_fail(sa, n.type == IKEV1_N_NO_PROPOSAL_CHOSEN ?
			    ST_IKEF_PROPOSAL : n.type ==
			    IKEV1_N_AUTHENTICATION_FAILED ||
			    n.type == IKEV1_N_INVALID_HASH_INFORMATION ?
			    ST_IKEF_AUTH : ST_IKEF_OTHER,
			    "peer %s refused %s: %s", peer, ikev1_p1_mode(sa),
			    ikev1_notify_name(n.type));
		return;
	}
	if (sa->phase != IKEV1_UP) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "encrypted Informational before Main Mode is done");
		return;
	}
	if (ikev1_iv_exchange(&sa->k, m->hdr.msgid, iv) == -1 ||
	    (r = ikev1_open(sa, m, iv, &hash)) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Informational does not decrypt");
		return;
	}
	if (r < 0) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Informational without a valid HASH(1)");
		return;
	}
	rest = ikev1_msg_after(m, &m->pl[0], &rest_len);
	if (ikev1_hash_qm_verify(&sa->k, 1, m->hdr.msgid, NULL, 0, NULL, 0,
	    rest, rest_len, hash.data) == -1) {
		ikev1_drop(sa->eng, &sa->remote, sa->rport,
		    "Informational HASH(1) does not verify");
		return;
	}
	ikev1_natt_follow(sa);
	ikev1_dpd_heard(sa);
	for (i = 0; (pl = ikev1_msg_get(m, IKEV1_PL_NOTIFY, i)) != NULL; i++) {
		if (ikev1_pl_notify(pl, &n, &err) == -1)
			continue;
		/* on the SA when there is one (the globals add it up), or
		 * on the globals alone */
		ST_IKE_INC(sa->st_index ? st_ike_get(sa->st_index) : NULL, in_notifys);
		log_info("IKEv1:(SA ID = %u):%s notify from %s", sa->st_index,
		    ikev1_notify_name(n.type), peer);
		ikev1_dpd_notify(sa, &n);
	}
	for (i = 0; (pl = ikev1_msg_get(m, IKEV1_PL_DELETE, i)) != NULL; i++) {
		if (ikev1_pl_delete(pl, &d, &err) == -1)
			continue;
		if (d.proto == IKEV1_PROTO_ESP && d.spi_size == 4) {
			for (j = 0; j < d.nspi; j++) {
				uint32_t spi = ike_delete_spi(&d, j);

				for (ch = sa->children; ch; ch = ch->next)
					if (ch->spi_out == spi)
						break;
				if (ch == NULL)
					continue;
				log_info("IKEv1:(SA ID = %u):%s deleted IPsec "
				    "SA 0x%08x", sa->st_index, peer, spi);
				if (sa->st_index && st_ike_get(sa->st_index))
					ST_IKE_INC(st_ike_get(sa->st_index), in_p2_sa_del);
				ikev1_child_remove(sa, ch, ST_TERM_PEER_DEL);
			}
		} else if (d.proto == IKEV1_PROTO_ISAKMP && d.spi_size == 16) {
			log_info("IKEv1:(SA ID = %u):%s deleted the ISAKMP SA",
			    sa->st_index, peer);
			/* a reauthentication: the peer, done first, deleted
			 * the old SA before our new one is up; its IPsec SAs
			 * wait for the new SA to adopt them */
			if (sa->children && ikev1_mm_pending(sa))
				ikev1_sa_expire(sa);
			else
				ikev1_sa_end(sa, ST_TERM_PEER_DEL);
			return;
		}
	}
}

/* ---- dispatch ---- */

void
ikev1_input(struct ikev1_engine *e, const struct ifl_addr *src,
    uint16_t sport, const struct ifl_addr *dst, uint16_t dport,
    const uint8_t *pkt, size_t len)
{
	struct ike_perr err;
	struct ike_hdr h;
	struct ikev1_msg *m = NULL;
	struct isakmp_sa *sa;

	e->st.rx++;
	if (ikev1_hdr_parse(pkt, len, &h, &err) == -1) {
		st_ike_count_in(NULL, len);
		ikev1_drop(e, src, sport, err.text);
		goto out;
	}
	if (h.rcookie == 0)
		sa = sa_find_half(e, h.icookie, src, sport);
	else if ((sa = sa_find(e, h.icookie, h.rcookie)) == NULL &&
	    (h.exchange == IKEV1_EXCH_MAIN ||
	    h.exchange == IKEV1_EXCH_AGGRESSIVE))
		sa = sa_find_ours(e, h.icookie);
	st_ike_count_in(sa && sa->st_index ? st_ike_get(sa->st_index) : NULL,
	    len);
	if (sa)
		ikev1_natt_input(sa, src, sport, dst, dport);
	if (sa && sa->last_in && sa->last_out && sa->last_in->len == len &&
	    memcmp(sa->last_in->data, pkt, len) == 0) {
		/* our answer was lost: the same answer again */
		e->st.resent_responses++;
		e->env.send(e->env.arg, &sa->local, sa->lport, &sa->remote,
		    sa->rport, sa->last_out->data, sa->last_out->len);
		goto out;
	}
	if ((m = ikev1_msg_parse(pkt, len, &err)) == NULL) {
		ikev1_drop(e, src, sport, err.text);
		goto out;
	}
	switch (h.exchange) {
	case IKEV1_EXCH_MAIN:
		if (sa == NULL && h.rcookie == 0 && h.msgid == 0)
			ikev1_mm_first(e, m, src, sport, dst, dport);
		else if (sa == NULL || h.rcookie == 0 ||
		    (sa->initiator && h.msgid != 0))
			ikev1_drop(e, src, sport, "Main Mode message for no SA");
		else
			ikev1_mm_input(sa, m);
		break;
	case IKEV1_EXCH_QUICK:
		if (sa == NULL || sa->phase != IKEV1_UP || h.msgid == 0)
			ikev1_drop(e, src, sport, "Quick Mode without an ISAKMP SA");
		else {
			ikev1_dpd_heard(sa);
			ikev1_qm_input(sa, m);
		}
		break;
	case IKEV1_EXCH_INFO:
		if (sa == NULL)
			ikev1_drop(e, src, sport, "Informational for no SA");
		else
			info_input(sa, m);
		break;
	case IKEV1_EXCH_AGGRESSIVE:
		if (sa == NULL && h.rcookie == 0 && h.msgid == 0)
			ikev1_ag_first(e, m, src, sport, dst, dport);
		else if (sa == NULL || h.rcookie == 0 || h.msgid != 0)
			ikev1_drop(e, src, sport,
			    "Aggressive Mode message for no SA");
		else
			ikev1_ag_input(sa, m);
		break;
	default:
		ikev1_drop(e, src, sport, "unsupported exchange type");
	}
out:
	ikev1_msg_free(m);
	/* free what this message ended */
	{
		struct isakmp_sa *s, *n;

		for (s = e->sas; s; s = n) {
			n = s->next;
			if (s->phase == IKEV1_DEAD)
				ikev1_sa_free(s);
		}
	}
}

/* ---- the engine ---- */

/* The phase-1 rekey: the mode sa was made in, with its addresses. */
static int
p1_reauth(struct isakmp_sa *sa)
{
	return (sa->aggressive ? ikev1_ag_start_at : ikev1_mm_start_at)(sa->eng,
	    sa->conn, &sa->local, sa->lport, &sa->remote, sa->rport);
}

struct ikev1_engine *
ikev1_engine_new(const struct ike_env *env, const struct ike_tuning *tuning)
{
	struct ikev1_engine *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	e->env = *env;
	ike_tuning_set(&e->tun, tuning);
	e->next_reqid = 1 << 20;	/* apart from the IKEv2 engine's */
	e->restart = ikev1_initiate;
	e->reauth = p1_reauth;
	return e;
}

void
ikev1_engine_free(struct ikev1_engine *e)
{
	if (e == NULL)
		return;
	while (e->sas) {
		struct isakmp_sa *sa = e->sas;
		struct ikev1_child *ch;

		while ((ch = sa->children) != NULL) {
			sa->children = ch->next;
			if (ch->st_index)
				st_child_end(ch->st_index, ST_TERM_OTHER);
			free(ch);
		}
		if (sa->st_index)
			st_ike_end(sa->st_index, ST_TERM_OTHER);
		sa->st_index = 0;
		ikev1_sa_free(sa);
	}
	free(e);
}

int
ikev1_terminate(struct ikev1_engine *e, const char *conn)
{
	struct isakmp_sa *sa, *n;
	int found = 0;

	if (e == NULL)
		return 0;
	for (sa = e->sas; sa; sa = sa->next)
		if (sa->phase != IKEV1_DEAD && strcmp(sa->conn->name, conn) == 0) {
			sa_delete(sa, ST_TERM_OPER);
			found++;
		}
	for (sa = e->sas; sa; sa = n) {
		n = sa->next;
		if (sa->phase == IKEV1_DEAD)
			ikev1_sa_free(sa);
	}
	return found;
}

int
ikev1_initiate(struct ikev1_engine *e, const struct cfg_conn *conn)
{
	struct isakmp_sa *sa;
	uint16_t port;

	if (e == NULL)
		return -1;
	/* an ISAKMP SA of the connection that is up only needs a Quick Mode
	 * (a child deleted, or an ACQUIRE after the child expired) */
	for (sa = e->sas; sa; sa = sa->next)
		if (sa->conn == conn && sa->phase == IKEV1_UP &&
		    addr_cmp(&sa->remote, &conn->right.addr) == 0) {
			if (sa->qm.msgid)
				return 0;	/* one is under way */
			return ikev1_qm_start(sa);
		}
	if (conn->left.addr.family == 0 || conn->right.addr.family == 0) {
		log_warnx("IKEv1:%s: cannot initiate without both addresses",
		    conn->name);
		return -1;
	}
	port = e->tun.ike_port;
	return (conn->aggressive ? ikev1_ag_start_at : ikev1_mm_start_at)(e,
	    conn, &conn->left.addr, port, &conn->right.addr, port);
}

int
ikev1_child_expired(struct ikev1_engine *e, uint32_t spi, int hard)
{
	struct isakmp_sa *sa;
	struct ikev1_child *ch;

	if (e == NULL)
		return -1;
	for (sa = e->sas; sa; sa = sa->next)
		for (ch = sa->children; ch; ch = ch->next) {
			if (ch->spi_in != spi && ch->spi_out != spi)
				continue;
			if (!hard) {
				/* soft: ours to rekey, once (whichever of
				 * the pair's SAs comes first) */
				if (ch->initiator && !ch->rekeying &&
				    !ch->rekeyed && sa->phase == IKEV1_UP &&
				    sa->reauth) {
					/* our new Main Mode is under way: the
					 * peer may move its children to it
					 * before this SA's Quick Mode ends,
					 * and lose that pair with this SA's
					 * Delete. The new SA rekeys it once
					 * it adopts it (qm_again). */
					ch->rekeying = 1;
					log_info("IKEv1:(SA ID = %u):rekey of "
					    "IPsec SA 0x%08x/0x%08x waits for "
					    "the new ISAKMP SA", sa->st_index,
					    ch->spi_in, ch->spi_out);
					return 0;
				}
				if (ch->initiator && !ch->rekeying &&
				    !ch->rekeyed && sa->phase == IKEV1_UP &&
				    sa->qm.msgid == 0) {
					ch->rekeying = 1;
					log_info("IKEv1:(SA ID = %u):rekeying "
					    "IPsec SA 0x%08x/0x%08x",
					    sa->st_index, ch->spi_in,
					    ch->spi_out);
					return ikev1_qm_start(sa);
				}
				return 0;
			}
			if (sa->phase == IKEV1_UP)
				ikev1_delete_esp(sa, ch->spi_in);
			ikev1_child_remove(sa, ch, ST_TERM_NORMAL);
			/* the last IPsec SA of an expired ISAKMP SA */
			if (sa->phase == IKEV1_EXPIRED && sa->children == NULL)
				ikev1_sa_free(sa);
			return 0;
		}
	return -1;
}

void
ikev1_conn_gone(struct ikev1_engine *e, const struct cfg_conn *conn)
{
	struct isakmp_sa *sa, *n;

	if (e == NULL)
		return;
	for (sa = e->sas; sa; sa = n) {
		n = sa->next;
		if (sa->conn == conn) {
			sa_delete(sa, ST_TERM_OPER);
			ikev1_sa_free(sa);
		}
	}
}

void
ikev1_engine_stats(const struct ikev1_engine *e, struct ikev1_engine_stats *st)
{
	*st = e->st;
}
