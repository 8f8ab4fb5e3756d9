/* Monitor mode's observer: kernel messages (captured from the real kernel,
 * or built by kernel/xfrm_msg.c as the kernel sends them) dispatched through
 * the XFRM event code into the real state model: tunnels from SA pairs,
 * rekeys that keep the row and fold the counters, tunnels that end. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/log.h"
#include "common/vici.h"
#include "daemon/monitor.h"
#include "kernel/xfrm_priv.h"
#include "state/state.h"

#define DATA	TEST_SRCDIR "/unit/data/xfrm/"
#define GW1	"192.0.2.1"
#define GW2	"192.0.2.2"

static const char *local_addr = GW2;
static struct { int up, down, rekey; struct st_child_hist last; } ev;
static uint8_t ek[16] = { 1, 2, 3 }, ik[20] = { 4, 5, 6 };

static int
is_local(const struct ifl_addr *a)
{
	struct ifl_addr l;

	addr_parse(local_addr, &l);
	return addr_cmp(a, &l) == 0;
}

static void
on_event(enum st_event e, uint32_t index, const void *rec, void *arg)
{
	(void)index;
	(void)arg;
	if (e == ST_EV_CHILD_UP)
		ev.up++;
	else if (e == ST_EV_CHILD_REKEY)
		ev.rekey++;
	else if (e == ST_EV_CHILD_DOWN) {
		ev.down++;
		if (rec != NULL)
			ev.last = *(const struct st_child_hist *)rec;
	}
}

static int
setup(void **state)
{
	struct xfrm_handlers h;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	local_addr = GW2;
	log_init("test", 0, 0);
	st_init();
	st_subscribe(on_event, NULL);
	monitor_set_is_local(is_local);
	monitor_handlers(&h);
	xfrm_set_handlers(&h);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	monitor_vici_forget();
	monitor_reset();
	monitor_set_is_local(NULL);
	xfrm_shutdown();
	st_free();
	return 0;
}

/* NEWSA (or UPDSA) as the kernel multicasts it: the SA with its algorithm
 * attributes, and the counters so far. */
static void
newsa(uint16_t type, const char *src, const char *dst, uint32_t spi, uint32_t reqid,
    uint64_t packets)
{
	uint8_t buf[1024];
	struct xfrm_sa_cfg c;
	struct nlmsghdr *nlh;
	struct xfrm_usersa_info *p;

	memset(&c, 0, sizeof(c));
	addr_parse(src, &c.src);
	addr_parse(dst, &c.dst);
	c.spi = spi;
	c.proto = IPPROTO_ESP;
	c.dir = strcmp(dst, local_addr) == 0 ? ST_SA_IN : ST_SA_OUT;
	c.reqid = reqid;
	c.encr = 12;
	c.encr_keylen = 128;
	c.integ = 2;
	c.encr_key = ek;
	c.encr_key_len = sizeof(ek);
	c.integ_key = ik;
	c.integ_key_len = sizeof(ik);
	c.soft_sec = 3240;
	c.hard_sec = 3600;
	nlh = xfrm_msg_sa(buf, sizeof(buf), type, &c);
	assert_non_null(nlh);
	p = mnl_nlmsg_get_payload(nlh);
	p->curlft.packets = packets;
	p->curlft.bytes = packets * 84;
	xfrm_event_dispatch(nlh);
}

/* DELSA as the kernel multicasts it: the id, and the SA with its final
 * counters in XFRMA_SA. */
