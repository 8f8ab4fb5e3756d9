/* The dashboard (/) and the tunnel page (/tunnel/N), rendered on the server
 * so they are useful without JavaScript; /static/app.js then refreshes them
 * from the JSON API. Every string from configuration or the network goes
 * through html_esc. Only one page of rows (at most 500) is rendered. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "state/names.h"
#include "web/web_int.h"

static int
page_head(struct buf *b, const char *title, int refresh_js)
{
	int rc = 0;

	rc |= bputs(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>");
	rc |= html_esc(b, title);
	rc |= bputs(b, " - ikeflow</title><link rel=\"stylesheet\" href=\"/static/style.css\">");
	if (refresh_js)
		rc |= bputs(b, "<script src=\"/static/app.js\" defer></script>");
	/* when the server made the page: scripts update it later without a reload */
	rc |= bprintf(b, "</head><body data-rendered=\"%lld\"><header>"
	    "<a class=\"home\" href=\"/\">ikeflow</a> ", (long long)st_now_wall());
	rc |= html_esc(b, title);
	rc |= bputs(b, "</header><main>");
	return rc ? -1 : 0;
}

static int
page_tail(struct buf *b)
{
	return bprintf(b, "</main><footer>ikeflowd %s</footer></body></html>\n",
	    PACKAGE_VERSION);
}

static const char *
rate_str(uint32_t bps, char *dst, size_t len)
{
	size_t n;

	fmt_bytes(bps, dst, len);
	n = strlen(dst);
	if (n + 2 < len)
		memcpy(dst + n, "/s", 3);
	return dst;
}

