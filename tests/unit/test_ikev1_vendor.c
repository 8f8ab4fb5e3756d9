/* IKEv1 vendor IDs: every ID of the table is recognised from its bytes
 * (the ones strongSwan and IOS really send, with their version or flag
 * bytes), names and lists read as `show crypto isakmp sa detail` prints
 * them, a message's set is noted once, and ours go out as VENDOR
 * payloads that parse back. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keying/ikev1_vendor.h"

static void
test_kind(void **state)
{
	static const enum ikev1_vendor all[] = { IKEV1_VID_DPD,
	    IKEV1_VID_NATT_RFC, IKEV1_VID_NATT_DRAFT_02,
	    IKEV1_VID_NATT_DRAFT_03, IKEV1_VID_NATT_DRAFT_07, IKEV1_VID_XAUTH,
	    IKEV1_VID_CISCO_UNITY, IKEV1_VID_FRAGMENTATION,
	    IKEV1_VID_STRONGSWAN, IKEV1_VID_CISCO_IOS };
	uint8_t frag[20], other[16];
	const uint8_t *v;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		v = ikev1_vendor_bytes(all[i], &len);
		assert_non_null(v);
		assert_int_equal(ikev1_vendor_kind(v, len), all[i]);
		/* a prefix is not the ID */
		assert_int_equal(ikev1_vendor_kind(v, 7), IKEV1_VID_UNKNOWN);
	}
	/* Cisco's fragmentation VID carries 4 bytes of flags */
	v = ikev1_vendor_bytes(IKEV1_VID_FRAGMENTATION, &len);
	memcpy(frag, v, 16);
	memcpy(frag + 16, "\x80\0\0\0", 4);
	assert_int_equal(ikev1_vendor_kind(frag, 20), IKEV1_VID_FRAGMENTATION);
	memset(other, 0x5a, sizeof(other));
	assert_int_equal(ikev1_vendor_kind(other, 16), IKEV1_VID_UNKNOWN);
	assert_null(ikev1_vendor_bytes(IKEV1_VID_UNKNOWN, &len));
}

/* The bytes as the peers send them, written out here rather than taken
 * from the table: MD5("strongSwan"), MD5("draft-ietf-ipsec-nat-t-ike-02\n"),
 * IOS's Unity with version 1.0 and its own ID with version bytes. */
static void
test_kind_wire(void **state)
{
	static const struct {
		const char *hex;
		enum ikev1_vendor v;
	} w[] = {
		{ "882fe56d6fd20dbc2251613b2ebe5beb", IKEV1_VID_STRONGSWAN },
		{ "90cb80913ebb696e086381b5ec427b1f", IKEV1_VID_NATT_DRAFT_02 },
		{ "cd60464335df21f87cfdb2fc68b6a448", IKEV1_VID_NATT_DRAFT_02 },
		{ "4a131c81070358455c5728f20e95452f", IKEV1_VID_NATT_RFC },
		{ "439b59f8ba676c4c7737ae22eab8f582", IKEV1_VID_NATT_DRAFT_07 },
		{ "afcad71368a1f1c96b8696fc77570100", IKEV1_VID_DPD },
		{ "12f5f28c457168a9702d9fe274cc0100", IKEV1_VID_CISCO_UNITY },
		{ "09002689dfd6b712", IKEV1_VID_XAUTH },
		{ "1f07f70eaa6514d3b0fa96542a500407", IKEV1_VID_CISCO_IOS },
		/* "CISCO-DELETE-REASON" */
		{ "434953434f2d44454c4554452d524541534f4e", IKEV1_VID_CISCO_IOS },
		/* one bit off the DPD ID */
		{ "afcad71368a1f1c96b8696fc77560100", IKEV1_VID_UNKNOWN },
	};
	uint8_t b[20];
	size_t i, j, n;
	unsigned x;

	(void)state;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		n = strlen(w[i].hex) / 2;
		for (j = 0; j < n; j++) {
			assert_int_equal(sscanf(w[i].hex + 2 * j, "%2x", &x), 1);
			b[j] = (uint8_t)x;
		}
		assert_int_equal(ikev1_vendor_kind(b, n), w[i].v);
	}
}

