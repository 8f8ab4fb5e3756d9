/* ISAKMP / IKEv1 message codec (RFC 2408 §3, RFC 2407 §4).
 *
 * Parsing: ikev1_msg_parse() copies the datagram and checks the ISAKMP
 * header. A clear message has its payload chain walked at once; an
 * encrypted one (flag E) waits for ikev1_msg_set_plain() with the
 * decrypted body, whose chain may be followed by padding (RFC 2408 §3.1:
 * the header length covers it). Every payload is syntax-checked on the way;
 * the typed parsers (ikev1_pl_*) then fill small structs whose data
 * pointers point INTO the message (valid until ikev1_msg_free()).
 *
 * Each payload keeps its offset, so the hashes of RFC 2409 can cover
 * "the message after the HASH payload" (Quick Mode, Informational) and the
 * SA payload body (HASH_I/HASH_R).
 *
 * Errors fill a struct ike_perr (keying/ike_perr.h) with a code, the
 * payload type at fault and its offset, text for the log and the IKEV1_N_*
 * notify the engine may answer with.
 *
 * Building: ikev1_build_msg() writes the header, each ikev1_build_*()
 * appends one payload and patches the previous next-payload field,
 * ikev1_build_finish() patches the message length. Failures are sticky. */
#ifndef IKEFLOW_IKEV1_MSG_H
#define IKEFLOW_IKEV1_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "keying/ike_payload_walk.h"
#include "keying/ike_wire.h"
#include "keying/ikev1_const.h"

#define IKEV1_MAX_PAYLOADS	32
#define IKEV1_MAX_PROPS		8	/* per SA payload */
#define IKEV1_MAX_XFORMS	16	/* per proposal */
#define IKEV1_MAX_MSG		65535

const char *ikev1_exchange_name(uint8_t exch);
const char *ikev1_payload_name(unsigned int type);
const char *ikev1_notify_name(uint16_t type);

/* One payload of the chain, unparsed. */
struct ikev1_pl {
	uint8_t		type;
	uint8_t		next;
	const uint8_t	*body;		/* after the generic header */
	size_t		len;		/* body length */
	size_t		off;		/* offset of the generic header in its buffer */
};

struct ikev1_msg {
	struct ike_hdr hdr;
	struct ike_msg_bufs bufs;	/* plain: the decrypted body */
	const uint8_t	*chain;		/* raw body or plain: where pl[].off counts from */
	size_t		 chain_len;	/* the payloads, padding excluded */
	int		 parsed;	/* the chain has been walked */
	size_t		 n;
	struct ikev1_pl	 pl[IKEV1_MAX_PAYLOADS];
};

/* Header only. 0 / -1; h is filled whenever len >= IKEV1_HDR_LEN. */
int	ikev1_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h,
	    struct ike_perr *err);
/* Whole datagram; NULL on error (err filled). */
struct ikev1_msg *ikev1_msg_parse(const uint8_t *p, size_t len,
	    struct ike_perr *err);
void	ikev1_msg_free(struct ikev1_msg *m);
/* Takes ownership of plain (even on error), the decrypted body of an
 * encrypted message, and walks its chain (padding after the last payload
 * is allowed). 0 / -1. */
int	ikev1_msg_set_plain(struct ikev1_msg *m, struct buf *plain,
	    struct ike_perr *err);
/* Walks a chain starting with type first; payloads point into p. *used
 * receives the length of the payloads; padding after them is allowed when
 * padded is set. 0 / -1. */
int	ikev1_chain_parse(const uint8_t *p, size_t len, uint8_t first,
	    int padded, struct ikev1_pl *pl, size_t max, size_t *n,
	    size_t *used, struct ike_perr *err);
/* The idx-th payload of a type, or NULL. */
const struct ikev1_pl *ikev1_msg_get(const struct ikev1_msg *m, uint8_t type,
	    size_t idx);
size_t	ikev1_msg_count(const struct ikev1_msg *m, uint8_t type);
/* The bytes of the chain after payload pl (generic headers included,
 * padding excluded): what HASH(1..3) and Informational HASHes cover. */
const uint8_t *ikev1_msg_after(const struct ikev1_msg *m,
	    const struct ikev1_pl *pl, size_t *len);

/* ---- typed payloads ---- */

/* A data attribute (RFC 2408 §3.3): TV (AF bit set) carries a 16-bit
 * value; TLV its bytes. val holds the value of either as a number when it
 * fits in 32 bits (TLV of 1..4 bytes), else 0 with big set. */
struct ikev1_attr {
	uint16_t	type;		/* without the AF bit */
	int		tv;
	int		big;
	uint32_t	val;
	const uint8_t	*data;		/* TLV bytes (TV: NULL) */
	size_t		len;
};

