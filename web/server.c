/* The HTTP server: libmicrohttpd with no thread of its own. Its epoll
 * descriptor sits in ikeflowd's loop and MHD_run() runs when it is readable
 * and when MHD's next timeout is due (a prepare hook), so every request is
 * answered on the loop, between keying and AgentX work, and reads the state
 * model without locks. Large bodies are streamed: MHD asks for the next part
 * only when the socket can take it, and each part is a bounded number of
 * rows. A run of MHD renders for at most RUN_BUDGET_US: a body that finds
 * the budget spent gives way (its connection is suspended and resumed on
 * the next turn), so 200 clients of big documents cost each turn a few ms,
 * not one part each. The server is read-only: GET and HEAD only. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "ctl/bundle.h"
#include "web/web.h"
#include "web/web_auth.h"
#include "web/web_int.h"
#include "web/web_server.h"

#ifndef CHARTJS_PATH
#define CHARTJS_PATH	"/usr/share/javascript/chart.js/chart.min.js"
#endif

/* How long one run of MHD may spend rendering bodies. */
#define RUN_BUDGET_US	4000

#define CSP	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
		"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

struct body;
struct rows_wait;

static struct {
	struct MHD_Daemon	*mhd;
	struct buf		*cert, *key;	/* PEM, while MHD runs (key: secret) */
	int			 epfd;
	int			 prepared;
	int			 wake;		/* a connection was resumed */
	uint64_t		 run_start_us;	/* when the current MHD run began */
	unsigned		 run_steps;	/* body parts it rendered so far */
	/* where the loop handler's time went (its note for the long turns:
	 * MHD's own work is what the requests and the parts leave) */
	struct {
		uint64_t	 start_us, req_us, step_us, top_us, rows_us;
		unsigned	 nreq, nstep;
		char		 top[24];	/* the longest request's path */
	}			 acct;
	struct body		*paused;	/* bodies that gave way, to resume */
	struct rows_wait	*jobs;		/* rows made over turns (rows_job) */
	int			 stopping;	/* no body gives way: MHD stops */
	struct ifl_subnet	 allow[16];
	char			 ctl_socket[CFG_PATH_MAX];	/* for the bundle */
	int			 nallow;
	uint16_t		 port;
	uint64_t		 refused_log_ms;	/* last refusal logged */
	uint32_t		 refused_quiet;		/* refusals not logged since */
} ws = { .epfd = -1 };

/* ---- access ---- */

static enum MHD_Result
on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct ifl_addr a;
	char s[ADDR_STRLEN];

	(void)cls;
	(void)len;
	if (addr_from_sockaddr(sa, &a, NULL) < 0)
		return MHD_NO;
	/* an IPv4 client of a dual-stack socket comes as ::ffff:a.b.c.d */
	if (a.family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a.u.v6)) {
		struct in_addr v4;

		memcpy(&v4, &a.u.v6.s6_addr[12], 4);
		a.family = AF_INET;
		memset(&a.u, 0, sizeof(a.u));
		a.u.v4 = v4;
	}
	for (int i = 0; i < ws.nallow; i++)
		if (addr_in_subnet(&a, &ws.allow[i]))
			return MHD_YES;
	/* one line a second at most: a scan must not flood the log */
	if (ws.refused_log_ms == 0 || loop_now_ms() >= ws.refused_log_ms + 1000) {
		log_info("web: refused a connection from %s (not in http_allow)%s",
		    addr_str(&a, s, sizeof(s)), ws.refused_quiet ? ", and others" : "");
		ws.refused_log_ms = loop_now_ms();
		ws.refused_quiet = 0;
	} else
		ws.refused_quiet++;
	return MHD_NO;
}

/* ---- responses ---- */

enum ctype { CT_HTML, CT_JSON, CT_TEXT, CT_METRICS, CT_JS, CT_CSS, CT_GZIP };

static const char *const ctypes[] = {
	[CT_HTML] = "text/html; charset=utf-8",
	[CT_JSON] = "application/json",
	[CT_TEXT] = "text/plain; charset=utf-8",
	[CT_METRICS] = "text/plain; version=0.0.4; charset=utf-8",
	[CT_JS] = "text/javascript; charset=utf-8",
	[CT_CSS] = "text/css; charset=utf-8",
	[CT_GZIP] = "application/gzip",
};

static void
headers(struct MHD_Response *r, enum ctype ct, int cacheable)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctypes[ct]);
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    cacheable ? "max-age=300" : "no-store");
}

