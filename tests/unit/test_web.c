/* The web renderers over a state model with hostile names: HTML escapes
 * every string from configuration or the network, JSON carries them intact,
 * Prometheus labels are escaped and `promtool check metrics` accepts the
 * exposition; counters survive a rekey; the throughput samples; lists are
 * streamed in bounded steps and page by index. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "state/state.h"
#include "tests/web/web_model.h"
#include "web/web_int.h"

static uint64_t fake_ms = 1000000;
static time_t fake_wall = 1700000000;

static unsigned clock_reads;	/* of the monotonic clock */

static uint64_t clock_ms(void) { clock_reads++; return fake_ms; }
static time_t clock_wall(void) { return fake_wall; }

static uint32_t hostile;

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(st_init(), 0);
	st_set_clock(clock_ms, clock_wall);
	hostile = web_model_build(3);
	samples_take();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	samples_clear();
	metrics_clear();
	st_free();
	return 0;
}

static char *
text(struct buf *b)
{
	buf_put_u8(b, 0);
	assert_false(b->failed);
	return (char *)b->data;
}

/* Runs a stream to its end; returns the steps it took. spent: every step
 * finds its time spent (the server's run budget), and still renders. */
static int
drain_as(struct stream *s, struct buf *b, int spent)
{
	int rc, steps = 0;

	do {
		size_t before = b->len;

		if (spent)
			s->until_us = 1;	/* long past */
		rc = s->step(s, b);
		assert_true(rc >= 0);
		assert_true(!spent || b->len > before);
		steps++;
	} while (rc == 0);
	if (s->release)
		s->release(s);
	return steps;
}

static int
drain(struct stream *s, struct buf *b)
{
	return drain_as(s, b, 0);
}

static void
no_raw_markup(const char *html)
{
	assert_null(strstr(html, "<script>alert"));
	assert_null(strstr(html, "<img src=x"));
	assert_null(strstr(html, "never<b>"));
	assert_null(strstr(html, "<i>x</i>"));
	assert_null(strstr(html, "gone\"conn"));
}

static void
test_html_dashboard_escapes(void **state)
{
	struct buf *b = buf_new(0);
	struct row_query rq;
	const char *h;

	(void)state;
	row_query_defaults(&rq);
	assert_int_equal(html_dashboard(b, &rq, 0), 0);
	h = text(b);
	no_raw_markup(h);
	/* no bundle link unless the client may have it */
	assert_null(strstr(h, "tech-support.tar.gz"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;\\"));
	assert_non_null(strstr(h, "evil&quot;\nid&lt;/td&gt;&lt;img src=x"));
	/* the configured connection with no tunnel says why */
	assert_non_null(strstr(h, "never&lt;b&gt;"));
	assert_non_null(strstr(h, "authentication failed: AUTHENTICATION_FAILED &lt;i&gt;"));
	assert_non_null(strstr(h, "<span class=\"reason\">ended: peer delete</span>"));
	assert_non_null(strstr(h, "<span class=\"in-pkts\">100</span>"));
	assert_non_null(strstr(h, "<dd id=\"s-up\">4</dd>"));
	buf_free(b);

	/* a filter that is itself markup comes back escaped in the form */
	b = buf_new(0);
	snprintf(rq.q, sizeof(rq.q), "\"><script>");
	assert_int_equal(html_dashboard(b, &rq, 1), 0);
	h = text(b);
	assert_non_null(strstr(h, "<a href=\"/tech-support.tar.gz\" download>"));
	assert_null(strstr(h, "\"><script>"));
	assert_non_null(strstr(h, "value=\"&quot;&gt;&lt;script&gt;\""));
	assert_non_null(strstr(h, "q=%22%3E%3Cscript%3E"));
	assert_non_null(strstr(h, "0 of 6 rows"));
	buf_free(b);
}

static void
test_html_filter_sort_page(void **state)
{
	struct buf *b = buf_new(0);
	struct row_query rq;
	const char *h;

	(void)state;
	row_query_defaults(&rq);
	/* case-insensitive; matches peer1-3 and "gone", whose reason is "peer delete" */
	snprintf(rq.q, sizeof(rq.q), "PEER");
	strcpy(rq.sort, "in");
	rq.desc = 1;
	rq.per_page = 2;
	assert_int_equal(html_dashboard(b, &rq, 0), 0);
	h = text(b);
	assert_non_null(strstr(h, "4 of 6 rows"));
	assert_non_null(strstr(h, "page 1 of 2"));
	/* the most inbound traffic first: peer3, then peer2; peer1 on page 2 */
	assert_non_null(strstr(h, ">peer3<"));
	assert_non_null(strstr(h, ">peer2<"));
	assert_null(strstr(h, ">peer1<"));
	assert_true(strstr(h, ">peer3<") < strstr(h, ">peer2<"));
	assert_non_null(strstr(h, "rel=\"next\""));
	buf_free(b);
}

static void
test_html_tunnel(void **state)
{
	struct buf *b = buf_new(0);
	const char *h;

	(void)state;
	assert_int_equal(html_tunnel(b, hostile), 0);
	h = text(b);
	no_raw_markup(h);
	assert_non_null(strstr(h, "<canvas id=\"chart\""));
	assert_non_null(strstr(h, "0xc0000100"));
	assert_non_null(strstr(h, "ICV &quot;bad&quot;"));
	buf_free(b);
	b = buf_new(0);
	assert_int_equal(html_tunnel(b, 999), 1);
	buf_free(b);
}

static json_t *
parse(struct buf *b)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)b->data, b->len, 0, &err);

	if (j == NULL)
		fail_msg("bad JSON at %d: %s", err.position, err.text);
	return j;
}

