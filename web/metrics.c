/* /metrics: the Prometheus text exposition format (0.0.4). Per-tunnel
 * families come first, then the connections, then the global counters.
 * The format wants a family's samples together, so each tunnel appears
 * nine times: the first family's walk of the state model (STREAM_ROWS a
 * part) also takes every value of the tunnel and its label set into a
 * compact array, and the other eight families are written from that array.
 * The state model is walked once a scrape, not nine times (at 10,000
 * tunnels its rows are megabytes apart and the walks were mostly cache
 * misses), and every family shows a tunnel as it was at one moment. Tunnel
 * counters are the state model's cumulative totals, so they never go
 * backwards across rekeys. */
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
	unsigned	refs;		/* the cache's, and each scrape's under way */
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
	uint64_t	(*get)(const struct st_child *ch, const struct st_child_counters *t,
			    uint64_t now);
};

#define T(f)	static uint64_t f(const struct st_child *ch, \
			    const struct st_child_counters *t, uint64_t now)
T(t_up) { (void)ch; (void)t; (void)now; return 1; }
T(t_in_b) { (void)ch; (void)now; return t->in.octets; }
T(t_out_b) { (void)ch; (void)now; return t->out.octets; }
T(t_in_p) { (void)ch; (void)now; return t->in.packets; }
T(t_out_p) { (void)ch; (void)now; return t->out.packets; }
T(t_replay) { (void)ch; (void)now; return t->in.replay_drops; }
T(t_auth) { (void)ch; (void)now; return t->in.auth_fails; }
T(t_rekeys) { (void)t; (void)now; return ch->refreshes; }
T(t_uptime) { (void)t; return child_uptime_at(ch, now); }
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

static void
tlabel_put(void *p)
{
	struct tlabel *l = p;

	if (l != NULL && --l->refs == 0)
		free(l);
}

/* The tunnel's labels, from the cache or made and kept (the caller takes
 * a reference); NULL when out of memory. */
static struct tlabel *
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
	l->refs = 1;
	l->remote = ch->remote;
	l->len = b->len;
	memcpy(l->s, b->data, b->len);
	l->s[b->len] = '\0';
	memcpy(l->s + b->len + 1, ch->conn, clen + 1);
	l->conn = l->s + b->len + 1;
	buf_free(b);
	if (rows_find(&tlabels, ch->index) != NULL) {
		/* the one there is stale: same position (a scrape under way
		 * may still hold it) */
		tlabel_put(tlabels.v[tlabels.hint]);
		tlabels.v[tlabels.hint] = l;
		return l;
	}
	/* new tunnels have the highest indexes: kept in order by appending;
	 * any other (one that could not be kept before) is the scrape's alone */
	if ((tlabels.n > 0 && rows_index(tlabels.v[tlabels.n - 1]) >= ch->index) ||
	    rows_append(&tlabels, l) < 0)
		l->refs = 0;
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
		tlabel_put(rows_remove(&tlabels, rows_index(l)));
}

size_t
metrics_labels_kept(void)
{
	return tlabels.n;
}

