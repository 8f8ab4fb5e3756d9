/* The web front end's parts: the renderers (JSON, Prometheus text, HTML), the
 * throughput samples it keeps per tunnel, and the pieces they share. The
 * renderers write into a struct buf and never touch a socket, so unit tests
 * run them directly against a state model. */
#ifndef IKEFLOW_WEB_INT_H
#define IKEFLOW_WEB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "state/state.h"

/* ---- throughput samples (web/samples.c) ----
 * One ring per live tunnel: the in/out byte rate over each SAMPLE_SECS
 * interval for the last hour. A ring is 16 bytes of last totals plus
 * SAMPLE_N * 8 bytes of rates: 1960 bytes per tunnel with its pointer. */
#define SAMPLE_SECS	15
#define SAMPLE_N	240		/* 1 hour */

struct sample_pt {
	uint32_t	in_bps, out_bps;	/* bytes per second */
};

/* Takes one sample of every live tunnel and drops the rings of ended ones. */
void	samples_take(void);
/* The same pass in steps: goes on until loop_now_us() reaches until_us
 * (0: no limit); 1 when the pass is whole, 0 when the next call goes on
 * where this one stopped (the rates stay exact: each ring's interval is
 * its own). The sum of the rates is whole at every step. */
int	samples_step(uint64_t until_us);
void	samples_clear(void);
/* Oldest first into pts (up to max); returns how many; *end_mono is the
 * time of the newest (ms, st_now_ms clock). */
int	samples_get(uint32_t child, struct sample_pt *pts, int max, uint64_t *end_mono);
/* The rate over the last complete interval, 0 when not known yet. */
int	samples_rate(uint32_t child, struct sample_pt *now);
/* The rate from the newest sample to now (at least a second later), for
 * the chart's last point; -1 when there is none. */
int	samples_since(uint32_t child, struct sample_pt *now);
size_t	samples_bytes_per_tunnel(void);
/* The sum of samples_rate() over the tunnels of the last sample (the
 * summary's throughput without a look at every tunnel). */
void	samples_rate_sum(uint64_t *in_bps, uint64_t *out_bps);

/* ---- shared text helpers (web/text.c) ---- */
/* HTML text and attribute escaping: & < > " ' */
/* Copies s with each character rep() maps replaced by what it returns. */
int	web_escape(struct buf *, const char *, const char *(*rep)(char));
int	html_esc(struct buf *b, const char *s);
int	bprintf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	bputs(struct buf *b, const char *s);
/* v in decimal (what bprintf's %PRIu64 gives, without the printf) */
int	bput_u64(struct buf *b, uint64_t v);
/* "1d 02:03:04", "02:03", "-" for 0 */
const char *fmt_dur(uint64_t secs, char *dst, size_t len);
/* "1.2 MB", "512 B" */
const char *fmt_bytes(uint64_t n, char *dst, size_t len);
/* Peer ID text of a child's IKE SA, "" if unknown */
const char *child_peer_id(const struct st_child *ch);
/* "10.1.0.0/16, 10.2.0.0/16" */
const char *ts_list(const struct st_ts *ts, int n, char *dst, size_t len);
/* Seconds to the next rekey of a child (by time), 0 when due or unknown. */
uint64_t child_rekey_in(const struct st_child *ch);
uint64_t child_uptime(const struct st_child *ch);
/* The same at now (st_now_ms()): a part of a long list reads the clock
 * once, not once a tunnel (a system call each in a UML guest). */
uint64_t child_rekey_in_at(const struct st_child *ch, uint64_t now);
uint64_t child_uptime_at(const struct st_child *ch, uint64_t now);

/* ---- the dashboard's rows: every configured connection and every tunnel ---- */
enum row_state { ROW_UP = 1, ROW_CONNECTING, ROW_DOWN, ROW_FAILED };

struct row {
	const struct st_conn	*conn;		/* NULL for a tunnel of no configured conn */
	const struct st_child	*child;		/* NULL: a connection with no tunnel */
	const struct st_ike	*ike;
	enum row_state		 state;
	char			 reason[160];	/* why it is down, "" if up or unknown */
	struct st_child_counters tot;
	struct sample_pt	 rate;
};

struct row_query {
	char		q[128];		/* text filter, substring of name / peer / ID */
	char		sort[16];	/* name, state, peer, in, out, uptime, index */
	int		desc;
	uint32_t	page;		/* from 1 */
	uint32_t	per_page;	/* 1..500 */
};

