/* Control commands of the IKE side: up/down of a connection, and the
 * failure and history records of the state model (what ended, why, with
 * which counters).
 *
 * up and down wait, as `ipsec up` does: the client sees the connection's
 * log lines as they happen and gets its result once the child SA is in the
 * kernel (up) or the SAs are gone (down), or the failure that stopped it.
 * The wait is a deferred control answer: the loop serves everyone else
 * meanwhile. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/loop.h"
#include "ctl/ctl.h"
#include "daemon/ike_daemon.h"
#include "daemon/ike_startq.h"
#include "daemon/updown.h"
#include "keying/crypto_dh_pool.h"
#include "state/names.h"
#include "state/state.h"

/* How often a waiting client's result is looked for in the state model. */
#define WAIT_CHECK_MS	50

struct waiter {
	struct ctl_stream	*s;
	struct buf		*pre;	/* lines logged before the stream exists */
	char			 conn[ST_NAME_MAX];
	char			 tag[ST_NAME_MAX + 4];	/* ":NAME:" in log lines */
	char			 quoted[ST_NAME_MAX + 4];	/* "'NAME'" */
	int			 down;
	uint32_t		 ike_fail_seen, ipsec_fail_seen;
	struct loop_timer	*check;
	struct waiter		*next;
};

static struct waiter *waiters;

/* Whether a log line is about w's connection: its name as the engine
 * writes it, or an IKE SA (by SA ID) of that connection. */
static int
line_is_ours(const struct waiter *w, const char *line)
{
	const char *p;
	unsigned id;

	if (strstr(line, w->tag) != NULL || strstr(line, w->quoted) != NULL)
		return 1;
	if ((p = strstr(line, "SA ID = ")) != NULL && sscanf(p, "SA ID = %u", &id) == 1) {
		const struct st_ike *ike = st_ike_find(id);

		return ike != NULL && strcmp(ike->conn, w->conn) == 0;
	}
	return 0;
}

static void
waiter_tap(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	for (struct waiter *w = waiters; w; w = w->next) {
		if (!line_is_ours(w, line))
			continue;
		if (w->s != NULL)
			ctl_stream_line(w->s, line);
		else if (w->pre != NULL)
			buf_printf(w->pre, "%s\n", line);
	}
}

