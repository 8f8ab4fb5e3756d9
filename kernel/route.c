#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "common/log.h"
#include "kernel/nl.h"
#include "kernel/route.h"
#include "kernel/route_msg.h"

struct route_ent {
	struct route_info info;
	uint64_t	*users;		/* child SPIs, and trap keys above 2^32 */
	size_t		 cap;
	struct route_ent *next;
};

static struct {
	struct mnl_socket *nl;
	struct mnl_socket *ev;		/* IPv6 address events (RTMGRP_IPV6_IFADDR) */
	uint32_t	 seq;
	uint32_t	 table, prio;
	int		 rule_added[2];	/* IPv4, IPv6 */
	char		 errmsg[256];
	struct route_ent *routes;
} rt;

static uint8_t reqbuf[1024] __attribute__((aligned(8)));

static const char *
errtail(char *dst, size_t len)
{
	return nl_errtail(rt.errmsg, dst, len);
}

static int
fam_idx(int family)
{
	return family == AF_INET6;
}

/* ---- rules ---- */

static struct nlmsghdr *
msg_rule(uint16_t type, uint16_t flags, uint8_t family)
{
	struct nlmsghdr *nlh = nl_msg_start(reqbuf, type, flags,
	    sizeof(struct fib_rule_hdr));
	struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);

	frh->family = family;
	frh->action = FR_ACT_TO_TBL;
	frh->table = rt.table < 256 ? (uint8_t)rt.table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, rt.table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, rt.prio);
	return nlh;
}

static void
rule_add(uint8_t family)
{
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";
	char tail[300];
	int r;

	/* EXCL: an identical rule is refused, and then it is not ours */
	r = nl_request(rt.nl, &rt.seq, msg_rule(RTM_NEWRULE,
	    NLM_F_CREATE | NLM_F_EXCL, family), NULL, NULL, rt.errmsg,
	    sizeof(rt.errmsg));
	if (r == 0) {
		rt.rule_added[fam_idx(family)] = 1;
		log_info("route: %s rule added: priority %u lookup table %u", fam,
		    rt.prio, rt.table);
	} else if (r == -EEXIST)
		log_info("route: %s rule priority %u lookup table %u already there; "
		    "left as it is", fam, rt.prio, rt.table);
	else if (family == AF_INET6 && r == -EAFNOSUPPORT)
		log_debug("route: no IPv6 in this kernel: no IPv6 rule");
	else
		log_err("route: %s rule priority %u lookup table %u not added: %s%s",
		    fam, rt.prio, rt.table, strerror(-r), errtail(tail, sizeof(tail)));
}

static void
rule_del(uint8_t family)
{
	char tail[300];
	int r;

	if (!rt.rule_added[fam_idx(family)])
		return;
	rt.rule_added[fam_idx(family)] = 0;
	r = nl_request(rt.nl, &rt.seq, msg_rule(RTM_DELRULE, 0, family), NULL,
	    NULL, rt.errmsg, sizeof(rt.errmsg));
	if (r < 0 && r != -ENOENT)
		log_err("route: %s rule priority %u lookup table %u not removed: %s%s",
		    family == AF_INET ? "IPv4" : "IPv6", rt.prio, rt.table,
		    strerror(-r), errtail(tail, sizeof(tail)));
}

/* ---- the path towards the peer ---- */

struct path {
	uint32_t	oif;
	struct ifl_addr	gw;
	int		found;
};

static int
path_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct path *p = arg;
	struct ifl_addr gw;
	uint32_t oif;

	/* the answer is one route: other messages leave p as it was */
	if (route_msg_path(nlh, &oif, &gw) == 0) {
		p->oif = oif;
		p->gw = gw;
		p->found = oif != 0;
	}
	return MNL_CB_OK;
}

