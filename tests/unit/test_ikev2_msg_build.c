/* IKEv2 builder: every payload type survives build -> parse; SK/SKF with
 * the real SK code; fragment reassembly; names and text renderings. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "keying/ikev2_msg.h"
#include "keying/ikev2_sk.h"

static const uint8_t nonce[40] = { 0xaa, 0xbb, 0xcc, 1, 2, 3 };

static struct ikev2_msg *
parse(const struct buf *b)
{
	struct ike_perr err;
	struct ikev2_msg *m = ikev2_msg_parse(b->data, b->len, &err);

	if (m == NULL)
		fail_msg("%s: %s", ike_perr_name(err.code), err.text);
	return m;
}

static void
ts_set(struct ikev2_ts *ts, const char *lo, const char *hi, uint8_t proto,
    uint16_t sport, uint16_t eport)
{
	memset(ts, 0, sizeof(*ts));
	assert_int_equal(addr_parse(lo, &ts->start), 0);
	assert_int_equal(addr_parse(hi, &ts->end), 0);
	ts->type = ts->start.family == AF_INET ? IKEV2_TS_IPV4_ADDR_RANGE :
	    IKEV2_TS_IPV6_ADDR_RANGE;
	ts->proto = proto;
	ts->sport = sport;
	ts->eport = eport;
}

/* Appends one of every payload type and returns how many. */
static size_t
build_all(struct ike_builder *bl)
{
	static const uint8_t ke[64] = { 7, 7, 7 }, auth[20] = { 5 }, vid[16] = { 0x88 },
	    cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, ip4[4] = { 10, 0, 0, 1 },
	    mask[4] = { 255, 255, 255, 0 }, cert[9] = "certbytes";
	static const uint32_t spis[2] = { 0xc1234567, 0xcabcdef0 };
	struct ikev2_prop_list sa;
	struct ikev2_notify n;
	struct ikev2_tsp tsp;
	struct ikev2_id id;
	struct ikev2_cp cp;
	struct ikev2_cert c;

	memset(&sa, 0, sizeof(sa));
	sa.n = 2;
	sa.p[0].num = 1;
	sa.p[0].proto = IKEV2_PROTO_ESP;
	sa.p[0].spi_size = 4;
	ikev2_spi_put(sa.p[0].spi, 4, 0xc0ffee01);
	sa.p[0].nxf = 3;
	sa.p[0].xf[0] = (struct ikev2_xform){ IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256 };
	sa.p[0].xf[1] = (struct ikev2_xform){ IKEV2_XFORM_DH, IKEV2_DH_ECP256, 0 };
	sa.p[0].xf[2] = (struct ikev2_xform){ IKEV2_XFORM_ESN, IKEV2_ESN_YES, 0 };
	sa.p[1].num = 2;
	sa.p[1].proto = IKEV2_PROTO_IKE;
	sa.p[1].spi_size = 8;
	ikev2_spi_put(sa.p[1].spi, 8, 0x1122334455667788ULL);
	sa.p[1].nxf = 1;
	sa.p[1].xf[0] = (struct ikev2_xform){ IKEV2_XFORM_ENCR, IKEV2_ENCR_3DES, 0 };
	assert_int_equal(ikev2_build_sa(bl, &sa), 0);
	assert_int_equal(ikev2_build_ke(bl, IKEV2_DH_ECP256, ke, sizeof(ke)), 0);
	id = (struct ikev2_id){ IKEV2_ID_FQDN, (const uint8_t *)"peer.example", 12 };
	assert_int_equal(ikev2_build_id(bl, IKEV2_PL_IDI, &id), 0);
	id = (struct ikev2_id){ IKEV2_ID_IPV4_ADDR, ip4, 4 };
	assert_int_equal(ikev2_build_id(bl, IKEV2_PL_IDR, &id), 0);
	assert_int_equal(ikev2_build_auth(bl, IKEV2_AUTH_PSK, auth, sizeof(auth)), 0);
	assert_int_equal(ikev2_build_nonce(bl, nonce, sizeof(nonce)), 0);
	memset(&n, 0, sizeof(n));
	n.proto = IKEV2_PROTO_ESP;
	n.spi_size = 4;
	ikev2_spi_put(n.spi, 4, 0xc0ffee02);
	n.type = IKEV2_N_REKEY_SA;
	assert_int_equal(ikev2_build_notify(bl, &n), 0);
	assert_int_equal(ikev2_build_notify_simple(bl, IKEV2_N_COOKIE, cookie, sizeof(cookie)), 0);
	assert_int_equal(ikev2_build_delete_spis(bl, IKEV2_PROTO_ESP, spis, 2), 0);
	assert_int_equal(ikev2_build_delete_spis(bl, IKEV2_PROTO_IKE, NULL, 0), 0);
	memset(&tsp, 0, sizeof(tsp));
	tsp.n = 2;
	ts_set(&tsp.ts[0], "10.1.0.0", "10.1.255.255", 0, 0, 65535);
	ts_set(&tsp.ts[1], "10.2.0.5", "10.2.0.9", 6, 443, 443);
	assert_int_equal(ikev2_build_ts(bl, IKEV2_PL_TSI, &tsp), 0);
	tsp.n = 1;
	ts_set(&tsp.ts[0], "2001:db8::", "2001:db8::ffff", 17, 1000, 2000);
	assert_int_equal(ikev2_build_ts(bl, IKEV2_PL_TSR, &tsp), 0);
	assert_int_equal(ikev2_build_vendor(bl, vid, sizeof(vid)), 0);
	memset(&cp, 0, sizeof(cp));
	cp.type = IKEV2_CFG_REPLY;
	cp.nattr = 2;
	cp.attr[0] = (struct ikev2_cp_attr){ IKEV2_CP_INTERNAL_IP4_ADDRESS, 4, ip4 };
	cp.attr[1] = (struct ikev2_cp_attr){ IKEV2_CP_INTERNAL_IP4_NETMASK, 4, mask };
	assert_int_equal(ikev2_build_cp(bl, &cp), 0);
	c = (struct ikev2_cert){ 4, cert, sizeof(cert) };
	assert_int_equal(ikev2_build_cert(bl, IKEV2_PL_CERTREQ, &c), 0);
	assert_int_equal(ikev2_build_cert(bl, IKEV2_PL_CERT, &c), 0);
	return 16;
}

