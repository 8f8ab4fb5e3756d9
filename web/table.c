/* The dashboard's rows: every tunnel, and every configured connection that
 * has none (with the reason it is down: its newest failure or the end of
 * its last tunnel, whichever came last). The JSON "connections" list and the
 * HTML table are both made from these, so they always agree. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "state/names.h"
#include "web/web_int.h"

void
row_query_defaults(struct row_query *rq)
{
	memset(rq, 0, sizeof(*rq));
	strcpy(rq->sort, "index");
	rq->page = 1;
	rq->per_page = 100;
}

const char *
row_state_name(enum row_state s)
{
	switch (s) {
	case ROW_UP: return "up";
	case ROW_CONNECTING: return "connecting";
	case ROW_DOWN: return "down";
	case ROW_FAILED: return "failed";
	}
	return "?";
}

/* Why a connection with no tunnel is down: its newest failure record or the
 * end of its newest tunnel, whichever is later. */
static enum row_state
conn_reason(const struct st_conn *c, char *dst, size_t len)
{
	const struct st_ike_failrec *fi, *best_i = NULL;
	const struct st_ipsec_failrec *fp, *best_p = NULL;
	const struct st_child_hist *h, *best_h = NULL;
	uint64_t t_i = 0, t_p = 0, t_h = 0;

	for (fi = st_ike_fail_next(0); fi; fi = st_ike_fail_next(fi->index))
		if (strcmp(fi->conn, c->name) == 0 && fi->when_mono >= t_i) {
			best_i = fi;
			t_i = fi->when_mono;
		}
	for (fp = st_ipsec_fail_next(0); fp; fp = st_ipsec_fail_next(fp->index))
		if (strcmp(fp->conn, c->name) == 0 && fp->when_mono >= t_p) {
			best_p = fp;
			t_p = fp->when_mono;
		}
	for (h = st_child_hist_next(0); h; h = st_child_hist_next(h->index))
		if (strcmp(h->child.conn, c->name) == 0 &&
		    h->child.start_mono + h->active_ms >= t_h) {
			best_h = h;
			t_h = h->child.start_mono + h->active_ms;
		}
	dst[0] = '\0';
	if (best_i && t_i >= t_p && t_i >= t_h) {
		snprintf(dst, len, "%s%s%s", st_ike_fail_name(best_i->reason),
		    best_i->detail[0] ? ": " : "", best_i->detail);
		return ROW_FAILED;
	}
	if (best_p && t_p >= t_h) {
		snprintf(dst, len, "%s%s%s", st_ipsec_fail_name(best_p->reason),
		    best_p->detail[0] ? ": " : "", best_p->detail);
		return ROW_FAILED;
	}
	if (best_h)
		snprintf(dst, len, "ended: %s", st_term_name(best_h->reason));
	return ROW_DOWN;
}

static const char *
row_name(const struct row *r)
{
	return r->child ? r->child->conn : r->conn->name;
}

static const struct ifl_addr *
row_peer(const struct row *r)
{
	return r->child ? &r->child->remote : &r->conn->remote;
}

static uint32_t
row_index(const struct row *r)
{
	return r->child ? r->child->index : 0;
}

static int
row_match(const struct row *r, const char *q)
{
	char peer[64];

	if (q[0] == '\0')
		return 1;
	if (strcasestr(row_name(r), q) || strcasestr(row_state_name(r->state), q) ||
	    strcasestr(addr_str(row_peer(r), peer, sizeof(peer)), q))
		return 1;
	if (r->ike && strcasestr(r->ike->remote_id, q))
		return 1;
	return strcasestr(r->reason, q) != NULL;
}

enum sort_key { K_INDEX, K_NAME, K_STATE, K_PEER, K_IN, K_OUT, K_RATE, K_UPTIME,
    K_ERRORS };

