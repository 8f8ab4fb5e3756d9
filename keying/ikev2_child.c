/* Child SAs as every exchange that makes them needs them: installing a
 * negotiated child (keys, kernel, state rows, the tunnel row it continues),
 * recording one that could not be made, its traffic selector payloads, and
 * moving children to a rekeyed IKE SA. Below the exchanges: IKE_AUTH and
 * CREATE_CHILD_SA (and IKEv1's Quick Mode) call here, nothing here calls
 * them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev2_sa.h"
#include "keying/ikev2_ts.h"

int
ike_build_ts(struct ike_builder *bl, uint8_t type, const struct ikev2_ts *ts, size_t n)
{
	struct ikev2_tsp *t = calloc(1, sizeof(*t));
	int r;

	if (t == NULL)
		return -1;
	t->n = n < IKEV2_MAX_TS ? n : IKEV2_MAX_TS;
	memcpy(t->ts, ts, t->n * sizeof(*ts));
	r = ikev2_build_ts(bl, type, t);
	free(t);
	return r;
}

void
ike_child_fail(struct ike_sa *sa, struct ike_child *ch, enum st_ipsec_fail reason,
    const char *detail)
{
	char peer[ADDR_STRLEN + 8];

	log_notice("IKEv2:%s: child SA with %s not created: %s", sa->conn->name,
	    ike_sa_peer(sa, peer, sizeof(peer)), detail);
	st_ipsec_fail(reason, 0, ch ? ch->spi_in : 0, &sa->remote, &sa->local, detail);
	if (ch)
		ike_child_free(sa, ch, 1);
}

/* The tunnel a new child continues: a live child of another IKE SA of the
 * same connection and peer identity, with the same traffic selectors. That
 * is a reauthentication (RFC 7296 §2.8.3: the peer makes a new IKE SA and
 * children, then deletes the old), or the peer's duplicate of a tunnel it
 * still has with us. The new pair takes over that child's row as a rekey
 * does, so the tunnel keeps its index and its counters go on. */
static struct ike_child *
child_predecessor(const struct ike_sa *sa, const struct ike_child *ch,
    const struct ike_sa **owner)
{
	const struct ike_sa *o;
	struct ike_child *oc;

	for (o = sa->eng->sas; o; o = o->next) {
		if (o == sa || (o->phase != IKE_UP && o->phase != IKE_DELETING) ||
		    strcmp(o->conn->name, sa->conn->name) != 0 ||
		    o->rid.type != sa->rid.type || o->rid.len != sa->rid.len ||
		    memcmp(o->rid.data, sa->rid.data, sa->rid.len) != 0)
			continue;
		for (oc = o->children; oc; oc = oc->next)
			if (oc->installed && !oc->rekeyed && oc->st_index &&
			    oc->transport == ch->transport &&
			    ikev2_ts_same(oc->ts_l, oc->nts_l, ch->ts_l, ch->nts_l) &&
			    ikev2_ts_same(oc->ts_r, oc->nts_r, ch->ts_r, ch->nts_r)) {
				*owner = o;
				return oc;
			}
	}
	return NULL;
}

