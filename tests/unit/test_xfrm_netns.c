/* The module against the host's real kernel, in a fresh network namespace:
 * policies (add, dump, update, delete, trap), SPI allocation and release,
 * events through the event loop, kernel errors with their extack text,
 * socket bypass and cleanup of exactly what the module installed. The host
 * kernel may lack ESP, so SAs with keys are tested in the UML test bed. */
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
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/loop.h"
#include "kernel/xfrm_priv.h"
#include "state/state.h"

static char loglines[16384];
static int policy_events, policy_deletes, deleted_sas;

static void
sink(int prio, const char *line, void *arg)
{
	size_t len = strlen(loglines);

	(void)prio;
	(void)arg;
	/* a full buffer keeps its first lines */
	if (len + strlen(line) + 2 > sizeof(loglines))
		return;
	strcat(loglines, line);
	strcat(loglines, "\n");
}

static void
h_policy(const struct xfrm_pol_info *p, int deleted, void *arg)
{
	(void)p;
	(void)arg;
	policy_events++;
	policy_deletes += deleted;
}

static void
h_deleted(const struct xfrm_sa_info *sa, void *arg)
{
	(void)sa;
	(void)arg;
	deleted_sas++;
}

static const struct xfrm_handlers handlers = { NULL, NULL, h_deleted, h_policy, NULL };

static int
setup(void **state)
{
	struct xfrm_opts o;

	(void)state;
	/* each test in a namespace of its own */
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	loglines[0] = '\0';
	policy_events = policy_deletes = deleted_sas = 0;
	log_init("test", 0, 0);
	log_setlevel(LOG_DEBUG);
	log_set_sink(sink, NULL);
	st_init();
	if (loop_init() < 0)
		return -1;
	memset(&o, 0, sizeof(o));
	o.no_timer = 1;
	if (xfrm_init(&o) < 0)
		return -1;
	xfrm_set_handlers(&handlers);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	xfrm_shutdown();
	loop_free();
	st_free();
	log_set_sink(NULL, NULL);
	return 0;
}

static void
drain_events(void)
{
	for (int i = 0; i < 20; i++)
		loop_once(10);
}

static void
pol(struct xfrm_pol_cfg *p, const char *src, const char *dst, enum xfrm_pol_dir dir)
{
	memset(p, 0, sizeof(*p));
	subnet_parse(src, &p->src);
	subnet_parse(dst, &p->dst);
	addr_parse("192.0.2.1", &p->tmpl_src);
	addr_parse("192.0.2.2", &p->tmpl_dst);
	if (dir != IFL_XFRM_OUT) {
		p->tmpl_src = p->tmpl_dst;
		addr_parse("192.0.2.1", &p->tmpl_dst);
	}
	p->dir = dir;
	p->reqid = 11;
}

struct polcount {
	int n, out, fwd;
	uint32_t prio;
	uint32_t reqid;
};

static int
count_pol(const struct xfrm_pol_info *p, void *arg)
{
	struct polcount *c = arg;

	c->n++;
	if (p->dir == IFL_XFRM_OUT) {
		c->out++;
		c->prio = p->priority;
		c->reqid = p->reqid;
	}
	if (p->dir == IFL_XFRM_FWD)
		c->fwd++;
	return 0;
}

