/* Proposal selection and traffic-selector narrowing of the IKEv2 engine. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "keying/ikev2_proposal.h"
#include "keying/ikev2_ts.h"
#include "keying/crypto.h"

static void
mklist(const char *s, uint8_t proto, struct ikev2_prop_list *l)
{
	struct cfg_proposals cp;
	char err[128];

	assert_int_equal(config_proposals_parse(s, proto == IKEV2_PROTO_IKE ?
	    CFG_PROTO_IKE : CFG_PROTO_ESP, &cp, err, sizeof(err)), 0);
	assert_int_equal(ikev2_prop_from_cfg(&cp, proto, l), 0);
}

static void
test_from_cfg_strict(void **state)
{
	struct ikev2_prop_list l;

	(void)state;
	mklist("aes128-sha1-modp1536!", IKEV2_PROTO_IKE, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.p[0].num, 1);
	assert_int_equal(l.p[0].proto, IKEV2_PROTO_IKE);
	assert_int_equal(ikev2_prop_first_dh(&l), 5);
	assert_true(ikev2_prop_has_dh(&l, 5));
	assert_false(ikev2_prop_has_dh(&l, 14));
	/* without '!' strongSwan's defaults follow the configured one */
	mklist("aes128-sha1-modp1536", IKEV2_PROTO_IKE, &l);
	assert_true(l.n > 1);
	assert_int_equal(ikev2_prop_first_dh(&l), 5);
	for (int i = 0; i < l.n; i++)
		assert_int_equal(l.p[i].num, i + 1);
}

static void
test_from_cfg_esp(void **state)
{
	struct ikev2_prop_list l;
	uint16_t kl;

	(void)state;
	mklist("aes128-sha1!", IKEV2_PROTO_ESP, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(ikev2_prop_id(&l.p[0], IKEV2_XFORM_ENCR, &kl), 12);
	assert_int_equal(kl, 128);
	assert_int_equal(ikev2_prop_id(&l.p[0], IKEV2_XFORM_INTEG, NULL), 2);
	/* ESP always says something about ESN: "no" by default */
	for (int i = 0; i < l.p[0].nxf; i++)
		if (l.p[0].xf[i].type == IKEV2_XFORM_ESN)
			assert_int_equal(l.p[0].xf[i].id, IKEV2_ESN_NO);
	mklist("aes256-sha256-modp2048!", IKEV2_PROTO_ESP, &l);
	assert_int_equal(ikev2_prop_first_dh(&l), 14);
	ikev2_prop_strip_dh(&l);
	assert_int_equal(ikev2_prop_first_dh(&l), 0);
	ikev2_prop_set_spi(&l, 0xc1020304, 4);
	assert_int_equal(l.p[0].spi_size, 4);
	assert_memory_equal(l.p[0].spi, "\xc1\x02\x03\x04", 4);
}

static void
test_select_prefers_ours(void **state)
{
	struct ikev2_prop_list ours, theirs;
	struct ikev2_prop c;
	struct st_algs a;

	(void)state;
	/* we list sha256 first, the peer lists sha1 first: ours wins */
	mklist("aes256-sha256-sha1-modp2048!", IKEV2_PROTO_IKE, &ours);
	mklist("aes256-sha1-sha256-modp2048!", IKEV2_PROTO_IKE, &theirs);
	theirs.p[0].num = 7;
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_IKE, &c), 0);
	ikev2_prop_algs(&c, &a);
	assert_int_equal(a.encr, 12);
	assert_int_equal(a.encr_keylen, 256);
	assert_int_equal(a.integ, 12);
	assert_int_equal(a.prf, 5);
	assert_int_equal(a.dh, 14);
	assert_int_equal(c.num, 7);	/* the peer's number is kept */
	/* our first proposal wins even when it is the peer's second */
	mklist("aes128-sha1-modp1536,aes256-sha256-modp2048!", IKEV2_PROTO_IKE, &ours);
	mklist("aes256-sha256-modp2048,aes128-sha1-modp1536!", IKEV2_PROTO_IKE, &theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_IKE, &c), 0);
	assert_int_equal(c.num, 2);
	assert_int_equal(ikev2_prop_id(&c, IKEV2_XFORM_DH, NULL), 5);
}

