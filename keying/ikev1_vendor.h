/* IKEv1 vendor IDs (RFC 2408 §3.16): the table of those the engine knows,
 * which ones a peer sent (kept per ISAKMP SA and shown by `show crypto
 * isakmp sa detail`), and those we send. ikev1_vendor_kind() and
 * ikev1_vendor_bytes() are declared with the codec (ikev1_msg.h). */
#ifndef IKEFLOW_IKEV1_VENDOR_H
#define IKEFLOW_IKEV1_VENDOR_H

#include <stddef.h>
#include <stdint.h>

#include "keying/ikev1_msg.h"

#define IKEV1_VID_BIT(v)	((uint32_t)1 << (v))

/* IOS's words for it ("vendor ID is NAT-T RFC 3947"); "unknown" for
 * IKEV1_VID_UNKNOWN. */
const char *ikev1_vendor_name(enum ikev1_vendor v);
/* "DPD, NAT-T RFC 3947, XAUTH" for a set, "none" when empty. */
const char *ikev1_vendor_list(uint32_t set, char *dst, size_t len);
/* The known vendor IDs among the VENDOR payloads of m, as a set. Each
 * not in *seen yet is logged under the name ctx (unknown ones in hex at
 * debug level) and added to *seen. */
uint32_t ikev1_vendor_note(const struct ikev1_msg *m, uint32_t *seen,
	    const char *ctx);
/* Appends the vendor IDs we send in Main Mode messages 1 and 2: those of
 * the extensions we speak. 0 / -1. */
int	ikev1_vendor_add(struct ike_builder *bl);

#endif
