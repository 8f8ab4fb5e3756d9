/* Every kind of malformed IKEv2 message yields its structured error. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "keying/ikev2_msg.h"

static const uint8_t nonce32[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static void
hdr_init(struct ike_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->ispi = 0x0102030405060708ULL;
	h->exchange = IKEV2_EXCH_IKE_SA_INIT;
	h->flags = IKEV2_FLAG_INITIATOR;
}

static void
prop_init(struct ikev2_prop *p, uint8_t num)
{
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = IKEV2_PROTO_IKE;
	p->nxf = 4;
	p->xf[0] = (struct ikev2_xform){ IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128 };
	p->xf[1] = (struct ikev2_xform){ IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0 };
	p->xf[2] = (struct ikev2_xform){ IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA1, 0 };
	p->xf[3] = (struct ikev2_xform){ IKEV2_XFORM_DH, IKEV2_DH_MODP1536, 0 };
}

/* A message whose only payload has the given type and body. */
static struct buf *
one_payload(uint8_t type, const void *body, size_t len)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct buf *b = buf_new(0);

	hdr_init(&h);
	ikev2_build_msg(&bl, b, &h);
	ikev2_build_raw(&bl, type, 0, body, len);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	return b;
}

/* SA, KE, Nonce, N(NAT_DETECTION_SOURCE_IP) */
static struct buf *
good_msg(void)
{
	struct ike_builder bl;
	struct ikev2_prop_list sa;
	struct ike_hdr h;
	struct buf *b = buf_new(0);
	uint8_t ke[192] = { 0 }, natd[20] = { 0 };

	hdr_init(&h);
	memset(&sa, 0, sizeof(sa));
	sa.n = 1;
	prop_init(&sa.p[0], 1);
	ikev2_build_msg(&bl, b, &h);
	ikev2_build_sa(&bl, &sa);
	ikev2_build_ke(&bl, IKEV2_DH_MODP1536, ke, sizeof(ke));
	ikev2_build_nonce(&bl, nonce32, sizeof(nonce32));
	ikev2_build_notify_simple(&bl, IKEV2_N_NAT_DETECTION_SOURCE_IP, natd, sizeof(natd));
	assert_int_equal(ikev2_build_finish(&bl), 0);
	return b;
}

static void
set_len(struct buf *b)
{
	buf_set_u32(b, 24, (uint32_t)b->len);
}

static void
expect(const struct buf *b, enum ike_perr_code code, uint8_t payload, uint16_t notify)
{
	struct ike_perr err;
	struct ikev2_msg *m = ikev2_msg_parse(b->data, b->len, &err);

	if (m != NULL) {
		ikev2_msg_free(m);
		fail_msg("parsed, wanted %s", ike_perr_name(code));
	}
	if (err.code != code)
		fail_msg("got %s (%s), wanted %s", ike_perr_name(err.code),
		    err.text, ike_perr_name(code));
	assert_int_equal(err.payload, payload);
	assert_int_equal(err.notify, notify);
	assert_true(err.text[0] != '\0');
}

static void
expect_syntax(struct buf *b, uint8_t payload)
{
	expect(b, IKE_E_SYNTAX, payload, IKEV2_N_INVALID_SYNTAX);
	buf_free(b);
}

static struct ikev2_msg *
expect_ok(const struct buf *b)
{
	struct ike_perr err;
	struct ikev2_msg *m = ikev2_msg_parse(b->data, b->len, &err);

	if (m == NULL)
		fail_msg("%s: %s", ike_perr_name(err.code), err.text);
	return m;
}

