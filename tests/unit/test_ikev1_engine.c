/* The IKEv1 engine as responder, fed Main Mode first messages made with
 * the codec: the answer (the chosen transform as offered, a fresh
 * responder cookie, a state row of version 1), the same answer again for
 * a duplicate, NO-PROPOSAL-CHOSEN and a failure record for a policy the
 * seed's configuration does not accept, Aggressive Mode refused without
 * aggressive=yes (and with it, both roles, a wrong key, a group the KE
 * fixes that the responder does not take), and
 * malformed datagrams dropped. Then an initiator engine against a
 * responder engine, message by message: IOS's Main Mode states on the way,
 * Quick Mode, the SAs each side installs; an initiator whose peer is
 * silent; and a NATed peer's new port followed once a message from it
 * proves authentic. The full exchanges run against strongSwan in the test
 * bed (ikev1-seed-responder, ikev1-seed-initiator, ikev1-failures,
 * ikev1-natt). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/loop.h"
#include "config/config.h"
#include "keying/ikev1_exchange.h"
#include "keying/ikev1_msg.h"
#include "keying/ikev1_sa.h"		/* IKEV1_REKEY_GRACE_MS */
#include "state/state.h"

static const char conf[] =
    "conn %default\n"
    "  keyexchange=ikev1\n"
    "  authby=secret\n"
    "conn ciscoios\n"
    "  left=192.0.2.2\n"
    "  leftsubnet=203.0.113.0/24\n"
    "  right=192.0.2.1\n"
    "  rightsubnet=198.51.100.0/24\n"
    "  auto=add\n"
    "  ike=aes128-md5-modp1536\n"
    "  esp=aes128-sha1\n";
static const char secrets[] = "192.0.2.2 192.0.2.1 : PSK cisco\n";

static char tdir[64];
static struct ifl_config *cfg;
static struct ifl_addr us, peer;
static struct buf *sent[8];
static int nsent;

static int
t_send(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	(void)arg;
	assert_int_equal(addr_cmp(src, &us), 0);
	assert_int_equal(addr_cmp(dst, &peer), 0);
	assert_int_equal(sport, 500);
	assert_int_equal(dport, 500);
	assert_true(nsent < 8);
	sent[nsent++] = buf_from(pkt, len);
	return 0;
}

static const struct cfg_conn *
t_conn(void *arg, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	(void)arg;
	return addr_cmp(local, &cfg->conns->left.addr) == 0 &&
	    addr_cmp(remote, &cfg->conns->right.addr) == 0 ? cfg->conns : NULL;
}

static const char *
put(const char *name, const char *text)
{
	static char path[2][128];
	static int slot;
	char *p = path[slot++ % 2];
	int fd;

	snprintf(p, 128, "%s/%s", tdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return p;
}

static int
setup(void **state)
{
	struct cfg_daemon d;

	(void)state;
	snprintf(tdir, sizeof(tdir), "/tmp/ikev1-engine-XXXXXX");
	assert_non_null(mkdtemp(tdir));
	assert_int_equal(loop_init(), 0);
	assert_int_equal(st_init(), 0);
	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    put("ipsec.conf", conf));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    put("ipsec.secrets", secrets));
	assert_non_null(cfg = config_load(&d));
	assert_int_equal(cfg->conns->ike_version, 1);
	assert_int_equal(addr_parse("192.0.2.2", &us), 0);
	assert_int_equal(addr_parse("192.0.2.1", &peer), 0);
	nsent = 0;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[100];

	(void)state;
	while (nsent > 0)
		buf_free(sent[--nsent]);
	config_free(cfg);
	st_free();
	loop_free();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static struct ikev1_engine *
engine_tuned(const struct ike_tuning *t)
{
	struct ike_env env;
	struct ikev1_engine *e;

	memset(&env, 0, sizeof(env));
	env.send = t_send;
	env.conn_by_addr_v1 = t_conn;
	assert_non_null(e = ikev1_engine_new(&env, t));
	return e;
}

static struct ikev1_engine *
engine(void)
{
	return engine_tuned(NULL);
}

/* Unset times and ports in a given tuning take the defaults, as in the
 * IKEv2 engine: a zero retransmit timeout would resend at once. */
static void
test_tuning_unset_defaults(void **state)
{
	struct ike_tuning t;
	struct ikev1_engine *e;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.retrans_tries = 2;
	e = engine_tuned(&t);
	assert_true(e->tun.retrans_timeout == 4.0);
	assert_true(e->tun.retrans_base == 1.8);
	assert_int_equal(e->tun.ike_port, IKE_PORT);
	assert_int_equal(e->tun.natt_port, IKE_NATT_PORT);
	assert_int_equal(e->tun.retrans_tries, 2);
	ikev1_engine_free(e);
}

/* Main Mode message 1 offering one ISAKMP transform. */
static struct buf *
mm1(uint64_t icookie, uint8_t exch, uint16_t encr, uint16_t hash,
    uint16_t group)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct ikev1_sa sa;
	struct buf *b = buf_new(0), *attrs = buf_new(0);

	ikev1_attr_put(attrs, IKEV1_A_ENCR, encr, 0);
	if (encr == IKEV1_ENCR_AES)
		ikev1_attr_put(attrs, IKEV1_A_KEY_LENGTH, 128, 0);
	ikev1_attr_put(attrs, IKEV1_A_HASH, hash, 0);
	ikev1_attr_put(attrs, IKEV1_A_GROUP, group, 0);
	ikev1_attr_put(attrs, IKEV1_A_AUTH, IKEV1_AUTH_PSK, 0);
	ikev1_attr_put(attrs, IKEV1_A_LIFE_TYPE, IKEV1_LIFE_SECONDS, 0);
	ikev1_attr_put(attrs, IKEV1_A_LIFE_DURATION, 86400, 1);
	memset(&sa, 0, sizeof(sa));
	sa.doi = IKEV1_DOI_IPSEC;
	sa.situation = IKEV1_SIT_IDENTITY_ONLY;
	sa.nprop = 1;
	sa.prop[0].num = 1;
	sa.prop[0].proto = IKEV1_PROTO_ISAKMP;
	sa.prop[0].nxf = 1;
	sa.prop[0].xf[0].num = 1;
	sa.prop[0].xf[0].id = IKEV1_KEY_IKE;
	sa.prop[0].xf[0].attrs = attrs->data;
	sa.prop[0].xf[0].attrs_len = attrs->len;
	memset(&h, 0, sizeof(h));
	h.icookie = icookie;
	h.exchange = exch;
	ikev1_build_msg(&bl, b, &h);
	assert_int_equal(ikev1_build_sa(&bl, &sa), 0);
	assert_int_equal(ikev1_build_finish(&bl), 0);
	buf_free(attrs);
	return b;
}

static void
input(struct ikev1_engine *e, const struct buf *b)
{
	ikev1_input(e, &peer, 500, &us, 500, b->data, b->len);
}

static unsigned
fails(enum st_ike_fail reason)
{
	const struct st_ike_failrec *f;
	unsigned n = 0;

	for (f = st_ike_fail_next(0); f; f = st_ike_fail_next(f->index))
		n += f->reason == reason;
	return n;
}

