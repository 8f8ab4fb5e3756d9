/* The IKEv2 engine end to end: an initiator and a responder engine, each
 * with its own ipsec.conf, negotiating through queued datagrams. */
#include "test_ikev2_engine_env.h"
#include "keying/ikev2_msg.h"
#include "keying/ikev2_sa.h"	/* the responder's cookie secrets */
#include "agent/flowmib.h"
#include "ctl/show_crypto.h"

#define ADDR_I	"172.16.10.1"
#define ADDR_R	"172.16.10.2"
#define SPI_I	0xc1000001u
#define SPI_R	0xc2000001u

static const char secrets[] = "172.16.10.2 172.16.10.1 : PSK \"cisco\"\n";

/* The seed's strongSwan connection, seen from either end. */
static const char *
conn_text(int initiator, const char *ike, const char *esp, const char *extra)
{
	static char buf[2][2048];
	char *b = buf[initiator ? 0 : 1];

	snprintf(b, 2048,
	    "conn %%default\n"
	    "\tikelifetime=1440m\n\tkeylife=60m\n\trekeymargin=3m\n"
	    "\tkeyingtries=1\n\tkeyexchange=ikev2\n\tauthby=secret\n\n"
	    "conn ciscoios\n"
	    "\tleft=%s\n\tleftsubnet=%s\n\tleftid=%s\n"
	    "\tright=%s\n\trightsubnet=%s\n\trightid=%s\n"
	    "\tauto=add\n\tike=%s\n\tesp=%s\n%s",
	    initiator ? ADDR_I : ADDR_R,
	    initiator ? "192.168.1.0/24" : "192.168.2.0/24",
	    initiator ? ADDR_I : ADDR_R,
	    initiator ? ADDR_R : ADDR_I,
	    initiator ? "192.168.2.0/24" : "192.168.1.0/24",
	    initiator ? ADDR_R : ADDR_I, ike, esp, extra ? extra : "");
	return b;
}

static struct ike_tuning tun;
static uint32_t cookie_threshold_r;	/* the responder's, 0: the default */
static double keepalive_s;		/* both sides', 0: the default */
static unsigned retrans_tries_s;	/* both sides', 0: the tests' 3 */

static void
sides_up(const char *ike_i, const char *esp_i, const char *extra_i,
    const char *ike_r, const char *esp_r, const char *extra_r,
    const char *secrets_i, const char *secrets_r)
{
	ike_tuning_defaults(&tun);
	tun.retrans_timeout = 0.03;
	tun.retrans_base = 1.5;
	tun.retrans_tries = 3;
	if (keepalive_s)
		tun.keepalive = keepalive_s;
	keepalive_s = 0;
	if (retrans_tries_s) {
		/* slow, patient retransmits: only dpdtimeout cuts them short */
		tun.retrans_timeout = 0.2;
		tun.retrans_base = 1.0;
		tun.retrans_tries = retrans_tries_s;
	}
	retrans_tries_s = 0;
	t_side_up(&side_i, ADDR_I, SPI_I, conn_text(1, ike_i, esp_i, extra_i),
	    secrets_i ? secrets_i : secrets, &tun);
	if (cookie_threshold_r)
		tun.cookie_threshold = cookie_threshold_r;
	t_side_up(&side_r, ADDR_R, SPI_R, conn_text(0, ike_r, esp_r, extra_r),
	    secrets_r ? secrets_r : secrets, &tun);
	cookie_threshold_r = 0;
}

static void
initiate(void)
{
	assert_non_null(side_i.cfg->conns);
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
}

static const struct st_child *
child_row(uint32_t ike_index)
{
	const struct st_child *ch;

	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		if (ch->ike_index == ike_index)
			return ch;
	return NULL;
}

static void
assert_ts(const struct ikev2_ts *ts, const char *net)
{
	struct ifl_subnet n;
	struct ifl_addr lo, hi;

	assert_int_equal(subnet_parse(net, &n), 0);
	subnet_range(&n, &lo, &hi);
	assert_int_equal(addr_cmp(&ts->start, &lo), 0);
	assert_int_equal(addr_cmp(&ts->end, &hi), 0);
}

/* Both ends up with one child each, keys and SPIs crosswise. */
static void
assert_up(const struct st_algs *ike, const struct st_algs *esp)
{
	const struct st_ike *ri = ike_row(1), *rr = ike_row(0);
	const struct st_child *ci, *cr;
	const struct t_child *i, *r;
	char s[ADDR_STRLEN];

	assert_non_null(ri);
	assert_non_null(rr);
	assert_int_equal(ri->state, ST_IKE_ESTABLISHED);
	assert_int_equal(rr->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ri->spi_i, rr->spi_i);
	assert_int_equal(ri->spi_r, rr->spi_r);
	assert_true(ri->spi_i != 0 && ri->spi_r != 0);
	assert_string_equal(ri->local_id, ADDR_I);
	assert_string_equal(ri->remote_id, ADDR_R);
	assert_string_equal(rr->local_id, ADDR_R);
	assert_string_equal(rr->remote_id, ADDR_I);
	assert_string_equal(addr_str(&rr->remote, s, sizeof(s)), ADDR_I);
	assert_string_equal(ri->conn, "ciscoios");
	assert_int_equal(ri->version, 2);
	assert_int_equal(ri->algs.encr, ike->encr);
	assert_int_equal(ri->algs.encr_keylen, ike->encr_keylen);
	assert_int_equal(ri->algs.prf, ike->prf);
	assert_int_equal(ri->algs.integ, ike->integ);
	assert_int_equal(ri->algs.dh, ike->dh);
	assert_memory_equal(&ri->algs, &rr->algs, sizeof(ri->algs));

	assert_int_equal(side_i.nchildren, 1);
	assert_int_equal(side_r.nchildren, 1);
	i = &side_i.children[0];
	r = &side_r.children[0];
	assert_int_equal(i->d.spi_in, SPI_I);
	assert_int_equal(r->d.spi_in, SPI_R);
	assert_int_equal(i->d.spi_out, r->d.spi_in);
	assert_int_equal(r->d.spi_out, i->d.spi_in);
	assert_int_equal(i->d.encr, esp->encr);
	assert_int_equal(i->d.encr_keylen, esp->encr_keylen);
	assert_int_equal(i->d.integ, esp->integ);
	assert_int_equal(r->d.encr, esp->encr);
	assert_int_equal(r->d.integ, esp->integ);
	assert_int_equal(i->d.encr_len, r->d.encr_len);
	assert_true(i->d.encr_len >= 16);
	assert_memory_equal(i->encr_out, r->encr_in, i->d.encr_len);
	assert_memory_equal(i->encr_in, r->encr_out, i->d.encr_len);
	assert_memory_not_equal(i->encr_in, i->encr_out, i->d.encr_len);
	assert_int_equal(i->d.integ_len, r->d.integ_len);
	if (esp->integ) {
		assert_true(i->d.integ_len >= 20);
		assert_memory_equal(i->integ_out, r->integ_in, i->d.integ_len);
		assert_memory_equal(i->integ_in, r->integ_out, i->d.integ_len);
	}
	assert_int_equal(i->d.reqid, r->d.reqid);
	assert_int_equal(i->d.nts_local, 1);
	assert_int_equal(i->d.nts_remote, 1);
	assert_ts(&i->ts_l[0], "192.168.1.0/24");
	assert_ts(&i->ts_r[0], "192.168.2.0/24");
	assert_ts(&r->ts_l[0], "192.168.2.0/24");
	assert_ts(&r->ts_r[0], "192.168.1.0/24");
	assert_int_equal(i->d.life.hard_sec, 3600);
	assert_int_equal(i->d.life.soft_sec, 3600 - 180);

	ci = child_row(ri->index);
	cr = child_row(rr->index);
	assert_non_null(ci);
	assert_non_null(cr);
	assert_int_equal(ci->algs.encr, esp->encr);
	assert_int_equal(ci->algs.encr_keylen, esp->encr_keylen);
	assert_int_equal(ci->algs.integ, esp->integ);
	assert_int_equal(st_child_current_sa(ci, ST_SA_IN)->spi, SPI_I);
	assert_int_equal(st_child_current_sa(ci, ST_SA_OUT)->spi, SPI_R);
	assert_int_equal(st_child_current_sa(cr, ST_SA_IN)->spi, SPI_R);
	assert_int_equal(ci->nts_local, 1);
	assert_int_equal(ci->ts_local[0].net.plen, 24);
	assert_int_equal(i->d.child_index, ci->index);
}

struct variant {
	const char	*ike, *esp;
	struct st_algs	ike_algs, esp_algs;
};

static const struct variant variants[] = {
	{ "aes128-sha1-modp1536!", "aes128-sha1!",
	    { 12, 128, 2, 2, 5, 0 }, { 12, 128, 0, 2, 0, 0 } },
	{ "aes256-sha256-modp2048!", "aes256-sha256!",
	    { 12, 256, 5, 12, 14, 0 }, { 12, 256, 0, 12, 0, 0 } },
	{ "aes128-sha256-ecp256!", "aes128gcm16!",
	    { 12, 128, 5, 12, 19, 0 }, { 20, 128, 0, 0, 0, 0 } },
	{ "aes256gcm16-prfsha256-curve25519!", "aes256-sha256!",
	    { 20, 256, 5, 0, 31, 0 }, { 12, 256, 0, 12, 0, 0 } },
};

/* Both sides with the seed's proposals, the tunnel negotiated. */
static void
seed_up(void)
{
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	initiate();
	pump();
}

static void
run_variant(const struct variant *v)
{
	sides_up(v->ike, v->esp, NULL, v->ike, v->esp, NULL, NULL, NULL);
	initiate();
	pump();
	assert_up(&v->ike_algs, &v->esp_algs);
	/* IKE_SA_INIT + IKE_AUTH each way, nothing retransmitted */
	assert_int_equal(side_i.sent, 2);
	assert_int_equal(side_r.sent, 2);
	/* NAT-D was exchanged and MOBIKE is on: IKE_AUTH went over 4500 */
	assert_int_equal(side_i.last_sport, 4500);
	assert_int_equal(side_i.last_dport, 4500);
	assert_int_equal(side_i.children[0].d.remote_port, 4500);
	assert_int_equal(side_r.children[0].d.remote_port, 4500);
	/* no NAT between them, and neither side thinks so */
	assert_false(side_i.children[0].d.encap);
	assert_false(side_r.children[0].d.encap);
	assert_false(ike_row(1)->nat_local || ike_row(1)->nat_remote);
	assert_false(ike_row(0)->nat_local || ike_row(0)->nat_remote);
	assert_false(side_i.children[0].d.transport);
}

static void
test_up_seed(void **state)
{
	const struct st_ike *ri;

	(void)state;
	run_variant(&variants[0]);
	ri = ike_row(1);
	/* every message counted, both ways */
	assert_int_equal(ri->c.out_pkts, 2);
	assert_int_equal(ri->c.in_pkts, 2);
	assert_int_equal(ike_row(0)->c.in_pkts, 2);
	assert_true(ri->c.out_notifys >= 2);
	assert_true(ri->c.in_notifys >= 2);
	assert_int_equal(st_ike_active_count(), 2);
	assert_int_equal(st_child_active_count(), 2);
}

static void
test_up_modp2048(void **state)
{
	(void)state;
	run_variant(&variants[1]);
}

static void
test_up_ecp256_gcm(void **state)
{
	(void)state;
	run_variant(&variants[2]);
}

static void
test_up_curve25519_gcm_ike(void **state)
{
	(void)state;
	run_variant(&variants[3]);
}

static void
test_up_no_mobike_stays_on_500(void **state)
{
	(void)state;
	sides_up(variants[0].ike, variants[0].esp, "\tmobike=no\n",
	    variants[0].ike, variants[0].esp, "\tmobike=no\n", NULL, NULL);
	initiate();
	pump();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	assert_int_equal(side_i.last_dport, 500);
	assert_int_equal(side_r.last_sport, 500);
}

