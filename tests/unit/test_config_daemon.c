/* ikeflowd.conf: defaults, every setting, errors, command-line overrides. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "config_testutil.h"

static void
test_defaults(void **state)
{
	struct cfg_daemon d;
	char n[SUBNET_STRLEN];

	(void)state;
	config_daemon_defaults(&d);
	assert_string_equal(d.control_socket, RUNSTATEDIR "/ikeflowd.ctl");
	assert_string_equal(d.pid_file, RUNSTATEDIR "/ikeflowd.pid");
	assert_string_equal(d.state_dir, LOCALSTATEDIR "/lib/ikeflow");
	assert_string_equal(d.ipsec_conf, SYSCONFDIR "/ipsec.conf");
	assert_string_equal(d.ipsec_secrets, SYSCONFDIR "/ipsec.secrets");
	assert_string_equal(d.agentx_socket, "unix:/var/agentx/master");
	assert_int_equal(d.agentx_enable, 1);
	assert_int_equal(d.agentx_ping_interval, 2);
	assert_int_equal(d.http_enable, 1);
	assert_string_equal(d.http_listen, "127.0.0.1:8080");
	assert_int_equal(d.nhttp_allow, 2);
	assert_string_equal(subnet_str(&d.http_allow[0], n, sizeof(n)), "127.0.0.0/8");
	assert_int_equal(d.history_size, 200);
	assert_int_equal(d.failure_size, 200);
	assert_int_equal(d.refresh_interval, 5000);
	assert_int_equal(d.ike_port, 500);
	assert_int_equal(d.natt_port, 4500);
	assert_int_equal(d.spi_min, 0xc0000000);
	assert_int_equal(d.spi_max, 0xcfffffff);
	assert_true(d.retransmit_timeout == 4.0);
	assert_true(d.retransmit_base == 1.8);
	assert_int_equal(d.retransmit_tries, 5);
	assert_int_equal(d.log_level, LOG_INFO);

	/* dh_workers = auto: one worker per CPU but the event loop's, at most 4 */
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	assert_true(d.dh_workers == CFG_DH_WORKERS_AUTO);
	assert_int_equal(config_dh_workers(&d),
	    ncpu < 2 ? 0 : ncpu - 1 > 4 ? 4 : ncpu - 1);

	/* no file and missing_ok: the defaults stand */
	assert_int_equal(config_daemon_load("/nonexistent/ikeflowd.conf", &d, 1), 0);
	assert_int_equal(d.ike_port, 500);
	cap_reset();
	assert_int_equal(config_daemon_load("/nonexistent/ikeflowd.conf", &d, 0), -1);
	assert_true(cap_has(LOG_ERR, "/nonexistent/ikeflowd.conf: No such file or directory"));

	/* a FIFO in its place is refused at once, not waited on */
	{
		char fifo[512], want[600];

		snprintf(fifo, sizeof(fifo), "%s/fifo.conf", tdir);
		assert_int_equal(mkfifo(fifo, 0644), 0);
		cap_reset();
		assert_int_equal(config_daemon_load(fifo, &d, 1), -1);
		snprintf(want, sizeof(want), "%s: not a regular file, refusing to use it", fifo);
		assert_true(cap_has(LOG_ERR, want));
	}
}

