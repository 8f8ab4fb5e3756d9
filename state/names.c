#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/alg.h"
#include "state/names.h"

struct name {
	unsigned	id;
	const char	*name;
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
lookup(const struct name *t, size_t n, unsigned id, const char *prefix)
{
	static char unknown[32];

	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	snprintf(unknown, sizeof(unknown), "%s_%u", prefix, id);
	return unknown;
}

int
st_encr_is_aead(unsigned encr)
{
	return alg_encr_is_aead(encr);
}

const char *
st_encr_name(const struct st_algs *a)
{
	static const struct name t[] = {
		{ 2, "DES_CBC" }, { 3, "3DES_CBC" }, { 11, "NULL" }, { 12, "AES_CBC" },
		{ 13, "AES_CTR" }, { 14, "AES_CCM_8" }, { 15, "AES_CCM_12" },
		{ 16, "AES_CCM_16" }, { 18, "AES_GCM_8" }, { 19, "AES_GCM_12" },
		{ 20, "AES_GCM_16" }, { 23, "CAMELLIA_CBC" }, { 28, "CHACHA20_POLY1305" },
	};
	static char buf[48];
	const char *n = lookup(t, NELEM(t), a->encr, "ENCR");

	if (!alg_encr_has_keylen(a->encr))
		return n;
	snprintf(buf, sizeof(buf), "%s_%u", n, a->encr_keylen ? a->encr_keylen : 128);
	return buf;
}

const char *
st_integ_name(unsigned integ)
{
	static const struct name t[] = {
		{ 1, "HMAC_MD5_96" }, { 2, "HMAC_SHA1_96" }, { 5, "AES_XCBC_96" },
		{ 8, "AES_CMAC_96" }, { 12, "HMAC_SHA2_256_128" },
		{ 13, "HMAC_SHA2_384_192" }, { 14, "HMAC_SHA2_512_256" },
	};

	return lookup(t, NELEM(t), integ, "INTEG");
}

const char *
st_prf_name(unsigned prf)
{
	static const struct name t[] = {
		{ 1, "PRF_HMAC_MD5" }, { 2, "PRF_HMAC_SHA1" }, { 4, "PRF_AES128_XCBC" },
		{ 5, "PRF_HMAC_SHA2_256" }, { 6, "PRF_HMAC_SHA2_384" },
		{ 7, "PRF_HMAC_SHA2_512" }, { 8, "PRF_AES128_CMAC" },
	};

	return lookup(t, NELEM(t), prf, "PRF");
}

const char *
st_dh_name(unsigned dh)
{
	static const struct name t[] = {
		{ 1, "MODP_768" }, { 2, "MODP_1024" }, { 5, "MODP_1536" },
		{ 14, "MODP_2048" }, { 15, "MODP_3072" }, { 16, "MODP_4096" },
		{ 17, "MODP_6144" }, { 18, "MODP_8192" }, { 19, "ECP_256" },
		{ 20, "ECP_384" }, { 21, "ECP_521" }, { 22, "MODP_1024_160" },
		{ 23, "MODP_2048_224" }, { 24, "MODP_2048_256" }, { 25, "ECP_192" },
		{ 26, "ECP_224" }, { 31, "CURVE_25519" }, { 32, "CURVE_448" },
	};

	return lookup(t, NELEM(t), dh, "DH");
}

const char *
st_proposal_str(const struct st_algs *a, int with_prf, char *dst, size_t len)
{
	size_t off;

	snprintf(dst, len, "%s", st_encr_name(a));
	if (a->integ && (off = strlen(dst)) < len)
		snprintf(dst + off, len - off, "/%s", st_integ_name(a->integ));
	if (with_prf && a->prf && (off = strlen(dst)) < len)
		snprintf(dst + off, len - off, "/%s", st_prf_name(a->prf));
	if (a->dh && (off = strlen(dst)) < len)
		snprintf(dst + off, len - off, "/%s", st_dh_name(a->dh));
	return dst;
}

static unsigned
keylen(const struct st_algs *a)
{
	return a->encr_keylen ? a->encr_keylen : 128;
}

const char *
st_cisco_esp_encr(const struct st_algs *a)
{
	static char buf[32];

	switch (a->encr) {
	case 2:
		return "esp-des";
	case 3:
		return "esp-3des";
	case 11:
		return "esp-null";
	case 12:
		if (keylen(a) == 128)
			return "esp-aes";
		snprintf(buf, sizeof(buf), "esp-%u-aes", keylen(a));
		return buf;
	case 18: case 19: case 20:
		if (keylen(a) == 128)
			return "esp-gcm";
		snprintf(buf, sizeof(buf), "esp-%u-gcm", keylen(a));
		return buf;
	case 28:
		return "esp-chacha20-poly1305";
	default:
		snprintf(buf, sizeof(buf), "esp-encr-%u", a->encr);
		return buf;
	}
}

const char *
st_cisco_esp_auth(unsigned integ)
{
	static const struct name t[] = {
		{ 0, "" }, { 1, "esp-md5-hmac" }, { 2, "esp-sha-hmac" },
		{ 5, "esp-aes-xcbc-mac" }, { 12, "esp-sha256-hmac" },
		{ 13, "esp-sha384-hmac" }, { 14, "esp-sha512-hmac" },
	};

	return lookup(t, NELEM(t), integ, "esp-integ");
}

const char *
st_cisco_ike_encr(const struct st_algs *a)
{
	static const struct name t[] = {
		{ 2, "DES" }, { 3, "3DES" }, { 12, "AES-CBC" }, { 13, "AES-CTR" },
		{ 18, "AES-GCM" }, { 19, "AES-GCM" }, { 20, "AES-GCM" },
		{ 28, "CHACHA20-POLY1305" },
	};

	return lookup(t, NELEM(t), a->encr, "ENCR");
}

const char *
st_cisco_ike_hash(unsigned integ)
{
	static const struct name t[] = {
		{ 0, "None" }, { 1, "MD596" }, { 2, "SHA96" }, { 5, "XCBC96" },
		{ 12, "SHA256" }, { 13, "SHA384" }, { 14, "SHA512" },
	};

	return lookup(t, NELEM(t), integ, "INTEG");
}

const char *
st_cisco_ike_prf(unsigned prf)
{
	static const struct name t[] = {
		{ 0, "None" }, { 1, "MD5" }, { 2, "SHA1" }, { 4, "AES-XCBC" },
		{ 5, "SHA256" }, { 6, "SHA384" }, { 7, "SHA512" }, { 8, "AES-CMAC" },
	};

	return lookup(t, NELEM(t), prf, "PRF");
}

const char *
st_cisco_isakmp_encr(const struct st_algs *a)
{
	static char buf[16];

	switch (a->encr) {
	case 2:
		return "des";
	case 3:
		return "3des";
	case 12:
		if (keylen(a) == 128)
			return "aes";
		snprintf(buf, sizeof(buf), "aes%u", keylen(a));
		return buf;
	default:
		snprintf(buf, sizeof(buf), "encr%u", a->encr);
		return buf;
	}
}

const char *
st_cisco_isakmp_hash(unsigned integ)
{
	static const struct name t[] = {
		{ 1, "md5" }, { 2, "sha" }, { 12, "sha256" }, { 13, "sha384" },
		{ 14, "sha512" },
	};

	return lookup(t, NELEM(t), integ, "hash");
}

const char *
st_term_name(enum st_term reason)
{
	static const struct name t[] = {
		{ ST_TERM_OTHER, "other" }, { ST_TERM_NORMAL, "normal" },
		{ ST_TERM_OPER, "operator request" }, { ST_TERM_PEER_DEL, "peer delete" },
		{ ST_TERM_PEER_LOST, "peer lost" }, { ST_TERM_LOCAL_FAIL, "local failure" },
		{ ST_TERM_CHECKPOINT, "checkpoint" },
	};

	return lookup(t, NELEM(t), reason, "reason");
}

const char *
st_ike_fail_name(enum st_ike_fail reason)
{
	static const struct name t[] = {
		{ ST_IKEF_OTHER, "other" }, { ST_IKEF_PEER_DEL, "peer delete" },
		{ ST_IKEF_PEER_LOST, "peer lost" }, { ST_IKEF_LOCAL, "local failure" },
		{ ST_IKEF_AUTH, "authentication failed" }, { ST_IKEF_HASH, "hash failed" },
		{ ST_IKEF_ENCRYPT, "encryption failed" }, { ST_IKEF_INTERNAL, "internal error" },
		{ ST_IKEF_SYSCAP, "system capacity" }, { ST_IKEF_PROPOSAL, "no proposal chosen" },
		{ ST_IKEF_ENCODING, "bad encoding" }, { ST_IKEF_NO_SA, "no SA" },
		{ ST_IKEF_OPER, "operator request" },
	};

	return lookup(t, NELEM(t), reason, "reason");
}

const char *
st_ipsec_fail_name(enum st_ipsec_fail reason)
{
	static const struct name t[] = {
		{ ST_IPF_OTHER, "other" }, { ST_IPF_INTERNAL, "internal error" },
		{ ST_IPF_ENCODING, "bad encoding" }, { ST_IPF_PROPOSAL, "no proposal chosen" },
		{ ST_IPF_PROTO_USE, "protocol use failure" }, { ST_IPF_NO_SA, "no SA" },
		{ ST_IPF_DECRYPT, "decryption failed" }, { ST_IPF_ENCRYPT, "encryption failed" },
		{ ST_IPF_IN_AUTH, "inbound authentication failed" },
		{ ST_IPF_OUT_AUTH, "outbound authentication failed" },
		{ ST_IPF_SYSCAP, "system capacity" }, { ST_IPF_PEER_DEL, "peer delete" },
		{ ST_IPF_PEER_LOST, "peer lost" }, { ST_IPF_SEQ_ROLLOVER, "sequence number rollover" },
		{ ST_IPF_OPER, "operator request" },
	};

	return lookup(t, NELEM(t), reason, "reason");
}