/* The kernel's own lookup (ip route get PEER). */
static int
path_lookup(const struct ifl_addr *peer, struct path *p)
{
	struct nlmsghdr *nlh = nl_msg_start(reqbuf, RTM_GETROUTE, 0,
	    sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	int r;

	memset(p, 0, sizeof(*p));
	rtm->rtm_family = peer->family;
	rtm->rtm_dst_len = (uint8_t)(addr_len(peer) * 8);
	mnl_attr_put(nlh, RTA_DST, addr_len(peer), peer->u.raw);
	r = nl_request(rt.nl, &rt.seq, nlh, path_cb, p, rt.errmsg, sizeof(rt.errmsg));
	if (r == 0 && !p->found)
		r = -ENETUNREACH;
	return r;
}

/* ---- the source inside the local subnet ---- */

struct src_find {
	const struct ifl_subnet *local;
	size_t		 nlocal;
	uint8_t		 family;
	struct ifl_addr	 found;
};

static int
src_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct src_find *s = arg;
	const struct ifaddrmsg *ifa;
	struct ifl_addr addr;
	size_t i;

	if (s->found.family || nlh->nlmsg_type != RTM_NEWADDR ||
	    (ifa = route_msg_ifa(nlh, &addr)) == NULL)
		return MNL_CB_OK;
	/* 127.0.0.1 and ::1 are in 0.0.0.0/0 too, but no source for a peer */
	if (ifa->ifa_family != s->family || ifa->ifa_scope == RT_SCOPE_HOST)
		return MNL_CB_OK;
	for (i = 0; i < s->nlocal; i++)
		if (addr_in_subnet(&addr, &s->local[i])) {
			s->found = addr;
			break;
		}
	return MNL_CB_OK;
}

/* Every address of family, cb for each (ip addr show). */
static int
addr_dump(uint8_t family, mnl_cb_t cb, void *arg)
{
	struct nlmsghdr *nlh = nl_msg_start(reqbuf, RTM_GETADDR, NLM_F_DUMP,
	    sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_family = family;
	return nl_request(rt.nl, &rt.seq, nlh, cb, arg, rt.errmsg, sizeof(rt.errmsg));
}

static int
src_find(const struct ifl_subnet *local, size_t nlocal, uint8_t family,
    struct ifl_addr *out)
{
	struct src_find s;
	int r;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.local = local;
	s.nlocal = nlocal;
	s.family = family;
	r = addr_dump(family, src_cb, &s);
	if (r == 0)
		*out = s.found;
	return r;
}

/* ---- a source still in duplicate address detection ---- */

struct addr_state {
	const struct ifl_addr *addr;
	int		 flags;		/* IFA_F_*; -1: not on this host */
};

static int
addr_state_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct addr_state *as = arg;
	const struct ifaddrmsg *ifa;
	struct ifl_addr addr;

	if (nlh->nlmsg_type == RTM_NEWADDR && (ifa = route_msg_ifa(nlh, &addr)) != NULL &&
	    addr_cmp(&addr, as->addr) == 0)
		as->flags = ifa->ifa_flags;
	return MNL_CB_OK;
}

/* The address's IFA_F_* flags, -1 when the host does not have it. */
static int
addr_flags(const struct ifl_addr *addr)
{
	struct addr_state as = { addr, -1 };

	if (addr_dump(addr->family, addr_state_cb, &as) < 0)
		return -1;
	return as.flags;
}

/* ---- routes ---- */

static struct nlmsghdr *
msg_route(uint16_t type, uint16_t flags, const struct route_info *ri)
{
	struct nlmsghdr *nlh = nl_msg_start(reqbuf, type, flags,
	    sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = ri->dst.addr.family;
	rtm->rtm_dst_len = ri->dst.plen;
	rtm->rtm_table = ri->table < 256 ? (uint8_t)ri->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, ri->table);
	if (ri->dst.plen)
		mnl_attr_put(nlh, RTA_DST, addr_len(&ri->dst.addr), ri->dst.addr.u.raw);
	if (type == RTM_DELROUTE)
		return nlh;
	mnl_attr_put_u32(nlh, RTA_OIF, ri->oif);
	if (ri->gw.family)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(&ri->gw), ri->gw.u.raw);
	if (ri->src.family)
		mnl_attr_put(nlh, RTA_PREFSRC, addr_len(&ri->src), ri->src.u.raw);
	return nlh;
}