struct rows {
	struct row	*all;		/* every row, in no order */
	struct row	**v;		/* those matching the filter, sorted */
	uint32_t	 n;		/* rows matching the filter */
	uint32_t	 total;		/* before filtering */
	uint32_t	 up, down, connecting;
};

void	row_query_defaults(struct row_query *rq);
/* Builds, filters and sorts, at once; 0 / -1 (out of memory). Free with
 * rows_release. */
int	rows_build(const struct row_query *rq, struct rows *out);
/* The same in steps, for the server to spread over loop turns: index order
 * with no filter is made at once (its page alone); any other order or a
 * filter makes every row. step returns 1 when the rows are ready, 0 when
 * until_us (loop_now_us; 0: none) came first, -1 when out of memory. */
struct rows_job;
struct rows_job *rows_job_new(const struct row_query *rq);
int	rows_job_step(struct rows_job *jb, uint64_t until_us);
const struct rows *rows_job_rows(const struct rows_job *jb);
const struct row_query *rows_job_query(const struct rows_job *jb);
void	rows_job_free(struct rows_job *jb);
void	rows_release(struct rows *r);
/* The tunnels on the page of an index-ordered query with no filter (the
 * rows whose counters it shows), up to max; -1 for any other query, whose
 * order or filter may look at every tunnel. */
int	rows_page_children(const struct row_query *rq, const struct st_child **kids,
	    size_t max);
const char *row_state_name(enum row_state s);

/* ---- renderers ---- */
/* A streamed body: step() appends the next part to out and returns 1 when
 * it wrote the last part, 0 when more follows, -1 on error. A step renders a
 * bounded number of rows so one response never holds the loop for long. */
#define STREAM_ROWS	200

struct stream {
	int		(*step)(struct stream *s, struct buf *out);
	void		(*release)(struct stream *s);
	int		phase;
	uint32_t	after;		/* the next row's index is greater than this */
	uint32_t	limit, count;	/* paging: rows to give (0 = all), rows given */
	void		*ctx;
	uint64_t	until_us;	/* loop_now_us() the step ends by; 0: none */
};
/* 1 when until_us (loop_now_us; 0: no end) has passed. */
int	time_spent(uint64_t until_us);
/* 1 when a step that rendered n rows so far is to end now: its time
 * (until_us) is spent. It looks at the clock every few rows, and a step
 * renders STREAM_MIN_ROWS at least: in a slow guest, parts of a few rows
 * made /metrics of 10,000 tunnels take twice as many loop turns (1.14x
 * the floor against 0.3-0.6x), and 32 rows cost well under the run's
 * budget where the CPU is the daemon's. */
#define STREAM_MIN_ROWS	32
int	stream_spent(const struct stream *s, int n);

/* JSON (web/api.c). Whole documents: */
int	api_summary(struct buf *out);
int	api_counters(struct buf *out);
int	api_tunnel(struct buf *out, uint32_t index);		/* 1: no such tunnel */
int	api_tunnel_samples(struct buf *out, uint32_t index);	/* 1: no such tunnel */
int	api_connections(struct buf *out, const struct row_query *rq);
/* The same from rows already built (rows_build or a rows_job). */
int	api_connections_rows(struct buf *out, const struct row_query *rq,
	    const struct rows *rs);
/* Streamed lists: tunnels, IKE SAs, history, failures. */
enum api_list { API_TUNNELS = 1, API_IKE_SAS, API_HISTORY, API_FAILURES };
void	api_list_stream(struct stream *s, enum api_list what, uint32_t after, uint32_t limit);

/* Prometheus text exposition format 0.0.4 (web/metrics.c), streamed. */
void	metrics_stream(struct stream *s);
/* Each tunnel's label set is rendered once and kept (about 150 bytes a
 * tunnel) until the tunnel ends; this frees them all. */
void	metrics_clear(void);
/* The tunnels whose label sets /metrics keeps (for the tests). */
size_t	metrics_labels_kept(void);
/* Label value escaping: \ " and newline. */
int	prom_label_esc(struct buf *b, const char *s);

/* HTML (web/html.c) */
/* bundle: link to /tech-support.tar.gz (the client may have it) */
int	html_dashboard(struct buf *out, const struct row_query *rq, int bundle);
int	html_dashboard_rows(struct buf *out, const struct row_query *rq,
	    const struct rows *rs, int bundle);
int	html_tunnel(struct buf *out, uint32_t index);		/* 1: no such tunnel */
int	html_error(struct buf *out, int status, const char *msg);

/* Static assets (web/assets.c) */
extern const char web_app_js[];
extern const char web_style_css[];

#endif
