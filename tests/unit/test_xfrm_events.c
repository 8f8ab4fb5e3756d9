/* Kernel events (captured bytes) folded into the real state model and handed
 * to the keying side's handlers; key buffers wiped after a request. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "common/log.h"
#include "kernel/xfrm_priv.h"
#include "state/state.h"

#define DATA	TEST_SRCDIR "/unit/data/xfrm/"

static struct {
	int acquires, expires, hard, deleted, policies;
	struct xfrm_sa_info last;
	struct xfrm_acquire acq;
} seen;

static char loglines[8192];

static void
sink(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	strncat(loglines, line, sizeof(loglines) - strlen(loglines) - 2);
	strcat(loglines, "\n");
}

static void
h_acquire(const struct xfrm_acquire *a, void *arg)
{
	(void)arg;
	seen.acquires++;
	seen.acq = *a;
}

static void
h_expire(const struct xfrm_sa_info *sa, int hard, void *arg)
{
	(void)arg;
	seen.expires++;
	seen.hard += hard;
	seen.last = *sa;
}

static void
h_deleted(const struct xfrm_sa_info *sa, void *arg)
{
	(void)arg;
	seen.deleted++;
	seen.last = *sa;
}

static const struct xfrm_handlers handlers = { h_acquire, h_expire, h_deleted, NULL, NULL };

static struct nlmsghdr *
load(const char *name)
{
	char path[512];
	FILE *f;
	uint8_t *p = malloc(4096);
	size_t n;

	snprintf(path, sizeof(path), DATA "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(p, 1, 4096, f);
	fclose(f);
	assert_true(n >= sizeof(struct nlmsghdr));
	return (struct nlmsghdr *)p;
}

static int
setup(void **state)
{
	(void)state;
	memset(&seen, 0, sizeof(seen));
	loglines[0] = '\0';
	log_init("test", 0, 0);
	log_setlevel(LOG_DEBUG);
	log_set_sink(sink, NULL);
	st_init();
	xfrm_set_handlers(&handlers);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	xfrm_shutdown();	/* no sockets: frees the registry */
	st_free();
	log_set_sink(NULL, NULL);
	return 0;
}

/* Deleted behind our back: the final counters are kept by the child. */
static void
t_delsa_folds_final(void **state)
{
	struct st_child *ch = st_child_new(0, "c");
	struct st_child_counters t;
	struct st_dir_counters c = { 5000, 60, 0, 0 };
	struct nlmsghdr *nlh = load("delsa.bin");

	(void)state;
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, 0x2001, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, 0x1001, IPPROTO_ESP), 0);
	/* an earlier refresh saw 60 packets */
	assert_int_equal(st_sa_update(0x2001, ST_SA_IN, &c), 0);
	xfrm_event_dispatch(nlh);
	assert_int_equal(seen.deleted, 1);
	assert_int_equal(seen.last.spi, 0x2001);
	assert_int_equal(seen.last.packets, 100);
	ch = st_child_get(ch->index);
	assert_int_equal(ch->retired.in.packets, 100);
	assert_int_equal(ch->retired.in.octets, 8400);
	assert_null(st_child_current_sa(ch, ST_SA_IN));
	st_child_totals(ch, &t);
	assert_int_equal(t.in.packets, 100);
	assert_non_null(strstr(loglines, "SA 00002001 (?) to 192.0.2.1 deleted"));
	/* a second notice of the same SA is not ours any more */
	xfrm_event_dispatch(nlh);
	assert_int_equal(seen.deleted, 1);
	free(nlh);
}

/* Another daemon's SA: no callback, nothing folded. */
static void
t_delsa_not_ours(void **state)
{
	struct nlmsghdr *nlh = load("delsa.bin");

	(void)state;
	xfrm_event_dispatch(nlh);
	assert_int_equal(seen.deleted, 0);
	free(nlh);
}