static void
delsa(const char *src, const char *dst, uint32_t spi, uint32_t reqid, uint64_t packets)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh;
	struct xfrm_usersa_id *id;
	struct xfrm_usersa_info info;
	struct ifl_addr s, d;

	addr_parse(src, &s);
	addr_parse(dst, &d);
	memset(&info, 0, sizeof(info));
	xfrm_addr_to_kernel(&s, &info.saddr);
	xfrm_addr_to_kernel(&d, &info.id.daddr);
	info.id.spi = htonl(spi);
	info.id.proto = IPPROTO_ESP;
	info.family = AF_INET;
	info.reqid = reqid;
	info.curlft.packets = packets;
	info.curlft.bytes = packets * 84;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_DELSA;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	id->daddr = info.id.daddr;
	id->spi = info.id.spi;
	id->family = AF_INET;
	id->proto = IPPROTO_ESP;
	mnl_attr_put(nlh, XFRMA_SA, sizeof(info), &info);
	xfrm_event_dispatch(nlh);
}

static const struct st_child *
only_child(void)
{
	const struct st_child *ch = st_child_next(0);

	assert_non_null(ch);
	assert_null(st_child_next(ch->index));
	return ch;
}

/* A pair the kernel dumped (captured in the bed, gw1's side) is one tunnel
 * with the kernel's algorithms and counters. */
static void
t_adopt_captured_dump(void **state)
{
	uint8_t raw[4096];
	const struct nlmsghdr *nlh;
	struct st_child_counters t;
	const struct st_child *ch;
	struct ifl_addr a;
	FILE *f;
	int n;

	(void)state;
	local_addr = GW1;
	assert_non_null(f = fopen(DATA "dump-gw1.bin", "rb"));
	n = (int)fread(raw, 1, sizeof(raw), f);
	fclose(f);
	for (nlh = (struct nlmsghdr *)raw; mnl_nlmsg_ok(nlh, n);
	    nlh = mnl_nlmsg_next(nlh, &n)) {
		struct xfrm_sa_info sa;

		if (nlh->nlmsg_type != XFRM_MSG_NEWSA)
			continue;
		assert_int_equal(xfrm_msg_parse_sa(nlh, &sa, NULL), 0);
		monitor_sa(&sa);
	}
	assert_int_equal(monitor_tunnels(), 1);
	ch = only_child();
	assert_string_equal(ch->conn, "reqid-1");
	assert_int_equal(ch->reqid, 1);
	addr_parse(GW1, &a);
	assert_int_equal(addr_cmp(&ch->local, &a), 0);
	assert_int_equal(st_child_current_sa(ch, ST_SA_IN)->spi, 0x2001);
	assert_int_equal(st_child_current_sa(ch, ST_SA_OUT)->spi, 0x1001);
	assert_int_equal(ch->algs.encr, 12);
	assert_int_equal(ch->algs.encr_keylen, 128);
	assert_int_equal(ch->algs.integ, 2);
	assert_false(ch->transport);
	assert_true(ch->start_mono != 0);
	assert_int_equal(ev.up, 1);
	st_child_totals(ch, &t);
	assert_int_equal(t.in.packets, 100);
	assert_int_equal(t.out.packets, 100);
	assert_int_equal(t.in.octets, 8400);
	assert_int_equal(t.out.octets, 8400);
}

/* Events: a pair makes a tunnel; its policies give the selectors; a new
 * pair of the same reqid is a rekey of the same row; the old pair's final
 * counters fold in when it goes; the last SA gone ends the tunnel with a
 * history row holding the totals. */
