/* The MIB rows built from a state model filled through the writer API: values,
 * encodings (addresses, masks, hundredths, wraps, Counter64), string indexes,
 * algorithm mappings, history/failure rows, notification varbinds, views. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "agent/flowmib.h"
#include "common/buf.h"
#include "ctl/ctl.h"
#include "state/state.h"

static uint64_t fake_ms;

static uint64_t
clock_ms(void)
{
	return fake_ms;
}

static time_t fake_wall;

static time_t
clock_wall(void)
{
	return fake_wall;
}

static struct st_ike *
ike_up(const char *conn, const char *local, const char *remote, const char *rid)
{
	struct st_conn *c = st_conn_set(conn);
	struct st_ike *ike;

	addr_parse(local, &c->local);
	addr_parse(remote, &c->remote);
	ike = st_ike_new(conn, 2, 1);
	ike->local = c->local;
	ike->remote = c->remote;
	ike->local_id_type = ST_ID_ADDR;
	snprintf(ike->local_id, sizeof(ike->local_id), "%s", local);
	ike->remote_id_type = rid ? ST_ID_NAME : ST_ID_ADDR;
	snprintf(ike->remote_id, sizeof(ike->remote_id), "%s", rid ? rid : "");
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 2, .integ = 2,
	    .dh = 14 };
	ike->auth_method = 2;
	ike->lifetime = 86400;
	ike->rekey_after = 3000;
	st_ike_established(ike);
	return ike;
}

static struct st_child *
child_up(struct st_ike *ike, const char *lnet, const char *rnet, uint32_t spi,
    uint64_t in_octets)
{
	struct st_child *ch = st_child_new(ike->index, ike->conn);
	struct st_dir_counters in = { .octets = in_octets, .packets = 100, .replay_drops = 2,
	    .auth_fails = 3 };
	struct st_dir_counters out = { .octets = 20000, .packets = 100 };

	ch->local = ike->local;
	ch->remote = ike->remote;
	ch->algs = (struct st_algs){ .encr = 3, .integ = 1 };	/* 3DES / HMAC-MD5 */
	ch->life_kb = 4608000;
	ch->life_sec = 3600;
	ch->rekey_sec = 3420;
	ch->nts_local = ch->nts_remote = 1;
	subnet_parse(lnet, &ch->ts_local[0].net);
	subnet_parse(rnet, &ch->ts_remote[0].net);
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, spi, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, spi + 1, IPPROTO_ESP), 0);
	assert_int_equal(st_sa_update(spi, ST_SA_IN, &in), 0);
	assert_int_equal(st_sa_update(spi + 1, ST_SA_OUT, &out), 0);
	return ch;
}

static int
setup(void **unused)
{
	(void)unused;
	fake_ms = 1000000;
	fake_wall = 1700000000;
	st_set_clock(clock_ms, clock_wall);
	assert_int_equal(st_init(), 0);
	fm_init();
	return 0;
}

static int
teardown(void **unused)
{
	(void)unused;
	fm_free();
	st_free();
	ctl_unregister_all();
	return 0;
}

static const void *
row1(enum fm_table_id id, oid a)
{
	return fm_find(&fm_tables[id], &a, 1);
}

/* The value a column serves, encoded as the agent encodes it. */
static netsnmp_variable_list *
serve(enum fm_table_id id, const void *row, unsigned col)
{
	static const oid name[] = { 1, 3, 6, 1, 4, 1, 9, 9, 171 };
	const struct fm_col *c = fm_col_find(&fm_tables[id], col);
	netsnmp_variable_list *vl = NULL, *vb;

	assert_non_null(c);
	assert_non_null(row);
	vb = snmp_varlist_add_variable(&vl, name, OID_LENGTH(name), ASN_NULL, NULL, 0);
	assert_non_null(vb);
	agent_set_field(vb, c->kind, (const char *)row + c->off);
	return vl;
}

static void
expect_u(enum fm_table_id id, const void *row, unsigned col, u_char type, u_long v)
{
	netsnmp_variable_list *vb = serve(id, row, col);

	assert_int_equal(vb->type, type);
	assert_int_equal(*vb->val.integer, v);
	snmp_free_varbind(vb);
}

static void
expect_oct(enum fm_table_id id, const void *row, unsigned col, const void *bytes, size_t len)
{
	netsnmp_variable_list *vb = serve(id, row, col);

	assert_int_equal(vb->type, ASN_OCTET_STR);
	assert_int_equal(vb->val_len, len);
	assert_memory_equal(vb->val.string, bytes, len);
	snmp_free_varbind(vb);
}