/* Parses what build_all() wrote back into the same values. */
static void
check_all(const struct ikev2_msg *m)
{
	struct ikev2_prop_list sa;
	struct ikev2_notify n;
	struct ike_delete d;
	struct ikev2_auth a;
	struct ikev2_nonce no, v;
	struct ikev2_tsp ts;
	struct ikev2_ke ke;
	struct ikev2_id id;
	struct ikev2_cp cp;
	struct ikev2_cert c;
	char s[128];

	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 2);
	assert_int_equal(sa.p[0].proto, IKEV2_PROTO_ESP);
	assert_int_equal(ikev2_spi_value(sa.p[0].spi, sa.p[0].spi_size), 0xc0ffee01);
	assert_int_equal(sa.p[0].nxf, 3);
	assert_int_equal(sa.p[0].xf[0].keylen, 256);
	assert_int_equal(sa.p[0].xf[2].type, IKEV2_XFORM_ESN);
	assert_int_equal(sa.p[0].xf[2].id, IKEV2_ESN_YES);
	assert_int_equal(sa.p[1].spi_size, 8);
	assert_true(ikev2_spi_value(sa.p[1].spi, 8) == 0x1122334455667788ULL);
	assert_int_equal(sa.p[1].xf[0].id, IKEV2_ENCR_3DES);
	assert_int_equal(sa.p[1].xf[0].keylen, 0);

	assert_int_equal(ikev2_pl_ke(ikev2_msg_get(m, IKEV2_PL_KE, 0), &ke, NULL), 0);
	assert_int_equal(ke.group, IKEV2_DH_ECP256);
	assert_int_equal(ke.len, 64);
	assert_int_equal(ke.data[2], 7);
	assert_int_equal(ikev2_pl_id(ikev2_msg_get(m, IKEV2_PL_IDI, 0), &id, NULL), 0);
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "peer.example");
	assert_int_equal(ikev2_pl_id(ikev2_msg_get(m, IKEV2_PL_IDR, 0), &id, NULL), 0);
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "10.0.0.1");
	assert_int_equal(ikev2_pl_auth(ikev2_msg_get(m, IKEV2_PL_AUTH, 0), &a, NULL), 0);
	assert_int_equal(a.method, IKEV2_AUTH_PSK);
	assert_int_equal(a.len, 20);
	assert_int_equal(ikev2_pl_nonce(ikev2_msg_get(m, IKEV2_PL_NONCE, 0), &no, NULL), 0);
	assert_int_equal(no.len, sizeof(nonce));
	assert_memory_equal(no.data, nonce, sizeof(nonce));

	assert_int_equal(ikev2_msg_notify(m, IKEV2_N_REKEY_SA, &n), 1);
	assert_int_equal(n.proto, IKEV2_PROTO_ESP);
	assert_int_equal(ikev2_spi_value(n.spi, n.spi_size), 0xc0ffee02);
	assert_int_equal(n.len, 0);
	assert_int_equal(ikev2_msg_notify(m, IKEV2_N_COOKIE, &n), 1);
	assert_int_equal(n.len, 8);
	assert_int_equal(n.data[7], 8);

	assert_int_equal(ikev2_msg_count(m, IKEV2_PL_DELETE), 2);
	assert_int_equal(ikev2_pl_delete(ikev2_msg_get(m, IKEV2_PL_DELETE, 0), &d, NULL), 0);
	assert_int_equal(d.proto, IKEV2_PROTO_ESP);
	assert_int_equal(d.nspi, 2);
	assert_int_equal(ike_delete_spi(&d, 0), 0xc1234567);
	assert_int_equal(ike_delete_spi(&d, 1), 0xcabcdef0);
	assert_int_equal(ike_delete_spi(&d, 2), 0);
	assert_int_equal(ikev2_pl_delete(ikev2_msg_get(m, IKEV2_PL_DELETE, 1), &d, NULL), 0);
	assert_int_equal(d.proto, IKEV2_PROTO_IKE);
	assert_int_equal(d.nspi, 0);

	assert_int_equal(ikev2_pl_ts(ikev2_msg_get(m, IKEV2_PL_TSI, 0), &ts, NULL), 0);
	assert_int_equal(ts.n, 2);
	assert_string_equal(ikev2_ts_str(&ts.ts[0], s, sizeof(s)), "10.1.0.0/16");
	assert_string_equal(ikev2_ts_str(&ts.ts[1], s, sizeof(s)), "10.2.0.5..10.2.0.9[6/443]");
	assert_int_equal(ikev2_pl_ts(ikev2_msg_get(m, IKEV2_PL_TSR, 0), &ts, NULL), 0);
	assert_int_equal(ts.n, 1);
	assert_int_equal(ts.ts[0].type, IKEV2_TS_IPV6_ADDR_RANGE);
	assert_string_equal(ikev2_ts_str(&ts.ts[0], s, sizeof(s)), "2001:db8::/112[17/1000-2000]");

	assert_int_equal(ikev2_pl_vendor(ikev2_msg_get(m, IKEV2_PL_VENDOR, 0), &v, NULL), 0);
	assert_int_equal(v.len, 16);
	assert_int_equal(v.data[0], 0x88);
	assert_int_equal(ikev2_pl_cp(ikev2_msg_get(m, IKEV2_PL_CP, 0), &cp, NULL), 0);
	assert_int_equal(cp.type, IKEV2_CFG_REPLY);
	assert_int_equal(cp.nattr, 2);
	assert_int_equal(cp.attr[1].type, IKEV2_CP_INTERNAL_IP4_NETMASK);
	assert_int_equal(cp.attr[1].len, 4);
	assert_int_equal(cp.attr[1].val[0], 255);
	assert_int_equal(ikev2_pl_cert(ikev2_msg_get(m, IKEV2_PL_CERTREQ, 0), &c, NULL), 0);
	assert_int_equal(c.encoding, 4);
	assert_int_equal(ikev2_pl_cert(ikev2_msg_get(m, IKEV2_PL_CERT, 0), &c, NULL), 0);
	assert_int_equal(c.len, 9);
	assert_memory_equal(c.data, "certbytes", 9);
}

