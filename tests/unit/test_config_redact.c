/* The masking of secrets in copies of ipsec.secrets, ipsec.conf and
 * ikeflowd.conf for the diagnostic bundle: every secret, in every syntax,
 * gone (also as hex and base64), the structure kept. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/buf.h"
#include "config/config.h"

static char *
redact(const char *text, enum cfg_redact_kind kind, unsigned *masked)
{
	struct buf *out = buf_new(256);
	char *s;

	assert_non_null(out);
	assert_int_equal(config_redact(text, strlen(text), kind, out, masked), 0);
	s = strndup((const char *)out->data, out->len);
	buf_free(out);
	return s;
}

static void
has(const char *text, const char *s)
{
	if (strstr(text, s) == NULL)
		fail_msg("missing \"%s\" in:\n%s", s, text);
}

/* s must not be in text, neither as it is nor as hex (either case, bare or
 * with ':' or ' ' between the bytes) nor as base64. */
static void
gone(const char *text, const char *s)
{
	size_t n = strlen(s);
	char *hx = calloc(1, 3 * n + 1), *b64 = calloc(1, 4 * (n / 3 + 1) + 1);
	static const char *const seps[] = { "", ":", " " };

	assert_non_null(hx);
	assert_non_null(b64);
	if (strstr(text, s))
		fail_msg("secret \"%s\" left in:\n%s", s, text);
	for (int up = 0; up < 2; up++)
		for (size_t k = 0; k < 3; k++) {
			char *p = hx;

			for (size_t i = 0; i < n; i++)
				p += sprintf(p, up ? "%s%02X" : "%s%02x", i ? seps[k] : "",
				    (unsigned char)s[i]);
			if (strstr(text, hx))
				fail_msg("secret \"%s\" left as hex %s", s, hx);
		}
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)s, (int)n);
	if (strstr(text, b64))
		fail_msg("secret \"%s\" left as base64 %s", s, b64);
	free(hx);
	free(b64);
}

static void
test_secrets(void **unused)
{
	static const char in[] =
	    "# test secrets: comments stay\n"
	    "172.16.10.2 : PSK \"Zq7-CANARY psk #1\"\n"
	    "2001:db8::2 : PSK 'single-quoted-Secret9'\n"
	    "@gw.example.com %any : PSK 0x5a71372d4341\n"
	    "\"C=CH, O=Example : weird\" : PSK 0sWnE3LUNBTkFSWS1iNjQ=\n"
	    "carol : EAP \"eap-Pass-77\"\n"
	    "dave@x : XAUTH xauth-unquoted-3\n"
	    ": PSK    \"tab\tand spaces\"\n"
	    ":    psk \"lower-type-8\"   # trailing comment\n"
	    ": RSA /etc/keys/gw.pem \"rsa-Passphrase-5\"\n"
	    ": ECDSA 'my key.pem'\n"
	    ": PIN %smartcard1:50 \"pin-4711\"\n"
	    "host7 : PSK \"multi\n"
	    "  continued-line-secret\"\n"
	    "include /etc/ipsec.d/*.secrets\n"
	    "garbage-without-colon-secret\n"
	    "peer : FOO unknown-type-secret\n"
	    "last : PSK no-newline-secret";
	static const char *const secrets[] = { "Zq7-CANARY psk #1",
	    "single-quoted-Secret9", "5a71372d4341", "Zq7-CA",
	    "WnE3LUNBTkFSWS1iNjQ=", "eap-Pass-77", "xauth-unquoted-3",
	    "tab\tand spaces", "lower-type-8", "rsa-Passphrase-5", "pin-4711",
	    "continued-line-secret", "multi", "garbage-without-colon-secret",
	    "unknown-type-secret", "no-newline-secret" };
	unsigned masked;
	char *s = redact(in, CFG_REDACT_SECRETS, &masked);

	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		gone(s, secrets[i]);
	has(s, "# test secrets: comments stay\n");
	has(s, "172.16.10.2 : PSK <redacted>\n");
	has(s, "2001:db8::2 : PSK <redacted>\n");
	has(s, "@gw.example.com %any : PSK <redacted>\n");
	has(s, "\"C=CH, O=Example : weird\" : PSK <redacted>\n");
	has(s, "carol : EAP <redacted>\n");
	has(s, "dave@x : XAUTH <redacted>\n");
	has(s, ":    psk <redacted>\n");
	has(s, ": RSA /etc/keys/gw.pem <redacted>\n");
	has(s, ": ECDSA 'my key.pem'\n");
	has(s, ": PIN <redacted>\n");
	has(s, "host7 : PSK <redacted>\n  <redacted> (continued secret)\n");
	has(s, "include /etc/ipsec.d/*.secrets\n");
	has(s, "<redacted> (line not understood)\n");
	has(s, "peer : <redacted>\n");
	has(s, "last : PSK <redacted>");
	assert_int_equal(masked, 15);
	/* as many lines out as in */
	for (const char *a = in, *b = s; ; a++, b++) {
		a = strchr(a, '\n');
		b = strchr(b, '\n');
		assert_int_equal(a == NULL, b == NULL);
		if (a == NULL)
			break;
	}
	free(s);
}

