/* Control commands of the IKE side: up/down of a connection, and the
 * failure and history records of the state model (what ended, why, with
 * which counters). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/ctl.h"
#include "daemon/ike_daemon.h"
#include "keying/crypto_dh_pool.h"
#include "state/names.h"
#include "state/state.h"

static int
cmd_up(int argc, char **argv, struct buf *out, void *arg)
{
	char msg[256];
	int r;

	(void)arg;
	if (argc != 1) {
		buf_printf(out, "usage: up NAME\n");
		return -1;
	}
	r = ike_conns_up(argv[0], msg, sizeof(msg));
	buf_printf(out, "%s\n", msg);
	return r;
}

static int
cmd_down(int argc, char **argv, struct buf *out, void *arg)
{
	char msg[256];
	int r;

	(void)arg;
	if (argc != 1) {
		buf_printf(out, "usage: down NAME\n");
		return -1;
	}
	r = ike_conns_down(argv[0], msg, sizeof(msg));
	buf_printf(out, "%s\n", msg);
	return r;
}

static const char *
when_str(time_t t, char *dst, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(dst, len, "%b %e %T", &tm) == 0)
		snprintf(dst, len, "%lld", (long long)t);
	return dst;
}

static int
cmd_failures(int argc, char **argv, struct buf *out, void *arg)
{
	const struct st_ike_failrec *f;
	const struct st_ipsec_failrec *p;
	char when[32], l[ADDR_STRLEN], r[ADDR_STRLEN];
	int n = 0;

	(void)argc;
	(void)argv;
	(void)arg;
	buf_printf(out, "IKE failures:\n");
	for (f = st_ike_fail_next(0); f; f = st_ike_fail_next(f->index), n++)
		buf_printf(out, "  %u %s %s local %s (%s) remote %s (%s): %s: %s\n",
		    f->index, when_str(f->when, when, sizeof(when)),
		    *f->conn ? f->conn : "-",
		    f->local.family ? addr_str(&f->local, l, sizeof(l)) : "%any",
		    *f->local_id ? f->local_id : "-",
		    f->remote.family ? addr_str(&f->remote, r, sizeof(r)) : "%any",
		    *f->remote_id ? f->remote_id : "-",
		    st_ike_fail_name(f->reason), f->detail);
	if (n == 0)
		buf_printf(out, "  none\n");
	n = 0;
	buf_printf(out, "IPsec failures:\n");
	for (p = st_ipsec_fail_next(0); p; p = st_ipsec_fail_next(p->index), n++)
		buf_printf(out, "  %u %s %s tunnel %u spi 0x%08x %s -> %s: %s: %s\n",
		    p->index, when_str(p->when, when, sizeof(when)),
		    *p->conn ? p->conn : "-", p->tunnel_index, p->spi,
		    p->src.family ? addr_str(&p->src, l, sizeof(l)) : "-",
		    p->dst.family ? addr_str(&p->dst, r, sizeof(r)) : "-",
		    st_ipsec_fail_name(p->reason), p->detail);
	if (n == 0)
		buf_printf(out, "  none\n");
	return 0;
}

static int
cmd_history(int argc, char **argv, struct buf *out, void *arg)
{
	const struct st_ike_hist *h;
	const struct st_child_hist *c;
	struct st_child_counters t;
	char l[ADDR_STRLEN], r[ADDR_STRLEN];
	int n = 0;

	(void)argc;
	(void)argv;
	(void)arg;
	buf_printf(out, "IKE SAs ended:\n");
	for (h = st_ike_hist_next(0); h; h = st_ike_hist_next(h->index), n++)
		buf_printf(out, "  %u %s: IKE SA %u %s[%u] -> %s[%u] SPIs %016llx_i "
		    "%016llx_r, active %llus, ended: %s\n", h->index, h->ike.conn,
		    h->ike.index, addr_str(&h->ike.local, l, sizeof(l)),
		    h->ike.local_port, addr_str(&h->ike.remote, r, sizeof(r)),
		    h->ike.remote_port, (unsigned long long)h->ike.spi_i,
		    (unsigned long long)h->ike.spi_r,
		    (unsigned long long)(h->active_ms / 1000), st_term_name(h->reason));
	if (n == 0)
		buf_printf(out, "  none\n");
	n = 0;
	buf_printf(out, "IPsec tunnels ended:\n");
	for (c = st_child_hist_next(0); c; c = st_child_hist_next(c->index), n++) {
		/* a history record's totals are its retired counters */
		t = c->child.retired;
		buf_printf(out, "  %u %s: tunnel %u (IKE SA %u) %s -> %s, active %llus, "
		    "ended: %s\n    #pkts encaps: %llu, #pkts decaps: %llu, "
		    "bytes out: %llu, bytes in: %llu\n", c->index, c->child.conn,
		    c->child.index, c->child.ike_index,
		    addr_str(&c->child.local, l, sizeof(l)),
		    addr_str(&c->child.remote, r, sizeof(r)),
		    (unsigned long long)(c->active_ms / 1000), st_term_name(c->reason),
		    (unsigned long long)t.out.packets, (unsigned long long)t.in.packets,
		    (unsigned long long)t.out.octets, (unsigned long long)t.in.octets);
	}
	if (n == 0)
		buf_printf(out, "  none\n");
	return 0;
}

