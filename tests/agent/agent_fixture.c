/* A state model with known tunnels, served by the real subagent in the real
 * event loop, for tests/agent/run-snmp-test.sh. Prints "ready" once the
 * subagent runs; "destroy ike N" / "destroy child N" when a SET asks for it;
 * at exit, what the tables' rebuilds took ("rebuilds N cost_us C up_us U");
 * with a REBUILD_SHARE above 0, "rebuilt N cost_us C" as each rebuild is
 * served (C: what that rebuild cost).
 *
 * usage: agent_fixture AGENTX_SOCKET [PING_INTERVAL [TUNNELS [REFRESH_MS
 *     [REBUILD_SHARE]]]]
 * REFRESH_MS: how often it asks for a rebuild, as the daemon after a fold
 * (1000); REBUILD_SHARE: agent_set_rebuild_share (the daemon's default).
 * FIXTURE_COUNTERS=1 in the environment: the kernel's counter readings as
 * the daemon has them (a fold at once, a fold in steps that ends 50 ms
 * later, a reading of some tunnels' SAs), counted, with at exit
 * "counters now N steps N reads N tunnels N". */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/flowmib.h"
#include "common/log.h"
#include "common/loop.h"
#include "state/state.h"

static struct loop_timer *refresh, *step_end;
static unsigned long long n_now, n_steps, n_reads, n_tunnels;
static uint64_t step_start;
static int stepping;

/* the kernel's readings, counted: what the agent asks of them */
static int
fake_fold_now(void)
{
	n_now++;
	st_counters_folded();
	return 0;
}

static void
fake_step_done(void *arg)
{
	(void)arg;
	stepping = 0;
	st_counters_folded_at(step_start);
	st_counters_step_ended();
}

static int
fake_fold_steps(void)
{
	if (stepping)
		return -EBUSY;
	stepping = 1;
	n_steps++;
	step_start = st_now_ms();
	loop_timer_set(step_end, 50);
	return 0;
}

static int
fake_fold_some(const struct st_child *const *kids, size_t n)
{
	n_reads++;
	n_tunnels += n;
	return (int)(2 * n);
}

static int refresh_ms = 1000;
static int say_rebuilds;

static int
ike_destroy(uint32_t index)
{
	if (st_ike_find(index) == NULL)
		return -1;
	printf("destroy ike %u\n", index);
	fflush(stdout);
	st_ike_end(index, ST_TERM_OPER);
	return 0;
}

static int
child_destroy(uint32_t index)
{
	if (st_child_find(index) == NULL)
		return -1;
	printf("destroy child %u\n", index);
	fflush(stdout);
	st_child_end(index, ST_TERM_OPER);
	return 0;
}

static void
tunnel(int n)
{
	char name[32], local[32], remote[32];
	struct st_conn *c;
	struct st_ike *ike;
	struct st_child *ch;
	/* Tunnel 1 has carried more than 4 GiB inbound: Counter32 wraps. */
	struct st_dir_counters in = { .octets = n == 1 ? 5000000000ULL : 10000, .packets = 100 };
	struct st_dir_counters out = { .octets = 20000, .packets = 100 };

	snprintf(name, sizeof(name), "peer%d", n);
	snprintf(local, sizeof(local), "172.16.%d.1", 10 + n % 200);
	snprintf(remote, sizeof(remote), "172.16.%d.2", 10 + n % 200);
	c = st_conn_set(name);
	addr_parse(local, &c->local);
	addr_parse(remote, &c->remote);
	ike = st_ike_new(name, 2, 1);
	ike->local = c->local;
	ike->remote = c->remote;
	ike->local_port = ike->remote_port = 500;
	snprintf(ike->local_id, sizeof(ike->local_id), "%s", local);
	snprintf(ike->remote_id, sizeof(ike->remote_id), "%s", n % 2 ? remote : "gw.example.net");
	ike->local_id_type = ST_ID_ADDR;
	ike->remote_id_type = n % 2 ? ST_ID_ADDR : ST_ID_NAME;
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 2, .integ = 2, .dh = 5 };
	ike->auth_method = 2;
	ike->lifetime = 86400;
	ike->rekey_after = 3247;
	st_ike_counters_set(ike, &(struct st_ike_counters){ .in_pkts = 4, .out_pkts = 4,
	    .in_octets = 1000, .out_octets = 1200 });
	st_ike_established(ike);

	ch = st_child_new(ike->index, name);
	ch->local = c->local;
	ch->remote = c->remote;
	ch->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .integ = 2 };
	ch->life_kb = 4608000;
	ch->life_sec = 3600;
	ch->rekey_sec = 3420;
	ch->nts_local = ch->nts_remote = 1;
	snprintf(local, sizeof(local), "192.168.%d.0/24", n % 250);
	subnet_parse(local, &ch->ts_local[0].net);
	snprintf(remote, sizeof(remote), "10.%d.%d.0/24", n / 250 % 250, n % 250);
	subnet_parse(remote, &ch->ts_remote[0].net);
	st_child_add_sa(ch, ST_SA_IN, 0xc0000000u + 2 * n, IPPROTO_ESP);
	st_child_add_sa(ch, ST_SA_OUT, 0xc8000000u + 2 * n, IPPROTO_ESP);
	st_sa_update(0xc0000000u + 2 * n, ST_SA_IN, &in);
	st_sa_update(0xc8000000u + 2 * n, ST_SA_OUT, &out);
}