static void
test_conf(void **unused)
{
	static const char ipsec[] =
	    "config setup\n"
	    "\tcharondebug=\"ike 2\"\n"
	    "conn seed\n"
	    "\tleft=172.16.10.2\n"
	    "\tleftid=@gw.example.com\n"
	    "\tleftsubnet=192.168.2.0/24\n"
	    "\txauth_password = \"conf-Xauth-Pw1\"\n"
	    "\tpsk=conf-inline-psk2\n"
	    "\tleftrsasigkey=0sAwEAAQ\n"
	    "\tkeyexchange=ikev2\n"
	    "\trekey=yes\n"
	    "\tSome_Secret_Key = 'sk-3'\n"
	    "\tmykey=unnamed-key-6\n"
	    "include /etc/ipsec.d/*.conf\n";
	static const char daemon[] =
	    "# ikeflowd settings\n"
	    "http_password = \"web-Pw-4\"\n"
	    "snmp_community=public-comm-5\n"
	    "ike_port = 500\n";
	unsigned masked;
	char *s = redact(ipsec, CFG_REDACT_CONF, &masked);

	gone(s, "conf-Xauth-Pw1");
	gone(s, "conf-inline-psk2");
	gone(s, "sk-3");
	gone(s, "unnamed-key-6");
	has(s, "\tcharondebug=\"ike 2\"\n");
	has(s, "conn seed\n\tleft=172.16.10.2\n\tleftid=@gw.example.com\n"
	    "\tleftsubnet=192.168.2.0/24\n");
	has(s, "\txauth_password = <redacted>\n");
	has(s, "\tpsk=<redacted>\n");
	has(s, "\tleftrsasigkey=0sAwEAAQ\n");	/* a public key */
	has(s, "\tkeyexchange=ikev2\n\trekey=yes\n");
	has(s, "\tSome_Secret_Key = <redacted>\n");
	has(s, "include /etc/ipsec.d/*.conf\n");
	assert_int_equal(masked, 4);
	free(s);

	s = redact(daemon, CFG_REDACT_CONF, &masked);
	gone(s, "web-Pw-4");
	gone(s, "public-comm-5");
	has(s, "http_password = <redacted>\nsnmp_community=<redacted>\nike_port = 500\n");
	assert_int_equal(masked, 2);
	free(s);
}

/* The files include lines name, relative to the including file. */
static void
test_includes(void **unused)
{
	char dir[] = "/tmp/test_redact.XXXXXX", path[600], main_[600];
	static const char text[] = "include sub/*.secrets # the peers\n"
	    ": PSK \"x-secret-9\"\n  include not-at-line-start\n";
	char **paths = NULL;
	int n = -1;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/sub/p%d.secrets", dir, i);
		assert_non_null(f = fopen(path, "w"));
		fclose(f);
	}
	snprintf(main_, sizeof(main_), "%s/ipsec.secrets", dir);
	assert_int_equal(config_redact_includes(main_, text, strlen(text), &paths, &n), 0);
	assert_int_equal(n, 2);
	snprintf(path, sizeof(path), "%s/sub/p0.secrets", dir);
	assert_string_equal(paths[0], path);
	snprintf(path, sizeof(path), "%s/sub/p1.secrets", dir);
	assert_string_equal(paths[1], path);
	for (int i = 0; i < n; i++)
		unlink(paths[i]);
	config_redact_includes_free(paths, n);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_includes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
