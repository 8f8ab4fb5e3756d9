#include "config.h"

#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/state.h"

static uint64_t fake_ms = 1000000;
static time_t fake_wall = 1700000000;

static uint64_t
clock_ms(void)
{
	return fake_ms;
}

static time_t
clock_wall(void)
{
	return fake_wall;
}

static int
setup(void **unused)
{
	fake_ms = 1000000;
	st_set_clock(clock_ms, clock_wall);
	return st_init();
}

static int
teardown(void **unused)
{
	st_free();
	st_set_clock(NULL, NULL);
	return 0;
}

/* ---- event recorder ---- */

struct ev {
	enum st_event	ev;
	uint32_t	index;
	int		row_alive;	/* the live row was still findable */
	int		reason;		/* from the history record */
	uint64_t	out_pkts;	/* child history totals */
};

static struct ev evs[64];
static int nev;

static void
on_event(enum st_event ev, uint32_t index, const void *rec, void *arg)
{
	struct ev *e;

	assert_true(nev < 64);
	e = &evs[nev++];
	memset(e, 0, sizeof(*e));
	e->ev = ev;
	e->index = index;
	switch (ev) {
	case ST_EV_IKE_DOWN:
		e->row_alive = st_ike_find(index) != NULL;
		assert_non_null(rec);
		e->reason = ((const struct st_ike_hist *)rec)->reason;
		assert_ptr_equal(st_ike_hist_next(((const struct st_ike_hist *)rec)->index - 1), rec);
		break;
	case ST_EV_CHILD_DOWN: {
		const struct st_child_hist *h = rec;
		struct st_child_counters t;

		e->row_alive = st_child_find(index) != NULL;
		assert_non_null(h);
		e->reason = h->reason;
		st_child_totals(&h->child, &t);
		e->out_pkts = t.out.packets;
		break;
	}
	default:
		break;
	}
}

static struct st_ike *
up_ike(const char *conn)
{
	struct st_ike *ike = st_ike_new(conn, 2, 1);

	assert_non_null(ike);
	st_ike_established(ike);
	return ike;
}

static struct st_child *
up_child(struct st_ike *ike, uint32_t spi_in, uint32_t spi_out)
{
	struct st_child *ch = st_child_new(ike->index, NULL);

	assert_non_null(ch);
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, spi_in, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, spi_out, IPPROTO_ESP), 0);
	return ch;
}

static struct st_dir_counters
dc(uint64_t pkts)
{
	struct st_dir_counters c = { .octets = pkts * 100, .packets = pkts };

	return c;
}

/* ---- tests ---- */

static void
test_indexes_and_next(void **unused)
{
	struct st_ike *a = up_ike("a"), *b = up_ike("b"), *c = up_ike("c");
	uint32_t ib = b->index, ic = c->index;

	assert_int_equal(a->index, 1);
	assert_int_equal(ib, 2);
	assert_ptr_equal(st_ike_next(0), a);
	assert_ptr_equal(st_ike_next(1), b);
	st_ike_end(ib, ST_TERM_NORMAL);
	assert_null(st_ike_find(ib));
	assert_int_equal(st_ike_next(1)->index, ic);
	assert_null(st_ike_next(ic));
	assert_null(st_ike_next(UINT32_MAX));
	/* an ended index is never handed out again */
	assert_int_equal(up_ike("b")->index, 4);
	assert_int_equal(st_ike_active_count(), 3);
}

static void
test_many_rows(void **unused)
{
	struct st_ike *ike = up_ike("big");
	uint32_t n = 0, prev = 0;
	const struct st_child *ch;

	for (uint32_t i = 0; i < 12000; i++)
		up_child(ike, 0x10000000 + i, 0x20000000 + i);
	for (uint32_t i = 1; i <= 12000; i += 2)
		st_child_end(i, ST_TERM_NORMAL);
	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index)) {
		assert_true(ch->index > prev);
		assert_int_equal(ch->index % 2, 0);
		prev = ch->index;
		n++;
	}
	assert_int_equal(n, 6000);
	assert_int_equal(st_child_active_count(), 6000);
	assert_int_equal(st_child_count_for_ike(ike->index), 6000);
	assert_int_equal(st_child_next(4001)->index, 4002);
	ch = st_child_by_spi(0x10000000 + 4001, ST_SA_IN);
	assert_non_null(ch);
	assert_int_equal(ch->index, 4002);
	assert_null(st_child_by_spi(0x10000000 + 4000, ST_SA_IN));	/* ended */
	assert_null(st_child_by_spi(0x10000000 + 4001, ST_SA_OUT));	/* wrong direction */
}

