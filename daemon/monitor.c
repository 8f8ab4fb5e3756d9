/* Monitor mode: tunnels keyed by another daemon, from the kernel alone.
 *
 * A tunnel is the SAs of one reqid between one pair of outer addresses:
 * the keying daemons (strongSwan, Libreswan) give a child SA's pair one
 * reqid and keep it across rekeys, so a new SA with the reqid and the
 * addresses of a live tunnel is a rekey of that tunnel. It becomes the
 * tunnel's current SA in its direction (st_child_add_sa), the older one
 * keeps counting until the kernel drops it, and its final counters fold
 * into the tunnel's: the row, its index and its counters go on, as for
 * ikeflowd's own rekeys. A tunnel left with no SA has ended (history row,
 * trap). The out policies of the reqid give the traffic selectors.
 *
 * The direction of an SA is which end is ours: inbound when its
 * destination is an address of this host. Nothing here writes to the
 * kernel; the XFRM interface is opened read-only in this mode. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/xfrm.h>

#include "common/log.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/monitor.h"
#include "state/state.h"

/* Tunnels and policies are found by reqid (and policies by their kernel
 * index) through chained hashes: every SA and policy event looks one up,
 * and adopting thousands of tunnels must not walk them all each time. */
struct hlink {
	struct hlink	*next;
	uint32_t	key;
};

struct htab {
	struct hlink	**b;
	uint32_t	nb, n;
};

#define HTAB_FIRST	256

/* An out policy: selectors of the tunnel of its reqid and template. */
struct mon_pol {
	struct xfrm_pol_info	p;
	struct hlink		by_reqid, by_index;
};

struct mon_tun {
	struct hlink	by_reqid;	/* first: the link is the tunnel */
	uint32_t	reqid;
	struct ifl_addr	local, remote;
	uint32_t	child;		/* cipSecTunIndex */
};

#define POL_OF(l, m)	((struct mon_pol *)(void *)((char *)(l) - offsetof(struct mon_pol, m)))
#define TUN_OF(l)	((struct mon_tun *)(void *)(l))

static struct htab tuns;		/* by reqid */
static struct htab pols_reqid, pols_index;
static int (*is_local)(const struct ifl_addr *a) = addr_is_local;

static uint32_t
hmix(uint32_t key)
{
	return (uint32_t)(((uint64_t)key * 0x9e3779b97f4a7c15ULL) >> 32);
}

/* The first link of key's chain (compare keys along it), or NULL. */
static struct hlink *
htab_chain(const struct htab *t, uint32_t key)
{
	return t->nb ? t->b[hmix(key) & (t->nb - 1)] : NULL;
}

static int
htab_add(struct htab *t, struct hlink *l, uint32_t key)
{
	if (t->n >= t->nb) {
		uint32_t nnb = t->nb ? t->nb * 2 : HTAB_FIRST;
		struct hlink **nb = calloc(nnb, sizeof(*nb));

		if (nb == NULL)
			return -1;
		for (uint32_t i = 0; i < t->nb; i++)
			while (t->b[i] != NULL) {
				struct hlink *e = t->b[i];

				t->b[i] = e->next;
				e->next = nb[hmix(e->key) & (nnb - 1)];
				nb[hmix(e->key) & (nnb - 1)] = e;
			}
		free(t->b);
		t->b = nb;
		t->nb = nnb;
	}
	l->key = key;
	l->next = t->b[hmix(key) & (t->nb - 1)];
	t->b[hmix(key) & (t->nb - 1)] = l;
	t->n++;
	return 0;
}

static void
htab_del(struct htab *t, struct hlink *l)
{
	struct hlink **pp;

	if (t->nb == 0)
		return;
	for (pp = &t->b[hmix(l->key) & (t->nb - 1)]; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			t->n--;
			return;
		}
}

