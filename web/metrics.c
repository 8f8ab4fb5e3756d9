/* /metrics: the Prometheus text exposition format (0.0.4). Per-tunnel
 * families come first, each one walked over all tunnels STREAM_ROWS at a
 * time (the format wants a family's samples together), then the
 * connections, then the global counters. Tunnel counters are the state
 * model's cumulative totals, so they never go backwards across rekeys. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "state/names.h"
#include "state/rows.h"
#include "web/web_int.h"

/* A tunnel's rendered label set, kept by tunnel index: a scrape of 10,000
 * tunnels writes each one nine times (once a family), and escaping and
 * formatting them was a good part of its cost. The connection name and
 * peer it was made from are kept to check it against (a NATed peer can
 * move; a test's model can give an index again). */
struct tlabel {
	uint32_t	index;		/* first member (state/rows.h) */
	struct ifl_addr	remote;
	const char	*conn;		/* in the same allocation, after s */
	size_t		len;
	char		s[];		/* {name="...",peer="...",index="N"} */
};

static struct sorted tlabels;

static const char *
prom_rep(char c)
{
	switch (c) {
	case '\\': return "\\\\";
	case '"': return "\\\"";
	case '\n': return "\\n";
	default: return NULL;
	}
}

int
prom_label_esc(struct buf *b, const char *s)
{
	return web_escape(b, s, prom_rep);
}

struct tfam {
	const char	*name, *type, *help;
	uint64_t	(*get)(const struct st_child *ch, const struct st_child_counters *t);
};

#define T(f)	static uint64_t f(const struct st_child *ch, const struct st_child_counters *t)
T(t_up) { (void)ch; (void)t; return 1; }
T(t_in_b) { (void)ch; return t->in.octets; }
T(t_out_b) { (void)ch; return t->out.octets; }
T(t_in_p) { (void)ch; return t->in.packets; }
T(t_out_p) { (void)ch; return t->out.packets; }
T(t_replay) { (void)ch; return t->in.replay_drops; }
T(t_auth) { (void)ch; return t->in.auth_fails; }
T(t_rekeys) { (void)t; return ch->refreshes; }
T(t_uptime) { (void)t; return child_uptime(ch); }
#undef T

static const struct tfam tfams[] = {
	{ "ikeflow_tunnel_up", "gauge", "1 for every established IPsec tunnel.", t_up },
	{ "ikeflow_tunnel_in_bytes_total", "counter",
	    "Bytes received through the tunnel (all its SAs, across rekeys).", t_in_b },
	{ "ikeflow_tunnel_out_bytes_total", "counter",
	    "Bytes sent through the tunnel (all its SAs, across rekeys).", t_out_b },
	{ "ikeflow_tunnel_in_packets_total", "counter",
	    "Packets received through the tunnel.", t_in_p },
	{ "ikeflow_tunnel_out_packets_total", "counter",
	    "Packets sent through the tunnel.", t_out_p },
	{ "ikeflow_tunnel_in_replay_drops_total", "counter",
	    "Inbound packets dropped by the anti-replay check.", t_replay },
	{ "ikeflow_tunnel_in_auth_failures_total", "counter",
	    "Inbound packets that failed the integrity check.", t_auth },
	{ "ikeflow_tunnel_rekeys_total", "counter", "Rekeys of the tunnel's SAs.", t_rekeys },
	{ "ikeflow_tunnel_uptime_seconds", "gauge", "Seconds since the tunnel came up.",
	    t_uptime },
};
#define NTFAM	(int)(sizeof(tfams) / sizeof(tfams[0]))

static int
tunnel_labels(struct buf *b, const struct st_child *ch)
{
	char peer[64];
	int rc = 0;

	rc |= bputs(b, "{name=\"");
	rc |= prom_label_esc(b, ch->conn);
	rc |= bputs(b, "\",peer=\"");
	rc |= prom_label_esc(b, addr_str(&ch->remote, peer, sizeof(peer)));
	rc |= bprintf(b, "\",index=\"%u\"}", ch->index);
	return rc ? -1 : 0;
}

static int
tlabel_ok(const struct tlabel *l, const struct st_child *ch)
{
	return addr_cmp(&l->remote, &ch->remote) == 0 && strcmp(l->conn, ch->conn) == 0;
}

/* The tunnel's labels, from the cache or made and kept; NULL when they
 * cannot be kept (out of memory: the caller renders them itself). */