static void
test_wrong_psk(void **state)
{
	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL,
	    "172.16.10.2 172.16.10.1 : PSK \"not-cisco\"\n");
	initiate();
	pump();
	/* the responder refused, the initiator was told: a record on each end */
	assert_int_equal(count_ike_fails(ST_IKEF_AUTH), 2);
	assert_int_equal(st_ike_global()->auth_fails, 2);
	assert_int_equal(side_i.nchildren, 0);
	assert_int_equal(side_r.nchildren, 0);
	assert_null(ike_row(1));
	assert_null(ike_row(0));
	assert_int_equal(st_ike_active_count(), 0);
	/* the initiator's larval SPI went back to the kernel */
	assert_int_equal(side_i.released, 1);
	run_for(150);
	/* AUTHENTICATION_FAILED is final: no retries */
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_SA_INIT - 32], 1);
}

static void
test_no_proposal_chosen(void **state)
{
	const struct st_ike_failrec *f;

	(void)state;
	sides_up("aes256-sha256-modp2048!", "aes128-sha1!", NULL,
	    "aes128-sha1-modp1536!", "aes128-sha1!", NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(count_ike_fails(ST_IKEF_PROPOSAL), 2);
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_string_equal(f->conn, "ciscoios");
	assert_non_null(strstr(f->detail, "NO_PROPOSAL_CHOSEN"));
	f = st_ike_fail_next(f->index);
	assert_non_null(strstr(f->detail, "NO_PROPOSAL_CHOSEN"));
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_IKE_SA_INIT - 32], 1);
	assert_int_equal(side_i.nchildren + side_r.nchildren, 0);
	assert_null(ike_row(1));
	assert_null(ike_row(0));
	assert_int_equal(st_ike_global()->init_tunnel_fails, 1);
	assert_int_equal(st_ike_global()->resp_tunnel_fails, 1);
}

static void
test_invalid_ke_retry(void **state)
{
	const struct st_ike *ri;

	(void)state;
	/* we send KE for modp2048 first; the peer only does ecp256 */
	sides_up("aes128-sha256-modp2048-ecp256!", "aes128-sha1!", NULL,
	    "aes128-sha256-ecp256!", "aes128-sha1!", NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_SA_INIT - 32], 2);
	ri = ike_row(1);
	assert_non_null(ri);
	assert_int_equal(ri->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ri->algs.dh, 19);
	assert_int_equal(side_i.nchildren, 1);
	assert_int_equal(count_ike_fails(ST_IKEF_PROPOSAL), 0);
}

static void
test_ke_promoted_without_round_trip(void **state)
{
	(void)state;
	/* the responder prefers modp2048 but also allows the ecp256 we sent */
	sides_up("aes128-sha256-ecp256-modp2048!", "aes128-sha1!", NULL,
	    "aes128-sha256-modp2048-ecp256!", "aes128-sha1!", NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_SA_INIT - 32], 1);
	assert_int_equal(ike_row(1)->algs.dh, 19);
	assert_int_equal(ike_row(0)->state, ST_IKE_ESTABLISHED);
}

/* Drops the first n datagrams matching (from, exchange, response). */
struct drop_spec {
	const struct t_side *from;
	int	exch, resp, n, seen;
};

static enum t_verdict
drop_some(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	struct drop_spec *d = arg;

	(void)len;
	if (from == d->from && pkt_exch(p) == d->exch && pkt_is_resp(p) == d->resp &&
	    d->seen++ < d->n)
		return T_DROP;
	return T_PASS;
}

static void
test_lost_response_retransmit(void **state)
{
	struct drop_spec d = { &side_r, IKEV2_EXCH_IKE_AUTH, 1, 1, 0 };
	struct ikev2_engine_stats st;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	filter = drop_some;
	filter_arg = &d;
	initiate();
	pump();
	assert_int_equal(side_i.nchildren, 0);
	/* the responder is done; the initiator's timer resends IKE_AUTH */
	assert_int_equal(side_r.nchildren, 1);
	RUN_UNTIL(side_i.nchildren == 1, 20000);
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_AUTH - 32], 2);
	ikev2_engine_stats(side_i.eng, &st);
	assert_int_equal(st.retransmits, 1);
	/* the responder answered from its cache: one child, one answer more */
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.resent_responses, 1);
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_IKE_AUTH - 32], 2);
	assert_int_equal(side_r.nchildren, 1);
}

static void
test_lost_init_response(void **state)
{
	struct drop_spec d = { &side_r, IKEV2_EXCH_IKE_SA_INIT, 1, 2, 0 };
	struct ikev2_engine_stats st;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	filter = drop_some;
	filter_arg = &d;
	initiate();
	/* a slow machine (valgrind) needs longer, and retransmits more */
	for (int w = 0; w < 30 && (ike_row(1) == NULL ||
	    ike_row(1)->state != ST_IKE_ESTABLISHED || side_r.nchildren == 0); w++)
		run_for(100);
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	/* the half-open SA answered the retransmissions from its cache */
	ikev2_engine_stats(side_r.eng, &st);
	assert_true(st.resent_responses >= 2);
	assert_int_equal(st.sas, 1);
}

static enum t_verdict
drop_all_from(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	(void)p;
	(void)len;
	return from == arg ? T_DROP : T_PASS;
}

static void
test_peer_silent(void **state)
{
	const struct st_ike_failrec *f;
	struct ikev2_engine_stats st;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	filter = drop_all_from;
	filter_arg = &side_i;
	initiate();
	/* 30 + 45 + 67.5 + 101 ms of waiting, then the give-up */
	loop_until(count_ike_fails(ST_IKEF_PEER_LOST) == 1, 20000);
	assert_int_equal(side_i.sent, 1 + 3);
	ikev2_engine_stats(side_i.eng, &st);
	assert_int_equal(st.retransmits, 3);
	assert_int_equal(st.sas, 0);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 1);
	f = st_ike_fail_next(0);
	assert_non_null(strstr(f->detail, "IKE_SA_INIT"));
	assert_int_equal(side_r.sent, 0);
	assert_null(ike_row(1));
}

static void
test_peer_silent_keyingtries(void **state)
{
	(void)state;
	sides_up(variants[0].ike, variants[0].esp, "\tkeyingtries=2\n", variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	filter = drop_all_from;
	filter_arg = &side_i;
	initiate();
	loop_until(count_ike_fails(ST_IKEF_PEER_LOST) == 2, 20000);
	/* two whole attempts of four datagrams each */
	assert_int_equal(side_i.sent, 2 * (1 + 3));
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 2);
}

static enum t_verdict
dup_auth_request(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	return from == &side_i && pkt_exch(p) == IKEV2_EXCH_IKE_AUTH && !pkt_is_resp(p) ?
	    T_DUP : T_PASS;
}

static void
test_duplicate_request(void **state)
{
	struct ikev2_engine_stats st;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	filter = dup_auth_request;
	initiate();
	pump();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.resent_responses, 1);
	/* processed once: one child, one SPI taken */
	assert_int_equal(side_r.next_spi, SPI_R + 1);
	/* the initiator drops the second answer: no request is outstanding */
	ikev2_engine_stats(side_i.eng, &st);
	assert_int_equal(st.drops, 1);
	assert_int_equal(ike_row(1)->c.in_drops, 1);
}

static const struct st_ike_hist *
hist_of(int initiator)
{
	const struct st_ike_hist *h;

	for (h = st_ike_hist_next(0); h; h = st_ike_hist_next(h->index))
		if (h->ike.initiator == initiator)
			return h;
	return NULL;
}

static void
delete_ike_from(struct t_side *who)
{
	const struct st_ike_hist *hi, *hr;

	seed_up();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	assert_int_equal(ikev2_terminate(who->eng, "ciscoios"), 1);
	pump();
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(live_children(&side_r), 0);
	assert_null(ike_row(1));
	assert_null(ike_row(0));
	assert_int_equal(st_ike_active_count(), 0);
	assert_int_equal(st_child_active_count(), 0);
	hi = hist_of(1);
	hr = hist_of(0);
	assert_non_null(hi);
	assert_non_null(hr);
	assert_int_equal(hi->reason, who == &side_i ? ST_TERM_OPER : ST_TERM_PEER_DEL);
	assert_int_equal(hr->reason, who == &side_r ? ST_TERM_OPER : ST_TERM_PEER_DEL);
	assert_non_null(st_child_hist_next(0));
	assert_int_equal(who->sent_exch[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	assert_int_equal(t_peer_of(who)->sent_resp[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	assert_int_equal(st_ike_global()->previous_tunnels, 2);
}

static void
test_delete_ike_by_initiator(void **state)
{
	(void)state;
	delete_ike_from(&side_i);
}

static void
test_delete_ike_by_responder(void **state)
{
	(void)state;
	delete_ike_from(&side_r);
}

/* A reauthentication made before it breaks: a second IKE SA of the same
 * connection and peer comes up beside the first, with a child of the same
 * selectors, then the first IKE SA is deleted. On both sides the new pair
 * continues the old tunnel's row (index kept, moved to the new IKE SA), and
 * the old pair goes as a replaced one: its SAs only, not the policies. */
static void
test_reauth_continues_tunnel(void **state)
{
	const struct st_child *ch;
	uint32_t row_i, row_r, ike_i_old, ike_r_old;

	(void)state;
	seed_up();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	row_i = side_i.children[0].d.child_index;
	row_r = side_r.children[0].d.child_index;
	ike_i_old = ike_row(1)->index;
	ike_r_old = ike_row(0)->index;
	initiate();
	pump();
	assert_int_equal(side_i.nchildren, 2);
	assert_int_equal(side_r.nchildren, 2);
	assert_int_equal(side_i.children[1].d.child_index, row_i);
	assert_int_equal(side_r.children[1].d.child_index, row_r);
	assert_int_equal(st_ike_active_count(), 4);
	assert_int_equal(st_child_active_count(), 2);
	assert_int_not_equal(st_child_get(row_r)->ike_index, ike_r_old);
	assert_int_equal(st_child_get(row_r)->nsa, 4);
	assert_int_equal(ikev2_terminate_index(side_i.eng, ike_i_old), 1);
	pump();
	assert_int_equal(st_ike_active_count(), 2);
	assert_int_equal(st_child_active_count(), 2);
	assert_true(side_r.children[0].removed);
	assert_true(side_r.children[0].removed_superseded);
	assert_false(side_r.children[1].removed);
	assert_true(side_i.children[0].removed_superseded);
	ch = st_child_get(row_r);
	assert_non_null(ch);
	assert_int_equal(ch->ike_index, ike_row(0)->index);
	assert_int_not_equal(ch->ike_index, ike_r_old);
	assert_non_null(st_child_get(row_i));
	/* and a delete of the new IKE SA ends the tunnel for good */
	assert_int_equal(ikev2_terminate(side_i.eng, "ciscoios"), 1);
	pump();
	assert_int_equal(st_child_active_count(), 0);
	assert_int_equal(st_ike_active_count(), 0);
}

/* The responder's outbound SA of a reauthentication's new pair waits for
 * the old IKE SA's delete; the peer drops the old pair when it reads our
 * answer to that delete, so the new outbound SA goes in before the answer
 * is sent, not after (a reply sent on the old one meanwhile was lost). */
static int out_installs, out_answers_before;

static int
out_hook(void *arg, const struct ike_child_sa *c)
{
	const struct t_side *s = arg;

	assert_false(c->in_only);
	out_installs++;
	out_answers_before = s->sent_resp[IKEV2_EXCH_INFORMATIONAL - 32];
	return 0;
}

static void
test_reauth_out_before_answer(void **state)
{
	uint32_t ike_i_old;
	int answers;

	(void)state;
	t_install_out_hook = out_hook;
	out_installs = 0;
	seed_up();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	ike_i_old = ike_row(1)->index;
	initiate();
	pump();
	/* the responder's new pair: inbound only for now */
	assert_int_equal(side_r.nchildren, 2);
	assert_true(side_r.children[1].d.in_only);
	assert_int_equal(out_installs, 0);
	answers = side_r.sent_resp[IKEV2_EXCH_INFORMATIONAL - 32];
	assert_int_equal(ikev2_terminate_index(side_i.eng, ike_i_old), 1);
	pump();
	t_install_out_hook = NULL;
	assert_int_equal(out_installs, 1);
	/* the delete answered, after the outbound SA went in */
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_INFORMATIONAL - 32], answers + 1);
	assert_int_equal(out_answers_before, answers);
	assert_true(side_r.children[0].removed_superseded);
	assert_false(side_r.children[1].removed);
}

/* cikeTunStatus = destroy names one IKE SA by its row: only that one goes. */
static void
test_terminate_by_index(void **state)
{
	const struct st_ike *mine, *theirs;

	(void)state;
	seed_up();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	mine = ike_row(0);
	theirs = ike_row(1);
	assert_non_null(mine);
	assert_non_null(theirs);
	/* the responder's engine does not hold the initiator's row */
	assert_int_equal(ikev2_terminate_index(side_r.eng, theirs->index), 0);
	assert_int_equal(ikev2_terminate_index(side_r.eng, 999999), 0);
	assert_non_null(ike_row(0));
	assert_int_equal(ikev2_terminate_index(side_r.eng, mine->index), 1);
	pump();
	assert_null(ike_row(0));
	assert_null(ike_row(1));
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(live_children(&side_r), 0);
}

static void
test_delete_child(void **state)
{
	const struct st_child_hist *h;
	uint32_t idx;

	(void)state;
	seed_up();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
	idx = side_r.children[0].d.child_index;
	assert_int_equal(ikev2_child_delete(side_r.eng, idx), 0);
	pump();
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(live_children(&side_r), 0);
	assert_int_equal(st_child_active_count(), 0);
	/* the IKE SA stays */
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ike_row(0)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ike_row(0)->c.out_p2_sa_del, 1);
	assert_int_equal(ike_row(1)->c.in_p2_sa_del, 1);
	h = st_child_hist_next(0);
	assert_non_null(h);
	assert_non_null(st_child_hist_next(h->index));
	assert_int_equal(ikev2_child_delete(side_r.eng, idx), -1);
}

static void
test_liveness(void **state)
{
	(void)state;
	seed_up();
	assert_int_equal(ikev2_liveness(side_i.eng, ike_row(1)->index), 0);
	pump();
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(live_children(&side_i), 1);
	/* a silent peer is declared lost after the retransmits */
	filter = drop_all_from;
	filter_arg = &side_r;
	assert_int_equal(ikev2_liveness(side_i.eng, ike_row(1)->index), 0);
	loop_until(ike_row(1) == NULL, 20000);
	assert_null(ike_row(1));
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(hist_of(1)->reason, ST_TERM_PEER_LOST);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 1);
}

