/* What the IKEv1 (ISAKMP, RFC 2408 §3.1-§3.2) and IKEv2 (RFC 7296
 * §3.1-§3.2) codecs share: the 28-byte header, one layout in both, and the
 * chain of payloads behind it, each opened by the same 4-byte generic
 * header (next payload, flags, length).
 *
 * The walker is an iterator: ike_walk_next() hands out one payload
 * (type, flags, body, length, offset) at a time after the bounds checks,
 * and stops at next payload NONE; ike_walk_end() then judges the bytes
 * after the last payload. Errors fill the record both codecs use
 * (struct ike_perr, keying/ike_perr.h), the notify taken from the codec's
 * table. */
#ifndef IKEFLOW_IKE_PAYLOAD_WALK_H
#define IKEFLOW_IKE_PAYLOAD_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "keying/ike_perr.h"

#define IKE_HDR_LEN		28
#define IKE_PL_HDR_LEN		4
#define IKE_PL_CRITICAL		0x80	/* IKEv2; reserved in IKEv1 */

/* The header of both versions: IKEv1 names the SPIs cookies. */
struct ike_hdr {
	union {
		uint64_t ispi;
		uint64_t icookie;
	};
	union {
		uint64_t rspi;
		uint64_t rcookie;
	};
	uint8_t		next;		/* first payload */
	uint8_t		version;	/* major << 4 | minor */
	uint8_t		exchange;
	uint8_t		flags;
	uint32_t	msgid;
	uint32_t	length;
};

/* What a parsed message of either version owns besides its header and
 * payload table: freed, copied and handed the plaintext the same way. */
struct ike_msg_bufs {
	struct buf	*raw;		/* the datagram */
	struct buf	*plain;		/* its encrypted part decrypted (secret),
					 * once set */
};

/* One payload of a chain, unparsed. */
struct ike_walk_pl {
	uint8_t		type;
	uint8_t		next;		/* raw next-payload field */
	uint8_t		flags;		/* the byte after it */
	const uint8_t	*body;		/* after the generic header */
	size_t		len;		/* body length */
	size_t		off;		/* offset of the generic header, base added */
};

struct ike_walk {
	const uint8_t	*p;
	size_t		 len;
	size_t		 base;		/* added to offsets in payloads and errors */
	size_t		 off;		/* of the next payload in p */
	uint8_t		 type;		/* of the next payload; NONE (0) ends */
	size_t		 n, max;	/* payloads handed out, the most allowed */
	const char	*(*name)(unsigned int);
	const uint16_t	*notify;	/* [IKE_E_NCODES]: what each error answers */
	/* NULL: every type is handed out. Else a type it does not know is
	 * passed over (uncounted), or fails the walk when its critical bit
	 * is set (RFC 7296 §2.5). */
	int		(*known)(uint8_t);
};

/* Header only; proto names the protocol in errors ("IKE", "ISAKMP"),
 * notify[IKE_E_NCODES] what each error answers. 0 / -1; h is filled
 * whenever len >= IKE_HDR_LEN. */
int	ike_hdr_parse(const uint8_t *p, size_t len, unsigned int major,
	    const char *proto, const uint16_t *notify, struct ike_hdr *h,
	    struct ike_perr *e);
/* Appends h with next payload NONE and length 0 (patched by the builder);
 * version 0 means default_version. 0 / -1 (b failed). */
int	ike_hdr_put(struct buf *b, const struct ike_hdr *h,
	    uint8_t default_version);

/* b->raw = a copy of p. 0 / -1 (out of memory). */
int	ike_msg_bufs_copy(struct ike_msg_bufs *b, const uint8_t *p, size_t len);
/* Takes plain over, freeing the plaintext held before. */
void	ike_msg_bufs_plain(struct ike_msg_bufs *b, struct buf *plain);
void	ike_msg_bufs_free(struct ike_msg_bufs *b);

void	ike_walk_init(struct ike_walk *w, const uint8_t *p, size_t len,
	    size_t base, uint8_t first, size_t max,
	    const char *(*name)(unsigned int), int (*known)(uint8_t),
	    const uint16_t *notify);
/* 1 = pl filled (w->type is then its next payload), 0 = the chain ended,
 * -1 = e filled. */
int	ike_walk_next(struct ike_walk *w, struct ike_walk_pl *pl,
	    struct ike_perr *e);
/* pl, handed out by ike_walk_next(), failed the codec's check of its body,
 * which filled e: e gets pl's offset. Returns -1. */
int	ike_walk_fail(const struct ike_walk_pl *pl, struct ike_perr *e);
/* After the chain ended: bytes after the last payload fail unless padded
 * (an IKEv1 encrypted body). 0 / -1. */
int	ike_walk_end(const struct ike_walk *w, int padded,
	    struct ike_perr *e);

#endif