static void
test_answer_and_duplicate(void **state)
{
	struct ikev1_engine *e = engine();
	struct buf *m = mm1(0x1122334455667788ULL, IKEV1_EXCH_MAIN,
	    IKEV1_ENCR_AES, IKEV1_HASH_SHA1, 5);
	struct ikev1_engine_stats st;
	struct ike_perr err;
	struct ikev1_msg *r;
	struct ikev1_sa sa, offered;
	struct ikev1_msg *q;
	const struct st_ike *row;

	(void)state;
	input(e, m);
	assert_int_equal(nsent, 1);
	r = ikev1_msg_parse(sent[0]->data, sent[0]->len, &err);
	assert_non_null(r);
	assert_true(r->hdr.icookie == 0x1122334455667788ULL);
	assert_true(r->hdr.rcookie != 0);
	assert_int_equal(r->hdr.exchange, IKEV1_EXCH_MAIN);
	assert_int_equal(ikev1_pl_sa(ikev1_msg_get(r, IKEV1_PL_SA, 0), &sa,
	    &err), 0);
	q = ikev1_msg_parse(m->data, m->len, &err);
	assert_int_equal(ikev1_pl_sa(ikev1_msg_get(q, IKEV1_PL_SA, 0),
	    &offered, &err), 0);
	/* non-strict ike=aes128-md5-modp1536 takes IOS's AES/SHA/group 5 */
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.prop[0].nxf, 1);
	assert_int_equal(sa.prop[0].xf[0].attrs_len,
	    offered.prop[0].xf[0].attrs_len);
	assert_memory_equal(sa.prop[0].xf[0].attrs, offered.prop[0].xf[0].attrs,
	    offered.prop[0].xf[0].attrs_len);
	row = st_ike_next(0);
	assert_non_null(row);
	assert_int_equal(row->version, 1);
	assert_int_equal(row->state, ST_IKE_CONNECTING);
	assert_true(row->spi_r == r->hdr.rcookie);

	/* the same message again: the same answer, no new SA */
	input(e, m);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1]->len, sent[0]->len);
	assert_memory_equal(sent[1]->data, sent[0]->data, sent[0]->len);
	ikev1_engine_stats(e, &st);
	assert_int_equal(st.sas, 1);
	assert_int_equal(st.resent_responses, 1);

	/* a truncated one is dropped, nothing answered */
	ikev1_input(e, &peer, 500, &us, 500, m->data, m->len - 1);
	assert_int_equal(nsent, 2);
	ikev1_engine_stats(e, &st);
	assert_int_equal(st.drops, 1);
	ikev1_msg_free(r);
	ikev1_msg_free(q);
	buf_free(m);
	ikev1_engine_free(e);
	assert_null(st_ike_next(0));
}

static void
test_no_proposal(void **state)
{
	struct ikev1_engine *e = engine();
	struct buf *m = mm1(0xabcdULL, IKEV1_EXCH_MAIN, IKEV1_ENCR_3DES,
	    IKEV1_HASH_SHA1, 19);	/* 3DES with ECP-256: in no list */
	struct ikev1_notify n;
	struct ike_perr err;
	struct ikev1_msg *r;

	(void)state;
	input(e, m);
	assert_int_equal(nsent, 1);
	r = ikev1_msg_parse(sent[0]->data, sent[0]->len, &err);
	assert_non_null(r);
	assert_int_equal(r->hdr.exchange, IKEV1_EXCH_INFO);
	assert_int_equal(ikev1_pl_notify(ikev1_msg_get(r, IKEV1_PL_NOTIFY, 0),
	    &n, &err), 0);
	assert_int_equal(n.type, IKEV1_N_NO_PROPOSAL_CHOSEN);
	assert_int_equal(fails(ST_IKEF_PROPOSAL), 1);
	assert_null(st_ike_next(0));	/* the row ended with the SA */
	ikev1_msg_free(r);
	buf_free(m);
	ikev1_engine_free(e);
}

static void
test_aggressive_refused(void **state)
{
	struct ikev1_engine *e = engine();
	struct buf *m = mm1(0x77ULL, IKEV1_EXCH_AGGRESSIVE, IKEV1_ENCR_AES,
	    IKEV1_HASH_SHA1, 5);
	const struct st_ike_failrec *f;

	(void)state;
	input(e, m);
	assert_int_equal(nsent, 0);
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_string_equal(f->conn, "ciscoios");
	assert_int_equal(addr_cmp(&f->remote, &peer), 0);
	assert_non_null(strstr(f->detail, "Aggressive Mode refused"));
	buf_free(m);
	ikev1_engine_free(e);
}

/* A peer that never sends message 3: the SA fails at half_open_timeout
 * (a failure record, its row ended) and is freed without more input. */
static void
test_half_open_timeout(void **state)
{
	struct ike_tuning t;
	struct ikev1_engine *e;
	struct ikev1_engine_stats st;
	struct buf *m = mm1(0x99ULL, IKEV1_EXCH_MAIN, IKEV1_ENCR_AES,
	    IKEV1_HASH_SHA1, 5);
	uint64_t end;

	(void)state;
	ike_tuning_defaults(&t);
	t.half_open_timeout = 1;
	e = engine_tuned(&t);
	input(e, m);
	assert_int_equal(nsent, 1);
	assert_non_null(st_ike_next(0));
	end = loop_now_ms() + 20000;	/* a cap: the wait ends with its condition */
	while (fails(ST_IKEF_PEER_LOST) == 0 && loop_now_ms() < end)
		loop_once(100);
	assert_int_equal(fails(ST_IKEF_PEER_LOST), 1);
	assert_null(st_ike_next(0));
	ikev1_engine_stats(e, &st);
	assert_int_equal(st.sas, 0);
	buf_free(m);
	ikev1_engine_free(e);
}

/* Reloads the configuration with ciscoios naming no ike= / esp=, IOS's
 * default ISAKMP policies switched on or off. */
static void
reload_no_ike(int defaults)
{
	static const char noike[] =
	    "conn ciscoios\n"
	    "  keyexchange=ikev1\n"
	    "  authby=secret\n"
	    "  left=192.0.2.2\n"
	    "  leftsubnet=203.0.113.0/24\n"
	    "  right=192.0.2.1\n"
	    "  rightsubnet=198.51.100.0/24\n"
	    "  auto=add\n";
	struct cfg_daemon d = cfg->daemon;

	config_free(cfg);
	d.isakmp_default_policy = defaults;
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s", put("noike.conf", noike));
	assert_non_null(cfg = config_load(&d));
	assert_int_equal(cfg->conns->ike_from, defaults ? CFG_FROM_IOS : CFG_FROM_NONE);
}

/* MM1 offering one suite: 1 if answered with it, 0 if NO-PROPOSAL-CHOSEN. */
static int
accepted(struct ikev1_engine *e, uint64_t icookie, uint16_t encr,
    uint16_t hash, uint16_t group)
{
	struct buf *m = mm1(icookie, IKEV1_EXCH_MAIN, encr, hash, group);
	struct ike_perr err;
	struct ikev1_msg *r;
	int n = nsent, ok;

	input(e, m);
	buf_free(m);
	assert_int_equal(nsent, n + 1);
	r = ikev1_msg_parse(sent[n]->data, sent[n]->len, &err);
	assert_non_null(r);
	ok = r->hdr.exchange == IKEV1_EXCH_MAIN;
	ikev1_msg_free(r);
	return ok;
}

/* No ike=: IOS's four PSK default policies are accepted, nothing else
 * (not strongSwan's defaults: AES-128/SHA1/MODP-2048 is refused). */
static void
test_ios_default_policies(void **state)
{
	struct ikev1_engine *e;

	(void)state;
	reload_no_ike(1);
	e = engine();
	assert_true(accepted(e, 0x65508, IKEV1_ENCR_AES, IKEV1_HASH_SHA1, 5));
	assert_true(accepted(e, 0x65510, IKEV1_ENCR_AES, IKEV1_HASH_MD5, 5));
	assert_true(accepted(e, 0x65512, IKEV1_ENCR_3DES, IKEV1_HASH_SHA1, 2));
	assert_true(accepted(e, 0x65514, IKEV1_ENCR_3DES, IKEV1_HASH_MD5, 2));
	assert_false(accepted(e, 0x14, IKEV1_ENCR_AES, IKEV1_HASH_SHA1, 14));
	assert_false(accepted(e, 0x3de55, IKEV1_ENCR_3DES, IKEV1_HASH_SHA1, 5));
	assert_int_equal(fails(ST_IKEF_PROPOSAL), 2);
	ikev1_engine_free(e);
}

/* isakmp_default_policy = no and no ike=: nothing is accepted, and the
 * failure record names the peer's suite and why. */
static void
test_ios_default_policies_off(void **state)
{
	const struct st_ike_failrec *f;
	struct ikev1_engine *e;

	(void)state;
	reload_no_ike(0);
	e = engine();
	assert_false(accepted(e, 0x65508, IKEV1_ENCR_AES, IKEV1_HASH_SHA1, 5));
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_int_equal(addr_cmp(&f->remote, &peer), 0);
	assert_string_equal(f->detail, "no acceptable proposal: peer offered "
	    "aes128-sha1-modp1536 (ike=none, isakmp_default_policy = no)");
	ikev1_engine_free(e);
}