/* IKE_AUTH never answered: its own timeout ends the attempt, with a
 * failure record naming the exchange, and the inbound SPI of the child it
 * was negotiating goes back to the kernel. */
static void
test_auth_timeout(void **state)
{
	struct drop_spec d = { &side_r, IKEV2_EXCH_IKE_AUTH, 1, 1000, 0 };
	const struct st_ike_failrec *f;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, "\tkeyingtries=1\n", variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	filter = drop_some;
	filter_arg = &d;
	initiate();
	loop_until(count_ike_fails(ST_IKEF_PEER_LOST) >= 1, 20000);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_AUTH - 32], 1 + 3);
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_int_equal(f->reason, ST_IKEF_PEER_LOST);
	assert_non_null(strstr(f->detail, "IKE_AUTH request not answered"));
	assert_int_equal(side_i.nchildren, 0);
	assert_int_equal(side_i.released, 1);
}

/* A child rekey never answered: the SA is lost through the rekey's own
 * timeout (record naming CREATE_CHILD_SA), its children leave the kernel
 * and the new child's larval SPI is given back. */
static void
test_child_rekey_timeout(void **state)
{
	struct drop_spec d = { &side_r, IKEV2_EXCH_CREATE_CHILD_SA, 1, 1000, 0 };
	const struct st_ike_failrec *f;
	uint32_t idx;

	(void)state;
	seed_up();
	assert_int_equal(live_children(&side_i), 1);
	idx = side_i.children[0].d.child_index;
	filter = drop_some;
	filter_arg = &d;
	assert_int_equal(ikev2_child_rekey(side_i.eng, idx), 0);
	loop_until(ike_row(1) == NULL, 20000);
	assert_null(ike_row(1));
	assert_int_equal(hist_of(1)->reason, ST_TERM_PEER_LOST);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 1);
	f = st_ike_fail_next(0);
	assert_non_null(strstr(f->detail, "CREATE_CHILD_SA request"));
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(side_i.released, 1);
}

static void
test_ts_narrowed(void **state)
{
	const struct t_child *i, *r;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, "\trightsubnet=192.168.1.0/25\n", NULL, NULL);
	initiate();
	pump();
	assert_int_equal(side_i.nchildren, 1);
	i = &side_i.children[0];
	r = &side_r.children[0];
	assert_ts(&i->ts_l[0], "192.168.1.0/25");
	assert_ts(&r->ts_r[0], "192.168.1.0/25");
	assert_ts(&i->ts_r[0], "192.168.2.0/24");
}

static void
test_ts_unacceptable(void **state)
{
	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, "\trightsubnet=10.1.0.0/16\n", NULL, NULL);
	initiate();
	pump();
	/* the IKE SA stands, the child does not, on either side */
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ike_row(0)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(side_i.nchildren + side_r.nchildren, 0);
	assert_int_equal(count_ipsec_fails(ST_IPF_PROPOSAL), 2);
	assert_int_equal(side_i.released, 1);
}

static void
test_esp_mismatch(void **state)
{
	(void)state;
	sides_up(variants[0].ike, "aes256-sha256!", NULL, variants[0].ike,
	    "aes128-sha1!", NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(side_i.nchildren + side_r.nchildren, 0);
	assert_int_equal(count_ipsec_fails(ST_IPF_PROPOSAL), 2);
}

static void
test_transport(void **state)
{
	const char *x = "\ttype=transport\n\tleftsubnet=\n\trightsubnet=\n";

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, x, variants[0].ike, variants[0].esp,
	    x, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(side_i.nchildren, 1);
	assert_int_equal(side_r.nchildren, 1);
	assert_true(side_i.children[0].d.transport);
	assert_true(side_r.children[0].d.transport);
	/* host to host: the selectors are the two addresses */
	assert_ts(&side_i.children[0].ts_l[0], ADDR_I "/32");
	assert_ts(&side_i.children[0].ts_r[0], ADDR_R "/32");
}

static void
test_garbage_dropped(void **state)
{
	struct ikev2_engine_stats st;
	struct ifl_addr src;
	uint8_t junk[60];
	uint64_t before;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	assert_int_equal(addr_parse("198.51.100.7", &src), 0);
	before = st_ike_global()->c.in_drops;
	memset(junk, 0xa5, sizeof(junk));
	ikev2_input(side_r.eng, &src, 500, &side_r.addr, 500, junk, sizeof(junk));
	ikev2_input(side_r.eng, &src, 500, &side_r.addr, 500, junk, 3);
	/* a well-formed header for an SA nobody has */
	memset(junk, 0, sizeof(junk));
	junk[7] = 1;
	junk[15] = 2;
	junk[17] = IKEV2_VERSION;
	junk[18] = IKEV2_EXCH_INFORMATIONAL;
	junk[27] = 28;
	ikev2_input(side_r.eng, &src, 500, &side_r.addr, 500, junk, 28);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.drops, 3);
	assert_int_equal(st_ike_global()->c.in_drops, before + 3);
	/* only the request (test_invalid_ike_spi) has an answer: INVALID_IKE_SPI */
	assert_int_equal(nqueue, 1);
	assert_int_equal(addr_cmp(&queue[0]->dst, &src), 0);
	assert_int_equal(st.invalid_spi, 1);
	drain();
	/* and the engine still works */
	initiate();
	pump();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
}

/* Answers the initiator's IKE_SA_INIT in the queue as a loaded responder
 * would, with a COOKIE (len bytes); its IKE SPI, 0 if nothing was queued. */
static uint64_t
answer_cookie(const uint8_t *cookie, size_t len)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct ike_perr err;
	struct buf *b;

	if (nqueue != 1)
		return 0;
	assert_int_equal(ikev2_hdr_parse(queue[0]->data, queue[0]->len, &h, &err), 0);
	assert_int_equal(h.exchange, IKEV2_EXCH_IKE_SA_INIT);
	drain();
	h.rspi = 0;
	h.flags = IKEV2_FLAG_RESPONSE;
	b = buf_new(64);
	ikev2_build_msg(&bl, b, &h);
	ikev2_build_notify_simple(&bl, IKEV2_N_COOKIE, cookie, len);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	ikev2_input(side_i.eng, &side_r.addr, 500, &side_i.addr, 500, b->data, b->len);
	buf_free(b);
	return h.ispi;
}

static void
test_cookie(void **state)
{
	static const uint8_t cookie[16] = "cookie-cookie-16";
	struct ike_perr err;
	struct ikev2_notify n;
	struct ikev2_msg *m;
	uint64_t ispi;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	initiate();
	assert_int_equal(nqueue, 1);
	ispi = answer_cookie(cookie, sizeof(cookie));
	assert_true(ispi != 0);
	/* the request again, the cookie as its first payload */
	assert_int_equal(nqueue, 1);
	m = ikev2_msg_parse(queue[0]->data, queue[0]->len, &err);
	assert_non_null(m);
	assert_int_equal(m->hdr.ispi, ispi);
	assert_int_equal(m->outer.pl[0].type, IKEV2_PL_NOTIFY);
	assert_int_equal(ikev2_msg_notify(m, IKEV2_N_COOKIE, &n), 1);
	assert_int_equal(n.len, sizeof(cookie));
	assert_memory_equal(n.data, cookie, sizeof(cookie));
	ikev2_msg_free(m);
	pump();
	assert_up(&variants[0].ike_algs, &variants[0].esp_algs);
}

/* keyingtries=%forever against a peer that answers every IKE_SA_INIT at
 * once with a COOKIE that never verifies: each attempt gives up after
 * IKEV2_COOKIE_TRIES, and the next begins no sooner than the first
 * retransmission timeout (200 ms here) after the one before began, instead
 * of at once; while it waits its IKE SA is listed as connecting. So three
 * attempts span at least two timeouts, however fast the answers. */
static void
test_cookie_loop_paced(void **state)
{
	uint64_t t_begin, t0;
	uint8_t cookie[16], seed = 1;
	int i, rows;

	(void)state;
	retrans_tries_s = 3;		/* a 200 ms first retransmission */
	sides_up(variants[0].ike, variants[0].esp, "\tkeyingtries=%forever\n",
	    variants[0].ike, variants[0].esp, NULL, NULL, NULL);
	t_begin = loop_now_ms();
	initiate();
	for (int attempt = 1; attempt <= 3; attempt++) {
		if (attempt > 1) {
			/* the loop alone: nothing goes to the real responder */
			t0 = loop_now_ms();
			while (nqueue == 0 && loop_now_ms() - t0 < 5000)
				loop_once(2);
		}
		/* the first request and IKEV2_COOKIE_TRIES resends with a cookie:
		 * each answered at once, the last answer fails the attempt */
		for (i = 0; i <= IKEV2_COOKIE_TRIES; i++) {
			memset(cookie, seed++, sizeof(cookie));	/* each one new */
			assert_true(answer_cookie(cookie, sizeof(cookie)) != 0);
		}
		assert_int_equal(count_ike_fails(ST_IKEF_OTHER), attempt);
		if (nqueue == 0) {
			rows = 0;
			for (const struct st_ike *ike = st_ike_next(0); ike;
			    ike = st_ike_next(ike->index))
				rows += ike->state == ST_IKE_CONNECTING;
			assert_int_equal(rows, 1);
		}
	}
	/* the third attempt's first request went out at least two timeouts
	 * after the first attempt began */
	assert_true(loop_now_ms() - t_begin >= 400);
	drain();
}

