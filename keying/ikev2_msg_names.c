/* Names of IKEv2 protocol numbers, for logs and views. */
#include "config.h"

#include "keying/ikev2_const.h"
#include "keying/ikev2_msg.h"

const char *
ikev2_exchange_name(unsigned int v)
{
	switch (v) {
	case IKEV2_EXCH_IKE_SA_INIT: return "IKE_SA_INIT";
	case IKEV2_EXCH_IKE_AUTH: return "IKE_AUTH";
	case IKEV2_EXCH_CREATE_CHILD_SA: return "CREATE_CHILD_SA";
	case IKEV2_EXCH_INFORMATIONAL: return "INFORMATIONAL";
	case IKEV2_EXCH_IKE_SESSION_RESUME: return "IKE_SESSION_RESUME";
	case IKEV2_EXCH_IKE_INTERMEDIATE: return "IKE_INTERMEDIATE";
	}
	return "UNKNOWN";
}

const char *
ikev2_payload_name(unsigned int v)
{
	switch (v) {
	case IKEV2_PL_NONE: return "NONE";
	case IKEV2_PL_SA: return "SA";
	case IKEV2_PL_KE: return "KE";
	case IKEV2_PL_IDI: return "IDi";
	case IKEV2_PL_IDR: return "IDr";
	case IKEV2_PL_CERT: return "CERT";
	case IKEV2_PL_CERTREQ: return "CERTREQ";
	case IKEV2_PL_AUTH: return "AUTH";
	case IKEV2_PL_NONCE: return "NONCE";
	case IKEV2_PL_NOTIFY: return "N";
	case IKEV2_PL_DELETE: return "D";
	case IKEV2_PL_VENDOR: return "V";
	case IKEV2_PL_TSI: return "TSi";
	case IKEV2_PL_TSR: return "TSr";
	case IKEV2_PL_SK: return "SK";
	case IKEV2_PL_CP: return "CP";
	case IKEV2_PL_EAP: return "EAP";
	case IKEV2_PL_GSPM: return "GSPM";
	case IKEV2_PL_SKF: return "SKF";
	}
	return "UNKNOWN";
}

