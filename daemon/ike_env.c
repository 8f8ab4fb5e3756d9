/* The daemon's struct ike_env: what the IKE engines may do to the outside
 * world. Datagrams go out through ike_socket.c; SPIs, SAs and policies go
 * into the kernel through kernel/xfrm.h, the way charon's kernel-netlink
 * does it (inbound SA = UPDSA of the larval SPI, outbound = NEWSA, then out
 * and in + fwd policies with the tunnel template and the reqid), and with
 * install_routes a tunnel's routes to the remote subnets (kernel/route.h),
 * owned by its inbound SPI. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/ike_daemon.h"
#include "daemon/updown.h"
#include "kernel/route.h"
#include "kernel/xfrm.h"
#include "state/state.h"

static int
env_send(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	(void)arg;
	if (updown_hold_send(src, sport, dst, dport, pkt, len))
		return 0;
	return ike_socket_send(src, sport, dst, dport, pkt, len);
}

static void
env_keepalive(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport)
{
	(void)arg;
	ike_socket_keepalive(src, sport, dst, dport);
}

/* dpdaction=hold: the connection is routed from now on (its trap policies
 * in), so the next packet's ACQUIRE starts it again, strongSwan's way. */
static void
env_hold(void *arg, const struct cfg_conn *conn)
{
	struct ike_conn *ic = ike_conns_by_name(conn->name);

	(void)arg;
	if (ic == NULL || ic->retired || ic->trapped)
		return;
	if (ike_conn_trap(ic) == 0)
		log_notice("IKE:%s: peer lost, traffic held until it triggers a new "
		    "negotiation", conn->name);
}

static int
env_alloc_spi(void *arg, const struct ifl_addr *peer, const struct ifl_addr *local,
    uint8_t proto, uint32_t reqid, uint32_t *spi)
{
	(void)arg;
	return xfrm_spi_alloc(peer, local, proto, reqid, spi) < 0 ? -1 : 0;
}

static void
env_release_spi(void *arg, const struct ifl_addr *peer, const struct ifl_addr *local,
    uint8_t proto, uint32_t spi)
{
	(void)arg;
	xfrm_spi_release(peer, local, proto, spi);
}

