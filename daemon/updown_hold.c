/* IKE messages to a peer held while its new tunnel's up scripts run.
 * charon runs the updown script of a child it answers before it sends the
 * IKE_AUTH (or CREATE_CHILD_SA) answer, so when the initiator's `ipsec up`
 * returns, the firewall rules of leftfirewall=yes are in on both sides and
 * traffic sent at once passes. ikeflowd runs its scripts asynchronously
 * (daemon/updown.c): to keep that promise it holds what it sends to the
 * peer until the connection's scripts are done, then sends it in order.
 * The scripts' own timeout bounds the hold. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "config/config.h"
#include "daemon/ike_daemon.h"
#include "daemon/updown.h"

#define HOLD_PKTS_MAX	16	/* per peer: a few retransmits at most */

struct held_pkt {
	struct ifl_addr	 src, dst;
	uint16_t	 sport, dport;
	size_t		 len;
	struct held_pkt	*next;
	uint8_t		 pkt[];
};

struct hold {
	char		 conn[CFG_NAME_MAX];
	struct ifl_addr	 peer;
	size_t		 n;
	struct held_pkt	*pkts, **tail;
	struct hold	*next;
};

static struct hold *holds;

void
updown_hold_start(const char *conn, const struct ifl_addr *peer)
{
	struct hold *h;

	for (h = holds; h; h = h->next)
		if (strcmp(h->conn, conn) == 0 && addr_cmp(&h->peer, peer) == 0)
			return;
	/* without memory the answer just goes at once */
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return;
	snprintf(h->conn, sizeof(h->conn), "%s", conn);
	h->peer = *peer;
	h->tail = &h->pkts;
	h->next = holds;
	holds = h;
}

int
updown_hold_send(const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	struct held_pkt *p;
	struct hold *h;

	for (h = holds; h; h = h->next)
		if (addr_cmp(&h->peer, dst) == 0)
			break;
	if (h == NULL || h->n >= HOLD_PKTS_MAX ||
	    (p = malloc(sizeof(*p) + len)) == NULL)
		return 0;
	p->src = *src;
	p->dst = *dst;
	p->sport = sport;
	p->dport = dport;
	p->len = len;
	memcpy(p->pkt, pkt, len);
	p->next = NULL;
	*h->tail = p;
	h->tail = &p->next;
	h->n++;
	return 1;
}

static void
hold_end(struct hold *h, int send)
{
	struct held_pkt *p;

	while ((p = h->pkts) != NULL) {
		h->pkts = p->next;
		if (send)
			ike_socket_send(&p->src, p->sport, &p->dst, p->dport, p->pkt,
			    p->len);
		free(p);
	}
	free(h);
}

void
updown_hold_release(const char *conn, int send)
{
	struct hold **pp = &holds, *h;

	while ((h = *pp) != NULL) {
		if (conn != NULL && strcmp(h->conn, conn) != 0) {
			pp = &h->next;
			continue;
		}
		*pp = h->next;
		if (h->n)
			log_debug("IKE:%s: %zu message(s) to the peer sent after the "
			    "updown scripts", h->conn, h->n);
		hold_end(h, send);
	}
}