void
metrics_clear(void)
{
	rows_clear(&tlabels, tlabel_put);
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

/* One tunnel of a scrape: its label set (a reference) and every family's
 * value, taken in the first family's walk. */
struct tsnap {
	struct tlabel	*l;
	uint64_t	v[NTFAM];
};

/* A scrape's tunnels (s->ctx): the first family appends, the others read
 * at pos; the last gives back each label set as it writes it. */
struct scrape {
	struct tsnap	*t;
	size_t		n, cap, pos;
};

static void
scrape_free(struct stream *s)
{
	struct scrape *sc = s->ctx;

	if (sc == NULL)
		return;
	/* (only a scrape cut short still holds label sets) */
	for (size_t i = sc->pos; s->phase == NTFAM - 1 && i < sc->n; i++)
		tlabel_put(sc->t[i].l);
	for (size_t i = 0; s->phase < NTFAM - 1 && i < sc->n; i++)
		tlabel_put(sc->t[i].l);
	free(sc->t);
	free(sc);
	s->ctx = NULL;
}

/* One sample line, in one reservation: name, labels, value. */
static int
sample(struct buf *b, const char *name, size_t nlen, const struct tlabel *l, uint64_t v)
{
	char num[24], *p = num + sizeof(num);
	size_t vlen, need;
	char *d;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	vlen = (size_t)(num + sizeof(num) - p);
	need = nlen + l->len + 1 + vlen + 1;
	if (buf_reserve(b, need) < 0)
		return -1;
	d = (char *)b->data + b->len;
	memcpy(d, name, nlen);
	memcpy(d += nlen, l->s, l->len);
	*(d += l->len) = ' ';
	memcpy(d + 1, p, vlen);
	d[1 + vlen] = '\n';
	b->len += need;
	return 0;
}

/* The first family: the walk of the state model, each tunnel taken into
 * the scrape. */
static int
first_family(struct stream *s, struct scrape *sc, struct buf *b)
{
	const struct tfam *f = &tfams[0];
	size_t nlen = strlen(f->name);
	uint64_t now = st_now_ms();	/* once a part (see child_uptime_at) */
	const struct st_child *ch;
	int n = 0;

	for (ch = st_child_next(s->after); ch && n < STREAM_ROWS && !stream_spent(s, n);
	    ch = st_child_next(ch->index), n++) {
		struct st_child_counters t;
		struct tsnap *x;

		tlabels_drop(s->after, ch->index);
		if (sc->n == sc->cap) {
			size_t cap = sc->cap ? sc->cap * 2 : 64;

			if ((x = realloc(sc->t, cap * sizeof(*x))) == NULL)
				return -1;
			sc->t = x;
			sc->cap = cap;
		}
		x = &sc->t[sc->n];
		if ((x->l = tlabel_get(ch)) == NULL)
			return -1;
		x->l->refs++;
		sc->n++;
		st_child_totals(ch, &t);
		for (int k = 0; k < NTFAM; k++)
			x->v[k] = tfams[k].get(ch, &t, now);
		if (sample(b, f->name, nlen, x->l, x->v[0]) < 0)
			return -1;
		s->after = ch->index;
	}
	if (ch == NULL)
		tlabels_drop(s->after, 0);
	return ch == NULL;
}

/* Whether a part of cheap lines (from the scrape's array, or a connection
 * each) looks at the clock after its nth: a line costs far less than a
 * look, which is a system call in a UML guest. After the first
 * STREAM_MIN_ROWS, every 64. */
static int
cheap_look(int n)
{
	return n == STREAM_MIN_ROWS || n % 64 == 0;
}

/* Phases: 0 .. NTFAM-1 the tunnel families, NTFAM the connections, then the
 * globals. s->count is 0 until a family's header is out. */
static int
metrics_step(struct stream *s, struct buf *b)
{
	int n = 0;

	if (s->phase < NTFAM) {
		const struct tfam *f = &tfams[s->phase];
		struct scrape *sc = s->ctx;
		size_t nlen = strlen(f->name);
		int r;

		if (sc == NULL) {
			if ((sc = calloc(1, sizeof(*sc))) == NULL)
				return -1;
			s->ctx = sc;
			/* room for the tunnels of now: no copy of the whole
			 * array while it grows */
			sc->cap = st_child_count() + 64;
			if ((sc->t = malloc(sc->cap * sizeof(*sc->t))) == NULL)
				sc->cap = 0;
		}
		if (s->count == 0 && head(b, f->name, f->type, f->help) < 0)
			return -1;
		s->count = 1;
		if (s->phase == 0)
			r = first_family(s, sc, b);
		else {
			for (; sc->pos < sc->n && n < STREAM_ROWS &&
			    !(cheap_look(n) && stream_spent(s, n)); sc->pos++, n++) {
				struct tsnap *x = &sc->t[sc->pos];

				if (sample(b, f->name, nlen, x->l, x->v[s->phase]) < 0)
					return -1;
				if (s->phase == NTFAM - 1) {
					tlabel_put(x->l);
					x->l = NULL;
				}
			}
			r = sc->pos == sc->n;
		}
		if (r < 0)
			return -1;
		if (r == 1) {
			s->phase++;
			s->after = 0;
			s->count = 0;
			sc->pos = 0;
			if (s->phase == NTFAM)
				scrape_free(s);
		}
		return 0;
	}
	if (s->phase == NTFAM) {
		const struct st_conn *c;

		if (s->count == 0 && head(b, "ikeflow_connection_up", "gauge",
		    "1 when the configured connection has an IKE SA, else 0.") < 0)
			return -1;
		s->count = 1;
		for (c = st_conn_next(s->after); c && n < STREAM_ROWS &&
		    !(cheap_look(n) && stream_spent(s, n)); c = st_conn_next(c->index), n++) {
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
	s->release = scrape_free;
}
