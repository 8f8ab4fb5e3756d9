/* ipsec.conf: the strongSwan seeds, inheritance, includes, defaults, errors,
 * and the running-config rendering. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config/config.h"
#include "config_testutil.h"

static struct ifl_config *
load(const char *conf, const char *secrets)
{
	struct cfg_daemon d;

	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s", conf);
	if (secrets == NULL) {
		snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s/empty.secrets", tdir);
		if (access(d.ipsec_secrets, F_OK) < 0)
			put_file("empty.secrets", "", 0600);
	} else
		snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s", secrets);
	return config_load(&d);
}

/* The conf text must fail with exactly this error, "FILE:LINE: " prefixed. */
static void
expect_error(const char *text, int line, const char *msg)
{
	const char *path = put_file("bad.conf", text, 0644);
	struct ifl_config *cfg;
	char want[1024];

	cap_reset();
	cfg = load(path, NULL);
	snprintf(want, sizeof(want), "%s:%d: %s", path, line, msg);
	if (cfg != NULL || !cap_has(LOG_ERR, want)) {
		cap_dump();
		config_free(cfg);
		fail_msg("expected error: %s", want);
	}
}

static void
check_seed_conn(const struct cfg_conn *c)
{
	char a[ADDR_STRLEN], n[SUBNET_STRLEN];

	assert_non_null(c);
	assert_string_equal(c->name, "ciscoios");
	assert_int_equal(c->auto_mode, CFG_AUTO_ADD);
	assert_int_equal(c->left.host_kind, CFG_HOST_ADDR);
	assert_string_equal(addr_str(&c->left.addr, a, sizeof(a)), "172.16.10.2");
	assert_int_equal(c->left.nsubnets, 1);
	assert_string_equal(subnet_str(&c->left.subnets[0], n, sizeof(n)), "192.168.2.0/24");
	assert_int_equal(c->left.id.type, CFG_ID_IPV4_ADDR);
	assert_string_equal(c->left.id.text, "172.16.10.2");
	assert_int_equal(c->left.firewall, 1);
	assert_int_equal(c->left.auth, CFG_AUTH_PSK);
	assert_string_equal(addr_str(&c->right.addr, a, sizeof(a)), "172.16.10.1");
	assert_int_equal(c->right.nsubnets, 1);
	assert_string_equal(subnet_str(&c->right.subnets[0], n, sizeof(n)), "192.168.1.0/24");
	assert_int_equal(c->right.id.type, CFG_ID_IPV4_ADDR);
	assert_string_equal(c->right.id.text, "172.16.10.1");
	assert_int_equal(c->right.firewall, 0);
	assert_int_equal(c->right.auth, CFG_AUTH_PSK);
	assert_int_equal(c->ikelifetime, 86400);
	assert_int_equal(c->keylife, 3600);
	assert_int_equal(c->rekeymargin, 180);
	assert_int_equal(c->keyingtries, 1);
	assert_int_equal(c->esp.n, 1);
	assert_int_equal(c->esp.p[0].encr[0].id, IKEV2_ENCR_AES_CBC);
	assert_int_equal(c->esp.p[0].encr[0].keylen, 128);
	assert_int_equal(c->esp.p[0].integ[0], IKEV2_INTEG_HMAC_SHA1_96);
	assert_int_equal(c->esp.p[0].ndh, 0);
	assert_int_equal(c->mode, CFG_MODE_TUNNEL);
	/* untouched by the seed: strongSwan's defaults */
	assert_int_equal(c->rekeyfuzz, 100);
	assert_int_equal(c->dpddelay, 30);
	assert_int_equal(c->mobike, 1);
}

