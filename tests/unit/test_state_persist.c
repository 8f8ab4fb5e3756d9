#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "state/state.h"

#define STATE_NAME	"ikeflowd.state"

static char dir[64];
static char path[128];
static char logged[1024];

static time_t
clock_wall(void)
{
	return 1700000000;
}

static void
sink(int prio, const char *line, void *arg)
{
	if (prio <= LOG_ERR)
		snprintf(logged, sizeof(logged), "%s", line);
}

static int
setup(void **unused)
{
	snprintf(dir, sizeof(dir), "/tmp/test_state_persist.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_NAME);
	logged[0] = '\0';
	log_init("test", 0, 0);
	log_set_sink(sink, NULL);
	st_set_clock(NULL, clock_wall);
	return st_init();
}

static int
teardown(void **unused)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	st_free();
	st_set_clock(NULL, NULL);
	log_set_sink(NULL, NULL);
	while (d && (e = readdir(d)) != NULL) {
		char p[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

/* Two ended tunnels with children, and failures of both kinds. */
static void
populate(void)
{
	struct ifl_addr l, r;

	addr_parse("172.16.10.1", &l);
	addr_parse("2001:db8::2", &r);
	for (int i = 0; i < 2; i++) {
		struct st_ike *ike = st_ike_new("ciscoios", 2, 1);
		struct st_child *ch;
		struct st_dir_counters c = { .octets = 10000, .packets = 100 };

		ike->local = l;
		ike->remote = r;
		snprintf(ike->remote_id, sizeof(ike->remote_id), "peer-%d.example", i);
		ike->remote_id_type = ST_ID_NAME;
		ike->algs.encr = 12;
		ike->algs.encr_keylen = 128;
		ike->spi_i = 0x9ffc38791ffef212ULL;
		st_ike_established(ike);
		ch = st_child_new(ike->index, NULL);
		ch->nts_local = 1;
		subnet_parse("192.168.1.0/24", &ch->ts_local[0].net);
		st_child_add_sa(ch, ST_SA_IN, 0xdf405365 + i, IPPROTO_ESP);
		st_child_add_sa(ch, ST_SA_OUT, 0xc0cc116c + i, IPPROTO_ESP);
		st_sa_update(0xc0cc116c + i, ST_SA_OUT, &c);
		st_ike_end(ike->index, i ? ST_TERM_PEER_DEL : ST_TERM_NORMAL);
	}
	st_ike_fail(ST_IKEF_PROPOSAL, "ciscoios", &l, &r, "NO_PROPOSAL_CHOSEN from peer");
	st_ipsec_fail(ST_IPF_IN_AUTH, 0, 0xdeadbeef, &r, &l, "integrity check failed");
}

static void
test_round_trip(void **unused)
{
	const struct st_ike_hist *ih;
	const struct st_child_hist *chh;
	struct st_child_counters t;

	populate();
	assert_int_equal(st_save(dir), 0);
	assert_int_equal(access(path, F_OK), 0);
	st_free();
	st_init();
	assert_null(st_ike_hist_next(0));
	assert_int_equal(st_load(dir), 0);

	ih = st_ike_hist_next(0);
	assert_non_null(ih);
	assert_int_equal(ih->index, 1);
	assert_int_equal(ih->reason, ST_TERM_NORMAL);
	assert_string_equal(ih->ike.conn, "ciscoios");
	assert_string_equal(ih->ike.remote_id, "peer-0.example");
	assert_int_equal(ih->ike.remote_id_type, ST_ID_NAME);
	assert_int_equal(ih->ike.remote.family, AF_INET6);
	assert_int_equal(ih->ike.spi_i, 0x9ffc38791ffef212ULL);
	assert_int_equal(ih->ike.algs.encr_keylen, 128);
	assert_int_equal(ih->ike.start_wall, 1700000000);
	ih = st_ike_hist_next(1);
	assert_non_null(ih);
	assert_int_equal(ih->reason, ST_TERM_PEER_DEL);
	assert_null(st_ike_hist_next(2));

	chh = st_child_hist_next(0);
	assert_non_null(chh);
	assert_int_equal(chh->child.nts_local, 1);
	assert_int_equal(chh->child.ts_local[0].net.plen, 24);
	assert_int_equal(chh->child.nsa, 2);
	assert_int_equal(chh->child.sa[1].spi, 0xc0cc116c);
	st_child_totals(&chh->child, &t);
	assert_int_equal(t.out.packets, 100);
	assert_int_equal(t.out.octets, 10000);

	assert_string_equal(st_ike_fail_next(0)->detail, "NO_PROPOSAL_CHOSEN from peer");
	assert_int_equal(st_ike_fail_next(0)->reason, ST_IKEF_PROPOSAL);
	assert_int_equal(st_ipsec_fail_next(0)->spi, 0xdeadbeef);

	/* indexes continue where the previous run stopped */
	assert_int_equal(st_ike_new("x", 2, 1)->index, 3);
	assert_int_equal(st_child_new(3, NULL)->index, 3);
	assert_int_equal(st_ike_fail(ST_IKEF_OTHER, NULL, NULL, NULL, NULL)->index, 2);
	st_ike_established(st_ike_get(3));
	st_ike_end(3, ST_TERM_NORMAL);
	assert_non_null(st_ike_hist_next(2));
	assert_int_equal(st_ike_hist_next(2)->index, 3);
	assert_string_equal(logged, "");
}

static void
test_index_survives_empty_history(void **unused)
{
	/* tables emptied by size 0 still remember how far the indexes went */
	for (int i = 0; i < 5; i++)
		st_ike_end(st_ike_new("x", 2, 1)->index, ST_TERM_NORMAL);
	st_set_hist_size(0);
	assert_int_equal(st_save(dir), 0);
	st_free();
	st_init();
	assert_int_equal(st_load(dir), 0);
	assert_int_equal(st_ike_new("x", 2, 1)->index, 6);
}

/* Live tunnels restored (another daemon keys them) count for their
 * connection, whether it is there before the load or comes after. */
static void
test_live_tunnel_counts(void **unused)
{
	struct st_dir_counters c = { .octets = 8400, .packets = 100 };
	struct st_ipsec_global g;
	struct st_child *ch;

	st_set_keyed_by("charon");
	st_conn_set("site");
	assert_non_null(st_child_new(0, "site"));
	assert_non_null(ch = st_child_new(0, "site"));
	st_child_add_sa(ch, ST_SA_IN, 0x51, IPPROTO_ESP);
	assert_int_equal(st_sa_update(0x51, ST_SA_IN, &c), 0);
	assert_non_null(st_child_new(0, "other"));
	assert_int_equal(st_save(dir), 0);
	st_free();
	st_init();
	st_set_keyed_by("charon");
	assert_int_equal(st_conn_tunnels(st_conn_set("other")), 0);
	assert_int_equal(st_load(dir), 0);
	assert_int_equal(st_child_count(), 3);
	assert_int_equal(st_conn_tunnels(st_conn_find("other")), 1);
	assert_int_equal(st_conn_tunnels(st_conn_set("site")), 2);
	/* their counters are in the globals again, and go on from there */
	st_ipsec_global(&g);
	assert_int_equal(g.c.in.packets, 100);
	c.packets = 150;
	assert_int_equal(st_sa_update(0x51, ST_SA_IN, &c), 0);
	st_ipsec_global(&g);
	assert_int_equal(g.c.in.packets, 150);
	assert_int_equal(g.c.in.octets, 8400);
	st_set_keyed_by(NULL);
}

static void
test_missing(void **unused)
{
	assert_int_equal(st_load(dir), 0);
	assert_null(st_ike_hist_next(0));
	assert_int_equal(st_ike_new("x", 2, 1)->index, 1);
	assert_string_equal(logged, "");
}

static int
count_aside(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, STATE_NAME ".corrupt-", strlen(STATE_NAME ".corrupt-")) == 0)
			n++;
	closedir(d);
	return n;
}

static unsigned char *
slurp(size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = malloc(1 << 20);

	assert_non_null(f);
	*len = fread(p, 1, 1 << 20, f);
	fclose(f);
	return p;
}

static void
spit(const unsigned char *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fclose(f);
}

/* The file is set aside, the reason logged with the file name, history empty. */
static void
expect_set_aside(const char *why)
{
	assert_int_equal(st_load(dir), 1);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(count_aside(), 1);
	assert_null(st_ike_hist_next(0));
	assert_null(st_ike_fail_next(0));
	assert_non_null(strstr(logged, path));
	assert_non_null(strstr(logged, why));
	/* and the daemon carries on normally */
	assert_non_null(st_ike_new("x", 2, 1));
	assert_int_equal(st_save(dir), 0);
}

static void
test_corrupt(void **unused)
{
	unsigned char *p;
	size_t len;

	populate();
	st_save(dir);
	st_free();
	st_init();
	p = slurp(&len);
	p[len / 2] ^= 0x40;
	spit(p, len);
	free(p);
	expect_set_aside("checksum mismatch");
}

static void
test_truncated(void **unused)
{
	unsigned char *p;
	size_t len;

	populate();
	st_save(dir);
	st_free();
	st_init();
	p = slurp(&len);
	spit(p, len - 100);
	free(p);
	expect_set_aside("truncated");
}

static void
test_garbage(void **unused)
{
	spit((const unsigned char *)"hello", 5);
	expect_set_aside("truncated header");
	st_free();
	st_init();
	unlink(path);
	spit((const unsigned char *)"history=1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", 43);
	assert_int_equal(st_load(dir), 1);
	assert_non_null(strstr(logged, "not an ikeflowd state file"));
}

/* A state file found corrupt at every start leaves at most a few set-aside
 * copies: the newest, what is not ours is left alone. */
static void
test_aside_bounded(void **unused)
{
	char p[256];
	int fd;

	for (int i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), "%s.corrupt-%d", path, 1699999000 + i * 100);
		assert_true((fd = open(p, O_WRONLY | O_CREAT, 0600)) >= 0);
		close(fd);
	}
	snprintf(p, sizeof(p), "%s.corrupt-notes", path);
	assert_true((fd = open(p, O_WRONLY | O_CREAT, 0600)) >= 0);
	close(fd);
	spit((const unsigned char *)"hello", 5);
	assert_int_equal(st_load(dir), 1);
	assert_int_equal(count_aside(), 5 + 1);
	snprintf(p, sizeof(p), "%s.corrupt-1700000000", path);	/* just set aside */
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s.corrupt-1699999400", path);	/* 5th newest */
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s.corrupt-1699999300", path);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s.corrupt-notes", path);
	assert_int_equal(access(p, F_OK), 0);
}

