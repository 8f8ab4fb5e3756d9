/* Connections as the IKE side keeps them: the configuration's conns copied
 * (left = the local end, a stable reqid each), the responder's choice of a
 * connection by address and identity, and auto=route's trap policies.
 *
 * The engine holds pointers to these copies, so a copy outlives the
 * configuration it came from: a reload reuses the copy of every connection
 * that did not change, and keeps the old copy of one that changed until the
 * daemon stops (its SAs may still use it; new negotiations take the new one). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/ike_daemon.h"
#include "kernel/route.h"
#include "kernel/xfrm.h"
#include "state/state.h"

static struct ike_conn *conns;

/* ---- lookups by name and by reqid ----
 * A gateway of thousands of connections looked each one up by walking the
 * list: an ACQUIRE, a queued start, and every connection of a reload
 * against every other (O(N^2): 10,000 connections, 50 million compares in
 * one turn). Open addressing, at most half full; the first of a name or
 * reqid in list order wins, as the walk found it. */
struct ike_conn_index {
	struct ike_conn	**name;		/* by name */
	struct ike_conn	**reqid;	/* by reqid */
	size_t		  mask;
};

static struct ike_conn_index *in_force;	/* of conns */

static size_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static size_t
reqid_hash(uint32_t r)
{
	return (size_t)(r * 2654435761u);
}

struct ike_conn_index *
ike_conn_index_new(struct ike_conn *list, int skip_retired)
{
	struct ike_conn_index *x;
	struct ike_conn *ic;
	size_t n = 0, size = 16, i;

	for (ic = list; ic; ic = ic->next)
		n++;
	while (size < 2 * n)
		size *= 2;
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->name = calloc(size, sizeof(*x->name))) == NULL ||
	    (x->reqid = calloc(size, sizeof(*x->reqid))) == NULL) {
		ike_conn_index_free(x);
		return NULL;
	}
	x->mask = size - 1;
	for (ic = list; ic; ic = ic->next) {
		if (skip_retired && ic->retired)
			continue;
		for (i = name_hash(ic->c.name) & x->mask; x->name[i]; i = (i + 1) & x->mask)
			if (strcmp(x->name[i]->c.name, ic->c.name) == 0)
				break;
		if (x->name[i] == NULL)
			x->name[i] = ic;
		for (i = reqid_hash(ic->c.reqid) & x->mask; x->reqid[i]; i = (i + 1) & x->mask)
			if (x->reqid[i]->c.reqid == ic->c.reqid)
				break;
		if (x->reqid[i] == NULL)
			x->reqid[i] = ic;
	}
	return x;
}

void
ike_conn_index_free(struct ike_conn_index *x)
{
	if (x == NULL)
		return;
	free(x->name);
	free(x->reqid);
	free(x);
}

struct ike_conn *
ike_conn_index_name(const struct ike_conn_index *x, const char *name)
{
	size_t i;

	for (i = name_hash(name) & x->mask; x->name[i]; i = (i + 1) & x->mask)
		if (strcmp(x->name[i]->c.name, name) == 0)
			return x->name[i];
	return NULL;
}

static struct ike_conn *
index_reqid(const struct ike_conn_index *x, uint32_t reqid)
{
	size_t i;

	for (i = reqid_hash(reqid) & x->mask; x->reqid[i]; i = (i + 1) & x->mask)
		if (x->reqid[i]->c.reqid == reqid)
			return x->reqid[i];
	return NULL;
}

struct ike_conn *
ike_conns_list(void)
{
	return conns;
}

void
ike_conns_set(struct ike_conn *list)
{
	conns = list;
	ike_conn_index_free(in_force);
	/* out of memory: the lookups walk the list */
	in_force = list != NULL ? ike_conn_index_new(list, 0) : NULL;
}

struct ike_conn *
ike_conns_by_reqid(uint32_t reqid)
{
	struct ike_conn *ic;

	if (in_force != NULL)
		return index_reqid(in_force, reqid);
	for (ic = conns; ic; ic = ic->next)
		if (ic->c.reqid == reqid)
			return ic;
	return NULL;
}

struct ike_conn *
ike_conns_by_name(const char *name)
{
	struct ike_conn *ic;

	if (in_force != NULL)
		return ike_conn_index_name(in_force, name);
	for (ic = conns; ic; ic = ic->next)
		if (strcmp(ic->c.name, name) == 0)
			return ic;
	return NULL;
}

