/* Names of IKEv2 transform IDs (struct st_algs), shared by the show views, the
 * web page and the agent. Unknown numbers give "UNKNOWN_<n>"-style names from
 * a static buffer, so use each result before the next call. */
#ifndef IKEFLOW_STATE_NAMES_H
#define IKEFLOW_STATE_NAMES_H

#include <stddef.h>

#include "state/state.h"

/* strongSwan-style: "AES_CBC_128", "HMAC_SHA1_96", "PRF_HMAC_SHA1", "MODP_1536" */
const char *st_encr_name(const struct st_algs *a);
const char *st_integ_name(unsigned integ);
const char *st_prf_name(unsigned prf);
const char *st_dh_name(unsigned dh);
/* "AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536" (parts that are 0 are left out) */
const char *st_proposal_str(const struct st_algs *a, int with_prf, char *dst, size_t len);

/* AES-GCM/CCM, ChaCha20-Poly1305: integrity comes with the cipher */
int	st_encr_is_aead(unsigned encr);

/* Cisco show crypto words */
const char *st_cisco_esp_encr(const struct st_algs *a);	/* "esp-aes", "esp-256-aes", "esp-gcm" */
const char *st_cisco_esp_auth(unsigned integ);		/* "esp-sha-hmac", "" for none */
const char *st_cisco_ike_encr(const struct st_algs *a);	/* "AES-CBC", "AES-GCM", "3DES" */
const char *st_cisco_ike_hash(unsigned integ);		/* "SHA96", "SHA256", "MD596" */
const char *st_cisco_ike_prf(unsigned prf);		/* "SHA1", "SHA256", "MD5" */
const char *st_cisco_isakmp_encr(const struct st_algs *a);	/* "aes", "aes256", "3des" */
const char *st_cisco_isakmp_hash(unsigned integ);	/* "sha", "sha256", "md5" */

/* Short texts for history end reasons and failure reasons: "peer lost", "no SA" */
const char *st_term_name(enum st_term reason);
const char *st_ike_fail_name(enum st_ike_fail reason);
const char *st_ipsec_fail_name(enum st_ipsec_fail reason);

#endif