void
ike_ts_subnet(const struct ikev2_ts *ts, struct ifl_subnet *out)
{
	size_t i, len = addr_len(&ts->start);
	uint8_t plen = 0;

	memset(out, 0, sizeof(*out));
	out->addr = ts->start;
	if (len == 0 || ts->end.family != ts->start.family)
		return;
	/* the longest common prefix of start and end */
	for (i = 0; i < len * 8; i++) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));

		if ((ts->start.u.raw[i / 8] & m) != (ts->end.u.raw[i / 8] & m))
			break;
		plen++;
	}
	out->plen = plen;
	for (i = plen; i < len * 8; i++)
		out->addr.u.raw[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static uint16_t
ts_port(const struct ikev2_ts *ts)
{
	return ts->sport == ts->eport ? ts->sport : 0;
}

/* The policy of one selector pair in one direction. */
static void
pol_fill(const struct ike_child_sa *c, size_t i, size_t j, enum xfrm_pol_dir dir,
    struct xfrm_pol_cfg *p)
{
	const struct ikev2_ts *l = &c->ts_local[i], *r = &c->ts_remote[j];
	int out = dir == IFL_XFRM_OUT;

	memset(p, 0, sizeof(*p));
	ike_ts_subnet(out ? l : r, &p->src);
	ike_ts_subnet(out ? r : l, &p->dst);
	p->proto = l->proto ? l->proto : r->proto;
	p->sport = ts_port(out ? l : r);
	p->dport = ts_port(out ? r : l);
	p->dir = dir;
	p->transport = c->transport;
	if (!c->transport) {
		p->tmpl_src = out ? c->local : c->remote;
		p->tmpl_dst = out ? c->remote : c->local;
	}
	p->tmpl_proto = c->proto;
	p->reqid = c->reqid;
}

static int
pair_ok(const struct ike_child_sa *c, size_t i, size_t j)
{
	return c->ts_local[i].start.family == c->ts_remote[j].start.family;
}

static const enum xfrm_pol_dir pol_dirs[] = { IFL_XFRM_OUT, IFL_XFRM_IN, IFL_XFRM_FWD };

/* Removes the policies of pairs [0, upto) (all when upto = n); the out
 * policy of a routed connection goes back to being its trap. */
static void
policies_remove(const struct ike_child_sa *c, size_t upto)
{
	struct ike_conn *ic = ike_conns_by_name(c->conn);
	struct xfrm_pol_cfg p;
	size_t i, j, k, n = 0;

	for (i = 0; i < c->nts_local; i++)
		for (j = 0; j < c->nts_remote; j++) {
			if (!pair_ok(c, i, j) || n++ >= upto)
				continue;
			for (k = 0; k < 3; k++) {
				pol_fill(c, i, j, pol_dirs[k], &p);
				if (pol_dirs[k] == IFL_XFRM_OUT && ic && ic->trapped &&
				    !c->transport &&
				    ike_conn_trap_covers(ic, &p.src, &p.dst)) {
					ike_conn_trap(ic);
					continue;
				}
				xfrm_policy_del(&p);
			}
		}
}

/* The family of the traffic a tunnel-mode child carries, for its SAs'
 * selector: one family, or both for a child with selectors of each. */
static int
inner_family(const struct ike_child_sa *c)
{
	int fam = 0;

	for (size_t i = 0; i < c->nts_local + c->nts_remote; i++) {
		const struct ikev2_ts *ts = i < c->nts_local ? &c->ts_local[i] :
		    &c->ts_remote[i - c->nts_local];
		int f = ts->start.family;

		if (fam != 0 && fam != f)
			return IFL_XFRM_BOTH_FAMILIES;
		fam = f;
	}
	return fam;
}

static void
sa_fill(const struct ike_child_sa *c, int in, struct xfrm_sa_cfg *s)
{
	memset(s, 0, sizeof(*s));
	if (!c->transport)
		s->inner_family = inner_family(c);
	s->src = in ? c->remote : c->local;
	s->dst = in ? c->local : c->remote;
	s->spi = in ? c->spi_in : c->spi_out;
	s->proto = c->proto;
	s->dir = in ? ST_SA_IN : ST_SA_OUT;
	s->transport = c->transport;
	s->reqid = c->reqid;
	s->encr = c->encr;
	s->encr_keylen = c->encr_keylen;
	s->integ = c->integ;
	s->encr_key = in ? c->encr_in : c->encr_out;
	s->encr_key_len = c->encr_len;
	s->integ_key = in ? c->integ_in : c->integ_out;
	s->integ_key_len = c->integ ? c->integ_len : 0;
	s->esn = c->esn;
	s->soft_sec = c->life.soft_sec;
	s->hard_sec = c->life.hard_sec;
	s->soft_bytes = c->life.soft_bytes;
	s->hard_bytes = c->life.hard_bytes;
	s->soft_packets = c->life.soft_packets;
	s->hard_packets = c->life.hard_packets;
	if (c->encap) {
		s->encap = 1;
		s->encap_sport = in ? c->remote_port : c->local_port;
		s->encap_dport = in ? c->local_port : c->remote_port;
	}
}

/* A tunnel's remote subnets are routed towards the peer, with the source
 * inside the local subnets: without a covering route the traffic never
 * reaches the out policy. Transport mode needs none (the peer is the
 * destination). A remote subnet of the other family than the peer's is
 * routed too, through the peer's interface alone (kernel/route.c). A
 * missing route is logged and the child stays. */
static void
routes_add(const struct ike_child_sa *c)
{
	const struct ifl_config *cfg = daemon_config();
	const struct ike_conn *ic = ike_conns_by_name(c->conn);
	struct ifl_subnet local[IKEV2_MAX_TS], dst;
	size_t i, n = 0;

	/* passthrough traffic is not ours to route either */
	if (c->transport || !route_running() || cfg == NULL ||
	    !cfg->daemon.install_routes ||
	    (ic != NULL && ic->c.mode == CFG_MODE_PASSTHROUGH))
		return;
	for (i = 0; i < c->nts_local && n < IKEV2_MAX_TS; i++)
		ike_ts_subnet(&c->ts_local[i], &local[n++]);
	for (i = 0; i < c->nts_remote; i++) {
		ike_ts_subnet(&c->ts_remote[i], &dst);
		route_child_add(c->conn, c->spi_in, &dst, &c->remote, local, n);
	}
}

static int
env_install_child(void *arg, const struct ike_child_sa *c)
{
	struct xfrm_sa_cfg s;
	struct xfrm_pol_cfg p;
	char peer[ADDR_STRLEN];
	size_t i, j, k, n = 0;
	int in_done = 0;

	(void)arg;
	addr_str(&c->remote, peer, sizeof(peer));
	sa_fill(c, 1, &s);
	if (xfrm_sa_update(&s) < 0)
		goto fail;
	in_done = 1;
	sa_fill(c, 0, &s);
	if (!c->in_only && xfrm_sa_add(&s) < 0)
		goto fail;
	for (i = 0; i < c->nts_local; i++)
		for (j = 0; j < c->nts_remote; j++) {
			if (!pair_ok(c, i, j))
				continue;
			for (k = 0; k < 3; k++) {
				pol_fill(c, i, j, pol_dirs[k], &p);
				if (xfrm_policy_update(&p) < 0) {
					/* what is in goes, with the out SA */
					policies_remove(c, n + 1);
					if (!c->in_only)
						xfrm_sa_del(&c->local, &c->remote,
						    c->proto, c->spi_out);
					goto fail;
				}
			}
			n++;
		}
	routes_add(c);
	updown_child(c, 1);
	return 0;
fail:
	if (in_done)
		xfrm_sa_del(&c->remote, &c->local, c->proto, c->spi_in);
	log_err("IKE:%s: child SA with %s (SPI in 0x%08x out 0x%08x) not installed",
	    c->conn, peer, c->spi_in, c->spi_out);
	return -1;
}

/* The inbound SA alone (the larval SA of its SPI made whole): a later
 * install_child updates it in place, keys and counters kept. */
static int
env_install_in(void *arg, const struct ike_child_sa *c)
{
	struct xfrm_sa_cfg s;

	(void)arg;
	sa_fill(c, 1, &s);
	if (xfrm_sa_update(&s) < 0) {
		log_err("IKE:%s: inbound SA 0x%08x not installed", c->conn, c->spi_in);
		return -1;
	}
	return 0;
}

/* The peer's NAT mapping moved: UPDSA on a valid SA takes over only the
 * new encapsulation and lifetimes (the kernel keeps its keys, sequence
 * numbers and replay window), so the key attributes it insists on are
 * placeholders of the right size. Addresses are an SA's identity and
 * cannot move this way. */
static int
env_install_out(void *arg, const struct ike_child_sa *c)
{
	struct xfrm_sa_cfg s;

	(void)arg;
	sa_fill(c, 0, &s);
	if (xfrm_sa_add(&s) < 0) {
		log_err("IKE:%s: outbound SA 0x%08x not installed", c->conn, c->spi_out);
		return -1;
	}
	return 0;
}

/* A new outer address (a NATed peer's mapping moved to another address):
 * SAs are known to the kernel by their addresses, so they move with their
 * policies (XFRM_MSG_MIGRATE), once per selector pair: the first moves the
 * SAs, the others their templates. */
static int
tunnel_move(const struct ike_child_sa *c)
{
	struct xfrm_move_cfg m;
	struct xfrm_pol_cfg p;
	size_t i, j;
	int moved = 0;

	for (i = 0; i < c->nts_local; i++)
		for (j = 0; j < c->nts_remote; j++) {
			if (!pair_ok(c, i, j))
				continue;
			/* the selector as the out policy has it */
			pol_fill(c, i, j, IFL_XFRM_OUT, &p);
			memset(&m, 0, sizeof(m));
			m.local_ts = p.src;
			m.remote_ts = p.dst;
			m.proto = p.proto;
			m.lport = p.sport;
			m.rport = p.dport;
			m.transport = c->transport;
			m.reqid = c->reqid;
			m.spi_in = c->spi_in;
			m.spi_out = c->spi_out;
			m.old_local = c->old_local;
			m.old_remote = c->old_remote;
			m.new_local = c->local;
			m.new_remote = c->remote;
			m.encap = c->encap;
			m.encap_lport = c->local_port;
			m.encap_rport = c->remote_port;
			if (xfrm_tunnel_move(&m) < 0)
				goto fail;
			moved++;
		}
	return moved ? 0 : -1;
fail:
	log_err("IKE:%s: SAs 0x%08x/0x%08x did not follow the peer", c->conn,
	    c->spi_in, c->spi_out);
	return -1;
}

static int
env_update_child(void *arg, const struct ike_child_sa *c)
{
	static const uint8_t placeholder[256];
	struct ike_child_sa u = *c;
	struct xfrm_sa_cfg s;
	int dir;

	(void)arg;
	if (c->old_remote.family &&
	    (addr_cmp(&c->old_remote, &c->remote) != 0 ||
	    addr_cmp(&c->old_local, &c->local) != 0)) {
		if (tunnel_move(c) < 0)
			return -1;
		/* the path towards the peer may have changed with it */
		route_child_move(c->spi_in, &c->remote);
		return 0;
	}
	if (!c->encap || c->encr_len > sizeof(placeholder) ||
	    c->integ_len > sizeof(placeholder))
		return -1;
	u.encr_in = u.encr_out = u.integ_in = u.integ_out = placeholder;
	/* a child still waiting for its outbound SA has only the inbound one */
	for (dir = 1; dir >= (c->in_only ? 1 : 0); dir--) {
		sa_fill(&u, dir, &s);
		if (xfrm_sa_update(&s) < 0) {
			log_err("IKE:%s: SA 0x%08x: encapsulation not moved to port %u",
			    c->conn, dir ? c->spi_in : c->spi_out, c->remote_port);
			return -1;
		}
	}
	log_info("IKE:%s: SAs 0x%08x/0x%08x: ESP in UDP now to port %u", c->conn,
	    c->spi_in, c->spi_out, c->remote_port);
	return 0;
}

/* Another live child of the same connection shares the policies, or this
 * pair was rekeyed: its successor's SAs are in the same row and need them. */
static int
policies_shared(const struct ike_child_sa *c)
{
	const struct st_child *ch;
	int i;

	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index)) {
		if (ch->reqid != c->reqid || strcmp(ch->conn, c->conn) != 0)
			continue;
		if (ch->index != c->child_index) {
			if (ch->nsa > 0)
				return 1;
			continue;
		}
		for (i = 0; i < ch->nsa; i++)
			if (ch->sa[i].spi != c->spi_in && ch->sa[i].spi != c->spi_out)
				return 1;
	}
	return 0;
}

