/* IKEv2 codec against real strongSwan datagrams (tests/unit/data/ikev2). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keying/ikev2_msg.h"
#include "keying/ikev2_sk.h"
#include "data_testutil.h"

#define DATA	TEST_SRCDIR "/unit/data/ikev2/"

static uint8_t *
load(const char *name, size_t *len)
{
	return data_load(DATA, name, len);
}

static struct ikev2_msg *
parse_fixture(const char *name)
{
	struct ike_perr err;
	struct ikev2_msg *m;
	uint8_t *p;
	size_t len;

	p = load(name, &len);
	m = ikev2_msg_parse(p, len, &err);
	if (m == NULL)
		fail_msg("%s: %s: %s", name, ike_perr_name(err.code), err.text);
	assert_int_equal(err.code, IKE_E_OK);
	free(p);
	return m;
}

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (s[0] && s[1] && n < max && sscanf(s, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* keys.txt as charon logged them, for the given algorithms. */
static void
load_keys(const char *dir, struct ikev2_sa_keys *k, uint16_t encr,
    uint16_t keylen, uint16_t integ, uint16_t prf)
{
	char path[512], name[16], hex[200];
	FILE *f;

	memset(k, 0, sizeof(*k));
	k->encr = encr;
	k->encr_keylen = keylen;
	k->integ = integ;
	k->prf = prf;
	snprintf(path, sizeof(path), DATA "%s/keys.txt", dir);
	assert_non_null(f = fopen(path, "r"));
	while (fscanf(f, "%15s %199s", name, hex) == 2) {
		if (strcmp(name, "sk_ei") == 0)
			k->encr_len = unhex(hex, k->sk_ei, sizeof(k->sk_ei));
		else if (strcmp(name, "sk_er") == 0)
			unhex(hex, k->sk_er, sizeof(k->sk_er));
		else if (strcmp(name, "sk_ai") == 0)
			k->integ_len = unhex(hex, k->sk_ai, sizeof(k->sk_ai));
		else if (strcmp(name, "sk_ar") == 0)
			unhex(hex, k->sk_ar, sizeof(k->sk_ar));
		else if (strcmp(name, "sk_d") == 0)
			k->prf_len = unhex(hex, k->sk_d, sizeof(k->sk_d));
	}
	fclose(f);
}

static void
open_sk(struct ikev2_msg *m, const struct ikev2_sa_keys *k)
{
	struct ike_perr err;
	struct buf *plain = buf_new_secret(256);

	assert_non_null(m->sk);
	assert_int_equal(m->sk->type, IKEV2_PL_SK);
	assert_int_equal(ikev2_sk_decrypt(k, (m->hdr.flags & IKEV2_FLAG_INITIATOR) != 0,
	    m->bufs.raw->data, m->bufs.raw->len, m->sk->off, IKEV2_SK_HDR_LEN, plain), 0);
	if (ikev2_msg_set_inner(m, plain, m->sk->next, &err) < 0)
		fail_msg("inner: %s", err.text);
}

static void
notify_data(const struct ikev2_msg *m, uint16_t type, const char *hexdata)
{
	struct ikev2_notify n;
	uint8_t want[64];
	size_t wl = unhex(hexdata, want, sizeof(want));

	assert_int_equal(ikev2_msg_notify(m, type, &n), 1);
	assert_int_equal(n.proto, 0);
	assert_int_equal(n.spi_size, 0);
	assert_int_equal(n.len, wl);
	assert_memory_equal(n.data, want, wl);
}

static void
check_natd(const struct ikev2_msg *m, uint16_t type, const char *ip, uint16_t port)
{
	uint8_t h[IKEV2_NATD_LEN];
	struct ikev2_notify n;
	struct ifl_addr a;

	assert_int_equal(addr_parse(ip, &a), 0);
	assert_int_equal(ikev2_msg_notify(m, type, &n), 1);
	assert_int_equal(n.len, IKEV2_NATD_LEN);
	assert_int_equal(ikev2_natd_hash(m->hdr.ispi, m->hdr.rspi, &a, port, h), 0);
	assert_memory_equal(n.data, h, IKEV2_NATD_LEN);
	/* and not with another port */
	assert_int_equal(ikev2_natd_hash(m->hdr.ispi, m->hdr.rspi, &a, 4500, h), 0);
	assert_memory_not_equal(n.data, h, IKEV2_NATD_LEN);
}

