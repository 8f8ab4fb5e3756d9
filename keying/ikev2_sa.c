/* IKE SA objects and the request/response cycle (RFC 7296 §2.1-2.3). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ike_hash.h"
#include "keying/ikev2_sa.h"
#include "keying/ikev2_sk.h"

void
ike_tuning_defaults(struct ike_tuning *t)
{
	memset(t, 0, sizeof(*t));
	t->retrans_timeout = 4.0;
	t->retrans_base = 1.8;
	t->retrans_tries = 5;
	t->half_open_timeout = 30;
	t->ike_port = IKE_PORT;
	t->natt_port = IKE_NATT_PORT;
	t->initial_contact = 1;
	t->cookie_threshold = 30;
	t->cookie_threshold_ip = 3;
	t->block_threshold = 5;
	t->half_open_max = 10000;
	t->fragment_size = 1280;
	t->keepalive = 20.0;
}

void
ike_tuning_set(struct ike_tuning *t, const struct ike_tuning *given)
{
	struct ike_tuning d;

	if (given == NULL) {
		ike_tuning_defaults(t);
		return;
	}
	ike_tuning_defaults(&d);
	*t = *given;
	if (t->retrans_timeout <= 0)
		t->retrans_timeout = d.retrans_timeout;
	if (t->retrans_base < 1)
		t->retrans_base = d.retrans_base;
	if (t->ike_port == 0)
		t->ike_port = d.ike_port;
	if (t->natt_port == 0)
		t->natt_port = d.natt_port;
}

static void ike_xchg_clear(struct ike_sa *sa);

static void
ike_sa_free(struct ike_sa *sa)
{
	struct ike_child *ch;

	while ((ch = sa->children) != NULL) {
		sa->children = ch->next;
		free(ch);
	}
	ike_xchg_clear(sa);
	loop_timer_free(sa->rtx);
	loop_timer_free(sa->timer);
	loop_timer_free(sa->rekey_timer);
	loop_timer_free(sa->keepalive_timer);
	loop_timer_free(sa->redundant_timer);
	buf_free(sa->req);
	buf_free(sa->resp);
	buf_free(sa->req_frags);
	buf_free(sa->resp_frags);
	buf_free(sa->seal_frags);
	ikev2_reasm_clear(&sa->reasm);
	ikev2_sa_keys_wipe(&sa->keys);
	free(sa);
}

void
ikev2_engine_free(struct ikev2_engine *e)
{
	struct ike_sa *sa;

	if (e == NULL)
		return;
	while ((sa = e->sas) != NULL) {
		e->sas = sa->next;
		if (sa->st_index)
			st_ike_end(sa->st_index, ST_TERM_OPER);
		ike_sa_free(sa);
	}
	ike_ho_free(&e->ho);
	free(e->own);
	free(e->init);
	wipe(e->cookie_secret, sizeof(e->cookie_secret));
	free(e);
}

static void
ike_sa_unkick(struct ike_sa *sa)
{
	struct ike_sa **pp;

	for (pp = &sa->eng->kicked; *pp; pp = &(*pp)->kick_next)
		if (*pp == sa) {
			*pp = sa->kick_next;
			break;
		}
	sa->kicked = 0;
}

/* ---- the SPI index ----
 * Every SA is in own[] under our own SPI (spi_i when we initiated it,
 * spi_r when we answered); a message names both SPIs, so a lookup probes
 * the buckets of both and compares the pair. Responders that an
 * IKE_SA_INIT made are also in init[] under the peer's SPIi, which is all
 * a retransmitted IKE_SA_INIT can be matched by. The tables double when
 * they hold twice as many SAs as buckets. */
#define IDX_BUCKETS_MIN	1024

static uint32_t
idx_bucket(const struct ikev2_engine *e, uint64_t key)
{
	return (uint32_t)ike_mix64(e->seed, key) & (e->nb - 1);
}

static void
idx_link(struct ikev2_engine *e, struct ike_sa *sa, int own)
{
	struct ike_sa **head;

	if (own) {
		head = &e->own[idx_bucket(e, sa->own_key)];
		sa->own_next = *head;
	} else {
		head = &e->init[idx_bucket(e, sa->spi_i)];
		sa->init_next = *head;
	}
	*head = sa;
}

static void
idx_unlink(struct ikev2_engine *e, struct ike_sa *sa, int own)
{
	struct ike_sa **pp;

	if (own) {
		for (pp = &e->own[idx_bucket(e, sa->own_key)]; *pp; pp = &(*pp)->own_next)
			if (*pp == sa) {
				*pp = sa->own_next;
				return;
			}
	} else {
		for (pp = &e->init[idx_bucket(e, sa->spi_i)]; *pp; pp = &(*pp)->init_next)
			if (*pp == sa) {
				*pp = sa->init_next;
				return;
			}
	}
}

/* Twice the buckets, every SA again; without memory the chains grow. */
static void
idx_grow(struct ikev2_engine *e)
{
	struct ike_sa **own, **init, *sa;
	uint32_t nb = e->nb * 2;

	own = calloc(nb, sizeof(*own));
	init = calloc(nb, sizeof(*init));
	if (own == NULL || init == NULL) {
		free(own);
		free(init);
		return;
	}
	free(e->own);
	free(e->init);
	e->own = own;
	e->init = init;
	e->nb = nb;
	for (sa = e->sas; sa; sa = sa->next) {
		idx_link(e, sa, 1);
		if (sa->in_init_index)
			idx_link(e, sa, 0);
	}
}