static void
test_json_tunnel(void **state)
{
	struct buf *b = buf_new(0);
	json_t *j;

	(void)state;
	assert_int_equal(api_tunnel(b, hostile), 0);
	j = parse(b);
	assert_string_equal(json_string_value(json_object_get(j, "name")), HOSTILE_NAME);
	assert_string_equal(json_string_value(json_object_get(j, "peer_id")), HOSTILE_ID);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "in"),
	    "packets")), 100);
	assert_int_equal(json_array_size(json_object_get(j, "sas")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "sas"), 0), "spi")), "0xc0000100");
	json_decref(j);
	buf_reset(b);
	assert_int_equal(api_tunnel(b, 999), 1);
	buf_free(b);
}

static void
test_json_connections(void **state)
{
	struct buf *b = buf_new(0);
	struct row_query rq;
	json_t *j, *row;

	(void)state;
	row_query_defaults(&rq);
	snprintf(rq.q, sizeof(rq.q), "never");
	assert_int_equal(api_connections(b, &rq), 0);
	j = parse(b);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 6);
	assert_int_equal(json_integer_value(json_object_get(j, "matching")), 1);
	row = json_array_get(json_object_get(j, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "never<b>");
	assert_string_equal(json_string_value(json_object_get(row, "state")), "failed");
	assert_non_null(strstr(json_string_value(json_object_get(row, "reason")),
	    "authentication failed"));
	assert_true(json_is_null(json_object_get(row, "tunnel")));
	json_decref(j);
	buf_free(b);
}

static void
test_json_lists_page(void **state)
{
	struct buf *b = buf_new(0);
	struct stream s;
	json_t *j, *a;

	(void)state;
	api_list_stream(&s, API_TUNNELS, 0, 2);
	drain(&s, b);
	j = parse(b);
	a = json_object_get(j, "tunnels");
	assert_int_equal(json_array_size(a), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "next_after")), 2);
	json_decref(j);
	buf_reset(b);
	api_list_stream(&s, API_TUNNELS, 2, 0);
	drain(&s, b);
	j = parse(b);
	a = json_object_get(j, "tunnels");
	assert_int_equal(json_array_size(a), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "index")), 3);
	assert_null(json_object_get(j, "next_after"));
	json_decref(j);

	buf_reset(b);
	api_list_stream(&s, API_HISTORY, 0, 0);
	drain(&s, b);
	j = parse(b);
	a = json_object_get(j, "history");
	assert_int_equal(json_array_size(a), 2);	/* the IKE SA and the tunnel */
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "reason")),
	    "peer delete");
	json_decref(j);

	buf_reset(b);
	api_list_stream(&s, API_FAILURES, 0, 0);
	drain(&s, b);
	j = parse(b);
	assert_int_equal(json_array_size(json_object_get(j, "failures")), 2);
	json_decref(j);

	buf_reset(b);
	assert_int_equal(api_summary(b), 0);
	j = parse(b);
	assert_int_equal(json_integer_value(json_object_get(j, "tunnels_up")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "down")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "failures_last_hour")), 2);
	json_decref(j);
	buf_reset(b);
	assert_int_equal(api_counters(b), 0);
	json_decref(parse(b));
	buf_free(b);
}