static enum MHD_Result
queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, enum ctype ct,
    int cacheable)
{
	enum MHD_Result rc;

	if (r == NULL)
		return MHD_NO;
	headers(r, ct, cacheable);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
send_buf(struct MHD_Connection *c, unsigned status, struct buf *b, enum ctype ct)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(b->len, b->data, MHD_RESPMEM_MUST_COPY);
	buf_free(b);
	return queue(c, status, r, ct, 0);
}

static enum MHD_Result
send_error(struct MHD_Connection *c, unsigned status, const char *msg, int json)
{
	struct buf *b = buf_new(1024);

	if (b == NULL)
		return MHD_NO;
	if (json)
		bprintf(b, "{\"error\":\"%s\"}", msg);	/* msg is ours: no quotes */
	else
		html_error(b, (int)status, msg);
	return send_buf(c, status, b, json ? CT_JSON : CT_HTML);
}

static enum MHD_Result
send_static(struct MHD_Connection *c, const char *text, enum ctype ct)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
	    MHD_RESPMEM_PERSISTENT);
	return queue(c, MHD_HTTP_OK, r, ct, 1);
}

static enum MHD_Result
send_file(struct MHD_Connection *c, const char *path, enum ctype ct)
{
	struct MHD_Response *r;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		log_warnx("web: %s: %s (is libjs-chart.js installed?)", path,
		    fd < 0 ? strerror(errno) : "not a file");
		if (fd >= 0)
			close(fd);
		return send_error(c, MHD_HTTP_NOT_FOUND, "chart library not installed", 0);
	}
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (r == NULL)
		close(fd);
	return queue(c, MHD_HTTP_OK, r, ct, 1);
}

/* A streamed body: the pending part of one step, then the next step. */
struct body {
	struct stream	 s;
	struct buf	*b;
	size_t		 off;
	int		 done;
	struct MHD_Connection *conn;
	struct body	*next_paused;
	int		 paused;
};

/* Every MHD run goes through here: it starts the run's render budget. */
static void
mhd_run(void)
{
	ws.run_start_us = loop_now_us();
	ws.run_steps = 0;
	MHD_run(ws.mhd);
}

/* 1 when the current MHD run's render budget is spent. */
static int
run_spent(void)
{
	return !ws.stopping && loop_now_us() - ws.run_start_us >= RUN_BUDGET_US;
}

/* The run's budget is spent: the connection waits for the next turn. A
 * run renders one part at least, whatever the clock says (on a loaded
 * machine the run itself may have waited for a CPU longer than that). */
static int
body_give_way(struct body *bd)
{
	if (bd->conn == NULL || ws.stopping || ws.run_steps++ == 0 || !run_spent())
		return 0;
	MHD_suspend_connection(bd->conn);
	bd->paused = 1;
	bd->next_paused = ws.paused;
	ws.paused = bd;
	return 1;
}

/* Resumes the bodies that gave way; 1 if there were any. */
static int
bodies_resume(void)
{
	struct body *bd;
	int any = ws.paused != NULL;

	while ((bd = ws.paused) != NULL) {
		ws.paused = bd->next_paused;
		bd->next_paused = NULL;
		bd->paused = 0;
		MHD_resume_connection(bd->conn);
	}
	return any;
}

/* Renders the body's next part after what is pending; 1 at its end, -1 on
 * error. */
static int
body_part(struct body *bd)
{
	uint64_t t0;
	int rc;

	/* a part ends with the run's budget, not only at its rows */
	bd->s.until_us = ws.stopping ? 0 : ws.run_start_us + RUN_BUDGET_US;
	t0 = loop_now_us();
	rc = bd->s.step(&bd->s, bd->b);
	ws.acct.step_us += loop_now_us() - t0;
	ws.acct.nstep++;
	if (rc < 0 || bd->b->failed) {
		log_warnx("web: a response could not be completed (out of memory)");
		return -1;
	}
	if (rc == 1)
		bd->done = 1;
	return 0;
}