int
ike_sa_index_setup(struct ikev2_engine *e)
{
	e->nb = IDX_BUCKETS_MIN;
	e->own = calloc(e->nb, sizeof(*e->own));
	e->init = calloc(e->nb, sizeof(*e->init));
	if (e->own == NULL || e->init == NULL) {
		free(e->own);
		free(e->init);
		e->own = e->init = NULL;
		return -1;
	}
	if (crypto_random(&e->seed, sizeof(e->seed)) < 0)
		e->seed = (uint64_t)(uintptr_t)e ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

void
ike_sa_set_own_spi(struct ike_sa *sa, uint64_t spi)
{
	idx_unlink(sa->eng, sa, 1);
	if (sa->initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->own_key = spi;
	idx_link(sa->eng, sa, 1);
}

void
ike_sa_index_init(struct ike_sa *sa)
{
	if (sa->in_init_index)
		idx_unlink(sa->eng, sa, 0);
	sa->in_init_index = 1;
	idx_link(sa->eng, sa, 0);
}

void
ike_sa_reap(struct ikev2_engine *e)
{
	struct ike_sa **pp = &e->sas, *sa;

	/* a walk only when some SA died: every packet ends with a reap */
	if (e->busy || e->ndead == 0)
		return;
	e->ndead = 0;
	while ((sa = *pp) != NULL) {
		if (sa->phase == IKE_DEAD) {
			*pp = sa->next;
			idx_unlink(e, sa, 1);
			if (sa->in_init_index)
				idx_unlink(e, sa, 0);
			e->nidx--;
			if (sa->kicked)
				ike_sa_unkick(sa);
			ike_sa_free(sa);
		} else
			pp = &sa->next;
	}
}

static uint64_t
ike_spi_new(void)
{
	uint64_t v = 0;

	while (v == 0)
		if (crypto_random(&v, sizeof(v)) < 0)
			return 0;
	return v;
}

static void ike_rtx_fire(void *arg);
static void ike_timer_fire(void *arg);
static void ike_rekey_fire(void *arg);
static void ike_keepalive_fire(void *arg);
static void ike_redundant_fire(void *arg);

struct ike_sa *
ike_sa_new(struct ikev2_engine *e, const struct cfg_conn *conn, int initiator,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	uint64_t spi = ike_spi_new();

	if (sa == NULL || spi == 0)
		goto fail;
	sa->eng = e;
	sa->conn = conn;
	sa->initiator = initiator;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->local = *local;
	sa->remote = *remote;
	sa->lport = lport;
	sa->rport = rport;
	sa->born_ms = loop_now_ms();
	if ((sa->rtx = loop_timer_new(ike_rtx_fire, sa)) == NULL ||
	    (sa->timer = loop_timer_new(ike_timer_fire, sa)) == NULL ||
	    (sa->rekey_timer = loop_timer_new(ike_rekey_fire, sa)) == NULL ||
	    (sa->keepalive_timer = loop_timer_new(ike_keepalive_fire, sa)) == NULL ||
	    (sa->redundant_timer = loop_timer_new(ike_redundant_fire, sa)) == NULL)
		goto fail;
	if (conn->left.id.type != CFG_ID_ANY)
		sa->lid = conn->left.id;
	else
		config_id_from_addr(local, &sa->lid);
	if (conn->right.id.type != CFG_ID_ANY)
		sa->rid = conn->right.id;
	else
		config_id_from_addr(remote, &sa->rid);
	sa->next = e->sas;
	e->sas = sa;
	sa->own_key = spi;
	idx_link(e, sa, 1);
	if (++e->nidx > 2 * e->nb)
		idx_grow(e);
	return sa;
fail:
	log_err("%s: cannot create an IKE SA for %s", __func__, conn->name);
	if (sa) {
		loop_timer_free(sa->rtx);
		loop_timer_free(sa->timer);
		loop_timer_free(sa->rekey_timer);
		loop_timer_free(sa->keepalive_timer);
		loop_timer_free(sa->redundant_timer);
		free(sa);
	}
	return NULL;
}

struct ikev2_prop_list *
ike_offer_new(const struct cfg_conn *c, int ike)
{
	struct ikev2_prop_list *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((ike ? ikev2_prop_from_cfg(&c->ike, IKEV2_PROTO_IKE, l) :
	    ikev2_prop_from_cfg(&c->esp, IKEV2_PROTO_ESP, l)) < 0 || (ike && l->n == 0)) {
		free(l);
		return NULL;
	}
	return l;
}

struct ike_sa *
ike_sa_find(struct ikev2_engine *e, uint64_t spi_i, uint64_t spi_r)
{
	struct ike_sa *sa;
	int k;

	/* ours is spi_r if we answered, spi_i if we initiated */
	for (k = 0; k < 2; k++)
		for (sa = e->own[idx_bucket(e, k ? spi_i : spi_r)]; sa; sa = sa->own_next)
			if (sa->phase != IKE_DEAD && sa->spi_i == spi_i &&
			    sa->spi_r == spi_r)
				return sa;
	return NULL;
}

struct ike_sa *
ike_sa_find_half(struct ikev2_engine *e, uint64_t spi_i,
    const struct ifl_addr *remote, uint16_t rport, int initiator)
{
	struct ike_sa *sa;

	if (initiator) {
		for (sa = e->own[idx_bucket(e, spi_i)]; sa; sa = sa->own_next)
			if (sa->phase == IKE_INIT_I && sa->initiator && sa->spi_i == spi_i)
				return sa;
		return NULL;
	}
	for (sa = e->init[idx_bucket(e, spi_i)]; sa; sa = sa->init_next)
		if (sa->phase != IKE_DEAD && !sa->initiator && sa->spi_i == spi_i &&
		    addr_cmp(&sa->remote, remote) == 0 && sa->rport == rport)
			return sa;
	return NULL;
}

struct ike_sa *
ike_sa_by_index(struct ikev2_engine *e, uint32_t st_index)
{
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->phase != IKE_DEAD && sa->st_index == st_index)
			return sa;
	return NULL;
}

const char *
ike_sa_peer(const struct ike_sa *sa, char *dst, size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(dst, len, "%s:%u", addr_str(&sa->remote, a, sizeof(a)), sa->rport);
	return dst;
}

enum st_id_type
ike_id_st_type(const struct cfg_id *id)
{
	return id->type == CFG_ID_IPV4_ADDR || id->type == CFG_ID_IPV6_ADDR ?
	    ST_ID_ADDR : ST_ID_NAME;
}

void
ike_sa_set_spi_r(struct ike_sa *sa, uint64_t spi_r)
{
	sa->spi_r = spi_r;
	ike_sa_st_sync(sa);
}

void
ike_sa_st_sync(struct ike_sa *sa)
{
	struct st_ike *st;

	if (sa->st_index == 0 || (st = st_ike_get(sa->st_index)) == NULL)
		return;
	st->local = sa->local;
	st->remote = sa->remote;
	st->local_port = sa->lport;
	st->remote_port = sa->rport;
	st->spi_i = sa->spi_i;
	st->spi_r = sa->spi_r;
	st->local_id_type = ike_id_st_type(&sa->lid);
	st->remote_id_type = ike_id_st_type(&sa->rid);
	snprintf(st->local_id, sizeof(st->local_id), "%s", sa->lid.text);
	snprintf(st->remote_id, sizeof(st->remote_id), "%s", sa->rid.text);
	st->nat_local = sa->nat_local;
	st->nat_remote = sa->nat_remote;
	st->auth_method = 2;	/* preSharedKey */
	if (sa->algs.encr)
		st->algs = sa->algs;
	st->lifetime = sa->conn->ikelifetime;
}

void
ike_sa_wipe_exchange(struct ike_sa *sa)
{
	ike_xchg_free(sa, sa->xr);
	sa->xr = NULL;
}

/* ---- phase ---- */

static const char *const phase_names[] = {
	[IKE_NEW] = "NEW", [IKE_INIT_I] = "INIT_I", [IKE_AUTH_I] = "AUTH_I",
	[IKE_INIT_R] = "INIT_R", [IKE_UP] = "UP", [IKE_DELETING] = "DELETING",
	[IKE_DEAD] = "DEAD",
};

/* The phases each phase may go to (as iked's sa_state()): INIT_I again
 * when IKE_SA_INIT restarts (COOKIE, INVALID_KE); NEW straight to UP for
 * an SA made by a rekey; any phase but DEAD to DEAD. */
#define PH(p)	(1u << (p))
static const unsigned phase_next[] = {
	[IKE_NEW] = PH(IKE_INIT_I) | PH(IKE_INIT_R) | PH(IKE_UP) | PH(IKE_DEAD),
	[IKE_INIT_I] = PH(IKE_INIT_I) | PH(IKE_AUTH_I) | PH(IKE_DEAD),
	[IKE_AUTH_I] = PH(IKE_UP) | PH(IKE_DEAD),
	[IKE_INIT_R] = PH(IKE_UP) | PH(IKE_DEAD),
	[IKE_UP] = PH(IKE_DELETING) | PH(IKE_DEAD),
	[IKE_DELETING] = PH(IKE_DEAD),
	[IKE_DEAD] = 0,
};

int
ike_sa_set_phase(struct ike_sa *sa, enum ike_phase to)
{
	enum ike_phase from = sa->phase;

	if ((phase_next[from] & PH(to)) == 0) {
		/* a bug in the engine, not the peer's doing: say so, stay put */
		log_warnx("IKEv2:(SA ID = %u):refused phase change %s -> %s",
		    sa->st_index, phase_names[from], phase_names[to]);
		return -1;
	}
	log_debug("IKEv2:(SA ID = %u):phase %s -> %s", sa->st_index,
	    phase_names[from], phase_names[to]);
	/* the responder's half-open count per source, under the address it
	 * was counted with (the peer may float to another before IKE_AUTH) */
	if (from == IKE_INIT_R && to != IKE_INIT_R)
		ike_ho_add(&sa->eng->ho, &sa->ho_src, -1);
	else if (to == IKE_INIT_R && from != IKE_INIT_R) {
		sa->ho_src = sa->remote;
		ike_ho_add(&sa->eng->ho, &sa->ho_src, 1);
	}
	if (to == IKE_DEAD)
		sa->eng->ndead++;
	sa->phase = to;
	return 0;
}

struct st_ike *
ike_sa_row(const struct ike_sa *sa)
{
	return sa->st_index ? st_ike_get(sa->st_index) : NULL;
}

void
ike_sa_up(struct ike_sa *sa)
{
	const struct cfg_conn *c = sa->conn;
	struct st_ike *st = ike_sa_row(sa);

	ike_sa_set_phase(sa, IKE_UP);
	sa->last_rx = loop_now_ms();
	loop_timer_stop(sa->timer);
	ike_dpd_arm(sa);
	ike_rekey_arm(sa);
	ike_keepalive_arm(sa);
	ike_sa_st_sync(sa);
	if (st) {
		/* cikeTunSaRefreshThreshold and the views' "rekeying in" */
		st->rekey_after = c->ikelifetime > c->rekeymargin ?
		    c->ikelifetime - c->rekeymargin : c->ikelifetime;
		st_ike_established(st);
	}
}

void
ike_sa_inherit(struct ike_sa *n, const struct ike_sa *old, const struct ikev2_prop *chosen)
{
	n->chosen = *chosen;
	ikev2_prop_algs(chosen, &n->algs);
	n->lid = old->lid;
	n->rid = old->rid;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->frag = old->frag;
}

/* ---- children ---- */

struct ike_child *
ike_child_new(struct ike_sa *sa)
{
	struct ike_child *ch = calloc(1, sizeof(*ch));

	if (ch == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	ch->reqid = sa->conn->reqid ? sa->conn->reqid : sa->eng->next_reqid++;
	ch->transport = sa->conn->mode == CFG_MODE_TRANSPORT;
	return ch;
}

void
ike_child_free(struct ike_sa *sa, struct ike_child *ch, int release_spi)
{
	struct ike_env *env = &sa->eng->env;

	if (release_spi && ch->spi_in && !ch->installed && env->release_spi)
		env->release_spi(env->arg, &sa->remote, &sa->local, IPPROTO_ESP,
		    ch->spi_in);
	wipe(ch->out_encr, sizeof(ch->out_encr));
	wipe(ch->out_integ, sizeof(ch->out_integ));
	free(ch);
}

struct ike_child *
ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->spi_out == spi)
			return ch;
	return NULL;
}

