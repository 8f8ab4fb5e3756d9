/* The JSON API (/api/v1/...), built with jansson from the state model's read
 * API. Small documents are made whole; the lists (tunnels, IKE SAs, history,
 * failures) are streamed STREAM_ROWS rows at a time, and page with
 * ?after=INDEX&limit=N (indexes only grow, so a page never skips or repeats a
 * row when others come and go). Field names are documented in doc/web-api.md. */
#include "config.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/names.h"
#include "web/web_int.h"

static int
put_json(struct buf *out, json_t *j)
{
	char *s;
	int rc;

	if (j == NULL)
		return -1;
	s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (s == NULL)
		return -1;
	rc = bputs(out, s);
	free(s);
	return rc;
}

static json_t *
jaddr(const struct ifl_addr *a)
{
	char s[64];

	if (a->family == 0)
		return json_null();
	return json_string(addr_str(a, s, sizeof(s)));
}

static json_t *
ju64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *
jstr(const char *s)
{
	/* names and IDs are bytes from config or the network: invalid UTF-8
	 * would make jansson refuse the string, so it becomes null */
	json_t *j = json_string(s);

	return j ? j : json_null();
}

static json_t *
jdir(const struct st_dir_counters *c)
{
	return json_pack("{s:o,s:o,s:o,s:o}", "bytes", ju64(c->octets),
	    "packets", ju64(c->packets), "replay_drops", ju64(c->replay_drops),
	    "auth_fails", ju64(c->auth_fails));
}

static json_t *
jts(const struct st_ts *ts, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++) {
		char net[64];

		json_array_append_new(a, json_pack("{s:s,s:i,s:i}",
		    "net", subnet_str(&ts[i].net, net, sizeof(net)),
		    "proto", ts[i].proto, "port", ts[i].port));
	}
	return a;
}

static json_t *
jsa(const struct st_child *ch, const struct st_sa *sa)
{
	char spi[16];
	uint64_t now = st_now_ms(), age = 0, left_s = 0, left_kb = 0;

	if (sa->installed_mono && now > sa->installed_mono)
		age = (now - sa->installed_mono) / 1000;
	if (ch->life_sec > age)
		left_s = ch->life_sec - age;
	if ((uint64_t)ch->life_kb > sa->c.octets / 1024)
		left_kb = ch->life_kb - sa->c.octets / 1024;
	snprintf(spi, sizeof(spi), "0x%08x", sa->spi);
	return json_pack("{s:s,s:s,s:i,s:b,s:o,s:o,s:o,s:o}", "spi", spi,
	    "dir", sa->dir == ST_SA_IN ? "in" : "out", "proto", sa->proto,
	    "expiring", sa->expiring, "age_s", ju64(age), "remaining_s", ju64(left_s),
	    "remaining_kb", ju64(left_kb), "counters", jdir(&sa->c));
}

/* now: st_now_ms(), read once by a caller that lists many */
static json_t *
jtunnel(const struct st_child *ch, int with_sas, uint64_t now)
{
	struct st_child_counters t;
	struct sample_pt rt;
	char prop[160];
	const struct st_ike *ike = st_ike_find(ch->ike_index);
	json_t *j;

	st_child_totals(ch, &t);
	samples_rate(ch->index, &rt);
	j = json_pack("{s:i,s:o,s:i,s:o,s:o,s:o,s:o,s:i,s:s,s:b,s:s,s:o,s:o,s:I,s:i,"
	    "s:o,s:o,s:o,s:o,s:{s:o,s:o}}",
	    "index", (int)ch->index, "name", jstr(ch->conn), "ike_index", (int)ch->ike_index,
	    "local", jaddr(&ch->local), "peer", jaddr(&ch->remote),
	    "local_id", ike ? jstr(ike->local_id) : json_null(),
	    "peer_id", ike ? jstr(ike->remote_id) : json_null(),
	    "ike_version", ike ? ike->version : 2,
	    "mode", ch->transport ? "transport" : "tunnel", "udp_encap", ch->encap,
	    "proposal", st_proposal_str(&ch->algs, 0, prop, sizeof(prop)),
	    "uptime_s", ju64(child_uptime_at(ch, now)),
	    "rekey_in_s", ju64(child_rekey_in_at(ch, now)),
	    "started", (json_int_t)ch->start_wall, "rekeys", (int)ch->refreshes,
	    "local_subnets", jts(ch->ts_local, ch->nts_local),
	    "remote_subnets", jts(ch->ts_remote, ch->nts_remote),
	    "in", jdir(&t.in), "out", jdir(&t.out),
	    "rate", "in_bps", ju64(rt.in_bps), "out_bps", ju64(rt.out_bps));
	/* monitor mode: another daemon keys the tunnel (null: ikeflowd) */
	if (j)
		json_object_set_new(j, "keyed_by", st_keyed_by() ? json_string(st_keyed_by()) :
		    json_null());
	if (j && with_sas) {
		json_t *sas = json_array();

		for (int i = 0; i < ch->nsa; i++)
			json_array_append_new(sas, jsa(ch, &ch->sa[i]));
		json_object_set_new(j, "sas", sas);
	}
	return j;
}

