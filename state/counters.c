/* Fresh data-plane counters on demand. The kernel keeps the per-SA counters;
 * the state model holds what the last fold (a dump of every SA) read. The
 * refresh timer folds every few seconds, which is fine for history but not
 * for an operator who pings and looks at once: readers that show counters
 * ask for a fold no older than they can stand, and only the first reader
 * within that age pays for it. */
#include "config.h"

#include <stddef.h>

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

void
st_counters_folded_at(uint64_t start_ms)
{
	if (start_ms > folded_ms)
		folded_ms = start_ms;
	folds++;
}

uint64_t
st_counters_generation(void)
{
	return folds;
}

int
st_counters_fresh(uint32_t max_age_ms)
{
	uint64_t now = st_now_ms(), age = max_age_ms, end;
	int r;

	if (fold_fn == NULL)
		return 0;
	if (demand_cost_ms * ST_COUNTERS_COST > age)
		age = demand_cost_ms * ST_COUNTERS_COST;
	if (folded_ms != 0 && now >= folded_ms && now - folded_ms <= age)
		return 0;
	/* the fold stamps itself (st_counters_folded) when it succeeds */
	r = fold_fn();
	end = st_now_ms();
	demand_cost_ms = end >= now ? end - now : 0;
	return r < 0 ? -1 : 1;
}
