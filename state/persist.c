/* Persistence of the history and failure tables and of the index counters, so
 * that a restart neither forgets ended tunnels nor reuses an index a poller
 * has already seen.
 *
 * File STATE_DIR/ikeflowd.state, format version 2; integers big-endian:
 *
 *   "IKFLSTAT"	8 bytes magic
 *   u32	version (2; version 1 files, without live tunnels, are read too)
 *   u32	body length L
 *   body	L bytes, below
 *   sha256	32 bytes over everything before it (magic .. end of body)
 *
 * body:
 *   u32 x 6	next index: IKE SA, child, IKE history, child history,
 *		IKE failure, IPsec failure
 *   u32 n, n x IKE history record	(oldest first, indexes increasing)
 *   u32 n, n x child history record
 *   u32 n, n x IKE failure record
 *   u32 n, n x IPsec failure record
 *   u32 n, n x live tunnel (a child record)	(version 2)
 *
 * Live tunnels are saved only when another daemon keys them
 * (st_set_keyed_by, monitor mode): they outlive ikeflowd in the kernel, and
 * the next run continues their rows (same index, counters going on) when it
 * finds their SAs again. ikeflowd's own tunnels end with it.
 *
 * Field encodings: str = u16 length + bytes (no NUL, shorter than the field);
 * addr = u8 family (0, AF_INET, AF_INET6) + 16 bytes; time = u64 seconds;
 * algs = u16 encr, encr_keylen, prf, integ, dh + u8 esn; counters are u64.
 * The record layouts are the put_* functions below, field by field in the
 * order of their structs in state/state.h. Any change to them bumps the
 * version; a file of another version is set aside like a corrupt one.
 *
 * Writes go to a temporary file that is fsynced and renamed over the old one,
 * so a crash leaves either the old or the new file, never a torn one. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/buf.h"
#include "common/log.h"
#include "state/state_int.h"

#define PST_MAGIC	"IKFLSTAT"
#define PST_MAGIC_LEN	8
#define PST_VERSION	2
#define PST_VERSION_MIN	1
#define PST_HDR_LEN	(PST_MAGIC_LEN + 8)
#define PST_SUM_LEN	32
#define PST_MAX_FILE	(256u << 20)

/* ---- encoding ---- */

static void
put_str(struct buf *b, const char *s, size_t field)
{
	size_t len = strnlen(s, field - 1);

	buf_put_u16(b, (uint16_t)len);
	buf_put(b, s, len);
}

static void
put_addr(struct buf *b, const struct ifl_addr *a)
{
	buf_put_u8(b, a->family);
	buf_put(b, a->u.raw, sizeof(a->u.raw));
}

static void
put_algs(struct buf *b, const struct st_algs *a)
{
	buf_put_u16(b, a->encr);
	buf_put_u16(b, a->encr_keylen);
	buf_put_u16(b, a->prf);
	buf_put_u16(b, a->integ);
	buf_put_u16(b, a->dh);
	buf_put_u8(b, a->esn);
}

static void
put_i32(struct buf *b, int v)
{
	buf_put_u32(b, (uint32_t)v);
}

static void
put_ike(struct buf *b, const struct st_ike *ike)
{
	const uint64_t *c = (const uint64_t *)&ike->c;

	buf_put_u32(b, ike->index);
	put_str(b, ike->conn, sizeof(ike->conn));
	put_i32(b, ike->version);
	put_i32(b, ike->initiator);
	put_i32(b, (int)ike->state);
	put_addr(b, &ike->local);
	put_addr(b, &ike->remote);
	buf_put_u16(b, ike->local_port);
	buf_put_u16(b, ike->remote_port);
	put_i32(b, (int)ike->local_id_type);
	put_i32(b, (int)ike->remote_id_type);
	put_str(b, ike->local_id, sizeof(ike->local_id));
	put_str(b, ike->remote_id, sizeof(ike->remote_id));
	buf_put_u64(b, ike->spi_i);
	buf_put_u64(b, ike->spi_r);
	put_algs(b, &ike->algs);
	put_i32(b, ike->auth_method);
	put_i32(b, ike->nat_local);
	put_i32(b, ike->nat_remote);
	buf_put_u32(b, ike->lifetime);
	buf_put_u32(b, ike->rekey_after);
	buf_put_u64(b, (uint64_t)ike->start_wall);
	buf_put_u64(b, ike->start_mono);
	buf_put_u32(b, ike->refreshes);
	buf_put_u32(b, ike->total_sas);
	buf_put_u32(b, ike->peer_index);
	for (size_t i = 0; i < sizeof(ike->c) / sizeof(*c); i++)
		buf_put_u64(b, c[i]);
}