struct ike_child *
ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->spi_in == spi)
			return ch;
	return NULL;
}

void
ike_child_lifetimes(const struct cfg_conn *c, struct ike_lifetimes *l)
{
	l->hard_sec = c->keylife;
	l->soft_sec = c->keylife > c->rekeymargin ? c->keylife - c->rekeymargin : 0;
	l->hard_bytes = c->lifebytes;
	l->soft_bytes = c->lifebytes > c->marginbytes ? c->lifebytes - c->marginbytes : 0;
	l->hard_packets = c->lifepackets;
	l->soft_packets = c->lifepackets > c->marginpackets ?
	    c->lifepackets - c->marginpackets : 0;
}

void
ike_child_desc_fill(struct ike_child_sa *d, const struct ike_child_src *s)
{
	memset(d, 0, sizeof(*d));
	d->conn = s->conn->name;
	d->child_index = s->st_index;
	d->local = *s->local;
	d->remote = *s->remote;
	d->local_port = s->lport;
	d->remote_port = s->rport;
	d->encap = s->encap;
	d->proto = IPPROTO_ESP;
	d->transport = s->transport;
	d->reqid = s->reqid;
	d->spi_in = s->spi_in;
	d->spi_out = s->spi_out;
	d->encr = s->algs->encr;
	d->encr_keylen = s->algs->encr_keylen;
	d->integ = s->algs->integ;
	d->esn = s->algs->esn;
	d->encr_len = s->encr_len;
	d->integ_len = s->integ_len;
	if (s->life)
		d->life = *s->life;
	else
		ike_child_lifetimes(s->conn, &d->life);
	d->nts_local = s->nts_local;
	d->nts_remote = s->nts_remote;
	d->ts_local = s->ts_local;
	d->ts_remote = s->ts_remote;
	d->in_only = s->in_only;
}

void
ike_child_desc(const struct ike_sa *sa, const struct ike_child *ch,
    struct ike_child_sa *d)
{
	ike_child_desc_fill(d, &(struct ike_child_src){
	    .conn = sa->conn, .st_index = ch->st_index,
	    .local = &sa->local, .lport = sa->lport,
	    .remote = &sa->remote, .rport = sa->rport,
	    .encap = sa->nat_local || sa->nat_remote || sa->conn->forceencaps,
	    .reqid = ch->reqid, .spi_in = ch->spi_in, .spi_out = ch->spi_out,
	    .algs = &ch->algs, .encr_len = ch->encr_len,
	    .integ_len = ch->integ_len, .transport = ch->transport,
	    .nts_local = ch->nts_l, .ts_local = ch->ts_l,
	    .nts_remote = ch->nts_r, .ts_remote = ch->ts_r,
	    .in_only = ch->out_pending });
}