static void
env_remove_child(void *arg, const struct ike_child_sa *c)
{
	struct xfrm_sa_info info;

	(void)arg;
	/* fresh final counters into the state model before the row ends */
	xfrm_sa_query(&c->local, c->proto, c->spi_in, &info);
	if (!c->in_only)
		xfrm_sa_query(&c->remote, c->proto, c->spi_out, &info);
	xfrm_sa_del(&c->remote, &c->local, c->proto, c->spi_in);
	if (!c->in_only)
		xfrm_sa_del(&c->local, &c->remote, c->proto, c->spi_out);
	if (!policies_shared(c))
		policies_remove(c, (size_t)-1);
	updown_child(c, 0);
	/* a rekeyed pair's successor already holds the same routes */
	route_child_del(c->spi_in);
}

static int
env_psk(void *arg, const struct cfg_id *local, const struct cfg_id *remote,
    struct buf *out)
{
	const struct ifl_config *cfg = daemon_config();
	const struct cfg_secret *s;

	(void)arg;
	if (cfg == NULL || (s = config_psk_lookup(cfg, local, remote)) == NULL)
		return -1;
	return buf_put(out, s->key, s->keylen);
}

static const struct cfg_conn *
env_conn_by_addr(void *arg, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	(void)arg;
	return ike_conns_match_addr(ike_conns_list(), local, remote);
}

