/* Cisco IOS's intelligent defaults: an IKEv1 connection without ike= /
 * esp= gets IOS's PSK default ISAKMP policies and default transform sets
 * (or none when ikeflowd.conf switches them off), IKEv2 and written
 * proposals are untouched, the syslog messages with their severities,
 * and the views (show crypto isakmp [default] policy, show crypto ipsec
 * [default] transform-set, show crypto map) against their golden files
 * under data/show/ (IFL_GOLDEN_UPDATE=1 writes them). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "config/config.h"
#include "config_testutil.h"
#include "golden_testutil.h"
#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "keying/ikev1_sa.h"
#include "state/state.h"

#define DATA	TEST_SRCDIR "/unit/data/show"

static const char conf[] =
    "conn %default\n"
    "  authby=secret\n"
    "  left=192.0.2.2\n"
    "# IOS's defaults: no ike=, no esp=\n"
    "conn ciscoios\n"
    "  keyexchange=ikev1\n"
    "  leftsubnet=203.0.113.0/24\n"
    "  right=192.0.2.1\n"
    "  rightsubnet=198.51.100.0/24\n"
    "  auto=add\n"
    "conn seed\n"
    "  keyexchange=ikev1\n"
    "  leftsubnet=203.0.113.0/24,203.0.114.0/25\n"
    "  right=192.0.2.3\n"
    "  rightsubnet=198.51.100.7/32\n"
    "  ike=aes128-md5-modp1536,3des-sha1-modp1024!\n"
    "  esp=aes128-aes256-sha1!\n"
    "  ikelifetime=86400s\n"
    "  lifebytes=4718592000\n"
    "  auto=add\n"
    "conn road\n"
    "  keyexchange=ikev2\n"
    "  right=%any\n"
    "  ike=aes256-sha256-modp2048!\n"
    "  esp=aes256gcm16-modp2048!\n"
    "  type=transport\n"
    "  auto=add\n";
static const char secrets[] = "192.0.2.2 192.0.2.1 : PSK cisco\n";

static struct ifl_config *cfg;

static const struct ifl_config *
get(void)
{
	return cfg;
}

static void
load(int ike, int esp)
{
	struct cfg_daemon d;

	config_free(cfg);
	config_daemon_defaults(&d);
	d.isakmp_default_policy = ike;
	d.ipsec_default_transform_set = esp;
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    put_file("ipsec.conf", conf, 0644));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    put_file("ipsec.secrets", secrets, 0600));
	assert_non_null(cfg = config_load(&d));
}

static int
setup(void **unused)
{
	assert_int_equal(scratch_setup(unused), 0);
	assert_int_equal(st_init(), 0);
	assert_int_equal(show_config_register(get), 0);
	load(1, 1);
	return 0;
}

static int
teardown(void **unused)
{
	config_free(cfg);
	cfg = NULL;
	ctl_unregister_all();
	st_free();
	return scratch_teardown(unused);
}

static void
test_proposals(void **unused)
{
	const struct cfg_conn *c = config_conn_find(cfg, "ciscoios");
	static const char *const want[] = { "aes128-sha1-modp1536",
	    "aes128-md5-modp1536", "3des-sha1-modp1024", "3des-md5-modp1024" };
	char s[256];

	(void)unused;
	assert_int_equal(c->ike_from, CFG_FROM_IOS);
	assert_int_equal(c->esp_from, CFG_FROM_IOS);
	/* the PSK policies in priority order, each one suite, nothing appended */
	assert_int_equal(c->ike.n, 4);
	assert_true(c->ike.strict);
	for (int i = 0; i < 4; i++) {
		struct cfg_proposals one = { .n = 1, .p = { c->ike.p[i] } };

		assert_int_equal(config_proposals_str(&one, CFG_PROTO_IKE, s, sizeof(s)), 0);
		assert_string_equal(s, want[i]);
	}
	assert_int_equal(config_proposals_str(&c->esp, CFG_PROTO_ESP, s, sizeof(s)), 0);
	assert_string_equal(s, "aes128-sha1,3des-sha1!");
	/* written proposals and IKEv2 keep what they had */
	c = config_conn_find(cfg, "seed");
	assert_int_equal(c->ike_from, CFG_FROM_CONF);
	assert_int_equal(c->esp_from, CFG_FROM_CONF);
	c = config_conn_find(cfg, "road");
	assert_int_equal(c->ike_from, CFG_FROM_CONF);

	load(0, 0);
	c = config_conn_find(cfg, "ciscoios");
	assert_int_equal(c->ike_from, CFG_FROM_NONE);
	assert_int_equal(c->esp_from, CFG_FROM_NONE);
	assert_int_equal(c->ike.n, 0);
	assert_int_equal(c->esp.n, 0);
}

