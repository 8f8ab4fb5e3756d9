/* The agent benchmark in the test bed (bench/agent-bed.sh) runs ikeflowd's
 * own main (daemon/ikeflowd.c) with this module list: the real xfrm, IKE and
 * agent modules, plus "bench-rows" between IKE and the agent. At start it
 * installs BENCH_TUNNELS SA pairs with their in/out/fwd policies in the
 * kernel through kernel/xfrm.h and enters an established IKE SA and a child
 * holding those SPIs for each into the state model, so the xfrm refresh folds
 * real kernel counters into them and the agent serves them like negotiated
 * tunnels. They are no configured connections (a reload leaves them be).
 * The xfrm module removes the SAs and policies again at shutdown. The web
 * module serves them too when http_listen is set (bench/web-bed.sh).
 *
 * Environment: BENCH_TUNNELS (default 9999), BENCH_LOCAL (our outer address,
 * default 192.0.2.2). Peers are 198.18.0.0/15 (RFC 2544 benchmarking range),
 * protected subnets 10.0.0.0/8 pairs; SPIs and reqids stay out of the ranges
 * the IKE module allocates from. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/addr.h"
#include "common/buf.h"
#include "common/log.h"
#include "daemon/daemon.h"
#include "kernel/xfrm.h"
#include "state/state.h"

#define BENCH_SPI_IN	0xd0000000u
#define BENCH_SPI_OUT	0xd8000000u
#define BENCH_REQID	0x100000u
#define BENCH_MAX	(128 * 256 - 1)

extern const struct daemon_module xfrm_module;
extern const struct daemon_module ike_module;
extern const struct daemon_module agent_module;
extern const struct daemon_module web_module;

struct bench_tunnel {
	char		name[32];
	struct ifl_addr	local, remote;
	struct ifl_subnet lnet, rnet;
	uint32_t	spi_in, spi_out, reqid;
};

static void
bench_tunnel_fill(struct bench_tunnel *t, const struct ifl_addr *local, int i)
{
	char s[48];

	snprintf(t->name, sizeof(t->name), "bench-%d", i);
	t->local = *local;
	snprintf(s, sizeof(s), "198.%d.%d.%d", 18 + i / 65536, i / 256 % 256, i % 256);
	addr_parse(s, &t->remote);
	/* i < BENCH_MAX: the two sides' /24s never overlap */
	snprintf(s, sizeof(s), "10.%d.%d.0/24", i / 256, i % 256);
	subnet_parse(s, &t->lnet);
	snprintf(s, sizeof(s), "10.%d.%d.0/24", 128 + i / 256, i % 256);
	subnet_parse(s, &t->rnet);
	t->spi_in = BENCH_SPI_IN + i;
	t->spi_out = BENCH_SPI_OUT + i;
	t->reqid = BENCH_REQID + i;
}

static int
bench_sa(const struct bench_tunnel *t, enum st_sa_dir dir)
{
	uint8_t ek[16], ak[20];
	struct xfrm_sa_cfg sa;
	int rc;

	if (getrandom(ek, sizeof(ek), 0) != sizeof(ek) ||
	    getrandom(ak, sizeof(ak), 0) != sizeof(ak))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.src = dir == ST_SA_IN ? t->remote : t->local;
	sa.dst = dir == ST_SA_IN ? t->local : t->remote;
	sa.spi = dir == ST_SA_IN ? t->spi_in : t->spi_out;
	sa.proto = IPPROTO_ESP;
	sa.dir = dir;
	sa.reqid = t->reqid;
	sa.encr = 12;
	sa.encr_keylen = 128;
	sa.integ = 2;
	sa.encr_key = ek;
	sa.encr_key_len = sizeof(ek);
	sa.integ_key = ak;
	sa.integ_key_len = sizeof(ak);
	sa.hard_sec = 3600;
	sa.soft_sec = 3420;
	rc = xfrm_sa_add(&sa);
	wipe(ek, sizeof(ek));
	wipe(ak, sizeof(ak));
	return rc;
}