static void
test_all_settings(void **state)
{
	struct cfg_daemon d;
	const char *p = put_file("ikeflowd.conf",
	    "# ikeflowd settings\n"
	    "ipsec_conf = /etc/alt/ipsec.conf\n"
	    "ipsec_secrets=/etc/alt/ipsec.secrets   # trailing comment\n"
	    "  control_socket = \"/run/x y.ctl\"\n"
	    "pid_file = /run/x.pid\n"
	    "state_dir = /var/tmp/ikeflow\n"
	    "log_level = debug\n"
	    "agentx_socket = tcp:localhost:705\n"
	    "agentx_enable = no\n"
	    "agentx_ping_interval = 1m\n"
	    "http_listen = [::1]:8443\n"
	    "http_allow = 10.0.0.0/8, 2001:db8::/32 192.168.1.1\n"
	    "history_size = 50\n"
	    "failure_size = 60\n"
	    "refresh_interval = 1000\n"
	    "ike_port = 5000\n"
	    "natt_port = 5001\n"
	    "spi_min = 0x1000\n"
	    "spi_max = 0x1fff\n"
	    "retransmit_timeout = 0.5\n"
	    "retransmit_base = 2\n"
	    "retransmit_tries = 3\n"
	    "half_open_timeout = 2m\n"
	    "cookie_threshold = 0\n"
	    "cookie_threshold_ip = 7\n"
	    "block_threshold = 9\n"
	    "half_open_max = 500\n"
	    "initiate_max = 50\n"
	    "keepalive = 1m\n"
	    "fragment_size = 1400\n"
	    "dh_workers = 4\n", 0644);
	char n[SUBNET_STRLEN];

	(void)state;
	config_daemon_defaults(&d);
	assert_int_equal(config_daemon_load(p, &d, 0), 0);
	assert_string_equal(d.ipsec_conf, "/etc/alt/ipsec.conf");
	assert_string_equal(d.ipsec_secrets, "/etc/alt/ipsec.secrets");
	assert_string_equal(d.control_socket, "/run/x y.ctl");
	assert_string_equal(d.pid_file, "/run/x.pid");
	assert_string_equal(d.state_dir, "/var/tmp/ikeflow");
	assert_int_equal(d.log_level, LOG_DEBUG);
	assert_string_equal(d.agentx_socket, "tcp:localhost:705");
	assert_int_equal(d.agentx_enable, 0);
	assert_int_equal(d.agentx_ping_interval, 60);
	assert_string_equal(d.http_listen, "[::1]:8443");
	assert_int_equal(d.nhttp_allow, 3);
	assert_string_equal(subnet_str(&d.http_allow[1], n, sizeof(n)), "2001:db8::/32");
	assert_string_equal(subnet_str(&d.http_allow[2], n, sizeof(n)), "192.168.1.1/32");
	assert_int_equal(d.history_size, 50);
	assert_int_equal(d.failure_size, 60);
	assert_int_equal(d.refresh_interval, 1000);
	assert_int_equal(d.ike_port, 5000);
	assert_int_equal(d.natt_port, 5001);
	assert_int_equal(d.spi_min, 0x1000);
	assert_int_equal(d.spi_max, 0x1fff);
	assert_true(d.retransmit_timeout == 0.5);
	assert_true(d.retransmit_base == 2.0);
	assert_int_equal(d.retransmit_tries, 3);
	assert_int_equal(d.half_open_timeout, 120);
	assert_int_equal(d.cookie_threshold, 0);
	assert_int_equal(d.cookie_threshold_ip, 7);
	assert_int_equal(d.block_threshold, 9);
	assert_int_equal(d.half_open_max, 500);
	assert_int_equal(d.initiate_max, 50);
	assert_int_equal(d.keepalive, 60);
	assert_int_equal(d.fragment_size, 1400);
	assert_int_equal(d.dh_workers, 4);
	assert_int_equal(config_dh_workers(&d), 4);
	assert_int_equal(config_daemon_set(&d, "dh_workers", "0", "command line"), 0);
	assert_int_equal(config_dh_workers(&d), 0);
	assert_int_equal(config_daemon_set(&d, "dh_workers", "64", "command line"), 0);
	assert_int_equal(config_dh_workers(&d), 64);
	assert_int_equal(config_daemon_set(&d, "dh_workers", "auto", "command line"), 0);
	assert_true(d.dh_workers == CFG_DH_WORKERS_AUTO);

	/* command-line overrides go through the same checks */
	assert_int_equal(config_daemon_set(&d, "http_listen", "no", "command line"), 0);
	assert_int_equal(d.http_enable, 0);
	assert_int_equal(config_daemon_set(&d, "ike_port", "600", "command line"), 0);
	assert_int_equal(d.ike_port, 600);
	cap_reset();
	assert_int_equal(config_daemon_set(&d, "ike_port", "0", "command line"), -1);
	assert_true(cap_has(LOG_ERR, "command line: ike_port = 0: expected a number "
	    "from 1 to 65535"));
	assert_int_equal(d.ike_port, 600);

	/* routes: charon's defaults; the kernel's own tables are refused */
	config_daemon_defaults(&d);
	assert_int_equal(d.install_routes, 1);
	assert_int_equal(d.routing_table, 220);
	assert_int_equal(d.routing_table_prio, 220);
	assert_int_equal(config_daemon_set(&d, "install_routes", "no", "command line"), 0);
	assert_int_equal(d.install_routes, 0);
	assert_int_equal(config_daemon_set(&d, "routing_table", "100000", "command line"), 0);
	assert_int_equal(d.routing_table, 100000);
	assert_int_equal(config_daemon_set(&d, "routing_table_prio", "100", "command line"), 0);
	assert_int_equal(d.routing_table_prio, 100);
	cap_reset();
	assert_int_equal(config_daemon_set(&d, "routing_table", "254", "command line"), -1);
	assert_true(cap_has(LOG_ERR, "command line: routing_table = 254: table 254 is "
	    "the kernel's own (main); choose another, e.g. 220"));
	assert_int_equal(d.routing_table, 100000);
	assert_int_equal(config_daemon_set(&d, "routing_table_prio", "32766", "x"), -1);

	/* mode: keying unless monitor is asked for */
	config_daemon_defaults(&d);
	assert_int_equal(d.mode, CFG_MODE_KEYING);
	assert_int_equal(config_daemon_set(&d, "mode", "monitor", "command line"), 0);
	assert_int_equal(d.mode, CFG_MODE_MONITOR);
	assert_int_equal(config_daemon_set(&d, "mode", "keying", "command line"), 0);
	assert_int_equal(d.mode, CFG_MODE_KEYING);
	assert_string_equal(d.vici_socket, "/var/run/charon.vici");
	assert_int_equal(config_daemon_set(&d, "vici_socket", "/run/x.vici", "command line"), 0);
	assert_string_equal(d.vici_socket, "/run/x.vici");
}