static void
t_ipsec_tunnel_row(void **unused)
{
	struct st_ike *ike;
	const struct fm_ipsec_tun *r;
	netsnmp_variable_list *vb;
	static const u_char local[] = { 172, 16, 10, 1 }, mask[] = { 255, 255, 255, 0 },
	    net[] = { 192, 168, 1, 0 }, host[] = { 10, 0, 0, 7 };

	(void)unused;
	ike = ike_up("seed", "172.16.10.1", "172.16.10.2", NULL);
	child_up(ike, "192.168.1.0/24", "10.0.0.7/32", 0xc0000010, 5000000000ULL);
	fake_ms += 12345;		/* 12.345 s up */
	assert_int_equal(fm_refresh(), 0);

	assert_int_equal(fm_tables[FM_T_IPSEC_TUN].nrows, 1);
	r = row1(FM_T_IPSEC_TUN, 1);
	assert_non_null(r);
	expect_u(FM_T_IPSEC_TUN, r, 2, ASN_INTEGER, ike->index);	/* IkeTunnelIndex */
	expect_u(FM_T_IPSEC_TUN, r, 3, ASN_INTEGER, 1);		/* alive: true */
	expect_oct(FM_T_IPSEC_TUN, r, 4, local, 4);
	expect_u(FM_T_IPSEC_TUN, r, 8, ASN_INTEGER, 4608000);	/* KB */
	expect_u(FM_T_IPSEC_TUN, r, 9, ASN_INTEGER, 3600);
	expect_u(FM_T_IPSEC_TUN, r, 10, ASN_INTEGER, 1234);	/* hundredths */
	expect_u(FM_T_IPSEC_TUN, r, 15, ASN_GAUGE, 2);
	expect_u(FM_T_IPSEC_TUN, r, 17, ASN_INTEGER, 3);		/* des3 */
	expect_u(FM_T_IPSEC_TUN, r, 18, ASN_INTEGER, 1);		/* AH: none */
	expect_u(FM_T_IPSEC_TUN, r, 19, ASN_INTEGER, 2);		/* hmacMd5 */
	expect_u(FM_T_IPSEC_TUN, r, 20, ASN_INTEGER, 1);		/* no compression */
	/* 5,000,000,000 octets: Counter32 low bits, wraps = 1, Counter64 whole */
	expect_u(FM_T_IPSEC_TUN, r, 26, ASN_COUNTER, 705032704);
	expect_u(FM_T_IPSEC_TUN, r, 28, ASN_COUNTER, 1);
	vb = serve(FM_T_IPSEC_TUN, r, 27);
	assert_int_equal(vb->type, ASN_COUNTER64);
	assert_int_equal(vb->val.counter64->high, 1);
	assert_int_equal(vb->val.counter64->low, 705032704);
	snmp_free_varbind(vb);
	expect_u(FM_T_IPSEC_TUN, r, 32, ASN_COUNTER, 100);		/* InPkts */
	expect_u(FM_T_IPSEC_TUN, r, 33, ASN_COUNTER, 5);		/* drops = replay + auth */
	expect_u(FM_T_IPSEC_TUN, r, 34, ASN_COUNTER, 2);
	expect_u(FM_T_IPSEC_TUN, r, 36, ASN_COUNTER, 3);
	expect_u(FM_T_IPSEC_TUN, r, 38, ASN_COUNTER, 0);		/* not AEAD */
	expect_u(FM_T_IPSEC_TUN, r, 45, ASN_COUNTER, 100);		/* OutPkts */
	expect_u(FM_T_IPSEC_TUN, r, 51, ASN_INTEGER, 1);		/* active */
	assert_null(fm_col_find(&fm_tables[FM_T_IPSEC_TUN], 1));	/* index: not served */

	/* Endpoints: a subnet is address + netmask, a host is singleIpAddr. */
	{
		oid idx[2] = { 1, 1 };
		const struct fm_endpt *e = fm_find(&fm_tables[FM_T_ENDPT], idx, 2);

		assert_non_null(e);
		expect_u(FM_T_ENDPT, e, 3, ASN_INTEGER, 3);
		expect_oct(FM_T_ENDPT, e, 4, net, 4);
		expect_oct(FM_T_ENDPT, e, 5, mask, 4);
		expect_u(FM_T_ENDPT, e, 9, ASN_INTEGER, 1);
		expect_oct(FM_T_ENDPT, e, 10, host, 4);
	}
	/* SPIs: direction, value as Unsigned32, esp(2), active(1) */
	{
		oid idx[2] = { 1, 2 };
		const struct fm_spi *s = fm_find(&fm_tables[FM_T_SPI], idx, 2);

		assert_non_null(s);
		expect_u(FM_T_SPI, s, 2, ASN_INTEGER, 2);
		expect_u(FM_T_SPI, s, 3, ASN_UNSIGNED, 0xc0000011);
		expect_u(FM_T_SPI, s, 4, ASN_INTEGER, 2);
		expect_u(FM_T_SPI, s, 5, ASN_INTEGER, 1);
	}
	/* The IKE row of the tunnel carries the same addresses. */
	expect_oct(FM_T_IKE_TUN, row1(FM_T_IKE_TUN, ike->index), 4, local, 4);
}