static void
test_names(void **state)
{
	char s[160];

	(void)state;
	assert_string_equal(ikev1_vendor_name(IKEV1_VID_NATT_RFC),
	    "NAT-T RFC 3947");
	assert_string_equal(ikev1_vendor_name(IKEV1_VID_MAX), "unknown");
	assert_string_equal(ikev1_vendor_list(0, s, sizeof(s)), "none");
	assert_string_equal(ikev1_vendor_list(IKEV1_VID_BIT(IKEV1_VID_DPD) |
	    IKEV1_VID_BIT(IKEV1_VID_NATT_RFC) |
	    IKEV1_VID_BIT(IKEV1_VID_STRONGSWAN), s, sizeof(s)),
	    "DPD, NAT-T RFC 3947, strongSwan");
	/* cut short, never overrun */
	ikev1_vendor_list(0xffffffff, s, 12);
	assert_true(strlen(s) < 12);
}

/* A Main Mode message 1 as strongSwan sends it (SA left out): its
 * vendor IDs and one nobody knows. */
static void
test_note(void **state)
{
	struct ike_builder bl;
	struct ike_perr err;
	struct ike_hdr h;
	struct ikev1_msg *m;
	struct buf *b = buf_new(0);
	static const enum ikev1_vendor sent[] = { IKEV1_VID_XAUTH,
	    IKEV1_VID_DPD, IKEV1_VID_NATT_RFC, IKEV1_VID_STRONGSWAN };
	const uint8_t *v;
	uint8_t odd[12];
	uint32_t seen = IKEV1_VID_BIT(IKEV1_VID_DPD), set;
	size_t i, len;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.icookie = 0x0102030405060708ULL;
	h.exchange = IKEV1_EXCH_MAIN;
	ikev1_build_msg(&bl, b, &h);
	for (i = 0; i < sizeof(sent) / sizeof(sent[0]); i++) {
		v = ikev1_vendor_bytes(sent[i], &len);
		assert_true(ikev1_build_raw(&bl, IKEV1_PL_VENDOR, v, len) > 0);
	}
	memset(odd, 0xa5, sizeof(odd));
	assert_true(ikev1_build_raw(&bl, IKEV1_PL_VENDOR, odd,
	    sizeof(odd)) > 0);
	assert_int_equal(ikev1_build_finish(&bl), 0);
	m = ikev1_msg_parse(b->data, b->len, &err);
	assert_non_null(m);
	set = ikev1_vendor_note(m, &seen, "test");
	assert_int_equal(set, IKEV1_VID_BIT(IKEV1_VID_XAUTH) |
	    IKEV1_VID_BIT(IKEV1_VID_DPD) | IKEV1_VID_BIT(IKEV1_VID_NATT_RFC) |
	    IKEV1_VID_BIT(IKEV1_VID_STRONGSWAN));
	assert_int_equal(seen, set);
	ikev1_msg_free(m);
	buf_free(b);
}

/* What we send parses back as what we speak: DPD and NAT-T. */
static void
test_ours(void **state)
{
	struct ike_builder bl;
	struct ike_perr err;
	struct ike_hdr h;
	struct ikev1_msg *m;
	struct buf *b = buf_new(0);
	uint32_t seen = 0;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.icookie = 1;
	h.exchange = IKEV1_EXCH_MAIN;
	ikev1_build_msg(&bl, b, &h);
	assert_int_equal(ikev1_vendor_add(&bl), 0);
	assert_int_equal(ikev1_build_finish(&bl), 0);
	m = ikev1_msg_parse(b->data, b->len, &err);
	assert_non_null(m);
	assert_int_equal(ikev1_msg_count(m, IKEV1_PL_VENDOR), 2);
	assert_int_equal(ikev1_vendor_note(m, &seen, "test"),
	    IKEV1_VID_BIT(IKEV1_VID_DPD) | IKEV1_VID_BIT(IKEV1_VID_NATT_RFC));
	ikev1_msg_free(m);
	buf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_kind_wire),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