static const char *
ike_state_name(enum st_ike_state s)
{
	switch (s) {
	case ST_IKE_CONNECTING: return "connecting";
	case ST_IKE_ESTABLISHED: return "established";
	case ST_IKE_REKEYING: return "rekeying";
	case ST_IKE_DELETING: return "deleting";
	}
	return "?";
}

static json_t *
jike(const struct st_ike *ike)
{
	char prop[160], spi[40];
	uint64_t now = st_now_ms();

	snprintf(spi, sizeof(spi), "%016" PRIx64 "/%016" PRIx64, ike->spi_i, ike->spi_r);
	return json_pack("{s:i,s:o,s:i,s:s,s:s,s:o,s:i,s:o,s:i,s:o,s:o,s:s,s:s,s:b,s:b,"
	    "s:o,s:i,s:{s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o}}",
	    "index", (int)ike->index, "name", jstr(ike->conn), "version", ike->version,
	    "role", ike->initiator ? "initiator" : "responder",
	    "state", ike_state_name(ike->state),
	    "local", jaddr(&ike->local), "local_port", ike->local_port,
	    "peer", jaddr(&ike->remote), "peer_port", ike->remote_port,
	    "local_id", jstr(ike->local_id), "peer_id", jstr(ike->remote_id),
	    "spis", spi, "proposal", st_proposal_str(&ike->algs, 1, prop, sizeof(prop)),
	    "nat_local", ike->nat_local, "nat_peer", ike->nat_remote,
	    "uptime_s", ju64(ike->start_mono && now > ike->start_mono ?
		(now - ike->start_mono) / 1000 : 0),
	    "children", (int)st_child_count_for_ike(ike->index),
	    "in", "bytes", ju64(ike->c.in_octets), "packets", ju64(ike->c.in_pkts),
	    "drops", ju64(ike->c.in_drops), "notifies", ju64(ike->c.in_notifys),
	    "out", "bytes", ju64(ike->c.out_octets), "packets", ju64(ike->c.out_pkts),
	    "drops", ju64(ike->c.out_drops), "notifies", ju64(ike->c.out_notifys));
}

static json_t *
jwhen(time_t t)
{
	char s[32];
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return json_null();
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(s);
}

/* History: IKE SAs and tunnels that ended, as one list ordered by kind and index. */
static json_t *
jhist_child(const struct st_child_hist *h)
{
	return json_pack("{s:s,s:i,s:i,s:o,s:o,s:o,s:s,s:o,s:o,s:o}", "kind", "tunnel",
	    "index", (int)h->index, "tunnel_index", (int)h->child.index,
	    "name", jstr(h->child.conn), "peer", jaddr(&h->child.remote),
	    "started", jwhen(h->child.start_wall), "reason", st_term_name(h->reason),
	    "active_s", ju64(h->active_ms / 1000),
	    "in", jdir(&h->child.retired.in), "out", jdir(&h->child.retired.out));
}

static json_t *
jhist_ike(const struct st_ike_hist *h)
{
	return json_pack("{s:s,s:i,s:i,s:o,s:o,s:o,s:o,s:s,s:o}", "kind", "ike",
	    "index", (int)h->index, "ike_index", (int)h->ike.index,
	    "name", jstr(h->ike.conn), "peer", jaddr(&h->ike.remote),
	    "peer_id", jstr(h->ike.remote_id), "started", jwhen(h->ike.start_wall),
	    "reason", st_term_name(h->reason), "active_s", ju64(h->active_ms / 1000));
}