static void
t_policy_lifecycle(void **state)
{
	struct xfrm_pol_cfg out, in, fwd;
	struct polcount c;

	(void)state;
	pol(&out, "198.51.100.0/24", "203.0.113.0/24", IFL_XFRM_OUT);
	pol(&in, "203.0.113.0/24", "198.51.100.0/24", IFL_XFRM_IN);
	pol(&fwd, "203.0.113.0/24", "198.51.100.0/24", IFL_XFRM_FWD);
	assert_int_equal(xfrm_policy_add(&out), 0);
	assert_int_equal(xfrm_policy_add(&in), 0);
	assert_int_equal(xfrm_policy_add(&fwd), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xfrm_policy_dump(count_pol, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.out, 1);
	assert_int_equal(c.fwd, 1);
	assert_int_equal(c.prio, xfrm_policy_priority(&out));
	assert_int_equal(c.reqid, 11);

	/* the same policy again: the kernel's EEXIST, logged with the selector */
	assert_int_equal(xfrm_policy_add(&out), -EEXIST);
	assert_non_null(strstr(loglines,
	    "add policy 198.51.100.0/24 === 203.0.113.0/24 proto 0 out reqid 11: File exists"));

	/* update replaces it in place */
	out.reqid = 12;
	assert_int_equal(xfrm_policy_update(&out), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xfrm_policy_dump(count_pol, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.reqid, 12);

	drain_events();
	assert_true(policy_events >= 4);

	assert_int_equal(xfrm_policy_del(&fwd), 0);
	assert_int_equal(xfrm_policy_del(&fwd), -ENOENT);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xfrm_policy_dump(count_pol, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.fwd, 0);
	drain_events();
	assert_true(policy_deletes >= 1);

	/* a dump abandoned unread does not break the next request */
	{
		struct nlmsghdr *nlh = xfrm_msg_dump(xfrm_reqbuf, sizeof(xfrm_reqbuf),
		    XFRM_MSG_GETPOLICY);

		nlh->nlmsg_seq = 1;
		assert_true(mnl_socket_sendto(xfrm_ctx.req, nlh, nlh->nlmsg_len) > 0);
		memset(&c, 0, sizeof(c));
		assert_int_equal(xfrm_policy_dump(count_pol, &c), 0);
		assert_int_equal(c.n, 2);
	}
}

/* Shutdown removes what the module installed, and nothing else. */
static void
t_flush_installed(void **state)
{
	struct xfrm_pol_cfg a, b, other;
	struct polcount c;
	struct nlmsghdr *nlh;
	struct ifl_addr peer, us;
	uint32_t spi;

	(void)state;
	pol(&a, "198.51.100.0/24", "203.0.113.0/24", IFL_XFRM_OUT);
	pol(&b, "203.0.113.0/24", "198.51.100.0/24", IFL_XFRM_IN);
	pol(&other, "10.1.0.0/16", "10.2.0.0/16", IFL_XFRM_OUT);
	assert_int_equal(xfrm_policy_add(&a), 0);
	assert_int_equal(xfrm_policy_add(&b), 0);
	/* someone else's policy, added behind the module's registry */
	nlh = xfrm_msg_policy(xfrm_reqbuf, sizeof(xfrm_reqbuf), XFRM_MSG_NEWPOLICY, &other);
	assert_non_null(nlh);
	assert_int_equal(xfrm_nl_request(nlh, NULL, NULL), 0);
	addr_parse("192.0.2.2", &peer);
	addr_parse("192.0.2.1", &us);
	assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 3, &spi), 0);

	assert_int_equal(xfrm_flush_installed(), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xfrm_policy_dump(count_pol, &c), 0);
	assert_int_equal(c.n, 1);		/* only the other one */
	assert_int_equal(c.reqid, 11);
	assert_int_equal(xfrm_sa_query(&us, 0, spi, NULL), -ENOENT);
	assert_non_null(strstr(loglines, "removed 2 policies and 1 SAs"));
}

struct sacount {
	int n, larval;
	uint32_t spi;
};

static int
count_sa(const struct xfrm_sa_info *sa, void *arg)
{
	struct sacount *c = arg;

	c->n++;
	c->larval += sa->larval;
	c->spi = sa->spi;
	return 0;
}

static void
t_spi_alloc_release(void **state)
{
	struct ifl_addr peer, us;
	struct xfrm_sa_info sa;
	struct sacount c;
	uint32_t spi1, spi2;

	(void)state;
	addr_parse("192.0.2.2", &peer);
	addr_parse("192.0.2.1", &us);
	assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 5, &spi1), 0);
	assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 5, &spi2), 0);
	assert_true(spi1 >= IFL_XFRM_SPI_MIN && spi1 <= IFL_XFRM_SPI_MAX);
	assert_true(spi2 >= IFL_XFRM_SPI_MIN && spi2 <= IFL_XFRM_SPI_MAX);
	assert_int_not_equal(spi1, spi2);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xfrm_sa_dump(count_sa, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.larval, 2);
	assert_int_equal(xfrm_sa_query(&us, 0, spi1, &sa), 0);
	assert_int_equal(sa.spi, spi1);
	assert_int_equal(sa.reqid, 5);
	/* a counter refresh over larval SAs is harmless */
	assert_int_equal(xfrm_refresh_now(), 0);

	assert_int_equal(xfrm_spi_release(&peer, &us, 0, spi1), 0);
	assert_int_equal(xfrm_sa_query(&us, 0, spi1, NULL), -ENOENT);
	assert_int_equal(xfrm_spi_release(&peer, &us, 0, spi1), -ENOENT);
	drain_events();
	/* a larval SA is no tunnel: no deletion callback */
	assert_int_equal(deleted_sas, 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xfrm_sa_dump(count_sa, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.spi, spi2);
}

