/* keying/crypto_dh_pool.c: real worker threads filling real key pairs. Waits
 * are bounded polls (generous: valgrind makes MODP key generation slow). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "common/buf.h"
#include "config/config.h"
#include "keying/crypto.h"
#include "keying/crypto_dh_pool.h"

#define WAIT_SECONDS	120

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap(void)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Until every group has `want` ready key pairs; 0 if it happened in time. */
static int
wait_ready(const uint16_t *groups, size_t n, unsigned want)
{
	double end = now() + WAIT_SECONDS;
	size_t i;

	while (now() < end) {
		for (i = 0; i < n && dh_pool_ready(groups[i]) >= want; i++)
			;
		if (i == n)
			return 0;
		nap();
	}
	return -1;
}

static struct buf *
public_of(const struct dh *dh)
{
	struct buf *b = buf_new(CRYPTO_MAX_DH_PUB);

	assert_non_null(b);
	assert_int_equal(dh_public(dh, b), 0);
	assert_int_equal(b->len, crypto_dh_publen(dh_group(dh)));
	return b;
}

static int
teardown(void **state)
{
	(void)state;
	dh_pool_stop();
	return 0;
}

static void
test_fills_to_depth(void **state)
{
	const uint16_t groups[] = { IKEV2_DH_ECP256, IKEV2_DH_MODP2048 };
	struct dh_pool_stats st;
	uint64_t generated;

	(void)state;
	assert_int_equal(dh_pool_start(2, groups, 2, 4), 0);
	assert_true(dh_pool_running());
	assert_int_equal(wait_ready(groups, 2, 4), 0);
	dh_pool_stats(&st);
	assert_int_equal(st.workers, 2);
	assert_int_equal(st.ngroups, 2);
	assert_int_equal(st.depth, 4);
	assert_int_equal(st.ready, 8);
	assert_int_equal(st.generated, 8);
	assert_int_equal(st.hits, 0);
	assert_int_equal(st.failed, 0);
	generated = st.generated;

	/* full: the workers sleep instead of making more */
	for (int i = 0; i < 20; i++)
		nap();
	dh_pool_stats(&st);
	assert_int_equal(st.generated, generated);
	assert_int_equal(dh_pool_ready(IKEV2_DH_ECP256), 4);
	assert_int_equal(dh_pool_ready(IKEV2_DH_MODP2048), 4);
	assert_int_equal(dh_pool_ready(IKEV2_DH_ECP384), 0);
}

static void
test_take_hits_distinct_and_refills(void **state)
{
	const uint16_t group = IKEV2_DH_ECP256;
	struct dh *dh[4];
	struct buf *pub[4];
	struct dh_pool_stats st;
	int i, j;

	(void)state;
	assert_int_equal(dh_pool_start(1, &group, 1, 4), 0);
	assert_int_equal(wait_ready(&group, 1, 4), 0);
	for (i = 0; i < 4; i++) {
		assert_non_null(dh[i] = dh_new(group));
		assert_int_equal(dh_group(dh[i]), group);
		pub[i] = public_of(dh[i]);
	}
	dh_pool_stats(&st);
	assert_int_equal(st.hits, 4);
	assert_int_equal(st.misses, 0);
	/* every key pair is a different one */
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			assert_memory_not_equal(pub[i]->data, pub[j]->data,
			    pub[i]->len);
	/* taken ones are replaced */
	assert_int_equal(wait_ready(&group, 1, 4), 0);
	dh_pool_stats(&st);
	assert_true(st.generated >= 4 + st.hits);
	for (i = 0; i < 4; i++) {
		dh_free(dh[i]);
		buf_free(pub[i]);
	}
}

static void
test_unpooled_group_inline(void **state)
{
	const uint16_t groups[] = { IKEV2_DH_ECP256, 99, IKEV2_DH_NONE,
	    IKEV2_DH_ECP256 };
	struct dh_pool_stats st;
	struct dh *dh;

	(void)state;
	assert_int_equal(dh_pool_start(1, groups, 4, 2), 0);
	dh_pool_stats(&st);
	assert_int_equal(st.ngroups, 1);	/* 99 and NONE dropped, dup merged */
	assert_non_null(dh = dh_new(IKEV2_DH_CURVE25519));
	assert_int_equal(dh_group(dh), IKEV2_DH_CURVE25519);
	dh_free(dh);
	assert_null(dh_new(99));
	dh_pool_stats(&st);
	assert_int_equal(st.hits, 0);
	assert_int_equal(st.misses, 0);
	assert_int_equal(dh_pool_ready(IKEV2_DH_CURVE25519), 0);
}

static void
derive(struct dh *a, struct dh *b, struct buf *secret)
{
	struct buf *pub = public_of(b);

	assert_int_equal(dh_derive(a, pub->data, pub->len, secret), 0);
	buf_free(pub);
}

