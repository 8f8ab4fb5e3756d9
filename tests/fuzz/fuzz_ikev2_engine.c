/* libFuzzer target: the IKEv2 engine behind a live IKE SA. Each input
 * brings up a fresh pair of engines (initiator and responder, PSK, the real
 * configuration loader, keys from a real exchange), then its records are
 * sealed with the established SA's keys and delivered to either engine, so
 * that decrypted payload chains drive the exchanges (INFORMATIONAL,
 * CREATE_CHILD_SA, stray IKE_AUTH...) and not only the parsers. What the
 * engines answer is delivered to the other one. Kernel calls are recorded.
 *
 * Input: byte 0 picks the proposals (AES-GCM or AES-CBC + HMAC); then
 * records of  flags, exchange type, first payload, length (u16), payloads.
 * flags: bit 0 to the initiator (from the responder), else the reverse;
 * bit 1 a response; bits 2-3 Message ID: the one expected, one before,
 * one after, or 0. Engine internals (keying/ikev2_sa.h) are read to find
 * the SA's keys and expected Message IDs, nothing is written there. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keying/ikev2_sa.h"
#include "keying/ikev2_sk.h"
#include "tests/fuzz/fuzz_files.h"
#include "tests/fuzz/fuzz_engine_sides.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
e_install_out(void *arg, const struct ike_child_sa *c)
{
	(void)arg;
	(void)c;
	return 0;
}

static const struct cfg_conn *
e_conn_by_id(void *arg, const struct cfg_conn *cur, const struct ifl_addr *local,
    const struct ifl_addr *remote, const struct cfg_id *peer, const struct cfg_id *us)
{
	(void)arg;
	(void)local;
	(void)remote;
	(void)us;
	return cur && config_id_equal(&cur->right.id, peer) ? cur : NULL;
}

static struct ifl_config *
load(int initiator, int variant)
{
	static const char *const props[2][2] = {
		{ "aes128gcm16-prfsha256-ecp256!", "aes128gcm16!" },
		{ "aes128-sha256-ecp256!", "aes128-sha1!" },
	};
	char conf[1024];

	snprintf(conf, sizeof(conf),
	    "conn fuzz\n\tkeyexchange=ikev2\n\tauthby=secret\n\tauto=add\n"
	    "\tleft=%s\n\tleftid=%s\n\tleftsubnet=%s\n"
	    "\tright=%s\n\trightid=%s\n\trightsubnet=%s\n\tike=%s\n\tesp=%s\n",
	    initiator ? ADDR_I : ADDR_R, initiator ? ADDR_I : ADDR_R,
	    initiator ? "10.1.0.0/16" : "10.2.0.0/16",
	    initiator ? ADDR_R : ADDR_I, initiator ? ADDR_R : ADDR_I,
	    initiator ? "10.2.0.0/16" : "10.1.0.0/16",
	    props[variant][0], props[variant][1]);
	return sides_config(conf);
}

static void
side_up(struct side *s, int variant, uint32_t spi_base, const struct ike_tuning *tun)
{
	struct ike_env env;

	side_env(s, variant, spi_base, &env);
	env.install_out = e_install_out;
	env.conn_by_addr = e_conn_by_addr;
	env.conn_by_id = e_conn_by_id;
	FUZZ_CHECK((s->eng = ikev2_engine_new(&env, tun)) != NULL);
}

static void
input(void *eng, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *p, size_t len)
{
	ikev2_input(eng, src, sport, dst, dport, p, len);
}

static struct ike_sa *
established(struct ikev2_engine *e)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		if (sa->phase == IKE_UP && sa->have_keys)
			return sa;
	return NULL;
}

/* One record sealed with the IKE SA's keys, as its other end would. */
static void
deliver(struct side *to, uint8_t flags, uint8_t exch, uint8_t first,
    const uint8_t *plain, size_t len)
{
	struct ike_sa *sa = established(to->eng);
	int response = (flags & 2) != 0, from_initiator;
	uint32_t msgid;
	struct buf *m;

	if (sa == NULL)
		return;
	/* the sender is the SA's initiator when the receiver is not */
	from_initiator = !sa->initiator;
	msgid = response ? sa->req_msgid : sa->peer_msgid;
	switch ((flags >> 2) & 3) {
	case 1:
		msgid--;
		break;
	case 2:
		msgid++;
		break;
	case 3:
		msgid = 0;
		break;
	}
	if ((m = buf_new(0)) == NULL)
		return;
	buf_put_u64(m, sa->spi_i);
	buf_put_u64(m, sa->spi_r);
	buf_put_u8(m, IKEV2_PL_SK);
	buf_put_u8(m, 0x20);
	buf_put_u8(m, exch);
	buf_put_u8(m, (uint8_t)((from_initiator ? IKEV2_FLAG_INITIATOR : 0) |
	    (response ? IKEV2_FLAG_RESPONSE : 0)));
	buf_put_u32(m, msgid);
	buf_put_u32(m, 0);
	buf_put_u8(m, first);
	buf_put_u8(m, 0);
	buf_put_u16(m, 0);
	if (!m->failed && ikev2_sk_encrypt(&sa->keys, from_initiator, m,
	    IKEV2_HDR_LEN, plain, len) == 0)
		ikev2_input(to->eng, &peer_of(to)->addr, sa->rport, &to->addr, sa->lport,
		    m->data, m->len);
	buf_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct ike_tuning tun;

	if (size < 1)
		return 0;
	if (!ready) {
		sides_init(load);
		ready = 1;
	}
	sides_begin();
	ike_tuning_defaults(&tun);
	side_up(&si, data[0] & 1, 0xc0000000, &tun);
	side_up(&sr, data[0] & 1, 0xd0000000, &tun);
	FUZZ_CHECK(ikev2_initiate(si.eng, si.cur->conns) == 0);
	sides_pump(input);
	/* the exchange itself is not fuzzed: it must have worked */
	FUZZ_CHECK(established(si.eng) != NULL && established(sr.eng) != NULL);

	sides_records(data, size, 1, deliver, input);
	ikev2_engine_free(si.eng);
	ikev2_engine_free(sr.eng);
	sides_end();
	return 0;
}