static void
test_rekey_folding(void **unused)
{
	struct st_ike *ike = up_ike("r");
	struct st_child *ch;
	struct st_child_counters t;
	struct st_dir_counters c;
	const struct st_sa *cur;
	uint32_t idx;

	assert_int_equal(st_subscribe(on_event, NULL), 0);
	nev = 0;
	ch = up_child(ike, 0xc1, 0xd1);
	idx = ch->index;
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].ev, ST_EV_CHILD_UP);
	assert_int_equal(ch->start_mono, fake_ms);

	c = dc(100);
	assert_int_equal(st_sa_update(0xc1, ST_SA_IN, &c), 0);
	assert_int_equal(st_sa_update(0xd1, ST_SA_OUT, &c), 0);
	assert_int_equal(st_sa_update(0xd1, ST_SA_IN, &c), -1);	/* not ours */
	assert_int_equal(st_sa_update(0xeeee, ST_SA_OUT, &c), -1);

	/* rekey: the new pair takes over, the old one keeps counting */
	fake_ms += 5000;
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 0xc2, IPPROTO_ESP), 0);
	assert_int_equal(nev, 1);	/* half a rekey is not a rekey yet */
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, 0xd2, IPPROTO_ESP), 0);
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].ev, ST_EV_CHILD_REKEY);
	assert_int_equal(ch->refreshes, 1);
	cur = st_child_current_sa(ch, ST_SA_OUT);
	assert_non_null(cur);
	assert_int_equal(cur->spi, 0xd2);
	assert_int_equal(st_child_current_sa(ch, ST_SA_IN)->spi, 0xc2);
	assert_int_equal(ch->sa_mono, fake_ms);

	c = dc(150);
	st_sa_update(0xd1, ST_SA_OUT, &c);
	c = dc(10);
	st_sa_update(0xd2, ST_SA_OUT, &c);
	st_child_totals(ch, &t);
	assert_int_equal(t.out.packets, 160);
	assert_int_equal(t.out.octets, 16000);
	assert_int_equal(t.in.packets, 100);

	/* a smaller reading for a live SA is ignored */
	c = dc(5);
	st_sa_update(0xd2, ST_SA_OUT, &c);
	st_child_totals(ch, &t);
	assert_int_equal(t.out.packets, 160);

	/* the old SA goes with its last reading; a smaller "final" changes nothing */
	c = dc(120);
	assert_int_equal(st_sa_gone(0xd1, ST_SA_OUT, &c), 0);
	assert_int_equal(st_sa_gone(0xc1, ST_SA_IN, NULL), 0);
	assert_int_equal(st_sa_gone(0xc1, ST_SA_IN, NULL), -1);
	assert_null(st_child_by_spi(0xd1, ST_SA_OUT));
	st_child_totals(ch, &t);
	assert_int_equal(t.out.packets, 160);
	assert_int_equal(t.in.packets, 100);
	assert_int_equal(ch->expired_sas, 2);
	assert_int_equal(ch->nsa, 2);
	c = dc(20);
	st_sa_update(0xd2, ST_SA_OUT, &c);
	st_child_totals(ch, &t);
	assert_int_equal(t.out.packets, 170);

	/* a final count larger than the last reading is taken */
	c = dc(30);
	st_sa_gone(0xd2, ST_SA_OUT, &c);
	st_child_totals(ch, &t);
	assert_int_equal(t.out.packets, 180);

	/* the global counters keep the child's packets after it ends */
	st_child_end(idx, ST_TERM_NORMAL);
	{
		struct st_ipsec_global g;

		st_ipsec_global(&g);
		assert_int_equal(g.c.out.packets, 180);
		assert_int_equal(g.c.in.packets, 100);
		assert_int_equal(g.previous_tunnels, 1);
	}
	assert_int_equal(evs[nev - 1].ev, ST_EV_CHILD_DOWN);
	assert_int_equal(evs[nev - 1].out_pkts, 180);
	assert_int_equal(st_child_hist_next(0)->child.index, idx);
}

static void
test_event_order(void **unused)
{
	struct st_ike *ike;
	struct st_child *c1, *c2, *c3;
	uint32_t ii;

	assert_int_equal(st_subscribe(on_event, NULL), 0);
	nev = 0;
	ike = up_ike("e");
	ii = ike->index;
	c1 = up_child(ike, 1, 2);
	c2 = up_child(ike, 3, 4);
	c3 = st_child_new(ii, NULL);	/* never got SAs: no history, no event */
	assert_int_equal(nev, 3);
	assert_int_equal(evs[0].ev, ST_EV_IKE_UP);
	assert_int_equal(evs[1].ev, ST_EV_CHILD_UP);
	assert_int_equal(evs[1].index, c1->index);
	assert_int_equal(evs[2].index, c2->index);
	assert_non_null(c3);

	fake_ms += 42000;
	st_ike_end(ii, ST_TERM_PEER_LOST);
	assert_int_equal(nev, 6);
	assert_int_equal(evs[3].ev, ST_EV_CHILD_DOWN);
	assert_int_equal(evs[4].ev, ST_EV_CHILD_DOWN);
	assert_int_equal(evs[5].ev, ST_EV_IKE_DOWN);
	assert_int_equal(evs[5].index, ii);
	for (int i = 3; i < 6; i++) {
		assert_true(evs[i].row_alive);
		assert_int_equal(evs[i].reason, ST_TERM_PEER_LOST);
	}
	assert_null(st_ike_find(ii));
	assert_null(st_child_next(0));
	assert_null(st_child_by_spi(1, ST_SA_IN));
	assert_int_equal(st_ike_hist_next(0)->active_ms, 42000);
	assert_int_equal(st_ike_hist_next(0)->ike.index, ii);
	assert_int_equal(st_child_hist_next(0)->active_ms, 42000);
	assert_null(st_child_hist_next(2));	/* two records: c3 was never up */
	assert_int_equal(st_ike_global()->previous_tunnels, 1);
	assert_int_equal(st_ike_active_count(), 0);
	assert_int_equal(st_child_active_count(), 0);

	/* an IKE SA that never came up leaves no record and no event */
	ike = st_ike_new("e", 2, 0);
	st_ike_end(ike->index, ST_TERM_LOCAL_FAIL);
	assert_int_equal(nev, 6);
	assert_int_equal(st_ike_global()->previous_tunnels, 1);
}