static void
test_wrong_version(void **unused)
{
	unsigned char *p, sum[32];
	unsigned int slen;
	size_t len;

	populate();
	st_save(dir);
	st_free();
	st_init();
	p = slurp(&len);
	p[11] = 9;	/* version 9, with a valid checksum so only the version is wrong */
	assert_int_equal(EVP_Digest(p, len - 32, sum, &slen, EVP_sha256(), NULL), 1);
	memcpy(p + len - 32, sum, 32);
	spit(p, len);
	free(p);
	expect_set_aside("version 9, expected 1 to 2");
}

static void
test_bad_field(void **unused)
{
	unsigned char *p, sum[32];
	unsigned int slen;
	size_t len;

	/* one IKE history record, then the end reason made invalid: the checksum
	 * is right, the content is not */
	st_ike_end(st_ike_new("x", 2, 1)->index, ST_TERM_NORMAL);
	st_ike_established(st_ike_new("x", 2, 1));
	st_ike_end(2, ST_TERM_NORMAL);
	st_save(dir);
	st_free();
	st_init();
	p = slurp(&len);
	/* header 16, next indexes 24, count 4, index 4: the reason's last byte */
	assert_int_equal(p[16 + 24 + 4 + 4 + 3], ST_TERM_NORMAL);
	p[16 + 24 + 4 + 4 + 3] = 99;
	assert_int_equal(EVP_Digest(p, len - 32, sum, &slen, EVP_sha256(), NULL), 1);
	memcpy(p + len - 32, sum, 32);
	spit(p, len);
	free(p);
	expect_set_aside("bad end reason");
}