static void
test_header(void **state)
{
	struct buf *b = good_msg();
	struct ike_perr err;
	struct ikev2_msg *m;
	struct ike_hdr h;

	(void)state;
	assert_null(ikev2_msg_parse(NULL, 0, &err));
	assert_int_equal(err.code, IKE_E_SHORT);
	assert_null(ikev2_msg_parse(b->data, IKEV2_HDR_LEN - 1, &err));
	assert_int_equal(err.code, IKE_E_SHORT);
	assert_int_equal(err.notify, 0);

	/* datagram shorter / longer than the header says */
	buf_set_u32(b, 24, (uint32_t)b->len + 1);
	expect(b, IKE_E_LENGTH, 0, 0);
	buf_set_u32(b, 24, (uint32_t)b->len - 1);
	expect(b, IKE_E_LENGTH, 0, 0);
	set_len(b);

	/* major version 3 and 1 refused, minor version ignored */
	b->data[17] = 0x30;
	expect(b, IKE_E_VERSION, 0, IKEV2_N_INVALID_MAJOR_VERSION);
	assert_int_equal(ikev2_hdr_parse(b->data, b->len, &h, &err), -1);
	assert_int_equal(h.version, 0x30);
	assert_int_equal(h.exchange, IKEV2_EXCH_IKE_SA_INIT);
	b->data[17] = 0x10;
	expect(b, IKE_E_VERSION, 0, IKEV2_N_INVALID_MAJOR_VERSION);
	b->data[17] = 0x21;
	m = expect_ok(b);
	assert_int_equal(m->hdr.version, 0x21);
	assert_int_equal(m->outer.n, 4);
	ikev2_msg_free(m);
	buf_free(b);
}

static void
test_payload_lengths(void **state)
{
	struct buf *b = good_msg();
	struct ikev2_msg *m = expect_ok(b);
	size_t sa_off = m->outer.pl[0].off, n_off = m->outer.pl[3].off;
	uint16_t l;

	(void)state;
	ikev2_msg_free(m);
	for (l = 0; l < 4; l++) {
		buf_set_u16(b, sa_off + 2, l);
		expect(b, IKE_E_PAYLOAD_LENGTH, IKEV2_PL_SA, IKEV2_N_INVALID_SYNTAX);
	}
	buf_set_u16(b, sa_off + 2, (uint16_t)(b->len - sa_off + 1));
	expect(b, IKE_E_PAYLOAD_LENGTH, IKEV2_PL_SA, IKEV2_N_INVALID_SYNTAX);
	buf_free(b);

	/* the last payload claims one byte more than there is */
	b = good_msg();
	buf_set_u16(b, n_off + 2, (uint16_t)(b->len - n_off + 1));
	expect(b, IKE_E_PAYLOAD_LENGTH, IKEV2_PL_NOTIFY, IKEV2_N_INVALID_SYNTAX);

	/* a chain naming a next payload where the message ends */
	buf_set_u16(b, n_off + 2, (uint16_t)(b->len - n_off));
	b->data[n_off] = IKEV2_PL_VENDOR;
	expect(b, IKE_E_PAYLOAD_LENGTH, IKEV2_PL_VENDOR, IKEV2_N_INVALID_SYNTAX);

	/* bytes after the last payload */
	b->data[n_off] = IKEV2_PL_NONE;
	buf_put_u32(b, 0);
	set_len(b);
	expect(b, IKE_E_TRAILING, 0, IKEV2_N_INVALID_SYNTAX);
	/* and after an empty chain */
	b->data[16] = IKEV2_PL_NONE;
	expect(b, IKE_E_TRAILING, 0, IKEV2_N_INVALID_SYNTAX);
	b->len = IKEV2_HDR_LEN;
	set_len(b);
	m = expect_ok(b);
	assert_int_equal(m->outer.n, 0);
	ikev2_msg_free(m);
	buf_free(b);
}

static void
test_critical(void **state)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct ikev2_msg *m;
	struct buf *b = buf_new(0);
	uint8_t junk[7] = { 9, 9, 9 };

	(void)state;
	hdr_init(&h);
	ikev2_build_msg(&bl, b, &h);
	ikev2_build_nonce(&bl, nonce32, sizeof(nonce32));
	ikev2_build_raw(&bl, 200, 1, junk, sizeof(junk));
	ikev2_build_vendor(&bl, junk, 3);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	expect(b, IKE_E_CRITICAL, 200, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD);

	/* not critical: skipped */
	b->data[IKEV2_HDR_LEN + 36 + 1] = 0;
	m = expect_ok(b);
	assert_int_equal(m->outer.n, 2);
	assert_int_equal(m->outer.pl[0].type, IKEV2_PL_NONCE);
	assert_int_equal(m->outer.pl[0].next, 200);
	assert_int_equal(m->outer.pl[1].type, IKEV2_PL_VENDOR);
	assert_int_equal(m->outer.pl[1].len, 3);
	ikev2_msg_free(m);

	/* critical bit on a known payload is no error; reserved bits ignored */
	b->data[IKEV2_HDR_LEN + 1] = 0xff;
	m = expect_ok(b);
	assert_int_equal(m->outer.pl[0].critical, 1);
	ikev2_msg_free(m);
	buf_free(b);
}

