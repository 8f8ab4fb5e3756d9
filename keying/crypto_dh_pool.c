/* A bounded pool of single-use DH key pairs, filled by worker threads.
 *
 * One mutex guards everything below; one condition variable wakes the
 * workers when a key pair was taken or the group set changed. A worker holds
 * no lock while it generates. Workers never log (the log sinks are the event
 * loop's); a failed generation is counted and the group is not refilled
 * until the groups are set again, so a broken group cannot spin a worker. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"
#include "config/config.h"
#include "keying/crypto.h"
#include "keying/crypto_dh_pool.h"

/* Workers run this much nicer than the event loop. On a busy 2-CPU host a
 * worker at the loop's priority preempted it thousands of times per 2000
 * exchanges; at 5 it rarely does and still takes a fair share of a CPU that
 * something else also wants (bench/dh-pool.md). */
#ifndef DH_POOL_NICE
#define DH_POOL_NICE	5
#endif

struct pool_group {
	uint16_t	 id;
	int		 broken;	/* a generation failed: not refilled */
	unsigned	 n;		/* ready key pairs in ready[0..n) */
	unsigned	 busy;		/* being generated right now */
	struct dh	*ready[DH_POOL_MAX_DEPTH];
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_work = PTHREAD_COND_INITIALIZER;

static struct {
	int		 running;	/* workers started and not yet joined */
	int		 stopping;
	unsigned	 depth;
	size_t		 ngroups;
	struct pool_group groups[DH_POOL_MAX_GROUPS];
	unsigned	 nthreads;
	pthread_t	 threads[DH_POOL_MAX_WORKERS];
	uint64_t	 hits, misses, generated, failed;
} pool;

static struct pool_group *
pool_find(uint16_t id)
{
	for (size_t i = 0; i < pool.ngroups; i++)
		if (pool.groups[i].id == id)
			return &pool.groups[i];
	return NULL;
}

/* The group furthest from full, counting the ones under way. */
static struct pool_group *
pool_neediest(void)
{
	struct pool_group *best = NULL;

	for (size_t i = 0; i < pool.ngroups; i++) {
		struct pool_group *g = &pool.groups[i];

		if (g->broken || g->n + g->busy >= pool.depth)
			continue;
		if (best == NULL || g->n + g->busy < best->n + best->busy)
			best = g;
	}
	return best;
}

static void *
pool_worker(void *arg)
{
	struct pool_group *g;
	struct dh *dh;
	uint16_t id;

	(void)arg;
	/* work made ahead of time must not take the CPU from the event loop
	 * when both want it (Linux: nice is per thread); best effort */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), DH_POOL_NICE);
	pthread_mutex_lock(&pool_lock);
	while (!pool.stopping) {
		if ((g = pool_neediest()) == NULL) {
			pthread_cond_wait(&pool_work, &pool_lock);
			continue;
		}
		g->busy++;
		id = g->id;
		pthread_mutex_unlock(&pool_lock);
		dh = dh_generate(id);
		pthread_mutex_lock(&pool_lock);
		/* the group set may have changed meanwhile: look it up again */
		if ((g = pool_find(id)) != NULL && g->busy > 0)
			g->busy--;
		if (dh == NULL) {
			pool.failed++;
			if (g)
				g->broken = 1;
			continue;
		}
		if (g && !pool.stopping && g->n < pool.depth) {
			g->ready[g->n++] = dh;
			pool.generated++;
			continue;
		}
		pthread_mutex_unlock(&pool_lock);
		dh_free(dh);
		pthread_mutex_lock(&pool_lock);
	}
	pthread_mutex_unlock(&pool_lock);
	return NULL;
}

/* Supported, non-zero, distinct groups of the list, at most
 * DH_POOL_MAX_GROUPS. Logs what it drops; called off the lock. */
static size_t
groups_clean(const uint16_t *in, size_t nin, uint16_t *out)
{
	size_t n = 0, i, j;

	for (i = 0; i < nin; i++) {
		if (in[i] == IKEV2_DH_NONE)
			continue;
		if (!crypto_supported(CRYPTO_DH, in[i], 0)) {
			log_warnx("DH pool: group %u is not supported; not pooled",
			    in[i]);
			continue;
		}
		for (j = 0; j < n && out[j] != in[i]; j++)
			;
		if (j < n)
			continue;
		if (n == DH_POOL_MAX_GROUPS) {
			log_warnx("DH pool: more than %d groups; %s and later are "
			    "made inline", DH_POOL_MAX_GROUPS,
			    crypto_name(CRYPTO_DH, in[i]));
			break;
		}
		out[n++] = in[i];
	}
	return n;
}

/* Installs the new set under the lock. Key pairs of dropped groups move to
 * drop[] (freed by the caller, off the lock); *ndrop counts them. */