static void
test_seed_ikev1(void **state)
{
	const char *sec = copy_fixture("seed-ikev1.secrets", "v1.secrets", 0600);
	struct ifl_config *cfg = load(fixture("seed-ikev1.conf"), sec);
	const struct cfg_conn *c;
	const struct cfg_secret *s;
	struct cfg_id me, peer;
	char p[256];

	(void)state;
	if (cfg == NULL)
		cap_dump();
	assert_non_null(cfg);
	assert_int_equal(cfg->nconns, 1);
	c = config_conn_find(cfg, "ciscoios");
	check_seed_conn(c);
	assert_int_equal(c->ike_version, 1);
	config_proposals_str(&c->ike, CFG_PROTO_IKE, p, sizeof(p));
	assert_string_equal(p, "aes128-md5-modp1536");
	assert_int_equal(c->ike.p[0].integ[0], IKEV2_INTEG_HMAC_MD5_96);
	assert_int_equal(c->ike.p[0].prf[0], IKEV2_PRF_HMAC_MD5);
	assert_int_equal(c->ike.p[0].dh[0], IKEV2_DH_MODP1536);
	config_proposals_str(&c->esp, CFG_PROTO_ESP, p, sizeof(p));
	assert_string_equal(p, "aes128-sha1");
	assert_null(config_conn_find(cfg, "%default"));

	assert_int_equal(cfg->nsecrets, 1);
	config_id_parse("172.16.10.2", &me);
	config_id_parse("172.16.10.1", &peer);
	s = config_psk_lookup(cfg, &me, &peer);
	assert_non_null(s);
	assert_int_equal(s->keylen, 5);
	assert_memory_equal(s->key, "cisco", 5);
	assert_int_equal(s->nsel, 2);
	config_free(cfg);
}

static void
test_seed_ikev2(void **state)
{
	const char *sec = copy_fixture("seed-ikev2.secrets", "v2.secrets", 0600);
	struct ifl_config *cfg = load(fixture("seed-ikev2.conf"), sec);
	const struct cfg_conn *c;
	const struct cfg_secret *s;
	struct cfg_id me, peer;
	char p[256];

	(void)state;
	if (cfg == NULL)
		cap_dump();
	assert_non_null(cfg);
	c = config_conn_find(cfg, "ciscoios");
	check_seed_conn(c);
	/* %default says ikev1; the conn's own keyexchange=ikev2 wins */
	assert_int_equal(c->ike_version, 2);
	config_proposals_str(&c->ike, CFG_PROTO_IKE, p, sizeof(p));
	assert_string_equal(p, "aes128-sha1-modp1536");
	assert_int_equal(c->ike.p[0].prf[0], IKEV2_PRF_HMAC_SHA1);
	assert_int_equal(cfg->setup.uniqueids, 1);

	assert_int_equal(cfg->nsecrets, 2);
	config_id_parse("172.16.10.2", &me);
	config_id_parse("172.16.10.1", &peer);
	s = config_psk_lookup(cfg, &me, &peer);
	assert_non_null(s);
	assert_int_equal(s->line, 2);	/* the peer's own entry beats ours */
	assert_memory_equal(s->key, "cisco", 5);
	assert_int_equal(s->keylen, 5);
	config_free(cfg);
}