static void
test_hist_ring(void **unused)
{
	const struct st_ike_hist *h;
	uint32_t n = 0;

	st_set_hist_size(3);
	for (int i = 0; i < 5; i++)
		st_ike_end(up_ike("h")->index, ST_TERM_NORMAL);
	assert_int_equal(st_ike_global()->previous_tunnels, 5);
	h = st_ike_hist_next(0);
	assert_int_equal(h->index, 3);
	for (; h; h = st_ike_hist_next(h->index))
		n++;
	assert_int_equal(n, 3);
	st_set_hist_size(2);
	assert_int_equal(st_ike_hist_next(0)->index, 4);
	st_set_hist_size(0);
	assert_null(st_ike_hist_next(0));
	/* still ended and counted, with the event, though not kept */
	assert_int_equal(st_subscribe(on_event, NULL), 0);
	nev = 0;
	st_ike_end(up_ike("h")->index, ST_TERM_NORMAL);
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].ev, ST_EV_IKE_DOWN);
	assert_null(st_ike_hist_next(0));
	st_set_hist_size(10);
	st_ike_end(up_ike("h")->index, ST_TERM_NORMAL);
	assert_int_equal(st_ike_hist_next(0)->index, 7);	/* indexes keep growing */
}

static void
test_fail_ring(void **unused)
{
	struct ifl_addr l, r;
	struct st_ike_failrec *f;
	const struct st_ipsec_failrec *pf;
	struct st_conn *c = st_conn_set("f");

	addr_parse("172.16.10.1", &l);
	addr_parse("172.16.10.2", &r);
	st_set_fail_size(2);
	for (int i = 0; i < 3; i++) {
		f = st_ike_fail(ST_IKEF_AUTH, "f", &l, &r, "AUTHENTICATION_FAILED from peer");
		assert_non_null(f);
		assert_int_equal(f->index, i + 1);
	}
	assert_string_equal(f->remote_id, "172.16.10.2");
	assert_string_equal(f->detail, "AUTHENTICATION_FAILED from peer");
	assert_int_equal(f->when, fake_wall);
	assert_int_equal(st_ike_fail_next(0)->index, 2);
	assert_int_equal(st_ike_global()->auth_fails, 3);
	assert_int_equal(c->fail_count, 3);
	st_set_fail_size(1);
	assert_int_equal(st_ike_fail_next(0)->index, 3);
	assert_null(st_ike_fail_next(3));

	assert_non_null(st_ipsec_fail(ST_IPF_NO_SA, 0, 0x1234, &r, &l, "no SA for SPI"));
	pf = st_ipsec_fail_next(0);
	assert_non_null(pf);
	assert_int_equal(pf->spi, 0x1234);
	{
		struct st_ipsec_global g;

		st_ipsec_global(&g);
		assert_int_equal(g.nosa_fails, 1);
	}
	st_set_fail_size(0);
	assert_null(st_ipsec_fail(ST_IPF_OTHER, 0, 0, NULL, NULL, NULL));
	assert_null(st_ipsec_fail_next(0));
}

/* A full table: the connection with the most records (a flood's half-open
 * SAs timing out on connections open to any peer) gives up its oldest,
 * records of no connection take a quarter at most, so another tunnel's
 * failure stays, however two floods share the table. */
static void
test_fail_conn_budget(void **unused)
{
	struct ifl_addr l, r;
	const struct st_ike_failrec *f;
	int i, site = 0, open = 0, open6 = 0, none = 0, total = 0;

	addr_parse("192.0.2.2", &l);
	addr_parse("192.0.2.1", &r);
	st_set_fail_size(10);
	assert_non_null(st_ike_fail(ST_IKEF_PROPOSAL, "site", &l, &r, "planted"));
	/* below the size, one connection may take more than half */
	for (i = 0; i < 8; i++)
		assert_non_null(st_ike_fail(ST_IKEF_PEER_LOST, "open", &l, &r, "timed out"));
	for (i = 0; i < 30; i++) {
		assert_non_null(st_ike_fail(ST_IKEF_PEER_LOST, "open", &l, &r, "timed out"));
		assert_non_null(st_ike_fail(ST_IKEF_PROPOSAL, "", &l, &r, "no connection"));
	}
	/* a second flood: its connection takes over from the first */
	for (i = 0; i < 30; i++)
		assert_non_null(st_ike_fail(ST_IKEF_PEER_LOST, "open6", &l, &r, "timed out"));
	for (f = st_ike_fail_next(0); f; f = st_ike_fail_next(f->index), total++) {
		site += strcmp(f->conn, "site") == 0;
		open += strcmp(f->conn, "open") == 0;
		open6 += strcmp(f->conn, "open6") == 0;
		none += f->conn[0] == '\0';
	}
	assert_int_equal(total, 10);
	assert_int_equal(site, 1);
	/* a quarter (2) of no connection; the floods share the rest */
	assert_int_equal(none, 2);
	assert_int_equal(open + open6, 7);
	assert_true(open6 >= 3 && open >= 3);
	/* the newest record stays: it was the last one added */
	for (f = st_ike_fail_next(0); st_ike_fail_next(f->index); f = st_ike_fail_next(f->index))
		;
	assert_string_equal(f->conn, "open6");
}

static void
test_checkpoint(void **unused)
{
	struct st_ike *ike = up_ike("cp");
	struct st_child *ch = up_child(ike, 5, 6);
	struct st_dir_counters c = dc(7);
	const struct st_child_hist *ch_h;
	struct st_child_counters t;

	st_sa_update(6, ST_SA_OUT, &c);
	fake_ms += 3000;
	st_checkpoint();
	assert_int_equal(st_ike_hist_next(0)->reason, ST_TERM_CHECKPOINT);
	assert_int_equal(st_ike_hist_next(0)->active_ms, 3000);
	ch_h = st_child_hist_next(0);
	assert_int_equal(ch_h->reason, ST_TERM_CHECKPOINT);
	st_child_totals(&ch_h->child, &t);
	assert_int_equal(t.out.packets, 7);
	/* still up, still counting, not counted as ended */
	assert_ptr_equal(st_child_find(ch->index), ch);
	assert_int_equal(st_child_active_count(), 1);
	assert_int_equal(st_ike_global()->previous_tunnels, 0);
	assert_int_equal(st_sa_update(6, ST_SA_OUT, &c), 0);
}