static void
check_xf(const struct ikev2_prop *p, int i, uint8_t type, uint16_t id, uint16_t keylen)
{
	assert_true(i < p->nxf);
	assert_int_equal(p->xf[i].type, type);
	assert_int_equal(p->xf[i].id, id);
	assert_int_equal(p->xf[i].keylen, keylen);
}

static void
test_init_request(void **state)
{
	struct ikev2_msg *m = parse_fixture("cbc/01-init-req.bin");
	struct ikev2_prop_list sa;
	struct ikev2_nonce no;
	struct ikev2_ke ke;

	(void)state;
	assert_true(m->hdr.ispi == 0x332290baf665edc9ULL);
	assert_true(m->hdr.rspi == 0);
	assert_int_equal(m->hdr.version, 0x20);
	assert_int_equal(m->hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
	assert_int_equal(m->hdr.flags, IKEV2_FLAG_INITIATOR);
	assert_int_equal(m->hdr.msgid, 0);
	assert_int_equal(m->hdr.length, 500);
	assert_null(m->sk);
	assert_int_equal(m->outer.n, 8);
	assert_int_equal(ikev2_msg_count(m, IKEV2_PL_NOTIFY), 5);

	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 2);
	assert_int_equal(sa.p[0].num, 1);
	assert_int_equal(sa.p[0].proto, IKEV2_PROTO_IKE);
	assert_int_equal(sa.p[0].spi_size, 0);
	assert_int_equal(sa.p[0].nxf, 4);
	check_xf(&sa.p[0], 0, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128);
	check_xf(&sa.p[0], 1, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0);
	check_xf(&sa.p[0], 2, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	check_xf(&sa.p[0], 3, IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0);
	assert_int_equal(sa.p[1].num, 2);
	assert_int_equal(sa.p[1].nxf, 3);
	check_xf(&sa.p[1], 0, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	check_xf(&sa.p[1], 1, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_384, 0);
	check_xf(&sa.p[1], 2, IKEV2_XFORM_DH, IKEV2_DH_ECP256, 0);

	assert_int_equal(ikev2_pl_ke(ikev2_msg_get(m, IKEV2_PL_KE, 0), &ke, NULL), 0);
	assert_int_equal(ke.group, IKEV2_DH_MODP2048);
	assert_int_equal(ke.len, 256);
	assert_int_equal(ikev2_pl_nonce(ikev2_msg_get(m, IKEV2_PL_NONCE, 0), &no, NULL), 0);
	assert_int_equal(no.len, 32);

	check_natd(m, IKEV2_N_NAT_DETECTION_SOURCE_IP, "192.0.2.1", 500);
	check_natd(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP, "192.0.2.2", 500);
	notify_data(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, "");
	notify_data(m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, "0002000300040005");
	notify_data(m, IKEV2_N_REDIRECT_SUPPORTED, "");
	assert_int_equal(ikev2_msg_notify(m, IKEV2_N_COOKIE, NULL), 0);
	assert_int_equal(ikev2_msg_error_notify(m), 0);
	ikev2_msg_free(m);
}

static void
test_init_response(void **state)
{
	struct ikev2_msg *m = parse_fixture("cbc/02-init-resp.bin");
	struct ikev2_prop_list sa;
	struct ikev2_ke ke;

	(void)state;
	assert_true(m->hdr.rspi == 0x5e51e379ab2c7046ULL);
	assert_int_equal(m->hdr.flags, IKEV2_FLAG_RESPONSE);
	assert_int_equal(m->outer.n, 9);
	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 1);
	assert_int_equal(sa.p[0].num, 1);
	check_xf(&sa.p[0], 3, IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0);
	assert_int_equal(ikev2_pl_ke(ikev2_msg_get(m, IKEV2_PL_KE, 0), &ke, NULL), 0);
	assert_int_equal(ke.group, 14);
	/* the responder hashes with both SPIs, its own address as source */
	check_natd(m, IKEV2_N_NAT_DETECTION_SOURCE_IP, "192.0.2.2", 500);
	check_natd(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP, "192.0.2.1", 500);
	notify_data(m, IKEV2_N_CHILDLESS_IKEV2_SUPPORTED, "");
	notify_data(m, IKEV2_N_MULTIPLE_AUTH_SUPPORTED, "");
	ikev2_msg_free(m);
}

static void
test_default_proposals(void **state)
{
	struct ikev2_msg *m = parse_fixture("default/01-init-req.bin");
	struct ikev2_prop_list sa;
	struct ikev2_ke ke;

	(void)state;
	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 2);
	assert_int_equal(sa.p[0].nxf, 38);
	assert_int_equal(sa.p[1].nxf, 38);
	check_xf(&sa.p[0], 0, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128);
	check_xf(&sa.p[0], 12, IKEV2_XFORM_ENCR, IKEV2_ENCR_3DES, 0);
	check_xf(&sa.p[0], 37, IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0);
	check_xf(&sa.p[1], 6, IKEV2_XFORM_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0);
	assert_int_equal(ikev2_pl_ke(ikev2_msg_get(m, IKEV2_PL_KE, 0), &ke, NULL), 0);
	assert_int_equal(ke.group, IKEV2_DH_CURVE25519);
	assert_int_equal(ke.len, 32);
	ikev2_msg_free(m);
}