static void
test_conn_lifecycle_hooks(void **state)
{
	struct ifl_config *old;
	struct cfg_daemon d;
	char path[600];

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	assert_int_equal(ikev2_conn_active(side_i.eng, side_i.cfg->conns), 0);
	initiate();
	assert_int_equal(ikev2_conn_active(side_i.eng, side_i.cfg->conns), 1);
	pump();
	assert_int_equal(ikev2_conn_active(side_r.eng, side_r.cfg->conns), 1);
	/* a reload: same connection, new memory; the old one is freed */
	old = side_i.cfg;
	config_daemon_defaults(&d);
	snprintf(path, sizeof(path), "%s/initiator.conf", tdir);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s", path);
	snprintf(path, sizeof(path), "%s/initiator.secrets", tdir);
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s", path);
	side_i.cfg = config_load(&d);
	assert_non_null(side_i.cfg);
	ikev2_conn_update(side_i.eng, old->conns, side_i.cfg->conns);
	config_free(old);
	assert_int_equal(ikev2_conn_active(side_i.eng, side_i.cfg->conns), 1);
	/* the kernel's soft expiry rekeys, a hard one deletes the pair */
	assert_int_equal(ikev2_child_expired(side_i.eng, SPI_I, 0), 0);
	pump();
	assert_int_equal(side_i.nchildren, 2);
	assert_int_equal(live_children(&side_i), 1);
	assert_int_equal(live_children(&side_r), 1);
	assert_int_equal(ikev2_child_expired(side_i.eng, 0x12345678, 1), -1);
	assert_int_equal(ikev2_child_expired(side_i.eng, SPI_R + 1, 1), 0);
	pump();
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(live_children(&side_r), 0);
	/* and the SA still works under the new memory */
	assert_int_equal(ikev2_terminate(side_i.eng, "ciscoios"), 1);
	pump();
	assert_int_equal(ikev2_conn_active(side_i.eng, side_i.cfg->conns), 0);
	assert_int_equal(ikev2_conn_active(side_r.eng, side_r.cfg->conns), 0);
	/* removing a connection tells the peer without waiting */
	initiate();
	pump();
	ikev2_conn_gone(side_r.eng, side_r.cfg->conns);
	assert_int_equal(ikev2_conn_active(side_r.eng, side_r.cfg->conns), 0);
	pump();
	assert_int_equal(ikev2_conn_active(side_i.eng, side_i.cfg->conns), 0);
	assert_int_equal(st_ike_active_count(), 0);
}

/* Keeps a copy of every datagram that passes. */
struct capture {
	int	n;
	size_t	len[16];
	uint8_t	data[16][2048];
	const struct t_side *from[16];
};

static enum t_verdict
capture_all(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	struct capture *c = arg;

	if (c->n < 16 && len <= sizeof(c->data[0])) {
		memcpy(c->data[c->n], p, len);
		c->len[c->n] = len;
		c->from[c->n++] = from;
	}
	return T_PASS;
}

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_mutated_messages(void **state)
{
	static struct capture cap;
	struct ikev2_engine_stats st;
	uint8_t m[2048];
	uint32_t seed = 0x1fee1bad;
	int i, k, round;

	(void)state;
	memset(&cap, 0, sizeof(cap));
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	filter = capture_all;
	filter_arg = &cap;
	initiate();
	pump();
	assert_int_equal(ikev2_liveness(side_i.eng, ike_row(1)->index), 0);
	pump();
	assert_true(ikev2_terminate(side_r.eng, "ciscoios") == 1);
	pump();
	filter = NULL;
	assert_int_equal(cap.n, 8);
	/* every message of the exchange, damaged, to both kinds of receiver:
	 * a fresh responder and an initiator in the middle of a negotiation */
	for (round = 0; round < 2; round++) {
		if (round == 1) {
			initiate();
			assert_int_equal(nqueue, 1);
		}
		for (i = 0; i < cap.n; i++)
			for (k = 0; k < 200; k++) {
				size_t len = cap.len[i], pos;
				struct t_side *to = cap.from[i] == &side_i ? &side_r : &side_i;

				memcpy(m, cap.data[i], len);
				switch (xorshift(&seed) % 4) {
				case 0:		/* one byte anywhere */
					m[xorshift(&seed) % len] ^= (uint8_t)(1 + xorshift(&seed) % 255);
					break;
				case 1:		/* truncated (lengths then lie) */
					len = 28 + xorshift(&seed) % (len - 28);
					break;
				case 2:		/* a payload header's length */
					pos = 28 + xorshift(&seed) % (len - 28);
					m[pos] = (uint8_t)xorshift(&seed);
					break;
				default:	/* a burst of bytes */
					pos = xorshift(&seed) % len;
					for (size_t j = pos; j < len && j < pos + 8; j++)
						m[j] = (uint8_t)xorshift(&seed);
				}
				ikev2_input(to->eng, &cap.from[i]->addr, 500, &to->addr, 500,
				    m, len);
				/* answers to damaged requests go nowhere, except
				 * that the negotiation of round 1 stays queued */
				while (nqueue > round)
					free(queue[--nqueue]);
			}
		drain();
	}
	ikev2_engine_stats(side_r.eng, &st);
	assert_true(st.drops > 0);
}

/* After a rekey: each side has the old pair removed and a new one whose
 * keys and SPIs match the other side's; the state row is the same. */
static void
assert_rekeyed(uint32_t st_index, int pfs)
{
	const struct t_child *i, *r;
	const struct st_child *row = st_child_find(st_index);

	assert_int_equal(side_i.nchildren, 2);
	assert_int_equal(side_r.nchildren, 2);
	assert_true(side_i.children[0].removed);
	assert_true(side_r.children[0].removed);
	/* the old pair's SAs went, its policies stay with the successor */
	assert_true(side_i.children[0].removed_superseded);
	assert_true(side_r.children[0].removed_superseded);
	assert_int_equal(side_i.children[0].removed_nts, 0);
	assert_int_equal(side_r.children[0].removed_nts, 0);
	i = &side_i.children[1];
	r = &side_r.children[1];
	assert_false(i->removed);
	assert_false(r->removed);
	assert_int_equal(i->d.spi_in, SPI_I + 1);
	assert_int_equal(r->d.spi_in, SPI_R + 1);
	assert_int_equal(i->d.spi_out, r->d.spi_in);
	assert_int_equal(r->d.spi_out, i->d.spi_in);
	assert_memory_equal(i->encr_out, r->encr_in, i->d.encr_len);
	assert_memory_equal(i->encr_in, r->encr_out, i->d.encr_len);
	assert_memory_equal(i->integ_out, r->integ_in, i->d.integ_len);
	/* fresh keys, not the old ones */
	assert_memory_not_equal(i->encr_out, side_i.children[0].encr_out, i->d.encr_len);
	assert_int_equal(i->d.reqid, side_i.children[0].d.reqid);
	assert_ts(&i->ts_l[0], "192.168.1.0/24");
	assert_ts(&r->ts_l[0], "192.168.2.0/24");
	assert_int_equal(i->d.child_index, side_i.children[0].d.child_index);
	assert_non_null(row);
	assert_int_equal(row->refreshes, 1);
	assert_int_equal(st_child_current_sa(row, ST_SA_IN)->spi,
	    row->ike_index == ike_row(1)->index ? SPI_I + 1 : SPI_R + 1);
	assert_int_equal(st_child_active_count(), 2);
	assert_null(st_child_hist_next(0));
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ike_row(0)->state, ST_IKE_ESTABLISHED);
	/* with PFS the new pair's KEYMAT took a fresh DH */
	assert_int_equal(row->algs.dh, pfs ? 14 : 0);
}

static void
test_child_rekey_by_initiator(void **state)
{
	uint32_t idx;

	(void)state;
	seed_up();
	idx = side_i.children[0].d.child_index;
	assert_int_equal(ikev2_child_rekey(side_i.eng, idx), 0);
	pump();
	assert_rekeyed(idx, 0);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_CREATE_CHILD_SA - 32], 1);
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_CREATE_CHILD_SA - 32], 1);
	assert_int_equal(ike_row(1)->c.out_p2_exchg, 1);
	assert_int_equal(ike_row(0)->c.in_p2_exchg, 1);
	/* the rekeyed child deletes like any other, policies and all */
	assert_int_equal(ikev2_child_delete(side_i.eng, idx), 0);
	pump();
	assert_int_equal(live_children(&side_i) + live_children(&side_r), 0);
	assert_false(side_i.children[1].removed_superseded);
	assert_int_equal(side_i.children[1].removed_nts, 2);
	assert_int_equal(side_r.children[1].removed_nts, 2);
	assert_non_null(st_child_hist_next(0));
}