static void
waiter_free(struct waiter *w)
{
	struct waiter **pp;

	for (pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	if (waiters == NULL)
		log_set_tap(NULL, NULL);
	loop_timer_free(w->check);
	free(w);
}

/* The client went away or its wait ran out: nobody to tell any more. */
static void
waiter_gone(void *arg)
{
	waiter_free(arg);
}

static void
waiter_end(struct waiter *w, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
waiter_end(struct waiter *w, int ok, const char *fmt, ...)
{
	char body[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	ctl_stream_end(w->s, ok, body);
	waiter_free(w);
}

/* A child of the connection with an SA in each direction: it is in the
 * kernel (the state model lists SAs once they are installed), policies
 * included. NULL if none. */
static const struct st_child *
conn_child_up(const char *conn)
{
	const struct st_child *ch;

	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		if (strcmp(ch->conn, conn) == 0 &&
		    st_child_current_sa(ch, ST_SA_IN) != NULL &&
		    st_child_current_sa(ch, ST_SA_OUT) != NULL)
			return ch;
	return NULL;
}

static int
conn_has_sas(const char *conn)
{
	const struct st_conn *c = st_conn_find(conn);
	const struct st_ike *ike;
	const struct st_child *ch;

	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		if (strcmp(ike->conn, conn) == 0)
			return 1;
	/* the state model counts a connection's tunnels; one dropped from
	 * the configuration meanwhile is no longer there to ask */
	if (c != NULL)
		return st_conn_tunnels(c) > 0;
	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		if (strcmp(ch->conn, conn) == 0)
			return 1;
	return 0;
}

/* Only being deleted: `up` would start nothing and wait in vain. */
static int
conn_only_deleting(const char *conn)
{
	const struct st_ike *ike;
	int deleting = 0;

	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		if (strcmp(ike->conn, conn) != 0)
			continue;
		if (ike->state != ST_IKE_DELETING)
			return 0;
		deleting = 1;
	}
	return deleting;
}

/* The first failure of the connection recorded since the wait began;
 * advances the marks. 1 with reason filled, 0 if none. */
static int
new_failure(struct waiter *w, char *reason, size_t len)
{
	const struct st_ike_failrec *f;
	const struct st_ipsec_failrec *p;

	for (f = st_ike_fail_next(w->ike_fail_seen); f; f = st_ike_fail_next(f->index)) {
		w->ike_fail_seen = f->index;
		if (strcmp(f->conn, w->conn) != 0)
			continue;
		snprintf(reason, len, "%s: %s", f->reason == ST_IKEF_PEER_LOST ?
		    "peer not responding" : st_ike_fail_name(f->reason), f->detail);
		return 1;
	}
	for (p = st_ipsec_fail_next(w->ipsec_fail_seen); p; p = st_ipsec_fail_next(p->index)) {
		w->ipsec_fail_seen = p->index;
		if (strcmp(p->conn, w->conn) != 0)
			continue;
		snprintf(reason, len, "CHILD SA: %s: %s", st_ipsec_fail_name(p->reason),
		    p->detail);
		return 1;
	}
	return 0;
}

static void
waiter_check(void *arg)
{
	struct waiter *w = arg;
	const struct st_child *ch;
	const struct st_sa *in, *out;
	char reason[320];

	if (!w->down && (ch = conn_child_up(w->conn)) != NULL &&
	    updown_conn_pending(w->conn) == 0) {
		in = st_child_current_sa(ch, ST_SA_IN);
		out = st_child_current_sa(ch, ST_SA_OUT);
		waiter_end(w, 1, "connection '%s' established successfully: CHILD SA "
		    "installed, SPIs 0x%08x (in) 0x%08x (out)", w->conn, in->spi, out->spi);
		return;
	}
	if (w->down && !conn_has_sas(w->conn)) {
		waiter_end(w, 1, "connection '%s' closed: its SAs are deleted", w->conn);
		return;
	}
	if (!w->down && new_failure(w, reason, sizeof(reason))) {
		waiter_end(w, 0, "establishing connection '%s' failed: %s", w->conn, reason);
		return;
	}
	loop_timer_set(w->check, WAIT_CHECK_MS);
}

static uint32_t
last_ike_fail(void)
{
	const struct st_ike_failrec *f;
	uint32_t last = 0;

	for (f = st_ike_fail_next(0); f; f = st_ike_fail_next(f->index))
		last = f->index;
	return last;
}

static uint32_t
last_ipsec_fail(void)
{
	const struct st_ipsec_failrec *p;
	uint32_t last = 0;

	for (p = st_ipsec_fail_next(0); p; p = st_ipsec_fail_next(p->index))
		last = p->index;
	return last;
}

static struct waiter *
waiter_new(const char *conn, int down)
{
	struct waiter *w = calloc(1, sizeof(*w));

	if (w == NULL || (w->check = loop_timer_new(waiter_check, w)) == NULL) {
		free(w);
		return NULL;
	}
	loop_timer_name(w->check, "control initiate wait");
	snprintf(w->conn, sizeof(w->conn), "%s", conn);
	snprintf(w->tag, sizeof(w->tag), ":%s:", conn);
	snprintf(w->quoted, sizeof(w->quoted), "'%s'", conn);
	w->down = down;
	/* failures from before the request are not its result */
	w->ike_fail_seen = last_ike_fail();
	w->ipsec_fail_seen = last_ipsec_fail();
	return w;
}

/* From now on the connection's log lines go into out (the request's first
 * lines: what starting it logs at once, as IKE_SA_INIT). */
static void
waiter_listen(struct waiter *w, struct buf *out)
{
	w->pre = out;
	w->next = waiters;
	waiters = w;
	log_set_tap(waiter_tap, NULL);
}

/* Hands the request to w: the answer comes from waiter_check. 0, or -1
 * when this request cannot wait (then it is answered as with --no-wait). */
static int
waiter_start(struct waiter *w)
{
	w->pre = NULL;
	if ((w->s = ctl_defer(ike_conns_wait_ms(), waiter_gone, w)) == NULL)
		return -1;
	loop_timer_set(w->check, WAIT_CHECK_MS);
	return 0;
}

/* "NAME", "--no-wait NAME" or "NAME --no-wait": the name, or NULL. */
static const char *
updown_args(int argc, char **argv, int *wait)
{
	const char *name = NULL;

	*wait = 1;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--no-wait") == 0)
			*wait = 0;
		else if (name == NULL)
			name = argv[i];
		else
			return NULL;
	}
	return name;
}

static int
cmd_up(int argc, char **argv, struct buf *out, void *arg)
{
	struct waiter *w = NULL;
	const char *name;
	char msg[256];
	int r, wait;

	(void)arg;
	if ((name = updown_args(argc, argv, &wait)) == NULL) {
		buf_printf(out, "usage: up [--no-wait] NAME\n");
		return -1;
	}
	if (wait && conn_child_up(name) != NULL) {
		buf_printf(out, "connection '%s' is already up\n", name);
		return 0;
	}
	if (wait && conn_only_deleting(name)) {
		buf_printf(out, "connection '%s' is being deleted: try again once "
		    "it is gone (ikeflowctl down %s waits for that)\n", name, name);
		return -1;
	}
	/* marks taken before starting: a failure at once is this one's */
	if (wait) {
		if ((w = waiter_new(name, 0)) == NULL) {
			buf_printf(out, "%% Out of memory\n");
			return -1;
		}
		waiter_listen(w, out);
	}
	r = ike_conns_up(name, msg, sizeof(msg));
	buf_printf(out, "%s\n", msg);
	if (w == NULL)
		return r;
	if (r < 0 || waiter_start(w) < 0) {
		waiter_free(w);
		return r;
	}
	return 0;
}

static int
cmd_down(int argc, char **argv, struct buf *out, void *arg)
{
	struct waiter *w = NULL;
	const char *name;
	char msg[256];
	int r, wait;

	(void)arg;
	if ((name = updown_args(argc, argv, &wait)) == NULL) {
		buf_printf(out, "usage: down [--no-wait] NAME\n");
		return -1;
	}
	if (wait) {
		if ((w = waiter_new(name, 1)) == NULL) {
			buf_printf(out, "%% Out of memory\n");
			return -1;
		}
		waiter_listen(w, out);
	}
	r = ike_conns_down(name, msg, sizeof(msg));
	buf_printf(out, "%s\n", msg);
	if (w == NULL)
		return r;
	if (r < 0 || !conn_has_sas(name) || waiter_start(w) < 0) {
		waiter_free(w);
		return r;
	}
	return 0;
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
	if (st_save_error() != NULL)
		buf_printf(out, "History not saved: %s\n", st_save_error());
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
	    "  half-open sources: %u (an IPv6 /64 counts as one)\n"
	    "  messages in: %llu, out: %llu, dropped: %llu\n"
	    "  retransmits: %llu, responses resent: %llu\n"
	    "  cookies sent: %llu, IKE_SA_INIT refused: %llu, of no connection "
	    "and not logged: %llu\n"
	    "  requests on unknown SPIs answered INVALID_IKE_SPI: %llu, "
	    "not answered (rate limit): %llu\n"
	    "  NAT-T keepalives sent: %llu, received: %llu\n",
	    st.sas, st.half_open, st.ho_sources, (unsigned long long)st.rx,
	    (unsigned long long)st.tx,
	    (unsigned long long)st.drops, (unsigned long long)st.retransmits,
	    (unsigned long long)st.resent_responses, (unsigned long long)st.cookies,
	    (unsigned long long)st.init_refused, (unsigned long long)st.noconn_quiet,
	    (unsigned long long)st.invalid_spi,
	    (unsigned long long)st.invalid_spi_quiet,
	    (unsigned long long)st.keepalives,
	    (unsigned long long)sk.keepalives);
	if (ike_startq_max() == 0)
		buf_printf(out, "  auto=start: initiated at once (initiate_max 0)\n");
	else
		buf_printf(out, "  auto=start: initiated %u at a time, %zu waiting\n",
		    ike_startq_max(), ike_startq_waiting());
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
	if (ctl_register("up", "up [--no-wait] NAME",
	    "initiate the IKE SA and first child of connection NAME; waits until "
	    "the child SA is installed or the attempt failed", cmd_up, NULL) < 0 ||
	    ctl_register("down", "down [--no-wait] NAME",
	    "delete the IKE SAs of connection NAME and their children, telling the "
	    "peer; waits until they are gone", cmd_down, NULL) < 0 ||
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
