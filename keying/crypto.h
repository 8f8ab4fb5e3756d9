/* Cryptographic primitives for IKEv2 over OpenSSL 3 EVP. The vocabulary is
 * IANA IKEv2 transform IDs (RFC 7296 §3.3.2); key lengths are in bits as in
 * the Key Length attribute (0 = the transform's only / default length).
 *
 * Thread safety: every function here works only on its arguments and on
 * OpenSSL objects it creates itself, so all of them may be called from any
 * thread. A struct dh must be used by one thread at a time; it may be made
 * on a worker thread (dh_new is the slow part for MODP-3072/4096) and handed
 * to the event loop afterwards. */
#ifndef IKEFLOW_CRYPTO_H
#define IKEFLOW_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/alg.h"		/* alg_encr_is_aead */
#include "common/buf.h"
#include "keying/ikev2_const.h"	/* the transform IDs */

/* Transform kinds: equal to the IKEv2 transform type numbers. */
enum crypto_kind {
	CRYPTO_ENCR = 1,
	CRYPTO_PRF = 2,
	CRYPTO_INTEG = 3,
	CRYPTO_DH = 4,
};

/* Largest sizes, for fixed buffers. */
#define CRYPTO_MAX_PRF_LEN	64	/* SHA-512 output */
#define CRYPTO_MAX_INTEG_KEY	64
#define CRYPTO_MAX_ICV		32	/* truncated HMAC-SHA-512 */
#define CRYPTO_MAX_ENCR_KEYMAT	36	/* AES-256 key + GCM salt */
#define CRYPTO_MAX_BLOCK	16
#define CRYPTO_MAX_DH_PUB	512	/* MODP-4096 */

/* Whether (kind, id, keylen) is implemented here. For ENCR, keylen 0 is
 * accepted only where the transform has a fixed length (3DES, NULL); AES
 * needs 128/192/256 (GCM: 128/256). Other kinds want keylen 0. 1 = yes. */
int	crypto_supported(int kind, uint16_t id, uint16_t keylen);
/* Short lowercase names for logs and show output ("aes-cbc", "hmac-sha256",
 * "modp2048", "ecp256", "curve25519"); "unknown" otherwise. */
const char *crypto_name(int kind, uint16_t id);

/* Encryption properties; 0 for unsupported combinations. */
size_t	crypto_encr_keylen(uint16_t encr, uint16_t keylen);	/* cipher key bytes */
size_t	crypto_encr_keymat_len(uint16_t encr, uint16_t keylen); /* + salt (AEAD) */
size_t	crypto_encr_saltlen(uint16_t encr);	/* 4 for GCM (RFC 5282), else 0 */
size_t	crypto_encr_blocksize(uint16_t encr);	/* padding unit; 1 for GCM */
size_t	crypto_encr_ivlen(uint16_t encr);	/* IV bytes on the wire */
size_t	crypto_encr_icvlen(uint16_t encr);	/* AEAD tag bytes, 0 otherwise */
/* PRF output length = its preferred key length (HMAC). */
size_t	crypto_prf_len(uint16_t prf);
/* Integrity: key bytes and truncated ICV bytes. */
size_t	crypto_integ_keylen(uint16_t integ);
size_t	crypto_integ_icvlen(uint16_t integ);
/* Length of the KE payload's key exchange data for a group. */
size_t	crypto_dh_publen(uint16_t group);

/* Fills p with len bytes from the OpenSSL DRBG. 0 / -1. */
int	crypto_random(void *p, size_t len);

/* Scatter list for MAC input (Ni | Nr | SPIi | SPIr and the like). */
struct crypto_iov {
	const void	*p;
	size_t		 len;
};

/* prf(key, data): out receives crypto_prf_len(prf) bytes. 0 / -1. */
int	crypto_prf(uint16_t prf, const void *key, size_t keylen,
	    const void *data, size_t len, uint8_t *out);