static void
test_roundtrip_all(void **state)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct ikev2_msg *m;
	struct buf *b = buf_new(0);
	size_t n, i;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.ispi = 0xfedcba9876543210ULL;
	h.rspi = 0x0123456789abcdefULL;
	h.exchange = IKEV2_EXCH_CREATE_CHILD_SA;
	h.flags = IKEV2_FLAG_RESPONSE;
	h.msgid = 0x01020304;
	/* a message need not start at the beginning of its buffer */
	buf_put(b, "prefix", 6);
	ikev2_build_msg(&bl, b, &h);
	n = build_all(&bl);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	assert_int_equal(bl.first, IKEV2_PL_SA);

	assert_non_null(m = ikev2_msg_parse(b->data + 6, b->len - 6, NULL));
	assert_true(m->hdr.ispi == h.ispi);
	assert_true(m->hdr.rspi == h.rspi);
	assert_int_equal(m->hdr.version, IKEV2_VERSION);
	assert_int_equal(m->hdr.exchange, IKEV2_EXCH_CREATE_CHILD_SA);
	assert_int_equal(m->hdr.flags, IKEV2_FLAG_RESPONSE);
	assert_int_equal(m->hdr.msgid, 0x01020304);
	assert_int_equal(m->hdr.length, b->len - 6);
	assert_int_equal(m->outer.n, n);
	for (i = 0; i + 1 < n; i++)
		assert_int_equal(m->outer.pl[i].next, m->outer.pl[i + 1].type);
	assert_int_equal(m->outer.pl[n - 1].next, IKEV2_PL_NONE);
	check_all(m);
	ikev2_msg_free(m);
	buf_free(b);
}