static const struct tlabel *
tlabel_get(const struct st_child *ch)
{
	struct tlabel *l = rows_find(&tlabels, ch->index);
	struct buf *b;
	size_t clen;

	if (l != NULL && tlabel_ok(l, ch))
		return l;
	if ((b = buf_new(128)) == NULL)
		return NULL;
	clen = strlen(ch->conn);
	if (tunnel_labels(b, ch) < 0 ||
	    (l = malloc(sizeof(*l) + b->len + 1 + clen + 1)) == NULL) {
		buf_free(b);
		return NULL;
	}
	l->index = ch->index;
	l->remote = ch->remote;
	l->len = b->len;
	memcpy(l->s, b->data, b->len);
	l->s[b->len] = '\0';
	memcpy(l->s + b->len + 1, ch->conn, clen + 1);
	l->conn = l->s + b->len + 1;
	buf_free(b);
	if (rows_find(&tlabels, ch->index) != NULL) {
		/* the one there is stale: same position */
		free(tlabels.v[tlabels.hint]);
		tlabels.v[tlabels.hint] = l;
		return l;
	}
	/* new tunnels have the highest indexes: kept in order by appending;
	 * any other (one that could not be kept before) is not kept */
	if ((tlabels.n > 0 && rows_index(tlabels.v[tlabels.n - 1]) >= ch->index) ||
	    rows_append(&tlabels, l) < 0) {
		free(l);
		return NULL;
	}
	return l;
}

/* The labels of tunnels that ended go: those kept for an index in (after,
 * before), before 0 for no bound. The first family's walk drops them as it
 * goes from one live tunnel to the next, within its bounded parts: one
 * look at every label at the start of a scrape was a stall of its own. */
static void
tlabels_drop(uint32_t after, uint32_t before)
{
	const struct tlabel *l;

	while ((l = rows_next(&tlabels, after)) != NULL &&
	    (before == 0 || rows_index(l) < before))
		free(rows_remove(&tlabels, rows_index(l)));
}

size_t
metrics_labels_kept(void)
{
	return tlabels.n;
}

void
metrics_clear(void)
{
	rows_clear(&tlabels, free);
}

