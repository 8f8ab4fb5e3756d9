/* ISAKMP / IKEv1 codec: a Main Mode first message laid out by hand from
 * RFC 2408 §3 / RFC 2409 appendix A (as strongSwan sends it for
 * ike=aes128-sha1-modp1536), round trips through the builder, and every
 * way a message or payload can be malformed. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keying/ikev1_msg.h"

/* header | SA(prop 1: ISAKMP, transform KEY_IKE: AES, 128 bits, SHA1,
 * group 5, PSK, seconds, 10800 as a 4-byte TLV) | VID(DPD) */
static const uint8_t mm1[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* icookie */
	0, 0, 0, 0, 0, 0, 0, 0,				/* rcookie */
	IKEV1_PL_SA, 0x10, IKEV1_EXCH_MAIN, 0,
	0, 0, 0, 0,					/* message ID */
	0, 0, 0, 108,
	/* SA */
	IKEV1_PL_VENDOR, 0, 0, 60,
	0, 0, 0, 1, 0, 0, 0, 1,				/* DOI, situation */
	IKEV1_PL_NONE, 0, 0, 48,			/* proposal */
	1, IKEV1_PROTO_ISAKMP, 0, 1,
	IKEV1_PL_NONE, 0, 0, 40,			/* transform */
	1, IKEV1_KEY_IKE, 0, 0,
	0x80, 0x01, 0x00, 0x07,				/* encr AES */
	0x80, 0x0e, 0x00, 0x80,				/* key length 128 */
	0x80, 0x02, 0x00, 0x02,				/* hash SHA */
	0x80, 0x04, 0x00, 0x05,				/* group 5 */
	0x80, 0x03, 0x00, 0x01,				/* auth PSK */
	0x80, 0x0b, 0x00, 0x01,				/* life type seconds */
	0x00, 0x0c, 0x00, 0x04, 0x00, 0x00, 0x2a, 0x30,	/* life 10800 */
	/* VID */
	IKEV1_PL_NONE, 0, 0, 20,
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};

static void
test_mm1_parse(void **state)
{
	struct ike_perr err;
	struct ikev1_msg *m;
	struct ikev1_sa sa;
	struct ikev1_attr a;
	struct ikev1_data d;
	const struct ikev1_pl *pl;
	const uint8_t *p;
	size_t left;
	uint32_t want[][2] = { { 1, 7 }, { 14, 128 }, { 2, 2 }, { 4, 5 },
	    { 3, 1 }, { 11, 1 }, { 12, 10800 } };
	int i;

	(void)state;
	m = ikev1_msg_parse(mm1, sizeof(mm1), &err);
	assert_non_null(m);
	assert_int_equal(err.code, IKE_E_OK);
	assert_true(m->hdr.icookie == 0x0102030405060708ULL);
	assert_true(m->hdr.rcookie == 0);
	assert_int_equal(m->hdr.exchange, IKEV1_EXCH_MAIN);
	assert_int_equal(m->hdr.length, sizeof(mm1));
	assert_int_equal(m->n, 2);
	assert_int_equal(m->chain_len, sizeof(mm1) - IKEV1_HDR_LEN);
	assert_int_equal(ikev1_msg_count(m, IKEV1_PL_VENDOR), 1);
	assert_null(ikev1_msg_get(m, IKEV1_PL_VENDOR, 1));

	pl = ikev1_msg_get(m, IKEV1_PL_SA, 0);
	assert_non_null(pl);
	assert_int_equal(pl->len, 56);
	assert_int_equal(ikev1_pl_sa(pl, &sa, &err), 0);
	assert_int_equal(sa.doi, IKEV1_DOI_IPSEC);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.prop[0].proto, IKEV1_PROTO_ISAKMP);
	assert_int_equal(sa.prop[0].nxf, 1);
	assert_int_equal(sa.prop[0].xf[0].id, IKEV1_KEY_IKE);
	p = sa.prop[0].xf[0].attrs;
	left = sa.prop[0].xf[0].attrs_len;
	for (i = 0; i < 7; i++) {
		assert_int_equal(ikev1_attr_next(&p, &left, &a), 1);
		assert_int_equal(a.type, want[i][0]);
		assert_int_equal(a.val, want[i][1]);
		assert_int_equal(a.tv, i < 6);
	}
	assert_int_equal(ikev1_attr_next(&p, &left, &a), 0);

	/* HASH(n) covers what follows a payload: here the VID */
	p = ikev1_msg_after(m, pl, &left);
	assert_int_equal(left, 20);
	assert_memory_equal(p, mm1 + 88, 20);

	pl = ikev1_msg_get(m, IKEV1_PL_VENDOR, 0);
	assert_int_equal(ikev1_pl_data(pl, &d, &err), 0);
	assert_int_equal(ikev1_vendor_kind(d.data, d.len), IKEV1_VID_DPD);
	ikev1_msg_free(m);
}