static ssize_t
body_read(void *cls, uint64_t pos, char *dst, size_t max)
{
	struct body *bd = cls;
	size_t n;

	(void)pos;
	while (bd->off >= bd->b->len) {
		if (bd->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (body_give_way(bd))
			return 0;	/* called again once resumed */
		buf_reset(bd->b);
		bd->off = 0;
		if (body_part(bd) < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		/* more parts while MHD's block has room and the run's budget
		 * lasts: one send a turn carries up to a block, not one part
		 * (a part is a few kB; the turns, not the rows, were what a
		 * document of 10,000 tunnels cost in a slow guest) */
		while (!bd->done && bd->b->len < max && !run_spent())
			if (body_part(bd) < 0)
				return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = bd->b->len - bd->off;
	if (n > max)
		n = max;
	memcpy(dst, bd->b->data + bd->off, n);
	bd->off += n;
	return (ssize_t)n;
}

static void
body_free(void *cls)
{
	struct body *bd = cls;
	struct body **pp;

	/* (MHD frees no suspended connection's response; to be sure) */
	for (pp = &ws.paused; *pp; pp = &(*pp)->next_paused)
		if (*pp == bd) {
			*pp = bd->next_paused;
			break;
		}
	if (bd->s.release)
		bd->s.release(&bd->s);
	buf_free(bd->b);
	free(bd);
}

static enum MHD_Result
send_stream(struct MHD_Connection *c, struct body *bd, enum ctype ct)
{
	struct MHD_Response *r;

	bd->conn = c;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, body_read, bd,
	    body_free);
	if (r == NULL) {
		body_free(bd);
		return MHD_NO;
	}
	return queue(c, MHD_HTTP_OK, r, ct, 0);
}

static struct body *
body_new(void)
{
	struct body *bd = calloc(1, sizeof(*bd));

	if (bd && (bd->b = buf_new(64 * 1024)) == NULL) {
		free(bd);
		bd = NULL;
	}
	return bd;
}

/* ---- basic authentication (http_auth_file) ---- */

static int
authorized(struct MHD_Connection *c)
{
	char *user, *pass = NULL;
	int ok;

	user = MHD_basic_auth_get_username_password(c, &pass);
	ok = auth_check(user, pass);
	if (!ok && user) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		struct ifl_addr a;
		char s[ADDR_STRLEN] = "?";

		if (ci && addr_from_sockaddr(ci->client_addr, &a, NULL) == 0)
			addr_str(&a, s, sizeof(s));
		log_notice("web: %s: wrong password for user \"%.*s\"", s, 64, user);
	}
	if (pass) {
		wipe(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result
send_unauthorized(struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	static const char msg[] = "authentication required\n";

	r = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)(uintptr_t)msg,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	headers(r, CT_TEXT, 0);
	rc = MHD_queue_basic_auth_fail_response(c, "ikeflow", r);
	MHD_destroy_response(r);
	return rc;
}

/* ---- the diagnostic bundle ---- */

/* The client's address as text; 1 when it is a loopback address. */
static int
client_addr(struct MHD_Connection *c, char *s, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct ifl_addr a;

	snprintf(s, len, "?");
	if (ci == NULL || addr_from_sockaddr(ci->client_addr, &a, NULL) < 0)
		return 0;
	addr_str(&a, s, len);
	if (a.family == AF_INET)
		return (ntohl(a.u.v4.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&a.u.v6) || (IN6_IS_ADDR_V4MAPPED(&a.u.v6) &&
	    a.u.v6.s6_addr[12] == 127);
}

/* The bundle holds the configuration (masked) and every tunnel's
 * details: it goes to a local client, or to anyone once http_auth_file
 * makes them authenticate (on_request checked them). */
static int
bundle_allowed(struct MHD_Connection *c)
{
	char s[ADDR_STRLEN];

	return auth_enabled() || client_addr(c, s, sizeof(s));
}

static enum MHD_Result
send_bundle(struct MHD_Connection *c, int head)
{
	struct MHD_Response *r;
	char client[ADDR_STRLEN], name[128], disp[200];
	const char *why;
	unsigned status;

	if (!bundle_allowed(c)) {
		client_addr(c, client, sizeof(client));
		log_notice("web: %s: tech-support bundle refused (not a local client, "
		    "and no http_auth_file)", client);
		return send_error(c, MHD_HTTP_FORBIDDEN, "The diagnostic bundle is served "
		    "to local clients only, unless http_auth_file is set.", 0);
	}
	client_addr(c, client, sizeof(client));
	if (head)	/* the headers alone: no bundle made for them */
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	else if ((r = web_bundle_response(c, ws.ctl_socket, client, &status, &why)) == NULL) {
		struct MHD_Response *e;
		struct buf *b = buf_new(1024);

		if (b == NULL)
			return MHD_NO;
		html_error(b, (int)status, why);
		e = MHD_create_response_from_buffer(b->len, b->data, MHD_RESPMEM_MUST_COPY);
		buf_free(b);
		if (e && status == MHD_HTTP_SERVICE_UNAVAILABLE)
			MHD_add_response_header(e, MHD_HTTP_HEADER_RETRY_AFTER, "30");
		return queue(c, status, e, CT_HTML, 0);
	}
	if (r == NULL)
		return MHD_NO;
	snprintf(disp, sizeof(disp), "attachment; filename=%s.tar.gz",
	    bundle_name(name, sizeof(name)));
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
	return queue(c, MHD_HTTP_OK, r, CT_GZIP, 0);
}

/* ---- requests ---- */

static const char *
arg(struct MHD_Connection *c, const char *key)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

static uint32_t
arg_u32(struct MHD_Connection *c, const char *key, uint32_t def, uint32_t min, uint32_t max)
{
	const char *v = arg(c, key);
	char *end;
	unsigned long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || v[0] == '-')
		return def;
	return n < min ? min : n > max ? max : (uint32_t)n;
}

static void
row_query_from(struct MHD_Connection *c, struct row_query *rq)
{
	static const char *const sorts[] = { "index", "name", "state", "peer", "in", "out",
	    "rate", "uptime", "errors" };
	const char *v;

	row_query_defaults(rq);
	if ((v = arg(c, "q")) != NULL)
		snprintf(rq->q, sizeof(rq->q), "%s", v);
	if ((v = arg(c, "sort")) != NULL)
		for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
			if (strcmp(v, sorts[i]) == 0)
				snprintf(rq->sort, sizeof(rq->sort), "%s", sorts[i]);
	rq->desc = arg_u32(c, "desc", 0, 0, 1);
	rq->page = arg_u32(c, "page", 1, 1, UINT32_MAX / 500);
	rq->per_page = arg_u32(c, "per_page", 100, 1, 500);
}

/* "/api/v1/tunnels/12" with prefix "/api/v1/tunnels/": 12 and the rest */
static int
path_index(const char *url, const char *prefix, uint32_t *idx, const char **rest)
{
	size_t n = strlen(prefix);
	char *end;
	unsigned long v;

	if (strncmp(url, prefix, n) != 0 || url[n] < '0' || url[n] > '9')
		return -1;
	errno = 0;
	v = strtoul(url + n, &end, 10);
	if (errno || v == 0 || v > UINT32_MAX)
		return -1;
	*idx = (uint32_t)v;
	*rest = end;
	return 0;
}

static enum MHD_Result
doc(struct MHD_Connection *c, int rc, struct buf *b, enum ctype ct, const char *what)
{
	if (rc == 1) {
		buf_free(b);
		return send_error(c, MHD_HTTP_NOT_FOUND, what, ct == CT_JSON);
	}
	if (rc < 0 || b->failed) {
		buf_free(b);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory",
		    ct == CT_JSON);
	}
	return send_buf(c, MHD_HTTP_OK, b, ct);
}

/* The dashboard and the connections list in any order but the index's,
 * or filtered, make a row of every tunnel and sort them: work for each of
 * 10,000 tunnels. Their rows are made in steps (rows_job): what the run's
 * budget leaves at once, the rest in the next turns (jobs_step, before the
 * wait) while the connection waits suspended; once they are ready it is
 * resumed, MHD calls again, and the page is rendered from them. */
enum rows_doc { RD_DASHBOARD, RD_CONNECTIONS };

struct rows_wait {
	struct rows_job		*job;
	struct MHD_Connection	*conn;
	struct rows_wait	*next;
	int			 rc;	/* the last step's: 1 ready, -1 failed */
};

static void
rows_wait_unlink(struct rows_wait *w)
{
	for (struct rows_wait **pp = &ws.jobs; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	w->next = NULL;
}

static void
rows_wait_free(struct rows_wait *w)
{
	rows_wait_unlink(w);
	rows_job_free(w->job);
	free(w);
}

static enum MHD_Result
rows_answer(struct MHD_Connection *c, void **con_cls, enum rows_doc what)
{
	struct rows_wait *w = *con_cls != &ws ? *con_cls : NULL;
	int json = what == RD_CONNECTIONS, rc;
	struct row_query rq;
	struct buf *b;

	if (w == NULL) {
		row_query_from(c, &rq);
		if ((w = calloc(1, sizeof(*w))) == NULL ||
		    (w->job = rows_job_new(&rq)) == NULL) {
			free(w);
			return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory",
			    json);
		}
		w->conn = c;
		if ((w->rc = rows_job_step(w->job, ws.run_start_us + RUN_BUDGET_US)) == 0) {
			w->next = ws.jobs;
			ws.jobs = w;
			*con_cls = w;
			MHD_suspend_connection(c);
			return MHD_YES;
		}
	}
	*con_cls = &ws;
	if (w->rc < 0 || (b = buf_new(json ? 4096 : 64 * 1024)) == NULL) {
		rows_wait_free(w);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", json);
	}
	if (json)
		rc = api_connections_rows(b, rows_job_query(w->job), rows_job_rows(w->job));
	else
		rc = html_dashboard_rows(b, rows_job_query(w->job), rows_job_rows(w->job),
		    bundle_allowed(c));
	rows_wait_free(w);
	return doc(c, rc, b, json ? CT_JSON : CT_HTML, "");
}

/* The rows under way go on, within one run's budget between them; those
 * ready (or failed) resume their connection. 1 while some remain. */
static int
jobs_step(uint64_t until_us)
{
	struct rows_wait **pp = &ws.jobs, *w;
	uint64_t t0 = loop_now_us();

	while ((w = *pp) != NULL) {
		if ((w->rc = rows_job_step(w->job, until_us)) == 0) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->next = NULL;
		MHD_resume_connection(w->conn);
		ws.wake = 1;
	}
	ws.acct.rows_us += loop_now_us() - t0;
	return ws.jobs != NULL;
}

/* A connection that ends while its rows were made (or before it was
 * answered from them) leaves them here. */
static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	if (*con_cls != NULL && *con_cls != &ws)
		rows_wait_free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result
api(struct MHD_Connection *c, const char *p, void **con_cls)
{
	struct buf *b;
	struct body *bd;
	uint32_t idx;
	const char *rest;
	enum api_list list = 0;

	if (strcmp(p, "tunnels") == 0)
		list = API_TUNNELS;
	else if (strcmp(p, "ike-sas") == 0)
		list = API_IKE_SAS;
	else if (strcmp(p, "history") == 0)
		list = API_HISTORY;
	else if (strcmp(p, "failures") == 0)
		list = API_FAILURES;
	if (list) {
		if ((bd = body_new()) == NULL)
			return MHD_NO;
		api_list_stream(&bd->s, list, arg_u32(c, "after", 0, 0, UINT32_MAX),
		    arg_u32(c, "limit", 0, 0, UINT32_MAX));
		return send_stream(c, bd, CT_JSON);
	}
	if ((b = buf_new(4096)) == NULL)
		return MHD_NO;
	if (strcmp(p, "summary") == 0)
		return doc(c, api_summary(b), b, CT_JSON, "");
	if (strcmp(p, "counters") == 0)
		return doc(c, api_counters(b), b, CT_JSON, "");
	if (strcmp(p, "connections") == 0) {
		buf_free(b);
		return rows_answer(c, con_cls, RD_CONNECTIONS);
	}
	if (path_index(p, "tunnels/", &idx, &rest) == 0) {
		if (*rest == '\0')
			return doc(c, api_tunnel(b, idx), b, CT_JSON, "no such tunnel");
		if (strcmp(rest, "/samples") == 0)
			return doc(c, api_tunnel_samples(b, idx), b, CT_JSON, "no such tunnel");
	}
	buf_free(b);
	return send_error(c, MHD_HTTP_NOT_FOUND, "no such endpoint", 1);
}

/* A request that shows a few tunnels (a tunnel's page or document, the
 * dashboard's page in index order, a page of the tunnels' list) reads
 * those tunnels' SAs from the kernel alone: exact counters of now in a few
 * milliseconds, where a fold of 20,000 SAs would keep it waiting for a
 * good part of a second. 1 when its counters are fresh; 0: it waits for a
 * fold as the others do. */
static int
fresh_for_page(struct MHD_Connection *c, const char *url)
{
	static const struct st_child *kids[500];
	struct row_query rq;
	const char *rest;
	uint32_t idx;
	int n;

	if ((path_index(url, "/tunnel/", &idx, &rest) == 0 ||
	    path_index(url, "/api/v1/tunnels/", &idx, &rest) == 0) &&
	    (*rest == '\0' || strcmp(rest, "/samples") == 0)) {
		/* an ended tunnel's page shows its history record: no SA */
		kids[0] = st_child_find(idx);
		n = kids[0] != NULL;
	} else if (strcmp(url, "/") == 0) {
		row_query_from(c, &rq);
		if ((n = rows_page_children(&rq, kids, sizeof(kids) / sizeof(kids[0]))) < 0)
			return 0;
	} else if (strcmp(url, "/api/v1/tunnels") == 0) {
		/* a page of the list (?after=&limit=), as the list takes it */
		uint32_t limit = arg_u32(c, "limit", 0, 0, UINT32_MAX);
		const struct st_child *ch = st_child_next(arg_u32(c, "after", 0, 0, UINT32_MAX));

		if (limit == 0 || limit > sizeof(kids) / sizeof(kids[0]))
			return 0;
		for (n = 0; ch != NULL && (uint32_t)n < limit; ch = st_child_next(ch->index))
			kids[n++] = ch;
	} else
		return 0;
	return st_counters_fresh_for(kids, (size_t)n, ST_COUNTERS_VIEW_MS) == 0;
}

/* The fold a request waited for ended (st_counters_wait). */
static void
fold_ready(void *arg)
{
	MHD_resume_connection(arg);
	ws.wake = 1;
}

static enum MHD_Result
route(struct MHD_Connection *c, const char *url, const char *method, void **con_cls)
{
	struct MHD_Response *r;
	struct buf *b;
	struct body *bd;
	uint32_t idx;
	const char *rest;

	if (auth_enabled() && !authorized(c))
		return send_unauthorized(c);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		b = buf_new(256);
		if (b == NULL)
			return MHD_NO;
		bputs(b, "read-only: GET and HEAD only\n");
		r = MHD_create_response_from_buffer(b->len, b->data, MHD_RESPMEM_MUST_COPY);
		buf_free(b);
		if (r == NULL)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, r, CT_TEXT, 0);
	}
	if (strcmp(url, "/static/app.js") == 0)
		return send_static(c, web_app_js, CT_JS);
	if (strcmp(url, "/static/style.css") == 0)
		return send_static(c, web_style_css, CT_CSS);
	if (strcmp(url, "/static/chart.min.js") == 0)
		return send_file(c, CHARTJS_PATH, CT_JS);
	if (strcmp(url, "/tech-support.tar.gz") == 0)
		return send_bundle(c, strcmp(method, MHD_HTTP_METHOD_HEAD) == 0);

	/* Every dynamic response from the kernel's counters of now. When they
	 * are older, the request waits (suspended) for a fold in steps: a fold
	 * of 20,000 SAs at once would hold the loop for a good part of a
	 * second. MHD calls again once it is resumed; then it is answered. */
	if (*con_cls == NULL) {
		*con_cls = &ws;		/* asked once */
		if (!fresh_for_page(c, url) &&
		    st_counters_wait(ST_COUNTERS_VIEW_MS, fold_ready, c) == 1) {
			MHD_suspend_connection(c);
			return MHD_YES;
		}
	}
	if (strncmp(url, "/api/v1/", 8) == 0)
		return api(c, url + 8, con_cls);
	if (strcmp(url, "/metrics") == 0) {
		if ((bd = body_new()) == NULL)
			return MHD_NO;
		metrics_stream(&bd->s);
		return send_stream(c, bd, CT_METRICS);
	}
	if (strcmp(url, "/") == 0)
		return rows_answer(c, con_cls, RD_DASHBOARD);
	if (path_index(url, "/tunnel/", &idx, &rest) == 0 && *rest == '\0') {
		if ((b = buf_new(16 * 1024)) == NULL)
			return MHD_NO;
		return doc(c, html_tunnel(b, idx), b, CT_HTML,
		    "No such tunnel: it may have ended.");
	}
	return send_error(c, MHD_HTTP_NOT_FOUND, "No such page.", 0);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	uint64_t t0 = loop_now_us(), us;
	enum MHD_Result rc;

	(void)cls;
	(void)version;
	(void)upload;
	(void)upload_size;
	rc = route(c, url, method, con_cls);
	us = loop_now_us() - t0;
	ws.acct.req_us += us;
	ws.acct.nreq++;
	if (us >= ws.acct.top_us) {
		ws.acct.top_us = us;
		snprintf(ws.acct.top, sizeof(ws.acct.top), "%s", url);
	}
	return rc;
}

