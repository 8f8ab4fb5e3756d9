/* ipsec.secrets: secret syntax, selectors, best match, permissions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config/config.h"
#include "config_testutil.h"

static struct ifl_config *
load_secrets(const char *text)
{
	struct cfg_daemon d;

	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s", put_file("empty.conf", "", 0644));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    put_file("ipsec.secrets", text, 0600));
	cap_reset();
	return config_load(&d);
}

static const char *
secrets_path(void)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/ipsec.secrets", tdir);
	return p;
}

static const struct cfg_secret *
nth(const struct ifl_config *cfg, int n)
{
	const struct cfg_secret *s = cfg->secrets;

	while (s && n-- > 0)
		s = s->next;
	assert_non_null(s);
	return s;
}

static void
assert_key(const struct cfg_secret *s, const char *key, size_t len)
{
	assert_int_equal(s->keylen, len);
	assert_memory_equal(s->key, key, len);
}

static void
test_syntax(void **state)
{
	struct ifl_config *cfg = load_secrets(
	    "# a comment\n"
	    "1.2.3.4 : PSK plain#notacomment\n"
	    "  @moon.example : PSK \"with \\\"quotes\\\" and # hash\"  # comment\n"
	    "user@example.com : PSK 0x00ff10\n"
	    "2001:db8::1 : PSK 0sYWJjZA==\n"
	    ": PSK \"any\"\n"
	    "%any : IKE 0sYWJj\n"
	    "1.2.3.4 : RSA /etc/ipsec.d/private/key.pem\n"
	    "carol : XAUTH \"pw\"\n"
	    "@#0a0b0c : PSK keyid\n");
	const struct cfg_secret *s;

	(void)state;
	if (cfg == NULL)
		cap_dump();
	assert_non_null(cfg);
	assert_int_equal(cfg->nsecrets, 7);
	s = nth(cfg, 0);
	assert_key(s, "plain#notacomment", 17);
	assert_int_equal(s->nsel, 1);
	assert_int_equal(s->sel[0].type, CFG_ID_IPV4_ADDR);
	assert_int_equal(s->line, 2);
	s = nth(cfg, 1);
	assert_key(s, "with \"quotes\" and # hash", 24);
	assert_int_equal(s->sel[0].type, CFG_ID_FQDN);
	assert_string_equal(s->sel[0].text, "moon.example");
	s = nth(cfg, 2);
	assert_key(s, "\x00\xff\x10", 3);
	assert_int_equal(s->sel[0].type, CFG_ID_USER_FQDN);
	s = nth(cfg, 3);
	assert_key(s, "abcd", 4);
	assert_int_equal(s->sel[0].type, CFG_ID_IPV6_ADDR);
	assert_string_equal(s->sel[0].text, "2001:db8::1");
	s = nth(cfg, 4);
	assert_key(s, "any", 3);
	assert_int_equal(s->nsel, 0);
	s = nth(cfg, 5);
	assert_key(s, "abc", 3);
	assert_int_equal(s->nsel, 1);
	assert_int_equal(s->sel[0].type, CFG_ID_ANY);
	s = nth(cfg, 6);
	assert_int_equal(s->sel[0].type, CFG_ID_KEY_ID);
	assert_int_equal(s->sel[0].len, 3);
	assert_string_equal(s->sel[0].text, "@#0a0b0c");
	assert_true(cap_contains(":8: RSA secret ignored (only PSK is used)"));
	assert_true(cap_contains(":9: XAUTH secret ignored (only PSK is used)"));
	config_free(cfg);
}

static void
expect_error(const char *text, int line, const char *msg, const char *secret)
{
	struct ifl_config *cfg = load_secrets(text);
	char want[1024];

	snprintf(want, sizeof(want), "%s:%d: %s", secrets_path(), line, msg);
	if (cfg != NULL || !cap_has(LOG_ERR, want)) {
		cap_dump();
		config_free(cfg);
		fail_msg("expected error: %s", want);
	}
	/* whatever went wrong, the secret is not in the log */
	if (secret)
		assert_false(cap_contains(secret));
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("@a : PSK \"zzsecretzz\n", 1, "unterminated quoted secret", "zzsecretzz");
	expect_error("@a : PSK 0x12zz34\n", 1, "bad hex secret", "12zz34");
	expect_error("@a : PSK 0x123\n", 1, "bad hex secret", "0x123");
	expect_error("@a : PSK 0s!!!!\n", 1, "bad base64 secret", "!!!!");
	expect_error("@a : PSK zzsecret trailing\n", 1, "unexpected text after the secret",
	    "zzsecret");
	expect_error("@a : PSK \"\"\n", 1, "empty secret", NULL);
	expect_error("\n\n@a : PSK\n", 3, "empty secret", NULL);
	expect_error("@a : FOO bar\n", 1, "unknown secret type after ':' (expected PSK; "
	    "the word is not shown in case it is the secret)", "FOO");
	expect_error("@a PSK zzsecret\n", 1, "expected '[selectors] : TYPE secret'", "zzsecret");
	expect_error("@a CN=x : PSK zzsecret\n", 1, "selector 2 is not an identity (address, "
	    "@FQDN, user@FQDN or %any)", "zzsecret");
	expect_error("include missing.secrets\n", 1, "include: no such file", NULL);
}