static void
test_too_many(void **state)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct ikev2_msg *m;
	struct buf *b = buf_new(0);
	int i;

	(void)state;
	hdr_init(&h);
	ikev2_build_msg(&bl, b, &h);
	for (i = 0; i < IKEV2_MAX_PAYLOADS; i++)
		ikev2_build_vendor(&bl, "v", 1);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	m = expect_ok(b);
	assert_int_equal(ikev2_msg_count(m, IKEV2_PL_VENDOR), IKEV2_MAX_PAYLOADS);
	ikev2_msg_free(m);
	buf_free(b);
	b = buf_new(0);
	ikev2_build_msg(&bl, b, &h);
	for (i = 0; i <= IKEV2_MAX_PAYLOADS; i++)
		ikev2_build_vendor(&bl, "v", 1);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	expect(b, IKE_E_TOO_MANY, IKEV2_PL_VENDOR, IKEV2_N_INVALID_SYNTAX);
	buf_free(b);
}

static void
test_sk_position(void **state)
{
	struct ike_builder bl;
	struct ikev2_chain c;
	struct ike_perr err;
	struct ike_hdr h;
	struct ikev2_msg *m;
	struct buf *b = buf_new(0);
	uint8_t body[48] = { 0 };

	(void)state;
	hdr_init(&h);
	h.exchange = IKEV2_EXCH_IKE_AUTH;
	ikev2_build_msg(&bl, b, &h);
	ikev2_build_raw(&bl, IKEV2_PL_SK, 0, body, sizeof(body));
	ikev2_build_vendor(&bl, "v", 1);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	expect(b, IKE_E_SK_NOT_LAST, IKEV2_PL_SK, IKEV2_N_INVALID_SYNTAX);

	/* SK last: fine, and its next-payload is not followed */
	b->len -= 5;
	set_len(b);
	b->data[IKEV2_HDR_LEN] = IKEV2_PL_IDI;
	m = expect_ok(b);
	assert_non_null(m->sk);
	assert_int_equal(m->sk->next, IKEV2_PL_IDI);
	assert_int_equal(m->sk->off, IKEV2_HDR_LEN);
	assert_int_equal(m->sk->len, sizeof(body));

	/* an inner chain holding SK again */
	assert_int_equal(ikev2_chain_parse(b->data + IKEV2_HDR_LEN, b->len - IKEV2_HDR_LEN,
	    IKEV2_PL_SK, &c, &err), -1);
	assert_int_equal(err.code, IKE_E_SK_NOT_LAST);
	/* garbage as decrypted data */
	assert_int_equal(ikev2_msg_set_inner(m, buf_from(body, 3), IKEV2_PL_IDI, &err), -1);
	assert_int_equal(err.code, IKE_E_PAYLOAD_LENGTH);
	assert_int_equal(m->inner.n, 0);
	assert_null(ikev2_msg_get(m, IKEV2_PL_IDI, 0));
	ikev2_msg_free(m);
	buf_free(b);
}

static void
test_nonce(void **state)
{
	static const size_t bad[] = { 0, 1, 15, 257, 300 };
	uint8_t big[300] = { 0 };
	struct ikev2_msg *m;
	struct buf *b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_syntax(one_payload(IKEV2_PL_NONCE, big, bad[i]), IKEV2_PL_NONCE);
	b = one_payload(IKEV2_PL_NONCE, big, 16);
	m = expect_ok(b);
	ikev2_msg_free(m);
	buf_free(b);
	b = one_payload(IKEV2_PL_NONCE, big, 256);
	m = expect_ok(b);
	ikev2_msg_free(m);
	buf_free(b);
}

/* A payload whose body fails its check is named with its offset in the
 * message: the Nonce after a KE here. */
static void
test_error_offset(void **state)
{
	struct ike_builder bl;
	struct ike_hdr h;
	struct ike_perr err;
	struct buf *b = buf_new(0);
	uint8_t ke[192] = { 0 };

	(void)state;
	hdr_init(&h);
	ikev2_build_msg(&bl, b, &h);
	ikev2_build_ke(&bl, IKEV2_DH_MODP1536, ke, sizeof(ke));
	ikev2_build_raw(&bl, IKEV2_PL_NONCE, 0, nonce32, 1);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	expect(b, IKE_E_SYNTAX, IKEV2_PL_NONCE, IKEV2_N_INVALID_SYNTAX);
	assert_null(ikev2_msg_parse(b->data, b->len, &err));
	/* header, KE's generic header, group and reserved, the key */
	assert_int_equal(err.off, IKEV2_HDR_LEN + 4 + 4 + sizeof(ke));
	buf_free(b);
}