static int
bench_policies(const struct bench_tunnel *t)
{
	static const enum xfrm_pol_dir dirs[] = { IFL_XFRM_OUT, IFL_XFRM_IN, IFL_XFRM_FWD };
	struct xfrm_pol_cfg p;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		int out = dirs[d] == IFL_XFRM_OUT;

		memset(&p, 0, sizeof(p));
		p.dir = dirs[d];
		p.src = out ? t->lnet : t->rnet;
		p.dst = out ? t->rnet : t->lnet;
		p.tmpl_src = out ? t->local : t->remote;
		p.tmpl_dst = out ? t->remote : t->local;
		p.tmpl_proto = IPPROTO_ESP;
		p.reqid = t->reqid;
		if (xfrm_policy_add(&p) < 0)
			return -1;
	}
	return 0;
}

static void
bench_rows(const struct bench_tunnel *t, int i)
{
	struct st_ike *ike;
	struct st_child *ch;
	uint64_t spis[2];

	if (getrandom(spis, sizeof(spis), 0) != sizeof(spis))
		spis[0] = spis[1] = 0x0123456789abcdefULL + i;
	ike = st_ike_new(t->name, 2, 0);
	ike->local = t->local;
	ike->remote = t->remote;
	ike->local_port = ike->remote_port = 500;
	addr_str(&t->local, ike->local_id, sizeof(ike->local_id));
	addr_str(&t->remote, ike->remote_id, sizeof(ike->remote_id));
	ike->local_id_type = ike->remote_id_type = ST_ID_ADDR;
	ike->spi_i = spis[0];
	ike->spi_r = spis[1];
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 2, .integ = 2, .dh = 5 };
	ike->auth_method = 2;
	ike->lifetime = 86400;
	ike->rekey_after = 86400 - 180;
	st_ike_established(ike);

	ch = st_child_new(ike->index, t->name);
	ch->local = t->local;
	ch->remote = t->remote;
	ch->reqid = t->reqid;
	ch->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .integ = 2 };
	ch->life_kb = 4608000;
	ch->life_sec = 3600;
	ch->rekey_sec = 3420;
	ch->nts_local = ch->nts_remote = 1;
	ch->ts_local[0].net = t->lnet;
	ch->ts_remote[0].net = t->rnet;
	st_child_add_sa(ch, ST_SA_IN, t->spi_in, IPPROTO_ESP);
	st_child_add_sa(ch, ST_SA_OUT, t->spi_out, IPPROTO_ESP);
}

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
bench_init(const struct ifl_config *cfg)
{
	const char *s = getenv("BENCH_TUNNELS");
	const char *l = getenv("BENCH_LOCAL");
	struct bench_tunnel t;
	struct ifl_addr local;
	int n = s ? atoi(s) : 9999;
	double t0 = mono_s();

	(void)cfg;
	if (n < 0 || n > BENCH_MAX || addr_parse(l ? l : "192.0.2.2", &local) < 0) {
		log_err("%s: BENCH_TUNNELS 0..%d and BENCH_LOCAL an address", __func__, BENCH_MAX);
		return -1;
	}
	for (int i = 1; i <= n; i++) {
		bench_tunnel_fill(&t, &local, i);
		if (bench_sa(&t, ST_SA_IN) < 0 || bench_sa(&t, ST_SA_OUT) < 0 ||
		    bench_policies(&t) < 0) {
			log_err("%s: tunnel %d (%s) not installed", __func__, i, t.name);
			return -1;
		}
		bench_rows(&t, i);
	}
	log_notice("bench: %d tunnels installed (%d SAs, %d policies) in %.1f s",
	    n, 2 * n, 3 * n, mono_s() - t0);
	return 0;
}

static const struct daemon_module bench_module = {
	.name = "bench-rows",
	.init = bench_init,
};

/* Replaces daemon/modules.c's list in this program only. */
const struct daemon_module *const daemon_modules[] = {
	&xfrm_module,
	&ike_module,
	&bench_module,
	&agent_module,
	&web_module,		/* off unless http_listen is set (bench/web-bed.sh) */
	NULL
};