int	crypto_prf_iov(uint16_t prf, const void *key, size_t keylen,
	    const struct crypto_iov *iov, int niov, uint8_t *out);
/* The plain digest behind a PRF (IKEv1's phase-1 and per-exchange IVs,
 * RFC 2409 appendix B): out receives crypto_prf_len(prf) bytes. 0 / -1. */
int	crypto_hash_iov(uint16_t prf, const struct crypto_iov *iov, int niov,
	    uint8_t *out);
/* Truncated HMAC: out receives crypto_integ_icvlen(integ) bytes. */
int	crypto_integ(uint16_t integ, const void *key, size_t keylen,
	    const struct crypto_iov *iov, int niov, uint8_t *out);
/* Computes the ICV over iov and compares it in constant time with icv
 * (crypto_integ_icvlen bytes). 0 when it matches, -1 otherwise. */
int	crypto_integ_verify(uint16_t integ, const void *key, size_t keylen,
	    const struct crypto_iov *iov, int niov, const uint8_t *icv);

/* CBC (AES-CBC, 3DES) without padding: len must be a multiple of the block
 * size; iv is one block; in and out may be the same. enc: 1 encrypt, 0
 * decrypt. 0 / -1. */
int	crypto_cbc(uint16_t encr, int enc, const uint8_t *key, size_t keylen,
	    const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out);
/* AEAD (AES-GCM-16, RFC 4106/5282): keymat = key | 4-byte salt (as taken
 * from prf+), iv = the 8-byte explicit IV; nonce = salt | iv. Seal writes len
 * bytes to out and the 16-byte tag to icv. Open returns -1 (writing nothing
 * usable) if the tag does not verify. in and out may be the same. */
int	crypto_aead_seal(uint16_t encr, const uint8_t *keymat, size_t keymat_len,
	    const uint8_t *iv, const uint8_t *aad, size_t aad_len,
	    const uint8_t *in, size_t len, uint8_t *out, uint8_t *icv);
int	crypto_aead_open(uint16_t encr, const uint8_t *keymat, size_t keymat_len,
	    const uint8_t *iv, const uint8_t *aad, size_t aad_len,
	    const uint8_t *in, size_t len, const uint8_t *icv, uint8_t *out);

/* Diffie-Hellman / ECDH / X25519. The public value is in IKEv2 KE payload
 * form: MODP y left-padded to the prime's length; ECP x | y without the 0x04
 * point-format byte (RFC 5903 §7); Curve25519 the 32-byte u (RFC 8031). */
struct dh;

/* Creates a key pair for the group; NULL if unsupported or on failure
 * (logged). Safe to call from a worker thread (see above). When a DH pool
 * runs (crypto_dh_pool.h) a ready key pair is taken from it if there is one,
 * else the key pair is made here and now. */
struct dh *dh_new(uint16_t group);
/* A key pair from a given private value, for known-answer tests and
 * interoperability checks: MODP exponent x and ECP scalar big-endian, X25519
 * the 32-byte scalar as in RFC 7748. NULL on failure. */
struct dh *dh_new_private(uint16_t group, const uint8_t *priv, size_t len);
uint16_t dh_group(const struct dh *dh);
/* Appends the public value (crypto_dh_publen bytes) to out. 0 / -1. */
int	dh_public(const struct dh *dh, struct buf *out);
/* Validates the peer's public value (exact length; MODP 1 < y < p-1; ECP on
 * the curve and not infinity; X25519 non-zero result) and appends the shared
 * secret g^ir to secret_out (use a buf_new_secret): MODP left-padded to the
 * prime's length, ECP the x coordinate (RFC 5903 §7). 0 / -1. */
int	dh_derive(struct dh *dh, const uint8_t *peer, size_t len,
	    struct buf *secret_out);
/* Frees and wipes the private key. NULL is fine. */
void	dh_free(struct dh *dh);

#endif