void
ike_children_follow(struct ike_sa *sa, const struct ifl_addr *old_local,
    const struct ifl_addr *old_remote)
{
	struct ike_env *env = &sa->eng->env;
	struct ike_child *ch;
	struct ike_child_sa d;
	char a[ADDR_STRLEN];

	if (env->update_child == NULL)
		return;
	for (ch = sa->children; ch; ch = ch->next) {
		struct st_child *st;

		if (!ch->installed)
			continue;
		/* the tunnel row shows where the SAs go now */
		if (ch->st_index && (st = st_child_get(ch->st_index)) != NULL) {
			st->local = sa->local;
			st->remote = sa->remote;
		}
		ike_child_desc(sa, ch, &d);
		d.old_local = *old_local;
		d.old_remote = *old_remote;
		if (env->update_child(env->arg, &d) == 0)
			continue;
		/* a fresh pair, made for the new addresses, replaces it */
		log_warnx("IKEv2:(SA ID = %u):child SA 0x%08x/0x%08x could not "
		    "follow the peer to %s:%u: rekeying it", sa->st_index, ch->spi_in,
		    ch->spi_out, addr_str(&sa->remote, a, sizeof(a)), sa->rport);
		if (!ch->rekeyed && !ch->deleting)
			ike_xchg_queue(sa, IKE_X_REKEY_CHILD, ch->spi_in);
	}
}

void
ike_child_remove(struct ike_sa *sa, struct ike_child *ch, enum st_term reason)
{
	struct ike_env *env = &sa->eng->env;
	struct ike_child **pp;
	struct ike_child_sa d;

	for (pp = &sa->children; *pp && *pp != ch; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = ch->next;
	ike_child_hand_over(sa, ch);
	if (ch->installed && env->remove_child) {
		ike_child_desc(sa, ch, &d);
		/* the successor pair goes on with the same policies */
		if (ch->rekeyed) {
			d.superseded = 1;
			d.nts_local = d.nts_remote = 0;
		}
		env->remove_child(env->arg, &d);
	}
	/* a rekeyed pair's row goes on with its successor */
	if (ch->st_index && !ch->rekeyed)
		st_child_end(ch->st_index, reason);
	wipe(ch->out_encr, sizeof(ch->out_encr));
	wipe(ch->out_integ, sizeof(ch->out_integ));
	free(ch);
}

/* The pair that replaced ch takes over the outbound traffic (its
 * outbound SA installed now if it waited); after a reauthentication it is
 * in another IKE SA. */
void
ike_child_hand_over(struct ike_sa *sa, struct ike_child *ch)
{
	struct ike_sa *o;
	struct ike_child *succ;

	if (!ch->rekeyed || !ch->st_index)
		return;
	for (o = sa->eng->sas; o; o = o->next)
		for (succ = o->children; succ; succ = succ->next)
			if (succ->st_index == ch->st_index && succ->out_pending)
				ike_child_install_out(o, succ);
}

void
ike_child_install_out(struct ike_sa *sa, struct ike_child *ch)
{
	struct ike_env *env = &sa->eng->env;
	struct ike_child_sa d;

	if (!ch->out_pending || env->install_out == NULL)
		return;
	ike_child_desc(sa, ch, &d);
	d.in_only = 0;
	d.encr_out = ch->out_encr;
	d.integ_out = ch->out_integ;
	if (env->install_out(env->arg, &d) == 0)
		ch->out_pending = 0;
	else
		log_warnx("IKEv2:(SA ID = %u):outbound SA 0x%08x of the rekeyed "
		    "child not installed", sa->st_index, ch->spi_out);
	wipe(ch->out_encr, sizeof(ch->out_encr));
	wipe(ch->out_integ, sizeof(ch->out_integ));
}

/* ---- exchange objects ---- */

struct ike_xchg *
ike_xchg_new(struct ike_sa *sa, enum ike_xkind kind, uint32_t child)
{
	struct ike_xchg *x;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		log_warnx("IKEv2:(SA ID = %u):no memory for an exchange", sa->st_index);
		return NULL;
	}
	x->kind = kind;
	x->ops = sa->eng->ops->xchg[kind];
	x->child = child;
	x->reason = ST_TERM_OPER;
	return x;
}

/* What the exchange made goes with it: a child it asked for is still
 * larval (an installed one is no longer x->made). */
void
ike_xchg_free(struct ike_sa *sa, struct ike_xchg *x)
{
	if (x == NULL)
		return;
	if (x->made)
		ike_child_free(sa, x->made, 1);
	dh_free(x->dh);
	free(x->offer);
	buf_free(x->init_i);
	buf_free(x->init_r);
	wipe(x, sizeof(*x));
	free(x);
}

/* The outstanding exchange, the waiting ones and a responder's
 * IKE_SA_INIT are dropped. */
static void
ike_xchg_clear(struct ike_sa *sa)
{
	struct ike_xchg *x;

	ike_xchg_free(sa, sa->xa);
	sa->xa = NULL;
	ike_sa_wipe_exchange(sa);
	while ((x = sa->xq) != NULL) {
		sa->xq = x->next;
		ike_xchg_free(sa, x);
	}
}

/* Inserts x after the waiting exchanges of its kind and those before it. */
static void
xq_insert(struct ike_sa *sa, struct ike_xchg *x)
{
	struct ike_xchg **pp;

	for (pp = &sa->xq; *pp && (*pp)->kind <= x->kind; pp = &(*pp)->next)
		;
	x->next = *pp;
	*pp = x;
}

struct ike_xchg *
ike_xchg_queue(struct ike_sa *sa, enum ike_xkind kind, uint32_t child)
{
	struct ike_xchg *x;

	for (x = sa->xq; x; x = x->next)
		if (x->kind == kind && x->child == child)
			return x;
	if ((x = ike_xchg_new(sa, kind, child)) != NULL)
		xq_insert(sa, x);
	return x;
}

void
ike_xchg_unqueue(struct ike_sa *sa, enum ike_xkind kind)
{
	struct ike_xchg **pp = &sa->xq, *x;

	while ((x = *pp) != NULL) {
		if (x->kind == kind) {
			*pp = x->next;
			ike_xchg_free(sa, x);
		} else
			pp = &x->next;
	}
}

struct ike_xchg *
ike_xchg_active(const struct ike_sa *sa, enum ike_xkind kind)
{
	return sa->xa && sa->xa->kind == kind ? sa->xa : NULL;
}

void
ike_xchg_move_children(struct ike_sa *from, struct ike_sa *to)
{
	struct ike_xchg **pp = &from->xq, *x;

	while ((x = *pp) != NULL) {
		if (x->child) {
			*pp = x->next;
			xq_insert(to, x);
		} else
			pp = &x->next;
	}
}

void
ike_sa_delete_later(struct ike_sa *sa, enum st_term reason)
{
	struct ike_xchg *x;

	if ((x = ike_xchg_queue(sa, IKE_X_DELETE_IKE, 0)) != NULL)
		x->reason = reason;
}

void
ike_sa_pass_delete(struct ike_sa *n, const struct ike_sa *old)
{
	const struct ike_xchg *x;

	for (x = old->xq; x; x = x->next)
		if (x->kind == IKE_X_DELETE_IKE && x->reason == ST_TERM_OPER) {
			ike_sa_delete_later(n, ST_TERM_OPER);
			ike_sa_kick(n);
			return;
		}
}