static struct buf *
sa_msg(const uint8_t *nums, int n)
{
	struct ike_builder bl;
	struct ikev2_prop_list sa;
	struct ike_hdr h;
	struct buf *b = buf_new(0);
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.n = n;
	for (i = 0; i < n; i++)
		prop_init(&sa.p[i], nums[i]);
	hdr_init(&h);
	ikev2_build_msg(&bl, b, &h);
	ikev2_build_sa(&bl, &sa);
	assert_int_equal(ikev2_build_finish(&bl), 0);
	return b;
}

static void
test_sa_numbering(void **state)
{
	static const uint8_t ok1[] = { 1, 2, 3 }, ok2[] = { 5 };
	static const uint8_t bad1[] = { 1, 3 }, bad2[] = { 2, 3 }, bad3[] = { 1, 1 },
	    bad4[] = { 1, 2, 2 };
	struct ikev2_msg *m;
	struct buf *b;

	(void)state;
	b = sa_msg(ok1, 3);
	m = expect_ok(b);
	ikev2_msg_free(m);
	buf_free(b);
	/* a reply's one proposal keeps the number chosen */
	b = sa_msg(ok2, 1);
	m = expect_ok(b);
	ikev2_msg_free(m);
	/* number 0 */
	b->data[IKEV2_HDR_LEN + 4 + 4] = 0;
	expect_syntax(b, IKEV2_PL_SA);
	expect_syntax(sa_msg(bad1, 2), IKEV2_PL_SA);
	expect_syntax(sa_msg(bad2, 2), IKEV2_PL_SA);
	expect_syntax(sa_msg(bad3, 2), IKEV2_PL_SA);
	expect_syntax(sa_msg(bad4, 3), IKEV2_PL_SA);
}

#define P0	(IKEV2_HDR_LEN + 4)	/* first proposal */
#define X0	(P0 + 8)		/* its first transform */

static void
test_sa_structure(void **state)
{
	static const uint8_t two[] = { 1, 2 };
	struct ikev2_prop_list sa;
	struct ikev2_msg *m;
	struct buf *b;

	(void)state;
	/* transform count disagrees */
	b = sa_msg(two, 1);
	b->data[P0 + 7] = 3;
	expect_syntax(b, IKEV2_PL_SA);
	b = sa_msg(two, 1);
	b->data[P0 + 7] = 5;
	expect_syntax(b, IKEV2_PL_SA);
	/* last-proposal marker on the first of two, or "more" on the last */
	b = sa_msg(two, 2);
	b->data[P0] = 0;
	expect_syntax(b, IKEV2_PL_SA);
	b = sa_msg(two, 1);
	b->data[P0] = 2;
	expect_syntax(b, IKEV2_PL_SA);
	b = sa_msg(two, 1);
	b->data[P0] = 1;
	expect_syntax(b, IKEV2_PL_SA);
	/* transform markers */
	b = sa_msg(two, 1);
	b->data[X0] = 0;
	expect_syntax(b, IKEV2_PL_SA);
	b = sa_msg(two, 1);
	b->data[X0] = 2;
	expect_syntax(b, IKEV2_PL_SA);
	/* transform length past the proposal / below 8 */
	b = sa_msg(two, 1);
	buf_set_u16(b, X0 + 2, 200);
	expect_syntax(b, IKEV2_PL_SA);
	b = sa_msg(two, 1);
	buf_set_u16(b, X0 + 2, 7);
	expect_syntax(b, IKEV2_PL_SA);
	/* proposal length beyond the payload */
	b = sa_msg(two, 1);
	buf_set_u16(b, P0 + 2, 500);
	expect_syntax(b, IKEV2_PL_SA);
	/* SPI size 3 (proposal length still consistent: nothing can fit) */
	b = sa_msg(two, 1);
	b->data[P0 + 6] = 3;
	expect_syntax(b, IKEV2_PL_SA);
	/* no proposals, no transforms */
	expect_syntax(one_payload(IKEV2_PL_SA, NULL, 0), IKEV2_PL_SA);
	expect_syntax(one_payload(IKEV2_PL_SA, "\0\0\0\x08\x01\x01\0\0", 8), IKEV2_PL_SA);
	/* attribute running past the transform (TLV form) */
	b = sa_msg(two, 1);
	buf_set_u16(b, X0 + 8, IKEV2_ATTR_KEY_LENGTH);
	expect_syntax(b, IKEV2_PL_SA);

	/* unusable but well-formed: unknown transform type, unknown attribute,
	 * unknown protocol: the proposal is left out, the message is fine */
	b = sa_msg(two, 2);
	b->data[X0 + 4] = 9;
	m = expect_ok(b);
	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 1);
	assert_int_equal(sa.p[0].num, 2);
	ikev2_msg_free(m);
	b->data[X0 + 4] = IKEV2_XFORM_ENCR;
	buf_set_u16(b, X0 + 8, IKEV2_ATTR_TV | 15);
	m = expect_ok(b);
	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 1);
	ikev2_msg_free(m);
	buf_set_u16(b, X0 + 8, IKEV2_ATTR_TV | IKEV2_ATTR_KEY_LENGTH);
	b->data[P0 + 5] = 9;
	m = expect_ok(b);
	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 1);
	ikev2_msg_free(m);
	b->data[P0 + 5] = IKEV2_PROTO_IKE;
	m = expect_ok(b);
	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 2);
	assert_int_equal(sa.p[0].xf[0].keylen, 128);
	ikev2_msg_free(m);
	buf_free(b);
}