static const struct cfg_conn *
env_conn_by_addr_v1(void *arg, const struct ifl_addr *local,
    const struct ifl_addr *remote)
{
	(void)arg;
	return ike_conns_match_addr_v(ike_conns_list(), local, remote, 1);
}

static const struct cfg_conn *
env_conn_by_id(void *arg, const struct cfg_conn *cur, const struct ifl_addr *local,
    const struct ifl_addr *remote, const struct cfg_id *peer, const struct cfg_id *us)
{
	(void)arg;
	return ike_conns_match_id(ike_conns_list(), cur, local, remote, peer, us);
}

void
ike_env_daemon(struct ike_env *env)
{
	memset(env, 0, sizeof(*env));
	env->send = env_send;
	env->alloc_spi = env_alloc_spi;
	env->release_spi = env_release_spi;
	env->keepalive = env_keepalive;
	env->hold = env_hold;
	env->install_child = env_install_child;
	env->install_out = env_install_out;
	env->install_in = env_install_in;
	env->update_child = env_update_child;
	env->remove_child = env_remove_child;
	env->psk = env_psk;
	env->conn_by_addr = env_conn_by_addr;
	env->conn_by_addr_v1 = env_conn_by_addr_v1;
	env->conn_by_id = env_conn_by_id;
}