/* What the builder writes from the parsed parts is the same datagram. */
static void
test_mm1_build(void **state)
{
	struct ike_builder bl;
	struct ike_perr err;
	struct ikev1_msg *m;
	struct ikev1_sa sa;
	struct buf *b;
	const uint8_t *vid;
	size_t vlen;

	(void)state;
	m = ikev1_msg_parse(mm1, sizeof(mm1), &err);
	assert_non_null(m);
	assert_int_equal(ikev1_pl_sa(ikev1_msg_get(m, IKEV1_PL_SA, 0), &sa,
	    &err), 0);
	b = buf_new(0);
	ikev1_build_msg(&bl, b, &m->hdr);
	assert_int_equal(ikev1_build_sa(&bl, &sa), 0);
	vid = ikev1_vendor_bytes(IKEV1_VID_DPD, &vlen);
	assert_true(ikev1_build_raw(&bl, IKEV1_PL_VENDOR, vid, vlen) > 0);
	assert_int_equal(ikev1_build_finish(&bl), 0);
	assert_int_equal(b->len, sizeof(mm1));
	assert_memory_equal(b->data, mm1, sizeof(mm1));
	buf_free(b);
	ikev1_msg_free(m);
}

static void
test_attr_put(void **state)
{
	struct ikev1_attr a;
	const uint8_t *p;
	struct buf *b;
	size_t left;

	(void)state;
	b = buf_new(0);
	assert_int_equal(ikev1_attr_put(b, IKEV1_A2_LIFE_DURATION, 3600, 1), 0);
	assert_int_equal(ikev1_attr_put(b, IKEV1_A2_LIFE_DURATION, 4608000, 1), 0);
	assert_int_equal(ikev1_attr_put(b, IKEV1_A2_AUTH, 0x10000, 0), -1);
	p = b->data;
	left = 12;
	assert_int_equal(ikev1_attr_next(&p, &left, &a), 1);
	assert_true(a.tv && a.val == 3600 && a.type == IKEV1_A2_LIFE_DURATION);
	assert_int_equal(ikev1_attr_next(&p, &left, &a), 1);
	assert_true(!a.tv && a.len == 4 && a.val == 4608000);
	assert_int_equal(ikev1_attr_next(&p, &left, &a), 0);
	buf_free(b);
}

/* A TLV longer than 32 bits is big; leading zeros do not count. */
static void
test_attr_big(void **state)
{
	static const uint8_t big[] = { 0, 12, 0, 6, 1, 0, 0, 0, 0, 1 };
	static const uint8_t zeros[] = { 0, 12, 0, 6, 0, 0, 0, 0, 0, 9 };
	static const uint8_t trunc[] = { 0, 12, 0, 6, 0, 0 };
	struct ikev1_attr a;
	const uint8_t *p;
	size_t left;

	(void)state;
	p = big, left = sizeof(big);
	assert_int_equal(ikev1_attr_next(&p, &left, &a), 1);
	assert_true(a.big);
	p = zeros, left = sizeof(zeros);
	assert_int_equal(ikev1_attr_next(&p, &left, &a), 1);
	assert_true(!a.big && a.val == 9);
	p = trunc, left = sizeof(trunc);
	assert_int_equal(ikev1_attr_next(&p, &left, &a), -1);
	p = trunc, left = 3;
	assert_int_equal(ikev1_attr_next(&p, &left, &a), -1);
}