/* ---- two engines talking ---- */

/* The IOS side of the seed, as a second configuration. */
static const char conf_ios[] =
    "conn %default\n"
    "  keyexchange=ikev1\n"
    "  authby=secret\n"
    "conn strongswan\n"
    "  left=192.0.2.1\n"
    "  leftsubnet=198.51.100.0/24\n"
    "  right=192.0.2.2\n"
    "  rightsubnet=203.0.113.0/24\n"
    "  auto=add\n"
    "  ike=aes128-sha1-modp1536!\n"
    "  esp=aes128-sha1!\n";

struct wire_msg {
	struct ifl_addr	src, dst;
	struct buf	*b;
	int		nin;		/* install_in calls before it left */
};

static struct wire_msg wire[16];
static int nwire, wire_mute;
/* test_nat_mapping_followed: the ports may leave 500, the last one
 * sent to is kept, and update_child's calls are counted */
static int wire_nat;
static uint16_t wire_dport;
static int nupdated;
static struct ike_child_sa updated;
static uint32_t next_spi = 0xc0000100;
struct installed {
	const char	*conn;
	uint32_t	spi_in, spi_out;
	struct ike_lifetimes life;
};
static struct installed inst[8];
static int ninst, nremoved;
/* inbound SAs a Quick Mode responder put in before message 3, with their
 * keys, and how many install_child took over with the same keys */
static struct {
	uint32_t	spi;
	uint8_t		keys[16 + 20];
} ins[8];
static int nin, nin_taken;

static int
w_send(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	(void)arg;
	wire_dport = dport;
	if (!wire_nat) {
		assert_int_equal(sport, 500);
		assert_int_equal(dport, 500);
	}
	if (wire_mute)
		return 0;
	assert_true(nwire < 16);
	wire[nwire].src = *src;
	wire[nwire].dst = *dst;
	wire[nwire].b = buf_from(pkt, len);
	wire[nwire].nin = nin;
	nwire++;
	return 0;
}

static int
w_spi(void *arg, const struct ifl_addr *p, const struct ifl_addr *l,
    uint8_t proto, uint32_t reqid, uint32_t *spi)
{
	(void)arg; (void)p; (void)l; (void)proto; (void)reqid;
	*spi = next_spi++;
	return 0;
}

static int
w_install(void *arg, const struct ike_child_sa *c)
{
	(void)arg;
	assert_true(ninst < 8);
	assert_int_equal(c->encr_len, 16);	/* AES-128 */
	assert_int_equal(c->integ_len, 20);	/* HMAC-SHA1 */
	inst[ninst].conn = c->conn;
	inst[ninst].spi_in = c->spi_in;
	inst[ninst].spi_out = c->spi_out;
	inst[ninst].life = c->life;
	ninst++;
	for (int i = 0; i < nin; i++)
		if (ins[i].spi == c->spi_in) {
			assert_memory_equal(ins[i].keys, c->encr_in, 16);
			assert_memory_equal(ins[i].keys + 16, c->integ_in, 20);
			nin_taken++;
		}
	return 0;
}

static int
w_install_in(void *arg, const struct ike_child_sa *c)
{
	(void)arg;
	assert_true(nin < 8);
	assert_int_equal(c->encr_len, 16);
	assert_int_equal(c->integ_len, 20);
	assert_null(c->encr_out);
	ins[nin].spi = c->spi_in;
	memcpy(ins[nin].keys, c->encr_in, 16);
	memcpy(ins[nin].keys + 16, c->integ_in, 20);
	nin++;
	return 0;
}

static void
w_remove(void *arg, const struct ike_child_sa *c)
{
	(void)arg;
	(void)c;
	nremoved++;
}

/* set: the strongSwan side (192.0.2.2) has another key */
static int psk_differs;

static const struct cfg_conn *held;
static int nheld;

static void
w_hold(void *arg, const struct cfg_conn *conn)
{
	(void)arg;
	held = conn;
	nheld++;
}

static int
w_update(void *arg, const struct ike_child_sa *c)
{
	(void)arg;
	updated = *c;
	nupdated++;
	return 0;
}

static int
w_psk(void *arg, const struct cfg_id *l, const struct cfg_id *r,
    struct buf *out)
{
	(void)arg; (void)r;
	if (psk_differs && strcmp(l->text, "192.0.2.2") == 0)
		buf_put(out, "ocsic", 5);
	else
		buf_put(out, "cisco", 5);
	return out->failed ? -1 : 0;
}

static struct ifl_config *cfg_ios;

static const struct cfg_conn *
w_conn_ios(void *arg, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	(void)arg;
	return addr_cmp(local, &cfg_ios->conns->left.addr) == 0 &&
	    addr_cmp(remote, &cfg_ios->conns->right.addr) == 0 ?
	    cfg_ios->conns : NULL;
}

static struct ikev1_engine *
wire_engine(const struct cfg_conn *(*conn)(void *, const struct ifl_addr *,
    const struct ifl_addr *), const struct ike_tuning *t)
{
	struct ike_env env;
	struct ikev1_engine *e;

	memset(&env, 0, sizeof(env));
	env.send = w_send;
	env.alloc_spi = w_spi;
	env.install_child = w_install;
	env.install_in = w_install_in;
	env.remove_child = w_remove;
	env.update_child = w_update;
	env.hold = w_hold;
	env.psk = w_psk;
	env.conn_by_addr_v1 = conn;
	assert_non_null(e = ikev1_engine_new(&env, t));
	return e;
}

static int
wire_setup(void **state)
{
	struct cfg_daemon d;

	setup(state);
	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    put("ios.conf", conf_ios));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    put("ios.secrets", secrets));
	assert_non_null(cfg_ios = config_load(&d));
	nwire = ninst = nremoved = wire_mute = nin = nin_taken = 0;
	psk_differs = 0;
	wire_nat = nupdated = nheld = 0;
	held = NULL;
	return 0;
}

static int
wire_teardown(void **state)
{
	while (nwire > 0)
		buf_free(wire[--nwire].b);
	config_free(cfg_ios);
	return teardown(state);
}

/* Delivers the oldest message on the wire to the engine it is for. */
static int
wire_step(struct ikev1_engine *a, const struct ifl_addr *a_addr,
    struct ikev1_engine *b)
{
	struct wire_msg m;

	if (nwire == 0)
		return 0;
	m = wire[0];
	memmove(&wire[0], &wire[1], (size_t)(nwire - 1) * sizeof(wire[0]));
	nwire--;
	ikev1_input(addr_cmp(&m.dst, a_addr) == 0 ? a : b, &m.src, 500, &m.dst,
	    500, m.b->data, m.b->len);
	buf_free(m.b);
	return 1;
}

static const struct st_ike *
ike_row(int initiator)
{
	const struct st_ike *ike;

	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		if (ike->initiator == initiator)
			return ike;
	return NULL;
}

/* The live IKE SAs' Quick Modes, each counted once (the globals add the
 * SAs' counters up; the engine counted them into both once). */
static uint64_t
rows_in_p2(void)
{
	uint64_t n = 0;

	for (const struct st_ike *s = st_ike_next(0); s; s = st_ike_next(s->index))
		n += s->c.in_p2_exchg;
	return n;
}