static void
test_match_and_log(void **unused)
{
	const struct cfg_conn *c = config_conn_find(cfg, "ciscoios");
	struct st_algs p65512 = { .encr = IKEV2_ENCR_3DES, .prf = IKEV2_PRF_HMAC_SHA1,
	    .integ = IKEV2_INTEG_HMAC_SHA1_96, .dh = IKEV2_DH_MODP1024 };
	struct st_algs other = { .encr = IKEV2_ENCR_AES_CBC, .encr_keylen = 256,
	    .integ = IKEV2_INTEG_HMAC_SHA1_96, .dh = IKEV2_DH_MODP1536 };
	struct st_algs esp0 = { .encr = IKEV2_ENCR_3DES, .integ = IKEV2_INTEG_HMAC_SHA1_96 };
	struct cfg_encr_alg rsa_only = { IKEV2_ENCR_AES_CBC, 128 };

	(void)unused;
	/* the RSA policies are listed, never matched */
	assert_int_equal(config_isakmp_default_policies()[0].priority, 65507);
	assert_int_equal(config_isakmp_default_match(&rsa_only, IKEV2_INTEG_HMAC_SHA1_96,
	    IKEV2_DH_MODP1536)->priority, 65508);
	cap_reset();
	assert_int_equal(ikev1_isakmp_default_used(c, &p65512), 65512);
	assert_int_equal(ikev1_isakmp_default_used(c, &other), 0);
	/* #$!default_transform_set_0 is the second IOS lists */
	assert_int_equal(ikev1_transform_default_used(c, &esp0), 2);
	assert_int_equal(cap.n, 2);
	assert_true(cap_has(LOG_INFO, "%CRYPTO-6-IKMP_POLICY_DEFAULT: Using ISAKMP Default policies"));
	assert_int_equal(cap.prio[0], LOG_INFO);
	assert_string_equal(cap.line[1],
	    "%CRYPTO-5-IPSEC_DEFAULT_TRANSFORM: Using Default IPsec transform-set");
	assert_int_equal(cap.prio[1], LOG_NOTICE);
	/* a connection with its own ike= / esp= never says default */
	c = config_conn_find(cfg, "seed");
	assert_int_equal(ikev1_isakmp_default_used(c, &p65512), 0);
	assert_int_equal(ikev1_transform_default_used(c, &esp0), 0);
	assert_int_equal(cap.n, 2);
}

static char *
run(const char *cmd)
{
	struct buf *out = buf_new(1024);
	char *s;

	assert_int_equal(ctl_dispatch(cmd, out), 0);
	s = strndup((const char *)out->data, out->len);
	buf_free(out);
	return s;
}

static void
golden(const char *cmd, const char *name)
{
	char path[512], *got = run(cmd);

	snprintf(path, sizeof(path), "%s/%s", DATA, name);
	golden_check(cmd, got, path);
	free(got);
}

/* ciscoios up with 192.0.2.1: the crypto map's current peer. */
static void
tunnel(void)
{
	struct st_conn *sc = st_conn_set("ciscoios");
	struct st_ike *ike = st_ike_new("ciscoios", 1, 0);

	assert_non_null(ike);
	assert_int_equal(addr_parse("192.0.2.2", &ike->local), 0);
	assert_int_equal(addr_parse("192.0.2.1", &ike->remote), 0);
	sc->ike_index = ike->index;
	st_ike_established(ike);
}

static void
test_views(void **unused)
{
	(void)unused;
	tunnel();
	golden("show crypto isakmp default policy", "isakmp-default-policy.txt");
	golden("show crypto isakmp policy", "isakmp-policy.txt");
	golden("show crypto ipsec default transform-set", "ipsec-default-transform-set.txt");
	golden("show crypto ipsec transform-set", "ipsec-transform-set.txt");
	golden("show crypto map", "crypto-map.txt");
}

/* Both switched off: the default views print nothing at all (as IOS), the
 * others only what is configured, and ciscoios's map has no set. */
static void
test_views_off(void **unused)
{
	char *s;

	(void)unused;
	load(0, 0);
	s = run("show crypto isakmp default policy");
	assert_string_equal(s, "");
	free(s);
	s = run("show crypto ipsec default transform-set");
	assert_string_equal(s, "");
	free(s);
	golden("show crypto isakmp policy", "isakmp-policy-off.txt");
	golden("show crypto ipsec transform-set", "ipsec-transform-set-off.txt");
	s = run("show crypto map");
	assert_non_null(strstr(s, "Crypto Map \"ciscoios\" 10 ipsec-isakmp\n"
	    "Peer = 192.0.2.1\n"));
	assert_non_null(strstr(s, "PFS (Y/N): N\nTransform sets={\n}\n"
	    "Interfaces using crypto map ciscoios:\n"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_proposals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_and_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_views_off, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