int
ike_conn_same(const struct cfg_conn *a, const struct cfg_conn *b)
{
	struct cfg_conn *x, *y;
	int same = 0;

	if ((x = malloc(sizeof(*x))) == NULL || (y = malloc(sizeof(*y))) == NULL) {
		free(x);
		return 0;
	}
	memcpy(x, a, sizeof(*x));
	memcpy(y, b, sizeof(*y));
	/* where it is written and its reqid do not change how it negotiates */
	x->next = y->next = NULL;
	memset(x->file, 0, sizeof(x->file));
	memset(y->file, 0, sizeof(y->file));
	x->line = y->line = 0;
	x->reqid = y->reqid = 0;
	same = memcmp(x, y, sizeof(*x)) == 0;
	free(x);
	free(y);
	return same;
}

void
ike_conns_free(struct ike_conn *list)
{
	struct ike_conn *n;

	for (; list; list = n) {
		n = list->next;
		free(list);
	}
}

int
ike_conns_build(const struct ifl_config *cfg,
    int (*is_local)(const struct ifl_addr *a, void *arg),
    const struct ike_conn *old, uint32_t *next_reqid, struct ike_conn **out)
{
	const struct cfg_conn *c;
	const struct ike_conn *o;
	struct ike_conn *head = NULL, **tail = &head, *ic;
	struct ike_conn_index *ox = NULL;

	/* const for the caller: the index only points into the list */
	if (old != NULL && (ox = ike_conn_index_new((struct ike_conn *)old, 0)) == NULL) {
		log_err("%s: out of memory", __func__);
		return -1;
	}
	for (c = cfg->conns; c; c = c->next) {
		if ((ic = calloc(1, sizeof(*ic))) == NULL) {
			log_err("%s: out of memory", __func__);
			ike_conns_free(head);
			ike_conn_index_free(ox);
			return -1;
		}
		memcpy(&ic->c, c, sizeof(ic->c));
		ic->c.next = NULL;
		if (is_local && config_conn_orient(&ic->c, is_local, NULL) == 1)
			log_info("IKE:%s: right is this host: left and right swapped",
			    ic->c.name);
		if (ic->c.reqid == 0) {
			o = ox != NULL ? ike_conn_index_name(ox, ic->c.name) : NULL;
			if (o)
				ic->c.reqid = o->c.reqid;
			else
				ic->c.reqid = (*next_reqid)++;
		}
		*tail = ic;
		tail = &ic->next;
	}
	ike_conn_index_free(ox);
	*out = head;
	return 0;
}

/* ---- responder: which connection ---- */

static int
addr_fits(const struct cfg_end *e, const struct ifl_addr *a)
{
	if (e->host_kind == CFG_HOST_ANY || e->host_kind == CFG_HOST_DEFAULTROUTE ||
	    e->addr.family == 0)
		return 2;	/* fits, loosely */
	return addr_cmp(&e->addr, a) == 0;
}

/* 0 no, 1 exact addresses, 2..4 looser. Lower is better. */
static int
addr_score(const struct cfg_conn *c, const struct ifl_addr *local,
    const struct ifl_addr *remote, int version)
{
	int l, r;

	if (c->ike_version != version)
		return 0;
	if ((l = addr_fits(&c->left, local)) == 0 || (r = addr_fits(&c->right, remote)) == 0)
		return 0;
	return l + r - 1;
}

const struct cfg_conn *
ike_conns_match_addr(const struct ike_conn *list, const struct ifl_addr *local,
    const struct ifl_addr *remote)
{
	return ike_conns_match_addr_v(list, local, remote, 2);
}

const struct cfg_conn *
ike_conns_match_addr_v(const struct ike_conn *list, const struct ifl_addr *local,
    const struct ifl_addr *remote, int version)
{
	const struct ike_conn *ic;
	const struct cfg_conn *best = NULL;
	int s, bs = 0;

	for (ic = list; ic; ic = ic->next) {
		if ((s = addr_score(&ic->c, local, remote, version)) == 0)
			continue;
		if (best == NULL || s < bs) {
			best = &ic->c;
			bs = s;
		}
	}
	return best;
}

static int
id_fits(const struct cfg_id *conf, const struct cfg_id *id)
{
	return conf->type == CFG_ID_ANY || config_id_equal(conf, id);
}

static int
id_score(const struct cfg_conn *c, const struct cfg_id *peer, const struct cfg_id *us)
{
	if (!id_fits(&c->right.id, peer))
		return 0;
	if (us && !id_fits(&c->left.id, us))
		return 0;
	/* a named identity beats %any */
	return 1 + (c->right.id.type == CFG_ID_ANY);
}

