/* The `show crypto mib isakmp|ipsec flowmib ...` views over a state model with
 * several tunnels of both phases, ended tunnels and failures: every view's
 * text against its golden file under data/show/, the argument checks, and
 * when a view rebuilds the MIB rows and when it prints the ones it has.
 *
 * IFL_GOLDEN_UPDATE=1 in the environment writes the golden files instead of
 * comparing (then review the diff). */
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
#include "agent/flowmib.h"
#include "common/buf.h"
#include "ctl/ctl.h"
#include "state/state.h"

#include "golden_testutil.h"

#define DATA	TEST_SRCDIR "/unit/data/show"

static uint64_t fake_ms;
static time_t fake_wall;

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

/* ---- the model ---- */

static struct st_ike *
ike_new(const char *conn, const char *local, const char *remote, const char *lid,
    const char *rid)
{
	struct st_conn *c = st_conn_set(conn);
	struct st_ike *ike;

	assert_non_null(c);
	assert_int_equal(addr_parse(local, &c->local), 0);
	assert_int_equal(addr_parse(remote, &c->remote), 0);
	ike = st_ike_new(conn, 2, 1);
	assert_non_null(ike);
	ike->local = c->local;
	ike->remote = c->remote;
	ike->local_id_type = lid ? ST_ID_NAME : ST_ID_ADDR;
	snprintf(ike->local_id, sizeof(ike->local_id), "%s", lid ? lid : local);
	ike->remote_id_type = rid ? ST_ID_NAME : ST_ID_ADDR;
	snprintf(ike->remote_id, sizeof(ike->remote_id), "%s", rid ? rid : "");
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 2, .integ = 2,
	    .dh = 14 };
	ike->auth_method = 2;
	ike->lifetime = 86400;
	ike->rekey_after = 77760;
	return ike;
}

static void
ts_add(struct st_child *ch, int remote, const char *net, uint8_t proto, uint16_t port)
{
	struct st_ts *ts = remote ? &ch->ts_remote[ch->nts_remote++] :
	    &ch->ts_local[ch->nts_local++];

	assert_int_equal(subnet_parse(net, &ts->net), 0);
	ts->proto = proto;
	ts->port = port;
}

static struct st_child *
child_new(struct st_ike *ike, uint32_t spi, const struct st_dir_counters *in,
    const struct st_dir_counters *out)
{
	struct st_child *ch = st_child_new(ike->index, ike->conn);

	assert_non_null(ch);
	ch->local = ike->local;
	ch->remote = ike->remote;
	ch->algs = (struct st_algs){ .encr = 12, .encr_keylen = 256, .integ = 12, .dh = 14 };
	ch->life_kb = 4608000;
	ch->life_sec = 3600;
	ch->rekey_kb = 4147200;
	ch->rekey_sec = 3240;
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, spi, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, spi + 1, IPPROTO_ESP), 0);
	assert_int_equal(st_sa_update(spi, ST_SA_IN, in), 0);
	assert_int_equal(st_sa_update(spi + 1, ST_SA_OUT, out), 0);
	return ch;
}

/* Three live IKE SAs (addresses and FQDN IDs, IPv4 and IPv6, AES-CBC and
 * AES-GCM), four live children (subnets, a host, ports, a rekeyed one with
 * expiring SAs), an IKE SA and a child that ended, one connecting IKE SA that
 * no view lists, and failures of both phases. */