/* Calls fn on every entry (fn may delete the one it is given). */
static void
htab_each(struct htab *t, void (*fn)(struct hlink *l, void *arg), void *arg)
{
	for (uint32_t i = 0; i < t->nb; i++) {
		struct hlink *l, *next;

		for (l = t->b[i]; l; l = next) {
			next = l->next;
			fn(l, arg);
		}
	}
}

static void
htab_free(struct htab *t)
{
	free(t->b);
	memset(t, 0, sizeof(*t));
}

void
monitor_set_is_local(int (*fn)(const struct ifl_addr *a))
{
	is_local = fn ? fn : addr_is_local;
}

size_t
monitor_tunnels(void)
{
	return tuns.n;
}

static void
pol_free(struct hlink *l, void *arg)
{
	(void)arg;
	free(POL_OF(l, by_index));
}

static void
pols_free(void)
{
	htab_each(&pols_index, pol_free, NULL);
	htab_free(&pols_index);
	htab_free(&pols_reqid);
}

static void
tun_free(struct hlink *l, void *arg)
{
	(void)arg;
	free(TUN_OF(l));
}

void
monitor_reset(void)
{
	htab_each(&tuns, tun_free, NULL);
	htab_free(&tuns);
	pols_free();
}

static struct mon_tun *
tun_find(uint32_t reqid, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	for (struct hlink *l = htab_chain(&tuns, reqid); l; l = l->next) {
		struct mon_tun *t = TUN_OF(l);

		if (t->reqid == reqid && addr_cmp(&t->local, local) == 0 &&
		    addr_cmp(&t->remote, remote) == 0)
			return t;
	}
	return NULL;
}

uint32_t
monitor_tunnel_find(uint32_t reqid, const struct ifl_addr *local,
    const struct ifl_addr *remote)
{
	struct mon_tun *t = tun_find(reqid, local, remote);

	return t ? t->child : 0;
}

static void
tun_drop(struct mon_tun *t)
{
	htab_del(&tuns, &t->by_reqid);
	free(t);
}

static int
pol_is_tunnel(const struct xfrm_pol_info *p, const struct mon_tun *t)
{
	if (p->dir != IFL_XFRM_OUT || p->reqid != t->reqid)
		return 0;
	/* a transport-mode template names no endpoints */
	return p->transport || (addr_cmp(&p->tmpl_src, &t->local) == 0 &&
	    addr_cmp(&p->tmpl_dst, &t->remote) == 0);
}

static int
ts_has(const struct st_ts *ts, int n, const struct ifl_subnet *net, uint8_t proto,
    uint16_t port)
{
	for (int i = 0; i < n; i++)
		if (addr_cmp(&ts[i].net.addr, &net->addr) == 0 &&
		    ts[i].net.plen == net->plen && ts[i].proto == proto &&
		    ts[i].port == port)
			return 1;
	return 0;
}

/* The selectors of an out policy become the tunnel's (local = source). */
static void
tun_add_ts(struct st_child *ch, const struct xfrm_pol_info *p)
{
	if (!ts_has(ch->ts_local, ch->nts_local, &p->src, p->proto, p->sport) &&
	    ch->nts_local < ST_MAX_TS) {
		ch->ts_local[ch->nts_local].net = p->src;
		ch->ts_local[ch->nts_local].proto = p->proto;
		ch->ts_local[ch->nts_local++].port = p->sport;
	}
	if (!ts_has(ch->ts_remote, ch->nts_remote, &p->dst, p->proto, p->dport) &&
	    ch->nts_remote < ST_MAX_TS) {
		ch->ts_remote[ch->nts_remote].net = p->dst;
		ch->ts_remote[ch->nts_remote].proto = p->proto;
		ch->ts_remote[ch->nts_remote++].port = p->dport;
	}
}