static void
test_conns_and_globals(void **unused)
{
	uint64_t gen;
	struct st_conn *a, *b;
	struct st_ike *ike;

	a = st_conn_set("a");
	b = st_conn_set("b");
	assert_int_equal(a->index, 1);
	assert_int_equal(b->index, 2);
	assert_null(st_conn_set(""));
	gen = st_conn_generation_next();
	assert_ptr_equal(st_conn_set("b"), b);
	st_conn_set("c");
	st_conn_prune(gen);
	assert_null(st_conn_find("a"));
	assert_int_equal(st_conn_next(0)->index, 2);
	assert_int_equal(st_conn_next(2)->index, 3);

	ike = up_ike("b");
	assert_int_equal(b->ike_index, ike->index);
	assert_int_equal(b->up_count, 1);
	st_ike_count_in(ike, 300);
	st_ike_count_out(ike, 200);
	st_ike_count_in(NULL, 50);
	assert_int_equal(st_ike_global()->c.in_octets, 350);
	assert_int_equal(st_ike_global()->c.in_pkts, 2);
	assert_int_equal(st_ike_global()->init_tunnels, 1);
	st_ike_end(ike->index, ST_TERM_OPER);
	assert_int_equal(b->ike_index, 0);
	/* the ended SA's counters stay in the globals, once */
	assert_int_equal(st_ike_global()->c.in_octets, 350);
	assert_int_equal(st_ike_global()->c.out_octets, 200);
	assert_true(st_uptime_ms() == 0);
}

static void
test_conn_names(void **unused)
{
	static const char *names[] = { "m", "c", "x", "a", "q", "b", "z", "k" };
	uint64_t gen;

	for (int i = 0; i < 8; i++)
		assert_int_equal(st_conn_set(names[i])->index, i + 1);
	for (int i = 0; i < 8; i++)
		assert_int_equal(st_conn_find(names[i])->index, i + 1);
	assert_null(st_conn_find("n"));
	/* a reload keeps every other one */
	gen = st_conn_generation_next();
	for (int i = 0; i < 8; i += 2)
		assert_int_equal(st_conn_set(names[i])->index, i + 1);
	assert_int_equal(st_conn_set("n")->index, 9);
	st_conn_prune(gen);
	for (int i = 0; i < 8; i++) {
		if (i % 2)
			assert_null(st_conn_find(names[i]));
		else
			assert_int_equal(st_conn_find(names[i])->index, i + 1);
	}
	assert_int_equal(st_conn_find("n")->index, 9);
	assert_int_equal(st_conn_next(1)->index, 3);
	assert_int_equal(st_conn_set("c")->index, 10);	/* back, under a new index */
}

/* Each connection's tunnel count follows its children as they come, go
 * and change connection, and is right for a connection that comes after
 * its children (a reload that dropped it and brought it back). The k-th
 * child by position is the k-th in index order. */
/* The connections kept apart as having no tunnel are exactly those whose
 * count is 0, in index order. */
static void
expect_lone(void)
{
	const struct st_conn *c, *l = st_conn_lone_next(0);
	uint32_t n = 0;

	for (c = st_conn_next(0); c; c = st_conn_next(c->index)) {
		if (st_conn_tunnels(c) != 0)
			continue;
		assert_ptr_equal(l, c);
		l = st_conn_lone_next(c->index);
		n++;
	}
	assert_null(l);
	assert_int_equal(st_conn_lone_count(), n);
}

static void
test_conn_tunnels(void **unused)
{
	struct st_conn *a, *b;
	struct st_child *ch[5];
	const struct st_child *w;
	uint32_t k = 0;
	uint64_t gen;

	a = st_conn_set("a");
	b = st_conn_set("b");
	assert_int_equal(st_conn_tunnels(a), 0);
	assert_int_equal(st_conn_lone_count(), 2);
	expect_lone();
	for (int i = 0; i < 3; i++)
		assert_non_null(ch[i] = st_child_new(0, "a"));
	expect_lone();
	assert_non_null(ch[3] = st_child_new(0, "b"));
	assert_non_null(ch[4] = st_child_new(0, "nobody"));	/* no such connection */
	assert_int_equal(st_conn_tunnels(a), 3);
	assert_int_equal(st_conn_tunnels(b), 1);
	assert_int_equal(st_child_count(), 5);
	for (w = st_child_next(0); w; w = st_child_next(w->index))
		assert_ptr_equal(st_child_nth(k++), w);
	assert_null(st_child_nth(5));

	st_child_end(ch[1]->index, ST_TERM_NORMAL);
	assert_int_equal(st_conn_tunnels(a), 2);
	assert_int_equal(st_child_count(), 4);
	assert_ptr_equal(st_child_nth(1), ch[2]);
	/* named by charon (the observer): moves between connections */
	st_child_set_conn(ch[4], "b");
	assert_int_equal(st_conn_tunnels(b), 2);
	st_child_set_conn(ch[3], "a");
	st_child_set_conn(ch[3], "a");		/* the same: no change */
	assert_int_equal(st_conn_tunnels(a), 3);
	assert_int_equal(st_conn_tunnels(b), 1);
	assert_string_equal(ch[3]->conn, "a");
	expect_lone();

	/* a reload drops "a" while its tunnels live, the next brings it back */
	gen = st_conn_generation_next();
	st_conn_set("b");
	st_conn_prune(gen);
	assert_null(st_conn_find("a"));
	st_child_end(ch[0]->index, ST_TERM_NORMAL);	/* uncounted: no "a" now */
	gen = st_conn_generation_next();
	st_conn_set("b");
	a = st_conn_set("a");
	st_conn_prune(gen);
	assert_int_equal(st_conn_tunnels(a), 2);
	assert_int_equal(st_conn_tunnels(st_conn_set("nobody")), 0);
	expect_lone();

	st_child_end(ch[2]->index, ST_TERM_NORMAL);
	st_child_end(ch[3]->index, ST_TERM_NORMAL);
	st_child_end(ch[4]->index, ST_TERM_NORMAL);
	/* none has a tunnel now: all three apart, in index order */
	expect_lone();
	assert_int_equal(st_conn_lone_count(), 3);
	assert_int_equal(st_conn_tunnels(a), 0);
	assert_int_equal(st_conn_tunnels(st_conn_find("b")), 0);
	assert_int_equal(st_child_count(), 0);
	assert_null(st_child_nth(0));
}