/* Our own registry gives the direction even if the SPI also exists the
 * other way in the state model. */
static void
t_registry_direction(void **state)
{
	struct st_child *a = st_child_new(0, "a"), *b = st_child_new(0, "b");
	struct nlmsghdr *nlh = load("delsa.bin");
	struct ifl_addr s, d;

	(void)state;
	assert_int_equal(st_child_add_sa(a, ST_SA_IN, 0x2001, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(b, ST_SA_OUT, 0x2001, IPPROTO_ESP), 0);
	addr_parse("192.0.2.2", &s);
	addr_parse("192.0.2.1", &d);
	assert_non_null(xfrm_reg_sa_add(&s, &d, 0x2001, IPPROTO_ESP, ST_SA_OUT, 0));
	xfrm_event_dispatch(nlh);
	assert_int_equal(seen.deleted, 1);
	assert_int_equal(st_child_get(b->index)->retired.out.packets, 100);
	assert_int_equal(st_child_get(a->index)->retired.in.packets, 0);
	assert_null(xfrm_reg_sa_find(&d, 0x2001, IPPROTO_ESP));
	free(nlh);
}

static void
t_expire_soft_then_hard(void **state)
{
	struct st_child *ch = st_child_new(0, "c");
	struct nlmsghdr *soft = load("expire-soft.bin"), *hard = load("expire-hard.bin");
	struct st_child_counters t;

	(void)state;
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, 0x3001, IPPROTO_ESP), 0);
	xfrm_event_dispatch(soft);
	assert_int_equal(seen.expires, 1);
	assert_int_equal(seen.hard, 0);
	/* soft: counters updated, SA still live */
	ch = st_child_get(ch->index);
	assert_non_null(st_child_current_sa(ch, ST_SA_OUT));
	st_child_totals(ch, &t);
	assert_int_equal(t.out.packets, 10);
	xfrm_event_dispatch(hard);
	assert_int_equal(seen.expires, 2);
	assert_int_equal(seen.hard, 1);
	assert_int_equal(seen.last.packets, 10);
	/* hard: gone, its final counters retired */
	ch = st_child_get(ch->index);
	assert_null(st_child_current_sa(ch, ST_SA_OUT));
	assert_int_equal(ch->retired.out.packets, 10);
	assert_int_equal(ch->retired.out.octets, 840);
	free(soft);
	free(hard);
}

/* The hard expiry of an SPI nobody filled in is not a tunnel event. */
static void
t_expire_larval(void **state)
{
	struct nlmsghdr *hard = load("expire-hard.bin");
	struct ifl_addr s, d;

	(void)state;
	addr_parse("192.0.2.1", &s);
	addr_parse("192.0.2.2", &d);
	xfrm_reg_sa_add(&s, &d, 0x3001, IPPROTO_ESP, ST_SA_IN, 1);
	xfrm_event_dispatch(hard);
	assert_int_equal(seen.expires, 0);
	assert_null(xfrm_reg_sa_find(&d, 0x3001, IPPROTO_ESP));
	free(hard);
}

/* An SPI whose reservation expired before the peer's answer is added anew
 * (xfrm_sa_update); the reservation's own hard expiry, read after that,
 * must not end the new SA. One of the new SA itself still does. */
static void
t_expire_larval_after_readd(void **state)
{
	struct nlmsghdr *hard = load("expire-hard.bin");
	struct xfrm_sa_info sa;
	struct xfrm_reg_sa *r;
	struct ifl_addr s, d;
	int h;

	(void)state;
	assert_int_equal(xfrm_msg_parse_sa(hard, &sa, &h), 0);
	addr_parse("192.0.2.1", &s);
	addr_parse("192.0.2.2", &d);
	r = xfrm_reg_sa_add(&s, &d, 0x3001, IPPROTO_ESP, ST_SA_IN, 0);
	assert_non_null(r);
	r->readded = sa.add_time + 1;
	xfrm_event_dispatch(hard);
	assert_int_equal(seen.expires, 0);
	assert_non_null(xfrm_reg_sa_find(&d, 0x3001, IPPROTO_ESP));
	/* added anew in the second the event's SA was: that SA is this one */
	r->readded = sa.add_time;
	xfrm_event_dispatch(hard);
	assert_int_equal(seen.expires, 1);
	assert_int_equal(seen.hard, 1);
	assert_null(xfrm_reg_sa_find(&d, 0x3001, IPPROTO_ESP));
	free(hard);
}