static void
test_child_rekey_by_responder_pfs(void **state)
{
	uint32_t idx;

	(void)state;
	sides_up(variants[0].ike, "aes128-sha1-modp2048!", NULL, variants[0].ike,
	    "aes128-sha1-modp2048!", NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(side_r.nchildren, 1);
	idx = side_r.children[0].d.child_index;
	assert_int_equal(ikev2_child_rekey(side_r.eng, idx), 0);
	pump();
	assert_rekeyed(idx, 1);
	assert_int_equal(side_r.sent_exch[IKEV2_EXCH_CREATE_CHILD_SA - 32], 1);
	assert_int_equal(side_i.sent_resp[IKEV2_EXCH_CREATE_CHILD_SA - 32], 1);
}

/* The live pair of a side (exactly one). */
static const struct t_child *
live_one(const struct t_side *s)
{
	const struct t_child *c = NULL;

	for (int i = 0; i < s->nchildren; i++)
		if (!s->children[i].removed) {
			assert_null(c);
			c = &s->children[i];
		}
	assert_non_null(c);
	return c;
}

/* Both sides up with PFS for their children (a child rekey then makes a
 * DH each), the first pair's tunnel row on each side. */
static void
pfs_pair_up(uint32_t *idx_i, uint32_t *idx_r)
{
	sides_up(variants[0].ike, "aes128-sha1-modp2048!", NULL, variants[0].ike,
	    "aes128-sha1-modp2048!", NULL, NULL, NULL);
	initiate();
	pump();
	*idx_i = side_i.children[0].d.child_index;
	*idx_r = side_r.children[0].d.child_index;
}

static void
test_child_rekey_crossing(void **state)
{
	const struct t_child *i, *r;
	const struct st_child *row_i, *row_r;
	uint32_t idx_i, idx_r;
	int round, k;

	(void)state;
	pfs_pair_up(&idx_i, &idx_r);
	/* both ends rekey the pair at once, three times over: both requests
	 * are answered, the pair made by the exchange with the lowest nonce
	 * is deleted by its initiator, the old one by the other initiator */
	for (round = 1; round <= 3; round++) {
		assert_int_equal(ikev2_child_rekey(side_i.eng, idx_i), 0);
		assert_int_equal(ikev2_child_rekey(side_r.eng, idx_r), 0);
		pump();
		assert_int_equal(side_i.nchildren, 1 + 2 * round);
		assert_int_equal(side_r.nchildren, 1 + 2 * round);
		i = live_one(&side_i);
		r = live_one(&side_r);
		assert_int_equal(i->d.spi_out, r->d.spi_in);
		assert_int_equal(r->d.spi_out, i->d.spi_in);
		assert_memory_equal(i->encr_out, r->encr_in, i->d.encr_len);
		assert_memory_equal(i->integ_in, r->integ_out, i->d.integ_len);
		/* the two removed pairs went as replaced: SAs only */
		for (k = 0; k < side_i.nchildren; k++) {
			if (&side_i.children[k] != i) {
				assert_true(side_i.children[k].removed_superseded);
				assert_int_equal(side_i.children[k].removed_nts, 0);
			}
			if (&side_r.children[k] != r) {
				assert_true(side_r.children[k].removed_superseded);
				assert_int_equal(side_r.children[k].removed_nts, 0);
			}
		}
		/* every pair's SAs count for the tunnel row, the redundant
		 * one's too (the kernel may have used it until its delete) */
		for (k = 0; k < side_i.nchildren; k++) {
			assert_non_null(st_child_by_spi(side_i.children[k].d.spi_in, ST_SA_IN));
			assert_int_equal(st_child_by_spi(side_i.children[k].d.spi_in,
			    ST_SA_IN)->index, idx_i);
			assert_int_equal(st_child_by_spi(side_r.children[k].d.spi_out,
			    ST_SA_OUT)->index, idx_r);
		}
		/* one tunnel row per side, its current SAs the survivors */
		row_i = st_child_find(idx_i);
		row_r = st_child_find(idx_r);
		assert_non_null(row_i);
		assert_non_null(row_r);
		assert_int_equal(st_child_current_sa(row_i, ST_SA_IN)->spi, i->d.spi_in);
		assert_int_equal(st_child_current_sa(row_i, ST_SA_OUT)->spi, i->d.spi_out);
		assert_int_equal(st_child_current_sa(row_r, ST_SA_IN)->spi, r->d.spi_in);
		assert_int_equal(st_child_active_count(), 2);
		assert_null(st_child_hist_next(0));
		assert_int_equal(i->d.child_index, idx_i);
		assert_int_equal(r->d.child_index, idx_r);
	}
	/* no refusal on either side, nothing failed */
	assert_int_equal(ike_row(1)->c.in_p2_exchg_reject, 0);
	assert_int_equal(ike_row(0)->c.in_p2_exchg_reject, 0);
	assert_int_equal(count_ipsec_fails(ST_IPF_PROPOSAL) +
	    count_ipsec_fails(ST_IPF_INTERNAL), 0);
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	/* the survivor deletes like any other */
	assert_int_equal(ikev2_child_delete(side_i.eng, idx_i), 0);
	pump();
	assert_int_equal(live_children(&side_i) + live_children(&side_r), 0);
	assert_non_null(st_child_hist_next(0));
}

/* The initiator of a child rekey keeps the old pair (its inbound SA
 * above all) until the peer has answered the delete, so what was in
 * flight on it still arrives. */
static void
test_child_rekey_old_kept(void **state)
{
	struct drop_spec d = { &side_r, IKEV2_EXCH_INFORMATIONAL, 1, 1, 0 };
	uint32_t idx;

	(void)state;
	seed_up();
	idx = side_i.children[0].d.child_index;
	filter = drop_some;
	filter_arg = &d;
	assert_int_equal(ikev2_child_rekey(side_i.eng, idx), 0);
	pump();
	/* the new pair is in on both sides; the responder dropped the old
	 * pair on the delete, the initiator still has it */
	assert_int_equal(side_i.nchildren, 2);
	assert_false(side_i.children[1].removed);
	assert_true(side_r.children[0].removed);
	assert_false(side_i.children[0].removed);
	/* the retransmitted delete is answered: now it goes */
	RUN_UNTIL(side_i.children[0].removed, 20000);
	assert_true(side_i.children[0].removed);
	assert_true(side_i.children[0].removed_superseded);
	assert_false(side_i.children[1].removed);
	assert_rekeyed(idx, 0);
}

static void
test_child_rekey_refused(void **state)
{
	uint32_t idx;

	(void)state;
	/* the responder insists on PFS, which the initiator's rekey lacks */
	sides_up(variants[0].ike, "aes128-sha1!", NULL, variants[0].ike,
	    "aes128-sha1-modp2048,aes128-sha1!", NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(side_i.nchildren, 1);
	idx = side_i.children[0].d.child_index;
	/* now the responder only does PFS */
	{
		char err[64];

		assert_int_equal(config_proposals_parse("aes128-sha1-modp2048!",
		    CFG_PROTO_ESP, &side_r.cfg->conns->esp, err, sizeof(err)), 0);
	}
	assert_int_equal(ikev2_child_rekey(side_i.eng, idx), 0);
	pump();
	/* refused: the old pair stays on both sides, a failure on each */
	assert_int_equal(side_i.nchildren, 1);
	assert_int_equal(live_children(&side_i), 1);
	assert_int_equal(live_children(&side_r), 1);
	assert_int_equal(count_ipsec_fails(ST_IPF_PROPOSAL), 2);
	assert_int_equal(side_i.released, 1);
	assert_int_equal(ike_row(1)->c.in_p2_exchg_reject, 1);
	assert_int_equal(ike_row(0)->c.out_p2_exchg_reject, 1);
}

static void
test_dpd(void **state)
{
	struct drop_spec drop = { NULL, 0, 0, 0, 0 };
	const struct st_ike_hist *h;

	(void)state;
	sides_up(variants[0].ike, variants[0].esp, "\tdpdaction=restart\n\tdpddelay=1s\n",
	    variants[0].ike, variants[0].esp, NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	/* a quiet second: one liveness check, answered (waited for, not
	 * timed: under valgrind on a busy host a second is not enough) */
	for (uint64_t end = loop_now_ms() + 20000; loop_now_ms() < end &&
	    side_r.sent_resp[IKEV2_EXCH_INFORMATIONAL - 32] < 1;)
		run_for(20);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	/* the peer stops answering liveness checks: lost after the
	 * retransmits, then restarted at once */
	drop.from = &side_r;
	drop.exch = IKEV2_EXCH_INFORMATIONAL;
	drop.resp = 1;
	drop.n = 100;
	filter = drop_some;
	filter_arg = &drop;
	for (uint64_t end = loop_now_ms() + 30000; loop_now_ms() < end &&
	    (h = hist_of(1)) == NULL;)
		run_for(20);
	run_for(20);
	h = hist_of(1);
	assert_non_null(h);
	assert_int_equal(h->reason, ST_TERM_PEER_LOST);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 1);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_SA_INIT - 32], 2);
	/* the new SA is up, and its INITIAL_CONTACT cleared the responder's
	 * stale one */
	assert_non_null(ike_row(1));
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(live_children(&side_i), 1);
	assert_int_equal(live_children(&side_r), 1);
	assert_int_equal(st_ike_active_count(), 2);
}

/* The responder goes silent; the initiator's DPD (dpddelay 1 s,
 * dpdtimeout 2 s, retransmits that alone would take 20 s) gives up on it
 * about 2 s after its last word. Returns the ms that took. */
static uint64_t
dpd_lose_peer(const char *extra)
{
	uint64_t t0;

	retrans_tries_s = 100;
	sides_up(variants[0].ike, variants[0].esp, extra, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	initiate();
	pump();
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(live_children(&side_i), 1);
	filter = drop_all_from;
	filter_arg = &side_r;
	t0 = loop_now_ms();
	for (int w = 0; w < 80 && hist_of(1) == NULL; w++)
		run_for(100);
	assert_non_null(hist_of(1));
	assert_int_equal(hist_of(1)->reason, ST_TERM_PEER_LOST);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 1);
	/* the SAs and their policies are gone */
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(side_i.children[0].removed_nts, 2);
	assert_false(side_i.children[0].removed_superseded);
	return loop_now_ms() - t0;
}

static void
test_dpd_clear(void **state)
{
	uint64_t ms;

	(void)state;
	ms = dpd_lose_peer("\tdpdaction=clear\n\tdpddelay=1s\n\tdpdtimeout=2s\n");
	assert_true(ms >= 1900 && ms < 15000);	/* < the 20 s of retransmits */
	/* clear: nothing more, no new negotiation, no trap */
	run_for(300);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_SA_INIT - 32], 1);
	assert_int_equal(side_i.held, 0);
	assert_null(ike_row(1));
}

static void
test_dpd_hold(void **state)
{
	uint64_t ms;

	(void)state;
	ms = dpd_lose_peer("\tdpdaction=hold\n\tdpddelay=1s\n\tdpdtimeout=2s\n");
	assert_true(ms >= 1900 && ms < 15000);	/* < the 20 s of retransmits */
	/* hold: the trap was asked for while the SAs were still in, and the
	 * engine waits for traffic to bring the tunnel back */
	assert_int_equal(side_i.held, 1);
	assert_int_equal(side_i.held_live, 1);
	run_for(300);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_SA_INIT - 32], 1);
	assert_null(ike_row(1));
	/* the trap's ACQUIRE starts it again, and the peer (back) answers;
	 * its stale SA goes on our INITIAL_CONTACT */
	filter = NULL;
	initiate();
	pump();
	assert_non_null(ike_row(1));
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(st_ike_active_count(), 2);
	assert_int_equal(live_children(&side_r), 1);
}

/* A peer that restarted comes back with INITIAL_CONTACT: the SAs we still
 * had with it are stale and go, children and all. */
static void
test_initial_contact(void **state)
{
	const struct st_ike_hist *h;
	uint32_t old_r;

	(void)state;
	seed_up();
	old_r = ike_row(0)->index;
	/* the initiator forgets everything without a word */
	t_side_down(&side_i);
	assert_int_equal(st_ike_active_count(), 1);
	t_side_up(&side_i, ADDR_I, SPI_I + 0x100, conn_text(1, variants[0].ike,
	    variants[0].esp, NULL), secrets, &tun);
	initiate();
	pump();
	assert_int_equal(st_ike_active_count(), 2);
	assert_null(st_ike_find(old_r));
	h = hist_of(0);
	assert_non_null(h);
	assert_int_equal(h->reason, ST_TERM_PEER_DEL);
	assert_int_equal(live_children(&side_r), 1);
	assert_true(side_r.children[0].removed);
	assert_false(side_r.children[1].removed);
	assert_int_equal(side_r.children[1].d.spi_out, SPI_I + 0x100);
}

/* The last datagram each side sent, as pump() delivered it. */
static struct {
	uint8_t	data[4096];
	size_t	len;
} last_from[2];

static enum t_verdict
keep_last(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	int k = from == &side_i ? 0 : 1;

	(void)arg;
	assert_true(len <= sizeof(last_from[k].data));
	memcpy(last_from[k].data, p, len);
	last_from[k].len = len;
	return T_PASS;
}

/* The responder restarts (SIGKILL: the peer is not told) and forgets the
 * IKE SA: a request on it is answered with an unprotected INVALID_IKE_SPI
 * notify, SPIs and message ID copied (RFC 7296 2.21.4), and nothing else
 * happens: no state on the responder, none changed on the initiator, no
 * answer to a response, and a flood of such requests is answered only in
 * part. */
static void
test_invalid_ike_spi(void **state)
{
	struct ikev2_engine_stats st;
	const uint8_t *a;
	uint8_t resp[4096];
	uint64_t t0, t1;
	uint32_t old_i;
	unsigned long max;
	int i, sent_i;

	(void)state;
	seed_up();
	old_i = ike_row(1)->index;
	t_side_down(&side_r);
	t_side_up(&side_r, ADDR_R, SPI_R + 0x100, conn_text(0, variants[0].ike,
	    variants[0].esp, NULL), secrets, &tun);
	assert_int_equal(st_ike_active_count(), 1);
	filter = keep_last;
	sent_i = side_i.sent;
	assert_int_equal(ikev2_liveness(side_i.eng, old_i), 0);
	pump();
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	assert_int_equal(side_r.sent, 1);
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_INFORMATIONAL - 32], 1);
	a = last_from[1].data;
	/* header + an unprotected notify of no SPI and no data */
	assert_int_equal(last_from[1].len, 28 + 8);
	assert_memory_equal(a, last_from[0].data, 16);		/* SPIs */
	assert_memory_equal(a + 20, last_from[0].data + 20, 4);	/* message ID */
	assert_int_equal(a[16], IKEV2_PL_NOTIFY);
	assert_int_equal(a[19], IKEV2_FLAG_RESPONSE);	/* from the responder */
	assert_int_equal(a[28 + 6] << 8 | a[28 + 7], IKEV2_N_INVALID_IKE_SPI);
	/* no state on the responder */
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.sas, 0);
	assert_int_equal(st.half_open, 0);
	assert_int_equal(st.invalid_spi, 1);
	/* the initiator neither answers nor acts on it (it is unprotected):
	 * its SA stays until its retransmissions run out */
	assert_int_equal(side_i.sent, sent_i + 1);
	assert_non_null(st_ike_find(old_i));
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);

	/* a response on unknown SPIs is not answered */
	memcpy(resp, last_from[0].data, last_from[0].len);
	resp[19] |= IKEV2_FLAG_RESPONSE;
	ikev2_input(side_r.eng, &side_i.addr, 500, &side_r.addr, 500, resp,
	    last_from[0].len);
	assert_int_equal(nqueue, 0);
	assert_int_equal(side_r.sent, 1);

	/* a flood of requests on unknown SPIs: at most 100 answers a second */
	t0 = loop_now_ms();
	for (i = 0; i < 400; i++) {
		ikev2_input(side_r.eng, &side_i.addr, 500, &side_r.addr, 500,
		    last_from[0].data, last_from[0].len);
		drain();
	}
	t1 = loop_now_ms();
	ikev2_engine_stats(side_r.eng, &st);
	/* the burst may straddle two one-second windows, and more on a slow
	 * machine */
	max = 100 * (unsigned long)((t1 - t0) / 1000 + 2);
	assert_true(st.invalid_spi - 1 <= max);
	assert_int_equal(st.invalid_spi - 1 + st.invalid_spi_quiet, 400);
	assert_int_equal(st.sas, 0);
	assert_int_equal(side_r.sent, 1 + (int)(st.invalid_spi - 1));
}

