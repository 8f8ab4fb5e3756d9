#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "state/state_int.h"

const struct st_ike_hist *
st_ike_hist_next(uint32_t after)
{
	return rows_next(&st_ctx.ike_hist, after);
}

const struct st_child_hist *
st_child_hist_next(uint32_t after)
{
	return rows_next(&st_ctx.child_hist, after);
}

const struct st_ike_failrec *
st_ike_fail_next(uint32_t after)
{
	return rows_next(&st_ctx.ike_fails, after);
}

const struct st_ipsec_failrec *
st_ipsec_fail_next(uint32_t after)
{
	return rows_next(&st_ctx.ipsec_fails, after);
}

#define FAIL_KINDS	16	/* connections told apart when trimming */

/* The oldest record of the connection with the most records in the IKE
 * failure table (records of no connection are one more kind). One pass;
 * past FAIL_KINDS connections, the later ones are not candidates. */
static struct st_ike_failrec *
ike_fails_biggest(void)
{
	struct { struct st_ike_failrec *oldest; uint32_t n; } k[FAIL_KINDS];
	struct st_ike_failrec *f;
	size_t nk = 0, i, best = 0;

	for (f = rows_next(&st_ctx.ike_fails, 0); f; f = rows_next(&st_ctx.ike_fails, f->index)) {
		for (i = 0; i < nk; i++)
			if (strcmp(k[i].oldest->conn, f->conn) == 0)
				break;
		if (i == nk) {
			if (nk == FAIL_KINDS)
				continue;
			k[nk].oldest = f;
			k[nk++].n = 0;
		}
		k[i].n++;
	}
	for (i = 1; i < nk; i++)
		if (k[i].n > k[best].n)
			best = i;
	return nk ? k[best].oldest : NULL;
}

/* Failures of no configured connection (stray or spoofed IKE_SA_INITs)
 * take at most a quarter of the table: past that, a new one replaces the
 * oldest of its kind, so a flood never evicts the records of configured
 * tunnels an operator is looking for. Once the table is full, the
 * connection with the most records gives up its own oldest: a connection
 * open to any peer collects a record for every half-open SA of a flood
 * that answers cookies (each times out), and that must not evict the
 * other tunnels' records either. */
static void
ike_fails_trim(void)
{
	uint32_t budget = st_ctx.fail_size / 4 ? st_ctx.fail_size / 4 : 1, n = 0, total = 0;
	struct st_ike_failrec *f, *oldest = NULL;

	for (f = rows_next(&st_ctx.ike_fails, 0); f;
	    f = rows_next(&st_ctx.ike_fails, f->index), total++)
		if (f->conn[0] == '\0') {
			if (oldest == NULL)
				oldest = f;
			n++;
		}
	if (n > budget && oldest != NULL) {
		free(rows_remove(&st_ctx.ike_fails, oldest->index));
		total--;
	}
	if (total > st_ctx.fail_size && (oldest = ike_fails_biggest()) != NULL)
		free(rows_remove(&st_ctx.ike_fails, oldest->index));
	st_trim(&st_ctx.ike_fails, st_ctx.fail_size);
}

struct st_ike_failrec *
st_ike_fail(enum st_ike_fail reason, const char *conn, const struct ifl_addr *local,
    const struct ifl_addr *remote, const char *detail)
{
	struct st_ike_global *g = &st_ctx.ike_base;
	struct st_ike_failrec *f;
	struct st_conn *c;
	uint32_t index;

	switch (reason) {
	case ST_IKEF_AUTH:	g->auth_fails++; break;
	case ST_IKEF_HASH:	g->hash_fails++; break;
	case ST_IKEF_ENCRYPT:	g->decrypt_fails++; break;
	case ST_IKEF_SYSCAP:	g->syscap_fails++; break;
	case ST_IKEF_NO_SA:	g->nosa_fails++; break;
	default:		break;
	}
	if ((c = st_conn_find(conn)) != NULL)
		c->fail_count++;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	if (st_rows_add(&st_ctx.ike_fails, &st_ctx.next_ike_fail, "IKE failure",
	    f) == NULL)
		return NULL;
	f->reason = reason;
	f->when = st_now_wall();
	f->when_mono = st_now_ms();
	snprintf(f->conn, sizeof(f->conn), "%s", conn ? conn : "");
	snprintf(f->detail, sizeof(f->detail), "%s", detail ? detail : "");
	f->local_id_type = f->remote_id_type = ST_ID_ADDR;
	if (local) {
		f->local = *local;
		addr_str(local, f->local_id, sizeof(f->local_id));
	}
	if (remote) {
		f->remote = *remote;
		addr_str(remote, f->remote_id, sizeof(f->remote_id));
	}
	st_emit(ST_EV_IKE_FAIL, f->index, f);
	index = f->index;
	ike_fails_trim();
	/* a table of size 0 keeps nothing */
	return rows_find(&st_ctx.ike_fails, index);
}