static void
test_invalid_ke(void **state)
{
	struct ikev2_msg *m = parse_fixture("invalid-ke/02-init-resp.bin");
	struct ikev2_ke ke;

	(void)state;
	assert_int_equal(m->outer.n, 1);
	assert_int_equal(ikev2_msg_error_notify(m), IKEV2_N_INVALID_KE_PAYLOAD);
	notify_data(m, IKEV2_N_INVALID_KE_PAYLOAD, "0005");
	ikev2_msg_free(m);

	m = parse_fixture("invalid-ke/01-init-req.bin");
	assert_int_equal(ikev2_pl_ke(ikev2_msg_get(m, IKEV2_PL_KE, 0), &ke, NULL), 0);
	assert_int_equal(ke.group, IKEV2_DH_ECP256);
	assert_int_equal(ke.len, 64);
	ikev2_msg_free(m);
	m = parse_fixture("invalid-ke/03-init-req.bin");
	assert_int_equal(ikev2_pl_ke(ikev2_msg_get(m, IKEV2_PL_KE, 0), &ke, NULL), 0);
	assert_int_equal(ke.group, IKEV2_DH_MODP1536);
	assert_int_equal(ke.len, 192);
	ikev2_msg_free(m);
}

static void
check_auth_request(struct ikev2_msg *m, size_t authlen)
{
	struct ikev2_prop_list sa;
	struct ikev2_auth auth;
	struct ikev2_tsp ts;
	struct ikev2_id id;
	char s[128];

	assert_int_equal(m->sk->next, IKEV2_PL_IDI);
	assert_int_equal(m->inner.n, 10);
	assert_int_equal(m->inner.pl[0].type, IKEV2_PL_IDI);
	assert_int_equal(ikev2_pl_id(ikev2_msg_get(m, IKEV2_PL_IDI, 0), &id, NULL), 0);
	assert_int_equal(id.type, IKEV2_ID_FQDN);
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "gw1.example.net");
	assert_int_equal(ikev2_pl_id(ikev2_msg_get(m, IKEV2_PL_IDR, 0), &id, NULL), 0);
	assert_int_equal(id.type, IKEV2_ID_IPV4_ADDR);
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "192.0.2.2");
	assert_int_equal(ikev2_pl_auth(ikev2_msg_get(m, IKEV2_PL_AUTH, 0), &auth, NULL), 0);
	assert_int_equal(auth.method, IKEV2_AUTH_PSK);
	assert_int_equal(auth.len, authlen);
	assert_int_equal(ikev2_pl_sa(ikev2_msg_get(m, IKEV2_PL_SA, 0), &sa, NULL), 0);
	assert_int_equal(sa.n, 1);
	assert_int_equal(sa.p[0].proto, IKEV2_PROTO_ESP);
	assert_int_equal(sa.p[0].spi_size, 4);
	assert_int_equal(sa.p[0].nxf, 3);
	check_xf(&sa.p[0], 0, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128);
	check_xf(&sa.p[0], 1, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0);
	check_xf(&sa.p[0], 2, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0);
	assert_true(ikev2_spi_value(sa.p[0].spi, 4) != 0);
	assert_int_equal(ikev2_pl_ts(ikev2_msg_get(m, IKEV2_PL_TSI, 0), &ts, NULL), 0);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ikev2_ts_str(&ts.ts[0], s, sizeof(s)), "198.51.100.0/24");
	assert_int_equal(ikev2_pl_ts(ikev2_msg_get(m, IKEV2_PL_TSR, 0), &ts, NULL), 0);
	assert_string_equal(ikev2_ts_str(&ts.ts[0], s, sizeof(s)), "203.0.113.0/24");
	assert_int_equal(ikev2_msg_notify(m, IKEV2_N_INITIAL_CONTACT, NULL), 1);
	assert_int_equal(ikev2_msg_notify(m, IKEV2_N_EAP_ONLY_AUTHENTICATION, NULL), 1);
	assert_int_equal(ikev2_msg_notify(m, IKEV2_N_IKEV2_MESSAGE_ID_SYNC_SUPPORTED, NULL), 1);
	assert_int_equal(ikev2_msg_error_notify(m), 0);
}