static void
test_ts(void **state)
{
	uint8_t ts[4 + 16 + 40];
	struct ikev2_msg *m;
	struct buf *b;

	(void)state;
	memset(ts, 0, sizeof(ts));
	ts[0] = 2;
	ts[4] = IKEV2_TS_IPV4_ADDR_RANGE;
	ts[7] = 16;
	ts[20] = IKEV2_TS_IPV6_ADDR_RANGE;
	ts[23] = 40;
	b = one_payload(IKEV2_PL_TSI, ts, sizeof(ts));
	m = expect_ok(b);
	ikev2_msg_free(m);
	buf_free(b);

	ts[7] = 15;
	expect_syntax(one_payload(IKEV2_PL_TSI, ts, sizeof(ts)), IKEV2_PL_TSI);
	ts[7] = 17;
	expect_syntax(one_payload(IKEV2_PL_TSR, ts, sizeof(ts)), IKEV2_PL_TSR);
	ts[7] = 16;
	ts[23] = 16;	/* an IPv6 selector with an IPv4 length */
	expect_syntax(one_payload(IKEV2_PL_TSI, ts, sizeof(ts)), IKEV2_PL_TSI);
	ts[23] = 40;
	ts[20] = 9;	/* unknown selector type */
	expect_syntax(one_payload(IKEV2_PL_TSI, ts, sizeof(ts)), IKEV2_PL_TSI);
	ts[20] = IKEV2_TS_IPV6_ADDR_RANGE;
	ts[0] = 0;
	expect_syntax(one_payload(IKEV2_PL_TSI, ts, sizeof(ts)), IKEV2_PL_TSI);
	ts[0] = 1;	/* one selector and 40 bytes left over */
	expect_syntax(one_payload(IKEV2_PL_TSI, ts, sizeof(ts)), IKEV2_PL_TSI);
	ts[0] = 3;	/* announced more than present */
	expect_syntax(one_payload(IKEV2_PL_TSI, ts, sizeof(ts)), IKEV2_PL_TSI);
	ts[0] = IKEV2_MAX_TS + 1;
	b = one_payload(IKEV2_PL_TSI, ts, sizeof(ts));
	expect(b, IKE_E_TOO_MANY, IKEV2_PL_TSI, IKEV2_N_INVALID_SYNTAX);
	buf_free(b);
	expect_syntax(one_payload(IKEV2_PL_TSI, ts, 3), IKEV2_PL_TSI);
}