static void
test_also_include_default(void **state)
{
	struct ifl_config *cfg;
	const struct cfg_conn *c;
	char n[SUBNET_STRLEN];
	const char *main_conf;

	(void)state;
	{
		char d[600];

		snprintf(d, sizeof(d), "%s/conf.d", tdir);
		assert_int_equal(mkdir(d, 0755), 0);
	}
	put_file("conf.d/b.conf",
	    "conn v6\n"
	    "\tleft=%defaultroute\n"
	    "\tright=2001:db8::1\n"
	    "\tleftsubnet=fd00::/64\n"
	    "\trightsubnet=fd01::/64, fd02::/64\n"
	    "\tauto=add\n"
	    "\tkeyexchange=ike\n"
	    "\tlifetime=45m\n", 0644);
	put_file("conf.d/a.conf", "# nothing but a comment\n", 0644);
	main_conf = put_file("main.conf",
	    "config setup\n"
	    "\tcharondebug=\"ike 2, knl 1\"\n"
	    "\tuniqueids=never\n"
	    "\tfrobnicate=yes\n"
	    "\n"
	    "conn %default\n"
	    "\tkeyexchange=ikev1\n"
	    "\tauthby=secret\n"
	    "\tikelifetime=2h\n"
	    "\tkeylife=10m\n"
	    "\tdpddelay=10\n"
	    "\n"
	    "include conf.d/*.conf\n"
	    "\n"
	    "conn base\n"
	    "\tleftsubnet=10.1.0.0/16\n"
	    "\trightsubnet=10.2.0.0/16\n"
	    "\tkeylife=20m\n"
	    "\trekeymargin=1m\n"
	    "\tesp=aes256-sha256-modp2048\n"
	    "\n"
	    "conn base2\n"
	    "\trekeymargin=2m\n"
	    "\tdpdtimeout=60s\n"
	    "\tesp=3des-md5\n"
	    "\tauto=ignore\n"
	    "\n"
	    "conn site\n"
	    "\talso=base\n"
	    "\talso=base2\n"
	    "\tleft=192.0.2.1\n"
	    "\tright=198.51.100.1\n"
	    "\tmargintime=30s\n"
	    "\tesp=\n"
	    "\tauto=start\n"
	    "\n"
	    "conn plain\n"
	    "\tright=vpn.example.net\n"
	    "\tleftid=@gw.example.org\n"
	    "\trightid=\"admin@example.net\"   # quoted, then a comment\n"
	    "\tauto=route\n"
	    "\tkeyingtries=%forever\n"
	    "\ttype=transport\n"
	    "\tmark=0x10/0xff\n"
	    "\tleftprotoport=udp/1701\n", 0644);
	cfg = load(main_conf, NULL);
	if (cfg == NULL)
		cap_dump();
	assert_non_null(cfg);
	/* base has no auto= (ignore by default), base2 says so */
	assert_int_equal(cfg->nconns, 3);
	assert_int_equal(cfg->nignored, 2);
	assert_true(cap_contains("unknown key 'frobnicate' in config setup, ignored"));
	assert_int_equal(cfg->setup.uniqueids, 4);
	assert_non_null(cfg->setup.settings);
	assert_string_equal(cfg->setup.settings->key, "charondebug");
	assert_string_equal(cfg->setup.settings->value, "ike 2, knl 1");

	/* the include comes first, in file order */
	assert_string_equal(cfg->conns->name, "v6");
	c = cfg->conns;
	assert_int_equal(c->ike_version, 2);
	assert_int_equal(c->keylife, 2700);
	assert_int_equal(c->ikelifetime, 7200);
	assert_int_equal(c->left.host_kind, CFG_HOST_DEFAULTROUTE);
	assert_int_equal(c->left.id.type, CFG_ID_ANY);
	assert_int_equal(c->right.id.type, CFG_ID_IPV6_ADDR);
	assert_int_equal(c->right.nsubnets, 2);
	assert_string_equal(subnet_str(&c->right.subnets[1], n, sizeof(n)), "fd02::/64");

	c = config_conn_find(cfg, "site");
	assert_non_null(c);
	assert_int_equal(c->ike_version, 1);		/* %default */
	assert_int_equal(c->ikelifetime, 7200);		/* %default */
	assert_int_equal(c->keylife, 1200);		/* base beats %default */
	assert_int_equal(c->rekeymargin, 30);		/* own (alias) beats base */
	assert_int_equal(c->dpdtimeout, 60);		/* base2 */
	assert_int_equal(c->dpddelay, 10);
	assert_int_equal(c->auto_mode, CFG_AUTO_START);
	assert_string_equal(subnet_str(&c->left.subnets[0], n, sizeof(n)), "10.1.0.0/16");
	assert_string_equal(subnet_str(&c->right.subnets[0], n, sizeof(n)), "10.2.0.0/16");
	/* "esp=" clears what base and base2 set: back to the default */
	{
		char p[256];

		config_proposals_str(&c->esp, CFG_PROTO_ESP, p, sizeof(p));
		assert_string_equal(p, "aes128gcm16,aes128-sha256");
	}

	c = config_conn_find(cfg, "plain");
	assert_non_null(c);
	assert_int_equal(c->right.host_kind, CFG_HOST_NAME);
	assert_string_equal(c->right.host, "vpn.example.net");
	assert_int_equal(c->right.nsubnets, 0);
	assert_int_equal(c->left.host_kind, CFG_HOST_ANY);
	assert_int_equal(c->left.id.type, CFG_ID_FQDN);
	assert_string_equal(c->left.id.text, "gw.example.org");
	assert_int_equal(c->left.id.len, 14);
	assert_int_equal(c->right.id.type, CFG_ID_USER_FQDN);
	assert_string_equal(c->right.id.text, "admin@example.net");
	assert_int_equal(c->keyingtries, 0);
	assert_int_equal(c->mode, CFG_MODE_TRANSPORT);
	assert_int_equal(c->mark, 0x10);
	assert_int_equal(c->mark_mask, 0xff);
	assert_int_equal(c->left.proto, 17);
	assert_int_equal(c->left.port, 1701);
	config_free(cfg);
}

