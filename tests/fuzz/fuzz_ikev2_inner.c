/* libFuzzer target: a decrypted payload chain (first byte = the first
 * payload type, as the SK header would give it), then the same bytes cut
 * into fragments and reassembled. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/fuzz_ikev2_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_reassembly(const uint8_t *data, size_t size)
{
	struct ikev2_reasm r;
	struct buf *out;
	size_t off = 0, len;
	uint8_t first;
	int rc = 0;

	ikev2_reasm_init(&r, 0, 8, 4096);
	/* records: num, total, length, bytes */
	while (size - off >= 3) {
		len = data[off + 2];
		if (len > size - off - 3)
			len = size - off - 3;
		rc = ikev2_reasm_add(&r, data[off], data[off + 1], 0, data + off + 3, len);
		FUZZ_CHECK(rc >= -1 && rc <= 1);
		FUZZ_CHECK(r.size <= 4096 && r.have <= r.total);
		off += 3 + len;
		if (rc == 1) {
			out = ikev2_reasm_take(&r, &first);
			FUZZ_CHECK(out != NULL);
			buf_free(out);
		}
	}
	ikev2_reasm_clear(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ikev2_chain c;
	struct ike_perr err;

	if (size < 1)
		return 0;
	if (ikev2_chain_parse(data + 1, size - 1, data[0], &c, &err) == 0)
		fuzz_payloads(&c);
	else
		FUZZ_CHECK(err.code != IKE_E_OK && err.text[0] != '\0');
	fuzz_reassembly(data, size);
	return 0;
}