static void
put_dir(struct buf *b, const struct st_dir_counters *d)
{
	buf_put_u64(b, d->octets);
	buf_put_u64(b, d->packets);
	buf_put_u64(b, d->replay_drops);
	buf_put_u64(b, d->auth_fails);
}

static void
put_ts(struct buf *b, const struct st_ts *ts)
{
	put_addr(b, &ts->net.addr);
	buf_put_u8(b, ts->net.plen);
	buf_put_u8(b, ts->proto);
	buf_put_u16(b, ts->port);
}

static void
put_child(struct buf *b, const struct st_child *ch)
{
	buf_put_u32(b, ch->index);
	buf_put_u32(b, ch->ike_index);
	put_str(b, ch->conn, sizeof(ch->conn));
	put_addr(b, &ch->local);
	put_addr(b, &ch->remote);
	put_i32(b, ch->transport);
	put_i32(b, ch->encap);
	buf_put_u32(b, ch->reqid);
	put_algs(b, &ch->algs);
	buf_put_u32(b, ch->life_kb);
	buf_put_u32(b, ch->life_sec);
	buf_put_u32(b, ch->rekey_kb);
	buf_put_u32(b, ch->rekey_sec);
	buf_put_u64(b, (uint64_t)ch->start_wall);
	buf_put_u64(b, ch->start_mono);
	buf_put_u64(b, ch->sa_mono);
	buf_put_u32(b, ch->refreshes);
	buf_put_u32(b, ch->expired_sas);
	put_i32(b, ch->nts_local);
	put_i32(b, ch->nts_remote);
	for (int i = 0; i < ch->nts_local; i++)
		put_ts(b, &ch->ts_local[i]);
	for (int i = 0; i < ch->nts_remote; i++)
		put_ts(b, &ch->ts_remote[i]);
	put_i32(b, ch->nsa);
	for (int i = 0; i < ch->nsa; i++) {
		const struct st_sa *sa = &ch->sa[i];

		buf_put_u32(b, sa->spi);
		buf_put_u8(b, sa->proto);
		put_i32(b, (int)sa->dir);
		put_i32(b, sa->expiring);
		buf_put_u64(b, sa->installed_mono);
		put_dir(b, &sa->c);
	}
	put_dir(b, &ch->retired.in);
	put_dir(b, &ch->retired.out);
}

static void
put_ike_fail(struct buf *b, const struct st_ike_failrec *f)
{
	buf_put_u32(b, f->index);
	put_i32(b, (int)f->reason);
	buf_put_u64(b, (uint64_t)f->when);
	buf_put_u64(b, f->when_mono);
	put_str(b, f->conn, sizeof(f->conn));
	put_i32(b, (int)f->local_id_type);
	put_i32(b, (int)f->remote_id_type);
	put_str(b, f->local_id, sizeof(f->local_id));
	put_str(b, f->remote_id, sizeof(f->remote_id));
	put_addr(b, &f->local);
	put_addr(b, &f->remote);
	put_str(b, f->detail, sizeof(f->detail));
}

static void
put_ipsec_fail(struct buf *b, const struct st_ipsec_failrec *f)
{
	buf_put_u32(b, f->index);
	put_i32(b, (int)f->reason);
	buf_put_u64(b, (uint64_t)f->when);
	buf_put_u64(b, f->when_mono);
	buf_put_u32(b, f->tunnel_index);
	buf_put_u32(b, f->spi);
	put_addr(b, &f->src);
	put_addr(b, &f->dst);
	put_str(b, f->conn, sizeof(f->conn));
	put_str(b, f->detail, sizeof(f->detail));
}

/* ---- decoding: each get_* returns 0, or -1 with *why set ---- */

struct pst_in {
	struct buf	*b;
	const char	*why;
};

static int
bad(struct pst_in *in, const char *why)
{
	if (in->why == NULL)
		in->why = in->b->failed ? "truncated" : why;
	return -1;
}

static uint32_t
get_u32(struct pst_in *in)
{
	uint32_t v = 0;

	buf_get_u32(in->b, &v);
	return v;
}

static uint64_t
get_u64(struct pst_in *in)
{
	uint64_t v = 0;

	buf_get_u64(in->b, &v);
	return v;
}

static uint16_t
get_u16(struct pst_in *in)
{
	uint16_t v = 0;

	buf_get_u16(in->b, &v);
	return v;
}