static void
rich_model(void)
{
	struct st_ike *a, *b, *c, *gone, *half;
	struct st_child *ch;
	struct st_ike_failrec *f;
	struct ifl_addr l, r;
	struct st_ipsec_global k = { .in_drops = 3, .out_drops = 1, .protocol_use_fails = 2 };
	struct st_dir_counters in = { .octets = 123456, .packets = 1000, .replay_drops = 2,
	    .auth_fails = 1 };
	struct st_dir_counters out = { .octets = 654321, .packets = 999 };
	struct st_dir_counters big = { .octets = 5000000000ULL, .packets = 4000000 };
	uint32_t idx;

	/* an ended tunnel first: history rows 1 */
	gone = ike_new("old", "198.51.100.1", "198.51.100.2", NULL, NULL);
	gone->algs = (struct st_algs){ .encr = 3, .prf = 1, .integ = 1, .dh = 2 };
	st_ike_established(gone);
	fake_ms += 1500;
	ch = child_new(gone, 0xc1000000, &in, &out);
	ch->algs = (struct st_algs){ .encr = 3, .integ = 1 };
	ts_add(ch, 0, "10.9.0.0/16", 0, 0);
	ts_add(ch, 1, "10.8.0.0/16", 0, 0);
	st_ike_counters_set(gone, &(struct st_ike_counters){ .in_pkts = 7, .out_pkts = 8 });
	fake_ms += 3723000;			/* 1 h 2 min 3 s */
	idx = ch->index;
	st_child_end(idx, ST_TERM_PEER_DEL);
	st_ike_end(gone->index, ST_TERM_NORMAL);

	/* A: addresses, two children */
	a = ike_new("site-a", "172.16.10.1", "172.16.10.2", NULL, NULL);
	st_ike_established(a);
	st_ike_counters_set(a, &(struct st_ike_counters){ .in_octets = 4096, .in_pkts = 12, .in_drops = 1,
	    .in_notifys = 2, .in_p2_exchg = 3, .in_p2_exchg_invalid = 4,
	    .in_p2_exchg_reject = 5, .in_p2_sa_del = 6, .out_octets = 5120, .out_pkts = 13,
	    .out_drops = 7, .out_notifys = 8, .out_p2_exchg = 9, .out_p2_exchg_invalid = 10,
	    .out_p2_exchg_reject = 11, .out_p2_sa_del = 12 });
	a->refreshes = 2;
	a->total_sas = 2;
	fake_ms += 2000;
	ch = child_new(a, 0xc0000010, &in, &out);
	ts_add(ch, 0, "192.168.1.0/24", 0, 0);
	ts_add(ch, 0, "192.168.3.7/32", 6, 443);
	ts_add(ch, 1, "10.0.0.7/32", 17, 500);
	ch = child_new(a, 0xc0000020, &big, &out);
	ch->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .integ = 2 };
	ch->transport = 1;
	/* rekeyed: the new pair is current, the old one expiring */
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 0xc0000030, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, 0xc0000031, IPPROTO_ESP), 0);
	ch->refreshes = 1;

	/* B: FQDN IDs, AES-GCM, no PFS */
	fake_ms += 30000;
	b = ike_new("road", "203.0.113.5", "203.0.113.9", "gw.example.net",
	    "road.example.net");
	b->algs = (struct st_algs){ .encr = 20, .encr_keylen = 256, .prf = 5, .dh = 19 };
	b->peer_index = 7;
	st_ike_established(b);
	ch = child_new(b, 0xc0000040, &in, &out);
	ch->algs = (struct st_algs){ .encr = 20, .encr_keylen = 128 };
	ts_add(ch, 0, "0.0.0.0/0", 0, 0);
	ts_add(ch, 1, "203.0.113.9/32", 0, 0);

	/* C: IPv6, no selectors recorded: the tunnel addresses stand in */
	c = ike_new("six", "2001:db8::1", "2001:db8::2", NULL, NULL);
	st_ike_established(c);
	child_new(c, 0xc0000050, &in, &out);

	/* still connecting: in no table */
	half = ike_new("half", "192.0.2.1", "192.0.2.99", NULL, NULL);
	(void)half;

	/* failures */
	assert_int_equal(addr_parse("172.16.10.1", &l), 0);
	assert_int_equal(addr_parse("172.16.10.66", &r), 0);
	f = st_ike_fail(ST_IKEF_AUTH, "site-a", &l, &r, "AUTHENTICATION_FAILED");
	assert_non_null(f);
	f->local_id_type = ST_ID_ADDR;
	snprintf(f->local_id, sizeof(f->local_id), "172.16.10.1");
	f->remote_id_type = ST_ID_NAME;
	snprintf(f->remote_id, sizeof(f->remote_id), "intruder.example");
	fake_ms += 61000;
	assert_non_null(st_ike_fail(ST_IKEF_PROPOSAL, "six", &c->local, &c->remote,
	    "NO_PROPOSAL_CHOSEN"));
	assert_non_null(st_ipsec_fail(ST_IPF_IN_AUTH, idx, 0xc1000000, &r, &l, "ICV"));
	assert_non_null(st_ipsec_fail(ST_IPF_NO_SA, 0, 0xdeadbeef, &r, &l, "no SA"));
	st_ike_global_w()->init_tunnels = 4;
	st_ipsec_global_kernel(&k);
	fake_ms += 5000;
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
	agent_show_register();
	return 0;
}

static int
teardown(void **unused)
{
	(void)unused;
	agent_shutdown();	/* when a test stopped before it did */
	fm_free();
	st_free();
	ctl_unregister_all();
	return 0;
}

/* ---- running a view ---- */

