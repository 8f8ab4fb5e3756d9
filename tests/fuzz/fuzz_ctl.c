/* libFuzzer target: control-socket requests, one per line of the input,
 * through ctl_dispatch (word splitting, prefix matching, suggestions, help)
 * into the show crypto views over a state model holding live and ended
 * tunnels (IPv4 and IPv6), counters and failure records. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "state/state.h"

#define FUZZ_CHECK(x)	do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
clock_ms(void)
{
	return 5000000;
}

static time_t
clock_wall(void)
{
	return 1369422850;
}

static void
tunnel(const char *conn, const char *local, const char *remote, const char *lnet,
    const char *rnet, uint32_t spi, int end)
{
	struct st_conn *c = st_conn_set(conn);
	struct st_dir_counters dc = { .octets = 10000, .packets = 100 };
	struct st_ike *ike;
	struct st_child *ch;

	c->auto_mode = 1;
	addr_parse(local, &c->local);
	addr_parse(remote, &c->remote);
	ike = st_ike_new(conn, 2, 1);
	ike->local = c->local;
	ike->remote = c->remote;
	ike->local_port = ike->remote_port = 500;
	snprintf(ike->local_id, sizeof(ike->local_id), "%s", local);
	snprintf(ike->remote_id, sizeof(ike->remote_id), "%s", remote);
	ike->local_id_type = ike->remote_id_type = ST_ID_ADDR;
	ike->spi_i = 0x9FFC38791FFEF212ULL + spi;
	ike->spi_r = 0x6CDC17F5B0B10C1AULL;
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 2,
	    .integ = 2, .dh = 5 };
	ike->lifetime = 86400;
	st_ike_established(ike);
	ch = st_child_new(ike->index, NULL);
	ch->algs = (struct st_algs){ .encr = 20, .encr_keylen = 256 };
	ch->life_sec = 3600;
	ch->nts_local = ch->nts_remote = 1;
	subnet_parse(lnet, &ch->ts_local[0].net);
	subnet_parse(rnet, &ch->ts_remote[0].net);
	FUZZ_CHECK(st_child_add_sa(ch, ST_SA_IN, spi, IPPROTO_ESP) == 0);
	FUZZ_CHECK(st_child_add_sa(ch, ST_SA_OUT, spi + 1, IPPROTO_ESP) == 0);
	FUZZ_CHECK(st_sa_update(spi, ST_SA_IN, &dc) == 0);
	FUZZ_CHECK(st_sa_update(spi + 1, ST_SA_OUT, &dc) == 0);
	if (end)
		st_ike_end(ike->index, ST_TERM_PEER_DEL);
}

static int
echo_args(int argc, char **argv, struct buf *out, void *arg)
{
	(void)arg;
	for (int i = 0; i < argc; i++)
		buf_printf(out, "%s\n", argv[i]);
	return argc > 2 ? -1 : 0;
}

static void
init(void)
{
	struct ifl_addr a, b;

	log_init("fuzz", 0, 0);
	st_set_clock(clock_ms, clock_wall);
	FUZZ_CHECK(st_init() == 0);
	show_crypto_register();
	/* neighbours of the real prefixes, for matching and suggestions */
	FUZZ_CHECK(ctl_register("show crypto ikev2 stats", "show crypto ikev2 stats",
	    "test", echo_args, NULL) == 0);
	FUZZ_CHECK(ctl_register("clear crypto sa", "clear crypto sa [peer ADDR]", "test",
	    echo_args, NULL) == 0);
	tunnel("ciscoios", "172.16.10.1", "172.16.10.2", "192.168.1.0/24",
	    "192.168.2.0/24", 0xDF405365, 0);
	tunnel("v6", "2001:db8::1", "2001:db8::2", "2001:db8:1::/64", "2001:db8:2::/64",
	    0x1000, 0);
	tunnel("gone", "172.16.10.1", "172.16.10.3", "10.0.0.0/8", "10.1.0.0/16",
	    0x2000, 1);
	addr_parse("172.16.10.1", &a);
	addr_parse("172.16.10.9", &b);
	st_ike_fail(ST_IKEF_PROPOSAL, "ciscoios", &a, &b, "NO_PROPOSAL_CHOSEN from peer");
	st_ipsec_fail(ST_IPF_IN_AUTH, 0, 0xdeadbeef, &b, &a, "integrity check failed");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *text, *line, *save = NULL;
	struct buf *out;
	int n = 0;

	if (!ready) {
		init();
		ready = 1;
	}
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line && n < 16;
	    line = strtok_r(NULL, "\n", &save), n++) {
		int rc;

		if ((out = buf_new(0)) == NULL)
			break;
		rc = ctl_dispatch(line, out);
		FUZZ_CHECK(rc == 0 || rc == -1);
		/* every answer says something, an error above all */
		FUZZ_CHECK(rc == 0 || out->len > 0);
		buf_free(out);
	}
	free(text);
	return 0;
}