static uint8_t
get_u8(struct pst_in *in)
{
	uint8_t v = 0;

	buf_get_u8(in->b, &v);
	return v;
}

/* A small non-negative int (counts, flags, enum values) within [lo, hi]. */
static int
get_int(struct pst_in *in, int lo, int hi, const char *what)
{
	uint32_t v = get_u32(in);

	if (in->b->failed || (int32_t)v < lo || (int32_t)v > hi) {
		bad(in, what);
		return lo;
	}
	return (int32_t)v;
}

static void
get_str(struct pst_in *in, char *dst, size_t field)
{
	uint16_t len = get_u16(in);
	const uint8_t *p;

	dst[0] = '\0';
	if (len >= field) {
		bad(in, "string longer than its field");
		return;
	}
	if ((p = buf_get(in->b, len)) == NULL) {
		bad(in, "truncated");
		return;
	}
	if (memchr(p, '\0', len) != NULL) {
		bad(in, "NUL inside a string");
		return;
	}
	memcpy(dst, p, len);
	dst[len] = '\0';
}

static void
get_addr(struct pst_in *in, struct ifl_addr *a)
{
	const uint8_t *p;

	a->family = get_u8(in);
	if ((p = buf_get(in->b, sizeof(a->u.raw))) == NULL) {
		bad(in, "truncated");
		return;
	}
	memcpy(a->u.raw, p, sizeof(a->u.raw));
	if (a->family != 0 && a->family != AF_INET && a->family != AF_INET6)
		bad(in, "bad address family");
}

static void
get_algs(struct pst_in *in, struct st_algs *a)
{
	a->encr = get_u16(in);
	a->encr_keylen = get_u16(in);
	a->prf = get_u16(in);
	a->integ = get_u16(in);
	a->dh = get_u16(in);
	a->esn = get_u8(in);
}

static void
get_ike(struct pst_in *in, struct st_ike *ike)
{
	uint64_t *c = (uint64_t *)&ike->c;

	ike->index = get_u32(in);
	get_str(in, ike->conn, sizeof(ike->conn));
	ike->version = get_int(in, 1, 2, "bad IKE version");
	ike->initiator = get_int(in, 0, 1, "bad initiator flag");
	ike->state = get_int(in, ST_IKE_CONNECTING, ST_IKE_DELETING, "bad IKE state");
	get_addr(in, &ike->local);
	get_addr(in, &ike->remote);
	ike->local_port = get_u16(in);
	ike->remote_port = get_u16(in);
	ike->local_id_type = get_int(in, 0, ST_ID_NAME, "bad ID type");
	ike->remote_id_type = get_int(in, 0, ST_ID_NAME, "bad ID type");
	get_str(in, ike->local_id, sizeof(ike->local_id));
	get_str(in, ike->remote_id, sizeof(ike->remote_id));
	ike->spi_i = get_u64(in);
	ike->spi_r = get_u64(in);
	get_algs(in, &ike->algs);
	ike->auth_method = get_int(in, 0, 255, "bad auth method");
	ike->nat_local = get_int(in, 0, 1, "bad NAT flag");
	ike->nat_remote = get_int(in, 0, 1, "bad NAT flag");
	ike->lifetime = get_u32(in);
	ike->rekey_after = get_u32(in);
	ike->start_wall = (time_t)get_u64(in);
	ike->start_mono = get_u64(in);
	ike->refreshes = get_u32(in);
	ike->total_sas = get_u32(in);
	ike->peer_index = get_u32(in);
	for (size_t i = 0; i < sizeof(ike->c) / sizeof(*c); i++)
		c[i] = get_u64(in);
}

static void
get_dir(struct pst_in *in, struct st_dir_counters *d)
{
	d->octets = get_u64(in);
	d->packets = get_u64(in);
	d->replay_drops = get_u64(in);
	d->auth_fails = get_u64(in);
}

static void
get_ts(struct pst_in *in, struct st_ts *ts)
{
	get_addr(in, &ts->net.addr);
	ts->net.plen = get_u8(in);
	ts->proto = get_u8(in);
	ts->port = get_u16(in);
	if (ts->net.plen > (ts->net.addr.family == AF_INET ? 32 : 128))
		bad(in, "bad prefix length");
}