static void
test_pooled_pairs_agree(void **state)
{
	const uint16_t groups[] = { IKEV2_DH_MODP2048, IKEV2_DH_CURVE25519 };
	struct buf *s1, *s2;
	struct dh *a, *b;
	size_t g;

	(void)state;
	assert_int_equal(dh_pool_start(2, groups, 2, 2), 0);
	assert_int_equal(wait_ready(groups, 2, 2), 0);
	for (g = 0; g < 2; g++) {
		assert_non_null(a = dh_pool_take(groups[g]));
		assert_non_null(b = dh_pool_take(groups[g]));
		s1 = buf_new_secret(CRYPTO_MAX_DH_PUB);
		s2 = buf_new_secret(CRYPTO_MAX_DH_PUB);
		derive(a, b, s1);
		derive(b, a, s2);
		assert_int_equal(s1->len, groups[g] == IKEV2_DH_MODP2048 ?
		    256 : 32);
		assert_int_equal(s1->len, s2->len);
		assert_memory_equal(s1->data, s2->data, s1->len);
		buf_free(s1);
		buf_free(s2);
		dh_free(a);
		dh_free(b);
	}
}

/* Keys still pooled at stop are freed (valgrind's leak check judges), and
 * the pool starts again afresh. */
static void
test_stop_start_again(void **state)
{
	const uint16_t groups[] = { IKEV2_DH_MODP2048, IKEV2_DH_ECP256 };
	struct dh_pool_stats st;
	struct dh *dh;

	(void)state;
	assert_int_equal(dh_pool_start(2, groups, 2, 3), 0);
	assert_int_equal(dh_pool_start(1, groups, 2, 3), -1);	/* running */
	assert_int_equal(wait_ready(groups, 2, 3), 0);
	dh_pool_stop();
	assert_false(dh_pool_running());
	dh_pool_stats(&st);
	assert_int_equal(st.workers, 0);
	assert_int_equal(st.ready, 0);
	assert_int_equal(st.generated, 6);	/* kept until the next start */
	assert_int_equal(dh_pool_ready(IKEV2_DH_ECP256), 0);
	assert_null(dh_pool_take(IKEV2_DH_ECP256));
	dh_pool_stop();				/* twice is harmless */

	/* stopped in the middle of generating */
	assert_int_equal(dh_pool_start(2, groups, 2, 8), 0);
	dh_pool_stop();

	assert_int_equal(dh_pool_start(1, &groups[1], 1, 2), 0);
	dh_pool_stats(&st);
	assert_int_equal(st.hits, 0);
	assert_int_equal(st.ngroups, 1);
	assert_int_equal(wait_ready(&groups[1], 1, 2), 0);
	assert_non_null(dh = dh_new(IKEV2_DH_ECP256));
	dh_free(dh);
	dh_pool_stats(&st);
	assert_int_equal(st.hits, 1);
}

static void
test_zero_workers_no_pool(void **state)
{
	const uint16_t group = IKEV2_DH_ECP256;
	struct dh_pool_stats st;
	struct dh *dh;

	(void)state;
	assert_int_equal(dh_pool_start(0, &group, 1, 8), 0);
	assert_false(dh_pool_running());
	assert_null(dh_pool_take(group));
	assert_non_null(dh = dh_new(group));
	dh_free(dh);
	dh_pool_stats(&st);
	assert_int_equal(st.workers, 0);
	assert_int_equal(st.ready, 0);
	assert_int_equal(st.hits + st.misses, 0);
	assert_int_equal(dh_pool_set_groups(&group, 1), 0);	/* no-op */
	assert_int_equal(dh_pool_ready(group), 0);

	/* out-of-range arguments start nothing */
	assert_int_equal(dh_pool_start(DH_POOL_MAX_WORKERS + 1, &group, 1, 8), -1);
	assert_int_equal(dh_pool_start(1, &group, 1, 0), -1);
	assert_int_equal(dh_pool_start(1, &group, 1, DH_POOL_MAX_DEPTH + 1), -1);
	assert_false(dh_pool_running());
}

static void
test_set_groups(void **state)
{
	const uint16_t first[] = { IKEV2_DH_ECP256, IKEV2_DH_ECP384 };
	const uint16_t second[] = { IKEV2_DH_CURVE25519, IKEV2_DH_ECP256 };
	struct dh_pool_stats st;

	(void)state;
	assert_int_equal(dh_pool_start(2, first, 2, 3), 0);
	assert_int_equal(wait_ready(first, 2, 3), 0);
	assert_int_equal(dh_pool_set_groups(second, 2), 0);
	/* ECP-384's key pairs are gone, ECP-256's stay */
	assert_int_equal(dh_pool_ready(IKEV2_DH_ECP384), 0);
	assert_int_equal(dh_pool_ready(IKEV2_DH_ECP256), 3);
	assert_int_equal(wait_ready(second, 2, 3), 0);
	dh_pool_stats(&st);
	assert_int_equal(st.ngroups, 2);
	assert_int_equal(st.ready, 6);
}