static int
count_hist(enum st_term reason)
{
	const struct st_ike_hist *h;
	int n = 0;

	for (h = st_ike_hist_next(0); h; h = st_ike_hist_next(h->index))
		if (h->reason == reason)
			n++;
	return n;
}

/* Both IKE SAs (initiator's and responder's rows) tell when they rekey:
 * ikelifetime 1440m - rekeymargin 3m, in the MIB's
 * cikeTunSaRefreshThreshold and in statusall's "rekeying in". */
static void
assert_ike_rekey_shown(void)
{
	struct buf *out = buf_new(4096);
	const struct fm_ike_tun *t;
	const char *s;
	int n = 0;

	assert_int_equal(fm_refresh(), 0);
	assert_int_equal(fm_tables[FM_T_IKE_TUN].nrows, 2);
	for (size_t i = 0; i < fm_tables[FM_T_IKE_TUN].nrows; i++) {
		t = fm_row_at(&fm_tables[FM_T_IKE_TUN], i);
		assert_int_equal(t->p.refresh_threshold, 86220);
		assert_int_equal(t->p.lifetime, 86400);
	}
	fm_free();
	assert_non_null(out);
	show_statusall(out);
	assert_true(buf_put_u8(out, 0) == 0);
	for (s = (const char *)out->data; (s = strstr(s, "pre-shared key rekeying in 23 hours")) != NULL; s++)
		n++;
	assert_int_equal(n, 2);
	buf_free(out);
}

/* After an IKE rekey: two new rows up, the old two in the history as
 * normal ends, the children under the new rows and still usable. */
static void
assert_ike_rekeyed_n(uint32_t old_i, uint32_t old_r, int ended)
{
	const struct st_ike *ike;
	const struct st_child *ch;
	int n = 0;

	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index)) {
		assert_true(ike->index != old_i && ike->index != old_r);
		assert_int_equal(ike->state, ST_IKE_ESTABLISHED);
		assert_int_equal(ike->algs.dh, 5);
		assert_int_equal(ike->rekey_after, 86220);
		n++;
	}
	assert_int_equal(n, 2);
	assert_ike_rekey_shown();
	assert_int_equal(count_hist(ST_TERM_NORMAL), ended);
	assert_int_equal(st_child_active_count(), 2);
	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		assert_non_null(st_ike_find(ch->ike_index));
	assert_int_equal(live_children(&side_i), 1);
	assert_int_equal(live_children(&side_r), 1);
	/* the children work under the new SA: a rekey of one, then a delete */
	assert_int_equal(ikev2_child_rekey(side_i.eng, side_i.children[0].d.child_index), 0);
	pump();
	assert_int_equal(side_i.nchildren, 2);
	assert_int_equal(live_children(&side_r), 1);
	assert_int_equal(ikev2_terminate(side_r.eng, "ciscoios"), 1);
	pump();
	assert_int_equal(st_ike_active_count(), 0);
	assert_int_equal(live_children(&side_i) + live_children(&side_r), 0);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 0);
}

static void
assert_ike_rekeyed(uint32_t old_i, uint32_t old_r)
{
	assert_ike_rekeyed_n(old_i, old_r, 2);
}

static void
test_ike_rekey_by_initiator(void **state)
{
	uint32_t oi, or;

	(void)state;
	seed_up();
	oi = ike_row(1)->index;
	or = ike_row(0)->index;
	assert_int_equal(ikev2_ike_rekey(side_i.eng, oi), 0);
	assert_int_equal(ikev2_ike_rekey(side_i.eng, or), -1);	/* not this engine's */
	pump();
	/* the new IKE SA: its initiator started the rekey */
	assert_int_equal(ike_row(1)->spi_i, ike_row(0)->spi_i);
	assert_true(ike_row(1)->index != oi);
	assert_ike_rekeyed(oi, or);
}

/* The operator's down while our IKE rekey is in flight: the request is
 * for the tunnel, so the new IKE SA goes too, not only the old one. */
static void
test_down_during_ike_rekey(void **state)
{
	(void)state;
	seed_up();
	assert_int_equal(ikev2_ike_rekey(side_i.eng, ike_row(1)->index), 0);
	assert_int_equal(ikev2_terminate(side_i.eng, "ciscoios"), 1);
	pump();
	assert_int_equal(live_children(&side_i), 0);
	assert_int_equal(live_children(&side_r), 0);
	assert_null(st_ike_next(0));
	assert_int_equal(st_child_active_count(), 0);
}

static void
test_ike_rekey_by_responder(void **state)
{
	uint32_t oi, or;

	(void)state;
	seed_up();
	oi = ike_row(1)->index;
	or = ike_row(0)->index;
	assert_int_equal(ikev2_ike_rekey(side_r.eng, or), 0);
	pump();
	assert_ike_rekeyed(oi, or);
}

static void
test_ike_rekey_crossing(void **state)
{
	uint32_t oi, or;

	(void)state;
	seed_up();
	oi = ike_row(1)->index;
	or = ike_row(0)->index;
	/* both at once, twice over (§2.8.2): both answered, the IKE SA
	 * made by the exchange with the lowest nonce deleted by its
	 * initiator, the old one by the other; the children end up on the
	 * survivor, which both sides share */
	for (int round = 1; round <= 2; round++) {
		struct ikev2_engine_stats sti, str;

		/* which row is whose depends on who won the last round */
		if (ikev2_ike_rekey(side_i.eng, oi) == 0) {
			assert_int_equal(ikev2_ike_rekey(side_r.eng, or), 0);
		} else {
			assert_int_equal(ikev2_ike_rekey(side_i.eng, or), 0);
			assert_int_equal(ikev2_ike_rekey(side_r.eng, oi), 0);
		}
		pump();
		assert_int_equal(st_ike_active_count(), 2);
		assert_null(st_ike_find(oi));
		assert_null(st_ike_find(or));
		assert_int_equal(ike_row(1)->spi_i, ike_row(0)->spi_i);
		assert_int_equal(ike_row(1)->spi_r, ike_row(0)->spi_r);
		assert_int_equal(ike_row(1)->c.in_p2_exchg_reject, 0);
		assert_int_equal(ike_row(0)->c.in_p2_exchg_reject, 0);
		ikev2_engine_stats(side_i.eng, &sti);
		ikev2_engine_stats(side_r.eng, &str);
		assert_int_equal(sti.sas, 1);
		assert_int_equal(str.sas, 1);
		assert_int_equal(st_child_count_for_ike(ike_row(1)->index), 1);
		assert_int_equal(st_child_count_for_ike(ike_row(0)->index), 1);
		assert_int_equal(live_children(&side_i), 1);
		/* old two plus the winner's row of the redundant SA */
		assert_int_equal(count_hist(ST_TERM_NORMAL), 3 * round);
		oi = ike_row(1)->index;
		or = ike_row(0)->index;
	}
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 0);
	assert_ike_rekeyed_n(0, 0, 6);
}

/* Drops every INFORMATIONAL request that an IKE SA's initiator sends on
 * any IKE SA but spi_i: after a crossing rekey, the delete of its
 * redundant SA by the side that made it (as when strongSwan dropped our
 * answer, took its own new SA for lost and never deleted it). */
struct orphan_spec {
	uint64_t	spi_i;
	int		dropped;
};

static enum t_verdict
drop_redundant_delete(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	struct orphan_spec *o = arg;
	uint64_t spi = 0;

	(void)from;
	(void)len;
	for (int k = 0; k < 8; k++)
		spi = spi << 8 | p[k];
	if (pkt_exch(p) == IKEV2_EXCH_INFORMATIONAL && !pkt_is_resp(p) &&
	    (p[19] & IKEV2_FLAG_INITIATOR) && spi != o->spi_i) {
		o->dropped++;
		return T_DROP;
	}
	return T_PASS;
}

static int
one_sa_each(void)
{
	struct ikev2_engine_stats sti, str;

	ikev2_engine_stats(side_i.eng, &sti);
	ikev2_engine_stats(side_r.eng, &str);
	return sti.sas == 1 && str.sas == 1;
}

/* A crossing IKE SA rekey whose redundant SA its maker never deletes:
 * the other side deletes it itself once two of the maker's tries would
 * have come, so no orphan lives on to its lifetime (one IKE SA each, the
 * children on the survivor). */
static void
test_ike_rekey_crossing_orphan(void **state)
{
	struct orphan_spec o = { 0, 0 };
	uint32_t oi, or;

	(void)state;
	seed_up();
	oi = ike_row(1)->index;
	or = ike_row(0)->index;
	o.spi_i = ike_row(1)->spi_i;
	filter = drop_redundant_delete;
	filter_arg = &o;
	assert_int_equal(ikev2_ike_rekey(side_i.eng, oi), 0);
	assert_int_equal(ikev2_ike_rekey(side_r.eng, or), 0);
	pump();
	loop_until(one_sa_each(), 5000);
	assert_true(o.dropped >= 1);
	assert_true(one_sa_each());
	assert_int_equal(st_ike_active_count(), 2);
	assert_int_equal(ike_row(1)->spi_i, ike_row(0)->spi_i);
	assert_int_equal(ike_row(1)->spi_r, ike_row(0)->spi_r);
	assert_int_equal(st_child_count_for_ike(ike_row(1)->index), 1);
	assert_int_equal(st_child_count_for_ike(ike_row(0)->index), 1);
	assert_int_equal(live_children(&side_i), 1);
	assert_int_equal(live_children(&side_r), 1);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 0);
}

/* Whether a side's engine waits for the peer to delete its redundant
 * pair of a child rekey collision (ike_child.peer_redundant). */
static int
waits_for_peer_pair(const struct t_side *s)
{
	const struct ike_sa *sa;
	const struct ike_child *ch;

	for (sa = s->eng->sas; sa; sa = sa->next)
		for (ch = sa->children; ch; ch = ch->next)
			if (ch->peer_redundant && !ch->deleting)
				return 1;
	return 0;
}

/* Drops the INFORMATIONAL requests of a side whose peer waits for it to
 * delete the redundant pair: the delete of that pair and its
 * retransmissions (the old pair's delete goes the other way). */
static enum t_verdict
drop_redundant_child_delete(const struct t_side *from, const uint8_t *p, size_t len,
    void *arg)
{
	int *dropped = arg;

	(void)len;
	if (pkt_exch(p) == IKEV2_EXCH_INFORMATIONAL && !pkt_is_resp(p) &&
	    waits_for_peer_pair(t_peer_of(from))) {
		(*dropped)++;
		return T_DROP;
	}
	return T_PASS;
}

static int
one_pair_each(void)
{
	return live_children(&side_i) == 1 && live_children(&side_r) == 1;
}

/* A crossing child rekey whose redundant pair its maker never deletes,
 * and an IKE SA rekey before the other side's wait for that delete ends:
 * the wait goes to the new IKE SA with the children, and the pair is
 * deleted there (before, the old IKE SA's timer went with it and the
 * pair lived to its lifetime). */
static void
test_child_crossing_orphan_ike_rekeyed(void **state)
{
	const struct t_side *waiter;
	const struct t_child *i, *r;
	uint32_t idx_i, idx_r, ike_w;
	int dropped = 0;

	(void)state;
	pfs_pair_up(&idx_i, &idx_r);
	filter = drop_redundant_child_delete;
	filter_arg = &dropped;
	assert_int_equal(ikev2_child_rekey(side_i.eng, idx_i), 0);
	assert_int_equal(ikev2_child_rekey(side_r.eng, idx_r), 0);
	pump();
	assert_true(dropped >= 1);
	waiter = waits_for_peer_pair(&side_i) ? &side_i : &side_r;
	assert_true(waits_for_peer_pair(waiter));
	/* the side that waits rekeys its IKE SA at once */
	ike_w = ike_row(waiter == &side_i ? 1 : 0)->index;
	assert_int_equal(ikev2_ike_rekey(waiter->eng, ike_w), 0);
	pump();
	loop_until(one_pair_each() && !waits_for_peer_pair(waiter), 5000);
	filter = NULL;
	assert_false(waits_for_peer_pair(waiter));
	assert_true(one_pair_each());
	i = live_one(&side_i);
	r = live_one(&side_r);
	assert_int_equal(i->d.spi_out, r->d.spi_in);
	assert_int_equal(r->d.spi_out, i->d.spi_in);
	assert_true(one_sa_each());
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 0);
	drain();
}