static void
t_rekey_keeps_row_and_folds(void **state)
{
	struct xfrm_pol_info pol;
	struct st_child_counters t;
	const struct st_child *ch;
	const struct st_child_hist *h;
	uint32_t index;

	(void)state;
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0xc1000001, 7, 0);
	assert_int_equal(monitor_tunnels(), 1);
	assert_int_equal(ev.up, 0);	/* one direction only: not up yet */
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0xc2000001, 7, 0);
	assert_int_equal(ev.up, 1);
	ch = only_child();
	index = ch->index;
	assert_int_equal(ch->life_sec, 3600);
	assert_int_equal(ch->rekey_sec, 3240);

	/* the out policy (strongSwan installs it after the SAs) */
	memset(&pol, 0, sizeof(pol));
	subnet_parse("203.0.113.0/24", &pol.src);
	subnet_parse("198.51.100.0/24", &pol.dst);
	pol.dir = IFL_XFRM_OUT;
	pol.reqid = 7;
	pol.index = 9;
	addr_parse(GW2, &pol.tmpl_src);
	addr_parse(GW1, &pol.tmpl_dst);
	xfrm_ctx.h.on_policy_change(&pol, 0, xfrm_ctx.h.arg);
	ch = only_child();
	assert_int_equal(ch->nts_local, 1);
	assert_int_equal(ch->nts_remote, 1);
	assert_int_equal(ch->ts_local[0].net.plen, 24);

	/* traffic, then the rekey: a new pair with the same reqid */
	assert_int_equal(st_sa_update(0xc1000001, ST_SA_IN,
	    &(struct st_dir_counters){ 84 * 150, 150, 0, 0 }), 0);
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0xc1000002, 7, 0);
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0xc2000002, 7, 0);
	assert_int_equal(monitor_tunnels(), 1);
	assert_int_equal(ev.rekey, 1);
	ch = only_child();
	assert_int_equal(ch->index, index);
	assert_int_equal(ch->refreshes, 1);
	assert_int_equal(st_child_current_sa(ch, ST_SA_IN)->spi, 0xc1000002);
	/* the old pair goes with its final counters */
	delsa(GW1, GW2, 0xc1000001, 7, 200);
	delsa(GW2, GW1, 0xc2000001, 7, 200);
	ch = only_child();
	assert_int_equal(ch->index, index);
	assert_int_equal(ch->nsa, 2);
	assert_int_equal(ch->retired.in.packets, 200);
	/* the new pair counts on top */
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0xc1000002, 7, 250);
	st_child_totals(only_child(), &t);
	assert_int_equal(t.in.packets, 450);
	assert_int_equal(t.out.packets, 200);
	assert_int_equal(ev.down, 0);

	/* the keying daemon takes the tunnel down */
	delsa(GW1, GW2, 0xc1000002, 7, 260);
	assert_int_equal(ev.down, 0);
	delsa(GW2, GW1, 0xc2000002, 7, 240);
	assert_int_equal(ev.down, 1);
	assert_int_equal(monitor_tunnels(), 0);
	assert_null(st_child_find(index));
	h = st_child_hist_next(0);
	assert_non_null(h);
	assert_int_equal(h->child.index, index);
	assert_int_equal(h->reason, ST_TERM_NORMAL);
	assert_int_equal(h->child.retired.in.packets, 460);
	assert_int_equal(h->child.retired.out.packets, 440);
	assert_int_equal(ev.last.child.retired.in.octets, 460 * 84);
}

/* A restart in the middle of traffic: the rows saved with the state come
 * back under their index and their counters go on from the kernel's, also
 * across a rekey done while ikeflowd was down. */