void
ike_sa_kick(struct ike_sa *sa)
{
	if (sa->kicked)
		return;
	sa->kicked = 1;
	sa->kick_next = sa->eng->kicked;
	sa->eng->kicked = sa;
}

/* ---- ending and failing ---- */

void
ike_sa_end(struct ike_sa *sa, enum st_term reason)
{
	struct st_conn *sc;

	if (sa->phase == IKE_DEAD)
		return;
	ike_xchg_clear(sa);
	while (sa->children)
		ike_child_remove(sa, sa->children, reason);
	loop_timer_stop(sa->rtx);
	loop_timer_stop(sa->timer);
	loop_timer_stop(sa->rekey_timer);
	loop_timer_stop(sa->keepalive_timer);
	loop_timer_stop(sa->redundant_timer);
	if (sa->st_index) {
		if ((sc = st_conn_find(sa->conn->name)) && sc->ike_index == sa->st_index)
			sc->ike_index = 0;
		st_ike_end(sa->st_index, reason);
		sa->st_index = 0;
	}
	ike_sa_set_phase(sa, IKE_DEAD);
	ikev2_sa_keys_wipe(&sa->keys);
	sa->have_keys = 0;
}

/* The next of keyingtries. An attempt that failed after its
 * retransmissions is retried at once; one the peer failed quickly (COOKIEs
 * that never verify, a malformed answer) waits until the first
 * retransmission timeout has passed since that attempt began: with
 * keyingtries=%forever an immediate retry against a peer that answers
 * every IKE_SA_INIT at once in the same way would send them, each with a
 * new DH key, as fast as the round trip allows. Meanwhile the new SA is
 * listed as connecting (its row made now), so nothing starts a second. */
static void
ike_sa_retry(struct ike_sa *sa)
{
	struct ikev2_engine *e = sa->eng;
	struct ike_sa *n;
	unsigned attempt = sa->attempt;
	const struct cfg_conn *conn = sa->conn;
	uint64_t floor = ike_tuning_rtx_delay(&e->tun, 0), age = loop_now_ms() - sa->born_ms;
	struct st_ike *st;

	ike_sa_end(sa, ST_TERM_LOCAL_FAIL);
	if ((n = ike_sa_new(e, conn, 1, &sa->local, e->tun.ike_port, &sa->remote,
	    e->tun.ike_port)) == NULL)
		return;
	n->attempt = attempt + 1;
	if (age < floor && (st = st_ike_new(conn->name, 2, 1)) != NULL) {
		n->st_index = st->index;
		ike_sa_st_sync(n);
		log_info("IKEv2:%s: retrying in %llu ms, attempt %u of %s", conn->name,
		    (unsigned long long)(floor - age), n->attempt,
		    conn->keyingtries ? "keyingtries" : "%forever");
		loop_timer_set(n->timer, floor - age);
		return;
	}
	log_info("IKEv2:%s: retrying, attempt %u of %s", conn->name, n->attempt,
	    conn->keyingtries ? "keyingtries" : "%forever");
	if (e->ops->init_start(n) < 0)
		ike_sa_end(n, ST_TERM_LOCAL_FAIL);
}

void
ike_sa_fail_record(struct ike_sa *sa, enum st_ike_fail reason, const char *detail)
{
	struct st_ike_failrec *fr;
	struct st_ike_global *g;
	char peer[ADDR_STRLEN + 8];

	log_notice("IKEv2:%s: peer %s: %s", sa->conn->name,
	    ike_sa_peer(sa, peer, sizeof(peer)), detail);
	if ((fr = st_ike_fail(reason, sa->conn->name, &sa->local, &sa->remote,
	    detail)) != NULL) {
		fr->local_id_type = ike_id_st_type(&sa->lid);
		fr->remote_id_type = ike_id_st_type(&sa->rid);
		snprintf(fr->local_id, sizeof(fr->local_id), "%s", sa->lid.text);
		snprintf(fr->remote_id, sizeof(fr->remote_id), "%s", sa->rid.text);
	}
	g = st_ike_global_w();
	if (sa->phase != IKE_UP && sa->phase != IKE_DELETING) {
		if (sa->initiator)
			g->init_tunnel_fails++;
		else
			g->resp_tunnel_fails++;
	}
}

