/* Internals shared by the state model's files (state.c, hist.c, persist.c). */
#ifndef IKEFLOW_STATE_INT_H
#define IKEFLOW_STATE_INT_H

#include "state/rows.h"
#include "state/spimap.h"
#include "state/state.h"

#define ST_MAX_SUBS		16
#define ST_DEFAULT_TABLE	200	/* Cisco's default history / failure table size */
#define ST_INDEX_MAX		0x7fffffffU	/* MIB Integer32 (1..2147483647) */
#define ST_STATE_FILE		"ikeflowd.state"

struct conn_node {
	struct st_conn	c;		/* first: rows key on its index */
	uint64_t	gen;
	uint32_t	tunnels;	/* children rows of that name (st_conn_tunnels) */
};

struct child_node {
	struct st_child	c;		/* first: rows key on its index */
	unsigned	rekey_dirs;	/* directions replaced since the last rekey event */
};

struct st_ctx {
	struct sorted	conns, ikes, children;	/* rows by index */
	struct sorted	conn_names;	/* the same connections sorted by name */
	/* the connections with no tunnel, by index, kept with the counts: the
	 * dashboard's first page lists them without a walk of every one */
	struct sorted	conn_lone;
	struct sorted	ike_hist, child_hist, ike_fails, ipsec_fails;
	struct spimap	spis;
	/* next index of each table; persisted so restarts don't reuse them */
	uint32_t	next_conn, next_ike, next_child;
	uint32_t	next_ike_hist, next_child_hist, next_ike_fail, next_ipsec_fail;
	uint64_t	conn_gen;
	int		conn_counts_stale;	/* tunnels per connection (and the
						 * lone ones): recount first */
	uint32_t	hist_size, fail_size;
	uint32_t	ike_up, child_up;
	uint64_t	init_mono;
	/* counters of ended SAs and of packets without an SA; the live ones are
	 * added at read time so the per-SA counters are the only truth */
	struct st_ike_global	ike_base, ike_view;
	struct st_ike_counters	ike_live;	/* the live IKE SAs' sum */
	struct st_ipsec_global	ipsec_base, kernel;
	/* the live children's totals, kept where SA counters rise, tunnels
	 * end or come back from the state file: the globals cost O(1) to
	 * read, not a sum over every tunnel at each look */
	struct st_child_counters live;
	struct {
		st_event_fn	fn;
		void		*arg;
	} subs[ST_MAX_SUBS];
	int		nsubs;
};

extern struct st_ctx st_ctx;

void	st_emit(enum st_event ev, uint32_t index, const void *rec);
/* Takes the next index of a table, or 0 when exhausted. */
uint32_t st_take_index(uint32_t *next, const char *table);
/* Gives a new record (calloc'ed, index first) the next index of its table
 * and appends it to the rows. The record, or NULL when it was freed. */
void	*st_rows_add(struct sorted *r, uint32_t *next, const char *table, void *rec);
/* Drops the oldest rows until at most max remain. */
void	st_trim(struct sorted *r, uint32_t max);
/* A child row of connection name came (+1) or went (-1): its count. */
void	st_conn_tunnels_add(const char *name, int delta);
/* History records of a tunnel as it is now (appended; the caller trims). */
struct st_ike_hist *st_hist_ike_add(const struct st_ike *ike, enum st_term reason);
struct st_child_hist *st_hist_child_add(const struct st_child *ch, enum st_term reason);
void	st_counters_add(struct st_child_counters *to, const struct st_child_counters *c);
void	st_counters_sub(struct st_child_counters *to, const struct st_child_counters *c);

#endif