/* Tunnels restored before their connections (a start with a state file):
 * each connection that comes counts its own, and the counts then follow
 * the tunnels that end, move or come while none was read yet. */
static void
test_conn_tunnels_restored_first(void **unused)
{
	struct st_child *ch[41];
	char name[16];

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "c%d", i % 8);
		assert_non_null(ch[i] = st_child_new(0, name));
	}
	assert_non_null(ch[40] = st_child_new(0, "nobody"));
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		assert_non_null(st_conn_set(name));
	}
	st_child_end(ch[0]->index, ST_TERM_NORMAL);		/* c0: 4 */
	st_child_set_conn(ch[1], "c2");				/* c1: 4, c2: 6 */
	assert_non_null(st_child_new(0, "c7"));			/* c7: 6 */
	assert_int_equal(st_conn_tunnels(st_conn_find("c0")), 4);
	assert_int_equal(st_conn_tunnels(st_conn_find("c1")), 4);
	assert_int_equal(st_conn_tunnels(st_conn_find("c2")), 6);
	for (int i = 3; i < 7; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		assert_int_equal(st_conn_tunnels(st_conn_find(name)), 5);
	}
	assert_int_equal(st_conn_tunnels(st_conn_find("c7")), 6);
	expect_lone();
	/* once read, kept as tunnels come and go */
	st_child_end(ch[2]->index, ST_TERM_NORMAL);
	assert_int_equal(st_conn_tunnels(st_conn_find("c2")), 5);
	assert_int_equal(st_conn_tunnels(st_conn_set("nobody")), 1);
	st_child_set_conn(ch[40], "c0");
	assert_int_equal(st_conn_tunnels(st_conn_find("nobody")), 0);
	assert_int_equal(st_conn_tunnels(st_conn_find("c0")), 5);
}

/* Enough names to grow the name table several times, pruned to a few. */
static void
test_conn_names_many(void **unused)
{
	char name[16];
	uint64_t gen;
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "c%03d", (i * 37) % 100);
		assert_int_equal(st_conn_set(name)->index, i + 1);
	}
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "c%03d", (i * 37) % 100);
		assert_int_equal(st_conn_find(name)->index, i + 1);
	}
	gen = st_conn_generation_next();
	for (i = 0; i < 100; i += 10) {
		snprintf(name, sizeof(name), "c%03d", (i * 37) % 100);
		assert_int_equal(st_conn_set(name)->index, i + 1);
	}
	st_conn_prune(gen);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "c%03d", (i * 37) % 100);
		if (i % 10)
			assert_null(st_conn_find(name));
		else
			assert_int_equal(st_conn_find(name)->index, i + 1);
	}
	assert_int_equal(st_conn_next(0)->index, 1);
	assert_int_equal(st_conn_next(1)->index, 11);
	assert_int_equal(st_conn_set("c001")->index, 101);
	assert_int_equal(st_conn_find("c001")->index, 101);
	/* everything pruned, then the table works from empty */
	st_conn_prune(st_conn_generation_next());
	assert_null(st_conn_next(0));
	assert_null(st_conn_find("c000"));
	assert_int_equal(st_conn_set("c000")->index, 102);
}

static void
test_sa_limits(void **unused)
{
	struct st_ike *ike = up_ike("l");
	struct st_child *ch = st_child_new(ike->index, NULL);
	int i;

	for (i = 0; i < ST_MAX_SAS; i++)
		assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 100 + i, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 999, IPPROTO_ESP), -1);
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 100, IPPROTO_ESP), 0);	/* already there */
	assert_int_equal(st_child_add_sa(ch, 7, 1000, IPPROTO_ESP), -1);
	assert_int_equal(ch->start_mono, 0);	/* no outbound SA yet */
	assert_int_equal(st_child_current_sa(ch, ST_SA_IN)->spi, 100 + ST_MAX_SAS - 1);
}

/* st_counters_fresh: a fold only when the last one is older than asked,
 * whoever made it (timer or reader); a failed fold leaves the age alone. */
static int folds, fold_fails;

static uint64_t fold_takes_ms;

static int
fake_fold(void)
{
	folds++;
	fake_ms += fold_takes_ms;
	if (fold_fails)
		return -1;
	st_counters_folded();
	return 0;
}