static void
test_initiator(void **state)
{
	/* the IOS side (192.0.2.1) initiates to the seed's strongSwan
	 * configuration (192.0.2.2), whose ike= takes SHA1 only through
	 * the defaults */
	struct ikev1_engine *ios = wire_engine(w_conn_ios, NULL);
	struct ikev1_engine *swan = wire_engine(t_conn, NULL);
	const struct st_ike *i, *r;
	static const enum st_mm_state after_i[] = { ST_MM_NO_STATE,
	    ST_MM_NO_STATE, ST_MM_SA_SETUP, ST_MM_SA_SETUP, ST_MM_KEY_EXCH,
	    ST_MM_KEY_EXCH };
	static const enum st_mm_state after_r[] = { ST_MM_NO_STATE,
	    ST_MM_SA_SETUP, ST_MM_SA_SETUP, ST_MM_KEY_EXCH, ST_MM_KEY_EXCH };
	uint32_t ci, cr;
	uint64_t end, p2_0 = st_ike_global()->c.in_p2_exchg, p2;
	int n;

	(void)state;
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	assert_int_equal(nwire, 1);
	/* messages 1..6, one at a time: IOS's states on both sides */
	for (n = 0; n < 6; n++) {
		i = ike_row(1);
		assert_non_null(i);
		assert_int_equal(i->version, 1);
		assert_int_equal(i->mm_state, after_i[n]);
		assert_int_equal(i->start_mono, 0);
		if (n >= 1 && n < 5) {
			r = ike_row(0);
			assert_non_null(r);
			assert_int_equal(r->mm_state, after_r[n]);
		}
		assert_int_equal(wire_step(swan, &us, ios), 1);
	}
	i = ike_row(1);
	r = ike_row(0);
	assert_non_null(i);
	assert_non_null(r);
	assert_int_equal(i->state, ST_IKE_ESTABLISHED);
	assert_int_equal(r->state, ST_IKE_ESTABLISHED);
	assert_true(i->spi_i == r->spi_i && i->spi_r == r->spi_r);
	assert_int_equal(i->algs.dh, 5);
	assert_int_equal(i->algs.prf, r->algs.prf);
	/* Quick Mode: 3 messages, then nothing more on the wire */
	for (n = 0; n < 3; n++)
		assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(nwire, 0);
	assert_int_equal(ninst, 2);
	assert_string_equal(inst[0].conn, "strongswan");	/* after message 2 */
	assert_string_equal(inst[1].conn, "ciscoios");	/* after message 3 */
	assert_int_equal(inst[0].spi_in, inst[1].spi_out);
	assert_int_equal(inst[0].spi_out, inst[1].spi_in);
	/* the responder's inbound SA went in with message 2, the
	 * initiator's with message 3, and each side's pair over it with the
	 * same keys */
	assert_int_equal(nin, 2);
	assert_int_equal(ins[0].spi, inst[1].spi_in);
	assert_int_equal(ins[1].spi, inst[0].spi_in);
	assert_int_equal(nin_taken, 2);
	assert_int_equal(st_child_count_for_ike(i->index), 1);
	assert_int_equal(st_child_count_for_ike(r->index), 1);
	ci = st_child_by_spi(inst[0].spi_in, ST_SA_IN)->index;
	cr = st_child_by_spi(inst[1].spi_in, ST_SA_IN)->index;

	/* a responder's soft expiry is not its to rekey */
	assert_int_equal(ikev1_child_expired(swan, inst[1].spi_in, 0), 0);
	assert_int_equal(nwire, 0);
	/* the initiator's is: a new Quick Mode, the new pairs continue both
	 * tunnels' rows, and the old pair is deleted on both sides */
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_out, 0), 0);
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_in, 0), 0);
	assert_int_equal(nwire, 1);		/* one rekey for the pair */
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 4);
	assert_int_equal(nin, 4);
	assert_int_equal(nin_taken, 4);
	/* the old pair stays through the grace, then goes on both sides */
	assert_int_equal(nremoved, 0);
	end = loop_now_ms() + IKEV1_REKEY_GRACE_MS + 20000;
	while (nwire == 0 && loop_now_ms() < end)
		loop_once(100);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(nremoved, 2);
	assert_int_equal(inst[2].spi_in, inst[3].spi_out);
	assert_int_equal(st_child_by_spi(inst[2].spi_in, ST_SA_IN)->index, ci);
	assert_int_equal(st_child_by_spi(inst[3].spi_in, ST_SA_IN)->index, cr);
	assert_int_equal(st_child_find(ci)->refreshes, 1);
	assert_int_equal(st_child_find(cr)->refreshes, 1);
	assert_int_equal(st_child_count_for_ike(i->index), 1);
	assert_int_equal(st_child_count_for_ike(r->index), 1);
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_in, 1), -1);
	nremoved = 0;
	/* two Quick Modes, each counted once, by the SA and in the globals */
	p2 = st_ike_global()->c.in_p2_exchg - p2_0;
	assert_true(rows_in_p2() >= 2);
	assert_true(p2 == rows_in_p2());

	/* the initiator's down: its Deletes take the responder's SAs too */
	assert_int_equal(ikev1_terminate(ios, "strongswan"), 1);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(nremoved, 2);
	assert_null(st_ike_next(0));
	/* the ended SAs' counters stay in the globals */
	assert_true(st_ike_global()->c.in_p2_exchg - p2_0 == p2);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* Lifetimes in kilobytes (lifebytes, marginbytes): the initiator offers
 * lifebytes in whole kilobytes, the responder takes them (its own
 * lifebytes unset), both sides install that end, and only the initiator
 * a soft limit, marginbytes before that end (not before lifebytes, which
 * the whole kilobytes cut short). The kernel's soft expiry by bytes is an
 * expiry like any other: the initiator rekeys, the new pair with the same
 * limits. With rekey=no, or marginbytes not below the end, no soft
 * limit. */
static void
test_rekey_by_bytes(void **state)
{
	struct ikev1_engine *ios = wire_engine(w_conn_ios, NULL);
	struct ikev1_engine *swan = wire_engine(t_conn, NULL);
	uint64_t end;

	(void)state;
	cfg_ios->conns->lifebytes = 20000;	/* 19 KB offered */
	cfg_ios->conns->marginbytes = 8000;
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 2);
	assert_string_equal(inst[0].conn, "strongswan");	/* initiator */
	assert_true(inst[0].life.hard_bytes == 19 * 1024);
	assert_true(inst[0].life.soft_bytes == 19 * 1024 - 8000);
	assert_string_equal(inst[1].conn, "ciscoios");
	assert_true(inst[1].life.hard_bytes == 19 * 1024);
	assert_true(inst[1].life.soft_bytes == 0);
	assert_int_equal(st_child_by_spi(inst[0].spi_in, ST_SA_IN)->rekey_kb,
	    (19 * 1024 - 8000) / 1024);
	assert_int_equal(st_child_by_spi(inst[1].spi_in, ST_SA_IN)->life_kb, 19);

	/* the soft expiry by bytes: a Quick Mode, the same limits */
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_in, 0), 0);
	assert_int_equal(nwire, 1);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 4);
	assert_true(inst[2].life.hard_bytes == 19 * 1024);
	assert_true(inst[2].life.soft_bytes == 19 * 1024 - 8000);
	assert_true(inst[3].life.hard_bytes == 19 * 1024);
	assert_true(inst[3].life.soft_bytes == 0);
	end = loop_now_ms() + IKEV1_REKEY_GRACE_MS + 20000;
	while (nwire == 0 && loop_now_ms() < end)
		loop_once(100);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(nremoved, 2);

	/* marginbytes not below the end agreed: no soft limit; rekey=no:
	 * none either */
	cfg_ios->conns->marginbytes = 16384;
	assert_true(ikev1_rekey_bytes(cfg_ios->conns, 16384) == 0);
	cfg_ios->conns->marginbytes = 8000;
	cfg_ios->conns->rekey = 0;
	assert_true(ikev1_rekey_bytes(cfg_ios->conns, 16384) == 0);
	cfg_ios->conns->rekey = 1;
	assert_true(ikev1_rekey_bytes(cfg_ios->conns, 16384) == 8384);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* ikelifetime over: the initiator's ISAKMP SA goes with a Delete, its
 * IPsec SA stays (its row too); a new Main Mode adopts it, with no Quick
 * Mode. */
/* dpdaction=hold: a peer that stops answering R-U-THERE is declared dead
 * after dpdtimeout, its traffic is held (the trap asked for through the
 * environment before the SAs go) and the failure record names it. */
static void
test_dpd_hold(void **state)
{
	struct ikev1_engine *ios = wire_engine(w_conn_ios, NULL);
	struct ikev1_engine *swan = wire_engine(t_conn, NULL);
	uint64_t end;

	(void)state;
	cfg_ios->conns->dpdaction = CFG_DPD_HOLD;
	cfg_ios->conns->dpddelay = 1;
	cfg_ios->conns->dpdtimeout = 2;
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 2);
	assert_non_null(ike_row(1));
	wire_mute = 1;		/* the peer is gone: nothing reaches it */
	end = loop_now_ms() + 10000;
	while (fails(ST_IKEF_PEER_LOST) == 0 && loop_now_ms() < end)
		loop_once(50);
	assert_int_equal(fails(ST_IKEF_PEER_LOST), 1);
	assert_int_equal(nheld, 1);
	assert_ptr_equal(held, cfg_ios->conns);
	assert_null(ike_row(1));
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

