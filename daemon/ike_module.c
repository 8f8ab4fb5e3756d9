/* The IKE module of ikeflowd: the IKEv2 and IKEv1 engines on the UDP
 * sockets (keyexchange= says which one a connection uses), and the
 * connection lifecycle around it. At start and on reload: auto=start
 * connections are initiated, auto=route ones get trap policies (an ACQUIRE
 * for one initiates it), auto=add ones wait for the peer or `up NAME`.
 * Kernel events end children the kernel ended: a hard expiry or an SA
 * deleted by someone else makes the engine delete the child with the peer
 * (the XFRM module has already folded the final counters). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/log.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/ike_daemon.h"
#include "daemon/ike_startq.h"
#include "keying/crypto_dh_pool.h"
#include "keying/ikev1_exchange.h"
#include "keying/ikev2_exchange.h"
#include "kernel/xfrm.h"
#include "state/state.h"

/* strongSwan's reqids start at 1; ours stay out of the way of other daemons. */
#define IKE_REQID_BASE	0x1000

static struct ikev2_engine *engine;
static struct ikev1_engine *engine1;	/* keyexchange=ikev1 */
static struct ike_tuning tuning;	/* the engine's, for ike_conns_wait_ms */
static struct ike_conn *retired;
static uint32_t next_reqid = IKE_REQID_BASE;

static int
is_local(const struct ifl_addr *a, void *arg)
{
	(void)arg;
	return addr_is_local(a);
}

static void
on_datagram(const struct ifl_addr *src, uint16_t sport, const struct ifl_addr *dst,
    uint16_t dport, const uint8_t *pkt, size_t len, void *arg)
{
	(void)arg;
	/* the ISAKMP version byte says which engine: 0x1X IKEv1, else IKEv2
	 * (whose own checks answer other versions) */
	if (engine1 && len > 17 && (pkt[17] >> 4) == 1)
		ikev1_input(engine1, src, sport, dst, dport, pkt, len);
	else if (engine)
		ikev2_input(engine, src, sport, dst, dport, pkt, len);
}

/* An IKE SA of the connection is being set up, or one is up with children:
 * traffic needs no new negotiation. */
static int
ike_busy(const struct st_ike *ike)
{
	return ike->state == ST_IKE_CONNECTING || ike->state == ST_IKE_DELETING ||
	    st_child_count_for_ike(ike->index) > 0;
}

static int
conn_busy(const char *name)
{
	const struct st_ike *ike;

	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		if (strcmp(ike->conn, name) == 0 && ike_busy(ike))
			return 1;
	return 0;
}

/* conn_busy for every connection of the list at once, in one walk of the
 * IKE SAs (a reload of thousands of auto=start connections asked each
 * one: a walk of every IKE SA a connection): busy ones get busy = 1. */
static void
conns_mark_busy(struct ike_conn *list)
{
	const struct st_ike *ike;
	struct ike_conn *ic;

	for (ic = list; ic; ic = ic->next)
		ic->busy = 0;
	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		if (ike_busy(ike) && (ic = ike_conns_by_name(ike->conn)) != NULL)
			ic->busy = 1;
}

/* The engine of a connection's keyexchange=: what the daemon starts and
 * tells about the kernel's events goes through here, the same for both. */
static int
conn_initiate(const struct cfg_conn *c)
{
	return c->ike_version == 1 ? ikev1_initiate(engine1, c) :
	    ikev2_initiate(engine, c);
}

/* A kernel expiry or foreign delete of one of our SAs, for whichever
 * engine owns it. 0, -1 = neither's. */
static int
child_expired(uint32_t spi, int hard)
{
	if (ikev2_child_expired(engine, spi, hard) == 0)
		return 0;
	return ikev1_child_expired(engine1, spi, hard);
}

static int
conn_start(struct ike_conn *ic, const char *why)
{
	char peer[ADDR_STRLEN];

	log_info("IKE:%s: initiating IKEv%d with %s (%s)", ic->c.name,
	    ic->c.ike_version, addr_str(&ic->c.right.addr, peer, sizeof(peer)),
	    why);
	return conn_initiate(&ic->c);
}

/* A queued auto=start connection's turn (ike_startq.c): it may have
 * left the configuration, changed or come up meanwhile. */
static int
queued_start(const char *name)
{
	struct ike_conn *ic = ike_conns_by_name(name);

	if (ic == NULL || ic->c.auto_mode != CFG_AUTO_START || conn_busy(name))
		return -1;
	return conn_start(ic, "auto=start") < 0 ? -1 : 0;
}

