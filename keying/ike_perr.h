/* The parse error of both IKE codecs and of the header and payload walker
 * under them (keying/ike_payload_walk.h): one record, whatever the version,
 * so that the engines, the logs and the tests read errors one way. Each
 * codec keeps only its own choice of the notify to answer with. */
#ifndef IKEFLOW_IKE_PERR_H
#define IKEFLOW_IKE_PERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum ike_perr_code {
	IKE_E_OK = 0,
	/* the walker's (header and generic payload chain) */
	IKE_E_SHORT,		/* shorter than the header */
	IKE_E_LENGTH,		/* header length differs from the datagram's */
	IKE_E_VERSION,		/* another major version */
	IKE_E_PAYLOAD_LENGTH,	/* payload header truncated, length < 4 or past the end */
	IKE_E_TRAILING,		/* bytes after the last payload */
	IKE_E_CRITICAL,		/* IKEv2: unknown payload type with the critical bit */
	IKE_E_TOO_MANY,		/* more payloads (proposals, transforms...) than held */
	/* the codecs' */
	IKE_E_TYPE,		/* IKEv1: payload type not allowed at message level */
	IKE_E_SK_NOT_LAST,	/* IKEv2: SK/SKF followed by more data, or nested */
	IKE_E_SYNTAX,		/* a payload body is malformed */
	IKE_E_NOT_ENCRYPTED,	/* IKEv1: a clear message given a decrypted body */
	IKE_E_NOMEM,
	IKE_E_NCODES
};

struct ike_perr {
	enum ike_perr_code code;
	uint8_t		payload;	/* type at fault (0 = header) */
	/* Where: the payload's (or header field's) offset in the message;
	 * an IKEv1 payload's in the chain it was walked from (after the
	 * header, or the decrypted body). 0 when not known. */
	size_t		off;
	uint16_t	notify;		/* the version's notify to answer with, or 0 */
	char		text[160];	/* for the log */
};

/* Code IKE_E_OK, nothing else; err may be NULL. */
void	ike_perr_clear(struct ike_perr *err);
/* Fills err (unless NULL) with off 0: the chain walk that finds a payload
 * at fault sets its offset. */
void	ike_perr_set(struct ike_perr *err, enum ike_perr_code code,
	    uint8_t payload, uint16_t notify, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	ike_perr_vset(struct ike_perr *err, enum ike_perr_code code,
	    uint8_t payload, uint16_t notify, const char *fmt, va_list ap)
	    __attribute__((format(printf, 5, 0)));
const char *ike_perr_name(enum ike_perr_code code);

#endif