/* The text of a command; rc is its return. The caller frees it. */
static char *
run(const char *cmd, int rc)
{
	struct buf *out = buf_new(4096);
	char *s;

	assert_non_null(out);
	assert_int_equal(ctl_dispatch(cmd, out), rc);
	s = malloc(out->len + 1);
	assert_non_null(s);
	memcpy(s, out->data, out->len);
	s[out->len] = '\0';
	buf_free(out);
	return s;
}

/* The command's output against DATA/name. */
static void
golden(const char *cmd, const char *name)
{
	char path[512], *got = run(cmd, 0);

	snprintf(path, sizeof(path), "%s/%s", DATA, name);
	golden_check(cmd, got, path);
	free(got);
}

static const struct {
	const char *cmd, *file;
} views[] = {
	{ "show crypto mib isakmp flowmib failure", "ike-failure.txt" },
	{ "show crypto mib isakmp flowmib global", "ike-global.txt" },
	{ "show crypto mib isakmp flowmib history", "ike-history.txt" },
	{ "show crypto mib isakmp flowmib peer", "ike-peer.txt" },
	{ "show crypto mib isakmp flowmib peer index 7", "ike-peer-7.txt" },
	{ "show crypto mib isakmp flowmib tunnel", "ike-tunnel.txt" },
	{ "show crypto mib isakmp flowmib tunnel index 3", "ike-tunnel-3.txt" },
	{ "show crypto mib ipsec flowmib endpoint", "ipsec-endpoint.txt" },
	{ "show crypto mib ipsec flowmib failure", "ipsec-failure.txt" },
	{ "show crypto mib ipsec flowmib global", "ipsec-global.txt" },
	{ "show crypto mib ipsec flowmib history", "ipsec-history.txt" },
	{ "show crypto mib ipsec flowmib spi", "ipsec-spi.txt" },
	{ "show crypto mib ipsec flowmib tunnel", "ipsec-tunnel.txt" },
	{ "show crypto mib ipsec flowmib tunnel index 3", "ipsec-tunnel-3.txt" },
	{ "show crypto mib ipsec flowmib tunnel index 99", "ipsec-tunnel-99.txt" },
};

static void
t_views_golden(void **unused)
{
	(void)unused;
	rich_model();
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		golden(views[i].cmd, views[i].file);
	golden("help show crypto mib", "help.txt");
	golden("show crypto mib json", "json.txt");
}

/* An empty model: the header alone, whatever the view. */
static void
t_views_empty(void **unused)
{
	(void)unused;
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		char *s = run(views[i].cmd, 0);

		if (strstr(views[i].cmd, "global") == NULL)
			assert_string_equal(s, "vrf Global\n");
		else
			assert_non_null(strstr(s, "Active Tunnels:       0\n"));
		free(s);
	}
}

static void
t_bad_arguments(void **unused)
{
	static const char *const bad[] = {
		"show crypto mib isakmp flowmib failure 1",
		"show crypto mib isakmp flowmib global extra",
		"show crypto mib isakmp flowmib history index 1",
		"show crypto mib isakmp flowmib peer index",
		"show crypto mib isakmp flowmib peer index 0",
		"show crypto mib isakmp flowmib tunnel index -1",
		"show crypto mib isakmp flowmib tunnel index 2147483648",
		"show crypto mib isakmp flowmib tunnel number 1",
		"show crypto mib ipsec flowmib endpoint index 1",
		"show crypto mib ipsec flowmib failure x",
		"show crypto mib ipsec flowmib global 1",
		"show crypto mib ipsec flowmib history x y",
		"show crypto mib ipsec flowmib spi index 1",
		"show crypto mib ipsec flowmib tunnel index 1x",
		"show crypto mib ipsec flowmib tunnel index 1 index 2",
	};

	(void)unused;
	rich_model();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *s = run(bad[i], -1);

		assert_true(strncmp(s, "% Invalid input", 15) == 0);
		assert_null(strstr(s, "vrf Global"));
		free(s);
	}
}

/* ---- when the rows are rebuilt ---- */

/* What a counter fold leaves: the inbound SA of IPsec tunnel 2 moved on. */
static void
fold(uint64_t packets)
{
	struct st_dir_counters in = { .octets = 200000, .packets = packets };

	assert_int_equal(st_sa_update(0xc0000010, ST_SA_IN, &in), 0);
}

static int
shows(const char *cmd, const char *text)
{
	char *s = run(cmd, 0);
	int found = strstr(s, text) != NULL;

	free(s);
	return found;
}

#define TUN2	"show crypto mib ipsec flowmib tunnel index 2"

