/* Internals shared by the IKEv2 codec's source files. */
#ifndef IKEFLOW_IKEV2_MSG_PRIV_H
#define IKEFLOW_IKEV2_MSG_PRIV_H

#include <stdint.h>

#include "keying/ikev2_msg.h"

void	ikev2_perr_set(struct ikev2_perr *err, enum ikev2_perr_code code,
	    uint8_t payload, uint16_t notify, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#endif
