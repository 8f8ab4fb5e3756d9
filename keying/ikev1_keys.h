/* IKEv1 key schedule and hashes (RFC 2409 §5, appendix B) over
 * keying/crypto.c: SKEYID for pre-shared keys, SKEYID_d/_a/_e, the
 * encryption key (expanded when longer than the PRF output), the phase-1
 * IV and the per-exchange IVs with CBC chaining, HASH_I/HASH_R, Quick Mode
 * HASH(1..3) and Informational HASH(1), KEYMAT.
 *
 * Algorithms are named with the IKEv2 transform IDs crypto.c speaks:
 * ikev1_prf_of() and ikev1_encr_of() map the phase-1 attribute values. */
#ifndef IKEFLOW_IKEV1_KEYS_H
#define IKEFLOW_IKEV1_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "keying/crypto.h"

struct ikev1_keys {
	uint16_t	prf;		/* IKEV2_PRF_HMAC_*: HMAC of the hash */
	uint16_t	encr;		/* IKEV2_ENCR_AES_CBC / 3DES */
	uint16_t	keylen;		/* bits (0: the cipher's only length) */
	size_t		prf_len;
	size_t		block;
	uint8_t		skeyid[CRYPTO_MAX_PRF_LEN];
	uint8_t		skeyid_d[CRYPTO_MAX_PRF_LEN];
	uint8_t		skeyid_a[CRYPTO_MAX_PRF_LEN];
	uint8_t		skeyid_e[CRYPTO_MAX_PRF_LEN];
	uint8_t		ka[32];		/* the cipher key */
	size_t		ka_len;
	uint8_t		iv[CRYPTO_MAX_BLOCK];	/* phase 1: next IV */
};

/* Phase-1 hash attribute -> IKEV2_PRF_HMAC_*, encryption -> IKEV2_ENCR_*;
 * 0 when not supported. */
uint16_t ikev1_prf_of(uint16_t hash);
uint16_t ikev1_encr_of(uint16_t encr);
/* The reverse, for our offers; 0 when IKEv1 has no such value. */
uint16_t ikev1_hash_from_prf(uint16_t prf);
uint16_t ikev1_encr_from(uint16_t encr);

/* Sets the algorithms; 0 / -1 when a combination is not supported. */
int	ikev1_keys_init(struct ikev1_keys *k, uint16_t prf, uint16_t encr,
	    uint16_t keylen);
/* SKEYID = prf(pre-shared key, Ni_b | Nr_b); then SKEYID_d, _a, _e from
 * g^xy and the cookies, the cipher key, and the phase-1 IV =
 * hash(g^xi | g^xr). 0 / -1. */
int	ikev1_keys_psk(struct ikev1_keys *k, const void *psk, size_t psk_len,
	    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	    const uint8_t *gxy, size_t gxy_len, const uint8_t *gxi,
	    size_t gxi_len, const uint8_t *gxr, size_t gxr_len,
	    uint64_t icookie, uint64_t rcookie);
/* Wipes everything secret. */
void	ikev1_keys_wipe(struct ikev1_keys *k);

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b);
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b).
 * The caller passes its view: for HASH_I gx_a = g^xi, cky_a = CKY-I; for
 * HASH_R gx_a = g^xr, cky_a = CKY-R. out: prf_len bytes. 0 / -1. */
int	ikev1_hash_p1(const struct ikev1_keys *k, const uint8_t *gx_a,
	    size_t gx_a_len, const uint8_t *gx_b, size_t gx_b_len,
	    uint64_t cky_a, uint64_t cky_b, const uint8_t *sai_b,
	    size_t sai_len, const uint8_t *id_b, size_t id_len, uint8_t *out);

/* Quick Mode and Informational hashes (RFC 2409 §5.5, §5.7):
 * 1: prf(SKEYID_a, M-ID | rest)              (also Informational)
 * 2: prf(SKEYID_a, M-ID | Ni_b | rest)
 * 3: prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 * rest = the message after the HASH payload. 0 / -1. */
int	ikev1_hash_qm(const struct ikev1_keys *k, int which, uint32_t msgid,
	    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	    const uint8_t *rest, size_t rest_len, uint8_t *out);
/* Whether got (prf_len bytes) is that hash, compared in constant time.
 * 0 / -1. */
int	ikev1_hash_qm_verify(const struct ikev1_keys *k, int which,
	    uint32_t msgid, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
	    size_t nr_len, const uint8_t *rest, size_t rest_len,
	    const uint8_t *got);

/* The first IV of a Quick Mode / Informational exchange:
 * hash(last phase-1 CBC block | M-ID) truncated to the block. */
int	ikev1_iv_exchange(const struct ikev1_keys *k, uint32_t msgid,
	    uint8_t *iv);

/* KEYMAT for one SA (RFC 2409 §5.5): prf(SKEYID_d, [g(qm)^xy |] protocol |
 * SPI | Ni_b | Nr_b), expanded K1 | K2 | ... with Kn = prf(SKEYID_d,
 * Kn-1 | the same input); out receives len bytes (secret). 0 / -1. */
int	ikev1_keymat(const struct ikev1_keys *k, const uint8_t *gxy,
	    size_t gxy_len, uint8_t proto, uint32_t spi, const uint8_t *ni,
	    size_t ni_len, const uint8_t *nr, size_t nr_len, uint8_t *out,
	    size_t len);

/* CBC over a message body with the given IV (one block, updated to the
 * last ciphertext block for chaining). Encrypt pads plain (its payload
 * chain) to the block size with zero bytes and the pad length in the last
 * byte (RFC 2409 leaves the content free); decrypt needs a whole number of
 * blocks. The output buffers are secret. 0 / -1. */
int	ikev1_encrypt(const struct ikev1_keys *k, uint8_t *iv,
	    const uint8_t *plain, size_t len, struct buf *out);
int	ikev1_decrypt(const struct ikev1_keys *k, uint8_t *iv,
	    const uint8_t *cipher, size_t len, struct buf *out);

#endif