const struct cfg_conn *
ike_conns_match_id(const struct ike_conn *list, const struct cfg_conn *cur,
    const struct ifl_addr *local, const struct ifl_addr *remote,
    const struct cfg_id *peer, const struct cfg_id *us)
{
	const struct ike_conn *ic;
	const struct cfg_conn *best = NULL;
	int s, bs = 0;

	if (cur && id_score(cur, peer, us) == 1)
		return cur;
	for (ic = list; ic; ic = ic->next) {
		if (addr_score(&ic->c, local, remote, 2) == 0 ||
		    (s = id_score(&ic->c, peer, us)) == 0)
			continue;
		if (best == NULL || s < bs) {
			best = &ic->c;
			bs = s;
		}
	}
	if (best == NULL && cur && id_score(cur, peer, us))
		best = cur;
	return best;
}

/* ---- auto=route ---- */

static int
trap_pair(const struct ike_conn *ic, int i, int j, struct xfrm_pol_cfg *p)
{
	const struct cfg_conn *c = &ic->c;

	if (c->left.subnets[i].addr.family != c->right.subnets[j].addr.family)
		return -1;
	memset(p, 0, sizeof(*p));
	p->src = c->left.subnets[i];
	p->dst = c->right.subnets[j];
	p->proto = c->left.proto ? c->left.proto : c->right.proto;
	p->sport = c->left.port;
	p->dport = c->right.port;
	p->dir = IFL_XFRM_OUT;
	p->transport = c->mode == CFG_MODE_TRANSPORT;
	if (!p->transport) {
		p->tmpl_src = c->left.addr;
		p->tmpl_dst = c->right.addr;
	}
	p->tmpl_proto = IPPROTO_ESP;
	p->reqid = c->reqid;
	return 0;
}

/* The trap's routes (install_routes = yes): the remote subnets are routed
 * towards the peer as a child's would be, so that the first packet reaches
 * the trap policy on a gateway with no route of its own to them. */
static void
trap_routes_add(const struct ike_conn *ic)
{
	const struct ifl_config *cfg = daemon_config();
	const struct cfg_conn *c = &ic->c;
	int j;

	if (!route_running() || cfg == NULL || !cfg->daemon.install_routes ||
	    c->mode == CFG_MODE_TRANSPORT || c->mode == CFG_MODE_PASSTHROUGH)
		return;
	for (j = 0; j < c->right.nsubnets; j++)
		route_trap_add(c->name, c->reqid, &c->right.subnets[j],
		    &c->right.addr, c->left.subnets, c->left.nsubnets);
}

int
ike_conn_trap(struct ike_conn *ic)
{
	const struct cfg_conn *c = &ic->c;
	struct xfrm_pol_cfg p;
	int i, j, n = 0;

	if (c->left.addr.family == 0 || c->right.addr.family == 0 ||
	    c->left.nsubnets == 0 || c->right.nsubnets == 0) {
		log_warnx("IKE:%s: auto=route needs both addresses and subnets",
		    c->name);
		return -1;
	}
	for (i = 0; i < c->left.nsubnets; i++)
		for (j = 0; j < c->right.nsubnets; j++) {
			if (trap_pair(ic, i, j, &p) < 0)
				continue;
			if (xfrm_policy_update(&p) < 0) {
				log_err("IKE:%s: trap policy not installed", c->name);
				ike_conn_untrap(ic);
				return -1;
			}
			n++;
		}
	if (!ic->trapped)
		log_info("IKE:%s: routed (%d trap polic%s, reqid %u)", c->name, n,
		    n == 1 ? "y" : "ies", c->reqid);
	ic->trapped = 1;
	trap_routes_add(ic);
	return 0;
}

void
ike_conn_untrap(struct ike_conn *ic)
{
	const struct cfg_conn *c = &ic->c;
	const struct st_child *ch;
	struct xfrm_pol_cfg p;
	int i, j;

	ic->trapped = 0;
	/* a live child holds the routes it needs as a user of its own */
	route_trap_del(c->reqid);
	/* a live child of the connection owns the same selectors now */
	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		if (strcmp(ch->conn, c->name) == 0 && ch->reqid == c->reqid)
			return;
	for (i = 0; i < c->left.nsubnets; i++)
		for (j = 0; j < c->right.nsubnets; j++)
			if (trap_pair(ic, i, j, &p) == 0)
				xfrm_policy_del(&p);
}

int
ike_conn_trap_covers(const struct ike_conn *ic, const struct ifl_subnet *local,
    const struct ifl_subnet *remote)
{
	const struct cfg_conn *c = &ic->c;
	int i, j;

	for (i = 0; i < c->left.nsubnets; i++)
		for (j = 0; j < c->right.nsubnets; j++)
			if (c->left.subnets[i].plen == local->plen &&
			    c->right.subnets[j].plen == remote->plen &&
			    addr_cmp(&c->left.subnets[i].addr, &local->addr) == 0 &&
			    addr_cmp(&c->right.subnets[j].addr, &remote->addr) == 0)
				return 1;
	return 0;
}
