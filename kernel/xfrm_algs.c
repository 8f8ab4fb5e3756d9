#include "config.h"

#include <stddef.h>
#include <string.h>

#include "common/xform_ids.h"
#include "kernel/xfrm_algs.h"

/* Keyed on the IKEv2 transform IDs the keying engines negotiate. */
static const struct xfrm_alg encr_algs[] = {
	{ IKEV2_ENCR_AES_CBC, 128, "cbc(aes)", 0, 0, 0 },
	{ IKEV2_ENCR_AES_CBC, 192, "cbc(aes)", 0, 0, 0 },
	{ IKEV2_ENCR_AES_CBC, 256, "cbc(aes)", 0, 0, 0 },
	{ IKEV2_ENCR_3DES, 192, "cbc(des3_ede)", 0, 0, 0 },
	/* RFC 4106: the ICV length is in the ID, 4 bytes of salt */
	{ IKEV2_ENCR_AES_GCM_16, 128, "rfc4106(gcm(aes))", 128, 4, 1 },
	{ IKEV2_ENCR_AES_GCM_16, 192, "rfc4106(gcm(aes))", 128, 4, 1 },
	{ IKEV2_ENCR_AES_GCM_16, 256, "rfc4106(gcm(aes))", 128, 4, 1 },
	{ IKEV2_ENCR_AES_GCM_12, 128, "rfc4106(gcm(aes))", 96, 4, 1 },
	{ IKEV2_ENCR_AES_GCM_12, 256, "rfc4106(gcm(aes))", 96, 4, 1 },
	{ IKEV2_ENCR_AES_GCM_8, 128, "rfc4106(gcm(aes))", 64, 4, 1 },
	{ IKEV2_ENCR_AES_GCM_8, 256, "rfc4106(gcm(aes))", 64, 4, 1 },
};

static const struct xfrm_alg integ_algs[] = {
	{ IKEV2_INTEG_HMAC_MD5_96, 128, "hmac(md5)", 96, 0, 0 },
	{ IKEV2_INTEG_HMAC_SHA1_96, 160, "hmac(sha1)", 96, 0, 0 },
	{ IKEV2_INTEG_HMAC_SHA2_256_128, 256, "hmac(sha256)", 128, 0, 0 },
	{ IKEV2_INTEG_HMAC_SHA2_384_192, 384, "hmac(sha384)", 192, 0, 0 },
	{ IKEV2_INTEG_HMAC_SHA2_512_256, 512, "hmac(sha512)", 256, 0, 0 },
};

const struct xfrm_alg *
xfrm_alg_encr(uint16_t id, uint16_t key_bits)
{
	if (key_bits == 0)
		key_bits = id == IKEV2_ENCR_3DES ? 192 : 128;
	for (size_t i = 0; i < sizeof(encr_algs) / sizeof(encr_algs[0]); i++)
		if (encr_algs[i].id == id && encr_algs[i].key_bits == key_bits)
			return &encr_algs[i];
	return NULL;
}

const struct xfrm_alg *
xfrm_alg_integ(uint16_t id)
{
	for (size_t i = 0; i < sizeof(integ_algs) / sizeof(integ_algs[0]); i++)
		if (integ_algs[i].id == id)
			return &integ_algs[i];
	return NULL;
}

const struct xfrm_alg *
xfrm_alg_encr_by_name(const char *name, unsigned key_bits, unsigned icv_bits)
{
	for (size_t i = 0; i < sizeof(encr_algs) / sizeof(encr_algs[0]); i++) {
		const struct xfrm_alg *a = &encr_algs[i];

		if (strcmp(a->name, name) == 0 &&
		    a->key_bits + 8u * a->salt_bytes == key_bits &&
		    (!a->aead || a->trunc_bits == icv_bits))
			return a;
	}
	return NULL;
}

const struct xfrm_alg *
xfrm_alg_integ_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(integ_algs) / sizeof(integ_algs[0]); i++)
		if (strcmp(integ_algs[i].name, name) == 0)
			return &integ_algs[i];
	return NULL;
}