static void
test_counters_fresh(void **unused)
{
	uint64_t g;

	/* no kernel interface: nothing to fold */
	assert_int_equal(st_counters_fresh(0), 0);
	st_counters_source(fake_fold);
	g = st_counters_generation();
	assert_int_equal(st_counters_fresh(1000), 1);	/* never folded */
	assert_int_equal(folds, 1);
	assert_true(st_counters_generation() == g + 1);
	fake_ms += 1000;
	assert_int_equal(st_counters_fresh(1000), 0);	/* exactly 1 s: fresh */
	assert_int_equal(st_counters_fresh(200), 1);	/* too old for a view */
	assert_int_equal(folds, 2);
	fake_ms += 150;
	assert_int_equal(st_counters_fresh(200), 0);
	/* a fold by the timer counts as well */
	fake_ms += 500;
	st_counters_folded();
	assert_int_equal(st_counters_fresh(200), 0);
	assert_int_equal(folds, 2);
	/* a failing fold: reported, and tried again by the next reader */
	fake_ms += 300;
	fold_fails = 1;
	g = st_counters_generation();
	assert_int_equal(st_counters_fresh(200), -1);
	assert_int_equal(st_counters_fresh(200), -1);
	assert_int_equal(folds, 4);
	assert_true(st_counters_generation() == g);
	fold_fails = 0;
	assert_int_equal(st_counters_fresh(200), 1);
	/* a fold that takes 100 ms: the next on demand not before 2 s */
	fold_takes_ms = 100;
	fake_ms += 1001;
	assert_int_equal(st_counters_fresh(1000), 1);
	assert_int_equal(folds, 6);
	fold_takes_ms = 0;
	fake_ms += 1500;
	assert_int_equal(st_counters_fresh(1000), 0);
	fake_ms += 501;
	assert_int_equal(st_counters_fresh(1000), 1);	/* cheap again */
	fake_ms += 1001;
	assert_int_equal(st_counters_fresh(1000), 1);
	assert_int_equal(folds, 8);
	st_counters_source(NULL);
	assert_int_equal(st_counters_fresh(0), 0);
	assert_int_equal(folds, 8);
}

/* st_counters_fresh_for: a reader of a few tunnels has their SAs read
 * alone when the counters are too old, and nothing read when they are
 * fresh; when that reading fails or cannot be had, it says so (the reader
 * then waits for a whole fold). The counts say which way each went. */
static int some_calls, some_fails;

static int
fake_some(const struct st_child *const *kids, size_t n)
{
	int sas = 0;

	some_calls++;
	if (some_fails)
		return -EIO;
	for (size_t i = 0; i < n; i++)
		sas += kids[i]->nsa;
	return sas;
}

static void
test_counters_fresh_for(void **unused)
{
	struct st_ike *ike = up_ike("p");
	struct st_child *ch = st_child_new(ike->index, NULL);
	const struct st_child *kids[1] = { ch };
	struct st_counters_stats s0, s;
	int f0 = folds;
	uint64_t g;

	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 0x1001, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, 0x2001, IPPROTO_ESP), 0);
	st_counters_stats(&s0);
	/* no kernel interface: nothing to read */
	assert_int_equal(st_counters_fresh_for(kids, 1, 200), 0);
	st_counters_source(fake_fold);
	/* never folded, no reading of some: wait for a fold */
	assert_int_equal(st_counters_fresh_for(kids, 1, 200), -1);
	st_counters_some_source(fake_some);
	g = st_counters_generation();
	assert_int_equal(st_counters_fresh_for(kids, 1, 200), 0);
	assert_int_equal(some_calls, 1);
	/* readers keeping copies (the agent's rows) see the change */
	assert_true(st_counters_generation() == g + 1);
	/* fresh after a whole fold: nothing read */
	st_counters_folded();
	fake_ms += 200;
	assert_int_equal(st_counters_fresh_for(kids, 1, 200), 0);
	assert_int_equal(some_calls, 1);
	fake_ms += 1;
	assert_int_equal(st_counters_fresh_for(kids, 1, 200), 0);
	assert_int_equal(some_calls, 2);
	/* a page with no tunnel reads nothing */
	assert_int_equal(st_counters_fresh_for(kids, 0, 200), 0);
	assert_int_equal(some_calls, 2);
	some_fails = 1;
	g = st_counters_generation();
	assert_int_equal(st_counters_fresh_for(kids, 1, 200), -1);
	assert_true(st_counters_generation() == g);	/* nothing read */
	some_fails = 0;
	st_counters_stats(&s);
	assert_true(s.folds == s0.folds + 1);	/* the timer's, none on demand */
	assert_true(s.some == s0.some + 3);
	assert_true(s.some_tunnels == s0.some_tunnels + 2);
	assert_true(s.some_sas == s0.some_sas + 4);
	assert_true(s.some_failed == s0.some_failed + 1);
	assert_int_equal(folds, f0);	/* no whole fold was asked for */
	st_counters_some_source(NULL);
	st_counters_source(NULL);
}

/* st_counters_wait: readers that can answer later join or start a fold in
 * steps and are woken by the first fold that started late enough for them;
 * with no fold in steps to be had they are answered at once. */
static int steps, step_running, step_fail, nready;
static uint64_t step_start;
static uintptr_t ready_order[8];

static int
fake_step(void)
{
	steps++;
	if (step_fail)
		return -ENOTCONN;
	if (step_running)
		return -EBUSY;
	step_running = 1;
	step_start = fake_ms;
	return 0;
}

static void
fake_step_end(void)
{
	step_running = 0;
	st_counters_folded_at(step_start);
	st_counters_step_ended();
}

static void
ready(void *arg)
{
	ready_order[nready++ % 8] = (uintptr_t)arg;
}