static void
t_ike_row_and_algorithms(void **unused)
{
	struct st_ike *a, *b;
	const struct fm_ike_tun *r;
	netsnmp_variable_list *vb;
	struct st_algs x = { 0 };

	(void)unused;
	a = ike_up("a", "192.0.2.1", "192.0.2.2", NULL);
	b = ike_up("b", "192.0.2.1", "198.51.100.9", "gw.example.net");
	b->remote_id[0] = '\0';		/* no ID text: the address stands in */
	b->remote_id_type = ST_ID_NAME;
	assert_int_equal(fm_refresh(), 0);

	r = row1(FM_T_IKE_TUN, a->index);
	expect_u(FM_T_IKE_TUN, r, 2, ASN_INTEGER, 1);		/* ipAddrPeer */
	vb = serve(FM_T_IKE_TUN, r, 7);
	assert_int_equal(vb->val_len, strlen("192.0.2.2"));
	assert_memory_equal(vb->val.string, "192.0.2.2", vb->val_len);
	snmp_free_varbind(vb);
	expect_u(FM_T_IKE_TUN, r, 10, ASN_INTEGER, 1);		/* IKEv2: main */
	expect_u(FM_T_IKE_TUN, r, 11, ASN_INTEGER, 1);		/* MODP-2048: none */
	expect_u(FM_T_IKE_TUN, r, 12, ASN_INTEGER, 1);		/* AES: none */
	expect_u(FM_T_IKE_TUN, r, 13, ASN_INTEGER, 3);		/* SHA1: sha */
	expect_u(FM_T_IKE_TUN, r, 14, ASN_INTEGER, 2);		/* preSharedKey */
	expect_u(FM_T_IKE_TUN, r, 15, ASN_INTEGER, 86400);
	expect_u(FM_T_IKE_TUN, r, 17, ASN_INTEGER, 3000);
	expect_u(FM_T_IKE_TUN, r, 35, ASN_INTEGER, 1);

	r = row1(FM_T_IKE_TUN, b->index);
	expect_u(FM_T_IKE_TUN, r, 6, ASN_INTEGER, 1);		/* address ID */
	vb = serve(FM_T_IKE_TUN, r, 7);
	assert_memory_equal(vb->val.string, "198.51.100.9", vb->val_len);
	snmp_free_varbind(vb);

	/* the enums of 2007 */
	x.encr = 2;
	assert_int_equal(fm_encr_algo(&x), 2);
	x.encr = 3;
	assert_int_equal(fm_encr_algo(&x), 3);
	x.encr = 20;
	assert_int_equal(fm_encr_algo(&x), 1);
	assert_int_equal(fm_ike_hash_algo(1), 2);
	assert_int_equal(fm_ike_hash_algo(12), 3);
	assert_int_equal(fm_ike_hash_algo(0), 1);
	assert_int_equal(fm_auth_algo(2), 3);
	assert_int_equal(fm_auth_algo(5), 1);
	assert_int_equal(fm_dh_group(1), 2);
	assert_int_equal(fm_dh_group(2), 3);
	assert_int_equal(fm_dh_group(19), 1);
	assert_int_equal(fm_dh_group(0), 1);
}

static void
t_peer_index(void **unused)
{
	oid o[FM_IDX_MAX];
	static const oid want[] = { 1, 3, 'a', '.', 'b', 2, 2, 'g', 'w', 7 };
	char big[300];
	struct st_ike *a, *a2;
	const struct fm_peer *p;
	size_t n;

	(void)unused;
	n = fm_peer_index(o, FM_IDX_MAX, 1, "a.b", 2, "gw", 7);
	assert_int_equal(n, OID_LENGTH(want));
	assert_memory_equal(o, want, sizeof(want));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(fm_peer_index(o, FM_IDX_MAX, 2, big, 1, "b", 1), 0);

	/* Two IKE SAs of one peer association (a rekey): one row, the newest. */
	a = ike_up("p", "192.0.2.1", "192.0.2.2", NULL);
	child_up(a, "10.1.0.0/16", "10.2.0.0/16", 0xc0000100, 1);
	a2 = ike_up("p", "192.0.2.1", "192.0.2.2", NULL);
	ike_up("q", "192.0.2.1", "192.0.2.3", "peer.example");
	assert_int_equal(fm_refresh(), 0);
	assert_int_equal(fm_tables[FM_T_PEER].nrows, 2);
	n = fm_peer_index(o, FM_IDX_MAX, 1, "192.0.2.1", 1, "192.0.2.2", st_conn_find("p")->index);
	p = fm_find(&fm_tables[FM_T_PEER], o, n);
	assert_non_null(p);
	expect_u(FM_T_PEER, p, 9, ASN_INTEGER, a2->index);
	/* rows in OID order */
	for (size_t i = 1; i < fm_tables[FM_T_PEER].nrows; i++) {
		const struct fm_row *x = fm_row_at(&fm_tables[FM_T_PEER], i - 1);
		const struct fm_row *y = fm_row_at(&fm_tables[FM_T_PEER], i);

		assert_true(snmp_oid_compare(x->nx.oids, x->nx.len, y->nx.oids, y->nx.len) < 0);
	}
	/* The correlation row: the peer's index + SeqNum 1 -> the child. */
	assert_int_equal(fm_tables[FM_T_PEER_CORR].nrows, 1);
	o[n] = 1;
	{
		const struct fm_peer_corr *c = fm_find(&fm_tables[FM_T_PEER_CORR], o, n + 1);

		assert_non_null(c);
		expect_u(FM_T_PEER_CORR, c, 7, ASN_INTEGER, 1);
	}
}