void
ike_sa_fail(struct ike_sa *sa, enum st_ike_fail reason, int retry,
    const char *fmt, ...)
{
	char detail[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ike_sa_fail_record(sa, reason, detail);
	/* keyingtries: 0 is %forever */
	if (retry && sa->initiator && (sa->conn->keyingtries == 0 ||
	    sa->attempt < sa->conn->keyingtries)) {
		ike_sa_retry(sa);
		return;
	}
	ike_sa_end(sa, reason == ST_IKEF_PEER_LOST ? ST_TERM_PEER_LOST :
	    ST_TERM_LOCAL_FAIL);
}

/* ---- timers ---- */

uint64_t
ike_tuning_rtx_delay(const struct ike_tuning *t, unsigned tries)
{
	double ms = t->retrans_timeout * 1000.0;
	unsigned i;

	for (i = 0; i < tries; i++)
		ms *= t->retrans_base;

	return ms < 1 ? 1 : (uint64_t)ms;
}

static uint64_t
ike_rtx_delay(const struct ikev2_engine *e, unsigned tries)
{
	return ike_tuning_rtx_delay(&e->tun, tries);
}

/* When DPD is on, the moment the peer counts as lost: dpdtimeout after
 * its last word, however many retransmits that leaves. 0 = none. */
static uint64_t
ike_dead_at(const struct ike_sa *sa)
{
	if (sa->phase != IKE_UP || sa->conn->dpdaction == CFG_DPD_NONE ||
	    sa->conn->dpdtimeout == 0)
		return 0;
	return sa->last_rx + (uint64_t)sa->conn->dpdtimeout * 1000;
}

/* The wait before the next retransmit; with DPD, a few tries fit before
 * dpdtimeout (half the time left each, 0.5 s at least) and the last wait
 * ends at it. */
static uint64_t
ike_rtx_next(const struct ike_sa *sa, unsigned tries, uint64_t now)
{
	uint64_t delay = ike_rtx_delay(sa->eng, tries), dead_at = ike_dead_at(sa), left;

	if (dead_at == 0)
		return delay;
	left = dead_at > now ? dead_at - now : 1;
	if (delay > left / 2)
		delay = left / 2 > 500 ? left / 2 : 500;
	return delay < left ? delay : left;
}

void
ike_sa_peer_lost(struct ike_sa *sa, struct ike_xchg *x)
{
	struct ikev2_engine *e = sa->eng;
	const struct cfg_conn *conn = sa->conn;
	uint64_t dead_at = ike_dead_at(sa);
	const char *what = ikev2_exchange_name(x ? x->ops->exchange :
	    sa->req->data[18]);

	/* dpdaction=hold: traffic brings the tunnel back; the trap goes in
	 * before the SAs go, so no packet leaks out in the clear between the
	 * two */
	if (conn->dpdaction == CFG_DPD_HOLD && e->env.hold) {
		log_info("IKEv2:%s: peer lost, holding its traffic", conn->name);
		e->env.hold(e->env.arg, conn);
	}
	if (dead_at && loop_now_ms() + 5 >= dead_at)
		ike_sa_fail(sa, ST_IKEF_PEER_LOST, 0,
		    "silent for dpdtimeout (%us), %s request (message %u) "
		    "not answered after %u retransmits", conn->dpdtimeout,
		    what, sa->req_msgid, sa->req_tries);
	else
		ike_sa_fail(sa, ST_IKEF_PEER_LOST, 0,
		    "%s request (message %u) not answered after %u retransmits",
		    what, sa->req_msgid, sa->req_tries);
	/* dpdaction=restart: negotiate again at once */
	if (conn->dpdaction == CFG_DPD_RESTART && conn->right.addr.family &&
	    conn->left.addr.family) {
		log_info("IKEv2:%s: peer lost, restarting", conn->name);
		e->ops->initiate(e, conn);
	}
}

static void
ike_rtx_fire(void *arg)
{
	struct ike_sa *sa = arg;
	struct ikev2_engine *e = sa->eng;
	char peer[ADDR_STRLEN + 8];
	uint64_t now = loop_now_ms(), dead_at;

	if (sa->req == NULL || sa->phase == IKE_DEAD)
		return;
	e->busy++;
	dead_at = ike_dead_at(sa);
	if (sa->req_tries >= e->tun.retrans_tries || (dead_at && now + 5 >= dead_at)) {
		/* the last wait, retrans_timeout * base^tries, is over too:
		 * the exchange ends through its own handler */
		if (sa->xa)
			sa->xa->ops->timeout(sa, sa->xa);
		else
			ike_sa_peer_lost(sa, NULL);
		goto out;
	}
	sa->req_tries++;
	e->st.retransmits++;
	log_info("IKEv2:(SA ID = %u):Retransmitting packet [To %s] (%u of %u)",
	    sa->st_index, ike_sa_peer(sa, peer, sizeof(peer)), sa->req_tries,
	    e->tun.retrans_tries);
	ike_send_msg(sa, sa->req, sa->req_frags);
	loop_timer_set(sa->rtx, ike_rtx_next(sa, sa->req_tries, now));
out:
	e->busy--;
	ike_sa_reap(e);
}

/* Time to replace the IKE SA (strongSwan rekeys, it does not reauthenticate,
 * by default). */
static void
ike_rekey_fire(void *arg)
{
	struct ike_sa *sa = arg;
	struct ikev2_engine *e = sa->eng;

	uint64_t now = loop_now_ms();

	if (sa->phase != IKE_UP)
		return;
	e->busy++;
	if (sa->hard_at && now >= sa->hard_at) {
		/* not replaced in time (or rekey=no): the SA ends */
		log_info("IKEv2:(SA ID = %u):IKE SA lifetime of %us expired, deleting",
		    sa->st_index, sa->conn->ikelifetime);
		ike_sa_delete_later(sa, ST_TERM_NORMAL);
		ike_xchg_unqueue(sa, IKE_X_REKEY_IKE);
	} else if (!sa->rekeyed) {
		ike_xchg_queue(sa, IKE_X_REKEY_IKE, 0);
		/* back for the hard limit, should the rekey not happen */
		if (sa->hard_at)
			loop_timer_set(sa->rekey_timer, sa->hard_at - now);
	}
	e->ops->queue_run(sa);
	e->busy--;
	ike_sa_reap(e);
}

void
ike_redundant_arm(struct ike_sa *sa)
{
	const struct ike_tuning *t = &sa->eng->tun;

	loop_timer_set(sa->redundant_timer,
	    ike_tuning_rtx_delay(t, 0) + ike_tuning_rtx_delay(t, 1));
}

static void
ike_redundant_fire(void *arg)
{
	struct ike_sa *sa = arg;
	struct ikev2_engine *e = sa->eng;
	struct ike_child *ch;

	if (sa->phase != IKE_UP)
		return;
	e->busy++;
	if (sa->redundant) {
		log_info("IKEv2:(SA ID = %u):the peer did not delete its redundant IKE SA "
		    "of a rekey collision: deleting it", sa->st_index);
		ike_sa_delete_later(sa, ST_TERM_NORMAL);
	} else {
		for (ch = sa->children; ch; ch = ch->next) {
			if (!ch->peer_redundant || ch->deleting)
				continue;
			log_info("IKEv2:(SA ID = %u):the peer did not delete its redundant "
			    "child SA 0x%08x of a rekey collision: deleting it",
			    sa->st_index, ch->spi_in);
			ike_xchg_queue(sa, IKE_X_DELETE_CHILD, ch->spi_in);
		}
	}
	e->ops->queue_run(sa);
	e->busy--;
	ike_sa_reap(e);
}

void
ike_rekey_arm(struct ike_sa *sa)
{
	const struct cfg_conn *c = sa->conn;
	uint64_t ms, fuzz;
	uint32_t r = 0;

	if (c->ikelifetime == 0)
		return;
	sa->hard_at = loop_now_ms() + (uint64_t)c->ikelifetime * 1000;
	if (!c->rekey || c->ikelifetime <= c->rekeymargin) {
		loop_timer_set(sa->rekey_timer, (uint64_t)c->ikelifetime * 1000);
		return;
	}
	/* rekeyfuzz spreads both ends' timers, making crossing rekeys rare */
	ms = (uint64_t)(c->ikelifetime - c->rekeymargin) * 1000;
	fuzz = (uint64_t)c->rekeymargin * 1000 * c->rekeyfuzz / 100;
	if (fuzz && crypto_random(&r, sizeof(r)) == 0)
		ms -= r % (fuzz < ms ? fuzz : ms);
	loop_timer_set(sa->rekey_timer, ms);
}

void
ike_keepalive_arm(struct ike_sa *sa)
{
	struct ikev2_engine *e = sa->eng;

	/* forceencaps without a NAT: a stateful firewall on the way may
	 * still want its UDP mapping kept */
	if (sa->phase == IKE_UP && e->env.keepalive && e->tun.keepalive > 0 &&
	    (sa->nat_local || (sa->conn->forceencaps && sa->lport == e->tun.natt_port)))
		loop_timer_set(sa->keepalive_timer, (uint64_t)(e->tun.keepalive * 1000));
}

static void
ike_keepalive_fire(void *arg)
{
	struct ike_sa *sa = arg;
	struct ikev2_engine *e = sa->eng;

	if (sa->phase != IKE_UP && sa->phase != IKE_DELETING)
		return;
	e->st.keepalives++;
	e->env.keepalive(e->env.arg, &sa->local, sa->lport, &sa->remote, sa->rport);
	ike_keepalive_arm(sa);
}

void
ike_dpd_arm(struct ike_sa *sa)
{
	if (sa->phase == IKE_UP && sa->conn->dpdaction != CFG_DPD_NONE &&
	    sa->conn->dpddelay > 0)
		loop_timer_set(sa->timer, (uint64_t)sa->conn->dpddelay * 1000);
}

/* The general timer: the responder's half-open limit, and once the SA is
 * up, dead peer detection. */
static void
ike_timer_fire(void *arg)
{
	struct ike_sa *sa = arg;
	struct ikev2_engine *e = sa->eng;
	uint64_t delay;

	if (sa->phase == IKE_DEAD)
		return;
	e->busy++;
	if (sa->phase == IKE_NEW && sa->initiator) {
		/* a retry's wait is over (ike_sa_retry): the attempt begins */
		sa->born_ms = loop_now_ms();
		if (e->ops->init_start(sa) < 0)
			ike_sa_end(sa, ST_TERM_LOCAL_FAIL);
	} else if (sa->phase == IKE_INIT_R)
		ike_sa_fail(sa, ST_IKEF_PEER_LOST, 0,
		    "half-open IKE SA timed out waiting for IKE_AUTH");
	else if (sa->phase == IKE_UP) {
		delay = (uint64_t)sa->conn->dpddelay * 1000;
		/* only a quiet peer is asked; our own requests prove it too */
		if (loop_now_ms() - sa->last_rx + 10 >= delay && sa->req == NULL) {
			ike_xchg_queue(sa, IKE_X_LIVENESS, 0);
			e->ops->queue_run(sa);
		}
		ike_dpd_arm(sa);
	}
	e->busy--;
	ike_sa_reap(e);
}

/* ---- messages ---- */

void
ike_msg_start(struct ike_sa *sa, struct ike_builder *bl, struct buf *b,
    uint8_t exch, int response, uint32_t msgid)
{
	struct ike_hdr h;

	memset(&h, 0, sizeof(h));
	h.ispi = sa->spi_i;
	h.rspi = sa->spi_r;
	h.version = IKEV2_VERSION;
	h.exchange = exch;
	h.flags = (sa->initiator ? IKEV2_FLAG_INITIATOR : 0) |
	    (response ? IKEV2_FLAG_RESPONSE : 0);
	h.msgid = response ? msgid : sa->next_msgid;
	ikev2_build_msg(bl, b, &h);
}

/* Room for IP (v6) and UDP headers and the non-ESP marker. */
#define FRAG_HEADROOM	(40 + 8 + 4)

/* Splits the plaintext into SKF fragments (RFC 7383 §2.5), each led by its
 * length. NULL on failure. */
static struct buf *
ike_fragments(struct ike_sa *sa, const uint8_t *hdr, uint8_t first,
    const uint8_t *plain, size_t len)
{
	size_t budget = sa->eng->tun.fragment_size - FRAG_HEADROOM, chunk, off;
	struct ike_builder bl;
	struct ike_hdr h;
	struct buf *out = buf_new(len + 512), *f = NULL;
	uint16_t total, num;
	long skoff;

	if (out == NULL)
		goto fail;
	/* the sealed message's header, for every fragment */
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 8; i++) {
		h.ispi = h.ispi << 8 | hdr[i];
		h.rspi = h.rspi << 8 | hdr[8 + i];
	}
	h.version = hdr[17];
	h.exchange = hdr[18];
	h.flags = hdr[19];
	h.msgid = (uint32_t)hdr[20] << 24 | (uint32_t)hdr[21] << 16 |
	    (uint32_t)hdr[22] << 8 | hdr[23];
	/* the largest chunk whose fragment fits */
	for (chunk = budget; chunk > 64 && IKEV2_HDR_LEN + IKEV2_SKF_HDR_LEN +
	    ikev2_sk_overhead(&sa->keys, chunk) > budget; chunk--)
		;
	if (chunk <= 64 || (len + chunk - 1) / chunk > IKEV2_FRAG_MAX)
		goto fail;
	total = (uint16_t)((len + chunk - 1) / chunk);
	for (num = 1, off = 0; num <= total; num++, off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		if ((f = buf_new(budget)) == NULL)
			goto fail;
		ikev2_build_msg(&bl, f, &h);
		if ((skoff = ikev2_build_skf(&bl, first, num, total)) < 0 ||
		    ikev2_build_finish(&bl) < 0 ||
		    ikev2_sk_encrypt(&sa->keys, sa->initiator, f, (size_t)skoff,
		    plain + off, n) < 0 || buf_put_u16(out, (uint16_t)f->len) < 0 ||
		    buf_put(out, f->data, f->len) < 0)
			goto fail;
		buf_free(f);
		f = NULL;
	}
	return out;
fail:
	log_warnx("IKEv2:(SA ID = %u):cannot fragment a %zu byte message", sa->st_index, len);
	buf_free(f);
	buf_free(out);
	return NULL;
}

