/* Properties of IKEv2 encryption transform IDs. */
#include "config.h"

#include "common/alg.h"

int
alg_encr_is_aead(unsigned encr)
{
	/* AES-CCM 14-16, AES-GCM 18-20, ChaCha20-Poly1305 28 */
	return (encr >= 14 && encr <= 16) || (encr >= 18 && encr <= 20) || encr == 28;
}

int
alg_encr_has_keylen(unsigned encr)
{
	/* AES-CBC 12, AES-CTR 13, AES-CCM/GCM 14-20, Camellia-CBC 23 */
	return encr == 12 || encr == 13 || (encr >= 14 && encr <= 20) || encr == 23;
}
