#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "state/state_int.h"

/* Rows are keyed on each record's leading index. */
_Static_assert(offsetof(struct st_conn, index) == 0, "st_conn index");
_Static_assert(offsetof(struct st_ike, index) == 0, "st_ike index");
_Static_assert(offsetof(struct st_child, index) == 0, "st_child index");
_Static_assert(offsetof(struct st_ike_hist, index) == 0, "st_ike_hist index");
_Static_assert(offsetof(struct st_child_hist, index) == 0, "st_child_hist index");
_Static_assert(offsetof(struct st_ike_failrec, index) == 0, "st_ike_failrec index");
_Static_assert(offsetof(struct st_ipsec_failrec, index) == 0, "st_ipsec_failrec index");

struct st_ctx st_ctx;

static uint64_t (*st_clock_mono)(void) = loop_now_ms;
static time_t (*st_clock_wall)(void);

static void	child_end(struct child_node *cn, enum st_term reason);

uint64_t
st_now_ms(void)
{
	return st_clock_mono();
}

time_t
st_now_wall(void)
{
	return st_clock_wall ? st_clock_wall() : time(NULL);
}

void
st_set_clock(uint64_t (*mono_ms)(void), time_t (*wall)(void))
{
	st_clock_mono = mono_ms ? mono_ms : loop_now_ms;
	st_clock_wall = wall;
}

static void
copy_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static const char *keyed_by;

void
st_set_keyed_by(const char *who)
{
	keyed_by = who;
}

const char *
st_keyed_by(void)
{
	return keyed_by;
}

int
st_init(void)
{
	st_free();
	st_ctx.next_conn = st_ctx.next_ike = st_ctx.next_child = 1;
	st_ctx.next_ike_hist = st_ctx.next_child_hist = 1;
	st_ctx.next_ike_fail = st_ctx.next_ipsec_fail = 1;
	st_ctx.hist_size = st_ctx.fail_size = ST_DEFAULT_TABLE;
	st_ctx.init_mono = st_now_ms();
	return 0;
}

/* Connections, IKE SAs and tunnels freed so far (st_rows_gone). */
static uint64_t rows_gone;

uint64_t
st_rows_gone(void)
{
	return rows_gone;
}

void
st_free(void)
{
	rows_gone++;
	rows_clear(&st_ctx.conns, free);
	sorted_clear(&st_ctx.conn_names, NULL);
	sorted_clear(&st_ctx.conn_lone, NULL);
	rows_clear(&st_ctx.ikes, free);
	rows_clear(&st_ctx.children, free);
	rows_clear(&st_ctx.ike_hist, free);
	rows_clear(&st_ctx.child_hist, free);
	rows_clear(&st_ctx.ike_fails, free);
	rows_clear(&st_ctx.ipsec_fails, free);
	spimap_clear(&st_ctx.spis);
	memset(&st_ctx, 0, sizeof(st_ctx));
}

uint64_t
st_uptime_ms(void)
{
	return st_now_ms() - st_ctx.init_mono;
}

uint32_t
st_take_index(uint32_t *next, const char *table)
{
	if (*next == 0 || *next > ST_INDEX_MAX) {
		log_err("%s: %s indexes exhausted", __func__, table);
		return 0;
	}
	return (*next)++;
}

void *
st_rows_add(struct sorted *r, uint32_t *next, const char *table, void *rec)
{
	uint32_t index = st_take_index(next, table);

	*(uint32_t *)rec = index;
	if (index == 0 || rows_append(r, rec) < 0) {
		free(rec);
		return NULL;
	}
	return rec;
}

void
st_trim(struct sorted *r, uint32_t max)
{
	while (r->n > max)
		free(rows_shift(r));
}

void
st_set_hist_size(uint32_t n)
{
	st_ctx.hist_size = n;
	st_trim(&st_ctx.ike_hist, n);
	st_trim(&st_ctx.child_hist, n);
}

void
st_set_fail_size(uint32_t n)
{
	st_ctx.fail_size = n;
	st_trim(&st_ctx.ike_fails, n);
	st_trim(&st_ctx.ipsec_fails, n);
}

uint32_t
st_hist_size(void)
{
	return st_ctx.hist_size;
}