static json_t *
jfail_ike(const struct st_ike_failrec *f)
{
	return json_pack("{s:s,s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "phase", "ike",
	    "index", (int)f->index, "reason", st_ike_fail_name(f->reason),
	    "detail", jstr(f->detail), "name", jstr(f->conn), "when", jwhen(f->when),
	    "local", jaddr(&f->local), "peer", jaddr(&f->remote),
	    "peer_id", jstr(f->remote_id));
}

static json_t *
jfail_ipsec(const struct st_ipsec_failrec *f)
{
	char spi[16];

	snprintf(spi, sizeof(spi), "0x%08x", f->spi);
	return json_pack("{s:s,s:i,s:s,s:o,s:o,s:o,s:i,s:s,s:o,s:o}", "phase", "ipsec",
	    "index", (int)f->index, "reason", st_ipsec_fail_name(f->reason),
	    "detail", jstr(f->detail), "name", jstr(f->conn), "when", jwhen(f->when),
	    "tunnel_index", (int)f->tunnel_index, "spi", spi,
	    "src", jaddr(&f->src), "dst", jaddr(&f->dst));
}

/* ---- whole documents ---- */

static uint32_t
failures_last_hour(void)
{
	const struct st_ike_failrec *fi;
	const struct st_ipsec_failrec *fp;
	uint64_t now = st_now_ms(), from = now > 3600000 ? now - 3600000 : 0;
	uint32_t n = 0;

	for (fi = st_ike_fail_next(0); fi; fi = st_ike_fail_next(fi->index))
		n += fi->when_mono >= from;
	for (fp = st_ipsec_fail_next(0); fp; fp = st_ipsec_fail_next(fp->index))
		n += fp->when_mono >= from;
	return n;
}

int
api_summary(struct buf *out)
{
	const struct st_conn *c;
	struct st_ipsec_global g;
	struct rows rs;
	struct row_query rq;
	uint64_t in_bps = 0, out_bps = 0;
	uint32_t nconn = 0;
	int rc;

	for (c = st_conn_next(0); c; c = st_conn_next(c->index))
		nconn++;
	samples_rate_sum(&in_bps, &out_bps);
	row_query_defaults(&rq);
	if (rows_build(&rq, &rs) < 0)
		return -1;
	st_ipsec_global(&g);
	rc = put_json(out, json_pack("{s:s,s:o,s:i,s:i,s:i,s:i,s:i,s:i,s:o,s:o,s:i,"
	    "s:o,s:o,s:o}", "version", PACKAGE_VERSION, "uptime_s", ju64(st_uptime_ms() / 1000),
	    "connections", (int)nconn, "tunnels_up", (int)rs.up, "down", (int)rs.down,
	    "connecting", (int)rs.connecting, "ike_sas", (int)st_ike_active_count(),
	    "tunnels", (int)st_child_active_count(),
	    "in_bps", ju64(in_bps), "out_bps", ju64(out_bps),
	    "failures_last_hour", (int)failures_last_hour(),
	    "in_bytes_total", ju64(g.c.in.octets), "out_bytes_total", ju64(g.c.out.octets),
	    "keyed_by", st_keyed_by() ? json_string(st_keyed_by()) : json_null()));
	rows_release(&rs);
	return rc;
}

