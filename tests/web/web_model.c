/* The web tests' state model (see web_model.h). */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "state/state.h"
#include "tests/web/web_model.h"

static struct st_child *
tunnel(const char *name, const char *local, const char *remote, const char *rid,
    uint32_t spi, uint64_t pkts)
{
	struct st_conn *c = st_conn_set(name);
	struct st_ike *ike;
	struct st_child *ch;
	struct st_dir_counters in = { .octets = pkts * 84, .packets = pkts, .replay_drops = 1,
	    .auth_fails = 2 };
	struct st_dir_counters out = { .octets = pkts * 84, .packets = pkts };

	c->ike_version = 2;
	addr_parse(local, &c->local);
	addr_parse(remote, &c->remote);
	ike = st_ike_new(name, 2, 1);
	ike->local = c->local;
	ike->remote = c->remote;
	ike->local_port = ike->remote_port = 500;
	ike->local_id_type = ST_ID_ADDR;
	snprintf(ike->local_id, sizeof(ike->local_id), "%s", local);
	ike->remote_id_type = ST_ID_NAME;
	snprintf(ike->remote_id, sizeof(ike->remote_id), "%s", rid);
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 2, .integ = 2,
	    .dh = 14 };
	st_ike_established(ike);
	c->ike_index = ike->index;
	ch = st_child_new(ike->index, name);
	ch->local = ike->local;
	ch->remote = ike->remote;
	ch->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .integ = 2 };
	ch->life_sec = 3600;
	ch->life_kb = 4608000;
	ch->rekey_sec = 3240;
	ch->nts_local = ch->nts_remote = 1;
	subnet_parse("10.1.0.0/16", &ch->ts_local[0].net);
	subnet_parse("10.2.0.0/16", &ch->ts_remote[0].net);
	st_child_add_sa(ch, ST_SA_IN, spi, IPPROTO_ESP);
	st_child_add_sa(ch, ST_SA_OUT, spi + 1, IPPROTO_ESP);
	st_sa_update(spi, ST_SA_IN, &in);
	st_sa_update(spi + 1, ST_SA_OUT, &out);
	return ch;
}

uint32_t
web_model_build(int n)
{
	struct st_child *h, *gone;
	struct st_conn *c;
	struct ifl_addr a, b;
	uint32_t idx, ike_idx;

	h = tunnel(HOSTILE_NAME, "192.0.2.1", "192.0.2.2", HOSTILE_ID, 0xc0000100, 100);
	idx = h->index;
	for (int i = 1; i <= n; i++) {
		char name[32], local[32], remote[32];

		snprintf(name, sizeof(name), "peer%d", i);
		snprintf(local, sizeof(local), "172.16.%d.%d", i / 250, i % 250 + 1);
		snprintf(remote, sizeof(remote), "172.17.%d.%d", i / 250, i % 250 + 1);
		tunnel(name, local, remote, remote, 0xc1000000 + 2 * (uint32_t)i,
		    (uint64_t)i * 10);
	}
	/* a tunnel that ended: its connection shows the reason */
	gone = tunnel("gone\"conn", "198.51.100.1", "198.51.100.2", "198.51.100.2",
	    0xc0000200, 5);
	ike_idx = gone->ike_index;
	st_child_end(gone->index, ST_TERM_PEER_DEL);
	st_ike_end(ike_idx, ST_TERM_PEER_DEL);
	/* configured, never up, an authentication failure (hostile detail) */
	c = st_conn_set("never<b>");
	c->ike_version = 2;
	addr_parse("203.0.113.1", &c->local);
	addr_parse("203.0.113.9", &c->remote);
	addr_parse("203.0.113.1", &a);
	addr_parse("203.0.113.9", &b);
	st_ike_fail(ST_IKEF_AUTH, "never<b>", &a, &b, "AUTHENTICATION_FAILED <i>x</i>");
	st_ipsec_fail(ST_IPF_IN_AUTH, idx, 0xc0000100, &b, &a, "ICV \"bad\"");
	return idx;
}
