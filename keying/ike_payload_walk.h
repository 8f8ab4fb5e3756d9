/* What the IKEv1 (ISAKMP, RFC 2408 §3.1-§3.2) and IKEv2 (RFC 7296
 * §3.1-§3.2) codecs share: the 28-byte header, one layout in both, and the
 * chain of payloads behind it, each opened by the same 4-byte generic
 * header (next payload, flags, length).
 *
 * The walker is an iterator: ike_walk_next() hands out one payload
 * (type, flags, body, length, offset) at a time after the bounds checks,
 * and stops at next payload NONE; ike_walk_end() then judges the bytes
 * after the last payload. Errors are version-neutral (struct ike_walk_err:
 * a code, the payload type at fault, its offset, the text for the log and
 * the notify to answer with from the codec's table); each codec's error
 * codes begin with the walker's. */
#ifndef IKEFLOW_IKE_PAYLOAD_WALK_H
#define IKEFLOW_IKE_PAYLOAD_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

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

/* The codecs' error codes start with these, at the same values. */
enum ike_walk_code {
	IKE_WALK_OK = 0,
	IKE_WALK_SHORT,		/* shorter than the header */
	IKE_WALK_LENGTH,	/* header length differs from the datagram's */
	IKE_WALK_VERSION,	/* another major version */
	IKE_WALK_PL_LENGTH,	/* payload header truncated, length < 4 or past the end */
	IKE_WALK_TRAILING,	/* bytes after the last payload */
	IKE_WALK_CRITICAL,	/* unknown payload type with the critical bit */
	IKE_WALK_TOO_MANY,	/* more payloads than the caller holds */
	IKE_WALK_NCODES
};

struct ike_walk_err {
	enum ike_walk_code code;
	uint8_t		payload;	/* type at fault (0 = header) */
	size_t		off;		/* where (header offsets count from base) */
	uint16_t	notify;		/* from the caller's table, or 0 */
	char		text[160];
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
	const uint16_t	*notify;	/* [IKE_WALK_NCODES]: what each error answers */
	/* NULL: every type is handed out. Else a type it does not know is
	 * passed over (uncounted), or fails the walk when its critical bit
	 * is set (RFC 7296 §2.5). */
	int		(*known)(uint8_t);
};

/* Header only; proto names the protocol in errors ("IKE", "ISAKMP"),
 * notify[IKE_WALK_NCODES] what each error answers. 0 / -1; h is filled
 * whenever len >= IKE_HDR_LEN. */
int	ike_hdr_parse(const uint8_t *p, size_t len, unsigned int major,
	    const char *proto, const uint16_t *notify, struct ike_hdr *h,
	    struct ike_walk_err *e);
/* Appends h with next payload NONE and length 0 (patched by the builder);
 * version 0 means default_version. 0 / -1 (b failed). */
int	ike_hdr_put(struct buf *b, const struct ike_hdr *h,
	    uint8_t default_version);

void	ike_walk_init(struct ike_walk *w, const uint8_t *p, size_t len,
	    size_t base, uint8_t first, size_t max,
	    const char *(*name)(unsigned int), int (*known)(uint8_t),
	    const uint16_t *notify);
/* 1 = pl filled (w->type is then its next payload), 0 = the chain ended,
 * -1 = e filled. */
int	ike_walk_next(struct ike_walk *w, struct ike_walk_pl *pl,
	    struct ike_walk_err *e);
/* After the chain ended: bytes after the last payload fail unless padded
 * (an IKEv1 encrypted body). 0 / -1. */
int	ike_walk_end(const struct ike_walk *w, int padded,
	    struct ike_walk_err *e);

#endif
