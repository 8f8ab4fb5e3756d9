/* libFuzzer target: a whole ISAKMP datagram through ikev1_msg_parse and
 * every typed parser; an encrypted body is handed over as if it were the
 * plaintext. A parsed SA is built again and must parse to the same. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keying/ikev1_msg.h"

#define FUZZ_CHECK(x)	do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sa_roundtrip(const struct ikev1_sa *sa)
{
	static struct ikev1_sa again;
	struct ikev1_builder bl;
	struct ikev1_pl pl[1];
	size_t i, j, n, used;
	struct buf *b;

	if ((b = buf_new(0)) == NULL)
		return;
	ikev1_build_chain(&bl, b);
	FUZZ_CHECK(ikev1_build_sa(&bl, sa) == 0);
	FUZZ_CHECK(ikev1_build_finish(&bl) == 0);
	FUZZ_CHECK(ikev1_chain_parse(b->data, b->len, IKEV1_PL_SA, 0, pl, 1,
	    &n, &used, NULL) == 0);
	FUZZ_CHECK(ikev1_pl_sa(&pl[0], &again, NULL) == 0);
	FUZZ_CHECK(again.nprop == sa->nprop);
	for (i = 0; i < sa->nprop; i++) {
		FUZZ_CHECK(again.prop[i].nxf == sa->prop[i].nxf);
		FUZZ_CHECK(again.prop[i].spi_size == sa->prop[i].spi_size);
		for (j = 0; j < sa->prop[i].nxf; j++)
			FUZZ_CHECK(again.prop[i].xf[j].attrs_len ==
			    sa->prop[i].xf[j].attrs_len);
	}
	buf_free(b);
}

static void
payloads(const struct ikev1_msg *m)
{
	static struct ikev1_sa sa;
	struct ikev1_notify n;
	struct ikev1_delete d;
	struct ikev1_data dt;
	struct ikev1_attr a;
	struct ikev1_id id;
	const uint8_t *p;
	size_t i, j, k, left;

	for (i = 0; i < m->n; i++) {
		const struct ikev1_pl *pl = &m->pl[i];

		FUZZ_CHECK(pl->off + IKEV1_PL_HDR_LEN + pl->len <= m->chain_len);
		(void)ikev1_msg_after(m, pl, &left);
		FUZZ_CHECK(left <= m->chain_len);
		switch (pl->type) {
		case IKEV1_PL_SA:
			FUZZ_CHECK(ikev1_pl_sa(pl, &sa, NULL) == 0);
			for (j = 0; j < sa.nprop; j++)
				for (k = 0; k < sa.prop[j].nxf; k++) {
					p = sa.prop[j].xf[k].attrs;
					left = sa.prop[j].xf[k].attrs_len;
					while (ikev1_attr_next(&p, &left, &a) == 1)
						;
					FUZZ_CHECK(left == 0);
				}
			sa_roundtrip(&sa);
			break;
		case IKEV1_PL_ID:
			FUZZ_CHECK(ikev1_pl_id(pl, &id, NULL) == 0);
			break;
		case IKEV1_PL_NOTIFY:
			FUZZ_CHECK(ikev1_pl_notify(pl, &n, NULL) == 0);
			(void)ikev1_notify_name(n.type);
			break;
		case IKEV1_PL_DELETE:
			FUZZ_CHECK(ikev1_pl_delete(pl, &d, NULL) == 0);
			for (j = 0; j < d.nspi; j++)
				(void)ikev1_delete_spi(&d, j);
			break;
		case IKEV1_PL_VENDOR:
			FUZZ_CHECK(ikev1_pl_data(pl, &dt, NULL) == 0);
			(void)ikev1_vendor_kind(dt.data, dt.len);
			break;
		default:
			FUZZ_CHECK(ikev1_pl_check(pl, NULL) == 0);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ikev1_perr err;
	struct ikev1_msg *m;

	m = ikev1_msg_parse(data, size, &err);
	if (m == NULL) {
		FUZZ_CHECK(err.code != IKEV1_E_OK && err.text[0] != '\0');
		(void)ikev1_perr_name(err.code);
		return 0;
	}
	FUZZ_CHECK(m->hdr.length == size);
	(void)ikev1_exchange_name(m->hdr.exchange);
	if (!m->parsed) {
		if (ikev1_msg_set_plain(m, buf_from(data + IKEV1_HDR_LEN,
		    size - IKEV1_HDR_LEN), &err) == 0)
			FUZZ_CHECK(m->chain_len <= size - IKEV1_HDR_LEN);
		else
			FUZZ_CHECK(m->n == 0);
	}
	payloads(m);
	ikev1_msg_free(m);
	return 0;
}
