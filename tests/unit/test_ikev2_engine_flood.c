/* The responder under an IKE_SA_INIT flood: stateless cookies once the
 * half-open SAs pass cookie_threshold (or cookie_threshold_ip for one
 * address), silent drops over block_threshold and half_open_max,
 * half-open SAs timing out, and a legitimate initiator still getting its
 * tunnel. The flood is a real IKE_SA_INIT of the initiator engine,
 * replayed with fresh SPIs from many addresses. */
#include "test_ikev2_engine_env.h"

#define ADDR_I	"172.16.10.1"
#define ADDR_R	"172.16.10.2"

static const char secrets[] = "172.16.10.2 172.16.10.1 : PSK \"cisco\"\n";

/* the responder's right=: any peer, or only the real initiator */
static const char *resp_right = "%any";

static const char *
conn_text(int initiator)
{
	static char buf[2][1024];
	char *b = buf[initiator ? 0 : 1];

	/* the responder's connection takes any peer: the flood's addresses
	 * find it as the real one does */
	snprintf(b, 1024,
	    "conn flood\n"
	    "\tleft=%s\n\tleftsubnet=%s\n\tleftid=%s\n"
	    "\tright=%s\n\trightsubnet=%s\n\trightid=%s\n"
	    "\tkeyexchange=ikev2\n\tauthby=secret\n\tkeyingtries=1\n\tauto=add\n"
	    "\tike=aes128-sha256-ecp256!\n\tesp=aes128gcm16!\n",
	    initiator ? ADDR_I : ADDR_R,
	    initiator ? "192.168.1.0/24" : "192.168.2.0/24",
	    initiator ? ADDR_I : ADDR_R,
	    initiator ? ADDR_R : resp_right,
	    initiator ? "192.168.2.0/24" : "192.168.1.0/24",
	    initiator ? ADDR_R : ADDR_I);
	return b;
}

static struct ike_tuning tun_i, tun_r;
static uint8_t init_pkt[4096];
static size_t init_len;

static void
sides_up(void)
{
	ike_tuning_defaults(&tun_i);
	tun_i.retrans_timeout = 0.05;
	tun_i.retrans_tries = 3;
	t_side_up(&side_i, ADDR_I, 0xc1000001u, conn_text(1), secrets, &tun_i);
	t_side_up(&side_r, ADDR_R, 0xc2000001u, conn_text(0), secrets, &tun_r);
}

/* One real IKE_SA_INIT of the initiator, kept for replaying. */
static void
capture_init(void)
{
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	assert_int_equal(nqueue, 1);
	assert_int_equal(pkt_exch(queue[0]->data), IKEV2_EXCH_IKE_SA_INIT);
	init_len = queue[0]->len;
	memcpy(init_pkt, queue[0]->data, init_len);
	drain();
	/* the initiator forgets that attempt */
	assert_int_equal(ikev2_terminate(side_i.eng, "flood"), 1);
	drain();
}

/* The n-th flood request: its own SPI, from 198.18.0.0/15 (or from one
 * address when same_src). What the responder answers is thrown away. */
static void
flood_one(uint32_t n, int same_src)
{
	struct ifl_addr src;
	char a[32];
	uint32_t k = same_src ? 7 : n;

	snprintf(a, sizeof(a), "198.%u.%u.%u", 18 + (k >> 16 & 1), k >> 8 & 0xff,
	    (k & 0xff) ? k & 0xff : 1);
	if ((k & 0xff) == 0)
		snprintf(a, sizeof(a), "198.%u.%u.254", 18 + (k >> 16 & 1), k >> 8 & 0xff);
	assert_int_equal(addr_parse(a, &src), 0);
	init_pkt[0] = 0x5a;
	init_pkt[4] = (uint8_t)(n >> 24);
	init_pkt[5] = (uint8_t)(n >> 16);
	init_pkt[6] = (uint8_t)(n >> 8);
	init_pkt[7] = (uint8_t)n;
	ikev2_input(side_r.eng, &src, 500, &side_r.addr, 500, init_pkt, init_len);
	drain();
}

static void
assert_legit_up(void)
{
	const struct st_ike *ike;
	int up = 0;

	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	pump();
	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		up += ike->state == ST_IKE_ESTABLISHED;
	assert_int_equal(up, 2);
	assert_int_equal(live_children(&side_i), 1);
	assert_int_equal(live_children(&side_r), 1);
}