static void
test_counters_wait(void **unused)
{
	(void)unused;
	folds = steps = nready = 0;
	/* no kernel interface: answer now */
	assert_int_equal(st_counters_wait(200, ready, (void *)1), 0);
	st_counters_source(fake_fold);
	st_counters_step_source(fake_step);
	/* never folded: a fold in steps; a second reader joins it */
	assert_int_equal(st_counters_wait(200, ready, (void *)1), 1);
	fake_ms += 5;
	assert_int_equal(st_counters_wait(200, ready, (void *)2), 1);
	assert_int_equal(steps, 2);
	assert_int_equal(nready, 0);
	fake_ms += 3;
	fake_step_end();
	assert_int_equal(nready, 2);
	assert_int_equal(ready_order[0], 1);
	assert_int_equal(ready_order[1], 2);
	assert_false(step_running);
	assert_int_equal(folds, 0);		/* never a fold at once */
	/* fresh: answered now */
	assert_int_equal(st_counters_wait(200, ready, (void *)3), 0);
	/* a reader after traffic that a fold under way started too early
	 * for: woken by the next one, started for it at the end of that */
	fake_ms += 1000;
	assert_int_equal(st_counters_wait(200, ready, (void *)4), 1);
	fake_ms += 500;
	assert_int_equal(st_counters_wait(200, ready, (void *)5), 1);
	fake_step_end();
	assert_int_equal(nready, 3);
	assert_int_equal(ready_order[2], 4);
	assert_true(step_running);
	fake_step_end();
	assert_int_equal(nready, 4);
	assert_int_equal(ready_order[3], 5);
	/* a fold in steps that takes 100 ms: the next not before 2 s */
	fake_ms += 1000;
	assert_int_equal(st_counters_wait(200, ready, (void *)6), 1);
	fake_ms += 100;
	fake_step_end();
	assert_int_equal(nready, 5);
	fake_ms += 1500;
	assert_int_equal(st_counters_wait(200, ready, (void *)7), 0);
	/* a reader that stops is woken at once */
	fake_ms += 600;
	assert_int_equal(st_counters_wait(200, ready, (void *)8), 1);
	st_counters_release(ready);
	assert_int_equal(nready, 6);
	assert_int_equal(ready_order[5], 8);
	fake_step_end();
	assert_int_equal(nready, 6);
	/* no fold in steps to be had: one at once, answered now */
	fake_ms += 5000;
	step_fail = 1;
	assert_int_equal(st_counters_wait(200, ready, (void *)9), 0);
	assert_int_equal(folds, 1);
	step_fail = 0;
	/* the source goes: its waiters answer with what there is */
	fake_ms += 5000;
	assert_int_equal(st_counters_wait(200, ready, (void *)10), 1);
	st_counters_step_source(NULL);
	assert_int_equal(nready, 7);
	st_counters_release(ready);		/* frees the list */
	st_counters_source(NULL);
	step_running = 0;
}

/* st_counters_kick: a reader that cannot wait (the agent's walk) starts a
 * fold in steps when the counters are old, or lets the one under way run,
 * and is told to read its rows alone meanwhile; it never folds at once
 * unless no fold in steps can be had. Each kick's fold counts against the
 * folds on demand as a waiter's does. */
static void
test_counters_kick(void **unused)
{
	(void)unused;
	folds = steps = 0;
	step_running = step_fail = 0;
	/* no kernel interface: fresh as it can be */
	assert_int_equal(st_counters_kick(1000), 0);
	st_counters_source(fake_fold);
	/* never folded and no fold in steps: the reader folds at once */
	assert_int_equal(st_counters_kick(1000), -1);
	st_counters_step_source(fake_step);
	assert_int_equal(st_counters_kick(1000), 1);
	assert_int_equal(steps, 1);
	assert_true(step_running);
	/* while it runs the counters stay old: each kick joins it */
	fake_ms += 10;
	assert_int_equal(st_counters_kick(1000), 1);
	assert_int_equal(steps, 2);
	fake_ms += 90;
	fake_step_end();		/* took 100 ms */
	/* fresh now, and for 20 times what the fold took */
	assert_int_equal(st_counters_kick(1000), 0);
	fake_ms += 1500;
	assert_int_equal(st_counters_kick(1000), 0);
	assert_int_equal(steps, 2);
	fake_ms += 600;
	assert_int_equal(st_counters_kick(1000), 1);
	assert_int_equal(steps, 3);
	fake_step_end();
	/* a fold in steps that cannot start: fold at once */
	fake_ms += 5000;
	step_fail = 1;
	assert_int_equal(st_counters_kick(1000), -1);
	step_fail = 0;
	assert_int_equal(folds, 0);	/* the kicks themselves never folded */
	st_counters_step_source(NULL);
	st_counters_source(NULL);
	step_running = 0;
}

/* The IKE globals are the ended SAs' sum plus a running sum of the live
 * ones, kept as their counters rise: at every step they equal a walk of
 * every SA, SA-less traffic counts in the globals alone, and an SA's end
 * moves its counters from the one sum to the other. */
static void
expect_ike_sum(const struct st_ike_counters *base)
{
	struct st_ike_counters walk = *base;
	const struct st_ike_global *g = st_ike_global();
	uint64_t *w = (uint64_t *)&walk;

	for (const struct st_ike *s = st_ike_next(0); s; s = st_ike_next(s->index)) {
		const uint64_t *c = (const uint64_t *)&s->c;

		for (size_t i = 0; i < sizeof(walk) / sizeof(*w); i++)
			w[i] += c[i];
	}
	assert_memory_equal(&g->c, &walk, sizeof(walk));
}