static void
expect_fail(const uint8_t *p, size_t len, enum ike_perr_code code,
    uint16_t notify)
{
	struct ike_perr err;
	struct ikev1_msg *m;

	m = ikev1_msg_parse(p, len, &err);
	assert_null(m);
	assert_int_equal(err.code, code);
	assert_int_equal(err.notify, notify);
	assert_true(err.text[0] != '\0');
}

static void
test_malformed(void **state)
{
	uint8_t m[sizeof(mm1)];
	size_t i;

	(void)state;
	expect_fail(mm1, 27, IKE_E_SHORT, 0);
	expect_fail(NULL, 0, IKE_E_SHORT, 0);
	/* every truncation is caught by the length check */
	for (i = IKEV1_HDR_LEN; i < sizeof(mm1); i++)
		expect_fail(mm1, i, IKE_E_LENGTH,
		    IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS);

	memcpy(m, mm1, sizeof(m));
	m[17] = 0x20;			/* IKEv2 */
	expect_fail(m, sizeof(m), IKE_E_VERSION,
	    IKEV1_N_INVALID_MAJOR_VERSION);

	memcpy(m, mm1, sizeof(m));
	m[28 + 3] = 200;		/* SA length past the end */
	expect_fail(m, sizeof(m), IKE_E_PAYLOAD_LENGTH,
	    IKEV1_N_PAYLOAD_MALFORMED);
	m[28 + 3] = 3;			/* shorter than its header */
	expect_fail(m, sizeof(m), IKE_E_PAYLOAD_LENGTH,
	    IKEV1_N_PAYLOAD_MALFORMED);

	memcpy(m, mm1, sizeof(m));
	m[16] = IKEV1_PL_PROPOSAL;	/* a proposal at message level */
	expect_fail(m, sizeof(m), IKE_E_TYPE, IKEV1_N_INVALID_PAYLOAD_TYPE);

	memcpy(m, mm1, sizeof(m));
	m[88] = IKEV1_PL_VENDOR;	/* VID says another follows: none */
	expect_fail(m, sizeof(m), IKE_E_PAYLOAD_LENGTH,
	    IKEV1_N_PAYLOAD_MALFORMED);

	memcpy(m, mm1, sizeof(m));
	m[28] = IKEV1_PL_NONE;		/* SA ends the chain: 20 bytes left */
	expect_fail(m, sizeof(m), IKE_E_TRAILING, IKEV1_N_PAYLOAD_MALFORMED);

	memcpy(m, mm1, sizeof(m));
	m[35] = 2;			/* DOI 2 */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX, IKEV1_N_DOI_NOT_SUPPORTED);

	memcpy(m, mm1, sizeof(m));
	m[39] = 2;			/* situation secrecy */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX,
	    IKEV1_N_SITUATION_NOT_SUPPORTED);

	memcpy(m, mm1, sizeof(m));
	m[47] = 2;			/* two transforms announced, one there */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX, IKEV1_N_BAD_PROPOSAL_SYNTAX);

	memcpy(m, mm1, sizeof(m));
	m[43] = 47;			/* proposal longer than the SA */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX, IKEV1_N_BAD_PROPOSAL_SYNTAX);

	memcpy(m, mm1, sizeof(m));
	m[51] = 41;			/* transform longer than its proposal */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX, IKEV1_N_BAD_PROPOSAL_SYNTAX);

	memcpy(m, mm1, sizeof(m));
	m[82] = 0;
	m[83] = 5;			/* life TLV runs past the transform */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX, IKEV1_N_BAD_PROPOSAL_SYNTAX);

	memcpy(m, mm1, sizeof(m));
	m[48] = IKEV1_PL_KE;		/* not a transform inside the proposal */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX, IKEV1_N_BAD_PROPOSAL_SYNTAX);

	memcpy(m, mm1, sizeof(m));
	m[40] = IKEV1_PL_SA;		/* not a proposal inside the SA */
	expect_fail(m, sizeof(m), IKE_E_SYNTAX, IKEV1_N_BAD_PROPOSAL_SYNTAX);
}