static void
t_history_failures_globals(void **unused)
{
	struct st_ike *ike;
	struct st_child *ch;
	struct ifl_addr s, d;
	const struct fm_ipsec_hist *h;
	const struct fm_endpt_hist *eh;
	const struct fm_ipsec_fail *f;
	uint32_t idx;
	oid ehi;

	(void)unused;
	ike = ike_up("h", "192.0.2.1", "192.0.2.2", NULL);
	fake_ms += 1000;
	ch = child_up(ike, "10.1.0.0/16", "10.2.0.0/16", 0xc0000200, 4294967296ULL + 10);
	idx = ch->index;
	fake_ms += 6000;			/* 60 s of ticks after fm_init... */
	st_child_end(idx, ST_TERM_PEER_LOST);
	addr_parse("192.0.2.1", &s);
	addr_parse("192.0.2.2", &d);
	assert_non_null(st_ipsec_fail(ST_IPF_IN_AUTH, idx, 0xc0000200, &s, &d, "ICV"));
	assert_int_equal(fm_refresh(), 0);

	assert_null(row1(FM_T_IPSEC_TUN, idx));	/* the row went with the tunnel */
	assert_int_equal(fm_tables[FM_T_IPSEC_HIST].nrows, 1);
	h = fm_row_at(&fm_tables[FM_T_IPSEC_HIST], 0);
	expect_u(FM_T_IPSEC_HIST, h, 2, ASN_INTEGER, 5);		/* peerLost */
	expect_u(FM_T_IPSEC_HIST, h, 3, ASN_INTEGER, idx);
	expect_u(FM_T_IPSEC_HIST, h, 4, ASN_INTEGER, ike->index);
	expect_u(FM_T_IPSEC_HIST, h, 11, ASN_TIMETICKS, 100);	/* started 1 s after fm_init */
	expect_u(FM_T_IPSEC_HIST, h, 12, ASN_INTEGER, 600);	/* 6 s active */
	expect_u(FM_T_IPSEC_HIST, h, 25, ASN_COUNTER, 10);
	expect_u(FM_T_IPSEC_HIST, h, 27, ASN_COUNTER, 1);

	ehi = (h->index - 1) * ST_MAX_TS * ST_MAX_TS + 1;
	eh = fm_find(&fm_tables[FM_T_ENDPT_HIST], &ehi, 1);
	assert_non_null(eh);
	expect_u(FM_T_ENDPT_HIST, eh, 2, ASN_INTEGER, h->index);
	expect_u(FM_T_ENDPT_HIST, eh, 5, ASN_INTEGER, 3);

	f = fm_row_at(&fm_tables[FM_T_IPSEC_FAIL], 0);
	expect_u(FM_T_IPSEC_FAIL, f, 2, ASN_INTEGER, 9);		/* inAuthFailure */
	expect_u(FM_T_IPSEC_FAIL, f, 3, ASN_TIMETICKS, 700);
	expect_u(FM_T_IPSEC_FAIL, f, 5, ASN_INTEGER, 0x40000200);	/* SPI in Integer32 */

	/* Globals: the ended tunnel counts in previous tunnels and octets. */
	assert_int_equal(fm_g.ipsec_active, 0);
	assert_int_equal(fm_g.ipsec.previous_tunnels, 1);
	assert_int_equal(fm_g.ipsec.c.in.octets, 4294967296ULL + 10);
	assert_int_equal(fm_g.ipsec.c.in.packets, 100);
	assert_int_equal(fm_g.ike_active, 1);
}

