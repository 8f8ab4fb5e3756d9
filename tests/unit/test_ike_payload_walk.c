/* The payload walker both IKE codecs share (keying/ike_payload_walk.c):
 * every bound it checks, through the IKEv1 and the IKEv2 codec alike, so
 * each gives the same verdict with its own error code and notify. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "keying/ike_payload_walk.h"
#include "keying/ikev1_msg.h"
#include "keying/ikev2_msg.h"

#define MAXMSG	4096

/* A datagram of either version: header, then the chain bytes as given. */
struct dgram {
	uint8_t	b[MAXMSG];
	size_t	len;
};

static void
dg_start(struct dgram *d, int v, uint8_t first)
{
	memset(d, 0, sizeof(*d));
	d->b[0] = 0x11;				/* initiator SPI / cookie */
	d->b[16] = first;
	d->b[17] = v == 1 ? IKEV1_VERSION : IKEV2_VERSION;
	d->b[18] = v == 1 ? IKEV1_EXCH_MAIN : IKEV2_EXCH_IKE_SA_INIT;
	d->len = IKE_HDR_LEN;
}

/* A generic header of the given length field, then body bytes (of
 * len - 4 when that fits, none else). */
static void
dg_pl(struct dgram *d, uint8_t next, uint8_t flags, uint16_t len)
{
	uint8_t *p = d->b + d->len;

	p[0] = next;
	p[1] = flags;
	p[2] = len >> 8;
	p[3] = len & 0xff;
	d->len += IKE_PL_HDR_LEN;
	if (len > IKE_PL_HDR_LEN && len < 1024) {
		memset(d->b + d->len, 0x5a, len - IKE_PL_HDR_LEN);
		d->len += len - IKE_PL_HDR_LEN;
	}
}

static void
dg_end(struct dgram *d)
{
	d->b[24] = (uint8_t)(d->len >> 24);
	d->b[25] = (uint8_t)(d->len >> 16);
	d->b[26] = (uint8_t)(d->len >> 8);
	d->b[27] = (uint8_t)d->len;
}

static uint8_t
vendor(int v)
{
	return v == 1 ? IKEV1_PL_VENDOR : IKEV2_PL_VENDOR;
}

/* The verdict of both codecs, as the walker's code. */
struct verdict {
	int		ok;
	size_t		n;		/* payloads kept */
	int		code;		/* the codec's own */
	uint8_t		payload;
	uint16_t	notify;
	char		text[160];
};

static void
parse(int v, const struct dgram *d, struct verdict *r)
{
	memset(r, 0, sizeof(*r));
	if (v == 1) {
		struct ike_perr err;
		struct ikev1_msg *m = ikev1_msg_parse(d->b, d->len, &err);

		r->ok = m != NULL;
		r->n = m ? m->n : 0;
		r->code = err.code;
		r->payload = err.payload;
		r->notify = err.notify;
		memcpy(r->text, err.text, sizeof(r->text));
		ikev1_msg_free(m);
	} else {
		struct ike_perr err;
		struct ikev2_msg *m = ikev2_msg_parse(d->b, d->len, &err);

		r->ok = m != NULL;
		r->n = m ? m->outer.n : 0;
		r->code = err.code;
		r->payload = err.payload;
		r->notify = err.notify;
		memcpy(r->text, err.text, sizeof(r->text));
		ikev2_msg_free(m);
	}
}

/* Patches the header's length to the datagram's, then parses. */
static void
end_parse(int v, struct dgram *d, struct verdict *r)
{
	dg_end(d);
	parse(v, d, r);
}

/* The payload-length error of a version, with its notify. */
static void
assert_pl_length(int v, const struct verdict *r, const char *what)
{
	assert_false(r->ok);
	assert_int_equal(r->payload, vendor(v));
	if (v == 1) {
		assert_int_equal(r->code, IKE_E_PAYLOAD_LENGTH);
		assert_int_equal(r->notify, IKEV1_N_PAYLOAD_MALFORMED);
	} else {
		assert_int_equal(r->code, IKE_E_PAYLOAD_LENGTH);
		assert_int_equal(r->notify, IKEV2_N_INVALID_SYNTAX);
	}
	assert_non_null(strstr(r->text, what));
	/* the payload is named by its version's name for it */
	assert_non_null(strstr(r->text, v == 1 ? "VENDOR payload" : "V payload"));
}

