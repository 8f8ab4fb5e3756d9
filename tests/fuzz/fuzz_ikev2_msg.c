/* libFuzzer target: a whole IKEv2 datagram through ikev2_msg_parse, every
 * typed parser, and the SK body treated as if it were the decrypted chain. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/fuzz_ikev2_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_perr err;
	struct ikev2_msg *m;
	struct ike_hdr h;

	m = ikev2_msg_parse(data, size, &err);
	if (m == NULL) {
		FUZZ_CHECK(err.code != IKE_E_OK && err.text[0] != '\0');
		FUZZ_CHECK(strlen(err.text) < sizeof(err.text));
		(void)ike_perr_name(err.code);
		return 0;
	}
	FUZZ_CHECK(ikev2_hdr_parse(data, size, &h, NULL) == 0);
	FUZZ_CHECK(m->hdr.length == size);
	FUZZ_CHECK(m->bufs.raw->len == size);
	fuzz_payloads(&m->outer);
	(void)ikev2_msg_error_notify(m);
	(void)ikev2_msg_notify(m, IKEV2_N_COOKIE, NULL);
	if (m->sk) {
		FUZZ_CHECK(m->sk == &m->outer.pl[m->outer.n - 1]);
		FUZZ_CHECK(m->sk->off + 4 + m->sk->len == size);
		if (ikev2_msg_set_inner(m, buf_from(m->sk->body, m->sk->len),
		    m->sk->next, &err) == 0)
			fuzz_payloads(&m->inner);
		else
			FUZZ_CHECK(m->inner.n == 0);
		(void)ikev2_msg_count(m, IKEV2_PL_NOTIFY);
	}
	ikev2_msg_free(m);
	return 0;
}