static char *
metrics_text(struct buf *b)
{
	struct stream s;

	metrics_stream(&s);
	drain(&s, b);
	return text(b);
}

static void
test_metrics(void **state)
{
	struct buf *b = buf_new(0);
	const char *m;
	char path[] = "/tmp/ikeflow-metrics-XXXXXX", cmd[128];
	int fd, rc;

	(void)state;
	m = metrics_text(b);
	assert_non_null(strstr(m, "\nikeflow_tunnel_in_packets_total{name=\"<script>alert(\\\"x\\\")"
	    "</script>'&\\\\\",peer=\"192.0.2.2\",index=\"1\"} 100\n"));
	assert_non_null(strstr(m, "\nikeflow_tunnel_up{name=\"peer1\",peer=\"172.17.0.2\","
	    "index=\"2\"} 1\n"));
	assert_non_null(strstr(m, "\nikeflow_connection_up{name=\"never<b>\"} 0\n"));
	assert_non_null(strstr(m, "\nikeflow_ike_failures_total{reason=\"auth\"} 1\n"));
	assert_non_null(strstr(m, "\nikeflow_build_info{version=\"" PACKAGE_VERSION "\"} 1\n"));
	/* one TYPE line per family (promtool below also refuses a second one) */
	assert_null(strstr(strstr(m, "# TYPE ikeflow_tunnel_up ") + 1,
	    "# TYPE ikeflow_tunnel_up "));

	if (system("command -v promtool >/dev/null 2>&1") != 0) {
		buf_free(b);
		skip();
	}
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, m, strlen(m)), (ssize_t)strlen(m));
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", path);
	rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
	buf_free(b);
}

/* The label sets kept between scrapes follow the tunnel: a peer that
 * moved shows its new address, a tunnel that ended is gone. */
static void
test_metrics_labels_follow(void **state)
{
	struct st_child *ch = st_child_get(2);
	struct buf *b = buf_new(0);
	const char *m;

	(void)state;
	assert_non_null(strstr(metrics_text(b), "peer=\"172.17.0.2\",index=\"2\"}"));
	addr_parse("198.51.100.9", &ch->remote);
	buf_free(b);
	b = buf_new(0);
	m = metrics_text(b);
	assert_null(strstr(m, "peer=\"172.17.0.2\",index=\"2\"}"));
	assert_non_null(strstr(m, "\nikeflow_tunnel_up{name=\"peer1\",peer=\"198.51.100.9\","
	    "index=\"2\"} 1\n"));
	st_child_end(2, ST_TERM_PEER_DEL);
	buf_free(b);
	b = buf_new(0);
	assert_null(strstr(metrics_text(b), "index=\"2\"}"));
	buf_free(b);
}

/* A scrape shows each tunnel as it was when its first family took it: a
 * tunnel that moves or ends while the scrape goes on keeps the same label
 * set and values in all nine families, and the label set the scrape holds
 * outlives another scrape replacing it in the cache (the unit tests run
 * under ASan too). */
static void
test_metrics_one_moment(void **state)
{
	struct st_child *ch = st_child_get(2);
	struct buf *b = buf_new(0), *other = buf_new(0);
	struct st_dir_counters c = { .octets = 1, .packets = 777 };
	struct stream s;
	const char *m, *p;
	int rc, n = 0;

	(void)state;
	metrics_stream(&s);
	/* the first family, and the second's header */
	while (s.phase == 0)
		assert_int_equal(s.step(&s, b), 0);
	addr_parse("198.51.100.9", &ch->remote);
	assert_int_equal(st_sa_update(ch->sa[0].spi, ST_SA_IN, &c), 0);
	assert_non_null(strstr(metrics_text(other), "peer=\"198.51.100.9\",index=\"2\"}"));
	st_child_end(2, ST_TERM_PEER_DEL);
	do {
		rc = s.step(&s, b);
		assert_true(rc >= 0);
	} while (rc == 0);
	m = text(b);
	assert_null(strstr(m, "198.51.100.9"));
	for (p = m; (p = strstr(p, "{name=\"peer1\",peer=\"172.17.0.2\",index=\"2\"}"));
	    p++)
		n++;
	assert_int_equal(n, 9);
	/* the packets it had when taken, not the 777 that came after */
	assert_non_null(strstr(m, "ikeflow_tunnel_in_packets_total{name=\"peer1\","
	    "peer=\"172.17.0.2\",index=\"2\"} 10\n"));
	buf_free(other);
	buf_free(b);
}

