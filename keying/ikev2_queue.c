/* The queue of an IKE SA's requests (window 1: one outstanding at a
 * time): what the operator, the kernel and the timers asked for waits as
 * exchange objects in sa->xq, in kind order (deleting the IKE SA, its
 * rekey, child deletes, child rekeys, a liveness check), and
 * ike_queue_run() starts the first one when the window is free. Above the
 * exchanges it starts, with the operator's entry points that feed it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev2_sa.h"

void
ike_queue_run(struct ike_sa *sa)
{
	struct ike_xchg *x;

	/* one outstanding request (window 1); one that cannot start is dropped
	 * and the next one tried */
	while (sa->req == NULL && sa->phase == IKE_UP && (x = sa->xq) != NULL) {
		sa->xq = x->next;
		x->next = NULL;
		if (x->ops->start(sa, x) == 0)
			return;
		ike_xchg_free(sa, x);
	}
}

void
ike_queue_kicked(struct ikev2_engine *e)
{
	struct ike_sa *sa;

	while ((sa = e->kicked) != NULL) {
		e->kicked = sa->kick_next;
		sa->kicked = 0;
		ike_queue_run(sa);
	}
}

/* ---- the operator's entry points ---- */

/* An established SA is deleted with the peer; one still negotiating just ends. */
static void
ike_sa_terminate(struct ike_sa *sa)
{
	if (sa->phase == IKE_UP) {
		ike_sa_delete_later(sa, ST_TERM_OPER);
		ike_queue_run(sa);
	} else if (sa->phase != IKE_DELETING)
		ike_sa_end(sa, ST_TERM_OPER);
}

/* Ends every live IKE SA for which match() holds; how many. */
static int
terminate_matching(struct ikev2_engine *e, int (*match)(const struct ike_sa *, const void *),
    const void *arg)
{
	struct ike_sa *sa;
	int n = 0;

	e->busy++;
	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->phase == IKE_DEAD || !match(sa, arg))
			continue;
		n++;
		ike_sa_terminate(sa);
	}
	e->busy--;
	ike_sa_reap(e);
	return n;
}

static int
of_conn(const struct ike_sa *sa, const void *conn)
{
	return strcmp(sa->conn->name, conn) == 0;
}

static int
of_index(const struct ike_sa *sa, const void *index)
{
	return sa->st_index == *(const uint32_t *)index;
}

int
ikev2_terminate(struct ikev2_engine *e, const char *conn)
{
	return terminate_matching(e, of_conn, conn);
}

int
ikev2_terminate_index(struct ikev2_engine *e, uint32_t ike_index)
{
	return terminate_matching(e, of_index, &ike_index);
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
				ike_xchg_queue(sa, IKE_X_DELETE_CHILD, ch->spi_in);
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
				ike_xchg_queue(sa, IKE_X_REKEY_CHILD, ch->spi_in);
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
	ike_xchg_queue(sa, IKE_X_REKEY_IKE, 0);
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
	ike_xchg_queue(sa, IKE_X_LIVENESS, 0);
	ike_queue_run(sa);
	e->busy--;
	ike_sa_reap(e);
	return 0;
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
			ike_xchg_queue(sa, IKE_X_DELETE_CHILD, ch->spi_in);
			ike_queue_run(sa);
			e->busy--;
			ike_sa_reap(e);
		}
		return 0;
	}
	return -1;
}