/* A configured SPI range is honoured. */
/* A few SAs' counters asked for, many queries to a send (xfrm_fold_sas):
 * every SA that is there is found, those that are not are no error, more
 * than a batch's worth takes several sends, and the socket is left clean
 * for the next request. Larval SAs stand in for keyed ones (the host
 * kernel may lack ESP; the test bed reads real counters this way). */
static void
t_fold_sas(void **state)
{
	struct xfrm_sa_ref refs[45];
	struct ifl_addr peer, us, nobody, nobody6;
	struct sacount c;
	uint32_t spi;
	size_t n = 0;

	(void)state;
	addr_parse("192.0.2.2", &peer);
	addr_parse("192.0.2.1", &us);
	addr_parse("192.0.2.99", &nobody);
	addr_parse("2001:db8::99", &nobody6);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 7, &spi), 0);
		refs[n].dst = us;
		refs[n].spi = spi;
		refs[n++].proto = 0;
		if (i == 10 || i == 30) {	/* gone ones among them */
			refs[n].dst = nobody;
			refs[n].spi = spi;
			refs[n++].proto = IPPROTO_ESP;
		}
	}
	refs[n].dst = nobody6;
	refs[n].spi = 0x1234;
	refs[n++].proto = IPPROTO_ESP;
	assert_int_equal(n, 43);
	assert_int_equal(xfrm_fold_sas(refs, n), 40);
	assert_int_equal(xfrm_fold_sas(refs, 1), 1);
	assert_int_equal(xfrm_fold_sas(refs + 11, 1), 0);	/* the gone one */
	assert_int_equal(xfrm_fold_sas(refs, 0), 0);
	/* the next request reads its own answer */
	assert_int_equal(xfrm_sa_query(&us, 0, refs[0].spi, NULL), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xfrm_sa_dump(count_sa, &c), 0);
	assert_int_equal(c.n, 40);
}

static void
t_spi_range(void **state)
{
	struct xfrm_opts o;
	struct ifl_addr peer, us;
	uint32_t spi;

	(void)state;
	xfrm_shutdown();
	memset(&o, 0, sizeof(o));
	o.no_timer = 1;
	o.no_events = 1;
	o.spi_min = 0x1000;
	o.spi_max = 0x1000;
	assert_int_equal(xfrm_init(&o), 0);
	addr_parse("192.0.2.2", &peer);
	addr_parse("192.0.2.1", &us);
	assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 1, &spi), 0);
	assert_int_equal(spi, 0x1000);
	/* the range is used up */
	assert_true(xfrm_spi_alloc(&peer, &us, 0, 1, &spi) < 0);
	assert_non_null(strstr(loglines, "SPI allocation for inbound SA 192.0.2.2->192.0.2.1 reqid 1: "));
	o.spi_min = 5;
	xfrm_shutdown();
	assert_int_equal(xfrm_init(&o), -EINVAL);
	assert_int_equal(xfrm_init(NULL), -EINVAL);	/* still the bad options */
	memset(&o, 0, sizeof(o));
	o.no_timer = 1;
	assert_int_equal(xfrm_init(&o), 0);
}

/* A kernel refusal: one log line with the SA, direction and the extack
 * text; the key bytes neither in the log nor left in the buffers. */
static void
t_kernel_error_logged(void **state)
{
	uint8_t ek[16], ik[32];
	struct xfrm_sa_cfg sa;
	int ret;

	(void)state;
	memset(ek, 0xe7, sizeof(ek));
	memset(ik, 0x9b, sizeof(ik));
	memset(&sa, 0, sizeof(sa));
	addr_parse("192.0.2.2", &sa.src);
	addr_parse("192.0.2.1", &sa.dst);
	sa.spi = 0xc0000099;
	sa.dir = ST_SA_IN;
	sa.encr = 12;
	sa.integ = 12;
	sa.encr_key = ek;
	sa.encr_key_len = sizeof(ek);
	sa.integ_key = ik;
	sa.integ_key_len = sizeof(ik);
	ret = xfrm_sa_add(&sa);
	if (ret == 0) {
		/* this kernel has ESP: make it refuse a duplicate instead */
		ret = xfrm_sa_add(&sa);
		assert_int_equal(ret, -EEXIST);
	} else {
		/* no ESP here: the kernel says so in its extended ack */
		assert_int_equal(ret, -EPROTONOSUPPORT);
		assert_non_null(strstr(loglines, "(Requested type not found)"));
	}
	assert_non_null(strstr(loglines, "add SA c0000099 192.0.2.2->192.0.2.1 (in)"));
	assert_null(strstr(loglines, "e7e7e7"));
	assert_null(strstr(loglines, "9b9b9b"));
	assert_null(memmem(xfrm_reqbuf, sizeof(xfrm_reqbuf), ek, 8));
	assert_null(memmem(xfrm_reqbuf, sizeof(xfrm_reqbuf), ik, 8));
	/* the module keeps working */
	assert_int_equal(xfrm_refresh_now(), 0);
}