static void
groups_install_locked(const uint16_t *ids, size_t n, struct dh **drop,
    size_t *ndrop)
{
	struct pool_group next[DH_POOL_MAX_GROUPS];
	struct pool_group *old;
	size_t i;
	unsigned k;

	memset(next, 0, sizeof(next));
	for (i = 0; i < n; i++) {
		if ((old = pool_find(ids[i])) != NULL) {
			next[i] = *old;
			old->id = IKEV2_DH_NONE;	/* taken over */
			next[i].broken = 0;		/* try it again */
		} else
			next[i].id = ids[i];
	}
	*ndrop = 0;
	for (i = 0; i < pool.ngroups; i++) {
		if (pool.groups[i].id == IKEV2_DH_NONE)
			continue;
		for (k = 0; k < pool.groups[i].n; k++)
			drop[(*ndrop)++] = pool.groups[i].ready[k];
	}
	memcpy(pool.groups, next, sizeof(next));
	pool.ngroups = n;
	pthread_cond_broadcast(&pool_work);
}

static void
drop_free(struct dh **drop, size_t ndrop)
{
	for (size_t i = 0; i < ndrop; i++)
		dh_free(drop[i]);
}

static void
groups_log(const char *what)
{
	char line[160];
	size_t i, off = 0;
	int n;

	line[0] = '\0';
	pthread_mutex_lock(&pool_lock);
	for (i = 0; i < pool.ngroups && off < sizeof(line); i++) {
		n = snprintf(line + off, sizeof(line) - off, "%s%s",
		    i ? " " : "", crypto_name(CRYPTO_DH, pool.groups[i].id));
		if (n < 0)
			break;
		off += (size_t)n;
	}
	pthread_mutex_unlock(&pool_lock);
	log_info("DH pool %s: %u worker%s, %u key pairs each for %s", what,
	    pool.nthreads, pool.nthreads == 1 ? "" : "s", pool.depth,
	    line[0] ? line : "no group");
}

int
dh_pool_start(unsigned workers, const uint16_t *groups, size_t ngroups,
    unsigned depth)
{
	uint16_t ids[DH_POOL_MAX_GROUPS];
	struct dh *drop[DH_POOL_MAX_GROUPS * DH_POOL_MAX_DEPTH];
	size_t n, ndrop;
	sigset_t all, saved;
	unsigned i;
	int rc;

	if (workers == 0) {
		/* no pool, but a fresh start for the counters all the same */
		pthread_mutex_lock(&pool_lock);
		if (!pool.running)
			pool.hits = pool.misses = pool.generated = pool.failed = 0;
		rc = pool.running ? -1 : 0;
		pthread_mutex_unlock(&pool_lock);
		if (rc < 0)
			log_err("%s: the DH pool is already running", __func__);
		return rc;
	}
	if (workers > DH_POOL_MAX_WORKERS || depth == 0 ||
	    depth > DH_POOL_MAX_DEPTH) {
		log_err("%s: %u workers, depth %u: out of range", __func__,
		    workers, depth);
		return -1;
	}
	n = groups_clean(groups, ngroups, ids);
	pthread_mutex_lock(&pool_lock);
	if (pool.running) {
		pthread_mutex_unlock(&pool_lock);
		log_err("%s: the DH pool is already running", __func__);
		return -1;
	}
	pool.hits = pool.misses = pool.generated = pool.failed = 0;
	pool.depth = depth;
	pool.stopping = 0;
	pool.running = 1;
	groups_install_locked(ids, n, drop, &ndrop);
	pthread_mutex_unlock(&pool_lock);
	drop_free(drop, ndrop);		/* nothing: stop emptied the pool */

	/* the event loop takes its signals through a signalfd: workers must
	 * never be the thread a process signal is delivered to. A fault the
	 * thread itself causes stays unblocked: blocked, the kernel kills
	 * the process without running the handler (the seccomp filter's
	 * SIGSYS would then die with no message naming the call) */
	sigfillset(&all);
	sigdelset(&all, SIGSYS);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	for (i = 0; i < workers; i++) {
		if ((rc = pthread_create(&pool.threads[i], NULL, pool_worker,
		    NULL)) != 0) {
			log_err("%s: cannot start DH worker %u: %s", __func__,
			    i + 1, strerror(rc));
			break;
		}
		pthread_mutex_lock(&pool_lock);
		pool.nthreads = i + 1;
		pthread_mutex_unlock(&pool_lock);
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (i == 0) {
		dh_pool_stop();
		return -1;
	}
	groups_log("started");
	return 0;
}

void
dh_pool_stop(void)
{
	struct dh *drop[DH_POOL_MAX_GROUPS * DH_POOL_MAX_DEPTH];
	size_t ndrop;
	unsigned i, n;

	pthread_mutex_lock(&pool_lock);
	if (!pool.running) {
		pthread_mutex_unlock(&pool_lock);
		return;
	}
	pool.stopping = 1;
	pthread_cond_broadcast(&pool_work);
	n = pool.nthreads;
	pthread_mutex_unlock(&pool_lock);
	for (i = 0; i < n; i++)
		pthread_join(pool.threads[i], NULL);

	pthread_mutex_lock(&pool_lock);
	groups_install_locked(NULL, 0, drop, &ndrop);
	pool.nthreads = 0;
	pool.running = 0;
	pool.stopping = 0;
	pthread_mutex_unlock(&pool_lock);
	drop_free(drop, ndrop);
}

int
dh_pool_set_groups(const uint16_t *groups, size_t ngroups)
{
	uint16_t ids[DH_POOL_MAX_GROUPS];
	struct dh *drop[DH_POOL_MAX_GROUPS * DH_POOL_MAX_DEPTH];
	size_t n, ndrop;

	if (!dh_pool_running())
		return 0;
	n = groups_clean(groups, ngroups, ids);
	pthread_mutex_lock(&pool_lock);
	groups_install_locked(ids, n, drop, &ndrop);
	pthread_mutex_unlock(&pool_lock);
	drop_free(drop, ndrop);
	groups_log("groups set");
	return 0;
}

int
dh_pool_running(void)
{
	int r;

	pthread_mutex_lock(&pool_lock);
	r = pool.running;
	pthread_mutex_unlock(&pool_lock);
	return r;
}

/* Here, above the pool, rather than in crypto_dh.c: the key pair code does
 * not call up into its cache. */
struct dh *
dh_new(uint16_t group)
{
	struct dh *dh;

	if ((dh = dh_pool_take(group)) != NULL)
		return dh;
	if (!dh_group_known(group)) {
		log_err("%s: unsupported DH group %u", __func__, group);
		return NULL;
	}
	if ((dh = dh_generate(group)) == NULL)
		log_err("%s: key generation for DH group %u failed", __func__,
		    group);
	return dh;
}

struct dh *
dh_pool_take(uint16_t group)
{
	struct pool_group *g;
	struct dh *dh = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool.running && !pool.stopping && (g = pool_find(group)) != NULL) {
		if (g->n > 0) {
			/* out of the pool for good: nobody else can get it */
			dh = g->ready[--g->n];
			g->ready[g->n] = NULL;
			pool.hits++;
		} else
			pool.misses++;
		pthread_cond_signal(&pool_work);
	}
	pthread_mutex_unlock(&pool_lock);
	return dh;
}

