/* Reload in-process: the module registry's contract (reload in order, roll
 * back on failure) and the state model's connection list. This program
 * brings its own module list, which the linker takes instead of
 * daemon/modules.c's. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "state/state.h"

#define DATA	TEST_SRCDIR "/unit/data/daemon"

/* ---- two recording modules ---- */

struct call {
	char		 who;
	const struct ifl_config *old, *cfg;
};

static struct call calls[16];
static int ncalls;
static int fail_b;

static int
rec(char who, const struct ifl_config *old, const struct ifl_config *cfg)
{
	if (ncalls < 16)
		calls[ncalls++] = (struct call){ who, old, cfg };
	return 0;
}

static int
a_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	return rec('a', old, cfg);
}

static int
b_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	rec('b', old, cfg);
	return fail_b ? -1 : 0;
}

static const struct daemon_module mod_a = { .name = "alpha", .reload = a_reload };
static const struct daemon_module mod_b = { .name = "beta", .reload = b_reload };

const struct daemon_module *const daemon_modules[] = { &mod_a, &mod_b, NULL };

/* ---- fixture ---- */

static char dir[64], conf[128], secrets[128], empty[128];
static struct daemon_opts opts;

static void
put(const char *dst, const char *src)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp %s %s", src, dst);
	assert_int_equal(system(cmd), 0);
}

static int
setup(void **state)
{
	FILE *f;
	struct ifl_config *cfg;

	strcpy(dir, "/tmp/reloadtest.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/ipsec.conf", dir);
	snprintf(secrets, sizeof(secrets), "%s/ipsec.secrets", dir);
	snprintf(empty, sizeof(empty), "%s/ikeflowd.conf", dir);
	put(conf, DATA "/ipsec.conf");
	put(secrets, DATA "/ipsec.secrets");
	assert_int_equal(chmod(secrets, 0600), 0);
	f = fopen(empty, "w");
	assert_non_null(f);
	fputs("history_size = 20\n", f);
	fclose(f);

	memset(&opts, 0, sizeof(opts));
	opts.log_level = -1;
	opts.config_file = empty;
	opts.config_explicit = 1;
	opts.ipsec_conf = conf;
	opts.ipsec_secrets = secrets;
	assert_int_equal(st_init(), 0);
	cfg = reload_load(&opts);
	assert_non_null(cfg);
	reload_start(&opts, cfg);
	ncalls = 0;
	fail_b = 0;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	reload_stop();
	st_free();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int
conn_names(char *dst, size_t len)
{
	const struct st_conn *c;
	int n = 0;

	dst[0] = '\0';
	for (c = st_conn_next(0); c; c = st_conn_next(c->index), n++) {
		strncat(dst, c->name, len - strlen(dst) - 1);
		strncat(dst, " ", len - strlen(dst) - 1);
	}
	return n;
}

static void
t_start(void **state)
{
	char names[256];

	assert_non_null(daemon_config());
	assert_int_equal(daemon_config()->nconns, 2);
	assert_int_equal(conn_names(names, sizeof(names)), 2);
	assert_string_equal(names, "ciscoios branch ");
	assert_int_equal(st_hist_size(), 20);
	assert_int_equal(st_conn_find("ciscoios")->auto_mode, CFG_AUTO_ADD);
	assert_int_equal(st_conn_find("branch")->ike_version, 2);
}

static void
t_reload_ok(void **state)
{
	const struct ifl_config *before = daemon_config();
	uint32_t idx = st_conn_find("ciscoios")->index;
	struct buf *msg = buf_new(0);
	char names[256];

	put(conf, DATA "/reload-ipsec.conf");
	assert_int_equal(daemon_reload(msg), 0);
	assert_non_null(strstr((char *)msg->data, "Configuration reloaded: 2 connections"));
	/* modules in order, each told the old and the new configuration */
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[0].who, 'a');
	assert_int_equal(calls[1].who, 'b');
	assert_ptr_equal(calls[0].old, before);
	assert_ptr_equal(calls[0].cfg, daemon_config());
	assert_ptr_not_equal(daemon_config(), before);
	assert_non_null(config_conn_find(daemon_config(), "newpeer"));
	/* the state model follows: branch gone, ciscoios kept its index */
	conn_names(names, sizeof(names));
	assert_null(strstr(names, "branch"));
	assert_non_null(strstr(names, "newpeer"));
	assert_int_equal(st_conn_find("ciscoios")->index, idx);
	assert_int_equal(reload_last_ok(), 1);
	buf_free(msg);
}

static void
t_reload_module_refuses(void **state)
{
	const struct ifl_config *before = daemon_config();
	struct buf *msg = buf_new(0);
	char names[256];

	put(conf, DATA "/reload-ipsec.conf");
	fail_b = 1;
	assert_int_equal(daemon_reload(msg), -1);
	assert_non_null(strstr((char *)msg->data, "reload failed in beta"));
	/* alpha took the new config, beta refused, alpha went back */
	assert_int_equal(ncalls, 3);
	assert_int_equal(calls[0].who, 'a');
	assert_ptr_equal(calls[0].old, before);
	assert_int_equal(calls[1].who, 'b');
	assert_int_equal(calls[2].who, 'a');
	assert_ptr_equal(calls[2].old, calls[0].cfg);
	assert_ptr_equal(calls[2].cfg, before);
	assert_ptr_equal(daemon_config(), before);
	conn_names(names, sizeof(names));
	assert_string_equal(names, "ciscoios branch ");
	assert_int_equal(reload_last_ok(), 0);
	buf_free(msg);
}

static void
t_reload_bad_file(void **state)
{
	const struct ifl_config *before = daemon_config();
	struct buf *msg = buf_new(0);
	int n = reload_count();

	put(conf, DATA "/bad-ipsec.conf");
	assert_int_equal(daemon_reload(msg), -1);
	assert_int_equal(ncalls, 0);
	assert_ptr_equal(daemon_config(), before);
	assert_non_null(strstr((char *)msg->data, "unknown key 'frobnicate'"));
	assert_non_null(strstr((char *)msg->data, "stays in force"));
	buf_free(msg);

	/* without a message buffer (SIGHUP) it behaves the same */
	assert_int_equal(daemon_reload(NULL), -1);
	assert_ptr_equal(daemon_config(), before);
	assert_int_equal(reload_count(), n + 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_start, setup, teardown),
		cmocka_unit_test_setup_teardown(t_reload_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(t_reload_module_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(t_reload_bad_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