/* The default order, by index, either way: connections without a tunnel
 * (index 0) before the tunnels, and after them when descending. */
static void
test_html_index_order(void **state)
{
	struct buf *b = buf_new(0);
	struct row_query rq;
	const char *h;

	(void)state;
	row_query_defaults(&rq);
	assert_int_equal(html_dashboard(b, &rq, 0), 0);
	h = text(b);
	assert_non_null(strstr(h, "never&lt;b&gt;"));
	assert_true(strstr(h, "never&lt;b&gt;") < strstr(h, ">peer1<"));
	assert_true(strstr(h, ">peer1<") < strstr(h, ">peer3<"));
	buf_free(b);
	b = buf_new(0);
	rq.desc = 1;
	assert_int_equal(html_dashboard(b, &rq, 0), 0);
	h = text(b);
	assert_true(strstr(h, ">peer3<") < strstr(h, ">peer1<"));
	assert_true(strstr(h, ">peer1<") < strstr(h, "never&lt;b&gt;"));
	buf_free(b);
}

static void
test_prom_label_esc(void **state)
{
	struct buf *b = buf_new(0);

	(void)state;
	assert_int_equal(prom_label_esc(b, "a\\b\"c\nd"), 0);
	assert_string_equal(text(b), "a\\\\b\\\"c\\nd");
	buf_free(b);
	b = buf_new(0);
	assert_int_equal(html_esc(b, "<a href='x'>&\"</a>"), 0);
	assert_string_equal(text(b), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
	buf_free(b);
}

/* A rekey: the old pair goes with its final counters, the new one counts on. */
static void
test_counters_across_rekey(void **state)
{
	struct st_child *ch = st_child_get(hostile);
	struct st_dir_counters fin = { .octets = 9000, .packets = 110 };
	struct st_dir_counters fresh = { .octets = 840, .packets = 10 };
	struct buf *b = buf_new(0);

	(void)state;
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 0xc0000300, IPPROTO_ESP), 0);
	assert_int_equal(st_sa_gone(0xc0000100, ST_SA_IN, &fin), 0);
	assert_int_equal(st_sa_update(0xc0000300, ST_SA_IN, &fresh), 0);
	assert_non_null(strstr(metrics_text(b), "\",peer=\"192.0.2.2\",index=\"1\"} 120\n"));
	buf_free(b);
}

/* The dashboard's page for rq holds every string of want and none of
 * absent (both NULL-terminated). */
static void
page_holds(const struct row_query *rq, const char *const *want, const char *const *absent)
{
	struct buf *b = buf_new(0);
	const char *h;

	assert_int_equal(html_dashboard(b, rq, 0), 0);
	h = text(b);
	for (; *want != NULL; want++)
		assert_non_null(strstr(h, *want));
	for (; *absent != NULL; absent++)
		assert_null(strstr(h, *absent));
	buf_free(b);
}

/* In index order the dashboard fills only its page's rows: each row of
 * any page still shows its counters, IDs and reasons, and the summary's
 * throughput is every tunnel's, not the page's. */
static void
test_html_index_page_filled(void **state)
{
	struct st_dir_counters in = { .octets = 8400 + 15000, .packets = 200 };
	struct row_query rq;

	(void)state;
	row_query_defaults(&rq);
	rq.per_page = 2;
	/* page 1: the two connections without a tunnel, with their reasons */
	page_holds(&rq, (const char *[]){ "6 of 6 rows", "page 1 of 3",
	    "AUTHENTICATION_FAILED &lt;i&gt;x&lt;/i&gt;", "class=\"st-failed\"", "ended: ",
	    NULL }, (const char *[]){ ">peer1<", NULL });
	/* page 2: the first two tunnels, whole; a rate on page 3 counts too */
	fake_ms += 15000;
	assert_int_equal(st_sa_update(0xc1000006, ST_SA_IN, &in), 0);	/* peer3 */
	samples_take();
	rq.page = 2;
	page_holds(&rq, (const char *[]){ "<span class=\"in-pkts\">100</span>",
	    "<span class=\"in-pkts\">10</span>", ">peer1<", "id=\"s-rate\">", NULL },
	    (const char *[]){ ">peer3<", "id=\"s-rate\">0 ", NULL });
	/* backwards, the last page: the connections without a tunnel */
	rq.desc = 1;
	rq.page = 3;
	page_holds(&rq, (const char *[]){ "page 3 of 3", "never&lt;b&gt;", "gone&quot;conn",
	    "AUTHENTICATION_FAILED", NULL }, (const char *[]){ ">peer", NULL });
}