static void
on_refresh(void *arg)
{
	static uint64_t seen;

	(void)arg;
	if (say_rebuilds && fm_refresh_count() != seen) {
		seen = fm_refresh_count();
		printf("rebuilt %llu cost_us %llu\n", (unsigned long long)seen,
		    (unsigned long long)fm_refresh_cost_us());
		fflush(stdout);
	}
	agent_refresh_steps();		/* as the daemon after a fold */
	loop_timer_set(refresh, refresh_ms);
}

static void
on_term(int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop();
}

int
main(int argc, char **argv)
{
	int ping = argc > 2 ? atoi(argv[2]) : 1;
	int n = argc > 3 ? atoi(argv[3]) : 3;

	uint64_t t0 = loop_now_us();

	if (argc > 4 && atoi(argv[4]) > 0)
		refresh_ms = atoi(argv[4]);
	if (argc > 5) {
		agent_set_rebuild_share((unsigned)atoi(argv[5]));
		say_rebuilds = atoi(argv[5]) > 0;
	}

	if (argc < 2) {
		fprintf(stderr, "usage: %s AGENTX_SOCKET [PING_INTERVAL [TUNNELS]]\n", argv[0]);
		return 2;
	}
	log_init("agent_fixture", 1, 0);
	log_setlevel(getenv("FIXTURE_DEBUG") ? LOG_DEBUG : LOG_INFO);
	if (loop_init() < 0 || st_init() < 0 || loop_signal(SIGTERM, on_term, NULL) < 0 ||
	    loop_signal(SIGINT, on_term, NULL) < 0)
		return 1;
	for (int i = 1; i <= n; i++)
		tunnel(i);
	/* One ended tunnel and one failure, for the history and failure tables. */
	{
		struct ifl_addr a, b;

		addr_parse("172.16.99.1", &a);
		addr_parse("172.16.99.2", &b);
		st_ike_fail(ST_IKEF_AUTH, "peer1", &a, &b, "AUTHENTICATION_FAILED");
		st_ipsec_fail(ST_IPF_PROPOSAL, 0, 0, &a, &b, "NO_PROPOSAL_CHOSEN");
	}
	agent_set_destroy_handlers(ike_destroy, child_destroy);
	if (agent_init(argv[1], ping) < 0)
		return 1;
	if ((refresh = loop_timer_new(on_refresh, NULL)) == NULL)
		return 1;
	loop_timer_set(refresh, refresh_ms);
	if (getenv("FIXTURE_COUNTERS") != NULL) {
		if ((step_end = loop_timer_new(fake_step_done, NULL)) == NULL)
			return 1;
		st_counters_source(fake_fold_now);
		st_counters_step_source(fake_fold_steps);
		st_counters_some_source(fake_fold_some);
	}
	printf("ready\n");
	fflush(stdout);
	loop_run();
	printf("rebuilds %llu cost_us %llu up_us %llu\n",
	    (unsigned long long)fm_refresh_count(),
	    (unsigned long long)fm_refresh_cost_total_us(),
	    (unsigned long long)(loop_now_us() - t0));
	if (step_end != NULL)
		printf("counters now %llu steps %llu reads %llu tunnels %llu\n",
		    n_now, n_steps, n_reads, n_tunnels);
	fflush(stdout);
	st_counters_some_source(NULL);
	st_counters_step_source(NULL);
	st_counters_source(NULL);
	agent_shutdown();
	loop_timer_free(refresh);
	loop_timer_free(step_end);
	st_free();
	loop_free();
	return 0;
}
