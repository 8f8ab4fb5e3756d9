/* Diffie-Hellman key pairs made ahead of time on worker threads, so that the
 * event loop spends no time in key generation (for MODP-2048 and up the
 * slowest step of an IKE_SA_INIT) and a multi-core gateway uses its other
 * cores. The pool keeps up to `depth` ready key pairs per configured group;
 * dh_new() (crypto.h) takes one when there is one and otherwise generates
 * inline as without a pool. Each key pair leaves the pool exactly once, under
 * the pool's lock: no private value is ever handed out twice.
 *
 * dh_pool_start/stop/set_groups belong to the thread that owns the pool (the
 * event loop); dh_new and the read-only calls may come from any thread. */
#ifndef IKEFLOW_CRYPTO_DH_POOL_H
#define IKEFLOW_CRYPTO_DH_POOL_H

#include <stddef.h>
#include <stdint.h>

struct dh;
struct ifl_config;

#define DH_POOL_MAX_WORKERS	64
#define DH_POOL_MAX_GROUPS	8
#define DH_POOL_MAX_DEPTH	64
#define DH_POOL_DEPTH		8	/* the daemon's depth per group */

/* Starts `workers` threads filling `depth` key pairs for each group (unknown
 * or unsupported groups are skipped with a warning, duplicates merged, at
 * most DH_POOL_MAX_GROUPS kept). workers == 0 starts nothing: dh_new stays
 * inline. Calling it while a pool runs is an error. 0 / -1 (logged). */
int	dh_pool_start(unsigned workers, const uint16_t *groups, size_t ngroups,
	    unsigned depth);
/* Stops and joins the workers and frees (and so wipes) every key pair not
 * taken. Counters are kept until the next start. No pool: no-op. */
void	dh_pool_stop(void);
/* Replaces the group set (on reload): key pairs of groups still wanted stay,
 * those of dropped groups are freed. No pool: no-op. 0 / -1. */
int	dh_pool_set_groups(const uint16_t *groups, size_t ngroups);
/* Whether a pool with workers is running. */
int	dh_pool_running(void);

/* A ready key pair for the group, taken out of the pool, or NULL (no pool,
 * group not pooled, or none ready yet: counted as a miss). A hit wakes a
 * worker to refill. dh_new() calls this first. */
struct dh *dh_pool_take(uint16_t group);

struct dh_pool_stats {
	unsigned	workers;	/* threads running */
	unsigned	ngroups;
	unsigned	depth;
	unsigned	ready;		/* key pairs waiting, all groups */
	uint64_t	hits;		/* dh_new served from the pool */
	uint64_t	misses;		/* pooled group, none ready: made inline */
	uint64_t	generated;	/* key pairs made by the workers */
	uint64_t	failed;		/* worker key generations that failed */
};

void	dh_pool_stats(struct dh_pool_stats *st);
/* Key pairs ready for one group (0 if not pooled). */
unsigned dh_pool_ready(uint16_t group);

/* The groups a configuration negotiates first: the first DH group of every
 * IKE proposal and the PFS group of every ESP proposal of every connection,
 * deduplicated in that order, at most max (<= DH_POOL_MAX_GROUPS useful).
 * Returns the count written to out. */
size_t	dh_pool_conf_groups(const struct ifl_config *cfg, uint16_t *out,
	    size_t max);

/* Key generation without the pool and without logging (worker threads must
 * not log: the log sinks belong to the event loop). NULL on failure. */
struct dh *dh_generate(uint16_t group);
/* Whether crypto_dh.c knows the group. */
int	dh_group_known(uint16_t group);

#endif