void
dh_pool_stats(struct dh_pool_stats *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&pool_lock);
	st->workers = pool.running ? pool.nthreads : 0;
	st->ngroups = (unsigned)pool.ngroups;
	st->depth = pool.depth;
	for (size_t i = 0; i < pool.ngroups; i++)
		st->ready += pool.groups[i].n;
	st->hits = pool.hits;
	st->misses = pool.misses;
	st->generated = pool.generated;
	st->failed = pool.failed;
	pthread_mutex_unlock(&pool_lock);
}

unsigned
dh_pool_ready(uint16_t group)
{
	struct pool_group *g;
	unsigned n = 0;

	pthread_mutex_lock(&pool_lock);
	if ((g = pool_find(group)) != NULL)
		n = g->n;
	pthread_mutex_unlock(&pool_lock);
	return n;
}

static size_t
add_group(uint16_t *out, size_t n, size_t max, const struct cfg_proposal *p)
{
	size_t i;

	if (p->ndh == 0 || p->dh[0] == IKEV2_DH_NONE || n >= max)
		return n;
	for (i = 0; i < n; i++)
		if (out[i] == p->dh[0])
			return n;
	out[n] = p->dh[0];
	return n + 1;
}

size_t
dh_pool_conf_groups(const struct ifl_config *cfg, uint16_t *out, size_t max)
{
	const struct cfg_conn *c;
	size_t n = 0;
	int j;

	/* what is sent first comes first: the IKE_SA_INIT KE of the first
	 * proposal, then the PFS group of the first ESP proposal, then the
	 * alternatives */
	for (c = cfg->conns; c; c = c->next)
		if (c->ike.n > 0)
			n = add_group(out, n, max, &c->ike.p[0]);
	for (c = cfg->conns; c; c = c->next)
		if (c->esp.n > 0)
			n = add_group(out, n, max, &c->esp.p[0]);
	for (c = cfg->conns; c; c = c->next) {
		for (j = 1; j < c->ike.n; j++)
			n = add_group(out, n, max, &c->ike.p[j]);
		for (j = 1; j < c->esp.n; j++)
			n = add_group(out, n, max, &c->esp.p[j]);
	}
	return n;
}