static void
t_restart_continues_rows(void **state)
{
	char dir[] = "/tmp/test_monitor.XXXXXX", path[64];
	struct st_child_counters t;
	const struct st_child *ch;
	uint32_t index;

	(void)state;
	assert_non_null(mkdtemp(dir));
	newsa(XFRM_MSG_NEWSA, GW1, GW2, 0xc1000001, 7, 0);
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0xc2000001, 7, 0);
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0xc1000001, 7, 100);
	newsa(XFRM_MSG_UPDSA, GW2, GW1, 0xc2000001, 7, 100);
	index = only_child()->index;

	/* ikeflowd's own tunnels are not saved */
	assert_int_equal(st_save(dir), 0);
	monitor_reset();
	st_free();
	st_init();
	assert_int_equal(st_load(dir), 0);
	assert_null(st_child_next(0));

	/* kept while another daemon keys them */
	st_init();
	newsa(XFRM_MSG_NEWSA, GW1, GW2, 0xc1000001, 7, 0);
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0xc2000001, 7, 0);
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0xc1000001, 7, 100);
	newsa(XFRM_MSG_UPDSA, GW2, GW1, 0xc2000001, 7, 100);
	index = only_child()->index;
	st_set_keyed_by(MONITOR_KEYED_BY);
	assert_int_equal(st_save(dir), 0);
	monitor_reset();
	st_free();
	st_init();
	st_subscribe(on_event, NULL);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(st_load(dir), 0);
	monitor_restore();
	assert_int_equal(monitor_tunnels(), 1);
	ch = only_child();
	assert_int_equal(ch->index, index);
	assert_int_equal(st_child_active_count(), 1);

	/* the kernel's SAs counted on meanwhile */
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0xc1000001, 7, 130);
	newsa(XFRM_MSG_UPDSA, GW2, GW1, 0xc2000001, 7, 120);
	st_child_totals(only_child(), &t);
	assert_int_equal(t.in.packets, 130);
	assert_int_equal(t.out.packets, 120);
	assert_int_equal(ev.up, 0);

	/* a rekey: same row, the old pair folds in */
	newsa(XFRM_MSG_NEWSA, GW1, GW2, 0xc1000002, 7, 5);
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0xc2000002, 7, 5);
	delsa(GW1, GW2, 0xc1000001, 7, 140);
	delsa(GW2, GW1, 0xc2000001, 7, 140);
	ch = only_child();
	assert_int_equal(ch->index, index);
	st_child_totals(ch, &t);
	assert_int_equal(t.in.packets, 145);
	assert_int_equal(t.out.packets, 145);
	assert_int_equal(ev.rekey, 1);

	/* a later tunnel takes a new index */
	newsa(XFRM_MSG_NEWSA, GW1, GW2, 0xc1000009, 9, 0);
	assert_true(st_child_next(index)->index > index);

	st_set_keyed_by(NULL);
	snprintf(path, sizeof(path), "%s/ikeflowd.state", dir);
	unlink(path);
	rmdir(dir);
}

/* Many tunnels (the lookups are hashed, the hashes grow): each SA and
 * policy finds its own tunnel, and one tunnel's end ends only it. */
static void
t_many_tunnels(void **state)
{
	struct xfrm_pol_info pol;
	struct ifl_addr l, r;
	const struct st_child *ch;
	enum { N = 2000 };

	(void)state;
	for (uint32_t i = 1; i <= N; i++) {
		newsa(XFRM_MSG_NEWSA, GW1, GW2, 0xc1000000 + i, i, i);
		newsa(XFRM_MSG_NEWSA, GW2, GW1, 0xc2000000 + i, i, i);
	}
	assert_int_equal(monitor_tunnels(), N);
	assert_int_equal(ev.up, N);
	memset(&pol, 0, sizeof(pol));
	subnet_parse("203.0.113.0/24", &pol.src);
	pol.dir = IFL_XFRM_OUT;
	addr_parse(GW2, &pol.tmpl_src);
	addr_parse(GW1, &pol.tmpl_dst);
	for (uint32_t i = 1; i <= N; i++) {
		char net[32];

		snprintf(net, sizeof(net), "10.%u.%u.0/24", i >> 8, i & 0xff);
		subnet_parse(net, &pol.dst);
		pol.reqid = i;
		pol.index = 8 * i;
		xfrm_ctx.h.on_policy_change(&pol, 0, xfrm_ctx.h.arg);
	}
	addr_parse(GW2, &l);
	addr_parse(GW1, &r);
	ch = st_child_find(monitor_tunnel_find(1234, &l, &r));
	assert_non_null(ch);
	assert_int_equal(ch->reqid, 1234);
	assert_int_equal(ch->nts_remote, 1);
	assert_int_equal(ch->ts_remote[0].net.addr.u.raw[1], 1234 >> 8);
	assert_int_equal(ch->ts_remote[0].net.addr.u.raw[2], 1234 & 0xff);
	assert_int_equal(st_child_current_sa(ch, ST_SA_IN)->c.packets, 1234);

	delsa(GW1, GW2, 0xc1000000 + 1234, 1234, 1300);
	assert_int_equal(ev.down, 0);
	delsa(GW2, GW1, 0xc2000000 + 1234, 1234, 1300);
	assert_int_equal(ev.down, 1);
	assert_int_equal(ev.last.child.reqid, 1234);
	assert_int_equal(ev.last.child.retired.in.packets, 1300);
	assert_int_equal(monitor_tunnels(), N - 1);
	assert_int_equal(monitor_tunnel_find(1234, &l, &r), 0);
	assert_true(monitor_tunnel_find(1233, &l, &r) != 0);
	assert_true(monitor_tunnel_find(1235, &l, &r) != 0);
}