static void
test_small_payloads(void **state)
{
	uint8_t d[80];

	(void)state;
	memset(d, 0, sizeof(d));
	/* KE without data */
	expect_syntax(one_payload(IKEV2_PL_KE, "\0\x0e\0\0", 4), IKEV2_PL_KE);
	/* ID: IPv4 of 5 bytes, IPv6 of 4, FQDN empty, body too short */
	expect_syntax(one_payload(IKEV2_PL_IDI, "\x01\0\0\0\x0a\0\0\x01\x02", 9), IKEV2_PL_IDI);
	expect_syntax(one_payload(IKEV2_PL_IDR, "\x05\0\0\0\x0a\0\0\x01", 8), IKEV2_PL_IDR);
	expect_syntax(one_payload(IKEV2_PL_IDI, "\x02\0\0\0", 4), IKEV2_PL_IDI);
	expect_syntax(one_payload(IKEV2_PL_IDI, "\x02\0", 2), IKEV2_PL_IDI);
	/* AUTH without data */
	expect_syntax(one_payload(IKEV2_PL_AUTH, "\x02\0\0\0", 4), IKEV2_PL_AUTH);
	/* notify: NAT-D of 19 bytes, COOKIE of 0 and 65, SPI size 3 / past the end */
	d[2] = IKEV2_N_NAT_DETECTION_SOURCE_IP >> 8;
	d[3] = IKEV2_N_NAT_DETECTION_SOURCE_IP & 0xff;
	expect_syntax(one_payload(IKEV2_PL_NOTIFY, d, 4 + 19), IKEV2_PL_NOTIFY);
	d[2] = IKEV2_N_COOKIE >> 8;
	d[3] = IKEV2_N_COOKIE & 0xff;
	expect_syntax(one_payload(IKEV2_PL_NOTIFY, d, 4), IKEV2_PL_NOTIFY);
	expect_syntax(one_payload(IKEV2_PL_NOTIFY, d, 4 + 65), IKEV2_PL_NOTIFY);
	d[1] = 3;
	expect_syntax(one_payload(IKEV2_PL_NOTIFY, d, 4 + 8), IKEV2_PL_NOTIFY);
	d[1] = 8;
	expect_syntax(one_payload(IKEV2_PL_NOTIFY, d, 4 + 6), IKEV2_PL_NOTIFY);
	d[1] = 0;
	d[3] = IKEV2_N_INVALID_KE_PAYLOAD;
	d[2] = 0;
	expect_syntax(one_payload(IKEV2_PL_NOTIFY, d, 4 + 3), IKEV2_PL_NOTIFY);
	expect_syntax(one_payload(IKEV2_PL_NOTIFY, d, 3), IKEV2_PL_NOTIFY);
	/* delete: SPI count disagrees, IKE with SPIs, ESP with SPI size 8, protocol 9 */
	expect_syntax(one_payload(IKEV2_PL_DELETE, "\x03\x04\0\x02\1\2\3\4", 8), IKEV2_PL_DELETE);
	expect_syntax(one_payload(IKEV2_PL_DELETE, "\x01\x00\0\x01", 4), IKEV2_PL_DELETE);
	expect_syntax(one_payload(IKEV2_PL_DELETE, "\x03\x08\0\x01\1\2\3\4\5\6\7\x08", 12),
	    IKEV2_PL_DELETE);
	expect_syntax(one_payload(IKEV2_PL_DELETE, "\x09\x04\0\x01\1\2\3\4", 8), IKEV2_PL_DELETE);
	/* CP: type 9, attribute past the end, header truncated */
	expect_syntax(one_payload(IKEV2_PL_CP, "\x09\0\0\0", 4), IKEV2_PL_CP);
	expect_syntax(one_payload(IKEV2_PL_CP, "\x01\0\0\0\0\x01\0\x04\0\0", 10), IKEV2_PL_CP);
	expect_syntax(one_payload(IKEV2_PL_CP, "\x01\0\0\0\0\x01", 6), IKEV2_PL_CP);
	/* CERT without data */
	expect_syntax(one_payload(IKEV2_PL_CERT, "\x04", 1), IKEV2_PL_CERT);
	/* SKF: fragment 3 of 2, fragment 0 */
	expect_syntax(one_payload(IKEV2_PL_SKF, "\0\x03\0\x02\0\0\0\0", 8), IKEV2_PL_SKF);
	expect_syntax(one_payload(IKEV2_PL_SKF, "\0\0\0\x02\0\0\0\0", 8), IKEV2_PL_SKF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_payload_lengths),
		cmocka_unit_test(test_critical),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_sk_position),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_error_offset),
		cmocka_unit_test(test_sa_numbering),
		cmocka_unit_test(test_sa_structure),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_small_payloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