/* ---- the loop ---- */

static void
acct_start(void)
{
	memset(&ws.acct, 0, sizeof(ws.acct));
	ws.acct.start_us = loop_now_us();
}

/* "12.3" of microseconds: ms with one decimal */
static const char *
ms(uint64_t us, char *dst, size_t len)
{
	snprintf(dst, len, "%llu.%llu", (unsigned long long)(us / 1000),
	    (unsigned long long)(us / 100 % 10));
	return dst;
}
/* The handler's account, for the loop's long turns (show processes cpu):
 * the requests answered (the longest's path), the streamed parts, and
 * what is left of the handler's time: MHD's own (accept, read, send). */
static void
acct_note(void)
{
	uint64_t all = loop_now_us() - ws.acct.start_us;
	uint64_t own = ws.acct.req_us + ws.acct.step_us + ws.acct.rows_us;
	char req[128] = "", step[64] = "", rows[48] = "", a[24], b[24];

	if (ws.acct.nreq)
		snprintf(req, sizeof(req), "%u req %s ms (%s %s), ", ws.acct.nreq,
		    ms(ws.acct.req_us, a, sizeof(a)), ws.acct.top,
		    ms(ws.acct.top_us, b, sizeof(b)));
	if (ws.acct.nstep)
		snprintf(step, sizeof(step), "%u parts %s ms, ", ws.acct.nstep,
		    ms(ws.acct.step_us, a, sizeof(a)));
	if (ws.acct.rows_us)
		snprintf(rows, sizeof(rows), "rows %s ms, ", ms(ws.acct.rows_us, a, sizeof(a)));
	loop_note("%s%s%sMHD %s ms", req, step, rows,
	    ms(all > own ? all - own : 0, a, sizeof(a)));
}void
web_server_wake(void)
{
	ws.wake = 1;
}

