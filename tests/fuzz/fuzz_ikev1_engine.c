/* libFuzzer target: the IKEv1 engine behind a live ISAKMP SA. Each input
 * brings up a fresh pair of engines (initiator and responder, PSK, the real
 * configuration loader, Main Mode and Quick Mode as they run), then its
 * records are encrypted with the ISAKMP SA's keys and delivered to either
 * engine, so that decrypted payload chains drive Quick Modes, Informational
 * exchanges (Deletes, notifies, DPD) and stray phase-1 messages, not only
 * the parsers fuzz_ikev1_msg reaches. What the engines answer is delivered
 * to the other one. Kernel calls are recorded: only what was installed is
 * removed, once.
 *
 * Input: byte 0 bit 0 picks the proposals (AES-CBC/SHA-1 or AES-256/
 * SHA-256, both ECP-256 and PFS); then records of flags, exchange type,
 * first payload, length (u16), payloads. flags: bit 0 to the initiator
 * (from the responder), else the reverse; bits 1-2 Message ID: a new one,
 * the receiver's Quick Mode under way (its IV continued), the last new
 * one again, or 0; bit 3 the chain goes behind a HASH(1) computed over
 * it, as an authentic peer's would. Engine internals (keying/ikev1_sa.h)
 * are read to find the SA's keys, IVs and Message IDs, nothing is written
 * there. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keying/ikev1_sa.h"
#include "tests/fuzz/fuzz_files.h"
#include "tests/fuzz/fuzz_engine_sides.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
e_install_half(void *arg, const struct ike_child_sa *c)
{
	(void)arg;
	FUZZ_CHECK(c->spi_in != 0 || c->spi_out != 0);
	return 0;
}

static void
e_hold(void *arg, const struct cfg_conn *conn)
{
	(void)arg;
	FUZZ_CHECK(conn != NULL);
}

static struct ifl_config *
load(int initiator, int variant)
{
	static const char *const props[2] = { "aes128-sha1-ecp256!", "aes256-sha256-ecp256!" };
	char conf[1024];

	snprintf(conf, sizeof(conf),
	    "conn fuzz\n\tkeyexchange=ikev1\n\tauthby=secret\n\tauto=add\n"
	    "\tdpddelay=10s\n\tdpdaction=hold\n"
	    "\tleft=%s\n\tleftsubnet=%s\n\tright=%s\n\trightsubnet=%s\n"
	    "\tike=%s\n\tesp=%s\n",
	    initiator ? ADDR_I : ADDR_R, initiator ? "10.1.0.0/16" : "10.2.0.0/16",
	    initiator ? ADDR_R : ADDR_I, initiator ? "10.2.0.0/16" : "10.1.0.0/16",
	    props[variant], props[variant]);
	return sides_config(conf);
}

static void
side_up(struct side *s, int variant, uint32_t spi_base)
{
	struct ike_env env;

	side_env(s, variant, spi_base, &env);
	env.install_in = e_install_half;
	env.install_out = e_install_half;
	env.hold = e_hold;
	env.conn_by_addr_v1 = e_conn_by_addr;
	FUZZ_CHECK((s->eng = ikev1_engine_new(&env, NULL)) != NULL);
}

static void
input(void *eng, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *p, size_t len)
{
	ikev1_input(eng, src, sport, dst, dport, p, len);
}

static struct isakmp_sa *
established(struct ikev1_engine *e)
{
	for (struct isakmp_sa *sa = e->sas; sa; sa = sa->next)
		if (sa->phase == IKEV1_UP)
			return sa;
	return NULL;
}

/* One record encrypted with the ISAKMP SA's keys (the same at both ends),
 * as the other end would send it. */
static void
deliver(struct side *to, uint8_t flags, uint8_t exch, uint8_t first,
    const uint8_t *plain, size_t len)
{
	static uint32_t last_new = 0x10000000;
	struct isakmp_sa *sa = established(to->eng);
	uint8_t iv[CRYPTO_MAX_BLOCK], h[CRYPTO_MAX_PRF_LEN];
	struct buf *chain = NULL, *m = NULL;
	struct ike_builder cb;
	uint32_t msgid;
	long hoff = -1;
	int r;

	if (sa == NULL)
		return;
	switch ((flags >> 1) & 3) {
	case 0:
		msgid = ++last_new;
		break;
	case 1:
		msgid = sa->qm.msgid ? sa->qm.msgid : ++last_new;
		break;
	case 2:
		msgid = last_new;
		break;
	default:
		msgid = 0;
		break;
	}
	if (msgid != 0 && msgid == sa->qm.msgid)
		memcpy(iv, sa->qm.iv, sizeof(iv));
	else if (ikev1_iv_exchange(&sa->k, msgid, iv) == -1)
		return;
	if ((chain = buf_new(0)) == NULL || (m = buf_new(0)) == NULL)
		goto out;
	ike_build_chain(&cb, chain);
	if (flags & 8) {
		memset(h, 0, sizeof(h));
		if ((hoff = ikev1_build_raw(&cb, IKEV1_PL_HASH, h, sa->k.prf_len)) < 0)
			goto out;
	}
	/* the fuzzed chain as it is: its first payload's type from the record,
	 * linked from the HASH (or the header), its own next types inside */
	if (len > 0) {
		static const uint8_t none;

		if (ikev1_build_raw(&cb, first, &none, 0) < 0)
			goto out;
		/* the empty payload's header is replaced by the record's bytes */
		chain->len -= IKEV1_PL_HDR_LEN;
		if (buf_put(chain, plain, len) < 0)
			goto out;
		cb.next_off = -1;
	}
	r = flags & 8 ? ikev1_seal_hashed(sa, exch, msgid, &cb, hoff, NULL, 0, iv, m) :
	    ikev1_seal(sa, exch, msgid, &cb, iv, m);
	if (r == 0)
		ikev1_input(to->eng, &peer_of(to)->addr, sa->rport, &to->addr, sa->lport,
		    m->data, m->len);
out:
	buf_free(chain);
	buf_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	if (size < 1)
		return 0;
	if (!ready) {
		sides_init(load);
		ready = 1;
	}
	sides_begin();
	side_up(&si, data[0] & 1, 0xc0000000);
	side_up(&sr, data[0] & 1, 0xd0000000);
	FUZZ_CHECK(ikev1_initiate(si.eng, si.cur->conns) == 0);
	sides_pump(input);
	/* the exchanges themselves are not fuzzed: they must have worked */
	FUZZ_CHECK(established(si.eng) != NULL && established(sr.eng) != NULL);
	FUZZ_CHECK(si.ninstalled == 1 && sr.ninstalled == 1);

	sides_records(data, size, 1, deliver, input);
	ikev1_engine_free(si.eng);
	ikev1_engine_free(sr.eng);
	sides_end();
	return 0;
}