/* A case of the walker as a test run through the IKEv1 then the IKEv2
 * codec. */
#define BOTH(name) \
	static void test_##name(void **state) { (void)state; name(1); name(2); }

static void
good_chain(int v)
{
	struct dgram d;
	struct verdict r;

	dg_start(&d, v, vendor(v));
	dg_pl(&d, vendor(v), 0, 8);
	dg_pl(&d, 0, 0, 12);
	end_parse(v, &d, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 2);
}
BOTH(good_chain)

static void
truncated_chain(int v)
{
	struct dgram d;
	struct verdict r;

	/* a first payload, then two bytes where the second's header
	 * should be */
	dg_start(&d, v, vendor(v));
	dg_pl(&d, vendor(v), 0, 8);
	d.len += 2;
	end_parse(v, &d, &r);
	assert_pl_length(v, &r, "header truncated at offset");
	/* IKEv2 counts offsets from the datagram, IKEv1 from the
	 * chain (what its hashes cover) */
	assert_non_null(strstr(r.text, v == 1 ? "offset 8" :
	    "offset 36"));
	/* the chain names a payload the datagram does not hold */
	dg_start(&d, v, vendor(v));
	end_parse(v, &d, &r);
	assert_pl_length(v, &r, "header truncated at offset");
}
BOTH(truncated_chain)

static void
length_below_header(int v)
{
	struct dgram d;
	struct verdict r;
	uint16_t len;

	for (len = 0; len < IKE_PL_HDR_LEN; len++) {
		dg_start(&d, v, vendor(v));
		dg_pl(&d, 0, 0, len);
		d.len += 8;	/* room it must not claim */
		end_parse(v, &d, &r);
		assert_pl_length(v, &r, "payload length");
	}
}
BOTH(length_below_header)

static void
length_past_end(int v)
{
	struct dgram d;
	struct verdict r;

	dg_start(&d, v, vendor(v));
	dg_pl(&d, vendor(v), 0, 8);
	dg_pl(&d, 0, 0, 2000);	/* 4 bytes there, 2000 claimed */
	end_parse(v, &d, &r);
	assert_pl_length(v, &r, "payload length 2000");
	assert_non_null(strstr(r.text, "(4 bytes left)"));
	/* one byte more than there is */
	dg_start(&d, v, vendor(v));
	dg_pl(&d, 0, 0, 12);
	d.b[IKE_HDR_LEN + 3] = 13;
	end_parse(v, &d, &r);
	assert_pl_length(v, &r, "payload length 13");
}
BOTH(length_past_end)

static void
trailing(int v)
{
	struct dgram d;
	struct verdict r;

	dg_start(&d, v, vendor(v));
	dg_pl(&d, 0, 0, 8);
	d.len += 3;
	end_parse(v, &d, &r);
	assert_false(r.ok);
	assert_int_equal(r.code, v == 1 ? (int)IKE_E_TRAILING :
	    (int)IKE_E_TRAILING);
	assert_string_equal(r.text, "3 bytes after the last payload");
}
BOTH(trailing)

/* An encrypted IKEv1 body may carry padding after its chain. */
static void
test_ikev1_padding(void **state)
{
	static const uint8_t hdr[IKEV1_HDR_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1,
		IKEV1_PL_VENDOR, IKEV1_VERSION, IKEV1_EXCH_QUICK,
		IKEV1_FLAG_ENC, 0, 0, 0, 9, 0, 0, 0, IKEV1_HDR_LEN + 16,
	};
	uint8_t dg[IKEV1_HDR_LEN + 16] = { 0 };
	const uint8_t plain[16] = { 0, 0, 0, 8, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 7 };
	struct ike_perr err;
	struct ikev1_msg *m;

	(void)state;
	memcpy(dg, hdr, sizeof(hdr));
	assert_non_null(m = ikev1_msg_parse(dg, sizeof(dg), &err));
	assert_int_equal(ikev1_msg_set_plain(m, buf_from(plain, sizeof(plain)),
	    &err), 0);
	assert_int_equal(m->n, 1);
	assert_int_equal(m->chain_len, 8);
	ikev1_msg_free(m);
}