/* A query string for links: the current one with one parameter changed. */
static int
query_link(struct buf *b, const struct row_query *rq, const char *sort, int desc,
    uint32_t page)
{
	int rc = 0;

	rc |= bprintf(b, "?sort=%s&amp;desc=%d&amp;page=%u&amp;per_page=%u", sort, desc,
	    page, rq->per_page);
	if (rq->q[0]) {
		rc |= bputs(b, "&amp;q=");
		for (const unsigned char *p = (const unsigned char *)rq->q; *p; p++)
			rc |= (*p < 128 && (*p == '-' || *p == '.' || *p == '_' ||
			    (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z'))) ? buf_put(b, p, 1) :
			    bprintf(b, "%%%02X", *p);
	}
	return rc ? -1 : 0;
}

static int
th(struct buf *b, const struct row_query *rq, const char *key, const char *label)
{
	int cur = strcmp(rq->sort, key) == 0, rc = 0;

	rc |= bprintf(b, "<th scope=\"col\"%s><a href=\"",
	    cur ? (rq->desc ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : "");
	rc |= query_link(b, rq, key, cur ? !rq->desc : 0, 1);
	rc |= bprintf(b, "\">%s</a></th>", label);
	return rc ? -1 : 0;
}

/* One row of the dashboard's table, with the project's own writers (no
 * printf a cell) and the page's one reading of the clock: in a UML guest
 * each clock read is a system call, two a row before. */
static int
row_html(struct buf *b, const struct row *r, uint64_t now)
{
	char addr[64], tmp[512], t2[32];
	const struct st_child *ch = r->child;
	const char *name = ch ? ch->conn : r->conn->name;
	const char *state = row_state_name(r->state);
	int rc = 0;

	rc |= bputs(b, "<tr class=\"st-");
	rc |= bputs(b, state);
	rc |= bputs(b, "\" data-state=\"");
	rc |= bputs(b, state);
	rc |= bputs(b, "\" data-index=\"");
	rc |= bput_u64(b, ch ? ch->index : 0);
	rc |= bputs(b, "\"><td class=\"name\">");
	if (ch) {
		rc |= bputs(b, "<a href=\"/tunnel/");
		rc |= bput_u64(b, ch->index);
		rc |= bputs(b, "\">");
		rc |= html_esc(b, name);
		rc |= bputs(b, "</a>");
	} else
		rc |= html_esc(b, name);
	rc |= bputs(b, "</td><td class=\"peer\">");
	rc |= html_esc(b, addr_str(ch ? &ch->remote : &r->conn->remote, addr, sizeof(addr)));
	if (r->ike && r->ike->remote_id[0] && strcmp(r->ike->remote_id, addr) != 0) {
		rc |= bputs(b, "<br><small>");
		rc |= html_esc(b, r->ike->remote_id);
		rc |= bputs(b, "</small>");
	}
	rc |= bputs(b, "</td><td class=\"subnets\">");
	if (ch) {
		rc |= html_esc(b, ts_list(ch->ts_local, ch->nts_local, tmp, sizeof(tmp)));
		rc |= bputs(b, " &harr; ");
		rc |= html_esc(b, ts_list(ch->ts_remote, ch->nts_remote, tmp, sizeof(tmp)));
	}
	rc |= bputs(b, "</td><td class=\"ikev\">IKEv");
	rc |= bput_u64(b, (uint64_t)(r->ike ? r->ike->version : r->conn ? r->conn->ike_version : 2));
	rc |= bputs(b, "</td><td class=\"state\"><span class=\"badge\">");
	rc |= bputs(b, state);
	rc |= bputs(b, "</span>");
	if (r->reason[0]) {
		rc |= bputs(b, " <span class=\"reason\">");
		rc |= html_esc(b, r->reason);
		rc |= bputs(b, "</span>");
	}
	rc |= bputs(b, "</td>");
	if (ch == NULL)
		return rc | bputs(b, "<td colspan=\"7\"></td></tr>\n") ? -1 : 0;
	rc |= bputs(b, "<td class=\"uptime\">");
	rc |= bputs(b, fmt_dur(child_uptime_at(ch, now), t2, sizeof(t2)));
	rc |= bputs(b, "</td><td class=\"rekey\">");
	rc |= bputs(b, fmt_dur(child_rekey_in_at(ch, now), t2, sizeof(t2)));
	rc |= bputs(b, "</td><td class=\"proposal\">");
	rc |= bputs(b, st_proposal_str(&ch->algs, 0, tmp, sizeof(tmp)));
	rc |= bputs(b, "</td><td class=\"in num\"><span class=\"in-pkts\">");
	rc |= bput_u64(b, r->tot.in.packets);
	rc |= bputs(b, "</span> pkts<br><small>");
	rc |= bputs(b, fmt_bytes(r->tot.in.octets, t2, sizeof(t2)));
	rc |= bputs(b, "</small></td><td class=\"out num\"><span class=\"out-pkts\">");
	rc |= bput_u64(b, r->tot.out.packets);
	rc |= bputs(b, "</span> pkts<br><small>");
	rc |= bputs(b, fmt_bytes(r->tot.out.octets, t2, sizeof(t2)));
	rc |= bputs(b, "</small></td><td class=\"rate num\">");
	rc |= bputs(b, rate_str(r->rate.in_bps, t2, sizeof(t2)));
	rc |= bputs(b, " in<br>");
	rc |= bputs(b, rate_str(r->rate.out_bps, t2, sizeof(t2)));
	rc |= bputs(b, " out</td><td class=\"errors num\">");
	rc |= bput_u64(b, r->tot.in.auth_fails);
	rc |= bputs(b, " auth<br>");
	rc |= bput_u64(b, r->tot.in.replay_drops);
	rc |= bputs(b, " replay</td></tr>\n");
	return rc ? -1 : 0;
}

static int
summary_strip(struct buf *b, const struct rows *rs)
{
	uint64_t in = 0, out = 0;
	char t1[32], t2[32], t3[32];
	int rc = 0;

	samples_rate_sum(&in, &out);
	rc |= bprintf(b, "<section aria-label=\"Summary\"><dl id=\"summary\">"
	    "<div><dt>Tunnels up</dt><dd id=\"s-up\">%u</dd></div>"
	    "<div><dt>Connections</dt><dd id=\"s-conns\">%u</dd></div>"
	    "<div><dt>Down</dt><dd id=\"s-down\">%u</dd></div>"
	    "<div><dt>Connecting</dt><dd id=\"s-connecting\">%u</dd></div>",
	    rs->up, rs->total, rs->down, rs->connecting);
	rc |= bprintf(b, "<div><dt>Throughput in / out</dt><dd id=\"s-rate\">%s / %s</dd></div>",
	    rate_str((uint32_t)(in > UINT32_MAX ? UINT32_MAX : in), t1, sizeof(t1)),
	    rate_str((uint32_t)(out > UINT32_MAX ? UINT32_MAX : out), t2, sizeof(t2)));
	{
		const struct st_ike_failrec *fi;
		const struct st_ipsec_failrec *fp;
		uint64_t now = st_now_ms(), from = now > 3600000 ? now - 3600000 : 0;
		uint32_t nf = 0;

		for (fi = st_ike_fail_next(0); fi; fi = st_ike_fail_next(fi->index))
			nf += fi->when_mono >= from;
		for (fp = st_ipsec_fail_next(0); fp; fp = st_ipsec_fail_next(fp->index))
			nf += fp->when_mono >= from;
		rc |= bprintf(b, "<div><dt>Failures, last hour</dt><dd id=\"s-fail\">%u</dd></div>",
		    nf);
	}
	/* monitor mode: the tunnels are another daemon's, ikeflowd only watches */
	if (st_keyed_by() != NULL) {
		rc |= bputs(b, "<div><dt>Keyed by</dt><dd id=\"s-keyed-by\">");
		rc |= html_esc(b, st_keyed_by());
		rc |= bputs(b, "</dd></div>");
	}
	rc |= bprintf(b, "<div><dt>Daemon uptime</dt><dd id=\"s-uptime\">%s</dd></div>"
	    "<div><dt>Version</dt><dd>%s</dd></div></dl></section>",
	    fmt_dur(st_uptime_ms() / 1000, t3, sizeof(t3)), PACKAGE_VERSION);
	return rc ? -1 : 0;
}

int
html_dashboard(struct buf *b, const struct row_query *rq, int bundle)
{
	struct rows rs;
	int rc;

	if (rows_build(rq, &rs) < 0)
		return -1;
	rc = html_dashboard_rows(b, rq, &rs, bundle);
	rows_release(&rs);
	return rc;
}

int
html_dashboard_rows(struct buf *b, const struct row_query *rq, const struct rows *rsp,
    int bundle)
{
	const struct rows rs = *rsp;
	uint32_t first = (rq->page - 1) * rq->per_page, pages;
	uint64_t now = st_now_ms();
	int rc = 0;

	pages = rs.n ? (rs.n + rq->per_page - 1) / rq->per_page : 1;
	rc |= page_head(b, "tunnel health", 1);
	rc |= summary_strip(b, &rs);
	rc |= bputs(b, "<form method=\"get\" action=\"/\" role=\"search\" id=\"filter\">"
	    "<label for=\"q\">Filter</label> <input type=\"search\" id=\"q\" name=\"q\" value=\"");
	rc |= html_esc(b, rq->q);
	rc |= bprintf(b, "\" placeholder=\"name, peer, ID, state\">"
	    "<input type=\"hidden\" name=\"sort\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"desc\" value=\"%d\">"
	    "<label for=\"per_page\">Rows</label> <select id=\"per_page\" name=\"per_page\">",
	    rq->sort, rq->desc);
	for (uint32_t n = 25; n <= 500; n *= 2)
		rc |= bprintf(b, "<option%s>%u</option>", n == rq->per_page ? " selected" : "", n);
	rc |= bputs(b, "</select> <button type=\"submit\">Apply</button></form>");
	rc |= bprintf(b, "<p id=\"count\">%u of %u rows</p>", rs.n, rs.total);
	rc |= bputs(b, "<div class=\"scroll\"><table id=\"tunnels\"><caption>Connections and "
	    "tunnels</caption><thead><tr>");
	rc |= th(b, rq, "name", "Name");
	rc |= th(b, rq, "peer", "Peer");
	rc |= bputs(b, "<th scope=\"col\">Subnets (local &harr; remote)</th><th scope=\"col\">IKE</th>");
	rc |= th(b, rq, "state", "State");
	rc |= th(b, rq, "uptime", "Uptime");
	rc |= bputs(b, "<th scope=\"col\">Next rekey</th><th scope=\"col\">Proposal</th>");
	rc |= th(b, rq, "in", "In");
	rc |= th(b, rq, "out", "Out");
	rc |= th(b, rq, "rate", "Rate");
	rc |= th(b, rq, "errors", "Errors");
	rc |= bputs(b, "</tr></thead><tbody>\n");
	for (uint32_t i = first; i < rs.n && i < first + rq->per_page; i++)
		rc |= row_html(b, rs.v[i], now);
	if (rs.n == 0)
		rc |= bputs(b, "<tr><td colspan=\"12\">No connection matches.</td></tr>");
	rc |= bputs(b, "</tbody></table></div><nav aria-label=\"Pages\" id=\"pages\">");
	if (rq->page > 1) {
		rc |= bputs(b, "<a rel=\"prev\" href=\"");
		rc |= query_link(b, rq, rq->sort, rq->desc, rq->page - 1);
		rc |= bputs(b, "\">&larr; previous</a> ");
	}
	rc |= bprintf(b, "page %u of %u", rq->page, pages);
	if (rq->page < pages) {
		rc |= bputs(b, " <a rel=\"next\" href=\"");
		rc |= query_link(b, rq, rq->sort, rq->desc, rq->page + 1);
		rc |= bputs(b, "\">next &rarr;</a>");
	}
	rc |= bputs(b, "</nav>");
	if (bundle)
		rc |= bputs(b, "<p id=\"tech\"><a href=\"/tech-support.tar.gz\" download>"
		    "Download a diagnostic bundle</a> (tech-support.tar.gz: the "
		    "views, the flow MIB, the logs and the configuration with every "
		    "secret masked)</p>");
	rc |= page_tail(b);
	return rc ? -1 : 0;
}

static int
fact(struct buf *b, const char *k, const char *v)
{
	int rc = bprintf(b, "<div><dt>%s</dt><dd>", k);

	rc |= html_esc(b, v);
	return rc | bputs(b, "</dd></div>") ? -1 : 0;
}

static int
dir_cells(struct buf *b, const struct st_dir_counters *c)
{
	return bprintf(b, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
	    "</td>", c->packets, c->octets);
}

int
html_tunnel(struct buf *b, uint32_t index)
{
	const struct st_child *ch = st_child_find(index);
	const struct st_ike *ike;
	const struct st_child_hist *h;
	const struct st_ike_failrec *fi;
	const struct st_ipsec_failrec *fp;
	struct st_child_counters t;
	char tmp[512], t2[64], title[ST_NAME_MAX + 32];
	int rc = 0, n;

	if (ch == NULL)
		return 1;
	ike = st_ike_find(ch->ike_index);
	st_child_totals(ch, &t);
	snprintf(title, sizeof(title), "tunnel %u %s", ch->index, ch->conn);
	rc |= page_head(b, title, 1);
	rc |= bprintf(b, "<h1 id=\"tunnel\" data-index=\"%u\" data-name=\"", ch->index);
	rc |= html_esc(b, ch->conn);
	rc |= bprintf(b, "\">Tunnel %u: ", ch->index);
	rc |= html_esc(b, ch->conn);
	rc |= bputs(b, " <span class=\"badge\" id=\"t-state\">up</span></h1><dl class=\"facts\">");
	if (st_keyed_by() != NULL) {
		snprintf(tmp, sizeof(tmp), "%s, reqid %u", st_keyed_by(), ch->reqid);
		rc |= fact(b, "Keyed by", tmp);
	}
	rc |= fact(b, "Local address", addr_str(&ch->local, tmp, sizeof(tmp)));
	rc |= fact(b, "Peer address", addr_str(&ch->remote, tmp, sizeof(tmp)));
	if (ike) {
		rc |= fact(b, "Local ID", ike->local_id);
		rc |= fact(b, "Peer ID", ike->remote_id);
		snprintf(t2, sizeof(t2), "IKEv%d, %s, index %u", ike->version,
		    ike->initiator ? "initiator" : "responder", ike->index);
		rc |= fact(b, "IKE SA", t2);
		rc |= fact(b, "IKE proposal", st_proposal_str(&ike->algs, 1, tmp, sizeof(tmp)));
		snprintf(t2, sizeof(t2), "%u/%u%s", ike->local_port, ike->remote_port,
		    ike->nat_local || ike->nat_remote ? " (NAT detected)" : "");
		rc |= fact(b, "Ports", t2);
	}
	rc |= fact(b, "Local subnets", ts_list(ch->ts_local, ch->nts_local, tmp, sizeof(tmp)));
	rc |= fact(b, "Remote subnets", ts_list(ch->ts_remote, ch->nts_remote, tmp,
	    sizeof(tmp)));
	rc |= fact(b, "Mode", ch->transport ? "transport" : ch->encap ? "tunnel, UDP-encapsulated" :
	    "tunnel");
	rc |= fact(b, "ESP proposal", st_proposal_str(&ch->algs, 0, tmp, sizeof(tmp)));
	rc |= fact(b, "Uptime", fmt_dur(child_uptime(ch), t2, sizeof(t2)));
	rc |= fact(b, "Next rekey in", fmt_dur(child_rekey_in(ch), t2, sizeof(t2)));
	snprintf(t2, sizeof(t2), "%u", ch->refreshes);
	rc |= fact(b, "Rekeys", t2);
	rc |= bprintf(b, "</dl><h2>Traffic</h2><div class=\"scroll\"><table id=\"traffic\">"
	    "<thead><tr><th scope=\"col\"></th><th scope=\"col\">Packets</th>"
	    "<th scope=\"col\">Bytes</th><th scope=\"col\">Auth failures</th>"
	    "<th scope=\"col\">Replay drops</th></tr></thead><tbody>"
	    "<tr><th scope=\"row\">In</th>");
	rc |= dir_cells(b, &t.in);
	rc |= bprintf(b, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
	    "</td></tr><tr><th scope=\"row\">Out</th>", t.in.auth_fails, t.in.replay_drops);
	rc |= dir_cells(b, &t.out);
	rc |= bprintf(b, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
	    "</td></tr></tbody></table></div>", t.out.auth_fails, t.out.replay_drops);
	rc |= bprintf(b, "<h2>Throughput, last hour</h2><figure><canvas id=\"chart\" "
	    "data-index=\"%u\" role=\"img\" aria-label=\"In and out throughput of the last "
	    "hour\" width=\"800\" height=\"260\"></canvas><figcaption>Bytes per second, "
	    "one point per %d s; needs JavaScript.</figcaption></figure>", ch->index,
	    SAMPLE_SECS);
	rc |= bputs(b, "<h2>Security associations</h2><div class=\"scroll\"><table id=\"sas\">"
	    "<thead><tr><th scope=\"col\">SPI</th><th scope=\"col\">Direction</th>"
	    "<th scope=\"col\">State</th><th scope=\"col\">Packets</th><th scope=\"col\">Bytes</th>"
	    "<th scope=\"col\">Remaining s</th><th scope=\"col\">Remaining KB</th></tr></thead><tbody>");
	for (int i = 0; i < ch->nsa; i++) {
		const struct st_sa *sa = &ch->sa[i];
		uint64_t now = st_now_ms(), age = sa->installed_mono && now > sa->installed_mono ?
		    (now - sa->installed_mono) / 1000 : 0;
		uint64_t kb = sa->c.octets / 1024;

		rc |= bprintf(b, "<tr><td><code>0x%08x</code></td><td>%s</td><td>%s</td>",
		    sa->spi, sa->dir == ST_SA_IN ? "in" : "out",
		    sa->expiring ? "expiring" : "current");
		rc |= dir_cells(b, &sa->c);
		rc |= bprintf(b, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
		    "</td></tr>", ch->life_sec > age ? ch->life_sec - age : 0,
		    ch->life_kb > kb ? ch->life_kb - kb : 0);
	}
	rc |= bputs(b, "</tbody></table></div><h2>History of this connection</h2>"
	    "<div class=\"scroll\"><table id=\"history\"><thead><tr><th scope=\"col\">Tunnel</th>"
	    "<th scope=\"col\">Peer</th><th scope=\"col\">Active</th><th scope=\"col\">Ended</th>"
	    "<th scope=\"col\">In packets</th><th scope=\"col\">Out packets</th></tr></thead><tbody>");
	n = 0;
	for (h = st_child_hist_next(0); h; h = st_child_hist_next(h->index)) {
		if (strcmp(h->child.conn, ch->conn) != 0)
			continue;
		rc |= bprintf(b, "<tr><td>%u</td><td>", h->child.index);
		rc |= html_esc(b, addr_str(&h->child.remote, tmp, sizeof(tmp)));
		rc |= bprintf(b, "</td><td>%s</td><td>%s</td><td class=\"num\">%" PRIu64
		    "</td><td class=\"num\">%" PRIu64 "</td></tr>",
		    fmt_dur(h->active_ms / 1000, t2, sizeof(t2)), st_term_name(h->reason),
		    h->child.retired.in.packets, h->child.retired.out.packets);
		n++;
	}
	if (n == 0)
		rc |= bputs(b, "<tr><td colspan=\"6\">None recorded.</td></tr>");
	rc |= bputs(b, "</tbody></table></div><h2>Failures of this connection</h2>"
	    "<div class=\"scroll\"><table id=\"failures\"><thead><tr><th scope=\"col\">When (UTC)</th>"
	    "<th scope=\"col\">Phase</th><th scope=\"col\">Reason</th><th scope=\"col\">Detail</th>"
	    "</tr></thead><tbody>");
	n = 0;
	for (fi = st_ike_fail_next(0); fi; fi = st_ike_fail_next(fi->index)) {
		struct tm tm;

		if (strcmp(fi->conn, ch->conn) != 0)
			continue;
		gmtime_r(&fi->when, &tm);
		strftime(t2, sizeof(t2), "%Y-%m-%d %H:%M:%S", &tm);
		rc |= bprintf(b, "<tr><td>%s</td><td>IKE</td><td>%s</td><td>", t2,
		    st_ike_fail_name(fi->reason));
		rc |= html_esc(b, fi->detail);
		rc |= bputs(b, "</td></tr>");
		n++;
	}
	for (fp = st_ipsec_fail_next(0); fp; fp = st_ipsec_fail_next(fp->index)) {
		struct tm tm;

		if (strcmp(fp->conn, ch->conn) != 0 && fp->tunnel_index != ch->index)
			continue;
		gmtime_r(&fp->when, &tm);
		strftime(t2, sizeof(t2), "%Y-%m-%d %H:%M:%S", &tm);
		rc |= bprintf(b, "<tr><td>%s</td><td>IPsec</td><td>%s</td><td>", t2,
		    st_ipsec_fail_name(fp->reason));
		rc |= html_esc(b, fp->detail);
		rc |= bputs(b, "</td></tr>");
		n++;
	}
	if (n == 0)
		rc |= bputs(b, "<tr><td colspan=\"4\">None recorded.</td></tr>");
	rc |= bputs(b, "</tbody></table></div><script src=\"/static/chart.min.js\" defer></script>");
	rc |= page_tail(b);
	return rc ? -1 : 0;
}

int
html_error(struct buf *b, int status, const char *msg)
{
	char title[32];
	int rc;

	snprintf(title, sizeof(title), "%d", status);
	rc = page_head(b, title, 0);
	rc |= bputs(b, "<p>");
	rc |= html_esc(b, msg);
	rc |= bputs(b, "</p><p><a href=\"/\">Dashboard</a></p>");
	return rc | page_tail(b) ? -1 : 0;
}