static void
t_acquire(void **state)
{
	struct nlmsghdr *nlh = load("acquire.bin");

	(void)state;
	xfrm_event_dispatch(nlh);
	assert_int_equal(seen.acquires, 1);
	assert_int_equal(seen.acq.reqid, 42);
	assert_int_equal(seen.acq.dst.plen, 24);
	free(nlh);
}

/* Damaged events are logged and dropped. */
static void
t_malformed(void **state)
{
	struct nlmsghdr *nlh = load("acquire.bin");

	(void)state;
	nlh->nlmsg_len = 40;
	xfrm_event_dispatch(nlh);
	assert_int_equal(seen.acquires, 0);
	assert_non_null(strstr(loglines, "malformed ACQUIRE"));
	free(nlh);
}

static int
has_bytes(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	return memmem(hay, n, needle, m) != NULL;
}

/* A failed install (here: no socket) leaves no key byte in the module's
 * request buffer, nor in the log. */
static void
t_keys_wiped(void **state)
{
	uint8_t ek[16], ik[20];
	struct xfrm_sa_cfg sa;
	char hex[8];

	(void)state;
	for (size_t i = 0; i < sizeof(ek); i++)
		ek[i] = (uint8_t)(0xe0 + i);
	for (size_t i = 0; i < sizeof(ik); i++)
		ik[i] = (uint8_t)(0x90 + i);
	memset(&sa, 0, sizeof(sa));
	addr_parse("192.0.2.1", &sa.src);
	addr_parse("192.0.2.2", &sa.dst);
	sa.spi = 0xc0000042;
	sa.dir = ST_SA_OUT;
	sa.encr = 12;
	sa.integ = 2;
	sa.encr_key = ek;
	sa.encr_key_len = sizeof(ek);
	sa.integ_key = ik;
	sa.integ_key_len = sizeof(ik);
	assert_true(xfrm_sa_add(&sa) < 0);
	assert_false(has_bytes(xfrm_reqbuf, sizeof(xfrm_reqbuf), ek, 8));
	assert_false(has_bytes(xfrm_reqbuf, sizeof(xfrm_reqbuf), ik, 8));
	/* the failure names the SA, and nothing of the keys */
	assert_non_null(strstr(loglines, "add SA c0000042 192.0.2.1->192.0.2.2 (out)"));
	snprintf(hex, sizeof(hex), "%02x%02x%02x", ek[0], ek[1], ek[2]);
	assert_null(strstr(loglines, hex));
	/* a bad key length fails before sending, also wiped */
	sa.encr_key_len = 15;
	assert_true(xfrm_sa_add(&sa) < 0);
	assert_false(has_bytes(xfrm_reqbuf, sizeof(xfrm_reqbuf), ek, 8));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_delsa_folds_final, setup, teardown),
		cmocka_unit_test_setup_teardown(t_delsa_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(t_registry_direction, setup, teardown),
		cmocka_unit_test_setup_teardown(t_expire_soft_then_hard, setup, teardown),
		cmocka_unit_test_setup_teardown(t_expire_larval, setup, teardown),
		cmocka_unit_test_setup_teardown(t_expire_larval_after_readd, setup, teardown),
		cmocka_unit_test_setup_teardown(t_acquire, setup, teardown),
		cmocka_unit_test_setup_teardown(t_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(t_keys_wiped, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