static void
get_child(struct pst_in *in, struct st_child *ch)
{
	ch->index = get_u32(in);
	ch->ike_index = get_u32(in);
	get_str(in, ch->conn, sizeof(ch->conn));
	get_addr(in, &ch->local);
	get_addr(in, &ch->remote);
	ch->transport = get_int(in, 0, 1, "bad mode");
	ch->encap = get_int(in, 0, 1, "bad encapsulation flag");
	ch->reqid = get_u32(in);
	get_algs(in, &ch->algs);
	ch->life_kb = get_u32(in);
	ch->life_sec = get_u32(in);
	ch->rekey_kb = get_u32(in);
	ch->rekey_sec = get_u32(in);
	ch->start_wall = (time_t)get_u64(in);
	ch->start_mono = get_u64(in);
	ch->sa_mono = get_u64(in);
	ch->refreshes = get_u32(in);
	ch->expired_sas = get_u32(in);
	ch->nts_local = get_int(in, 0, ST_MAX_TS, "too many traffic selectors");
	ch->nts_remote = get_int(in, 0, ST_MAX_TS, "too many traffic selectors");
	for (int i = 0; i < ch->nts_local && !in->why; i++)
		get_ts(in, &ch->ts_local[i]);
	for (int i = 0; i < ch->nts_remote && !in->why; i++)
		get_ts(in, &ch->ts_remote[i]);
	ch->nsa = get_int(in, 0, 2 * ST_MAX_SAS, "too many SAs");
	for (int i = 0; i < ch->nsa && !in->why; i++) {
		struct st_sa *sa = &ch->sa[i];

		sa->spi = get_u32(in);
		sa->proto = get_u8(in);
		sa->dir = get_int(in, ST_SA_IN, ST_SA_OUT, "bad SA direction");
		sa->expiring = get_int(in, 0, 1, "bad expiring flag");
		sa->installed_mono = get_u64(in);
		get_dir(in, &sa->c);
	}
	get_dir(in, &ch->retired.in);
	get_dir(in, &ch->retired.out);
}

static void
get_ike_fail(struct pst_in *in, struct st_ike_failrec *f)
{
	f->index = get_u32(in);
	f->reason = get_int(in, ST_IKEF_OTHER, ST_IKEF_OPER, "bad IKE failure reason");
	f->when = (time_t)get_u64(in);
	f->when_mono = get_u64(in);
	get_str(in, f->conn, sizeof(f->conn));
	f->local_id_type = get_int(in, 0, ST_ID_NAME, "bad ID type");
	f->remote_id_type = get_int(in, 0, ST_ID_NAME, "bad ID type");
	get_str(in, f->local_id, sizeof(f->local_id));
	get_str(in, f->remote_id, sizeof(f->remote_id));
	get_addr(in, &f->local);
	get_addr(in, &f->remote);
	get_str(in, f->detail, sizeof(f->detail));
}

static void
get_ipsec_fail(struct pst_in *in, struct st_ipsec_failrec *f)
{
	f->index = get_u32(in);
	f->reason = get_int(in, ST_IPF_OTHER, ST_IPF_OPER, "bad IPsec failure reason");
	f->when = (time_t)get_u64(in);
	f->when_mono = get_u64(in);
	f->tunnel_index = get_u32(in);
	f->spi = get_u32(in);
	get_addr(in, &f->src);
	get_addr(in, &f->dst);
	get_str(in, f->conn, sizeof(f->conn));
	get_str(in, f->detail, sizeof(f->detail));
}

/* ---- the tables ---- */

enum pst_table { PT_IKE_HIST, PT_CHILD_HIST, PT_IKE_FAIL, PT_IPSEC_FAIL, PT_N };

static struct sorted *
pst_rows(enum pst_table t)
{
	switch (t) {
	case PT_IKE_HIST:	return &st_ctx.ike_hist;
	case PT_CHILD_HIST:	return &st_ctx.child_hist;
	case PT_IKE_FAIL:	return &st_ctx.ike_fails;
	default:		return &st_ctx.ipsec_fails;
	}
}

static void
put_rec(struct buf *b, enum pst_table t, const void *rec)
{
	switch (t) {
	case PT_IKE_HIST: {
		const struct st_ike_hist *h = rec;

		buf_put_u32(b, h->index);
		put_i32(b, (int)h->reason);
		buf_put_u64(b, h->active_ms);
		put_ike(b, &h->ike);
		break;
	}
	case PT_CHILD_HIST: {
		const struct st_child_hist *h = rec;

		buf_put_u32(b, h->index);
		put_i32(b, (int)h->reason);
		buf_put_u64(b, h->active_ms);
		put_child(b, &h->child);
		break;
	}
	case PT_IKE_FAIL:
		put_ike_fail(b, rec);
		break;
	default:
		put_ipsec_fail(b, rec);
		break;
	}
}