/* A secret written where something else belongs (no PSK keyword, no
 * colon, a quote left open, in an include line, as a selector) is never
 * repeated in the log, on any error path, nor at debug level. */
static void
test_canary(void **state)
{
	static const char *const bad[] = {
		": zzCANARYzz\n",
		"@a : zzCANARYzz\n",
		"@a : \"zzCANARYzz\"\n",
		"@a : PSKzzCANARYzz\n",
		"@a: PSK zzCANARYzz\n",
		"@a :PSK zzCANARYzz\n",
		"zzCANARYzz\n",
		"@a zzCANARYzz\n",
		"\"zzCANARYzz\" : PSK x\n",
		"zz/CANARYzz : PSK x\n",
		"@a : PSK \"zzCANARYzz\n",
		"@a : PSK \"zzCANARYzz\" trailing\n",
		"@a : PSK zzCANARYzz trailing\n",
		"@a : PSK 0xzzCANARYzz\n",
		"@a : PSK 0szzCANARYzz\n",
		"@a : PSK 0szzCANARYzz==\n",
		"@a : PSK zzCANARYzz\n@b : PSK\n",
		"@a : PSK zzCANARYzz zzCANARYzz\n",
		"include zzCANARYzz\n",
		"include \"zzCANARYzz\n",
		"include zzCANARYzz/*.secrets\n",
		"include /nonexistent/zzCANARYzz[\n",
		"@a : RSA zzCANARYzz\n@b zzCANARYzz\n",
		"@a : EAP zzCANARYzz\n",
	};
	struct ifl_config *cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = load_secrets(bad[i]);
		if (cap_contains("zzCANARYzz") || cap_contains("CANARY")) {
			cap_dump();
			fail_msg("secret echoed for: %s", bad[i]);
		}
		config_free(cfg);
	}
	/* a line with a NUL byte: the line is not shown either */
	{
		static const char text[] = "@a : PSK zzCAN\0ARYzz\n";
		struct cfg_daemon d;
		FILE *f;

		config_daemon_defaults(&d);
		snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
		    put_file("empty.conf", "", 0644));
		snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s/nul.secrets", tdir);
		assert_non_null(f = fopen(d.ipsec_secrets, "w"));
		assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
		fclose(f);
		assert_int_equal(chmod(d.ipsec_secrets, 0600), 0);
		cap_reset();
		assert_null(config_load(&d));
		assert_true(cap_contains("nul.secrets:1: NUL byte in line"));
		assert_false(cap_contains("CAN"));
		assert_false(cap_contains("ARY"));
	}
}

/* Included secrets files are checked like the top one, on the descriptor
 * they are read from; a loop through includes is an error at once. */
