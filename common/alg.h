/* Properties of IKEv2 encryption transform IDs (IANA, RFC 7296 §3.3.2)
 * that the configuration parser, the keying engine and the views all ask
 * about: answered here once, so that they cannot disagree. */
#ifndef IKEFLOW_ALG_H
#define IKEFLOW_ALG_H

/* An AEAD cipher (CCM, GCM, ChaCha20-Poly1305): no integrity transform. */
int	alg_encr_is_aead(unsigned encr);
/* A cipher that takes the Key Length attribute (AES, Camellia). */
int	alg_encr_has_keylen(unsigned encr);

#endif