const char *
ikev2_notify_name(unsigned int v)
{
	switch (v) {
	case IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD: return "UNSUPPORTED_CRITICAL_PAYLOAD";
	case IKEV2_N_INVALID_IKE_SPI: return "INVALID_IKE_SPI";
	case IKEV2_N_INVALID_MAJOR_VERSION: return "INVALID_MAJOR_VERSION";
	case IKEV2_N_INVALID_SYNTAX: return "INVALID_SYNTAX";
	case IKEV2_N_INVALID_MESSAGE_ID: return "INVALID_MESSAGE_ID";
	case IKEV2_N_INVALID_SPI: return "INVALID_SPI";
	case IKEV2_N_NO_PROPOSAL_CHOSEN: return "NO_PROPOSAL_CHOSEN";
	case IKEV2_N_INVALID_KE_PAYLOAD: return "INVALID_KE_PAYLOAD";
	case IKEV2_N_AUTHENTICATION_FAILED: return "AUTHENTICATION_FAILED";
	case IKEV2_N_SINGLE_PAIR_REQUIRED: return "SINGLE_PAIR_REQUIRED";
	case IKEV2_N_NO_ADDITIONAL_SAS: return "NO_ADDITIONAL_SAS";
	case IKEV2_N_INTERNAL_ADDRESS_FAILURE: return "INTERNAL_ADDRESS_FAILURE";
	case IKEV2_N_FAILED_CP_REQUIRED: return "FAILED_CP_REQUIRED";
	case IKEV2_N_TS_UNACCEPTABLE: return "TS_UNACCEPTABLE";
	case IKEV2_N_INVALID_SELECTORS: return "INVALID_SELECTORS";
	case IKEV2_N_UNACCEPTABLE_ADDRESSES: return "UNACCEPTABLE_ADDRESSES";
	case IKEV2_N_UNEXPECTED_NAT_DETECTED: return "UNEXPECTED_NAT_DETECTED";
	case IKEV2_N_USE_ASSIGNED_HoA: return "USE_ASSIGNED_HoA";
	case IKEV2_N_TEMPORARY_FAILURE: return "TEMPORARY_FAILURE";
	case IKEV2_N_CHILD_SA_NOT_FOUND: return "CHILD_SA_NOT_FOUND";
	case IKEV2_N_INVALID_GROUP_ID: return "INVALID_GROUP_ID";
	case IKEV2_N_AUTHORIZATION_FAILED: return "AUTHORIZATION_FAILED";
	case IKEV2_N_STATE_NOT_FOUND: return "STATE_NOT_FOUND";
	case IKEV2_N_INITIAL_CONTACT: return "INITIAL_CONTACT";
	case IKEV2_N_SET_WINDOW_SIZE: return "SET_WINDOW_SIZE";
	case IKEV2_N_ADDITIONAL_TS_POSSIBLE: return "ADDITIONAL_TS_POSSIBLE";
	case IKEV2_N_IPCOMP_SUPPORTED: return "IPCOMP_SUPPORTED";
	case IKEV2_N_NAT_DETECTION_SOURCE_IP: return "NAT_DETECTION_SOURCE_IP";
	case IKEV2_N_NAT_DETECTION_DESTINATION_IP: return "NAT_DETECTION_DESTINATION_IP";
	case IKEV2_N_COOKIE: return "COOKIE";
	case IKEV2_N_USE_TRANSPORT_MODE: return "USE_TRANSPORT_MODE";
	case IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED: return "HTTP_CERT_LOOKUP_SUPPORTED";
	case IKEV2_N_REKEY_SA: return "REKEY_SA";
	case IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED: return "ESP_TFC_PADDING_NOT_SUPPORTED";
	case IKEV2_N_NON_FIRST_FRAGMENTS_ALSO: return "NON_FIRST_FRAGMENTS_ALSO";
	case IKEV2_N_MOBIKE_SUPPORTED: return "MOBIKE_SUPPORTED";
	case IKEV2_N_ADDITIONAL_IP4_ADDRESS: return "ADDITIONAL_IP4_ADDRESS";
	case IKEV2_N_ADDITIONAL_IP6_ADDRESS: return "ADDITIONAL_IP6_ADDRESS";
	case IKEV2_N_NO_ADDITIONAL_ADDRESSES: return "NO_ADDITIONAL_ADDRESSES";
	case IKEV2_N_UPDATE_SA_ADDRESSES: return "UPDATE_SA_ADDRESSES";
	case IKEV2_N_COOKIE2: return "COOKIE2";
	case IKEV2_N_NO_NATS_ALLOWED: return "NO_NATS_ALLOWED";
	case IKEV2_N_AUTH_LIFETIME: return "AUTH_LIFETIME";
	case IKEV2_N_MULTIPLE_AUTH_SUPPORTED: return "MULTIPLE_AUTH_SUPPORTED";
	case IKEV2_N_ANOTHER_AUTH_FOLLOWS: return "ANOTHER_AUTH_FOLLOWS";
	case IKEV2_N_REDIRECT_SUPPORTED: return "REDIRECT_SUPPORTED";
	case IKEV2_N_REDIRECT: return "REDIRECT";
	case IKEV2_N_REDIRECTED_FROM: return "REDIRECTED_FROM";
	case IKEV2_N_EAP_ONLY_AUTHENTICATION: return "EAP_ONLY_AUTHENTICATION";
	case IKEV2_N_CHILDLESS_IKEV2_SUPPORTED: return "CHILDLESS_IKEV2_SUPPORTED";
	case IKEV2_N_QUICK_CRASH_DETECTION: return "QUICK_CRASH_DETECTION";
	case IKEV2_N_IKEV2_MESSAGE_ID_SYNC_SUPPORTED: return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED";
	case IKEV2_N_IKEV2_MESSAGE_ID_SYNC: return "IKEV2_MESSAGE_ID_SYNC";
	case IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED: return "IKEV2_FRAGMENTATION_SUPPORTED";
	case IKEV2_N_SIGNATURE_HASH_ALGORITHMS: return "SIGNATURE_HASH_ALGORITHMS";
	case IKEV2_N_CLONE_IKE_SA_SUPPORTED: return "CLONE_IKE_SA_SUPPORTED";
	case IKEV2_N_CLONE_IKE_SA: return "CLONE_IKE_SA";
	case IKEV2_N_PUZZLE: return "PUZZLE";
	case IKEV2_N_USE_PPK: return "USE_PPK";
	case IKEV2_N_PPK_IDENTITY: return "PPK_IDENTITY";
	case IKEV2_N_NO_PPK_AUTH: return "NO_PPK_AUTH";
	case IKEV2_N_INTERMEDIATE_EXCHANGE_SUPPORTED: return "INTERMEDIATE_EXCHANGE_SUPPORTED";
	case IKEV2_N_IP4_ALLOWED: return "IP4_ALLOWED";
	case IKEV2_N_IP6_ALLOWED: return "IP6_ALLOWED";
	case IKEV2_N_ADDITIONAL_KEY_EXCHANGE: return "ADDITIONAL_KEY_EXCHANGE";
	case IKEV2_N_USE_AGGFRAG: return "USE_AGGFRAG";
	}
	return "UNKNOWN";
}