static void
t_ipv6(void **unused)
{
	struct st_ike *ike;
	const struct fm_ipsec_tun *r;
	oid idx[2] = { 0, 1 };
	const struct fm_endpt *e;
	const struct fm_ipsec_hist *h;
	const struct fm_ike_hist *ih;
	const struct fm_ike_fail *iff;
	const struct fm_ipsec_fail *pf;
	struct ifl_addr a, b;
	static const u_char local[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	    remote[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
	    mask[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	(void)unused;
	ike = ike_up("six", "2001:db8::1", "2001:db8::2", NULL);
	r = NULL;
	child_up(ike, "2001:db8:1::/64", "2001:db8:2::/64", 0xc0000600, 1);
	assert_int_equal(fm_refresh(), 0);
	r = fm_row_at(&fm_tables[FM_T_IPSEC_TUN], 0);
	expect_oct(FM_T_IPSEC_TUN, r, 4, local, 16);
	expect_oct(FM_T_IKE_TUN, fm_row_at(&fm_tables[FM_T_IKE_TUN], 0), 4, local, 16);
	idx[0] = r->index;
	e = fm_find(&fm_tables[FM_T_ENDPT], idx, 2);
	assert_non_null(e);
	expect_u(FM_T_ENDPT, e, 3, ASN_INTEGER, 3);
	expect_oct(FM_T_ENDPT, e, 5, mask, 16);
	expect_oct(FM_T_PEER, fm_row_at(&fm_tables[FM_T_PEER], 0), 6, local, 16);
	expect_oct(FM_T_PEER, fm_row_at(&fm_tables[FM_T_PEER], 0), 7, remote, 16);

	/* every other IPSIpAddress column: history and failure rows */
	addr_parse("2001:db8::1", &a);
	addr_parse("2001:db8::2", &b);
	assert_non_null(st_ipsec_fail(ST_IPF_IN_AUTH, r->index, 0xc0000600, &b, &a,
	    "ICV"));
	assert_non_null(st_ike_fail(ST_IKEF_PEER_LOST, "six", &a, &b, "gone"));
	st_child_end(r->index, ST_TERM_PEER_LOST);
	st_ike_end(ike->index, ST_TERM_PEER_LOST);
	assert_int_equal(fm_refresh(), 0);
	h = fm_row_at(&fm_tables[FM_T_IPSEC_HIST], 0);
	expect_oct(FM_T_IPSEC_HIST, h, 5, local, 16);
	expect_oct(FM_T_IPSEC_HIST, h, 6, remote, 16);
	ih = fm_row_at(&fm_tables[FM_T_IKE_HIST], 0);
	expect_oct(FM_T_IKE_HIST, ih, 9, local, 16);
	expect_oct(FM_T_IKE_HIST, ih, 11, remote, 16);
	iff = fm_row_at(&fm_tables[FM_T_IKE_FAIL], 0);
	expect_oct(FM_T_IKE_FAIL, iff, 8, local, 16);
	expect_oct(FM_T_IKE_FAIL, iff, 9, remote, 16);
	pf = fm_row_at(&fm_tables[FM_T_IPSEC_FAIL], 0);
	expect_oct(FM_T_IPSEC_FAIL, pf, 6, remote, 16);
	expect_oct(FM_T_IPSEC_FAIL, pf, 7, local, 16);
}

/* A failure kept from a run before a reboot: its monotonic time means
 * nothing now, its wall time says it predates the agent. */
static void
t_timestamp_of_older_records(void **unused)
{
	struct ifl_addr a;
	const struct fm_ike_fail *f;

	(void)unused;
	addr_parse("192.0.2.1", &a);
	fake_ms = 90000000;
	fake_wall = 1700000000 - 100;
	assert_non_null(st_ike_fail(ST_IKEF_PEER_LOST, "x", &a, &a, "old"));
	fake_ms = 5000;
	fake_wall = 1700000000;
	fm_init();
	fake_ms += 2500;
	fake_wall += 2;
	assert_non_null(st_ike_fail(ST_IKEF_PEER_LOST, "x", &a, &a, "new"));
	assert_int_equal(fm_refresh(), 0);
	assert_int_equal(fm_tables[FM_T_IKE_FAIL].nrows, 2);
	f = fm_row_at(&fm_tables[FM_T_IKE_FAIL], 0);
	expect_u(FM_T_IKE_FAIL, f, 3, ASN_TIMETICKS, 0);
	f = fm_row_at(&fm_tables[FM_T_IKE_FAIL], 1);
	expect_u(FM_T_IKE_FAIL, f, 3, ASN_TIMETICKS, 250);
}

static void
t_counters_never_back(void **unused)
{
	struct st_ike *ike;
	struct st_child *ch;
	struct st_dir_counters c = { .octets = 500, .packets = 5 };
	const struct fm_ipsec_tun *r;

	(void)unused;
	ike = ike_up("r", "192.0.2.1", "192.0.2.2", NULL);
	ch = child_up(ike, "10.1.0.0/16", "10.2.0.0/16", 0xc0000300, 1000);
	/* rekey: new SAs, the old ones leave the kernel with their final counters */
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 0xc0000310, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, 0xc0000311, IPPROTO_ESP), 0);
	assert_int_equal(st_sa_gone(0xc0000300, ST_SA_IN, NULL), 0);
	assert_int_equal(st_sa_update(0xc0000310, ST_SA_IN, &c), 0);
	assert_int_equal(fm_refresh(), 0);
	r = row1(FM_T_IPSEC_TUN, ch->index);
	expect_u(FM_T_IPSEC_TUN, r, 26, ASN_COUNTER, 1500);
	expect_u(FM_T_IPSEC_TUN, r, 32, ASN_COUNTER, 105);
}

static void
t_notification_varbinds(void **unused)
{
	struct st_ike *ike;
	struct st_child *ch;
	netsnmp_variable_list *vl;
	int which[2];
	/* cipSecTunActiveTime.<tunnel> */
	oid want[] = { 1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 10, 0 };
	const void *rec = NULL;

	(void)unused;
	ike = ike_up("n", "192.0.2.1", "192.0.2.2", NULL);
	ch = child_up(ike, "10.1.0.0/16", "10.2.0.0/16", 0xc0000400, 1);

	assert_int_equal(agent_trap_for_event(ST_EV_CHILD_UP, ch, which), 1);
	assert_int_equal(which[0], 7);
	vl = agent_trap_varbinds(7, ST_EV_CHILD_UP, ch);
	assert_non_null(vl);
	assert_int_equal(vl->name[13], 9);			/* cipSecTunLifeTime */
	assert_int_equal(*vl->val.integer, 3600);
	assert_int_equal(vl->next_variable->name[13], 8);	/* cipSecTunLifeSize */
	assert_null(vl->next_variable->next_variable);
	snmp_free_varbind(vl);

	/* IKE start: the peer addresses with the cikePeerTable index, then the lifetime */
	vl = agent_trap_varbinds(1, ST_EV_IKE_UP, ike);
	assert_non_null(vl);
	assert_int_equal(vl->name[11], 2);			/* cikePeerTable */
	assert_int_equal(vl->name[13], 6);			/* cikePeerLocalAddr */
	assert_int_equal(vl->name[14], 1);			/* ipAddrPeer */
	assert_int_equal(vl->name[15], strlen("192.0.2.1"));
	assert_int_equal(vl->name[16], '1');
	assert_int_equal(vl->val_len, 4);
	assert_int_equal(vl->next_variable->name[13], 7);
	assert_int_equal(vl->next_variable->next_variable->name[13], 15);
	snmp_free_varbind(vl);

	/* Child down: stop (+ early termination when the peer was lost). The
	 * record arrives through the subscription, as the agent gets it. */
	want[14] = ch->index;
	{
		struct st_child_hist *h;

		st_child_end(ch->index, ST_TERM_PEER_LOST);
		h = (struct st_child_hist *)st_child_hist_next(0);
		assert_non_null(h);
		rec = h;
	}
	assert_int_equal(agent_trap_for_event(ST_EV_CHILD_DOWN, rec, which), 2);
	assert_int_equal(which[0], 8);
	assert_int_equal(which[1], 11);
	vl = agent_trap_varbinds(8, ST_EV_CHILD_DOWN, rec);
	assert_non_null(vl);
	assert_int_equal(vl->name_length, OID_LENGTH(want));
	assert_memory_equal(vl->name, want, sizeof(want));
	assert_null(vl->next_variable);
	snmp_free_varbind(vl);
	vl = agent_trap_varbinds(11, ST_EV_CHILD_DOWN, rec);
	assert_non_null(vl->next_variable);
	assert_int_equal(vl->next_variable->name[11], 4);	/* cipSecSpiTable */
	assert_int_equal(vl->next_variable->name[13], 4);	/* cipSecSpiProtocol */
	assert_int_equal(*vl->next_variable->val.integer, 2);	/* esp */
	snmp_free_varbind(vl);
	/* wrong pairing: nothing */
	assert_null(agent_trap_varbinds(8, ST_EV_CHILD_UP, rec));
}

static void
t_show_views(void **unused)
{
	struct st_ike *ike;
	struct buf *out = buf_new(4096);

	(void)unused;
	agent_show_register();
	ike = ike_up("v", "172.16.10.1", "172.16.10.2", NULL);
	child_up(ike, "192.168.1.0/24", "192.168.2.0/24", 0xc0000500, 40000);
	fake_ms += 65000;

	assert_int_equal(ctl_dispatch("show crypto mib ipsec flowmib tunnel index 1", out), 0);
	buf_put_u8(out, 0);
	assert_non_null(strstr((char *)out->data, "  Index:                1\n"));
	assert_non_null(strstr((char *)out->data, "In packets:           100\n"));
	assert_non_null(strstr((char *)out->data, "Active time:          00:01:05\n"));
	assert_non_null(strstr((char *)out->data, "Lifetime (KB):        4608000\n"));
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib ipsec flowmib tunnel index 2", out), 0);
	buf_put_u8(out, 0);
	assert_string_equal((char *)out->data, "vrf Global\n");
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib ipsec flowmib endpoint", out), 0);
	buf_put_u8(out, 0);
	assert_non_null(strstr((char *)out->data, "Local address:        192.168.1.0 255.255.255.0\n"));
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib isakmp flowmib peer", out), 0);
	buf_put_u8(out, 0);
	assert_non_null(strstr((char *)out->data, "Remote address:       172.16.10.2\n"));
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib isakmp flowmib tunnel", out), 0);
	buf_put_u8(out, 0);
	assert_non_null(strstr((char *)out->data, "Auth method:          psk\n"));
	assert_non_null(strstr((char *)out->data, "Diffie Hellman Grp:   14\n"));
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib ipsec flowmib spi", out), 0);
	buf_put_u8(out, 0);
	assert_non_null(strstr((char *)out->data, "SPI Value:            0xC0000500\n"));
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib ipsec flowmib global", out), 0);
	buf_put_u8(out, 0);
	assert_non_null(strstr((char *)out->data, "Active Tunnels:       1\n"));
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib ipsec flowmib tunnel index x", out), -1);
	buf_reset(out);
	assert_int_equal(ctl_dispatch("show crypto mib isakmp flowmib global extra", out), -1);
	buf_free(out);
}

/* The tables built in steps (the daemon's way after each fold) are the
 * tables built at once; until the last step the previous ones are served
 * whole; a tunnel that ends between two steps is left out, and a build at
 * once drops the one in steps. */
static void
t_refresh_in_steps(void **unused)
{
	struct st_ike *ike;
	struct st_child *ch;
	char conn[16], local[32], remote[32], lnet[32], rnet[32];
	size_t nrows[FM_T_COUNT], steps = 0;
	struct fm_p2 *p2;
	uint32_t last = 0, first = 0;
	int r;

	(void)unused;
	for (int i = 0; i < 300; i++) {
		snprintf(conn, sizeof(conn), "s%d", i);
		snprintf(local, sizeof(local), "10.9.%d.1", i / 200);
		snprintf(remote, sizeof(remote), "10.8.%d.%d", i / 200, i % 200 + 1);
		snprintf(lnet, sizeof(lnet), "192.168.%d.0/24", i % 250);
		snprintf(rnet, sizeof(rnet), "172.16.%d.0/24", i % 250);
		ike = ike_up(conn, local, remote, i % 3 ? "peer.example" : NULL);
		ch = child_up(ike, lnet, rnet, 0xc0001000 + 2 * (uint32_t)i, 1000 + i);
		if (first == 0)
			first = ch->index;
		last = ch->index;
	}
	assert_non_null(st_ipsec_fail(ST_IPF_IN_AUTH, first, 0xc0001000, &ike->local,
	    &ike->remote, "ICV"));
	assert_int_equal(fm_refresh(), 0);
	assert_int_equal(fm_tables[FM_T_IPSEC_TUN].nrows, 300);

	st_child_end(first, ST_TERM_PEER_LOST);
	assert_int_equal(fm_refresh_start(), 0);
	assert_int_equal(fm_refresh_start(), -1);	/* one at a time */
	while ((r = fm_refresh_step(1)) == 0) {
		/* the previous rows, whole, until the end */
		assert_int_equal(fm_tables[FM_T_IPSEC_TUN].nrows, 300);
		assert_non_null(row1(FM_T_IPSEC_TUN, first));
		if (steps++ == 0)
			st_child_end(last, ST_TERM_PEER_DEL);	/* not walked yet */
	}
	assert_int_equal(r, 1);
	assert_true(steps > 2);
	assert_false(fm_refresh_running());
	assert_null(row1(FM_T_IPSEC_TUN, first));
	assert_null(row1(FM_T_IPSEC_TUN, last));
	assert_int_equal(fm_tables[FM_T_IPSEC_TUN].nrows, 298);
	assert_int_equal(fm_tables[FM_T_IPSEC_HIST].nrows, 2);

	/* the same as a build at once */
	for (int i = 0; i < FM_T_COUNT; i++)
		nrows[i] = fm_tables[i].nrows;
	p2 = malloc(298 * sizeof(*p2));
	assert_non_null(p2);
	for (size_t i = 0; i < 298; i++)
		p2[i] = ((struct fm_ipsec_tun *)fm_row_at(&fm_tables[FM_T_IPSEC_TUN], i))->p;
	assert_int_equal(fm_refresh(), 0);
	for (int i = 0; i < FM_T_COUNT; i++)
		assert_int_equal(fm_tables[i].nrows, nrows[i]);
	for (size_t i = 0; i < 298; i++)
		assert_memory_equal(&p2[i], &((struct fm_ipsec_tun *)fm_row_at(
		    &fm_tables[FM_T_IPSEC_TUN], i))->p, sizeof(*p2));
	free(p2);
	assert_int_equal(fm_tables[FM_T_PEER_CORR].nrows, 298);
	assert_int_equal(fm_tables[FM_T_PEER].nrows, 300);	/* the IKE SAs stay */

	/* a build at once drops the one in steps (freed: ASan and valgrind) */
	assert_int_equal(fm_refresh_start(), 0);
	assert_int_equal(fm_refresh_step(1), 0);
	assert_int_equal(fm_refresh(), 0);
	assert_false(fm_refresh_running());
	assert_int_equal(fm_refresh_step(1), 1);	/* none under way */
	assert_int_equal(fm_refresh_start(), 0);	/* and one left running: fm_free */
	assert_int_equal(fm_refresh_step(1), 0);
}

/* A refresh where no row came or went points the container's keys at the
 * new rows where they are: no insert, no sort (the container's sync count
 * does not move); when a row goes, the keys are made again. */
static void
t_refresh_keys_in_place(void **unused)
{
	struct fm_table *t = &fm_tables[FM_T_IPSEC_TUN];
	netsnmp_container *c = netsnmp_container_get_binary_array();
	char conn[16], remote[32];
	struct fm_key *keys;
	uint32_t first = 0, last;
	u_long sync;
	int r;

	(void)unused;
	assert_non_null(c);
	c->compare = netsnmp_compare_netsnmp_index;
	t->c = c;
	for (int i = 0; i < 50; i++) {
		struct st_ike *ike;
		struct st_child *ch;

		snprintf(conn, sizeof(conn), "k%d", i);
		snprintf(remote, sizeof(remote), "10.8.0.%d", i + 1);
		ike = ike_up(conn, "10.9.0.1", remote, NULL);
		ch = child_up(ike, "192.168.1.0/24", "172.16.1.0/24",
		    0xc0002000 + 2 * (uint32_t)i, 1000);
		if (first == 0)
			first = ch->index;
	}
	assert_int_equal(fm_refresh(), 0);
	assert_int_equal(CONTAINER_SIZE(c), 50);
	keys = t->keys;
	sync = c->sync;
	(void)CONTAINER_FIND(c, &keys[0].nx);	/* sorted now */
	sync = c->sync;

	/* in steps, as the agent does: the same keys, now on the new rows */
	assert_int_equal(fm_refresh_start(), 0);
	while ((r = fm_refresh_step(1)) == 0)
		;
	assert_int_equal(r, 1);
	assert_ptr_equal(t->keys, keys);
	assert_int_equal(c->sync, sync);
	for (size_t k = 0; k < 50; k++) {
		struct fm_key *f = CONTAINER_FIND(c, &keys[k].nx);

		assert_ptr_equal(f, &keys[k]);
		assert_ptr_equal(f->row, fm_row_at(t, k));
	}

	/* one tunnel ended and another came: as many rows, not the same */
	st_child_end(first, ST_TERM_PEER_LOST);
	{
		struct st_ike *ike = ike_up("k50", "10.9.0.1", "10.8.0.99", NULL);

		last = child_up(ike, "192.168.1.0/24", "172.16.1.0/24", 0xc0003000, 1)->index;
	}
	/* the new keys fill a container of their own over the steps: the
	 * served one is untouched until the last step, which takes the new
	 * contents whole (one sync move, not a clear and 50 inserts: at
	 * 10,000 tunnels those held one turn for tens of milliseconds) */
	assert_int_equal(fm_refresh_start(), 0);
	sync = c->sync;
	while ((r = fm_refresh_step(1)) == 0)
		assert_int_equal(c->sync, sync);
	assert_int_equal(r, 1);
	assert_true(c->sync - sync <= 1);
	assert_ptr_equal(t->c, c);		/* the registration's container */
	assert_int_equal(CONTAINER_SIZE(c), 50);
	assert_null(row1(FM_T_IPSEC_TUN, first));
	for (size_t k = 0; k < 50; k++) {
		struct fm_key *f = CONTAINER_FIND(c, &t->keys[k].nx);

		assert_ptr_equal(f, &t->keys[k]);
		assert_ptr_equal(f->row, fm_row_at(t, k));
	}
	{
		oid o = last;
		netsnmp_index nx = { 1, &o };
		struct fm_key *f = CONTAINER_FIND(c, &nx);

		assert_non_null(f);
		assert_ptr_equal(f->row, row1(FM_T_IPSEC_TUN, last));
	}

	/* a tunnel ended: keys made again, the container holds the rest */
	st_child_end(last, ST_TERM_PEER_LOST);
	assert_int_equal(fm_refresh(), 0);
	assert_int_equal(CONTAINER_SIZE(c), 49);
	for (size_t k = 0; k < 49; k++) {
		struct fm_key *f = CONTAINER_FIND(c, &t->keys[k].nx);

		assert_non_null(f);
		assert_ptr_equal(f->row, fm_row_at(t, k));
	}
	assert_null(row1(FM_T_IPSEC_TUN, last));
	fm_free();
	t->c = NULL;
	CONTAINER_FREE(c);
}

/* A fold after the tables were built: an SNMP request answers with the
 * new counters, but only the rows it reads are brought up to date (a GET
 * of one tunnel costs one row, not a pass over every tunnel in its turn);
 * the globals follow at once, and a view of every row follows them all. */
static void
t_counters_follow_per_row(void **unused)
{
	struct st_ike *ike;
	struct st_child *a, *b;
	struct st_dir_counters c = { .octets = 90000, .packets = 900, .replay_drops = 4,
	    .auth_fails = 3 };
	struct fm_ipsec_tun *ra, *rb;

	(void)unused;
	ike = ike_up("r", "192.0.2.1", "192.0.2.2", NULL);
	a = child_up(ike, "10.1.0.0/16", "10.2.0.0/16", 0xc0000400, 1000);
	b = child_up(ike, "10.3.0.0/16", "10.4.0.0/16", 0xc0000500, 1000);
	assert_int_equal(fm_refresh(), 0);
	assert_int_equal(fm_counters_mark(), 0);	/* nothing folded since */
	ra = (struct fm_ipsec_tun *)row1(FM_T_IPSEC_TUN, a->index);
	rb = (struct fm_ipsec_tun *)row1(FM_T_IPSEC_TUN, b->index);
	assert_int_equal(fm_g.ipsec.c.in.packets, 200);

	assert_int_equal(st_sa_update(0xc0000400, ST_SA_IN, &c), 0);
	assert_int_equal(st_sa_update(0xc0000500, ST_SA_IN, &c), 0);
	st_counters_folded();
	assert_int_equal(fm_counters_mark(), 1);
	assert_int_equal(fm_g.ipsec.c.in.packets, 1800);
	assert_int_equal(fm_g.ipsec.in_replay_drops, 8);
	assert_int_equal(fm_g.ipsec.in_drops, 14);
	/* no row touched until it is read */
	assert_int_equal(ra->p.in_pkts, 100);
	assert_int_equal(rb->p.in_pkts, 100);
	fm_tun_follow(ra);
	assert_int_equal(ra->p.in_pkts, 900);
	assert_int_equal(ra->p.in_octets, 90000);
	assert_int_equal(rb->p.in_pkts, 100);
	/* a tunnel that ended keeps the counters it had */
	assert_int_equal(st_sa_update(0xc0000400, ST_SA_IN, &(struct st_dir_counters){
	    .packets = 950 }), 0);
	st_child_end(a->index, ST_TERM_NORMAL);
	st_counters_folded();
	assert_int_equal(fm_counters_mark(), 1);
	/* the views: every row at once */
	assert_int_equal(fm_counters_follow(), 1);
	assert_int_equal(rb->p.in_pkts, 900);
	assert_int_equal(ra->p.in_pkts, 900);
	assert_int_equal(fm_counters_follow(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_ipsec_tunnel_row, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ike_row_and_algorithms, setup, teardown),
		cmocka_unit_test_setup_teardown(t_peer_index, setup, teardown),
		cmocka_unit_test_setup_teardown(t_history_failures_globals, setup, teardown),
		cmocka_unit_test_setup_teardown(t_counters_never_back, setup, teardown),
		cmocka_unit_test_setup_teardown(t_counters_follow_per_row, setup, teardown),
		cmocka_unit_test_setup_teardown(t_timestamp_of_older_records, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(t_notification_varbinds, setup, teardown),
		cmocka_unit_test_setup_teardown(t_show_views, setup, teardown),
		cmocka_unit_test_setup_teardown(t_refresh_in_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(t_refresh_keys_in_place, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