int
ike_msg_seal(struct ike_sa *sa, struct ike_builder *bl, struct buf *inner_b,
    struct ike_builder *inner)
{
	long off;

	if (inner->failed || inner_b->failed)
		return -1;
	if ((off = ikev2_build_sk(bl, inner->first)) < 0 || ikev2_build_finish(bl) < 0)
		return -1;
	if (ikev2_sk_encrypt(&sa->keys, sa->initiator, bl->b, (size_t)off,
	    inner_b->data, inner_b->len) < 0)
		return -1;
	buf_free(sa->seal_frags);
	sa->seal_frags = NULL;
	if (sa->frag && sa->eng->tun.fragment_size > FRAG_HEADROOM + 128 &&
	    bl->b->len - bl->start + FRAG_HEADROOM > sa->eng->tun.fragment_size)
		sa->seal_frags = ike_fragments(sa, bl->b->data + bl->start, inner->first,
		    inner_b->data, inner_b->len);
	return 0;
}

int
ike_send_msg(struct ike_sa *sa, const struct buf *msg, const struct buf *frags)
{
	size_t off = 0;
	int r = 0;

	if (frags == NULL)
		return ike_send_raw(sa->eng, sa, &sa->local, sa->lport, &sa->remote,
		    sa->rport, msg->data, msg->len);
	while (off + 2 <= frags->len) {
		size_t n = (size_t)frags->data[off] << 8 | frags->data[off + 1];

		if (off + 2 + n > frags->len)
			break;
		if (ike_send_raw(sa->eng, sa, &sa->local, sa->lport, &sa->remote,
		    sa->rport, frags->data + off + 2, n) < 0)
			r = -1;
		off += 2 + n;
	}
	return r;
}

int
ike_send_raw(struct ikev2_engine *e, struct ike_sa *sa, const struct ifl_addr *src,
    uint16_t sport, const struct ifl_addr *dst, uint16_t dport,
    const uint8_t *p, size_t len)
{
	struct st_ike *st = sa && sa->st_index ? st_ike_get(sa->st_index) : NULL;
	int r;

	e->st.tx++;
	st_ike_count_out(st, len);
	r = e->env.send(e->env.arg, src, sport, dst, dport, p, len);
	if (r < 0 && st)
		ST_IKE_INC(st, out_drops);
	return r;
}