const char *
ikev2_proto_name(unsigned int v)
{
	switch (v) {
	case IKEV2_PROTO_NONE: return "NONE";
	case IKEV2_PROTO_IKE: return "IKE";
	case IKEV2_PROTO_AH: return "AH";
	case IKEV2_PROTO_ESP: return "ESP";
	}
	return "UNKNOWN";
}

const char *
ikev2_id_type_name(unsigned int v)
{
	switch (v) {
	case IKEV2_ID_IPV4_ADDR: return "ID_IPV4_ADDR";
	case IKEV2_ID_FQDN: return "ID_FQDN";
	case IKEV2_ID_RFC822_ADDR: return "ID_RFC822_ADDR";
	case IKEV2_ID_IPV6_ADDR: return "ID_IPV6_ADDR";
	case IKEV2_ID_DER_ASN1_DN: return "ID_DER_ASN1_DN";
	case IKEV2_ID_DER_ASN1_GN: return "ID_DER_ASN1_GN";
	case IKEV2_ID_KEY_ID: return "ID_KEY_ID";
	case IKEV2_ID_FC_NAME: return "ID_FC_NAME";
	case IKEV2_ID_NULL: return "ID_NULL";
	}
	return "UNKNOWN";
}

const char *
ikev2_auth_name(unsigned int v)
{
	switch (v) {
	case IKEV2_AUTH_RSA_SIG: return "RSA_SIG";
	case IKEV2_AUTH_PSK: return "PSK";
	case IKEV2_AUTH_DSS_SIG: return "DSS_SIG";
	case IKEV2_AUTH_ECDSA_256: return "ECDSA_256";
	case IKEV2_AUTH_ECDSA_384: return "ECDSA_384";
	case IKEV2_AUTH_ECDSA_521: return "ECDSA_521";
	case IKEV2_AUTH_GSPAM: return "GSPAM";
	case IKEV2_AUTH_NULL: return "NULL";
	case IKEV2_AUTH_DIGITAL_SIGNATURE: return "DIGITAL_SIGNATURE";
	}
	return "UNKNOWN";
}

const char *
ikev2_ts_type_name(unsigned int v)
{
	switch (v) {
	case IKEV2_TS_IPV4_ADDR_RANGE: return "IPV4_ADDR_RANGE";
	case IKEV2_TS_IPV6_ADDR_RANGE: return "IPV6_ADDR_RANGE";
	}
	return "UNKNOWN";
}