static enum st_sa_dir
sa_dir(const struct xfrm_sa_info *sa)
{
	int dl = is_local(&sa->dst), sl = is_local(&sa->src);

	if (dl != sl)
		return dl ? ST_SA_IN : ST_SA_OUT;
	if (!dl)
		return 0;
	/* both ends on this host: the out policy's template tells */
	for (struct hlink *l = htab_chain(&pols_reqid, sa->reqid); l; l = l->next) {
		const struct mon_pol *p = POL_OF(l, by_reqid);

		if (p->p.dir == IFL_XFRM_OUT && p->p.reqid == sa->reqid &&
		    addr_cmp(&p->p.tmpl_src, &sa->src) == 0 &&
		    addr_cmp(&p->p.tmpl_dst, &sa->dst) == 0)
			return ST_SA_OUT;
	}
	return ST_SA_IN;
}

static void
child_from_sa(struct st_child *ch, const struct xfrm_sa_info *sa)
{
	ch->transport = sa->mode == XFRM_MODE_TRANSPORT;
	ch->encap = sa->encap;
	ch->algs.encr = sa->encr;
	ch->algs.encr_keylen = sa->encr_keylen;
	ch->algs.integ = sa->integ;
	ch->algs.esn = (uint8_t)sa->esn;
	ch->life_sec = sa->hard_sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sa->hard_sec;
	ch->rekey_sec = sa->soft_sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sa->soft_sec;
	ch->life_kb = sa->hard_bytes / 1024 > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(sa->hard_bytes / 1024);
	ch->rekey_kb = sa->soft_bytes / 1024 > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(sa->soft_bytes / 1024);
}

/* Follows the row ch as the tunnel of its reqid and addresses. */
static struct mon_tun *
tun_link(struct st_child *ch)
{
	struct mon_tun *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		log_err("monitor: out of memory");
		return NULL;
	}
	t->reqid = ch->reqid;
	t->local = ch->local;
	t->remote = ch->remote;
	t->child = ch->index;
	if (htab_add(&tuns, &t->by_reqid, t->reqid) < 0) {
		log_err("monitor: out of memory");
		free(t);
		return NULL;
	}
	for (struct hlink *l = htab_chain(&pols_reqid, t->reqid); l; l = l->next)
		if (pol_is_tunnel(&POL_OF(l, by_reqid)->p, t))
			tun_add_ts(ch, &POL_OF(l, by_reqid)->p);
	return t;
}

static struct mon_tun *
tun_new(const struct xfrm_sa_info *sa, const struct ifl_addr *local,
    const struct ifl_addr *remote)
{
	struct mon_tun *t;
	struct st_child *ch;
	char name[ST_NAME_MAX];

	/* without the keying daemon's own names, the reqid names the tunnel */
	snprintf(name, sizeof(name), "reqid-%u", sa->reqid);
	if ((ch = st_child_new(0, name)) == NULL)
		return NULL;
	ch->local = *local;
	ch->remote = *remote;
	ch->reqid = sa->reqid;
	if ((t = tun_link(ch)) == NULL)
		st_child_end(ch->index, ST_TERM_OTHER);
	return t;
}

/* The rows the state file kept from the last run (st_load) are this run's
 * tunnels again: monitor_sync then finds their SAs in the kernel (counters
 * go on from the kernel's own), retires those that went meanwhile with
 * their last counters, and follows a rekey done meanwhile as one. */
void
monitor_restore(void)
{
	uint32_t idx = 0;
	struct st_child *ch;

	while ((ch = (struct st_child *)st_child_next(idx)) != NULL) {
		idx = ch->index;
		/* its IKE SA row did not outlive the last run: vici names it again */
		ch->ike_index = 0;
		if (ch->reqid == 0 || tun_find(ch->reqid, &ch->local, &ch->remote) != NULL ||
		    tun_link(ch) == NULL) {
			log_warnx("monitor: tunnel %u (reqid %u) of the last run cannot be "
			    "followed; it ends", ch->index, ch->reqid);
			st_child_end(ch->index, ST_TERM_OTHER);
			continue;
		}
		log_info("monitor: tunnel %u (reqid %u) continues from the last run",
		    ch->index, ch->reqid);
	}
}