static void
test_include_checks(void **state)
{
	struct ifl_config *cfg;
	char want[1024];
	int n = 0;

	(void)state;
	put_file("open.secrets", "@b : PSK zzopen\n", 0644);
	cfg = load_secrets("@a : PSK one\ninclude open.secrets\n");
	snprintf(want, sizeof(want), "%s:2: include: %s/open.secrets: mode 0644 allows "
	    "access by group/others, refusing to use it (chmod 600)", secrets_path(), tdir);
	if (cfg != NULL || !cap_has(LOG_ERR, want))
		cap_dump();
	assert_null(cfg);
	assert_true(cap_has(LOG_ERR, want));

	cfg = load_secrets("include ipsec.secrets\ninclude ipsec.secrets\n"
	    "include ipsec.secrets\n@a : PSK x\n");
	assert_null(cfg);
	for (int i = 0; i < cap.n; i++)
		n += strstr(cap.line[i], "loop: it includes itself") != NULL;
	assert_int_equal(n, 3);

	/* the owner: root or the daemon's own user, nobody else */
	if (geteuid() != 0)
		return;
	put_file("other.secrets", "@b : PSK zzother\n", 0600);
	snprintf(want, sizeof(want), "%s/other.secrets", tdir);
	assert_int_equal(chown(want, 65534, 65534), 0);
	cfg = load_secrets("@a : PSK one\ninclude other.secrets\n");
	snprintf(want, sizeof(want), "%s:2: include: %s/other.secrets: owned by uid 65534, "
	    "not by root or uid 0, refusing to use it (chown root)", secrets_path(), tdir);
	if (cfg != NULL || !cap_has(LOG_ERR, want))
		cap_dump();
	assert_null(cfg);
	assert_true(cap_has(LOG_ERR, want));
	snprintf(want, sizeof(want), "%s/other.secrets", tdir);
	cap_reset();
	assert_int_equal(config_secrets_check_perms(want), -1);
}

static void
test_include(void **state)
{
	struct ifl_config *cfg;
	char d[600];

	(void)state;
	snprintf(d, sizeof(d), "%s/secrets.d", tdir);
	assert_int_equal(mkdir(d, 0700), 0);
	put_file("secrets.d/b.secrets", "@b : PSK bee\n", 0600);
	put_file("secrets.d/a.secrets", "@a : PSK ay\n", 0600);
	cfg = load_secrets("@first : PSK one\ninclude secrets.d/*.secrets\n@last : PSK two\n");
	if (cfg == NULL)
		cap_dump();
	assert_non_null(cfg);
	assert_int_equal(cfg->nsecrets, 4);
	assert_key(nth(cfg, 0), "one", 3);
	assert_key(nth(cfg, 1), "ay", 2);
	assert_key(nth(cfg, 2), "bee", 3);
	assert_int_equal(nth(cfg, 2)->line, 1);
	assert_non_null(strstr(nth(cfg, 2)->file, "secrets.d/b.secrets"));
	assert_key(nth(cfg, 3), "two", 3);
	config_free(cfg);
}

static const char *
lookup(const struct ifl_config *cfg, const char *me, const char *peer)
{
	static char key[64];
	struct cfg_id a, b;
	const struct cfg_secret *s;

	if (me)
		assert_int_equal(config_id_parse(me, &a), 0);
	if (peer)
		assert_int_equal(config_id_parse(peer, &b), 0);
	s = config_psk_lookup(cfg, me ? &a : NULL, peer ? &b : NULL);
	if (s == NULL)
		return "(none)";
	snprintf(key, sizeof(key), "%.*s", (int)s->keylen, (const char *)s->key);
	return key;
}

static void
test_best_match(void **state)
{
	struct ifl_config *cfg = load_secrets(
	    "@moon : PSK moononly\n"
	    "@sun : PSK sunonly\n"
	    "@moon @sun : PSK both\n"
	    ": PSK anyone\n"
	    "%any @venus : PSK anyvenus\n");

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(lookup(cfg, "@moon", "@sun"), "both");
	assert_string_equal(lookup(cfg, "@sun", "@moon"), "both");
	assert_string_equal(lookup(cfg, "@moon", "@mars"), "moononly");
	assert_string_equal(lookup(cfg, "@mars", "@sun"), "sunonly");
	assert_string_equal(lookup(cfg, "@mars", "@pluto"), "anyone");
	assert_string_equal(lookup(cfg, "@mars", "@venus"), "anyvenus");
	assert_string_equal(lookup(cfg, "@MOON", NULL), "moononly");	/* FQDNs: no case */
	assert_string_equal(lookup(cfg, NULL, NULL), "anyone");
	config_free(cfg);

	/* one match each: the peer's identity is the better one */
	cfg = load_secrets("@moon : PSK mine\n@sun : PSK theirs\n");
	assert_string_equal(lookup(cfg, "@moon", "@sun"), "theirs");
	assert_string_equal(lookup(cfg, "@mars", "@venus"), "(none)");
	/* addresses and names never match each other */
	assert_string_equal(lookup(cfg, "10.0.0.1", "10.0.0.2"), "(none)");
	config_free(cfg);
}