static void
on_acquire(const struct xfrm_acquire *acq, void *arg)
{
	struct ike_conn *ic = ike_conns_by_reqid(acq->reqid);
	char s[ADDR_STRLEN], d[ADDR_STRLEN];

	(void)arg;
	addr_str(&acq->pkt_src, s, sizeof(s));
	addr_str(&acq->pkt_dst, d, sizeof(d));
	if (ic == NULL || !ic->trapped) {
		log_info("IKE: ACQUIRE for %s -> %s (reqid %u): not a routed "
		    "connection of ours", s, d, acq->reqid);
		return;
	}
	if (conn_busy(ic->c.name)) {
		log_debug("IKE:%s: ACQUIRE for %s -> %s while negotiating", ic->c.name,
		    s, d);
		return;
	}
	if (acq->pkt_src.family)
		log_info("IKE:%s: traffic %s -> %s triggers the connection",
		    ic->c.name, s, d);
	conn_start(ic, "ACQUIRE");
}

static const char *
sa_dir_name(const struct xfrm_sa_info *sa)
{
	const struct st_child *ch = st_child_by_spi(sa->spi, ST_SA_IN);

	return ch ? "in" : "out";
}

static void
on_expire(const struct xfrm_sa_info *sa, int hard, void *arg)
{
	const struct st_child *ch;
	const struct cfg_conn *conn;
	char s[ADDR_STRLEN], d[ADDR_STRLEN];

	(void)arg;
	addr_str(&sa->src, s, sizeof(s));
	addr_str(&sa->dst, d, sizeof(d));
	if (!hard) {
		if ((ch = st_child_by_spi(sa->spi, ST_SA_IN)) == NULL &&
		    (ch = st_child_by_spi(sa->spi, ST_SA_OUT)) == NULL)
			return;
		/* the engine rekeys the pair (once, whichever SA comes first);
		 * with rekey=no the hard expiry ends it */
		conn = daemon_config() ? config_conn_find(daemon_config(), ch->conn) : NULL;
		if ((conn && !conn->rekey) || child_expired(sa->spi, 0) < 0)
			log_notice("IKE:%s: child SA %08x (%s, %s -> %s) reached its "
			    "soft lifetime; not rekeyed", ch->conn, sa->spi,
			    sa_dir_name(sa), s, d);
		return;
	}
	/* the kernel removed it (its final counters are folded already): the
	 * engine deletes the pair, on the peer too */
	if (child_expired(sa->spi, 1) == 0)
		log_notice("IKE: child SA %08x (%s -> %s) expired: deleting the child",
		    sa->spi, s, d);
}

static void
on_sa_deleted(const struct xfrm_sa_info *sa, void *arg)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN];

	(void)arg;
	/* our own deletes take the child out of the engine first: only
	 * someone else's find it there */
	if (child_expired(sa->spi, 1) < 0)
		return;
	log_notice("IKE: child SA %08x (%s -> %s) deleted from the kernel by another "
	    "process: deleting the child", sa->spi, addr_str(&sa->src, s, sizeof(s)),
	    addr_str(&sa->dst, d, sizeof(d)));
}

/* SNMP SET cikeTunStatus / cipSecTunStatus = destroy(2). */
static int
mib_ike_destroy(uint32_t ike_index)
{
	const struct st_ike *ike = st_ike_find(ike_index);

	if (engine == NULL || ike == NULL)
		return -1;
	log_notice("IKE:%s: IKE SA %u destroyed through SNMP", ike->conn, ike_index);
	return ikev2_terminate_index(engine, ike_index) > 0 ? 0 : -1;
}

static int
mib_child_destroy(uint32_t child_index)
{
	const struct st_child *ch = st_child_find(child_index);

	if (engine == NULL || ch == NULL)
		return -1;
	log_notice("IKE:%s: IPsec tunnel %u destroyed through SNMP", ch->conn,
	    child_index);
	return ikev2_child_delete(engine, child_index);
}

static void
tuning_from(const struct ifl_config *cfg, struct ike_tuning *t)
{
	ike_tuning_defaults(t);
	t->retrans_timeout = cfg->daemon.retransmit_timeout;
	t->retrans_base = cfg->daemon.retransmit_base;
	t->retrans_tries = cfg->daemon.retransmit_tries;
	t->half_open_timeout = cfg->daemon.half_open_timeout;
	t->cookie_threshold = cfg->daemon.cookie_threshold;
	t->cookie_threshold_ip = cfg->daemon.cookie_threshold_ip;
	t->block_threshold = cfg->daemon.block_threshold;
	t->half_open_max = cfg->daemon.half_open_max;
	t->fragment_size = cfg->daemon.fragment_size;
	t->keepalive = cfg->daemon.keepalive;
	t->ike_port = cfg->daemon.ike_port;
	t->natt_port = cfg->daemon.natt_port;
	t->initial_contact = cfg->setup.uniqueids != 4;
}

