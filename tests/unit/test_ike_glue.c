/* The daemon's IKE glue without an IPsec dataplane: connection copies
 * (orientation, reqids, reload reuse), the responder's choice of a
 * connection, traffic selectors as kernel selectors, PSK lookup through the
 * daemon's configuration, and trap policies in the host kernel (in a network
 * namespace of their own; the ESP SAs are tested in the UML test bed). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "daemon/ike_daemon.h"
#include "kernel/xfrm.h"
#include "state/state.h"

/* daemon/modules.c is not linked: these tests run the pieces themselves */
const struct daemon_module *const daemon_modules[] = { NULL };

static char tmpdir[] = "/tmp/test_ike_glue.XXXXXX";

static struct ifl_config *
load(void)
{
	struct cfg_daemon d;
	char cmd[2048];

	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s/unit/data/ike_glue/ipsec.conf",
	    TEST_SRCDIR);
	/* git keeps no 0600 mode */
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s/ipsec.secrets", tmpdir);
	snprintf(cmd, sizeof(cmd), "install -m 0600 %s/unit/data/ike_glue/ipsec.secrets %s",
	    TEST_SRCDIR, d.ipsec_secrets);
	if (system(cmd) != 0)
		return NULL;
	return config_load(&d);
}

static int
local_192_0_2_2(const struct ifl_addr *a, void *arg)
{
	struct ifl_addr me;

	(void)arg;
	addr_parse("192.0.2.2", &me);
	return addr_cmp(a, &me) == 0;
}