static void
test_flood_cookies(void **state)
{
	struct ikev2_engine_stats st;
	uint32_t n;

	(void)state;
	ike_tuning_defaults(&tun_r);
	tun_r.cookie_threshold = 30;
	tun_r.half_open_timeout = 1;
	sides_up();
	capture_init();
	/* 10,000 IKE_SA_INITs from as many addresses: state for the first
	 * 30, a COOKIE (no state) for every other */
	for (n = 1; n <= 10000; n++)
		flood_one(n, 0);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 30);
	assert_int_equal(st.sas, 30);
	assert_int_equal(st.cookies, 10000 - 30);
	assert_int_equal(st.init_refused, 0);
	/* a real initiator answers the COOKIE and gets its tunnel: two
	 * IKE_SA_INIT answers, the COOKIE and the real one */
	n = (uint32_t)side_r.sent_resp[IKEV2_EXCH_IKE_SA_INIT - 32];
	assert_int_equal(n, 10000);
	assert_legit_up();
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_IKE_SA_INIT - 32], (int)n + 2);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 30);
	assert_int_equal(st.cookies, 10000 - 30 + 1);
	/* the flood's half-open SAs time out; the tunnel stays */
	run_for(1300);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 0);
	assert_int_equal(st.sas, 1);
	assert_int_equal(st_ike_active_count(), 2);
	/* and with the load gone, no more cookies */
	flood_one(20000, 0);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 1);
	assert_int_equal(st.cookies, 10000 - 30 + 1);
}

static void
test_flood_per_address(void **state)
{
	struct ikev2_engine_stats st;
	uint32_t n;

	(void)state;
	/* cookies for a fourth half-open SA of one address, even though the
	 * global count is low */
	ike_tuning_defaults(&tun_r);
	tun_r.cookie_threshold = 1000;
	tun_r.cookie_threshold_ip = 3;
	tun_r.block_threshold = 0;
	sides_up();
	capture_init();
	for (n = 1; n <= 10; n++)
		flood_one(n, 1);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 3);
	assert_int_equal(st.cookies, 7);
	/* another address is not affected */
	flood_one(100, 0);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 4);
	assert_int_equal(st.cookies, 7);
	assert_legit_up();
	assert_int_equal(st.cookies, 7);	/* ours had no half-open SA */
}

static void
test_flood_block(void **state)
{
	struct ikev2_engine_stats st;
	uint32_t n;

	(void)state;
	/* without cookies: one address gets block_threshold half-open SAs,
	 * then silence */
	ike_tuning_defaults(&tun_r);
	tun_r.cookie_threshold = 0;
	tun_r.cookie_threshold_ip = 0;
	tun_r.block_threshold = 5;
	sides_up();
	capture_init();
	for (n = 1; n <= 20; n++)
		flood_one(n, 1);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 5);
	assert_int_equal(st.init_refused, 15);
	assert_int_equal(st.cookies, 0);
	assert_legit_up();
}

static void
test_flood_cap(void **state)
{
	struct ikev2_engine_stats st;
	uint32_t n;

	(void)state;
	/* no cookies at all: half_open_max is the last word on memory */
	ike_tuning_defaults(&tun_r);
	tun_r.cookie_threshold = 0;
	tun_r.cookie_threshold_ip = 0;
	tun_r.half_open_max = 50;
	tun_r.half_open_timeout = 1;
	sides_up();
	capture_init();
	for (n = 1; n <= 300; n++)
		flood_one(n, 0);
	ikev2_engine_stats(side_r.eng, &st);
	/* a tenth of the cap is kept for configured peers (right= an address) */
	assert_int_equal(st.half_open, 45);
	assert_int_equal(st.sas, 45);
	assert_int_equal(st.init_refused, 255);
	/* full: even the real peer waits until the half-open SAs expire, and
	 * its retransmits (keyingtries) carry it through */
	run_for(1300);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 0);
	assert_legit_up();
}

static void
test_flood_reserve(void **state)
{
	static char conns[2048];
	struct ikev2_engine_stats st;
	uint32_t n;

	(void)state;
	/* the flood matches a connection for any peer and fills what it may
	 * of half_open_max; the real peer, configured by its address, comes
	 * up at once in the part kept for such peers */
	ike_tuning_defaults(&tun_r);
	tun_r.cookie_threshold = 0;
	tun_r.cookie_threshold_ip = 0;
	tun_r.half_open_max = 50;
	ike_tuning_defaults(&tun_i);
	tun_i.retrans_timeout = 0.05;
	tun_i.retrans_tries = 3;
	resp_right = ADDR_I;
	snprintf(conns, sizeof(conns), "%s", conn_text(0));
	resp_right = "%any";
	snprintf(conns + strlen(conns), sizeof(conns) - strlen(conns), "%s",
	    conn_text(0));
	memcpy(strstr(conns + 10, "conn flood"), "conn anyon", 10);
	t_side_up(&side_i, ADDR_I, 0xc1000001u, conn_text(1), secrets, &tun_i);
	t_side_up(&side_r, ADDR_R, 0xc2000001u, conns, secrets, &tun_r);
	capture_init();
	for (n = 1; n <= 300; n++)
		flood_one(n, 0);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 45);
	assert_int_equal(st.init_refused, 255);
	assert_legit_up();
}