static void
test_cookie_responder(void **state)
{
	static struct capture cap;
	struct drop_spec d = { &side_r, IKEV2_EXCH_IKE_SA_INIT, 1, 1, 0 };
	struct ikev2_engine_stats st;
	const struct st_ike *ike;
	int up = 0;

	(void)state;
	cookie_threshold_r = 1;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	/* a first attempt whose answer is lost leaves a half-open SA */
	filter = drop_some;
	filter_arg = &d;
	initiate();
	pump();
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.half_open, 1);
	/* now the responder wants a cookie before it keeps any state */
	memset(&cap, 0, sizeof(cap));
	filter = capture_all;
	filter_arg = &cap;
	initiate();
	pump();
	filter = NULL;
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_IKE_SA_INIT - 32], 3);
	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		up += ike->state == ST_IKE_ESTABLISHED;
	assert_int_equal(up, 2);
	assert_int_equal(live_children(&side_r), 1);
	/* the request that carried the cookie (a notify, first payload) */
	assert_true(cap.from[2] == &side_i && pkt_exch(cap.data[2]) == IKEV2_EXCH_IKE_SA_INIT);
	assert_int_equal(cap.data[2][16], IKEV2_PL_NOTIFY);
	assert_int_equal(cap.data[2][28 + 6] << 8 | cap.data[2][28 + 7], IKEV2_N_COOKIE);
	/* replayed from another SPI, or with a made-up cookie: a fresh COOKIE
	 * answer each time, no state */
	cap.data[2][7] ^= 1;
	ikev2_input(side_r.eng, &side_i.addr, 500, &side_r.addr, 500, cap.data[2],
	    cap.len[2]);
	cap.data[2][7] ^= 1;
	cap.data[2][28 + 8 + 10] ^= 1;
	ikev2_input(side_r.eng, &side_i.addr, 500, &side_r.addr, 500, cap.data[2],
	    cap.len[2]);
	assert_int_equal(side_r.sent_resp[IKEV2_EXCH_IKE_SA_INIT - 32], 5);
	ikev2_engine_stats(side_r.eng, &st);
	assert_int_equal(st.sas, 2);
	assert_int_equal(st.half_open, 1);
	drain();
}

/* Holds back the initiator's IKE_SA_INIT requests that carry a COOKIE,
 * so the test can hand them to the responder later. */
struct held {
	int	n;
	size_t	len[2];
	uint8_t	data[2][2048];
};

static int
pkt_has_cookie(const uint8_t *p, size_t len)
{
	return len >= 36 + 4 && p[16] == IKEV2_PL_NOTIFY &&
	    (p[28 + 6] << 8 | p[28 + 7]) == IKEV2_N_COOKIE;
}

static uint32_t
cookie_version_of(const uint8_t *p)
{
	return (uint32_t)p[36] << 24 | (uint32_t)p[37] << 16 |
	    (uint32_t)p[38] << 8 | p[39];
}

static enum t_verdict
hold_cookied(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	struct held *h = arg;

	if (from != &side_i || pkt_exch(p) != IKEV2_EXCH_IKE_SA_INIT ||
	    pkt_is_resp(p) || !pkt_has_cookie(p, len))
		return T_PASS;
	assert_true(h->n < 2 && len <= sizeof(h->data[0]));
	memcpy(h->data[h->n], p, len);
	h->len[h->n++] = len;
	return T_DROP;
}

/* The responder's answer to one request handed to it, taken off the queue. */
static struct t_pkt *
respond_to(const uint8_t *req, size_t len)
{
	struct t_pkt *p;

	drain();
	ikev2_input(side_r.eng, &side_i.addr, 500, &side_r.addr, 500, req, len);
	assert_int_equal(nqueue, 1);
	p = queue[--nqueue];
	assert_true(p->from == &side_r && pkt_is_resp(p->data) &&
	    pkt_exch(p->data) == IKEV2_EXCH_IKE_SA_INIT);
	return p;
}

/* The COOKIE secret changes every IKEV2_COOKIE_SWITCH_MS: a cookie of the
 * secret before is still good, one two secrets old gets a fresh COOKIE. */
static void
test_cookie_rotation(void **state)
{
	static struct held held;
	struct drop_spec d = { &side_r, IKEV2_EXCH_IKE_SA_INIT, 1, 1, 0 };
	struct ikev2_engine_stats st;
	struct ikev2_engine *e;
	uint8_t old[IKEV2_COOKIE_SECRET_LEN];
	struct t_pkt *p;
	uint32_t v0;
	int i;

	(void)state;
	cookie_threshold_r = 1;
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	e = side_r.eng;
	/* a half-open SA makes the responder ask for cookies */
	filter = drop_some;
	filter_arg = &d;
	initiate();
	pump();
	/* two attempts get a COOKIE each; their cookied requests are held */
	memset(&held, 0, sizeof(held));
	filter = hold_cookied;
	filter_arg = &held;
	for (i = 0; i < 2; i++) {
		initiate();
		pump();
	}
	filter = NULL;
	assert_int_equal(held.n, 2);
	v0 = e->cookie_version;
	assert_int_equal(cookie_version_of(held.data[0]), v0);
	assert_int_equal(cookie_version_of(held.data[1]), v0);
	ikev2_engine_stats(e, &st);
	assert_int_equal(st.cookies, 2);
	assert_int_equal(st.half_open, 1);

	/* one switch: the first held cookie (previous secret) is accepted */
	memcpy(old, e->cookie_secret[0], sizeof(old));
	e->cookie_since -= IKEV2_COOKIE_SWITCH_MS;
	p = respond_to(held.data[0], held.len[0]);
	assert_int_equal(p->data[16], IKEV2_PL_SA);
	free(p);
	assert_int_equal(e->cookie_version, v0 + 1);
	assert_memory_equal(e->cookie_secret[1], old, sizeof(old));
	assert_memory_not_equal(e->cookie_secret[0], old, sizeof(old));
	ikev2_engine_stats(e, &st);
	assert_int_equal(st.cookies, 2);
	assert_int_equal(st.sas, 2);
	assert_int_equal(st.half_open, 2);

	/* a second switch: a cookie of the same age is two secrets old now,
	 * refused with a COOKIE of the current secret, no state kept */
	memcpy(old, e->cookie_secret[0], sizeof(old));
	e->cookie_since -= IKEV2_COOKIE_SWITCH_MS;
	p = respond_to(held.data[1], held.len[1]);
	assert_true(pkt_has_cookie(p->data, p->len));
	assert_int_equal(cookie_version_of(p->data), v0 + 2);
	free(p);
	assert_int_equal(e->cookie_version, v0 + 2);
	assert_memory_equal(e->cookie_secret[1], old, sizeof(old));
	assert_memory_not_equal(e->cookie_secret[0], old, sizeof(old));
	ikev2_engine_stats(e, &st);
	assert_int_equal(st.cookies, 3);
	assert_int_equal(st.sas, 2);
	assert_int_equal(st.half_open, 2);
	/* without a switch the same request is still refused (not by time) */
	p = respond_to(held.data[1], held.len[1]);
	assert_true(pkt_has_cookie(p->data, p->len));
	assert_int_equal(cookie_version_of(p->data), v0 + 2);
	free(p);
	assert_int_equal(e->cookie_version, v0 + 2);
}

static void
test_ipv6(void **state)
{
	static const char conf_i[] =
	    "conn v6\n\tleft=2001:db8::1\n\tleftsubnet=2001:db8:1::/48\n"
	    "\tright=2001:db8::2\n\trightsubnet=2001:db8:2::/48\n"
	    "\trightid=@gw2.example.net\n\tleftid=@gw1.example.net\n"
	    "\tkeyexchange=ikev2\n\tauthby=secret\n\tauto=add\n"
	    "\tike=aes256-sha256-ecp256!\n\tesp=aes256gcm16!\n";
	static const char conf_r[] =
	    "conn v6\n\tleft=2001:db8::2\n\tleftsubnet=2001:db8:2::/48\n"
	    "\tright=2001:db8::1\n\trightsubnet=2001:db8:1::/48\n"
	    "\tleftid=@gw2.example.net\n\trightid=@gw1.example.net\n"
	    "\tkeyexchange=ikev2\n\tauthby=secret\n\tauto=add\n"
	    "\tike=aes256-sha256-ecp256!\n\tesp=aes256gcm16!\n";
	static const char sec[] = "@gw1.example.net @gw2.example.net : PSK \"v6-secret\"\n";
	const struct t_child *i, *r;

	(void)state;
	ike_tuning_defaults(&tun);
	t_side_up(&side_i, "2001:db8::1", SPI_I, conf_i, sec, &tun);
	t_side_up(&side_r, "2001:db8::2", SPI_R, conf_r, sec, &tun);
	initiate();
	pump();
	assert_non_null(ike_row(1));
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_string_equal(ike_row(1)->remote_id, "gw2.example.net");
	assert_int_equal(ike_row(1)->remote_id_type, ST_ID_NAME);
	assert_string_equal(ike_row(0)->remote_id, "gw1.example.net");
	i = &side_i.children[0];
	r = &side_r.children[0];
	assert_int_equal(side_i.nchildren, 1);
	assert_int_equal(side_r.nchildren, 1);
	assert_int_equal(i->d.encr, 20);
	assert_int_equal(i->d.encr_len, 36);	/* AES-256 key + salt */
	assert_memory_equal(i->encr_out, r->encr_in, i->d.encr_len);
	assert_ts(&i->ts_l[0], "2001:db8:1::/48");
	assert_ts(&i->ts_r[0], "2001:db8:2::/48");
	assert_ts(&r->ts_r[0], "2001:db8:1::/48");
	assert_int_equal(child_row(ike_row(1)->index)->ts_local[0].net.plen, 48);
	assert_false(ike_row(0)->nat_local || ike_row(0)->nat_remote);
}

/* Drops the n-th (1-based) datagram from a side. */
struct drop_nth {
	const struct t_side *from;
	int	n, seen;
};

static size_t max_len;		/* largest encrypted datagram seen */

static enum t_verdict
drop_nth_from(const struct t_side *from, const uint8_t *p, size_t len, void *arg)
{
	struct drop_nth *d = arg;

	if (pkt_exch(p) != IKEV2_EXCH_IKE_SA_INIT && len > max_len)
		max_len = len;
	return from == d->from && ++d->seen == d->n ? T_DROP : T_PASS;
}

static void
test_fragments(void **state)
{
	static const char more[] =
	    "\tleftsubnet=192.168.1.0/24,10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,"
	    "10.4.0.0/16,10.5.0.0/16,10.6.0.0/16,10.7.0.0/16\n";
	static const char more_r[] =
	    "\trightsubnet=192.168.1.0/24,10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,"
	    "10.4.0.0/16,10.5.0.0/16,10.6.0.0/16,10.7.0.0/16\n";
	struct drop_nth d = { &side_i, 3, 0 };
	struct ikev2_engine_stats st;

	(void)state;
	ike_tuning_defaults(&tun);
	tun.retrans_timeout = 0.1;
	tun.retrans_tries = 3;
	tun.fragment_size = 300;
	t_side_up(&side_i, ADDR_I, SPI_I, conn_text(1, variants[0].ike,
	    variants[0].esp, more), secrets, &tun);
	t_side_up(&side_r, ADDR_R, SPI_R, conn_text(0, variants[0].ike,
	    variants[0].esp, more_r), secrets, &tun);
	/* the second fragment of IKE_AUTH is lost once */
	filter = drop_nth_from;
	filter_arg = &d;
	initiate();
	for (int w = 0; w < 30 && (ike_row(1) == NULL ||
	    ike_row(1)->state != ST_IKE_ESTABLISHED || side_r.nchildren == 0); w++)
		run_for(100);
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(side_i.nchildren, 1);
	assert_int_equal(side_r.nchildren, 1);
	assert_int_equal(side_i.children[0].d.nts_local, 8);
	assert_int_equal(side_r.children[0].d.nts_remote, 8);
	assert_memory_equal(side_i.children[0].encr_out, side_r.children[0].encr_in, 16);
	/* the IKE_AUTH request went in two pieces, then both again after
	 * the loss of the second; every datagram fits the size */
	ikev2_engine_stats(side_i.eng, &st);
	assert_true(st.retransmits >= 1);	/* more on a slow machine */
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_AUTH - 32],
	    2 * (1 + (int)st.retransmits));
	assert_true(side_r.sent_resp[IKEV2_EXCH_IKE_AUTH - 32] >= 1);
	assert_true(max_len + 48 <= 300);
	assert_int_equal(side_r.nchildren, 1);
	/* a delete afterwards is small and goes whole */
	assert_int_equal(ikev2_terminate(side_i.eng, "ciscoios"), 1);
	pump();
	assert_int_equal(st_ike_active_count(), 0);
}