static void
test_isakmp_expiry(void **state)
{
	struct ikev1_engine *ios = wire_engine(w_conn_ios, NULL);
	struct ikev1_engine *swan = wire_engine(t_conn, NULL);
	const struct st_child *ch;
	const struct st_ike *i;
	struct ikev1_msg *m;
	struct ike_perr err;
	uint32_t ci, cr;
	uint64_t end;

	(void)state;
	cfg_ios->conns->ikelifetime = 1;
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 2);
	ci = st_child_by_spi(inst[0].spi_in, ST_SA_IN)->index;
	cr = st_child_by_spi(inst[1].spi_in, ST_SA_IN)->index;
	end = loop_now_ms() + 20000;	/* a cap: the wait ends with its condition */
	while (ike_row(1) != NULL && loop_now_ms() < end)
		loop_once(50);
	assert_null(ike_row(1));
	ch = st_child_find(ci);
	assert_non_null(ch);
	assert_int_equal(ch->ike_index, 0);
	assert_int_equal(nremoved, 0);
	/* the Delete of the ISAKMP SA (its two cookies) */
	assert_int_equal(nwire, 1);
	m = ikev1_msg_parse(wire[0].b->data, wire[0].b->len, &err);
	assert_non_null(m);
	assert_int_equal(m->hdr.exchange, IKEV1_EXCH_INFO);
	ikev1_msg_free(m);
	buf_free(wire[0].b);
	nwire = 0;

	cfg_ios->conns->ikelifetime = 3600;
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	while (wire_step(swan, &us, ios))
		;
	i = ike_row(1);
	assert_non_null(i);
	ch = st_child_find(ci);
	assert_non_null(ch);
	assert_int_equal(ch->ike_index, i->index);
	/* the pair goes on under the new ISAKMP SAs, on both sides (the
	 * responder's Main Mode took over its older SA's): no Quick Mode,
	 * nothing removed */
	assert_int_equal(ninst, 2);
	assert_int_equal(nremoved, 0);
	assert_int_equal(st_child_count_for_ike(i->index), 1);
	assert_int_equal(st_child_find(cr)->ike_index, ike_row(0)->index);
	assert_int_equal(st_child_find(ci)->refreshes, 0);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* ios up with swan, one pair, ikelifetime 4 s less rekeymargin 3 s: the
 * reauthentication a second after. The initiator's child row and both
 * IKE rows (initiator's, responder's). */
static void
reauth_up(struct ikev1_engine *ios, struct ikev1_engine *swan, uint32_t *ci,
    uint32_t *i0, uint32_t *r0)
{
	cfg_ios->conns->ikelifetime = 4;
	cfg_ios->conns->rekeymargin = 3;
	cfg_ios->conns->rekeyfuzz = 0;
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 2);
	*ci = st_child_by_spi(inst[0].spi_in, ST_SA_IN)->index;
	*i0 = ike_row(1)->index;
	*r0 = ike_row(0)->index;
}

/* rekeymargin before ikelifetime the initiator runs a new Main Mode
 * (IKEv1's phase-1 rekey is a reauthentication): once up, on both sides
 * it takes the IPsec SAs over without a new Quick Mode (their rows,
 * indexes and SAs unchanged) and the old ISAKMP SA is deleted. Then the
 * initiator restarts: its first Main Mode says INITIAL-CONTACT, and the
 * responder drops its stale SAs at once. */
static void
test_isakmp_reauth(void **state)
{
	struct ikev1_engine *ios = wire_engine(w_conn_ios, NULL);
	struct ikev1_engine *swan = wire_engine(t_conn, NULL);
	struct ikev1_engine_stats st;
	const struct st_ike *i, *r;
	uint32_t ci, cr, i0, r0;
	uint64_t end;

	(void)state;
	reauth_up(ios, swan, &ci, &i0, &r0);
	cr = st_child_by_spi(inst[1].spi_in, ST_SA_IN)->index;
	assert_int_equal(ike_row(1)->rekey_after, 1);

	/* a second before the end: Main Mode message 1 again */
	end = loop_now_ms() + 20000;	/* a cap: the wait ends with its condition */
	while (nwire == 0 && loop_now_ms() < end)
		loop_once(50);
	assert_int_equal(nwire, 1);
	while (wire_step(swan, &us, ios))
		;
	i = ike_row(1);
	r = ike_row(0);
	assert_non_null(i);
	assert_non_null(r);
	assert_true(i->index != i0 && r->index != r0);
	assert_int_equal(i->state, ST_IKE_ESTABLISHED);
	assert_null(st_ike_find(i0));
	assert_null(st_ike_find(r0));
	/* no Quick Mode, nothing removed: the same pairs, re-parented */
	assert_int_equal(ninst, 2);
	assert_int_equal(nremoved, 0);
	assert_int_equal(st_child_find(ci)->ike_index, i->index);
	assert_int_equal(st_child_find(cr)->ike_index, r->index);
	assert_int_equal(st_child_find(ci)->refreshes, 0);
	ikev1_engine_stats(ios, &st);
	assert_int_equal(st.sas, 1);
	ikev1_engine_stats(swan, &st);
	assert_int_equal(st.sas, 1);

	/* the pair's rekey comes due while the next reauthentication is
	 * under way: no Quick Mode on the old SA (the peer could adopt its
	 * children first and lose the new pair with the old SA's Delete),
	 * one on the new SA once it is up, continuing the same rows */
	end = loop_now_ms() + 20000;	/* a cap: the wait ends with its condition */
	while (nwire == 0 && loop_now_ms() < end)
		loop_once(50);
	assert_int_equal(nwire, 1);		/* Main Mode message 1 */
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_out, 0), 0);
	assert_int_equal(nwire, 1);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 4);
	assert_int_equal(st_child_by_spi(inst[2].spi_in, ST_SA_IN)->index, ci);
	assert_int_equal(st_child_by_spi(inst[2].spi_in, ST_SA_IN)->ike_index,
	    ike_row(1)->index);
	ikev1_engine_stats(ios, &st);
	assert_int_equal(st.sas, 1);

	/* the initiator restarts (its SAs forgotten, the peer not told) */
	ikev1_engine_free(ios);
	cfg_ios->conns->ikelifetime = 3600;
	ios = wire_engine(w_conn_ios, NULL);
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	/* Main Mode's 6 messages: INITIAL-CONTACT in message 5 ends the
	 * responder's stale SA and its pairs (the rekeyed one still in its
	 * grace) before the new one is up */
	nremoved = 0;
	for (int n = 0; n < 6; n++)
		assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(nremoved, 2);
	assert_null(st_child_find(cr));
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 6);
	ikev1_engine_stats(swan, &st);
	assert_int_equal(st.sas, 1);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* The exchange of the first message on the wire. */
static uint8_t
wire_exchange(void)
{
	assert_true(nwire > 0);
	assert_true(wire[0].b->len > 18);
	return wire[0].b->data[18];
}

/* The reauthentication comes due while a Quick Mode is under way on the
 * old ISAKMP SA: its Main Mode waits until that Quick Mode ends (a peer
 * that moved the old SA's children to the new one before message 3
 * reached it would keep the new pair with the old SA, and drop it with
 * the old SA's Delete), then runs, and the new SA on each side takes
 * over both pairs. */