static void
test_defaults(void **state)
{
	const char *path = put_file("min.conf",
	    "conn min\n  right=203.0.113.9\n  authby=psk\n  auto=add\n", 0644);
	struct ifl_config *cfg = load(path, NULL);
	const struct cfg_conn *c;
	char p[512];

	(void)state;
	assert_non_null(cfg);
	c = cfg->conns;
	assert_int_equal(c->ike_version, 2);
	assert_int_equal(c->ikelifetime, 10800);
	assert_int_equal(c->keylife, 3600);
	assert_int_equal(c->rekeymargin, 540);
	assert_int_equal(c->rekeyfuzz, 100);
	assert_int_equal(c->keyingtries, 3);
	assert_int_equal(c->dpdaction, CFG_DPD_NONE);
	assert_int_equal(c->dpddelay, 30);
	assert_int_equal(c->dpdtimeout, 150);
	assert_int_equal(c->mobike, 1);
	assert_int_equal(c->mode, CFG_MODE_TUNNEL);
	assert_int_equal(c->installpolicy, 1);
	assert_int_equal(c->left.host_kind, CFG_HOST_ANY);
	assert_int_equal(c->left.nsubnets, 0);
	assert_int_equal(c->right.nsubnets, 1);
	assert_int_equal(c->right.subnets[0].plen, 32);
	assert_int_equal(c->right.id.type, CFG_ID_IPV4_ADDR);
	config_proposals_str(&c->ike, CFG_PROTO_IKE, p, sizeof(p));
	assert_string_equal(p, "aes128-aes192-aes256-sha256-sha384-sha512-sha1-"
	    "modp3072-modp2048-ecp256-curve25519");
	config_proposals_str(&c->esp, CFG_PROTO_ESP, p, sizeof(p));
	assert_string_equal(p, "aes128gcm16,aes128-sha256");
	config_free(cfg);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("conn a\n\tright=1.2.3.4\n\tfoo=bar\n", 3, "unknown key 'foo' in conn a");
	expect_error("conn a\n\tauthby=secret\n\tauto=add\n", 1, "conn a: right= is not set");
	expect_error("conn a\n\tright=1.2.3.4\n\tauto=add\n", 1, "conn a: no authby= "
	    "(strongSwan's default is pubkey, which is not supported); set authby=secret");
	expect_error("conn a\n\talso=b\n\tright=1.2.3.4\n\tauto=add\n"
	    "conn b\n\tauthby=secret\n\talso=a\n", 7, "also=a: circular reference (conn b)");
	expect_error("conn a\n\talso=a\n", 2, "also=a: circular reference (conn a)");
	expect_error("conn a\n\tright=1.2.3.4\n\talso=nope\n", 3,
	    "also=nope: no conn section named 'nope'");
	expect_error("conn a\n\tright=1.2.3.4\n\tauthby=secret\n\tauto=add\n"
	    "\tike=aes128-foo-modp1536\n", 5,
	    "ike=aes128-foo-modp1536: unknown algorithm 'foo'");
	expect_error("conn a\n\tright=1.2.3.4\n\tauthby=secret\n\tauto=add\n"
	    "\tesp=aes128gcm8\n", 5, "esp=aes128gcm8: algorithm 'aes128gcm8' is not supported");
	expect_error("conn a\n\tright=1.2.3.4\n\tauthby=secret\n\tauto=add\n"
	    "\tleftsubnet=10.0.0.0/8\n\trightsubnet=fd00::/8\n", 6,
	    "conn a: leftsubnet and rightsubnet are of different address families");
	expect_error("conn a\n\tleft=10.0.0.1\n\tright=2001:db8::1\n\tauthby=secret\n"
	    "\tauto=add\n", 3, "conn a: left and right are of different address families");
	expect_error("conn a\n\tright=1.2.3.4\n\tauthby=pubkey\n\tauto=add\n", 3,
	    "authby=pubkey: not supported (only secret or psk)");
	expect_error("conn a\n\tright=1.2.3.4\n\tauthby=secret\n\tauto=add\n"
	    "\tikelifetime=3x\n", 5,
	    "ikelifetime=3x: expected a time (seconds, or with suffix s, m, h, d)");
	expect_error("conn a\n\tright=1.2.3.4\n\tauthby=secret\n\tauto=sometimes\n", 4,
	    "auto=sometimes: expected add, start, route or ignore");
	expect_error("conn a\n\tright=%defaultroute\n", 2,
	    "right=%defaultroute: %defaultroute is only valid for left");
	expect_error("conn a\n\tright=1.2.3.4\n\tleftsubnet=10.0.0.0/33\n\tauthby=secret\n"
	    "\tauto=add\n", 3, "leftsubnet=10.0.0.0/33: invalid subnet '10.0.0.0/33'");
	expect_error("conn a\n\tright=%any\n\tauthby=secret\n\tauto=start\n", 4,
	    "conn a: auto=start needs a peer address, but right=%any");
	expect_error("include nothere.conf\n", 1, "include nothere.conf: no such file");
	{
		char loop[700];

		snprintf(loop, sizeof(loop), "include: %s/bad.conf: loop: it includes "
		    "itself, directly or through other files", tdir);
		expect_error("# includes itself\ninclude bad.conf\n", 2, loop);
	}
	expect_error("conn a\nleft=1.2.3.4\n", 2,
	    "'left=1.2.3.4' is outside a section (keys must be indented)");
	expect_error("conn a\n\tright=\"1.2.3.4\n", 2, "right: unterminated quoted value");
	expect_error("\tright=1.2.3.4\n", 1, "'right=' is not inside a section");
	expect_error("conn a b\n", 1, "unexpected 'conn' (expected config setup, conn NAME, "
	    "ca NAME or include FILE)");
	expect_error("conn a\n\tright 1.2.3.4\n", 2, "expected key=value, got 'right 1.2.3.4'");
	expect_error("conn a\n\tright=1.2.3.4\n\tleftid=CN=foo\n", 3, "leftid=CN=foo: "
	    "invalid identity (distinguished names need certificates, not supported)");
	expect_error("conn a\n\tright=1.2.3.4\n\tkeyingtries=0\n", 3,
	    "keyingtries=0: expected a number > 0 or %forever");
}