int
api_counters(struct buf *out)
{
	const struct st_ike_global *ik = st_ike_global();
	struct st_ipsec_global ip;

	st_ipsec_global(&ip);
	return put_json(out, json_pack("{s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:o,s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}}",
	    "ike", "previous_tunnels", ju64(ik->previous_tunnels),
	    "in_bytes", ju64(ik->c.in_octets), "in_packets", ju64(ik->c.in_pkts),
	    "in_drops", ju64(ik->c.in_drops), "out_bytes", ju64(ik->c.out_octets),
	    "out_packets", ju64(ik->c.out_pkts), "out_drops", ju64(ik->c.out_drops),
	    "init_tunnels", ju64(ik->init_tunnels),
	    "init_tunnel_fails", ju64(ik->init_tunnel_fails),
	    "resp_tunnel_fails", ju64(ik->resp_tunnel_fails),
	    "syscap_fails", ju64(ik->syscap_fails), "auth_fails", ju64(ik->auth_fails),
	    "decrypt_fails", ju64(ik->decrypt_fails), "hash_fails", ju64(ik->hash_fails),
	    "nosa_fails", ju64(ik->nosa_fails), "active_tunnels", ju64(st_ike_active_count()),
	    "ipsec", "previous_tunnels", ju64(ip.previous_tunnels),
	    "active_tunnels", ju64(st_child_active_count()),
	    "in_bytes", ju64(ip.c.in.octets), "in_packets", ju64(ip.c.in.packets),
	    "out_bytes", ju64(ip.c.out.octets), "out_packets", ju64(ip.c.out.packets),
	    "in_drops", ju64(ip.in_drops), "in_replay_drops", ju64(ip.in_replay_drops),
	    "in_auth_fails", ju64(ip.in_auth_fails),
	    "in_decrypt_fails", ju64(ip.in_decrypt_fails), "out_drops", ju64(ip.out_drops),
	    "protocol_use_fails", ju64(ip.protocol_use_fails),
	    "nosa_fails", ju64(ip.nosa_fails), "syscap_fails", ju64(ip.syscap_fails)));
}

int
api_tunnel(struct buf *out, uint32_t index)
{
	const struct st_child *ch = st_child_find(index);
	const struct st_ike *ike;
	json_t *j;

	if (ch == NULL)
		return 1;
	if ((j = jtunnel(ch, 1, st_now_ms())) == NULL)
		return -1;
	if ((ike = st_ike_find(ch->ike_index)) != NULL)
		json_object_set_new(j, "ike_sa", jike(ike));
	return put_json(out, j);
}

int
api_tunnel_samples(struct buf *out, uint32_t index)
{
	static struct sample_pt pts[SAMPLE_N + 1];
	uint64_t end;
	int n;
	json_t *in, *o;

	if (st_child_find(index) == NULL)
		return 1;
	n = samples_get(index, pts, SAMPLE_N, &end);
	/* the partial interval up to now is the last point */
	if (samples_since(index, &pts[n]) == 0) {
		n++;
		end = st_now_ms();
	}
	in = json_array();
	o = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(in, json_integer(pts[i].in_bps));
		json_array_append_new(o, json_integer(pts[i].out_bps));
	}
	/* the newest sample's age lets the page place the points in time */
	return put_json(out, json_pack("{s:i,s:i,s:o,s:o,s:o}", "index", (int)index,
	    "interval_s", SAMPLE_SECS,
	    "age_s", ju64(end && st_now_ms() > end ? (st_now_ms() - end) / 1000 : 0),
	    "in_bps", in, "out_bps", o));
}

static json_t *
jrow(const struct row *r)
{
	json_t *j = json_pack("{s:o,s:s,s:s}",
	    "name", jstr(r->child ? r->child->conn : r->conn->name),
	    "state", row_state_name(r->state), "reason", r->reason);

	if (j == NULL)
		return NULL;
	if (r->child) {
		json_object_set_new(j, "tunnel", jtunnel(r->child, 0, st_now_ms()));
	} else {
		json_object_set_new(j, "peer", jaddr(&r->conn->remote));
		json_object_set_new(j, "ike_version", json_integer(r->conn->ike_version));
		json_object_set_new(j, "tunnel", json_null());
	}
	return j;
}

int
api_connections(struct buf *out, const struct row_query *rq)
{
	struct rows rs;
	int rc;

	if (rows_build(rq, &rs) < 0)
		return -1;
	rc = api_connections_rows(out, rq, &rs);
	rows_release(&rs);
	return rc;
}

int
api_connections_rows(struct buf *out, const struct row_query *rq, const struct rows *rs)
{
	json_t *a, *j;
	uint32_t first = (rq->page - 1) * rq->per_page;

	a = json_array();
	for (uint32_t i = first; i < rs->n && i < first + rq->per_page; i++)
		json_array_append_new(a, jrow(rs->v[i]));
	j = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:o}", "total", (int)rs->total,
	    "matching", (int)rs->n, "up", (int)rs->up, "down", (int)rs->down,
	    "connecting", (int)rs->connecting, "page", (int)rq->page,
	    "per_page", (int)rq->per_page, "rows", a);
	return put_json(out, j);
}