/* Older copies of a connection that left the configuration: their SAs go. */
static void
retired_gone(const char *name)
{
	struct ike_conn **pp = &retired, *o;

	while ((o = *pp) != NULL) {
		if (strcmp(o->c.name, name) != 0) {
			pp = &o->next;
			continue;
		}
		ikev2_conn_gone(engine, &o->c);
		ikev1_conn_gone(engine1, &o->c);
		*pp = o->next;
		free(o);
	}
}

/* Puts `list` in force: conns of `old` that are not reused either leave
 * (removed from the configuration: their SAs are deleted) or retire
 * (changed: SAs keep the old copy until they end). */
static void
conns_apply(struct ike_conn *list, struct ike_conn *old)
{
	struct ike_conn *ic, *o, **pp, *next;
	struct ike_conn_index *ox = ike_conn_index_new(old, 1);

	for (ic = list; ic; ic = ic->next) {
		if (ox != NULL)
			o = ike_conn_index_name(ox, ic->c.name);
		else	/* out of memory: the slow way */
			for (o = old; o; o = o->next)
				if (!o->retired && strcmp(o->c.name, ic->c.name) == 0)
					break;
		if (o && ike_conn_same(&o->c, &ic->c)) {
			o->retired = 2;
			ic->reuse = o;
		}
	}
	ike_conn_index_free(ox);
	ike_conns_set(list);
	for (o = old; o; o = next) {
		next = o->next;
		if (o->retired == 2)
			continue;
		if (o->trapped)
			ike_conn_untrap(o);
		if (ike_conns_by_name(o->c.name) == NULL) {
			log_info("IKE:%s: removed from the configuration", o->c.name);
			ikev2_conn_gone(engine, &o->c);
			ikev1_conn_gone(engine1, &o->c);
			retired_gone(o->c.name);
			free(o);
		} else {
			log_info("IKE:%s: changed; its SAs keep the old settings",
			    o->c.name);
			o->retired = 1;
			o->next = retired;
			retired = o;
		}
	}
	/* unchanged: the engine keeps pointing at the old copy */
	for (pp = &list; (ic = *pp) != NULL; pp = &(*pp)->next) {
		if ((o = ic->reuse) == NULL)
			continue;
		o->next = ic->next;
		o->reuse = NULL;
		*pp = o;
		free(ic);
	}
	ike_conns_set(list);
	conns_mark_busy(list);
	for (ic = list; ic; ic = ic->next) {
		int reused = ic->retired == 2;

		ic->retired = 0;
		if (ic->c.auto_mode == CFG_AUTO_ROUTE && !ic->trapped)
			ike_conn_trap(ic);
		else if (ic->c.auto_mode == CFG_AUTO_START && !reused &&
		    !ic->busy && !ike_startq_add(ic->c.name))
			conn_start(ic, "auto=start");
	}
}

/* DH key pairs ahead of time for the groups the connections use first; a
 * changed dh_workers restarts the pool. Without one, dh_new works inline. */
static void
dh_pool_apply(const struct ifl_config *old, const struct ifl_config *cfg)
{
	uint16_t groups[DH_POOL_MAX_GROUPS];
	size_t n;
	unsigned workers = config_dh_workers(&cfg->daemon);

	n = dh_pool_conf_groups(cfg, groups, DH_POOL_MAX_GROUPS);
	if (old && dh_pool_running() && config_dh_workers(&old->daemon) == workers) {
		dh_pool_set_groups(groups, n);
		return;
	}
	if (dh_pool_running() && workers == 0)
		log_info("IKE: DH workers stopped; key pairs are made inline");
	dh_pool_stop();
	if (dh_pool_start(workers, groups, n, DH_POOL_DEPTH) < 0)
		log_warnx("IKE: no DH workers; key pairs are made on the event loop");
}

static int
ike_init(const struct ifl_config *cfg)
{
	struct xfrm_handlers h;
	struct ike_tuning t;
	struct ike_env env;
	struct ike_conn *list;

	/* monitor mode: another daemon keys; no IKE socket, no SA of ours */
	if (cfg->daemon.mode == CFG_MODE_MONITOR)
		return 0;
	tuning_from(cfg, &t);
	tuning = t;
	ike_env_daemon(&env);
	if ((engine = ikev2_engine_new(&env, &t)) == NULL)
		return -1;
	if ((engine1 = ikev1_engine_new(&env, &t)) == NULL)
		goto fail;
	if (ike_socket_open(t.ike_port, t.natt_port, 1, on_datagram, NULL) < 0)
		goto fail;
	memset(&h, 0, sizeof(h));
	h.on_acquire = on_acquire;
	h.on_expire = on_expire;
	h.on_sa_deleted = on_sa_deleted;
	xfrm_set_handlers(&h);
	agent_set_destroy_handlers(mib_ike_destroy, mib_child_destroy);
	if (ike_ctl_register() < 0 ||
	    ike_conns_build(cfg, is_local, NULL, &next_reqid, &list) < 0)
		goto fail;
	dh_pool_apply(NULL, cfg);
	ike_startq_setup(cfg->daemon.initiate_max, queued_start);
	conns_apply(list, NULL);
	return 0;
fail:
	ike_socket_close();
	ikev2_engine_free(engine);
	engine = NULL;
	ikev1_engine_free(engine1);
	engine1 = NULL;
	return -1;
}