static void
test_select_mismatch(void **state)
{
	struct ikev2_prop_list ours, theirs;
	struct ikev2_prop c;

	(void)state;
	mklist("aes128-sha1-modp1536!", IKEV2_PROTO_IKE, &ours);
	mklist("aes256-sha256-modp2048!", IKEV2_PROTO_IKE, &theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_IKE, &c), -1);
	/* key length is part of the match */
	mklist("aes256-sha1-modp1536!", IKEV2_PROTO_IKE, &theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_IKE, &c), -1);
	/* protocol too */
	mklist("aes128-sha1!", IKEV2_PROTO_ESP, &theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_IKE, &c), -1);
	/* a peer proposal without DH does not do for IKE */
	mklist("aes128-sha1-modp1536!", IKEV2_PROTO_IKE, &theirs);
	ikev2_prop_strip_dh(&theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_IKE, &c), -1);
}

static void
test_select_esn(void **state)
{
	struct ikev2_prop_list ours, theirs;
	struct ikev2_prop c;
	struct st_algs a;
	int i, k;

	(void)state;
	mklist("aes128-sha1!", IKEV2_PROTO_ESP, &ours);
	mklist("aes128-sha1-esn!", IKEV2_PROTO_ESP, &theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_ESP, &c), -1);
	mklist("aes128-sha1-esn-noesn!", IKEV2_PROTO_ESP, &theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_ESP, &c), 0);
	ikev2_prop_algs(&c, &a);
	assert_int_equal(a.esn, 0);
	mklist("aes128-sha1-esn!", IKEV2_PROTO_ESP, &ours);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_ESP, &c), 0);
	ikev2_prop_algs(&c, &a);
	assert_int_equal(a.esn, 1);
	/* a peer leaving ESN out means none */
	mklist("aes128-sha1!", IKEV2_PROTO_ESP, &ours);
	mklist("aes128-sha1!", IKEV2_PROTO_ESP, &theirs);
	for (i = k = 0; i < theirs.p[0].nxf; i++)
		if (theirs.p[0].xf[i].type != IKEV2_XFORM_ESN)
			theirs.p[0].xf[k++] = theirs.p[0].xf[i];
	theirs.p[0].nxf = k;
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_ESP, &c), 0);
}

static void
test_select_dh_promotion(void **state)
{
	struct ikev2_prop_list ours, theirs;
	struct ikev2_prop c;

	(void)state;
	mklist("aes128-sha256-modp2048-ecp256!", IKEV2_PROTO_IKE, &ours);
	mklist("aes128-sha256-ecp256-modp2048!", IKEV2_PROTO_IKE, &theirs);
	assert_int_equal(ikev2_prop_select(&ours, &theirs, IKEV2_PROTO_IKE, &c), 0);
	assert_int_equal(ikev2_prop_id(&c, IKEV2_XFORM_DH, NULL), 14);
	/* the initiator sent its KE for ecp256, which we also allow */
	assert_int_equal(ikev2_prop_select_dh(&ours, &theirs, IKEV2_PROTO_IKE, 19, &c), 0);
	assert_int_equal(ikev2_prop_id(&c, IKEV2_XFORM_DH, NULL), 19);
	assert_int_equal(ikev2_prop_select_dh(&ours, &theirs, IKEV2_PROTO_IKE, 31, &c), -1);
	/* INVALID_KE retry: the asked-for group goes first */
	mklist("aes128-sha256-modp2048,aes128-sha256-ecp256-modp3072!", IKEV2_PROTO_IKE,
	    &theirs);
	ikev2_prop_prefer_dh(&theirs, 15);
	assert_int_equal(ikev2_prop_first_dh(&theirs), 15);
	assert_int_equal(theirs.n, 2);
}

static void
test_accept(void **state)
{
	struct ikev2_prop_list ours, reply;
	struct ikev2_prop c;

	(void)state;
	mklist("aes128-sha1-modp1536,aes256-sha256-modp2048!", IKEV2_PROTO_IKE, &ours);
	mklist("aes256-sha256-modp2048!", IKEV2_PROTO_IKE, &reply);
	reply.p[0].num = 2;
	assert_int_equal(ikev2_prop_accept(&ours, &reply, IKEV2_PROTO_IKE, &c), 0);
	assert_int_equal(ikev2_prop_id(&c, IKEV2_XFORM_DH, NULL), 14);
	/* the same transforms under the wrong proposal number */
	reply.p[0].num = 1;
	assert_int_equal(ikev2_prop_accept(&ours, &reply, IKEV2_PROTO_IKE, &c), -1);
	/* two transforms of one type is not a choice */
	mklist("aes256-sha256-sha1-modp2048!", IKEV2_PROTO_IKE, &reply);
	reply.p[0].num = 2;
	assert_int_equal(ikev2_prop_accept(&ours, &reply, IKEV2_PROTO_IKE, &c), -1);
	/* a type missing */
	mklist("aes256-sha256-modp2048!", IKEV2_PROTO_IKE, &reply);
	reply.p[0].num = 2;
	ikev2_prop_strip_dh(&reply);
	assert_int_equal(ikev2_prop_accept(&ours, &reply, IKEV2_PROTO_IKE, &c), -1);
	/* more than one proposal */
	mklist("aes128-sha1-modp1536,aes256-sha256-modp2048!", IKEV2_PROTO_IKE, &reply);
	assert_int_equal(ikev2_prop_accept(&ours, &reply, IKEV2_PROTO_IKE, &c), -1);
}