static void
t_socket_bypass(void **state)
{
	int fd4 = socket(AF_INET, SOCK_DGRAM, 0);
	int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);

	(void)state;
	assert_true(fd4 >= 0);
	assert_int_equal(xfrm_socket_bypass(fd4, AF_INET), 0);
	if (fd6 >= 0) {
		assert_int_equal(xfrm_socket_bypass(fd6, AF_INET6), 0);
		close(fd6);
	}
	/* not a socket */
	assert_true(xfrm_socket_bypass(0 + 1000, AF_INET) < 0);
	close(fd4);
}

/* Events lost in a full receive buffer: resynchronised from a dump, and an
 * SA of ours that vanished meanwhile is declared gone. */
static void
t_enobufs_resync(void **state)
{
	struct st_child *ch = st_child_new(0, "c");
	struct ifl_addr peer, us;
	struct xfrm_pol_cfg p;
	uint32_t spi;
	int small = 1, fd;
	struct nlmsghdr *nlh;

	(void)state;
	addr_parse("192.0.2.2", &peer);
	addr_parse("192.0.2.1", &us);
	assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 5, &spi), 0);
	/* pretend it was filled in, so it counts as a tunnel's SA */
	xfrm_reg_sa_add(&peer, &us, spi, IPPROTO_ESP, ST_SA_IN, 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, spi, IPPROTO_ESP), 0);
	fd = mnl_socket_get_fd(xfrm_ctx.ev);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	/* overflow the event socket, then delete the SA behind the module's
	 * back: its DELSA notice is among the events lost */
	for (int i = 0; i < 200; i++) {
		char s[32];

		snprintf(s, sizeof(s), "10.%d.%d.0/24", i / 200, i % 200);
		pol(&p, s, "10.250.0.0/16", IFL_XFRM_OUT);
		nlh = xfrm_msg_policy(xfrm_reqbuf, sizeof(xfrm_reqbuf), XFRM_MSG_NEWPOLICY, &p);
		assert_int_equal(xfrm_nl_request(nlh, NULL, NULL), 0);
	}
	nlh = xfrm_msg_sa_id(xfrm_reqbuf, sizeof(xfrm_reqbuf), XFRM_MSG_DELSA, &peer, &us,
	    IPPROTO_ESP, spi);
	assert_int_equal(xfrm_nl_request(nlh, NULL, NULL), 0);
	drain_events();
	assert_non_null(strstr(loglines, "kernel events lost"));
	assert_non_null(strstr(loglines, "vanished while events were lost"));
	assert_int_equal(deleted_sas, 1);
	assert_null(st_child_current_sa(st_child_get(ch->index), ST_SA_IN));
	assert_true(xfrm_ctx.ev_rcvbuf > 1);
}

static int refresh_done, refresh_ret;

static void
on_refreshed(int ret, void *arg)
{
	(void)arg;
	refresh_done++;
	refresh_ret = ret;
}

/* The refresh in steps: a dump of many SAs and policies read over several
 * loop turns (a tiny budget: one receive buffer a turn), other work served
 * between them, its end told once, every SA folded and the counters
 * stamped as of its start; one at a time; abandoned cleanly by a shutdown. */