static void
test_reauth_waits_for_quick_mode(void **state)
{
	struct ikev1_engine *ios = wire_engine(w_conn_ios, NULL);
	struct ikev1_engine *swan = wire_engine(t_conn, NULL);
	struct ikev1_engine_stats st;
	uint32_t ci, i0, r0;
	uint64_t end;

	(void)state;
	reauth_up(ios, swan, &ci, &i0, &r0);

	/* the pair's rekey: Quick Mode message 1, held on the wire past
	 * the reauthentication's time (a second after up) */
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_out, 0), 0);
	assert_int_equal(nwire, 1);
	assert_int_equal(wire_exchange(), IKEV1_EXCH_QUICK);
	end = loop_now_ms() + 2000;
	while (loop_now_ms() < end)
		loop_once(50);
	assert_int_equal(nwire, 1);
	assert_int_equal(ike_row(1)->index, i0);

	/* the Quick Mode ends (messages 2 and 3, the new pair in on both
	 * sides), and only then the Main Mode starts */
	assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(nwire, 1);
	assert_int_equal(wire_exchange(), IKEV1_EXCH_QUICK);
	assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(ninst, 4);
	assert_int_equal(nwire, 0);
	end = loop_now_ms() + 20000;	/* a cap: the wait ends with its condition */
	while (nwire == 0 && loop_now_ms() < end)
		loop_once(50);
	assert_int_equal(nwire, 1);
	assert_int_equal(wire_exchange(), IKEV1_EXCH_MAIN);
	while (wire_step(swan, &us, ios))
		;
	/* the new SAs hold the rekeyed tunnel's row; the old SAs are gone */
	assert_true(ike_row(1)->index != i0 && ike_row(0)->index != r0);
	assert_null(st_ike_find(i0));
	assert_null(st_ike_find(r0));
	assert_int_equal(ninst, 4);
	assert_int_equal(st_child_by_spi(inst[2].spi_in, ST_SA_IN)->index, ci);
	assert_int_equal(st_child_by_spi(inst[2].spi_in, ST_SA_IN)->ike_index,
	    ike_row(1)->index);
	assert_int_equal(st_child_by_spi(inst[3].spi_in, ST_SA_IN)->ike_index,
	    ike_row(0)->index);
	ikev1_engine_stats(ios, &st);
	assert_int_equal(st.sas, 1);
	ikev1_engine_stats(swan, &st);
	assert_int_equal(st.sas, 1);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* Both sides with aggressive=yes, ios's Aggressive Mode message 1 on the
 * wire to swan. */
static void
ag_start(struct ikev1_engine **ios, struct ikev1_engine **swan)
{
	*ios = wire_engine(w_conn_ios, NULL);
	*swan = wire_engine(t_conn, NULL);
	cfg->conns->aggressive = cfg_ios->conns->aggressive = 1;
	assert_int_equal(ikev1_initiate(*ios, cfg_ios->conns), 0);
}

/* Aggressive Mode, both roles (aggressive=yes on both sides): message 1
 * with KE, nonce and ID, AG_INIT_EXCH on both sides, the initiator up
 * with message 2 (HASH_R verified), the responder with message 3; then
 * Quick Mode as after Main Mode, rows saying aggressive. Rekeying the
 * ISAKMP SA runs Aggressive Mode again and the IPsec SAs stay. */