/* Tunnels are told apart by reqid and addresses; SAs of nobody here, larval
 * SAs and other protocols are not followed. */
static void
t_grouping(void **state)
{
	struct xfrm_sa_info sa;

	(void)state;
	newsa(XFRM_MSG_NEWSA, GW1, GW2, 0x100, 1, 0);
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0x101, 1, 0);
	newsa(XFRM_MSG_NEWSA, GW1, GW2, 0x200, 2, 0);
	newsa(XFRM_MSG_NEWSA, "192.0.2.3", GW2, 0x300, 1, 0);
	assert_int_equal(monitor_tunnels(), 3);
	/* a second notice of a known SA changes nothing */
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0x100, 1, 5);
	assert_int_equal(monitor_tunnels(), 3);
	assert_int_equal(st_child_by_spi(0x100, ST_SA_IN)->nsa, 2);
	/* forwarded through: neither end ours */
	newsa(XFRM_MSG_NEWSA, "192.0.2.7", "192.0.2.8", 0x400, 1, 0);
	assert_int_equal(monitor_tunnels(), 3);
	memset(&sa, 0, sizeof(sa));
	addr_parse(GW1, &sa.src);
	addr_parse(GW2, &sa.dst);
	sa.spi = 0x500;
	sa.proto = IPPROTO_ESP;
	sa.reqid = 9;
	sa.larval = 1;
	monitor_sa(&sa);
	sa.larval = 0;
	sa.proto = IPPROTO_COMP;
	monitor_sa(&sa);
	assert_int_equal(monitor_tunnels(), 3);
	assert_null(st_child_by_spi(0x500, ST_SA_IN));
}

/* The kernel's hard expiry of the last SA ends the tunnel too. */
static void
t_hard_expire_ends(void **state)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh;
	struct xfrm_user_expire *x;
	struct ifl_addr s, d;

	(void)state;
	newsa(XFRM_MSG_NEWSA, GW1, GW2, 0x600, 3, 0);
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0x601, 3, 0);
	delsa(GW2, GW1, 0x601, 3, 10);
	assert_int_equal(monitor_tunnels(), 1);
	addr_parse(GW1, &s);
	addr_parse(GW2, &d);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_EXPIRE;
	x = mnl_nlmsg_put_extra_header(nlh, sizeof(*x));
	xfrm_addr_to_kernel(&s, &x->state.saddr);
	xfrm_addr_to_kernel(&d, &x->state.id.daddr);
	x->state.id.spi = htonl(0x600);
	x->state.id.proto = IPPROTO_ESP;
	x->state.family = AF_INET;
	x->state.reqid = 3;
	x->state.curlft.packets = 12;
	x->hard = 1;
	xfrm_event_dispatch(nlh);
	assert_int_equal(monitor_tunnels(), 0);
	assert_int_equal(ev.down, 1);
	assert_int_equal(ev.last.reason, ST_TERM_OTHER);
	assert_int_equal(ev.last.child.retired.in.packets, 12);
	assert_int_equal(ev.last.child.retired.out.packets, 10);
}

