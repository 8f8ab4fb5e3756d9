/* What the IKEv1 and IKEv2 codecs read and write alike: big-endian
 * fields, the SPI list of a Delete payload and the payload builder (which
 * links each payload into the chain and patches its length). The header
 * and the payload walker are keying/ike_payload_walk.h. */
#ifndef IKEFLOW_IKE_WIRE_H
#define IKEFLOW_IKE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "keying/ike_payload_walk.h"

static inline uint16_t
ike_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
ike_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
ike_rd64(const uint8_t *p)
{
	return (uint64_t)ike_rd32(p) << 32 | ike_rd32(p + 4);
}

/* A Delete payload (RFC 2408 §3.15, RFC 7296 §3.11); the pointer is into
 * the message. */
struct ike_delete {
	uint32_t	doi;		/* IKEv1 only (0 in IKEv2) */
	uint8_t		proto;
	uint8_t		spi_size;	/* IKEv1: 16 for ISAKMP (both cookies);
					 * IKEv2: 0 for IKE; 4 for ESP/AH */
	uint16_t	nspi;
	const uint8_t	*spis;		/* nspi * spi_size bytes */
};

/* ESP/AH SPI i of a delete, host order; 0 unless spi_size is 4. */
uint32_t ike_delete_spi(const struct ike_delete *d, size_t i);

/* ---- building ---- */

struct ike_builder {
	struct buf	*b;
	size_t		 start;		/* message / chain start in b */
	long		 next_off;	/* next-payload byte to patch, -1 = none yet */
	uint8_t		 first;		/* type of the first payload appended */
	int		 has_hdr;
	int		 closed;	/* IKEv2 SK/SKF appended: nothing may follow */
	int		 failed;	/* sticky */
};

/* Starts a message in b (appending) with header h of that version
 * (IKEV1_VERSION, IKEV2_VERSION when h says none); h->next and h->length
 * are patched as payloads come and by ike_build_finish. */
void	ike_build_msg(struct ike_builder *bl, struct buf *b,
	    const struct ike_hdr *h, uint8_t version);
/* Starts a bare chain (a plaintext to encrypt); bl->first is then its
 * first payload type for the header or the SK payload. */
void	ike_build_chain(struct ike_builder *bl, struct buf *b);
/* Patches the message length, which may not exceed max. 0, or -1 if
 * anything failed on the way. */
int	ike_build_finish(struct ike_builder *bl, size_t max);
/* Opens a payload: writes its generic header with the flags byte given
 * (IKEv2's critical bit) and links it into the chain. Its offset in b,
 * or -1. */
long	ike_pl_begin(struct ike_builder *bl, uint8_t type, uint8_t flags);
/* Closes the payload opened at off: patches its length. 0 / -1. */
int	ike_pl_end(struct ike_builder *bl, long off);
/* A whole payload with the body given; its offset in b, or -1. */
long	ike_build_raw(struct ike_builder *bl, uint8_t type, uint8_t flags,
	    const void *body, size_t len);

#endif