/* A freshly allocated record read from in, or NULL (in->why set). */
static void *
get_rec(struct pst_in *in, enum pst_table t)
{
	static const size_t size[PT_N] = {
		sizeof(struct st_ike_hist), sizeof(struct st_child_hist),
		sizeof(struct st_ike_failrec), sizeof(struct st_ipsec_failrec),
	};
	void *rec = calloc(1, size[t]);

	if (rec == NULL) {
		bad(in, "out of memory");
		return NULL;
	}
	switch (t) {
	case PT_IKE_HIST: {
		struct st_ike_hist *h = rec;

		h->index = get_u32(in);
		h->reason = get_int(in, ST_TERM_OTHER, ST_TERM_CHECKPOINT, "bad end reason");
		h->active_ms = get_u64(in);
		get_ike(in, &h->ike);
		break;
	}
	case PT_CHILD_HIST: {
		struct st_child_hist *h = rec;

		h->index = get_u32(in);
		h->reason = get_int(in, ST_TERM_OTHER, ST_TERM_CHECKPOINT, "bad end reason");
		h->active_ms = get_u64(in);
		get_child(in, &h->child);
		break;
	}
	case PT_IKE_FAIL:
		get_ike_fail(in, rec);
		break;
	default:
		get_ipsec_fail(in, rec);
		break;
	}
	if (in->b->failed)
		bad(in, "truncated");
	else if (rows_index(rec) == 0 || rows_index(rec) > ST_INDEX_MAX)
		bad(in, "record index out of range");
	if (in->why) {
		free(rec);
		return NULL;
	}
	return rec;
}

/* ---- save ---- */

static char *
pst_path(const char *dir, const char *suffix)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", dir, ST_STATE_FILE, suffix) < 0)
		return NULL;
	return p;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
sha256(const uint8_t *p, size_t len, uint8_t out[PST_SUM_LEN])
{
	unsigned int olen = 0;

	return EVP_Digest(p, len, out, &olen, EVP_sha256(), NULL) == 1 &&
	    olen == PST_SUM_LEN ? 0 : -1;
}

/* An index counter written n ahead: a daemon killed before its next save
 * starts again past every index it may have handed out since this one. */
static uint32_t
ahead(uint32_t next, uint32_t n)
{
	if (next == 0 || next > ST_INDEX_MAX)
		return next;		/* exhausted stays exhausted */
	return n > ST_INDEX_MAX + 1U - next ? ST_INDEX_MAX + 1U : next + n;
}

static struct buf *
pst_encode(uint32_t n)
{
	struct buf *b = buf_new(4096);
	uint8_t sum[PST_SUM_LEN];
	uint32_t nlive;

	if (b == NULL)
		return NULL;
	buf_put(b, PST_MAGIC, PST_MAGIC_LEN);
	buf_put_u32(b, PST_VERSION);
	buf_put_u32(b, 0);		/* body length, patched below */
	buf_put_u32(b, ahead(st_ctx.next_ike, n));
	buf_put_u32(b, ahead(st_ctx.next_child, n));
	buf_put_u32(b, ahead(st_ctx.next_ike_hist, n));
	buf_put_u32(b, ahead(st_ctx.next_child_hist, n));
	buf_put_u32(b, ahead(st_ctx.next_ike_fail, n));
	buf_put_u32(b, ahead(st_ctx.next_ipsec_fail, n));
	for (int t = 0; t < PT_N; t++) {
		const struct sorted *r = pst_rows(t);

		buf_put_u32(b, r->n);
		for (uint32_t i = 0; i < r->n; i++)
			put_rec(b, t, r->v[i]);
	}
	nlive = st_keyed_by() != NULL ? st_ctx.children.n : 0;
	buf_put_u32(b, nlive);
	for (uint32_t i = 0; i < nlive; i++)
		put_child(b, st_ctx.children.v[i]);
	if (b->failed || b->len - PST_HDR_LEN > UINT32_MAX) {
		buf_free(b);
		return NULL;
	}
	buf_set_u32(b, PST_MAGIC_LEN + 4, (uint32_t)(b->len - PST_HDR_LEN));
	if (sha256(b->data, b->len, sum) < 0 || buf_put(b, sum, sizeof(sum)) < 0) {
		buf_free(b);
		return NULL;
	}
	return b;
}

/* Why the last save failed ("" after one that worked): logged when it first
 * happens or changes, not at every retry, and shown by the history view. */
static char	pst_error[256];