int
ike_send_request(struct ike_sa *sa, struct buf *msg, struct ike_xchg *x)
{
	if (sa->xa != x)
		ike_xchg_free(sa, sa->xa);
	sa->xa = x;
	buf_free(sa->req);
	buf_free(sa->req_frags);
	sa->req = msg;
	sa->req_frags = sa->seal_frags;
	sa->seal_frags = NULL;
	sa->req_msgid = sa->next_msgid++;
	sa->req_tries = 0;
	ike_send_msg(sa, msg, sa->req_frags);
	loop_timer_set(sa->rtx, ike_rtx_next(sa, 0, loop_now_ms()));
	return 0;
}

void
ike_request_done(struct ike_sa *sa)
{
	loop_timer_stop(sa->rtx);
	buf_free(sa->req);
	buf_free(sa->req_frags);
	sa->req = NULL;
	sa->req_frags = NULL;
	ike_xchg_free(sa, sa->xa);
	sa->xa = NULL;
}

int
ike_send_error_response(struct ike_sa *sa, uint8_t exch, uint32_t msgid,
    uint16_t notify, const void *data, size_t len)
{
	struct ike_builder bl, in;
	struct buf *b = buf_new(128), *ib = buf_new_secret(32);
	int r = -1;

	if (b && ib) {
		ike_build_chain(&in, ib);
		ikev2_build_notify_simple(&in, notify, data, len);
		ike_msg_start(sa, &bl, b, exch, 1, msgid);
		if (ike_msg_seal(sa, &bl, ib, &in) == 0) {
			ike_count_notify(sa, 1);
			r = ike_send_response(sa, b, msgid);
			b = NULL;
		}
	}
	buf_free(b);
	buf_free(ib);
	return r;
}

int
ike_send_response(struct ike_sa *sa, struct buf *msg, uint32_t msgid)
{
	buf_free(sa->resp);
	buf_free(sa->resp_frags);
	sa->resp = msg;
	sa->resp_frags = sa->seal_frags;
	sa->seal_frags = NULL;
	sa->resp_msgid = msgid;
	sa->peer_msgid = msgid + 1;
	return ike_send_msg(sa, msg, sa->resp_frags);
}

/* An unprotected answer: one notify, no state (the SPIs, message ID and
 * flags in h). */
static void
send_plain_notify(struct ikev2_engine *e, const struct ike_hdr *h,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport,
    uint16_t notify, const void *data, size_t len)
{
	struct ike_builder bl;
	struct buf *b = buf_new(64);

	if (b == NULL)
		return;
	ikev2_build_msg(&bl, b, h);
	ikev2_build_notify_simple(&bl, notify, data, len);
	if (ikev2_build_finish(&bl) == 0) {
		st_ike_global_w()->c.out_notifys++;
		ike_send_raw(e, NULL, local, lport, remote, rport, b->data, b->len);
	}
	buf_free(b);
}

void
ike_send_init_error(struct ikev2_engine *e, const struct ike_hdr *req,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport,
    uint16_t notify, const void *data, size_t len)
{
	struct ike_hdr h;

	memset(&h, 0, sizeof(h));
	h.ispi = req->ispi;
	h.version = IKEV2_VERSION;
	h.exchange = IKEV2_EXCH_IKE_SA_INIT;
	h.flags = IKEV2_FLAG_RESPONSE;
	h.msgid = req->msgid;
	send_plain_notify(e, &h, local, lport, remote, rport, notify, data, len);
}

int
ike_send_invalid_spi(struct ikev2_engine *e, const struct ike_hdr *req,
    const struct ifl_addr *local, uint16_t lport,
    const struct ifl_addr *remote, uint16_t rport)
{
	struct ike_hdr h;
	uint64_t now = loop_now_ms();

	if (req->flags & IKEV2_FLAG_RESPONSE)
		return 0;
	if (now - e->invspi.win_start >= 1000) {
		e->invspi.win_start = now;
		e->invspi.sent = 0;
	}
	if (e->invspi.sent >= IKEV2_INVALID_SPI_PER_S) {
		e->st.invalid_spi_quiet++;
		return 0;
	}
	e->invspi.sent++;
	e->st.invalid_spi++;
	memset(&h, 0, sizeof(h));
	h.ispi = req->ispi;
	h.rspi = req->rspi;
	h.version = IKEV2_VERSION;
	h.exchange = req->exchange;
	/* we are the other end of the SA the request names */
	h.flags = IKEV2_FLAG_RESPONSE |
	    ((req->flags & IKEV2_FLAG_INITIATOR) ? 0 : IKEV2_FLAG_INITIATOR);
	h.msgid = req->msgid;
	send_plain_notify(e, &h, local, lport, remote, rport,
	    IKEV2_N_INVALID_IKE_SPI, NULL, 0);
	return 1;
}

void
ike_drop(struct ikev2_engine *e, struct ike_sa *sa, const struct ifl_addr *src,
    uint16_t sport, const struct ike_hdr *h, const char *why)
{
	struct st_ike *st = sa && sa->st_index ? st_ike_get(sa->st_index) : NULL;
	uint64_t now = loop_now_ms(), *last = sa ? &sa->last_drop_log : &e->last_drop_log;
	char a[ADDR_STRLEN];

	e->st.drops++;
	if (st)
		ST_IKE_INC(st, in_drops);
	else
		st_ike_global_w()->c.in_drops++;
	if (*last && now - *last < IKEV2_DROP_LOG_MS)
		return;
	*last = now;
	if (h)
		log_notice("IKEv2:Dropping packet from %s:%u (SPI %016llx/%016llx, "
		    "message %u): %s", addr_str(src, a, sizeof(a)), sport,
		    (unsigned long long)h->ispi, (unsigned long long)h->rspi,
		    h->msgid, why);
	else
		log_notice("IKEv2:Dropping packet from %s:%u: %s",
		    addr_str(src, a, sizeof(a)), sport, why);
}

void
ike_count_notify(struct ike_sa *sa, int out)
{
	struct st_ike *st = sa && sa->st_index ? st_ike_get(sa->st_index) : NULL;

	if (st) {
		if (out)
			ST_IKE_INC(st, out_notifys);
		else
			ST_IKE_INC(st, in_notifys);
	} else if (out)
		st_ike_global_w()->c.out_notifys++;
	else
		st_ike_global_w()->c.in_notifys++;
}

size_t
ike_id_body(const struct cfg_id *id, uint8_t *out, size_t len)
{
	if (len < 4u + id->len)
		return 0;
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4u + id->len;
}

void
ikev2_engine_stats(const struct ikev2_engine *e, struct ikev2_engine_stats *st)
{
	const struct ike_sa *sa;

	*st = e->st;
	st->sas = st->half_open = 0;
	st->ho_sources = e->ho.sources;
	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->phase == IKE_DEAD)
			continue;
		st->sas++;
		if (sa->phase == IKE_INIT_I || sa->phase == IKE_INIT_R ||
		    sa->phase == IKE_AUTH_I)
			st->half_open++;
	}
}