static void
on_epoll(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	if (ws.mhd) {
		acct_start();
		mhd_run();
		acct_note();
	}
}

static int
prepare_run(void)
{
	MHD_UNSIGNED_LONG_LONG to = 0;
	int jobs = jobs_step(loop_now_us() + RUN_BUDGET_US);

	/* resumed connections are only taken back by a run */
	if (ws.wake) {
		ws.wake = 0;
		mhd_run();
	}
	/* timeouts of idle connections, and work MHD left for the next run */
	if (ws.paused == NULL) {
		/* (no timeout: no connection but suspended ones; rows under
		 * way still go on in the next turn) */
		if (MHD_get_timeout(ws.mhd, &to) != MHD_YES)
			return jobs ? 0 : -1;
		if (to == 0) {
			mhd_run();
			if (MHD_get_timeout(ws.mhd, &to) != MHD_YES)
				return jobs ? 0 : -1;
		}
	}
	/* bodies that gave way (in any run: no event will wake them) go on
	 * in the next turn, after whatever else is ready: no wait */
	if (bodies_resume()) {
		ws.wake = 1;
		return 0;
	}
	if (jobs)
		return 0;	/* rows under way: the next turn goes on */
	return to > INT_MAX ? INT_MAX : (int)to;
}

static int
on_prepare(void *arg)
{
	int rc;

	(void)arg;
	if (ws.mhd == NULL)
		return -1;
	acct_start();
	rc = prepare_run();
	acct_note();
	return rc;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_info("web: %s", msg);
}