/* Several threads taking at once while the workers refill: every key pair
 * handed out is a different one. */
#define TAKERS		3
#define TAKES		60

struct taker {
	uint8_t	pub[TAKES][64];
};

static void *
taker_run(void *arg)
{
	struct taker *t = arg;
	struct buf *b;
	struct dh *dh;

	for (int i = 0; i < TAKES; i++) {
		if ((dh = dh_new(IKEV2_DH_ECP256)) == NULL)
			return arg;
		b = buf_new(64);
		if (b == NULL || dh_public(dh, b) < 0 || b->len != 64) {
			buf_free(b);
			dh_free(dh);
			return arg;
		}
		memcpy(t->pub[i], b->data, 64);
		buf_free(b);
		dh_free(dh);
	}
	return NULL;
}

static int
cmp_pub(const void *a, const void *b)
{
	return memcmp(a, b, 64);
}

static void
test_concurrent_takers_unique(void **state)
{
	const uint16_t group = IKEV2_DH_ECP256;
	static struct taker t[TAKERS];
	static uint8_t all[TAKERS * TAKES][64];
	pthread_t th[TAKERS];
	struct dh_pool_stats st;
	void *rv;
	int i;

	(void)state;
	assert_int_equal(dh_pool_start(2, &group, 1, 8), 0);
	assert_int_equal(wait_ready(&group, 1, 8), 0);
	for (i = 0; i < TAKERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, taker_run, &t[i]), 0);
	for (i = 0; i < TAKERS; i++) {
		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_null(rv);
		memcpy(all[i * TAKES], t[i].pub, sizeof(t[i].pub));
	}
	qsort(all, TAKERS * TAKES, 64, cmp_pub);
	for (i = 1; i < TAKERS * TAKES; i++)
		assert_true(memcmp(all[i - 1], all[i], 64) != 0);
	dh_pool_stats(&st);
	assert_int_equal(st.hits + st.misses, TAKERS * TAKES);
	assert_true(st.hits >= 8);
}

static void
conn_props(struct cfg_conn *c, const char *ike, const char *esp)
{
	char err[128];

	assert_int_equal(config_proposals_parse(ike, CFG_PROTO_IKE, &c->ike,
	    err, sizeof(err)), 0);
	assert_int_equal(config_proposals_parse(esp, CFG_PROTO_ESP, &c->esp,
	    err, sizeof(err)), 0);
}

static void
test_conf_groups(void **state)
{
	struct ifl_config cfg;
	struct cfg_conn *conns;
	uint16_t g[DH_POOL_MAX_GROUPS];

	(void)state;
	assert_non_null(conns = calloc(3, sizeof(*conns)));
	conn_props(&conns[0], "aes128-sha256-ecp256,aes256-sha384-modp3072",
	    "aes128gcm16-modp2048");
	conn_props(&conns[1], "aes128-sha256-ecp256-curve25519", "aes128-sha256");
	conn_props(&conns[2], "aes256-sha512-ecp384",
	    "aes128-sha256-modp2048,aes256-sha256-curve25519");
	conns[0].next = &conns[1];
	conns[1].next = &conns[2];
	memset(&cfg, 0, sizeof(cfg));
	cfg.conns = conns;
	cfg.nconns = 3;
	/* first proposals' KE first, then PFS, then the alternatives */
	assert_int_equal(dh_pool_conf_groups(&cfg, g, DH_POOL_MAX_GROUPS), 5);
	assert_int_equal(g[0], IKEV2_DH_ECP256);
	assert_int_equal(g[1], IKEV2_DH_ECP384);
	assert_int_equal(g[2], IKEV2_DH_MODP2048);
	assert_int_equal(g[3], IKEV2_DH_MODP3072);
	assert_int_equal(g[4], IKEV2_DH_CURVE25519);
	assert_int_equal(dh_pool_conf_groups(&cfg, g, 2), 2);
	assert_int_equal(g[1], IKEV2_DH_ECP384);
	cfg.conns = NULL;
	cfg.nconns = 0;
	assert_int_equal(dh_pool_conf_groups(&cfg, g, DH_POOL_MAX_GROUPS), 0);
	free(conns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_fills_to_depth, teardown),
		cmocka_unit_test_teardown(test_take_hits_distinct_and_refills,
		    teardown),
		cmocka_unit_test_teardown(test_unpooled_group_inline, teardown),
		cmocka_unit_test_teardown(test_pooled_pairs_agree, teardown),
		cmocka_unit_test_teardown(test_stop_start_again, teardown),
		cmocka_unit_test_teardown(test_zero_workers_no_pool, teardown),
		cmocka_unit_test_teardown(test_set_groups, teardown),
		cmocka_unit_test_teardown(test_concurrent_takers_unique,
		    teardown),
		cmocka_unit_test(test_conf_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