static enum sort_key sort_key;
static int sort_desc;
/* The clock for an uptime order, read once a job (job_begin): in a guest
 * each read is a system call, and a comparison would read it twice; one
 * moment also keeps the order the same across the merge's steps. */
static uint64_t sort_now;

static enum sort_key
sort_key_of(const char *k)
{
	static const char *names[] = { "index", "name", "state", "peer", "in", "out",
	    "rate", "uptime", "errors" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(k, names[i]) == 0)
			return (enum sort_key)i;
	return K_INDEX;
}

static int
u64cmp(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* (pointers are sorted: a row is a few hundred bytes to move; the key is
 * read once, not compared as a string in each of n log n comparisons) */
static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
	int c = 0;

	switch (sort_key) {
	case K_INDEX:
		break;
	case K_NAME:
		c = strcmp(row_name(x), row_name(y));
		break;
	case K_STATE:
		c = (int)x->state - (int)y->state;
		break;
	case K_PEER:
		c = addr_cmp(row_peer(x), row_peer(y));
		break;
	case K_IN:
		c = u64cmp(x->tot.in.octets, y->tot.in.octets);
		break;
	case K_OUT:
		c = u64cmp(x->tot.out.octets, y->tot.out.octets);
		break;
	case K_RATE:
		c = u64cmp((uint64_t)x->rate.in_bps + x->rate.out_bps,
		    (uint64_t)y->rate.in_bps + y->rate.out_bps);
		break;
	case K_UPTIME:
		c = u64cmp(x->child ? child_uptime_at(x->child, sort_now) : 0,
		    y->child ? child_uptime_at(y->child, sort_now) : 0);
		break;
	case K_ERRORS:
		c = u64cmp(x->tot.in.auth_fails + x->tot.in.replay_drops,
		    y->tot.in.auth_fails + y->tot.in.replay_drops);
		break;
	}
	if (c == 0)	/* stable: by tunnel index, then name */
		c = u64cmp(row_index(x), row_index(y));
	if (c == 0)
		c = strcmp(row_name(x), row_name(y));
	return sort_desc ? -c : c;
}

/* What a row shows beyond its place in the order: rows_build fills the
 * page's rows only when the order does not depend on it. */
static void
row_fill(struct row *r)
{
	if (r->child != NULL) {
		r->conn = st_conn_find(r->child->conn);
		r->ike = st_ike_find(r->child->ike_index);
		st_child_totals(r->child, &r->tot);
		samples_rate(r->child->index, &r->rate);
	} else if (r->state != ROW_CONNECTING)
		r->state = conn_reason(r->conn, r->reason, sizeof(r->reason));
}

static int
name_cmp(const void *a, const void *b)
{
	const struct st_conn *x = *(const struct st_conn *const *)a;
	const struct st_conn *y = *(const struct st_conn *const *)b;

	return strcmp(x->name, y->name);
}

/* Appends p to a growing array of pointers; -1 when out of memory. */
static int
ptr_push(const void ***v, uint32_t *n, uint32_t *cap, const void *p)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 256;
		const void **nv = realloc(*v, c * sizeof(*nv));

		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = p;
	return 0;
}

/* The part of index order a page shows (lone connections first, by name,
 * then the tunnels by position): positions first to end - 1 of the order
 * shown, position pos being row window_asc() counted from the lowest.
 * rows_build_window and rows_page_children both go through it, so a page
 * read fetches the SAs of exactly the tunnels the page then shows. */
struct window {
	uint32_t	first, end, n;
	int		desc;
};

static void
window_of(const struct row_query *rq, uint32_t n, struct window *w)
{
	w->n = n;
	w->desc = rq->desc;
	w->first = (rq->page - 1) * rq->per_page;
	w->end = w->first >= n ? w->first :
	    n - w->first < rq->per_page ? n : w->first + rq->per_page;
}

static uint32_t
window_asc(const struct window *w, uint32_t pos)
{
	return w->desc ? w->n - 1 - pos : pos;
}