/* A file written by format version 1 stays readable: the encoding must not
 * change without a new version number. */
static void
test_v1_fixture(void **unused)
{
	const struct st_ike_hist *ih;
	const struct st_child_hist *chh;
	const struct st_ike_failrec *f;
	const struct st_ipsec_failrec *pf;
	struct st_child_counters t;
	FILE *in = fopen(TEST_SRCDIR "/unit/data/state/v1.state", "rb");
	unsigned char p[4096];
	size_t len;

	assert_non_null(in);
	len = fread(p, 1, sizeof(p), in);
	fclose(in);
	spit(p, len);
	assert_int_equal(st_load(dir), 0);

	ih = st_ike_hist_next(0);
	assert_non_null(ih);
	assert_int_equal(ih->index, 1);
	assert_int_equal(ih->reason, ST_TERM_PEER_DEL);
	assert_int_equal(ih->active_ms, 152000);
	assert_string_equal(ih->ike.conn, "ciscoios");
	assert_string_equal(ih->ike.local_id, "172.16.10.1");
	assert_int_equal(ih->ike.remote_port, 500);
	assert_int_equal(ih->ike.spi_r, 0x6CDC17F5B0B10C1AULL);
	assert_int_equal(ih->ike.algs.dh, 5);
	assert_int_equal(ih->ike.lifetime, 86400);
	assert_int_equal(ih->ike.start_wall, 1369422850);

	chh = st_child_hist_next(0);
	assert_non_null(chh);
	assert_int_equal(chh->reason, ST_TERM_PEER_DEL);
	assert_int_equal(chh->child.life_kb, 4608000);
	assert_int_equal(chh->child.reqid, 2);
	assert_int_equal(chh->child.sa[0].spi, 0xDF405365);
	assert_int_equal(chh->child.sa[1].dir, ST_SA_OUT);
	st_child_totals(&chh->child, &t);
	assert_int_equal(t.in.packets, 100);
	assert_int_equal(t.out.octets, 10000);

	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_int_equal(f->reason, ST_IKEF_AUTH);
	assert_string_equal(f->detail, "AUTHENTICATION_FAILED from peer");
	pf = st_ipsec_fail_next(0);
	assert_non_null(pf);
	assert_int_equal(pf->spi, 0x12345678);
	assert_int_equal(pf->reason, ST_IPF_NO_SA);

	assert_int_equal(st_ike_new("x", 2, 1)->index, 2);
	assert_int_equal(st_child_new(2, NULL)->index, 2);
}

