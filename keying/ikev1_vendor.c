/* IKEv1 vendor IDs: a table of the IDs strongSwan, Cisco IOS and the RFCs
 * they implement send, recognised by exact bytes or by a prefix followed
 * by version bytes; and the ones we send ourselves. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"

static const struct vid {
	enum ikev1_vendor kind;
	size_t		 len;		/* bytes to send */
	size_t		 match;		/* prefix that identifies it */
	uint8_t		 bytes[20];
} vids[] = {
	/* RFC 3706 */
	{ IKEV1_VID_DPD, 16, 14, { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1,
	    0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 } },
	/* MD5("RFC 3947") */
	{ IKEV1_VID_NATT_RFC, 16, 16, { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03,
	    0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f } },
	/* MD5("draft-ietf-ipsec-nat-t-ike-02\n") */
	{ IKEV1_VID_NATT_DRAFT_02, 16, 16, { 0x90, 0xcb, 0x80, 0x91, 0x3e,
	    0xbb, 0x69, 0x6e, 0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b,
	    0x1f } },
	/* MD5("draft-ietf-ipsec-nat-t-ike-02") */
	{ IKEV1_VID_NATT_DRAFT_02, 16, 16, { 0xcd, 0x60, 0x46, 0x43, 0x35,
	    0xdf, 0x21, 0xf8, 0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4,
	    0x48 } },
	/* MD5("draft-ietf-ipsec-nat-t-ike-03") */
	{ IKEV1_VID_NATT_DRAFT_03, 16, 16, { 0x7d, 0x94, 0x19, 0xa6, 0x53,
	    0x10, 0xca, 0x6f, 0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d,
	    0x56 } },
	/* MD5("draft-ietf-ipsec-nat-t-ike-07"): IOS sends it beside 02/03 */
	{ IKEV1_VID_NATT_DRAFT_07, 16, 16, { 0x43, 0x9b, 0x59, 0xf8, 0xba,
	    0x67, 0x6c, 0x4c, 0x77, 0x37, 0xae, 0x22, 0xea, 0xb8, 0xf5,
	    0x82 } },
	/* MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"), first 8 bytes */
	{ IKEV1_VID_XAUTH, 8, 8, { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7,
	    0x12 } },
	/* MD5("CISCO-UNITY") with major 1, minor 0 in the last two bytes */
	{ IKEV1_VID_CISCO_UNITY, 16, 14, { 0x12, 0xf5, 0xf2, 0x8c, 0x45,
	    0x71, 0x68, 0xa9, 0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01,
	    0x00 } },
	/* MD5("FRAGMENTATION"), Cisco appends 4 bytes of flags */
	{ IKEV1_VID_FRAGMENTATION, 16, 16, { 0x40, 0x48, 0xb7, 0xd5, 0x6e,
	    0xbc, 0xe8, 0x85, 0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2,
	    0xd3 } },
	/* MD5("strongSwan"): charon sends it with send_vendor_id = yes */
	{ IKEV1_VID_STRONGSWAN, 16, 16, { 0x88, 0x2f, 0xe5, 0x6d, 0x6f,
	    0xd2, 0x0d, 0xbc, 0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b,
	    0xeb } },
	/* Cisco's own ID (VPN 3000 and IOS), two version bytes after it */
	{ IKEV1_VID_CISCO_IOS, 16, 14, { 0x1f, 0x07, 0xf7, 0x0e, 0xaa,
	    0x65, 0x14, 0xd3, 0xb0, 0xfa, 0x96, 0x54, 0x2a, 0x50 } },
	/* IOS's readable IDs */
	{ IKEV1_VID_CISCO_IOS, 19, 19, { 'C', 'I', 'S', 'C', 'O', '-', 'D',
	    'E', 'L', 'E', 'T', 'E', '-', 'R', 'E', 'A', 'S', 'O', 'N' } },
	{ IKEV1_VID_CISCO_IOS, 19, 19, { 'C', 'I', 'S', 'C', 'O', '-', 'D',
	    'Y', 'N', 'A', 'M', 'I', 'C', '-', 'R', 'O', 'U', 'T', 'E' } },
};

/* What we send: the extensions the engine speaks. */
static const enum ikev1_vendor ours[] = { IKEV1_VID_DPD,
    IKEV1_VID_NATT_RFC };