static int
ike_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	struct ike_conn *list;

	if (engine == NULL)		/* monitor mode (fixed at start) */
		return 0;
	if (old->daemon.ike_port != cfg->daemon.ike_port ||
	    old->daemon.natt_port != cfg->daemon.natt_port)
		log_warnx("IKE: ike_port and natt_port changes take effect at the "
		    "next restart");
	if (ike_conns_build(cfg, is_local, ike_conns_list(), &next_reqid, &list) < 0)
		return -1;
	dh_pool_apply(old, cfg);
	ike_startq_setup(cfg->daemon.initiate_max, queued_start);
	conns_apply(list, ike_conns_list());
	return 0;
}

static void
ike_shutdown(void)
{
	struct ike_conn *ic;
	struct xfrm_handlers h;

	if (engine == NULL)		/* monitor mode: never started */
		return;
	ike_startq_clear();
	memset(&h, 0, sizeof(h));
	xfrm_set_handlers(&h);
	agent_set_destroy_handlers(NULL, NULL);
	/* peers hear of it once; nobody waits for their answers */
	for (ic = ike_conns_list(); ic; ic = ic->next) {
		ikev2_conn_gone(engine, &ic->c);
		ikev1_conn_gone(engine1, &ic->c);
	}
	for (ic = retired; ic; ic = ic->next) {
		ikev2_conn_gone(engine, &ic->c);
		ikev1_conn_gone(engine1, &ic->c);
	}
	ikev2_engine_free(engine);
	engine = NULL;
	ikev1_engine_free(engine1);
	engine1 = NULL;
	for (ic = ike_conns_list(); ic; ic = ic->next)
		if (ic->trapped)
			ike_conn_untrap(ic);
	ike_socket_close();
	ike_conns_free(ike_conns_list());
	ike_conns_set(NULL);
	ike_conns_free(retired);
	retired = NULL;
	if (dh_pool_running()) {
		struct dh_pool_stats st;

		dh_pool_stats(&st);
		log_info("IKE: DH pool served %llu key pairs; %llu times none was ready",
		    (unsigned long long)st.hits, (unsigned long long)st.misses);
	}
	/* joins the workers; unused key pairs are wiped */
	dh_pool_stop();
}

int
ike_engine_stats(struct ikev2_engine_stats *st)
{
	if (engine == NULL)
		return -1;
	ikev2_engine_stats(engine, st);
	return 0;
}

int
ike_conns_up(const char *name, char *msg, size_t len)
{
	struct ike_conn *ic = ike_conns_by_name(name);
	char peer[ADDR_STRLEN];

	if (engine == NULL || ic == NULL) {
		snprintf(msg, len, "no connection named '%s'", name);
		return -1;
	}
	if (ic->c.right.addr.family == 0) {
		snprintf(msg, len, "connection '%s' has no peer address to initiate to",
		    name);
		return -1;
	}
	if (conn_busy(name)) {
		snprintf(msg, len, "IKE SA '%s' is already up or being negotiated", name);
		return 0;
	}
	if (conn_start(ic, "operator") < 0) {
		snprintf(msg, len, "initiating '%s' failed (see the log)", name);
		return -1;
	}
	snprintf(msg, len, "initiating IKEv%d SA '%s' to %s", ic->c.ike_version,
	    name, addr_str(&ic->c.right.addr, peer, sizeof(peer)));
	return 0;
}

uint32_t
ike_conns_wait_ms(void)
{
	double ms = 10000, d = tuning.retrans_timeout * 1000.0;

	/* every retransmit's wait and the last one (ike_rtx_fire) */
	for (unsigned i = 0; i <= tuning.retrans_tries && ms < 3600000; i++) {
		ms += d;
		d *= tuning.retrans_base;
	}
	return ms < 3600000 ? (uint32_t)ms : 3600000;
}

int
ike_conns_down(const char *name, char *msg, size_t len)
{
	int n;

	if (engine == NULL ||
	    (n = ikev2_terminate(engine, name) + ikev1_terminate(engine1, name)) == 0) {
		snprintf(msg, len, "no IKE SA named '%s' found", name);
		return -1;
	}
	snprintf(msg, len, "deleting %d IKE SA%s of '%s'", n, n == 1 ? "" : "s", name);
	return 0;
}

const struct daemon_module ike_module = {
	.name = "ike",
	.init = ike_init,
	.reload = ike_reload,
	.shutdown = ike_shutdown,
};