static void
test_auth_cbc(void **state)
{
	struct ikev2_sa_keys k;
	struct ikev2_msg *m;
	struct ike_delete d;
	struct ikev2_id id;
	char s[64];

	(void)state;
	load_keys("cbc", &k, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128,
	    IKEV2_PRF_HMAC_SHA2_256);
	m = parse_fixture("cbc/03-auth-req.bin");
	assert_int_equal(m->outer.n, 1);
	open_sk(m, &k);
	check_auth_request(m, 32);
	ikev2_msg_free(m);

	m = parse_fixture("cbc/04-auth-resp.bin");
	open_sk(m, &k);
	assert_int_equal(m->inner.n, 3);
	assert_int_equal(ikev2_pl_id(ikev2_msg_get(m, IKEV2_PL_IDR, 0), &id, NULL), 0);
	assert_string_equal(ikev2_id_str(&id, s, sizeof(s)), "192.0.2.2");
	assert_int_equal(ikev2_msg_error_notify(m), IKEV2_N_NO_PROPOSAL_CHOSEN);
	ikev2_msg_free(m);

	m = parse_fixture("cbc/05-info-req.bin");
	open_sk(m, &k);
	assert_int_equal(m->inner.n, 1);
	assert_int_equal(ikev2_pl_delete(ikev2_msg_get(m, IKEV2_PL_DELETE, 0), &d, NULL), 0);
	assert_int_equal(d.proto, IKEV2_PROTO_IKE);
	assert_int_equal(d.nspi, 0);
	ikev2_msg_free(m);

	/* an empty INFORMATIONAL (the answer to a delete) */
	m = parse_fixture("cbc/06-info-resp.bin");
	open_sk(m, &k);
	assert_int_equal(m->sk->next, IKEV2_PL_NONE);
	assert_int_equal(m->inner.n, 0);
	ikev2_msg_free(m);
	ikev2_sa_keys_wipe(&k);
}