/* A payload whose body fails its check is named with its offset in the
 * chain (after the header): the second payload here. */
static void
test_error_offset(void **state)
{
	uint8_t m[sizeof(mm1)];
	struct ike_perr err;

	(void)state;
	memcpy(m, mm1, sizeof(m));
	m[88 + 3] = 4;			/* an empty VID, its bytes trailing */
	assert_null(ikev1_msg_parse(m, sizeof(m), &err));
	assert_int_equal(err.code, IKE_E_SYNTAX);
	assert_int_equal(err.payload, IKEV1_PL_VENDOR);
	assert_int_equal(err.off, 88 - IKEV1_HDR_LEN);

	memcpy(m, mm1, sizeof(m));
	m[28 + 3] = 200;		/* SA length past the end */
	assert_null(ikev1_msg_parse(m, sizeof(m), &err));
	assert_int_equal(err.code, IKE_E_PAYLOAD_LENGTH);
	assert_int_equal(err.off, 0);
	assert_string_equal(ike_perr_name(err.code), "PAYLOAD_LENGTH");
}

/* An encrypted message: chain walked from the plaintext, padding allowed. */
static void
test_encrypted(void **state)
{
	/* HASH(20) | NONCE(16) | padding 4 */
	uint8_t plain[44], hdr[28 + 48];
	struct ike_perr err;
	struct ikev1_msg *m;
	struct ikev1_data d;
	const struct ikev1_pl *pl;
	const uint8_t *after;
	size_t len;

	(void)state;
	memset(plain, 0xaa, sizeof(plain));
	plain[0] = IKEV1_PL_NONCE; plain[1] = 0; plain[2] = 0; plain[3] = 24;
	plain[24] = 0; plain[25] = 0; plain[26] = 0; plain[27] = 16;
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = 1;
	hdr[16] = IKEV1_PL_HASH;
	hdr[17] = 0x10;
	hdr[18] = IKEV1_EXCH_QUICK;
	hdr[19] = IKEV1_FLAG_ENC;
	hdr[23] = 7;
	hdr[27] = sizeof(hdr);
	m = ikev1_msg_parse(hdr, sizeof(hdr), &err);
	assert_non_null(m);
	assert_int_equal(m->n, 0);
	assert_int_equal(m->parsed, 0);
	assert_int_equal(ikev1_msg_set_plain(m, buf_from(plain, 44), &err), 0);
	assert_int_equal(m->n, 2);
	assert_int_equal(m->chain_len, 40);
	pl = ikev1_msg_get(m, IKEV1_PL_HASH, 0);
	assert_int_equal(ikev1_pl_data(pl, &d, &err), 0);
	assert_int_equal(d.len, 20);
	after = ikev1_msg_after(m, pl, &len);
	assert_int_equal(len, 16);
	assert_ptr_equal(after, m->bufs.plain->data + 24);
	/* a second plaintext is refused (and freed) */
	assert_int_equal(ikev1_msg_set_plain(m, buf_from(plain, 44), &err), -1);
	assert_int_equal(err.code, IKE_E_NOT_ENCRYPTED);
	ikev1_msg_free(m);

	/* plaintext whose nonce is too short to be one */
	m = ikev1_msg_parse(hdr, sizeof(hdr), &err);
	assert_non_null(m);
	plain[27] = 7;
	assert_int_equal(ikev1_msg_set_plain(m, buf_from(plain, 44), &err), -1);
	assert_int_equal(err.code, IKE_E_SYNTAX);
	assert_int_equal(m->n, 0);
	ikev1_msg_free(m);

	/* a clear message takes no plaintext */
	m = ikev1_msg_parse(mm1, sizeof(mm1), &err);
	assert_int_equal(ikev1_msg_set_plain(m, buf_from(plain, 4), &err), -1);
	ikev1_msg_free(m);
}