static void __attribute__((format(printf, 1, 2)))
save_failed(const char *fmt, ...)
{
	char msg[sizeof(pst_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strcmp(msg, pst_error) != 0)
		log_err("%s (history not saved; retried, logged again only "
		    "if the error changes)", msg);
	snprintf(pst_error, sizeof(pst_error), "%s", msg);
}

static int
pst_save(const char *state_dir, uint32_t n)
{
	char *path = pst_path(state_dir, ""), *tmp = pst_path(state_dir, ".tmp");
	struct buf *b = NULL;
	int fd = -1, dfd, rc = -1;

	if (path == NULL || tmp == NULL) {
		save_failed("state file in %s: out of memory", state_dir);
		goto out;
	}
	if ((b = pst_encode(n)) == NULL) {
		save_failed("state file %s: cannot encode the state", path);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, b->data, b->len) < 0 || fsync(fd) < 0) {
		save_failed("state file %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		save_failed("state file %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		save_failed("state file %s: rename from %s: %s", path, tmp,
		    strerror(errno));
		goto out;
	}
	/* the rename itself must reach the disk too */
	if ((dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (pst_error[0] != '\0')
		log_notice("state file %s saved again", path);
	pst_error[0] = '\0';
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && tmp)
		unlink(tmp);
	buf_free(b);
	free(path);
	free(tmp);
	return rc;
}

int
st_save(const char *state_dir)
{
	return pst_save(state_dir, 0);
}

int
st_save_ahead(const char *state_dir, uint32_t n)
{
	return pst_save(state_dir, n);
}

const char *
st_save_error(void)
{
	return pst_error[0] != '\0' ? pst_error : NULL;
}

/* ---- load ---- */

static int
read_file(const char *path, struct buf **out)
{
	struct stat sb;
	struct buf *b = NULL;
	int fd, rc = -1;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &sb) < 0)
		goto out;
	if (!S_ISREG(sb.st_mode) || sb.st_size > PST_MAX_FILE) {
		errno = EFBIG;
		goto out;
	}
	if ((b = buf_new((size_t)sb.st_size + 1)) == NULL)
		goto out;
	for (;;) {
		ssize_t n;

		if (buf_reserve(b, 4096) < 0)
			goto out;
		if ((n = read(fd, b->data + b->len, b->cap - b->len)) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		if (b->len > PST_MAX_FILE) {
			errno = EFBIG;
			goto out;
		}
	}
	*out = b;
	b = NULL;
	rc = 0;
out:
	buf_free(b);
	close(fd);
	return rc;
}

/* Checks the envelope; leaves in->b's cursor at the body and its len at the
 * body's end. The format version, or -1. */
static int
pst_check(struct pst_in *in)
{
	struct buf *b = in->b;
	uint8_t sum[PST_SUM_LEN];
	uint32_t version, blen;

	if (b->len < PST_HDR_LEN)
		return bad(in, "truncated header");
	if (memcmp(b->data, PST_MAGIC, PST_MAGIC_LEN) != 0)
		return bad(in, "not an ikeflowd state file");
	buf_get(b, PST_MAGIC_LEN);
	buf_get_u32(b, &version);
	buf_get_u32(b, &blen);
	if (version < PST_VERSION_MIN || version > PST_VERSION) {
		static char why[64];

		snprintf(why, sizeof(why), "version %u, expected %u to %u", version,
		    PST_VERSION_MIN, PST_VERSION);
		return bad(in, why);
	}
	if ((uint64_t)blen + PST_HDR_LEN + PST_SUM_LEN != b->len)
		return bad(in, b->len < (uint64_t)blen + PST_HDR_LEN + PST_SUM_LEN ?
		    "truncated" : "trailing bytes");
	if (sha256(b->data, PST_HDR_LEN + blen, sum) < 0)
		return bad(in, "cannot compute checksum");
	if (memcmp(sum, b->data + PST_HDR_LEN + blen, PST_SUM_LEN) != 0)
		return bad(in, "checksum mismatch");
	b->len = PST_HDR_LEN + blen;
	return (int)version;
}

/* A live tunnel's record (version 2), freshly allocated, or NULL. */
static struct st_child *
get_live(struct pst_in *in)
{
	struct child_node *cn = calloc(1, sizeof(*cn));

	if (cn == NULL) {
		bad(in, "out of memory");
		return NULL;
	}
	get_child(in, &cn->c);
	if (in->b->failed)
		bad(in, "truncated");
	else if (cn->c.index == 0 || cn->c.index > ST_INDEX_MAX)
		bad(in, "record index out of range");
	if (in->why) {
		free(cn);
		return NULL;
	}
	return &cn->c;
}

static int
pst_decode(struct pst_in *in, uint32_t next[6], struct sorted rows[PT_N],
    struct sorted *live)
{
	int version;

	if ((version = pst_check(in)) < 0)
		return -1;
	for (int i = 0; i < 6; i++)
		next[i] = get_u32(in);
	for (int t = 0; t < PT_N; t++) {
		uint32_t n = get_u32(in);

		for (uint32_t i = 0; i < n && !in->why; i++) {
			void *rec = get_rec(in, t);

			if (rec == NULL)
				return -1;
			if (rows_append(&rows[t], rec) < 0) {
				free(rec);
				return bad(in, "records out of order");
			}
		}
		if (in->b->failed)
			return bad(in, "truncated");
	}
	if (version >= 2) {
		uint32_t n = get_u32(in);

		for (uint32_t i = 0; i < n && !in->why; i++) {
			struct st_child *ch = get_live(in);

			if (ch == NULL)
				return -1;
			if (rows_append(live, ch) < 0) {
				free(ch);
				return bad(in, "records out of order");
			}
		}
		if (in->b->failed)
			return bad(in, "truncated");
	}
	if (buf_left(in->b) != 0)
		return bad(in, "trailing bytes in body");
	return in->why ? -1 : 0;
}

/* Set-aside files kept: the newest few are enough to look into what went
 * wrong, and a file corrupted at every start must not fill the disk. */
#define PST_ASIDE_KEEP	5

struct aside {
	long long	 when;
	char		*name;
};

static int
aside_cmp(const void *a, const void *b)
{
	long long x = ((const struct aside *)a)->when, y = ((const struct aside *)b)->when;

	return x < y ? 1 : x > y ? -1 : 0;	/* newest first */
}

/* Removes all but the PST_ASIDE_KEEP newest PATH.corrupt-<time> files. */
static void
prune_aside(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dname, *prefix = NULL, *victim;
	struct aside *files = NULL, *grown;
	size_t n = 0, cap = 0, plen, removed = 0;
	struct dirent *e;
	DIR *d;

	if ((dname = slash ? strndup(path, (size_t)(slash - path)) : strdup(".")) == NULL ||
	    asprintf(&prefix, "%s.corrupt-", base) < 0) {
		free(dname);
		return;
	}
	plen = strlen(prefix);
	if ((d = opendir(dname)) == NULL)
		goto out;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long long t;

		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		errno = 0;
		t = strtoll(e->d_name + plen, &end, 10);
		if (errno || *end != '\0' || end == e->d_name + plen)
			continue;	/* not one of ours: left alone */
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = reallocarray(files, cap, sizeof(*files))) == NULL)
				break;
			files = grown;
		}
		if ((files[n].name = strdup(e->d_name)) == NULL)
			break;
		files[n++].when = t;
	}
	closedir(d);
	if (n > PST_ASIDE_KEEP)
		qsort(files, n, sizeof(*files), aside_cmp);
	for (size_t i = PST_ASIDE_KEEP; i < n; i++) {
		if (asprintf(&victim, "%s/%s", dname, files[i].name) < 0)
			break;
		if (unlink(victim) == 0)
			removed++;
		else if (errno != ENOENT)
			log_warnx("%s: %s", victim, strerror(errno));
		free(victim);
	}
	if (removed)
		log_notice("state directory %s: %zu older corrupt state file(s) removed, "
		    "the %d newest kept", dname, removed, PST_ASIDE_KEEP);