static int
listen_addr(const char *listen, struct sockaddr_storage *ss, int *v6)
{
	char host[64];
	const char *colon;
	struct ifl_addr a;
	unsigned long port;
	socklen_t sl;
	size_t n;

	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');

		if (rb == NULL || rb[1] != ':')
			return -1;
		n = (size_t)(rb - listen - 1);
		memcpy(host, listen + 1, n < sizeof(host) ? n : 0);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			return -1;
		n = (size_t)(colon - listen);
		memcpy(host, listen, n < sizeof(host) ? n : 0);
	}
	if (n == 0 || n >= sizeof(host))
		return -1;
	host[n] = '\0';
	port = strtoul(colon + 1, NULL, 10);
	if (port > 65535)
		return -1;
	memset(&a, 0, sizeof(a));
	if (strcmp(host, "*") == 0)
		a.family = AF_INET;
	else if (addr_parse(host, &a) < 0)
		return -1;
	*v6 = a.family == AF_INET6;
	return addr_to_sockaddr(&a, (uint16_t)port, ss, &sl) < 0 ? -1 : 0;
}

/* The whole of a PEM file, NUL-terminated, into a new buffer. */
static struct buf *
read_pem(const char *path, int secret)
{
	struct buf *b = secret ? buf_new_secret(4096) : buf_new(4096);
	char chunk[4096];
	size_t n;
	FILE *f;

	if (b == NULL)
		return NULL;
	if ((f = fopen(path, "re")) == NULL) {
		log_warnx("web: %s: %s", path, strerror(errno));
		buf_free(b);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len < 1024 * 1024)
		buf_put(b, chunk, n);
	wipe(chunk, sizeof(chunk));
	if (ferror(f) || b->len == 0 || buf_put_u8(b, 0) < 0 || b->failed) {
		log_warnx("web: %s: cannot read it (or it is empty)", path);
		fclose(f);
		buf_free(b);
		return NULL;
	}
	fclose(f);
	return b;
}

