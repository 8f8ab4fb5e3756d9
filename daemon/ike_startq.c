/* The pace of auto=start: with initiate_max set, at most that many IKE SAs
 * this gateway initiated negotiate at once, and the other auto=start
 * connections wait here, in the configuration's order, for a place.
 *
 * Without it a gateway with thousands of auto=start connections sends
 * thousands of IKE_SA_INITs in one burst at every start: the peers'
 * receive buffers drop most of them, their DoS protection answers the rest
 * with cookies, and each lost request costs a retransmission seconds later
 * (bench/README-ike.md: 10,000 at once cost 68,178 dropped datagrams, and
 * strongSwan as the responder had answered 430 after seven minutes).
 *
 * A place frees when an IKE SA of ours leaves the connecting state (up or
 * failed); the queue looks every STARTQ_TICK_MS while it holds names. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "daemon/ike_startq.h"
#include "state/state.h"

#define STARTQ_TICK_MS	100

static struct {
	char		(*name)[ST_NAME_MAX];
	size_t		head, n, cap;
	uint32_t	max;
	ike_startq_fn	start;
	struct loop_timer *timer;
	uint64_t	queued;		/* since the queue was last empty */
} q;

/* IKE SAs of ours still negotiating, counted up to `limit` */
static uint32_t
ours_connecting(uint32_t limit)
{
	uint32_t n = 0;

	for (const struct st_ike *ike = st_ike_next(0); ike && n < limit;
	    ike = st_ike_next(ike->index))
		if (ike->initiator && ike->state == ST_IKE_CONNECTING)
			n++;
	return n;
}

static void
queue_reset(void)
{
	free(q.name);
	q.name = NULL;
	q.head = q.n = q.cap = 0;
	q.queued = 0;
}

static void
drain(void *arg)
{
	uint32_t busy;

	(void)arg;
	busy = q.max ? ours_connecting(q.max) : 0;
	while (q.head < q.n && (q.max == 0 || busy < q.max))
		if (q.start(q.name[q.head++]) == 0)
			busy++;
	if (q.head < q.n) {
		loop_timer_set(q.timer, STARTQ_TICK_MS);
		return;
	}
	log_info("IKE: the %llu queued auto=start connections are initiated",
	    (unsigned long long)q.queued);
	queue_reset();
}

void
ike_startq_setup(uint32_t max, ike_startq_fn start)
{
	if (q.timer == NULL) {
		if ((q.timer = loop_timer_new(drain, NULL)) == NULL)
			log_warnx("IKE: no timer for initiate_max: auto=start "
			    "connections are initiated at once");
		else
			loop_timer_name(q.timer, "auto=start queue");
	}
	if (q.max != max && q.n > q.head)
		log_info("IKE: initiate_max now %u; %zu auto=start connections "
		    "waiting", max, q.n - q.head);
	q.max = max;
	q.start = start;
	/* a limit lifted or raised: the waiting go at the next turn */
	if (q.timer && q.n > q.head)
		loop_timer_set(q.timer, 0);
}

int
ike_startq_add(const char *name)
{
	if (q.max == 0 || q.timer == NULL || q.start == NULL)
		return 0;
	if (q.n == q.cap) {
		size_t cap = q.cap ? q.cap * 2 : 64;
		char (*p)[ST_NAME_MAX] = realloc(q.name, cap * sizeof(*p));

		if (p == NULL) {
			log_warnx("IKE:%s: out of memory for the auto=start queue: "
			    "initiated at once", name);
			return 0;
		}
		q.name = p;
		q.cap = cap;
	}
	snprintf(q.name[q.n++], ST_NAME_MAX, "%s", name);
	if (q.queued++ == 0)
		log_info("IKE: auto=start connections initiated %u at a time "
		    "(initiate_max)", q.max);
	if (!loop_timer_pending(q.timer))
		loop_timer_set(q.timer, 0);
	return 1;
}

size_t
ike_startq_waiting(void)
{
	return q.n - q.head;
}

uint32_t
ike_startq_max(void)
{
	return q.max;
}

void
ike_startq_clear(void)
{
	queue_reset();
	if (q.timer) {
		loop_timer_free(q.timer);
		q.timer = NULL;
	}
	q.max = 0;
	q.start = NULL;
}
