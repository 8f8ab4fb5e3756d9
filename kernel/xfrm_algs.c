#include "config.h"

#include <stddef.h>
#include <string.h>

#include "kernel/xfrm_algs.h"

/* ENCR_3DES = 3, ENCR_AES_CBC = 12, ENCR_AES_GCM_8/12/16 = 18/19/20 (RFC 4106). */
static const struct xfrm_alg encr_algs[] = {
	{ 12, 128, "cbc(aes)", 0, 0, 0 },
	{ 12, 192, "cbc(aes)", 0, 0, 0 },
	{ 12, 256, "cbc(aes)", 0, 0, 0 },
	{ 3, 192, "cbc(des3_ede)", 0, 0, 0 },
	{ 20, 128, "rfc4106(gcm(aes))", 128, 4, 1 },
	{ 20, 192, "rfc4106(gcm(aes))", 128, 4, 1 },
	{ 20, 256, "rfc4106(gcm(aes))", 128, 4, 1 },
	{ 19, 128, "rfc4106(gcm(aes))", 96, 4, 1 },
	{ 19, 256, "rfc4106(gcm(aes))", 96, 4, 1 },
	{ 18, 128, "rfc4106(gcm(aes))", 64, 4, 1 },
	{ 18, 256, "rfc4106(gcm(aes))", 64, 4, 1 },
};

/* AUTH_HMAC_MD5_96 = 1, SHA1_96 = 2, SHA2_256_128 = 12, 384_192 = 13, 512_256 = 14. */
static const struct xfrm_alg integ_algs[] = {
	{ 1, 128, "hmac(md5)", 96, 0, 0 },
	{ 2, 160, "hmac(sha1)", 96, 0, 0 },
	{ 12, 256, "hmac(sha256)", 128, 0, 0 },
	{ 13, 384, "hmac(sha384)", 192, 0, 0 },
	{ 14, 512, "hmac(sha512)", 256, 0, 0 },
};

const struct xfrm_alg *
xfrm_alg_encr(uint16_t id, uint16_t key_bits)
{
	if (key_bits == 0)
		key_bits = id == 3 ? 192 : 128;
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
