/* libFuzzer target: a whole ISAKMP datagram through ikev1_msg_parse and
 * every typed parser; an encrypted body is handed over as if it were the
 * plaintext. A parsed SA is built again and must parse to the same. Then
 * the datagram goes to a fresh IKEv1 engine as responder whose connection
 * says aggressive=yes, so Main and Aggressive Mode's first messages reach
 * the proposal choice, the KE and ID checks and the keys. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/loop.h"
#include "keying/ikev1_exchange.h"
#include "keying/ikev1_msg.h"
#include "state/state.h"
#include "tests/fuzz/fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sa_roundtrip(const struct ikev1_sa *sa)
{
	static struct ikev1_sa again;
	struct ike_builder bl;
	struct ikev1_pl pl[1];
	size_t i, j, n, used;
	struct buf *b;

	if ((b = buf_new(0)) == NULL)
		return;
	ike_build_chain(&bl, b);
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
	struct ike_delete d;
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
				(void)ike_delete_spi(&d, j);
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

static const char conf[] =
    "conn aggr\n\tkeyexchange=ikev1\n\tauthby=secret\n\tauto=add\n"
    "\tleft=192.0.2.2\n\tleftsubnet=10.2.0.0/16\n"
    "\tright=192.0.2.1\n\trightsubnet=10.1.0.0/16\n"
    "\tike=aes128-sha1-modp1536\n\tesp=aes128-sha1\n\taggressive=yes\n";
static const char secrets[] = "192.0.2.2 192.0.2.1 : PSK \"" FUZZ_CANARY "\"\n";
static struct ifl_config *cfg;
static struct ifl_addr us, them;

static int
e_send(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *p, size_t len)
{
	(void)arg; (void)src; (void)sport; (void)dst; (void)dport; (void)p;
	(void)len;
	return 0;
}

static int
e_psk(void *arg, const struct cfg_id *l, const struct cfg_id *r,
    struct buf *out)
{
	(void)arg; (void)l; (void)r;
	buf_put(out, FUZZ_CANARY, strlen(FUZZ_CANARY));
	return out->failed ? -1 : 0;
}

static const struct cfg_conn *
e_conn(void *arg, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	(void)arg; (void)local; (void)remote;
	return cfg->conns;
}

static void
engine(const uint8_t *data, size_t size)
{
	struct ikev1_engine *e;
	struct ike_env env;

	if (cfg == NULL) {
		struct cfg_daemon d;

		fuzz_files_init(1);
		config_daemon_defaults(&d);
		snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
		    fuzz_put("ipsec.conf", (const uint8_t *)conf,
		    sizeof(conf) - 1, 0644));
		snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
		    fuzz_put("ipsec.secrets", (const uint8_t *)secrets,
		    sizeof(secrets) - 1, 0600));
		FUZZ_CHECK((cfg = config_load(&d)) != NULL);
		FUZZ_CHECK(addr_parse("192.0.2.2", &us) == 0);
		FUZZ_CHECK(addr_parse("192.0.2.1", &them) == 0);
	}
	FUZZ_CHECK(loop_init() == 0);
	FUZZ_CHECK(st_init() == 0);
	memset(&env, 0, sizeof(env));
	env.send = e_send;
	env.psk = e_psk;
	env.conn_by_addr_v1 = e_conn;
	FUZZ_CHECK((e = ikev1_engine_new(&env, NULL)) != NULL);
	ikev1_input(e, &them, 500, &us, 500, data, size);
	ikev1_engine_free(e);
	st_free();
	loop_free();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_perr err;
	struct ikev1_msg *m;

	m = ikev1_msg_parse(data, size, &err);
	if (m == NULL) {
		FUZZ_CHECK(err.code != IKE_E_OK && err.text[0] != '\0');
		(void)ike_perr_name(err.code);
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
	engine(data, size);
	return 0;
}