/* The inner chain goes through ikev2_sk_encrypt and comes back through
 * ikev2_sk_decrypt and the same parser. */
static void
test_roundtrip_sk(void **state)
{
	struct ike_builder bl, in;
	struct ikev2_sa_keys k;
	struct ike_perr err;
	struct ike_hdr h;
	struct ikev2_msg *m;
	struct buf *b = buf_new(0), *plain = buf_new_secret(0), *out;
	long sk_off;
	size_t n;

	(void)state;
	memset(&k, 0, sizeof(k));
	k.encr = IKEV2_ENCR_AES_CBC;
	k.encr_keylen = 128;
	k.encr_len = 16;
	k.integ = IKEV2_INTEG_HMAC_SHA2_256_128;
	k.integ_len = 32;
	memset(k.sk_ei, 0x11, sizeof(k.sk_ei));
	memset(k.sk_ai, 0x22, sizeof(k.sk_ai));

	ike_build_chain(&in, plain);
	n = build_all(&in);
	assert_int_equal(ikev2_build_finish(&in), 0);
	assert_int_equal(in.first, IKEV2_PL_SA);

	memset(&h, 0, sizeof(h));
	h.ispi = 1;
	h.rspi = 2;
	h.exchange = IKEV2_EXCH_IKE_AUTH;
	h.flags = IKEV2_FLAG_INITIATOR;
	h.msgid = 1;
	ikev2_build_msg(&bl, b, &h);
	sk_off = ikev2_build_sk(&bl, in.first);
	assert_true(sk_off == IKEV2_HDR_LEN);
	/* nothing may follow SK */
	assert_int_equal(ikev2_build_vendor(&bl, "late", 4), -1);
	assert_int_equal(ikev2_build_finish(&bl), -1);
	bl.failed = 0;
	assert_int_equal(ikev2_build_finish(&bl), 0);
	assert_int_equal(ikev2_sk_encrypt(&k, 1, b, (size_t)sk_off, plain->data,
	    plain->len), 0);

	m = parse(b);
	assert_int_equal(m->outer.n, 1);
	assert_non_null(m->sk);
	assert_int_equal(m->sk->next, IKEV2_PL_SA);
	assert_int_equal(m->sk->off, (size_t)sk_off);
	out = buf_new_secret(0);
	assert_int_equal(ikev2_sk_decrypt(&k, 1, m->bufs.raw->data, m->bufs.raw->len, m->sk->off,
	    IKEV2_SK_HDR_LEN, out), 0);
	assert_int_equal(out->len, plain->len);
	assert_int_equal(ikev2_msg_set_inner(m, out, m->sk->next, &err), 0);
	assert_int_equal(m->inner.n, n);
	check_all(m);
	assert_int_equal(ikev2_msg_count(m, IKEV2_PL_SK), 1);
	ikev2_msg_free(m);
	buf_free(plain);
	buf_free(b);
	ikev2_sa_keys_wipe(&k);
}