/* Rows a monitor-mode run left in the state file have no observer in
 * keying mode: they end now, into the history. */
static void
tuns_orphaned(void)
{
	const struct st_child *ch;

	while ((ch = st_child_next(0)) != NULL) {
		log_notice("monitor: tunnel %u (reqid %u) of a mode = monitor run is "
		    "not followed in keying mode; it ends", ch->index, ch->reqid);
		st_child_end(ch->index, ST_TERM_OTHER);
	}
}

void
monitor_sa(const struct xfrm_sa_info *sa)
{
	const struct ifl_addr *local, *remote;
	struct st_dir_counters c;
	struct st_child *ch = NULL;
	struct mon_tun *t;
	enum st_sa_dir dir;
	char l[ADDR_STRLEN], r[ADDR_STRLEN];
	int rekey;

	if (sa->larval || (sa->proto != IPPROTO_ESP && sa->proto != IPPROTO_AH))
		return;
	if ((dir = sa_dir(sa)) == 0) {
		log_debug("monitor: SA %08x %s -> %s: neither end is ours, not followed",
		    sa->spi, addr_str(&sa->src, l, sizeof(l)),
		    addr_str(&sa->dst, r, sizeof(r)));
		return;
	}
	local = dir == ST_SA_IN ? &sa->dst : &sa->src;
	remote = dir == ST_SA_IN ? &sa->src : &sa->dst;
	if ((t = tun_find(sa->reqid, local, remote)) != NULL &&
	    (ch = st_child_get(t->child)) == NULL) {
		tun_drop(t);		/* ended by someone else (checkpoint, tests) */
		t = NULL;
	}
	if (t == NULL) {
		if ((t = tun_new(sa, local, remote)) == NULL)
			return;
		ch = st_child_get(t->child);
		log_info("monitor: tunnel %u: %s === %s reqid %u, keyed by another daemon",
		    ch->index, addr_str(local, l, sizeof(l)),
		    addr_str(remote, r, sizeof(r)), sa->reqid);
		monitor_vici_claim(ch->index);
	}
	if (st_child_by_spi(sa->spi, dir) != ch) {
		rekey = st_child_current_sa(ch, dir) != NULL;
		if (st_child_add_sa(ch, dir, sa->spi, sa->proto) < 0)
			return;
		log_info("monitor: tunnel %u: %s SA %08x%s", ch->index,
		    dir == ST_SA_IN ? "inbound" : "outbound", sa->spi,
		    rekey ? " replaces the current one (rekey)" : "");
	}
	/* the newest SA describes the tunnel (a rekey may change algorithms) */
	if (st_child_current_sa(ch, dir) != NULL &&
	    st_child_current_sa(ch, dir)->spi == sa->spi)
		child_from_sa(ch, sa);
	xfrm_sa_counters(sa, &c);
	st_sa_update(sa->spi, dir, &c);
}

/* A tunnel left without SA has ended. */
static void
tun_gone(struct hlink *l, void *arg)
{
	struct mon_tun *t = TUN_OF(l);
	const struct st_child *ch = st_child_find(t->child);

	if (ch != NULL && ch->nsa > 0)
		return;
	if (ch != NULL) {
		log_info("monitor: tunnel %u (reqid %u): its last SA is gone, "
		    "the tunnel ended", t->child, t->reqid);
		st_child_end(t->child, (enum st_term)*(int *)arg);
	}
	tun_drop(t);
}

void
monitor_sa_gone(int reason)
{
	htab_each(&tuns, tun_gone, &reason);
}

/* The SA sa left the kernel: only its own tunnel may have ended (all are
 * looked at when the message did not say whose it was). */
