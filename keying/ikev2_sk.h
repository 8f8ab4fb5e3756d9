/* The Encrypted payload SK {...} (RFC 7296 §3.14) and its fragment form SKF
 * (RFC 7383 §2.5), for AES-CBC/3DES with a truncated HMAC and for AES-GCM
 * (RFC 5282). Messages start at the IKE header (no non-ESP marker). */
#ifndef IKEFLOW_IKEV2_SK_H
#define IKEFLOW_IKEV2_SK_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "keying/ikev2_keys.h"

#define IKEV2_HDR_LEN		28
#define IKEV2_SK_HDR_LEN	4	/* generic payload header */
#define IKEV2_SKF_HDR_LEN	8	/* + Fragment Number, Total Fragments */

/* Return values of ikev2_sk_decrypt besides 0. */
#define IKEV2_SK_EMALFORMED	(-1)	/* lengths, padding, bad arguments */
#define IKEV2_SK_EINTEG		(-2)	/* ICV / GCM tag did not verify */

/* Seals plain into the Encrypted payload that ends msg.
 * On entry msg holds the message from the IKE header through the Encrypted
 * payload's header, which starts at sk_off (its Next Payload already set to
 * the first inner payload's type); for SKF the caller has also appended the
 * Fragment Number and Total Fragments. Everything in msg is authenticated
 * (the AEAD AAD, or part of the ICV input).
 * Appends IV | ciphertext(plain | padding | pad length) | ICV and patches
 * the payload's length (sk_off + 2) and the IKE header's Length (offset 24).
 * from_initiator: the sender is the IKE SA's initiator (SK_ei/SK_ai are
 * used), else its responder (SK_er/SK_ar). 0 / -1. */
int	ikev2_sk_encrypt(const struct ikev2_sa_keys *k, int from_initiator,
	    struct buf *msg, size_t sk_off, const uint8_t *plain, size_t plain_len);

/* Verifies and opens a received Encrypted payload. msg/msg_len = the whole
 * message from the IKE header; sk_off = offset of the payload's generic
 * header; hdr_len = IKEV2_SK_HDR_LEN or IKEV2_SKF_HDR_LEN. The payload must
 * end exactly at msg_len. The ICV is checked (constant time) before anything
 * is decrypted. On success the inner payloads (padding removed) are appended
 * to plain (use a buf_new_secret) and 0 is returned; otherwise
 * IKEV2_SK_EINTEG or IKEV2_SK_EMALFORMED, and plain is left unchanged.
 * from_initiator: the SENDER of msg is the IKE SA's initiator. */
int	ikev2_sk_decrypt(const struct ikev2_sa_keys *k, int from_initiator,
	    const uint8_t *msg, size_t msg_len, size_t sk_off, size_t hdr_len,
	    struct buf *plain);

/* Bytes the Encrypted payload's body (after its header) takes for
 * plain_len bytes of inner payloads: IV + padded ciphertext + ICV. Lets the
 * caller decide on fragmentation before building. */
size_t	ikev2_sk_overhead(const struct ikev2_sa_keys *k, size_t plain_len);

#endif