/* An IKE SA as charon's list-sa event describes it (one child). */
static void
put_ike(struct buf *m, const char *uniqueid, const char *spi_i, const char *reqid)
{
	assert_int_equal(vici_put_kv(m, "uniqueid", uniqueid), 0);
	assert_int_equal(vici_put_kv(m, "version", "2"), 0);
	assert_int_equal(vici_put_kv(m, "state", "ESTABLISHED"), 0);
	assert_int_equal(vici_put_kv(m, "local-host", GW2), 0);
	assert_int_equal(vici_put_kv(m, "local-id", GW2), 0);
	assert_int_equal(vici_put_kv(m, "remote-host", GW1), 0);
	assert_int_equal(vici_put_kv(m, "remote-id", "gw1.example"), 0);
	assert_int_equal(vici_put_kv(m, "initiator", "no"), 0);
	assert_int_equal(vici_put_kv(m, "initiator-spi", spi_i), 0);
	assert_int_equal(vici_put_kv(m, "responder-spi", "99aabbccddeeff00"), 0);
	assert_int_equal(vici_put_kv(m, "encr-alg", "AES_CBC"), 0);
	assert_int_equal(vici_put_kv(m, "encr-keysize", "128"), 0);
	assert_int_equal(vici_put_kv(m, "integ-alg", "HMAC_SHA1_96"), 0);
	assert_int_equal(vici_put_kv(m, "prf-alg", "PRF_HMAC_SHA1"), 0);
	assert_int_equal(vici_put_kv(m, "dh-group", "MODP_1536"), 0);
	assert_int_equal(vici_put_list(m, "tasks-queued"), 0);
	assert_int_equal(vici_put_list_end(m), 0);
	if (reqid == NULL)
		return;
	assert_int_equal(vici_put_section(m, "child-sas"), 0);
	/* charon keys the section NAME-UNIQUEID and names it inside */
	assert_int_equal(vici_put_section(m, "ciscoios-1"), 0);
	assert_int_equal(vici_put_kv(m, "name", "ciscoios"), 0);
	assert_int_equal(vici_put_kv(m, "uniqueid", "1"), 0);
	assert_int_equal(vici_put_kv(m, "reqid", reqid), 0);
	assert_int_equal(vici_put_kv(m, "state", "INSTALLED"), 0);
	assert_int_equal(vici_put_list(m, "local-ts"), 0);
	assert_int_equal(vici_put_item(m, "203.0.113.0/24"), 0);
	assert_int_equal(vici_put_list_end(m), 0);
	assert_int_equal(vici_put_section_end(m), 0);
	assert_int_equal(vici_put_section_end(m), 0);
}

/* vici: charon's IKE SA becomes an IKE row with its IDs and algorithms,
 * the kernel's tunnel of its child's reqid moves under it with the
 * child's name (whether the SAs or the event come first); an IKE rekey
 * moves the tunnel to the new IKE SA; the IKE SA going down leaves the
 * tunnel to the kernel. */