out:
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
	free(prefix);
	free(dname);
}

static void
set_aside(const char *path, const char *why)
{
	char *aside = NULL;

	if (asprintf(&aside, "%s.corrupt-%lld", path, (long long)st_now_wall()) < 0) {
		log_err("state file %s: %s; ignored, starting with empty history", path, why);
		return;
	}
	if (rename(path, aside) < 0)
		log_err("state file %s: %s; cannot move it to %s (%s), starting with empty history",
		    path, why, aside, strerror(errno));
	else {
		log_err("state file %s: %s; moved to %s, starting with empty history",
		    path, why, aside);
		prune_aside(path);
	}
	free(aside);
}

/* Live tunnels of the previous run become rows again, with their SAs in
 * the SPI map; their keeper (monitor mode) finds their SAs in the kernel
 * or ends them. Monotonic times of another boot are clamped to now. */
static void
live_restore(struct sorted *live)
{
	uint64_t now = st_now_ms();

	for (uint32_t k = 0; k < live->n; k++) {
		struct st_child *ch = live->v[k];
		struct st_child_counters tot;

		live->v[k] = NULL;
		if (rows_find(&st_ctx.children, ch->index) != NULL ||
		    rows_append(&st_ctx.children, ch) < 0) {
			log_warnx("state file: live tunnel %u not restored", ch->index);
			free(ch);
			continue;
		}
		if (ch->start_mono > now)
			ch->start_mono = now;
		if (ch->sa_mono > now)
			ch->sa_mono = now;
		for (int i = 0; i < ch->nsa; i++) {
			if (ch->sa[i].installed_mono > now)
				ch->sa[i].installed_mono = now;
			if (spimap_put(&st_ctx.spis, ch->sa[i].spi, ch->sa[i].dir,
			    ch->index) < 0)
				log_err("state file: live tunnel %u: SPI 0x%08x not followed",
				    ch->index, ch->sa[i].spi);
		}
		if (ch->start_mono != 0)
			st_ctx.child_up++;
		st_child_totals(ch, &tot);
		st_counters_add(&st_ctx.live, &tot);
		st_conn_tunnels_add(ch->conn, 1);
		if (ch->index >= st_ctx.next_child && ch->index < ST_INDEX_MAX)
			st_ctx.next_child = ch->index + 1;
	}
	rows_clear(live, NULL);
}

