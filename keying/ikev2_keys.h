/* IKEv2 key derivation (RFC 7296 §2.13, §2.14, §2.17, §2.18) and PSK
 * authentication (§2.15). All key material lives in fixed arrays inside the
 * structs below; wipe them with ikev2_sa_keys_wipe / ikev2_child_keys_wipe.
 * Algorithms come as a struct st_algs (IKEv2 transform IDs, keylen in bits). */
#ifndef IKEFLOW_IKEV2_KEYS_H
#define IKEFLOW_IKEV2_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "keying/crypto.h"
#include "state/state.h"

/* Keys of one IKE SA. With an AEAD cipher sk_ai/sk_ar are empty (len 0)
 * and sk_ei/sk_er carry key | salt. */
struct ikev2_sa_keys {
	uint16_t	encr, encr_keylen, prf, integ;
	size_t		prf_len;		/* = length of sk_d, sk_pi, sk_pr */
	size_t		integ_len;		/* = length of sk_ai, sk_ar */
	size_t		encr_len;		/* = length of sk_ei, sk_er */
	uint8_t		sk_d[CRYPTO_MAX_PRF_LEN];
	uint8_t		sk_ai[CRYPTO_MAX_INTEG_KEY];
	uint8_t		sk_ar[CRYPTO_MAX_INTEG_KEY];
	uint8_t		sk_ei[CRYPTO_MAX_ENCR_KEYMAT];
	uint8_t		sk_er[CRYPTO_MAX_ENCR_KEYMAT];
	uint8_t		sk_pi[CRYPTO_MAX_PRF_LEN];
	uint8_t		sk_pr[CRYPTO_MAX_PRF_LEN];
};

/* Keys of one child SA pair (ESP). "_i" = the SA carrying traffic from the
 * IKE exchange's initiator to its responder (RFC 7296 §2.17). encr keys of
 * AES-GCM carry key | salt, as the kernel's rfc4106(gcm(aes)) wants them. */
struct ikev2_child_keys {
	uint16_t	encr, encr_keylen, integ;
	size_t		encr_len, integ_len;
	uint8_t		encr_i[CRYPTO_MAX_ENCR_KEYMAT];
	uint8_t		integ_i[CRYPTO_MAX_INTEG_KEY];
	uint8_t		encr_r[CRYPTO_MAX_ENCR_KEYMAT];
	uint8_t		integ_r[CRYPTO_MAX_INTEG_KEY];
};

/* prf+ (§2.13): out receives outlen bytes of T1 | T2 | ...; at most 255
 * blocks. 0 / -1. */
int	ikev2_prf_plus(uint16_t prf, const uint8_t *key, size_t keylen,
	    const uint8_t *seed, size_t seedlen, uint8_t *out, size_t outlen);

/* SKEYSEED = prf(Ni | Nr, g^ir) (§2.14). out: crypto_prf_len(prf) bytes. */
int	ikev2_skeyseed(uint16_t prf, const uint8_t *ni, size_t ni_len,
	    const uint8_t *nr, size_t nr_len, const uint8_t *gir, size_t gir_len,
	    uint8_t *out);
/* IKE SA rekey (§2.18): SKEYSEED = prf(SK_d(old), g^ir(new) | Ni | Nr), with
 * the OLD SA's prf (old->prf). out: crypto_prf_len(old->prf) bytes. */
int	ikev2_skeyseed_rekey(const struct ikev2_sa_keys *old,
	    const uint8_t *gir, size_t gir_len, const uint8_t *ni, size_t ni_len,
	    const uint8_t *nr, size_t nr_len, uint8_t *out);
/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *	= prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * with lengths from algs (encr, encr_keylen, prf, integ). SPIs are the IKE
 * header's 8-byte fields read as big-endian numbers (buf_get_u64). 0 / -1. */
int	ikev2_ike_keys(struct ikev2_sa_keys *k, const struct st_algs *algs,
	    const uint8_t *skeyseed, size_t skeyseed_len,
	    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	    uint64_t spi_i, uint64_t spi_r);
/* The two steps above in one: initial IKE SA (old == NULL) or rekeyed IKE SA
 * (old = the SA being rekeyed; ni/nr/spis are the new exchange's). */
int	ikev2_ike_keys_derive(struct ikev2_sa_keys *k, const struct st_algs *algs,
	    const struct ikev2_sa_keys *old, const uint8_t *gir, size_t gir_len,
	    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	    uint64_t spi_i, uint64_t spi_r);
void	ikev2_sa_keys_wipe(struct ikev2_sa_keys *k);

/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (§2.17), split as
 * encr_i | integ_i | encr_r | integ_r. gir NULL / 0 without PFS. ni/nr are
 * the nonces of the exchange creating the child (IKE_SA_INIT's for the
 * first child). algs: encr, encr_keylen, integ (ESP transforms). 0 / -1. */
int	ikev2_child_keys(struct ikev2_child_keys *ck, const struct st_algs *algs,
	    const struct ikev2_sa_keys *ike, const uint8_t *gir, size_t gir_len,
	    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len);
void	ikev2_child_keys_wipe(struct ikev2_child_keys *ck);

/* PSK AUTH payload data (§2.15):
 *	prf(prf(PSK, "Key Pad for IKEv2"), RealMessage | Nonce(peer) | prf(SK_p, ID'))
 * msg = this side's first message as sent (IKE_SA_INIT request for the
 * initiator, response for the responder); nonce = the OTHER side's nonce
 * data; sk_p = SK_pi for the initiator's AUTH, SK_pr for the responder's;
 * id = the ID payload body (ID type, 3 reserved bytes, data). out receives
 * crypto_prf_len(prf) bytes. 0 / -1. */
int	ikev2_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len,
	    const uint8_t *msg, size_t msg_len, const uint8_t *nonce, size_t nonce_len,
	    const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id, size_t id_len,
	    uint8_t *out);
/* Recomputes the peer's expected AUTH data with the same arguments (msg =
 * the PEER's first message, nonce = OUR nonce, sk_p = the peer's SK_p, id =
 * the peer's ID payload body) and compares it in constant time with auth.
 * 0 when it matches; -1 on mismatch, wrong length or failure. */
int	ikev2_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len,
	    const uint8_t *msg, size_t msg_len, const uint8_t *nonce, size_t nonce_len,
	    const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id, size_t id_len,
	    const uint8_t *auth, size_t auth_len);

#endif