static int
head(struct buf *b, const char *name, const char *type, const char *help)
{
	return bprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int
g(struct buf *b, const char *name, const char *type, const char *help, uint64_t v)
{
	if (head(b, name, type, help) < 0)
		return -1;
	return bprintf(b, "%s %" PRIu64 "\n", name, v);
}

static int
fail_line(struct buf *b, const char *name, const char *reason, uint64_t v)
{
	return bprintf(b, "%s{reason=\"%s\"} %" PRIu64 "\n", name, reason, v);
}

static int
globals(struct buf *b)
{
	const struct st_ike_global *ik = st_ike_global();
	struct st_ipsec_global ip;
	int rc = 0;

	st_ipsec_global(&ip);
	rc |= g(b, "ikeflow_ike_sas", "gauge", "IKE SAs alive.", st_ike_active_count());
	rc |= g(b, "ikeflow_tunnels", "gauge", "IPsec tunnels alive.",
	    st_child_active_count());
	rc |= g(b, "ikeflow_ike_previous_sas_total", "counter", "IKE SAs that ended.",
	    ik->previous_tunnels);
	rc |= g(b, "ikeflow_ipsec_previous_tunnels_total", "counter",
	    "IPsec tunnels that ended.", ip.previous_tunnels);
	rc |= g(b, "ikeflow_ike_in_bytes_total", "counter", "IKE bytes received.",
	    ik->c.in_octets);
	rc |= g(b, "ikeflow_ike_out_bytes_total", "counter", "IKE bytes sent.",
	    ik->c.out_octets);
	rc |= g(b, "ikeflow_ike_in_packets_total", "counter", "IKE packets received.",
	    ik->c.in_pkts);
	rc |= g(b, "ikeflow_ike_out_packets_total", "counter", "IKE packets sent.",
	    ik->c.out_pkts);
	rc |= g(b, "ikeflow_ike_initiated_total", "counter",
	    "IKE SAs this gateway initiated.", ik->init_tunnels);
	rc |= g(b, "ikeflow_ipsec_in_bytes_total", "counter",
	    "Bytes received through all tunnels, ended ones included.", ip.c.in.octets);
	rc |= g(b, "ikeflow_ipsec_out_bytes_total", "counter",
	    "Bytes sent through all tunnels, ended ones included.", ip.c.out.octets);
	rc |= g(b, "ikeflow_ipsec_in_packets_total", "counter",
	    "Packets received through all tunnels.", ip.c.in.packets);
	rc |= g(b, "ikeflow_ipsec_out_packets_total", "counter",
	    "Packets sent through all tunnels.", ip.c.out.packets);
	rc |= g(b, "ikeflow_ipsec_in_drops_total", "counter",
	    "Inbound IPsec packets the kernel dropped.", ip.in_drops);
	rc |= g(b, "ikeflow_ipsec_out_drops_total", "counter",
	    "Outbound IPsec packets the kernel dropped.", ip.out_drops);
	rc |= head(b, "ikeflow_ike_failures_total", "counter", "IKE failures by reason.");
	rc |= fail_line(b, "ikeflow_ike_failures_total", "auth", ik->auth_fails);
	rc |= fail_line(b, "ikeflow_ike_failures_total", "decrypt", ik->decrypt_fails);
	rc |= fail_line(b, "ikeflow_ike_failures_total", "hash", ik->hash_fails);
	rc |= fail_line(b, "ikeflow_ike_failures_total", "no_sa", ik->nosa_fails);
	rc |= fail_line(b, "ikeflow_ike_failures_total", "syscap", ik->syscap_fails);
	rc |= fail_line(b, "ikeflow_ike_failures_total", "initiator",
	    ik->init_tunnel_fails);
	rc |= fail_line(b, "ikeflow_ike_failures_total", "responder",
	    ik->resp_tunnel_fails);
	rc |= head(b, "ikeflow_ipsec_failures_total", "counter",
	    "IPsec failures by reason.");
	rc |= fail_line(b, "ikeflow_ipsec_failures_total", "replay", ip.in_replay_drops);
	rc |= fail_line(b, "ikeflow_ipsec_failures_total", "auth", ip.in_auth_fails);
	rc |= fail_line(b, "ikeflow_ipsec_failures_total", "decrypt", ip.in_decrypt_fails);
	rc |= fail_line(b, "ikeflow_ipsec_failures_total", "no_sa", ip.nosa_fails);
	rc |= fail_line(b, "ikeflow_ipsec_failures_total", "protocol_use",
	    ip.protocol_use_fails);
	rc |= fail_line(b, "ikeflow_ipsec_failures_total", "syscap", ip.syscap_fails);
	rc |= g(b, "ikeflow_uptime_seconds", "gauge", "Seconds since ikeflowd started.",
	    st_uptime_ms() / 1000);
	rc |= head(b, "ikeflow_build_info", "gauge", "ikeflowd's version; always 1.");
	rc |= bprintf(b, "ikeflow_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	return rc ? -1 : 0;
}

/* Phases: 0 .. NTFAM-1 the tunnel families, NTFAM the connections, then the
 * globals. s->count is 0 until a family's header is out. */
static int
metrics_step(struct stream *s, struct buf *b)
{
	int n = 0;

	if (s->phase < NTFAM) {
		const struct tfam *f = &tfams[s->phase];
		const struct st_child *ch;

		if (s->count == 0 && head(b, f->name, f->type, f->help) < 0)
			return -1;
		s->count = 1;
		for (ch = st_child_next(s->after); ch && n < STREAM_ROWS &&
		    !stream_spent(s, n); ch = st_child_next(ch->index), n++) {
			const struct tlabel *l;
			struct st_child_counters t;
			int rc;

			if (s->phase == 0)
				tlabels_drop(s->after, ch->index);
			l = tlabel_get(ch);
			st_child_totals(ch, &t);
			rc = bputs(b, f->name);
			rc |= l ? buf_put(b, l->s, l->len) : tunnel_labels(b, ch);
			rc |= bputs(b, " ");
			rc |= bput_u64(b, f->get(ch, &t));
			if (rc | bputs(b, "\n"))
				return -1;
			s->after = ch->index;
		}
		if (ch == NULL) {
			if (s->phase == 0)
				tlabels_drop(s->after, 0);
			s->phase++;
			s->after = 0;
			s->count = 0;
		}
		return 0;
	}
	if (s->phase == NTFAM) {
		const struct st_conn *c;

		if (s->count == 0 && head(b, "ikeflow_connection_up", "gauge",
		    "1 when the configured connection has an IKE SA, else 0.") < 0)
			return -1;
		s->count = 1;
		for (c = st_conn_next(s->after); c && n < STREAM_ROWS && !stream_spent(s, n);
		    c = st_conn_next(c->index), n++) {
			const struct st_ike *ike = c->ike_index ? st_ike_find(c->ike_index) : NULL;

			if (bputs(b, "ikeflow_connection_up{name=\"") < 0 ||
			    prom_label_esc(b, c->name) < 0 ||
			    bprintf(b, "\"} %d\n", ike && ike->state != ST_IKE_CONNECTING) < 0)
				return -1;
			s->after = c->index;
		}
		if (c == NULL)
			s->phase++;
		return 0;
	}
	return globals(b) < 0 ? -1 : 1;
}

void
metrics_stream(struct stream *s)
{
	memset(s, 0, sizeof(*s));
	s->step = metrics_step;
}