static void
test_missing_file(void **state)
{
	char want[600];

	(void)state;
	snprintf(want, sizeof(want), "%s/none.conf", tdir);
	cap_reset();
	assert_null(load(want, NULL));
	strncat(want, ": No such file or directory", sizeof(want) - strlen(want) - 1);
	assert_true(cap_has(LOG_ERR, want));
	assert_true(cap_has(LOG_ERR, "configuration not loaded"));
}

/* A file including itself three times used to be read 3^10 times (seconds,
 * hundreds of MB); loops are errors at once, and a fan-out without a loop
 * stops at the budget, said once. */
static void
test_include_loops(void **state)
{
	const char *self;
	char want[1024], name[32], text[256];
	int n = 0;

	(void)state;
	self = put_file("self.conf", "include self.conf\ninclude self.conf\n"
	    "include self.conf\n", 0644);
	cap_reset();
	assert_null(load(self, NULL));
	for (int i = 0; i < cap.n; i++)
		n += strstr(cap.line[i], "loop: it includes itself") != NULL;
	if (n != 3)
		cap_dump();
	assert_int_equal(n, 3);

	/* through another file */
	put_file("b.conf", "include a.conf\n", 0644);
	self = put_file("a.conf", "conn x\n\tright=1.2.3.4\ninclude b.conf\n", 0644);
	cap_reset();
	assert_null(load(self, NULL));
	snprintf(want, sizeof(want), "%s/b.conf:1: include: %s/a.conf: loop: it "
	    "includes itself, directly or through other files", tdir, tdir);
	assert_true(cap_has(LOG_ERR, want));

	/* the same file twice, side by side, is no loop */
	put_file("empty.inc", "# nothing\n", 0644);
	self = put_file("twice.conf", "include empty.inc\ninclude empty.inc\n"
	    "conn x\n\tright=1.2.3.4\n", 0644);
	cap_reset();
	{
		struct ifl_config *cfg = load(self, NULL);

		if (cfg == NULL)
			cap_dump();
		assert_non_null(cfg);
		config_free(cfg);
	}

	/* a fan-out: f0 includes f1 three times, ... 3^7 files to read */
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		if (i < 7)
			snprintf(text, sizeof(text), "include f%d.conf\ninclude f%d.conf\n"
			    "include f%d.conf\n", i + 1, i + 1, i + 1);
		else
			snprintf(text, sizeof(text), "# leaf\n");
		put_file(name, text, 0644);
	}
	snprintf(want, sizeof(want), "%s/f0.conf", tdir);
	cap_reset();
	assert_null(load(want, NULL));
	n = 0;
	for (int i = 0; i < cap.n; i++)
		n += strstr(cap.line[i], ": more than 256 files or 16 MiB through includes, "
		    "nothing more is read") != NULL;
	if (n != 1)
		cap_dump();
	assert_int_equal(n, 1);
	assert_true(cap.n < 8);
}