static const char *
encr_name(unsigned int v)
{
	switch (v) {
	case IKEV2_ENCR_DES_IV64: return "ENCR_DES_IV64";
	case IKEV2_ENCR_DES: return "ENCR_DES";
	case IKEV2_ENCR_3DES: return "ENCR_3DES";
	case IKEV2_ENCR_RC5: return "ENCR_RC5";
	case IKEV2_ENCR_IDEA: return "ENCR_IDEA";
	case IKEV2_ENCR_CAST: return "ENCR_CAST";
	case IKEV2_ENCR_BLOWFISH: return "ENCR_BLOWFISH";
	case IKEV2_ENCR_3IDEA: return "ENCR_3IDEA";
	case IKEV2_ENCR_DES_IV32: return "ENCR_DES_IV32";
	case IKEV2_ENCR_NULL: return "ENCR_NULL";
	case IKEV2_ENCR_AES_CBC: return "ENCR_AES_CBC";
	case IKEV2_ENCR_AES_CTR: return "ENCR_AES_CTR";
	case IKEV2_ENCR_AES_CCM_8: return "ENCR_AES_CCM_8";
	case IKEV2_ENCR_AES_CCM_12: return "ENCR_AES_CCM_12";
	case IKEV2_ENCR_AES_CCM_16: return "ENCR_AES_CCM_16";
	case IKEV2_ENCR_AES_GCM_8: return "ENCR_AES_GCM_8";
	case IKEV2_ENCR_AES_GCM_12: return "ENCR_AES_GCM_12";
	case IKEV2_ENCR_AES_GCM_16: return "ENCR_AES_GCM_16";
	case IKEV2_ENCR_NULL_AUTH_AES_GMAC: return "ENCR_NULL_AUTH_AES_GMAC";
	case IKEV2_ENCR_CAMELLIA_CBC: return "ENCR_CAMELLIA_CBC";
	case IKEV2_ENCR_CAMELLIA_CTR: return "ENCR_CAMELLIA_CTR";
	case IKEV2_ENCR_CAMELLIA_CCM_8: return "ENCR_CAMELLIA_CCM_8";
	case IKEV2_ENCR_CAMELLIA_CCM_12: return "ENCR_CAMELLIA_CCM_12";
	case IKEV2_ENCR_CAMELLIA_CCM_16: return "ENCR_CAMELLIA_CCM_16";
	case IKEV2_ENCR_CHACHA20_POLY1305: return "ENCR_CHACHA20_POLY1305";
	}
	return "UNKNOWN";
}

static const char *
prf_name(unsigned int v)
{
	switch (v) {
	case IKEV2_PRF_HMAC_MD5: return "PRF_HMAC_MD5";
	case IKEV2_PRF_HMAC_SHA1: return "PRF_HMAC_SHA1";
	case IKEV2_PRF_HMAC_TIGER: return "PRF_HMAC_TIGER";
	case IKEV2_PRF_AES128_XCBC: return "PRF_AES128_XCBC";
	case IKEV2_PRF_HMAC_SHA2_256: return "PRF_HMAC_SHA2_256";
	case IKEV2_PRF_HMAC_SHA2_384: return "PRF_HMAC_SHA2_384";
	case IKEV2_PRF_HMAC_SHA2_512: return "PRF_HMAC_SHA2_512";
	case IKEV2_PRF_AES128_CMAC: return "PRF_AES128_CMAC";
	}
	return "UNKNOWN";
}

static const char *
integ_name(unsigned int v)
{
	switch (v) {
	case IKEV2_INTEG_NONE: return "INTEG_NONE";
	case IKEV2_INTEG_HMAC_MD5_96: return "INTEG_HMAC_MD5_96";
	case IKEV2_INTEG_HMAC_SHA1_96: return "INTEG_HMAC_SHA1_96";
	case IKEV2_INTEG_DES_MAC: return "INTEG_DES_MAC";
	case IKEV2_INTEG_KPDK_MD5: return "INTEG_KPDK_MD5";
	case IKEV2_INTEG_AES_XCBC_96: return "INTEG_AES_XCBC_96";
	case IKEV2_INTEG_HMAC_MD5_128: return "INTEG_HMAC_MD5_128";
	case IKEV2_INTEG_HMAC_SHA1_160: return "INTEG_HMAC_SHA1_160";
	case IKEV2_INTEG_AES_CMAC_96: return "INTEG_AES_CMAC_96";
	case IKEV2_INTEG_AES_128_GMAC: return "INTEG_AES_128_GMAC";
	case IKEV2_INTEG_AES_192_GMAC: return "INTEG_AES_192_GMAC";
	case IKEV2_INTEG_AES_256_GMAC: return "INTEG_AES_256_GMAC";
	case IKEV2_INTEG_HMAC_SHA2_256_128: return "INTEG_HMAC_SHA2_256_128";
	case IKEV2_INTEG_HMAC_SHA2_384_192: return "INTEG_HMAC_SHA2_384_192";
	case IKEV2_INTEG_HMAC_SHA2_512_256: return "INTEG_HMAC_SHA2_512_256";
	}
	return "UNKNOWN";
}