static void
test_ike_global_running_sum(void **unused)
{
	struct st_ike_counters base;
	struct st_ike *ike[50];
	uint32_t ended[50];
	size_t nended = 0;

	memset(&base, 0, sizeof(base));
	for (int i = 0; i < 50; i++) {
		ike[i] = up_ike(i % 2 ? "a" : "b");
		for (int k = 0; k <= i % 7; k++) {
			st_ike_count_in(ike[i], 100 + (size_t)i);
			st_ike_count_out(ike[i], 200);
			ST_IKE_INC(ike[i], in_p2_exchg);
			ST_IKE_INC(ike[i], out_p2_sa_del);
			ST_IKE_INC(ike[i], in_notifys);
		}
	}
	expect_ike_sum(&base);
	/* traffic with no SA: the globals alone */
	st_ike_count_in(NULL, 64);
	ST_IKE_INC(NULL, in_drops);
	base.in_octets += 64;
	base.in_pkts++;
	base.in_drops++;
	expect_ike_sum(&base);
	/* a third end: their counters stay, now in the ended ones' sum */
	for (int i = 0; i < 50; i += 3) {
		const struct st_ike_counters *c = &ike[i]->c;
		const uint64_t *s = (const uint64_t *)c;
		uint64_t *b = (uint64_t *)&base;

		for (size_t f = 0; f < sizeof(base) / sizeof(*b); f++)
			b[f] += s[f];
		ended[nended++] = ike[i]->index;
		st_ike_end(ike[i]->index, ST_TERM_NORMAL);
		ike[i] = NULL;
	}
	expect_ike_sum(&base);
	/* the others go on counting */
	for (int i = 0; i < 50; i++)
		if (ike[i] != NULL) {
			st_ike_count_out(ike[i], 1);
			ST_IKE_INC(ike[i], out_p2_exchg_reject);
		}
	expect_ike_sum(&base);
	/* a field that is no counter's is refused, not written */
	st_ike_inc(ike[1], sizeof(struct st_ike_counters));
	st_ike_inc(ike[1], 3);
	expect_ike_sum(&base);
	assert_int_equal(nended, 17);
	assert_null(st_ike_find(ended[0]));
}

/* The globals' sum of every tunnel's counters, ended or live, is kept as
 * the counters rise (not summed at each read): it must equal the sum the
 * tunnels give through every way a counter changes (a newer reading, an
 * older one, a rekey retiring an SA, a final count, a tunnel ending). */
static void
expect_global_sum(uint64_t ended_in, uint64_t ended_out)
{
	struct st_ipsec_global g;
	struct st_child_counters sum = { 0 }, t;

	for (const struct st_child *ch = st_child_next(0); ch; ch = st_child_next(ch->index)) {
		st_child_totals(ch, &t);
		sum.in.packets += t.in.packets;
		sum.in.octets += t.in.octets;
		sum.out.packets += t.out.packets;
		sum.out.octets += t.out.octets;
	}
	st_ipsec_global(&g);
	assert_int_equal(g.c.in.packets, sum.in.packets + ended_in);
	assert_int_equal(g.c.in.octets, (sum.in.packets + ended_in) * 100);
	assert_int_equal(g.c.out.packets, sum.out.packets + ended_out);
	assert_int_equal(g.c.out.octets, (sum.out.packets + ended_out) * 100);
}

static void
test_global_running_sum(void **unused)
{
	struct st_child *a, *b;
	struct st_dir_counters c;

	a = st_child_new(0, "a");
	b = st_child_new(0, "b");
	st_child_add_sa(a, ST_SA_IN, 0xa1, IPPROTO_ESP);
	st_child_add_sa(a, ST_SA_OUT, 0xa2, IPPROTO_ESP);
	st_child_add_sa(b, ST_SA_IN, 0xb1, IPPROTO_ESP);
	st_child_add_sa(b, ST_SA_OUT, 0xb2, IPPROTO_ESP);
	expect_global_sum(0, 0);
	c = dc(10);
	st_sa_update(0xa1, ST_SA_IN, &c);
	c = dc(20);
	st_sa_update(0xb2, ST_SA_OUT, &c);
	expect_global_sum(0, 0);
	/* an older reading changes nothing */
	c = dc(5);
	st_sa_update(0xa1, ST_SA_IN, &c);
	expect_global_sum(0, 0);
	/* a rekey: the old SA keeps counting, then retires with a final count */
	st_child_add_sa(a, ST_SA_IN, 0xa3, IPPROTO_ESP);
	c = dc(7);
	st_sa_update(0xa3, ST_SA_IN, &c);
	c = dc(15);
	st_sa_gone(0xa1, ST_SA_IN, &c);
	expect_global_sum(0, 0);
	/* an SA not ours counts nowhere */
	assert_int_equal(st_sa_update(0xff, ST_SA_IN, &c), -1);
	expect_global_sum(0, 0);
	/* a's 22 packets in stay in the globals once it ended */
	st_child_end(a->index, ST_TERM_NORMAL);
	expect_global_sum(22, 0);
	c = dc(30);
	st_sa_update(0xb2, ST_SA_OUT, &c);
	st_child_end(b->index, ST_TERM_NORMAL);
	expect_global_sum(22, 30);
	/* a new start counts from zero again */
	st_free();
	st_init();
	expect_global_sum(0, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_indexes_and_next, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_folding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_conn_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conns_and_globals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conn_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conn_names_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conn_tunnels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conn_tunnels_restored_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sa_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_running_sum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ike_global_running_sum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_fresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_fresh_for, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_kick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_wait, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
