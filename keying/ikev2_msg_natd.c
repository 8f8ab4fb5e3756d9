/* NAT detection data (RFC 7296 §2.23): SHA-1 over SPIi | SPIr | IP | port. */
#include "config.h"

#include <string.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "keying/ikev2_msg.h"

int
ikev2_natd_hash(uint64_t ispi, uint64_t rspi, const struct ifl_addr *a,
    uint16_t port, uint8_t out[IKEV2_NATD_LEN])
{
	uint8_t in[8 + 8 + 16 + 2];
	size_t alen = addr_len(a), n = 0;
	unsigned int mdlen = 0;
	int i;

	if (alen == 0)
		return -1;
	for (i = 7; i >= 0; i--)
		in[n++] = (uint8_t)(ispi >> (8 * i));
	for (i = 7; i >= 0; i--)
		in[n++] = (uint8_t)(rspi >> (8 * i));
	memcpy(in + n, a->u.raw, alen);
	n += alen;
	in[n++] = port >> 8;
	in[n++] = port & 0xff;
	if (EVP_Digest(in, n, out, &mdlen, EVP_sha1(), NULL) != 1 ||
	    mdlen != IKEV2_NATD_LEN) {
		log_err("%s: SHA-1 failed", __func__);
		return -1;
	}
	return 0;
}
