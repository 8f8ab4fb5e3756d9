/* Internals shared by the IKEv2 codec's source files. */
#ifndef IKEFLOW_IKEV2_MSG_PRIV_H
#define IKEFLOW_IKEV2_MSG_PRIV_H

#include <stdint.h>

#include "keying/ikev2_msg.h"

void	ikev2_perr_set(struct ikev2_perr *err, enum ikev2_perr_code code,
	    uint8_t payload, uint16_t notify, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

static inline uint16_t
ikev2_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
ikev2_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
ikev2_rd64(const uint8_t *p)
{
	return (uint64_t)ikev2_rd32(p) << 32 | ikev2_rd32(p + 4);
}

#endif
