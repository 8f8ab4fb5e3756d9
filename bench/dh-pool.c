/* The event loop's share of IKE-responder Diffie-Hellman with and without
 * the DH pool: the calling thread plays the loop and does N times what a
 * responder does per IKE_SA_INIT: dh_new, dh_public (its KE payload) and
 * dh_derive against the initiator's public value. Optionally it also spends
 * BUSY microseconds per exchange on other work (parsing, PRF, AUTH, XFRM),
 * during which a worker can catch up.
 *
 * usage: dh-pool [-n N] [-b BUSY_US] [-w WORKERS[,WORKERS...]] [GROUP...]
 * GROUP is an IKEv2 DH number (default: 19 14). Prints one line per group and
 * worker count: wall seconds of the loop, its CPU seconds, exchanges per
 * second, pool hits and misses, and the speed-up over the first worker count
 * given (default 0,1). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "keying/crypto.h"
#include "keying/crypto_dh_pool.h"

#define MAXW	8

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
busy(double us)
{
	double end = clock_s(CLOCK_MONOTONIC) + us / 1e6;

	while (clock_s(CLOCK_MONOTONIC) < end)
		;
}

/* The pool full before the run, as on a gateway between bursts. */
static int
wait_full(uint16_t group)
{
	double end = clock_s(CLOCK_MONOTONIC) + 60;

	while (dh_pool_ready(group) < DH_POOL_DEPTH) {
		if (clock_s(CLOCK_MONOTONIC) > end)
			return -1;
		usleep(1000);
	}
	return 0;
}

static int
run(uint16_t group, unsigned workers, int n, double busy_us,
    const struct buf *peer, double *wall)
{
	struct dh_pool_stats st;
	struct buf *pub, *secret;
	struct dh *dh;
	struct rusage ru0, ru1;
	double t0, c0, cpu;
	int i, rc = -1;

	if (dh_pool_start(workers, &group, 1, DH_POOL_DEPTH) < 0 ||
	    (workers > 0 && wait_full(group) < 0))
		goto out;
	pub = buf_new(CRYPTO_MAX_DH_PUB);
	secret = buf_new_secret(CRYPTO_MAX_DH_PUB);
	if (pub == NULL || secret == NULL)
		goto out_buf;
	getrusage(RUSAGE_THREAD, &ru0);
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		buf_reset(pub);
		buf_reset(secret);
		if ((dh = dh_new(group)) == NULL)
			goto out_buf;
		if (dh_public(dh, pub) < 0 ||
		    dh_derive(dh, peer->data, peer->len, secret) < 0) {
			dh_free(dh);
			goto out_buf;
		}
		dh_free(dh);
		if (busy_us > 0)
			busy(busy_us);
	}
	*wall = clock_s(CLOCK_MONOTONIC) - t0;
	cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	getrusage(RUSAGE_THREAD, &ru1);
	dh_pool_stats(&st);
	printf("%-10s workers=%u n=%d busy=%.0fus  wall %.3f s  loop cpu %.3f s  "
	    "%.0f/s  hits %llu misses %llu  loop waits %ld preempted %ld",
	    crypto_name(CRYPTO_DH, group), workers, n, busy_us, *wall, cpu,
	    n / *wall, (unsigned long long)st.hits,
	    (unsigned long long)st.misses, ru1.ru_nvcsw - ru0.ru_nvcsw,
	    ru1.ru_nivcsw - ru0.ru_nivcsw);
	rc = 0;
out_buf:
	buf_free(pub);
	buf_free(secret);
out:
	dh_pool_stop();
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned workers[MAXW] = { 0, 1 };
	int nw = 2, n = 2000, ch, i, g;
	double busy_us = 0, wall, base;
	uint16_t groups[16] = { IKEV2_DH_ECP256, IKEV2_DH_MODP2048 };
	int ng = 2;
	char *s, *tok;

	while ((ch = getopt(argc, argv, "n:b:w:")) != -1) {
		switch (ch) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'b':
			busy_us = atof(optarg);
			break;
		case 'w':
			nw = 0;
			for (s = optarg; (tok = strsep(&s, ",")) && nw < MAXW; )
				workers[nw++] = (unsigned)atoi(tok);
			break;
		default:
			fprintf(stderr, "usage: dh-pool [-n N] [-b BUSY_US] "
			    "[-w WORKERS,...] [GROUP...]\n");
			return 2;
		}
	}
	if (optind < argc) {
		for (ng = 0; optind < argc && ng < 16; optind++)
			groups[ng++] = (uint16_t)atoi(argv[optind]);
	}
	if (n <= 0 || nw == 0)
		return 2;
	log_init("dh-pool", 1, 0);
	log_setlevel(LOG_WARNING);
	printf("online CPUs: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	for (g = 0; g < ng; g++) {
		struct dh *peer = dh_new(groups[g]);
		struct buf *ppub = buf_new(CRYPTO_MAX_DH_PUB);

		if (peer == NULL || ppub == NULL || dh_public(peer, ppub) < 0) {
			fprintf(stderr, "group %u unusable\n", groups[g]);
			return 1;
		}
		base = 0;
		for (i = 0; i < nw; i++) {
			if (run(groups[g], workers[i], n, busy_us, ppub, &wall) < 0) {
				fprintf(stderr, "run failed\n");
				return 1;
			}
			if (i == 0)
				base = wall;
			printf("  x%.2f\n", base / wall);
		}
		dh_free(peer);
		buf_free(ppub);
	}
	return 0;
}