static void
test_aggressive(void **state)
{
	struct ikev1_engine *ios, *swan;
	const struct st_ike *i, *r;
	struct ikev1_msg *m;
	struct ike_perr err;
	uint32_t i0, ci;
	uint64_t end;

	(void)state;
	cfg_ios->conns->ikelifetime = 4;
	cfg_ios->conns->rekeymargin = 3;
	cfg_ios->conns->rekeyfuzz = 0;
	ag_start(&ios, &swan);
	assert_int_equal(nwire, 1);
	assert_int_equal(wire_exchange(), IKEV1_EXCH_AGGRESSIVE);
	m = ikev1_msg_parse(wire[0].b->data, wire[0].b->len, &err);
	assert_non_null(m);
	assert_non_null(ikev1_msg_get(m, IKEV1_PL_KE, 0));
	assert_non_null(ikev1_msg_get(m, IKEV1_PL_NONCE, 0));
	assert_non_null(ikev1_msg_get(m, IKEV1_PL_ID, 0));
	ikev1_msg_free(m);
	i = ike_row(1);
	assert_int_equal(i->aggressive, 1);
	assert_int_equal(i->mm_state, ST_MM_SA_SETUP);	/* AG_INIT_EXCH */

	/* message 1 -> the responder answers with message 2 */
	assert_int_equal(wire_step(swan, &us, ios), 1);
	r = ike_row(0);
	assert_non_null(r);
	assert_int_equal(r->aggressive, 1);
	assert_int_equal(r->mm_state, ST_MM_SA_SETUP);
	assert_int_equal(r->start_mono, 0);
	assert_int_equal(nwire, 1);
	m = ikev1_msg_parse(wire[0].b->data, wire[0].b->len, &err);
	assert_non_null(m);
	assert_int_equal(m->hdr.exchange, IKEV1_EXCH_AGGRESSIVE);
	assert_non_null(ikev1_msg_get(m, IKEV1_PL_HASH, 0));
	assert_int_equal(m->hdr.flags & IKEV1_FLAG_ENC, 0);
	ikev1_msg_free(m);
	/* message 2 -> the initiator is up: message 3 and Quick Mode 1 */
	assert_int_equal(wire_step(swan, &us, ios), 1);
	i = ike_row(1);
	assert_int_equal(i->state, ST_IKE_ESTABLISHED);
	assert_int_equal(nwire, 2);
	assert_int_equal(wire_exchange(), IKEV1_EXCH_AGGRESSIVE);
	assert_true(wire[0].b->data[19] & IKEV1_FLAG_ENC);
	assert_int_equal(wire_step(swan, &us, ios), 1);
	r = ike_row(0);
	assert_int_equal(r->state, ST_IKE_ESTABLISHED);
	assert_true(i->spi_i == r->spi_i && i->spi_r == r->spi_r);
	assert_int_equal(i->algs.dh, 5);
	assert_int_equal(r->algs.dh, 5);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(ninst, 2);
	assert_int_equal(inst[0].spi_in, inst[1].spi_out);
	assert_int_equal(st_child_count_for_ike(i->index), 1);
	assert_int_equal(st_child_count_for_ike(r->index), 1);
	assert_int_equal(fails(ST_IKEF_HASH) + fails(ST_IKEF_PROPOSAL) +
	    fails(ST_IKEF_AUTH), 0);

	/* the ISAKMP SA's rekey: Aggressive Mode again, the pair adopted */
	i0 = i->index;
	ci = st_child_by_spi(inst[0].spi_in, ST_SA_IN)->index;
	end = loop_now_ms() + 20000;	/* a cap: the wait ends with its condition */
	while (nwire == 0 && loop_now_ms() < end)
		loop_once(50);
	assert_int_equal(nwire, 1);
	assert_int_equal(wire_exchange(), IKEV1_EXCH_AGGRESSIVE);
	while (wire_step(swan, &us, ios))
		;
	i = ike_row(1);
	assert_non_null(i);
	assert_true(i->index != i0);
	assert_int_equal(i->aggressive, 1);
	assert_int_equal(i->state, ST_IKE_ESTABLISHED);
	assert_null(st_ike_find(i0));
	assert_int_equal(st_child_find(ci)->ike_index, i->index);
	assert_int_equal(ninst, 2);
	assert_int_equal(nremoved, 0);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* Aggressive Mode with another key on the responder: HASH_R does not
 * verify, the initiator fails saying so and tells the responder, which
 * fails too; nothing is installed. */
static void
test_aggressive_wrong_psk(void **state)
{
	struct ikev1_engine *ios, *swan;
	const struct st_ike_failrec *f;

	(void)state;
	psk_differs = 1;
	ag_start(&ios, &swan);
	while (wire_step(swan, &us, ios))
		;
	assert_int_equal(fails(ST_IKEF_HASH), 1);
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_string_equal(f->conn, "strongswan");
	assert_non_null(strstr(f->detail, "HASH_R does not verify"));
	/* the responder hears of it and fails at once, naming the peer */
	f = st_ike_fail_next(f->index);
	assert_non_null(f);
	assert_int_equal(f->reason, ST_IKEF_AUTH);
	assert_string_equal(f->conn, "ciscoios");
	assert_non_null(strstr(f->detail,
	    "192.0.2.1[500] refused Aggressive Mode: INVALID-HASH-INFORMATION"));
	assert_null(ike_row(0));
	assert_null(ike_row(1));
	assert_int_equal(ninst, 0);
	assert_int_equal(nin, 0);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* Aggressive Mode message 1 whose first transform has group 1 (its KE)
 * and whose second one would be taken in Main Mode: the group cannot
 * be negotiated, so it is refused with NO-PROPOSAL-CHOSEN and a failure
 * record naming the group. */
static void
test_aggressive_group_mismatch(void **state)
{
	struct ikev1_engine *e = engine();
	struct ike_builder bl;
	struct ike_hdr h;
	struct ikev1_sa sa;
	struct ikev1_notify n;
	struct ike_perr err;
	struct ikev1_msg *r;
	const struct st_ike_failrec *f;
	struct buf *b = buf_new(0), *attrs = buf_new(0);
	uint8_t ke[96], nonce[32], id[8] = { IKEV1_ID_IPV4_ADDR, 0, 0, 0,
	    192, 0, 2, 1 };
	size_t off;
	int g;

	(void)state;
	cfg->conns->aggressive = 1;
	memset(&sa, 0, sizeof(sa));
	sa.doi = IKEV1_DOI_IPSEC;
	sa.situation = IKEV1_SIT_IDENTITY_ONLY;
	sa.nprop = 1;
	sa.prop[0].num = 1;
	sa.prop[0].proto = IKEV1_PROTO_ISAKMP;
	sa.prop[0].nxf = 2;
	for (g = 0; g < 2; g++) {
		off = attrs->len;
		ikev1_attr_put(attrs, IKEV1_A_ENCR, IKEV1_ENCR_AES, 0);
		ikev1_attr_put(attrs, IKEV1_A_KEY_LENGTH, 128, 0);
		ikev1_attr_put(attrs, IKEV1_A_HASH, IKEV1_HASH_SHA1, 0);
		ikev1_attr_put(attrs, IKEV1_A_GROUP, g ? 5 : 1, 0);
		ikev1_attr_put(attrs, IKEV1_A_AUTH, IKEV1_AUTH_PSK, 0);
		sa.prop[0].xf[g].num = (uint8_t)(g + 1);
		sa.prop[0].xf[g].id = IKEV1_KEY_IKE;
		sa.prop[0].xf[g].attrs_len = attrs->len - off;
	}
	sa.prop[0].xf[0].attrs = attrs->data;
	sa.prop[0].xf[1].attrs = attrs->data + sa.prop[0].xf[0].attrs_len;
	memset(ke, 0x5a, sizeof(ke));	/* modp768's size */
	memset(nonce, 0xa5, sizeof(nonce));
	memset(&h, 0, sizeof(h));
	h.icookie = 0x99ULL;
	h.exchange = IKEV1_EXCH_AGGRESSIVE;
	ikev1_build_msg(&bl, b, &h);
	assert_int_equal(ikev1_build_sa(&bl, &sa), 0);
	assert_true(ikev1_build_raw(&bl, IKEV1_PL_KE, ke, sizeof(ke)) >= 0);
	assert_true(ikev1_build_raw(&bl, IKEV1_PL_NONCE, nonce,
	    sizeof(nonce)) >= 0);
	assert_true(ikev1_build_raw(&bl, IKEV1_PL_ID, id, sizeof(id)) >= 0);
	assert_int_equal(ikev1_build_finish(&bl), 0);
	input(e, b);
	assert_int_equal(nsent, 1);
	r = ikev1_msg_parse(sent[0]->data, sent[0]->len, &err);
	assert_non_null(r);
	assert_int_equal(r->hdr.exchange, IKEV1_EXCH_INFO);
	assert_int_equal(ikev1_pl_notify(ikev1_msg_get(r, IKEV1_PL_NOTIFY, 0),
	    &n, &err), 0);
	assert_int_equal(n.type, IKEV1_N_NO_PROPOSAL_CHOSEN);
	ikev1_msg_free(r);
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_int_equal(f->reason, ST_IKEF_PROPOSAL);
	assert_string_equal(f->conn, "ciscoios");
	assert_non_null(strstr(f->detail, "Aggressive Mode"));
	assert_non_null(strstr(f->detail, "group 1"));
	assert_null(st_ike_next(0));

	buf_free(b);
	buf_free(attrs);
	ikev1_engine_free(e);
}

/* Nobody answers: message 1 is resent retrans_tries times, then a
 * failure record names the silent peer and nothing is left. */
static void
test_initiator_peer_silent(void **state)
{
	struct ike_tuning t;
	struct ikev1_engine *ios;
	struct ikev1_engine_stats st;
	const struct st_ike_failrec *f;
	uint64_t end;

	(void)state;
	ike_tuning_defaults(&t);
	t.retrans_timeout = 0.05;
	t.retrans_base = 1.5;
	t.retrans_tries = 2;
	ios = wire_engine(w_conn_ios, &t);
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	end = loop_now_ms() + 20000;	/* a cap: the wait ends with its condition */
	while (fails(ST_IKEF_PEER_LOST) == 0 && loop_now_ms() < end)
		loop_once(20);
	assert_int_equal(nwire, 3);		/* message 1 and 2 resends */
	assert_int_equal(wire[2].b->len, wire[0].b->len);
	assert_memory_equal(wire[2].b->data, wire[0].b->data, wire[0].b->len);
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_int_equal(f->reason, ST_IKEF_PEER_LOST);
	assert_string_equal(f->conn, "strongswan");
	assert_non_null(strstr(f->detail, "192.0.2.2[500] silent"));
	assert_null(st_ike_next(0));
	assert_int_equal(ninst, 0);
	ikev1_engine_stats(ios, &st);
	assert_int_equal(st.retransmits, 2);
	assert_int_equal(st.sas, 0);
	ikev1_engine_free(ios);
}

/* wire[0], delivered to e as if from the peer's port sport to our 4500;
 * forged: a bit of its first encrypted block flipped (the last byte
 * could be padding, which no HASH covers). */
static void
deliver_from(struct ikev1_engine *e, uint16_t sport, int forged)
{
	struct buf *b = buf_from(wire[0].b->data, wire[0].b->len);

	assert_non_null(b);
	if (forged)
		b->data[IKEV1_HDR_LEN + 4] ^= 0x01;
	ikev1_input(e, &wire[0].src, sport, &wire[0].dst, 4500, b->data,
	    b->len);
	buf_free(b);
}

/* ios initiates to swan: Main Mode and Quick Mode, one pair on each
 * side; then the ports may leave 500. */
static void
wire_up(struct ikev1_engine **ios, struct ikev1_engine **swan)
{
	int n;

	*ios = wire_engine(w_conn_ios, NULL);
	*swan = wire_engine(t_conn, NULL);
	ninst = nin = nin_taken = wire_nat = 0;
	assert_int_equal(ikev1_initiate(*ios, cfg_ios->conns), 0);
	for (n = 0; n < 9; n++)
		assert_int_equal(wire_step(*swan, &us, *ios), 1);
	assert_int_equal(nwire, 0);
	assert_int_equal(ninst, 2);
	assert_non_null((*swan)->sas);
	assert_int_equal((*swan)->sas->phase, IKEV1_UP);
	wire_nat = 1;
}

/* The NAT in front of the responder's peer gives the peer a new mapping
 * (a new source port): a forged message from there moves nothing; the
 * peer's next authentic one (a Quick Mode, HASH(1) verified) moves the
 * ISAKMP SA (its row, the answer's port) and the kernel's ESP-in-UDP SAs
 * there. Without a NAT in front of the peer, nothing follows. */
static void
test_nat_mapping_followed(void **state)
{
	struct ikev1_engine *ios, *swan;
	const struct st_ike *r;

	(void)state;
	/* no NAT in front of the peer: an authentic message from another
	 * port is answered but not followed */
	wire_up(&ios, &swan);
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_out, 0), 0);
	assert_int_equal(nwire, 1);
	deliver_from(swan, 40123, 0);
	assert_int_equal(nupdated, 0);
	assert_int_equal(swan->sas->rport, 500);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
	while (nwire > 0)
		buf_free(wire[--nwire].b);

	wire_up(&ios, &swan);
	/* NAT-D found the NAT in front of the peer (the bed's ikev1-natt
	 * runs the payloads through a real one) */
	swan->sas->nat_remote = 1;
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_out, 0), 0);
	assert_int_equal(nwire, 1);
	deliver_from(swan, 40999, 1);
	assert_int_equal(nupdated, 0);
	assert_int_equal(swan->sas->rport, 500);
	deliver_from(swan, 40123, 0);
	assert_int_equal(nupdated, 1);
	assert_int_equal(swan->sas->rport, 40123);
	assert_int_equal(swan->sas->lport, 4500);
	assert_int_equal(updated.remote_port, 40123);
	assert_int_equal(updated.local_port, 4500);
	assert_true(updated.encap);
	/* the kernel insists on keys of the right size (placeholders) and
	 * takes the lifetimes over: those the pair was installed with */
	assert_int_equal(updated.encr_len, 16);
	assert_int_equal(updated.integ_len, 20);
	assert_int_equal(updated.life.hard_sec, 3600);
	assert_int_equal(updated.spi_in, inst[1].spi_in);
	assert_int_equal(addr_cmp(&updated.old_remote, &updated.remote), 0);
	/* Quick Mode message 2 went to the new mapping */
	assert_int_equal(wire_dport, 40123);
	r = ike_row(0);
	assert_non_null(r);
	assert_int_equal(r->remote_port, 40123);
	assert_int_equal(r->local_port, 4500);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* Swaps the first two messages on the wire (a peer's answer overtaking). */
static void
wire_swap(void)
{
	struct wire_msg m;

	assert_true(nwire >= 2);
	m = wire[0];
	wire[0] = wire[1];
	wire[1] = m;
}

/* Both sides rekey the pair at once, as strongSwan does with the same
 * lifetimes (swan stands for it: its Quick Mode b goes out first and it
 * finishes it, then answers ours, a). ios yields to b; the answer to a
 * overtakes b's message 3 and is dropped without disturbing b, and the
 * SPI ios offered in a is deleted at the peer (whose half of a waits
 * for a message 3). One new pair on each side, continuing the tunnel's
 * row, and once the old pair goes (ios deletes it too: it was its pair)
 * no other. */
static void
test_rekey_collision(void **state)
{
	struct ikev1_engine *ios, *swan;
	struct ikev1_msg *m;
	struct ike_perr err;
	uint32_t ci;
	uint64_t end;

	(void)state;
	wire_up(&ios, &swan);
	wire_nat = 0;
	ci = st_child_by_spi(inst[0].spi_in, ST_SA_IN)->index;
	assert_int_equal(ikev1_qm_start(swan->sas), 0);		/* b */
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_out, 0), 0);
	assert_int_equal(nwire, 2);				/* b, a */
	assert_int_equal(wire_step(swan, &us, ios), 1);	/* b -> ios */
	assert_int_equal(nwire, 2);			/* a, b's answer */
	wire_swap();
	assert_int_equal(wire_step(swan, &us, ios), 1);	/* -> swan: b's 3 */
	assert_int_equal(ninst, 3);			/* swan's new pair */
	assert_int_equal(wire_step(swan, &us, ios), 1);	/* a -> swan */
	assert_int_equal(nwire, 2);			/* b's 3, a's answer */
	wire_swap();
	/* a's answer: dropped, ios's b untouched, a Delete of a's SPI */
	assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(nwire, 2);
	m = ikev1_msg_parse(wire[1].b->data, wire[1].b->len, &err);
	assert_non_null(m);
	assert_int_equal(m->hdr.exchange, IKEV1_EXCH_INFO);
	ikev1_msg_free(m);
	assert_int_equal(wire_step(swan, &us, ios), 1);	/* b's 3 -> ios */
	assert_int_equal(ninst, 4);
	assert_int_equal(inst[3].spi_in, inst[2].spi_out);
	assert_int_equal(inst[3].spi_out, inst[2].spi_in);
	while (wire_step(swan, &us, ios))
		;
	/* the grace: the old pair goes on both sides, the new one stays */
	end = loop_now_ms() + IKEV1_REKEY_GRACE_MS + 20000;
	while ((ios->sas->children == NULL || ios->sas->children->next ||
	    swan->sas->children->next) && loop_now_ms() < end) {
		loop_once(100);
		while (wire_step(swan, &us, ios))
			;
	}
	assert_non_null(ios->sas->children);
	assert_null(ios->sas->children->next);
	assert_int_equal(ios->sas->children->spi_in, inst[3].spi_in);
	assert_null(swan->sas->children->next);
	assert_int_equal(swan->sas->children->spi_in, inst[2].spi_in);
	assert_int_equal(st_child_by_spi(inst[3].spi_in, ST_SA_IN)->index, ci);
	assert_int_equal(st_child_count_for_ike(ike_row(1)->index), 1);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