struct st_ipsec_failrec *
st_ipsec_fail(enum st_ipsec_fail reason, uint32_t tunnel_index, uint32_t spi,
    const struct ifl_addr *src, const struct ifl_addr *dst, const char *detail)
{
	struct st_ipsec_global *g = &st_ctx.ipsec_base;
	const struct st_child *ch = st_child_find(tunnel_index);
	struct st_ipsec_failrec *f;
	uint32_t index;

	switch (reason) {
	case ST_IPF_NO_SA:	g->nosa_fails++; break;
	case ST_IPF_SYSCAP:	g->syscap_fails++; break;
	case ST_IPF_PROTO_USE:	g->protocol_use_fails++; break;
	default:		break;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	if (st_rows_add(&st_ctx.ipsec_fails, &st_ctx.next_ipsec_fail, "IPsec failure",
	    f) == NULL)
		return NULL;
	f->reason = reason;
	f->when = st_now_wall();
	f->when_mono = st_now_ms();
	f->tunnel_index = tunnel_index;
	f->spi = spi;
	if (src)
		f->src = *src;
	if (dst)
		f->dst = *dst;
	if (ch)
		snprintf(f->conn, sizeof(f->conn), "%s", ch->conn);
	snprintf(f->detail, sizeof(f->detail), "%s", detail ? detail : "");
	st_emit(ST_EV_IPSEC_FAIL, f->index, f);
	index = f->index;
	st_trim(&st_ctx.ipsec_fails, st_ctx.fail_size);
	/* a table of size 0 keeps nothing */
	return rows_find(&st_ctx.ipsec_fails, index);
}

struct st_ike_hist *
st_hist_ike_add(const struct st_ike *ike, enum st_term reason)
{
	struct st_ike_hist *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		log_err("%s: out of memory, IKE SA %u not in history", __func__, ike->index);
		return NULL;
	}
	if (st_rows_add(&st_ctx.ike_hist, &st_ctx.next_ike_hist, "IKE history",
	    h) == NULL)
		return NULL;
	h->reason = reason;
	h->ike = *ike;
	h->active_ms = st_now_ms() - ike->start_mono;
	return h;
}

struct st_child_hist *
st_hist_child_add(const struct st_child *ch, enum st_term reason)
{
	struct st_child_hist *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		log_err("%s: out of memory, child %u not in history", __func__, ch->index);
		return NULL;
	}
	if (st_rows_add(&st_ctx.child_hist, &st_ctx.next_child_hist, "child history",
	    h) == NULL)
		return NULL;
	h->reason = reason;
	h->child = *ch;
	/* the record keeps its SAs' SPIs; all counts move into retired so that
	 * st_child_totals() on the record gives the final totals */
	st_child_totals(ch, &h->child.retired);
	for (int i = 0; i < h->child.nsa; i++)
		memset(&h->child.sa[i].c, 0, sizeof(h->child.sa[i].c));
	h->active_ms = st_now_ms() - ch->start_mono;
	return h;
}

void
st_checkpoint(void)
{
	for (uint32_t i = 0; i < st_ctx.ikes.n; i++) {
		const struct st_ike *ike = st_ctx.ikes.v[i];

		if (ike->start_mono != 0)
			st_hist_ike_add(ike, ST_TERM_CHECKPOINT);
	}
	for (uint32_t i = 0; i < st_ctx.children.n; i++) {
		const struct st_child *ch = st_ctx.children.v[i];

		if (ch->start_mono != 0)
			st_hist_child_add(ch, ST_TERM_CHECKPOINT);
	}
	st_trim(&st_ctx.ike_hist, st_ctx.hist_size);
	st_trim(&st_ctx.child_hist, st_ctx.hist_size);
}