static void
test_skf(void **state)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct ikev2_skf f;
	struct ikev2_msg *m;
	struct buf *b;
	long off;
	uint16_t num;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.exchange = IKEV2_EXCH_IKE_AUTH;
	for (num = 1; num <= 3; num++) {
		b = buf_new(0);
		ikev2_build_msg(&bl, b, &h);
		off = ikev2_build_skf(&bl, IKEV2_PL_IDI, num, 3);
		assert_true(off == IKEV2_HDR_LEN);
		assert_int_equal(ikev2_build_finish(&bl), 0);
		/* what ikev2_sk_encrypt would append */
		buf_put_zero(b, 32);
		buf_set_u16(b, (size_t)off + 2, 8 + 32);
		buf_set_u32(b, 24, (uint32_t)b->len);
		m = parse(b);
		assert_int_equal(m->sk->type, IKEV2_PL_SKF);
		assert_int_equal(ikev2_pl_skf(m->sk, &f, NULL), 0);
		assert_int_equal(f.num, num);
		assert_int_equal(f.total, 3);
		assert_int_equal(f.len, 32);
		/* only the first fragment names the inner payload */
		assert_int_equal(m->sk->next, num == 1 ? IKEV2_PL_IDI : IKEV2_PL_NONE);
		ikev2_msg_free(m);
		buf_free(b);
	}
	b = buf_new(0);
	ikev2_build_msg(&bl, b, &h);
	assert_int_equal(ikev2_build_skf(&bl, IKEV2_PL_IDI, 4, 3), -1);
	assert_int_equal(ikev2_build_finish(&bl), -1);
	buf_free(b);
}