/* The initiator's Quick Mode message 3 leaves only once its new inbound
 * SA is in the kernel: the responder sends on the pair as soon as it has
 * message 3, and a packet reaching the initiator's kernel before that SA
 * is lost. The rest of the pair (install_child, which may hold what is
 * sent while up scripts run) comes after, over the same SA with the same
 * keys. So for the first pair and for a rekey; the responder's inbound SA
 * was in before its message 2 left. */
static void
test_qm_inbound_before_message_3(void **state)
{
	struct ikev1_engine *ios, *swan;
	int n;

	(void)state;
	ios = wire_engine(w_conn_ios, NULL);
	swan = wire_engine(t_conn, NULL);
	assert_int_equal(ikev1_initiate(ios, cfg_ios->conns), 0);
	for (n = 0; n < 8; n++)		/* Main Mode, Quick Mode 1 and 2 */
		assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(nwire, 1);		/* message 3 */
	assert_int_equal(nin, 2);		/* swan's, then ios's */
	assert_int_equal(wire[0].nin, 2);
	assert_int_equal(ninst, 1);
	assert_string_equal(inst[0].conn, "strongswan");	/* ios's pair */
	assert_int_equal(ins[1].spi, inst[0].spi_in);
	assert_int_equal(nin_taken, 1);		/* the same keys */
	assert_int_equal(wire_step(swan, &us, ios), 1);
	assert_int_equal(ninst, 2);
	assert_int_equal(nin_taken, 2);

	/* the rekey */
	assert_int_equal(ikev1_child_expired(ios, inst[0].spi_in, 0), 0);
	assert_int_equal(wire_step(swan, &us, ios), 1);	/* 1 -> swan */
	assert_int_equal(nin, 3);
	assert_int_equal(wire[0].nin, 3);
	assert_int_equal(wire_step(swan, &us, ios), 1);	/* 2 -> ios */
	assert_int_equal(nwire, 1);
	assert_int_equal(nin, 4);
	assert_int_equal(wire[0].nin, 4);
	assert_int_equal(ninst, 3);
	assert_int_equal(ins[3].spi, inst[2].spi_in);
	assert_int_equal(ins[2].spi, inst[2].spi_out);
	assert_int_equal(wire_step(swan, &us, ios), 1);	/* 3 -> swan */
	assert_int_equal(ninst, 4);
	assert_int_equal(nin_taken, 4);
	ikev1_engine_free(ios);
	ikev1_engine_free(swan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tuning_unset_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answer_and_duplicate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_proposal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aggressive_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_half_open_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ios_default_policies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ios_default_policies_off, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_initiator, wire_setup,
		    wire_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_by_bytes, wire_setup,
		    wire_teardown),
		cmocka_unit_test_setup_teardown(test_rekey_collision, wire_setup,
		    wire_teardown),
		cmocka_unit_test_setup_teardown(test_qm_inbound_before_message_3,
		    wire_setup, wire_teardown),
		cmocka_unit_test_setup_teardown(test_dpd_hold, wire_setup, wire_teardown),
		cmocka_unit_test_setup_teardown(test_isakmp_expiry, wire_setup,
		    wire_teardown),
		cmocka_unit_test_setup_teardown(test_isakmp_reauth, wire_setup,
		    wire_teardown),
		cmocka_unit_test_setup_teardown(test_reauth_waits_for_quick_mode,
		    wire_setup, wire_teardown),
		cmocka_unit_test_setup_teardown(test_initiator_peer_silent,
		    wire_setup, wire_teardown),
		cmocka_unit_test_setup_teardown(test_aggressive, wire_setup,
		    wire_teardown),
		cmocka_unit_test_setup_teardown(test_aggressive_wrong_psk,
		    wire_setup, wire_teardown),
		cmocka_unit_test_setup_teardown(test_aggressive_group_mismatch,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_mapping_followed,
		    wire_setup, wire_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
