/* IKEv1 dead peer detection (RFC 3706): R-U-THERE / R-U-THERE-ACK
 * notifies in protected Informationals, with sequence numbers. A peer
 * that sent the DPD vendor ID and stays quiet for dpddelay is asked; no
 * answer (nor any other protected message) for dpdtimeout and it counts
 * as dead: dpdaction=clear ends the ISAKMP SA and its IPsec SAs, hold
 * routes the connection first so traffic brings it back, restart starts
 * a new Main Mode at once. The settings are IKEv2's (ikev2_sa.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"
#include "keying/ikev1_vendor.h"

static int
dpd_on(const struct isakmp_sa *sa)
{
	return sa->conn->dpdaction != CFG_DPD_NONE && sa->conn->dpddelay > 0 &&
	    (sa->vids & IKEV1_VID_BIT(IKEV1_VID_DPD));
}

/* The sequence number is the notify's data (RFC 3706 §5.1); the
 * cookies are its SPI. */
static void
dpd_send(struct isakmp_sa *sa, uint16_t type, uint32_t seq)
{
	uint8_t b[4];

	b[0] = (uint8_t)(seq >> 24);
	b[1] = (uint8_t)(seq >> 16);
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	ikev1_notify_send_data(sa, type, b, sizeof(b));
}

static void
dpd_dead(struct isakmp_sa *sa)
{
	struct ikev1_engine *e = sa->eng;
	const struct cfg_conn *conn = sa->conn;
	char peer[ADDR_STRLEN + 8];

	ikev1_sa_peer(sa, peer, sizeof(peer));
	/* hold: the trap goes in before the SAs go, so nothing leaves in
	 * the clear between the two */
	if (conn->dpdaction == CFG_DPD_HOLD && e->env.hold) {
		log_info("IKEv1:%s: peer %s dead, holding its traffic",
		    conn->name, peer);
		e->env.hold(e->env.arg, conn);
	}
	ikev1_sa_fail(sa, ST_IKEF_PEER_LOST, "peer %s dead: no answer to "
	    "R-U-THERE %u within dpdtimeout (%u s)", peer, sa->dpd_seq,
	    conn->dpdtimeout);
	if (conn->dpdaction == CFG_DPD_RESTART && conn->left.addr.family &&
	    conn->right.addr.family) {
		log_info("IKEv1:%s: peer %s dead, restarting", conn->name, peer);
		e->restart(e, conn);
	}
	/* no datagram may come to reap it: free it now, as sa_timeout does */
	ikev1_sa_free(sa);
}

static void
dpd_fire(void *arg)
{
	struct isakmp_sa *sa = arg;
	const struct cfg_conn *conn = sa->conn;
	uint64_t now = loop_now_ms(), quiet, delay, timeout;

	if (sa->phase != IKEV1_UP || !dpd_on(sa))
		return;
	quiet = now - sa->last_rx;
	delay = (uint64_t)conn->dpddelay * 1000;
	timeout = (uint64_t)(conn->dpdtimeout ? conn->dpdtimeout :
	    5 * conn->dpddelay) * 1000;
	if (sa->dpd_pending && quiet + 10 >= timeout) {
		dpd_dead(sa);
		return;
	}
	/* only a quiet peer is asked; while unanswered, again each
	 * dpddelay with a new sequence number (RFC 3706 §5.5) */
	if (quiet + 10 >= delay) {
		if (++sa->dpd_seq == 0)
			sa->dpd_seq = 1;
		sa->dpd_pending = 1;
		log_debug("IKEv1:(SA ID = %u):sending R-U-THERE %u",
		    sa->st_index, sa->dpd_seq);
		dpd_send(sa, IKEV1_N_DPD_R_U_THERE, sa->dpd_seq);
	}
	if (sa->dpd_pending && timeout - quiet < delay)
		delay = timeout > quiet ? timeout - quiet : 1;
	else if (!sa->dpd_pending && quiet < delay)
		delay -= quiet;
	loop_timer_set(sa->dpd, delay);
}

void
ikev1_dpd_start(struct isakmp_sa *sa)
{
	sa->last_rx = loop_now_ms();
	if (!dpd_on(sa))
		return;
	if (sa->dpd == NULL && (sa->dpd = loop_timer_new(dpd_fire, sa)) ==
	    NULL) {
		log_warnx("IKEv1:%s: no DPD: out of memory", sa->conn->name);
		return;
	}
	/* a random start, as strongSwan's, would not help: one per SA */
	sa->dpd_seq = 0;
	sa->dpd_pending = 0;
	loop_timer_set(sa->dpd, (uint64_t)sa->conn->dpddelay * 1000);
}

void
ikev1_dpd_heard(struct isakmp_sa *sa)
{
	sa->last_rx = loop_now_ms();
}

void
ikev1_dpd_notify(struct isakmp_sa *sa, const struct ikev1_notify *n)
{
	uint32_t seq;

	if (n->type != IKEV1_N_DPD_R_U_THERE &&
	    n->type != IKEV1_N_DPD_R_U_THERE_ACK)
		return;
	if (n->len != 4 || n->spi_size != 16) {
		log_notice("IKEv1:(SA ID = %u):%s without a sequence number "
		    "or cookies ignored", sa->st_index,
		    ikev1_notify_name(n->type));
		return;
	}
	seq = (uint32_t)n->data[0] << 24 | (uint32_t)n->data[1] << 16 |
	    (uint32_t)n->data[2] << 8 | n->data[3];
	if (n->type == IKEV1_N_DPD_R_U_THERE) {
		dpd_send(sa, IKEV1_N_DPD_R_U_THERE_ACK, seq);
		return;
	}
	if (sa->dpd_pending && seq == sa->dpd_seq)
		sa->dpd_pending = 0;
	else
		log_info("IKEv1:(SA ID = %u):R-U-THERE-ACK %u does not answer "
		    "R-U-THERE %u", sa->st_index, seq, sa->dpd_seq);
}