static void
test_permissions(void **state)
{
	const char *p;
	char want[700];
	struct cfg_daemon d;

	(void)state;
	p = put_file("ok.secrets", ": PSK x\n", 0600);
	assert_int_equal(config_secrets_check_perms(p), 0);
	p = put_file("ro.secrets", ": PSK x\n", 0400);
	assert_int_equal(config_secrets_check_perms(p), 0);

	p = put_file("open.secrets", ": PSK x\n", 0644);
	cap_reset();
	assert_int_equal(config_secrets_check_perms(p), -1);
	snprintf(want, sizeof(want), "%s: mode 0644 allows access by group/others, "
	    "refusing to use it (chmod 600)", p);
	assert_true(cap_has(LOG_ERR, want));

	p = put_file("grp.secrets", ": PSK x\n", 0640);
	cap_reset();
	assert_int_equal(config_secrets_check_perms(p), -1);
	snprintf(want, sizeof(want), "%s: mode 0640 allows access by group/others, "
	    "refusing to use it (chmod 600)", p);
	assert_true(cap_has(LOG_ERR, want));

	cap_reset();
	assert_int_equal(config_secrets_check_perms(tdir), -1);
	snprintf(want, sizeof(want), "%s: not a regular file, refusing to use it", tdir);
	assert_true(cap_has(LOG_ERR, want));

	/* and a whole load refuses it too */
	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s", put_file("e.conf", "", 0644));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    put_file("open2.secrets", ": PSK x\n", 0604));
	assert_null(config_load(&d));
	/* a missing secrets file only means no PSKs */
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s/nonexistent", tdir);
	{
		struct ifl_config *cfg = config_load(&d);

		assert_non_null(cfg);
		assert_int_equal(cfg->nsecrets, 0);
		assert_null(config_psk_lookup(cfg, NULL, NULL));
		config_free(cfg);
	}
}

static void
test_ids(void **state)
{
	struct cfg_id id, id2;
	static const uint8_t v4[] = { 192, 0, 2, 7 };

	(void)state;
	assert_int_equal(config_id_parse("@@carol@example.org", &id), 0);
	assert_int_equal(id.type, CFG_ID_USER_FQDN);
	assert_string_equal(id.text, "carol@example.org");
	assert_int_equal(config_id_parse("vpn.example", &id), 0);
	assert_int_equal(id.type, CFG_ID_FQDN);
	assert_int_equal(config_id_parse("@", &id), -1);
	assert_int_equal(config_id_parse("@#abc", &id), -1);
	assert_int_equal(config_id_parse("has space", &id), -1);
	assert_int_equal(config_id_from_payload(CFG_ID_IPV4_ADDR, v4, 4, &id), 0);
	assert_string_equal(id.text, "192.0.2.7");
	assert_int_equal(config_id_parse("192.0.2.7", &id2), 0);
	assert_true(config_id_equal(&id, &id2));
	assert_int_equal(config_id_from_payload(CFG_ID_IPV4_ADDR, v4, 3, &id), -1);
	assert_int_equal(config_id_from_payload(CFG_ID_FQDN, (const uint8_t *)"a\nb", 3, &id), -1);
	assert_int_equal(config_id_from_payload(9, v4, 4, &id), -1);
	assert_int_equal(config_id_from_payload(CFG_ID_FQDN, (const uint8_t *)"GW.Example", 10,
	    &id), 0);
	assert_int_equal(config_id_parse("@gw.example", &id2), 0);
	assert_true(config_id_equal(&id, &id2));
	assert_int_equal(config_id_parse("@gw.example.", &id2), 0);
	assert_false(config_id_equal(&id, &id2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syntax, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_errors, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_canary, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_include, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_include_checks, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(test_best_match, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_permissions, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_ids, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