static void
test_samples(void **state)
{
	struct st_dir_counters in = { .octets = 8400 + 15000, .packets = 200 };
	struct sample_pt pts[SAMPLE_N], now;
	uint64_t end;
	struct buf *b = buf_new(0);
	json_t *j;

	(void)state;
	assert_int_equal(samples_get(hostile, pts, SAMPLE_N, &end), 0);
	fake_ms += 15000;
	assert_int_equal(st_sa_update(0xc0000100, ST_SA_IN, &in), 0);
	samples_take();
	assert_int_equal(samples_get(hostile, pts, SAMPLE_N, &end), 1);
	assert_int_equal(pts[0].in_bps, 1000);
	assert_int_equal(pts[0].out_bps, 0);
	assert_int_equal(end, fake_ms);
	assert_int_equal(samples_rate(hostile, &now), 0);
	assert_int_equal(now.in_bps, 1000);
	/* the ring keeps the last hour only */
	for (int i = 0; i < SAMPLE_N + 10; i++) {
		fake_ms += SAMPLE_SECS * 1000;
		samples_take();
	}
	assert_int_equal(samples_get(hostile, pts, SAMPLE_N, &end), SAMPLE_N);
	assert_int_equal(pts[SAMPLE_N - 1].in_bps, 0);
	/* the partial interval is the chart's last point */
	fake_ms += 5000;
	assert_int_equal(api_tunnel_samples(b, hostile), 0);
	j = parse(b);
	assert_int_equal(json_array_size(json_object_get(j, "in_bps")), SAMPLE_N + 1);
	json_decref(j);
	/* an ended tunnel's ring goes */
	st_child_end(hostile, ST_TERM_NORMAL);
	samples_take();
	assert_int_equal(samples_get(hostile, pts, SAMPLE_N, &end), 0);
	assert_true(samples_bytes_per_tunnel() < 2048);
	buf_free(b);
}