/* ---- IKE_SA_INITs that match no connection ---- */

static unsigned refused_lines, summary_lines;

static void
count_lines(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	if (strstr(line, "IKE_SA_INIT from") && strstr(line, "refused"))
		refused_lines++;
	if (strstr(line, "more IKE_SA_INITs for no configured connection"))
		summary_lines++;
}

/* The responder knows only the real initiator's address: the flood's
 * sources match no connection. */
static void
sides_up_strict(void)
{
	resp_right = ADDR_I;
	sides_up();
	resp_right = "%any";
}

static unsigned
connless_fails(void)
{
	const struct st_ike_failrec *f;
	unsigned n = 0;

	for (f = st_ike_fail_next(0); f; f = st_ike_fail_next(f->index))
		n += f->conn[0] == '\0';
	return n;
}

static int
has_fail_of(const char *conn)
{
	const struct st_ike_failrec *f;

	for (f = st_ike_fail_next(0); f; f = st_ike_fail_next(f->index))
		if (strcmp(f->conn, conn) == 0)
			return 1;
	return 0;
}

static void
test_flood_noconn_cookies(void **state)
{
	struct ikev2_engine_stats st;
	struct ifl_addr a, b;
	uint64_t t0, secs;
	uint32_t n;

	(void)state;
	ike_tuning_defaults(&tun_r);
	tun_r.cookie_threshold = 30;
	sides_up_strict();
	capture_init();
	refused_lines = summary_lines = 0;
	log_set_sink(count_lines, NULL);
	/* a tunnel's failure an operator is looking at */
	assert_int_equal(addr_parse(ADDR_R, &a), 0);
	assert_int_equal(addr_parse(ADDR_I, &b), 0);
	assert_non_null(st_ike_fail(ST_IKEF_AUTH, "flood", &a, &b, "planted"));
	t0 = loop_now_ms();
	for (n = 1; n <= 10000; n++)
		flood_one(n, 0);
	secs = (loop_now_ms() - t0) / 1000 + 2;
	ikev2_engine_stats(side_r.eng, &st);
	/* they count towards cookies: a few refusals, then COOKIEs, no state */
	assert_int_equal(st.half_open, 0);
	assert_true(st.cookies >= 10000 - 30 * secs);
	/* each one-second window logs and records at most 10 of them */
	assert_true(refused_lines <= 10 * secs);
	assert_true(connless_fails() <= 10 * secs);
	assert_true(has_fail_of("flood"));
	/* the real peer answers the COOKIE and gets its tunnel */
	assert_legit_up();
	log_set_sink(NULL, NULL);
}

static void
test_flood_noconn_budget(void **state)
{
	struct ikev2_engine_stats st;
	struct ifl_addr a, b;
	uint64_t t0, wins;
	uint32_t n, w;

	(void)state;
	/* no cookies: every request is refused; each one-second window may
	 * log and record 10 of them, in a table of 20. Six bursts a window
	 * apart touch six windows on an idle machine; under valgrind on a
	 * busy one a burst can straddle two, so the bounds count the windows
	 * the bursts really spanned. */
	ike_tuning_defaults(&tun_r);
	tun_r.cookie_threshold = 0;
	tun_r.cookie_threshold_ip = 0;
	tun_r.block_threshold = 0;
	st_set_fail_size(20);
	sides_up_strict();
	capture_init();
	refused_lines = summary_lines = 0;
	log_set_sink(count_lines, NULL);
	assert_int_equal(addr_parse(ADDR_R, &a), 0);
	assert_int_equal(addr_parse(ADDR_I, &b), 0);
	assert_non_null(st_ike_fail(ST_IKEF_AUTH, "flood", &a, &b, "planted"));
	t0 = loop_now_ms();
	for (w = 0; w < 6; w++) {
		for (n = 1; n <= 300; n++)
			flood_one(w * 1000 + n, 0);
		run_for(1050);
	}
	wins = (loop_now_ms() - t0) / 1000 + 1;
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 0);
	assert_true(st.noconn_quiet >= 6 * 300 - wins * 10 - 20);
	assert_true(refused_lines <= wins * 10 + 10);
	assert_true(summary_lines >= 4);
	/* a quarter of the table at most, and the tunnel's record kept */
	assert_true(connless_fails() <= 5);
	assert_true(has_fail_of("flood"));
	log_set_sink(NULL, NULL);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_flood_cookies),
		T(test_flood_per_address),
		T(test_flood_block),
		T(test_flood_cap),
		T(test_flood_reserve),
		T(test_flood_noconn_cookies),
		T(test_flood_noconn_budget),
	};

	log_init("test_ikev2_engine_flood", getenv("T_LOG") != NULL, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
