/* IKEv2 transform IDs (IANA) to the kernel's algorithm names and key sizes. */
#ifndef IKEFLOW_XFRM_ALGS_H
#define IKEFLOW_XFRM_ALGS_H

#include <stdint.h>

struct xfrm_alg {
	uint16_t	 id;		/* IKEv2 transform ID */
	uint16_t	 key_bits;	/* key length, salt excluded */
	const char	*name;		/* kernel crypto API name */
	uint16_t	 trunc_bits;	/* integrity: truncated ICV; AEAD: ICV */
	uint8_t		 salt_bytes;	/* AEAD nonce salt appended to the key */
	uint8_t		 aead;
};

/* key_bits 0 picks the transform's default (128 for AES, 192 for 3DES). */
const struct xfrm_alg *xfrm_alg_encr(uint16_t id, uint16_t key_bits);
const struct xfrm_alg *xfrm_alg_integ(uint16_t id);

/* The IKEv2 transform of a kernel algorithm as an SA reports it (name, key
 * bits with an AEAD's salt, ICV or truncation bits), or NULL. */
const struct xfrm_alg *xfrm_alg_encr_by_name(const char *name, unsigned key_bits,
	    unsigned icv_bits);
const struct xfrm_alg *xfrm_alg_integ_by_name(const char *name);

/* Bytes of keying material the keying side must supply for each. */
static inline unsigned
xfrm_alg_keymat(const struct xfrm_alg *a)
{
	return a->key_bits / 8 + a->salt_bytes;
}

#endif