/* Index order and no filter: the order is known from the indexes and the
 * names alone (the connections without a tunnel by name, then the tunnels
 * by index; desc reverses it), so rows are made for the page only, and no
 * tunnel or connection is looked at but the page's and the ones without a
 * tunnel: the state model keeps those apart and gives the k-th tunnel by
 * position. out->v has
 * every position; only the page's are set. */
static int
rows_build_window(const struct row_query *rq, struct rows *out)
{
	const struct st_conn *c;
	const void **lone = NULL;
	uint32_t nkids = st_child_count(), nlone = 0, capl = 0, k = 0;
	struct window w;
	int rc = -1;

	for (c = st_conn_lone_next(0); c; c = st_conn_lone_next(c->index))
		if (ptr_push(&lone, &nlone, &capl, c) < 0)
			goto out;
	if (nlone > 1)
		qsort(lone, nlone, sizeof(*lone), name_cmp);
	out->n = out->total = nlone + nkids;
	out->up = nkids;
	window_of(rq, out->n, &w);
	if ((out->v = calloc(out->n ? out->n : 1, sizeof(*out->v))) == NULL ||
	    (out->all = calloc(nlone + rq->per_page, sizeof(*out->all))) == NULL)
		goto out;
	for (uint32_t i = 0; i < nlone; i++) {
		struct row *r = &out->all[k];

		r->conn = lone[i];
		r->ike = r->conn->ike_index ? st_ike_find(r->conn->ike_index) : NULL;
		r->state = r->ike ? ROW_CONNECTING : ROW_DOWN;
		if (r->ike)
			out->connecting++;
		else
			out->down++;
		/* the connections' rows always exist: they are few, and counted */
		out->v[rq->desc ? out->n - 1 - i : i] = r;
		k++;
	}
	for (uint32_t pos = w.first; pos < w.end; pos++) {
		uint32_t asc = window_asc(&w, pos);
		struct row *r;

		if (asc < nlone) {
			row_fill(out->v[pos]);
			continue;
		}
		r = &out->all[k++];
		r->child = st_child_nth(asc - nlone);
		r->state = ROW_UP;
		row_fill(r);
		out->v[pos] = r;
	}
	rc = 0;
out:
	free(lone);
	if (rc < 0)
		rows_release(out);
	return rc;
}

int
rows_page_children(const struct row_query *rq, const struct st_child **kids, size_t max)
{
	uint32_t nlone = 0;
	struct window w;
	size_t k = 0;

	if (rq->q[0] != '\0' || sort_key_of(rq->sort) != K_INDEX)
		return -1;
	for (const struct st_conn *c = st_conn_lone_next(0); c; c = st_conn_lone_next(c->index))
		nlone++;
	window_of(rq, nlone + st_child_count(), &w);
	for (uint32_t pos = w.first; pos < w.end && k < max; pos++) {
		uint32_t asc = window_asc(&w, pos);
		const struct st_child *ch;

		if (asc >= nlone && (ch = st_child_nth(asc - nlone)) != NULL)
			kids[k++] = ch;
	}
	return (int)k;
}

/* ---- any other order or a filter: in steps ----
 * Every row is made (counters, rate, IKE SA, why a connection is down),
 * filtered and sorted: work for each of 10,000 tunnels, done one unit (a
 * row, a match, an element merged) at a time so that the server can
 * spread it over loop turns. The sort is a merge sort from the bottom up:
 * runs of RUN rows in place, then passes that merge pairs of runs into
 * the other array, one element a unit. The rows point into the state
 * model: when a tunnel, IKE SA or connection is freed meanwhile, the job
 * starts again (after a few such times, it ends at once). */
#define RUN		16	/* rows sorted in place before the merges */
#define SPENT_EVERY	32	/* units between looks at the clock */

enum { J_CHILDREN, J_CONNS, J_MATCH, J_RUNS, J_MERGE, J_DONE };