/* ---- streamed lists ---- */

enum { PH_HEAD, PH_ROWS, PH_ROWS2, PH_TAIL, PH_DONE };

struct list_ctx {
	enum api_list	what;
	int		first;		/* no comma before the next row */
	uint32_t	last;		/* index of the last row given */
};

static int
row_out(struct buf *out, struct list_ctx *lc, json_t *j)
{
	if (!lc->first && bputs(out, ",") < 0)
		return -1;
	lc->first = 0;
	return put_json(out, j);
}

/* One step of a list: up to STREAM_ROWS rows of the current phase. */
static int
list_step(struct stream *s, struct buf *out)
{
	struct list_ctx *lc = s->ctx;
	static const char *const key[] = { "", "tunnels", "ike_sas", "history", "failures" };
	uint64_t now = st_now_ms();	/* once a part (see child_uptime_at) */
	int n = 0;

	if (lc == NULL)
		return -1;

	switch (s->phase) {
	case PH_HEAD:
		lc->first = 1;
		s->phase = PH_ROWS;
		return bprintf(out, "{\"%s\":[", key[lc->what]) < 0 ? -1 : 0;
	case PH_ROWS:
	case PH_ROWS2:
		while (n < STREAM_ROWS && !stream_spent(s, n) &&
		    (s->limit == 0 || s->count < s->limit)) {
			json_t *j = NULL;
			uint32_t idx = 0;

			n++;
			switch (lc->what) {
			case API_TUNNELS: {
				const struct st_child *ch = st_child_next(s->after);
				if (ch) { j = jtunnel(ch, 0, now); idx = ch->index; }
				break;
			}
			case API_IKE_SAS: {
				const struct st_ike *ike = st_ike_next(s->after);
				if (ike) { j = jike(ike); idx = ike->index; }
				break;
			}
			case API_HISTORY:
				if (s->phase == PH_ROWS) {
					const struct st_ike_hist *h = st_ike_hist_next(s->after);
					if (h) { j = jhist_ike(h); idx = h->index; }
				} else {
					const struct st_child_hist *h = st_child_hist_next(s->after);
					if (h) { j = jhist_child(h); idx = h->index; }
				}
				break;
			case API_FAILURES:
				if (s->phase == PH_ROWS) {
					const struct st_ike_failrec *f = st_ike_fail_next(s->after);
					if (f) { j = jfail_ike(f); idx = f->index; }
				} else {
					const struct st_ipsec_failrec *f = st_ipsec_fail_next(s->after);
					if (f) { j = jfail_ipsec(f); idx = f->index; }
				}
				break;
			}
			if (idx == 0) {
				/* history and failures have a second list (tunnels / IPsec) */
				if (s->phase == PH_ROWS && (lc->what == API_HISTORY ||
				    lc->what == API_FAILURES)) {
					s->phase = PH_ROWS2;
					s->after = 0;
					continue;
				}
				s->phase = PH_TAIL;
				return 0;
			}
			s->after = idx;
			lc->last = idx;
			s->count++;
			if (row_out(out, lc, j) < 0)
				return -1;
		}
		if (s->limit && s->count >= s->limit)
			s->phase = PH_TAIL;
		return 0;
	case PH_TAIL:
		s->phase = PH_DONE;
		/* a page that stopped at its limit says where the next one starts */
		if (s->limit && s->count >= s->limit && lc->what != API_HISTORY &&
		    lc->what != API_FAILURES)
			return bprintf(out, "],\"next_after\":%u}", lc->last) < 0 ? -1 : 1;
		return bputs(out, "]}") < 0 ? -1 : 1;
	}
	return 1;
}

static void
list_release(struct stream *s)
{
	free(s->ctx);
	s->ctx = NULL;
}

void
api_list_stream(struct stream *s, enum api_list what, uint32_t after, uint32_t limit)
{
	struct list_ctx *lc = calloc(1, sizeof(*lc));

	memset(s, 0, sizeof(*s));
	s->step = list_step;
	s->release = list_release;
	s->ctx = lc;
	/* history and failures are bounded rings (history_size, failure_size):
	 * always given whole */
	if (what == API_TUNNELS || what == API_IKE_SAS) {
		s->after = after;
		s->limit = limit;
	}
	if (lc)
		lc->what = what;
}