/* The sum of every live tunnel's latest rate, looked at one by one. */
static void
sum_by_tunnel(uint64_t *in, uint64_t *out)
{
	struct sample_pt now;

	*in = *out = 0;
	for (const struct st_child *ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		if (samples_rate(ch->index, &now) == 0) {
			*in += now.in_bps;
			*out += now.out_bps;
		}
}

/* The sampler's pass in steps (a turn's budget each): the same rings and
 * rates as a pass at once, the running sum whole at every step, a tunnel
 * that ends or starts between two steps handled. */
static void
test_samples_in_steps(void **state)
{
	struct sample_pt pts[SAMPLE_N];
	uint64_t end, in, out, sin, sout;
	uint32_t last = 0, fresh;
	int steps = 0, r;

	(void)state;
	samples_clear();
	st_free();
	assert_int_equal(st_init(), 0);
	(void)web_model_build(200);
	samples_take();
	fake_ms += 15000;
	/* each tunnel's inbound SA moved by its index * 15 bytes: rate = index */
	for (const struct st_child *ch = st_child_next(0); ch; ch = st_child_next(ch->index)) {
		struct st_child_counters t;
		struct st_dir_counters c;

		st_child_totals(ch, &t);
		c = t.in;
		c.octets += (uint64_t)ch->index * 15;
		for (int k = 0; k < ch->nsa; k++)
			if (ch->sa[k].dir == ST_SA_IN)
				assert_int_equal(st_sa_update(ch->sa[k].spi, ST_SA_IN, &c), 0);
		last = ch->index;
	}
	/* a budget already spent: 31 tunnels a step */
	while ((r = samples_step(1)) == 0) {
		samples_rate_sum(&sin, &sout);
		sum_by_tunnel(&in, &out);
		assert_int_equal(sin, in);
		assert_int_equal(sout, out);
		if (steps++ == 0)
			st_child_end(last, ST_TERM_NORMAL);	/* not walked yet */
	}
	assert_int_equal(r, 1);
	assert_true(steps > 3);
	assert_int_equal(samples_get(last, pts, SAMPLE_N, &end), 0);
	samples_rate_sum(&sin, &sout);
	sum_by_tunnel(&in, &out);
	assert_int_equal(sin, in);
	assert_true(in > 0);
	for (const struct st_child *ch = st_child_next(0); ch; ch = st_child_next(ch->index)) {
		assert_int_equal(samples_get(ch->index, pts, SAMPLE_N, &end), 1);
		assert_int_equal(end, fake_ms);
	}
	/* a tunnel that starts mid-pass gets its ring in that pass */
	fake_ms += 15000;
	assert_int_equal(samples_step(1), 0);
	fresh = web_model_build(1);
	while (samples_step(1) == 0)
		;
	assert_int_equal(samples_get(fresh, pts, SAMPLE_N, &end), 0);	/* no interval yet */
	fake_ms += 2000;
	assert_int_equal(samples_since(fresh, &pts[0]), 0);		/* but a ring */
	fake_ms -= 2000;
	samples_rate_sum(&sin, &sout);
	sum_by_tunnel(&in, &out);
	assert_int_equal(sin, in);
	assert_int_equal(sout, out);
}

/* 1000 tunnels: /metrics and the tunnel list come in many bounded steps. */
/* The label sets /metrics keeps per tunnel: one per live tunnel after a
 * scrape; those of tunnels that ended go during the next scrape's first
 * family, part by part (a part whose time is spent drops only what lies
 * between the tunnels it renders), and none is used for another tunnel. */
static void
test_metrics_labels_go(void **state)
{
	struct buf *b = buf_new(0);
	struct stream s;
	uint32_t idx[128];
	size_t n = 0, kept;
	int rc;

	(void)state;
	teardown(NULL);
	assert_int_equal(st_init(), 0);
	st_set_clock(clock_ms, clock_wall);
	web_model_build(100);
	metrics_stream(&s);
	drain(&s, b);
	kept = metrics_labels_kept();
	assert_int_equal(kept, st_child_active_count());
	for (const struct st_child *ch = st_child_next(0); ch && n < 128;
	    ch = st_child_next(ch->index))
		idx[n++] = ch->index;
	assert_true(n > 2 * STREAM_MIN_ROWS + 8);
	/* every other ends; the first part of the next scrape (its time
	 * spent: STREAM_MIN_ROWS rows) drops only those before the last
	 * tunnel it rendered */
	for (size_t i = 0; i < n; i += 2)
		st_child_end(idx[i], ST_TERM_NORMAL);
	buf_reset(b);
	metrics_stream(&s);
	s.until_us = 1;
	assert_int_equal(s.step(&s, b), 0);
	assert_true(metrics_labels_kept() < kept);
	assert_true(metrics_labels_kept() > st_child_active_count());
	do {
		rc = s.step(&s, b);
		assert_true(rc >= 0);
	} while (rc == 0);
	assert_int_equal(metrics_labels_kept(), st_child_active_count());
	text(b);
	for (size_t i = 0; i < n; i++) {
		char pat[32];

		snprintf(pat, sizeof(pat), "index=\"%u\"}", idx[i]);
		if (i % 2)
			assert_non_null(strstr((char *)b->data, pat));
		else
			assert_null(strstr((char *)b->data, pat));
	}
	buf_free(b);
}

static void
test_streams_are_incremental(void **state)
{
	struct buf *b = buf_new(0);
	struct stream s;
	int steps;
	json_t *j;

	(void)state;
	teardown(NULL);
	assert_int_equal(st_init(), 0);
	st_set_clock(clock_ms, clock_wall);
	web_model_build(1000);
	metrics_stream(&s);
	steps = 0;
	for (int rc = 0; rc == 0; steps++) {
		size_t before = b->len;

		rc = s.step(&s, b);
		assert_true(rc >= 0);
		/* no step renders more than STREAM_ROWS rows (~200 bytes each) */
		assert_true(b->len - before < STREAM_ROWS * 256 + 4096);
	}
	assert_true(steps > 9 * 1001 / STREAM_ROWS);
	buf_reset(b);
	api_list_stream(&s, API_TUNNELS, 0, 0);
	steps = drain(&s, b);
	assert_true(steps >= 1001 / STREAM_ROWS);
	j = parse(b);
	assert_int_equal(json_array_size(json_object_get(j, "tunnels")), 1001);
	json_decref(j);
	buf_free(b);
}

/* A stream opened by open(what, after, limit) (0 for /metrics), run in
 * full parts and in parts whose time is spent: the same document; the
 * steps of the second. */
static int
same_doc(int what, uint32_t limit)
{
	struct buf *b = buf_new(0), *whole = buf_new(0);
	struct stream s;
	int steps;

	for (int spent = 0; spent < 2; spent++) {
		if (what)
			api_list_stream(&s, (enum api_list)what, 0, limit);
		else
			metrics_stream(&s);
		steps = drain_as(&s, spent ? b : whole, spent);
	}
	assert_string_equal(text(b), text(whole));
	if (limit)
		assert_non_null(strstr(text(whole), "\"next_after\":"));
	buf_free(whole);
	buf_free(b);
	return steps;
}

/* A step whose time is spent stops after a few rows (the server's run
 * budget bounds each part, not only STREAM_ROWS), and the document is the
 * same as one rendered in full parts. */
static void
test_streams_end_with_their_time(void **state)
{
	(void)state;
	teardown(NULL);
	assert_int_equal(st_init(), 0);
	st_set_clock(clock_ms, clock_wall);
	web_model_build(1000);
	/* 9 families and the connections, STREAM_MIN_ROWS a step at most */
	assert_true(same_doc(0, 0) >= 9 * 1001 / STREAM_MIN_ROWS);
	assert_true(same_doc(API_TUNNELS, 0) >= 1001 / STREAM_MIN_ROWS);
	/* a page of the list ends at its limit, as without a time */
	same_doc(API_TUNNELS, 20);
}

/* The rows of any order or filter, made in steps (the server spreads
 * them over loop turns): the same rows in the same order as at once, in
 * many steps when each finds its time spent; and a tunnel freed between
 * two steps makes the job start again, so no row points at it. */
static void
test_rows_in_steps(void **state)
{
	static const char *const sorts[] = { "name", "state", "peer", "in", "out",
	    "rate", "uptime", "errors", "index" };
	static const char *const qs[] = { "", "peer1", "172.17.2." };
	const struct rows *r;
	struct rows_job *jb;
	struct row_query rq;
	struct rows whole;
	uint32_t gone;
	int rc, steps;

	(void)state;
	teardown(NULL);
	assert_int_equal(st_init(), 0);
	st_set_clock(clock_ms, clock_wall);
	web_model_build(1000);
	for (size_t k = 0; k < sizeof(sorts) / sizeof(sorts[0]); k++)
		for (int desc = 0; desc < 2; desc++)
			for (size_t f = 0; f < sizeof(qs) / sizeof(qs[0]); f++) {
				row_query_defaults(&rq);
				snprintf(rq.sort, sizeof(rq.sort), "%s", sorts[k]);
				snprintf(rq.q, sizeof(rq.q), "%s", qs[f]);
				rq.desc = desc;
				assert_int_equal(rows_build(&rq, &whole), 0);
				assert_non_null(jb = rows_job_new(&rq));
				for (steps = 0; (rc = rows_job_step(jb, 1)) == 0; steps++)
					;
				assert_int_equal(rc, 1);
				r = rows_job_rows(jb);
				assert_int_equal(r->n, whole.n);
				assert_int_equal(r->total, whole.total);
				assert_int_equal(r->up, whole.up);
				assert_int_equal(r->down, whole.down);
				for (uint32_t i = 0; i < r->n; i++) {
					/* (index order: the first page's rows alone) */
					if (r->v[i] == NULL || whole.v[i] == NULL) {
						assert_ptr_equal(r->v[i], whole.v[i]);
						continue;
					}
					assert_ptr_equal(r->v[i]->child, whole.v[i]->child);
					assert_ptr_equal(r->v[i]->conn, whole.v[i]->conn);
				}
				/* every tunnel's row: work spread over many steps */
				if (strcmp(sorts[k], "index") != 0 || qs[f][0])
					assert_true(steps > 100);
				else
					assert_int_equal(steps, 0);	/* its page, at once */
				if (qs[f][0] == '\0')
					assert_true(r->n > 1000);
				else
					assert_true(r->n > 0 && r->n < 1000);
				rows_job_free(jb);
				rows_release(&whole);
			}

	/* a tunnel ends halfway: the job starts again without it */
	row_query_defaults(&rq);
	snprintf(rq.sort, sizeof(rq.sort), "name");
	assert_non_null(jb = rows_job_new(&rq));
	for (steps = 0; steps < 50; steps++)
		assert_int_equal(rows_job_step(jb, 1), 0);
	gone = st_child_nth(500)->index;
	st_child_end(gone, ST_TERM_NORMAL);
	while ((rc = rows_job_step(jb, 1)) == 0)
		;
	assert_int_equal(rc, 1);
	r = rows_job_rows(jb);
	assert_int_equal(rows_build(&rq, &whole), 0);
	assert_int_equal(r->n, whole.n);
	for (uint32_t i = 0; i < r->n; i++) {
		assert_ptr_equal(r->v[i]->child, whole.v[i]->child);
		assert_true(r->v[i]->child == NULL || r->v[i]->child->index != gone);
	}
	rows_job_free(jb);
	rows_release(&whole);
}

/* The tunnels whose SAs a dashboard page reads alone (rows_page_children)
 * are exactly the tunnels of that page's rows, in either direction and on
 * any page, with the connections without a tunnel taking their places;
 * any other order or a filter has none (its rows may need every tunnel). */
static void
test_page_children(void **state)
{
	static const uint32_t pages[] = { 1, 2, 11, 28, 29, 1000 };
	static const struct st_child *kids[500];
	struct row_query rq;
	struct rows whole;
	int n, lone_seen = 0;

	(void)state;
	teardown(NULL);
	assert_int_equal(st_init(), 0);
	st_set_clock(clock_ms, clock_wall);
	web_model_build(1000);
	for (int desc = 0; desc < 2; desc++)
		for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
			uint32_t k = 0, first;

			row_query_defaults(&rq);
			rq.desc = desc;
			rq.page = pages[p];
			rq.per_page = 37;
			assert_int_equal(rows_build(&rq, &whole), 0);
			n = rows_page_children(&rq, kids, 500);
			first = (rq.page - 1) * rq.per_page;
			for (uint32_t i = first; i < whole.n && i - first < rq.per_page; i++) {
				if (whole.v[i]->child == NULL) {
					lone_seen++;
					continue;
				}
				assert_true(k < (uint32_t)n);
				assert_ptr_equal(kids[k], whole.v[i]->child);
				k++;
			}
			assert_int_equal(k, n);
			if (pages[p] == 1000)
				assert_int_equal(n, 0);
			rows_release(&whole);
		}
	assert_true(lone_seen > 0);	/* the model has connections without one */
	/* at most what the caller has room for */
	row_query_defaults(&rq);
	assert_int_equal(rows_page_children(&rq, kids, 5), 5);
	snprintf(rq.sort, sizeof(rq.sort), "name");
	assert_int_equal(rows_page_children(&rq, kids, 500), -1);
	row_query_defaults(&rq);
	snprintf(rq.q, sizeof(rq.q), "peer1");
	assert_int_equal(rows_page_children(&rq, kids, 500), -1);
}