/* What is not a regular file is refused before it is read: a FIFO would
 * hang the daemon, a directory reads as nothing. */
static void
test_include_not_regular(void **state)
{
	const char *path;
	char fifo[600], want[1024];

	(void)state;
	snprintf(fifo, sizeof(fifo), "%s/fifo.conf", tdir);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	path = put_file("inc.conf", "include fifo.conf\n", 0644);
	cap_reset();
	assert_null(load(path, NULL));
	snprintf(want, sizeof(want), "%s:1: include: %s: not a regular file, refusing "
	    "to use it", path, fifo);
	if (!cap_has(LOG_ERR, want))
		cap_dump();
	assert_true(cap_has(LOG_ERR, want));
	cap_reset();
	assert_null(load(tdir, NULL));
	snprintf(want, sizeof(want), "%s: not a regular file, refusing to use it", tdir);
	assert_true(cap_has(LOG_ERR, want));
}


/* A regular file that yields more than its size says: /proc's say 0, and
 * /proc/self/pagemap yields 8 bytes for every page of the address space
 * (terabytes, with no newline). Reading it whole hung the load until
 * memory ran out; the bytes read count against the budget, a line is at
 * most 64 KiB, and both are errors naming file:line. */
static void
test_include_lying_size(void **state)
{
	const char *path;
	char want[1024], *big;
	size_t n;

	(void)state;
	path = put_file("proc.conf", "include /proc/self/pagemap\n", 0644);
	cap_reset();
	assert_null(load(path, NULL));
	/* what the pages hold (NUL bytes, newlines) decides which limit
	 * stops it: the 16 MiB, or the unreadable lines of a binary file */
	n = 0;
	for (int i = 0; i < cap.n; i++)
		n += strncmp(cap.line[i], "/proc/self/pagemap:", 19) == 0 &&
		    (strstr(cap.line[i], ": more than 16 MiB read through includes "
		    "(a file yielding more than its size says?), nothing more is read") ||
		    strstr(cap.line[i], ": more unreadable lines than a text file has "
		    "(a binary file?), nothing more is read"));
	if (n != 1 || cap.n > 12)
		cap_dump();
	assert_int_equal(n, 1);
	assert_true(cap.n <= 12);	/* a few lines, "not loaded" */

	/* one overlong line is skipped, the lines around it still count */
	n = 70000;
	assert_non_null(big = malloc(n + 64));
	memcpy(big, "conn x\n\tright=1.2.3.4\n\tleftid=", 30);
	memset(big + 30, 'a', n);
	strcpy(big + 30 + n, "\n\tauto=add\n\tleft=%defaultroute\n");
	path = put_file("long.conf", big, 0644);
	free(big);
	cap_reset();
	assert_null(load(path, NULL));
	snprintf(want, sizeof(want), "%s:3: line longer than 65536 bytes, skipped", path);
	if (!cap_has(LOG_ERR, want))
		cap_dump();
	assert_true(cap_has(LOG_ERR, want));
	assert_int_equal(cap.n, 2);	/* that line and "not loaded" */
}
static void
test_duplicate_conn_message(void **state)
{
	const char *path = put_file("dup.conf", "conn a\n\tright=1.2.3.4\n"
	    "conn a\n\tright=1.2.3.5\n", 0644);
	char want[1024];

	(void)state;
	cap_reset();
	assert_null(load(path, NULL));
	snprintf(want, sizeof(want), "%s:3: duplicate conn 'a' (first at %s:1)", path, path);
	assert_true(cap_has(LOG_ERR, want));
}