int
ike_child_install(struct ike_sa *sa, struct ike_child *ch, const struct ike_child_ctx *x)
{
	const struct cfg_conn *c = sa->conn;
	struct ike_env *env = &sa->eng->env;
	struct ikev2_child_keys *ck = calloc(1, sizeof(*ck));
	struct ike_child_sa d;
	struct st_child *st = NULL;
	struct ike_child *pred = NULL;
	const struct ike_sa *pred_sa = NULL;
	size_t i;
	int r = -1;

	if (ck == NULL || ikev2_child_keys(ck, &ch->algs, &sa->keys, x->gir, x->gir_len,
	    x->ni, x->ni_len, x->nr, x->nr_len) < 0) {
		ike_child_fail(sa, ch, ST_IPF_INTERNAL, "KEYMAT derivation failed");
		goto out;
	}
	if (!x->st_index && !x->redundant &&
	    (pred = child_predecessor(sa, ch, &pred_sa)) != NULL &&
	    (st = st_child_get(pred->st_index)) != NULL) {
		/* its removal with the old IKE SA drops only its own SAs */
		pred->rekeyed = 1;
		st_child_reparent(st, sa->st_index);
		log_info("IKEv2:(SA ID = %u):child SA 0x%08x/0x%08x continues the tunnel "
		    "of SA ID = %u (child SA 0x%08x/0x%08x): a reauthentication",
		    sa->st_index, ch->spi_in, ch->spi_out, pred_sa->st_index,
		    pred->spi_in, pred->spi_out);
	} else if (x->st_index)
		st = st_child_get(x->st_index);
	else if ((st = st_child_new(sa->st_index, c->name)) == NULL) {
		ike_child_fail(sa, ch, ST_IPF_INTERNAL, "no state row for the child");
		goto out;
	}
	if (st == NULL) {
		ike_child_fail(sa, ch, ST_IPF_INTERNAL, "the rekeyed child's state row is gone");
		goto out;
	}
	ch->st_index = st->index;
	ike_child_desc(sa, ch, &d);
	/* "_i" keys protect traffic from the exchange's initiator (§2.17) */
	d.encr_in = x->we_initiated ? ck->encr_r : ck->encr_i;
	d.integ_in = x->we_initiated ? ck->integ_r : ck->integ_i;
	d.encr_out = x->we_initiated ? ck->encr_i : ck->encr_r;
	d.integ_out = x->we_initiated ? ck->integ_i : ck->integ_r;
	d.encr_len = ch->encr_len = ck->encr_len;
	d.integ_len = ch->integ_len = ck->integ_len;
	/* as when we answer a rekey, the peer may not have its new inbound SA
	 * yet when it continues a tunnel in a new IKE SA we answered: our new
	 * outbound SA waits for the old pair's delete */
	if ((x->defer_out || (pred && !x->we_initiated)) && !x->redundant &&
	    env->install_out != NULL &&
	    d.encr_len <= IKE_CHILD_KEY_MAX && d.integ_len <= IKE_CHILD_KEY_MAX) {
		d.in_only = 1;
		memcpy(ch->out_encr, d.encr_out, d.encr_len);
		if (d.integ_len)
			memcpy(ch->out_integ, d.integ_out, d.integ_len);
	}
	if (env->install_child(env->arg, &d) < 0) {
		if (pred) {
			/* the row stays the old pair's */
			pred->rekeyed = 0;
			st_child_reparent(st, pred_sa->st_index);
		} else if (!x->st_index)
			st_child_end(ch->st_index, ST_TERM_LOCAL_FAIL);
		ch->st_index = 0;
		ike_child_fail(sa, ch, ST_IPF_SYSCAP, "the kernel refused the SAs");
		goto out;
	}
	ch->installed = 1;
	ch->out_pending = d.in_only;
	if (x->redundant) {
		/* its packets count for the tunnel, but it is not the tunnel's
		 * current pair */
		st_child_add_sa_aside(st, ST_SA_IN, ch->spi_in, IPPROTO_ESP);
		st_child_add_sa_aside(st, ST_SA_OUT, ch->spi_out, IPPROTO_ESP);
		goto listed;
	}
	st->transport = ch->transport;
	st->encap = d.encap;
	st->reqid = ch->reqid;
	st->algs = ch->algs;
	st->life_sec = c->keylife;
	st->life_kb = (uint32_t)(c->lifebytes / 1024);
	st->rekey_sec = (uint32_t)d.life.soft_sec;
	st->rekey_kb = (uint32_t)(d.life.soft_bytes / 1024);
	st->nts_local = (int)(ch->nts_l < ST_MAX_TS ? ch->nts_l : ST_MAX_TS);
	st->nts_remote = (int)(ch->nts_r < ST_MAX_TS ? ch->nts_r : ST_MAX_TS);
	for (i = 0; i < (size_t)st->nts_local; i++)
		ikev2_ts_to_st(&ch->ts_l[i], &st->ts_local[i]);
	for (i = 0; i < (size_t)st->nts_remote; i++)
		ikev2_ts_to_st(&ch->ts_r[i], &st->ts_remote[i]);
	st_child_add_sa(st, ST_SA_IN, ch->spi_in, IPPROTO_ESP);
	st_child_add_sa(st, ST_SA_OUT, ch->spi_out, IPPROTO_ESP);
listed:
	ch->next = sa->children;
	sa->children = ch;
	log_info("IKEv2:(SA ID = %u):Child SA %s, SPI in 0x%08x out 0x%08x, reqid %u",
	    sa->st_index, x->redundant ? "made redundant by a collision" :
	    x->st_index || pred ? "rekeyed" : "installed", ch->spi_in,
	    ch->spi_out, ch->reqid);
	r = 0;
out:
	if (ck) {
		ikev2_child_keys_wipe(ck);
		free(ck);
	}
	return r;
}

void
ike_children_move(struct ike_sa *from, struct ike_sa *to)
{
	struct ike_child *ch;
	int watched = 0;

	while ((ch = from->children) != NULL) {
		struct st_child *sc = st_child_get(ch->st_index);

		from->children = ch->next;
		ch->next = to->children;
		to->children = ch;
		if (sc)
			st_child_reparent(sc, to->st_index);
		watched |= ch->peer_redundant && !ch->deleting;
	}
	/* the old SA's timer that waits for the peer to delete its redundant
	 * pair of a collision goes with it: the new SA watches instead, or
	 * the pair would live to its lifetime */
	if (watched && !to->redundant)
		ike_redundant_arm(to);
	/* a delete or rekey asked for one of them goes along */
	ike_xchg_move_children(from, to);
	from->rekeyed = 1;
}
