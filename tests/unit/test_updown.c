/* The updown contract: the PLUTO_* environment of a selector pair (every
 * variable, IPv6 and a host selector, NAT-T, marks, ports), and real
 * scripts run by the module from the event loop: up then down in order,
 * a failure logged with its output, a timeout, the downs run at shutdown.
 * (The default script's firewall rules are tested in the UML test bed,
 * updown-firewall.) */
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
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/ike_daemon.h"
#include "daemon/updown.h"
#include "state/state.h"

/* daemon/modules.c is not linked: the tests run the module themselves */
const struct daemon_module *const daemon_modules[] = { NULL };
extern const struct daemon_module updown_module;

static char tmpdir[] = "/tmp/test_updown.XXXXXX";

static struct ifl_addr
A(const char *s)
{
	struct ifl_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static struct ikev2_ts
TS(const char *start, const char *end, uint8_t proto, uint16_t sport, uint16_t eport)
{
	struct ikev2_ts t;

	memset(&t, 0, sizeof(t));
	t.start = A(start);
	t.end = A(end);
	t.proto = proto;
	t.sport = sport;
	t.eport = eport;
	return t;
}

static const uint8_t key[] = "KEYMATERIAL-NEVER-IN-ENV";

static void
child(struct ike_child_sa *c, const char *local, const char *remote,
    const struct ikev2_ts *l, const struct ikev2_ts *r)
{
	memset(c, 0, sizeof(*c));
	c->conn = "seed";
	c->local = A(local);
	c->remote = A(remote);
	c->local_port = c->remote_port = 500;
	c->proto = IPPROTO_ESP;
	c->reqid = 7;
	c->spi_in = 0xc1234567;
	c->spi_out = 0xc7654321;
	c->encr_in = c->encr_out = c->integ_in = c->integ_out = key;
	c->encr_len = c->integ_len = sizeof(key) - 1;
	c->nts_local = c->nts_remote = 1;
	c->ts_local = l;
	c->ts_remote = r;
}

static void
expect_env(char **env, const char *const *want)
{
	size_t i;

	assert_non_null(env);
	for (i = 0; want[i] && env[i]; i++)
		assert_string_equal(env[i], want[i]);
	assert_null(want[i]);
	assert_null(env[i]);
	for (i = 0; env[i]; i++) {
		assert_null(strstr(env[i], (const char *)key));
		assert_null(strstr(env[i], "c1234567"));
	}
}

static void
env_ipv4_client(void **state)
{
	struct ikev2_ts l = TS("203.0.113.0", "203.0.113.255", 0, 0, 0xffff);
	struct ikev2_ts r = TS("198.51.100.0", "198.51.100.255", 0, 0, 0xffff);
	struct updown_ctx x = { "/bin", "v2", "192.0.2.2", "peer.example", 3, 0, 0 };
	struct ike_child_sa c;
	static const char *const up[] = {
		"PATH=/bin",
		"PLUTO_VERSION=1.1",
		"PLUTO_VERB=up-client",
		"PLUTO_CONNECTION=seed",
		"PLUTO_INTERFACE=v2",
		"PLUTO_REQID=7",
		"PLUTO_PROTO=esp",
		"PLUTO_UNIQUEID=3",
		"PLUTO_ME=192.0.2.2",
		"PLUTO_MY_ID=192.0.2.2",
		"PLUTO_MY_CLIENT=203.0.113.0/24",
		"PLUTO_MY_CLIENT_NET=203.0.113.0",
		"PLUTO_MY_CLIENT_MASK=255.255.255.0",
		"PLUTO_MY_PORT=0",
		"PLUTO_MY_PROTOCOL=0",
		"PLUTO_PEER=192.0.2.1",
		"PLUTO_PEER_ID=peer.example",
		"PLUTO_PEER_CLIENT=198.51.100.0/24",
		"PLUTO_PEER_CLIENT_NET=198.51.100.0",
		"PLUTO_PEER_CLIENT_MASK=255.255.255.0",
		"PLUTO_PEER_PORT=0",
		"PLUTO_PEER_PROTOCOL=0",
		NULL
	};
	char **env;

	(void)state;
	child(&c, "192.0.2.2", "192.0.2.1", &l, &r);
	env = updown_env(&c, 0, 0, 1, &x);
	expect_env(env, up);
	updown_env_free(env);
	/* down: the same, with the down verb; no interface known, no IDs */
	x.iface = NULL;
	x.my_id = x.peer_id = NULL;
	env = updown_env(&c, 0, 0, 0, &x);
	assert_string_equal(env[2], "PLUTO_VERB=down-client");
	assert_string_equal(env[4], "PLUTO_INTERFACE=unknown");
	assert_string_equal(env[9], "PLUTO_MY_ID=192.0.2.2");
	assert_string_equal(env[16], "PLUTO_PEER_ID=192.0.2.1");
	updown_env_free(env);
}

static void
env_ipv6_host(void **state)
{
	struct ikev2_ts l = TS("2001:db8::2", "2001:db8::2", 0, 0, 0xffff);
	struct ikev2_ts r = TS("2001:db8:1::", "2001:db8:1:ffff:ffff:ffff:ffff:ffff", 0,
	    0, 0xffff);
	struct updown_ctx x = { "/bin", "v2", "2001:db8::2", "2001:db8::1", 12, 0, 0 };
	struct ike_child_sa c;
	static const char *const up[] = {
		"PATH=/bin",
		"PLUTO_VERSION=1.1",
		"PLUTO_VERB=up-host-v6",
		"PLUTO_CONNECTION=seed",
		"PLUTO_INTERFACE=v2",
		"PLUTO_REQID=7",
		"PLUTO_PROTO=esp",
		"PLUTO_UNIQUEID=12",
		"PLUTO_ME=2001:db8::2",
		"PLUTO_MY_ID=2001:db8::2",
		"PLUTO_MY_CLIENT=2001:db8::2/128",
		"PLUTO_MY_CLIENT_NET=2001:db8::2",
		"PLUTO_MY_CLIENT_MASK=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"PLUTO_MY_PORT=0",
		"PLUTO_MY_PROTOCOL=0",
		"PLUTO_PEER=2001:db8::1",
		"PLUTO_PEER_ID=2001:db8::1",
		"PLUTO_PEER_CLIENT=2001:db8:1::/48",
		"PLUTO_PEER_CLIENT_NET=2001:db8:1::",
		"PLUTO_PEER_CLIENT_MASK=ffff:ffff:ffff::",
		"PLUTO_PEER_PORT=0",
		"PLUTO_PEER_PROTOCOL=0",
		NULL
	};
	char **env;

	(void)state;
	child(&c, "2001:db8::2", "2001:db8::1", &l, &r);
	env = updown_env(&c, 0, 0, 1, &x);
	expect_env(env, up);
	updown_env_free(env);
	env = updown_env(&c, 0, 0, 0, &x);
	assert_string_equal(env[2], "PLUTO_VERB=down-host-v6");
	updown_env_free(env);
}

/* Behind a NAT, with a mark, TCP to one port of the peer from a range. */
static void
env_natt_mark_ports(void **state)
{
	struct ikev2_ts l[2] = {
		TS("203.0.113.0", "203.0.113.127", IPPROTO_TCP, 1024, 2047),
		TS("2001:db8::", "2001:db8::ffff", IPPROTO_TCP, 0, 0xffff),
	};
	struct ikev2_ts r = TS("198.51.100.7", "198.51.100.7", IPPROTO_TCP, 443, 443);
	struct updown_ctx x = { NULL, "v2", NULL, NULL, 1, 42, 0xffffffff };
	struct ike_child_sa c;
	static const char *const up[] = {
		NULL,	/* PATH: the default */
		"PLUTO_VERSION=1.1",
		"PLUTO_VERB=up-client",
		"PLUTO_CONNECTION=seed",
		"PLUTO_INTERFACE=v2",
		"PLUTO_REQID=7",
		"PLUTO_PROTO=esp",
		"PLUTO_UNIQUEID=1",
		"PLUTO_ME=10.0.0.2",
		"PLUTO_MY_ID=10.0.0.2",
		"PLUTO_MY_CLIENT=203.0.113.0/25",
		"PLUTO_MY_CLIENT_NET=203.0.113.0",
		"PLUTO_MY_CLIENT_MASK=255.255.255.128",
		"PLUTO_MY_PORT=1024:2047",
		"PLUTO_MY_PROTOCOL=6",
		"PLUTO_PEER=192.0.2.1",
		"PLUTO_PEER_ID=192.0.2.1",
		"PLUTO_PEER_CLIENT=198.51.100.7/32",
		"PLUTO_PEER_CLIENT_NET=198.51.100.7",
		"PLUTO_PEER_CLIENT_MASK=255.255.255.255",
		"PLUTO_PEER_PORT=443",
		"PLUTO_PEER_PROTOCOL=6",
		"PLUTO_MARK_IN=42/0xffffffff",
		"PLUTO_MARK_OUT=42/0xffffffff",
		"PLUTO_UDP_ENC=4500",
		NULL
	};
	char **env;
	size_t i;

	(void)state;
	child(&c, "10.0.0.2", "192.0.2.1", l, &r);
	c.nts_local = 2;
	c.encap = 1;
	c.local_port = 4500;
	c.remote_port = 4500;
	env = updown_env(&c, 0, 0, 1, &x);
	assert_non_null(env);
	assert_true(strncmp(env[0], "PATH=/", 6) == 0);
	for (i = 1; up[i] && env[i]; i++)
		assert_string_equal(env[i], up[i]);
	assert_null(up[i]);
	assert_null(env[i]);
	updown_env_free(env);
}

/* ---- scripts run by the module ---- */

static char logged[8192];

static void
sink(int prio, const char *line, void *arg)
{
	(void)arg;
	if (prio > LOG_INFO)
		return;
	strncat(logged, line, sizeof(logged) - strlen(logged) - 2);
	strcat(logged, "\n");
}

static struct ifl_config cfg;
static struct ikev2_ts run_l, run_r;

static int
run_setup(void **state)
{
	(void)state;
	logged[0] = '\0';
	log_init("test", 0, 0);
	log_setlevel(LOG_INFO);
	log_set_sink(sink, NULL);
	assert_int_equal(loop_init(), 0);
	assert_int_equal(st_init(), 0);
	memset(&cfg, 0, sizeof(cfg));
	config_daemon_defaults(&cfg.daemon);
	/* generous: under valgrind on a loaded machine a shell takes seconds;
	 * run_timeout_kills sets its own short one */
	cfg.daemon.updown_timeout = 30;
	run_l = TS("203.0.113.0", "203.0.113.255", 0, 0, 0xffff);
	run_r = TS("198.51.100.0", "198.51.100.255", 0, 0, 0xffff);
	return updown_module.init(&cfg);
}

static int
run_teardown(void **state)
{
	(void)state;
	updown_module.shutdown();
	ike_conns_free(ike_conns_list());
	ike_conns_set(NULL);
	st_free();
	loop_free();
	log_set_sink(NULL, NULL);
	return 0;
}

/* A connection "NAME" running CMD (NULL: leftfirewall=yes), and a new
 * tunnel of it (state rows). */
static void
tunnel(const char *name, const char *cmd, struct ike_child_sa *c)
{
	struct ike_conn *ic = calloc(1, sizeof(*ic));
	struct st_ike *ike;
	struct st_child *st;

	assert_non_null(ic);
	snprintf(ic->c.name, sizeof(ic->c.name), "%s", name);
	if (cmd)
		snprintf(ic->c.left.updown, sizeof(ic->c.left.updown), "%s", cmd);
	else
		ic->c.left.firewall = 1;
	ic->next = ike_conns_list();
	ike_conns_set(ic);
	assert_non_null(ike = st_ike_new(name, 2, 1));
	snprintf(ike->local_id, sizeof(ike->local_id), "me.example");
	assert_non_null(st = st_child_new(ike->index, name));
	child(c, "192.0.2.2", "192.0.2.1", &run_l, &run_r);
	c->conn = ic->c.name;
	c->child_index = st->index;
}

static void
settle(void)
{
	uint64_t end = loop_now_ms() + 60000;

	while (updown_pending() > 0 && loop_now_ms() < end)
		loop_once(100);
	assert_int_equal(updown_pending(), 0);
}

static char *
slurp(const char *name)
{
	static char buf[8192];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
run_up_down_in_order(void **state)
{
	struct ike_child_sa c;
	char cmd[512], *s;

	(void)state;
	snprintf(cmd, sizeof(cmd), "cd %s && case $PLUTO_VERB in up*) sleep 0.3; "
	    "env >env-up;; *) env >env-down;; esac; echo $PLUTO_VERB >>order",
	    tmpdir);
	tunnel("seed", cmd, &c);
	updown_child(&c, 1);
	/* the down is queued at once: it waits for its up */
	updown_child(&c, 0);
	assert_int_equal(updown_pending(), 2);
	settle();
	assert_non_null(s = slurp("order"));
	assert_string_equal(s, "up-client\ndown-client\n");
	assert_non_null(s = slurp("env-up"));
	assert_non_null(strstr(s, "PLUTO_MY_ID=me.example\n"));
	assert_non_null(strstr(s, "PLUTO_PEER_CLIENT=198.51.100.0/24\n"));
	assert_non_null(s = slurp("env-down"));
	assert_non_null(strstr(s, "PLUTO_VERB=down-client\n"));
	assert_non_null(strstr(s, "PLUTO_MY_ID=me.example\n"));
	/* no down without an up: a second down runs nothing */
	updown_child(&c, 0);
	assert_int_equal(updown_pending(), 0);
	assert_null(strstr(logged, "fail"));
}

/* A rekey's install (the row has SAs already) is no new tunnel. */
static void
run_rekey_is_no_up(void **state)
{
	struct ike_child_sa c;
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "touch %s/rekey-ran", tmpdir);
	tunnel("rk", cmd, &c);
	st_child_add_sa(st_child_get(c.child_index), ST_SA_IN, 0xc0000001, IPPROTO_ESP);
	updown_child(&c, 1);
	assert_int_equal(updown_pending(), 0);
	settle();
	assert_null(slurp("rekey-ran"));
}

/* Only the tunnel's end runs its down: not the old pair a rekey replaced,
 * nor a redundant pair of a rekey collision while the current pair lives. */
static void
run_down_only_at_end(void **state)
{
	struct ike_child_sa c, old, extra;
	struct st_child *st;
	char cmd[512], *s;

	(void)state;
	snprintf(cmd, sizeof(cmd), "echo $PLUTO_VERB >>%s/end", tmpdir);
	tunnel("end", cmd, &c);
	updown_child(&c, 1);
	st = st_child_get(c.child_index);
	st_child_add_sa(st, ST_SA_IN, c.spi_in, IPPROTO_ESP);
	st_child_add_sa(st, ST_SA_OUT, c.spi_out, IPPROTO_ESP);
	/* a rekey: the new pair is current, the old one superseded */
	old = c;
	old.superseded = 1;
	c.spi_in = 0xc0000011;
	c.spi_out = 0xc0000012;
	st_child_add_sa(st, ST_SA_IN, c.spi_in, IPPROTO_ESP);
	st_child_add_sa(st, ST_SA_OUT, c.spi_out, IPPROTO_ESP);
	updown_child(&old, 0);
	/* a collision's redundant pair, aside, goes */
	extra = c;
	extra.spi_in = 0xc0000021;
	extra.spi_out = 0xc0000022;
	st_child_add_sa_aside(st, ST_SA_IN, extra.spi_in, IPPROTO_ESP);
	st_child_add_sa_aside(st, ST_SA_OUT, extra.spi_out, IPPROTO_ESP);
	updown_child(&extra, 0);
	settle();
	assert_non_null(s = slurp("end"));
	assert_string_equal(s, "up-client\n");
	/* the current pair goes (the old SAs' deletion not yet reported) */
	updown_child(&c, 0);
	settle();
	assert_non_null(s = slurp("end"));
	assert_string_equal(s, "up-client\ndown-client\n");
}

/* leftfirewall=yes: the default script (the path quoted for sh) with
 * "iptables"; a connection with neither runs nothing. */
static void
run_firewall_default_script(void **state)
{
	struct ike_child_sa c, none;
	struct ike_conn *ic;
	char path[256], *s;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/it's updown", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\necho \"$PLUTO_VERB $*\" >>%s/fw\n", tmpdir);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(cfg.daemon.updown_script, sizeof(cfg.daemon.updown_script), "%s", path);
	assert_int_equal(updown_module.reload(&cfg, &cfg), 0);
	tunnel("fw", NULL, &c);
	tunnel("plain", "", &none);
	ic = ike_conns_by_name("plain");
	ic->c.left.firewall = 0;
	updown_child(&none, 1);
	assert_int_equal(updown_pending(), 0);
	updown_child(&c, 1);
	updown_child(&c, 0);
	settle();
	assert_non_null(s = slurp("fw"));
	assert_string_equal(s, "up-client iptables\ndown-client iptables\n");
}

static void
run_failure_logged(void **state)
{
	struct ike_child_sa c;

	(void)state;
	tunnel("broken", "echo 'no such chain' >&2; echo second line; exit 3", &c);
	updown_child(&c, 1);
	settle();
	assert_non_null(strstr(logged, "IKE:broken: updown up-client (echo"));
	assert_non_null(strstr(logged, "failed with exit status 3"));
	assert_non_null(strstr(logged, "IKE:broken: updown up-client: no such chain\n"));
	assert_non_null(strstr(logged, "IKE:broken: updown up-client: second line\n"));
}

static void
run_timeout_kills(void **state)
{
	struct ike_child_sa c;
	uint64_t t0 = loop_now_ms();

	(void)state;
	cfg.daemon.updown_timeout = 1;
	assert_int_equal(updown_module.reload(&cfg, &cfg), 0);
	tunnel("slow", "echo started; sleep 30", &c);
	updown_child(&c, 1);
	settle();
	/* killed at its 1 s, long before the script's 30 s would end */
	assert_true(loop_now_ms() - t0 < 20000);
	assert_non_null(strstr(logged, "IKE:slow: updown up-client (echo started; "
	    "sleep 30) killed after 1 s"));
	assert_non_null(strstr(logged, "IKE:slow: updown up-client: started\n"));
}

/* The loop has stopped: the shutdown still runs the queued downs. */
static void
run_down_at_shutdown(void **state)
{
	struct ike_child_sa c;
	char cmd[512], *s;

	(void)state;
	snprintf(cmd, sizeof(cmd), "echo $PLUTO_VERB >>%s/shut", tmpdir);
	tunnel("shut", cmd, &c);
	updown_child(&c, 1);
	updown_child(&c, 0);
	updown_module.shutdown();
	assert_int_equal(updown_pending(), 0);
	assert_non_null(s = slurp("shut"));
	assert_string_equal(s, "up-client\ndown-client\n");
	/* teardown's shutdown finds nothing left */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_ipv4_client),
		cmocka_unit_test(env_ipv6_host),
		cmocka_unit_test(env_natt_mark_ports),
		cmocka_unit_test_setup_teardown(run_up_down_in_order, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(run_rekey_is_no_up, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(run_down_only_at_end, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(run_firewall_default_script, run_setup,
		    run_teardown),
		cmocka_unit_test_setup_teardown(run_failure_logged, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(run_timeout_kills, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(run_down_at_shutdown, run_setup, run_teardown),
	};
	char cmd[256];
	int rc;

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