static void
test_ignored_not_validated(void **state)
{
	const char *path = put_file("tmpl.conf",
	    "conn template\n\tleftsubnet=10.0.0.0/8\n"
	    "conn real\n\talso=template\n\tright=1.2.3.4\n\tauthby=secret\n\tauto=add\n",
	    0644);
	struct ifl_config *cfg = load(path, NULL);

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(cfg->nconns, 1);
	assert_int_equal(cfg->nignored, 1);
	assert_null(config_conn_find(cfg, "template"));
	assert_int_equal(cfg->conns->left.nsubnets, 1);
	config_free(cfg);
}

static void
test_render(void **state)
{
	const char *sec = put_file("r.secrets",
	    "172.16.10.2 172.16.10.1 : PSK \"Xy9-very-secret\"\n"
	    "@moon.example @@carol@example : PSK 0x5365637265744865780a\n"
	    ": PSK 0sU2VjcmV0QjY0\n", 0600);
	struct ifl_config *cfg = load(fixture("seed-ikev1.conf"), sec), *again;
	struct buf *b = buf_new(0);
	char *text;
	const char *path;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(config_render(cfg, b), 0);
	text = calloc(1, b->len + 1);
	memcpy(text, b->data, b->len);
	assert_null(strstr(text, "Xy9-very-secret"));
	assert_null(strstr(text, "SecretHex"));
	assert_null(strstr(text, "5365637265744865780a"));
	assert_null(strstr(text, "U2VjcmV0QjY0"));
	assert_null(strstr(text, "SecretB64"));
	assert_non_null(strstr(text, "# 172.16.10.2 172.16.10.1 : PSK <hidden>\n"));
	assert_non_null(strstr(text, "# @moon.example carol@example : PSK <hidden>\n"));
	assert_non_null(strstr(text, "conn ciscoios\n"));
	assert_non_null(strstr(text, "\tike=aes128-md5-modp1536\n"));
	assert_non_null(strstr(text, "\tkeyexchange=ikev1\n"));
	assert_non_null(strstr(text, "#   http_listen = 127.0.0.1:8080\n"));

	/* what it prints is ipsec.conf that loads back to the same conn */
	path = put_file("rendered.conf", text, 0644);
	again = load(path, NULL);
	assert_non_null(again);
	{
		struct cfg_conn a, r;

		memcpy(&a, cfg->conns, sizeof(a));
		memcpy(&r, again->conns, sizeof(r));
		memset(a.file, 0, sizeof(a.file));
		memset(r.file, 0, sizeof(r.file));
		a.line = r.line = 0;
		a.next = r.next = NULL;
		assert_memory_equal(&a, &r, sizeof(a));
	}
	config_free(again);
	free(text);
	buf_free(b);
	config_free(cfg);
}

/* leftupdown is a command line kept as written, rendered and loaded back;
 * with leftfirewall=yes it is refused, as strongSwan's starter does. */
static void
test_updown(void **state)
{
	const char *path = put_file("updown.conf",
	    "conn a\n\tright=192.0.2.1\n\tauthby=secret\n\tauto=add\n"
	    "\tleftupdown=\"/etc/ipsec.d/fw up --log\"\n", 0644);
	struct ifl_config *cfg = load(path, NULL), *again;
	struct buf *b = buf_new(0);
	char *text;

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(cfg->conns->left.updown, "/etc/ipsec.d/fw up --log");
	assert_string_equal(cfg->conns->right.updown, "");
	assert_int_equal(config_render(cfg, b), 0);
	text = calloc(1, b->len + 1);
	memcpy(text, b->data, b->len);
	assert_non_null(strstr(text, "\tleftupdown=\"/etc/ipsec.d/fw up --log\"\n"));
	assert_null(strstr(text, "rightupdown"));
	assert_non_null(strstr(text, "#   updown_timeout = 30\n"));
	again = load(put_file("rendered.conf", text, 0644), NULL);
	assert_non_null(again);
	assert_string_equal(again->conns->left.updown, "/etc/ipsec.d/fw up --log");
	config_free(again);
	free(text);
	buf_free(b);
	config_free(cfg);
	expect_error("conn a\n\tright=1.2.3.4\n\tauthby=secret\n\tauto=add\n"
	    "\tleftfirewall=yes\n\tleftupdown=/bin/true\n", 6, "conn a: leftupdown "
	    "and leftfirewall=yes cannot be combined (a custom script does its own "
	    "firewalling)");
}

