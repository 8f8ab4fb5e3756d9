/* Fresh data-plane counters on demand. The kernel keeps the per-SA counters;
 * the state model holds what the last fold (a dump of every SA) read. The
 * refresh timer folds every few seconds, which is fine for history but not
 * for an operator who pings and looks at once: readers that show counters
 * ask for a fold no older than they can stand, and only the first reader
 * within that age pays for it. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "state/state.h"

/* A fold on demand takes at most 1/ST_COUNTERS_COST of the time: with
 * tens of thousands of SAs on a slow or busy machine, a fold can cost a
 * good part of a second, and a long SNMP walk asking every second would
 * spend its time folding. */
#define ST_COUNTERS_COST	20

static int	(*fold_fn)(void);
static uint64_t	folded_ms;	/* st_now_ms() of the last fold; 0: never */
static uint64_t	folds;
static uint64_t	demand_cost_ms;	/* how long the last fold on demand took */

/* Readers that can answer later (the web server) wait for a fold in steps
 * instead of holding the loop for a fold at once. */
static int	(*step_fn)(void);
static uint64_t	step_demand_ms;	/* st_now_ms() when a waiter started one; 0: none */
struct waiter {
	uint64_t	need_ms;	/* a fold that started at or after this will do */
	void		(*ready)(void *);
	void		*arg;
};
static struct waiter *waiters;
static size_t	nwait, capwait;

/* Readers of a few tunnels read those tunnels' SAs alone. */
static int	(*some_fn)(const struct st_child *const *kids, size_t n);
static struct st_counters_stats some_stats;

void
st_counters_source(int (*fold)(void))
{
	fold_fn = fold;
	folded_ms = demand_cost_ms = 0;
}

void
st_counters_folded(void)
{
	st_counters_folded_at(st_now_ms());
}

/* Wakes the waiters a fold that started at start_ms serves (all of them
 * when all is set), in the order they came. */
static void
wake(uint64_t start_ms, int all)
{
	size_t w = 0, n = nwait;

	for (size_t i = 0; i < n; i++) {
		struct waiter x = waiters[i];

		if (!all && x.need_ms > start_ms) {
			waiters[w++] = x;
			continue;
		}
		/* (ready only flags its reader for a later turn: no re-entry) */
		x.ready(x.arg);
	}
	nwait = w;
}

void
st_counters_folded_at(uint64_t start_ms)
{
	if (start_ms > folded_ms)
		folded_ms = start_ms;
	folds++;
	if (step_demand_ms != 0 && start_ms >= step_demand_ms) {
		uint64_t now = st_now_ms();

		/* counted as the wall time it took: the loop ran on meanwhile,
		 * but the kernel's and our CPU went to it */
		demand_cost_ms = now >= start_ms ? now - start_ms : 0;
		step_demand_ms = 0;
	}
	wake(start_ms, 0);
}

uint64_t
st_counters_generation(void)
{
	/* a page read changes some tunnels' counters too */
	return folds + some_stats.some - some_stats.some_failed;
}

/* The age a reader asking for max_age_ms gets: never so young that folds
 * on demand take more than 1/ST_COUNTERS_COST of the time. */
static uint64_t
age_allowed(uint32_t max_age_ms)
{
	uint64_t age = max_age_ms;

	if (demand_cost_ms * ST_COUNTERS_COST > age)
		age = demand_cost_ms * ST_COUNTERS_COST;
	return age;
}

static int
fresh_enough(uint64_t now, uint64_t age)
{
	return folded_ms != 0 && now >= folded_ms && now - folded_ms <= age;
}

int
st_counters_fresh(uint32_t max_age_ms)
{
	uint64_t now = st_now_ms(), age = age_allowed(max_age_ms), end;
	int r;

	if (fold_fn == NULL || fresh_enough(now, age))
		return 0;
	/* the fold stamps itself (st_counters_folded) when it succeeds */
	r = fold_fn();
	end = st_now_ms();
	demand_cost_ms = end >= now ? end - now : 0;
	return r < 0 ? -1 : 1;
}

void
st_counters_step_source(int (*start)(void))
{
	step_fn = start;
	step_demand_ms = 0;
	if (start == NULL)
		wake(0, 1);	/* no fold will come: answer with what there is */
}

int
st_counters_wait(uint32_t max_age_ms, void (*ready)(void *), void *arg)
{
	uint64_t now = st_now_ms(), age = age_allowed(max_age_ms);
	int r;

	if (fold_fn == NULL || fresh_enough(now, age))
		return 0;
	if (nwait == capwait) {
		size_t cap = capwait ? capwait * 2 : 8;
		struct waiter *nw = step_fn ? realloc(waiters, cap * sizeof(*nw)) : NULL;

		if (nw == NULL) {
			(void)st_counters_fresh(max_age_ms);
			return 0;
		}
		waiters = nw;
		capwait = cap;
	}
	/* one under way (-EBUSY) serves us if it started late enough, or
	 * st_counters_step_ended() starts the next */
	if ((r = step_fn()) < 0 && r != -EBUSY) {
		(void)st_counters_fresh(max_age_ms);
		return 0;
	}
	if (r == 0 && step_demand_ms == 0)
		step_demand_ms = now;
	waiters[nwait++] = (struct waiter){ now > age ? now - age : 0, ready, arg };
	return 1;
}

int
st_counters_kick(uint32_t max_age_ms)
{
	uint64_t now = st_now_ms();
	int r;

	if (fold_fn == NULL || fresh_enough(now, age_allowed(max_age_ms)))
		return 0;
	if (step_fn == NULL || ((r = step_fn()) < 0 && r != -EBUSY))
		return -1;
	/* its wall time counts against folds on demand, as a waiter's does */
	if (r == 0 && step_demand_ms == 0)
		step_demand_ms = now;
	return 1;
}

void
st_counters_step_ended(void)
{
	int r;

	if (nwait == 0)
		return;
	if (step_fn != NULL && (r = step_fn()) == 0) {
		if (step_demand_ms == 0)
			step_demand_ms = st_now_ms();
		return;
	}
	/* no fold in steps to be had: one at once, and every waiter answers */
	(void)st_counters_fresh(0);
	wake(0, 1);
}

void
st_counters_release(void (*ready)(void *))
{
	size_t w = 0, n = nwait;

	for (size_t i = 0; i < n; i++) {
		struct waiter x = waiters[i];

		if (x.ready != ready) {
			waiters[w++] = x;
			continue;
		}
		x.ready(x.arg);
	}
	nwait = w;
	if (nwait == 0) {
		free(waiters);
		waiters = NULL;
		capwait = 0;
	}
}

void
st_counters_some_source(int (*fold)(const struct st_child *const *kids, size_t n))
{
	some_fn = fold;
}

int
st_counters_fresh_for(const struct st_child *const *kids, size_t n, uint32_t max_age_ms)
{
	uint64_t now = st_now_ms();
	int r;

	if (fold_fn == NULL || fresh_enough(now, age_allowed(max_age_ms)) || n == 0)
		return 0;
	if (some_fn == NULL)
		return -1;
	r = some_fn(kids, n);
	some_stats.some++;
	if (r < 0) {
		some_stats.some_failed++;
		return -1;
	}
	some_stats.some_tunnels += n;
	some_stats.some_sas += (uint64_t)r;
	return 0;
}

void
st_counters_stats(struct st_counters_stats *out)
{
	*out = some_stats;
	out->folds = folds;
}