static void
test_critical(void **state)
{
	struct dgram d;
	struct verdict r;

	(void)state;
	/* IKEv2: an unknown type is passed over unless critical (§2.5) */
	dg_start(&d, 2, 200);
	dg_pl(&d, IKEV2_PL_VENDOR, 0, 8);
	dg_pl(&d, 0, 0, 8);
	end_parse(2, &d, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 1);
	d.b[IKE_HDR_LEN + 1] = IKE_PL_CRITICAL;
	parse(2, &d, &r);
	assert_false(r.ok);
	assert_int_equal(r.code, IKE_E_CRITICAL);
	assert_int_equal(r.notify, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(r.payload, 200);
	assert_string_equal(r.text,
	    "unsupported critical payload type 200 at offset 28");
	/* the bounds come first: a critical payload that runs past the end */
	d.b[IKE_HDR_LEN + 3] = 200;
	parse(2, &d, &r);
	assert_int_equal(r.code, IKE_E_PAYLOAD_LENGTH);

	/* ISAKMP has no critical bit: the byte is reserved, the unknown
	 * payload reaches the exchange, which judges it */
	dg_start(&d, 1, 200);
	dg_pl(&d, IKEV1_PL_VENDOR, IKE_PL_CRITICAL, 8);
	dg_pl(&d, 0, 0, 8);
	end_parse(1, &d, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 2);
}

static void
loop_limits(int v)
{
	struct dgram d;
	struct verdict r;
	size_t i, max;

	max = v == 1 ? IKEV1_MAX_PAYLOADS : IKEV2_MAX_PAYLOADS;
	/* as many as a message holds, then one more */
	dg_start(&d, v, vendor(v));
	for (i = 0; i < max; i++)
		dg_pl(&d, i + 1 < max ? vendor(v) : 0, 0, 8);
	end_parse(v, &d, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, max);
	d.b[d.len - 8] = vendor(v);
	dg_pl(&d, 0, 0, 8);
	end_parse(v, &d, &r);
	assert_false(r.ok);
	assert_int_equal(r.code, v == 1 ? (int)IKE_E_TOO_MANY :
	    (int)IKE_E_TOO_MANY);
	assert_int_equal(r.payload, vendor(v));
	if (v == 1)
		return;
	/* IKEv2's unknown payloads are not counted, yet the walk stays
	 * bounded by the datagram: 900 empty ones and a vendor */
	dg_start(&d, 2, 200);
	for (i = 0; i < 900; i++)
		dg_pl(&d, i + 1 < 900 ? 200 : IKEV2_PL_VENDOR, 0, 4);
	dg_pl(&d, 0, 0, 8);
	end_parse(2, &d, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 1);
}
BOTH(loop_limits)

/* The walker alone: a chain whose last payload points at itself ends
 * where the bytes do, and every payload is handed out with its offset. */
static void
test_walker_direct(void **state)
{
	uint8_t chain[64];
	struct ike_walk w;
	struct ike_walk_pl pl;
	struct ike_perr e;
	size_t i, n = 0;
	int r;

	(void)state;
	for (i = 0; i < sizeof(chain); i += 4) {
		chain[i] = 7;		/* next: itself, forever */
		chain[i + 1] = 0;
		chain[i + 2] = 0;
		chain[i + 3] = 4;
	}
	ike_walk_init(&w, chain, sizeof(chain), 100, 7, 1000,
	    ikev1_payload_name, NULL, NULL);
	while ((r = ike_walk_next(&w, &pl, &e)) == 1) {
		assert_int_equal(pl.off, 100 + 4 * n);
		assert_int_equal(pl.len, 0);
		n++;
	}
	assert_int_equal(r, -1);
	assert_int_equal(n, sizeof(chain) / 4);
	assert_int_equal(e.code, IKE_E_PAYLOAD_LENGTH);
	assert_int_equal(e.off, 100 + sizeof(chain));
	/* no data at all: the first payload is missing */
	ike_walk_init(&w, NULL, 0, 0, 7, 10, ikev1_payload_name, NULL, NULL);
	assert_int_equal(ike_walk_next(&w, &pl, &e), -1);
	/* an empty chain ends at once and leaves nothing behind */
	ike_walk_init(&w, chain, 0, 0, 0, 10, ikev1_payload_name, NULL, NULL);
	assert_int_equal(ike_walk_next(&w, &pl, &e), 0);
	assert_int_equal(ike_walk_end(&w, 0, &e), 0);
}

static void
header(int v)
{
	struct dgram d;
	struct verdict r;

	dg_start(&d, v, 0);
	end_parse(v, &d, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 0);
	/* shorter than the header */
	d.len = IKE_HDR_LEN - 1;
	parse(v, &d, &r);
	assert_int_equal(r.code, v == 1 ? (int)IKE_E_SHORT :
	    (int)IKE_E_SHORT);
	assert_non_null(strstr(r.text, v == 1 ? "ISAKMP header" :
	    "IKE header"));
	/* the other version */
	d.len = IKE_HDR_LEN;
	d.b[17] = v == 1 ? IKEV2_VERSION : IKEV1_VERSION;
	parse(v, &d, &r);
	assert_int_equal(r.code, v == 1 ? (int)IKE_E_VERSION :
	    (int)IKE_E_VERSION);
	assert_int_equal(r.notify, v == 1 ?
	    IKEV1_N_INVALID_MAJOR_VERSION : IKEV2_N_INVALID_MAJOR_VERSION);
	/* the header's length is not the datagram's */
	d.b[17] = v == 1 ? IKEV1_VERSION : IKEV2_VERSION;
	d.b[27]++;
	parse(v, &d, &r);
	assert_int_equal(r.code, v == 1 ? (int)IKE_E_LENGTH :
	    (int)IKE_E_LENGTH);
}
BOTH(header)

/* What the builders write is what the parsers read. */
static void
test_header_round_trip(void **state)
{
	struct ike_hdr h = { .ispi = 0x0102030405060708ULL,
	    .rspi = 0x1112131415161718ULL, .exchange = 34, .flags = 8,
	    .msgid = 0x01020304 }, g;
	struct ike_builder b1;
	struct ike_builder b2;
	struct buf *b;
	struct ike_perr e1;
	struct ike_perr e2;

	(void)state;
	b = buf_new(0);
	ikev2_build_msg(&b2, b, &h);
	ikev2_build_vendor(&b2, "abcd", 4);
	assert_int_equal(ikev2_build_finish(&b2), 0);
	assert_int_equal(ikev2_hdr_parse(b->data, b->len, &g, &e2), 0);
	assert_int_equal(g.ispi, h.ispi);
	assert_int_equal(g.rspi, h.rspi);
	assert_int_equal(g.next, IKEV2_PL_VENDOR);
	assert_int_equal(g.version, IKEV2_VERSION);
	assert_int_equal(g.msgid, h.msgid);
	assert_int_equal(g.length, b->len);
	buf_free(b);

	b = buf_new(0);
	h.exchange = IKEV1_EXCH_MAIN;
	h.flags = 0;
	ikev1_build_msg(&b1, b, &h);
	ikev1_build_raw(&b1, IKEV1_PL_VENDOR, "abcd", 4);
	assert_int_equal(ikev1_build_finish(&b1), 0);
	assert_int_equal(ikev1_hdr_parse(b->data, b->len, &g, &e1), 0);
	assert_int_equal(g.icookie, h.icookie);
	assert_int_equal(g.rcookie, h.rcookie);
	assert_int_equal(g.next, IKEV1_PL_VENDOR);
	assert_int_equal(g.version, IKEV1_VERSION);
	assert_int_equal(g.length, b->len);
	buf_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_chain),
		cmocka_unit_test(test_truncated_chain),
		cmocka_unit_test(test_length_below_header),
		cmocka_unit_test(test_length_past_end),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_ikev1_padding),
		cmocka_unit_test(test_critical),
		cmocka_unit_test(test_loop_limits),
		cmocka_unit_test(test_walker_direct),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_header_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