static void
t_vici_names_and_ike(void **state)
{
	struct buf *m = buf_new(512);
	const struct st_child *ch;
	const struct st_ike *ike;
	uint32_t first;

	(void)state;
	/* the event first: the tunnel claims its IKE SA when it appears */
	assert_int_equal(vici_put_section(m, "ciscoios"), 0);
	put_ike(m, "1", "1122334455667788", "7");
	assert_int_equal(vici_put_section_end(m), 0);
	monitor_vici_event("list-sa", m->data, m->len);
	ike = st_ike_next(0);
	assert_non_null(ike);
	assert_null(st_ike_next(ike->index));
	first = ike->index;
	assert_string_equal(ike->conn, "ciscoios");
	assert_string_equal(ike->remote_id, "gw1.example");
	assert_int_equal(ike->remote_id_type, ST_ID_NAME);
	assert_int_equal(ike->local_id_type, ST_ID_ADDR);
	assert_true(ike->spi_i == 0x1122334455667788ULL);
	assert_int_equal(ike->algs.encr, 12);
	assert_int_equal(ike->algs.encr_keylen, 128);
	assert_int_equal(ike->algs.integ, 2);
	assert_int_equal(ike->algs.prf, 2);
	assert_int_equal(ike->algs.dh, 5);
	assert_true(ike->start_mono != 0);
	newsa(XFRM_MSG_UPDSA, GW1, GW2, 0xc1000001, 7, 0);
	newsa(XFRM_MSG_NEWSA, GW2, GW1, 0xc2000001, 7, 0);
	ch = only_child();
	assert_int_equal(ch->ike_index, first);
	assert_string_equal(ch->conn, "ciscoios");

	/* an IKE rekey: the tunnel follows the new IKE SA */
	buf_reset(m);
	assert_int_equal(vici_put_section(m, "ciscoios"), 0);
	assert_int_equal(vici_put_section(m, "old"), 0);
	put_ike(m, "1", "1122334455667788", NULL);
	assert_int_equal(vici_put_section_end(m), 0);
	assert_int_equal(vici_put_section(m, "new"), 0);
	put_ike(m, "2", "aabbccddeeff0011", NULL);
	assert_int_equal(vici_put_section_end(m), 0);
	assert_int_equal(vici_put_section_end(m), 0);
	monitor_vici_event("ike-rekey", m->data, m->len);
	assert_null(st_ike_find(first));
	ike = st_ike_next(0);
	assert_non_null(ike);
	assert_true(ike->spi_i == 0xaabbccddeeff0011ULL);
	ch = only_child();
	assert_int_equal(ch->ike_index, ike->index);
	assert_int_equal(ev.down, 0);

	/* a reauthentication (make-before-break): a new IKE SA whose child
	 * has the reqid takes the tunnel; the old child's and the old IKE
	 * SA's down events (charon leaves "up" out then) do not take it back */
	first = ike->index;
	buf_reset(m);
	assert_int_equal(vici_put_kv(m, "up", "yes"), 0);
	assert_int_equal(vici_put_section(m, "ciscoios"), 0);
	put_ike(m, "3", "0102030405060708", "7");
	assert_int_equal(vici_put_section_end(m), 0);
	monitor_vici_event("child-updown", m->data, m->len);
	ike = st_ike_find(only_child()->ike_index);
	assert_non_null(ike);
	assert_true(ike->index != first);
	buf_reset(m);
	assert_int_equal(vici_put_section(m, "ciscoios"), 0);
	put_ike(m, "2", "aabbccddeeff0011", "7");
	assert_int_equal(vici_put_section_end(m), 0);
	monitor_vici_event("child-updown", m->data, m->len);
	assert_int_equal(only_child()->ike_index, ike->index);
	monitor_vici_event("ike-updown", m->data, m->len);
	assert_null(st_ike_find(first));
	assert_int_equal(only_child()->ike_index, ike->index);

	/* the IKE SA goes down: its row ends, the tunnel is the kernel's */
	buf_reset(m);
	assert_int_equal(vici_put_section(m, "ciscoios"), 0);
	put_ike(m, "3", "0102030405060708", NULL);
	assert_int_equal(vici_put_section_end(m), 0);
	monitor_vici_event("ike-updown", m->data, m->len);
	assert_null(st_ike_next(0));
	ch = only_child();
	assert_int_equal(ch->ike_index, 0);
	assert_int_equal(ev.down, 0);

	/* a malformed event changes nothing */
	monitor_vici_event("list-sa", m->data, m->len - 1);
	assert_null(st_ike_next(0));
	buf_free(m);
}

/* vici: the configured connections (list-conn) are connection rows under
 * their CHILD_SA configs' names, with addresses and start action; a
 * failure charon logs (log event) is one IKE failure record naming the
 * connection, however many lines charon writes about it. */