struct rows_job {
	struct row_query rq;
	struct rows	 rs;
	struct row	**tmp;		/* the merges' other array */
	uint32_t	 cap, nchild, nall;
	uint32_t	 after, pos;	/* the walk's last index; the phase's position */
	uint32_t	 width, lo, i, j, k;	/* the merge pass */
	uint64_t	 gone;		/* st_rows_gone() when the rows were begun */
	uint64_t	 now;		/* st_now_ms() then: uptimes' moment */
	unsigned	 restarts;
	int		 phase;
};

static void
job_clear(struct rows_job *jb)
{
	rows_release(&jb->rs);
	free(jb->tmp);
	jb->tmp = NULL;
}

/* (Re)starts the job from the state model as it is now. 0 / -1. */
static int
job_begin(struct rows_job *jb)
{
	const struct st_conn *c;

	job_clear(jb);
	jb->cap = st_child_count() + 1;
	for (c = st_conn_next(0); c; c = st_conn_next(c->index))
		jb->cap++;
	jb->nchild = jb->nall = jb->after = jb->pos = 0;
	jb->gone = st_rows_gone();
	jb->now = st_now_ms();
	jb->phase = J_CHILDREN;
	if ((jb->rs.all = calloc(jb->cap, sizeof(*jb->rs.all))) == NULL ||
	    (jb->rs.v = calloc(jb->cap, sizeof(*jb->rs.v))) == NULL ||
	    (jb->tmp = calloc(jb->cap, sizeof(*jb->tmp))) == NULL) {
		job_clear(jb);
		return -1;
	}
	return 0;
}

static void
merge_pass_start(struct rows_job *jb)
{
	jb->lo = jb->i = jb->k = 0;
	jb->j = jb->width < jb->rs.n ? jb->width : jb->rs.n;
}

/* One unit of the job's work. */
static void
job_unit(struct rows_job *jb)
{
	struct rows *rs = &jb->rs;

	switch (jb->phase) {
	case J_CHILDREN: {
		const struct st_child *ch = st_child_next(jb->after);
		struct row *r;

		if (ch == NULL || jb->nall == jb->cap) {
			jb->nchild = jb->nall;
			jb->phase = J_CONNS;
			jb->after = 0;
			break;
		}
		jb->after = ch->index;
		r = &rs->all[jb->nall++];
		r->child = ch;
		r->state = ROW_UP;
		rs->up++;
		row_fill(r);
		break;
	}
	case J_CONNS: {
		const struct st_conn *c = st_conn_next(jb->after);
		struct row *r;

		if (c == NULL) {
			rs->total = jb->nall;
			jb->phase = J_MATCH;
			break;
		}
		jb->after = c->index;
		if (st_conn_tunnels(c) > 0 || jb->nall == jb->cap)
			break;
		r = &rs->all[jb->nall++];
		r->conn = c;
		r->ike = c->ike_index ? st_ike_find(c->ike_index) : NULL;
		if (r->ike) {
			r->state = ROW_CONNECTING;
			rs->connecting++;
		} else {
			r->state = ROW_DOWN;	/* or failed: row_fill says */
			rs->down++;
		}
		row_fill(r);
		break;
	}
	case J_MATCH: {
		/* the connections without a tunnel first, then the tunnels */
		uint32_t nconn = jb->nall - jb->nchild, at;

		if (jb->pos == jb->nall) {
			jb->phase = J_RUNS;
			jb->pos = 0;
			break;
		}
		at = jb->pos < nconn ? jb->nchild + jb->pos : jb->pos - nconn;
		if (row_match(&rs->all[at], jb->rq.q))
			rs->v[rs->n++] = &rs->all[at];
		jb->pos++;
		break;
	}
	case J_RUNS: {
		uint32_t end = jb->pos + RUN < rs->n ? jb->pos + RUN : rs->n;

		for (uint32_t a = jb->pos + 1; a < end; a++) {
			struct row *x = rs->v[a];
			uint32_t b = a;

			for (; b > jb->pos && row_cmp(&rs->v[b - 1], &x) > 0; b--)
				rs->v[b] = rs->v[b - 1];
			rs->v[b] = x;
		}
		jb->pos = end;
		if (jb->pos >= rs->n) {
			jb->phase = J_MERGE;
			jb->width = RUN;
			merge_pass_start(jb);
		}
		break;
	}
	case J_MERGE: {
		uint32_t n = rs->n, mid, hi;
		struct row **src = rs->v, **dst = jb->tmp;

		if (jb->width >= n) {
			jb->phase = J_DONE;
			break;
		}
		mid = jb->lo + jb->width < n ? jb->lo + jb->width : n;
		hi = mid + jb->width < n ? mid + jb->width : n;
		/* (the left run first among equals: stable) */
		if (jb->i < mid && (jb->j >= hi || row_cmp(&src[jb->i], &src[jb->j]) <= 0))
			dst[jb->k++] = src[jb->i++];
		else
			dst[jb->k++] = src[jb->j++];
		if (jb->k == hi) {
			jb->lo = jb->i = hi;
			jb->j = hi + jb->width < n ? hi + jb->width : n;
		}
		if (jb->lo >= n) {
			rs->v = dst;
			jb->tmp = src;
			jb->width *= 2;
			merge_pass_start(jb);
		}
		break;
	}
	}
}