/* In monitor mode ipsec.conf is the keying daemon's: not read, even when
 * it is not ours to parse. */
static void
test_monitor_skips_ipsec_conf(void **state)
{
	struct cfg_daemon d;
	struct ifl_config *cfg;

	(void)state;
	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    put_file("ipsec.conf", "connections {\n  not = ours\n}\n", 0644));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    put_file("ipsec.secrets", ": PSK \"x\"\n", 0644));
	assert_null(config_load(&d));
	d.mode = CFG_MODE_MONITOR;
	assert_non_null(cfg = config_load(&d));
	assert_int_equal(cfg->nconns, 0);
	assert_int_equal(cfg->nsecrets, 0);
	assert_int_equal(cfg->daemon.mode, CFG_MODE_MONITOR);
	config_free(cfg);
}

static void
expect_error(const char *text, int line, const char *msg)
{
	struct cfg_daemon d;
	const char *p = put_file("bad.conf", text, 0644);
	char want[1024];

	config_daemon_defaults(&d);
	cap_reset();
	if (line)
		snprintf(want, sizeof(want), "%s:%d: %s", p, line, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", p, msg);
	if (config_daemon_load(p, &d, 0) != -1 || !cap_has(LOG_ERR, want)) {
		cap_dump();
		fail_msg("expected error: %s", want);
	}
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("ike_port = 500\nbogus = 1\n", 2, "unknown setting 'bogus'");
	expect_error("\n\nike_port\n", 3, "expected key = value");
	expect_error("ike_port = 70000\n", 1, "ike_port = 70000: expected a number "
	    "from 1 to 65535");
	expect_error("history_size = lots\n", 1, "history_size = lots: expected a number "
	    "from 1 to 1000000");
	expect_error("agentx_enable = maybe\n", 1, "agentx_enable = maybe: expected yes or no");
	expect_error("log_level = loud\n", 1, "log_level = loud: expected error, warning, "
	    "notice, info or debug");
	expect_error("retransmit_base = 0.5\n", 1, "retransmit_base = 0.5: expected a number "
	    "from 1 to 10");
	expect_error("retransmit_timeout = 4s\n", 1, "retransmit_timeout = 4s: expected a "
	    "number from 0.1 to 3600");
	expect_error("http_listen = localhost\n", 1, "http_listen = localhost: expected "
	    "ADDRESS:PORT, [IPV6]:PORT or no");
	expect_error("http_allow = 10.0.0.0/40\n", 1, "http_allow: invalid network '10.0.0.0/40'");
	expect_error("dh_workers = 65\n", 1, "dh_workers = 65: expected auto or a "
	    "number from 0 to 64");
	expect_error("dh_workers = many\n", 1, "dh_workers = many: expected auto or a "
	    "number from 0 to 64");
	expect_error("pid_file =\n", 1, "pid_file: empty value");
	expect_error("agentx_ping_interval = 5x\n", 1, "agentx_ping_interval = 5x: expected "
	    "seconds from 0 to 86400");
	expect_error("spi_min = 0xd0000000\n", 0, "spi_min 0xd0000000 is above spi_max 0xcfffffff");
	expect_error("state_dir = \"/unterminated\n", 1, "state_dir: bad quoted value");
	expect_error("mode = passive\n", 1, "mode = passive: expected keying or monitor");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_all_settings, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_errors, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_monitor_skips_ipsec_conf, scratch_setup,
		    scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
