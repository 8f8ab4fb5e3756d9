/* Fresh data-plane counters on demand. The kernel keeps the per-SA counters;
 * the state model holds what the last fold (a dump of every SA) read. The
 * refresh timer folds every few seconds, which is fine for history but not
 * for an operator who pings and looks at once: readers that show counters
 * ask for a fold no older than they can stand, and only the first reader
 * within that age pays for it. */
#include "config.h"

#include <stddef.h>

#include "state/state.h"

static int	(*fold_fn)(void);
static uint64_t	folded_ms;	/* st_now_ms() of the last fold; 0: never */
static uint64_t	folds;

void
st_counters_source(int (*fold)(void))
{
	fold_fn = fold;
	folded_ms = 0;
}

void
st_counters_folded(void)
{
	folded_ms = st_now_ms();
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
	uint64_t now = st_now_ms();

	if (fold_fn == NULL)
		return 0;
	if (folded_ms != 0 && now >= folded_ms && now - folded_ms <= max_age_ms)
		return 0;
	/* the fold stamps itself (st_counters_folded) when it succeeds */
	return fold_fn() < 0 ? -1 : 1;
}