static void
monitor_sa_deleted(const struct xfrm_sa_info *sa, int reason)
{
	enum st_sa_dir dir = sa_dir(sa);
	struct mon_tun *t;

	if (dir != 0 && (t = tun_find(sa->reqid, dir == ST_SA_IN ? &sa->dst : &sa->src,
	    dir == ST_SA_IN ? &sa->src : &sa->dst)) != NULL)
		tun_gone(&t->by_reqid, &reason);
	else
		monitor_sa_gone(reason);
}

void
monitor_policy(const struct xfrm_pol_info *pol, int deleted)
{
	struct mon_pol *p = NULL;
	struct hlink *l;

	if (pol->dir != IFL_XFRM_OUT || pol->reqid == 0)
		return;
	for (l = htab_chain(&pols_index, pol->index); l && p == NULL; l = l->next)
		if (POL_OF(l, by_index)->p.index == pol->index)
			p = POL_OF(l, by_index);
	if (p != NULL && (deleted || p->p.reqid != pol->reqid)) {
		/* the tunnel keeps the selectors it was shown with */
		htab_del(&pols_index, &p->by_index);
		htab_del(&pols_reqid, &p->by_reqid);
		free(p);
		p = NULL;
	}
	if (deleted)
		return;
	if (p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL ||
		    htab_add(&pols_index, &p->by_index, pol->index) < 0) {
			free(p);
			log_err("monitor: out of memory");
			return;
		}
		if (htab_add(&pols_reqid, &p->by_reqid, pol->reqid) < 0) {
			htab_del(&pols_index, &p->by_index);
			free(p);
			log_err("monitor: out of memory");
			return;
		}
	}
	p->p = *pol;
	for (l = htab_chain(&tuns, pol->reqid); l; l = l->next) {
		struct mon_tun *t = TUN_OF(l);
		struct st_child *ch = st_child_get(t->child);

		if (ch != NULL && pol_is_tunnel(pol, t))
			tun_add_ts(ch, pol);
	}
}

/* ---- the full dump: adoption at start, resync after lost events ---- */

struct sa_list {
	struct xfrm_sa_info *v;
	size_t n, cap;
};

static int
collect_sa(const struct xfrm_sa_info *sa, void *arg)
{
	struct sa_list *l = arg;

	if (sa->larval)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct xfrm_sa_info *nv = realloc(l->v, cap * sizeof(*nv));

		if (nv == NULL)
			return 1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *sa;
	return 0;
}

static int
collect_pol(const struct xfrm_pol_info *pol, void *arg)
{
	(void)arg;
	monitor_policy(pol, 0);
	return 0;
}

/* Older SAs first, so that the newest of a tunnel is its current one. */
static int
by_add_time(const void *a, const void *b)
{
	const struct xfrm_sa_info *x = a, *y = b;

	if (x->add_time != y->add_time)
		return x->add_time < y->add_time ? -1 : 1;
	return 0;
}

static int
by_spi(const void *a, const void *b)
{
	const struct xfrm_sa_info *x = a, *y = b;

	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	return addr_cmp(&x->dst, &y->dst);
}

static void
tun_retire_missing(struct hlink *h, void *arg)
{
	const struct mon_tun *t = TUN_OF(h);
	const struct st_child *ch = st_child_find(t->child);
	const struct sa_list *l = arg;
	struct xfrm_sa_info key;

	for (int i = ch ? ch->nsa - 1 : -1; i >= 0; i--) {
		const struct st_sa *sa = &ch->sa[i];

		memset(&key, 0, sizeof(key));
		key.spi = sa->spi;
		key.dst = sa->dir == ST_SA_IN ? t->local : t->remote;
		if (bsearch(&key, l->v, l->n, sizeof(l->v[0]), by_spi) == NULL)
			st_sa_gone(sa->spi, sa->dir, NULL);
	}
}