static int
cmd_stats(int argc, char **argv, struct buf *out, void *arg)
{
	struct ike_socket_stats sk;
	struct ikev2_engine_stats st;
	struct dh_pool_stats dp;

	(void)argc;
	(void)argv;
	(void)arg;
	if (ike_engine_stats(&st) < 0) {
		buf_printf(out, "IKE is not running\n");
		return -1;
	}
	ike_socket_stats(&sk);
	buf_printf(out, "IKEv2 SAs: %u, half-open: %u\n"
	    "  messages in: %llu, out: %llu, dropped: %llu\n"
	    "  retransmits: %llu, responses resent: %llu\n"
	    "  cookies sent: %llu, IKE_SA_INIT refused: %llu\n"
	    "  NAT-T keepalives sent: %llu, received: %llu\n",
	    st.sas, st.half_open, (unsigned long long)st.rx, (unsigned long long)st.tx,
	    (unsigned long long)st.drops, (unsigned long long)st.retransmits,
	    (unsigned long long)st.resent_responses, (unsigned long long)st.cookies,
	    (unsigned long long)st.init_refused, (unsigned long long)st.keepalives,
	    (unsigned long long)sk.keepalives);
	dh_pool_stats(&dp);
	if (dp.workers == 0)
		buf_printf(out, "  DH key pairs: made on demand (no workers)\n");
	else
		buf_printf(out, "  DH key pairs: %u workers, %u groups x %u, %u ready; "
		    "taken ready: %llu, made on demand: %llu, made ahead: %llu, "
		    "failed: %llu\n", dp.workers, dp.ngroups, dp.depth, dp.ready,
		    (unsigned long long)dp.hits, (unsigned long long)dp.misses,
		    (unsigned long long)dp.generated, (unsigned long long)dp.failed);
	return 0;
}

int
ike_ctl_register(void)
{
	if (ctl_register("up", "up NAME",
	    "initiate the IKE SA and first child of connection NAME", cmd_up, NULL) < 0 ||
	    ctl_register("down", "down NAME",
	    "delete the IKE SAs of connection NAME and their children, telling the peer",
	    cmd_down, NULL) < 0 ||
	    ctl_register("show crypto ikev2 failures", "show crypto ikev2 failures",
	    "IKE and IPsec negotiation failures (the MIB's failure tables)",
	    cmd_failures, NULL) < 0 ||
	    ctl_register("show crypto ikev2 history", "show crypto ikev2 history",
	    "ended IKE SAs and IPsec tunnels with their final counters (the MIB's "
	    "history tables)", cmd_history, NULL) < 0 ||
	    ctl_register("show crypto ikev2 stats", "show crypto ikev2 stats",
	    "IKEv2 counters: SAs, half-open SAs, messages, cookies, keepalives, "
	    "DH key pairs made ahead",
	    cmd_stats, NULL) < 0)
		return -1;
	return 0;
}