int
st_load(const char *state_dir)
{
	struct sorted rows[PT_N] = { { 0 } }, live = { 0 };
	uint32_t next[6] = { 0 };
	uint32_t *cur[6] = {
		&st_ctx.next_ike, &st_ctx.next_child, &st_ctx.next_ike_hist,
		&st_ctx.next_child_hist, &st_ctx.next_ike_fail, &st_ctx.next_ipsec_fail,
	};
	char *path = pst_path(state_dir, "");
	struct pst_in in = { 0 };
	int rc = -1, r;

	if (path == NULL) {
		log_err("%s: out of memory", __func__);
		return -1;
	}
	if ((r = read_file(path, &in.b)) != 0) {
		if (r > 0)
			rc = 0;
		else
			log_err("state file %s: %s", path, strerror(errno));
		goto out;
	}
	if (pst_decode(&in, next, rows, &live) < 0) {
		set_aside(path, in.why ? in.why : "unreadable");
		rc = 1;
		goto out;
	}
	for (int t = 0; t < PT_N; t++) {
		struct sorted *dst = pst_rows(t);

		rows_clear(dst, free);
		*dst = rows[t];
		memset(&rows[t], 0, sizeof(rows[t]));
	}
	/* never hand out an index at or below one already used */
	for (int i = 0; i < 6; i++)
		if (next[i] > *cur[i])
			*cur[i] = next[i];
	for (int t = 0; t < PT_N; t++) {
		struct sorted *dst = pst_rows(t);
		uint32_t *n = t == PT_IKE_HIST ? cur[2] : t == PT_CHILD_HIST ? cur[3] :
		    t == PT_IKE_FAIL ? cur[4] : cur[5];

		if (dst->n > 0 && rows_index(dst->v[dst->n - 1]) >= *n)
			*n = rows_index(dst->v[dst->n - 1]) + 1;
	}
	for (uint32_t i = 0; i < st_ctx.ike_hist.n; i++) {
		const struct st_ike_hist *h = st_ctx.ike_hist.v[i];

		if (h->ike.index >= st_ctx.next_ike && h->ike.index < ST_INDEX_MAX)
			st_ctx.next_ike = h->ike.index + 1;
	}
	for (uint32_t i = 0; i < st_ctx.child_hist.n; i++) {
		const struct st_child_hist *h = st_ctx.child_hist.v[i];

		if (h->child.index >= st_ctx.next_child && h->child.index < ST_INDEX_MAX)
			st_ctx.next_child = h->child.index + 1;
	}
	st_set_hist_size(st_ctx.hist_size);
	st_set_fail_size(st_ctx.fail_size);
	log_info("state file %s: %u+%u history and %u+%u failure records, "
	    "%u live tunnel(s)", path, st_ctx.ike_hist.n, st_ctx.child_hist.n,
	    st_ctx.ike_fails.n, st_ctx.ipsec_fails.n, live.n);
	live_restore(&live);
	rc = 0;
out:
	for (int t = 0; t < PT_N; t++)
		rows_clear(&rows[t], free);
	rows_clear(&live, free);
	buf_free(in.b);
	free(path);
	return rc;
}