uint32_t
st_fail_size(void)
{
	return st_ctx.fail_size;
}

int
st_subscribe(st_event_fn fn, void *arg)
{
	if (fn == NULL || st_ctx.nsubs == ST_MAX_SUBS) {
		log_err("%s: no room for another subscriber", __func__);
		return -1;
	}
	st_ctx.subs[st_ctx.nsubs].fn = fn;
	st_ctx.subs[st_ctx.nsubs].arg = arg;
	st_ctx.nsubs++;
	return 0;
}

void
st_emit(enum st_event ev, uint32_t index, const void *rec)
{
	for (int i = 0; i < st_ctx.nsubs; i++)
		st_ctx.subs[i].fn(ev, index, rec, st_ctx.subs[i].arg);
}

/* ---- connections ---- */

static int
conn_name_cmp(const void *cn, const void *name)
{
	return strcmp(((const struct conn_node *)cn)->c.name, name);
}

struct st_conn *
st_conn_find(const char *name)
{
	struct conn_node *cn;

	if (name == NULL)
		return NULL;
	cn = sorted_find(&st_ctx.conn_names, name, conn_name_cmp);
	return cn ? &cn->c : NULL;
}

struct st_conn *
st_conn_set(const char *name)
{
	struct conn_node *cn;
	struct st_conn *c;

	if (name == NULL || *name == '\0' || strlen(name) >= ST_NAME_MAX) {
		log_err("%s: bad connection name", __func__);
		return NULL;
	}
	if ((c = st_conn_find(name)) != NULL) {
		((struct conn_node *)c)->gen = st_ctx.conn_gen;
		return c;
	}
	/* room for one more name first, so a failure leaves both tables as they were */
	if (sorted_reserve(&st_ctx.conn_names, 1) < 0)
		return NULL;
	if ((cn = calloc(1, sizeof(*cn))) == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	cn->gen = st_ctx.conn_gen;
	c = &cn->c;
	copy_name(c->name, sizeof(c->name), name);
	/* children of that name may be there already (restored from the state
	 * file, or kept across a reload that dropped and brought back their
	 * connection): one pass counts them all when a count is next read,
	 * not a pass per connection (10,000 of each at start), then the
	 * counts are kept as tunnels come and go */
	if (st_ctx.children.n > 0)
		st_ctx.conn_counts_stale = 1;
	c->ike_version = 2;
	if (st_rows_add(&st_ctx.conns, &st_ctx.next_conn, "connection", cn) == NULL)
		return NULL;
	/* cannot fail: absent, and the room is there */
	sorted_insert(&st_ctx.conn_names, cn, c->name, conn_name_cmp);
	/* no tunnel yet (or the recount to come will say) */
	if (!st_ctx.conn_counts_stale && rows_append(&st_ctx.conn_lone, cn) < 0)
		st_ctx.conn_counts_stale = 1;
	return c;
}

uint64_t
st_conn_generation_next(void)
{
	return ++st_ctx.conn_gen;
}

void
st_conn_prune(uint64_t generation)
{
	struct sorted *names = &st_ctx.conn_names;
	uint32_t keep = 0;

	/* in place, so the names stay sorted and nothing is allocated */
	for (uint32_t i = 0; i < names->n; i++) {
		struct conn_node *cn = names->v[i];

		if (cn->gen >= generation) {
			names->v[keep++] = cn;
			continue;
		}
		rows_remove(&st_ctx.conns, cn->c.index);
		rows_remove(&st_ctx.conn_lone, cn->c.index);
		free(cn);
		rows_gone++;
	}
	names->n = keep;
}

/* One pass over the children, each counted to its connection by name. */
static void
conn_recount(void)
{
	for (uint32_t i = 0; i < st_ctx.conn_names.n; i++)
		((struct conn_node *)st_ctx.conn_names.v[i])->tunnels = 0;
	for (uint32_t i = 0; i < st_ctx.children.n; i++) {
		const struct st_child *ch = st_ctx.children.v[i];
		struct conn_node *cn = (struct conn_node *)st_conn_find(ch->conn);

		if (cn != NULL)
			cn->tunnels++;
	}
	sorted_clear(&st_ctx.conn_lone, NULL);
	for (uint32_t i = 0; i < st_ctx.conns.n; i++) {
		struct conn_node *cn = st_ctx.conns.v[i];

		/* (out of memory: the next read counts again) */
		if (cn->tunnels == 0 && rows_append(&st_ctx.conn_lone, cn) < 0)
			return;
	}
	st_ctx.conn_counts_stale = 0;
}

void
st_conn_tunnels_add(const char *name, int delta)
{
	struct conn_node *cn;

	if (st_ctx.conn_counts_stale)
		return;		/* the recount will see this tunnel come or go */
	if ((cn = (struct conn_node *)st_conn_find(name)) == NULL)
		return;		/* a tunnel of no connection: counted when one comes */
	if (delta < 0 && cn->tunnels == 0) {
		log_err("%s: connection %s: tunnel count below zero", __func__, name);
		return;
	}
	cn->tunnels = (uint32_t)((int64_t)cn->tunnels + delta);
	/* a first tunnel, or the last gone: in or out of the lone ones */
	if (delta > 0 && cn->tunnels == (uint32_t)delta)
		rows_remove(&st_ctx.conn_lone, cn->c.index);
	else if (delta < 0 && cn->tunnels == 0 &&
	    rows_insert(&st_ctx.conn_lone, cn) < 0)
		st_ctx.conn_counts_stale = 1;
}

uint32_t
st_conn_tunnels(const struct st_conn *c)
{
	if (st_ctx.conn_counts_stale)
		conn_recount();
	return ((const struct conn_node *)c)->tunnels;
}

const struct st_conn *
st_conn_lone_next(uint32_t after)
{
	if (st_ctx.conn_counts_stale)
		conn_recount();
	return rows_next(&st_ctx.conn_lone, after);
}

uint32_t
st_conn_lone_count(void)
{
	if (st_ctx.conn_counts_stale)
		conn_recount();
	return st_ctx.conn_lone.n;
}

const struct st_conn *
st_conn_next(uint32_t after)
{
	return rows_next(&st_ctx.conns, after);
}

/* ---- IKE SAs ---- */

struct st_ike *
st_ike_new(const char *conn, int version, int initiator)
{
	struct st_ike *ike = calloc(1, sizeof(*ike));
	struct st_conn *c = st_conn_find(conn);

	if (ike == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	copy_name(ike->conn, sizeof(ike->conn), conn);
	ike->version = version;
	ike->initiator = initiator != 0;
	ike->state = ST_IKE_CONNECTING;
	ike->auth_method = 2;
	if (c) {
		ike->local = c->local;
		ike->remote = c->remote;
		ike->peer_index = c->index;
	}
	return st_rows_add(&st_ctx.ikes, &st_ctx.next_ike, "IKE SA", ike);
}

struct st_ike *
st_ike_get(uint32_t index)
{
	return rows_find(&st_ctx.ikes, index);
}

const struct st_ike *
st_ike_find(uint32_t index)
{
	return rows_find(&st_ctx.ikes, index);
}

const struct st_ike *
st_ike_next(uint32_t after)
{
	return rows_next(&st_ctx.ikes, after);
}

void
st_ike_established(struct st_ike *ike)
{
	struct st_conn *c;

	ike->state = ST_IKE_ESTABLISHED;
	if (ike->start_mono != 0)
		return;
	ike->start_mono = st_now_ms();
	if (ike->start_mono == 0)
		ike->start_mono = 1;	/* 0 means "not up" */
	ike->start_wall = st_now_wall();
	st_ctx.ike_up++;
	if (ike->initiator)
		st_ctx.ike_base.init_tunnels++;
	if ((c = st_conn_find(ike->conn)) != NULL) {
		c->up_count++;
		c->ike_index = ike->index;
	}
	st_emit(ST_EV_IKE_UP, ike->index, ike);
}

static void
ike_counters_add(struct st_ike_counters *to, const struct st_ike_counters *c)
{
	const uint64_t *s = (const uint64_t *)c;
	uint64_t *d = (uint64_t *)to;

	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		d[i] += s[i];
}

static void
ike_counters_sub(struct st_ike_counters *from, const struct st_ike_counters *c)
{
	const uint64_t *s = (const uint64_t *)c;
	uint64_t *d = (uint64_t *)from;

	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		d[i] -= s[i];
}

void
st_ike_end(uint32_t index, enum st_term reason)
{
	struct st_ike *ike = rows_find(&st_ctx.ikes, index);
	struct st_conn *c;
	uint32_t i = 0;

	if (ike == NULL)
		return;
	ike->state = ST_IKE_DELETING;
	/* children first: their records and events precede the IKE SA's */
	while (i < st_ctx.children.n) {
		struct child_node *cn = st_ctx.children.v[i];

		if (cn->c.ike_index == index)
			child_end(cn, reason);
		else
			i++;
	}
	/* its counters move from the live sum to the ended ones' */
	ike_counters_sub(&st_ctx.ike_live, &ike->c);
	ike_counters_add(&st_ctx.ike_base.c, &ike->c);
	if ((c = st_conn_find(ike->conn)) != NULL && c->ike_index == index)
		c->ike_index = 0;
	if (ike->start_mono != 0) {
		struct st_ike_hist *h = st_hist_ike_add(ike, reason);

		st_ctx.ike_up--;
		st_ctx.ike_base.previous_tunnels++;
		st_emit(ST_EV_IKE_DOWN, index, h);
		st_trim(&st_ctx.ike_hist, st_ctx.hist_size);
	}
	rows_remove(&st_ctx.ikes, index);
	free(ike);
	rows_gone++;
}

void
st_ike_count_in(struct st_ike *ike, size_t octets)
{
	struct st_ike_counters *c = ike ? &ike->c : &st_ctx.ike_base.c;

	c->in_octets += octets;
	c->in_pkts++;
	if (ike != NULL) {
		st_ctx.ike_live.in_octets += octets;
		st_ctx.ike_live.in_pkts++;
	}
}

void
st_ike_count_out(struct st_ike *ike, size_t octets)
{
	struct st_ike_counters *c = ike ? &ike->c : &st_ctx.ike_base.c;

	c->out_octets += octets;
	c->out_pkts++;
	if (ike != NULL) {
		st_ctx.ike_live.out_octets += octets;
		st_ctx.ike_live.out_pkts++;
	}
}

void
st_ike_counters_set(struct st_ike *ike, const struct st_ike_counters *c)
{
	ike_counters_sub(&st_ctx.ike_live, &ike->c);
	ike->c = *c;
	ike_counters_add(&st_ctx.ike_live, &ike->c);
}

void
st_ike_inc(struct st_ike *ike, size_t field)
{
	if (field + sizeof(uint64_t) > sizeof(struct st_ike_counters) ||
	    field % sizeof(uint64_t) != 0)
		return;
	if (ike != NULL) {
		(*(uint64_t *)((char *)&ike->c + field))++;
		(*(uint64_t *)((char *)&st_ctx.ike_live + field))++;
	} else
		(*(uint64_t *)((char *)&st_ctx.ike_base.c + field))++;
}

struct st_ike_global *
st_ike_global_w(void)
{
	return &st_ctx.ike_base;
}

const struct st_ike_global *
st_ike_global(void)
{
	st_ctx.ike_view = st_ctx.ike_base;
	ike_counters_add(&st_ctx.ike_view.c, &st_ctx.ike_live);
	return &st_ctx.ike_view;
}

uint32_t
st_ike_active_count(void)
{
	return st_ctx.ike_up;
}

/* ---- children ---- */

struct st_child *
st_child_new(uint32_t ike_index, const char *conn)
{
	struct child_node *cn = calloc(1, sizeof(*cn));
	const struct st_ike *ike = st_ike_find(ike_index);
	struct st_child *ch;

	if (cn == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	ch = &cn->c;
	ch->ike_index = ike_index;
	copy_name(ch->conn, sizeof(ch->conn), conn ? conn : ike ? ike->conn : NULL);
	if (ike) {
		ch->local = ike->local;
		ch->remote = ike->remote;
	}
	/* the node's address is its record's: st_child is its first member */
	if (st_rows_add(&st_ctx.children, &st_ctx.next_child, "child", cn) == NULL)
		return NULL;
	st_conn_tunnels_add(ch->conn, 1);
	return ch;
}

void
st_child_set_conn(struct st_child *ch, const char *conn)
{
	if (strcmp(ch->conn, conn) == 0)
		return;
	st_conn_tunnels_add(ch->conn, -1);
	copy_name(ch->conn, sizeof(ch->conn), conn);
	st_conn_tunnels_add(ch->conn, 1);
}

const struct st_child *
st_child_nth(uint32_t k)
{
	return k < st_ctx.children.n ? st_ctx.children.v[k] : NULL;
}

uint32_t
st_child_count(void)
{
	return st_ctx.children.n;
}

struct st_child *
st_child_get(uint32_t index)
{
	return rows_find(&st_ctx.children, index);
}

const struct st_child *
st_child_find(uint32_t index)
{
	return rows_find(&st_ctx.children, index);
}

const struct st_child *
st_child_next(uint32_t after)
{
	return rows_next(&st_ctx.children, after);
}

const struct st_sa *
st_child_current_sa(const struct st_child *ch, enum st_sa_dir dir)
{
	for (int i = ch->nsa - 1; i >= 0; i--)
		if (ch->sa[i].dir == dir && !ch->sa[i].expiring)
			return &ch->sa[i];
	return NULL;
}

static struct st_sa *
child_sa(struct st_child *ch, uint32_t spi, enum st_sa_dir dir)
{
	for (int i = 0; i < ch->nsa; i++)
		if (ch->sa[i].spi == spi && ch->sa[i].dir == dir)
			return &ch->sa[i];
	return NULL;
}

/* A new SA record for the child, after the checks both kinds of add make:
 * 1 when the child has it already, 0 with *out the new record (listed in
 * the SPI map, not yet expiring), -1 when it cannot be tracked. */
static int
child_sa_append(struct st_child *ch, enum st_sa_dir dir, uint32_t spi, uint8_t proto,
    int warn_shared, struct st_sa **out)
{
	struct st_sa *sa;
	int ndir = 0;

	if (dir != ST_SA_IN && dir != ST_SA_OUT) {
		log_err("%s: child %u: bad direction %d", __func__, ch->index, (int)dir);
		return -1;
	}
	if (child_sa(ch, spi, dir) != NULL)
		return 1;
	for (int i = 0; i < ch->nsa; i++)
		if (ch->sa[i].dir == dir)
			ndir++;
	if (ndir >= ST_MAX_SAS || ch->nsa >= 2 * ST_MAX_SAS) {
		log_err("%s: child %u: too many SAs, SPI 0x%08x not tracked", __func__,
		    ch->index, spi);
		return -1;
	}
	if (warn_shared && spimap_get(&st_ctx.spis, spi, dir) != 0)
		log_warnx("child %u: SPI 0x%08x (%s) also named by child %u, following the new one",
		    ch->index, spi, dir == ST_SA_IN ? "in" : "out",
		    spimap_get(&st_ctx.spis, spi, dir));
	if (spimap_put(&st_ctx.spis, spi, dir, ch->index) < 0)
		return -1;
	sa = &ch->sa[ch->nsa++];
	memset(sa, 0, sizeof(*sa));
	sa->spi = spi;
	sa->proto = proto;
	sa->dir = dir;
	sa->installed_mono = st_now_ms();
	*out = sa;
	return 0;
}

int
st_child_add_sa(struct st_child *ch, enum st_sa_dir dir, uint32_t spi, uint8_t proto)
{
	struct child_node *cn = (struct child_node *)ch;
	struct st_ike *ike;
	struct st_sa *sa;
	int r, replaced = 0;

	if ((r = child_sa_append(ch, dir, spi, proto, 1, &sa)) != 0)
		return r < 0 ? -1 : 0;
	/* the older ones of that direction (all but the new last) expire */
	for (int i = 0; i < ch->nsa - 1; i++)
		if (ch->sa[i].dir == dir && !ch->sa[i].expiring) {
			ch->sa[i].expiring = 1;
			replaced = 1;
		}
	ch->sa_mono = sa->installed_mono;
	ike = st_ike_get(ch->ike_index);

	if (ch->start_mono == 0) {
		if (st_child_current_sa(ch, ST_SA_IN) == NULL ||
		    st_child_current_sa(ch, ST_SA_OUT) == NULL)
			return 0;
		ch->start_mono = sa->installed_mono ? sa->installed_mono : 1;
		ch->start_wall = st_now_wall();
		cn->rekey_dirs = 0;
		st_ctx.child_up++;
		if (ike) {
			ike->total_sas++;
			ike->refreshes++;
		}
		st_emit(ST_EV_CHILD_UP, ch->index, ch);
		return 0;
	}
	if (replaced) {
		cn->rekey_dirs |= 1u << dir;
		if (cn->rekey_dirs == (1u << ST_SA_IN | 1u << ST_SA_OUT)) {
			cn->rekey_dirs = 0;
			ch->refreshes++;
			if (ike) {
				ike->total_sas++;
				ike->refreshes++;
			}
			st_emit(ST_EV_CHILD_REKEY, ch->index, ch);
		}
	}
	return 0;
}

int
st_child_add_sa_aside(struct st_child *ch, enum st_sa_dir dir, uint32_t spi, uint8_t proto)
{
	struct st_sa *sa;
	int r;

	if ((r = child_sa_append(ch, dir, spi, proto, 0, &sa)) != 0)
		return r < 0 ? -1 : 0;
	sa->expiring = 1;
	return 0;
}

void
st_child_reparent(struct st_child *ch, uint32_t ike_index)
{
	const struct st_ike *ike = st_ike_find(ike_index);

	ch->ike_index = ike_index;
	/* a reauthentication may come from elsewhere (a NATed peer) */
	if (ike) {
		ch->local = ike->local;
		ch->remote = ike->remote;
	}
}

/* Raises one counter to a newer reading and the running sum by as much:
 * the kernel may hand an older reading; counters only go forward. */
static void
raise1(uint64_t *d, uint64_t s, uint64_t *sum)
{
	if (s > *d) {
		*sum += s - *d;
		*d = s;
	}
}

/* d is an SA's counters of direction dir: the live sum follows it. */
static void
dir_max(struct st_dir_counters *d, const struct st_dir_counters *s, enum st_sa_dir dir)
{
	struct st_dir_counters *sum = dir == ST_SA_IN ? &st_ctx.live.in : &st_ctx.live.out;

	raise1(&d->octets, s->octets, &sum->octets);
	raise1(&d->packets, s->packets, &sum->packets);
	raise1(&d->replay_drops, s->replay_drops, &sum->replay_drops);
	raise1(&d->auth_fails, s->auth_fails, &sum->auth_fails);
}

static void
dir_add(struct st_dir_counters *d, const struct st_dir_counters *s)
{
	d->octets += s->octets;
	d->packets += s->packets;
	d->replay_drops += s->replay_drops;
	d->auth_fails += s->auth_fails;
}

void
st_counters_add(struct st_child_counters *to, const struct st_child_counters *c)
{
	dir_add(&to->in, &c->in);
	dir_add(&to->out, &c->out);
}

static void
dir_sub(struct st_dir_counters *d, const struct st_dir_counters *s)
{
	d->octets -= s->octets;
	d->packets -= s->packets;
	d->replay_drops -= s->replay_drops;
	d->auth_fails -= s->auth_fails;
}

void
st_counters_sub(struct st_child_counters *to, const struct st_child_counters *c)
{
	dir_sub(&to->in, &c->in);
	dir_sub(&to->out, &c->out);
}

void
st_child_totals(const struct st_child *ch, struct st_child_counters *out)
{
	*out = ch->retired;
	for (int i = 0; i < ch->nsa; i++)
		dir_add(ch->sa[i].dir == ST_SA_IN ? &out->in : &out->out, &ch->sa[i].c);
}

static struct st_child *
child_by_spi(uint32_t spi, enum st_sa_dir dir)
{
	uint32_t index = spimap_get(&st_ctx.spis, spi, dir);

	return index ? rows_find(&st_ctx.children, index) : NULL;
}

const struct st_child *
st_child_by_spi(uint32_t spi, enum st_sa_dir dir)
{
	return child_by_spi(spi, dir);
}

int
st_sa_update(uint32_t spi, enum st_sa_dir dir, const struct st_dir_counters *c)
{
	struct st_child *ch = child_by_spi(spi, dir);
	struct st_sa *sa;

	if (ch == NULL || (sa = child_sa(ch, spi, dir)) == NULL)
		return -1;
	if (c)
		dir_max(&sa->c, c, sa->dir);
	return 0;
}

static void
child_drop_sa(struct st_child *ch, int i)
{
	struct st_sa *sa = &ch->sa[i];

	dir_add(sa->dir == ST_SA_IN ? &ch->retired.in : &ch->retired.out, &sa->c);
	spimap_del(&st_ctx.spis, sa->spi, sa->dir, ch->index);
	memmove(&ch->sa[i], &ch->sa[i + 1], (size_t)(ch->nsa - i - 1) * sizeof(*sa));
	ch->nsa--;
	memset(&ch->sa[ch->nsa], 0, sizeof(*sa));
	ch->expired_sas++;
}

int
st_sa_gone(uint32_t spi, enum st_sa_dir dir, const struct st_dir_counters *final)
{
	struct st_child *ch = child_by_spi(spi, dir);
	struct st_sa *sa;

	if (ch == NULL || (sa = child_sa(ch, spi, dir)) == NULL)
		return -1;
	if (final)
		dir_max(&sa->c, final, sa->dir);
	child_drop_sa(ch, (int)(sa - ch->sa));
	return 0;
}

static void
child_end(struct child_node *cn, enum st_term reason)
{
	struct st_child *ch = &cn->c;
	struct st_child_counters tot;

	st_child_totals(ch, &tot);
	st_counters_add(&st_ctx.ipsec_base.c, &tot);
	st_counters_sub(&st_ctx.live, &tot);
	if (ch->start_mono != 0) {
		struct st_child_hist *h = st_hist_child_add(ch, reason);

		st_ctx.child_up--;
		st_ctx.ipsec_base.previous_tunnels++;
		st_emit(ST_EV_CHILD_DOWN, ch->index, h);
		st_trim(&st_ctx.child_hist, st_ctx.hist_size);
	}
	for (int i = 0; i < ch->nsa; i++)
		spimap_del(&st_ctx.spis, ch->sa[i].spi, ch->sa[i].dir, ch->index);
	rows_remove(&st_ctx.children, ch->index);
	st_conn_tunnels_add(ch->conn, -1);
	free(cn);
	rows_gone++;
}

void
st_child_end(uint32_t index, enum st_term reason)
{
	struct child_node *cn = rows_find(&st_ctx.children, index);

	if (cn)
		child_end(cn, reason);
}

uint32_t
st_child_active_count(void)
{
	return st_ctx.child_up;
}

uint32_t
st_child_count_for_ike(uint32_t ike_index)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < st_ctx.children.n; i++)
		if (((const struct st_child *)st_ctx.children.v[i])->ike_index == ike_index)
			n++;
	return n;
}

void
st_ipsec_global_kernel(const struct st_ipsec_global *k)
{
	st_ctx.kernel = *k;
}

void
st_ipsec_live(struct st_child_counters *out)
{
	*out = st_ctx.live;
}

void
st_ipsec_global(struct st_ipsec_global *out)
{
	const struct st_ipsec_global *k = &st_ctx.kernel;

	*out = st_ctx.ipsec_base;
	st_counters_add(&out->c, &st_ctx.live);
	/* kernel-wide drop counters cover more than our SAs; ours are a floor */
	out->in_drops = k->in_drops;
	out->in_replay_drops = k->in_replay_drops > out->c.in.replay_drops ?
	    k->in_replay_drops : out->c.in.replay_drops;
	out->in_auth_fails = k->in_auth_fails > out->c.in.auth_fails ?
	    k->in_auth_fails : out->c.in.auth_fails;
	out->in_decrypt_fails = k->in_decrypt_fails;
	out->out_drops = k->out_drops;
	out->protocol_use_fails += k->protocol_use_fails;
	out->nosa_fails += k->nosa_fails;
	out->syscap_fails += k->syscap_fails;
}