static char logbuf[65536];

static void
log_capture(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	if (strlen(logbuf) + strlen(line) + 2 < sizeof(logbuf)) {
		strcat(logbuf, line);
		strcat(logbuf, "\n");
	}
}

static void
test_logs(void **state)
{
	static const char psk[] = "172.16.10.2 172.16.10.1 : PSK \"Zq8-unique-psk\"\n";
	char hex[40];
	int level = log_getlevel();

	(void)state;
	logbuf[0] = '\0';
	log_setlevel(LOG_DEBUG);
	log_set_sink(log_capture, NULL);
	sides_up(variants[0].ike, variants[0].esp, NULL, variants[0].ike,
	    variants[0].esp, NULL, psk, psk);
	initiate();
	pump();
	assert_int_equal(ikev2_terminate(side_i.eng, "ciscoios"), 1);
	pump();
	log_set_sink(NULL, NULL);
	log_setlevel(level);
	/* Cisco's session lines, from the initiator's and the responder's view */
	assert_non_null(strstr(logbuf, "%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is UP. "
	    "Peer 172.16.10.2:4500 Id: 172.16.10.2"));
	assert_non_null(strstr(logbuf, "%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is UP. "
	    "Peer 172.16.10.1:4500 Id: 172.16.10.1"));
	assert_non_null(strstr(logbuf, "Crypto tunnel v2 is DOWN. Peer 172.16.10.2:4500"));
	/* no secret anywhere: not the PSK, not a key */
	assert_null(strstr(logbuf, "Zq8-unique-psk"));
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", side_i.children[0].encr_out[i]);
	assert_null(strstr(logbuf, hex));
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02X", side_i.children[0].encr_out[i]);
	assert_null(strstr(logbuf, hex));
}

static void
test_nat(void **state)
{
	const struct t_child *i, *r;
	char abuf[ADDR_STRLEN], abuf2[ADDR_STRLEN];
	int n;

	(void)state;
	nat.on = 1;
	assert_int_equal(addr_parse("198.51.100.1", &nat.pub), 0);
	/* the responder takes its peer from anywhere, knowing it by its ID */
	keepalive_s = 0.04;
	sides_up(variants[0].ike, variants[0].esp, "\tmobike=no\n", variants[0].ike,
	    variants[0].esp, "\tright=%any\n\tmobike=no\n", NULL, NULL);
	initiate();
	pump();
	assert_non_null(ike_row(1));
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	/* both see the NAT, on the right side of it */
	assert_true(ike_row(1)->nat_local);
	assert_false(ike_row(1)->nat_remote);
	assert_true(ike_row(0)->nat_remote);
	assert_false(ike_row(0)->nat_local);
	/* IKE_AUTH moved to 4500 even without MOBIKE; ESP goes in UDP to the
	 * NAT's mapping */
	assert_int_equal(side_i.last_dport, 4500);
	i = &side_i.children[0];
	r = &side_r.children[0];
	assert_true(i->d.encap);
	assert_true(r->d.encap);
	assert_int_equal(i->d.local_port, 4500);
	assert_int_equal(i->d.remote_port, 4500);
	assert_int_equal(r->d.remote_port, 1025);
	assert_string_equal(ike_row(0)->remote_id, ADDR_I);
	assert_int_equal(ike_row(0)->remote_port, 1025);
	assert_int_equal(child_row(ike_row(0)->index)->encap, 1);
	/* only the side behind the NAT keeps its mapping open */
	for (int w = 0; w < 40 && side_i.keepalives < 2; w++)
		run_for(55);	/* a loaded machine may be late */
	assert_true(side_i.keepalives >= 2);
	assert_int_equal(side_i.keepalive_dport, 4500);
	assert_int_equal(side_r.keepalives, 0);
	/* the NAT forgets its mapping and picks new ports: the responder
	 * follows on the next authentic request (§2.23), its SAs too, with
	 * no keys asked for */
	assert_int_equal(side_r.updated, 0);
	nat.shift = 100;
	assert_int_equal(ikev2_liveness(side_i.eng, ike_row(1)->index), 0);
	pump();
	assert_int_equal(ike_row(0)->remote_port, 1125);
	assert_int_equal(side_r.updated, 1);
	assert_int_equal(side_r.last_update.spi_in, r->d.spi_in);
	assert_int_equal(side_r.last_update.spi_out, r->d.spi_out);
	assert_int_equal(side_r.last_update.remote_port, 1125);
	assert_int_equal(side_r.last_update.local_port, 4500);
	assert_true(side_r.last_update.encap);
	assert_null(side_r.last_update.encr_in);
	assert_int_equal(side_r.last_update.encr_len, r->d.encr_len);
	assert_int_equal(side_r.last_update.integ_len, r->d.integ_len);
	assert_int_equal(side_r.last_update.life.hard_sec, r->d.life.hard_sec);
	/* the side behind the NAT saw nothing move */
	assert_int_equal(side_i.updated, 0);
	/* the NAT comes back with another public address: followed too, the
	 * SAs told where they were */
	assert_int_equal(addr_parse("198.51.100.2", &nat.pub), 0);
	assert_int_equal(ikev2_liveness(side_i.eng, ike_row(1)->index), 0);
	pump();
	assert_int_equal(side_r.updated, 2);
	assert_string_equal(addr_str(&side_r.last_update.remote, abuf, sizeof(abuf)),
	    "198.51.100.2");
	assert_string_equal(addr_str(&side_r.last_update.old_remote, abuf, sizeof(abuf)),
	    "198.51.100.1");
	assert_string_equal(addr_str(&side_r.last_update.old_local, abuf, sizeof(abuf)),
	    addr_str(&side_r.last_update.local, abuf2, sizeof(abuf2)));
	assert_int_equal(side_r.last_update.remote_port, 1125);
	assert_int_equal(side_i.updated, 0);
	/* the tunnel's row (cipSecTunRemoteAddr) too */
	assert_string_equal(addr_str(&child_row(ike_row(0)->index)->remote, abuf,
	    sizeof(abuf)), "198.51.100.2");
	/* a kernel that cannot move the SAs: the child is rekeyed instead, its
	 * new pair made for the new address, the old one replaced */
	side_r.update_fails = 1;
	n = side_r.nchildren;
	assert_int_equal(addr_parse("198.51.100.3", &nat.pub), 0);
	assert_int_equal(ikev2_liveness(side_i.eng, ike_row(1)->index), 0);
	pump();
	assert_int_equal(side_r.updated, 3);
	assert_int_equal(side_r.nchildren, n + 1);
	assert_string_equal(addr_str(&side_r.children[n].d.remote, abuf, sizeof(abuf)),
	    "198.51.100.3");
	assert_int_equal(side_r.children[n].d.child_index, r->d.child_index);
	assert_true(side_r.children[n - 1].removed_superseded);
	assert_int_equal(live_children(&side_r), 1);
	assert_int_equal(live_children(&side_i), 1);
	side_r.update_fails = 0;
	/* and the responder's delete reaches the initiator through the NAT */
	assert_int_equal(ikev2_terminate(side_r.eng, "ciscoios"), 1);
	pump();
	assert_int_equal(st_ike_active_count(), 0);
	n = side_i.keepalives;
	run_for(100);
	assert_int_equal(side_i.keepalives, n);
}

static void
test_child_rekey_invalid_ke(void **state)
{
	uint32_t idx;

	(void)state;
	/* our PFS group of choice is modp2048; the peer only takes ecp256 */
	sides_up(variants[0].ike, "aes128-sha1-modp2048-ecp256!", NULL, variants[0].ike,
	    "aes128-sha1-ecp256!", NULL, NULL, NULL);
	initiate();
	pump();
	idx = side_i.children[0].d.child_index;
	assert_int_equal(ikev2_child_rekey(side_i.eng, idx), 0);
	pump();
	/* asked once, answered with ecp256 the second time */
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_CREATE_CHILD_SA - 32], 2);
	assert_int_equal(side_i.released, 1);
	assert_int_equal(count_ipsec_fails(ST_IPF_PROPOSAL), 0);
	assert_int_equal(side_i.nchildren, 2);
	assert_int_equal(live_children(&side_i), 1);
	assert_int_equal(live_children(&side_r), 1);
	assert_int_equal(st_child_find(idx)->algs.dh, 19);
	assert_int_equal(side_i.children[1].d.spi_in, SPI_I + 2);
	assert_memory_equal(side_i.children[1].encr_out, side_r.children[1].encr_in, 16);
}

static void
test_ike_lifetime(void **state)
{
	uint64_t t0;

	(void)state;
	/* no rekeying: the IKE SA simply ends when its lifetime is over */
	sides_up(variants[0].ike, variants[0].esp,
	    "\tikelifetime=1s\n\trekeymargin=0s\n\trekey=no\n", variants[0].ike,
	    variants[0].esp, NULL, NULL, NULL);
	t0 = loop_now_ms();
	initiate();
	pump();
	assert_int_equal(ike_row(1)->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ike_row(1)->lifetime, 1);
	/* gone at its lifetime, never before: it was set up after t0 */
	RUN_UNTIL(ike_row(1) == NULL, 20000);
	assert_true(loop_now_ms() - t0 >= 1000);
	assert_null(ike_row(1));
	assert_null(ike_row(0));
	assert_int_equal(hist_of(1)->reason, ST_TERM_NORMAL);
	assert_int_equal(hist_of(0)->reason, ST_TERM_PEER_DEL);
	assert_int_equal(live_children(&side_i) + live_children(&side_r), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)
		T(test_up_seed),
		T(test_up_modp2048),
		T(test_up_ecp256_gcm),
		T(test_up_curve25519_gcm_ike),
		T(test_up_no_mobike_stays_on_500),
		T(test_wrong_psk),
		T(test_no_proposal_chosen),
		T(test_invalid_ke_retry),
		T(test_ke_promoted_without_round_trip),
		T(test_lost_response_retransmit),
		T(test_lost_init_response),
		T(test_peer_silent),
		T(test_peer_silent_keyingtries),
		T(test_auth_timeout),
		T(test_child_rekey_timeout),
		T(test_duplicate_request),
		T(test_delete_ike_by_initiator),
		T(test_delete_ike_by_responder),
		T(test_terminate_by_index),
		T(test_reauth_continues_tunnel),
		T(test_reauth_out_before_answer),
		T(test_delete_child),
		T(test_liveness),
		T(test_ts_narrowed),
		T(test_ts_unacceptable),
		T(test_esp_mismatch),
		T(test_transport),
		T(test_garbage_dropped),
		T(test_cookie),
		T(test_cookie_loop_paced),
		T(test_conn_lifecycle_hooks),
		T(test_mutated_messages),
		T(test_child_rekey_by_initiator),
		T(test_child_rekey_by_responder_pfs),
		T(test_dpd_clear),
		T(test_dpd_hold),
		T(test_initial_contact),
		T(test_invalid_ike_spi),
		T(test_child_rekey_crossing),
		T(test_child_rekey_old_kept),
		T(test_child_rekey_refused),
		T(test_dpd),
		T(test_ike_rekey_by_initiator),
		T(test_down_during_ike_rekey),
		T(test_ike_rekey_by_responder),
		T(test_ike_rekey_crossing),
		T(test_ike_rekey_crossing_orphan),
		T(test_child_crossing_orphan_ike_rekeyed),
		T(test_cookie_responder),
		T(test_cookie_rotation),
		T(test_ipv6),
		T(test_fragments),
		T(test_logs),
		T(test_nat),
		T(test_child_rekey_invalid_ke),
		T(test_ike_lifetime),
#undef T
	};

	log_init("test_ikev2_engine", getenv("T_LOG") != NULL, 0); if (getenv("T_LOG")) log_setlevel(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