static const char *
dh_name(unsigned int v)
{
	switch (v) {
	case IKEV2_DH_NONE: return "NONE";
	case IKEV2_DH_MODP768: return "MODP768";
	case IKEV2_DH_MODP1024: return "MODP1024";
	case IKEV2_DH_MODP1536: return "MODP1536";
	case IKEV2_DH_MODP2048: return "MODP2048";
	case IKEV2_DH_MODP3072: return "MODP3072";
	case IKEV2_DH_MODP4096: return "MODP4096";
	case IKEV2_DH_MODP6144: return "MODP6144";
	case IKEV2_DH_MODP8192: return "MODP8192";
	case IKEV2_DH_ECP256: return "ECP256";
	case IKEV2_DH_ECP384: return "ECP384";
	case IKEV2_DH_ECP521: return "ECP521";
	case IKEV2_DH_MODP1024_160: return "MODP1024_160";
	case IKEV2_DH_MODP2048_224: return "MODP2048_224";
	case IKEV2_DH_MODP2048_256: return "MODP2048_256";
	case IKEV2_DH_ECP192: return "ECP192";
	case IKEV2_DH_ECP224: return "ECP224";
	case IKEV2_DH_BRAINPOOL224: return "BRAINPOOL224";
	case IKEV2_DH_BRAINPOOL256: return "BRAINPOOL256";
	case IKEV2_DH_BRAINPOOL384: return "BRAINPOOL384";
	case IKEV2_DH_BRAINPOOL512: return "BRAINPOOL512";
	case IKEV2_DH_CURVE25519: return "CURVE25519";
	case IKEV2_DH_CURVE448: return "CURVE448";
	}
	return "UNKNOWN";
}

static const char *
esn_name(unsigned int v)
{
	switch (v) {
	case IKEV2_ESN_NO: return "ESN_NO";
	case IKEV2_ESN_YES: return "ESN_YES";
	}
	return "UNKNOWN";
}
const char *
ikev2_xform_name(unsigned int type, unsigned int id)
{
	switch (type) {
	case IKEV2_XFORM_ENCR:
		return encr_name(id);
	case IKEV2_XFORM_PRF:
		return prf_name(id);
	case IKEV2_XFORM_INTEG:
		return integ_name(id);
	case IKEV2_XFORM_DH:
		return dh_name(id);
	case IKEV2_XFORM_ESN:
		return esn_name(id);
	}
	return "UNKNOWN";
}

const char *
ikev2_perr_name(enum ikev2_perr_code code)
{
	switch (code) {
	case IKEV2_E_OK: return "OK";
	case IKEV2_E_SHORT: return "SHORT";
	case IKEV2_E_LENGTH: return "LENGTH";
	case IKEV2_E_MAJOR_VERSION: return "MAJOR_VERSION";
	case IKEV2_E_PAYLOAD_LENGTH: return "PAYLOAD_LENGTH";
	case IKEV2_E_TRAILING: return "TRAILING";
	case IKEV2_E_CRITICAL: return "UNSUPPORTED_CRITICAL_PAYLOAD";
	case IKEV2_E_TOO_MANY: return "TOO_MANY";
	case IKEV2_E_SK_NOT_LAST: return "SK_NOT_LAST";
	case IKEV2_E_SYNTAX: return "SYNTAX";
	case IKEV2_E_NOMEM: return "NOMEM";
	}
	return "UNKNOWN";
}