static void
test_builder_refuses(void **state)
{
	struct ikev2_prop_list sa;
	struct ike_builder bl;
	struct ikev2_tsp tsp;
	struct buf *b = buf_new(0);

	(void)state;
	ike_build_chain(&bl, b);
	assert_int_equal(ikev2_build_nonce(&bl, nonce, 15), -1);
	assert_int_equal(ikev2_build_finish(&bl), -1);
	/* sticky */
	assert_int_equal(ikev2_build_vendor(&bl, "v", 1), -1);

	buf_reset(b);
	ike_build_chain(&bl, b);
	memset(&sa, 0, sizeof(sa));
	assert_int_equal(ikev2_build_sa(&bl, &sa), -1);
	buf_reset(b);
	ike_build_chain(&bl, b);
	sa.n = 1;
	sa.p[0].nxf = 1;
	sa.p[0].spi_size = 5;
	assert_int_equal(ikev2_build_sa(&bl, &sa), -1);
	buf_reset(b);
	ike_build_chain(&bl, b);
	memset(&tsp, 0, sizeof(tsp));
	tsp.n = 1;
	ts_set(&tsp.ts[0], "10.0.0.0", "2001:db8::", 0, 0, 65535);
	assert_int_equal(ikev2_build_ts(&bl, IKEV2_PL_TSI, &tsp), -1);
	buf_reset(b);
	ike_build_chain(&bl, b);
	ts_set(&tsp.ts[0], "10.0.0.0", "10.0.0.255", 0, 0, 65535);
	assert_int_equal(ikev2_build_ts(&bl, IKEV2_PL_SA, &tsp), -1);
	buf_reset(b);
	ike_build_chain(&bl, b);
	assert_int_equal(ikev2_build_ke(&bl, 14, NULL, 0), -1);
	buf_reset(b);
	/* a payload over 64 KiB */
	ike_build_chain(&bl, b);
	{
		static uint8_t big[70000];

		assert_int_equal(ikev2_build_vendor(&bl, big, sizeof(big)), -1);
	}
	buf_free(b);
}

static void
test_natd(void **state)
{
	uint8_t h1[IKEV2_NATD_LEN], h2[IKEV2_NATD_LEN];
	struct ifl_addr a;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(ikev2_natd_hash(1, 2, &a, 500, h1), -1);
	assert_int_equal(addr_parse("2001:db8::1", &a), 0);
	assert_int_equal(ikev2_natd_hash(1, 2, &a, 500, h1), 0);
	assert_int_equal(ikev2_natd_hash(1, 3, &a, 500, h2), 0);
	assert_memory_not_equal(h1, h2, sizeof(h1));
	/* SHA1(00..01 | 00..02 | 2001:db8::1 | 01f4), from Python's hashlib */
	{
		static const uint8_t want[20] = {
			0x23, 0x69, 0x5c, 0xc3, 0x26, 0xb8, 0x8f, 0xd9, 0xfd, 0x34,
			0xe3, 0x1b, 0xb3, 0xf0, 0xe2, 0x5a, 0x29, 0x34, 0x40, 0xa9 };

		assert_memory_equal(h1, want, sizeof(want));
	}
}

static void
test_reassembly(void **state)
{
	struct ikev2_reasm r;
	struct buf *out;
	uint8_t first = 0;

	(void)state;
	ikev2_reasm_init(&r, 7, 4, 100);
	assert_null(ikev2_reasm_take(&r, &first));
	/* out of order, with a duplicate */
	assert_int_equal(ikev2_reasm_add(&r, 3, 3, 0, (const uint8_t *)"ghi", 3), 0);
	assert_int_equal(ikev2_reasm_add(&r, 1, 3, IKEV2_PL_IDI, (const uint8_t *)"abc", 3), 0);
	assert_int_equal(ikev2_reasm_add(&r, 3, 3, 0, (const uint8_t *)"XXX", 3), 0);
	assert_null(ikev2_reasm_take(&r, &first));
	assert_int_equal(ikev2_reasm_add(&r, 2, 3, 0, (const uint8_t *)"def", 3), 1);
	assert_non_null(out = ikev2_reasm_take(&r, &first));
	assert_int_equal(first, IKEV2_PL_IDI);
	assert_int_equal(out->len, 9);
	assert_memory_equal(out->data, "abcdefghi", 9);
	assert_int_equal(out->secret, 1);
	buf_free(out);
	assert_int_equal(r.total, 0);

	/* a retransmission with more (smaller) fragments restarts; fewer is stale */
	assert_int_equal(ikev2_reasm_add(&r, 1, 2, IKEV2_PL_IDI, (const uint8_t *)"ab", 2), 0);
	assert_int_equal(ikev2_reasm_add(&r, 2, 3, 0, (const uint8_t *)"cd", 2), 0);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.have, 1);
	assert_int_equal(ikev2_reasm_add(&r, 1, 2, IKEV2_PL_IDI, (const uint8_t *)"ab", 2), 0);
	assert_int_equal(r.have, 1);

	/* bad numbers, too many fragments, too many bytes */
	assert_int_equal(ikev2_reasm_add(&r, 0, 3, 0, (const uint8_t *)"x", 1), -1);
	assert_int_equal(ikev2_reasm_add(&r, 4, 3, 0, (const uint8_t *)"x", 1), -1);
	assert_int_equal(ikev2_reasm_add(&r, 1, 5, 0, (const uint8_t *)"x", 1), -1);
	{
		static const uint8_t big[99];

		assert_int_equal(ikev2_reasm_add(&r, 1, 3, 0, big, sizeof(big)), -1);
	}
	assert_int_equal(r.have, 0);
	assert_int_equal(ikev2_reasm_add(&r, 1, 1, IKEV2_PL_NONE, NULL, 0), 1);
	assert_non_null(out = ikev2_reasm_take(&r, &first));
	assert_int_equal(out->len, 0);
	buf_free(out);
	assert_int_equal(ikev2_reasm_add(&r, 1, 2, 0, (const uint8_t *)"x", 1), 0);
	ikev2_reasm_clear(&r);
}