struct rows_job *
rows_job_new(const struct row_query *rq)
{
	struct rows_job *jb = calloc(1, sizeof(*jb));

	if (jb == NULL)
		return NULL;
	jb->rq = *rq;
	/* index order, no filter: the page's rows alone, at once */
	if (rq->q[0] == '\0' && sort_key_of(rq->sort) == K_INDEX) {
		sort_key = K_INDEX;
		sort_desc = rq->desc;
		if (rows_build_window(rq, &jb->rs) < 0) {
			free(jb);
			return NULL;
		}
		jb->phase = J_DONE;
		return jb;
	}
	if (job_begin(jb) < 0) {
		free(jb);
		return NULL;
	}
	return jb;
}

int
rows_job_step(struct rows_job *jb, uint64_t until_us)
{
	uint32_t units = 0;

	if (jb->phase == J_DONE)
		return 1;
	if (jb->gone != st_rows_gone()) {
		if (job_begin(jb) < 0)
			return -1;
		/* rows that keep going: the next start runs to its end */
		if (++jb->restarts > 2)
			until_us = 0;
	}
	sort_key = sort_key_of(jb->rq.sort);
	sort_desc = jb->rq.desc;
	sort_now = jb->now;
	while (jb->phase != J_DONE) {
		if (++units % SPENT_EVERY == 0 && time_spent(until_us))
			return 0;
		job_unit(jb);
	}
	return 1;
}

const struct rows *
rows_job_rows(const struct rows_job *jb)
{
	return &jb->rs;
}

const struct row_query *
rows_job_query(const struct rows_job *jb)
{
	return &jb->rq;
}

void
rows_job_free(struct rows_job *jb)
{
	if (jb == NULL)
		return;
	job_clear(jb);
	free(jb);
}

int
rows_build(const struct row_query *rq, struct rows *out)
{
	struct rows_job *jb = rows_job_new(rq);

	memset(out, 0, sizeof(*out));
	if (jb == NULL)
		return -1;
	if (rows_job_step(jb, 0) < 0) {
		rows_job_free(jb);
		return -1;
	}
	*out = jb->rs;
	memset(&jb->rs, 0, sizeof(jb->rs));
	rows_job_free(jb);
	return 0;
}

void
rows_release(struct rows *r)
{
	free(r->all);
	free(r->v);
	memset(r, 0, sizeof(*r));
}