static void
t_refresh_in_steps(void **state)
{
	struct ifl_addr peer, us;
	struct xfrm_pol_cfg p;
	size_t sas, folded;
	uint64_t gen;
	uint32_t spi;
	int turns = 0;

	(void)state;
	addr_parse("192.0.2.2", &peer);
	addr_parse("192.0.2.1", &us);
	for (int i = 0; i < 300; i++)
		assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 7, &spi), 0);
	for (int i = 0; i < 1000; i++) {
		char src[32];

		snprintf(src, sizeof(src), "10.%d.%d.0/24", i / 200, i % 200);
		pol(&p, src, "10.250.0.0/16", IFL_XFRM_OUT);
		p.reqid = 100 + (uint32_t)i;
		assert_int_equal(xfrm_policy_add(&p), 0);
	}
	drain_events();
	refresh_done = 0;
	refresh_ret = 1;
	gen = st_counters_generation();
	xfrm_step_budget(1);
	assert_int_equal(xfrm_refresh_start(on_refreshed, NULL), 0);
	assert_true(xfrm_refresh_running());
	assert_int_equal(xfrm_refresh_start(on_refreshed, NULL), -EBUSY);
	while (refresh_done == 0 && turns < 10000) {
		loop_once(1000);
		turns++;
	}
	assert_int_equal(refresh_done, 1);
	assert_int_equal(refresh_ret, 0);
	assert_false(xfrm_refresh_running());
	/* 300 SAs and 1000 policies do not fit one receive buffer */
	assert_true(turns > 2);
	xfrm_refresh_stats(&sas, &folded);
	assert_int_equal(sas, 300);
	assert_true(st_counters_generation() == gen + 1);
	drain_events();
	assert_int_equal(refresh_done, 1);
	/* and the loop sleeps again: nothing of the dump is left to read */
	{
		uint64_t t0 = loop_now_ms();

		assert_int_equal(loop_once(100), 0);
		assert_true(loop_now_ms() - t0 >= 90);
	}

	/* a shutdown in the middle: no callback, nothing leaked */
	assert_int_equal(xfrm_refresh_start(on_refreshed, NULL), 0);
	loop_once(1000);
	xfrm_step_budget(0);
	xfrm_flush_installed();
	xfrm_shutdown();
	assert_false(xfrm_refresh_running());
	assert_int_equal(refresh_done, 1);
}

static int
find_v6(const struct xfrm_pol_info *p, void *arg)
{
	char a[SUBNET_STRLEN], b[SUBNET_STRLEN], t[ADDR_STRLEN];
	int *found = arg;

	if (strcmp(subnet_str(&p->src, a, sizeof(a)), "2001:db8:1::/64") == 0 &&
	    strcmp(subnet_str(&p->dst, b, sizeof(b)), "2001:db8:2::/64") == 0 &&
	    strcmp(addr_str(&p->tmpl_dst, t, sizeof(t)), "2001:db8::2") == 0 &&
	    p->dport == 443 && p->proto == IPPROTO_TCP)
		(*found)++;
	return 0;
}

static void
t_ipv6(void **state)
{
	struct xfrm_pol_cfg p;
	struct ifl_addr peer, us;
	uint32_t spi;
	int found = 0;

	(void)state;
	memset(&p, 0, sizeof(p));
	subnet_parse("2001:db8:1::/64", &p.src);
	subnet_parse("2001:db8:2::/64", &p.dst);
	addr_parse("2001:db8::1", &p.tmpl_src);
	addr_parse("2001:db8::2", &p.tmpl_dst);
	p.proto = IPPROTO_TCP;
	p.dport = 443;
	p.dir = IFL_XFRM_OUT;
	p.reqid = 3;
	assert_int_equal(xfrm_policy_add(&p), 0);
	assert_int_equal(xfrm_policy_dump(find_v6, &found), 0);
	assert_int_equal(found, 1);
	addr_parse("2001:db8::2", &peer);
	addr_parse("2001:db8::1", &us);
	assert_int_equal(xfrm_spi_alloc(&peer, &us, 0, 3, &spi), 0);
	assert_true(spi >= IFL_XFRM_SPI_MIN);
	assert_int_equal(xfrm_sa_query(&us, 0, spi, NULL), 0);
	assert_int_equal(xfrm_flush_installed(), 0);
	found = 0;
	assert_int_equal(xfrm_policy_dump(find_v6, &found), 0);
	assert_int_equal(found, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_policy_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(t_flush_installed, setup, teardown),
		cmocka_unit_test_setup_teardown(t_spi_alloc_release, setup, teardown),
		cmocka_unit_test_setup_teardown(t_fold_sas, setup, teardown),
		cmocka_unit_test_setup_teardown(t_spi_range, setup, teardown),
		cmocka_unit_test_setup_teardown(t_kernel_error_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(t_socket_bypass, setup, teardown),
		cmocka_unit_test_setup_teardown(t_enobufs_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(t_refresh_in_steps, setup, teardown),
	};

	/* Namespaces need root; without them there is nothing to test here. */
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s: skipped\n", strerror(errno));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