static void
test_names_and_text(void **state)
{
	struct ikev2_id id;
	char s[64];
	static const uint8_t keyid[4] = { 0xde, 0xad, 0xbe, 0xef },
	    v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, odd[3] = { 'a', 0x01, 'b' };

	(void)state;
	assert_string_equal(ikev2_notify_name(IKEV2_N_NAT_DETECTION_SOURCE_IP),
	    "NAT_DETECTION_SOURCE_IP");
	assert_string_equal(ikev2_notify_name(IKEV2_N_INVALID_KE_PAYLOAD), "INVALID_KE_PAYLOAD");
	assert_string_equal(ikev2_notify_name(9999), "UNKNOWN");
	assert_string_equal(ikev2_exchange_name(IKEV2_EXCH_IKE_AUTH), "IKE_AUTH");
	assert_string_equal(ikev2_payload_name(IKEV2_PL_SKF), "SKF");
	assert_string_equal(ikev2_payload_name(IKEV2_PL_NOTIFY), "N");
	assert_string_equal(ikev2_xform_name(IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC), "ENCR_AES_CBC");
	assert_string_equal(ikev2_xform_name(IKEV2_XFORM_DH, IKEV2_DH_MODP1536), "MODP1536");
	assert_string_equal(ikev2_xform_name(IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96),
	    "INTEG_HMAC_SHA1_96");
	assert_string_equal(ikev2_xform_name(9, 1), "UNKNOWN");
	assert_string_equal(ikev2_id_type_name(IKEV2_ID_KEY_ID), "ID_KEY_ID");
	assert_string_equal(ikev2_auth_name(IKEV2_AUTH_PSK), "PSK");
	assert_string_equal(ikev2_proto_name(IKEV2_PROTO_ESP), "ESP");
	assert_string_equal(ike_perr_name(IKE_E_CRITICAL), "UNSUPPORTED_CRITICAL_PAYLOAD");

	id = (struct ikev2_id){ IKEV2_ID_KEY_ID, keyid, sizeof(keyid) };
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "deadbeef");
	assert_string_equal(ikev2_id_str(&id, s, 5), "dead");
	id = (struct ikev2_id){ IKEV2_ID_IPV6_ADDR, v6, sizeof(v6) };
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "2001:db8::1");
	id = (struct ikev2_id){ IKEV2_ID_RFC822_ADDR, odd, sizeof(odd) };
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "a?b");
	assert_string_equal(ikev2_id_str(&id, s, 3), "a?");
	id = (struct ikev2_id){ IKEV2_ID_NULL, NULL, 0 };
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "(null)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_roundtrip_sk),
		cmocka_unit_test(test_skf),
		cmocka_unit_test(test_builder_refuses),
		cmocka_unit_test(test_natd),
		cmocka_unit_test(test_reassembly),
		cmocka_unit_test(test_names_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