static const char *const names[IKEV1_VID_MAX] = {
	[IKEV1_VID_UNKNOWN]		= "unknown",
	[IKEV1_VID_DPD]			= "DPD",
	[IKEV1_VID_NATT_RFC]		= "NAT-T RFC 3947",
	[IKEV1_VID_NATT_DRAFT_02]	= "NAT-T draft-02",
	[IKEV1_VID_NATT_DRAFT_03]	= "NAT-T draft-03",
	[IKEV1_VID_XAUTH]		= "XAUTH",
	[IKEV1_VID_CISCO_UNITY]		= "Cisco Unity",
	[IKEV1_VID_FRAGMENTATION]	= "FRAGMENTATION",
	[IKEV1_VID_STRONGSWAN]		= "strongSwan",
	[IKEV1_VID_NATT_DRAFT_07]	= "NAT-T draft-07",
	[IKEV1_VID_CISCO_IOS]		= "Cisco IOS",
};

enum ikev1_vendor
ikev1_vendor_kind(const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(vids) / sizeof(vids[0]); i++) {
		if (len < vids[i].match || len > 20)
			continue;
		/* an exact ID, or a known prefix with version bytes after it */
		if ((len == vids[i].len || len > vids[i].match) &&
		    memcmp(data, vids[i].bytes, vids[i].match) == 0)
			return vids[i].kind;
	}
	return IKEV1_VID_UNKNOWN;
}

const uint8_t *
ikev1_vendor_bytes(enum ikev1_vendor v, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof(vids) / sizeof(vids[0]); i++)
		if (vids[i].kind == v) {
			*len = vids[i].len;
			return vids[i].bytes;
		}
	*len = 0;
	return NULL;
}

const char *
ikev1_vendor_name(enum ikev1_vendor v)
{
	return (unsigned)v < IKEV1_VID_MAX && names[v] ? names[v] : "unknown";
}

const char *
ikev1_vendor_list(uint32_t set, char *dst, size_t len)
{
	size_t off = 0;
	int n, v;

	if (len == 0)
		return dst;
	dst[0] = '\0';
	for (v = IKEV1_VID_UNKNOWN + 1; v < IKEV1_VID_MAX; v++) {
		if (!(set & IKEV1_VID_BIT(v)))
			continue;
		n = snprintf(dst + off, len - off, "%s%s", off ? ", " : "",
		    ikev1_vendor_name(v));
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(dst, len, "none");
	return dst;
}

uint32_t
ikev1_vendor_note(const struct ikev1_msg *m, uint32_t *seen, const char *ctx)
{
	const struct ikev1_pl *pl;
	enum ikev1_vendor v;
	uint32_t set = 0;
	char hex[2 * 20 + 1];
	size_t i, j;

	for (i = 0; (pl = ikev1_msg_get(m, IKEV1_PL_VENDOR, i)) != NULL; i++) {
		v = ikev1_vendor_kind(pl->body, pl->len);
		if (v == IKEV1_VID_UNKNOWN) {
			for (j = 0; j < pl->len && j < 20; j++)
				snprintf(hex + 2 * j, 3, "%02x", pl->body[j]);
			hex[2 * j] = '\0';
			log_debug("IKEv1:%s: unknown vendor ID %s%s", ctx, hex,
			    pl->len > 20 ? "..." : "");
			continue;
		}
		set |= IKEV1_VID_BIT(v);
		if (!(*seen & IKEV1_VID_BIT(v)))
			log_info("IKEv1:%s: vendor ID is %s", ctx,
			    ikev1_vendor_name(v));
		*seen |= IKEV1_VID_BIT(v);
	}
	return set;
}

void
ikev1_vendor_sa(struct isakmp_sa *sa, const struct ikev1_msg *m)
{
	struct st_ike *st;
	char ctx[24];

	snprintf(ctx, sizeof(ctx), "(SA ID = %u)", sa->st_index);
	if (ikev1_vendor_note(m, &sa->vids, ctx) &&
	    (st = st_ike_get(sa->st_index)) != NULL)
		st->vendors = sa->vids;
}

int
ikev1_vendor_add(struct ike_builder *bl)
{
	const uint8_t *b;
	size_t i, len;

	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if ((b = ikev1_vendor_bytes(ours[i], &len)) == NULL ||
		    ikev1_build_raw(bl, IKEV1_PL_VENDOR, b, len) < 0)
			return -1;
	return 0;
}