static const char *
route_text(const struct route_info *ri, char *dst, size_t len)
{
	char net[SUBNET_STRLEN], gw[ADDR_STRLEN], src[ADDR_STRLEN];

	snprintf(dst, len, "%s%s%s dev %s%s%s table %u",
	    subnet_str(&ri->dst, net, sizeof(net)), ri->gw.family ? " via " : "",
	    ri->gw.family ? addr_str(&ri->gw, gw, sizeof(gw)) : "",
	    ri->ifname[0] ? ri->ifname : "?", ri->src.family ? " src " : "",
	    ri->src.family ? addr_str(&ri->src, src, sizeof(src)) : "", ri->table);
	return dst;
}

/* Where dst goes towards peer: interface and next hop. A subnet of the
 * other family than the peer's (IPv4 in IPv6, IPv6 in IPv4) has no next
 * hop of its own family: it goes through the interface alone, which only
 * has to bring it to the out policy; the ESP packet then follows the
 * peer's own route. */
static int
route_resolve(const char *conn, struct route_info *ri, const struct ifl_addr *peer)
{
	char net[SUBNET_STRLEN], pa[ADDR_STRLEN], tail[300];
	struct path p;
	int r;

	if ((r = path_lookup(peer, &p)) < 0) {
		log_err("IKE:%s: no route to %s installed: the peer %s is not "
		    "reachable: %s%s", conn, subnet_str(&ri->dst, net, sizeof(net)),
		    addr_str(peer, pa, sizeof(pa)), strerror(-r),
		    errtail(tail, sizeof(tail)));
		return r;
	}
	ri->peer = *peer;
	ri->oif = p.oif;
	if (p.gw.family == ri->dst.addr.family)
		ri->gw = p.gw;
	else
		memset(&ri->gw, 0, sizeof(ri->gw));
	if (if_indextoname(p.oif, ri->ifname) == NULL)
		snprintf(ri->ifname, sizeof(ri->ifname), "if%u", p.oif);
	return 0;
}

static struct route_ent *
ent_find(const struct ifl_subnet *dst)
{
	struct route_ent *e;

	for (e = rt.routes; e; e = e->next)
		if (e->info.dst.plen == dst->plen &&
		    addr_cmp(&e->info.dst.addr, &dst->addr) == 0)
			return e;
	return NULL;
}

/* A routed connection's trap holds its routes under a key no SPI can
 * take: the reqid above 2^32. */
#define TRAP_KEY(reqid)	((1ULL << 32) | (reqid))

static int
ent_user_add(struct route_ent *e, uint64_t user)
{
	size_t i;

	for (i = 0; i < e->info.users; i++)
		if (e->users[i] == user)
			return 0;
	if (e->info.users == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 2;
		uint64_t *u = reallocarray(e->users, cap, sizeof(*u));

		if (u == NULL)
			return -ENOMEM;
		e->users = u;
		e->cap = cap;
	}
	e->users[e->info.users++] = user;
	return 0;
}

static int
ent_has_user(const struct route_ent *e, uint64_t user)
{
	size_t i;

	for (i = 0; i < e->info.users; i++)
		if (e->users[i] == user)
			return 1;
	return 0;
}

/* The route moves to peer's path (REPLACE keeps it in place). */
static int
ent_repath(struct route_ent *e, const struct ifl_addr *peer)
{
	struct route_info ri = e->info;
	char text[200], tail[300];
	int r;

	if ((r = route_resolve(e->info.conn, &ri, peer)) < 0)
		return r;
	if (e->info.waiting || (ri.oif == e->info.oif &&
	    addr_cmp(&ri.gw, &e->info.gw) == 0)) {
		/* a waiting route takes the new path when it goes in */
		e->info = ri;
		e->info.peer = *peer;
		return 0;
	}
	r = nl_request(rt.nl, &rt.seq, msg_route(RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_REPLACE, &ri), NULL, NULL, rt.errmsg,
	    sizeof(rt.errmsg));
	if (r < 0) {
		log_err("IKE:%s: route %s not moved to the peer's new path: %s%s",
		    e->info.conn, route_text(&ri, text, sizeof(text)), strerror(-r),
		    errtail(tail, sizeof(tail)));
		return r;
	}
	e->info = ri;
	log_info("IKE:%s: route now %s", e->info.conn, route_text(&ri, text,
	    sizeof(text)));
	return 0;
}

static void waiting_settle(const struct ifl_addr *addr, int flags);

