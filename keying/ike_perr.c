/* The parse error record shared by both IKE codecs. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keying/ike_perr.h"

void
ike_perr_clear(struct ike_perr *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

void
ike_perr_set(struct ike_perr *err, enum ike_perr_code code, uint8_t payload,
    uint16_t notify, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ike_perr_vset(err, code, payload, notify, fmt, ap);
	va_end(ap);
}

void
ike_perr_vset(struct ike_perr *err, enum ike_perr_code code, uint8_t payload,
    uint16_t notify, const char *fmt, va_list ap)
{
	if (err == NULL)
		return;
	err->code = code;
	err->payload = payload;
	err->off = 0;
	err->notify = notify;
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
}

const char *
ike_perr_name(enum ike_perr_code code)
{
	switch (code) {
	case IKE_E_OK:			return "OK";
	case IKE_E_SHORT:		return "SHORT";
	case IKE_E_LENGTH:		return "LENGTH";
	case IKE_E_VERSION:		return "MAJOR_VERSION";
	case IKE_E_PAYLOAD_LENGTH:	return "PAYLOAD_LENGTH";
	case IKE_E_TRAILING:		return "TRAILING";
	case IKE_E_CRITICAL:		return "UNSUPPORTED_CRITICAL_PAYLOAD";
	case IKE_E_TOO_MANY:		return "TOO_MANY";
	case IKE_E_TYPE:		return "PAYLOAD_TYPE";
	case IKE_E_SK_NOT_LAST:		return "SK_NOT_LAST";
	case IKE_E_SYNTAX:		return "SYNTAX";
	case IKE_E_NOT_ENCRYPTED:	return "NOT_ENCRYPTED";
	case IKE_E_NOMEM:		return "NOMEM";
	case IKE_E_NCODES:		break;
	}
	return "UNKNOWN";
}