static void
tls_free(void)
{
	buf_free(ws.cert);	/* buf_free wipes the key's (secret) buffer */
	buf_free(ws.key);
	ws.cert = ws.key = NULL;
}

/* http_cert and http_key: both or neither. -1 (logged) when unusable. */
static int
tls_load(const struct cfg_daemon *d, unsigned *flags)
{
	if (!d->http_cert[0] && !d->http_key[0])
		return 0;
	if (!d->http_cert[0] || !d->http_key[0]) {
		log_warnx("web: http_cert and http_key go together; HTTPS needs both");
		return -1;
	}
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		log_warnx("web: this libmicrohttpd has no TLS support");
		return -1;
	}
	if ((ws.cert = read_pem(d->http_cert, 0)) == NULL ||
	    (ws.key = read_pem(d->http_key, 1)) == NULL) {
		tls_free();
		return -1;
	}
	*flags |= MHD_USE_TLS;
	return 0;
}

int
web_server_start(const struct cfg_daemon *d, const struct web_limits *lim)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	/* suspend/resume: a bundle's connection waits for its child */
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	int v6;

	if (ws.mhd)
		return 0;
	if (listen_addr(d->http_listen, &ss, &v6) < 0) {
		log_warnx("web: http_listen = %s: not an address:port", d->http_listen);
		return -1;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	if (auth_load(d->http_auth_file) < 0) {
		log_warnx("web: http_auth_file %s is unusable: the web server stays off",
		    d->http_auth_file);
		return -1;
	}
	if (tls_load(d, &flags) < 0) {
		log_warnx("web: HTTPS is configured but unusable: the web server stays off");
		auth_clear();
		return -1;
	}
	memcpy(ws.allow, d->http_allow, sizeof(ws.allow));
	ws.nallow = d->nhttp_allow;
	snprintf(ws.ctl_socket, sizeof(ws.ctl_socket), "%s", d->control_socket);
	ws.mhd = MHD_start_daemon(flags, 0, on_accept, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)lim->max_conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)lim->max_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)lim->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)256,
	    /* with TLS: the PEM texts (options after a NULL one are ignored) */
	    ws.cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    ws.cert ? (const char *)ws.cert->data : NULL,
	    MHD_OPTION_HTTPS_MEM_KEY, ws.key ? (const char *)ws.key->data : NULL,
	    MHD_OPTION_END);
	if (ws.mhd == NULL) {
		log_warnx("web: cannot listen on %s (address in use, not ours, or a bad "
		    "certificate or key)", d->http_listen);
		tls_free();
		auth_clear();
		return -1;
	}
	info = MHD_get_daemon_info(ws.mhd, MHD_DAEMON_INFO_EPOLL_FD);
	ws.epfd = info ? info->epoll_fd : -1;
	if (ws.epfd < 0 || loop_fd_add(ws.epfd, EPOLLIN, on_epoll, NULL) < 0) {
		log_warnx("web: cannot add the HTTP server to the event loop");
		MHD_stop_daemon(ws.mhd);
		ws.mhd = NULL;
		return -1;
	}
	loop_fd_name(ws.epfd, "HTTP");
	if (!ws.prepared && loop_prepare_add(on_prepare, NULL) == 0) {
		loop_prepare_name(on_prepare, "HTTP");
		ws.prepared = 1;
	}
	info = MHD_get_daemon_info(ws.mhd, MHD_DAEMON_INFO_BIND_PORT);
	ws.port = info ? info->port : 0;
	log_info("web: dashboard on %s://%s/", ws.cert ? "https" : "http", d->http_listen);
	return 0;
}

void
web_server_stop(void)
{
	if (ws.mhd == NULL)
		return;
	/* no connection may stay suspended when MHD stops: the bundles'
	 * are resumed, then run to their (cut) end */
	web_bundle_stop_all();
	st_counters_release(fold_ready);
	ws.stopping = 1;
	jobs_step(0);		/* rows under way: made at once */
	bodies_resume();
	mhd_run();
	ws.stopping = 0;
	loop_fd_del(ws.epfd);
	MHD_stop_daemon(ws.mhd);
	ws.mhd = NULL;
	ws.epfd = -1;
	ws.port = 0;
	auth_clear();
	tls_free();
}

int
web_server_access(const struct cfg_daemon *d)
{
	memcpy(ws.allow, d->http_allow, sizeof(ws.allow));
	ws.nallow = d->nhttp_allow;
	if (auth_load(d->http_auth_file) < 0) {
		/* fail closed: no user is accepted until the file is fixed */
		log_warnx("web: http_auth_file %s is unusable: the web server is stopped",
		    d->http_auth_file);
		web_server_stop();
		return -1;
	}
	return 0;
}

int
web_running(void)
{
	return ws.mhd != NULL;
}

uint16_t
web_port(void)
{
	return ws.port;
}