/* The longest ike= there is (16 proposals of every name) renders past any
 * small buffer; written out whole, it loads back as the same proposals. */
static void
test_render_long_proposals(void **state)
{
	static const char one[] = "aes256-aes192-aes128-3des-sha512-sha384-"
	    "sha256-sha1-md5-prfsha512-prfsha384-prfsha256-prfsha1-prfmd5-"
	    "ecp521-ecp384-ecp256-modp4096-modp3072-modp2048-modp1536-"
	    "modp1024-curve25519";
	struct buf *conf = buf_new(0), *b = buf_new(0);
	struct ifl_config *cfg, *again;
	char *text;

	(void)state;
	buf_put(conf, "conn a\n\tright=192.0.2.1\n\tauthby=secret\n\tauto=add\n"
	    "\tike=", strlen("conn a\n\tright=192.0.2.1\n\tauthby=secret\n"
	    "\tauto=add\n\tike="));
	for (int i = 0; i < CFG_MAX_PROPOSALS; i++) {
		if (i > 0)
			buf_put(conf, ",", 1);
		buf_put(conf, one, strlen(one));
	}
	buf_put(conf, "\n", 2);
	cfg = load(put_file("long.conf", (const char *)conf->data, 0644), NULL);
	assert_non_null(cfg);
	assert_int_equal(cfg->conns->ike.n, CFG_MAX_PROPOSALS);
	assert_int_equal(config_render(cfg, b), 0);
	text = calloc(1, b->len + 1);
	memcpy(text, b->data, b->len);
	assert_true(strlen(strstr(text, "\tike=")) > 2048);
	again = load(put_file("rendered.conf", text, 0644), NULL);
	assert_non_null(again);
	assert_int_equal(again->conns->ike.n, CFG_MAX_PROPOSALS);
	assert_memory_equal(&again->conns->ike, &cfg->conns->ike, sizeof(cfg->conns->ike));
	config_free(again);
	free(text);
	buf_free(b);
	buf_free(conf);
	config_free(cfg);
}

static int
local_is_192_0_2_1(const struct ifl_addr *a, void *arg)
{
	struct ifl_addr me;

	(void)arg;
	addr_parse("192.0.2.1", &me);
	return addr_cmp(a, &me) == 0;
}

static void
test_orient_and_setup_render(void **state)
{
	const char *path = put_file("o.conf",
	    "config setup\n"
	    "\tcharondebug=\"say \\\"hi\\\" \\\\ bye\"\n"
	    "conn o\n\tleft=198.51.100.7\n\tright=192.0.2.1\n\trightsubnet=10.9.0.0/16\n"
	    "\tauthby=secret\n\tauto=add\n", 0644);
	struct ifl_config *cfg = load(path, NULL), *again;
	struct cfg_conn *c;
	struct buf *b = buf_new(0);
	char a[ADDR_STRLEN], *text;

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(cfg->setup.settings->value, "say \"hi\" \\ bye");
	c = cfg->conns;
	assert_int_equal(config_conn_orient(c, local_is_192_0_2_1, NULL), 1);
	assert_string_equal(addr_str(&c->left.addr, a, sizeof(a)), "192.0.2.1");
	assert_int_equal(c->left.subnets[0].plen, 16);
	assert_string_equal(c->left.id.text, "192.0.2.1");
	assert_string_equal(addr_str(&c->right.addr, a, sizeof(a)), "198.51.100.7");
	/* already oriented: nothing to do */
	assert_int_equal(config_conn_orient(c, local_is_192_0_2_1, NULL), 0);

	/* setup values survive rendering and loading again */
	assert_int_equal(config_render(cfg, b), 0);
	text = calloc(1, b->len + 1);
	memcpy(text, b->data, b->len);
	again = load(put_file("o2.conf", text, 0644), NULL);
	assert_non_null(again);
	assert_string_equal(again->setup.settings->value, "say \"hi\" \\ bye");
	config_free(again);
	free(text);
	buf_free(b);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed_ikev1, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_seed_ikev2, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_also_include_default, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(test_defaults, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_errors, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_include_loops, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_include_lying_size, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(test_include_not_regular, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_conn_message, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(test_ignored_not_validated, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(test_render, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_updown, scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_render_long_proposals, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(test_orient_and_setup_render, scratch_setup,
		    scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
