/* Properties of IKEv2 encryption transform IDs. */
#include "config.h"

#include "common/alg.h"
#include "common/xform_ids.h"

int
alg_encr_is_aead(unsigned encr)
{
	return (encr >= IKEV2_ENCR_AES_CCM_8 && encr <= IKEV2_ENCR_AES_CCM_16) ||
	    (encr >= IKEV2_ENCR_AES_GCM_8 && encr <= IKEV2_ENCR_AES_GCM_16) ||
	    encr == IKEV2_ENCR_CHACHA20_POLY1305;
}

int
alg_encr_has_keylen(unsigned encr)
{
	/* AES in every mode (CBC 12 .. GCM 20), Camellia-CBC */
	return (encr >= IKEV2_ENCR_AES_CBC && encr <= IKEV2_ENCR_AES_GCM_16) ||
	    encr == IKEV2_ENCR_CAMELLIA_CBC;
}
