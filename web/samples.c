/* Throughput samples for the tunnel page's chart: every SAMPLE_SECS the web
 * module reads each live tunnel's cumulative byte counters and keeps the
 * rate over the interval in a ring of SAMPLE_N entries (one hour). Rings are
 * kept by tunnel index in a sorted array, and dropped when the tunnel ends,
 * so memory is bounded by the live tunnels (samples_bytes_per_tunnel). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/loop.h"
#include "state/rows.h"
#include "web/web_int.h"

struct ring {
	uint32_t	index;		/* the child's; first member (state/rows.h) */
	uint16_t	head, count;	/* next slot, slots used */
	uint64_t	last_mono;	/* when last_in/out were read; 0 never */
	uint64_t	last_in, last_out;
	struct sample_pt pt[SAMPLE_N];
};

static struct sorted rings;
static uint64_t sum_in, sum_out;	/* of every ring's latest rate */

/* The pass under way (samples_step): the last tunnel index it took, and
 * the position in rings of the first ring after that index. */
static struct {
	int		 running;
	uint32_t	 after, i;
} pass;

size_t
samples_bytes_per_tunnel(void)
{
	return sizeof(struct ring) + sizeof(void *);
}

static uint32_t
rate(uint64_t now, uint64_t then, uint64_t dt_ms)
{
	uint64_t d = now >= then ? now - then : 0;	/* totals never go back */
	uint64_t r = dt_ms ? d * 1000 / dt_ms : 0;

	return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

/* The ring's latest rate into the running sums (sign 1) or out of them
 * (-1): a pass in steps keeps the sums whole at every step. */
static void
sum_latest(const struct ring *g, int sign)
{
	const struct sample_pt *p;

	if (g->count == 0)
		return;
	p = &g->pt[(g->head + SAMPLE_N - 1) % SAMPLE_N];
	if (sign > 0) {
		sum_in += p->in_bps;
		sum_out += p->out_bps;
	} else {
		sum_in -= p->in_bps;
		sum_out -= p->out_bps;
	}
}

static void
take_one(struct ring *g, const struct st_child *ch, uint64_t now)
{
	struct st_child_counters t;

	st_child_totals(ch, &t);
	sum_latest(g, -1);
	if (g->last_mono && now > g->last_mono) {
		uint64_t dt = now - g->last_mono;

		g->pt[g->head] = (struct sample_pt){
			rate(t.in.octets, g->last_in, dt), rate(t.out.octets, g->last_out, dt) };
		g->head = (uint16_t)((g->head + 1) % SAMPLE_N);
		if (g->count < SAMPLE_N)
			g->count++;
	}
	g->last_mono = now;
	g->last_in = t.in.octets;
	g->last_out = t.out.octets;
	sum_latest(g, 1);
}

static void
ring_drop(uint32_t i)
{
	struct ring *g = sorted_remove_at(&rings, i);

	sum_latest(g, -1);
	free(g);
}

/* Clock reads are not free (a system call in a UML guest): one per this
 * many tunnels. 32 let one step run far past its budget in a slow guest,
 * where 32 tunnels' rings (2 kB each, pages apart) can cost milliseconds;
 * 8 is 1,250 reads a pass at 10,000 tunnels, every SAMPLE_SECS. */
#define SAMPLE_CHECK_EVERY	8

int
samples_step(uint64_t until_us)
{
	const struct st_child *ch;
	uint64_t now = st_now_ms();
	unsigned n = 0;

	if (!pass.running) {
		pass.running = 1;
		pass.after = pass.i = 0;
	}
	/* walk both index orders together: rings of ended tunnels go, new
	 * tunnels (always the highest indexes) get a ring; each ring's rate
	 * is over its own interval, so a pass may span turns */
	while ((ch = st_child_next(pass.after)) != NULL) {
		struct ring *g;

		if (until_us != 0 && ++n % SAMPLE_CHECK_EVERY == 0 && loop_now_us() >= until_us)
			return 0;
		pass.after = ch->index;
		while (pass.i < rings.n && rows_index(rings.v[pass.i]) < ch->index)
			ring_drop(pass.i);
		if (pass.i < rings.n && rows_index(rings.v[pass.i]) == ch->index) {
			take_one(rings.v[pass.i++], ch, now);
			continue;
		}
		if ((g = calloc(1, sizeof(*g))) == NULL)
			continue;
		g->index = ch->index;
		if (sorted_insert_at(&rings, pass.i, g) < 0) {
			free(g);
			continue;
		}
		take_one(rings.v[pass.i++], ch, now);
	}
	while (pass.i < rings.n)
		ring_drop(pass.i);
	pass.running = 0;
	return 1;
}

void
samples_take(void)
{
	pass.running = 0;	/* a pass under way starts again, whole */
	(void)samples_step(0);
}

void
samples_clear(void)
{
	rows_clear(&rings, free);
	sum_in = sum_out = 0;
	pass.running = 0;
}

void
samples_rate_sum(uint64_t *in_bps, uint64_t *out_bps)
{
	*in_bps = sum_in;
	*out_bps = sum_out;
}

int
samples_get(uint32_t child, struct sample_pt *pts, int max, uint64_t *end_mono)
{
	const struct ring *g = rows_find(&rings, child);
	int n, start;

	*end_mono = 0;
	if (g == NULL)
		return 0;
	n = g->count < max ? g->count : max;
	start = (g->head + SAMPLE_N - n) % SAMPLE_N;
	for (int i = 0; i < n; i++)
		pts[i] = g->pt[(start + i) % SAMPLE_N];
	*end_mono = g->last_mono;
	return n;
}

int
samples_rate(uint32_t child, struct sample_pt *now)
{
	const struct ring *g = rows_find(&rings, child);

	memset(now, 0, sizeof(*now));
	if (g == NULL || g->count == 0)
		return -1;
	*now = g->pt[(g->head + SAMPLE_N - 1) % SAMPLE_N];
	return 0;
}

int
samples_since(uint32_t child, struct sample_pt *now)
{
	const struct ring *g = rows_find(&rings, child);
	const struct st_child *ch = st_child_find(child);
	struct st_child_counters t;
	uint64_t ms = st_now_ms();

	memset(now, 0, sizeof(*now));
	if (g == NULL || ch == NULL || g->last_mono == 0 || ms < g->last_mono + 1000)
		return -1;
	st_child_totals(ch, &t);
	now->in_bps = rate(t.in.octets, g->last_in, ms - g->last_mono);
	now->out_bps = rate(t.out.octets, g->last_out, ms - g->last_mono);
	return 0;
}