static void
ent_unlink(struct route_ent *e)
{
	struct route_ent **pp;

	for (pp = &rt.routes; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	free(e->users);
	free(e);
}

/* A waiting route goes in: its source is usable now, or will never be
 * (nosrc: the route goes without one). A route that cannot go in is
 * forgotten: its children stay up without it, as at their start. */
static void
ent_install_waiting(struct route_ent *e, int nosrc)
{
	char text[200], tail[300], src[ADDR_STRLEN];
	int r;

	if (nosrc)
		memset(&e->info.src, 0, sizeof(e->info.src));
	r = nl_request(rt.nl, &rt.seq, msg_route(RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_EXCL, &e->info), NULL, NULL, rt.errmsg,
	    sizeof(rt.errmsg));
	route_text(&e->info, text, sizeof(text));
	if (r == 0) {
		e->info.waiting = 0;
		log_info("IKE:%s: route installed: %s%s%s%s", e->info.conn, text,
		    e->info.src.family ? " (its source " : "",
		    e->info.src.family ? addr_str(&e->info.src, src, sizeof(src)) : "",
		    e->info.src.family ? " is usable now)" : "");
		return;
	}
	if (r == -EEXIST)
		log_info("IKE:%s: a route to %s in table %u came meanwhile, not "
		    "ours: left as it is", e->info.conn, subnet_str(&e->info.dst,
		    text, sizeof(text)), e->info.table);
	else
		log_err("IKE:%s: route %s not installed: %s%s", e->info.conn, text,
		    strerror(-r), errtail(tail, sizeof(tail)));
	ent_unlink(e);
}

static int
route_user_add(const char *conn, uint64_t user, const struct ifl_subnet *dst,
    const struct ifl_addr *peer, const struct ifl_subnet *local, size_t nlocal)
{
	struct route_ent *e, **pp;
	struct route_info ri;
	char text[200], tail[300], src[ADDR_STRLEN];
	int r, waiting = 0, srcflags = 0;

	if (rt.nl == NULL)
		return -ENOTCONN;
	if ((e = ent_find(dst)) != NULL) {
		if ((r = ent_user_add(e, user)) < 0)
			return r;
		/* the newest child's peer wins (a rekey after a NAT move) */
		if (addr_cmp(&e->info.peer, peer) != 0)
			ent_repath(e, peer);
		return 0;
	}
	memset(&ri, 0, sizeof(ri));
	ri.dst = *dst;
	ri.table = rt.table;
	snprintf(ri.conn, sizeof(ri.conn), "%s", conn);
	if ((r = route_resolve(conn, &ri, peer)) < 0)
		return r;
	if ((r = src_find(local, nlocal, dst->addr.family, &ri.src)) < 0)
		log_warnx("IKE:%s: addresses not listed (%s): the route to %s goes "
		    "without a source", conn, strerror(-r), subnet_str(dst, text,
		    sizeof(text)));
	r = nl_request(rt.nl, &rt.seq, msg_route(RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_EXCL, &ri), NULL, NULL, rt.errmsg, sizeof(rt.errmsg));
	if (r == -EEXIST) {
		log_info("IKE:%s: a route to %s in table %u is already there, not "
		    "ours: left as it is", conn, subnet_str(dst, text, sizeof(text)),
		    rt.table);
		return 0;
	}
	/* An IPv6 address stays tentative while duplicate address detection
	 * runs (a second or so after it was added or its link came up, as
	 * long as the link has no carrier), and the kernel refuses it as a
	 * source meanwhile. The route waits for the event that makes it
	 * usable (route_events_read): installed without it meanwhile, the
	 * gateway's own packets to dst would leave from an address outside
	 * the local subnet, in no policy: in clear. One that failed
	 * detection stays tentative for good: waiting_settle below installs
	 * the route without it at once. */
	if (r == -EINVAL && ri.src.family == AF_INET6 &&
	    (srcflags = addr_flags(&ri.src)) >= 0 && (srcflags & IFA_F_TENTATIVE))
		waiting = 1;
	else if (r < 0) {
		log_err("IKE:%s: route %s not installed: %s%s", conn,
		    route_text(&ri, text, sizeof(text)), strerror(-r),
		    errtail(tail, sizeof(tail)));
		return r;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL || ent_user_add(e, user) < 0) {
		/* a route nobody would remove: take it out again */
		free(e);
		if (!waiting)
			nl_request(rt.nl, &rt.seq, msg_route(RTM_DELROUTE, 0, &ri),
			    NULL, NULL, rt.errmsg, sizeof(rt.errmsg));
		log_err("IKE:%s: route to %s not installed: out of memory", conn,
		    subnet_str(dst, text, sizeof(text)));
		return -ENOMEM;
	}
	e->info = ri;
	e->info.users = 1;
	e->info.waiting = waiting;
	for (pp = &rt.routes; *pp; pp = &(*pp)->next)
		;
	*pp = e;
	if (waiting) {
		if (!(srcflags & IFA_F_DADFAILED))
			log_warnx("IKE:%s: route %s waits for its source %s, still "
			    "tentative (duplicate address detection): installed once "
			    "the address is usable", conn, route_text(&ri, text,
			    sizeof(text)), addr_str(&ri.src, src, sizeof(src)));
		/* usable (or failed) between the refusal and now: its event
		 * may have come before the route was listed */
		waiting_settle(&ri.src, addr_flags(&ri.src));
	} else
		log_info("IKE:%s: route installed: %s", conn, route_text(&ri, text,
		    sizeof(text)));
	return 0;
}

int
route_child_add(const char *conn, uint32_t user, const struct ifl_subnet *dst,
    const struct ifl_addr *peer, const struct ifl_subnet *local, size_t nlocal)
{
	return route_user_add(conn, user, dst, peer, local, nlocal);
}

int
route_trap_add(const char *conn, uint32_t reqid, const struct ifl_subnet *dst,
    const struct ifl_addr *peer, const struct ifl_subnet *local, size_t nlocal)
{
	return route_user_add(conn, TRAP_KEY(reqid), dst, peer, local, nlocal);
}

int
route_child_move(uint32_t user, const struct ifl_addr *peer)
{
	struct route_ent *e;
	int ret = 0, r;

	for (e = rt.routes; e; e = e->next)
		if (ent_has_user(e, user) && addr_cmp(&e->info.peer, peer) != 0 &&
		    (r = ent_repath(e, peer)) < 0)
			ret = r;
	return ret;
}

static void
ent_remove(struct route_ent *e)
{
	char text[200], tail[300];
	int r;

	if (e->info.waiting) {
		log_info("IKE:%s: route %s no longer needed; never installed (its "
		    "source stayed tentative)", e->info.conn, route_text(&e->info,
		    text, sizeof(text)));
		free(e->users);
		free(e);
		return;
	}
	r = nl_request(rt.nl, &rt.seq, msg_route(RTM_DELROUTE, 0, &e->info), NULL,
	    NULL, rt.errmsg, sizeof(rt.errmsg));
	route_text(&e->info, text, sizeof(text));
	if (r == 0)
		log_info("IKE:%s: route removed: %s", e->info.conn, text);
	else if (r == -ESRCH || r == -ENOENT)
		log_info("IKE:%s: route %s was removed by someone else", e->info.conn,
		    text);
	else
		log_err("IKE:%s: route %s not removed: %s%s", e->info.conn, text,
		    strerror(-r), errtail(tail, sizeof(tail)));
	free(e->users);
	free(e);
}

static void
route_user_del(uint64_t user)
{
	struct route_ent **pp = &rt.routes, *e;
	size_t i;

	while ((e = *pp) != NULL) {
		for (i = 0; i < e->info.users; i++)
			if (e->users[i] == user) {
				e->users[i] = e->users[--e->info.users];
				break;
			}
		if (e->info.users > 0) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		ent_remove(e);
	}
}

void
route_child_del(uint32_t user)
{
	route_user_del(user);
}

void
route_trap_del(uint32_t reqid)
{
	route_user_del(TRAP_KEY(reqid));
}

void
route_walk(route_fn fn, void *arg)
{
	const struct route_ent *e;

	for (e = rt.routes; e; e = e->next)
		if (fn(&e->info, arg))
			break;
}

size_t
route_count(void)
{
	const struct route_ent *e;
	size_t n = 0;

	for (e = rt.routes; e; e = e->next)
		n++;
	return n;
}

/* ---- address events: waiting routes ---- */

/* addr's state changed (flags: IFA_F_*, -1 removed): the routes waiting
 * for it as their source go in when it is usable, without it when it
 * never will be. */
static void
waiting_settle(const struct ifl_addr *addr, int flags)
{
	struct route_ent *e, *next;
	char net[SUBNET_STRLEN], a[ADDR_STRLEN];

	for (e = rt.routes; e; e = next) {
		next = e->next;
		if (!e->info.waiting || addr_cmp(&e->info.src, addr) != 0)
			continue;
		if (flags >= 0 && (flags & IFA_F_TENTATIVE) &&
		    !(flags & IFA_F_DADFAILED))
			continue;
		if (flags < 0 || (flags & IFA_F_DADFAILED)) {
			log_err("IKE:%s: the route to %s goes without a source: %s %s",
			    e->info.conn, subnet_str(&e->info.dst, net, sizeof(net)),
			    addr_str(addr, a, sizeof(a)), flags < 0 ? "was removed" :
			    "is a duplicate on its link (duplicate address detection "
			    "failed)");
			ent_install_waiting(e, 1);
		} else
			ent_install_waiting(e, 0);
	}
}

/* Events were lost: every waiting route's source is asked again. */
static void
waiting_recheck(void)
{
	struct route_ent *e, *next;

	for (e = rt.routes; e; e = next) {
		next = e->next;
		if (e->info.waiting)
			waiting_settle(&e->info.src, addr_flags(&e->info.src));
	}
}

int
route_events_fd(void)
{
	return rt.ev ? mnl_socket_get_fd(rt.ev) : -1;
}

void
route_events_read(void)
{
	static uint8_t evbuf[8192] __attribute__((aligned(8)));
	const struct ifaddrmsg *ifa;
	const struct nlmsghdr *nlh;
	struct ifl_addr addr;
	ssize_t n;
	int left, lost = 0;

	if (rt.ev == NULL)
		return;
	for (;;) {
		n = recv(mnl_socket_get_fd(rt.ev), evbuf, sizeof(evbuf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				lost = 1;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_err("route: address event socket: %s",
				    strerror(errno));
			break;
		}
		left = (int)n;
		if (!nl_datagram_ok(evbuf, (size_t)n)) {
			log_warnx("route: a damaged address event datagram (%zd bytes) dropped", n);
			left = 0;
		}
		for (nlh = (const void *)evbuf; mnl_nlmsg_ok(nlh, left);
		    nlh = mnl_nlmsg_next(nlh, &left))
			if ((ifa = route_msg_ifa(nlh, &addr)) != NULL)
				waiting_settle(&addr, nlh->nlmsg_type == RTM_DELADDR ?
				    -1 : ifa->ifa_flags);
	}
	if (lost)
		waiting_recheck();
}

/* ---- lifecycle ---- */

int
route_init(uint32_t table, uint32_t prio)
{
	int r;

	if (rt.nl != NULL)
		return 0;
	memset(&rt, 0, sizeof(rt));
	rt.table = table ? table : IFL_ROUTE_TABLE;
	rt.prio = prio ? prio : IFL_ROUTE_PRIO;
	rt.seq = (uint32_t)time(NULL);
	if ((rt.nl = nl_open(NETLINK_ROUTE, 0)) == NULL) {
		r = -errno;
		log_err("route: netlink socket: %s", strerror(errno));
		return r;
	}
	/* without it a route whose source is tentative waits for nothing:
	 * logged, the rest works */
	if ((rt.ev = nl_open(NETLINK_ROUTE, RTMGRP_IPV6_IFADDR)) == NULL)
		log_warnx("route: address event socket: %s: a route whose IPv6 "
		    "source is still tentative will not be installed",
		    strerror(errno));
	rule_add(AF_INET);
	rule_add(AF_INET6);
	return 0;
}

int
route_running(void)
{
	return rt.nl != NULL;
}

void
route_shutdown(void)
{
	struct route_ent *e;

	if (rt.nl == NULL)
		return;
	while ((e = rt.routes) != NULL) {
		rt.routes = e->next;
		ent_remove(e);
	}
	rule_del(AF_INET);
	rule_del(AF_INET6);
	if (rt.ev)
		mnl_socket_close(rt.ev);
	mnl_socket_close(rt.nl);
	memset(&rt, 0, sizeof(rt));
}