struct ikev1_xform {
	uint8_t		num;
	uint8_t		id;		/* KEY_IKE, ESP_AES, ... */
	const uint8_t	*attrs;		/* checked attribute list */
	size_t		attrs_len;
};

struct ikev1_prop {
	uint8_t		num;
	uint8_t		proto;		/* IKEV1_PROTO_* */
	uint8_t		spi_size;
	const uint8_t	*spi;
	size_t		nxf;
	struct ikev1_xform xf[IKEV1_MAX_XFORMS];
};

struct ikev1_sa {
	uint32_t	doi;
	uint32_t	situation;
	size_t		nprop;
	struct ikev1_prop prop[IKEV1_MAX_PROPS];
};

struct ikev1_id {
	uint8_t		type;		/* IKEV1_ID_* */
	uint8_t		proto;		/* IP protocol, 0 = any */
	uint16_t	port;
	const uint8_t	*data;
	size_t		len;
};

struct ikev1_data {			/* KE, NONCE, HASH, SIG, VENDOR, NAT-D */
	const uint8_t	*data;
	size_t		len;
};

struct ikev1_notify {
	uint32_t	doi;
	uint8_t		proto;
	uint8_t		spi_size;
	uint16_t	type;		/* IKEV1_N_* */
	const uint8_t	*spi;
	const uint8_t	*data;
	size_t		len;
};

/* SA: DOI IPsec, situation identity-only, proposals of consecutive
 * payloads, transforms with well-formed attribute lists. Proposals beyond
 * IKEV1_MAX_PROPS or with more than IKEV1_MAX_XFORMS transforms fail. */
int	ikev1_pl_sa(const struct ikev1_pl *p, struct ikev1_sa *sa,
	    struct ike_perr *err);
int	ikev1_pl_id(const struct ikev1_pl *p, struct ikev1_id *id,
	    struct ike_perr *err);
int	ikev1_pl_ke(const struct ikev1_pl *p, struct ikev1_data *d,
	    struct ike_perr *err);
int	ikev1_pl_nonce(const struct ikev1_pl *p, struct ikev1_data *d,
	    struct ike_perr *err);
/* HASH, SIG, VENDOR, NAT-D: any non-empty body. */
int	ikev1_pl_data(const struct ikev1_pl *p, struct ikev1_data *d,
	    struct ike_perr *err);
int	ikev1_pl_notify(const struct ikev1_pl *p, struct ikev1_notify *n,
	    struct ike_perr *err);
int	ikev1_pl_delete(const struct ikev1_pl *p, struct ike_delete *d,
	    struct ike_perr *err);
/* Syntax check of a payload by its type (unknown types pass). */
int	ikev1_pl_check(const struct ikev1_pl *p, struct ike_perr *err);

/* Attribute iteration over a checked list: 1 = *a filled, 0 = end,
 * -1 = malformed (never for a list from ikev1_pl_sa). */
int	ikev1_attr_next(const uint8_t **p, size_t *left, struct ikev1_attr *a);
/* Which known vendor ID a VENDOR payload carries. */
enum ikev1_vendor ikev1_vendor_kind(const uint8_t *data, size_t len);
/* The bytes of a known vendor ID (for sending); NULL for UNKNOWN. */
const uint8_t *ikev1_vendor_bytes(enum ikev1_vendor v, size_t *len);

/* ---- building ---- */

/* The builder is both versions' (keying/ike_wire.h): a bare chain, the
 * plaintext to encrypt, is started by ike_build_chain. */

/* Starts a message in b (appending); h->next and h->length are patched. */
void	ikev1_build_msg(struct ike_builder *bl, struct buf *b,
	    const struct ike_hdr *h);
/* Patches the message length. 0, or -1 if anything failed on the way. */
int	ikev1_build_finish(struct ike_builder *bl);

/* A payload with the given body; returns the offset of its generic header
 * in b (for hashes patched in later), or -1. */
long	ikev1_build_raw(struct ike_builder *bl, uint8_t type,
	    const void *body, size_t len);
/* SA with the proposals' SPIs and transforms as given; attributes are the
 * ready encoded lists (ikev1_attr_put*). */
int	ikev1_build_sa(struct ike_builder *bl, const struct ikev1_sa *sa);
int	ikev1_build_id(struct ike_builder *bl, const struct ikev1_id *id);
int	ikev1_build_notify(struct ike_builder *bl, const struct ikev1_notify *n);
int	ikev1_build_delete(struct ike_builder *bl, const struct ike_delete *d);

/* Attribute encoding: TV when the value fits 16 bits and the class allows
 * it (basic), else TLV of 4 bytes. */
int	ikev1_attr_put(struct buf *b, uint16_t type, uint32_t val, int variable);

#endif