/* A save that fails is logged with the path, once while it lasts, told by
 * st_save_error, and the next save that works says so and clears it. */
static void
test_unwritable(void **unused)
{
	char bad[160];

	snprintf(bad, sizeof(bad), "%s/no/such/dir", dir);
	assert_int_equal(st_save(bad), -1);
	assert_non_null(strstr(logged, bad));
	assert_non_null(st_save_error());
	assert_non_null(strstr(st_save_error(), bad));
	logged[0] = '\0';
	assert_int_equal(st_save(bad), -1);
	assert_string_equal(logged, "");
	assert_int_equal(st_save(dir), 0);
	assert_null(st_save_error());
	assert_int_equal(st_save(bad), -1);
	assert_non_null(strstr(logged, bad));
	assert_int_equal(st_save(dir), 0);
}

/* A running daemon's save puts the counters ahead: killed before its next
 * save, it starts past every index it handed out; a clean stop's save
 * keeps them exact. */
static void
test_save_ahead(void **unused)
{
	for (int i = 0; i < 5; i++)
		st_ike_end(st_ike_new("x", 2, 1)->index, ST_TERM_NORMAL);
	assert_int_equal(st_save_ahead(dir, 100), 0);
	/* taken after the save, then the daemon dies */
	assert_int_equal(st_ike_new("x", 2, 1)->index, 6);
	st_free();
	st_init();
	assert_int_equal(st_load(dir), 0);
	assert_int_equal(st_ike_new("x", 2, 1)->index, 106);
	assert_int_equal(st_save(dir), 0);
	st_free();
	st_init();
	assert_int_equal(st_load(dir), 0);
	assert_int_equal(st_ike_new("x", 2, 1)->index, 107);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_survives_empty_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_tunnel_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_ahead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aside_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v1_fixture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