/* A tunnel comes up: listed by the next view, whoever built the rows last. */
static void
new_tunnel_listed(uint64_t builds)
{
	struct st_ike *ike = ike_new("new", "192.0.2.10", "192.0.2.20", NULL, NULL);
	char cmd[80], want[40];

	st_ike_established(ike);
	snprintf(cmd, sizeof(cmd), "show crypto mib isakmp flowmib tunnel index %u",
	    ike->index);
	snprintf(want, sizeof(want), "  Index:                %u\n", ike->index);
	assert_true(shows(cmd, want));
	assert_true(shows(cmd, "  Remote address:       192.0.2.20\n"));
	assert_int_equal(fm_refresh_count(), builds);
}

static void
t_rebuilds_without_agent(void **unused)
{
	uint64_t n;

	(void)unused;
	rich_model();
	n = fm_refresh_count();
	/* a burst of views: one build */
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		free(run(views[i].cmd, 0));
	assert_int_equal(fm_refresh_count(), n + 1);

	/* Counters folded in without an event: no agent rebuilds the rows
	 * after the fold, so a view does once they are a second old. */
	fold(1500);
	fake_ms += 999;
	assert_true(shows(TUN2, "  In packets:           1000\n"));
	assert_int_equal(fm_refresh_count(), n + 1);
	fake_ms += 1;
	assert_true(shows(TUN2, "  In packets:           1500\n"));
	assert_int_equal(fm_refresh_count(), n + 2);

	new_tunnel_listed(n + 3);

	/* rows built by another reader are rebuilt: they may be gone since */
	assert_int_equal(fm_refresh(), 0);
	fm_free();
	assert_true(shows(TUN2, "  In packets:           1500\n"));
	assert_int_equal(fm_refresh_count(), n + 5);
}

/* A kernel fold on demand (st_counters_fresh): the view reads counters of
 * now, updating the rows' counter columns in place, no rebuild. */
static uint64_t kernel_pkts;
static int kernel_folds;

static int
kernel_fold(void)
{
	kernel_folds++;
	fold(kernel_pkts);
	st_counters_folded();
	return 0;
}

static void
t_counters_on_demand(void **unused)
{
	uint64_t n;

	(void)unused;
	rich_model();
	kernel_pkts = 1000;
	st_counters_source(kernel_fold);
	assert_true(shows(TUN2, "  In packets:           1000\n"));
	n = fm_refresh_count();
	assert_int_equal(kernel_folds, 1);

	/* the kernel counted on: the next view, 0.2 s later, shows it */
	kernel_pkts = 1234;
	fake_ms += 200;
	assert_true(shows(TUN2, "  In packets:           1000\n"));	/* fresh enough */
	fake_ms += 1;
	assert_true(shows(TUN2, "  In packets:           1234\n"));
	assert_int_equal(kernel_folds, 2);
	assert_int_equal(fm_refresh_count(), n);
	/* so does the global view */
	assert_true(shows("show crypto mib ipsec flowmib global",
	    "  In packets:           4004234\n"));
	st_counters_source(NULL);
}

/* With the SNMP agent the rows follow the folds (the daemon calls
 * agent_refresh after each): a view prints them as the agent serves them
 * and builds only for a state change the agent has not caught up with. */
static void
t_rebuilds_with_agent(void **unused)
{
	uint64_t n;

	(void)unused;
	rich_model();
	/* no master agent there: the subagent keeps trying, it runs */
	assert_int_equal(agent_init("unix:/nonexistent/ikeflow/agentx", 1), 0);
	assert_true(agent_running());
	n = fm_refresh_count();
	assert_true(shows(TUN2, "  In packets:           1000\n"));
	assert_int_equal(fm_refresh_count(), n);

	fold(1500);
	fake_ms += 5000;
	assert_true(shows(TUN2, "  In packets:           1000\n"));
	agent_refresh();
	assert_int_equal(fm_refresh_count(), n + 1);
	assert_true(shows(TUN2, "  In packets:           1500\n"));
	assert_int_equal(fm_refresh_count(), n + 1);

	new_tunnel_listed(n + 2);

	/* the agent stops and frees its rows: the next view builds its own */
	agent_shutdown();
	assert_false(agent_running());
	assert_true(shows(TUN2, "  In packets:           1500\n"));
	assert_int_equal(fm_refresh_count(), n + 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_views_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(t_views_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(t_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rebuilds_without_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(t_counters_on_demand, setup, teardown),
		/* last: the subagent starts once per process */
		cmocka_unit_test_setup_teardown(t_rebuilds_with_agent, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