static struct ifl_addr
A(const char *s)
{
	struct ifl_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static const struct ike_conn *
find(const struct ike_conn *l, const char *name)
{
	for (; l; l = l->next)
		if (strcmp(l->c.name, name) == 0)
			return l;
	fail_msg("no conn %s", name);
	return NULL;
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
group_teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_build_orient_reqids(void **state)
{
	struct ifl_config *cfg = load();
	struct ike_conn *l1, *l2;
	const struct ike_conn *m;
	uint32_t next = 100;
	struct ifl_addr a;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(ike_conns_build(cfg, local_192_0_2_2, NULL, &next, &l1), 0);
	/* IKEv1 conns are listed too (the IKE module refuses to start them) */
	assert_string_equal(find(l1, "seed")->c.name, "seed");
	assert_int_equal(find(l1, "seed")->c.reqid, 100);
	assert_int_equal(find(l1, "fixedreqid")->c.reqid, 77);
	/* right was this host: swapped so that left is local */
	m = find(l1, "mirrored");
	a = A("192.0.2.2");
	assert_int_equal(addr_cmp(&m->c.left.addr, &a), 0);
	assert_int_equal(m->c.left.subnets[0].plen, 24);
	a = A("10.9.9.9");
	assert_int_equal(addr_cmp(&m->c.right.addr, &a), 0);

	/* a rebuild (reload) keeps every connection's reqid, new ones get fresh */
	next = 500;
	assert_int_equal(ike_conns_build(cfg, local_192_0_2_2, l1, &next, &l2), 0);
	assert_int_equal(find(l2, "seed")->c.reqid, find(l1, "seed")->c.reqid);
	assert_int_equal(find(l2, "roadwarrior")->c.reqid,
	    find(l1, "roadwarrior")->c.reqid);
	assert_int_equal(next, 500);
	assert_true(ike_conn_same(&find(l1, "seed")->c, &find(l2, "seed")->c));
	assert_false(ike_conn_same(&find(l1, "seed")->c, &find(l2, "roadwarrior")->c));
	l2->c.keylife++;
	assert_false(ike_conn_same(&l1->c, &l2->c));
	ike_conns_free(l1);
	ike_conns_free(l2);
	config_free(cfg);
}

/* The lookups by name and reqid answer as a walk of the list would, at
 * any size: the first of a name or reqid in list order, none for one not
 * there, none once the list is gone; an index over a reload's old list
 * leaves the retired copies out. */
static void
test_lookup_index(void **state)
{
	enum { N = 5000 };
	struct ike_conn *head = NULL, **tail = &head, *ic, *dup;
	struct ike_conn_index *x;
	char name[32];

	(void)state;
	for (int i = 0; i < N; i++) {
		assert_non_null(ic = calloc(1, sizeof(*ic)));
		snprintf(ic->c.name, sizeof(ic->c.name), "c%d", i);
		ic->c.reqid = 0x1000 + (uint32_t)i * 7;
		ic->retired = i % 10 == 3;
		*tail = ic;
		tail = &ic->next;
	}
	/* a second "c17" and a second reqid of c18's, after the first */
	assert_non_null(dup = calloc(1, sizeof(*dup)));
	snprintf(dup->c.name, sizeof(dup->c.name), "c17");
	dup->c.reqid = 0x1000 + 18 * 7;
	*tail = dup;
	ike_conns_set(head);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		assert_non_null(ic = ike_conns_by_name(name));
		assert_string_equal(ic->c.name, name);
		assert_ptr_equal(ike_conns_by_reqid(0x1000 + (uint32_t)i * 7), ic);
		assert_ptr_not_equal(ic, dup);
	}
	assert_null(ike_conns_by_name("c5000"));
	assert_null(ike_conns_by_name(""));
	assert_null(ike_conns_by_reqid(0x1001));

	/* retired copies left out: c3, c13 ... not found, the rest are */
	assert_non_null(x = ike_conn_index_new(head, 1));
	assert_null(ike_conn_index_name(x, "c3"));
	assert_null(ike_conn_index_name(x, "c4993"));
	assert_string_equal(ike_conn_index_name(x, "c4"), ike_conns_by_name("c4")->c.name);
	ike_conn_index_free(x);

	ike_conns_set(NULL);
	assert_null(ike_conns_by_name("c1"));
	assert_null(ike_conns_by_reqid(0x1000));
	ike_conns_free(head);
}

static void
test_match_addr(void **state)
{
	struct ifl_config *cfg = load();
	struct ike_conn *l;
	const struct cfg_conn *c;
	struct ifl_addr lo, re;
	uint32_t next = 1;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(ike_conns_build(cfg, local_192_0_2_2, NULL, &next, &l), 0);
	lo = A("192.0.2.2");
	re = A("192.0.2.1");
	assert_non_null(c = ike_conns_match_addr(l, &lo, &re));
	assert_string_equal(c->name, "seed");
	/* unknown peer: the %any connection */
	re = A("203.0.113.5");
	assert_non_null(c = ike_conns_match_addr(l, &lo, &re));
	assert_string_equal(c->name, "roadwarrior");
	/* left=%any fits whatever address the peer used */
	lo = A("192.0.2.200");
	re = A("198.51.100.7");
	assert_non_null(c = ike_conns_match_addr(l, &lo, &re));
	assert_string_equal(c->name, "anylocal");
	/* an IKEv1 connection never answers IKEv2 */
	lo = A("192.0.2.2");
	re = A("192.0.2.99");
	assert_non_null(c = ike_conns_match_addr(l, &lo, &re));
	assert_string_equal(c->name, "roadwarrior");
	/* nothing for an address no conn names on a local address none has */
	lo = A("192.0.2.200");
	re = A("192.0.2.1");
	assert_null(ike_conns_match_addr(l, &lo, &re));
	ike_conns_free(l);
	config_free(cfg);
}

static void
test_match_id(void **state)
{
	struct ifl_config *cfg = load();
	struct ike_conn *l;
	const struct cfg_conn *c, *seed;
	struct cfg_id peer, us;
	struct ifl_addr lo, re;
	uint32_t next = 1;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(ike_conns_build(cfg, local_192_0_2_2, NULL, &next, &l), 0);
	seed = &find(l, "seed")->c;
	lo = A("192.0.2.2");
	re = A("192.0.2.1");
	assert_int_equal(config_id_parse("192.0.2.1", &peer), 0);
	assert_ptr_equal(ike_conns_match_id(l, seed, &lo, &re, &peer, NULL), seed);
	/* we were named: it must be our ID */
	assert_int_equal(config_id_parse("192.0.2.2", &us), 0);
	assert_ptr_equal(ike_conns_match_id(l, seed, &lo, &re, &peer, &us), seed);
	assert_int_equal(config_id_parse("@other.example", &us), 0);
	assert_null(ike_conns_match_id(l, seed, &lo, &re, &peer, &us));
	/* the road warrior, first matched by address to seed's peer address */
	assert_int_equal(config_id_parse("@rw.example", &peer), 0);
	assert_non_null(c = ike_conns_match_id(l, seed, &lo, &re, &peer, NULL));
	assert_string_equal(c->name, "roadwarrior");
	assert_int_equal(config_id_parse("@stranger.example", &peer), 0);
	assert_null(ike_conns_match_id(l, seed, &lo, &re, &peer, NULL));
	ike_conns_free(l);
	config_free(cfg);
}

static void
test_ts_subnet(void **state)
{
	struct ikev2_ts ts;
	struct ifl_subnet n;
	char s[SUBNET_STRLEN];

	(void)state;
	memset(&ts, 0, sizeof(ts));
	ts.start = A("198.51.100.0");
	ts.end = A("198.51.100.255");
	ike_ts_subnet(&ts, &n);
	assert_string_equal(subnet_str(&n, s, sizeof(s)), "198.51.100.0/24");
	ts.start = ts.end = A("192.0.2.9");
	ike_ts_subnet(&ts, &n);
	assert_string_equal(subnet_str(&n, s, sizeof(s)), "192.0.2.9/32");
	/* not a prefix: the smallest subnet covering it */
	ts.start = A("10.0.0.3");
	ts.end = A("10.0.0.9");
	ike_ts_subnet(&ts, &n);
	assert_string_equal(subnet_str(&n, s, sizeof(s)), "10.0.0.0/28");
	ts.start = A("0.0.0.0");
	ts.end = A("255.255.255.255");
	ike_ts_subnet(&ts, &n);
	assert_string_equal(subnet_str(&n, s, sizeof(s)), "0.0.0.0/0");
	ts.start = A("2001:db8::");
	ts.end = A("2001:db8::ffff:ffff:ffff:ffff");
	ike_ts_subnet(&ts, &n);
	assert_string_equal(subnet_str(&n, s, sizeof(s)), "2001:db8::/64");
}

static void
test_env_psk(void **state)
{
	struct ifl_config *cfg = load();
	struct daemon_opts o;
	struct ike_env env;
	struct cfg_id l, r;
	struct buf *b = buf_new_secret(32);

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(st_init(), 0);
	memset(&o, 0, sizeof(o));
	reload_start(&o, cfg);
	ike_env_daemon(&env);
	assert_int_equal(config_id_parse("192.0.2.2", &l), 0);
	assert_int_equal(config_id_parse("192.0.2.1", &r), 0);
	assert_int_equal(env.psk(env.arg, &l, &r, b), 0);
	assert_int_equal(b->len, 8);
	assert_memory_equal(b->data, "seed-key", 8);
	buf_reset(b);
	assert_int_equal(config_id_parse("@rw.example", &r), 0);
	assert_int_equal(env.psk(env.arg, &l, &r, b), 0);
	assert_memory_equal(b->data, "rw-key", 6);
	buf_reset(b);
	/* a secret for our own ID serves any peer (strongSwan's rule) ... */
	assert_int_equal(config_id_parse("@nobody.example", &r), 0);
	assert_int_equal(env.psk(env.arg, &l, &r, b), 0);
	assert_memory_equal(b->data, "seed-key", 8);
	buf_reset(b);
	/* ... but none is for two strangers */
	assert_int_equal(config_id_parse("@gw.example", &l), 0);
	assert_int_equal(env.psk(env.arg, &l, &r, b), -1);
	assert_int_equal(b->len, 0);
	buf_free(b);
	reload_stop();
	st_free();
}

/* ---- trap policies against the host kernel ---- */

struct pol_seen {
	int	out, in, reqid_ok, tmpl_ok;
};

static int
pol_cb(const struct xfrm_pol_info *p, void *arg)
{
	struct pol_seen *s = arg;
	struct ifl_addr src = A("192.0.2.2"), dst = A("192.0.2.1");

	if (p->dir == IFL_XFRM_OUT)
		s->out++;
	else
		s->in++;
	s->reqid_ok += p->reqid == 4242;
	s->tmpl_ok += addr_cmp(&p->tmpl_src, &src) == 0 && addr_cmp(&p->tmpl_dst, &dst) == 0;
	return 0;
}

static int
netns_setup(void **state)
{
	struct xfrm_opts o;

	(void)state;
	if (unshare(CLONE_NEWNET) < 0 || mkdtemp(strcpy(tmpdir,
	    "/tmp/test_ike_glue.XXXXXX")) == NULL)
		return -1;
	st_init();
	if (loop_init() < 0)
		return -1;
	memset(&o, 0, sizeof(o));
	o.no_timer = 1;
	return xfrm_init(&o) < 0 ? -1 : 0;
}

static int
netns_teardown(void **state)
{
	(void)state;
	xfrm_shutdown();
	loop_free();
	st_free();
	return group_teardown(state);
}

static void
test_trap(void **state)
{
	struct ifl_config *cfg = load();
	struct ike_conn *l;
	struct ike_conn *seed;
	struct pol_seen s;
	struct ifl_subnet a, b;
	uint32_t next = 4242;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(ike_conns_build(cfg, local_192_0_2_2, NULL, &next, &l), 0);
	ike_conns_set(l);
	seed = ike_conns_by_name("seed");
	assert_non_null(seed);
	assert_ptr_equal(ike_conns_by_reqid(4242), seed);
	assert_int_equal(ike_conn_trap(seed), 0);
	assert_true(seed->trapped);
	memset(&s, 0, sizeof(s));
	assert_int_equal(xfrm_policy_dump(pol_cb, &s), 0);
	/* one out policy with the template to the peer and the conn's reqid */
	assert_int_equal(s.out, 1);
	assert_int_equal(s.in, 0);
	assert_int_equal(s.reqid_ok, 1);
	assert_int_equal(s.tmpl_ok, 1);
	/* trapping again replaces, never duplicates */
	assert_int_equal(ike_conn_trap(seed), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(xfrm_policy_dump(pol_cb, &s), 0);
	assert_int_equal(s.out, 1);

	assert_int_equal(subnet_parse("203.0.113.0/24", &a), 0);
	assert_int_equal(subnet_parse("198.51.100.0/24", &b), 0);
	assert_true(ike_conn_trap_covers(seed, &a, &b));
	assert_false(ike_conn_trap_covers(seed, &b, &a));
	assert_int_equal(subnet_parse("198.51.100.0/25", &b), 0);
	assert_false(ike_conn_trap_covers(seed, &a, &b));

	ike_conn_untrap(seed);
	assert_false(seed->trapped);
	memset(&s, 0, sizeof(s));
	assert_int_equal(xfrm_policy_dump(pol_cb, &s), 0);
	assert_int_equal(s.out + s.in, 0);

	/* without subnets and addresses there is nothing to trap */
	assert_int_equal(ike_conn_trap(ike_conns_by_name("anylocal")), -1);
	ike_conns_set(NULL);
	ike_conns_free(l);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_orient_reqids),
		cmocka_unit_test(test_lookup_index),
		cmocka_unit_test(test_match_addr),
		cmocka_unit_test(test_match_id),
		cmocka_unit_test(test_ts_subnet),
		cmocka_unit_test(test_env_psk),
	};
	const struct CMUnitTest kernel[] = {
		cmocka_unit_test_setup_teardown(test_trap, netns_setup, netns_teardown),
	};
	int r;

	log_init("test", 0, 0);
	log_setlevel(LOG_ERR);
	r = cmocka_run_group_tests(tests, group_setup, group_teardown);
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s: kernel tests skipped\n",
		    strerror(errno));
		return r;
	}
	return r + cmocka_run_group_tests(kernel, NULL, NULL);
}
