/* Shared by the IKEv2 fuzz targets: runs every typed parser over a chain and
 * checks what must hold for any input (abort() marks a finding). */
#ifndef FUZZ_IKEV2_COMMON_H
#define FUZZ_IKEV2_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "keying/ikev2_msg.h"

#define FUZZ_CHECK(x)	do { if (!(x)) abort(); } while (0)

/* Builds a parsed SA / TS back and parses it again: same content. */
static void
fuzz_sa_roundtrip(struct ikev2_prop_list *sa)
{
	struct ike_builder bl;
	struct ikev2_prop_list again;
	struct ikev2_chain c;
	struct buf *b;
	int i, j;

	if (sa->n == 0 || (b = buf_new(0)) == NULL)
		return;
	/* unusable proposals left gaps in the numbering */
	for (i = 0; sa->n > 1 && i < sa->n; i++)
		sa->p[i].num = (uint8_t)(i + 1);
	ike_build_chain(&bl, b);
	FUZZ_CHECK(ikev2_build_sa(&bl, sa) == 0);
	FUZZ_CHECK(ikev2_build_finish(&bl) == 0);
	FUZZ_CHECK(ikev2_chain_parse(b->data, b->len, IKEV2_PL_SA, &c, NULL) == 0);
	FUZZ_CHECK(c.n == 1);
	FUZZ_CHECK(ikev2_pl_sa(&c.pl[0], &again, NULL) == 0);
	FUZZ_CHECK(again.n == sa->n);
	for (i = 0; i < sa->n; i++) {
		FUZZ_CHECK(again.p[i].num == sa->p[i].num);
		FUZZ_CHECK(again.p[i].nxf == sa->p[i].nxf);
		FUZZ_CHECK(memcmp(again.p[i].spi, sa->p[i].spi, 8) == 0);
		for (j = 0; j < sa->p[i].nxf; j++) {
			FUZZ_CHECK(again.p[i].xf[j].type == sa->p[i].xf[j].type);
			FUZZ_CHECK(again.p[i].xf[j].id == sa->p[i].xf[j].id);
			FUZZ_CHECK(again.p[i].xf[j].keylen == sa->p[i].xf[j].keylen);
		}
	}
	buf_free(b);
}

static void
fuzz_ts_roundtrip(const struct ikev2_tsp *t)
{
	struct ike_builder bl;
	struct ikev2_tsp again;
	struct ikev2_chain c;
	struct buf *b = buf_new(0);

	if (b == NULL)
		return;
	ike_build_chain(&bl, b);
	FUZZ_CHECK(ikev2_build_ts(&bl, IKEV2_PL_TSI, t) == 0);
	FUZZ_CHECK(ikev2_build_finish(&bl) == 0);
	FUZZ_CHECK(ikev2_chain_parse(b->data, b->len, IKEV2_PL_TSI, &c, NULL) == 0);
	FUZZ_CHECK(ikev2_pl_ts(&c.pl[0], &again, NULL) == 0);
	FUZZ_CHECK(again.n == t->n);
	FUZZ_CHECK(memcmp(again.ts, t->ts, t->n * sizeof(t->ts[0])) == 0);
	buf_free(b);
}

static void
fuzz_payloads(const struct ikev2_chain *c)
{
	union ikev2_pl_any u;
	struct ike_perr err;
	char s[300];
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		const struct ikev2_pl *pl = &c->pl[i];

		/* the chain walk checked the syntax already */
		FUZZ_CHECK(ikev2_pl_check(pl, &err) == 0);
		/* every parser on every body: must fail cleanly or succeed */
		if (ikev2_pl_sa(pl, &u.sa, &err) == 0 && pl->type == IKEV2_PL_SA)
			fuzz_sa_roundtrip(&u.sa);
		if (ikev2_pl_ts(pl, &u.ts, &err) == 0) {
			for (k = 0; k < u.ts.n; k++)
				ikev2_ts_str(&u.ts.ts[k], s, sizeof(s));
			fuzz_ts_roundtrip(&u.ts);
		}
		if (ikev2_pl_id(pl, &u.id, &err) == 0) {
			ikev2_id_str(&u.id, s, sizeof(s));
			FUZZ_CHECK(strlen(s) < sizeof(s));
			ikev2_id_str(&u.id, s, 7);
			FUZZ_CHECK(strlen(s) < 7);
		}
		if (ikev2_pl_delete(pl, &u.d, &err) == 0)
			for (k = 0; k < u.d.nspi; k++)
				(void)ike_delete_spi(&u.d, k);
		ikev2_pl_ke(pl, &u.ke, &err);
		ikev2_pl_auth(pl, &u.auth, &err);
		ikev2_pl_nonce(pl, &u.nonce, &err);
		if (ikev2_pl_notify(pl, &u.n, &err) == 0)
			(void)ikev2_notify_name(u.n.type);
		ikev2_pl_vendor(pl, &u.nonce, &err);
		ikev2_pl_cp(pl, &u.cp, &err);
		ikev2_pl_cert(pl, &u.cert, &err);
		ikev2_pl_skf(pl, &u.skf, &err);
		(void)ikev2_payload_name(pl->type);
	}
}

#endif