/* The first page reads the clock once, not twice a row (a system call
 * each in a guest), and formats its durations without printf exactly as
 * printf did. */
static void
test_html_page_one_clock(void **state)
{
	struct buf *b = buf_new(0);
	struct row_query rq;
	char d[32];
	unsigned reads;

	(void)state;
	web_model_build(200);
	row_query_defaults(&rq);
	clock_reads = 0;
	assert_int_equal(html_dashboard(b, &rq, 0), 0);
	reads = clock_reads;
	assert_true(b->len > 0);
	assert_true(reads < 10);
	assert_string_equal(fmt_dur(0, d, sizeof(d)), "00:00:00");
	assert_string_equal(fmt_dur(3723, d, sizeof(d)), "01:02:03");
	assert_string_equal(fmt_dur(86400 * 12 + 59, d, sizeof(d)), "12d 00:00:59");
	assert_string_equal(fmt_dur(86400 + 3600 * 23, d, sizeof(d)), "1d 23:00:00");
	assert_string_equal(fmt_dur(3723, d, 4), "01:");
	assert_string_equal(fmt_bytes(999, d, sizeof(d)), "999 B");
	assert_string_equal(fmt_bytes(0, d, sizeof(d)), "0 B");
	assert_string_equal(fmt_bytes(1500, d, sizeof(d)), "1.5 kB");
	buf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_html_dashboard_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_filter_sort_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_lists_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_labels_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_one_moment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_index_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_index_page_filled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_page_one_clock, setup, teardown),
		cmocka_unit_test(test_prom_label_esc),
		cmocka_unit_test_setup_teardown(test_counters_across_rekey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples_in_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_labels_go, setup, teardown),
		cmocka_unit_test_setup_teardown(test_streams_are_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_streams_end_with_their_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rows_in_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_children, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