static void
test_auth_gcm(void **state)
{
	struct ikev2_sa_keys k;
	struct ikev2_msg *m;

	(void)state;
	load_keys("gcm", &k, IKEV2_ENCR_AES_GCM_16, 256, 0, IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(k.encr_len, 36);
	m = parse_fixture("gcm/03-auth-req.bin");
	open_sk(m, &k);
	check_auth_request(m, 32);
	ikev2_msg_free(m);
	ikev2_sa_keys_wipe(&k);
}

/* Rebuilding IKE_SA_INIT messages from what was parsed gives the same bytes. */
static void
rebuild(const char *name)
{
	struct ikev2_msg *m = parse_fixture(name);
	struct ike_builder bl;
	struct ikev2_prop_list sa;
	struct ikev2_notify n;
	struct ikev2_ke ke;
	struct ikev2_nonce no;
	struct buf *b = buf_new(0);
	size_t i;

	for (i = 0; i < m->outer.n; i++)
		assert_int_equal(m->outer.pl[i].critical, 0);
	ikev2_build_msg(&bl, b, &m->hdr);
	for (i = 0; i < m->outer.n; i++) {
		const struct ikev2_pl *pl = &m->outer.pl[i];

		switch (pl->type) {
		case IKEV2_PL_SA:
			assert_int_equal(ikev2_pl_sa(pl, &sa, NULL), 0);
			assert_int_equal(ikev2_build_sa(&bl, &sa), 0);
			break;
		case IKEV2_PL_KE:
			assert_int_equal(ikev2_pl_ke(pl, &ke, NULL), 0);
			assert_int_equal(ikev2_build_ke(&bl, ke.group, ke.data, ke.len), 0);
			break;
		case IKEV2_PL_NONCE:
			assert_int_equal(ikev2_pl_nonce(pl, &no, NULL), 0);
			assert_int_equal(ikev2_build_nonce(&bl, no.data, no.len), 0);
			break;
		case IKEV2_PL_NOTIFY:
			assert_int_equal(ikev2_pl_notify(pl, &n, NULL), 0);
			assert_int_equal(ikev2_build_notify(&bl, &n), 0);
			break;
		default:
			fail_msg("unexpected payload %u", pl->type);
		}
	}
	assert_int_equal(ikev2_build_finish(&bl), 0);
	assert_int_equal(b->len, m->bufs.raw->len);
	assert_memory_equal(b->data, m->bufs.raw->data, b->len);
	buf_free(b);
	ikev2_msg_free(m);
}

static void
test_rebuild_fixtures(void **state)
{
	(void)state;
	rebuild("cbc/01-init-req.bin");
	rebuild("cbc/02-init-resp.bin");
	rebuild("default/01-init-req.bin");
	rebuild("default/02-init-resp.bin");
	rebuild("invalid-ke/02-init-resp.bin");
	rebuild("invalid-ke/03-init-req.bin");
	rebuild("gcm/02-init-resp.bin");
}

/* Every truncation of a real message, with its header length adjusted,
 * fails cleanly (valgrind / ASan watch for reads past the end). */
static void
test_truncations(void **state)
{
	static const char *files[] = { "cbc/01-init-req.bin", "default/01-init-req.bin",
	    "cbc/03-auth-req.bin" };
	struct ike_perr err;
	struct ikev2_msg *m;
	uint8_t *p, *cut;
	size_t len, l, f;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		p = load(files[f], &len);
		for (l = 0; l < len; l++) {
			cut = malloc(l ? l : 1);
			memcpy(cut, p, l);
			if (l >= IKEV2_HDR_LEN) {
				cut[24] = (uint8_t)(l >> 24);
				cut[25] = (uint8_t)(l >> 16);
				cut[26] = (uint8_t)(l >> 8);
				cut[27] = (uint8_t)l;
			}
			m = ikev2_msg_parse(cut, l, &err);
			assert_null(m);
			assert_int_equal(err.code, l < IKEV2_HDR_LEN ? IKE_E_SHORT :
			    IKE_E_PAYLOAD_LENGTH);
			free(cut);
		}
		free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_request),
		cmocka_unit_test(test_init_response),
		cmocka_unit_test(test_default_proposals),
		cmocka_unit_test(test_invalid_ke),
		cmocka_unit_test(test_auth_cbc),
		cmocka_unit_test(test_auth_gcm),
		cmocka_unit_test(test_rebuild_fixtures),
		cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