static void
mkts(const char *net, uint8_t proto, uint16_t port, struct ikev2_ts *ts)
{
	struct cfg_end e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(subnet_parse(net, &e.subnets[0]), 0);
	e.nsubnets = 1;
	e.proto = proto;
	e.port = port;
	assert_int_equal(ikev2_ts_from_end(&e, NULL, ts, 1), 1);
}

static void
test_ts_narrow(void **state)
{
	struct ikev2_ts theirs[2], ours[2], out[4];
	struct st_ts st;
	char s[SUBNET_STRLEN];

	(void)state;
	mkts("192.168.1.0/24", 0, 0, &theirs[0]);
	mkts("192.168.1.0/25", 0, 0, &ours[0]);
	assert_int_equal(ikev2_ts_narrow(theirs, 1, ours, 1, out, 4), 1);
	ikev2_ts_to_st(&out[0], &st);
	assert_string_equal(subnet_str(&st.net, s, sizeof(s)), "192.168.1.0/25");
	assert_int_equal(st.proto, 0);
	/* the initiator accepts the narrowed answer, not a wider one */
	assert_true(ikev2_ts_inside(out, 1, theirs, 1));
	assert_false(ikev2_ts_inside(theirs, 1, out, 1));
	/* disjoint: TS_UNACCEPTABLE */
	mkts("10.0.0.0/8", 0, 0, &ours[0]);
	assert_int_equal(ikev2_ts_narrow(theirs, 1, ours, 1, out, 4), 0);
	/* protocol and port narrowing */
	mkts("192.168.1.0/24", 0, 0, &theirs[0]);
	mkts("192.168.0.0/16", 6, 80, &ours[0]);
	assert_int_equal(ikev2_ts_narrow(theirs, 1, ours, 1, out, 4), 1);
	assert_int_equal(out[0].proto, 6);
	assert_int_equal(out[0].sport, 80);
	assert_int_equal(out[0].eport, 80);
	ikev2_ts_to_st(&out[0], &st);
	assert_string_equal(subnet_str(&st.net, s, sizeof(s)), "192.168.1.0/24");
	assert_int_equal(st.port, 80);
	mkts("192.168.1.0/24", 17, 0, &theirs[0]);
	assert_int_equal(ikev2_ts_narrow(theirs, 1, ours, 1, out, 4), 0);
	/* two of ours, duplicates dropped */
	mkts("192.168.1.0/24", 0, 0, &theirs[0]);
	mkts("192.168.1.0/26", 0, 0, &ours[0]);
	mkts("192.168.1.128/26", 0, 0, &ours[1]);
	theirs[1] = theirs[0];
	assert_int_equal(ikev2_ts_narrow(theirs, 2, ours, 2, out, 4), 2);
	/* IPv6 never meets IPv4 */
	mkts("2001:db8::/32", 0, 0, &ours[0]);
	assert_int_equal(ikev2_ts_narrow(theirs, 1, ours, 1, out, 4), 0);
}

static void
test_ts_host(void **state)
{
	struct cfg_end e;
	struct ifl_addr h;
	struct ikev2_ts ts;
	struct st_ts st;
	char s[SUBNET_STRLEN];

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(addr_parse("172.16.10.2", &h), 0);
	assert_int_equal(ikev2_ts_from_end(&e, &h, &ts, 1), 1);
	ikev2_ts_to_st(&ts, &st);
	assert_string_equal(subnet_str(&st.net, s, sizeof(s)), "172.16.10.2/32");
	assert_int_equal(ts.sport, 0);
	assert_int_equal(ts.eport, 0xffff);
	assert_int_equal(ikev2_ts_from_end(&e, NULL, &ts, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_cfg_strict),
		cmocka_unit_test(test_from_cfg_esp),
		cmocka_unit_test(test_select_prefers_ours),
		cmocka_unit_test(test_select_mismatch),
		cmocka_unit_test(test_select_esn),
		cmocka_unit_test(test_select_dh_promotion),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_ts_narrow),
		cmocka_unit_test(test_ts_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
