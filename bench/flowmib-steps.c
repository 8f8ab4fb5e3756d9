/* The flow MIB's rebuild in steps at N tunnels: how long the longest step
 * holds the event loop, the install included. The agent rebuilds after
 * every change of the tunnels, in steps of AGENT's budget; a step that
 * outlasts it is a stall of everything else on the loop (IKE, the web
 * server). Each round ends one tunnel and sets up another (rows came and
 * went: every key of the changed tables is made again) and rebuilds.
 *
 * usage: flowmib-steps [-b BUDGET_US] [-r ROUNDS] [N...]   (5000 us; 5; 10000)
 * Prints per N: the first build at once, then per round the rebuild's
 * total, steps and longest step, in ms of CPU time. The steps end by the
 * wall clock (the agent's budget), so a preempted step is shorter in CPU;
 * one longer than the budget is the work that cannot be split. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/flowmib.h"
#include "common/addr.h"
#include "state/state.h"

/* CPU time of this thread: what a step costs, whatever else the machine
 * runs (a busy host's preemption would pass for a long step) */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static struct st_child *
tunnel(int i, uint32_t spi)
{
	char conn[32];
	struct st_conn *c;
	struct st_ike *ike;
	struct st_child *ch;
	struct st_dir_counters d = { .octets = 1000, .packets = 10 };

	snprintf(conn, sizeof(conn), "t%d", i);
	c = st_conn_set(conn);
	c->local.family = c->remote.family = AF_INET;
	c->local.u.v4.s_addr = htonl(0xc0000202);
	c->remote.u.v4.s_addr = htonl(0x0a000000u + (uint32_t)i);
	ike = st_ike_new(conn, 2, 0);
	ike->local = c->local;
	ike->remote = c->remote;
	ike->remote_id_type = ST_ID_NAME;
	snprintf(ike->remote_id, sizeof(ike->remote_id), "i%d", i);
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 5,
	    .integ = 12, .dh = 19 };
	st_ike_established(ike);
	ch = st_child_new(ike->index, conn);
	ch->local = ike->local;
	ch->remote = ike->remote;
	ch->nts_local = ch->nts_remote = 1;
	subnet_parse("10.2.0.0/16", &ch->ts_local[0].net);
	subnet_parse("10.1.0.0/16", &ch->ts_remote[0].net);
	if (st_child_add_sa(ch, ST_SA_IN, spi, IPPROTO_ESP) < 0 ||
	    st_child_add_sa(ch, ST_SA_OUT, spi + 1, IPPROTO_ESP) < 0 ||
	    st_sa_update(spi, ST_SA_IN, &d) < 0) {
		fprintf(stderr, "flowmib-steps: cannot make tunnel %d\n", i);
		exit(1);
	}
	return ch;
}

int
main(int argc, char **argv)
{
	int opt, rounds = 5;
	uint32_t budget = 5000;

	while ((opt = getopt(argc, argv, "b:r:")) != -1) {
		switch (opt) {
		case 'b': budget = (uint32_t)atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: flowmib-steps [-b BUDGET_US] [-r ROUNDS] [N...]\n");
			return 2;
		}
	}
	for (int a = optind; a < argc || a == optind; a++) {
		int n = a < argc ? atoi(argv[a]) : 10000;
		netsnmp_container *cs[FM_T_COUNT];
		uint32_t first = 0, spi = 0xc0000000;
		double t0;

		if (st_init() < 0)
			return 1;
		fm_init();
		/* containers as the agent registers them (a binary array each) */
		for (int i = 0; i < FM_T_COUNT; i++) {
			cs[i] = netsnmp_container_get_binary_array();
			cs[i]->compare = netsnmp_compare_netsnmp_index;
			fm_tables[i].c = cs[i];
		}
		for (int i = 0; i < n; i++, spi += 2) {
			struct st_child *ch = tunnel(i, spi);

			if (first == 0)
				first = ch->index;
		}
		t0 = now_ms();
		if (fm_refresh() < 0)
			return 1;
		printf("%d tunnels: first build at once %.1f ms\n", n, now_ms() - t0);
		for (int r = 0; r < rounds; r++, spi += 2) {
			double start, longest = 0;
			int steps = 0, done = 0;

			st_child_end(first + (uint32_t)r, ST_TERM_PEER_DEL);
			tunnel(n + r, spi);
			start = now_ms();
			if (fm_refresh_start() < 0)
				return 1;
			while (!done) {
				double s = now_ms();

				done = fm_refresh_step(budget);
				if (done < 0)
					return 1;
				if (now_ms() - s > longest)
					longest = now_ms() - s;
				steps++;
			}
			printf("  round %d: rebuild %.1f ms in %d steps of %u us, longest step %.2f ms\n",
			    r + 1, now_ms() - start, steps, budget, longest);
		}
		fm_free();
		for (int i = 0; i < FM_T_COUNT; i++) {
			fm_tables[i].c = NULL;
			CONTAINER_FREE(cs[i]);
		}
		st_free();
	}
	return 0;
}