static void
t_vici_conns_and_failures(void **state)
{
	struct buf *m = buf_new(512);
	const struct st_conn *c;
	const struct st_ike_failrec *f;
	struct ifl_addr a;

	(void)state;
	assert_int_equal(vici_put_section(m, "gw-gw"), 0);
	assert_int_equal(vici_put_list(m, "local_addrs"), 0);
	assert_int_equal(vici_put_item(m, "%any"), 0);
	assert_int_equal(vici_put_item(m, GW2), 0);
	assert_int_equal(vici_put_list_end(m), 0);
	assert_int_equal(vici_put_list(m, "remote_addrs"), 0);
	assert_int_equal(vici_put_item(m, GW1), 0);
	assert_int_equal(vici_put_list_end(m), 0);
	assert_int_equal(vici_put_kv(m, "version", "IKEv1"), 0);
	assert_int_equal(vici_put_section(m, "children"), 0);
	assert_int_equal(vici_put_section(m, "net-net"), 0);
	assert_int_equal(vici_put_kv(m, "mode", "TUNNEL"), 0);
	assert_int_equal(vici_put_kv(m, "start_action", "trap"), 0);
	assert_int_equal(vici_put_section_end(m), 0);
	assert_int_equal(vici_put_section_end(m), 0);
	assert_int_equal(vici_put_section_end(m), 0);
	monitor_vici_event("list-conn", m->data, m->len);
	c = st_conn_find("net-net");
	assert_non_null(c);
	assert_null(st_conn_find("gw-gw"));
	assert_int_equal(c->ike_version, 1);
	assert_int_equal(c->auto_mode, 2);
	addr_parse(GW1, &a);
	assert_int_equal(addr_cmp(&c->remote, &a), 0);
	addr_parse(GW2, &a);
	assert_int_equal(addr_cmp(&c->local, &a), 0);

	/* a wrong PSK: two lines about IKE SA 5, one record */
	for (int i = 0; i < 2; i++) {
		buf_reset(m);
		assert_int_equal(vici_put_kv(m, "group", "IKE"), 0);
		assert_int_equal(vici_put_kv(m, "level", "1"), 0);
		assert_int_equal(vici_put_kv(m, "ikesa-name", "gw-gw"), 0);
		assert_int_equal(vici_put_kv(m, "ikesa-uniqueid", "5"), 0);
		assert_int_equal(vici_put_kv(m, "msg", i ? "received AUTHENTICATION_FAILED "
		    "notify error" : "tried 1 shared key for '192.0.2.2' - '192.0.2.1', "
		    "but MAC mismatched"), 0);
		monitor_vici_event("log", m->data, m->len);
	}
	/* an ordinary line is no failure */
	buf_reset(m);
	assert_int_equal(vici_put_kv(m, "ikesa-name", "gw-gw"), 0);
	assert_int_equal(vici_put_kv(m, "ikesa-uniqueid", "6"), 0);
	assert_int_equal(vici_put_kv(m, "msg", "IKE_SA gw-gw[6] established"), 0);
	monitor_vici_event("log", m->data, m->len);
	f = st_ike_fail_next(0);
	assert_non_null(f);
	assert_null(st_ike_fail_next(f->index));
	assert_int_equal(f->reason, ST_IKEF_AUTH);
	assert_string_equal(f->conn, "net-net");
	assert_non_null(strstr(f->detail, "MAC mismatched"));
	assert_int_equal(addr_cmp(&f->local, &a), 0);
	assert_int_equal(st_conn_find("net-net")->fail_count, 1);
	buf_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_adopt_captured_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rekey_keeps_row_and_folds, setup, teardown),
		cmocka_unit_test_setup_teardown(t_restart_continues_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(t_many_tunnels, setup, teardown),
		cmocka_unit_test_setup_teardown(t_grouping, setup, teardown),
		cmocka_unit_test_setup_teardown(t_hard_expire_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vici_names_and_ike, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vici_conns_and_failures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
