/* What one IKE packet that matches no SA costs the responder, with 10,
 * 1,000 and 100,000 half-open SAs in place: the SPI index and the
 * per-source half-open counts must make it the same at every size (a walk
 * of every SA made it grow with the flood already in).
 *
 * usage: ike-lookup [-n PACKETS] [SIZE...]   (default 200000; 10 1000 100000)
 * Prints per size: ns per IKE_AUTH with unknown SPIs (the SA lookup) and
 * per IKE_SA_INIT retransmission check (the half-open lookup) of a junk
 * request, which is then dropped. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/loop.h"
#include "keying/ikev2_sa.h"
#include "state/state.h"

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t
rnd64(void)
{
	return (uint64_t)random() << 33 ^ (uint64_t)random() << 11 ^ (uint64_t)random();
}

/* A header-only IKE message: what a junk packet looks like to the lookup. */
static size_t
junk(uint8_t *p, uint64_t ispi, uint64_t rspi, uint8_t exch, uint8_t flags)
{
	int i;

	memset(p, 0, 28);
	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)(ispi >> (56 - 8 * i));
		p[8 + i] = (uint8_t)(rspi >> (56 - 8 * i));
	}
	p[17] = 0x20;
	p[18] = exch;
	p[19] = flags;
	p[27] = 28;
	return 28;
}

/* The answers a junk packet may get (INVALID_IKE_SPI, rate-limited) go
 * nowhere: the wire is not what is measured. */
static int
send_nowhere(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *data, size_t len)
{
	(void)arg; (void)src; (void)sport; (void)dst; (void)dport; (void)data;
	(void)len;
	return 0;
}

static void
run(size_t nsa, long npkt)
{
	static struct cfg_conn conn;
	struct ike_env env;
	struct ikev2_engine *e;
	struct ifl_addr local, peer;
	struct ike_sa *sa;
	uint8_t pkt[64];
	double t0, t_auth, t_init;
	char a[32];
	size_t i;
	long k;

	memset(&env, 0, sizeof(env));
	env.send = send_nowhere;
	if ((e = ikev2_engine_new(&env, NULL)) == NULL)
		exit(1);
	addr_parse("192.0.2.2", &local);
	snprintf(conn.name, sizeof(conn.name), "bench");
	for (i = 0; i < nsa; i++) {
		snprintf(a, sizeof(a), "10.%zu.%zu.%zu", i >> 16 & 0xff, i >> 8 & 0xff,
		    i & 0xff);
		addr_parse(a, &peer);
		if ((sa = ike_sa_new(e, &conn, 0, &local, 500, &peer, 500)) == NULL)
			exit(1);
		sa->spi_i = rnd64();
		ike_sa_index_init(sa);
		ike_sa_set_phase(sa, IKE_INIT_R);
	}
	addr_parse("198.18.0.1", &peer);
	t0 = now_ns();
	for (k = 0; k < npkt; k++)
		ikev2_input(e, &peer, 500, &local, 500, pkt,
		    junk(pkt, rnd64(), rnd64(), 35, 0x08));
	t_auth = (now_ns() - t0) / (double)npkt;
	t0 = now_ns();
	for (k = 0; k < npkt; k++)
		ikev2_input(e, &peer, 500, &local, 500, pkt,
		    junk(pkt, rnd64(), 0, 34, 0x08));
	t_init = (now_ns() - t0) / (double)npkt;
	printf("%7zu half-open SAs: %7.0f ns per unknown IKE_AUTH, %7.0f ns per junk "
	    "IKE_SA_INIT\n", nsa, t_auth, t_init);
	ikev2_engine_free(e);
}

int
main(int argc, char **argv)
{
	static const size_t sizes[] = { 10, 1000, 100000 };
	long npkt = 200000;
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		npkt = atol(argv[2]);
		i = 3;
	}
	log_init("ike-lookup", 0, 0);
	if (loop_init() < 0 || st_init() < 0)
		return 1;
	srandom(1);
	if (i < argc)
		for (; i < argc; i++)
			run((size_t)atol(argv[i]), npkt);
	else
		for (i = 0; i < 3; i++)
			run(sizes[i], npkt);
	return 0;
}