int
monitor_sync(void)
{
	struct sa_list l = { NULL, 0, 0 };
	int ret;

	pols_free();
	if ((ret = xfrm_policy_dump(collect_pol, NULL)) < 0)
		return ret;
	if ((ret = xfrm_sa_dump(collect_sa, &l)) < 0) {
		free(l.v);
		return ret;
	}
	qsort(l.v, l.n, sizeof(l.v[0]), by_add_time);
	for (size_t i = 0; i < l.n; i++)
		monitor_sa(&l.v[i]);
	/* SAs of our tunnels the kernel no longer has went while we did not
	 * listen: their last counters are their final ones */
	qsort(l.v, l.n, sizeof(l.v[0]), by_spi);
	htab_each(&tuns, tun_retire_missing, &l);
	free(l.v);
	monitor_sa_gone(ST_TERM_OTHER);
	return 0;
}

/* ---- the module ---- */

static void
on_sa_new(const struct xfrm_sa_info *sa, void *arg)
{
	(void)arg;
	monitor_sa(sa);
}

static void
on_sa_deleted(const struct xfrm_sa_info *sa, void *arg)
{
	(void)arg;
	monitor_sa_deleted(sa, ST_TERM_NORMAL);
}

static void
on_expire(const struct xfrm_sa_info *sa, int hard, void *arg)
{
	(void)sa;
	(void)arg;
	/* soft: the keying daemon rekeys; hard: the kernel dropped the SA */
	if (hard)
		monitor_sa_gone(ST_TERM_OTHER);
}

static void
on_policy(const struct xfrm_pol_info *pol, int deleted, void *arg)
{
	(void)arg;
	monitor_policy(pol, deleted);
}

static void
on_resync(void *arg)
{
	(void)arg;
	if (monitor_sync() < 0)
		log_err("monitor: resync with the kernel failed; tunnels may be stale "
		    "until the next lost event or restart");
}

void
monitor_handlers(struct xfrm_handlers *h)
{
	memset(h, 0, sizeof(*h));
	h->on_sa_new = on_sa_new;
	h->on_sa_deleted = on_sa_deleted;
	h->on_expire = on_expire;
	h->on_policy_change = on_policy;
	h->on_resync = on_resync;
}

static int running;

static int
monitor_init(const struct ifl_config *cfg)
{
	struct xfrm_handlers h;
	int ret;

	if (cfg->daemon.mode != CFG_MODE_MONITOR) {
		tuns_orphaned();
		return 0;
	}
	monitor_handlers(&h);
	xfrm_set_handlers(&h);
	st_set_keyed_by(MONITOR_KEYED_BY);
	monitor_restore();
	if ((ret = monitor_sync()) < 0) {
		log_err("monitor: cannot read the kernel's SAs and policies: %s",
		    strerror(-ret));
		xfrm_set_handlers(NULL);
		monitor_reset();
		return -1;
	}
	running = 1;
	log_info("monitor: mode = monitor: %zu tunnel(s) followed in the kernel; "
	    "no IKE, nothing installed", (size_t)tuns.n);
	if (cfg->daemon.vici_socket[0] != '\0' && strcmp(cfg->daemon.vici_socket, "no") != 0 &&
	    monitor_vici_start(cfg->daemon.vici_socket) < 0)
		log_warnx("monitor: vici not followed");
	return 0;
}

static int
monitor_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	if (old->daemon.mode != cfg->daemon.mode) {
		log_err("mode = %s: the mode changes only at a restart",
		    cfg->daemon.mode == CFG_MODE_MONITOR ? "monitor" : "keying");
		return -1;
	}
	if (running)
		monitor_vici_relist();
	return 0;
}

static void
monitor_shutdown(void)
{
	if (!running)
		return;
	/* the tunnels live on in the kernel: no history row for them, their
	 * rows are saved with the state (st_keyed_by) for the next run */
	monitor_vici_stop();
	xfrm_set_handlers(NULL);
	monitor_reset();
	running = 0;
}

const struct daemon_module monitor_module = {
	.name = "monitor",
	.init = monitor_init,
	.reload = monitor_reload,
	.shutdown = monitor_shutdown,
};