static void
test_id_notify_delete(void **state)
{
	static const uint8_t idip[] = { 0, 0, 0, 12, IKEV1_ID_IPV4_ADDR, 17,
	    0x01, 0xf4, 192, 0, 2, 1 };
	static const uint8_t notify[] = { 0, 0, 0, 1, IKEV1_PROTO_ISAKMP, 16,
	    0x60, 0x02,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t del[] = { 0, 0, 0, 1, IKEV1_PROTO_ESP, 4, 0, 2,
	    0xc0, 0, 0, 1, 0xc0, 0, 0, 2 };
	struct ike_builder bl;
	struct ike_perr err;
	struct ikev1_notify n;
	struct ike_delete d;
	struct ikev1_id id;
	struct ikev1_pl pl;
	struct buf *b;
	size_t cnt, used;
	struct ikev1_pl out[4];

	(void)state;
	pl.type = IKEV1_PL_ID;
	pl.body = idip + 4;
	pl.len = 8;
	assert_int_equal(ikev1_pl_id(&pl, &id, &err), 0);
	assert_true(id.type == IKEV1_ID_IPV4_ADDR && id.proto == 17 &&
	    id.port == 500 && id.len == 4 && id.data[0] == 192);
	pl.len = 7;
	assert_int_equal(ikev1_pl_id(&pl, &id, &err), -1);
	assert_int_equal(err.notify, IKEV1_N_INVALID_ID_INFORMATION);
	pl.len = 4;
	assert_int_equal(ikev1_pl_id(&pl, &id, &err), -1);

	pl.type = IKEV1_PL_NOTIFY;
	pl.body = notify;
	pl.len = sizeof(notify);
	assert_int_equal(ikev1_pl_notify(&pl, &n, &err), 0);
	assert_int_equal(n.type, IKEV1_N_INITIAL_CONTACT);
	assert_int_equal(n.spi_size, 16);
	assert_int_equal(n.len, 0);
	assert_string_equal(ikev1_notify_name(n.type), "INITIAL-CONTACT");
	pl.len = 20;			/* SPI runs past the payload */
	assert_int_equal(ikev1_pl_notify(&pl, &n, &err), -1);

	pl.type = IKEV1_PL_DELETE;
	pl.body = del;
	pl.len = sizeof(del);
	assert_int_equal(ikev1_pl_delete(&pl, &d, &err), 0);
	assert_int_equal(d.nspi, 2);
	assert_true(ike_delete_spi(&d, 1) == 0xc0000002U);
	assert_true(ike_delete_spi(&d, 2) == 0);
	pl.len = sizeof(del) - 1;
	assert_int_equal(ikev1_pl_delete(&pl, &d, &err), -1);

	/* the three in one chain, built and walked back */
	b = buf_new(0);
	ike_build_chain(&bl, b);
	pl.body = idip + 4;
	pl.len = 8;
	assert_int_equal(ikev1_pl_id(&pl, &id, &err), 0);
	assert_int_equal(ikev1_build_id(&bl, &id), 0);
	pl.body = notify;
	pl.len = sizeof(notify);
	assert_int_equal(ikev1_pl_notify(&pl, &n, &err), 0);
	assert_int_equal(ikev1_build_notify(&bl, &n), 0);
	pl.body = del;
	pl.len = sizeof(del);
	assert_int_equal(ikev1_pl_delete(&pl, &d, &err), 0);
	assert_int_equal(ikev1_build_delete(&bl, &d), 0);
	assert_int_equal(ikev1_build_finish(&bl), 0);
	assert_int_equal(bl.first, IKEV1_PL_ID);
	assert_int_equal(ikev1_chain_parse(b->data, b->len, bl.first, 0, out,
	    4, &cnt, &used, &err), 0);
	assert_int_equal(cnt, 3);
	assert_int_equal(used, b->len);
	assert_memory_equal(out[0].body, idip + 4, 8);
	assert_memory_equal(out[1].body, notify, sizeof(notify));
	assert_memory_equal(out[2].body, del, sizeof(del));
	/* more payloads than room */
	assert_int_equal(ikev1_chain_parse(b->data, b->len, bl.first, 0, out,
	    2, &cnt, &used, &err), -1);
	assert_int_equal(err.code, IKE_E_TOO_MANY);
	buf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm1_parse),
		cmocka_unit_test(test_mm1_build),
		cmocka_unit_test(test_attr_put),
		cmocka_unit_test(test_attr_big),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_error_offset),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_id_notify_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
